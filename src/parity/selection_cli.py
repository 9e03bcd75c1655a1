"""`parity select ...`: propose which waiting families to invite, approve a proposal (someone else), show one.

A thin shell over `parity.services.selection`; the main CLI registers `select_app`. Errors exit 1 with the reason.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.table import Table

from parity.bootstrap import build_services
from parity.config import Settings
from parity.domain.errors import DomainError
from parity.selection import Method
from parity.selection.proposal import METHODS
from parity.services.ports import NotFound
from parity.services.selection import (
    ApproveProposal,
    ProposeInvitations,
    approve_proposal,
    get_proposal,
    list_proposals,
    propose_invitations,
)

T = TypeVar("T")

select_app = typer.Typer(
    help="Admissions selection: propose families to invite; another person approves.", no_args_is_help=True
)
console = Console()
errors = Console(stderr=True)

ActorOption = Annotated[str, typer.Option("--actor", help="Who is acting (recorded; proposer and approver differ)")]
CommandIdOption = Annotated[str | None, typer.Option("--command-id", help="Client command id (repeat-safe)")]


def _run(work: Callable[[], T]) -> T:
    try:
        return work()
    except (DomainError, NotFound) as error:
        errors.print(f"[bold red]Error:[/] {error}", highlight=False)
        raise typer.Exit(code=1) from None


@select_app.command("propose")
def propose_command(
    *,
    actor: ActorOption,
    scheme: Annotated[str, typer.Option("--scheme", help="Scheme id")] = "uk-fr-2025",
    places: Annotated[int | None, typer.Option(help="People to invite (default: what the ledger allows now)")] = None,
    method: Annotated[str, typer.Option(help=f"Selection method: {' or '.join(METHODS)}")] = "mip",
    window: Annotated[str | None, typer.Option(help="Select from this application window only")] = None,
    command_id: CommandIdOption = None,
) -> None:
    """Propose which waiting families to invite, ranked and explained. Nobody is invited until it is approved."""
    services = build_services(Settings.from_environment())
    # Typer has no choice of literals; the service refuses any method not in METHODS, with the reason.
    command = ProposeInvitations(command_id or str(uuid.uuid4()), scheme, actor, places, cast(Method, method), window)
    print_proposal(_run(lambda: propose_invitations(services, command)))


@select_app.command("approve")
def approve_command(
    proposal_id: str,
    *,
    actor: ActorOption,
    remove: Annotated[list[str] | None, typer.Option(help="Case id to take out (repeat for more)")] = None,
    add: Annotated[list[str] | None, typer.Option(help="Case id of a waiting family to add (repeat for more)")] = None,
    reason: Annotated[str | None, typer.Option(help="Why the selection is amended (required to amend)")] = None,
    command_id: CommandIdOption = None,
) -> None:
    """Approve a proposal (not your own), as proposed or amended, and invite its families."""
    services = build_services(Settings.from_environment())
    command = ApproveProposal(
        command_id or str(uuid.uuid4()), proposal_id, actor, tuple(remove or ()), tuple(add or ()), reason
    )
    print_proposal(_run(lambda: approve_proposal(services, command)))


@select_app.command("show")
def show_command(
    proposal_id: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print the stored proposal as JSON")] = False,
) -> None:
    """Show a proposal: the ranked families, why others were not chosen, and its approval."""
    view = _run(lambda: get_proposal(build_services(Settings.from_environment()), proposal_id))
    if as_json:
        console.print_json(json.dumps(view))
    else:
        print_proposal(view)


@select_app.command("list")
def list_command(
    scheme: Annotated[str | None, typer.Option("--scheme", help="Only this scheme's proposals")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, most recent first")] = 20,
) -> None:
    """The most recent proposals."""
    views = _run(lambda: list_proposals(build_services(Settings.from_environment()), scheme, limit))
    table = Table()
    table.add_column("proposal", overflow="fold")  # needed whole for show and approve
    for column in ("scheme", "status", "proposed by", "at (UTC)", "places filled", "approved by"):
        table.add_column(column)
    for view in views:
        approval = view["approval"]
        table.add_row(
            view["proposal_id"],
            view["scheme_id"],
            view["status"],
            view["proposed_by"],
            view["proposed_at"][:16],
            f"{view['places_filled']} of {view['places']}",
            "" if approval is None else approval["approved_by"],
        )
    console.print(table)


def print_proposal(view: Mapping[str, Any]) -> None:
    title = f"Chosen: {view['places_filled']} of {view['places']} places, {len(view['chosen'])} families"
    chosen = _family_table(title, "score by factor")
    for family in view["chosen"]:
        chosen.add_row(*_family_cells(family), _factors(family))
    console.print(chosen)

    if view["passed_over"]:
        title = f"Best-ranked not chosen ({len(view['passed_over'])} of {view['not_chosen_count']})"
        passed_over = _family_table(title, "why not chosen")
        for family in view["passed_over"]:
            passed_over.add_row(*_family_cells(family), f"{family['reason']}: {family['detail']}")
        console.print(passed_over)
    for case in view["not_considered"]:
        console.print(
            f"Not considered: {case['family_ref']} ({case['application_id']}), barred since found eligible: "
            + "; ".join(case["bars"]),
            highlight=False,
        )

    solver = view["solver"]
    gap = "" if solver["gap"] is None else f", gap {solver['gap']:g}"
    console.print(
        f"Proposal {view['proposal_id']} ({view['status']}), "
        f"by {view['proposed_by']} at {view['proposed_at'][:16]} UTC\n"
        f"Method {view['method']}: solver status {view['solver_status']} ({solver['solver']}{gap}), "
        f"objective {view['objective']:g}, {view['candidates_considered']} families considered\n"
        f"Scheme {view['scheme_id']} version {view['scheme_version']}, as of {view['as_of']}, "
        f"inputs hash {view['inputs_hash']}",
        highlight=False,
    )
    approval = view["approval"]
    if approval is not None:
        amended = (
            f"; removed {', '.join(approval['removed']) or 'none'}, added {', '.join(approval['added']) or 'none'}"
        )
        console.print(
            f"Approved by {approval['approved_by']} at {approval['approved_at'][:16]} UTC: "
            f"{len(approval['invited'])} families invited"
            + (amended + f" ({approval['reason']})" if approval["reason"] else ""),
            highlight=False,
        )
    elif view["status"] == "superseded":
        console.print(f"Superseded by proposal {view['superseded_by']}.", highlight=False)
    else:
        console.print(
            f"Nothing is invited until someone other than {view['proposed_by']} approves it: "
            f"parity select approve {view['proposal_id']} --actor NAME",
            highlight=False,
        )


def _family_table(title: str, explanation: str) -> Table:
    table = Table(title=title)
    for column in ("rank", "family ref"):
        table.add_column(column, no_wrap=True)
    table.add_column("case id", overflow="fold")  # needed whole for --remove and --add
    for column in ("size", "score"):
        table.add_column(column, no_wrap=True, justify="right")
    table.add_column(explanation)
    return table


def _family_cells(family: Mapping[str, Any]) -> tuple[str, ...]:
    return (
        str(family["rank"]),
        family["family_ref"],
        family["application_id"],
        str(family["size"]),
        f"{family['score']:g}",
    )


def _factors(family: Mapping[str, Any]) -> str:
    return "\n".join(f"{part['factor']} +{part['points']:g}" for part in family["breakdown"])

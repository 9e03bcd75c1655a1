"""The `parity` command: a thin shell over the services. Configuration comes from the environment (see config.py)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from parity.bootstrap import build_services, database
from parity.config import Settings
from parity.domain.errors import DomainError
from parity.scheme import Scheme, SchemeError, bundled_scheme_ids, load_scheme
from parity.services.arrivals_csv import ArrivalsFileRejected, parse_arrivals_csv
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case
from parity.services.context import Services, SettableClock
from parity.services.intake import import_arrivals
from parity.services.ports import NotFound
from parity.services.reports import LedgerReport, deadline_board, weekly_ledger

app = typer.Typer(
    help="Parity: run, audit and evaluate one-in-one-out return and admission schemes.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
scheme_app = typer.Typer(help="Scheme files: policy as data.", no_args_is_help=True)
import_app = typer.Typer(help="Bulk imports (all or nothing).", no_args_is_help=True)
case_app = typer.Typer(help="Return and admission cases.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(scheme_app, name="scheme")
app.add_typer(import_app, name="import")
app.add_typer(case_app, name="case")

console = Console()
errors = Console(stderr=True)
SchemeOption = Annotated[str, typer.Option("--scheme", help="Scheme id")]
ActorOption = Annotated[str, typer.Option("--actor", help="Who is acting (recorded on every action)")]


def _services() -> Services:
    return build_services(Settings.from_environment())


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]Error:[/] {message}", highlight=False)
    return typer.Exit(code=1)


def _load_scheme(reference: str) -> Scheme:
    try:
        return load_scheme(reference)
    except SchemeError as error:
        raise _fail(str(error)) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    settings = Settings.from_environment()
    database(settings.database_url)
    console.print(f"Database at {settings.database_url} is up to date.")


@scheme_app.command("validate")
def scheme_validate(reference: Annotated[str, typer.Argument(help="Scheme file path or bundled id")]) -> None:
    """Check a scheme file; exits non-zero naming each bad field and why."""
    scheme = _load_scheme(reference)
    console.print(f"{scheme.id} is valid (version {scheme.version}).")


@scheme_app.command("show")
def scheme_show(reference: Annotated[str, typer.Argument(help="Scheme file path or bundled id")]) -> None:
    """Print a scheme's rules as validated, with its version."""
    scheme = _load_scheme(reference)
    console.print_json(json.dumps({"version": scheme.version, **scheme.model_dump(mode="json")}))


@scheme_app.command("list")
def scheme_list() -> None:
    """List the bundled schemes."""
    for scheme_id in bundled_scheme_ids():
        scheme = load_scheme(scheme_id)
        console.print(f"{scheme.id}\t{scheme.version}\t{scheme.name}")


@import_app.command("arrivals")
def import_arrivals_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    scheme: SchemeOption = "uk-fr-2025",
    actor: ActorOption = "cli",
) -> None:
    """Import a CSV of small-boat arrivals (one row per person): every bad line is reported and nothing is kept."""
    services = _services()
    text = file.read_text(encoding="utf-8-sig")
    try:
        parsed = parse_arrivals_csv(text, services.scheme(scheme), actor, services.clock.now())
        result = import_arrivals(services, f"import:{parsed.file_hash}", scheme, parsed.arrivals)
    except ArrivalsFileRejected as error:
        raise _fail(f"{file} was not imported.\n{error}") from None
    except DomainError as error:
        raise _fail(f"{file} was not imported: {error}") from None
    console.print(
        f"Imported {result['arrivals']} arrivals, {result['people']} people: "
        f"{result['eligible']} eligible for return, {result['ineligible']} not."
    )


@case_app.command("show")
def case_show(case_id: str) -> None:
    """Show a case's status, history and clocks."""
    services = _services()
    with services.uow() as uow:
        try:
            scheme_id = uow.returns.scheme_of(case_id)
            case = uow.returns.get(case_id)
        except NotFound:
            try:
                scheme_id = uow.admissions.scheme_of(case_id)
            except NotFound:
                raise _fail(f"no return or admission case {case_id}") from None
            admission = uow.admissions.get(case_id)
            _print_case(admission.id, admission.status.value, admission.version, admission.actions)
            _print_deadlines(admission.deadlines(services.scheme(scheme_id)), services)
            return
    _print_case(case.id, case.status.value, case.version, case.actions)
    _print_deadlines(case.deadlines(services.scheme(scheme_id)), services)


def _print_case(case_id: str, status: str, version: int, actions: list) -> None:  # type: ignore[type-arg]
    console.print(f"[bold]{case_id}[/]  status: [bold]{status}[/]  version: {version}")
    table = Table("when (UTC)", "action", "by", "scheme", "details")
    for action in actions:
        table.add_row(
            action.at.strftime("%Y-%m-%d %H:%M"),
            action.kind,
            action.actor,
            f"{action.scheme.id}@{action.scheme.version[:8]}",
            json.dumps(dict(action.payload)) if action.payload else "",
        )
    console.print(table)


def _print_deadlines(deadlines: list, services: Services) -> None:  # type: ignore[type-arg]
    now = services.clock.now()
    table = Table("clock", "due (UTC)", "state", "binding")
    for deadline in deadlines:
        table.add_row(
            deadline.name,
            deadline.due_at.strftime("%Y-%m-%d %H:%M"),
            deadline.state(now).value,
            "yes" if deadline.binding else "aim",
        )
    console.print(table)


@case_app.command("advance")
def case_advance(
    case_id: str,
    action: Annotated[str, typer.Argument(help="Action name, e.g. detain, send_request, accept")],
    payload: Annotated[str, typer.Option(help="Action details as a JSON object")] = "{}",
    command_id: Annotated[str | None, typer.Option(help="Client command id (repeat-safe)")] = None,
    expected_version: Annotated[int | None, typer.Option(help="Refuse if the case has moved on")] = None,
    actor: ActorOption = "cli",
) -> None:
    """Take one action on a return or admission case."""
    services = _services()
    try:
        details = json.loads(payload)
    except json.JSONDecodeError as error:
        raise _fail(f"--payload is not JSON: {error}") from None
    command = CaseCommand(command_id or str(uuid.uuid4()), actor, case_id, action, details, expected_version)
    with services.uow() as uow:
        try:
            uow.returns.scheme_of(case_id)
            act = act_on_return_case
        except NotFound:
            act = act_on_admission_case
    try:
        result = act(services, command)
    except (DomainError, NotFound) as error:
        raise _fail(str(error)) from None
    console.print(f"{result['case_id']} is now {result['status']} (version {result['version']}).")


@app.command("deadlines")
def deadlines(
    scheme: SchemeOption = "uk-fr-2025",
    all_running: Annotated[bool, typer.Option("--all", help="Include clocks that are not yet near")] = False,
) -> None:
    """Legal deadlines that are overdue or near, most urgent first."""
    services = _services()
    rows = deadline_board(services, scheme, include_running=all_running)
    table = Table("case", "type", "status", "clock", "due (UTC)", "state", "time left")
    for row in rows:
        table.add_row(
            row.case_id[:8],
            row.case_type,
            row.status,
            row.deadline + ("" if row.binding else " (aim)"),
            row.due_at.strftime("%Y-%m-%d %H:%M"),
            row.state.value,
            _duration(row.time_left.total_seconds()),
        )
    console.print(table)
    console.print(f"{len(rows)} deadline(s).")


def _duration(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    hours = abs(int(seconds)) // 3600
    return f"{sign}{hours // 24}d {hours % 24}h"


@app.command("ledger")
def ledger(scheme: SchemeOption = "uk-fr-2025") -> None:
    """The weekly parity ledger: returns against admissions, running totals and balance."""
    print_ledger(weekly_ledger(_services(), scheme))


def print_ledger(report: LedgerReport) -> None:
    table = Table(
        "week from",
        "returned",
        "clearances issued",
        "admitted",
        "total returned",
        "total admitted",
        "balance",
        title=f"Parity ledger — {report.scheme_id}",
    )
    for week in report.weeks:
        table.add_row(
            str(week.week_start),
            str(week.returned),
            str(week.clearances_issued),
            str(week.admitted),
            str(week.cumulative_returned),
            str(week.cumulative_admitted),
            f"{week.balance:+g}",
        )
    console.print(table)
    state = "PAUSED (admissions lead beyond tolerance)" if report.admissions_paused else "open"
    console.print(
        f"Returned {report.returned}, admitted {report.admitted}, clearances outstanding {report.committed}; "
        f"balance {report.balance:+g} (tolerance {report.tolerance}); weekly level {report.weekly_level}; "
        f"admissions {state}" + ("; returns ahead: new requests flagged" if report.returns_ahead else "")
    )


@app.command("demo")
def demo(
    weeks: Annotated[int, typer.Option(min=1, max=44, help="Weeks of the pilot to replay from 6 Aug 2025")] = 8,
    seed: int = 2025,
) -> None:
    """Seed a database with the pilot's first weeks (real arrivals, synthetic people) and print the ledger."""
    from parity.demo import SCHEME, seed_demo

    settings = Settings.from_environment()
    clock = SettableClock(datetime(2025, 8, 6, tzinfo=UTC))
    services = build_services(settings, clock)
    with services.uow() as uow:
        if uow.returns.count_by_status(SCHEME):
            raise _fail(f"{settings.database_url} already holds cases: set PARITY_DATABASE_URL to a new database")
    with Progress(console=console) as progress:
        task = progress.add_task("Replaying the pilot day by day", total=weeks * 7)
        summary = seed_demo(
            services, clock, weeks, seed, lambda done, total: progress.update(task, completed=done, total=total)
        )
    console.print(
        f"Seeded {summary.days} days: {summary.arrivals} boats, {summary.people} people, "
        f"{summary.returned} returned, {summary.admitted} admitted. Database: {settings.database_url}"
    )
    print_ledger(weekly_ledger(services, SCHEME))

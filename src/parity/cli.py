"""The `parity` command: a thin shell over the services. Configuration comes from the environment (see config.py)."""

from __future__ import annotations

import getpass
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from parity.admin_cli import audit_app, users_app
from parity.api.cli import run_server, serve
from parity.bootstrap import build_services, database
from parity.config import Settings
from parity.domain.errors import DomainError
from parity.domain.notices import NoticeKind, OperatingState
from parity.identity.cli import identity_app
from parity.identity_calibration_cli import calibrate_from_decisions_command
from parity.personal_data_cli import keys_app, retention_app, subject_access_app
from parity.scheme import Scheme, SchemeError, bundled_scheme_ids, load_scheme
from parity.selection_cli import select_app
from parity.services.arrivals_csv import ArrivalsFileRejected, parse_arrivals_csv
from parity.services.audit import Acting, acting_as, record_access
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case
from parity.services.context import Services, SettableClock
from parity.services.demo import create_demo_accounts
from parity.services.identity import DecideIdentityMatch, decide_identity_match, identity_flags
from parity.services.intake import import_arrivals
from parity.services.lapses import record_lapses
from parity.services.notices import GiveNotice, give_notice, scheme_timeline
from parity.services.ports import NotFound
from parity.services.reports import LedgerReport, deadline_board, transfer_costs, weekly_ledger
from parity.simulate import ScenarioError, load_scenario
from parity.simulate.cli import DEFAULT_SEED, progress_bar, simulate_app
from parity.simulate.errors import TwinError
from parity.simulate.twin import TwinResult, run_twin

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
app.add_typer(simulate_app, name="simulate")
app.add_typer(identity_app, name="identity")
app.add_typer(select_app, name="select")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(retention_app, name="retention")
app.add_typer(subject_access_app, name="subject-access")
app.command("serve")(serve)
identity_app.command("calibrate-from-decisions")(calibrate_from_decisions_command)

console = Console()
errors = Console(stderr=True)


def _loaded_scheme(scheme_id: str) -> str:
    """The scheme id, if it is one of the schemes loaded (PARITY_SCHEMES); else a usage error naming them."""
    loaded = [load_scheme(reference).id for reference in Settings.from_environment().schemes]
    if scheme_id not in loaded:
        raise typer.BadParameter(f"'{scheme_id}' is not a loaded scheme (loaded: {', '.join(loaded) or 'none'})")
    return scheme_id


SchemeOption = Annotated[str, typer.Option("--scheme", help="Scheme id", callback=_loaded_scheme)]
ActorOption = Annotated[str, typer.Option("--actor", help="Who is acting (recorded on every action)")]


@app.callback()
def _as_local_operator(context: typer.Context) -> None:
    # Every command is audited as the operator's account on this machine (the --actor of a case action is who
    # the operator says took the decision; the audit log keeps who actually ran the command).
    context.with_resource(acting_as(Acting(f"cli:{getpass.getuser()}", "operator", "cli")))


def _services() -> Services:
    return build_services(Settings.from_environment())


def shown_url(url: str) -> str:
    """A database URL as printed: with its password hidden, since terminal output and CI logs are kept."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL SQLAlchemy can read: whatever it holds is not printed
        return "(the database URL)"


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
    console.print(f"Database at {shown_url(settings.database_url)} is up to date.")


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


@scheme_app.command("notice")
def scheme_notice(
    kind: Annotated[NoticeKind, typer.Argument(help="suspension (one week), termination (one month) or resumption")],
    given_by: Annotated[str, typer.Option("--by", help="Country code of the party giving notice, e.g. GB or FR")],
    reason: Annotated[str, typer.Option("--reason", help="Why notice is given (recorded)")],
    scheme: SchemeOption = "uk-fr-2025",
    actor: ActorOption = "cli",
) -> None:
    """Record a party's notice (rule 24); it takes effect when its notice period ends."""
    services = _services()
    try:
        result = give_notice(services, GiveNotice(str(uuid.uuid4()), actor, scheme, kind, given_by, reason))
    except DomainError as error:
        raise _fail(str(error)) from None
    console.print(f"Notice of {result['kind']} recorded; it takes effect at {result['effective_at']}.")


@scheme_app.command("status")
def scheme_status(scheme: SchemeOption = "uk-fr-2025") -> None:
    """Whether the scheme is operating, under notice, suspended or terminated, and since or until when."""
    services = _services()
    with services.uow() as uow:
        status = scheme_timeline(uow, services.scheme(scheme)).status(services.clock.now())
    when = f" (effective {status.effective_at:%Y-%m-%d %H:%M} UTC)" if status.effective_at else ""
    pending = f": notice of {status.pending.kind.value} given by {status.pending.given_by}" if status.pending else ""
    state = "under notice" if status.state is OperatingState.NOTICE_PERIOD else status.state.value
    console.print(f"{scheme} is {state}{pending}{when}.")


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
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Recording and screening arrivals", total=len(parsed.arrivals))
            result = import_arrivals(
                services,
                f"import:{parsed.file_hash}",
                scheme,
                parsed.arrivals,
                progress=lambda done: progress.update(task, completed=done),
            )
    except ArrivalsFileRejected as error:
        raise _fail(f"{file} was not imported.\n{error}") from None
    except DomainError as error:
        raise _fail(f"{file} was not imported: {error}") from None
    console.print(
        f"Imported {result['arrivals']} arrivals, {result['people']} people: "
        f"{result['eligible']} eligible for return, {result['ineligible']} not."
    )


@identity_app.command("flags")
def identity_flags_command(case_id: Annotated[str, typer.Argument(help="Return or admission case id")]) -> None:
    """Identity flags raised for a case's people: the candidate, the model's evidence, and any decision."""
    table = Table("flag", "candidate record", "weight", "basis", "strongest evidence", "status", "model")
    for flag in identity_flags(_services(), case_id):
        strongest = sorted(flag.contributions.items(), key=lambda item: -abs(item[1]))[:3]
        evidence = ", ".join(f"{name} {weight:+.1f}" for name, weight in strongest)
        weight = f"{flag.match_weight:.1f}"
        row = (flag.id, flag.candidate_record_id, weight, flag.basis, evidence, flag.status.value, flag.model_version)
        table.add_row(*row)
    console.print(table)


@identity_app.command("decide")
def identity_decide(
    flag_id: Annotated[str, typer.Argument(help="Flag id (see `parity identity flags CASE_ID`)")],
    same_person: Annotated[bool, typer.Option("--same-person/--not-same-person", help="Your decision")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded on the case)")],
    actor: ActorOption = "cli",
) -> None:
    """Decide an identity flag: the decision is recorded on the case with the model version it answers."""
    try:
        result = decide_identity_match(
            _services(), DecideIdentityMatch(str(uuid.uuid4()), flag_id, actor, same_person, reason)
        )
    except (DomainError, NotFound) as error:
        raise _fail(str(error)) from None
    console.print_json(json.dumps(result, default=str))


@case_app.command("show")
def case_show(case_id: str) -> None:
    """Show a case's status, history and clocks."""
    services = _services()
    admission = None
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
    # The history holds free text about the person: a read of personal data, audited as the API's is.
    if admission is not None:
        record_access(services, "admission_case:read", [case_id])
        _print_case(admission.id, admission.status.value, admission.version, admission.actions)
        _print_deadlines(admission.deadlines(services.scheme(scheme_id)), services)
        return
    record_access(services, "return_case:read", [case_id])
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
    if not isinstance(details, dict):
        raise _fail('--payload must be a JSON object, like \'{"reason": "..."}\'')
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


@app.command("record-lapses")
def record_lapses_command(scheme: SchemeOption = "uk-fr-2025") -> None:
    """Record every deadline passed with nothing done: requests no longer possible, replies overdue, locations not
    confirmed, entry clearances unused (their places go back to the ledger). Run it from a scheduler every few
    minutes; exits 1 if a lapse could not be recorded (the next run tries it again)."""
    run = record_lapses(_services(), scheme)
    for action, count in sorted(run.recorded.items()):
        console.print(f"{action}: {count}")
    for case_id, action, why in run.not_recorded:
        errors.print(f"not recorded: {action} on {case_id}: {why}", highlight=False)
    console.print(f"{run.recorded.total()} lapse(s) recorded; {len(run.not_recorded)} left for the next run.")
    if run.not_recorded:
        raise typer.Exit(code=1)


def _duration(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    hours = abs(int(seconds)) // 3600
    return f"{sign}{hours // 24}d {hours % 24}h"


@app.command("ledger")
def ledger(scheme: SchemeOption = "uk-fr-2025") -> None:
    """The weekly parity ledger: returns against admissions, running totals and balance."""
    print_ledger(weekly_ledger(_services(), scheme))


@app.command("costs")
def costs(scheme: SchemeOption = "uk-fr-2025") -> None:
    """What returns cost the UK (rule 12): per flight and per person, from the costs recorded at scheduling."""
    flights = transfer_costs(_services(), scheme)
    table = Table("flight", "people returned", "with a cost recorded", "cost (GBP)", "per person (GBP)")
    for flight in flights:
        per_person = "" if flight.per_person is None else f"{flight.per_person:,.2f}"
        table.add_row(flight.flight_ref, str(flight.people), str(flight.costed), f"{flight.cost_gbp:,.2f}", per_person)
    console.print(table)
    costed = sum(f.costed for f in flights)
    total = sum((f.cost_gbp for f in flights), Decimal(0))
    average = f"; {total / costed:,.2f} per person costed" if costed else ""
    people = sum(f.people for f in flights)
    console.print(f"{people} people returned on {len(flights)} flights: {total:,.2f} GBP{average}.")


def print_ledger(report: LedgerReport) -> None:
    table = Table(
        "week from",
        "returned",
        "clearances issued",
        "admitted",
        "given back",
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
            str(week.clearances_released),
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
    serve_after: Annotated[bool, typer.Option("--serve", help="Then start the web interface and the API")] = False,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on (with --serve)")] = 8000,
) -> None:
    """Seed a database with the pilot's first weeks, replayed through the services by the twin (real arrivals,
    synthetic people), and one demo account per role; print the ledger and the demo sign-ins."""
    settings = Settings.from_environment()
    services = _replay_through_twin(settings, DEMO_SCENARIO, weeks, seed)
    accounts = create_demo_accounts(services)
    console.print("Demo sign-ins (this database only; each code is accepted once, so wait 30 s between sign-ins):")
    for account in accounts:
        console.print(
            f"  {account.username:<16} {account.role.value:<17} password {account.password}  "
            f"TOTP secret {account.totp_secret}",
            soft_wrap=True,
            highlight=False,
        )
    console.print("Current code of a demo account: parity users totp-code USERNAME (refused for any other account)")
    if serve_after:
        run_server(settings, "127.0.0.1", port)


@simulate_app.command("twin")
def simulate_twin(
    scenario: Annotated[str, typer.Argument(help="A bundled scenario id (e.g. uk-fr-2025-pilot) or a TOML file.")],
    database_url: Annotated[str, typer.Option("--database", help="A new database, e.g. sqlite:///var/twin.db")],
    weeks: Annotated[int | None, typer.Option(min=1, help="Weeks from the scenario's start (default: all)")] = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same run.")] = DEFAULT_SEED,
) -> None:
    """Replay one run of a scenario through the real services and store (every rule applies); print the ledger."""
    _replay_through_twin(replace(Settings.from_environment(), database_url=database_url), scenario, weeks, seed)


DEMO_SCENARIO = "uk-fr-2025-pilot"


def _replay_through_twin(settings: Settings, reference: str, weeks: int | None, seed: int) -> Services:
    try:
        scenario = load_scenario(reference)
        period = scenario.period if weeks is None else scenario.period.first_weeks(weeks)
    except ScenarioError as error:
        raise _fail(str(error)) from None
    except ValueError as error:
        raise _fail(f"--weeks: {error}") from None
    services = build_services(settings, SettableClock(datetime.combine(period.start, time(), tzinfo=UTC)))
    try:
        with progress_bar(console, f"Replaying {scenario.id} day by day through the services") as advance:
            result = run_twin(services, scenario, seed, period, advance)
    except TwinError as error:
        raise _fail(f"{shown_url(settings.database_url)}: {error}") from None
    print_ledger(weekly_ledger(services, result.scheme_id))
    _print_twin_summary(result, settings.database_url)
    return services


def _print_twin_summary(result: TwinResult, database_url: str) -> None:
    weekly = result.trajectories.weekly
    console.print(
        f"Replayed {result.trajectories.days_in_week.sum()} days of {result.trajectories.scenario_id} under "
        f"{result.scheme_id}@{result.scheme_version}: {weekly['arrivals'].sum():,.0f} arrivals, "
        f"{weekly['returns'].sum():,.0f} returned, {weekly['admissions'].sum():,.0f} admission places committed."
    )
    for label, counts in (("Return cases", result.return_cases), ("Admission applications", result.admission_cases)):
        listed = ", ".join(f"{status} {count:,}" for status, count in sorted(counts.items()))
        console.print(f"{label}: {listed or 'none'}")
    refused = ", ".join(f"{action} {count}" for action, count in sorted(result.refused.items()))
    console.print(f"Refused by the ledger (weekly level, parity, pause): {refused or 'nothing'}")
    console.print(f"Database: {shown_url(database_url)}")

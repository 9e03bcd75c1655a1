"""`parity keys ...`, `parity retention apply` and `parity subject-access export`: personal data at rest.

A thin shell over `parity.services.keys`, `.retention` and `.subject_access`; the main CLI registers the three apps.
Nothing here prints personal data: the export goes to the file named, readable by its owner only.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from parity.bootstrap import build_services, data_key_file, data_keyring
from parity.config import Settings
from parity.domain.errors import DomainError
from parity.protection import KeyConfigurationError, Keyring, ProtectionError
from parity.protection.key_file import write_key_file
from parity.protection.keyring import ORIGINAL_INDEX_KEY
from parity.services.audit import Acting, acting_as
from parity.services.context import Services
from parity.services.keys import index_key_usage, key_usage, reencrypt_personal_data, reindex_personal_data
from parity.services.ports import NotFound
from parity.services.retention import apply_retention
from parity.services.subject_access import SubjectLookup, subject_access_export

T = TypeVar("T")

keys_app = typer.Typer(
    help="Keys that encrypt and index personal data at rest: list, rotate, retire.", no_args_is_help=True
)
retention_app = typer.Typer(help="The scheme's retention period for personal data.", no_args_is_help=True)
subject_access_app = typer.Typer(help="Subject access: everything held on one person.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

ActorOption = Annotated[str, typer.Option("--actor", help="Who is acting (recorded in the audit log)")]
BatchOption = Annotated[int, typer.Option("--batch-size", min=1, max=10_000, help="Rows per transaction")]
ResumeOption = Annotated[
    bool, typer.Option("--resume", help="Make no new key: finish the work under the active key (after an interruption)")
]


def _run(work: Callable[[], T], actor: str) -> T:
    try:
        # The operator who ran the command stays the one audited; --actor is whom they say they act for.
        with acting_as(Acting(f"cli:{getpass.getuser()}", "operator", f"cli, for {actor}")):
            return work()
    except (DomainError, NotFound, KeyConfigurationError, ProtectionError) as error:
        raise _fail(str(error)) from None


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]Error:[/] {message}", highlight=False)
    return typer.Exit(code=1)


@dataclass(frozen=True)
class _KeyKind:
    """Data keys or blind index keys: rotated, resumed and retired alike (`keys rotate|retire`, `keys
    rotate-index|retire-index`), each with its own keys in the keyring and its own rows to redo."""

    name: str  # as the messages call one
    setting: str  # the environment variable holding them when keys come from PARITY_DATA_KEYS
    rotate: str  # the commands that rotate and retire them
    retire: str
    work: str  # what the progress bar says
    done: str  # what is said after: rows, then the active key's id
    kept: str  # the state `keys list` gives a configured key that is not active
    keys: Callable[[Keyring], Mapping[str, bytes]]
    active: Callable[[Keyring], str]
    with_new: Callable[[Keyring], Keyring]
    without: Callable[[Keyring, str], Keyring]
    usage: Callable[[Services], dict[str, int]]
    redo: Callable[[Services, int, Callable[[int, int], None]], int]


DATA_KEYS = _KeyKind(
    "key",
    "PARITY_DATA_KEYS",
    "rotate",
    "retire",
    "Re-encrypting personal data",
    "Re-encrypted {rows} rows under key {key}.",
    "readable",
    lambda keyring: keyring.keys,
    lambda keyring: keyring.active,
    Keyring.with_new_active_key,
    Keyring.without,
    key_usage,
    reencrypt_personal_data,
)
INDEX_KEYS = _KeyKind(
    "index key",
    "PARITY_DATA_INDEX_KEYS",
    "rotate-index",
    "retire-index",
    "Recomputing blind indexes",
    "Re-indexed {rows} rows under index key {key}.",
    "lookups",
    lambda keyring: keyring.index_keys,
    lambda keyring: keyring.index_active,
    Keyring.with_new_index_key,
    Keyring.without_index_key,
    index_key_usage,
    reindex_personal_data,
)


@keys_app.command("list")
def keys_list(actor: ActorOption = "cli") -> None:
    """Each data key and blind index key id, whether it is active, and how many stored values it still protects."""
    settings = Settings.from_environment()
    keyring = _run(lambda: data_keyring(settings), actor)
    services = _run(lambda: build_services(settings), actor)
    unreadable = False
    for kind, heading in ((DATA_KEYS, "values protected"), (INDEX_KEYS, "index values")):
        usage = _run(partial(kind.usage, services), actor)
        configured, active = kind.keys(keyring), kind.active(keyring)
        table = Table(f"{kind.name} id", "state", heading)
        for key_id in sorted({*configured, *usage}):
            state = "active" if key_id == active else kind.kept if key_id in configured else "NOT CONFIGURED"
            table.add_row(key_id, state, str(usage.get(key_id, 0)))
        console.print(table)
        unreadable = unreadable or any(key_id not in configured for key_id in usage)
    console.print(f"Keys from {_source(settings)}.")
    if unreadable:
        raise _fail(
            "some values are under a key that is not configured: they cannot be read (an index value under an index "
            "key that is not configured is never found by a lookup)"
        )


@keys_app.command("rotate")
def keys_rotate(resume: ResumeOption = False, batch_size: BatchOption = 500, actor: ActorOption = "cli") -> None:
    """Make a new key active, then re-encrypt every value under it, one transaction per batch (resumable).

    With keys in PARITY_DATA_KEYS, put the new key first there yourself, then run this with --resume."""
    _rotate(DATA_KEYS, resume=resume, batch_size=batch_size, actor=actor)


@keys_app.command("rotate-index")
def keys_rotate_index(resume: ResumeOption = False, batch_size: BatchOption = 500, actor: ActorOption = "cli") -> None:
    """Make a new blind index key active, then recompute every blind index under it, one transaction per batch
    (resumable); lookups find people under the old or the new key meanwhile.

    With keys in PARITY_DATA_KEYS, put the new index key first in PARITY_DATA_INDEX_KEYS yourself (keeping the old
    one configured), then run this with --resume."""
    _rotate(INDEX_KEYS, resume=resume, batch_size=batch_size, actor=actor)


def _rotate(kind: _KeyKind, *, resume: bool, batch_size: int, actor: str) -> None:
    settings = Settings.from_environment()
    if not resume:
        if settings.data_keys:
            raise _fail(
                f"keys come from PARITY_DATA_KEYS: put a new {kind.name} first in {kind.setting} (id:base64 of 32 "
                f"random bytes), keeping the old one, restart Parity, then run `parity keys {kind.rotate} --resume`"
            )
        path = data_key_file(settings)
        rotated = kind.with_new(_run(lambda: data_keyring(settings), actor))
        write_key_file(path, rotated)
        console.print(f"New active {kind.name} {kind.active(rotated)} written to {path}.")
    services = build_services(settings)
    with Progress(console=console) as progress:
        task = progress.add_task(kind.work, total=None)
        done = _run(
            lambda: kind.redo(
                services, batch_size, lambda rows, total: progress.update(task, completed=rows, total=total)
            ),
            actor,
        )
    keyring = data_keyring(settings)
    usage = kind.usage(services)
    active = kind.active(keyring)
    idle = sorted(key_id for key_id in kind.keys(keyring) if key_id != active and not usage.get(key_id))
    console.print(kind.done.format(rows=done, key=active))
    if idle:
        console.print(f"No values are left under {', '.join(idle)}: retire with `parity keys {kind.retire} KEY_ID`.")


@keys_app.command("retire")
def keys_retire(key_id: str, actor: ActorOption = "cli") -> None:
    """Remove a key from the key file, once no stored value is under it."""
    _retire(DATA_KEYS, key_id, actor)


@keys_app.command("retire-index")
def keys_retire_index(key_id: str, actor: ActorOption = "cli") -> None:
    """Remove a blind index key from the key file, once no stored index value is under it."""
    _retire(INDEX_KEYS, key_id, actor)


def _retire(kind: _KeyKind, key_id: str, actor: str) -> None:
    settings = Settings.from_environment()
    keyring = _run(lambda: data_keyring(settings), actor)
    retired = _run(lambda: kind.without(keyring, key_id), actor)
    remaining = _run(lambda: kind.usage(build_services(settings)), actor).get(key_id, 0)
    if remaining:
        raise _fail(
            f"{kind.name} {key_id} still protects {remaining} values: run `parity keys {kind.rotate} --resume` first"
        )
    if settings.data_keys:
        where = "unset PARITY_DATA_INDEX_KEY" if kind is INDEX_KEYS and key_id == ORIGINAL_INDEX_KEY else None
        console.print(f"No value is under {key_id}: {where or f'remove it from {kind.setting}'}.")
        return
    write_key_file(data_key_file(settings), retired)
    console.print(f"{kind.name.capitalize()} {key_id} retired from {data_key_file(settings)}.")


def _source(settings: Settings) -> str:
    return "PARITY_DATA_KEYS" if settings.data_keys else f"the key file {data_key_file(settings)}"


@retention_app.command("apply")
def retention_apply(
    scheme: Annotated[str | None, typer.Option("--scheme", help="Scheme id (default: every scheme in force)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what is due; change nothing")] = False,
    batch_size: BatchOption = 500,
    actor: ActorOption = "cli",
) -> None:
    """Anonymise the people of closed cases whose retention period (the scheme's [data] retention) has passed."""
    services = build_services(Settings.from_environment())
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Anonymising", total=None)
        outcomes = _run(
            lambda: apply_retention(
                services,
                [scheme] if scheme else None,
                dry_run=dry_run,
                batch=batch_size,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            ),
            actor,
        )
    for outcome in outcomes:
        cases = f"{outcome.return_cases} return and {outcome.admission_cases} admission case(s) closed"
        period = f"{outcome.retention} ago or more ({outcome.scheme_id} version {outcome.scheme_version[:12]})"
        if dry_run:
            console.print(f"Dry run: {cases} {period} would have their people anonymised.")
        else:
            console.print(
                f"{cases} {period}: anonymised {outcome.people} arriving people, {outcome.admission_members} "
                f"applicants, {outcome.identity_records} identity index entries; cleared the free text of "
                f"{outcome.action_payloads} action payloads and identity decisions."
            )


@subject_access_app.command("export")
def subject_access_export_command(
    person_id: Annotated[str | None, typer.Argument(help="An arriving person's or an applicant's record id")] = None,
    *,
    out: Annotated[Path, typer.Option("--out", help="The JSON file to write (must not exist)", dir_okay=False)],
    document: Annotated[str | None, typer.Option("--document", help="Find by document number instead")] = None,
    family_name: Annotated[str | None, typer.Option("--family-name", help="Find by family name instead")] = None,
    born: Annotated[str | None, typer.Option("--born", help="With --family-name: date of birth, YYYY-MM-DD")] = None,
    actor: ActorOption = "cli",
) -> None:
    """Write everything held on one person, decrypted, as JSON (the read is audited)."""
    try:
        date_of_birth = date.fromisoformat(born) if born else None
    except ValueError:
        raise _fail("--born must be a date as YYYY-MM-DD") from None
    if out.exists():
        raise _fail(f"{out} exists: name a new file")
    services = build_services(Settings.from_environment())
    lookup = _run(lambda: SubjectLookup(person_id, document, family_name, date_of_birth), actor)
    export = _run(lambda: subject_access_export(services, lookup), actor)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.touch(mode=0o600, exist_ok=False)
    out.write_text(json.dumps(export, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"Wrote {len(export['records'])} record(s) to {out}.")

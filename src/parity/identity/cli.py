"""``parity identity ...``: the command functions and the Typer sub-app the main CLI registers.

Each function takes Typer-annotated parameters. Progress goes to standard error; results to standard output.
Splink, DuckDB and PyArrow are imported inside the commands that use them: the main CLI imports this module on
every start, and they would add most of a second to commands that never match anyone.
"""

from __future__ import annotations

import csv
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parity.identity.csv_records import RecordsFile, RecordsFileError, parse_date_of_birth, read_records_csv
from parity.identity.generator import generate_records, write_labelled_csv
from parity.identity.port import DEFAULT_MATCH_WEIGHT_THRESHOLD
from parity.identity.records import IdentityRecord

if TYPE_CHECKING:
    from parity.identity.model import IdentityModel

ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model file to use instead of the bundled default.", exists=True, dir_okay=False),
]


def _load_model(path: Path | None) -> IdentityModel:
    from parity.identity.model import IdentityModel

    return IdentityModel.load(path) if path else IdentityModel.bundled_default()


def _report_progress(stage: str, done: int, total: int) -> None:
    typer.echo(f"{stage}: {done}/{total}", err=True)


def _read_or_exit(path: Path, require_labels: bool = False) -> RecordsFile:
    try:
        return read_records_csv(path, require_labels=require_labels)
    except (RecordsFileError, OSError, UnicodeDecodeError, csv.Error) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from error


def evaluate_command(
    records: Annotated[
        Path,
        typer.Argument(
            help="Labelled CSV: record_id, given_names, family_name, date_of_birth, "
            "nationality, sex, true_person_id [, document_number, biometric_id]."
        ),
    ],
    model: ModelOption = None,
) -> None:
    """Deduplicate a labelled CSV and print pairwise precision, recall, F1 and the false-merge rate."""
    from parity.identity.evaluation import evaluate_records

    loaded = _read_or_exit(records, require_labels=True)
    identity_model = _load_model(model)
    report = evaluate_records(
        loaded.records, loaded.labels, identity_model, earlier_rejections=loaded.rejected, progress=_report_progress
    )
    typer.echo(f"model={report.model_version} records={report.overall.records} rejected={len(report.rejected)}")
    for rejection in report.rejected[:20]:
        typer.echo(f"rejected {rejection.record_id}: {rejection.reason}")
    for group, metrics in report.by_nationality.items():
        typer.echo(f"nationality={group} records={metrics.records} {metrics.summary_line()}")
    typer.echo(report.overall.summary_line())


def train_command(
    output: Annotated[Path, typer.Argument(help="Model file, or a directory to name it after its version.")],
    records: Annotated[
        Path | None, typer.Option(help="Labelled CSV to train on; default: the synthetic generator.", exists=True)
    ] = None,
    size: Annotated[int, typer.Option(help="Synthetic records to generate when no CSV is given.")] = 60_000,
    seed: Annotated[int, typer.Option(help="Seed for the generator and for u sampling.")] = 1,
    threshold: Annotated[float, typer.Option(help="Match weight at or above which a pair is proposed.")] = (
        DEFAULT_MATCH_WEIGHT_THRESHOLD
    ),
) -> None:
    """Train a model (m from labels, u from random pairs) and write it as a versioned JSON file."""
    from parity.identity.intake import prepare_records
    from parity.identity.model import train_model
    from parity.identity.model_input import model_rows_table

    if records is None:
        labelled = generate_records(size, seed=seed)
        training_records: list[IdentityRecord] = [r.record for r in labelled]
        labels = {r.record.record_id: r.true_person_id for r in labelled}
    else:
        loaded = _read_or_exit(records, require_labels=True)
        training_records, labels = loaded.records, loaded.labels
    prepared = prepare_records(training_records)
    rows = model_rows_table(prepared.usable)
    model = train_model(
        rows, [labels[r.record_id] for r in prepared.usable], seed=seed, match_weight_threshold=threshold
    )
    written = model.save(output)
    typer.echo(f"model version {model.version} written to {written}")


# The development sets the bundled calibration was fitted on (docs/identity.md, "Calibration"): records, seed.
CALIBRATION_SETS = ("2000:102", "10000:103", "20000:3")


def calibrate_command(
    output: Annotated[Path, typer.Argument(help="Model file, or a directory to name it after its version.")],
    model: ModelOption = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="RECORDS:SEED of a generated development set; repeat for more. Default: "
            + ", ".join(CALIBRATION_SETS)
            + ".",
        ),
    ] = None,
    with_register_size: Annotated[
        bool,
        typer.Option(
            help="Also fit a term in log2 of the register's size (off: in a simulated intake that term learns the "
            "simulation's closed population, not the register; see docs/identity.md)."
        ),
    ] = False,
    fitted_on: Annotated[
        str | None, typer.Option(help="Date recorded as when the calibration was fitted (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Fit the probability shown on flags to simulated intake and write the model with a calibration section.

    Each set's records arrive one by one and are live-checked against those before them; a logistic regression of
    "same person" on the match weight (optionally also log2 of the register's size) is fitted to the candidates
    returned. The
    weights, the threshold and so the flags stay as they are; only the probability shown changes.
    """
    from dataclasses import replace
    from datetime import date

    from parity.identity.calibration import CALIBRATION_METHOD, IntakeOutcomes, fit_calibration
    from parity.identity.evaluation import intake_outcomes
    from parity.identity.intake import today_utc

    base = replace(_load_model(model), calibration=None)
    parsed: list[tuple[int, int]] = []
    for text in sets or list(CALIBRATION_SETS):
        records_text, _, seed_text = text.partition(":")
        if not (records_text.isdigit() and seed_text.isdigit()):
            typer.echo(f"error: --set takes RECORDS:SEED, not {text!r}", err=True)
            raise typer.Exit(code=2)
        parsed.append((int(records_text), int(seed_text)))
    try:
        when = date.fromisoformat(fitted_on) if fitted_on else today_utc()
    except ValueError as error:
        typer.echo(f"error: --fitted-on takes YYYY-MM-DD, not {fitted_on!r}", err=True)
        raise typer.Exit(code=2) from error
    outcomes = IntakeOutcomes.concatenate(
        [
            intake_outcomes(generate_records(size, seed=seed), base, today=when, progress=_report_progress)
            for size, seed in parsed
        ]
    )
    calibration = fit_calibration(
        outcomes,
        use_register_size=with_register_size,
        provenance={
            "fit": f"{CALIBRATION_METHOD}; Newton's method, no penalty, candidates decided by the match weight",
            "data": "synthetic: parity.identity.generator, intake simulated with the live check",
            "sets": [{"records": size, "seed": seed} for size, seed in parsed],
            "candidates": int((~outcomes.biometric).sum()),
            "weights_of_model": base.version,
            "fitted_on": when.isoformat(),
            "refit": "on labelled real decisions (decided identity flags) before relying on it",
        },
    )
    calibrated = replace(base, calibration=calibration)
    written = calibrated.save(output)
    typer.echo(
        f"calibration: intercept={calibration.intercept} weight_coefficient={calibration.weight_coefficient} "
        f"register_size_coefficient={calibration.register_size_coefficient}"
    )
    typer.echo(f"model version {calibrated.version} written to {written}")


def generate_command(
    output: Annotated[Path, typer.Argument(help="CSV file to write.")],
    records: Annotated[int, typer.Option(help="Number of records.")] = 2_000,
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives the same file.")] = 2,
) -> None:
    """Write a labelled synthetic register (people, relatives and their corrupted later records)."""
    write_labelled_csv(generate_records(records, seed=seed), output)
    typer.echo(f"{records} records written to {output}")


class RelinkBackend(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


def relink_command(
    records: Annotated[Path, typer.Argument(help="CSV of records to deduplicate.")],
    output: Annotated[Path, typer.Argument(help="CSV to write: record_id, cluster_id.")],
    model: ModelOption = None,
    chunks: Annotated[
        int | None,
        typer.Option(
            help="Score the register in this many slices (progress per slice); "
            "default: as many as keep a slice to 25 million blocked pairs.",
            min=1,
        ),
    ] = None,
    backend: Annotated[
        RelinkBackend,
        typer.Option(
            help="Where Splink scores the pairs: DuckDB, or Spark on a local[2] session "
            "(needs Java and the `spark` extra; same clusters)."
        ),
    ] = RelinkBackend.DUCKDB,
) -> None:
    """Re-link a whole register: score blocked pairs with Splink on DuckDB (or Spark), then cluster.

    Blocking keys held by more than 2,000 records are left out, as the live check skips them."""
    loaded = _read_or_exit(records)
    identity_model = _load_model(model)
    if backend is RelinkBackend.SPARK:
        from parity.identity.spark import local_spark_session, relink_on_spark

        session = local_spark_session(cores=2)
        try:
            result = relink_on_spark(loaded.records, identity_model, session, progress=_report_progress, chunks=chunks)
        finally:
            session.stop()
    else:
        from parity.identity.batch import relink

        result = relink(loaded.records, identity_model, progress=_report_progress, chunks=chunks)
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "cluster_id", "model_version"])
        writer.writerows((record_id, cluster, result.model_version) for record_id, cluster in result.cluster_of.items())
    for rejection in [*loaded.rejected, *result.rejected]:
        typer.echo(f"rejected {rejection.record_id}: {rejection.reason}", err=True)
    clusters = len(set(result.cluster_of.values()))
    typer.echo(f"{len(result.cluster_of)} records in {clusters} clusters; model {result.model_version}")


def check_command(
    register: Annotated[Path, typer.Argument(help="CSV of the register to search.")],
    *,
    given_names: Annotated[str, typer.Option(help="Given names of the record to check.")] = "",
    family_name: Annotated[str, typer.Option(help="Family name of the record to check.")] = "",
    date_of_birth: Annotated[str, typer.Option(help="YYYY-MM-DD, or empty when unknown.")] = "",
    nationality: Annotated[str, typer.Option(help="ISO 3166-1 alpha-3 code.")] = "",
    sex: Annotated[str, typer.Option(help="M, F or X.")] = "",
    document_number: Annotated[str, typer.Option(help="Travel or identity document number.")] = "",
    biometric_id: Annotated[str, typer.Option(help="Biometric enrolment reference.")] = "",
    model: ModelOption = None,
) -> None:
    """Check one record against a register: ranked candidates with each field's contribution. A person decides."""
    from parity.identity.live import SplinkIdentityResolver

    loaded = _read_or_exit(register)
    resolver = SplinkIdentityResolver(_load_model(model))
    resolver.add(loaded.records)
    born, problem = parse_date_of_birth(date_of_birth)
    if problem:
        typer.echo(f"note: {problem}")
    probe = IdentityRecord(
        "probe", given_names, family_name, born, nationality, sex, document_number or None, biometric_id or None
    )
    result = resolver.check(probe)
    typer.echo(f"model={result.model_version} candidates_considered={result.candidates_considered}")
    for issue in result.issues:
        typer.echo(f"note: {issue}")
    for candidate in result.candidates:
        flag = "FLAG" if candidate.above_threshold else "    "
        parts = " ".join(
            f"{field}={weight:+.1f}({candidate.levels[field]})" for field, weight in candidate.contributions.items()
        )
        typer.echo(
            f"{flag} {candidate.record_id} weight={candidate.match_weight:.1f} by={candidate.decided_by} {parts}"
        )


identity_app = typer.Typer(
    help="Identity resolution: evaluate, train, calibrate, generate, re-link, check.", no_args_is_help=True
)
identity_app.command("evaluate")(evaluate_command)
identity_app.command("train")(train_command)
identity_app.command("calibrate")(calibrate_command)
identity_app.command("generate")(generate_command)
identity_app.command("relink")(relink_command)
identity_app.command("check")(check_command)

"""`parity simulate`: the Typer sub-app the main CLI registers.

`parity simulate SCENARIO --out DIR` (short for `parity simulate run SCENARIO --out DIR`) runs a scenario on the fast
engine; `parity simulate backtest` compares the pilot with the reported figures. `parity simulate twin`, which
writes to a database, is added by `parity.cli`: this package stays free of storage and of the composition root.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from parity.scheme import load_scheme
from parity.simulate.backtest import FITTED, BacktestResult, run_backtest
from parity.simulate.engine import ProgressCallback, simulate
from parity.simulate.errors import ScenarioError
from parity.simulate.inputs import resolve, return_capacity
from parity.simulate.outputs import RunLabel, print_summary, write_outputs
from parity.simulate.scenario import load_scenario
from parity.simulate.summary import summary_metrics

DEFAULT_REPLICATIONS = 1000
# A run holds every replication's weeks in memory at once: ten times the 10,000 the benchmark runs is the most.
MOST_REPLICATIONS = 100_000
DEFAULT_SEED = 20250806  # the day the scheme came into force
INVALID_INPUT = 2
Replications = Annotated[int, typer.Option(min=1, max=MOST_REPLICATIONS, help="Independent replications to run.")]
Seed = Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Random seed; the same seed gives the same results.")]
RUN_COMMAND = "run"


class _ScenarioOrCommand(TyperGroup):
    """`parity simulate SCENARIO ...` means `parity simulate run SCENARIO ...`: a first word that is not a
    subcommand (nor an option) is a scenario. Subcommand names therefore win over a scenario file of the same name."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # Any: Typer's own (vendored) click Context
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [RUN_COMMAND, *args]
        return super().parse_args(ctx, args)


simulate_app = typer.Typer(
    cls=_ScenarioOrCommand,
    help="Scenario simulator: `parity simulate SCENARIO --out DIR` runs a scenario (bundled: "
    "uk-fr-2025-pilot, uk-fr-scale-200, uk-fr-full-flow); see docs/simulator.md.",
    no_args_is_help=True,
)


@simulate_app.command(RUN_COMMAND)
def simulate_command(
    scenario: Annotated[str, typer.Argument(help="A bundled scenario id (e.g. uk-fr-2025-pilot) or a TOML file.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for weekly.csv, charts and summary.json.")],
    replications: Replications = DEFAULT_REPLICATIONS,
    seed: Seed = DEFAULT_SEED,
) -> None:
    """Run a scenario many times and write its weekly results, summary and charts."""
    console = Console()
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} is a file: name a folder", param_hint="--out")
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(INVALID_INPUT) from error
    inputs = resolve(loaded)
    with progress_bar(console, f"Simulating {loaded.id}") as advance:
        trajectories = simulate(inputs, replications, seed, advance)
    metrics = summary_metrics(trajectories, inputs.tolerance, inputs.admissions_per_return)
    label = RunLabel.of(trajectories, seed, return_capacity(inputs))
    print_summary(console, metrics, label)
    for path in write_outputs(trajectories, metrics, label, out):
        console.print(f"wrote {path}")


@simulate_app.command("backtest")
def backtest_command(
    replications: Replications = DEFAULT_REPLICATIONS,
    seed: Seed = DEFAULT_SEED,
) -> None:
    """Compare the pilot scenario on real arrivals with the returns and admissions reported up to November 2025."""
    console = Console()
    with console.status("Running the backtest"):
        result = run_backtest(replications, seed)
    console.print(backtest_table(result))
    held_out, fitted = result.mean_absolute_error(held_out=True), result.mean_absolute_error(held_out=False)
    console.print(
        f"Mean absolute error, held-out rows: returns {held_out[0]:.1f}, admissions {held_out[1]:.1f} people; "
        f"rows used for fitting: returns {fitted[0]:.1f}, admissions {fitted[1]:.1f} people."
    )
    console.print("Parameters fitted on reported rows (everything else is documented or assumed in the scenario file):")
    for parameter, rows in FITTED.items():
        console.print(f"  {parameter}: {', '.join(day.isoformat() for day in rows)}")


def backtest_table(result: BacktestResult) -> Table:
    scheme = load_scheme(result.scenario.scheme)
    table = Table(
        title=f"Backtest of {result.scenario.id} (scheme version {scheme.version}), "
        f"{result.replications:,} replications, seed {result.seed}",
        caption="Returns, Admitted: as reported (~: approximate date); simulated: mean [90% interval]; "
        "error: simulated mean - reported; Fitted: the row was used to set a parameter",
    )
    table.add_column("As of", no_wrap=True)
    for column in ("Fitted", "Returns", "simulated", "error", "Admitted", "simulated", "error"):
        table.add_column(column, justify="right")
    for row in result.rows:
        as_of = row.reported.as_of.isoformat() + (" ~" if row.reported.precision == "approx" else "")
        table.add_row(
            as_of,
            "yes" if row.fitted_on else "no",
            str(row.reported.returns),
            f"{float(row.returns.mean):.1f} [{float(row.returns.p05):.0f}-{float(row.returns.p95):.0f}]",
            f"{row.returns_error:+.1f}",
            str(row.reported.admissions),
            f"{float(row.admissions.mean):.1f} [{float(row.admissions.p05):.0f}-{float(row.admissions.p95):.0f}]",
            f"{row.admissions_error:+.1f}",
        )
    return table


@contextmanager
def progress_bar(console: Console, description: str) -> Iterator[ProgressCallback]:
    """Rich progress over the simulated days; yields the engine's progress callback."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("days"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance

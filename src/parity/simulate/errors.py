"""The errors of the simulator: a scenario file that cannot run (the same (field, reason) shape as
`parity.scheme.SchemeError`), and a twin run that cannot start."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario that cannot be run; `problems` lists (field path, reason) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {field}: {reason}" for field, reason in problems)
        super().__init__(f"{source} is not a valid scenario:\n{lines}")


class TwinError(RuntimeError):
    """The twin cannot run on these services: a clock it cannot move, or a database that already holds cases."""

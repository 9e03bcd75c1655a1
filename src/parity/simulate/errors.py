"""The error a scenario file raises: the same (field, reason) shape as `parity.scheme.SchemeError`."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario that cannot be run; `problems` lists (field path, reason) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {field}: {reason}" for field, reason in problems)
        super().__init__(f"{source} is not a valid scenario:\n{lines}")

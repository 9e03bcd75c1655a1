"""Reading scheme files: TOML text in, a validated `Scheme` or a `SchemeError` naming every bad field out."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from parity.scheme.model import Scheme

BUNDLED_PACKAGE = "parity.scheme.bundled"


class SchemeError(ValueError):
    """A scheme file that cannot be used; `problems` lists (field path, reason) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {field}: {reason}" for field, reason in problems)
        super().__init__(f"{source} is not a valid scheme file:\n{lines}")


def parse_scheme(text: str, source: str = "<scheme>") -> Scheme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SchemeError(source, [("(syntax)", str(error))]) from error
    try:
        return Scheme.model_validate(data)
    except ValidationError as error:
        problems = [(".".join(str(part) for part in item["loc"]) or "(file)", item["msg"]) for item in error.errors()]
        raise SchemeError(source, problems) from error


def bundled_scheme_ids() -> list[str]:
    files = resources.files(BUNDLED_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def load_scheme(reference: str) -> Scheme:
    """Load a bundled scheme by id (e.g. ``uk-fr-2025``) or a scheme file by path."""
    if reference in bundled_scheme_ids():
        text = resources.files(BUNDLED_PACKAGE).joinpath(f"{reference}.toml").read_text(encoding="utf-8")
        return parse_scheme(text, f"{reference}.toml")
    path = Path(reference)
    if not path.is_file():
        known = ", ".join(bundled_scheme_ids())
        raise SchemeError(reference, [("(file)", f"no such file and no bundled scheme of that id (bundled: {known})")])
    return parse_scheme(path.read_text(encoding="utf-8"), str(path))

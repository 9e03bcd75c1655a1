"""The check shared by both French catalogues: every extracted English text has a French translation, not marked
fuzzy, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def assert_translated(catalogue: Path, extracted: set[str]) -> Catalog:
    """Fails on the first text with no French, fuzzy French or other placeholders; returns the catalogue read."""
    with catalogue.open("rb") as handle:
        catalog = read_po(handle)
    assert len(extracted) > 100, "the extraction found almost nothing: is its mapping right?"
    for text in extracted:
        entry = catalog.get(text)
        assert entry is not None, f"{text!r} is not in {catalogue.name}"
        assert entry.string, f"no French for {text!r}"
        assert not entry.fuzzy, f"French for {text!r} is marked fuzzy"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(str(entry.string))), text
    return catalog

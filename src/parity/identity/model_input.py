"""The row the Splink model compares, and the blocking keys that choose which rows are compared at all.

The same blocking keys serve the live candidate index, batch re-linking and Splink's own ``predict_between``
(as one exploding blocking rule), so all three consider exactly the same candidate pairs.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pyarrow as pa

from parity.identity.normalise import NormalisedRecord

# Column types are fixed so that an all-null column in a small batch still has the type the SQL expects.
MODEL_ROW_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("name_ordered", pa.string()),
        ("name_sorted", pa.string()),
        ("name_compact", pa.string()),
        ("skeleton_sorted", pa.string()),
        ("skeletons", pa.list_(pa.string())),
        ("dob", pa.string()),
        ("dob_placeholder", pa.bool_()),
        ("nationality", pa.string()),
        ("sex", pa.string()),
        ("document_number", pa.string()),
        ("biometric_id", pa.string()),
        ("blocking_keys", pa.list_(pa.string())),
    ]
)

# The columns the model's comparisons read (the others identify the row or choose candidates).
COMPARED_COLUMNS = [name for name in MODEL_ROW_SCHEMA.names if name not in {"record_id", "blocking_keys"}]

# A skeleton of one letter ("t" from "Thi") says too little to pick candidates by.
_MIN_BLOCKING_SKELETON = 2
# One name alone ("Ali") is shared by too many people to be filed under without the nationality or a year.
_MIN_NAMES_FOR_WHOLE_NAME_KEY = 2


def blocking_keys(record: NormalisedRecord) -> list[str]:
    """Keys under which a record is filed; two records are compared when they share at least one.

    * the biometric reference and the document number, which alone identify;
    * each name skeleton with the year of birth, which survives swapped order, a misspelt other name and a
      placeholder day and month;
    * each pair of name skeletons with the nationality, which survives a missing or wrong date of birth;
    * the full date of birth with the nationality, when the date is a real one, which survives heavy
      misspelling of every name;
    * all the name skeletons together, without the nationality, which survives a wrong or unknown nationality
      code together with a missing date of birth.
    """
    keys: list[str] = []
    if record.biometric_id:
        keys.append(f"b|{record.biometric_id}")
    if record.document_number:
        keys.append(f"d|{record.document_number}")
    usable = sorted({s for s in record.name_skeletons if len(s) >= _MIN_BLOCKING_SKELETON})
    nationality = record.nationality or "?"
    if record.date_of_birth is not None:
        year = record.date_of_birth.year
        # A 1 January placeholder is an age estimate, often a year out: filed under the next year too, two
        # estimates a year apart share a key.
        years = (year, year + 1) if record.dob_is_placeholder else (year,)
        keys.extend(f"t|{s}|{filed}" for s in usable for filed in years)
        if not record.dob_is_placeholder:
            keys.append(f"f|{record.date_of_birth.isoformat()}|{nationality}")
    keys.extend(f"p|{first}|{second}|{nationality}" for first, second in combinations(usable, 2))
    if len(usable) >= _MIN_NAMES_FOR_WHOLE_NAME_KEY:
        keys.append(f"n|{'|'.join(usable)}")
    return keys


def model_row(record: NormalisedRecord) -> dict[str, Any]:
    tokens = record.name_tokens
    return {
        "record_id": record.record_id,
        "name_ordered": " ".join(tokens) or None,
        "name_sorted": " ".join(sorted(tokens)) or None,
        "name_compact": "".join(tokens) or None,
        "skeleton_sorted": " ".join(sorted(record.name_skeletons)) or None,
        "skeletons": list(record.name_skeletons),
        "dob": record.date_of_birth.isoformat() if record.date_of_birth else None,
        "dob_placeholder": record.dob_is_placeholder,
        "nationality": record.nationality,
        "sex": record.sex,
        "document_number": record.document_number,
        "biometric_id": record.biometric_id,
        "blocking_keys": blocking_keys(record),
    }


def model_rows_table(records: list[NormalisedRecord]) -> pa.Table:
    return pa.Table.from_pylist([model_row(record) for record in records], schema=MODEL_ROW_SCHEMA)

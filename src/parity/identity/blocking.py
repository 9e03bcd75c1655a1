"""Crowded blocking keys: one definition for the live check and for batch re-linking.

A blocking key shared by very many records ("Mohammed Ahmed, Sudan", a common name with a common placeholder
year) picks out nobody in particular, and the pairs it makes grow with the square of its size: at 1,000,000
generated records the uncapped keys make 1.8 billion pairs. The live check skips such a key when it searches the
register (``live.CandidateIndex``); batch re-linking drops it from every record before Splink blocks
(``without_crowded_keys``). Either way a record's other keys still find its candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# A key held by more register records than this is crowded. Keeps a live check fast however common the name,
# and a batch's pairs bounded by (records x keys per record x this).
MAX_BLOCK = 2_000


@dataclass(frozen=True)
class UncrowdedRows:
    rows: pa.Table
    # Pairs the remaining keys make, a pair counted once for each key it shares: an upper bound on the pairs
    # Splink will score, known before it starts.
    pair_bound: int
    crowded_keys: int


def without_crowded_keys(rows: pa.Table) -> UncrowdedRows:
    """``rows`` (model rows, see ``model_input``) with each record's crowded blocking keys left out."""
    keys = rows.column("blocking_keys").combine_chunks()
    flat = pc.list_flatten(keys)
    counted = pc.value_counts(flat)
    counts = counted.field("counts").to_numpy().astype(np.int64)
    uncrowded = counts <= MAX_BLOCK
    pair_bound = int(np.sum(counts[uncrowded] * (counts[uncrowded] - 1) // 2))
    crowded = counted.field("values").filter(pa.array(~uncrowded))
    if len(crowded) == 0:
        return UncrowdedRows(rows, pair_bound, 0)
    kept = pc.invert(pc.is_in(flat, value_set=crowded)).to_numpy(zero_copy_only=False)
    owner = pc.list_parent_indices(keys).to_numpy()
    kept_per_row = np.bincount(owner[kept], minlength=len(keys))
    offsets = np.concatenate([[0], np.cumsum(kept_per_row)]).astype(np.int32)
    filtered = pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(kept)))
    column = rows.schema.get_field_index("blocking_keys")
    return UncrowdedRows(rows.set_column(column, rows.schema.field(column), filtered), pair_bound, len(crowded))

"""The live check: one new record against the whole register in milliseconds.

Following Splink's maintainers' advice for real-time use, candidates are found outside Splink, from an index of
the blocking keys of ``model_input`` that we keep ourselves, and only that small slice is scored with the model's
match weights (``scoring``). The index is two sorted arrays (key hash, register row) searched by bisection; keys
added since the last merge wait in a small unsorted buffer so that adding one record stays cheap. Records removed
(anonymised under retention) are dropped from the rows and the index at once, so a check never meets them.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from parity.identity.blocking import MAX_BLOCK
from parity.identity.intake import prepare_records, rejection_reason, today_utc
from parity.identity.model import NAME_FREQUENCY_COLUMN, IdentityModel
from parity.identity.model_input import MODEL_ROW_SCHEMA, model_rows_table
from parity.identity.normalise import NormalisedRecord, normalise_record
from parity.identity.port import CandidateMatch, IdentityCheck
from parity.identity.records import IdentityRecord, RejectedRecord
from parity.identity.scoring import SCORED_COLUMNS, CompiledScorer, ScoredPair

# Pending keys are merged into the sorted arrays once there are this many.
_MERGE_PENDING_AT = 50_000
# Pending parts are joined into one when there are more than this many.
_PENDING_PARTS = 8
# A table of rows is folded into the one before it once it holds at least this share of that one's rows.
_FOLD_AT_SHARE = 0.25
# Candidates below this weight are not worth a caseworker's attention and are left out of the ranked list.
_SHOW_FROM_WEIGHT = 0.0
_MAX_SHOWN = 20


class CandidateIndex:
    """Register rows and an inverted index from blocking-key hashes to row positions."""

    def __init__(self, connection: duckdb.DuckDBPyConnection | None = None) -> None:
        self._connection = connection or duckdb.connect()
        # Rows live in single-chunk tables, oldest and largest first, each a fraction of the one before it:
        # `take` on a multi-chunk table copies whole columns, which at a million rows costs more than the rest of a
        # check, and keeping one table would copy the register on every addition. Adding a boat copies only the
        # small tables it folds into, so each row is copied a few times over the register's life (a log-structured
        # merge), however large the register grows.
        self._tables: list[pa.Table] = []
        self._size = 0
        self._hashes: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
        self._positions: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._pending_hashes: list[npt.NDArray[np.uint64]] = []
        self._pending_positions: list[npt.NDArray[np.int64]] = []
        self._pending_count = 0
        # The hash of each key last searched, and how many were searched (a key may be searched more than once): a
        # record checked is usually added next, under the same keys.
        self._last_searched: dict[str, int] = {}
        self._last_searched_count = 0
        # Both queries give DuckDB's hash of each key as a VARCHAR. Parsed once: parsing costs more than hashing
        # a boat's keys.
        self._hash_keys = self._connection.extract_statements("SELECT hash(unnest($keys::VARCHAR[])) AS h")[0]
        self._explode_keys = self._connection.extract_statements(
            "SELECT hash(key) AS h, position FROM (SELECT unnest(blocking_keys) AS key, position FROM __parity_keys)"
        )[0]

    def __len__(self) -> int:
        return self._size

    def add(self, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        hashes, positions = self._hashed_keys(rows.column("blocking_keys"))
        self._tables.append(rows.combine_chunks())
        while len(self._tables) > 1 and self._tables[-1].num_rows >= _FOLD_AT_SHARE * self._tables[-2].num_rows:
            newest = self._tables.pop()
            self._tables[-1] = pa.concat_tables([self._tables[-1], newest]).combine_chunks()
        self._size += rows.num_rows
        self._pending_hashes.append(hashes)
        self._pending_positions.append(positions)
        self._pending_count += len(hashes)
        if self._pending_count >= _MERGE_PENDING_AT:
            self._merge_pending()
        elif len(self._pending_hashes) > _PENDING_PARTS:
            # Each search scans every pending part: records added one boat at a time would leave hundreds.
            self._pending_hashes = [np.concatenate(self._pending_hashes)]
            self._pending_positions = [np.concatenate(self._pending_positions)]

    def remove(self, record_ids: Sequence[str]) -> pa.Table:
        """Drop the rows of ``record_ids`` and their keys; returns the rows dropped (ids not held are ignored).

        The rows left are renumbered rather than the removed ones marked dead: searching stays as it was, and the
        removed people's values leave the register's tables. This costs one pass over the register (about 30 ms at
        100,000 records), paid once by the catch-up that brings a retention batch's removals, not by every check."""
        register = self.rows
        dropped = pc.is_in(register.column("record_id"), value_set=pa.array(record_ids, pa.string())).to_numpy(
            zero_copy_only=False
        )
        removed = register.filter(dropped)
        if removed.num_rows == 0:
            return removed
        kept = ~dropped
        # A kept row's new position is the number of kept rows before it; order is kept, so the sorted arrays stay
        # sorted and each table still holds a run of positions.
        renumbered = np.cumsum(kept) - 1
        starts = self._table_starts()
        filtered = (
            table.filter(kept[start : start + table.num_rows])
            for table, start in zip(self._tables, starts, strict=True)
        )
        self._tables = [table for table in filtered if table.num_rows]
        self._size -= removed.num_rows
        self._hashes, self._positions = self._kept_keys(self._hashes, self._positions, kept, renumbered)
        pending = [
            self._kept_keys(hashes, positions, kept, renumbered)
            for hashes, positions in zip(self._pending_hashes, self._pending_positions, strict=True)
        ]
        self._pending_hashes = [hashes for hashes, _ in pending]
        self._pending_positions = [positions for _, positions in pending]
        self._pending_count = sum(len(hashes) for hashes in self._pending_hashes)
        return removed

    @staticmethod
    def _kept_keys(
        hashes: npt.NDArray[np.uint64],
        positions: npt.NDArray[np.int64],
        kept: npt.NDArray[np.bool_],
        renumbered: npt.NDArray[np.int64],
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        still = kept[positions]
        return hashes[still], renumbered[positions[still]]

    def _merge_pending(self) -> None:
        hashes = np.concatenate([self._hashes, *self._pending_hashes])
        positions = np.concatenate([self._positions, *self._pending_positions])
        order = np.argsort(hashes, kind="stable")
        self._hashes, self._positions = hashes[order], positions[order]
        self._pending_hashes, self._pending_positions, self._pending_count = [], [], 0

    def _hash(self, keys: list[str]) -> npt.NDArray[np.uint64]:
        wanted = self._connection.execute(self._hash_keys, {"keys": keys}).fetchnumpy()
        return wanted["h"].astype(np.uint64)

    def _hashed_keys(self, keys: pa.ChunkedArray) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        """The hash of each of the rows' blocking keys, and the position the row will have in the register."""
        positions = np.arange(self._size, self._size + len(keys), dtype=np.int64)
        flat = pc.list_flatten(keys)
        if len(flat) <= self._last_searched_count:
            searched = self._last_searched
            values = flat.to_pylist()
            if all(key in searched for key in values):
                # The keys a check has just hashed (the same DuckDB hash of the same strings): no query to plan.
                hashes = np.array([searched[key] for key in values], dtype=np.uint64)
                return hashes, np.repeat(positions, pc.list_value_length(keys).to_numpy(zero_copy_only=False))
        self._connection.register("__parity_keys", pa.table({"position": positions, "blocking_keys": keys}))
        try:
            exploded = self._connection.execute(self._explode_keys).fetchnumpy()
        finally:
            self._connection.unregister("__parity_keys")
        return exploded["h"].astype(np.uint64), exploded["position"].astype(np.int64)

    @property
    def rows(self) -> pa.Table:
        return pa.concat_tables([MODEL_ROW_SCHEMA.empty_table(), *self._tables])

    def _table_starts(self) -> npt.NDArray[np.int64]:
        """The register position of each table's first row."""
        return np.cumsum([0, *(table.num_rows for table in self._tables)], dtype=np.int64)[:-1]

    def _take(self, positions: npt.NDArray[np.int64], columns: list[str]) -> pa.Table:
        """``columns`` of the rows at ``positions``, in that order."""
        if positions.size == 0:
            return MODEL_ROW_SCHEMA.empty_table().select(columns)
        starts = self._table_starts()
        table_of = np.searchsorted(starts, positions, side="right") - 1
        by_table = np.argsort(table_of, kind="stable")
        wanted, bounds = positions[by_table], np.searchsorted(table_of[by_table], np.arange(len(starts) + 1))
        taken = pa.concat_tables(
            self._tables[i].select(columns).take(pa.array(wanted[bounds[i] : bounds[i + 1]] - starts[i]))
            for i in range(len(starts))
            if bounds[i + 1] > bounds[i]
        )
        if np.all(table_of[:-1] <= table_of[1:]):
            return taken  # asked for table by table already
        # Back from table-by-table to the order asked for.
        return taken.take(np.argsort(by_table))

    def search(self, keys: list[str], columns: list[str]) -> tuple[list[str], pa.Table]:
        """The keys small enough to search (see ``MAX_BLOCK``), and ``columns`` of the rows filed under them."""
        return self.search_each([keys], columns)[0]

    def search_each(self, keys_of_probes: list[list[str]], columns: list[str]) -> list[tuple[list[str], pa.Table]]:
        """``search`` for each probe's keys, all of them hashed in one query and the rows taken at once: a query
        costs more to plan than to hash a boat's keys, and a check searches once per person."""
        if self._size == 0:
            return [([], MODEL_ROW_SCHEMA.empty_table().select(columns)) for _ in keys_of_probes]
        flat = [key for keys in keys_of_probes for key in keys]
        hashes = self._hash(flat) if flat else np.empty(0, dtype=np.uint64)
        self._last_searched = dict(zip(flat, hashes.tolist(), strict=True))
        self._last_searched_count = len(flat)
        bounds = np.cumsum([0, *(len(keys) for keys in keys_of_probes)])
        found = [
            self._search_hashed(keys, hashes[start:end])
            for keys, start, end in zip(keys_of_probes, bounds[:-1], bounds[1:], strict=True)
        ]
        rows = self._take(np.concatenate([np.empty(0, np.int64), *(positions for _, positions in found)]), columns)
        offsets = np.cumsum([0, *(len(positions) for _, positions in found)])
        return [
            (usable, rows.slice(start, end - start))
            for (usable, _), start, end in zip(found, offsets[:-1], offsets[1:], strict=True)
        ]

    def _search_hashed(
        self, keys: list[str], hashes: npt.NDArray[np.uint64]
    ) -> tuple[list[str], npt.NDArray[np.int64]]:
        """The keys small enough to search, and the positions of the rows filed under them, in order."""
        if not keys:
            return [], np.empty(0, dtype=np.int64)
        starts = np.searchsorted(self._hashes, hashes, side="left")
        ends = np.searchsorted(self._hashes, hashes, side="right")
        searched = (ends - starts) <= MAX_BLOCK
        found = [self._positions[a:b] for a, b, ok in zip(starts, ends, searched, strict=True) if ok and b > a]
        searched_hashes = hashes[searched]
        found.extend(
            positions[np.isin(pending, searched_hashes)]
            for pending, positions in zip(self._pending_hashes, self._pending_positions, strict=True)
        )
        usable = [key for key, ok in zip(keys, searched, strict=True) if ok]
        if not found:
            return usable, np.empty(0, dtype=np.int64)
        return usable, np.unique(np.concatenate(found))


class ValueFrequencies(Mapping[str, float]):
    """Share of register records holding each value of one column, kept up to date as records are added."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._total = 0

    def add(self, values: Sequence[str | None]) -> None:
        present = [value for value in values if value is not None]
        self._counts.update(present)
        self._total += len(present)

    def remove(self, values: Sequence[str | None]) -> None:
        """Stop counting records that were added with ``values``."""
        removed = Counter(value for value in values if value is not None)
        self._counts.subtract(removed)
        for value in removed:
            if self._counts[value] <= 0:
                del self._counts[value]
        self._total -= removed.total()

    def __getitem__(self, value: str) -> float:
        count = self._counts.get(value)
        if not count:
            raise KeyError(value)
        return count / self._total

    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)


def _biometric_verdict(probe_biometric: str | None, candidate_biometric: str | None) -> bool | None:
    """True or False when both records carry a biometric reference (it decides); None when it cannot."""
    if probe_biometric is None or candidate_biometric is None:
        return None
    return probe_biometric == candidate_biometric


class SplinkIdentityResolver:
    """The identity port on a trained Splink model, a warm scorer and an in-memory candidate index."""

    def __init__(self, model: IdentityModel | None = None, today: date | None = None) -> None:
        self._model = model or IdentityModel.bundled_default()
        # Hashing the model file on every check would cost more than the check's own bookkeeping.
        self._model_version = self._model.version
        self._today = today or today_utc()
        connection = duckdb.connect()
        self._scorer = CompiledScorer(self._model, connection)
        self._index = CandidateIndex(connection)
        self._biometric_of: dict[str, str | None] = {}
        self._name_frequencies = ValueFrequencies()
        # One DuckDB connection and one register serve every thread of the process (the web server checks inside
        # requests, on a thread pool): a check reads tables it registers by fixed names, and adding or removing
        # records rebuilds the register, so each public operation runs alone.
        self._lock = threading.RLock()

    @property
    def model_version(self) -> str:
        return self._model_version

    @property
    def model(self) -> IdentityModel:
        return self._model

    @property
    def register_size(self) -> int:
        return len(self._index)

    def add(self, records: Sequence[IdentityRecord]) -> list[RejectedRecord]:
        """Add records to the register; returns the ones refused, with reasons (they are not added)."""
        with self._lock:
            # Repeats are refused before normalising: catch-up hands a process its own records back after each commit.
            known = self._biometric_of
            repeated = [
                RejectedRecord(r.record_id, "record id already in the register")
                for r in records
                if r.record_id in known
            ]
            prepared = prepare_records([r for r in records if r.record_id not in known], self._today)
            fresh = prepared.usable
            if not fresh:
                return prepared.rejected + repeated
            rows = model_rows_table(fresh)
            self._index.add(rows)
            self._name_frequencies.add(rows.column(NAME_FREQUENCY_COLUMN).to_pylist())
            self._biometric_of.update((r.record_id, r.biometric_id) for r in fresh)
            return prepared.rejected + repeated

    def remove(self, record_ids: Sequence[str]) -> None:
        """Take records out of the register: never candidates again, no longer counted in name frequencies, their
        values gone from the register's tables. Ids not in the register are ignored; an id removed and then added
        again is registered afresh, as a new record."""
        with self._lock:
            held = [record_id for record_id in dict.fromkeys(record_ids) if record_id in self._biometric_of]
            if not held:
                return
            removed = self._index.remove(held)
            self._name_frequencies.remove(removed.column(NAME_FREQUENCY_COLUMN).to_pylist())
            for record_id in held:
                del self._biometric_of[record_id]

    def check(self, record: IdentityRecord) -> IdentityCheck:
        return self.check_all([record])[0]

    def check_all(self, records: Sequence[IdentityRecord]) -> list[IdentityCheck]:
        """Each record against the register (not against each other), scored in one query: planning the
        scoring query costs more than scoring a boat's worth of candidates, so people recorded together are
        scored together. Each record's candidates are still only those sharing one of its blocking keys."""
        with self._lock:
            normalised = [normalise_record(record, self._today) for record in records]
            reasons = [rejection_reason(n) for n in normalised]
            searchable = [n for n, reason in zip(normalised, reasons, strict=True) if reason is None]
            probes = model_rows_table(searchable)
            candidate_tables = [
                table
                for _, table in self._index.search_each(probes.column("blocking_keys").to_pylist(), SCORED_COLUMNS)
            ]
            considered = [table.num_rows for table in candidate_tables]
            scored_by_probe: dict[str, list[ScoredPair]] = {probe.record_id: [] for probe in searchable}
            register_size = len(self._index)
            for pair in self._scorer.score_aligned(
                probes.take(pa.array(np.repeat(np.arange(len(searchable)), considered))),
                pa.concat_tables([MODEL_ROW_SCHEMA.empty_table().select(SCORED_COLUMNS), *candidate_tables]),
                self._model.prior_weight_for_register(register_size),
                {NAME_FREQUENCY_COLUMN: self._name_frequencies},
                minimum_weight=_SHOW_FROM_WEIGHT,
            ):
                scored_by_probe[pair.left_id].append(pair)
            considered_by_probe = {probe.record_id: n for probe, n in zip(searchable, considered, strict=True)}
            checks = []
            for record, probe, reason in zip(records, normalised, reasons, strict=True):
                if reason is not None:
                    checks.append(IdentityCheck(record.record_id, self._model_version, (), 0, (*probe.issues, reason)))
                    continue
                checks.append(
                    self._ranked(
                        probe, scored_by_probe[probe.record_id], considered_by_probe[probe.record_id], register_size
                    )
                )
            return checks

    def _ranked(
        self, probe: NormalisedRecord, scored: list[ScoredPair], considered: int, register_size: int
    ) -> IdentityCheck:
        probe_biometric = probe.biometric_id
        kept = [
            pair
            for pair in scored
            if pair.right_id != probe.record_id
            and _biometric_verdict(probe_biometric, self._biometric_of.get(pair.right_id)) is not False
        ]
        ranked = sorted(
            (self._candidate(pair, probe_biometric, register_size) for pair in kept),
            key=lambda c: (c.decided_by != "biometric", -c.match_weight, c.record_id),
        )
        return IdentityCheck(probe.record_id, self._model_version, tuple(ranked[:_MAX_SHOWN]), considered, probe.issues)

    @property
    def register_rows(self) -> pa.Table:
        """The register as model rows (see ``model_input``)."""
        with self._lock:
            return self._index.rows

    def probe_row(self, normalised: NormalisedRecord) -> pa.Table:
        """The model row a check compares, its blocking keys limited to those the check searches."""
        with self._lock:
            probe = model_rows_table([normalised])
            usable, _ = self._index.search(probe.column("blocking_keys")[0].as_py(), ["record_id"])
            keys_type = MODEL_ROW_SCHEMA.field("blocking_keys").type
            return probe.set_column(
                probe.schema.get_field_index("blocking_keys"), "blocking_keys", pa.array([usable], keys_type)
            )

    def _candidate(self, pair: ScoredPair, probe_biometric: str | None, register_size: int) -> CandidateMatch:
        biometric_match = _biometric_verdict(probe_biometric, self._biometric_of.get(pair.right_id)) is True
        return CandidateMatch(
            record_id=pair.right_id,
            match_weight=pair.match_weight,
            # The model file's calibration, if it has one (display only: the weight and the threshold decide).
            match_probability=self._model.match_probability(pair.match_weight, register_size),
            decided_by="biometric" if biometric_match else "match_weight",
            above_threshold=biometric_match or pair.match_weight >= self._model.match_weight_threshold,
            contributions=pair.contributions,
            levels=pair.levels,
        )

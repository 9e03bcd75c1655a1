"""Batch re-linking of a whole register: Splink scores the blocked pairs on DuckDB, then records are clustered.

Clustering is connected components with one constraint: two groups are never joined if that would put two
different biometric references in one cluster. Fingerprints decide when both records have them, and a chain of
name-and-date links must not overrule them (single-linkage chaining is how unrelated people end up merged).
Links are taken strongest first, so a conflict is settled in favour of the better evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import duckdb
from splink import DuckDBAPI, Linker

from parity.identity.intake import prepare_records
from parity.identity.model import IdentityModel
from parity.identity.model_input import model_rows_table
from parity.identity.port import DecisionBasis
from parity.identity.records import IdentityRecord, RejectedRecord

# progress(stage, done, total): stages are "normalise", "score" and "cluster".
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Link:
    left_id: str
    right_id: str
    match_weight: float
    decided_by: DecisionBasis


@dataclass
class RelinkResult:
    """Cluster id for every usable record (rejected records are left out, never merged)."""

    model_version: str
    cluster_of: dict[str, str]
    links: list[Link]
    rejected: list[RejectedRecord]
    issues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Links not followed because they would have joined two different biometric references.
    blocked_by_biometrics: int = 0


class _ConstrainedUnionFind:
    def __init__(self, biometric_of: dict[str, str | None]) -> None:
        self._parent = {record_id: record_id for record_id in biometric_of}
        self._biometrics = {record_id: {bio} if bio else set() for record_id, bio in biometric_of.items()}

    def root(self, record_id: str) -> str:
        parent = self._parent
        while parent[record_id] != record_id:
            parent[record_id] = parent[parent[record_id]]
            record_id = parent[record_id]
        return record_id

    def join(self, left: str, right: str) -> bool:
        """Join the two groups unless they carry different biometric references; False when refused."""
        a, b = self.root(left), self.root(right)
        if a == b:
            return True
        merged = self._biometrics[a] | self._biometrics[b]
        if len(merged) > 1:
            return False
        keep, drop = (a, b) if a < b else (b, a)
        self._parent[drop] = keep
        self._biometrics[keep] = merged
        del self._biometrics[drop]
        return True


def relink(
    records: Sequence[IdentityRecord],
    model: IdentityModel,
    *,
    today: date | None = None,
    progress: ProgressCallback | None = None,
    chunks: int = 1,
) -> RelinkResult:
    """Score and cluster all ``records``; ``chunks`` > 1 scores the register in slices, reporting each."""
    report = progress or (lambda _stage, _done, _total: None)
    report("normalise", 0, len(records))
    prepared = prepare_records(records, today)
    report("normalise", len(records), len(records))
    rows = model_rows_table(prepared.usable)
    biometric_of = {r.record_id: r.biometric_id for r in prepared.usable}

    connection = duckdb.connect()
    db_api = DuckDBAPI(connection)
    linker = Linker(db_api.register(rows), model.settings_for_register(rows.num_rows), log_level=logging.WARNING)
    scored: list[tuple[str, str, float]] = []
    for chunk in range(1, chunks + 1):
        report("score", chunk - 1, chunks)
        predictions = linker.inference.predict_chunk(
            left_chunk=(chunk, chunks),
            right_chunk=(1, 1),
            threshold_match_weight=model.match_weight_threshold,
            warning_mode="never",
        )
        # The table name is one Splink generated, not input.
        query = f"SELECT record_id_l, record_id_r, match_weight FROM {predictions.physical_name}"  # noqa: S608
        scored.extend(connection.execute(query).fetchall())
        predictions.drop_table_from_database_and_remove_from_cache()
    report("score", chunks, chunks)

    links = _decided_links(scored, biometric_of)
    clusters = _ConstrainedUnionFind(biometric_of)
    blocked = 0
    for done, link in enumerate(links):
        if done % 100_000 == 0:
            report("cluster", done, len(links))
        if not clusters.join(link.left_id, link.right_id):
            blocked += 1
    report("cluster", len(links), len(links))
    return RelinkResult(
        model_version=model.version,
        cluster_of={record_id: clusters.root(record_id) for record_id in biometric_of},
        links=links,
        rejected=prepared.rejected,
        issues={r.record_id: r.issues for r in prepared.usable if r.issues},
        blocked_by_biometrics=blocked,
    )


def _decided_links(scored: list[tuple[str, str, float]], biometric_of: dict[str, str | None]) -> list[Link]:
    """Apply the biometric rule to scored pairs, and add pairs the fingerprints join whatever their weight."""
    links = []
    for left, right, weight in scored:
        left_bio, right_bio = biometric_of[left], biometric_of[right]
        if left_bio and right_bio:
            continue  # decided below, by the fingerprints alone
        links.append(Link(left, right, weight, "match_weight"))
    by_biometric: dict[str, list[str]] = {}
    for record_id, bio in biometric_of.items():
        if bio:
            by_biometric.setdefault(bio, []).append(record_id)
    for members in by_biometric.values():
        first = members[0]
        links.extend(Link(first, other, float("inf"), "biometric") for other in members[1:])
    # Strongest first; ties broken by id so that the clustering does not depend on the order DuckDB returns rows.
    links.sort(key=lambda link: (-link.match_weight, link.left_id, link.right_id))
    return links

"""The pure dedupe core: records (Arrow table) in, clusters and pair decisions out.

No database here, so the whole engine is testable on in-memory tables. ``link`` runs
prepare -> block -> score -> decide -> cluster, batch or incrementally (``existing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from review.dedupe.block import candidate_pairs
from review.dedupe.cluster import cluster
from review.dedupe.decide import MERGE, QUEUE, RELATED, decide, lenient, pair_score
from review.dedupe.prepare import Prepared, prepare
from review.dedupe.score import features


@dataclass
class Overrides:
    """Reviewer decisions by record id: merges, pair splits, and records split off alone."""

    merge: list[tuple[str, str]] = field(default_factory=list)
    split: list[tuple[str, str]] = field(default_factory=list)
    isolate: set[str] = field(default_factory=set)


@dataclass
class LinkResult:
    """Cluster label per record (an index into the table) and the noteworthy pairs."""

    labels: np.ndarray
    pairs: np.ndarray
    decisions: np.ndarray
    scores: dict[str, np.ndarray]
    refused: list[tuple[int, int]]

    def pairs_with(self, label: int) -> np.ndarray:
        """The candidate pairs (n, 2) that were decided ``label``."""
        return self.pairs[self.decisions == label]


def _index(p: Prepared) -> dict[str, int]:
    return {rid: i for i, rid in enumerate(p["record_id"])}


def _apart(p: Prepared, o: Overrides) -> dict[int, set[int]]:
    """Record index -> indices it must never share a work with."""
    idx = _index(p)
    out: dict[int, set[int]] = {}
    for a, b in o.split:
        if a in idx and b in idx:
            out.setdefault(idx[a], set()).add(idx[b])
            out.setdefault(idx[b], set()).add(idx[a])
    everyone = set(range(len(idx)))
    for rid in o.isolate:
        if rid in idx:
            out.setdefault(idx[rid], set()).update(everyone - {idx[rid]})
            for other in everyone - {idx[rid]}:
                out.setdefault(other, set()).add(idx[rid])
    return out


def _groups(existing: np.ndarray | None, isolate: set[int]) -> list[list[int]]:
    """Existing works as lists of record indices (records split off alone are left out)."""
    if existing is None:
        return []
    by_work: dict[str, list[int]] = {}
    for i, work in enumerate(existing):
        if work is not None and i not in isolate:
            by_work.setdefault(work, []).append(i)
    return [g for g in by_work.values() if len(g) > 1]


def link(
    table: pa.Table,
    *,
    existing: np.ndarray | None = None,
    overrides: Overrides | None = None,
) -> LinkResult:
    """Cluster the records of ``table``; with ``existing`` (work id or None per record), only
    records without a work are compared, and existing works are kept together."""
    o = overrides or Overrides()
    p = prepare(table)
    new = None if existing is None else np.array([w is None for w in existing], dtype=bool)
    pairs = candidate_pairs(p, only=new)
    f = features(p, pairs)
    labels = decide(f)
    idx = _index(p)
    forced = [(idx[a], idx[b]) for a, b in o.merge if a in idx and b in idx]
    isolated = {idx[r] for r in o.isolate if r in idx}
    merge = labels == MERGE
    clusters, refused = cluster(
        p, pairs[merge], pair_score(f)[merge], groups=_groups(existing, isolated),
        forced=forced, apart=_apart(p, o), lenient={k: v[merge] for k, v in lenient(f).items()},
    )  # fmt: skip
    keep = np.isin(labels, [MERGE, QUEUE, RELATED])
    scores = {k: f[k][keep] for k in ("title", "authors", "year_diff", "doi", "kinds")}
    return LinkResult(clusters, pairs[keep], labels[keep], scores, refused)

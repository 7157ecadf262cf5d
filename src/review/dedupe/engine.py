"""The pure dedupe core: records (Arrow table) in, clusters and pair decisions out.

No database here, so the whole engine is testable on in-memory tables. ``link`` runs
prepare -> block -> score -> decide -> cluster, batch or incrementally (``existing``).

The same run in three steps, for a task runner that spreads work over processes or machines:
``plan`` (prepare and block, where the table is), ``decide_chunk`` on each of ``chunks(plan)``
(score and decide a slice of the candidate pairs; pure, anywhere), and ``finish`` (cluster,
where the table is). Features and labels are per pair, so the result is ``link``'s whatever
the chunk size or the order the chunks are decided in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from review.dedupe.block import candidate_pairs
from review.dedupe.cluster import cluster
from review.dedupe.decide import MERGE, QUEUE, RELATED, binding, decide, lenient, pair_score
from review.dedupe.prepare import Prepared, prepare
from review.dedupe.recurring import recurring
from review.dedupe.rules import check
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


def _apart(p: Prepared, o: Overrides, vetoed: np.ndarray) -> dict[int, set[int]]:
    """Record index -> indices it must never share a work with: a reviewer's splits and the
    pairs a binding veto keeps apart (``vetoed``, index pairs)."""
    idx = _index(p)
    out: dict[int, set[int]] = {}
    splits = [(idx[a], idx[b]) for a, b in o.split if a in idx and b in idx]
    for a, b in [*splits, *map(tuple, vetoed.tolist())]:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
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


PAIRS_PER_CHUNK = 50_000  # candidate pairs per chunk: a few seconds of scoring per task
_SCORES = ("title", "authors", "year_diff", "doi", "kinds")  # kept per queued/related pair


@dataclass
class Plan:
    """A run up to its candidate pairs: the prepared records, the pairs and what clustering
    needs besides the pair decisions."""

    prepared: Prepared
    pairs: np.ndarray
    existing: np.ndarray | None
    overrides: Overrides
    disabled: frozenset[str] = frozenset()  # rules switched off (``rules.RULES``)


@dataclass
class Chunk:
    """Pairs ``start`` to ``start + len(pairs)`` of a plan, with just the records they name:
    ``pairs`` index into ``prepared``, not into the plan's."""

    start: int
    prepared: Prepared
    pairs: np.ndarray
    disabled: frozenset[str] = frozenset()


@dataclass
class ChunkResult:
    """What ``finish`` needs of a chunk's pairs, in pair order: every pair's label, the merge
    order and lenient fields of the MERGE pairs, the scores of the kept pairs, and which
    pairs (positions in the chunk) a binding veto keeps in different works."""

    start: int
    labels: np.ndarray
    merge_score: np.ndarray
    lenient: dict[str, np.ndarray]
    scores: dict[str, np.ndarray]
    apart: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def plan(
    table: pa.Table,
    *,
    existing: np.ndarray | None = None,
    overrides: Overrides | None = None,
    disabled: Iterable[str] = (),
) -> Plan:
    """Prepare and block ``table`` (arguments as ``link``'s)."""
    off = check(disabled)
    p = prepare(table, disabled=off)
    if "recurring_title" not in off:
        p["generic"] = p["generic"] | recurring(p)
    new = None if existing is None else np.array([w is None for w in existing], dtype=bool)
    return Plan(p, candidate_pairs(p, only=new), existing, overrides or Overrides(), off)


def _subset(p: Prepared, rows: np.ndarray) -> Prepared:
    n = len(p["record_id"])
    return {k: v[rows] if isinstance(v, np.ndarray) and len(v) == n else v for k, v in p.items()}


def chunks(pl: Plan, size: int = PAIRS_PER_CHUNK) -> list[Chunk]:
    """The plan's pairs in order, ``size`` at a time, each with only the records it compares
    (cheap to send); at least one chunk, empty when there are no pairs."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    out = []
    for start in range(0, max(len(pl.pairs), 1), size):
        pairs = pl.pairs[start : start + size]
        rows, local = np.unique(pairs, return_inverse=True)
        prepared = _subset(pl.prepared, rows)
        out.append(Chunk(start, prepared, local.reshape(pairs.shape), pl.disabled))
    return out


def decide_chunk(chunk: Chunk) -> ChunkResult:
    """Score and decide one chunk's pairs (pure: no database, no other chunk needed)."""
    f = features(chunk.prepared, chunk.pairs, disabled=chunk.disabled)
    labels = decide(f)
    merge = labels == MERGE
    keep = np.isin(labels, [MERGE, QUEUE, RELATED])
    return ChunkResult(
        chunk.start, labels, pair_score(f)[merge], {k: v[merge] for k, v in lenient(f).items()},
        {k: getattr(f, k)[keep] for k in _SCORES}, np.flatnonzero(binding(f)),
    )  # fmt: skip


def _joined(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}


def finish(pl: Plan, chunk_results: Iterable[ChunkResult]) -> LinkResult:
    """Cluster the plan's records from every chunk's decisions (in any order)."""
    results = sorted(chunk_results, key=lambda r: r.start)
    covered = [(r.start, len(r.labels)) for r in results]
    ends = [start + n for start, n in covered]
    if not results or [s for s, _ in covered] != [0, *ends[:-1]] or ends[-1] != len(pl.pairs):
        raise ValueError(f"chunks {covered} do not cover the plan's {len(pl.pairs)} pairs once")
    labels = np.concatenate([r.labels for r in results])
    p, o = pl.prepared, pl.overrides
    idx = _index(p)
    forced = [(idx[a], idx[b]) for a, b in o.merge if a in idx and b in idx]
    isolated = {idx[r] for r in o.isolate if r in idx}
    merge = labels == MERGE
    vetoed = pl.pairs[np.concatenate([r.start + r.apart for r in results])]
    clusters, refused = cluster(
        p, pl.pairs[merge], np.concatenate([r.merge_score for r in results]),
        groups=_groups(pl.existing, isolated), forced=forced, apart=_apart(p, o, vetoed),
        lenient=_joined([r.lenient for r in results]),
    )  # fmt: skip
    keep = np.isin(labels, [MERGE, QUEUE, RELATED])
    scores = _joined([r.scores for r in results])
    return LinkResult(clusters, pl.pairs[keep], labels[keep], scores, refused)


def link(
    table: pa.Table,
    *,
    existing: np.ndarray | None = None,
    overrides: Overrides | None = None,
    disabled: Iterable[str] = (),
) -> LinkResult:
    """Cluster the records of ``table``; with ``existing`` (work id or None per record), only
    records without a work are compared, and existing works are kept together. ``disabled``
    names rules to switch off (``rules.RULES``; for ablation and tests, never in production)."""
    pl = plan(table, existing=existing, overrides=overrides, disabled=disabled)
    return finish(pl, [decide_chunk(Chunk(0, pl.prepared, pl.pairs, pl.disabled))])

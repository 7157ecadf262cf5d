"""Deduplication: link every record to a work (prepare -> block -> score -> decide -> cluster).

``run(con)`` is the entry point for the CLI and the flow. It is incremental: records that
already have a work keep it unless a reviewer's override says otherwise, and only records
without a work are compared. Nothing is deleted; running it twice changes nothing.

``run`` is ``load`` -> ``link`` -> ``write``. To score the candidate pairs elsewhere (a Dask
cluster), replace ``link`` by ``plan``, ``decide_chunk`` over ``chunks`` (pure, no database)
and ``finish`` from ``review.dedupe.engine``: ``load`` and ``write`` stay where the database is.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from review.dedupe import db
from review.dedupe.decide import QUEUE, RELATED
from review.dedupe.engine import LinkResult, Overrides, Plan, link
from review.dedupe.engine import plan as plan_table
from review.dedupe.overrides import merge_records, split_records

__all__ = [
    "DedupeSummary", "Loaded", "link", "load", "merge_records", "plan", "run", "split_records",
    "write",
]  # fmt: skip


@dataclass
class DedupeSummary:
    """What one dedupe run did."""

    records: int
    works: int
    new_links: int
    works_written: int
    candidates_queued: int
    related_pairs: int
    pairs_pruned: int
    mode: str

    def line(self) -> str:
        """One human line for the CLI."""
        return (
            f"{self.records} records in {self.works} works ({self.mode}); {self.new_links} "
            f"links changed, {self.candidates_queued} pairs queued for review, "
            f"{self.related_pairs} related pairs, {self.pairs_pruned} settled pairs pruned"
        )


def _existing(table: pa.Table, o: Overrides, full: bool) -> np.ndarray | None:
    """Current work per record, or None for a full run; works a reviewer split are reopened."""
    works = np.array(table.column("work_id").to_pylist(), dtype=object)
    if full or all(w is None for w in works):
        return None
    rid = np.array(table.column("record_id").to_pylist(), dtype=object)
    touched = {r for pair in o.split for r in pair} | set(o.isolate)
    reopened = {w for r, w in zip(rid, works, strict=True) if r in touched and w is not None}
    if reopened:
        works[np.isin(works, list(reopened))] = None
    return works


def _pairs(
    table: pa.Table, res: LinkResult, keep: np.ndarray, extra: dict[str, np.ndarray]
) -> pa.Table:
    """Arrow rows (record_a, record_b, ...) for the result's pairs where ``keep``."""
    rid = np.array(table.column("record_id").to_pylist(), dtype=object)
    cols = {"record_a": list(rid[res.pairs[keep, 0]]), "record_b": list(rid[res.pairs[keep, 1]])}
    cols.update({k: v[keep].tolist() for k, v in extra.items()})
    return pa.table(cols)


def _queued(res: LinkResult, works: np.ndarray) -> np.ndarray:
    """The queued pairs to store: one per pair of different works (the most similar titles
    first), since a reviewer decides works, and merging one pair joins the two works."""
    keep = np.zeros(len(res.decisions), dtype=bool)
    seen: set[tuple[str, str]] = set()
    order = np.argsort(-np.nan_to_num(res.scores["title"], nan=0.0), kind="stable")
    for k in order[res.decisions[order] == QUEUE]:
        a, b = sorted((works[res.pairs[k, 0]], works[res.pairs[k, 1]]))
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            keep[k] = True
    return keep


def _relation(kinds: list[str]) -> str:
    """The relation's name from the two records' kinds."""
    return (
        "erratum"
        if "erratum" in kinds
        else "retraction"
        if "retraction" in kinds
        else "preprint_version"
    )


@dataclass
class Loaded:
    """What a run reads: every record, the reviewers' overrides, and the current work per
    record (None for a full run)."""

    table: pa.Table
    overrides: Overrides
    existing: np.ndarray | None


def load(con: duckdb.DuckDBPyConnection, *, full: bool = False) -> Loaded:
    """Read what a run needs (works a reviewer split are reopened)."""
    table = db.load_records(con)
    overrides = db.load_overrides(con)
    return Loaded(table, overrides, _existing(table, overrides, full))


def plan(loaded: Loaded) -> Plan:
    """The run's prepared records and candidate pairs (``engine.plan``; no database)."""
    return plan_table(loaded.table, existing=loaded.existing, overrides=loaded.overrides)


def run(con: duckdb.DuckDBPyConnection, *, full: bool = False) -> DedupeSummary:
    """(Re)link every record to a work, honouring reviewer overrides; see the module doc."""
    loaded = load(con, full=full)
    res = link(loaded.table, existing=loaded.existing, overrides=loaded.overrides)
    return write(con, loaded, res)


def write(con: duckdb.DuckDBPyConnection, loaded: Loaded, res: LinkResult) -> DedupeSummary:
    """Store ``res`` (the ``link`` or ``finish`` of ``loaded``) in one transaction."""
    table, existing = loaded.table, loaded.existing
    rid = np.array(table.column("record_id").to_pylist(), dtype=object)
    old = np.array(table.column("work_id").to_pylist(), dtype=object)
    works = db.assign_work_ids(rid, old, res.labels)
    s = res.scores
    queue = _pairs(table, res, _queued(res, works), {
        "title_sim": s["title"], "author_sim": s["authors"], "year_diff": s["year_diff"],
        "same_doi": s["doi"].astype(np.int32),
    })  # fmt: skip
    related = _pairs(table, res, res.decisions == RELATED, {"title_sim": s["title"]})
    related = related.append_column(
        "relation", pa.array([_relation(list(k)) for k in s["kinds"][res.decisions == RELATED]])
    )
    con.execute("BEGIN")
    try:
        changed = db.write_links(con, rid, works)
        written = db.write_works(con)
        queued = db.write_pairs(con, "duplicate_candidates", queue)
        rel = db.write_pairs(con, "work_relations", related)
        pruned = db.prune_pairs(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    mode = "full" if existing is None else "incremental"
    return DedupeSummary(len(rid), len(set(works)), changed, written, queued, rel, pruned, mode)

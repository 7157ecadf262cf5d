"""Dedupe's reads and writes on the evidence store (DuckDB), all through Arrow.

Records keep every row; ``records.work_id`` is the link. ``works`` rows are rebuilt from
their records with per-field canonical values and provenance, and only rewritten when their
content changes, so a re-run writes nothing.
"""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pyarrow as pa

from review.dedupe.engine import Overrides

_RECORD_COLUMNS = (
    "record_id, source, source_id, doi, pmid, title, abstract, authors, year, venue, volume, "
    "issue, pages, publication_type, flags, work_id"
)
_CANONICAL = (
    "doi", "pmid", "title", "abstract", "authors", "year", "venue", "volume", "issue", "pages",
    "language", "publication_type", "keywords", "flags",
)  # fmt: skip


def load_records(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every record's comparison fields and current work, ordered by record id."""
    con.complete()  # duckdb 2.0: a pending execute() result blocks the relation API
    return con.sql(f"SELECT {_RECORD_COLUMNS} FROM records ORDER BY record_id").to_arrow_table()


def load_overrides(con: duckdb.DuckDBPyConnection) -> Overrides:
    """Reviewer decisions, the latest per record pair (or per record for a lone split)."""
    rows = con.execute(
        "SELECT action, record_a, record_b FROM dedupe_overrides ORDER BY created_at, override_id"
    ).fetchall()
    latest: dict[tuple[str, str | None], str] = {}
    for action, a, b in rows:
        key = (a, b) if b is None else (min(a, b), max(a, b))
        latest.pop(key, None)
        latest[key] = action
        if action == "merge" and b is not None:
            latest.pop((a, None), None)
            latest.pop((b, None), None)
    o = Overrides()
    for (a, b), action in latest.items():
        if b is None:
            o.isolate.add(a)
        elif action == "merge":
            o.merge.append((a, b))
        else:
            o.split.append((a, b))
    return o


def new_work_id(record_id: str) -> str:
    """A stable work id derived from a record id (the cluster's smallest)."""
    return "w_" + hashlib.sha1(record_id.encode()).hexdigest()[:16]


def assign_work_ids(record_ids: np.ndarray, old: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """A work id per record: a cluster keeps the old id most of its members had (larger
    clusters choose first), otherwise gets one derived from its smallest record id."""
    clusters: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        clusters.setdefault(int(label), []).append(i)
    out = np.empty(len(labels), dtype=object)
    taken: set[str] = set()
    for members in sorted(clusters.values(), key=lambda m: (-len(m), record_ids[m[0]])):
        votes: dict[str, int] = {}
        for i in members:
            if old[i] is not None:
                votes[old[i]] = votes.get(old[i], 0) + 1
        ranked = sorted(votes, key=lambda w: (-votes[w], w))
        work = next((w for w in ranked if w not in taken), None)
        work = work or new_work_id(min(record_ids[i] for i in members))
        taken.add(work)
        out[members] = work
    return out


def write_links(con: duckdb.DuckDBPyConnection, record_ids: np.ndarray, works: np.ndarray) -> int:
    """Set ``records.work_id``; returns how many records changed work."""
    _links = pa.table({"record_id": list(record_ids), "work_id": list(works)})
    changed = con.execute(
        "SELECT count(*) FROM records r JOIN _links l USING (record_id) "
        "WHERE r.work_id IS DISTINCT FROM l.work_id"
    ).fetchall()[0][0]
    if changed:
        con.execute(
            "UPDATE records SET work_id = l.work_id FROM _links l "
            "WHERE records.record_id = l.record_id AND records.work_id IS DISTINCT FROM l.work_id"
        )
    return int(changed)


def _works_select() -> str:
    """SQL computing every work's canonical row from its records."""
    order = "lpad(CAST(quality AS VARCHAR), 3, '0') || record_id"
    fields = ",\n".join(
        f"arg_max({c}, {order}) FILTER (WHERE {c} IS NOT NULL) AS {c}" for c in _CANONICAL
    )
    prov = ", ".join(
        f"'{c}', arg_max(record_id, {order}) FILTER (WHERE {c} IS NOT NULL)" for c in _CANONICAL
    )
    quality = " + ".join(f"CAST({c} IS NOT NULL AS INTEGER)" for c in _CANONICAL)
    return f"""
        WITH r AS (SELECT *, {quality} AS quality FROM records WHERE work_id IS NOT NULL)
        SELECT work_id, {fields},
               list_sort(list_distinct(list(source))) AS sources,
               CAST(count(*) AS INTEGER) AS record_count,
               CAST(json_object({prov}) AS JSON) AS provenance
        FROM r GROUP BY work_id"""


def write_works(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild ``works`` rows whose content changed; returns how many were (re)written."""
    cols = ", ".join(["work_id", *_CANONICAL, "sources", "record_count", "provenance"])
    con.execute(f"CREATE OR REPLACE TEMP TABLE _works AS {_works_select()}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _stale AS SELECT work_id FROM "
        f"(SELECT {cols} FROM works EXCEPT SELECT {cols} FROM _works) "
        f"UNION SELECT work_id FROM (SELECT {cols} FROM _works EXCEPT SELECT {cols} FROM works)"
    )
    n = con.execute("SELECT count(*) FROM _stale").fetchall()[0][0]
    con.execute("DELETE FROM works WHERE work_id IN (SELECT work_id FROM _stale)")
    con.execute(
        f"INSERT INTO works ({cols}, updated_at) SELECT {cols}, now() FROM _works "
        "WHERE work_id IN (SELECT work_id FROM _stale)"
    )
    con.execute("DROP TABLE _works; DROP TABLE _stale")
    return int(n)


def write_pairs(con: duckdb.DuckDBPyConnection, table: str, pairs: pa.Table) -> int:
    """Insert review-queue or relation pairs not yet stored; returns how many were new."""
    if pairs.num_rows == 0:
        return 0
    _pairs = pairs
    cols = ", ".join(pairs.column_names)
    before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    con.execute(
        f"INSERT OR IGNORE INTO {table} ({cols}, found_at) SELECT {cols}, now() FROM _pairs"
    )
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] - before)


def prune_pairs(con: duckdb.DuckDBPyConnection) -> int:
    """Delete queued and related pairs whose two records now share one work (a later run or
    a reviewer merged them); returns how many rows went."""
    gone = 0
    for table in ("duplicate_candidates", "work_relations"):
        before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        con.execute(
            f"DELETE FROM {table} t USING records a, records b WHERE a.record_id = t.record_a "
            "AND b.record_id = t.record_b AND a.work_id = b.work_id"
        )
        gone += before - con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return int(gone)

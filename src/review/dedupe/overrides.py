"""Reviewer overrides: merge or split works by record id. Every later dedupe honours them.

The functions only append to ``dedupe_overrides`` (history is kept) and then re-run the
dedupe so the store reflects the decision at once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import duckdb

from review.errors import UsageError


def _check(con: duckdb.DuckDBPyConnection, record_ids: list[str]) -> None:
    """Raise UsageError naming the first record id that is not in the store."""
    known = {
        r[0]
        for r in con.execute(
            "SELECT record_id FROM records WHERE list_contains(?, record_id)", [record_ids]
        ).fetchall()
    }
    missing = [r for r in record_ids if r not in known]
    if missing:
        raise UsageError(f"no record with id {missing[0]!r} (ids look like 'source:source_id')")


def _add(
    con: duckdb.DuckDBPyConnection, action: str, a: str, b: str | None, reviewer: str, note: str
) -> None:
    """Append one override row."""
    if not reviewer.strip():
        raise UsageError("a reviewer name is required for a dedupe override")
    _check(con, [a] if b is None else [a, b])
    if a == b:
        raise UsageError("merge or split needs two different records")
    con.execute(
        "INSERT INTO dedupe_overrides VALUES (?, ?, ?, ?, ?, ?, ?)",
        [uuid.uuid4().hex, action, a, b, reviewer.strip(), note or None, datetime.now(UTC)],
    )


def merge_records(
    con: duckdb.DuckDBPyConnection, a: str, b: str, *, reviewer: str, note: str = ""
) -> None:
    """Record that records ``a`` and ``b`` are the same work (their works are joined)."""
    _add(con, "merge", a, b, reviewer, note)


def split_records(
    con: duckdb.DuckDBPyConnection, a: str, b: str | None = None, *, reviewer: str, note: str = ""
) -> None:
    """Record that ``a`` and ``b`` are different works; with ``b`` None, ``a`` stands alone."""
    _add(con, "split", a, b, reviewer, note)

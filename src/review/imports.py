"""Imported files as searches (PRISMA-S): their records stored, each import recorded.

An import is a completed search with an id fixed by the source label and the file's content,
one ``searches`` row per protocol it was searched for (none named: every protocol), so
importing the same file again changes nothing. Its records are stored through
``store.add_found``, like a search's pages. Kept apart from ``search`` so that ``review
import`` does not load the HTTP and source modules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import duckdb

from review import store
from review.importers import ImportResult


def import_search_id(result: ImportResult) -> str:
    """A search id fixed by the source label and the file's content (re-imports match)."""
    digest = hashlib.sha1(result.source.encode("utf-8"))
    digest.update(Path(result.path).read_bytes())
    return f"import-{digest.hexdigest()[:16]}"


def store_import(
    con: duckdb.DuckDBPyConnection, result: ImportResult,
    protocols: Sequence[str | None] = (None,), method: str = "database",
) -> store.UpsertResult:  # fmt: skip
    """Store one imported file's records and record the import as a completed search
    (PRISMA-S), one ``searches`` row per protocol it was searched for (None: every protocol),
    inside the caller's transaction; importing the same file again changes nothing.
    """
    base = import_search_id(result)
    search_ids = [f"{base}-{p}" if p else base for p in protocols]
    found = store.add_found(con, search_ids[0], result.records)
    filters = json.dumps({"format": result.format, "skipped": len(result.skipped)})
    for search_id, protocol in zip(search_ids, protocols, strict=True):
        con.execute(
            store.sql_text("insert_import_search"),
            [search_id, protocol, method, result.source, f"import {Path(result.path).name}",
             filters, len(result.records) + len(result.skipped), len(result.records)],
        )  # fmt: skip
        store.add_hits(con, search_id, [record.record_id for record in result.records])
    return found

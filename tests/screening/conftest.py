"""Fixtures for the screening tests: the real SFI protocols and a seeded in-memory store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from review.protocol import Protocol, load_protocols
from review.store import open_store


@pytest.fixture(scope="session")
def protocols() -> dict[str, Protocol]:
    """The four SFI protocols by review name (crime, school, labour, wellbeing)."""
    return {p.review: p for p in load_protocols()}


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated in-memory store."""
    with open_store(":memory:") as connection:
        yield connection


@pytest.fixture
def seed() -> Any:
    """The ``seed_works`` helper, as a fixture."""
    return seed_works


def seed_works(con: duckdb.DuckDBPyConnection, works: list[dict[str, Any]]) -> None:
    """Insert works (work_id, title, abstract, ...) and one record per work (source 'test')."""
    rows = [
        {"work_id": w["work_id"], "title": w.get("title"), "abstract": w.get("abstract"),
         "language": w.get("language", "en"), "year": w.get("year", 2010),
         "publication_type": w.get("publication_type", "article")}
        for w in works
    ]  # fmt: skip
    _seed = pa.Table.from_pylist(rows)
    con.execute(
        "INSERT INTO works (work_id, title, abstract, keywords, language, year, publication_type, "
        "flags, sources, record_count, updated_at) SELECT work_id, title, abstract, [], language, "
        "year, publication_type, [], ['test'], 1, now() - INTERVAL 1 DAY FROM _seed"
    )
    con.execute(
        "INSERT INTO records (record_id, source, source_id, work_id, title, abstract, year, "
        "retrieved_at, first_seen_at, content_hash) SELECT 'test:' || work_id, 'test', "
        "'S-' || work_id, work_id, title, abstract, year, now(), now(), 'h' FROM _seed"
    )

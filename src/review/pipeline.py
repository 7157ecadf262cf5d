"""The stages after search, as plain functions the flow wraps as tasks (no Prefect here).

A stage whose module is not installed raises ``StageUnavailable``; the flow then skips it and
says so in its log and artifact. Every stage is idempotent and can be re-run alone.
"""

from __future__ import annotations

import gzip
import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from review import store
from review.harvest import SearchOutcome, db_wait_seconds, write_lock
from review.protocol import Protocol
from review.queries import run_query
from review.sources import SOURCES

log = logging.getLogger(__name__)


class StageUnavailable(Exception):
    """The stage's library is not part of this installation yet."""


def _entry(module: str, name: str) -> Callable[..., Any]:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise StageUnavailable(f"{module}.{name} is not available: {exc}") from None


def _as_dict(summary: Any) -> dict[str, Any]:
    if is_dataclass(summary) and not isinstance(summary, type):
        return asdict(summary)
    if hasattr(summary, "model_dump"):
        return summary.model_dump()
    return dict(summary) if isinstance(summary, dict) else {"result": summary}


def dedupe(db: Path) -> dict[str, Any]:
    """Link every record to a work (``review.dedupe.run``)."""
    run = _entry("review.dedupe", "run")
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        return _as_dict(run(con))


def dedupe_plan(db: Path, size: int | None = None) -> tuple[Any, Any, list[Any]]:
    """A dedupe run read here and planned here, for workers elsewhere to score its candidate
    pairs: (what was read, the plan, the pairs in chunks of ``size``, None = the engine's
    default; ``review.dedupe``)."""
    load, plan = _entry("review.dedupe", "load"), _entry("review.dedupe", "plan")
    chunks = _entry("review.dedupe.engine", "chunks")
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        loaded = load(con)
    planned = plan(loaded)
    return loaded, planned, chunks(planned) if size is None else chunks(planned, size)


def dedupe_write(db: Path, loaded: Any, planned: Any, results: Sequence[Any]) -> dict[str, Any]:
    """Cluster from every chunk's ``decide_chunk`` result and store the run (this process)."""
    finish = _entry("review.dedupe.engine", "finish")
    write = _entry("review.dedupe", "write")
    linked = finish(planned, list(results))
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        return _as_dict(write(con, loaded, linked))


def screen(db: Path, protocols: Sequence[Protocol]) -> dict[str, Any]:
    """Screen works not yet screened under each protocol's current rules."""
    run = _entry("review.screening", "run")
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        return _as_dict(run(con, list(protocols)))


def screen_batches(db: Path, protocols: Sequence[Protocol], size: int) -> list[Any]:
    """The works to screen as Arrow batches of ``size``, for workers elsewhere (``scatter``)."""
    batches = _entry("review.screening.scatter", "pending_batches")
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        return list(batches(con, list(protocols), size))


def write_screened(
    db: Path, protocols: Sequence[Protocol], results: Sequence[Any]
) -> dict[str, Any]:
    """Write the ``scatter.screen_batch`` results of ``screen_batches`` (this process only)."""
    write = _entry("review.screening", "write_decisions")
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        return _as_dict(write(con, list(protocols), results))


def replay(db: Path, sources: Sequence[str]) -> dict[str, int]:
    """Re-parse every archived page of these sources with today's parsers and upsert."""
    counts = {"pages": 0, "records": 0, "new": 0, "updated": 0}
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        rows = con.execute(
            "SELECT p.search_id, s.source, p.body_gz FROM pages p JOIN searches s USING "
            "(search_id) WHERE list_contains(?, s.source) ORDER BY s.started_at, p.page_no",
            [list(sources)],
        ).fetchall()
        for search_id, source_name, body_gz in rows:
            source = SOURCES[source_name]
            records = [
                source.to_record(item) for item in source.parse_page(gzip.decompress(body_gz)).items
            ]
            for record in records:
                record.search_id = search_id
            result = store.upsert_records(con, records)
            store.add_hits(con, search_id, [r.record_id for r in records])
            counts["pages"] += 1
            counts["records"] += len(records)
            counts["new"] += result.inserted
            counts["updated"] += result.updated
    return counts


def prisma_rows(db: Path, protocols: Sequence[Protocol]) -> list[dict[str, Any]]:
    """PRISMA counts of these protocols, from ``queries/prisma.sql``."""
    rows: list[dict[str, Any]] = []
    with store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        for protocol in protocols:
            columns, found = run_query(con, "prisma", {"protocol": protocol.name})
            rows += [dict(zip(columns, row, strict=True)) for row in found]
    return rows


def publish_snapshot(db: Path) -> Path:
    """Copy the database to ``<name>-snapshot.duckdb`` for researchers to open read-only."""
    return store.publish_snapshot(db)


def search_summary(outcomes: Sequence[SearchOutcome]) -> list[dict[str, Any]]:
    """One row per query, for the run's artifact and summary."""
    return [
        {
            "protocol": o.protocol, "source": o.source, "query": o.label, "status": o.status,
            "reported": o.reported_total, "fetched": o.fetched, "new": o.new,
            "updated": o.updated, "resumed": o.resumed, "error": o.error or "",
        }
        for o in outcomes
    ]  # fmt: skip

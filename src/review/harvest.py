"""Run one protocol's queries against one source and store every page as it arrives.

Each page is one transaction: the raw page (archived, gzip), its records (upserted) and the
search's progress (``searches.next_token``). So a run that dies mid-search loses nothing, and
the next run resumes the same query from the stored token: no duplicates, nothing skipped.
Writes from concurrent searches in one process are serialised by a lock per database file.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import duckdb
from pydantic import ValidationError

from review import store
from review.errors import QuotaExhausted, RateLimited, SourceError, SourceUnavailable
from review.http import base_url, make_session
from review.protocol import Protocol
from review.record import Record
from review.sources import SOURCES
from review.sources.base import FetchedPage, Query, Source

log = logging.getLogger(__name__)
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def write_lock(db: Path | str) -> threading.Lock:
    """The in-process lock that serialises writers of one database file."""
    key = str(Path(db).resolve())
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def db_wait_seconds() -> float:
    """How long a write waits for another process to release the file (``REVIEW_DB_WAIT``)."""
    return float(os.environ.get("REVIEW_DB_WAIT", "600"))


@dataclass
class SearchOutcome:
    """What one query of one source produced in this run."""

    protocol: str
    source: str
    label: str
    search_id: str
    status: str
    reported_total: int | None = None
    fetched: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    resumed: bool = False
    error: str | None = None
    source_down: bool = False  # unreachable, rate-limited or out of quota: skip its other queries
    unreachable: bool = False  # a network outage: worth retrying the task later (it resumes)


def _find_resumable(con: duckdb.DuckDBPyConnection, protocol: str, query: Query) -> tuple | None:
    return store.one(
        con,
        "SELECT search_id, next_token, fetched, pages, reported_total FROM searches "
        "WHERE protocol = ? AND source = ? AND query_text = ? AND filters = ?::JSON "
        "AND status IN ('running', 'failed') AND next_token IS NOT NULL "
        "ORDER BY started_at DESC LIMIT 1",
        [protocol, query.source, query.text, json.dumps(query.filters, sort_keys=True)],
    )


def _start_search(
    db: Path, protocol: str, query: Query, run_id: str, since: date | None
) -> tuple[SearchOutcome, str | None, int]:
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        found = _find_resumable(con, protocol, query)
        if found:
            search_id, token, fetched, pages, total = found
            con.execute(
                "UPDATE searches SET status = 'running', run_id = ?, error = NULL "
                "WHERE search_id = ?",
                [run_id, search_id],
            )
            outcome = SearchOutcome(protocol, query.source, query.label, search_id, "running")
            outcome.fetched, outcome.reported_total, outcome.resumed = fetched, total, True
            return outcome, token, pages
        search_id = uuid.uuid4().hex
        con.execute(
            "INSERT INTO searches (search_id, run_id, protocol, source, query_label, query_text,"
            " filters, since, started_at, status) VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?, now(),"
            " 'running')",
            [search_id, run_id, protocol, query.source, query.label, query.text,
             json.dumps(query.filters, sort_keys=True), since],
        )  # fmt: skip
    return SearchOutcome(protocol, query.source, query.label, search_id, "running"), None, 0


def _map_items(source: Source, page: FetchedPage, search_id: str) -> tuple[list[Record], int]:
    records, skipped = [], 0
    for item in page.parsed.items:
        try:
            record = source.to_record(item)
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            skipped += 1
            log.warning("%s: skipped an item that cannot be mapped: %s", source.NAME, exc)
            continue
        record.search_id = search_id
        records.append(record)
    return records, skipped


def _save_page(
    db: Path, outcome: SearchOutcome, page: FetchedPage, page_no: int, records: list[Record]
) -> None:
    lock, opened = write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds())
    with lock, opened as con, store.transaction(con):
        con.execute(
            "INSERT INTO pages VALUES (?, ?, ?, ?, now(), ?, ?)",
            [outcome.search_id, page_no, page.url, page.token, len(page.parsed.items),
             gzip.compress(page.body)],
        )  # fmt: skip
        result = store.upsert_records(con, records, own_transaction=False)
        store.add_hits(con, outcome.search_id, [r.record_id for r in records])
        con.execute(
            "UPDATE searches SET fetched = fetched + ?, pages = pages + 1, next_token = ?, "
            "reported_total = coalesce(?, reported_total) WHERE search_id = ?",
            [len(records), page.parsed.next_token, page.parsed.total, outcome.search_id],
        )
    outcome.new += result.inserted
    outcome.updated += result.updated


def _finish(db: Path, outcome: SearchOutcome, truncated: bool, by_design: bool = False) -> None:
    # "capped": the source's own per-query cap (complete by design); "truncated": a trial cap.
    if outcome.status == "running":
        outcome.status = ("capped" if by_design else "truncated") if truncated else "completed"
    total = outcome.reported_total
    complete = outcome.status == "completed"
    shortfall = total - outcome.fetched if total is not None and complete else None
    if shortfall and shortfall > 0:
        log.warning(
            "%s/%s %s: fetched %d of %d reported (shortfall %d)", outcome.protocol,
            outcome.source, outcome.label, outcome.fetched, total, shortfall,
        )  # fmt: skip
    with write_lock(db), store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        con.execute(
            "UPDATE searches SET status = ?, finished_at = now(), error = ?, shortfall = ?, "
            "next_token = CASE WHEN ? IN ('completed', 'truncated', 'capped') THEN NULL "
            "ELSE next_token END WHERE search_id = ?",
            [outcome.status, outcome.error, shortfall, outcome.status, outcome.search_id],
        )


def run_query(
    db: Path, protocol: Protocol, source: Source, query: Query, *, run_id: str,
    since: date | None = None, max_records: int | None = None,
    session_factory: Callable[[], object] | None = None,
    on_page: Callable[[SearchOutcome], None] | None = None,
) -> SearchOutcome:  # fmt: skip
    """Fetch one query to the end (or ``max_records``), storing page by page.

    ``on_page(outcome)`` is called after each stored page (progress reports).
    """
    outcome, token, page_no = _start_search(db, protocol.name, query, run_id, since)
    session = session_factory() if session_factory else make_session(source.http_config())
    # A source may cap a query on purpose (Crossref keeps the top N of each focused query).
    caps = [c for c in (max_records, query.filters.get("max_records")) if c is not None]
    limit = min(int(c) for c in caps) if caps else None
    by_design = max_records is None or (limit is not None and limit < max_records)
    remaining = None if limit is None else max(0, limit - outcome.fetched)
    truncated = remaining == 0
    try:
        pages = source.fetch(
            session, query, base_url=base_url(source.NAME, source.BASE_URL),  # type: ignore[arg-type]
            start_token=token, max_records=remaining,
        )  # fmt: skip
        for page in [] if truncated else pages:
            records, skipped = _map_items(source, page, outcome.search_id)
            if remaining is not None and len(records) >= remaining:
                records, truncated = records[:remaining], True
            page_no += 1
            _save_page(db, outcome, page, page_no, records)
            outcome.fetched += len(records)
            outcome.skipped += skipped
            if outcome.reported_total is None:
                outcome.reported_total = page.parsed.total
            if remaining is not None:
                remaining -= len(records)
            if on_page:
                on_page(outcome)
            if truncated:
                break
    except SourceError as exc:
        outcome.status, outcome.error = "failed", str(exc)
        outcome.source_down = isinstance(exc, (SourceUnavailable, RateLimited, QuotaExhausted))
        outcome.unreachable = isinstance(exc, SourceUnavailable)
    _finish(db, outcome, truncated, by_design and "max_records" in query.filters)
    return outcome


def search_source(
    db: Path, protocol: Protocol, source_name: str, *, run_id: str,
    since: date | None = None, max_records: int | None = None,
    progress: Callable[[int, int, SearchOutcome], None] | None = None,
) -> list[SearchOutcome]:  # fmt: skip
    """Every query of the protocol for one source; a dead source stops its remaining queries.

    ``progress(query_index, query_count, outcome)`` is called after each stored page.
    """
    source = SOURCES[source_name]
    outcomes: list[SearchOutcome] = []
    queries = list(source.translate(protocol, since))
    for index, query in enumerate(queries):
        on_page = partial(progress, index, len(queries)) if progress else None
        outcome = run_query(
            db, protocol, source, query, run_id=run_id, since=since, max_records=max_records,
            on_page=on_page,
        )  # fmt: skip
        outcomes.append(outcome)
        if outcome.source_down:
            break
    return outcomes

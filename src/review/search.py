"""Searches: a protocol's queries against a source, and replays of their archived pages.

``search_source`` runs every query of one protocol against one source; ``fetch_query`` runs
one query and stores each page as it arrives, in one transaction: the raw page (archived,
gzip), its records and the search's progress (``searches.next_token``). So a run that dies
mid-search loses nothing, and the next run resumes the same query from the stored token: no
duplicates, nothing skipped. ``replay`` re-parses the archived pages with today's parsers.
Both store what a search found through ``store.add_found``, as ``imports.store_import`` does
for an imported file.
"""

from __future__ import annotations

import gzip
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
from pydantic import ValidationError

from review import interrupt, store
from review.errors import (
    Interrupted,
    QuotaExhausted,
    RateLimited,
    SourceError,
    SourceUnavailable,
)
from review.http import make_session
from review.progress import SearchStatus
from review.protocol import Protocol
from review.record import Record
from review.settings import base_url
from review.sources import SOURCES
from review.sources.base import FetchedPage, Query, Source
from review.sources.plan import plan, plan_key

log = logging.getLogger(__name__)
INTERRUPTED = "stopped on request; resumes from its cursor on the next run"
# gzip level of the archived pages: 6 takes half the time of 9 on a 5 MB Crossref page
# (0.11 s against 0.24 s) for much the same size.
PAGE_COMPRESSION = 6


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
    filters = json.dumps(query.filters, sort_keys=True)
    sql = store.sql_text("search_resumable")
    return store.one(con, sql, [protocol, query.source, query.text, filters])


def _start_search(
    db: Path, protocol: str, query: Query, run_id: str, since: date | None, key: str | None
) -> tuple[SearchOutcome, str | None, int]:
    with store.writing(db) as con:
        found = _find_resumable(con, protocol, query)
        if found:
            search_id, token, fetched, pages, total = found
            con.execute(store.sql_text("search_resume"), [run_id, key, search_id])
            outcome = SearchOutcome(protocol, query.source, query.label, search_id, "running")
            outcome.fetched, outcome.reported_total, outcome.resumed = fetched, total, True
            return outcome, token, pages
        search_id = uuid.uuid4().hex
        con.execute(
            store.sql_text("search_insert"),
            [search_id, run_id, protocol, query.source, query.label, query.text,
             json.dumps(query.filters, sort_keys=True), since, key],
        )  # fmt: skip
    return SearchOutcome(protocol, query.source, query.label, search_id, "running"), None, 0


def _map_items(source: Source, page: FetchedPage, search_id: str) -> tuple[list[Record], int]:
    records, skipped = [], 0
    for item in page.parsed.items:
        try:
            records.append(source.to_record(item))
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            skipped += 1
            log.warning("%s: skipped an item that cannot be mapped: %s", source.NAME, exc)
    return records, skipped


def _save_page(
    db: Path, outcome: SearchOutcome, page: FetchedPage, page_no: int, records: list[Record]
) -> None:
    with store.writing(db) as con, store.transaction(con):
        con.execute(
            store.sql_text("search_page"),
            [outcome.search_id, page_no, page.url, page.token, len(page.parsed.items),
             gzip.compress(page.body, compresslevel=PAGE_COMPRESSION)],
        )  # fmt: skip
        result = store.add_found(con, outcome.search_id, records)
        con.execute(
            store.sql_text("search_progress"),
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
    with store.writing(db) as con:
        con.execute(
            store.sql_text("search_finish"),
            [outcome.status, outcome.error, shortfall, outcome.search_id],
        )


def _limit(query: Query, max_records: int | None) -> tuple[int | None, bool]:
    """The query's record cap, and whether the source set it by design: a source may cap a
    query on purpose (Crossref keeps the top N of each focused query), a trial run too."""
    caps = [c for c in (max_records, query.filters.get("max_records")) if c is not None]
    limit = min(int(c) for c in caps) if caps else None
    by_design = max_records is None or (limit is not None and limit < max_records)
    return limit, by_design


def fetch_query(
    db: Path, protocol: Protocol, source: Source, query: Query, *, run_id: str,
    since: date | None = None, max_records: int | None = None, plan_key: str | None = None,
    session_factory: Callable[[], object] | None = None,
    on_page: Callable[[SearchOutcome], None] | None = None,
) -> SearchOutcome:  # fmt: skip
    """Fetch one query to the end (or ``max_records``), storing page by page.

    ``plan_key`` names the query plan the query belongs to (``sources.plan.plan_key``);
    ``on_page(outcome)`` is called after each stored page (progress reports).
    """
    outcome, token, page_no = _start_search(db, protocol.name, query, run_id, since, plan_key)
    session = session_factory() if session_factory else make_session(source.http_config())
    limit, by_design = _limit(query, max_records)
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
            interrupt.check()
    except Interrupted:
        outcome.status, outcome.error = "interrupted", INTERRUPTED
    except SourceError as exc:
        outcome.status, outcome.error = "failed", str(exc)
        outcome.source_down = isinstance(exc, (SourceUnavailable, RateLimited, QuotaExhausted))
        outcome.unreachable = isinstance(exc, SourceUnavailable)
    _finish(db, outcome, truncated, by_design and "max_records" in query.filters)
    return outcome


def search_source(
    db: Path, protocol: Protocol, source_name: str, *, run_id: str,
    since: date | None = None, max_records: int | None = None, max_queries: int | None = None,
    progress: Callable[[SearchStatus], None] | None = None,
) -> list[SearchOutcome]:  # fmt: skip
    """Every query of the protocol for one source (the first ``max_queries``, most central
    first, for a trial); a dead source stops its remaining queries, and so does a stop request.

    The queries share one session, so the source's rate limit holds across them.
    ``progress(status)`` is called at the start, after each stored page and after each query.
    """
    source = SOURCES[source_name]
    outcomes: list[SearchOutcome] = []
    queries = plan(protocol, source_name, since, max_queries=max_queries).queries
    key = plan_key(protocol, source_name, max_queries)
    session = make_session(source.http_config())
    status = SearchStatus(protocol.name, source_name, len(queries))
    report = progress or (lambda _: None)
    report(status)
    for query in queries:
        outcome = fetch_query(
            db, protocol, source, query, run_id=run_id, since=since, max_records=max_records,
            plan_key=key, session_factory=lambda: session,
            on_page=partial(_page_stored, status, report),
        )  # fmt: skip
        outcomes.append(outcome)
        _query_done(status, outcome)
        report(status)
        if outcome.source_down or outcome.status == "interrupted":
            break
    status.status = _overall(outcomes)
    report(status)
    return outcomes


def _page_stored(
    status: SearchStatus, report: Callable[[SearchStatus], None], outcome: SearchOutcome
) -> None:
    status.query_fetched, status.query_total = outcome.fetched, outcome.reported_total
    report(status)


def _query_done(status: SearchStatus, outcome: SearchOutcome) -> None:
    status.done += 1
    status.records += outcome.fetched
    status.new += outcome.new
    status.query_fetched, status.query_total = 0, None
    if outcome.error:
        status.error = outcome.error


def _overall(outcomes: Sequence[SearchOutcome]) -> str:
    """One word for a protocol × source search: the worst of its queries' states."""
    states = {o.status for o in outcomes}
    if "interrupted" in states:
        return "interrupted"
    if "failed" in states:
        return "failed" if states == {"failed"} else "partial"
    return "completed"


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


def replay(db: Path, sources: Sequence[str]) -> dict[str, int]:
    """Re-parse every archived page of these sources with today's parsers and store again."""
    counts = {"pages": 0, "records": 0, "new": 0, "updated": 0}
    with store.writing(db) as con:
        rows = con.execute(store.sql_text("replay_pages"), [list(sources)]).fetchall()
        for search_id, source_name, body_gz in rows:
            source = SOURCES[source_name]
            parsed = source.parse_page(gzip.decompress(body_gz))
            records = [source.to_record(item) for item in parsed.items]
            with store.transaction(con):
                result = store.add_found(con, search_id, records)
            counts["pages"] += 1
            counts["records"] += len(records)
            counts["new"] += result.inserted
            counts["updated"] += result.updated
    return counts

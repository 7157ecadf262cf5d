"""What a search costs before it runs: queries, requests and time per protocol x source.

``plan`` translates one protocol for one source and estimates the requests from the caps and
page sizes: a query capped at N records costs at most ``ceil(N / page size)`` pages (plus
PubMed's esearch); an uncapped one at least one request, and more as its hits need pages,
which only the API knows. The time is the requests at the rate the source's session keeps
(``http_config().rate_per_second``: the polite rate when ``REVIEW_MAILTO`` or a key is set).
``max_queries`` is the per-run cap for trial runs: the first N queries, which every source's
``translate`` orders most central first (see ``crossref``). ``format_plans`` renders the
table ``review run --dry-run`` prints.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from review.protocol import Protocol
from review.sources import SOURCES, crossref, eric, europepmc, openalex, pubmed, semanticscholar
from review.sources.base import Query

# Records per page at most, per source (each module's own constant).
PAGE_SIZE = {
    "openalex": openalex.PER_PAGE,
    "crossref": crossref.ROWS,
    "pubmed": pubmed.PAGE_SIZE,
    "europepmc": europepmc.PAGE_SIZE,
    "semanticscholar": semanticscholar.PAGE_SIZE,
    "eric": eric.ROWS,
}
SEARCH_REQUESTS = {"pubmed": 1}  # requests a query costs before its first page (esearch)


UNBOUNDED_NOTE = (
    ">= : at least one page per query; how many more depends on the hits, which only the API "
    "knows (--max-records bounds it)"
)


@dataclass(frozen=True)
class QueryPlan:
    """The queries one protocol sends to one source, and what they will cost."""

    protocol: str
    source: str
    queries: list[Query]
    planned: int  # queries the protocol translates to, before ``max_queries``
    min_requests: int
    max_requests: int | None  # None: no cap bounds it (the hit counts decide)
    rate_per_second: float

    @property
    def skipped(self) -> int:
        """Queries left out by ``max_queries``."""
        return self.planned - len(self.queries)

    @property
    def min_seconds(self) -> float:
        return self.min_requests / self.rate_per_second

    @property
    def max_seconds(self) -> float | None:
        return None if self.max_requests is None else self.max_requests / self.rate_per_second


def query_requests(source: str, query: Query, max_records: int | None) -> tuple[int, int | None]:
    """(fewest, most) requests one query costs; most is None when no cap bounds it."""
    caps = [int(c) for c in (max_records, query.filters.get("max_records")) if c is not None]
    search = SEARCH_REQUESTS.get(source, 0)
    fewest = max(1, search)
    if not caps:
        return fewest, None
    return fewest, search + max(1, math.ceil(min(caps) / PAGE_SIZE[source]))


def plan_key(protocol: Protocol, source: str, max_queries: int | None = None) -> str | None:
    """A fingerprint of the queries a full search of this protocol x source sends (without
    ``since``), or None when ``max_queries`` leaves some out: a run searches incrementally only
    a plan it has searched in full (``runs.last_success``)."""
    queries = SOURCES[source].translate(protocol, None)
    if max_queries is not None and max_queries < len(queries):
        return None
    text = json.dumps([[q.text, q.filters] for q in queries], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan(
    protocol: Protocol,
    source: str,
    since: date | None = None,
    *,
    max_queries: int | None = None,
    max_records: int | None = None,
) -> QueryPlan:
    """The queries ``source`` gets for ``protocol`` (the first ``max_queries``), with their cost.

    ``max_records`` is the run's per-query cap (``--max-records``); a source's own cap
    (Crossref's ``TOP_N``, recorded in ``query.filters["max_records"]``) applies as well.
    """
    if max_queries is not None and max_queries < 1:
        raise ValueError(f"max_queries must be at least 1, not {max_queries}")
    module = SOURCES[source]
    translated = module.translate(protocol, since)
    queries = translated[:max_queries] if max_queries else translated
    costs = [query_requests(source, q, max_records) for q in queries]
    most = [m for _, m in costs]
    return QueryPlan(
        protocol=protocol.name,
        source=source,
        queries=queries,
        planned=len(translated),
        min_requests=sum(f for f, _ in costs),
        max_requests=None if None in most else sum(m for m in most if m is not None),
        rate_per_second=module.http_config().rate_per_second,
    )


def plans(
    protocols: Iterable[Protocol],
    sources: Iterable[str],
    since: date | None = None,
    *,
    max_queries: int | None = None,
    max_records: int | None = None,
) -> list[QueryPlan]:
    """``plan`` for every protocol x source the protocol searches, in that order."""
    chosen = list(sources)
    return [
        plan(p, name, since, max_queries=max_queries, max_records=max_records)
        for p in protocols
        for name in chosen
        if name in p.sources
    ]


def duration(seconds: float) -> str:
    """``0.4 s``, ``42 s``, ``3 min 05 s``, ``2 h 07 min``: short and readable."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def _cells(row: QueryPlan) -> list[str]:
    queries = f"{len(row.queries)}" + (f" of {row.planned}" if row.skipped else "")
    if row.max_requests == row.min_requests:
        requests, time = str(row.min_requests), duration(row.min_seconds)
    elif row.max_requests is None:
        requests, time = f">= {row.min_requests}", f">= {duration(row.min_seconds)}"
    else:
        requests = f"{row.min_requests}-{row.max_requests}"
        time = f"{duration(row.min_seconds)}-{duration(row.max_seconds or 0)}"
    return [row.protocol, row.source, queries, requests, f"{time} at {row.rate_per_second:g}/s"]


def _total(source: str, rows: list[QueryPlan]) -> QueryPlan:
    most = [r.max_requests for r in rows]
    return QueryPlan(
        protocol="all", source=source, queries=[q for r in rows for q in r.queries],
        planned=sum(r.planned for r in rows), min_requests=sum(r.min_requests for r in rows),
        max_requests=None if None in most else sum(m for m in most if m is not None),
        rate_per_second=rows[0].rate_per_second,
    )  # fmt: skip


def format_plans(rows: list[QueryPlan]) -> str:
    """The dry-run table: one line per protocol x source, then one total per source.

    A source's totals are what matter for the run's length: the API's rate limit holds per
    client, so the protocols' searches of one source share it.
    """
    sources = list(dict.fromkeys(r.source for r in rows))
    totals = [_total(s, [r for r in rows if r.source == s]) for s in sources]
    header = ["protocol", "source", "queries", "requests", "time at the source's rate"]
    lines = [header, *(_cells(r) for r in rows)]
    if len({r.protocol for r in rows}) > 1:
        lines += [_cells(t) for t in totals]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    align = ["<", "<", ">", ">", "<"]
    table = [
        "  ".join(f"{cell:{a}{w}}" for cell, a, w in zip(line, align, widths, strict=True)).rstrip()
        for line in lines
    ]
    if any(r.max_requests is None for r in rows):
        table.append(UNBOUNDED_NOTE)
    return "\n".join(table)

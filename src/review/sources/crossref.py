"""Crossref REST API (``/works``): DOI metadata from every Crossref member.

Search strategy. Crossref has no Boolean search: ``query.bibliographic`` is a relevance-ranked
bag of words matched against titles, authors, venues and years (any word may match; it was
built for whole reference strings), so one long OR-strategy would return millions of loosely
related works ranked by a blend of everything. We therefore send focused bags and keep only
the ``TOP_N`` most relevant works of each (stored as ``filters["max_records"]``, so the cap is
recorded in ``searches``, never silent). The outcome/design block cannot be ANDed here:
screening applies it. ``protocol.search.overrides["crossref"]`` strings are sent verbatim as
``query.bibliographic`` instead; year, type and ``since`` filters still apply.

Query plan (docs/sources.md has the figures). The terms of the first two blocks (setting,
intervention) are grouped by ``word_bags`` into bags of at most ``MAX_BAG_WORDS`` distinct
words, variants of one concept together ("deprived / disadvantaged / distressed
neighbourhood", "community / problem-oriented / hot spot policing"), a language's terms
together; one query per setting bag x intervention bag. Recall: every word of every old
setting-term x intervention-term pair is still in one query, so every title the pair query
matched is still matched; what changes is ranking depth. 11-14 old pairs (mean) now share one
top list of ``TOP_N`` = 1,000 (one page: rows max out at 1,000, so a request costs the same),
69-90 places per pair instead of 200, and a title matching two setting words but no
intervention word can outrank a relevant one; rare pairs (high-idf words) keep their places,
the lost depth is at the bottom of frequent pairs. Cross-language bags (a Danish setting bag
with an English intervention bag) are kept: Nordic titles borrow English programme names.
Cost: 72-120 requests per SFI protocol instead of 989-1,333, and 35-45% of the records.
Order: bags are numbered in protocol order (authors list their central terms first) and
queries are sent by ascending sum of the two numbers, so a capped trial run
(``review.sources.plan``'s ``max_queries``) gets the central terms first.

Filters: ``type:`` (repeated = OR) keeps the types that carry studies (``STUDY_TYPES``) and
drops datasets, components, reference entries, journal issues and peer-review reports, which
otherwise take top places (19 of the 181 typed works in the recorded Crossref payloads are
such types); a study deposited under a dropped type is lost. ``from-pub-date`` /
``until-pub-date`` come from the protocol years; ``since`` becomes ``from-index-date`` (the
index date changes whenever a record is created *or* updated, so an incremental run also
re-fetches corrected, retracted and newly-abstracted records). An incremental run sends the
same queries, each still one request: the plan, not the date filter, sets its cost.

Paging: always ``cursor=*`` (``offset`` stops at 10,000) with ``rows`` up to 1,000. The
``next-cursor`` is identical on every page of a chain, so the loop stops on an empty or short
page, or once ``total-results`` works are in, never on an unchanged cursor. A retried request
can advance the server-side scroll and skip a page; the fetched count is therefore checked
against ``total-results`` and, when short, the chain is restarted once from ``*`` yielding
only works not yet seen (then a shortfall is logged, never hidden).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

import requests

from review.errors import BadResponse
from review.http import HttpConfig
from review.protocol import Protocol
from review.record import Record
from review.settings import mailto
from review.sources.base import FetchedPage, ParsedPage, Query, decode_json, get_page
from review.sources.query import word_bags

NAME = "crossref"
BASE_URL = "https://api.crossref.org"
ROWS = 1000  # maximum rows per page (rest-api-doc rest_api.md, "Rows")
TOP_N = 1000  # most relevant works kept per query: one full page (see the module docstring)
MAX_BAG_WORDS = 6  # distinct words per block in one query (so at most 12 per query)
# Work types that carry studies (Crossref /types); the others are data, parts or notices.
STUDY_TYPES = (
    "journal-article", "proceedings-article", "book-chapter", "book", "book-part", "book-section",
    "edited-book", "monograph", "report", "dissertation", "posted-content", "other",
)  # fmt: skip
# Send at 95% of the limit: arrival jitter at exactly the limit puts two requests in one
# window and draws a 429 from a strict server (measured with bench/sources.py).
MARGIN = 0.95
CHAIN_RESTARTS = 1

log = logging.getLogger(__name__)


def http_config() -> HttpConfig:
    """Crossref politeness: 10 req/s in the polite pool (REVIEW_MAILTO set), else 5 req/s.

    Figures: Crossref blog "Announcing changes to REST API rate limits" (2025-11-05, in force
    from 2025-12-01) and the recorded headers ``x-rate-limit-limit: 5`` (public) / ``10``
    (polite) in ``shared/apis/crossref/habanero_*.yaml``. The polite pool is joined by the
    ``mailto:`` that ``review.http.user_agent`` puts in the User-Agent (rest-api-doc README).
    The session also lowers its rate to whatever ``x-rate-limit-*`` announces. We send one
    request at a time, inside the public pool's ``x-concurrency-limit: 1``.
    """
    rate = 10.0 if mailto() else 5.0
    return HttpConfig(source=NAME, rate_per_second=rate * MARGIN, burst=1.0, timeout=(10.0, 90.0))


def _filters(protocol: Protocol, since: date | None) -> dict[str, str]:
    parts = [f"type:{kind}" for kind in STUDY_TYPES]  # the same filter repeated = OR
    if protocol.year_from:
        parts.append(f"from-pub-date:{protocol.year_from}-01-01")
    if protocol.year_to:
        parts.append(f"until-pub-date:{protocol.year_to}-12-31")
    if since:
        parts.append(f"from-index-date:{since.isoformat()}")
    return {"max_records": str(TOP_N), "filter": ",".join(parts)}


def translate(protocol: Protocol, since: date | None = None) -> list[Query]:
    """One ``query.bibliographic`` per setting bag x intervention bag (or the overrides)."""
    filters = _filters(protocol, since)
    overrides = protocol.search.overrides.get(NAME)
    if overrides:
        return [Query(NAME, text, dict(filters), label="override") for text in overrides]
    blocks = protocol.search.blocks
    first = _bags(blocks[0].terms)
    second = _bags(blocks[1].terms) if len(blocks) > 1 else [[]]
    pairs = sorted(itertools.product(range(len(first)), range(len(second))), key=_centre_first)
    label = f"{blocks[0].name}[{{}}/{len(first)}]"
    if len(blocks) > 1:
        label += f" x {blocks[1].name}[{{}}/{len(second)}]"
    return [
        Query(NAME, " ".join(first[i] + second[j]), dict(filters), label.format(i + 1, j + 1))
        for i, j in pairs
    ]


def _bags(terms: list[str]) -> list[list[str]]:
    return [words for words, _ in word_bags(terms, MAX_BAG_WORDS)]


def _centre_first(ij: tuple[int, int]) -> tuple[int, int, int]:
    """Bags early in both blocks first: protocols list their central terms first."""
    return (sum(ij), *ij)


def _cap(query: Query, max_records: int | None) -> int | None:
    caps = [c for c in (max_records, query.filters.get("max_records")) if c is not None]
    return min(int(c) for c in caps) if caps else None


def _request_params(query: Query, rows: int) -> dict[str, Any]:
    params: dict[str, Any] = {"query.bibliographic": query.text, "rows": rows}
    if query.filters.get("filter"):
        params["filter"] = query.filters["filter"]
    return params


def _chain(
    session: requests.Session,
    url: str,
    params: dict[str, Any],
    cursor: str,
    seen: set[str],
    cap: int | None,
) -> Iterator[FetchedPage]:
    """Follow one cursor chain, yielding pages of works not in ``seen`` (updated in place)."""
    while cap is None or len(seen) < cap:
        shown, body, parsed = get_page(session, url, {**params, "cursor": cursor}, NAME, parse_page)
        fresh = [item for item in parsed.items if _doi_key(item) not in seen]
        seen.update(_doi_key(item) for item in fresh)
        page = ParsedPage(fresh, parsed.total, parsed.next_token)
        if fresh or not parsed.items:
            yield FetchedPage(url=shown, body=body, parsed=page, token=cursor)
        done = parsed.total is not None and len(seen) >= parsed.total
        if done or len(parsed.items) < params["rows"] or not parsed.next_token:
            return
        cursor = parsed.next_token


def fetch(
    session: requests.Session,
    query: Query,
    *,
    base_url: str,
    start_token: str | None = None,
    max_records: int | None = None,
) -> Iterator[FetchedPage]:
    """Yield cursor pages from ``start_token`` (default ``*``) until the end or the cap."""
    cap = _cap(query, max_records)
    params = _request_params(query, min(ROWS, cap) if cap else ROWS)
    url = f"{base_url}/works"
    seen: set[str] = set()
    total: int | None = None
    for restart in range(CHAIN_RESTARTS + 1):
        cursor = (start_token or "*") if restart == 0 else "*"
        for page in _chain(session, url, params, cursor, seen, cap):
            total = page.parsed.total if page.parsed.total is not None else total
            yield page
        expected = min(x for x in (total, cap) if x is not None) if total is not None else None
        if expected is None or len(seen) >= expected or cursor != "*":
            return
        log.warning(
            "crossref: %s of %s works for %r; a page was lost mid-chain, restarting from '*'",
            len(seen),
            expected,
            query.text,
        )
    log.warning("crossref: still %s of %s works for %r", len(seen), expected, query.text)


def _doi_key(item: dict[str, Any]) -> str:
    return str(item.get("DOI", "")).lower()


def parse_page(body: bytes) -> ParsedPage:
    """A ``work-list`` page (or a singleton ``work``); Crossref error payloads raise."""
    data = decode_json(body, NAME)
    if not isinstance(data, dict) or "message" not in data:
        raise BadResponse(f"{NAME}: unexpected payload: {body[:120]!r}", source=NAME)
    message, kind = data["message"], data.get("message-type")
    if data.get("status") != "ok" or not isinstance(message, dict):
        raise BadResponse(f"{NAME}: API error ({kind}): {message}", source=NAME)
    if kind == "work":
        return ParsedPage([message], 1, None)
    if kind != "work-list":
        raise BadResponse(f"{NAME}: unexpected message-type {kind!r}", source=NAME)
    return ParsedPage(
        list(message.get("items", [])), message.get("total-results"), message.get("next-cursor")
    )


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else (value or None)


def _year(item: dict[str, Any]) -> int | None:
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = (item.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None


def _author(person: dict[str, Any]) -> str | None:
    family, given = person.get("family"), person.get("given")
    if family and given:
        return f"{family}, {given}"
    return family or person.get("name") or given


def _flags(item: dict[str, Any]) -> list[str]:
    """Retraction/erratum/preprint flags from ``update-to``, ``updated-by``, type, relation."""
    flags = set()
    notice = {"retraction": "retraction_notice", "withdrawal": "withdrawn"}
    for update in item.get("update-to") or []:
        kind = str(update.get("type", "")).lower()
        flags.add(notice.get(kind, "erratum" if kind in {"correction", "erratum"} else ""))
    for update in item.get("updated-by") or []:
        kind = str(update.get("type", "")).lower()
        flags.add({"retraction": "retracted", "withdrawal": "withdrawn"}.get(kind, ""))
    if item.get("type") == "posted-content":  # preprint servers and repositories
        flags.add("preprint")
    if (item.get("relation") or {}).get("is-preprint-of"):
        flags.add("preprint")
    return sorted(flags - {""})


def to_record(item: dict[str, Any]) -> Record:
    """Map one Crossref work to a Record (JATS in the abstract is stripped by Record)."""
    title, subtitle = _first(item.get("title")), _first(item.get("subtitle"))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    return Record(
        source=NAME,
        source_id=_doi_key(item),
        doi=item.get("DOI"),
        title=title,
        abstract=item.get("abstract"),
        authors=[a for a in map(_author, item.get("author") or []) if a],
        year=_year(item),
        venue=_first(item.get("container-title")),
        volume=item.get("volume"),
        issue=item.get("issue"),
        pages=item.get("page"),
        language=item.get("language"),
        publication_type=item.get("type"),
        keywords=item.get("subject") or [],
        flags=_flags(item),
        url=item.get("URL"),
    )

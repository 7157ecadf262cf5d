"""OpenAlex (https://developers.openalex.org): works search with cursor paging.

Query: the concept blocks become one Boolean string (uppercase AND/OR, quoted phrases) in the
``title_and_abstract.search`` filter; OpenAlex stems and has no wildcards, so ``*`` is dropped.
Requests are capped at about 4 KB of URL, so long strategies are split (their union is the
same result set). Paging: ``cursor=*`` then ``meta.next_cursor`` until it is null or a page is
empty; ``per_page=100`` (the documented maximum, since 2026).

Key: ``OPENALEX_API_KEY`` is sent as ``api_key`` (required since Feb 2026; never logged: URLs are
redacted). A 429 when the daily credit is used up stops this source for the run.

Incremental (``since``): ``from_created_date`` needs a premium key; set ``OPENALEX_PREMIUM=1``
to use it. Otherwise the run asks for works *published* from one year before ``since``, which
catches late-indexed records of that window; the store keeps unchanged records untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import requests

from review import settings
from review.errors import BadResponse
from review.http import HttpConfig, with_params
from review.protocol import Protocol
from review.record import Record
from review.sources.base import FetchedPage, ParsedPage, Query, decode_json, get_page
from review.sources.query import boolean_query, split_to_fit

NAME = "openalex"
BASE_URL = "https://api.openalex.org"
PER_PAGE = 100
MAX_FILTER_CHARS = 3000  # URL-encoded; the API refuses URLs over ~4 KB
_FLAG_TYPES = {"preprint": "preprint", "erratum": "erratum", "retraction": "retraction_notice"}


def _quota_exhausted(response: requests.Response) -> bool:
    """A 429 without Retry-After, or with no credits left, means the daily budget is spent."""
    headers = response.headers
    remaining = headers.get("X-RateLimit-Remaining") or headers.get("x-ratelimit-remaining")
    if remaining is not None and remaining.strip() in {"0", "0.0"}:
        return True
    text = response.text[:500].lower()
    return "credit" in text or "daily" in text or "quota" in text


def http_config() -> HttpConfig:
    """95% of the documented ceiling of 100 req/s for everyone (developers.openalex.org).

    Credits are metered per call, not per second, so pacing slower would save nothing.
    """
    return HttpConfig(
        source=NAME, rate_per_second=95.0, burst=1.0, quota_exhausted=_quota_exhausted
    )


def _auth_params() -> dict[str, str | None]:
    return {"api_key": settings.api_key("OPENALEX_API_KEY")}


def _filters(protocol: Protocol, since: date | None) -> dict[str, str]:
    filters: dict[str, str] = {}
    if protocol.year_from:
        filters["from_publication_date"] = f"{protocol.year_from}-01-01"
    if protocol.year_to:
        filters["to_publication_date"] = f"{protocol.year_to}-12-31"
    if since is not None:
        if settings.openalex_premium():
            filters["from_created_date"] = since.isoformat()
        else:
            window = max(since - timedelta(days=365), date(protocol.year_from or 1800, 1, 1))
            filters["from_publication_date"] = window.isoformat()
    return filters


def translate(protocol: Protocol, since: date | None = None) -> list[Query]:
    """One query per strategy that fits the URL limit; protocol overrides win."""
    filters = _filters(protocol, since)
    texts = protocol.search.overrides.get(NAME)
    if not texts:
        strategies = split_to_fit(
            protocol.search.blocks,
            lambda blocks: quote(boolean_query(blocks, wildcard=False)),
            MAX_FILTER_CHARS,
        )
        texts = [boolean_query(blocks, wildcard=False) for blocks in strategies]
    return [
        Query(source=NAME, text=text, filters=filters, label=f"part {i + 1} of {len(texts)}")
        for i, text in enumerate(texts)
    ]


def _filter_param(query: Query) -> str:
    parts = [f"title_and_abstract.search:{query.text}"]
    parts += [f"{key}:{value}" for key, value in query.filters.items()]
    return ",".join(parts)


def fetch(
    session: requests.Session,
    query: Query,
    *,
    base_url: str,
    start_token: str | None = None,
    max_records: int | None = None,
) -> Iterator[FetchedPage]:
    """Follow ``next_cursor`` from ``start_token`` (or ``*``) to the end, or ``max_records``."""
    cursor, fetched = start_token or "*", 0
    per_page = min(PER_PAGE, max_records) if max_records else PER_PAGE
    while cursor:
        params = with_params(
            _auth_params(), filter=_filter_param(query), per_page=per_page, cursor=cursor
        )
        url, body, parsed = get_page(session, f"{base_url}/works", params, NAME, parse_page)
        yield FetchedPage(url=url, body=body, parsed=parsed, token=cursor)
        fetched += len(parsed.items)
        if not parsed.items or (max_records is not None and fetched >= max_records):
            return
        cursor = parsed.next_token or ""


def parse_page(body: bytes, url: str = "") -> ParsedPage:
    """A works list page (or a single work, as a one-item page)."""
    data = decode_json(body, NAME, url)
    if not isinstance(data, dict):
        raise BadResponse(f"{NAME}: expected a JSON object{' from ' + url if url else ''}")
    if "error" in data and "results" not in data:
        raise BadResponse(f"{NAME}: API error: {data.get('error')}: {data.get('message', '')}")
    if "results" not in data:
        if str(data.get("id", "")).startswith("https://openalex.org/W"):
            return ParsedPage(items=[data], total=1, next_token=None)
        raise BadResponse(f"{NAME}: page has no 'results'{' at ' + url if url else ''}")
    meta = data.get("meta") or {}
    return ParsedPage(
        items=list(data["results"] or []),
        total=meta.get("count"),
        next_token=meta.get("next_cursor"),
    )


def rebuild_abstract(inverted: dict[str, list[int]] | None) -> str | None:
    """Place each word at each of its positions and join them in order."""
    if not inverted:
        return None
    positioned = [(pos, word) for word, positions in inverted.items() for pos in positions]
    return " ".join(word for _, word in sorted(positioned)) or None


def _author(authorship: dict[str, Any]) -> str | None:
    name = (authorship.get("author") or {}).get("display_name") or authorship.get("raw_author_name")
    if not name:
        return None
    parts = name.rsplit(" ", 1)
    return f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name


def _pages(biblio: dict[str, Any]) -> str | None:
    first, last = biblio.get("first_page"), biblio.get("last_page")
    if first and last and first != last:
        return f"{first}-{last}"
    return first or last


def _flags(work: dict[str, Any]) -> list[str]:
    flags = ["retracted"] if work.get("is_retracted") else []
    kind = _FLAG_TYPES.get(str(work.get("type") or ""))
    return [*flags, kind] if kind else flags


def _strip_prefix(value: Any, prefix: str) -> str | None:
    return str(value).removeprefix(prefix) if value else None


def to_record(work: dict[str, Any]) -> Record:
    """Map one OpenAlex work to a Record."""
    ids = work.get("ids") or {}
    location = work.get("primary_location") or {}
    biblio = work.get("biblio") or {}
    keywords = [k.get("display_name") for k in work.get("keywords") or []]
    keywords += [m.get("descriptor_name") for m in work.get("mesh") or []]
    return Record(
        source=NAME,
        source_id=str(work.get("id", "")).removeprefix("https://openalex.org/"),
        doi=work.get("doi") or ids.get("doi"),
        pmid=_strip_prefix(ids.get("pmid"), "https://pubmed.ncbi.nlm.nih.gov/"),
        pmcid=_strip_prefix(ids.get("pmcid"), "https://www.ncbi.nlm.nih.gov/pmc/articles/"),
        title=work.get("title") or work.get("display_name"),
        abstract=rebuild_abstract(work.get("abstract_inverted_index")),
        authors=[a for a in map(_author, work.get("authorships") or []) if a],
        year=work.get("publication_year"),
        venue=(location.get("source") or {}).get("display_name"),
        volume=biblio.get("volume"),
        issue=biblio.get("issue"),
        pages=_pages(biblio),
        language=work.get("language"),
        publication_type=work.get("type_crossref") or work.get("type"),
        keywords=[k for k in keywords if k],
        flags=_flags(work),
        url=location.get("landing_page_url") or work.get("id"),
    )

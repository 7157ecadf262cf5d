"""PubMed through NCBI E-utilities: esearch (``usehistory=y``) then efetch XML batches.

Translation: every term is searched in title/abstract (``[tiab]``), multi-word terms as quoted
phrases. Wildcards follow PubMed's 2024 rules (NLM Tech Bull 2024 May-Jun;(458):e5): ``*``
may stand anywhere in a term or phrase (``"hot spot* policing"[tiab]``) but needs at least four
characters before it, so a shorter stem is searched without the wildcard.

Paging: esearch with ``usehistory=y``, then efetch XML pages of 500 by WebEnv/query_key and
``retstart``. A search over PubMed's 9,999-record cap is split by publication date and resume
tokens are self-contained JSON: see ``pubmed_ranges``. Only efetch pages are yielded; the first
esearch's Count is every page's ``total``. A query with no hits yields no page.

Incremental updates (``since``): ``[edat]``, the date a citation entered PubMed, so records
published long ago but added since are found. They cannot see records that changed after they
were added (an abstract or MeSH terms added later, a retraction notice linked to an old
record); a full re-run catches those. ``[mhda]`` would re-find every record re-indexed with
MeSH, which our title/abstract search does not use; ``[crdt]`` is nearly the same as
``[edat]`` but differs for records whose Entrez date was reset on publication.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote_plus

import requests

from review.http import HttpConfig, redact_url
from review.protocol import ConceptBlock, Protocol
from review.record import Record
from review.settings import api_key, mailto
from review.sources.base import FetchedPage, ParsedPage, Query, get_parsed
from review.sources.pubmed_ranges import (
    OPEN_FROM,
    OPEN_TO,
    Resume,
    Search,
    Span,
    date_clause,
    leaves,
    root_span,
    token,
)
from review.sources.pubmed_xml import SearchResult, parse_efetch, parse_esearch
from review.sources.pubmed_xml import to_record as _map_item
from review.sources.query import boolean_query, split_to_fit

NAME = "pubmed"
BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
# efetch accepts up to 10,000 records per call (E-utilities Help, "EFetch: retmax"); 500 keeps
# each XML page a few MB, so a failed page costs little to retry.
PAGE_SIZE = 500
# NCBI documents no term-length limit but asks for POST for long requests; we keep GET URLs
# (archived verbatim) under ~8 KB, the common server limit, by splitting long strategies.
MAX_TERM_URL_CHARS = 6000
# Send at 95% of the limit: arrival jitter at exactly the limit puts two requests in one
# window and draws a 429 from a strict server (measured with bench/sources.py).
MARGIN = 0.95
log = logging.getLogger(__name__)
T = TypeVar("T")


def http_config() -> HttpConfig:
    """3 requests/s without an API key, 10 with ``NCBI_API_KEY``; NCBI's 429 has no Retry-After."""
    # E-utilities Help ch. 2 "Usage Guidelines" and NLM KA-05510: "no more than 3 requests per
    # second" without a key, 10/s with one. The key travels as ``api_key`` (see ``_params``),
    # which ``redact_url`` hides. Without Retry-After the session backs off exponentially.
    rate = 10.0 if api_key("NCBI_API_KEY") else 3.0
    return HttpConfig(source=NAME, rate_per_second=rate * MARGIN, burst=1.0)


def _params(**extra: Any) -> dict[str, Any]:
    """The parameters every E-utility call carries: db, tool, email and the optional key."""
    params = {"db": "pubmed", "tool": "review", "email": mailto()}
    params["api_key"] = api_key("NCBI_API_KEY")
    return {k: v for k, v in {**params, **extra}.items() if v is not None}


# ---------------------------------------------------------------- translation


def pubmed_term(term: str) -> str:
    """One protocol term as a ``[tiab]`` search: phrases quoted, short-stem wildcards dropped."""
    words = term.strip().strip('"').split()
    kept = [w if "*" not in w or len(w.split("*")[0]) >= 4 else w.replace("*", "") for w in words]
    text = " ".join(kept)
    return f'"{text}"[tiab]' if " " in text or "-" in text else f"{text}[tiab]"


def render(blocks: list[ConceptBlock]) -> str:
    """``(a[tiab] OR "b c"[tiab]) AND (...)`` for the concept blocks."""
    return boolean_query(blocks, term=pubmed_term)


def _filters(protocol: Protocol, since: date | None) -> dict[str, str]:
    filters = {}
    if protocol.year_from or protocol.year_to:
        start, end = protocol.year_from or OPEN_FROM, protocol.year_to or OPEN_TO
        filters["dp"] = date_clause("dp", str(start), str(end))
    if since:
        filters["edat"] = date_clause("edat", since.strftime("%Y/%m/%d"), str(OPEN_TO))
    return filters


def full_term(text: str, filters: dict[str, str], dp: str | None = None) -> str:
    """The exact term sent: the strategy ANDed with its filters (``dp`` replaces the year one)."""
    clauses = {**filters, **({"dp": dp} if dp else {})}
    if not clauses:
        return text
    return " AND ".join([f"({text})", *(clauses[key] for key in sorted(clauses))])


def translate(protocol: Protocol, since: date | None = None) -> list[Query]:
    """The protocol's blocks (or its ``pubmed`` overrides) as exact PubMed queries."""
    filters = _filters(protocol, since)
    overrides = protocol.search.overrides.get(NAME)
    if overrides:
        return [
            Query(NAME, text, filters, label=f"override[{i}]")
            for i, text in enumerate(overrides, 1)
        ]
    fits = split_to_fit(
        protocol.search.blocks,
        lambda blocks: quote_plus(full_term(render(blocks), filters)),
        MAX_TERM_URL_CHARS,
    )
    labels = (
        ["main"] if len(fits) == 1 else [f"part[{i}/{len(fits)}]" for i in range(1, len(fits) + 1)]
    )
    return [
        Query(NAME, render(blocks), filters, label)
        for blocks, label in zip(fits, labels, strict=True)
    ]


# ---------------------------------------------------------------- I/O


def _get(
    session: requests.Session, url: str, params: dict[str, Any], parse: Callable[[bytes, str], T]
) -> tuple[requests.Response, T]:
    """GET and parse; a 200 whose body is truncated or an HTML page is requested again."""

    def parse_at(body: bytes) -> T:
        return parse(body, url)

    return get_parsed(session, url, params, parse_at, NAME)


def _esearch(session: requests.Session, base_url: str, query: Query) -> Search:
    def search(span: Span | None) -> SearchResult:
        """esearch for the query within ``span`` (None: the query's own date filter)."""
        term = full_term(query.text, query.filters, span.clause() if span else None)
        params = _params(term=term, usehistory="y", retmax=0)
        response, result = _get(session, f"{base_url}/esearch.fcgi", params, parse_esearch)
        for warning in result.warnings:
            log.warning("%s: esearch %s for %s", NAME, warning, redact_url(response.url))
        return result

    return search


def _efetch(
    session: requests.Session, base_url: str, result: SearchResult, retstart: int, retmax: int
) -> tuple[requests.Response, ParsedPage]:
    params = _params(
        query_key=result.query_key,
        WebEnv=result.webenv,
        retstart=retstart,
        retmax=retmax,
        retmode="xml",
    )
    return _get(session, f"{base_url}/efetch.fcgi", params, lambda body, url: parse_page(body))


def _counting(search: Search) -> tuple[Search, list[int]]:
    """Wrap esearch to remember every Count; the first is the whole query's (the total)."""
    counts: list[int] = []

    def counted(span: Span | None) -> SearchResult:
        """Run esearch and note its Count."""
        result = search(span)
        counts.append(result.count)
        return result

    return counted, counts


def fetch(
    session: requests.Session,
    query: Query,
    *,
    base_url: str,
    start_token: str | None = None,
    max_records: int | None = None,
) -> Iterator[FetchedPage]:
    """Yield efetch pages for every date range of the query, from ``start_token`` on."""
    resume, root = Resume.parse(start_token), root_span(query.filters)
    search, counts = _counting(_esearch(session, base_url, query))
    left = max_records
    for leaf, result in leaves(search, root, resume, root=True):
        retstart = resume.retstart if leaf == resume.exact else 0
        while retstart < result.count and (left is None or left > 0):
            retmax = min(PAGE_SIZE, result.count - retstart, PAGE_SIZE if left is None else left)
            response, parsed = _efetch(session, base_url, result, retstart, retmax)
            following = _next(leaf, root, retstart + retmax, result.count)
            parsed = replace(parsed, total=counts[0], next_token=following)
            yield FetchedPage(
                redact_url(response.url), response.content, parsed, token(leaf, retstart)
            )
            retstart += retmax
            left = None if left is None else left - len(parsed.items)
        if left is not None and left <= 0:
            return


def _next(leaf: Span, root: Span, retstart: int, count: int) -> str | None:
    """The token of the page after this one: same range, the next range, or None at the end."""
    if retstart < count:
        return token(leaf, retstart)
    return None if leaf.end >= root.end else json.dumps({"after": leaf.key})


def parse_page(body: bytes) -> ParsedPage:
    """An efetch page: its articles; total and next token come from esearch (see ``fetch``)."""
    return ParsedPage(items=parse_efetch(body), total=None, next_token=None)


def to_record(item: Any) -> Record:
    """Map one ``PubmedArticle``/``PubmedBookArticle`` element (see ``pubmed_xml``)."""
    return _map_item(item)

"""Semantic Scholar Academic Graph: ``/paper/search/bulk`` with ``token`` continuation.

Bulk search, not relevance search: relevance search stops at offset 1,000 (HTTP 400 beyond),
bulk returns up to 1,000 papers per call and a ``token`` until the result set is exhausted
(``limit`` is ignored). The query uses the bulk syntax (S2 API docs, "paper bulk search"):
``+`` AND, ``|`` OR, ``"phrase"``, ``word*`` prefix, ``( )`` grouping; it is matched against
title and abstract with English stemming. A ``*`` inside a phrase is not supported, so phrases
are sent without it (stemming still finds plurals: ``"council estate"`` matches "estates").

Incremental updates (``since``): only ``publicationDateOrYear=<since>:`` exists, a filter on the
publication date, not on when S2 added the paper. A paper published before ``since`` but
indexed afterwards (common: S2 ingests publishers and repositories with a lag) is missed, and
papers known only by year match the whole year. Run a full search periodically.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import quote_plus

import requests

from review.errors import BadResponse
from review.http import HttpConfig, redact_url
from review.protocol import ConceptBlock, Protocol
from review.record import Record
from review.settings import api_key
from review.sources.base import FetchedPage, ParsedPage, Query, decode_json, get_parsed
from review.sources.query import boolean_query, split_to_fit

NAME = "semanticscholar"
BASE_URL = "https://api.semanticscholar.org/graph/v1"
# The default is paperId + title only (observed: litstudy_graph_search_exascale_*.json).
FIELDS = "title,abstract,year,externalIds,authors,venue,journal,publicationTypes,publicationDate"
# S2 documents no query-length limit; keep the GET URL under ~8 KB like the other sources.
MAX_QUERY_URL_CHARS = 6000
PAGE_SIZE = 1000  # papers per bulk-search call (``limit`` is ignored; README §1.5)
MARGIN = 0.95  # send at 95% of the limit: jitter at exactly the limit draws 429s
PREPRINT_VENUES = re.compile(
    r"\b(arxiv|biorxiv|medrxiv|psyarxiv|socarxiv|edarxiv|ssrn|research square|preprints)\b",
    re.IGNORECASE,
)
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le"}
)
log = logging.getLogger(__name__)


def http_config() -> HttpConfig:
    """1 request/s (the introductory rate of an API key); the key goes in ``x-api-key``."""
    # S2 API docs ("Rate limits"; README §1.5): a key's introductory rate is 1 request per
    # second; without a key requests share one pool of 5,000 requests per 5 minutes with every
    # other anonymous client, so 429s are common: we also go at 1/s and retry more patiently.
    key = api_key("SEMANTIC_SCHOLAR_API_KEY")
    headers = {"x-api-key": key} if key else {}
    retries, backoff = (5, 1.0) if key else (8, 2.0)
    return HttpConfig(
        source=NAME, rate_per_second=1.0 * MARGIN, burst=1.0, headers=headers,
        max_retries=retries, backoff=backoff,
    )  # fmt: skip


# ---------------------------------------------------------------- translation


def s2_term(term: str) -> str:
    """One term in bulk syntax: phrases quoted (without ``*``), single words keep a final ``*``."""
    text = " ".join(term.strip().strip('"').split())
    if " " in text or "-" in text:
        return '"' + " ".join(word.replace("*", "") for word in text.split()) + '"'
    stem = text.replace("*", "")
    return f"{stem}*" if text.endswith("*") and stem else stem


def render(blocks: list[ConceptBlock]) -> str:
    """``(a | "b c") + (d | e*)`` for the concept blocks."""
    return boolean_query(blocks, and_=" + ", or_=" | ", term=s2_term)


def _filters(protocol: Protocol, since: date | None) -> dict[str, str]:
    start = date(protocol.year_from, 1, 1) if protocol.year_from else None
    end = f"{protocol.year_to}-12-31" if protocol.year_to else ""
    if since:
        start = max(since, start) if start else since
        return {"publicationDateOrYear": f"{start.isoformat()}:{end}"}
    if start or end:
        first = str(protocol.year_from) if protocol.year_from else ""
        return {"year": f"{first}-{protocol.year_to or ''}"}
    return {}


def translate(protocol: Protocol, since: date | None = None) -> list[Query]:
    """The protocol's blocks (or its ``semanticscholar`` overrides) as bulk-search queries."""
    filters = _filters(protocol, since)
    overrides = protocol.search.overrides.get(NAME)
    if overrides:
        return [
            Query(NAME, text, filters, label=f"override[{i}]")
            for i, text in enumerate(overrides, 1)
        ]
    fits = split_to_fit(
        protocol.search.blocks, lambda blocks: quote_plus(render(blocks)), MAX_QUERY_URL_CHARS
    )
    n = len(fits)
    labels = ["main"] if n == 1 else [f"part[{i}/{n}]" for i in range(1, n + 1)]
    return [Query(NAME, render(b), filters, label) for b, label in zip(fits, labels, strict=True)]


# ---------------------------------------------------------------- I/O


def _get_page(
    session: requests.Session, url: str, params: dict[str, Any]
) -> tuple[requests.Response, ParsedPage]:
    """GET and parse one page; a 200 whose body is truncated or HTML is requested again."""
    return get_parsed(session, url, params, parse_page, NAME)


def fetch(
    session: requests.Session,
    query: Query,
    *,
    base_url: str,
    start_token: str | None = None,
    max_records: int | None = None,
) -> Iterator[FetchedPage]:
    """Yield bulk-search pages, following ``token`` until it is absent (or ``max_records``)."""
    token, sent = start_token, 0
    while True:
        params = {"query": query.text, "fields": FIELDS, **query.filters}
        if token:
            params["token"] = token
        response, parsed = _get_page(session, f"{base_url}/paper/search/bulk", params)
        yield FetchedPage(redact_url(response.url), response.content, parsed, token)
        sent += len(parsed.items)
        if not parsed.next_token or (max_records is not None and sent >= max_records):
            return
        if not parsed.items or parsed.next_token == token:  # a token that leads nowhere
            log.warning("%s: token %s returned no progress; stopping", NAME, token)
            return
        token = parsed.next_token


def parse_page(body: bytes) -> ParsedPage:
    """A search page ``{total, token?, data}``; error bodies and other shapes raise BadResponse."""
    data = decode_json(body, NAME)
    if isinstance(data, dict) and ("error" in data or "message" in data) and "data" not in data:
        message = data.get("error") or data.get("message")
        raise BadResponse(f"{NAME}: API error: {message}", source=NAME)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        kind = type(data).__name__ if not isinstance(data, dict) else "object without 'data'"
        raise BadResponse(
            f"{NAME}: expected a Graph API search page {{total, data}} but got a JSON {kind} "
            "(another endpoint, or the retired v1 API?)",
            source=NAME,
        )
    total = data.get("total")
    return ParsedPage(data["data"], total if isinstance(total, int) else None, data.get("token"))


# ---------------------------------------------------------------- mapping


def family_given(name: str) -> str:
    """``Given Family`` as ``Family, Given``; particles (van, de) stay with the family name."""
    words = name.split()
    if len(words) < 2 or "," in name:
        return name.strip()
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in PARTICLES:
        cut -= 1
    return f"{' '.join(words[cut:])}, {' '.join(words[:cut])}"


def _pmcid(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return None if not text else text if text.upper().startswith("PMC") else f"PMC{text}"


def to_record(item: Any) -> Record:
    """Map one paper of a search page to a Record (pure)."""
    if not isinstance(item, dict) or not item.get("paperId"):
        raise ValueError(f"{NAME}: not a paper object: {str(item)[:80]}")
    ids = item.get("externalIds") or {}
    journal = item.get("journal") or {}
    venue = journal.get("name") or item.get("venue") or None
    types = item.get("publicationTypes") or []
    return Record(
        source=NAME,
        source_id=item["paperId"],
        doi=ids.get("DOI"),
        pmid=ids.get("PubMed"),
        pmcid=_pmcid(ids.get("PubMedCentral")),
        title=item.get("title"),
        abstract=item.get("abstract"),
        authors=[family_given(a["name"]) for a in item.get("authors") or [] if a.get("name")],
        year=item.get("year") or item.get("publicationDate"),
        venue=venue,
        volume=journal.get("volume"),
        pages=journal.get("pages"),
        publication_type="; ".join(types) or None,
        flags=["preprint"] if venue and PREPRINT_VENUES.search(venue) else [],
        url=f"https://www.semanticscholar.org/paper/{item['paperId']}",
    )

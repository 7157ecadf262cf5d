"""ERIC (Institute of Education Sciences): education research, journals and grey literature.

Search strategy: ERIC's ``search`` parameter is Solr syntax. Every concept block becomes an
OR over the title, abstract (``description``) and thesaurus (``subject``) fields,
``(title:(a OR "b c") OR description:(a OR "b c") OR subject:(a OR "b c"))``, and the blocks
are ANDed. Terms are field-scoped on purpose: a quoted phrase in ERIC's unscoped free-text
field fails (it has no positions), scoped fields accept phrases. ``*`` is kept on single
words and dropped inside phrases. ``protocol.search.overrides["eric"]`` replaces the blocks
verbatim. Limits are ANDed on: ``publicationdateyear:[from TO to]`` and, for incremental runs,
``e_yearadded:[<since year> TO *]``: ERIC only exposes the *year* a record was added, so an
incremental run re-fetches everything added since 1 January of the ``since`` year (stored
records are upserted, so nothing is duplicated; nothing new is missed).

Query plan (recall and cost, see docs/sources.md). The whole protocol is one Boolean
strategy, so recall is the protocol's: nothing is dropped to save requests. A strategy longer
than ``MAX_QUERY`` characters of ``search`` *as sent* (``requests`` encodes a space as ``+``)
is cut by ``split_to_fit`` into the fewest OR-parts: every block into a few balanced chunks,
one query per combination. The parts' union is exactly the strategy, so the split costs
requests, never recall: 12-16 queries of usually one page each per SFI protocol (26-34 when
the widest block was halved until it fitted and spaces were counted as ``%20``).

Paging: offset paging with ``start`` and ``rows=2000`` (observed accepted in
shared/apis/eric/edsoc_*; third-party docs quote lower maxima, so the next ``start`` is the
previous one plus the documents actually returned, never plus ``rows``). Stop when
``start >= numFound`` or a page is empty; no deep-paging cap is documented, and an early
empty page is logged as a shortfall rather than hidden.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import quote_plus

import requests

from review.errors import BadResponse
from review.http import HttpConfig
from review.normalize import normalize_doi
from review.protocol import ConceptBlock, Protocol
from review.record import Record
from review.sources.base import FetchedPage, ParsedPage, Query, decode_json, get_page
from review.sources.query import split_to_fit

NAME = "eric"
BASE_URL = "https://api.ies.ed.gov/eric"
ROWS = 2000
MAX_QUERY = 4000  # characters of ``search`` per GET, encoded as requests sends it
SEARCH_FIELDS = ("title", "description", "subject")
# Default output plus ``source`` (the journal) and ``e_yearadded``; the default has no venue.
FIELDS = (
    "id,title,author,description,subject,publicationtype,publicationdateyear,language,"
    "issn,isbn,publisher,peerreviewed,url,source,e_yearadded"
)
# Send at 95% of the limit: arrival jitter at exactly the limit puts two requests in one
# window and draws a 429 from a strict server (measured with bench/sources.py).
MARGIN = 0.95

log = logging.getLogger(__name__)


def http_config() -> HttpConfig:
    """ERIC politeness: at most 1 request per second.

    ERIC publishes no rate limit (shared/apis/README.md §1.6: "Official max/rate limit not
    found — be conservative (≤1 req/s)"); pages of 2,000 records make 1 req/s ample.
    """
    return HttpConfig(source=NAME, rate_per_second=1.0 * MARGIN, burst=1.0, timeout=(10.0, 120.0))


def _term(term: str) -> str:
    text = term.strip().strip('"')
    if " " in text or "-" in text:
        return '"' + " ".join(text.replace("*", " ").replace("?", " ").split()) + '"'
    return text


def _block(block: ConceptBlock) -> str:
    terms = " OR ".join(dict.fromkeys(_term(t) for t in block.terms))
    return "(" + " OR ".join(f"{field}:({terms})" for field in SEARCH_FIELDS) + ")"


def _limits(protocol: Protocol, since: date | None) -> list[str]:
    limits = []
    if protocol.year_from or protocol.year_to:
        span = f"[{protocol.year_from or '*'} TO {protocol.year_to or '*'}]"
        limits.append(f"publicationdateyear:{span}")
    if since:
        limits.append(f"e_yearadded:[{since.year} TO *]")
    return limits


def _render(blocks: list[ConceptBlock], limits: list[str]) -> str:
    return " AND ".join([*(_block(b) for b in blocks), *limits])


def translate(protocol: Protocol, since: date | None = None) -> list[Query]:
    """Field-scoped Boolean strategy (split to fit a GET URL), or the overrides, with limits."""
    limits = _limits(protocol, since)
    filters = {"fields": FIELDS}
    overrides = protocol.search.overrides.get(NAME)
    if overrides:
        return [
            Query(NAME, " AND ".join([f"({text})" if limits else text, *limits]),
                  dict(filters), label="override")
            for text in overrides
        ]  # fmt: skip
    parts = split_to_fit(
        protocol.search.blocks, lambda blocks: quote_plus(_render(blocks, limits)), MAX_QUERY
    )
    label = "main" if len(parts) == 1 else "part {}/" + str(len(parts))
    return [
        Query(NAME, _render(part, limits), dict(filters), label=label.format(i))
        for i, part in enumerate(parts, 1)
    ]


def fetch(
    session: requests.Session,
    query: Query,
    *,
    base_url: str,
    start_token: str | None = None,
    max_records: int | None = None,
) -> Iterator[FetchedPage]:
    """Offset pages from ``start_token`` (default 0) until ``numFound`` or the cap."""
    rows = min(ROWS, max_records) if max_records else ROWS
    params = {"search": query.text, "format": "json", "rows": rows, **query.filters}
    start, fetched = int(start_token or 0), 0
    while True:
        shown, body, parsed = get_page(
            session, f"{base_url}/", {**params, "start": start}, NAME, parse_page
        )
        yield FetchedPage(url=shown, body=body, parsed=parsed, token=str(start))
        fetched += len(parsed.items)
        start += len(parsed.items)
        if parsed.next_token is None or (max_records and fetched >= max_records):
            return
        if not parsed.items:
            log.warning(
                "eric: empty page at start=%s of %s for %r", start, parsed.total, query.text
            )
            return


def parse_page(body: bytes) -> ParsedPage:
    """A Solr-style ``{"response": {numFound, start, docs}}`` page; anything else raises."""
    data = decode_json(body, NAME)
    response = data.get("response") if isinstance(data, dict) else None
    if not isinstance(response, dict) or "numFound" not in response:
        raise BadResponse(f"{NAME}: not a search response: {body[:160]!r}", source=NAME)
    docs = list(response.get("docs") or [])
    total, after = int(response["numFound"]), int(response.get("start") or 0) + len(docs)
    return ParsedPage(docs, total, str(after) if after < total else None)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _text(value: Any) -> str | None:
    return html.unescape(value) if isinstance(value, str) else None


def to_record(item: dict[str, Any]) -> Record:
    """Map one ERIC document to a Record; ERIC has no DOI field, but ``url`` often is one."""
    ident = str(item.get("id", ""))
    links = _listed(item.get("url"))
    doi = next((d for d in map(normalize_doi, links) if d), None)
    return Record(
        source=NAME,
        source_id=ident,
        doi=doi,
        title=_text(item.get("title")),
        abstract=_text(item.get("description")),
        authors=[html.unescape(a) for a in _listed(item.get("author"))],
        year=item.get("publicationdateyear"),
        venue=_text(item.get("source")),
        language=next(iter(_listed(item.get("language"))), None),
        publication_type="; ".join(_listed(item.get("publicationtype"))) or None,
        keywords=_listed(item.get("subject")),
        url=links[0] if links else f"https://eric.ed.gov/?id={ident}",
    )

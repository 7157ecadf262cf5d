"""Europe PMC REST (``/search``): PubMed, PMC, preprints (PPR), Agricola and more.

Search strategy: the concept blocks become a Lucene-style Boolean query over titles and
abstracts, ``(TITLE_ABS:a OR TITLE_ABS:"b c") AND (...)``. Truncation (``*``) is kept on
single words; inside phrases Europe PMC has no wildcard, so ``"council estate*"`` is sent as
``"council estate"`` (a known recall limit). ``protocol.search.overrides["europepmc"]``
replaces the blocks verbatim. Limits are ANDed onto the query, because Europe PMC has no
separate filter parameters: ``PUB_YEAR:[from TO to]`` and, for incremental runs,
``FIRST_IDATE:[since TO *]`` (the date Europe PMC first indexed the record: new records are
caught, later corrections of old records are not). Strategies longer than ``MAX_QUERY``
URL-encoded characters are split into OR-parts with ``split_to_fit``.

Paging: ``cursorMark`` (``*`` first) with ``pageSize=1000`` and ``resultType=core`` (only
``core`` carries abstracts). Stop when the page is empty or short, when ``nextCursorMark`` is
missing or echoes the cursor sent, or when the records fetched reach ``hitCount``. JSON is
what we request; the XML ``responseWrapper`` (lite/core) parses to the same items.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import quote

import requests

from review.errors import BadResponse
from review.http import HttpConfig
from review.protocol import ConceptBlock, Protocol
from review.record import Record
from review.sources.base import FetchedPage, ParsedPage, Query, decode_json, decode_xml, get_page
from review.sources.query import boolean_query, split_to_fit

NAME = "europepmc"
BASE_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
PAGE_SIZE = 1000  # maximum pageSize (Europe PMC REST docs, via fulltext::eupmc docs)
MAX_QUERY = 4000  # URL-encoded query characters per GET, well under common 8 KB URL limits
# Send at 95% of the limit: arrival jitter at exactly the limit puts two requests in one
# window and draws a 429 from a strict server (measured with bench/sources.py).
MARGIN = 0.95


def http_config() -> HttpConfig:
    """Europe PMC politeness: 5 req/s, one request at a time.

    Europe PMC publishes no rate limit; third-party guides quote ~10 req/s per IP
    (shared/apis/README.md §1.4, [secondary]); we use half of that to stay clear of it.
    """
    return HttpConfig(source=NAME, rate_per_second=5.0 * MARGIN, burst=1.0, timeout=(10.0, 120.0))


def _term(term: str) -> str:
    """One term as ``TITLE_ABS:word*`` or ``TITLE_ABS:"a phrase"`` (no wildcards in phrases)."""
    text = term.strip().strip('"')
    if " " in text or "-" in text:
        return 'TITLE_ABS:"' + " ".join(text.replace("*", " ").replace("?", " ").split()) + '"'
    return f"TITLE_ABS:{text}"


def _limits(protocol: Protocol, since: date | None) -> list[str]:
    limits = []
    if protocol.year_from or protocol.year_to:
        limits.append(f"PUB_YEAR:[{protocol.year_from or '*'} TO {protocol.year_to or '*'}]")
    if since:
        limits.append(f"FIRST_IDATE:[{since.isoformat()} TO *]")
    return limits


def _with_limits(text: str, limits: list[str]) -> str:
    return " AND ".join([f"({text})" if limits else text, *limits])


def translate(protocol: Protocol, since: date | None = None) -> list[Query]:
    """The Boolean strategy (split to fit a GET URL), or the overrides, with year/since limits."""
    limits = _limits(protocol, since)
    filters = {"resultType": "core", "synonym": "false"}
    overrides = protocol.search.overrides.get(NAME)
    if overrides:
        return [
            Query(NAME, _with_limits(text, limits), dict(filters), label="override")
            for text in overrides
        ]

    def render(blocks: list[ConceptBlock]) -> str:
        return quote(_with_limits(boolean_query(blocks, term=_term), limits))

    parts = split_to_fit(protocol.search.blocks, render, MAX_QUERY)
    return [
        Query(
            NAME,
            _with_limits(boolean_query(part, term=_term), limits),
            dict(filters),
            label="main" if len(parts) == 1 else f"part {i}/{len(parts)}",
        )
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
    """Follow ``nextCursorMark`` from ``start_token`` (default ``*``) to the end or the cap."""
    size = min(PAGE_SIZE, max_records) if max_records else PAGE_SIZE
    params = {"query": query.text, "format": "json", "pageSize": size, **query.filters}
    cursor, fetched = start_token or "*", 0
    while True:
        shown, body, parsed = get_page(
            session, f"{base_url}/search", {**params, "cursorMark": cursor}, NAME, parse_page
        )
        yield FetchedPage(url=shown, body=body, parsed=parsed, token=cursor)
        fetched += len(parsed.items)
        if _at_end(parsed, cursor, size, fetched) or (max_records and fetched >= max_records):
            return
        cursor = str(parsed.next_token)


def _at_end(parsed: ParsedPage, cursor: str, size: int, fetched: int) -> bool:
    """Any of Europe PMC's end signals (see the module docstring)."""
    echoed = parsed.next_token in (None, "", cursor)
    complete = parsed.total is not None and fetched >= parsed.total
    return echoed or complete or len(parsed.items) < size


def parse_page(body: bytes) -> ParsedPage:
    """A JSON (or XML ``responseWrapper``) search page; anything else raises BadResponse."""
    stripped = body.lstrip()
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<responseWrapper"):
        data = _xml_to_dict(decode_xml(body, NAME))
    else:
        data = decode_json(body, NAME)
    if not isinstance(data, dict) or "hitCount" not in data:
        raise BadResponse(f"{NAME}: not a search response: {body[:160]!r}", source=NAME)
    if "resultList" not in data and int(data["hitCount"]) > 0:
        raise BadResponse(f"{NAME}: unsupported format (no resultList)", source=NAME)
    results = (data.get("resultList") or {}).get("result") or []
    return ParsedPage(list(results), int(data["hitCount"]), data.get("nextCursorMark"))


def _xml_to_dict(element: ET.Element) -> Any:
    """XML as the JSON shape: children of ``...List`` elements are always lists."""
    children = list(element)
    if not children:
        return element.text or ""
    if element.tag.endswith("List"):
        grouped: dict[str, list[Any]] = {}
        for child in children:
            grouped.setdefault(child.tag, []).append(_xml_to_dict(child))
        return grouped
    return {child.tag: _xml_to_dict(child) for child in children}


def _authors(item: dict[str, Any]) -> list[str]:
    authors = []
    for person in (item.get("authorList") or {}).get("author") or []:
        family, given = person.get("lastName"), person.get("firstName") or person.get("initials")
        name = f"{family}, {given}" if family and given else family
        authors.append(name or person.get("collectiveName") or person.get("fullName"))
    if authors:
        return [a for a in authors if a]
    # lite results only have "Schoenfeld JD, Haas-Kogan DA."
    names = (item.get("authorString") or "").rstrip(".").split(", ")
    return [", ".join(n.rsplit(" ", 1)) if " " in n else n for n in names if n]


def _pub_types(item: dict[str, Any]) -> list[str]:
    """Publication types, funding notes ("Research Support, ...") last: they say little."""
    listed = (item.get("pubTypeList") or {}).get("pubType") or []
    lite = str(item.get("pubType") or "").split(";")  # lite: "review; journal article"
    types = list(listed) or [t.strip() for t in lite if t.strip()]
    return sorted(types, key=lambda t: t.lower().startswith("research support"))


def _flags(item: dict[str, Any], types: list[str]) -> list[str]:
    lowered = {t.lower() for t in types}
    flags = set()
    if "retracted publication" in lowered:
        flags.add("retracted")
    if "retraction of publication" in lowered or "retraction" in lowered:
        flags.add("retraction_notice")
    if lowered & {"published erratum", "erratum", "correction"}:
        flags.add("erratum")
    if item.get("source") == "PPR" or "preprint" in lowered:
        flags.add("preprint")
    return sorted(flags)


def _keywords(item: dict[str, Any]) -> list[str]:
    words = list((item.get("keywordList") or {}).get("keyword") or [])
    mesh = (item.get("meshHeadingList") or {}).get("meshHeading") or []
    return words + [h.get("descriptorName") for h in mesh if h.get("descriptorName")]


def to_record(item: dict[str, Any]) -> Record:
    """Map one Europe PMC result (core or lite) to a Record; HTML is stripped by Record."""
    journal = item.get("journalInfo") or {}
    types = _pub_types(item)
    source, ident = item.get("source", ""), item.get("id", "")
    return Record(
        source=NAME,
        source_id=f"{source}:{ident}",
        doi=item.get("doi"),
        pmid=item.get("pmid"),
        pmcid=item.get("pmcid"),
        title=item.get("title"),
        abstract=item.get("abstractText"),
        authors=_authors(item),
        year=item.get("pubYear") or journal.get("yearOfPublication"),
        venue=(journal.get("journal") or {}).get("title") or item.get("journalTitle"),
        volume=journal.get("volume") or item.get("journalVolume"),
        issue=journal.get("issue") or item.get("issue"),
        pages=item.get("pageInfo"),
        language=item.get("language"),
        publication_type=types[0] if types else None,
        keywords=_keywords(item),
        flags=_flags(item, types),
        url=f"https://europepmc.org/article/{source}/{ident}",
    )

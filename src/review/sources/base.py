"""The interface every source module implements, and the small types it passes around.

A source module is a plain module with four functions and two constants (see ``Source``):
``translate`` turns a protocol into the exact queries sent; ``fetch`` owns the paging loop and
yields raw pages (the only I/O); ``parse_page`` and ``to_record`` are pure, so archived pages
can be re-parsed later without the network (``review run --replay``).
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from typing import Protocol as TypingProtocol

import requests

from review.errors import BadResponse
from review.http import HttpConfig, redact_url
from review.protocol import Protocol
from review.record import Record

log = logging.getLogger(__name__)
T = TypeVar("T")
PAGE_ATTEMPTS = 3  # a 200 whose body is truncated or an HTML page is requested this often


@dataclass(frozen=True)
class Query:
    """One exact query sent to one source; stored verbatim in ``searches`` (PRISMA-S)."""

    source: str
    text: str
    filters: dict[str, str] = field(default_factory=dict)
    label: str = "main"


@dataclass(frozen=True)
class ParsedPage:
    """What a raw page holds: the raw items, the total the API reports, the next token."""

    items: list[Any]
    total: int | None
    next_token: str | None


@dataclass(frozen=True)
class FetchedPage:
    """A raw page as received; ``url`` has secrets (API keys) removed; ``token`` fetched it."""

    url: str
    body: bytes
    parsed: ParsedPage
    token: str | None = None


class Source(TypingProtocol):
    """What ``review.sources.SOURCES`` maps each name to (a module satisfies it)."""

    NAME: str
    BASE_URL: str

    def http_config(self) -> HttpConfig:
        """Politeness for this API: documented rate, key headers, quota rule."""
        ...

    def translate(self, protocol: Protocol, since: date | None = None) -> list[Query]:
        """The exact queries (with filters) this source gets for the protocol."""
        ...

    def fetch(
        self,
        session: requests.Session,
        query: Query,
        *,
        base_url: str,
        start_token: str | None = None,
        max_records: int | None = None,
    ) -> Iterator[FetchedPage]:
        """Yield pages from ``start_token`` (None = the first page) until the end or the cap."""
        ...

    def parse_page(self, body: bytes) -> ParsedPage:
        """Parse one raw page; raise BadResponse when it is not what the API promises."""
        ...

    def to_record(self, item: Any) -> Record:
        """Map one raw item to a Record (pure)."""
        ...


def _snippet(body: bytes) -> str:
    return " ".join(body[:160].decode("utf-8", "replace").split())


def decode_json(body: bytes, source: str, url: str = "") -> Any:
    """Parse a JSON page, or raise BadResponse saying what came instead (HTML, truncation)."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        head = body.lstrip()[:15].lower()
        kind = "an HTML page" if head.startswith((b"<!doctype", b"<html")) else "invalid JSON"
        where = f" from {url}" if url else ""
        raise BadResponse(
            f"{source}: expected JSON but got {kind}{where}: {_snippet(body)}",
            source=source,
            url=url,
        ) from None


def decode_xml(body: bytes, source: str, url: str = "") -> ET.Element:
    """Parse an XML page (no DTD or entity expansion), or raise BadResponse."""
    if b"<!ENTITY" in body:
        raise BadResponse(f"{source}: XML with entity declarations refused", source=source)
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        where = f" from {url}" if url else ""
        raise BadResponse(
            f"{source}: expected XML but got unparseable content{where} ({exc}): {_snippet(body)}",
            source=source,
            url=url,
        ) from None


def get_parsed(
    session: requests.Session,
    url: str,
    params: dict[str, Any],
    parse: Callable[[bytes], T],
    source: str,
) -> tuple[requests.Response, T]:
    """GET and parse one page; re-request a 200 whose body is truncated or HTML, then fail.

    HTTP-level retries (429/5xx/timeouts) happen in the session; this covers the bodies that
    arrive with status 200 but cannot be parsed, which APIs under load do send.
    """
    for attempt in range(1, PAGE_ATTEMPTS + 1):
        response = session.get(url, params=params)
        shown = redact_url(response.url)
        try:
            return response, parse(response.content)
        except BadResponse as exc:
            if attempt == PAGE_ATTEMPTS:
                raise BadResponse(
                    f"{exc} (at {shown}, after {attempt} attempts)", source=source, url=shown
                ) from None
            log.warning("%s: bad page at %s, retrying: %s", source, shown, exc)
    raise AssertionError("unreachable")


def get_page(
    session: requests.Session, url: str, params: dict[str, Any], source: str,
    parse: Callable[[bytes], ParsedPage],
) -> tuple[str, bytes, ParsedPage]:  # fmt: skip
    """``get_parsed`` for a page: the redacted URL, the raw body and the parsed page."""
    response, parsed = get_parsed(session, url, params, parse, source)
    return redact_url(response.url), response.content, parsed

"""The interface every source module implements, and the small types it passes around.

A source module is a plain module with four functions and two constants (see ``Source``):
``translate`` turns a protocol into the exact queries sent; ``fetch`` owns the paging loop and
yields raw pages (the only I/O); ``parse_page`` and ``to_record`` are pure, so archived pages
can be re-parsed later without the network (``review run --replay``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from typing import Protocol as TypingProtocol

import requests

from review.errors import BadResponse
from review.http import HttpConfig
from review.protocol import Protocol
from review.record import Record


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

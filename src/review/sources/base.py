"""The interface every source module implements, and the small types it passes around.

A source module is a plain module with four functions and two constants (see ``Source``):
``translate`` turns a protocol into the exact queries sent; ``fetch`` owns the paging loop and
yields raw pages (the only I/O); ``parse_page`` and ``to_record`` are pure, so archived pages
can be re-parsed later without the network (``review run --replay``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from typing import Protocol as TypingProtocol

import requests

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

"""Date-range splitting for PubMed's 9,999-record cap, and self-contained resume tokens.

A search reporting more than ``MAX_PER_SEARCH`` records is split by publication date
(``[dp]``): the year range is halved until each part fits, a single year is split into its
twelve months, and a month that still does not fit raises ``SourceError``. Tokens name a range
and an offset (``{"range": "1990-2007", "retstart": 500}``) or the range finished last
(``{"after": "2008-2025"}``), so a resume re-runs esearch (WebEnvs expire) and skips what was done.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from review.errors import SourceError
from review.sources.pubmed_xml import SearchResult

NAME = "pubmed"
# "retstart cannot be larger than 9998": only the first 9,999 records of a search can be paged
# (NCBI, PubMed API update 2022; biopython#1924, paperscraper#40 in shared/apis/README.md).
MAX_PER_SEARCH = 9999
OPEN_FROM, OPEN_TO = 1000, 3000  # the year range that covers every PubMed record
log = logging.getLogger(__name__)


def date_clause(tag: str, start: str, end: str) -> str:
    """``("1990"[dp] : "3000"[dp])``: PubMed's range syntax for a date field."""
    return f'("{start}"[{tag}] : "{end}"[{tag}])'


@dataclass(frozen=True)
class Span:
    """A publication-date range: years ``lo..hi``, or one month of year ``lo`` when ``month``."""

    lo: int
    hi: int
    month: int = 0

    @property
    def key(self) -> str:
        """``1990-2007`` for years, ``2020/03`` for a month: the name used in tokens."""
        return f"{self.lo}/{self.month:02d}" if self.month else f"{self.lo}-{self.hi}"

    @property
    def start(self) -> int:
        """The first month covered, counted from year 0 (so year and month spans compare)."""
        return self.lo * 12 + max(self.month - 1, 0)

    @property
    def end(self) -> int:
        """The last month covered, counted from year 0."""
        return self.lo * 12 + self.month - 1 if self.month else self.hi * 12 + 11

    def clause(self) -> str:
        """The ``[dp]`` range clause that selects this span."""
        if self.month:
            return date_clause("dp", self.key, self.key)
        return date_clause("dp", str(self.lo), str(self.hi))

    @classmethod
    def parse(cls, key: str) -> Span:
        """The span a ``key`` names; ValueError when it names none."""
        month = re.fullmatch(r"(\d{4})/(\d{2})", key)
        if month:
            return cls(int(month[1]), int(month[1]), int(month[2]))
        years = re.fullmatch(r"(\d{4})-(\d{4})", key)
        if not years:
            raise ValueError(f"not a PubMed date range: {key!r}")
        return cls(int(years[1]), int(years[2]))


@dataclass(frozen=True)
class Resume:
    """Where a resumed fetch starts: skip ranges ending before ``at``; ``exact`` at ``retstart``."""

    at: int = 0
    exact: Span | None = None
    retstart: int = 0

    @classmethod
    def parse(cls, token: str | None) -> Resume:
        """Read a resume token (None: from the start); a malformed one raises SourceError."""
        if not token:
            return cls()
        try:
            data = json.loads(token)
            if "after" in data:
                return cls(at=Span.parse(data["after"]).end + 1)
            span = Span.parse(data["range"])
            return cls(at=span.start, exact=span, retstart=int(data["retstart"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(
                f"{NAME}: unusable resume token {token!r} ({exc})", source=NAME
            ) from None


def token(span: Span, retstart: int) -> str:
    """The token that requests ``span`` from offset ``retstart``."""
    return json.dumps({"range": span.key, "retstart": retstart})


def root_span(filters: dict[str, str]) -> Span:
    """The year range of the query's ``dp`` filter, or every year when it has none."""
    years = re.findall(r'"(\d{4})"\[dp\]', filters.get("dp", ""))
    return Span(int(years[0]), int(years[1])) if len(years) == 2 else Span(OPEN_FROM, OPEN_TO)


def halves(span: Span) -> list[Span]:
    """Two halves of a year range, or the twelve months of a single year."""
    if span.lo < span.hi:
        mid = (span.lo + span.hi) // 2
        return [Span(span.lo, mid), Span(mid + 1, span.hi)]
    if span.month:
        return []
    return [Span(span.lo, span.lo, month) for month in range(1, 13)]


Search = Callable[[Span | None], SearchResult]


def leaves(
    search: Search, span: Span, resume: Resume, root: bool = False
) -> Iterator[tuple[Span, SearchResult]]:
    """Date ranges of at most 9,999 records each, in date order, skipping those already done."""
    if span.end < resume.at:
        return
    result = search(None if root else span)
    if result.count <= MAX_PER_SEARCH:
        yield span, result
        return
    parts = halves(span)
    if not parts:
        raise SourceError(
            f"{NAME}: {result.count} records published in {span.key} alone; PubMed pages only "
            f"{MAX_PER_SEARCH} per search, so narrow the query",
            source=NAME,
        )
    found = 0
    for part in parts:
        for leaf, leaf_result in leaves(search, part, resume):
            found += leaf_result.count
            yield leaf, leaf_result
    if parts[0].month and resume.at <= span.start and found < result.count:
        log.warning(
            "%s: %s has %d records but its months only %d (undated records missed)",
            NAME,
            span.key,
            result.count,
            found,
        )

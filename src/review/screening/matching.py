"""Matching a screening tool's rows to stored works, never by guess.

Each row is tried by our own ids first (work, record or source id, from the row's id column or
a ``review-id:`` note), then DOI, then PMID, then normalised title with year. The first key that
names exactly one work decides. A key that names several works only narrows the choice: a later
key must pick one of them; if none does, or a later key names other works, the row is
``ambiguous`` (reported with the candidates, never recorded). A row no key matches is
``unmatched``. Titles are compared in the dedupe stage's comparison form (``title_key``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from review.dedupe.text import title_key
from review.normalize import normalize_doi, parse_year
from review.store import sql_text

if TYPE_CHECKING:
    import duckdb

KEYS = ("id", "doi", "pmid", "title+year")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Match:
    """The work a row names (``work_id``), by which key, or why there is none."""

    work_id: str | None
    via: str | None
    candidates: tuple[str, ...] = ()

    @property
    def problem(self) -> str | None:
        """``ambiguous`` (several works), ``unmatched`` (none) or None for a match."""
        if self.work_id:
            return None
        return "ambiguous" if self.candidates else "unmatched"


@dataclass
class WorkIndex:
    """Stored works by each matching key."""

    keys: dict[str, dict[Any, set[str]]] = field(
        default_factory=lambda: {key: defaultdict(set) for key in KEYS}
    )

    def add(self, key: str, value: Any, work_id: str) -> None:
        if value is not None and value != "":
            self.keys[key][value].add(work_id)


def _titles(titles: list[Any]) -> list[str | None]:
    return title_key(pa.array([t if isinstance(t, str) else None for t in titles], pa.string()))\
        .to_pylist()  # fmt: skip


def _pmid(value: Any) -> str | None:
    found = _DIGITS.search(str(value)) if value else None
    return found.group(0) if found else None


def load_index(con: duckdb.DuckDBPyConnection) -> WorkIndex:
    """Every work under each key: ids, DOI, PMID, (title key, year)."""
    rows = con.execute(sql_text("decide_match_keys")).fetchall()
    index = WorkIndex()
    for (work, record, source_id, doi, pmid, _, year), key in zip(
        rows, _titles([row[5] for row in rows]), strict=True
    ):
        for ref in (work, record, source_id):
            index.add("id", ref, work)
        index.add("doi", normalize_doi(doi), work)
        index.add("pmid", _pmid(pmid), work)
        index.add("title+year", (key, year) if key and year else None, work)
    return index


def row_keys(own_ids: list[str], fields: dict[str, Any]) -> dict[str, list[Any]]:
    """A row's values under each key, in ``KEYS`` order."""
    title = _titles([fields.get("title")])[0]
    year = parse_year(fields.get("year"))
    return {
        "id": own_ids,
        "doi": [normalize_doi(fields.get("doi"))],
        "pmid": [_pmid(fields.get("pmid"))],
        "title+year": [(title, year) if title and year else None],
    }


def match(index: WorkIndex, own_ids: list[str], fields: dict[str, Any]) -> Match:
    """The one work a row names, or why not (see the module docstring)."""
    candidates: set[str] = set()
    for key, values in row_keys(own_ids, fields).items():
        works = set().union(*(index.keys[key].get(v, set()) for v in values if v is not None))
        if not works:
            continue
        if candidates and not works & candidates:  # the keys disagree: report, don't choose
            return Match(None, key, tuple(sorted(works | candidates)))
        works = works & candidates if candidates else works
        if len(works) == 1:
            return Match(next(iter(works)), key)
        candidates = works
    return Match(None, None, tuple(sorted(candidates)))

"""RIS exports: Embase, Ovid (PsycINFO, Medline), Scopus, Web of Science, EndNote, Zotero.

Tags are read with rispy's tag map and field logic (``RisParser._add_tag``); the loop around it
is ours, because rispy silently drops a record without ``ER`` and any text between records.
Here those, and malformed tag lines (``AB - x``, ``ab  - x``), are bad records with a line.
Tolerated, as real exports have them: Ovid's ``1.`` record numbers between records,
unindented continuation lines (Web of Science ``N1``), blank lines and unknown vendor tags.

Own id: ``ID``, else ``AN`` (``WOS:...``, Ovid accession), else Embase's ``U2`` L-number,
else the Scopus EID in ``UR``; otherwise a content hash. PMIDs come from Scopus ``C2`` and
Embase ``C5``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rispy import RisParser

from review.importers.authors import split_authors
from review.importers.base import SURROGATE, Collector, Text
from review.importers.fields import (
    cell,
    clean_number,
    join_pages,
    pick_doi,
    refine_type,
    split_keywords,
    type_flags,
)

_TAG_LINE = re.compile(r"[A-Z][A-Z0-9]  -(?: |$)")
_ALMOST_TAG = re.compile(r"[A-Za-z][A-Za-z0-9]\s{0,3}-(?:\s|$)")
_RECORD_NUMBER = re.compile(r"\d+\.?")  # Ovid numbers its records: "2." before "TY  - JOUR"
_SCOPUS_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_DIGITS = re.compile(r"\d+")


class _Record:
    """One record being read: rispy's dict, the line it starts on, and whether it is bad."""

    def __init__(self, line: int, kind: str) -> None:
        self.line = line
        self.data: dict[str, Any] = {"type_of_reference": kind}
        self.last_tag = "TY"
        self.bad = False


def parse(text: Text, collector: Collector) -> None:
    """Read a RIS export into ``collector``: one Record per ``TY ... ER`` block."""
    for line, data in records(text.text, collector):
        if text.dirty and SURROGATE.search(repr(data)):
            collector.bad(line, "undecodable bytes in this record (not UTF-8)")
            continue
        collector.add(to_fields(data), line)


def records(text: str, collector: Collector) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (start line, rispy dict) per complete record; report broken structure."""
    parser = RisParser()
    record: _Record | None = None
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r").lstrip("\ufeff")
        tag, content = parser.parse_line(line)
        if tag is not None and not _TAG_LINE.match(line):
            tag = None  # rispy accepts "AB  -x"; that is a malformed line, not a tag
        if record is None:
            record = _outside(line, tag, content, number, collector)
            continue
        if tag == "ER":
            if not record.bad:
                yield record.line, record.data
            record = None
        elif tag == "TY":
            collector.bad(record.line, f"record has no 'ER  -' end tag before line {number}")
            record = _Record(number, content)
        else:
            _inside(parser, record, line, tag, content, number, collector)
    if record is not None:
        last = len(lines) - (lines[-1] == "")
        collector.bad(record.line, f"record has no 'ER  -' end tag (file ends at line {last})")


def _outside(
    line: str, tag: str | None, content: str, number: int, collector: Collector
) -> _Record | None:
    """Between records only ``TY`` (a new record), blanks and Ovid record numbers may appear."""
    if tag == "TY":
        return _Record(number, content)
    stripped = line.strip()
    if stripped and not _RECORD_NUMBER.fullmatch(stripped):
        collector.bad(number, f"text outside a record (expected 'TY  - '): {stripped[:60]!r}")
    return None


def _inside(
    parser: RisParser,
    record: _Record,
    line: str,
    tag: str | None,
    content: str,
    number: int,
    collector: Collector,
) -> None:
    """Add a tag line, or a continuation line to the last tag; flag malformed tag lines."""
    if tag is None and _ALMOST_TAG.match(line):
        if not record.bad:
            collector.bad(
                number,
                f"malformed tag line {line.strip()[:60]!r} (a tag is two "
                "capitals or digits, two spaces, '-', a space)",
            )
        record.bad = True
        return
    if tag is None:
        if content:
            parser._add_tag(record.data, record.last_tag, content, extend_multiline=True)
        return
    parser._add_tag(record.data, tag, content)
    record.last_tag = tag


def _first(data: dict[str, Any], *keys: str) -> str | None:
    """The first non-empty value among rispy keys (lists give their first item)."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, list):
            value = next((item for item in value if cell(item)), None)
        value = cell(value)
        if value:
            return value
    return None


def to_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Map one rispy record dict to Record fields (plus ``id``)."""
    unknown = data.get("unknown_tag") or {}
    scopus = (_first(data, "name_of_database") or "").lower() == "scopus"
    authors = [*data.get("authors", []), *data.get("first_authors", [])]
    publication_type = refine_type(data.get("type_of_reference"), data.get("type_of_work"))
    pmid = _first(data, "custom2") if scopus else _first(unknown, "C5") or _first(data, "custom5")
    return {
        "id": _own_id(data, unknown),
        "title": _first(data, "primary_title", "title", "translated_title"),
        "authors": split_authors(authors),
        "year": _first(data, "year", "publication_year", "date"),
        "venue": _first(
            data,
            "alternate_title3",
            "secondary_title",
            "journal_name",
            "alternate_title2",
            "alternate_title1",
        ),
        "volume": clean_number(_first(data, "volume")),
        "issue": clean_number(_first(data, "number")),
        "pages": join_pages(_first(data, "start_page"), _first(data, "end_page"))
        or _first(data, "custom7"),
        "abstract": _first(data, "abstract", "notes_abstract"),
        "doi": pick_doi(_first(data, "doi")),
        "pmid": pmid if pmid and _DIGITS.fullmatch(pmid) else None,
        "language": _first(data, "language"),
        "publication_type": publication_type,
        "flags": type_flags(publication_type),
        "keywords": split_keywords(data.get("keywords")),
        "url": _first(data, "urls"),
    }


def _own_id(data: dict[str, Any], unknown: dict[str, list[str]]) -> str | None:
    """The file's own id: ``ID``, ``AN``, Embase ``U2``, or the Scopus EID in the URL."""
    own = _first(data, "id", "accession_number") or _first(unknown, "U2")
    if own:
        return own
    for url in data.get("urls", []):
        match = _SCOPUS_EID.search(url)
        if match:
            return match.group(1)
    return None

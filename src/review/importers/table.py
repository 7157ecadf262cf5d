"""CSV and TSV exports: BibTeX-named columns, Scopus, Web of Science, Rayyan, Covidence, Zotero.

The delimiter is taken from the header line (``,`` ``;`` tab ``|``; European Excel writes ``;``
and may put a ``sep=;`` line first). Headers are matched case- and punctuation-insensitively
against ``COLUMNS``; a Web of Science file with two-letter tag headers (``PT AU TI SO ... UT``)
uses ``WOS_TAGS`` instead, because there ``ID`` means Keywords Plus, not a record id.
``open_reader`` is the one way a CSV/TSV is split into rows (``review decide`` reads with it too).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from typing import Any

from review.errors import InputFileError
from review.importers.authors import split_authors
from review.importers.base import SURROGATE, Collector, Text
from review.importers.fields import (
    clean_number,
    join_pages,
    map_type,
    pick_doi,
    sheet_cell,
    split_keywords,
    type_flags,
)
from review.reporting.csvsafe import unguard

# Abstracts and reference lists exceed csv's default 128 kB field limit in real exports.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

# Canonical field -> header names (normalised), best first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "key",
        "covidence #",
        "ut unique wos id",
        "ut",
        "eid",
        "accession number",
        "record id",
        "refid",
        "ref id",
        "rec number",
    ),
    "title": ("title", "article title", "document title", "primary title", "ti"),
    "authors": ("author", "authors", "au", "author full names", "af", "author names"),
    "year": (
        "year",
        "publication year",
        "published year",
        "py",
        "pubyear",
        "date",
        "publication date",
    ),
    "venue": (
        "journal",
        "source title",
        "journal title",
        "publication title",
        "booktitle",
        "secondary title",
        "journal book",
        "journal name",
        "so",
        "publication name",
    ),
    "volume": ("volume", "vl"),
    "issue": ("number", "issue", "is"),
    "pages": ("pages", "page", "page range"),
    "start_page": ("page start", "start page", "bp", "first page"),
    "end_page": ("page end", "end page", "ep", "last page"),
    "article_number": ("art no", "article number", "ar"),
    "abstract": ("abstract", "abstract note", "ab"),
    "doi": ("doi", "di", "doi link"),
    "pmid": ("pmid", "pubmed id", "pm", "medline pmid"),
    "pmcid": ("pmcid", "pmc id"),
    "language": ("language", "language of original document", "la"),
    "type": (
        "entrytype",
        "document type",
        "dt",
        "publication type",
        "item type",
        "type",
        "reference type",
        "pt",
    ),
    "keywords": (
        "keywords",
        "author keywords",
        "de",
        "index keywords",
        "manual tags",
        "mesh terms",
    ),
    "url": ("url", "link", "urls"),
}
WOS_TAGS: dict[str, tuple[str, ...]] = {
    "id": ("ut",),
    "title": ("ti",),
    "authors": ("au", "af"),
    "year": ("py",),
    "venue": ("so",),
    "volume": ("vl",),
    "issue": ("is",),
    "start_page": ("bp",),
    "end_page": ("ep",),
    "article_number": ("ar",),
    "abstract": ("ab",),
    "doi": ("di",),
    "pmid": ("pm",),
    "language": ("la",),
    "type": ("dt", "pt"),
    "keywords": ("de",),
}
_HEADER_KEY = re.compile(r"[^a-z0-9#]+")
_DELIMITERS = (",", ";", "\t", "|")


def parse(text: Text, collector: Collector, *, tab: bool = False) -> None:
    """Read a CSV/TSV export into ``collector``: one Record per data row."""
    reader, _, first_line = open_reader(text.text, tab=tab)
    path = collector.result.path
    try:
        header = next(reader, None)
        if header is None:
            return
        columns = resolve_columns(header, path, first_line)
        for line, row in _rows(reader, len(header), collector, text.dirty, first_line):
            collector.add(row_fields(row, columns), line)
    except csv.Error as error:
        raise InputFileError(f"{path}:{reader.line_num + first_line - 1}: {error}") from error


def open_reader(text: str, *, tab: bool = False) -> tuple[Any, str, int]:
    """A ``csv.reader`` from the header on, the delimiter it uses, and the header's line number."""
    body, delimiter, first_line = dialect(text, tab=tab)
    return csv.reader(io.StringIO(body, newline=""), delimiter=delimiter), delimiter, first_line


def dialect(text: str, *, tab: bool) -> tuple[str, str, int]:
    """Return the text from the header on, its delimiter, and the header's line number."""
    first_line = 1
    if text[:4].lower() == "sep=":
        end = text.find("\n")
        declared = text[4:end].strip() if end > 0 else ""
        if len(declared) == 1:
            return text[end + 1 :], declared, 2
    if tab:
        return text, "\t", first_line
    header = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return text, (best if counts[best] else ","), first_line


def header_key(name: str) -> str:
    """Normalise a header for matching: ``"Art. No."`` -> ``art no``, ``Covidence #`` kept."""
    return _HEADER_KEY.sub(" ", name.replace("\ufeff", "").lower()).strip()


def resolve_columns(header: list[str], path: str, line: int = 1) -> dict[str, int]:
    """Map canonical fields to column indexes; a file with no title column is rejected."""
    keys = [header_key(name) for name in header]
    wos = {"ut", "pt", "so"} <= set(keys)
    table = WOS_TAGS if wos else COLUMNS
    position = {key: index for index, key in reversed(list(enumerate(keys)))}
    columns = {}
    for field, names in table.items():
        for name in names:
            if name in position:
                columns[field] = position[name]
                break
    if "title" not in columns:
        shown = ", ".join(repr(name) for name in header[:8])
        raise InputFileError(
            f"{path}:{line}: no title column in the header ({shown}); expected one of "
            "title, Title, Article Title, TI"
        )
    return columns


def _rows(
    reader: Any, width: int, collector: Collector, dirty: bool, offset: int
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line, row) for well-formed rows; ragged or undecodable rows go to ``collector``."""
    end = reader.line_num
    for row in reader:
        line, end = end + offset, reader.line_num
        if not any(row):
            continue
        if len(row) != width:
            if len(row) > width and not any(cell.strip() for cell in row[width:]):
                row = row[:width]
            else:
                collector.bad(
                    line,
                    f"row has {len(row)} fields, the header has {width} "
                    "(a stray delimiter or an unclosed quote?)",
                )
                continue
        if dirty and SURROGATE.search("".join(row)):
            collector.bad(line, "undecodable bytes in this row (not UTF-8)")
            continue
        yield line, row


def row_fields(row: list[str], columns: dict[str, int]) -> dict[str, Any]:
    """Map one row to Record fields (plus ``id``), cleaning values as exports need.

    A leading ``'`` before a formula character is the guard our CSV exports add
    (``csvsafe.unguard``), so ``'=x`` reads back as ``=x``.
    """
    value = {field: sheet_cell(unguard(row[index])) for field, index in columns.items()}
    url = value.get("url")
    pmid = value.get("pmid")
    pmid_digits = re.search(r"\d+", pmid) if pmid else None
    publication_type = map_type(value.get("type"))
    return {
        "id": value.get("id"),
        "title": value.get("title"),
        "authors": split_authors(value.get("authors")),
        "year": value.get("year"),
        "venue": value.get("venue"),
        "volume": clean_number(value.get("volume")),
        "issue": clean_number(value.get("issue")),
        "pages": value.get("pages")
        or join_pages(value.get("start_page"), value.get("end_page"))
        or value.get("article_number"),
        "abstract": value.get("abstract"),
        "doi": pick_doi(value.get("doi")),
        "pmid": pmid_digits.group(0) if pmid_digits else None,
        "pmcid": value.get("pmcid"),
        "language": value.get("language"),
        "publication_type": publication_type,
        "flags": type_flags(publication_type),
        "keywords": split_keywords(value.get("keywords")),
        "url": url.split()[0] if url else None,
    }

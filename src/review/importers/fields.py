"""Cleaning the values real exports contain, and mapping document types to ``publication_type``.

Parsers produce plain dicts with the keys of ``Record`` (``title``, ``authors``, ``venue``...)
plus ``id`` for the file's own identifier; the helpers here clean what the Record boundary does
not: Excel error cells, ``1)`` volumes, DOIs buried in other text, keyword lists.

Type mapping (RIS ``TY``/``M3``, BibTeX ``ENTRYTYPE``, CSV "Document Type"/``DT``/``type``):

| publication_type | from |
|---|---|
| journal-article | article, JOUR, EJOUR, journal article, article in press, J |
| review | review, short survey, systematic review |
| conference-paper | inproceedings, conference, CONF, CPAPER, proceedings paper, meeting abstract |
| book | book, BOOK, EBOOK, EDBOOK, booklet, proceedings, B |
| book-chapter | incollection, inbook, CHAP, ECHAP, book chapter, book section |
| thesis | phdthesis, mastersthesis, THES, dissertation |
| report | techreport, RPRT, report, GOVDOC, working paper |
| preprint | preprint |
| editorial | editorial, editorial material |
| letter | letter |
| erratum | erratum, correction |
| other | misc, GEN, unpublished, ELEC, and anything else named |
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

# Excel shows these when a cell held a formula it could not compute (e.g. an author "=Smith").
EXCEL_ERRORS = frozenset(
    {"#NAME?", "#VALUE!", "#REF!", "#N/A", "#DIV/0!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
# A DOI runs to whitespace, a quote or a tag (``<sup>``, ``</a>``); an angle-bracket group that
# starts with a digit or ``::`` is part of it, as in Wiley's SICI DOIs
# (``10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0``).
_DOI = re.compile(r"10\.\d{4,9}/(?:[^\s\"<>]|<(?=[\d:])[^\s\"<>]*>)+")
_PERCENT_ESCAPE = re.compile(r"%[23][0-9A-Fa-f]")
_TYPE_KEY = re.compile(r"[^a-z]+")

_TYPES = {
    "journal-article": (
        "article",
        "jour",
        "ejour",
        "journal article",
        "journal",
        "j",
        "journal-article",
        "article in press",
        "data paper",
        "jfull",
    ),
    "review": ("review", "short survey", "systematic review"),
    "conference-paper": (
        "inproceedings",
        "conference",
        "conf",
        "cpaper",
        "conference paper",
        "proceedings paper",
        "conference proceeding",
        "meeting abstract",
        "conference abstract",
        "conference review",
    ),
    "book": ("book", "ebook", "edbook", "booklet", "proceedings", "b", "whole book", "edited book"),
    "book-chapter": (
        "incollection",
        "inbook",
        "chap",
        "echap",
        "book chapter",
        "book section",
        "chapter",
        "book part",
    ),
    "thesis": (
        "phdthesis",
        "mastersthesis",
        "thes",
        "thesis",
        "dissertation",
        "thesis dissertation",
    ),
    "report": ("techreport", "rprt", "report", "govdoc", "government document", "working paper"),
    "preprint": ("preprint", "posted content"),
    "editorial": ("editorial", "editorial material", "edit"),
    "letter": ("letter", "letter to the editor"),
    "erratum": ("erratum", "correction", "corrigendum"),
    "other": (
        "misc",
        "gen",
        "generic",
        "unpublished",
        "unpb",
        "elec",
        "web page",
        "data",
        "note",
        "manual",
    ),
}
_TYPE_INDEX = {alias: name for name, aliases in _TYPES.items() for alias in aliases}
# Types specific enough to override a generic one (RIS M3 "Erratum" under TY JOUR).
SPECIFIC_TYPES = frozenset(
    {"review", "conference-paper", "preprint", "editorial", "letter", "erratum"}
)
FLAG_FOR_TYPE = {"erratum": "erratum", "preprint": "preprint"}


def cell(value: Any) -> str | None:
    """Trim a raw value; an empty string becomes None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def sheet_cell(value: str) -> str | None:
    """``cell`` for spreadsheet exports, where Excel error values (``#NAME?``) mean empty."""
    text = value.strip()
    if not text or text in EXCEL_ERRORS:
        return None
    return text


def clean_number(value: Any) -> str | None:
    """Tidy a volume or issue: ``1)`` -> ``1``, ``(2)`` -> ``2``, unbalanced brackets dropped."""
    text = cell(value)
    if text is None:
        return None
    if text.count("(") != text.count(")"):
        text = text.strip("()")
    text = text.strip(" .,;:")
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    return text or None


def pick_doi(value: Any) -> str | None:
    """Find the DOI in a field that may hold more (``S0016...[pii] 10.1/x [doi]``, a URL)."""
    text = cell(value)
    if text is None:
        return None
    if _PERCENT_ESCAPE.search(text):  # a URL-encoded DOI: %2F for /, %3C for <
        text = unquote(text)
    tagged = re.search(r"(10\.\d{4,9}/\S+)\s*\[doi\]", text)
    match = tagged.group(1) if tagged else None
    if match is None:
        found = _DOI.search(text)
        match = found.group(0) if found else None
    return match.rstrip(".,;") if match else None


def join_pages(start: Any, end: Any) -> str | None:
    """``549`` and ``565`` -> ``549-565``; either alone is kept as it is."""
    first, last = cell(start), cell(end)
    if first and last and first != last:
        return f"{first}-{last}"
    return first or last


def split_keywords(value: Any) -> list[str]:
    """Keywords as a list: one per RIS tag, or split on ``;`` (else ``,``) in one field."""
    if value is None:
        return []
    if isinstance(value, list):
        items: list[str] = [str(item) for item in value]
    else:
        text = str(value)
        items = text.split(";") if ";" in text else text.split(",")
    return [item.strip() for item in items if item.strip()]


def map_type(value: Any) -> str | None:
    """Map a document type name or code to ``publication_type`` (see the module table)."""
    text = cell(value)
    if text is None:
        return None
    first = text.split(";")[0]
    key = _TYPE_KEY.sub(" ", first.lower()).strip()
    if not key:
        return None
    return _TYPE_INDEX.get(key, "other")


def refine_type(general: Any, specific: Any) -> str | None:
    """Combine a generic type (RIS ``TY``) with a finer one (``M3``) when the finer is known."""
    fine = map_type(specific)
    if fine in SPECIFIC_TYPES:
        return fine
    return map_type(general) or (fine if fine != "other" else None)


def type_flags(publication_type: str | None) -> list[str]:
    """Record flags implied by the type (an erratum is flagged ``erratum``)."""
    flag = FLAG_FOR_TYPE.get(publication_type or "")
    return [flag] if flag else []

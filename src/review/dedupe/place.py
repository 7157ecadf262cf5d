"""Place in the journal (volume, issue, pages) as exports really carry it, for comparison.

Exports scramble these fields in a few recurring ways, all repaired here column at a time:

- Embase puts them only in the venue string:
  ``Lakartidningen.110 (42) ()(pp 1872) 2013.Date of Publication: ...``;
- Embase also writes the year as the pages and "pp 251" or "var.pagings" as the issue;
- spreadsheets turn ranges into dates: "9-10" becomes "9-Oct", "1-9" "Jan-9";
- theses give a page count ("215 p"), which is not a place;
- front matter is paged in roman numerals ("vii-xiii": an editorial, a column);
- Embase writes an online journal's issue into the volume (``64 (1) (no pagination)``) and
  the article number into the issue (``A5316``, ``e2522``).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from review.dedupe.text import first_number, pages_range

# Embase venue tail: "<venue>.<volume> (<issue>) ()(pp <pages>)"; volume and issue optional.
_EMBASE_PLACE = (
    r"\.(?P<vol>[0-9]+[A-Za-z]?)?\s*(?:\((?P<iss>[^()]*)\)\s*)?\(\)\s*\(pp\s*(?P<pp>[^)]*)\)"
)
# "64 (1) (no pagination)": the issue in brackets after the volume.
_VOLUME_ISSUE = r"^\s*\d+[A-Za-z]?\s*\((?P<iss>[^()]+)\)"
# An article number where the issue should be: a letter and three or more digits.
_ARTICLE_NUMBER = r"^\s*[A-Za-z]\d{3,}\s*$"
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_NULL = pa.scalar(None, pa.string())


def _blank(arr: pa.Array) -> pa.Array:
    """Empty or whitespace-only strings become null."""
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), _NULL, arr)


def undo_dates(arr: pa.Array) -> pa.Array:
    """Ranges a spreadsheet turned into dates: "9-Oct" -> "9-10", "Jan-9" -> "1-9"."""
    arr = pc.utf8_lower(arr)
    for number, month in enumerate(_MONTHS, start=1):
        arr = pc.replace_substring_regex(
            arr, pattern=rf"^(\d+)\s*-\s*{month}[a-z]*$", replacement=rf"\1-{number}"
        )
        arr = pc.replace_substring_regex(
            arr, pattern=rf"^{month}[a-z]*\s*-\s*(\d+)$", replacement=rf"{number}-\1"
        )
    return arr


def embase_place(venue: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Volume, issue and pages written into an Embase venue string (null where absent)."""
    parts = pc.extract_regex(pc.fill_null(venue, ""), pattern=_EMBASE_PLACE)
    found = pc.is_valid(parts)
    vol, iss, pp = (
        pc.if_else(found, _blank(pc.struct_field(parts, name)), _NULL)
        for name in ("vol", "iss", "pp")
    )
    return vol, iss, pp


# A roman page or range of them, up to 399: "vii", "iii-xii", "xi–xv".
_ROMAN_PAGE = r"(?:c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
_ROMAN_RANGE = re.compile(rf"^\s*({_ROMAN_PAGE})\s*(?:[-–]+\s*({_ROMAN_PAGE}))?\s*$")
_ROMAN_VALUES = {"c": 100, "l": 50, "x": 10, "v": 5, "i": 1}


def _roman(numeral: str) -> int:
    """The value of a valid lower-case roman numeral."""
    values = [_ROMAN_VALUES[ch] for ch in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))


def roman_pages(pages: pa.Array) -> pa.Array:
    """Front-matter pages in roman numerals as numbers ("vii-xiii" -> "7-13"); the rest as is."""
    out = []
    for text in pages.to_pylist():
        found = _ROMAN_RANGE.match(text.lower()) if text else None
        if found and found.group(1):
            out.append("-".join(str(_roman(g)) for g in found.groups() if g))
        else:
            out.append(text)
    return pa.array(out, pa.string())


def _not_a_place(pages: pa.Array, year: pa.Array) -> pa.Array:
    """Pages that are really the year, a page count ("215 p") or a month name."""
    text = pc.utf8_trim_whitespace(pc.utf8_lower(pages))
    is_year = pc.equal(text, pc.cast(year, pa.string()))
    count = pc.match_substring_regex(text, r"^\d+\s*(?:p|pp|pages?)\.?$")
    month = pc.match_substring_regex(text, r"^[a-z]+$")
    return pc.fill_null(pc.or_(pc.or_(is_year, count), month), False)


def place(
    volume: pa.Array,
    issue: pa.Array,
    pages: pa.Array,
    venue: pa.Array,
    year: pa.Array,
    article_numbers: bool = True,
    roman: bool = True,
) -> dict[str, pa.Array]:
    """Comparison volume, issue, first page and last page (digit strings, null unknown);
    ``article_numbers=False`` leaves an article number in the issue field where it is,
    ``roman=False`` roman page numbers unread."""
    e_vol, e_iss, e_pp = embase_place(venue)
    pages = _blank(pages)
    if roman:
        pages = roman_pages(pages)
    issue = _blank(issue)
    # Embase: "pp 251" in the issue is the page; "var.pagings" is nothing.
    issue_pages = pc.extract_regex(pc.fill_null(issue, ""), pattern=r"^pp\.?\s*(?P<pp>.+)$")
    issue_pages = pc.if_else(pc.is_valid(issue_pages), pc.struct_field(issue_pages, "pp"), _NULL)
    bad_issue = pc.fill_null(pc.match_substring_regex(issue, r"(?i)^(?:pp\b|var)"), False)
    issue = pc.if_else(bad_issue, _NULL, issue)
    pages = pc.if_else(_not_a_place(pages, year), _NULL, pages)
    numbered = pc.fill_null(pc.match_substring_regex(issue, _ARTICLE_NUMBER), False)
    numbered = pc.and_(numbered, pa.scalar(article_numbers))
    pages = pc.coalesce(pages, pc.if_else(numbered, issue, _NULL), issue_pages, e_pp)
    in_volume = pc.extract_regex(pc.fill_null(volume, ""), pattern=_VOLUME_ISSUE)
    in_volume = pc.if_else(pc.is_valid(in_volume), pc.struct_field(in_volume, "iss"), _NULL)
    issue = pc.if_else(numbered, in_volume, issue)
    start, end = pages_range(undo_dates(pages))
    return {
        "volume": first_number(pc.coalesce(_blank(volume), e_vol)),
        "issue": first_number(undo_dates(pc.coalesce(issue, e_iss))),
        "page_start": start,
        "page_end": end,
    }

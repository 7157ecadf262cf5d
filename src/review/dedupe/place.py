"""Place in the journal (volume, issue, pages) as exports really carry it, for comparison.

Exports scramble these fields in a few recurring ways, all repaired here column at a time:

- Embase puts them only in the venue string:
  ``Lakartidningen.110 (42) ()(pp 1872) 2013.Date of Publication: ...``;
- Embase also writes the year as the pages and "pp 251" or "var.pagings" as the issue;
- spreadsheets turn ranges into dates: "9-10" becomes "9-Oct", "1-9" "Jan-9";
- theses give a page count ("215 p"), which is not a place.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from review.dedupe.text import first_number, pages_range

# Embase venue tail: "<venue>.<volume> (<issue>) ()(pp <pages>)"; volume and issue optional.
_EMBASE_PLACE = (
    r"\.(?P<vol>[0-9]+[A-Za-z]?)?\s*(?:\((?P<iss>[^()]*)\)\s*)?\(\)\s*\(pp\s*(?P<pp>[^)]*)\)"
)
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


def _not_a_place(pages: pa.Array, year: pa.Array) -> pa.Array:
    """Pages that are really the year, a page count ("215 p") or a month name."""
    text = pc.utf8_trim_whitespace(pc.utf8_lower(pages))
    is_year = pc.equal(text, pc.cast(year, pa.string()))
    count = pc.match_substring_regex(text, r"^\d+\s*(?:p|pp|pages?)\.?$")
    month = pc.match_substring_regex(text, r"^[a-z]+$")
    return pc.fill_null(pc.or_(pc.or_(is_year, count), month), False)


def place(
    volume: pa.Array, issue: pa.Array, pages: pa.Array, venue: pa.Array, year: pa.Array
) -> dict[str, pa.Array]:
    """Comparison volume, issue, first page and last page (digit strings, null unknown)."""
    e_vol, e_iss, e_pp = embase_place(venue)
    pages = _blank(pages)
    issue = _blank(issue)
    # Embase: "pp 251" in the issue is the page; "var.pagings" is nothing.
    issue_pages = pc.extract_regex(pc.fill_null(issue, ""), pattern=r"^pp\.?\s*(?P<pp>.+)$")
    issue_pages = pc.if_else(pc.is_valid(issue_pages), pc.struct_field(issue_pages, "pp"), _NULL)
    bad_issue = pc.fill_null(pc.match_substring_regex(issue, r"(?i)^(?:pp\b|var)"), False)
    issue = pc.if_else(bad_issue, _NULL, issue)
    pages = pc.if_else(_not_a_place(pages, year), _NULL, pages)
    pages = pc.coalesce(pages, issue_pages, e_pp)
    start, end = pages_range(undo_dates(pages))
    return {
        "volume": first_number(pc.coalesce(_blank(volume), e_vol)),
        "issue": first_number(undo_dates(pc.coalesce(issue, e_iss))),
        "page_start": start,
        "page_end": end,
    }

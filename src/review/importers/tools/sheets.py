"""Reading a decision file's rows as they are: CSV/TSV/XLSX cells by header, RIS records.

The bibliographic fields of each row come from the record importers (``table.row_fields``,
``ris.to_fields``), so a tool's export is matched on exactly what ``review import`` would read;
the raw cells stay beside them for the tool's own decision columns and notes.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review.errors import InputFileError
from review.importers import ris, table
from review.importers.base import Collector, decode, read_bytes

LOOK_ROWS = 200  # rows enough to recognise a tool's export by its columns and notes
# Our exports name the work in notes (``review-id: w_...``); Rayyan keeps notes, not ids.
_REVIEW_ID = re.compile(r"review-id:\s*([^\s|;,]+)")


@dataclass(frozen=True)
class Vote:
    """One reviewer's vote on one row: include | uncertain | exclude, free-text reasons, note.

    ``reviewer`` and ``stage`` are None when the file does not say (ASReview without logins,
    Covidence's lists); the caller supplies them.
    """

    decision: str
    reviewer: str | None = None
    reasons: tuple[str, ...] = ()
    note: str | None = None
    stage: str | None = None


@dataclass
class Row:
    """One row or record: its line, raw cells (lower-case headers) and bibliographic fields."""

    line: int
    cells: dict[str, Any]
    fields: dict[str, Any] = field(default_factory=dict)

    def text(self, *names: str) -> str:
        """The first non-empty cell among ``names`` as text (RIS lists joined by newlines)."""
        for name in names:
            value = self.cells.get(name)
            if isinstance(value, list):
                value = "\n".join(str(item) for item in value)
            if value is not None and str(value).strip():
                return str(value).strip()
        return ""

    def own_ids(self) -> list[str]:
        """The ids that may be ours: the row's own id, and ``review-id:`` in its notes."""
        found = [self.fields.get("id") or ""]
        found += _REVIEW_ID.findall(self.text("notes", "note"))
        return [ref for ref in dict.fromkeys(found) if ref]


def suffix(path: Path) -> str:
    """The file's format suffix, ``.gz`` ignored."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def is_ris(path: Path, head: str) -> bool:
    """Whether a file is RIS: by suffix, or by a ``TY  -`` line in a ``.txt``."""
    kind = suffix(path)
    return kind == ".ris" or (kind not in (".csv", ".tsv", ".tab", ".xlsx") and "TY  -" in head)


def read_rows(path: Path, *, head: int | None = None) -> list[Row]:
    """Every row of a CSV/TSV/XLSX or record of a RIS file, with cells and fields.

    With ``head``, only about that many characters are read (whole rows) and at most
    ``LOOK_ROWS`` rows are returned, for a quick look.
    """
    limit = None if head is None else LOOK_ROWS
    if suffix(path) == ".xlsx":
        return _table_rows(path, _xlsx_cells(path, rows=limit))
    if head is None:
        text = decode(read_bytes(path), path, skip_bad=False).text
    else:
        data = _head_bytes(path, head)
        text = decode(data, path, skip_bad=True).text
        text = _whole_rows(text) if len(data) == head else text
    if is_ris(path, text[:20000]):
        return _ris_rows(path, text, limit)
    body, delimiter, first_line = table.dialect(text, tab=suffix(path) in (".tsv", ".tab"))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        # A look parses the header and LOOK_ROWS rows only (row fields are the costly part).
        cells = list(reader if limit is None else itertools.islice(reader, limit + 1))
    except csv.Error as error:
        raise InputFileError(f"{path}: {error}") from error
    return _table_rows(path, cells, first_line)


def _table_rows(path: Path, cells: list[list[str]], first_line: int = 1) -> list[Row]:
    if not cells:
        raise InputFileError(f"{path}:1: the file is empty")
    header = [table.header_key(name) for name in cells[0]]
    columns = table.resolve_columns(cells[0], str(path), first_line)
    rows = []
    for offset, values in enumerate(cells[1:], start=first_line + 1):
        if not any(v.strip() for v in values):
            continue
        values = (values + [""] * len(header))[: len(header)]
        raw = {name: value for name, value in zip(header, values, strict=True) if name}
        rows.append(Row(offset, raw, table.row_fields(values, columns)))
    return rows


def _head_bytes(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a file, decompressed when it is gzip."""
    try:
        with path.open("rb") as handle:
            gzipped = handle.read(2) == b"\x1f\x8b"
        with gzip.open(path, "rb") if gzipped else path.open("rb") as handle:
            return handle.read(size)
    except (OSError, EOFError, zlib.error) as error:
        raise InputFileError(f"{path}: cannot read file: {error}") from error


def _whole_rows(text: str) -> str:
    """The text up to its last line end outside quotes (RIS: after its last ``ER  -``)."""
    end = text.rfind("\nER  -")
    if end >= 0:
        return text[: text.find("\n", end + 1) + 1 or len(text)]
    quotes = 0
    cut = 0
    for index, char in enumerate(text):
        if char == '"':
            quotes += 1
        elif char == "\n" and quotes % 2 == 0:
            cut = index + 1
    return text[:cut]


def _xlsx_cells(path: Path, rows: int | None = None) -> list[list[str]]:
    """The first sheet with a title column, as text cells (openpyxl, imported on demand)."""
    try:
        import openpyxl
    except ImportError:
        raise InputFileError(
            f"{path}: reading .xlsx needs openpyxl (pip install openpyxl), or export CSV"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError and its own errors
        raise InputFileError(f"{path}: not a readable .xlsx file ({error})") from None
    for sheet in book.worksheets:
        cells = [["" if v is None else _cell_text(v) for v in row] for row in sheet.iter_rows(
            max_row=rows, values_only=True)]  # fmt: skip
        if cells and "title" in {table.header_key(name) for name in cells[0]}:
            return cells
    raise InputFileError(f"{path}: no sheet has a title column")


def _cell_text(value: Any) -> str:
    """A spreadsheet value as the text a CSV export would hold (2015.0 -> 2015)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _ris_rows(path: Path, text: str, limit: int | None = None) -> list[Row]:
    collector = Collector(path, "decide", "ris", skip_bad=False)
    found = itertools.islice(ris.records(text, collector), limit)
    return [Row(line, data, ris.to_fields(data)) for line, data in found]

"""The one CSV writer: cells a spreadsheet would run as a formula are written as text.

Titles and authors come from public APIs and other people's exports, so a cell such as
``=HYPERLINK(...)`` is possible; Excel and LibreOffice run a cell as a formula when its first
character is one of OWASP's list (``=`` ``+`` ``-`` ``@``, tab, carriage return). Such text
cells get a leading ``'`` (OWASP's advice). Numbers from numeric columns (``int``, ``float``,
``Decimal``) are written as they are, so ``-3`` stays a number; the same text ``"-3"`` is
guarded. ``unguard`` removes the ``'`` again when our importers read a CSV back. Text that
already starts with ``'`` before such a character gets one more, so the round trip is exact:
``unguard(safe_cell(text)) == text`` for every text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def safe_cell(value: Any) -> Any:
    """A value as a CSV cell: None empty, numbers as they are, formula-leading text guarded."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = value if isinstance(value, str) else str(value)
    return GUARD + text if _starts_formula(text) else text


def unguard(text: str) -> str:
    """A cell read back without the ``'`` ``safe_cell`` put before a formula character."""
    return text[1:] if text.startswith(GUARD) and _starts_formula(text) else text


def _starts_formula(text: str) -> bool:
    """Whether the text, after any ``'`` it starts with, starts with a formula character."""
    return text.lstrip(GUARD).startswith(FORMULA_STARTS)


def write_csv(handle: TextIO, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """Write a header and rows to ``handle``, every cell through ``safe_cell``."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The header and rows as CSV text (``write_csv`` into a string)."""
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue()

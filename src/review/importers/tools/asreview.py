"""ASReview LAB's dataset export (CSV, TSV, XLSX, RIS): the human label, never our old columns.

Layout, from ASReview 3.0.8's own code (``webapp/_api/projects.py: api_export_dataset`` and
``data/ris.py: RISWriter``) and files it exported (``tests/fixtures/tools/asreview/``): the
imported file's columns come back unchanged (from our export that includes ``decision`` and
``included``, which hold *our* decision at export time), then ASReview's own, prefixed
``asreview_``: ``asreview_label`` (1 relevant, 0 irrelevant, empty not seen), ``asreview_time``,
``asreview_note``, with logins also ``asreview_user_name``/``asreview_user_email``. RIS puts the
label first in ``N1`` (``ASReview_relevant``, ``ASReview_irrelevant``, ``ASReview_not_seen``)
and the rest as ``asreview_<name>: <json>`` notes. ASReview 1.x exports carried the label in
``included``; that column is read only when there is no ``asreview_label``.
"""

from __future__ import annotations

import json
from pathlib import Path

from review.errors import InputFileError
from review.importers.tools.sheets import Row, Vote

_LABEL_COLUMN = "asreview label"  # headers are normalised: asreview_label -> "asreview label"
_OLD_LABEL_COLUMNS = ("included", "label", "label included", "final included", "included label",
                      "included final", "included flag", "include")  # fmt: skip
_RIS_LABELS = {"ASReview_relevant": "include", "ASReview_irrelevant": "exclude",
               "ASReview_not_seen": None}  # fmt: skip
_VALUES = {"1": "include", "1.0": "include", "yes": "include", "y": "include", "true": "include",
           "0": "exclude", "0.0": "exclude", "no": "exclude", "n": "exclude", "false": "exclude",
           "": None, "-1": None}  # fmt: skip


def recognises(row: Row) -> bool:
    """An ``asreview_`` column, or in RIS an ``asreview_`` or ``ASReview_not_seen`` note.

    ``ASReview_relevant``/``irrelevant`` alone do not tell: our own RIS export writes them.
    """
    if any(key.startswith("asreview ") for key in row.cells):
        return True
    return any(note.startswith(("asreview_", "ASReview_not_seen")) for note in _notes(row))


def _notes(row: Row) -> list[str]:
    notes = row.cells.get("notes")
    return [str(note) for note in notes] if isinstance(notes, list) else []


def _ris_value(row: Row, name: str) -> str | None:
    """An ``asreview_<name>: <json>`` note's value."""
    prefix = f"asreview_{name}:"
    for note in _notes(row):
        if note.startswith(prefix):
            raw = note[len(prefix) :].strip()
            try:
                value = json.loads(raw)
            except ValueError:
                value = raw
            return str(value) if value not in (None, "") else None
    return None


def votes(row: Row, path: Path) -> list[Vote]:
    """The row's label as one vote (none when not seen)."""
    if isinstance(row.cells.get("notes"), list) and "type_of_reference" in row.cells:
        decision = next((label for note in _notes(row) for key, label in _RIS_LABELS.items()
                         if key in note), None)  # fmt: skip
        note, reviewer = _ris_value(row, "note"), _ris_value(row, "user_name")
    else:
        decision = _label(row, path)
        note = row.text("asreview note") or None
        reviewer = row.text("asreview user name") or None
    return [Vote(decision, reviewer, note=note)] if decision else []


def _label(row: Row, path: Path) -> str | None:
    column = _LABEL_COLUMN if _LABEL_COLUMN in row.cells else next(
        (name for name in _OLD_LABEL_COLUMNS if name in row.cells), None)  # fmt: skip
    if column is None:
        raise InputFileError(f"{path}:1: no asreview_label (or included) column")
    value = str(row.cells[column]).strip().lower()
    if value not in _VALUES:
        raise InputFileError(
            f"{path}:{row.line}: {column.replace(' ', '_')} {value!r} is not 1, 0 or empty"
        )
    return _VALUES[value]

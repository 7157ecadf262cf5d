"""Screening-tool exports: ASReview, Rayyan and Covidence files, recognised and read as votes.

``screening_tool_export(path)`` names the tool whose decision export a file is (or None), so
``review import`` can refuse it: its records were identified already, and importing them again
would inflate PRISMA's identification box. ``read_votes(path)`` reads such a file, or one of
our own ``review decide`` CSVs, as ``ToolRow``s: the row's bibliographic fields (to match it to
a work) and the votes it carries. Layouts, and where they come from, are in each tool's module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review.errors import InputFileError
from review.importers.tools import asreview, covidence, rayyan
from review.importers.tools.sheets import LOOK_ROWS, Row, Vote, read_rows

__all__ = [
    "TOOLS",
    "TOOL_NAMES",
    "ToolFile",
    "ToolRow",
    "Vote",
    "read_votes",
    "screening_tool_export",
]
TOOLS = ("asreview", "rayyan", "covidence")
TOOL_NAMES = {"asreview": "an ASReview", "rayyan": "a Rayyan", "covidence": "a Covidence"}
_MODULES = {"asreview": asreview, "rayyan": rayyan, "covidence": covidence}
_HEAD = 1 << 20  # characters read to recognise an export: headers and the first rows


@dataclass
class ToolRow:
    """A row of a decision file: where it is, what identifies it, and its votes."""

    line: int
    fields: dict[str, Any]
    own_ids: list[str] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)


@dataclass
class ToolFile:
    """A decision file read: which tool wrote it and its rows (rows without votes included)."""

    path: Path
    tool: str
    rows: list[ToolRow]


def screening_tool_export(path: str | Path) -> str | None:
    """The tool (asreview, rayyan, covidence) whose export ``path`` is, or None.

    Recognised by the file name (Covidence's ``review_<n>_<list>_<csv|ris>_<time>``) and by
    the content: ``asreview_`` columns or ``ASReview_`` notes, Rayyan's ``rayyan-`` keys or
    ``RAYYAN-`` notes, Covidence's ``Covidence #`` column. Unreadable files give None here and
    fail later, in the importer that reads them.
    """
    path = Path(path)
    if covidence.list_of(path):
        return "covidence"
    try:
        rows = read_rows(path, head=_HEAD)
    except InputFileError:
        return None
    return _tool_of(rows)


def _tool_of(rows: list[Row]) -> str | None:
    for name, module in _MODULES.items():
        if any(module.recognises(row) for row in rows[:LOOK_ROWS]):
            return name
    return None


def read_votes(path: str | Path, tool: str | None = None) -> ToolFile:
    """Read a screening tool's export (tool guessed from the file when not given)."""
    path = Path(path)
    rows = read_rows(path)
    tool = tool or ("covidence" if covidence.list_of(path) else _tool_of(rows))
    if tool is None:
        raise InputFileError(
            f"{path}: not an ASReview, Rayyan or Covidence export (no asreview_label column or "
            "ASReview_ notes, no RAYYAN- notes, no Covidence # column or review_<n>_<list>_ name); "
            "pass --tool, or use the review decide CSV layout"
        )
    module = _MODULES[tool]
    return ToolFile(path, tool, [
        ToolRow(row.line, row.fields, row.own_ids(), module.votes(row, path)) for row in rows
    ])  # fmt: skip

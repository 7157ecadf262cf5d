"""Rayyan's review export (``articles.csv``, or RIS): one decision per reviewer, in the notes.

Layout, from Rayyan's help centre ("Understanding your Rayyan export files") and a real
export (asreview/citation-file-formatting ``Datasets/CSV/_baseline_rayyan.csv``): columns
``key`` (``rayyan-<n>``), ``title, year, month, day, journal, issn, volume, issue, pages,
authors`` (``A and B``), ``url, language, publisher, location, abstract, notes, doi, keywords,
pubmed_id, pmc_id``. The ``notes`` cell keeps the imported notes and appends Rayyan's data as
pipe-separated sections::

    RAYYAN-INCLUSION: {"Anna"=>"Included", "Bo"=>"Maybe"} | RAYYAN-LABELS: a,b |
    RAYYAN-EXCLUSION-REASONS: wrong population,foreign language | USER-NOTES: {"Anna"=>["x"]}

The exclusion reasons are not per reviewer: every reviewer who excluded gets them all.
"""

from __future__ import annotations

import re
from pathlib import Path

from review.errors import InputFileError
from review.importers.tools.sheets import Row, Vote

_DECISIONS = {"included": "include", "excluded": "exclude", "maybe": "uncertain"}
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_PAIR = re.compile(rf"{_QUOTED}\s*=>\s*(\[[^\]]*\]|{_QUOTED})")
_SECTION = r"{name}:\s*(.*?)\s*(?=\|\s*(?:RAYYAN-[A-Z-]+|USER-NOTES):|$)"


def recognises(row: Row) -> bool:
    """A ``rayyan-`` key or ``RAYYAN-`` data in the notes."""
    return str(row.fields.get("id") or "").startswith("rayyan-") or "RAYYAN-" in _notes(row)


def _notes(row: Row) -> str:
    value = row.cells.get("notes")
    if isinstance(value, list):
        return " | ".join(str(item) for item in value)
    return str(value or "")


def _section(notes: str, name: str) -> str:
    match = re.search(_SECTION.format(name=re.escape(name)), notes, re.DOTALL)
    return match.group(1) if match else ""


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _hash(text: str) -> dict[str, list[str]]:
    """A Ruby hash as Rayyan prints it: ``{"Anna"=>"Included"}`` or ``{"Anna"=>["a", "b"]}``."""
    found: dict[str, list[str]] = {}
    for match in _PAIR.finditer(text):
        value = match.group(2)
        items = re.findall(_QUOTED, value) if value.startswith("[") else [match.group(3)]
        found[_unquote(match.group(1))] = [_unquote(item) for item in items]
    return found


def votes(row: Row, path: Path) -> list[Vote]:
    """One vote per reviewer named in ``RAYYAN-INCLUSION``."""
    notes = _notes(row)
    inclusion = _hash(_section(notes, "RAYYAN-INCLUSION"))
    reasons = tuple(
        r.strip() for r in _section(notes, "RAYYAN-EXCLUSION-REASONS").split(",") if r.strip()
    )
    user_notes = _hash(_section(notes, "USER-NOTES"))
    found = []
    for reviewer, (label, *_) in inclusion.items():
        decision = _DECISIONS.get(label.strip().lower())
        if decision is None:
            raise InputFileError(
                f"{path}:{row.line}: Rayyan decision {label!r} of {reviewer!r} is not "
                "Included, Excluded or Maybe"
            )
        note = "; ".join(user_notes.get(reviewer, [])) or None
        found.append(Vote(decision, reviewer, reasons if decision == "exclude" else (), note))
    return found

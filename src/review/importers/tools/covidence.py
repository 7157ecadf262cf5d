"""Covidence's per-list reference exports (CSV or RIS): the list is the team's decision.

Layout, from a real export (asreview/citation-file-formatting ``_baseline_covidence.csv`` and
``_baseline_covidence_*.ris``): CSV columns ``Title, Authors`` (``A; B``), ``Abstract,
Published Year, Published Month, Journal, Volume, Issue, Pages, Accession Number, DOI, Ref,
Covidence #`` (``#12``), ``Study, Notes, Tags``; RIS carries no Covidence number and an empty
``N1``. Covidence names the file after the list exported, ``review_<review>_<list>_<csv|ris>_
<timestamp>`` (seen in published analysis code): ``select`` passed title/abstract screening,
``irrelevant`` was excluded there, ``included`` and ``excluded`` are the full-text results,
``screen`` is still waiting (no decision). A renamed file needs ``--decision`` and ``--stage``.

Full-text exclusion reasons: read from an ``Exclusion reason`` column when there is one, else
from ``Exclusion reason: ...`` lines in ``Notes``. Neither layout is confirmed by a real
export at hand; without either, an exclusion is recorded with no reason text.
"""

from __future__ import annotations

import re
from pathlib import Path

from review.importers.tools.sheets import Row, Vote

_FILE_NAME = re.compile(
    r"(?:^|_)review_\d+_(screen|select|irrelevant|included|excluded)_(?:csv|ris)_"
)
LISTS = {"select": ("title_abstract", "include"), "irrelevant": ("title_abstract", "exclude"),
         "included": ("full_text", "include"), "excluded": ("full_text", "exclude"),
         "screen": (None, None)}  # fmt: skip
_REASON_COLUMNS = ("exclusion reason", "exclusion reasons", "reason for exclusion")
_REASON_NOTE = re.compile(r"^\s*exclusion reasons?\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def list_of(path: Path) -> str | None:
    """The Covidence list a file was exported from, by its name (None when renamed)."""
    match = _FILE_NAME.search(path.name.lower())
    return match.group(1) if match else None


def recognises(row: Row) -> bool:
    """Covidence's ``Covidence #`` column."""
    return "covidence #" in row.cells


def votes(row: Row, path: Path) -> list[Vote]:
    """The list's decision as one vote; decision '' when the name does not tell the list."""
    name = list_of(path)
    stage, decision = LISTS[name] if name else (None, "")
    if name == "screen":
        return []
    notes = row.text("notes", "note")
    reasons = [row.text(column) for column in _REASON_COLUMNS if row.text(column)]
    reasons += _REASON_NOTE.findall(notes)
    note = _REASON_NOTE.sub("", notes).strip() or None
    split = tuple(r.strip() for text in reasons for r in text.split(";") if r.strip())
    return [Vote(decision or "", None, split if decision != "include" else (), note, stage)]

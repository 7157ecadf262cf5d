"""Reviewers' decisions: read from CSV or given one at a time, validated, appended to history.

A human decision names a work (its work id, or the record id / source id of any of its
records), a protocol, include | uncertain | exclude, a reason code from the catalogue, the
reviewer and the stage (title_abstract or full_text). Nothing is overwritten: a reviewer who
changes their mind adds a newer row, and ``current_decisions`` shows the newest.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from review.errors import InputFileError, UsageError
from review.importers import table
from review.importers.base import decode, read_bytes
from review.importers.tools.sheets import is_ris
from review.reporting.csvsafe import unguard
from review.screening.codes import DECISIONS, is_known

if TYPE_CHECKING:
    import duckdb

STAGES = {"title_abstract": "title_abstract", "ta": "title_abstract", "title/abstract":
          "title_abstract", "full_text": "full_text", "ft": "full_text", "full text": "full_text",
          "fulltext": "full_text", "": "title_abstract"}  # fmt: skip
_FITS = {"include": ("I-", "FT-I-"), "uncertain": ("U-", "FT-U-"), "exclude": ("E-", "FT-E-")}
_WORK_COLUMNS = ("work_id", "work", "source_id", "record_id", "id")
_SEPARATORS = {",": "','", ";": "';'", "\t": "tabs", "|": "'|'"}
_LOOK_BYTES = 1 << 16  # enough for a header row


@dataclass(frozen=True)
class HumanDecision:
    """One reviewer's decision on one work under one protocol, at one stage."""

    work: str
    protocol: str
    decision: str
    reason: str
    reviewer: str
    stage: str = "title_abstract"
    note: str | None = None
    resolve: bool = False
    also: tuple[str, ...] = ()  # further reason codes (a tool's several exclusion reasons)

    def reasons(self) -> list[str]:
        """The reason codes stored: the code(s), plus RESOLVED for a resolution."""
        codes = [self.reason, *(code for code in self.also if code != self.reason)]
        return [*codes, "RESOLVED"] if self.resolve else codes


def check(item: HumanDecision, protocols: Sequence[str]) -> HumanDecision:
    """Validate and normalise a decision, or raise ValueError saying what is wrong."""
    decision = item.decision.strip().lower()
    if decision not in DECISIONS:
        raise ValueError(f"decision '{item.decision}' must be one of {list(DECISIONS)}")
    stage = STAGES.get(item.stage.strip().lower())
    if stage is None:
        raise ValueError(f"stage '{item.stage}' must be title_abstract or full_text")
    reason, *also = (_code(code, decision) for code in (item.reason, *item.also))
    reviewer = item.reviewer.strip()
    if not reviewer or reviewer.lower() == "rules":
        raise ValueError("reviewer must be a person's name (not empty, not 'rules')")
    if item.protocol not in protocols:
        raise ValueError(f"unknown protocol '{item.protocol}' (known: {', '.join(protocols)})")
    if not item.work.strip():
        raise ValueError("the work or source id is empty")
    return HumanDecision(item.work.strip(), item.protocol, decision, reason, reviewer, stage,
                         item.note or None, item.resolve, tuple(also))  # fmt: skip


def _code(text: str, decision: str) -> str:
    """A catalogue reason code that fits the decision, upper-cased, or ValueError."""
    reason = text.strip().upper()
    if not is_known(reason):
        raise ValueError(f"unknown reason code '{text}' (see review.screening.codes)")
    if not reason.startswith(_FITS[decision]):
        raise ValueError(f"reason '{reason}' does not fit '{decision}' (use {_FITS[decision]}…)")
    return reason


def _row(path: Path, line: int, row: dict[str, str], protocols: Sequence[str]) -> HumanDecision:
    work = next((row[c] for c in _WORK_COLUMNS if (row.get(c) or "").strip()), "")
    try:
        return check(HumanDecision(
            work=work, protocol=(row.get("protocol") or "").strip(),
            decision=row.get("decision") or "",
            reason=row.get("reason") or row.get("reason_code") or "",
            reviewer=row.get("reviewer") or "", stage=row.get("stage") or "",
            note=(row.get("note") or "").strip() or None,
            resolve=(row.get("resolve") or "").strip().lower() in {"1", "true", "yes"},
        ), protocols)  # fmt: skip
    except ValueError as exc:
        raise InputFileError(f"{path}:{line}: {exc}") from None


def read_csv(path: Path, protocols: Sequence[str]) -> list[HumanDecision]:
    """Every decision in a CSV/TSV file, or InputFileError naming file, line and problem.

    Read as ``review import`` reads a table (``base.decode``: BOM, UTF-8 or Windows-1252;
    ``table.open_reader``: the ``,`` ``;`` tab or ``|`` of the header, a ``sep=`` line), so
    the ``;``-separated file Danish Excel saves reads as it is.
    """
    text = decode(read_bytes(path), path, skip_bad=False).text
    reader, delimiter, first_line = table.open_reader(text, tab=_tabbed(path))
    try:
        header = _columns(next(reader, []))
        fields = set(header)
        needed = {"protocol", "decision", "reviewer"} - fields
        if needed or not fields & set(_WORK_COLUMNS) or not fields & {"reason", "reason_code"}:
            raise InputFileError(
                f"{path}:{first_line}: header needs work_id (or source_id), protocol, decision, "
                "reason, reviewer [, stage, note, resolve], or a title column for a screening "
                f"tool's export; found {sorted(fields - {''})} (columns separated by "
                f"{_SEPARATORS.get(delimiter, repr(delimiter))})"
            )
        rows = list(_cells(path, reader, header, first_line, delimiter))
    except csv.Error as exc:
        raise InputFileError(f"{path}:{reader.line_num + first_line - 1}: {exc}") from None
    return [_row(path, line, row, protocols) for line, row in rows]


def is_decisions_file(path: Path) -> bool:
    """Whether a CSV/TSV is ours to read: a protocol, decision and reviewer column, or no title.

    A file without a title column cannot be a screening tool's export, so ``read_csv`` says
    what our layout needs instead of the tool reader asking for a title.
    """
    if path.suffix.lower() not in (".csv", ".tsv", ".tab", ".txt"):
        return False
    try:
        with path.open("rb") as handle:
            text = decode(handle.read(_LOOK_BYTES), path, skip_bad=True).text
        if is_ris(path, text):
            return False
        header: list[str] = next(table.open_reader(text, tab=_tabbed(path))[0], [])
    except (OSError, csv.Error):
        return False
    titled = any(table.header_key(name) in table.COLUMNS["title"] for name in header)
    return {"protocol", "decision", "reviewer"} <= set(_columns(header)) or not titled


def _tabbed(path: Path) -> bool:
    return path.suffix.lower() in (".tsv", ".tab")


def _columns(header: list[str]) -> list[str]:
    return [name.replace("\ufeff", "").strip().lower() for name in header]


def _cells(
    path: Path, reader: Any, header: list[str], offset: int, delimiter: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, cells by column) per non-blank row; our export's ``'`` guard removed."""
    end = reader.line_num
    for row in reader:
        line, end = end + offset, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if any(cell.strip() for cell in row[len(header) :]):
            raise InputFileError(
                f"{path}:{line}: row has {len(row)} fields, the header has {len(header)} "
                f"(columns separated by {_SEPARATORS.get(delimiter, repr(delimiter))}; "
                "a stray separator or an unclosed quote?)"
            )
        yield line, {name: unguard(cell) for name, cell in zip(header, row, strict=False)}


def resolve_works(con: duckdb.DuckDBPyConnection, refs: Sequence[str]) -> dict[str, str]:
    """Map each reference (work id, record id or source id) to exactly one work id."""
    found: dict[str, set[str]] = {ref: set() for ref in refs}
    query = """
        SELECT ref, work_id FROM (SELECT unnest(?::VARCHAR[]) AS ref) r
        JOIN (SELECT work_id, work_id AS key FROM works
              UNION SELECT work_id, record_id FROM records WHERE work_id IS NOT NULL
              UNION SELECT work_id, source_id FROM records WHERE work_id IS NOT NULL) k
        ON k.key = r.ref
    """
    for ref, work_id in con.execute(query, [list(set(refs))]).fetchall():
        found[ref].add(work_id)
    missing = sorted(ref for ref, works in found.items() if not works)
    if missing:
        raise UsageError(
            f"no work found for id(s) {missing[:5]} (use work_id, record_id or source_id)"
        )
    ambiguous = sorted(ref for ref, works in found.items() if len(works) > 1)
    if ambiguous:
        raise UsageError(f"id(s) {ambiguous[:5]} match several works; give the work_id")
    return {ref: next(iter(works)) for ref, works in found.items()}


def _unchanged(con: duckdb.DuckDBPyConnection) -> set[tuple[object, ...]]:
    """Each reviewer's latest decision per work, protocol and stage, as comparable tuples."""
    rows = con.execute(
        "SELECT work_id, protocol, stage, decided_by, decision, reasons, note FROM human_latest"
    ).fetchall()
    return {(*row[:5], tuple(row[5]), row[6]) for row in rows}


def _fresh(
    con: duckdb.DuckDBPyConnection, items: Sequence[HumanDecision], work_ids: dict[str, str]
) -> list[HumanDecision]:
    """The items that differ from their reviewer's latest decision (and from each other)."""
    seen = _unchanged(con)
    fresh = []
    for item in items:
        key = (work_ids[item.work], item.protocol, item.stage, item.reviewer, item.decision,
               tuple(item.reasons()), item.note)  # fmt: skip
        if key not in seen:
            seen.add(key)
            fresh.append(item)
    return fresh


def record(con: duckdb.DuckDBPyConnection, items: Sequence[HumanDecision]) -> int:
    """Append the decisions to ``decisions`` (one transaction); returns how many were new.

    A decision equal to the reviewer's latest one on that work, protocol and stage (same
    decision, reasons and note) is not appended again, so re-reading an export changes nothing.
    """
    if not items:
        return 0
    work_ids = resolve_works(con, [item.work for item in items])
    items = _fresh(con, items, work_ids)
    if not items:
        return 0
    now = datetime.now(UTC)
    _human_batch = pa.table({
        "decision_id": [uuid.uuid4().hex for _ in items],
        "work_id": [work_ids[item.work] for item in items],
        "protocol": [item.protocol for item in items],
        "decision": [item.decision for item in items],
        "reasons": pa.array([item.reasons() for item in items], pa.list_(pa.string())),
        "decided_by": [item.reviewer for item in items],
        "stage": [item.stage for item in items],
        "note": pa.array([item.note for item in items], pa.string()),
    })  # fmt: skip
    con.execute(
        "INSERT INTO decisions (decision_id, work_id, protocol, decision, reasons, matches, "
        "rule_version, decided_by, stage, note, decided_at) SELECT decision_id, work_id, protocol, "
        "decision, reasons, NULL, NULL, decided_by, stage, note, ? FROM _human_batch",
        [now],
    )
    return len(items)


def conflicts(con: duckdb.DuckDBPyConnection, protocol: str | None = None) -> list[tuple]:
    """Open conflicts: (work_id, protocol, stage, reviewers, their decisions)."""
    return con.execute(
        "SELECT work_id, protocol, stage, reviewers, reviewer_decisions FROM screening_conflicts "
        "WHERE ? IS NULL OR protocol = ? ORDER BY protocol, work_id, stage",
        [protocol, protocol],
    ).fetchall()

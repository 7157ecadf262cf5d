"""Reviewers' decisions: read from CSV or given one at a time, validated, appended to history.

A human decision names a work (its work id, or the record id / source id of any of its
records), a protocol, include | uncertain | exclude, a reason code from the catalogue, the
reviewer and the stage (title_abstract or full_text). Nothing is overwritten: a reviewer who
changes their mind adds a newer row, and ``current_decisions`` shows the newest.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from review.errors import InputFileError, UsageError
from review.screening.codes import DECISIONS, is_known

if TYPE_CHECKING:
    import duckdb

STAGES = {"title_abstract": "title_abstract", "ta": "title_abstract", "title/abstract":
          "title_abstract", "full_text": "full_text", "ft": "full_text", "full text": "full_text",
          "fulltext": "full_text", "": "title_abstract"}  # fmt: skip
_FITS = {"include": ("I-", "FT-I-"), "uncertain": ("U-", "FT-U-"), "exclude": ("E-", "FT-E-")}
_WORK_COLUMNS = ("work_id", "work", "source_id", "record_id", "id")


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
    """Every decision in a CSV file, or InputFileError naming file, line and problem."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = {name.strip().lower() for name in reader.fieldnames or ()}
            needed = {"protocol", "decision", "reviewer"} - fields
            if needed or not fields & set(_WORK_COLUMNS) or not fields & {"reason", "reason_code"}:
                raise InputFileError(
                    f"{path}:1: header needs work_id (or source_id), protocol, decision, reason, "
                    f"reviewer [, stage, note, resolve]; found {sorted(fields)}"
                )
            rows = [{(k or "").strip().lower(): v for k, v in row.items()} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputFileError(f"{path}: cannot read: {exc}") from None
    return [_row(path, number, row, protocols) for number, row in enumerate(rows, start=2)]


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

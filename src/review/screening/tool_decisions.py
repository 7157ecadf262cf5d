"""Screening tools' votes as human decisions: matched to works, reasons mapped to codes.

A vote becomes a ``HumanDecision`` on the work its row matches (``review.screening.matching``):
include -> ``I-HUMAN`` (``FT-I-ELIGIBLE`` at full text), Maybe -> ``U-HUMAN``, exclude -> the
codes its free-text reasons map to (``review.screening.reason_map``), else ``E-HUMAN``. Reasons
the map lacks are kept in the note and counted. Rows that match no work, or several, are kept
aside with their line, never recorded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from review.errors import InputFileError
from review.importers.tools import ToolFile, ToolRow, Vote
from review.screening.human import HumanDecision, check
from review.screening.matching import Match, WorkIndex, match
from review.screening.reason_map import ReasonMap

_DEFAULT_CODES = {("include", "title_abstract"): "I-HUMAN", ("include", "full_text"):
                  "FT-I-ELIGIBLE", ("uncertain", "title_abstract"): "U-HUMAN",
                  ("uncertain", "full_text"): "U-HUMAN"}  # fmt: skip


@dataclass(frozen=True)
class Options:
    """What the file may not say: protocol, and default reviewer, stage and decision."""

    protocol: str
    reviewer: str | None = None
    stage: str | None = None
    decision: str | None = None


@dataclass
class Outcome:
    """Decisions ready to record, and every row that was not turned into one."""

    decisions: list[HumanDecision] = field(default_factory=list)
    matched_by: Counter[str] = field(default_factory=Counter)
    unmatched: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    ambiguous: list[tuple[str, int, dict[str, Any], tuple[str, ...]]] = field(default_factory=list)
    without_vote: int = 0
    unmapped: Counter[str] = field(default_factory=Counter)
    rows: int = 0


def decisions(
    file: ToolFile, index: WorkIndex, options: Options, reasons: ReasonMap, protocols: list[str]
) -> Outcome:
    """Every vote of a tool file as a checked decision, plus the rows that could not be."""
    outcome = Outcome()
    for row in file.rows:
        outcome.rows += 1
        if not row.votes:
            outcome.without_vote += 1
            continue
        found = match(index, row.own_ids, row.fields)
        if _set_aside(outcome, file, row, found):
            continue
        outcome.matched_by[found.via or "?"] += 1
        for vote in row.votes:
            item = _decision(file, row, vote, found.work_id or "", options, reasons, outcome)
            outcome.decisions.append(item)
    outcome.decisions = [_checked(file, item, protocols) for item in outcome.decisions]
    return outcome


def _set_aside(outcome: Outcome, file: ToolFile, row: ToolRow, found: Match) -> bool:
    if found.problem == "unmatched":
        outcome.unmatched.append((str(file.path), row.line, row.fields))
    elif found.problem == "ambiguous":
        outcome.ambiguous.append((str(file.path), row.line, row.fields, found.candidates))
    return found.problem is not None


def _decision(
    file: ToolFile, row: ToolRow, vote: Vote, work: str, options: Options, reasons: ReasonMap,
    outcome: Outcome,
) -> HumanDecision:  # fmt: skip
    where = f"{file.path}:{row.line}"
    decision = vote.decision or options.decision
    if not decision:
        raise InputFileError(f"{where}: the file does not say the decision; pass --decision")
    reviewer = vote.reviewer or options.reviewer
    if not reviewer:
        raise InputFileError(f"{where}: {file.tool} does not name the reviewer; pass --reviewer")
    stage = vote.stage or options.stage or "title_abstract"
    codes, unmapped = _codes(decision, stage, vote.reasons, reasons)
    outcome.unmapped.update(unmapped)
    note = "; ".join(part for part in (vote.note, _reason_note(unmapped)) if part) or None
    return HumanDecision(work, options.protocol, decision, codes[0], reviewer, stage, note,
                         also=tuple(codes[1:]))  # fmt: skip


def _codes(
    decision: str, stage: str, texts: tuple[str, ...], reasons: ReasonMap
) -> tuple[list[str], list[str]]:
    """The reason codes of a vote, and the free-text reasons the map does not know."""
    if decision != "exclude":
        return [_DEFAULT_CODES.get((decision, stage), "U-HUMAN")], []
    mapped = [(text, reasons.code(stage, text)) for text in texts]
    codes = list(dict.fromkeys(code for _, code in mapped if code))
    return codes or ["E-HUMAN"], [text for text, code in mapped if not code]


def _reason_note(unmapped: list[str]) -> str | None:
    return f"reasons: {', '.join(unmapped)}" if unmapped else None


def _checked(file: ToolFile, item: HumanDecision, protocols: list[str]) -> HumanDecision:
    try:
        return check(item, protocols)
    except ValueError as exc:
        raise InputFileError(f"{file.path}: {exc}") from None

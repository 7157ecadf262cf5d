"""What the PRISMA 2020 flow diagram says: its boxes, their lines, the footnotes.

``boxes`` lays the counts of ``queries/prisma.sql`` out as the template's boxes (new reviews;
databases, registers and other sources): one column pair (main flow, what leaves it) for
databases and registers, a second pair for other methods when they identified records, and
one "Studies included in review" box both feed. Every number drawn is one row of the query
(``Line.row``); ``review.reporting.prisma`` draws the boxes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from review.reporting.data import DATABASES, METHODS, OTHER, Prisma
from review.screening.codes import describe

WRAP = 34  # characters per line in a box (12 px text, 280 px boxes)
# The template's words for the query's measures: the diagram's and the report's one vocabulary.
LABELS = {
    "records identified": "Records identified",
    "duplicates removed": "Duplicate records removed",
    "marked ineligible by automation tools": "Records marked as ineligible by automation tools",
    "removed for other reasons": "Records removed for other reasons",
    "records screened": "Records screened",
    "awaiting screening": "awaiting screening",
    "records excluded": "Records excluded",
    "awaiting a reviewer": "awaiting a reviewer",
    "reports sought for retrieval": "Reports sought for retrieval",
    "awaiting retrieval": "awaiting retrieval",
    "reports not retrieved": "Reports not retrieved",
    "reports assessed for eligibility": "Reports assessed for eligibility",
    "awaiting a decision": "awaiting a decision",
    "reports excluded": "Reports excluded",
    "studies included in review": "Studies included in review",
    "reports of included studies": "Reports of included studies",
}


@dataclass(frozen=True)
class Line:
    """One line of a box: its text, style (h heading, n count, d detail, w waiting) and row."""

    text: str
    style: str
    row: tuple[str | None, str, str | None, int] | None = None  # (via, measure, detail, n)


@dataclass(frozen=True)
class Box:
    """A box at one row and column of the grid (column 0/1: databases, 2/3: other methods)."""

    row: int
    column: int
    lines: tuple[Line, ...]

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def _count(label: str, c: Prisma, via: str | None, measure: str, detail: str | None = None,
           style: str = "d") -> Line:  # fmt: skip
    n = c.n(measure, via, detail)
    count = f"(n\u00a0=\u00a0{n})"  # no-break spaces: never wrapped apart
    text = f"{label} {count}" if label else count
    return Line(text, style, (via, measure, detail, n))


def _heading(text: str) -> Line:
    return Line(text, "h")


def _box(c: Prisma, via: str | None, measure: str) -> list[Line]:
    """A template box's heading and ``(n = ...)``."""
    return [_heading(LABELS[measure]), _count("", c, via, measure, style="n")]


def _identified(c: Prisma, via: str) -> list[Line]:
    found = c.lines("records identified from", via)
    methods = ["database", "register"] if via == DATABASES else []
    methods += [m for m in found if m not in methods]
    sources = [_count(f"– {source}", c, via, "records identified", source, "w2")
               for source in c.lines("records identified", via)]  # fmt: skip
    lines = [_count(METHODS.get(m, m), c, via, "records identified from", m) for m in methods]
    # Sources go under their method when there is only one, else after all methods.
    used = [i for i, m in enumerate(methods) if found.get(m)]
    at = used[0] + 1 if len(used) == 1 else len(lines)
    heading = "Records identified from*:" if via == DATABASES else "Records identified from:"
    total = _count("", c, via, "records identified", style="n")
    waiting = _waiting(c, via, "awaiting screening")
    return [_heading(heading), total, *lines[:at], *sources, *lines[at:], *waiting]


def _removed(c: Prisma, via: str) -> list[Line]:
    return [
        _heading("Records removed before screening:"),
        *(_count(LABELS[m], c, via, m) for m in
          ("duplicates removed", "marked ineligible by automation tools",
           "removed for other reasons")),
    ]  # fmt: skip


def _waiting(c: Prisma, via: str, measure: str) -> list[Line]:
    """The "awaiting ..." line of a box and its conflicts, when anyone waits (query rows)."""
    if not c.n(measure, via):
        return []
    lines = [_count(LABELS[measure], c, via, measure, style="w")]
    if c.n(measure, via, "reviewers disagree"):
        lines.append(_count("– reviewers disagree", c, via, measure, "reviewers disagree", "w2"))
    return lines


def _screened(c: Prisma, via: str) -> list[Line]:
    return [
        *_box(c, via, "records screened"), *_waiting(c, via, "awaiting a reviewer"),
    ]  # fmt: skip


def _excluded(c: Prisma, via: str) -> list[Line]:
    reasons = c.lines("records excluded by reason", via)
    return [
        _heading(f"{LABELS['records excluded']}**"),
        _count("", c, via, "records excluded", style="n"),
        _count("by automation tools", c, via, "records excluded", "by automation tools"),
        _count("by humans", c, via, "records excluded", "by humans"),
        *(_count(f"– {code}", c, via, "records excluded by reason", code, "w2")
          for code in sorted(reasons, key=lambda code: (-reasons[code], code))),
    ]  # fmt: skip


def _reason(code: str) -> str:
    text = describe(code).removeprefix("full text: ")
    return f"{text[:1].upper()}{text[1:]}" if text else code


def _reports_excluded(c: Prisma, via: str) -> list[Line]:
    reasons = c.lines("reports excluded", via)
    return [
        _heading(f"{LABELS['reports excluded']}:"),
        _count("", c, via, "reports excluded", style="n"),
        *(_count(_reason(code), c, via, "reports excluded", code)
          for code in sorted(reasons, key=lambda code: (-reasons[code], code))),
    ]  # fmt: skip


def _column(c: Prisma, via: str, column: int) -> list[Box]:
    def box(row: int, side: int, *lines: Line) -> Box:
        return Box(row, column + side, lines)

    return [
        box(0, 0, *_identified(c, via)), box(0, 1, *_removed(c, via)),
        box(1, 0, *_screened(c, via)), box(1, 1, *_excluded(c, via)),
        box(2, 0, *_box(c, via, "reports sought for retrieval"),
            *_waiting(c, via, "awaiting retrieval")),
        box(2, 1, *_box(c, via, "reports not retrieved")),
        box(3, 0, *_box(c, via, "reports assessed for eligibility"),
            *_waiting(c, via, "awaiting a decision")),
        box(3, 1, *_reports_excluded(c, via)),
    ]  # fmt: skip


def boxes(c: Prisma) -> list[Box]:
    """The diagram's boxes for one protocol's counts (other methods only when they found any)."""
    items = _column(c, DATABASES, 0)
    if OTHER in c.vias:
        items += _column(c, OTHER, 2)
    items.append(Box(4, 0, (*_box(c, None, "studies included in review"),
                            *_box(c, None, "reports of included studies"))))  # fmt: skip
    return items


def wrapped(box: Box) -> list[tuple[str, str]]:
    """The box's lines wrapped to its width, as (text, style)."""
    out = []
    for line in box.lines:
        indent = "   " if line.style == "w2" else ""
        for part in textwrap.wrap(line.text, WRAP, subsequent_indent=indent + "  ") or [""]:
            out.append((part, line.style))
    return out


def footnotes(c: Prisma) -> list[str]:
    """What the template's asterisks and our additions mean for this review."""
    notes = [
        "* Per database or register, and per imported file (the source label).",
        "** Automation tools: the protocol's screening rules (review screen); humans: "
        "reviewers' decisions (review decide).",
        "Marked as ineligible by automation tools: the rules' metadata prescreen (language, "
        "publication type); other reasons: retracted or withdrawn.",
        "Italic lines: works still waiting (for screening, a reviewer, the full text or a "
        "decision); they are part of the box's n.",
    ]
    if OTHER in c.vias:
        notes.append(
            "Other methods: records are deduplicated against all others and screened by the "
            "same rules, so this column has the same screening boxes; a work found both ways "
            "counts under databases and registers."
        )
    return notes

"""The one-page offline HTML report of a protocol: counts, flow diagram, studies, searches.

Counts and words are the diagram's (``queries/prisma.sql``, ``prisma_boxes.LABELS``): an
include on title and abstract is a report sought for retrieval, not an included study.

Everything is inline (CSS and the SVG diagram), so the file opens anywhere without a network;
the only URLs are DOI links the reader may follow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from review.normalize import doi_url
from review.reporting import prisma
from review.reporting.data import COMPANION, INCLUDED, Prisma
from review.reporting.prisma_boxes import LABELS
from review.screening.codes import describe

MAX_UNCERTAIN = 50
FULL = "full_text"
CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#111;
line-height:1.4;padding:0 1em}h1{font-size:1.6em}h2{border-bottom:2px solid #1a4f8b;
padding-bottom:.2em;margin-top:2em}table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eef3f9}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}.codes{font-family:monospace;font-size:.9em}.terms{color:#555;font-size:.85em}
.figure{overflow-x:auto}code{white-space:pre-wrap;word-break:break-word}
""".strip()


def _cell(value: Any, cls: str = "") -> str:
    text = "" if value is None else escape(str(value))
    return f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; cells are already-rendered ``<td>`` strings."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _authors(names: Sequence[str] | None) -> str:
    names = list(names or [])
    return "; ".join(names[:3]) + (" et al." if len(names) > 3 else "")


def _doi(doi: str | None) -> str:
    if not doi:
        return "<td></td>"
    return f'<td><a href="{escape(doi_url(doi), quote=True)}">{escape(doi)}</a></td>'


def _flow_rows(c: Prisma) -> list[tuple[str, str, str | None]]:
    """(label, measure, detail) of the counts table, in the diagram's order and words."""
    rows: list[tuple[str, str, str | None]] = []
    for measure, label in LABELS.items():
        if measure in INCLUDED:
            continue
        rows.append((label[:1].upper() + label[1:], measure, None))
        if measure == "records excluded":
            rows += [("  by automation tools", measure, "by automation tools"),
                     ("  by humans", measure, "by humans")]  # fmt: skip
        if measure in ("awaiting a reviewer", "awaiting a decision"):
            rows.append(("  reviewers disagree", measure, "reviewers disagree"))
    return rows


def counts_section(c: Prisma) -> str:
    """The diagram's numbers as a table: one column per column of the diagram."""
    vias = c.vias
    body = [
        [_cell(label), *(_cell(c.n(measure, via, detail), "n") for via in vias)]
        + ([_cell(sum(c.n(measure, via, detail) for via in vias), "n")] if len(vias) > 1 else [])
        for label, measure, detail in _flow_rows(c)
    ]
    blank = [_cell("")] * (len(vias) - 1 + (len(vias) > 1))
    body += [[_cell(LABELS[m]), *blank, _cell(c.n(m, None), "n")] for m in INCLUDED]
    headers = ["", *(via.capitalize() for via in vias)] + (["Total"] if len(vias) > 1 else [])
    return "<h2>Counts (PRISMA 2020)</h2>" + table(headers, body)


def included_section(works: Sequence[dict[str, Any]], c: Prisma) -> str:
    """Studies included in review: their reports, with reasons and matched terms."""
    rows = [
        [
            _cell(w.get("title")), _cell(_authors(w.get("authors"))), _cell(w.get("year")),
            _cell(w.get("venue")), _doi(w.get("doi")),
            _cell("companion" if (w.get("reasons") or [""])[0] == COMPANION else "study"),
            _cell(", ".join(w.get("reasons") or []), "codes"),
            _cell("; ".join(w.get("matched_terms") or []), "terms"),
        ]
        for w in works
    ]  # fmt: skip
    headers = ["Title", "Authors", "Year", "Venue", "DOI", "Report", "Reasons", "Matched terms"]
    studies, reports = (c.n(m, None) for m in INCLUDED)
    heading = f"<h2>{LABELS[INCLUDED[0]]} ({studies})</h2>"
    meta = f"<p class='meta'>{LABELS[INCLUDED[1]]}: {reports}.</p>"
    return heading + meta + (table(headers, rows) if rows else "<p>None yet.</p>")


def queue_section(heading: str, works: Sequence[dict[str, Any]]) -> str:
    """Works waiting for someone: counts per reason, then the first works waiting."""
    by_reason = Counter((w.get("reasons") or ["?"])[0] for w in works)
    summary = table(
        ["Reason", "Meaning", "Works"],
        ([_cell(code, "codes"), _cell(describe(code)), _cell(n, "n")]
         for code, n in by_reason.most_common()),
    )  # fmt: skip
    rows = [
        [_cell(w.get("title")), _cell(w.get("year")), _cell(w.get("stage")),
         _cell(", ".join(w.get("reasons") or []), "codes"), _cell(w.get("work_id"), "codes")]
        for w in works[:MAX_UNCERTAIN]
    ]  # fmt: skip
    more = len(works) - MAX_UNCERTAIN
    listing = table(["Title", "Year", "Stage", "Reasons", "Work"], rows)
    tail = f"<p class='meta'>… and {more} more (review query decisions).</p>" if more > 0 else ""
    return f"<h2>{heading} ({len(works)})</h2>" + (
        summary + listing + tail if works else "<p>Nobody waiting.</p>"
    )


def reasons_section(c: Prisma) -> str:
    """Exclusions per stage and first reason code, as in the diagram (sum to its boxes)."""
    stages = (("title/abstract", "records excluded by reason"), ("full text", "reports excluded"))
    rows = [
        [_cell(stage), *([_cell(via)] if len(c.vias) > 1 else []), _cell(code, "codes"),
         _cell(describe(code)), _cell(n, "n")]
        for stage, measure in stages
        for via in c.vias
        for code, n in sorted(c.lines(measure, via).items(), key=lambda i: (-i[1], i[0]))
    ]  # fmt: skip
    headers = ["Stage", *(["Column"] if len(c.vias) > 1 else []), "Reason", "Meaning", "Works"]
    body = table(headers, rows) if rows else "<p>None.</p>"
    return "<h2>Exclusion reasons</h2>" + body


def searches_section(searches: Sequence[dict[str, Any]]) -> str:
    """Every search and import behind the records (PRISMA-S): exact query, date, counts."""
    rows = [
        [
            _cell(s.get("source")), _cell(s.get("method")),
            _cell("every protocol" if s.get("unscoped") else "this protocol"),
            _cell(s.get("query_label")),
            f"<td><code>{escape(s.get('query_text') or '')}</code></td>",
            _cell(f"{s['started_at']:%Y-%m-%d %H:%M}" if s.get("started_at") else ""),
            _cell(s.get("since")), _cell(s.get("status")), _cell(s.get("reported_total"), "n"),
            _cell(s.get("fetched"), "n"), _cell(s.get("error")),
        ]
        for s in searches
    ]  # fmt: skip
    headers = ["Source", "Method", "Counts for", "Label", "Exact query", "Run (UTC)", "Since",
               "Status", "Reported", "Fetched", "Error"]  # fmt: skip
    return f"<h2>Searches ({len(searches)})</h2>" + table(headers, rows)


def render(
    counts: Prisma,
    works: Sequence[dict[str, Any]],
    searches: Sequence[dict[str, Any]],
    title: str | None = None,
) -> str:
    """The whole report as one HTML document."""
    heading = escape(title or f"Evidence review: {counts.protocol}")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    # The same split as queries/prisma.sql: an include counts once it is made at full text.
    included = [w for w in works if w.get("decision") == "include" and w.get("stage") == FULL]
    retrieval = [w for w in works if w.get("decision") == "include" and w.get("stage") != FULL]
    uncertain = [w for w in works if w.get("decision") == "uncertain"]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{heading}</title><style>{CSS}</style></head><body>",
        f"<h1>{heading}</h1>",
        f"<p class='meta'>Protocol <b>{escape(counts.protocol)}</b> · generated {stamp} "
        "by review</p>",
        counts_section(counts),
        "<h2>PRISMA 2020 flow</h2><div class='figure'>", prisma.to_svg(counts), "</div>",
        included_section(included, counts),
        queue_section("Awaiting a reviewer (title/abstract or full text)", uncertain),
        queue_section("Awaiting retrieval: included on title/abstract, no full-text decision",
                      retrieval),
        reasons_section(counts),
        searches_section(searches), "</body></html>",
    ]  # fmt: skip
    return "\n".join(parts) + "\n"

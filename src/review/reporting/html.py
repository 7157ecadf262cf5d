"""The one-page offline HTML report of a protocol: counts, flow diagram, studies, searches.

Everything is inline (CSS and the SVG diagram), so the file opens anywhere without a network;
the only URLs are DOI links the reader may follow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from review.reporting import prisma
from review.reporting.data import Prisma
from review.screening.codes import describe

MAX_UNCERTAIN = 50
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
    return f'<td><a href="https://doi.org/{escape(doi, quote=True)}">{escape(doi)}</a></td>'


def counts_section(c: Prisma) -> str:
    """The headline numbers."""
    rows = [
        ("Records identified", c.identified), ("Duplicates removed", c.duplicates),
        ("Works to screen", c.to_screen), ("Not screened yet", c.not_screened),
        ("Included (current decision)", c.count("overall", "include")),
        ("Included at full text", c.count("full_text", "include")),
        ("Uncertain (a reviewer decides)", c.count("overall", "uncertain")),
        ("Reviewers disagree", c.count("title_abstract", "conflicts")
            + c.count("full_text", "conflicts")),
        ("Excluded", c.count("overall", "exclude")),
    ]  # fmt: skip
    return "<h2>Counts</h2>" + table(["", "n"], ([_cell(k), _cell(n, "n")] for k, n in rows))


def included_section(works: Sequence[dict[str, Any]]) -> str:
    """Included studies: bibliographic data, decision reasons and matched terms."""
    rows = [
        [
            _cell(w.get("title")), _cell(_authors(w.get("authors"))), _cell(w.get("year")),
            _cell(w.get("venue")), _doi(w.get("doi")), _cell(w.get("stage")),
            _cell(", ".join(w.get("reasons") or []), "codes"),
            _cell("; ".join(w.get("matched_terms") or []), "terms"),
        ]
        for w in works
    ]  # fmt: skip
    headers = ["Title", "Authors", "Year", "Venue", "DOI", "Stage", "Reasons", "Matched terms"]
    return f"<h2>Included studies ({len(works)})</h2>" + (
        table(headers, rows) if rows else "<p>None yet.</p>"
    )


def uncertain_section(works: Sequence[dict[str, Any]]) -> str:
    """The reviewers' queue: counts per reason, then the first works waiting."""
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
    heading = f"<h2>Uncertain: waiting for a reviewer ({len(works)})</h2>"
    return heading + (summary + listing + tail if works else "<p>Queue empty.</p>")


def reasons_section(c: Prisma) -> str:
    """Exclusions per stage and first reason code (sums to the excluded counts)."""
    rows = [
        [_cell(stage), _cell(code, "codes"), _cell(describe(code)), _cell(n, "n")]
        for stage in ("title_abstract", "full_text")
        for code, n in sorted(c.reasons.get(stage, {}).items(), key=lambda i: (-i[1], i[0]))
    ]
    body = table(["Stage", "Reason", "Meaning", "Works"], rows) if rows else "<p>None.</p>"
    return "<h2>Exclusion reasons</h2>" + body


def searches_section(searches: Sequence[dict[str, Any]]) -> str:
    """Every search and import behind the records (PRISMA-S): exact query, date, counts."""
    rows = [
        [
            _cell(s.get("source")), _cell(s.get("query_label")),
            f"<td><code>{escape(s.get('query_text') or '')}</code></td>",
            _cell(f"{s['started_at']:%Y-%m-%d %H:%M}" if s.get("started_at") else ""),
            _cell(s.get("since")), _cell(s.get("status")), _cell(s.get("reported_total"), "n"),
            _cell(s.get("fetched"), "n"), _cell(s.get("error")),
        ]
        for s in searches
    ]  # fmt: skip
    headers = ["Source", "Label", "Exact query", "Run (UTC)", "Since", "Status", "Reported",
               "Fetched", "Error"]  # fmt: skip
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
    included = [w for w in works if w.get("decision") == "include"]
    uncertain = [w for w in works if w.get("decision") == "uncertain"]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{heading}</title><style>{CSS}</style></head><body>",
        f"<h1>{heading}</h1>",
        f"<p class='meta'>Protocol <b>{escape(counts.protocol)}</b> · generated {stamp} "
        "by review</p>",
        counts_section(counts),
        "<h2>PRISMA 2020 flow</h2><div class='figure'>", prisma.to_svg(counts), "</div>",
        included_section(included), uncertain_section(uncertain), reasons_section(counts),
        searches_section(searches), "</body></html>",
    ]  # fmt: skip
    return "\n".join(parts) + "\n"

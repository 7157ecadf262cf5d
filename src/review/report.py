"""Human-readable summaries of runs and PRISMA counts (markdown for Prefect artifacts, CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A GitHub-flavoured markdown table of the given columns."""
    if not rows:
        return "_none_"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [str(row.get(c, "") if row.get(c) is not None else "") for c in columns]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def run_markdown(summary: dict[str, Any]) -> str:
    """The run summary: status, failures with what to check, skipped stages, counts."""
    searches = summary.get("searches", [])
    failed = [s for s in searches if s.get("error")]
    short = [
        s for s in searches
        if s.get("reported") is not None and s["status"] == "completed"
        and s["fetched"] < s["reported"]
    ]  # fmt: skip
    parts = [
        f"# Evidence update: {summary.get('status', '?')}",
        f"Database: `{summary.get('db')}` · researchers' snapshot: `{summary.get('snapshot')}`",
        f"New records: **{sum(s.get('new', 0) for s in searches)}**, updated: "
        f"{sum(s.get('updated', 0) for s in searches)}, across {len(searches)} queries.",
    ]
    if failed:
        parts += ["## Sources that failed", markdown_table(failed, ["protocol", "source", "error"])]
    if short:
        parts += [
            "## Shortfalls",
            markdown_table(short, ["protocol", "source", "reported", "fetched"]),
        ]
    if summary.get("skipped_stages"):
        parts.append("**Stages not built yet, skipped:** " + ", ".join(summary["skipped_stages"]))
    parts += [
        "## Searches",
        markdown_table(
            searches, ["protocol", "source", "query", "status", "reported", "fetched", "new"]
        ),
        "## PRISMA counts",
        markdown_table(summary.get("prisma", []), ["protocol", "stage", "measure", "detail", "n"]),
    ]
    return "\n\n".join(parts)

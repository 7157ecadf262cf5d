"""What a run reports to people: its summary (markdown for Prefect artifacts), what is new since
the previous run, the PRISMA counts of its protocols, and its decision exports.

Plain functions over the store (no Prefect); the flows turn their results into artifacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review import store
from review.queries import run_query
from review.reporting import data, export
from review.reporting.files import write_text


def whats_new(db: Path, run_id: str, examples: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Decisions made in this run per protocol × decision, and a few newly included works."""
    with store.writing(db) as con:
        return {
            "decisions": store.dict_rows(
                con.execute(store.sql_text("run_new_decisions"), [run_id])
            ),
            "included": store.dict_rows(
                con.execute(store.sql_text("run_new_included"), [run_id, examples])
            ),
        }


def prisma_rows(db: Path, protocols: Sequence[str]) -> list[dict[str, Any]]:
    """PRISMA counts of these protocols, from ``queries/prisma.sql``."""
    rows: list[dict[str, Any]] = []
    with store.writing(db) as con:
        for protocol in protocols:
            columns, found = run_query(con, "prisma", {"protocol": protocol})
            rows += [dict(zip(columns, row, strict=True)) for row in found]
    return rows


SKIPPED_NOTE = "skipped, unreachable earlier in this run"


def totals(db: Path) -> dict[str, Any]:
    """What the database holds now: records, works, and current decisions per protocol."""
    with store.writing(db) as con:
        rows = con.execute(store.sql_text("run_totals")).fetchall()
    decisions: dict[str, dict[str, int]] = {}
    for _, _, protocol, decision, n in rows:
        if protocol is not None:
            decisions.setdefault(protocol, {})[decision] = n
    return {"records": rows[0][0], "works": rows[0][1], "decisions": decisions}


def failures(searches: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The failed searches, one row per source: its first error (not the "skipped" notes of
    the searches that followed it) and every protocol whose search of it failed."""
    errors: dict[str, list[str]] = {}
    protocols: dict[str, list[str]] = {}
    for row in searches:
        if row.get("error") and row.get("status") != "interrupted":
            errors.setdefault(row["source"], []).append(row["error"])
            named = protocols.setdefault(row["source"], [])
            if row["protocol"] not in named:
                named.append(row["protocol"])
    return [
        {"source": source, "error": _first_cause(found), "protocols": ", ".join(protocols[source])}
        for source, found in errors.items()
    ]


def _first_cause(errors: list[str]) -> str:
    causes = [e for e in errors if SKIPPED_NOTE not in e]
    return (causes or errors)[0]


def exports_dir(db: Path | str) -> Path:
    """Where a run writes its exports: ``<db stem>-exports/`` beside the database."""
    path = Path(db)
    return path.with_name(f"{path.stem}-exports")


def export_decisions(db: Path, protocols: Sequence[str]) -> list[Path]:
    """Write ``<protocol>-decisions.csv`` per protocol, the layout of ``review export --format
    csv``; return the paths."""
    folder = exports_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with store.writing(db) as con:
        for protocol in protocols:
            target = folder / f"{protocol}-decisions.csv"
            write_text(target, export.render(data.works(con, protocol), "csv"))
            written.append(target)
    return written


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A GitHub-flavoured markdown table of the given columns."""
    if not rows:
        return "_none_"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [str(row.get(c, "") if row.get(c) is not None else "") for c in columns]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def _problems(searches: Sequence[dict[str, Any]]) -> list[str]:
    failed = failures(searches)
    short = [
        s for s in searches
        if s.get("reported") is not None and s["status"] == "completed"
        and s["fetched"] < s["reported"]
    ]  # fmt: skip
    parts = []
    if failed:
        table = markdown_table(failed, ["source", "protocols", "error"])
        parts += ["## Sources that failed", table]
    if short:
        parts += [
            "## Shortfalls",
            markdown_table(short, ["protocol", "source", "reported", "fetched"]),
        ]
    return parts


def _new_and_exports(summary: dict[str, Any]) -> list[str]:
    new, parts = summary.get("new"), []
    if new is not None:
        parts += [
            "## New since the last run",
            "Works screened in this run, by decision:",
            markdown_table(new.get("decisions", []), ["protocol", "decision", "n"]),
        ]
    if new and new.get("included"):
        table = markdown_table(new["included"], ["protocol", "title", "year", "doi"])
        parts += ["Newly included (first 10):", table]
    exports = [f"- `{path}`" for path in summary.get("exports", [])]
    parts += ["## Exports", "\n".join(exports) or "_none_"]
    if summary.get("snapshot"):
        parts.append(f"Researchers: open `{summary['snapshot']}` read-only (not the live file).")
    return parts


def markdown(summary: dict[str, Any]) -> str:
    """The run summary: status, failures with what to check, counts, searches, PRISMA, what is
    new since the last run and where the exports are. Sections without data are left out."""
    searches = summary.get("searches")
    parts = []
    if searches is not None:
        parts += [
            f"# Evidence update: {summary.get('status', '?')}",
            f"Database: `{summary.get('db')}` · researchers' snapshot: `{summary.get('snapshot')}`",
            f"New records: **{sum(s.get('new', 0) for s in searches)}**, updated: "
            f"{sum(s.get('updated', 0) for s in searches)}, across {len(searches)} queries.",
            *_problems(searches),
            "## Searches",
            markdown_table(
                searches, ["protocol", "source", "query", "status", "reported", "fetched", "new"]
            ),
            "## PRISMA counts",
            markdown_table(
                summary.get("prisma", []), ["protocol", "via", "stage", "measure", "detail", "n"]
            ),
        ]
    return "\n\n".join(parts + _new_and_exports(summary))

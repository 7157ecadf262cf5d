"""What a run adds for people: what is new since the previous run, and the decision exports.

Plain functions over the store (no Prefect); the flows turn their results into artifacts.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review import store
from review.harvest import db_wait_seconds
from review.queries import run_query

NEW_DECISIONS_SQL = """
SELECT d.protocol, d.decision, count(*) AS n
FROM decisions d, (SELECT started_at FROM runs WHERE run_id = ?) r
WHERE d.decided_at >= r.started_at
GROUP BY ALL ORDER BY d.protocol, d.decision
"""

NEW_INCLUDED_SQL = """
SELECT d.protocol, w.title, w.year, w.doi
FROM decisions d JOIN works w USING (work_id), (SELECT started_at FROM runs WHERE run_id = ?) r
WHERE d.decided_at >= r.started_at AND d.decision = 'include'
ORDER BY d.protocol, w.year DESC NULLS LAST, w.title LIMIT ?
"""


def _dicts(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def whats_new(db: Path, run_id: str, examples: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Decisions made in this run per protocol × decision, and a few newly included works."""
    with store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        return {
            "decisions": _dicts(con, NEW_DECISIONS_SQL, [run_id]),
            "included": _dicts(con, NEW_INCLUDED_SQL, [run_id, examples]),
        }


def exports_dir(db: Path | str) -> Path:
    """Where a run writes its exports: ``<db stem>-exports/`` beside the database."""
    path = Path(db)
    return path.with_name(f"{path.stem}-exports")


def _cell(value: Any) -> Any:
    return "; ".join(map(str, value)) if isinstance(value, list | tuple) else value


def export_decisions(db: Path, protocols: Sequence[str]) -> list[Path]:
    """Write ``<protocol>-decisions.csv`` (``queries/decisions.sql``) per protocol; return paths."""
    folder = exports_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        for protocol in protocols:
            columns, rows = run_query(con, "decisions", {"protocol": protocol})
            target = folder / f"{protocol}-decisions.csv"
            staging = target.with_name(target.name + ".tmp")
            with staging.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows([_cell(v) for v in row] for row in rows)
            staging.replace(target)
            written.append(target)
    return written


def markdown(summary: dict[str, Any]) -> str:
    """The run summary's sections on what is new since the last run and where the exports are."""
    from review.report import markdown_table

    new = summary.get("new")
    parts = []
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
    return "\n\n".join(parts)

"""What a run adds for people: what is new since the previous run, and the decision exports.

Plain functions over the store (no Prefect); the flows turn their results into artifacts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review import store
from review.harvest import db_wait_seconds
from review.queries import run_query
from review.reporting.files import write_text


def whats_new(db: Path, run_id: str, examples: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Decisions made in this run per protocol × decision, and a few newly included works."""
    with store.open_store(db, wait_seconds=db_wait_seconds()) as con:
        return {
            "decisions": store.dict_rows(
                con.execute(store.sql_text("run_new_decisions"), [run_id])
            ),
            "included": store.dict_rows(
                con.execute(store.sql_text("run_new_included"), [run_id, examples])
            ),
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
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(columns)
            writer.writerows([_cell(v) for v in row] for row in rows)
            write_text(target, text.getvalue())
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

"""Bookkeeping of runs in the ``runs`` table, and the "since last successful run" question."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from review import store


def start_run(db: Path, kind: str, parameters: dict[str, Any], flow_run_id: str = "") -> str:
    """Record a run as started; return its id."""
    run_id = uuid.uuid4().hex
    with store.writing(db) as con:
        con.execute(
            "INSERT INTO runs (run_id, flow_run_id, kind, started_at, status, parameters) "
            "VALUES (?, ?, ?, now(), 'running', ?::JSON)",
            [run_id, flow_run_id or None, kind, json.dumps(parameters, default=str)],
        )
    return run_id


def finish_run(db: Path, run_id: str, status: str, summary: dict[str, Any]) -> None:
    """Record the run's end state and summary."""
    with store.writing(db) as con:
        con.execute(
            "UPDATE runs SET finished_at = now(), status = ?, summary = ?::JSON WHERE run_id = ?",
            [status, json.dumps(summary, default=str), run_id],
        )


def last_success(db: Path, protocol: str, source: str, plan: str | None) -> date | None:
    """Start date of the last run in which every query of this protocol x source's query plan
    (``review.sources.plan.plan_key``) completed; None for a plan never searched in full."""
    if plan is None or not Path(db).exists():
        return None
    with store.writing(db) as con:
        row = store.one(con, store.sql_text("last_success"), [protocol, source, plan])
    return row[0] if row else None


def mark_interrupted(db: Path, current_run: str) -> int:
    """Mark runs left 'running' by a crashed or cancelled process as 'interrupted'.

    Call it while holding the database's run lock: then no other run can be alive.
    """
    with store.writing(db) as con:
        rows = con.execute(
            "UPDATE runs SET status = 'interrupted', finished_at = now() "
            "WHERE status = 'running' AND run_id <> ? RETURNING run_id",
            [current_run],
        ).fetchall()
    return len(rows)

"""The stages as flows of their own, for manual runs from the Prefect UI.

``search``, ``dedupe``, ``screen`` and ``report`` each re-run one stage of update-evidence with
the same tasks, the same typed parameters (a form in the UI) and the same one-writer rule.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel

from flows.common import exclusive_writer, mark_interrupted
from flows.update_evidence import (
    dedupe_stage,
    dry_run,
    prisma_counts,
    publish_snapshot,
    screen_stage,
    search_all,
)
from review import runs, search
from review.params import DedupeParameters, ScreenParameters, SearchParameters, StageParameters
from review.reporting import run_summary


def _recorded(
    kind: str, db: Path, params: BaseModel, body: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    """Run ``body(run_id)`` as one writing run, recorded in the ``runs`` table."""
    with exclusive_writer(db):
        run_id = runs.start_run(db, kind, params.model_dump(mode="json"))
        mark_interrupted(db, run_id)
        result = body(run_id)
        runs.finish_run(db, run_id, result.get("status", "completed"), result)
    return result


@flow(name="search", task_runner=ThreadPoolTaskRunner(max_workers=4))  # type: ignore[arg-type]
def search_flow(params: SearchParameters | None = None) -> dict[str, Any]:
    """Search the chosen protocols × sources and store the records (no dedupe or screening)."""
    params = params or SearchParameters()
    db, protocols, sources = params.database(), params.load(), params.source_names()
    if params.dry_run:
        return dry_run(protocols, sources, params)

    def body(run_id: str) -> dict[str, Any]:
        outcomes = search_all(db, protocols, sources, run_id, params)
        rows = search.search_summary(outcomes)
        create_table_artifact(key="searches", table=rows or [{}], description="Queries")
        failed = any(o.status == "failed" for o in outcomes)
        return {"status": "partial" if failed else "completed", "searches": rows}

    return _recorded("search", db, params, body)


@flow(name="dedupe")
def dedupe_flow(params: DedupeParameters | None = None) -> dict[str, Any]:
    """Link every record to a work (incremental; running it twice changes nothing)."""
    params = params or DedupeParameters()
    db = params.database()
    return _recorded("dedupe", db, params, lambda _: {"dedupe": dedupe_stage(db, params)})


@flow(name="screen")
def screen_flow(params: ScreenParameters | None = None) -> dict[str, Any]:
    """Screen the works not yet screened under each protocol's current rules."""
    params = params or ScreenParameters()
    db, protocols = params.database(), params.load()
    body = lambda _: {"screen": screen_stage(db, protocols, params)}  # noqa: E731
    return _recorded("screen", db, params, body)


@flow(name="report")
def report_flow(params: StageParameters | None = None) -> dict[str, Any]:
    """PRISMA counts, decision exports and a fresh researchers' snapshot."""
    params = params or StageParameters()
    db, protocols = params.database(), params.load()

    def body(_: str) -> dict[str, Any]:
        prisma = prisma_counts(db, protocols)
        exports = [str(p) for p in run_summary.export_decisions(db, [p.name for p in protocols])]
        if prisma:
            create_table_artifact(key="prisma-counts", table=prisma, description="PRISMA counts")
        summary = {"exports": exports, "snapshot": publish_snapshot(db)}
        create_markdown_artifact(key="report-exports", markdown=run_summary.markdown(summary))
        get_run_logger().info("exports: %s", ", ".join(exports))
        return {"prisma": prisma, **summary}

    return _recorded("report", db, params, body)

"""The stages as flows of their own, for manual runs from the Prefect UI.

``search``, ``dedupe``, ``screen`` and ``report`` each re-run one stage of update-evidence with
the same tasks, the same typed parameters (a form in the UI) and the same one-writer rule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from review.settings import apply_defaults

apply_defaults()

from prefect import flow, get_run_logger  # noqa: E402
from prefect.artifacts import create_markdown_artifact, create_table_artifact  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field  # noqa: E402

from flows.common import exclusive_writer, mark_interrupted  # noqa: E402
from flows.update_evidence import (  # noqa: E402
    _dry_run,
    dedupe_stage,
    publish_snapshot,
    screen_stage,
    search_all,
    stage,
)
from review import pipeline, run_report, runs, store  # noqa: E402
from review.params import (  # noqa: E402
    BatchSize,
    DaskAddress,
    ProtocolName,
    SourceName,
    TaskRunner,
)
from review.protocol import Protocol, load_protocols  # noqa: E402
from review.screening.scatter import BATCH_SIZE  # noqa: E402
from review.sources import SOURCES  # noqa: E402


class StageParameters(BaseModel):
    """Which protocols, in which database. Empty lists mean "all"."""

    model_config = ConfigDict(use_enum_values=True)

    protocols: list[ProtocolName] = Field(
        default_factory=list, description="Protocols to run; empty = all protocols"
    )
    db: str | None = Field(default=None, description="DuckDB file; empty = REVIEW_DB or default")

    def database(self) -> Path:
        """The database file these parameters name."""
        return Path(self.db) if self.db else store.default_db_path()

    def load(self) -> list[Protocol]:
        """The chosen protocols, loaded and validated."""
        return load_protocols([str(getattr(p, "value", p)) for p in self.protocols] or None)


class SearchParameters(StageParameters):
    """What to search: protocols × sources, since a date, with an optional cap."""

    sources: list[SourceName] = Field(
        default_factory=list, description="Sources to search; empty = all available sources"
    )
    since: date | None = Field(
        default=None, description="Only records since this date; empty = since the last run"
    )
    max_records: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Cap per query, for trial runs"
    )
    dry_run: bool = Field(default=False, description="Show the queries; fetch and store nothing")

    def source_list(self) -> list[str]:
        """The chosen sources that this installation has."""
        chosen = [str(getattr(s, "value", s)) for s in self.sources] or list(SOURCES)
        return [s for s in chosen if s in SOURCES]


class ScreenParameters(StageParameters):
    """What to screen, and where: in this process, or in batches on a Dask cluster."""

    task_runner: TaskRunner = "threads"
    dask_address: DaskAddress = None
    batch_size: BatchSize = BATCH_SIZE


class DedupeParameters(BaseModel):
    """Which database to deduplicate, and where to score the candidate pairs."""

    db: str | None = Field(default=None, description="DuckDB file; empty = REVIEW_DB or default")
    task_runner: TaskRunner = Field(
        default="threads",
        description="threads = one task in the flow's process (fastest on one machine); dask "
        "= candidate pairs scored in chunks as tasks on a Dask cluster (needs review[dask])",
    )
    dask_address: DaskAddress = None
    pairs_per_task: int | None = Field(
        default=None, ge=1, le=10_000_000,
        description="Candidate pairs per scoring task on Dask; empty = 50 000",
    )  # fmt: skip


def _recorded(kind: str, db: Path, params: BaseModel, body: Any) -> dict[str, Any]:
    """Run ``body(run_id)`` as one writing run, recorded in the ``runs`` table."""
    with exclusive_writer(db):
        run_id = runs.start_run(db, kind, params.model_dump(mode="json"))
        mark_interrupted(db, run_id)
        result: dict[str, Any] = body(run_id) or {}
        runs.finish_run(db, run_id, result.get("status", "completed"), result)
    return result


@flow(name="search", task_runner=ThreadPoolTaskRunner(max_workers=4))  # type: ignore[arg-type]
def search_flow(params: SearchParameters | None = None) -> dict[str, Any]:
    """Search the chosen protocols × sources and store the records (no dedupe or screening)."""
    params = params or SearchParameters()
    protocols, sources = params.load(), params.source_list()
    if params.dry_run:
        return _dry_run(protocols, sources)
    since = params.since.isoformat() if params.since else None

    def body(run_id: str) -> dict[str, Any]:
        outcomes = search_all(
            params.database(), protocols, sources, run_id, params.max_records, since
        )
        rows = pipeline.search_summary(outcomes)
        create_table_artifact(key="searches", table=rows or [{}], description="Queries")
        failed = any(o.status == "failed" for o in outcomes)
        return {"status": "partial" if failed else "completed", "searches": rows}

    return _recorded("search", params.database(), params, body)


@flow(name="dedupe")
def dedupe_flow(params: DedupeParameters | None = None) -> dict[str, Any]:
    """Link every record to a work (incremental; running it twice changes nothing)."""
    params = params or DedupeParameters()
    db = Path(params.db) if params.db else store.default_db_path()
    body = lambda _: {"dedupe": dedupe_stage(db, [], params)}  # noqa: E731
    return _recorded("dedupe", db, params, body)


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
        prisma = (stage("report", db, protocols) or {}).get("prisma", [])
        exports = [str(p) for p in run_report.export_decisions(db, [p.name for p in protocols])]
        if prisma:
            create_table_artifact(key="prisma-counts", table=prisma, description="PRISMA counts")
        summary = {"exports": exports, "snapshot": publish_snapshot(db)}
        create_markdown_artifact(key="report-exports", markdown=run_report.markdown(summary))
        get_run_logger().info("exports: %s", ", ".join(exports))
        return {"prisma": prisma, **summary}

    return _recorded("report", db, params, body)

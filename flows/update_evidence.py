"""update-evidence: search -> store -> dedupe -> screen -> report, as a short row of tasks.

Each task calls plain library functions directly (``review.search``, ``review.dedupe``,
``review.screening.runner``, ``review.reporting.run``). Only the network step retries on
network errors (a retried search resumes from its cursor); the database steps retry while the
file stays locked.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import task_run
from prefect.task_runners import ThreadPoolTaskRunner

from flows.common import SearchProgress, db_step, exclusive_writer, mark_interrupted, retry_on
from flows.scaleout import dedupe_on_dask, screen_on_dask
from review import dedupe, runs, search, settings, store
from review.errors import DatabaseLocked, SourceUnavailable
from review.params import DedupeScaleOut, RunParameters, ScreenScaleOut
from review.protocol import Protocol
from review.reporting import run_summary
from review.screening import runner
from review.sources import SOURCES

SEARCH_RETRIES = 2
# (run id, source) pairs found unreachable after every retry: the run's other searches of that
# source are reported as failed at once instead of waiting out the same outage again.
_DOWN: set[tuple[str, str]] = set()


@task(
    name="search",
    task_run_name="search {protocol.name} x {source}",
    retries=SEARCH_RETRIES,
    retry_delay_seconds=settings.task_retry_delay(),
    # A locked file: wait, then resume the cursor.
    retry_condition_fn=retry_on(SourceUnavailable, DatabaseLocked),
    cache_policy=NO_CACHE,
)
def search_source(
    db: Path, protocol: Protocol, source: str, run_id: str, max_records: int | None,
    since: str | None,
) -> list[search.SearchOutcome]:  # fmt: skip
    """All queries of one protocol against one source; raises only to retry a network outage."""
    if (run_id, source) in _DOWN:
        message = f"{source}: skipped, unreachable earlier in this run (see its first error)"
        return [search.SearchOutcome(protocol.name, source, "all", "", "failed", error=message)]
    start = date.fromisoformat(since) if since else runs.last_success(db, protocol.name, source)
    progress = SearchProgress(protocol.name, source, max_records)
    outcomes = search.search_source(
        db, protocol, source, run_id=run_id, since=start, max_records=max_records,
        progress=progress,
    )  # fmt: skip
    progress.done()
    unreachable = [o for o in outcomes if o.unreachable]
    if unreachable and task_run.run_count <= SEARCH_RETRIES:  # retry (and resume) while we may
        raise SourceUnavailable(unreachable[0].error or "", source=source)
    if unreachable:
        _DOWN.add((run_id, source))
    return outcomes


@task(name="replay", **db_step())
def replay(db: Path, sources: list[str]) -> dict[str, int]:
    """Re-parse the archived raw pages (no network)."""
    return search.replay(db, sources)


@task(name="dedupe", **db_step())
def dedupe_here(db: Path) -> dict[str, Any]:
    """Link every record to a work, in this process."""
    with store.writing(db) as con:
        return asdict(dedupe.run(con))


@task(name="screen", **db_step())
def screen_here(db: Path, protocols: list[Protocol]) -> dict[str, Any]:
    """Screen the works not yet screened under each protocol's current rules, here."""
    with store.writing(db) as con:
        return asdict(runner.run(con, protocols))


@task(name="report", **db_step())
def prisma_counts(db: Path, protocols: list[Protocol]) -> list[dict[str, Any]]:
    """PRISMA counts of the protocols (``queries/prisma.sql``)."""
    return run_summary.prisma_rows(db, [p.name for p in protocols])


def dedupe_stage(db: Path, params: DedupeScaleOut) -> dict[str, Any]:
    """The dedupe stage where ``params.task_runner`` says: one task here, or the scoring of
    candidate pairs in chunks on Dask."""
    if params.task_runner == "dask":
        return dedupe_on_dask(db, params.dask_address, params.pairs_per_task)
    return dedupe_here(db)


def screen_stage(db: Path, protocols: list[Protocol], params: ScreenScaleOut) -> dict[str, Any]:
    """The screen stage where ``params.task_runner`` says: one task here, or batches on Dask."""
    if params.task_runner == "dask":
        return screen_on_dask(db, protocols, params.dask_address, params.batch_size)
    return screen_here(db, protocols)


def _collect(futures: list[Any], logger: Any) -> list[search.SearchOutcome]:
    outcomes: list[search.SearchOutcome] = []
    for future in futures:
        try:
            outcomes += future.result()
        except Exception as exc:  # a source that stayed down after the task's retries
            logger.error("%s", exc)
            source = getattr(exc, "source", "?")
            outcomes.append(search.SearchOutcome("?", source, "all", "", "failed", error=str(exc)))
    return outcomes


def dry_run(protocols: list[Protocol], sources: list[str]) -> dict[str, Any]:
    """The queries a run would send, logged and returned; nothing is fetched or stored."""
    logger = get_run_logger()
    queries = []
    for protocol in protocols:
        for name in sources:
            for query in SOURCES[name].translate(protocol):
                logger.info("%s x %s: %s %s", protocol.name, name, query.text, query.filters)
                queries.append({"protocol": protocol.name, "source": name, "query": query.text})
    return {"status": "dry-run", "queries": queries}


def search_all(
    db: Path, protocols: list[Protocol], sources: list[str], run_id: str,
    max_records: int | None, since: date | None,
) -> list[search.SearchOutcome]:  # fmt: skip
    """One concurrent search task per protocol × source; a failed source fails only itself."""
    start = since.isoformat() if since else None
    futures = [
        search_source.submit(db, protocol, name, run_id, max_records, start)
        for protocol in protocols
        for name in sources
        if name in protocol.sources
    ]
    return _collect(futures, get_run_logger())


def publish_snapshot(db: Path) -> str:
    """Refresh the researchers' snapshot; a failure is logged, never fails the run."""
    try:
        return str(store.publish_snapshot(db))
    except Exception as exc:
        get_run_logger().error("snapshot not refreshed (researchers see the previous one): %s", exc)
        return ""


@flow(name="update-evidence", task_runner=ThreadPoolTaskRunner(max_workers=4))  # type: ignore[arg-type]
def update_evidence(params: RunParameters | None = None) -> dict[str, Any]:
    """Bring the evidence base up to date for the chosen protocols and sources."""
    params = params or RunParameters()
    db, protocols, sources = params.database(), params.load(), params.source_names()
    if params.dry_run:
        return dry_run(protocols, sources)
    with exclusive_writer(db):
        return _update(params, db, protocols, sources)


def _update(
    params: RunParameters, db: Path, protocols: list[Protocol], sources: list[str]
) -> dict[str, Any]:
    run_id = runs.start_run(db, "replay" if params.replay else "run", params.model_dump())
    mark_interrupted(db, run_id)
    outcomes: list[search.SearchOutcome] = []
    if params.replay:
        replay(db, sources)
    else:
        outcomes = search_all(db, protocols, sources, run_id, params.max_records, params.since)
    names = [p.name for p in protocols]
    status = "partial" if any(o.status == "failed" for o in outcomes) else "completed"
    summary: dict[str, Any] = {
        "run_id": run_id,
        "status": status,
        "searches": search.search_summary(outcomes),
        "dedupe": dedupe_stage(db, params),
        "screen": screen_stage(db, protocols, params),
        "prisma": prisma_counts(db, protocols),
        "new": run_summary.whats_new(db, run_id),
        "exports": [str(p) for p in run_summary.export_decisions(db, names)],
        "db": str(db),
        "snapshot": publish_snapshot(db),
    }
    _publish(summary, get_run_logger())
    runs.finish_run(db, run_id, status, summary)
    return summary


def _publish(summary: dict[str, Any], logger: Any) -> None:
    for row in summary["searches"]:
        if row["error"]:
            logger.error("%s x %s failed: %s", row["protocol"], row["source"], row["error"])
    if summary["prisma"]:
        create_table_artifact(
            key="prisma-counts", table=summary["prisma"], description="PRISMA counts per protocol"
        )
    create_table_artifact(key="searches", table=summary["searches"] or [{}], description="Queries")
    create_markdown_artifact(key="run-summary", markdown=run_summary.markdown(summary))

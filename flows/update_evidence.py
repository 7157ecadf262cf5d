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
from prefect.exceptions import TerminationSignal
from prefect.futures import wait
from prefect.runtime import task_run
from prefect.states import Cancelled, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from flows.common import SearchProgress, db_step, exclusive_writer, mark_interrupted, retry_on
from flows.scaleout import dedupe_on_dask, screen_on_dask
from review import dedupe, interrupt, progress, runs, search, settings, store
from review.errors import DatabaseLocked, SourceUnavailable
from review.params import (
    SEARCH_RETRIES,
    DedupeScaleOut,
    RunParameters,
    ScreenScaleOut,
    SearchChoice,
)
from review.protocol import Protocol
from review.reporting import run_summary
from review.screening import runner
from review.sources.plan import format_plans, plan_key, plans

STOP_GRACE_SECONDS = 30  # how long a stopped run waits for its searches to store their page
# (run id, source) pairs found unreachable after every retry: the run's other searches of that
# source are reported as failed at once instead of waiting out the same outage again.
_DOWN: set[tuple[str, str]] = set()


@task(
    name="search",
    task_run_name="search {protocol.name} x {source}",
    retries=SEARCH_RETRIES,  # a run's own number replaces it (RunParameters.search_retries)
    retry_delay_seconds=settings.task_retry_delay(),
    # A locked file: wait, then resume the cursor.
    retry_condition_fn=retry_on(SourceUnavailable, DatabaseLocked),
    cache_policy=NO_CACHE,
)
def search_source(
    db: Path, protocol: Protocol, source: str, run_id: str, max_records: int | None,
    since: str | None, retries: int = SEARCH_RETRIES, max_queries: int | None = None,
) -> list[search.SearchOutcome]:  # fmt: skip
    """All queries of one protocol against one source; raises only to retry a network outage
    (``retries`` times: the task's own retries)."""
    if (run_id, source) in _DOWN:
        message = f"{source}: {run_summary.SKIPPED_NOTE} (see its first error)"
        return [search.SearchOutcome(protocol.name, source, "all", "", "failed", error=message)]
    # Since the last run that searched this query plan in full (the first time: everything).
    key = plan_key(protocol, source, max_queries)
    start = (
        date.fromisoformat(since) if since else runs.last_success(db, protocol.name, source, key)
    )
    outcomes = search.search_source(
        db, protocol, source, run_id=run_id, since=start, max_records=max_records,
        max_queries=max_queries, progress=SearchProgress(protocol.name, source, max_records),
    )  # fmt: skip
    unreachable = [o for o in outcomes if o.unreachable]
    if unreachable and task_run.run_count <= retries:  # retry (and resume) while we may
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
    progress.stage("dedupe", "linking records to works")
    if params.task_runner == "dask":
        result = dedupe_on_dask(db, params.dask_address, params.pairs_per_task)
    else:
        result = dedupe_here(db)
    progress.stage("dedupe", dedupe.DedupeSummary(**result).line())
    return result


def screen_stage(db: Path, protocols: list[Protocol], params: ScreenScaleOut) -> dict[str, Any]:
    """The screen stage where ``params.task_runner`` says: one task here, or batches on Dask."""
    progress.stage("screen", f"screening under {', '.join(p.name for p in protocols)}")
    if params.task_runner == "dask":
        result = screen_on_dask(db, protocols, params.dask_address, params.batch_size)
    else:
        result = screen_here(db, protocols)
    for line in screening_lines(result):
        progress.stage("screen", line)
    return result


def screening_lines(result: dict[str, Any]) -> list[str]:
    """The screen stage's result (``ScreenSummary`` as a dict), one line per protocol."""
    return runner.ScreenSummary(**result).lines()


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


def dry_run(protocols: list[Protocol], sources: list[str], params: SearchChoice) -> dict[str, Any]:
    """The query plan (queries, requests, time per protocol x source), logged, as an artifact,
    and returned; nothing is fetched or stored."""
    rows = plans(protocols, sources, params.since, max_queries=params.max_queries,
                       max_records=params.max_records)  # fmt: skip
    table = format_plans(rows)
    get_run_logger().info("query plan:\n%s", table)
    create_markdown_artifact(key="query-plan", markdown=f"```\n{table}\n```")
    queries = [
        {"protocol": row.protocol, "source": row.source, "query": query.text}
        for row in rows
        for query in row.queries
    ]
    return {"status": "dry-run", "plan": table, "queries": queries}


def search_all(
    db: Path, protocols: list[Protocol], sources: list[str], run_id: str,
    params: SearchChoice,
) -> list[search.SearchOutcome]:  # fmt: skip
    """One concurrent search task per protocol × source; a failed source fails only itself.

    Interrupted (Ctrl-C, SIGTERM, a cancel), it asks every search to stop at its next page,
    waits up to ``STOP_GRACE_SECONDS`` for them, and returns what they stored.
    """
    start = params.since.isoformat() if params.since else None
    task = search_source.with_options(retries=params.search_retries)
    options = (params.max_records, start, params.search_retries, params.max_queries)
    futures = [
        task.submit(db, protocol, name, run_id, *options)
        for protocol in protocols
        for name in sources
        if name in protocol.sources
    ]
    try:
        return _collect(futures, get_run_logger())
    except (KeyboardInterrupt, TerminationSignal):
        interrupt.request()
        wait(futures, timeout=STOP_GRACE_SECONDS)
        return _collect([f for f in futures if f.state.is_final()], get_run_logger())


def publish_snapshot(db: Path) -> str:
    """Refresh the researchers' snapshot; a failure is logged, never fails the run."""
    try:
        return str(store.publish_snapshot(db))
    except Exception as exc:
        get_run_logger().error("snapshot not refreshed (researchers see the previous one): %s", exc)
        return ""


@flow(name="update-evidence", task_runner=ThreadPoolTaskRunner(max_workers=4))  # type: ignore[arg-type]
def update_evidence(params: RunParameters | None = None) -> dict[str, Any] | State:
    """Bring the evidence base up to date for the chosen protocols and sources.

    Returns the run's summary; a run in which every search failed ends Failed, and a run
    stopped on request (Ctrl-C, SIGTERM, a cancel) ends Cancelled, both with the summary.
    """
    params = params or RunParameters()
    db, protocols, sources = params.database(), params.load(), params.source_names()
    if params.dry_run:
        return dry_run(protocols, sources, params)
    interrupt.reset()
    with exclusive_writer(db):
        return _update(params, db, protocols, sources)


def _update(
    params: RunParameters, db: Path, protocols: list[Protocol], sources: list[str]
) -> dict[str, Any] | State:
    run_id = runs.start_run(db, "replay" if params.replay else "run", params.model_dump())
    mark_interrupted(db, run_id)
    summary: dict[str, Any] = {"run_id": run_id, "db": str(db), "searches": [], "prisma": []}
    try:
        outcomes = [] if params.replay else search_all(db, protocols, sources, run_id, params)
        summary["searches"] = search.search_summary(outcomes)
        if interrupt.requested():
            return _ended(summary, "interrupted")
        if outcomes and all(o.status == "failed" for o in outcomes):
            return _ended(summary, "failed")
        if params.replay:
            replay(db, sources)
        summary.update(_after_search(params, db, protocols, run_id))
    except (KeyboardInterrupt, TerminationSignal):
        interrupt.request()
        return _ended(summary, "interrupted")
    failed = any(o.status == "failed" for o in outcomes)
    summary["status"] = "partial" if failed else "completed"
    _publish(summary, get_run_logger())
    runs.finish_run(db, run_id, summary["status"], summary)
    return summary


def _after_search(
    params: RunParameters, db: Path, protocols: list[Protocol], run_id: str
) -> dict[str, Any]:
    names = [p.name for p in protocols]
    return {
        "dedupe": dedupe_stage(db, params),
        "screen": screen_stage(db, protocols, params),
        "prisma": prisma_counts(db, protocols),
        "new": run_summary.whats_new(db, run_id),
        "exports": [str(p) for p in run_summary.export_decisions(db, names)],
        "totals": run_summary.totals(db),
        "snapshot": publish_snapshot(db),
    }


ENDINGS = {
    "failed": (Failed, "every search failed; nothing new was stored (see the searches)"),
    "interrupted": (
        Cancelled,
        "stopped on request; the searches resume from their cursors on the next run",
    ),
}


def _ended(summary: dict[str, Any], status: str) -> State:
    """End a run that did not get past its searches: record it, publish, and return the
    flow's final state (Failed or Cancelled) carrying the summary."""
    state, message = ENDINGS[status]
    summary["status"], summary["message"] = status, message
    _publish(summary, get_run_logger())
    runs.finish_run(Path(summary["db"]), summary["run_id"], status, summary)
    return state(message=message, data=summary)


def _publish(summary: dict[str, Any], logger: Any) -> None:
    for row in run_summary.failures(summary["searches"]):
        logger.error("%s failed (%s): %s", row["source"], row["protocols"], row["error"])
    if summary["prisma"]:
        create_table_artifact(
            key="prisma-counts", table=summary["prisma"], description="PRISMA counts per protocol"
        )
    create_table_artifact(key="searches", table=summary["searches"] or [{}], description="Queries")
    create_markdown_artifact(key="run-summary", markdown=run_summary.markdown(summary))

"""update-evidence: search -> store -> dedupe -> screen -> report, as a short row of tasks.

The tasks wrap plain library functions (``review.harvest``, ``review.pipeline``); only the
network step retries, and only on network errors (a retried search resumes from its cursor).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from review.settings import apply_defaults

apply_defaults()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact, create_table_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.runtime import task_run  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from flows.common import (  # noqa: E402
    SearchProgress,
    exclusive_writer,
    mark_interrupted,
    retry_on_locked,
)
from flows.scaleout import dedupe_on_dask, screen_on_dask  # noqa: E402
from review import harvest, pipeline, run_report, runs, store  # noqa: E402
from review.errors import DatabaseLocked, SourceUnavailable  # noqa: E402
from review.params import RunParameters  # noqa: E402
from review.protocol import Protocol, load_protocols  # noqa: E402
from review.report import run_markdown  # noqa: E402
from review.sources import SOURCES  # noqa: E402

SEARCH_RETRIES = 2
# (run id, source) pairs found unreachable after every retry: the run's other searches of that
# source are reported as failed at once instead of waiting out the same outage again.
_DOWN: set[tuple[str, str]] = set()


def _network_only(task: Any, task_run: Any, state: Any) -> bool:
    try:
        state.result()
    except (SourceUnavailable, DatabaseLocked):  # a locked file: wait, then resume the cursor
        return True
    except Exception:
        return False
    return False


@task(
    name="search",
    task_run_name="search {protocol.name} x {source}",
    retries=SEARCH_RETRIES,
    retry_delay_seconds=float(os.environ.get("REVIEW_TASK_RETRY_DELAY", "60")),
    retry_condition_fn=_network_only,
    cache_policy=NO_CACHE,
)
def search(
    db: Path, protocol: Protocol, source: str, run_id: str, max_records: int | None,
    since: str | None,
) -> list[harvest.SearchOutcome]:  # fmt: skip
    """All queries of one protocol against one source; raises only to retry a network outage."""
    from datetime import date

    if (run_id, source) in _DOWN:
        message = f"{source}: skipped, unreachable earlier in this run (see its first error)"
        return [harvest.SearchOutcome(protocol.name, source, "all", "", "failed", error=message)]
    start = date.fromisoformat(since) if since else runs.last_success(db, protocol.name, source)
    progress = SearchProgress(protocol.name, source, max_records)
    outcomes = harvest.search_source(
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


@task(
    name="stage", task_run_name="{name}", cache_policy=NO_CACHE, retries=2,
    retry_delay_seconds=float(os.environ.get("REVIEW_TASK_RETRY_DELAY", "60")),
    retry_condition_fn=retry_on_locked,
)  # fmt: skip
def stage(name: str, db: Path, protocols: list[Protocol]) -> dict[str, Any] | None:
    """Run one later stage; None when its library is not installed (the run says so)."""
    logger = get_run_logger()
    try:
        if name == "dedupe":
            return pipeline.dedupe(db)
        if name == "screen":
            return pipeline.screen(db, protocols)
        return {"prisma": pipeline.prisma_rows(db, protocols)}
    except pipeline.StageUnavailable as exc:
        logger.warning("stage %s skipped: %s", name, exc)
        return None


def dedupe_stage(db: Path, protocols: list[Protocol], params: Any) -> dict[str, Any] | None:
    """The dedupe stage where ``params.task_runner`` says: one task here, or the scoring of
    candidate pairs in chunks on Dask."""
    if params.task_runner == "dask":
        return dedupe_on_dask(db, params.dask_address, getattr(params, "pairs_per_task", None))
    return stage("dedupe", db, protocols)


def screen_stage(db: Path, protocols: list[Protocol], params: Any) -> dict[str, Any] | None:
    """The screen stage where ``params.task_runner`` says: one task here, or batches on Dask."""
    if params.task_runner == "dask":
        return screen_on_dask(db, protocols, params.dask_address, params.batch_size)
    return stage("screen", db, protocols)


@task(name="replay", cache_policy=NO_CACHE)
def replay(db: Path, sources: list[str]) -> dict[str, int]:
    """Re-parse the archived raw pages (no network)."""
    return pipeline.replay(db, sources)


def _collect(futures: list[Any], logger: Any) -> list[harvest.SearchOutcome]:
    outcomes: list[harvest.SearchOutcome] = []
    for future in futures:
        try:
            outcomes += future.result()
        except Exception as exc:  # a source that stayed down after the task's retries
            logger.error("%s", exc)
            source = getattr(exc, "source", "?")
            outcomes.append(harvest.SearchOutcome("?", source, "all", "", "failed", error=str(exc)))
    return outcomes


def _dry_run(protocols: list[Protocol], sources: list[str]) -> dict[str, Any]:
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
    max_records: int | None, since: str | None,
) -> list[harvest.SearchOutcome]:  # fmt: skip
    """One concurrent search task per protocol × source; a failed source fails only itself."""
    futures = [
        search.submit(db, protocol, name, run_id, max_records, since)
        for protocol in protocols
        for name in sources
        if name in protocol.sources
    ]
    return _collect(futures, get_run_logger())


def publish_snapshot(db: Path) -> str:
    """Refresh the researchers' snapshot; a failure is logged, never fails the run."""
    try:
        return str(pipeline.publish_snapshot(db))
    except Exception as exc:
        get_run_logger().error("snapshot not refreshed (researchers see the previous one): %s", exc)
        return ""


@flow(name="update-evidence", task_runner=ThreadPoolTaskRunner(max_workers=4))  # type: ignore[arg-type]
def update_evidence(params: RunParameters | None = None) -> dict[str, Any]:
    """Bring the evidence base up to date for the chosen protocols and sources."""
    params = params or RunParameters()
    db = Path(params.db) if params.db else store.default_db_path()
    protocols = load_protocols(params.protocol_names() or None)
    sources = [s for s in (params.source_names() or list(SOURCES)) if s in SOURCES]
    if params.dry_run:
        return _dry_run(protocols, sources)
    with exclusive_writer(db):
        return _update(params, db, protocols, sources)


def _update(
    params: RunParameters, db: Path, protocols: list[Protocol], sources: list[str]
) -> dict[str, Any]:
    run_id = runs.start_run(db, "replay" if params.replay else "run", params.model_dump())
    mark_interrupted(db, run_id)
    outcomes: list[harvest.SearchOutcome] = []
    if params.replay:
        replay(db, sources)
    else:
        since = params.since.isoformat() if params.since else None
        outcomes = search_all(db, protocols, sources, run_id, params.max_records, since)
    results = {"dedupe": dedupe_stage(db, protocols, params)}
    results["screen"] = screen_stage(db, protocols, params)
    results["report"] = stage("report", db, protocols)
    summary = {
        "run_id": run_id,
        "status": "partial" if any(o.status == "failed" for o in outcomes) else "completed",
        "searches": pipeline.search_summary(outcomes),
        "skipped_stages": [name for name, result in results.items() if result is None],
        "dedupe": results["dedupe"],
        "screen": results["screen"],
        "prisma": (results["report"] or {}).get("prisma", []),
        "new": run_report.whats_new(db, run_id),
        "exports": [str(p) for p in run_report.export_decisions(db, [p.name for p in protocols])],
        "db": str(db),
        "snapshot": publish_snapshot(db),
    }
    _publish(summary, get_run_logger())
    runs.finish_run(db, run_id, summary["status"], summary)
    return summary


def _publish(summary: dict[str, Any], logger: Any) -> None:
    if summary["skipped_stages"]:
        logger.warning("stages not built yet, skipped: %s", ", ".join(summary["skipped_stages"]))
    for row in summary["searches"]:
        if row["error"]:
            logger.error("%s x %s failed: %s", row["protocol"], row["source"], row["error"])
    if summary["prisma"]:
        create_table_artifact(
            key="prisma-counts", table=summary["prisma"], description="PRISMA counts per protocol"
        )
    create_table_artifact(key="searches", table=summary["searches"] or [{}], description="Queries")
    text = run_markdown(summary) + "\n\n" + run_report.markdown(summary)
    create_markdown_artifact(key="run-summary", markdown=text)

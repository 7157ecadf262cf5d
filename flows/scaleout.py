"""Screening on a Dask cluster: the screen stage as batches mapped over a ``DaskTaskRunner``.

With ``task_runner="dask"`` in a run's parameters, update-evidence and screen run the subflow
``screen-batches`` (``screen_on_dask``) instead of their one ``screen`` task: the flow's
process reads the pending works as Arrow batches, one ``screen-batch`` task per batch decides
them on the cluster's workers (pure: no database there), and the flow's process writes every
decision in one transaction. So DuckDB keeps its single writer, and the decisions are those
of the one-task path. Needs ``review[dask]``; a cluster's workers need this package
installed and the Prefect API reachable.

Dedupe likewise, as the subflow ``dedupe-chunks`` (``dedupe_on_dask``): the flow's process
reads the records and plans the run (prepared fields, candidate pairs), one ``score pairs N``
task per chunk of candidate pairs scores and decides them on a worker (pure, with only the
records the chunk compares), and the flow's process clusters every decision and writes the
works in one transaction: the works of the one-task path.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import Flow, flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import unmapped

from flows.common import db_step
from review import dedupe, store
from review.dedupe import engine
from review.errors import UsageError
from review.protocol import Protocol, load_protocols
from review.screening import runner, scatter
from review.screening.rules import RuleSet


@task(name="pending-batches", **db_step())
def pending_batches(db: Path, protocols: list[Protocol], size: int) -> list[Any]:
    """The works to screen, as Arrow batches (read in the flow's process)."""
    with store.writing(db) as con:
        return scatter.pending_batches(con, protocols, size)


@task(name="screen-batch", task_run_name="screen batch {index}", cache_policy=NO_CACHE)
def screen_batch(index: int, batch: Any, rules: dict[str, RuleSet]) -> Any:
    """Decide one batch on a worker: its decisions (Arrow) and counts."""
    return scatter.screen_batch(batch, rules)


@task(name="write-decisions", **db_step())
def write_decisions(db: Path, protocols: list[Protocol], results: list[Any]) -> dict[str, Any]:
    """Append every batch's decisions in one transaction (in the flow's process)."""
    with store.writing(db) as con:
        return asdict(runner.write_decisions(con, protocols, results))


@flow(name="screen-batches")
def screen_batches(db: str, protocols: list[str], batch_size: int) -> dict[str, Any]:
    """Screen in batches on the flow's task runner; read and write here, decide there."""
    chosen = load_protocols(protocols)
    batches = pending_batches(Path(db), chosen, batch_size)
    rules = {p.name: p.rules for p in chosen if p.rules is not None}
    futures = screen_batch.map(range(len(batches)), batches, unmapped(rules))
    return write_decisions(Path(db), chosen, [future.result() for future in futures])


@task(name="plan-dedupe", **db_step())
def plan_dedupe(
    db: Path, size: int | None
) -> tuple[dedupe.Loaded, engine.Plan, list[engine.Chunk]]:
    """Read the records and plan the run (in the flow's process); the pairs in chunks of
    ``size`` (None = the engine's default)."""
    with store.writing(db) as con:
        loaded = dedupe.load(con)
    planned = dedupe.plan(loaded)
    chunks = engine.chunks(planned) if size is None else engine.chunks(planned, size)
    return loaded, planned, chunks


@task(name="score-pairs", task_run_name="score pairs {index}", cache_policy=NO_CACHE)
def score_pairs(index: int, chunk: engine.Chunk) -> engine.ChunkResult:
    """Score and decide one chunk of candidate pairs on a worker."""
    return engine.decide_chunk(chunk)


@task(name="write-works", **db_step())
def write_works(
    db: Path, loaded: dedupe.Loaded, planned: engine.Plan, results: list[engine.ChunkResult]
) -> dict[str, Any]:
    """Cluster every chunk's decisions and store the works (in the flow's process)."""
    linked = engine.finish(planned, results)
    with store.writing(db) as con:
        return asdict(dedupe.write(con, loaded, linked))


@flow(name="dedupe-chunks")
def dedupe_chunks(db: str, pairs_per_task: int | None = None) -> dict[str, Any]:
    """Dedupe with the pair scoring in chunks on the flow's task runner; read, cluster and
    write here."""
    loaded, planned, chunks = plan_dedupe(Path(db), pairs_per_task)
    futures = score_pairs.map(range(len(chunks)), chunks)
    return write_works(Path(db), loaded, planned, [future.result() for future in futures])


def dask_runner(address: str | None) -> Any:
    """A ``DaskTaskRunner`` on ``address``, or on a local cluster of one process per core."""
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise UsageError(
            "task_runner 'dask' needs prefect-dask: pip install 'review[dask]'"
        ) from None
    if address:
        return DaskTaskRunner(address=address)
    local = {"n_workers": os.cpu_count() or 1, "threads_per_worker": 1, "processes": True,
             "dashboard_address": None}  # fmt: skip
    return DaskTaskRunner(cluster_kwargs=local)


def on_dask(
    address: str | None, subflow: Flow[Any, dict[str, Any]] | None = None
) -> Flow[Any, dict[str, Any]]:
    """The subflow (``screen-batches`` unless told) with a Dask task runner."""
    return (subflow or screen_batches).with_options(task_runner=dask_runner(address))


def screen_on_dask(
    db: Path, protocols: list[Protocol], address: str | None, batch_size: int
) -> dict[str, Any]:
    """The screen stage as ``screen-batches`` on a Dask cluster (see the module doc)."""
    names = [p.name for p in protocols]
    return on_dask(address)(str(db), names, batch_size)


def dedupe_on_dask(
    db: Path, address: str | None, pairs_per_task: int | None = None
) -> dict[str, Any]:
    """The dedupe stage as ``dedupe-chunks`` on a Dask cluster (see the module doc)."""
    return on_dask(address, dedupe_chunks)(str(db), pairs_per_task)

"""Screening on a Dask cluster: the screen stage as batches mapped over a ``DaskTaskRunner``.

With ``task_runner="dask"`` in a run's parameters, update-evidence and screen run the subflow
``screen-batches`` (``screen_on_dask``) instead of their one ``stage`` task: the flow's
process reads the pending works as Arrow batches, one ``screen-batch`` task per batch decides
them on the cluster's workers (pure: no database there), and the flow's process writes every
decision in one transaction. So DuckDB keeps its single writer, and the decisions are those
of the one-task path. Needs ``review[dask]``; a cluster's workers need this package
installed and the Prefect API reachable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from review.settings import apply_defaults

apply_defaults()

from prefect import Flow, flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.utilities.annotations import unmapped  # noqa: E402

from flows.common import retry_on_locked  # noqa: E402
from review import pipeline  # noqa: E402
from review.errors import UsageError  # noqa: E402
from review.protocol import Protocol, load_protocols  # noqa: E402
from review.screening import scatter  # noqa: E402
from review.screening.rules import RuleSet  # noqa: E402

_DB_STEP: dict[str, Any] = {
    "cache_policy": NO_CACHE, "retries": 2, "retry_condition_fn": retry_on_locked,
    "retry_delay_seconds": float(os.environ.get("REVIEW_TASK_RETRY_DELAY", "60")),
}  # fmt: skip


@task(name="pending-batches", **_DB_STEP)
def pending_batches(db: Path, protocols: list[Protocol], size: int) -> list[Any]:
    """The works to screen, as Arrow batches (read in the flow's process)."""
    return pipeline.screen_batches(db, protocols, size)


@task(name="screen-batch", task_run_name="screen batch {index}", cache_policy=NO_CACHE)
def screen_batch(index: int, batch: Any, rules: dict[str, RuleSet]) -> Any:
    """Decide one batch on a worker: its decisions (Arrow) and counts."""
    return scatter.screen_batch(batch, rules)


@task(name="write-decisions", **_DB_STEP)
def write_decisions(db: Path, protocols: list[Protocol], results: list[Any]) -> dict[str, Any]:
    """Append every batch's decisions in one transaction (in the flow's process)."""
    return pipeline.write_screened(db, protocols, results)


@flow(name="screen-batches")
def screen_batches(db: str, protocols: list[str], batch_size: int) -> dict[str, Any]:
    """Screen in batches on the flow's task runner; read and write here, decide there."""
    chosen = load_protocols(protocols)
    batches = pending_batches(Path(db), chosen, batch_size)
    rules = {p.name: p.rules for p in chosen if p.rules is not None}
    futures = screen_batch.map(range(len(batches)), batches, unmapped(rules))
    return write_decisions(Path(db), chosen, [future.result() for future in futures])


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


def on_dask(address: str | None) -> Flow[Any, dict[str, Any]]:
    """The ``screen-batches`` subflow with a Dask task runner."""
    return screen_batches.with_options(task_runner=dask_runner(address))


def screen_on_dask(
    db: Path, protocols: list[Protocol], address: str | None, batch_size: int
) -> dict[str, Any]:
    """The screen stage as ``screen-batches`` on a Dask cluster (see the module doc)."""
    names = [p.name for p in protocols]
    return on_dask(address)(str(db), names, batch_size)

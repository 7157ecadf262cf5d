"""What every writing flow shares: one writer per database, retries, progress.

Two guards keep concurrent runs apart. The file lock (``review.locks``) works everywhere,
including the temporary server of ``review run``, and is released by the kernel if a run dies.
The Prefect global concurrency limit ``review-db-writer`` (created by ``review serve``) adds
the same rule across machines and shows waiting runs in the UI; it is used only where it
exists, because a missing limit would silently do nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import get_run_logger
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectNotFound
from prefect.runtime import flow_run

from review import locks, progress, runs, settings
from review.errors import DatabaseLocked
from review.progress import SearchStatus

WRITER_LIMIT = "review-db-writer"
PROGRESS_EVERY_SECONDS = 2.0
DB_STEP_RETRIES = 2


def writer_limit_exists(name: str = WRITER_LIMIT) -> bool:
    """Whether the Prefect server has the writers' global concurrency limit."""
    try:
        with get_client(sync_client=True) as client:
            client.read_global_concurrency_limit_by_name(name)
    except ObjectNotFound:
        return False
    return True


@contextmanager
def exclusive_writer(db: Path) -> Iterator[None]:
    """Hold the Prefect writers' limit (where it exists) and the database's file lock."""
    logger = get_run_logger()
    wait = settings.lock_wait_seconds()
    holder = f"flow run {flow_run.get_name() or '?'} ({flow_run.get_id() or 'no id'})"
    with ExitStack() as stack:
        if writer_limit_exists():
            logger.info("waiting for a slot of the concurrency limit %s", WRITER_LIMIT)
            stack.enter_context(concurrency(WRITER_LIMIT, strict=True, timeout_seconds=wait))
        stack.enter_context(locks.db_lock(db, wait_seconds=wait, holder=holder))
        yield


def mark_interrupted(db: Path, run_id: str) -> None:
    """Inside the writer lock: runs still marked 'running' died; say so and mark them."""
    count = runs.mark_interrupted(db, run_id)
    if count:
        get_run_logger().warning(
            "%d earlier run(s) were interrupted; their searches resume from the stored cursor",
            count,
        )


def retry_on(*errors: type[BaseException]) -> Callable[[Any, Any, Any], bool]:
    """A task's retry condition: retry only when the task raised one of ``errors``."""

    def condition(task: Any, task_run: Any, state: Any) -> bool:
        try:
            state.result()
        except errors:
            return True
        except Exception:
            return False
        return False

    return condition


def db_step() -> dict[str, Any]:
    """Task options of a step that writes the database: retried while the file stays locked
    (a researcher's open connection, say); never cached."""
    return {
        "cache_policy": NO_CACHE, "retries": DB_STEP_RETRIES,
        "retry_delay_seconds": settings.task_retry_delay(),
        "retry_condition_fn": retry_on(DatabaseLocked),
    }  # fmt: skip


class SearchProgress:
    """A protocol × source search's progress: an artifact (updated at most every 2 s) and
    whatever displays the process shows (``review.progress``, e.g. the terminal)."""

    def __init__(self, protocol: str, source: str, max_records: int | None) -> None:
        self.max_records = max_records
        self.last = 0.0
        self.artifact_id = cast(
            UUID,
            create_progress_artifact(
                progress=0.0, description=f"search {protocol} x {source}: records fetched"
            ),
        )

    def __call__(self, status: SearchStatus) -> None:
        """``search.search_source``'s progress hook."""
        progress.search(status)
        now = time.monotonic()
        if status.status == "running" and now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        update_progress_artifact(
            self.artifact_id, round(100.0 * status.fraction(self.max_records), 1)
        )

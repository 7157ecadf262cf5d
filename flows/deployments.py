"""The deployments ``review serve`` serves: update-evidence weekly, and the stages on demand.

Every deployment takes one typed pydantic parameter model, so the Prefect UI shows a form with
choices (protocols, sources), dates and bounds, and the server refuses a bad value with a
message naming the field. Entrypoints are module paths, so the served runs work from any
working directory of the installed package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from prefect import Flow, serve
from prefect.client.orchestration import get_client
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType
from pydantic import BaseModel

from flows.common import WRITER_LIMIT
from flows.stages import dedupe_flow, report_flow, screen_flow, search_flow
from flows.update_evidence import update_evidence
from review.params import (
    DedupeParameters,
    RunParameters,
    ScreenParameters,
    SearchParameters,
    StageParameters,
)

TAGS = ["review"]


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    return {"params": model().model_dump(mode="json")}


def _sync(method: Any) -> Callable[..., RunnerDeployment]:
    """``to_deployment`` is sync/async dispatched; outside an event loop it returns a value."""
    return cast(Callable[..., RunnerDeployment], method)


def _manual(flow: Flow[Any, Any], model: type[BaseModel]) -> RunnerDeployment:
    return _sync(flow.to_deployment)(
        name="manual", parameters=_defaults(model), description=flow.description, tags=TAGS,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )  # fmt: skip


def build(cron: str | None = None, timezone: str = "UTC") -> list[RunnerDeployment]:
    """The weekly update (``cron=""`` for no schedule) and one manual deployment per stage."""
    module = EntrypointType.MODULE_PATH
    schedules = [Cron(cron, timezone=timezone)] if cron else []
    weekly = _sync(update_evidence.to_deployment)(
        name="weekly", schedules=schedules, parameters=_defaults(RunParameters),
        description="Keeps the evidence base current: search what is new since the last run, "
        "then dedupe, screen and report. Run it with custom parameters for an ad hoc update.",
        tags=TAGS, entrypoint_type=module,
    )  # fmt: skip
    manual = [
        _manual(search_flow, SearchParameters),
        _manual(dedupe_flow, DedupeParameters),
        _manual(screen_flow, ScreenParameters),
        _manual(report_flow, StageParameters),
    ]
    return [weekly, *manual]


def ensure_writer_limit() -> None:
    """Create the one-writer global concurrency limit on the server (idempotent)."""
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(WRITER_LIMIT, 1)


def serve_all(cron: str | None = None, timezone: str = "UTC", limit: int | None = 4) -> None:
    """Create the writer limit, then serve every deployment until interrupted.

    Schedules stay active when this process stops (``pause_on_shutdown=False``), so a
    restart of the service never silently stops the weekly run.
    """
    ensure_writer_limit()
    serve(*build(cron, timezone), pause_on_shutdown=False, limit=limit)

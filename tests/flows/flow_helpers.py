"""Helpers shared by the flow tests: a local OpenAlex stub and read-only queries."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "openalex"
PAGES = {"*": "works_page1.json", "c2": "works_page2.json", "c3": "works_page3.json"}
REVIEW = str(Path(sys.executable).parent / "review")


@dataclass
class OpenAlexStub:
    """Serves the three recorded pages; ``delay`` slows each, ``hold`` parks one cursor."""

    url: str
    delay: float = 0.0
    hold: str | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    requests: int = 0

    def handle(self, request: Request) -> Response:
        """Answer one ``/works`` request from the fixtures."""
        self.requests += 1
        cursor = request.args["cursor"]
        if cursor == self.hold:
            self.held.set()
            self.release.wait(60)
        time.sleep(self.delay)
        body = (FIXTURES / PAGES[cursor]).read_bytes()
        return Response(body, 200, {"Content-Type": "application/json"})


def rows(db: Path, sql: str) -> list[tuple]:
    """All rows of a query on a database opened read-only (and closed again)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def subflow_task_runs(flow_run_id: Any, prefix: str, *, subflows: int | None = None) -> list[Any]:
    """The task runs named ``prefix...`` of the flow run's subflows (``subflows``: how many
    subflows the run must have)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterParentFlowRunId,
        TaskRunFilter,
        TaskRunFilterFlowRunId,
    )

    with get_client(sync_client=True) as client:
        parent = FlowRunFilterParentFlowRunId(any_=[flow_run_id])
        children = client.read_flow_runs(flow_run_filter=FlowRunFilter(parent_flow_run_id=parent))
        assert subflows is None or len(children) == subflows, children
        ids = TaskRunFilterFlowRunId(any_=[child.id for child in children])
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(flow_run_id=ids))
    return [run for run in runs if run.name.startswith(prefix)]

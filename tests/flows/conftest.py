"""Fixtures for flow tests: a local OpenAlex that can be slowed or held, and child-process env."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flow_helpers import OpenAlexStub, rows
from pytest_httpserver import HTTPServer


@pytest.fixture
def openalex(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAlexStub]:
    """A local OpenAlex, also set as ``REVIEW_OPENALEX_BASE_URL`` for this process."""
    stub = OpenAlexStub(httpserver.url_for("").rstrip("/"))
    httpserver.expect_request("/works").respond_with_handler(stub.handle)
    monkeypatch.setenv("REVIEW_OPENALEX_BASE_URL", stub.url)
    yield stub
    stub.release.set()


@pytest.fixture
def child_env(prefect_harness: None, openalex: OpenAlexStub, tmp_path: Path) -> dict[str, str]:
    """Environment for a child `review` process talking to the session's Prefect API."""
    from prefect.settings import PREFECT_API_URL

    return {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "REVIEW_OPENALEX_BASE_URL": openalex.url,
        "REVIEW_TASK_RETRY_DELAY": "0",
    }


@pytest.fixture
def query() -> Callable[[Path, str], list[tuple]]:
    """``query(db, sql)``: rows from a read-only connection that is closed at once."""
    return rows


@pytest.fixture
def review_logs_in_runs(prefect_harness: None) -> Iterator[None]:
    """Send the library's logs to the run's log, as PREFECT_LOGGING_EXTRA_LOGGERS=review does.

    `review` and `review serve` set that variable before Prefect is imported; in this test
    process Prefect was set up earlier, so the handlers are attached here for the test.
    """
    from prefect.logging.handlers import APILogHandler

    review, handler = logging.getLogger("review"), APILogHandler()
    review.addHandler(handler)
    yield
    review.removeHandler(handler)

"""Shared test fixtures: access to ../shared (third-party data) and offline Prefect settings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REVIEW_SHARED_DIR", PROJECT.parent / "shared"))
FIXTURES = PROJECT / "tests" / "fixtures"

# Prefect must never phone home, and its temporary server needs time on 2 cores.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("REVIEW_TASK_RETRY_DELAY", "0")


def require_shared(*parts: str) -> Path:
    """Path into ../shared; skip when it is absent, but fail under CI=true so nothing hides."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"third-party test data not found: {path} (set REVIEW_SHARED_DIR)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared() -> Callable[..., Path]:
    """``shared("apis", "openalex")`` -> the path, skipping (or failing in CI) when absent."""
    return require_shared


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (starting one costs ~17 s here)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield

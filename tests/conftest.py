"""Shared test fixtures: access to ../shared (third-party data) and offline Prefect settings."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REVIEW_SHARED_DIR", PROJECT.parent / "shared"))
FIXTURES = PROJECT / "tests" / "fixtures"

# Prefect must never phone home, and its temporary server needs time on 2 cores.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


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

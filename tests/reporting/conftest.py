"""Fixtures for the reporting tests: one seeded evidence store per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from reporting_seed import seed, seed_flow


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the seeded DuckDB file (read it only: the whole session shares it)."""
    return seed(tmp_path_factory.mktemp("reporting"))


@pytest.fixture(scope="session")
def flow_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded store plus a case for every box of the PRISMA template (read only)."""
    return seed_flow(tmp_path_factory.mktemp("flow"))

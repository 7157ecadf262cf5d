"""Fixtures for the reporting tests: one seeded evidence store per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from reporting_seed import seed


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the seeded DuckDB file (read it only: the whole session shares it)."""
    return seed(tmp_path_factory.mktemp("reporting"))

"""Settings from the environment: read in one place, when asked, with errors naming the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from review import settings
from review.errors import UsageError
from review.http import HttpConfig, make_session


def test_base_url_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_OPENALEX_BASE_URL", "http://127.0.0.1:8800/")
    assert settings.base_url("openalex", "https://api.openalex.org") == "http://127.0.0.1:8800"
    monkeypatch.delenv("REVIEW_OPENALEX_BASE_URL")
    assert settings.base_url("openalex", "https://api.openalex.org") == "https://api.openalex.org"


def test_defaults_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REVIEW_DB", "REVIEW_DB_WAIT", "REVIEW_LOCK_WAIT", "REVIEW_TASK_RETRY_DELAY"):
        monkeypatch.delenv(name, raising=False)
    assert str(settings.db_path()) == "data/evidence.duckdb"
    assert settings.db_wait_seconds() == 600.0
    assert settings.lock_wait_seconds() == 6 * 3600.0
    assert settings.task_retry_delay() == 60.0


def test_a_malformed_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_DB_WAIT", "ten")
    with pytest.raises(UsageError, match="REVIEW_DB_WAIT='ten' is not a number of seconds"):
        settings.db_wait_seconds()
    monkeypatch.setenv("REVIEW_DB_WAIT", "-1")
    with pytest.raises(UsageError, match="must not be negative"):
        settings.db_wait_seconds()
    monkeypatch.setenv("REVIEW_HTTP_RETRIES", "2.5")
    with pytest.raises(UsageError, match=r"REVIEW_HTTP_RETRIES='2\.5' is not a whole number"):
        settings.http_retries()


def test_http_overrides_reach_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_HTTP_RETRIES", "0")
    monkeypatch.setenv("REVIEW_HTTP_BACKOFF", "0.5")
    monkeypatch.setenv("REVIEW_HTTP_TIMEOUT", "7")
    session = make_session(HttpConfig(source="x", rate_per_second=1.0, timeout=(3.0, 30.0)))
    assert session.config.max_retries == 0
    assert session.config.backoff == 0.5
    assert session.config.timeout == (3.0, 7.0)


def test_prefect_defaults_do_not_override_what_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DO_NOT_TRACK", "0")
    monkeypatch.delenv("PREFECT_SERVER_ANALYTICS_ENABLED", raising=False)
    settings.apply_prefect_defaults()
    assert settings.os.environ["DO_NOT_TRACK"] == "0"
    assert settings.os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


def test_loading_a_protocol_loads_neither_the_engine_nor_arrow() -> None:
    """``review.protocol`` needs the rule model only: the screening package imports nothing."""
    code = (
        "import sys, review.protocol as p; p.load_protocols(); "
        "print(sorted(m for m in ('pyarrow', 'review.screening.engine', 'review.screening.runner',"
        " 'prefect') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"

"""Every setting read from the environment, in one place, read when asked (tests may change it).

| variable | default | what it sets |
|---|---|---|
| ``REVIEW_DB`` | ``data/evidence.duckdb`` | the database file |
| ``REVIEW_DB_WAIT`` | 600 | seconds a write waits for another process to release the file |
| ``REVIEW_LOCK_WAIT`` | 21600 | seconds a run waits for another run on the same database |
| ``REVIEW_TASK_RETRY_DELAY`` | 60 | seconds between a flow task's retries |
| ``REVIEW_MAILTO`` | none | contact address for the polite pools (User-Agent, NCBI email) |
| ``REVIEW_<SOURCE>_BASE_URL`` | the API's | a source's base URL (tests, proxies, mirrors) |
| ``REVIEW_HTTP_RETRIES`` / ``_BACKOFF`` / ``_TIMEOUT`` | per source | HTTP retry overrides |
| ``OPENALEX_API_KEY``, ``NCBI_API_KEY``, ``SEMANTIC_SCHOLAR_API_KEY`` | none | keys |
| ``OPENALEX_PREMIUM`` | off | allows OpenAlex's ``from_created_date`` filter |
| ``REVIEW_PROTOCOLS_DIR`` / ``REVIEW_QUERIES_DIR`` | the project's | protocol / query folder |
| ``REVIEW_REASON_MAP`` | ``data/reason_map.toml`` | tools' exclusion reasons -> codes |
| ``REVIEW_SCHEDULE`` / ``REVIEW_TIMEZONE`` | ``0 3 * * 1`` / UTC | the weekly run's schedule |

A malformed number names the variable and the value (``UsageError``, exit 2). Prefect's own
settings get offline-quiet, project-local defaults from ``apply_prefect_defaults``.
"""

from __future__ import annotations

import os
from pathlib import Path

from review.errors import UsageError

DEFAULT_DB = Path("data/evidence.duckdb")
DEFAULT_SCHEDULE = "0 3 * * 1"  # Mondays at 03:00
PREFECT_DEFAULTS = {
    # Prefect phones home unless both are set (see docs/operations.md).
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    # A fresh temporary server needs ~17 s on 2 cores; the default 20 s is too tight.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    # Library logs (stdlib logging under "review") show in Prefect's run logs and UI.
    "PREFECT_LOGGING_EXTRA_LOGGERS": "review",
    # ...and outside a flow (plain `review import`, tests) they just go to the console.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def _text(name: str) -> str | None:
    return os.environ.get(name) or None


def _optional_seconds(name: str) -> float | None:
    raw = _text(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a number of seconds") from None
    if value < 0:
        raise UsageError(f"{name}={raw!r} must not be negative")
    return value


def _seconds(name: str, default: float) -> float:
    value = _optional_seconds(name)
    return default if value is None else value


def db_path() -> Path:
    """``REVIEW_DB``, else ``data/evidence.duckdb`` (relative to the working directory)."""
    return Path(_text("REVIEW_DB") or DEFAULT_DB)


def db_wait_seconds() -> float:
    """How long a write waits for another process to release the file (``REVIEW_DB_WAIT``)."""
    return _seconds("REVIEW_DB_WAIT", 600.0)


def lock_wait_seconds() -> float:
    """How long a run waits for another run on the same database (``REVIEW_LOCK_WAIT``)."""
    return _seconds("REVIEW_LOCK_WAIT", 6 * 3600.0)


def task_retry_delay() -> float:
    """Seconds between the retries of a flow task (``REVIEW_TASK_RETRY_DELAY``)."""
    return _seconds("REVIEW_TASK_RETRY_DELAY", 60.0)


def mailto() -> str | None:
    """The contact address for polite pools (``REVIEW_MAILTO``)."""
    return _text("REVIEW_MAILTO")


def base_url(source: str, default: str) -> str:
    """The API base URL, overridable by ``REVIEW_<SOURCE>_BASE_URL`` (tests, proxies, mirrors)."""
    return (_text(f"REVIEW_{source.upper()}_BASE_URL") or default).rstrip("/")


def http_retries() -> int | None:
    """``REVIEW_HTTP_RETRIES``: retries per request instead of the source's default."""
    raw = _text("REVIEW_HTTP_RETRIES")
    if raw is None:
        return None
    if not raw.isdigit():
        raise UsageError(f"REVIEW_HTTP_RETRIES={raw!r} is not a whole number")
    return int(raw)


def http_backoff() -> float | None:
    """``REVIEW_HTTP_BACKOFF``: the first retry's delay instead of the source's default."""
    return _optional_seconds("REVIEW_HTTP_BACKOFF")


def http_timeout() -> float | None:
    """``REVIEW_HTTP_TIMEOUT``: the read timeout instead of the source's default."""
    return _optional_seconds("REVIEW_HTTP_TIMEOUT")


def api_key(name: str) -> str | None:
    """An API key (``OPENALEX_API_KEY``, ``NCBI_API_KEY``, ``SEMANTIC_SCHOLAR_API_KEY``)."""
    return _text(name)


def openalex_premium() -> bool:
    """Whether the OpenAlex key allows ``from_created_date`` (``OPENALEX_PREMIUM``)."""
    return _text("OPENALEX_PREMIUM") is not None


def protocols_dir() -> Path | None:
    """``REVIEW_PROTOCOLS_DIR``, if set."""
    raw = _text("REVIEW_PROTOCOLS_DIR")
    return Path(raw) if raw else None


def queries_dir() -> Path | None:
    """``REVIEW_QUERIES_DIR``, if set."""
    raw = _text("REVIEW_QUERIES_DIR")
    return Path(raw) if raw else None


def reason_map() -> Path | None:
    """``REVIEW_REASON_MAP``: the screening tools' reason map to use, if set."""
    raw = _text("REVIEW_REASON_MAP")
    return Path(raw) if raw else None


def schedule() -> str:
    """The weekly run's cron expression (``REVIEW_SCHEDULE``)."""
    return _text("REVIEW_SCHEDULE") or DEFAULT_SCHEDULE


def timezone() -> str:
    """The time zone of the schedule (``REVIEW_TIMEZONE``)."""
    return _text("REVIEW_TIMEZONE") or "UTC"


def quiet_prefect_console() -> None:
    """Show only Prefect's critical messages in the terminal (``review run`` shows its own
    progress and summary); the run's logs still reach the Prefect API in full."""
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def apply_prefect_defaults(project_dir: Path | None = None) -> None:
    """Set Prefect's offline defaults and a project-local ``PREFECT_HOME`` unless already set."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    home = (project_dir or Path.cwd()) / ".prefect"
    os.environ.setdefault("PREFECT_HOME", str(home))

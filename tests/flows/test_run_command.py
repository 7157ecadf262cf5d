"""`review run` as a user runs it: an outage fails fast and honestly, SIGTERM stops cleanly.

Through a real `review` process (stderr is exactly what a user sees), on the session's
Prefect API.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flow_helpers import REVIEW, OpenAlexStub

from review.protocol import SOURCE_NAMES

pytestmark = pytest.mark.prefect
Query = Callable[[Path, str], list[tuple]]


def _flow_run_state(db: Path) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        found = [
            run for run in client.read_flow_runs()
            if (run.parameters.get("params") or {}).get("db") == str(db)
        ]  # fmt: skip
    assert len(found) == 1, found
    assert found[0].state is not None
    return found[0].state.type.value


def test_every_source_down_fails_within_a_minute_once_per_source(
    child_env: dict[str, str], tmp_path: Path
) -> None:
    closed = "http://127.0.0.1:9"  # nothing listens on the discard port
    env = {**child_env, **{f"REVIEW_{s.upper()}_BASE_URL": closed for s in SOURCE_NAMES}}
    db = tmp_path / "evidence.duckdb"
    started = time.monotonic()
    done = subprocess.run(
        [REVIEW, "run", "--db", str(db)], env=env, capture_output=True, text=True, timeout=300
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert elapsed < 60, f"{elapsed:.0f} s"
    failures = [
        line for line in done.stderr.splitlines()
        if line.startswith("review run: ") and " failed: " in line
        and not line.startswith("review run: failed:")
    ]  # fmt: skip
    assert sorted(line.split()[2] for line in failures) == sorted(SOURCE_NAMES), done.stderr
    assert all("Connection refused" in line for line in failures)
    assert "review run: failed: every search failed" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert _flow_run_state(db) == "FAILED"


def test_sigterm_mid_search_stops_in_seconds_and_the_next_run_resumes(
    child_env: dict[str, str], openalex: OpenAlexStub, tmp_path: Path, query: Query
) -> None:
    db = tmp_path / "evidence.duckdb"
    openalex.hold = "c2"  # page 1 is stored, then the search waits for page 2
    run = [REVIEW, "run", "--protocol", "sfi-crime", "--source", "openalex", "--db", str(db)]
    victim = subprocess.Popen(run, env=child_env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert openalex.held.wait(120), victim.communicate(timeout=5)
    openalex.release.set()  # the page in flight arrives; the search stops after storing it
    victim.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    out, err = victim.communicate(timeout=60)
    assert time.monotonic() - sent < 20
    assert victim.returncode == 130, err
    assert "Traceback" not in out + err
    assert [line for line in err.splitlines() if line.startswith("review run:")] == [
        "review run: interrupted: stopped on request; the searches resume from their cursors "
        "on the next run"
    ]  # fmt: skip
    statuses = query(db, "SELECT status FROM searches")
    assert ("interrupted",) in statuses and query(db, "SELECT status FROM runs") == [
        ("interrupted",)
    ]  # fmt: skip
    assert _flow_run_state(db) == "CANCELLED"

    openalex.hold = None
    again = subprocess.run(run, env=child_env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert query(db, "SELECT count(*), count(DISTINCT record_id) FROM records") == [(5, 5)]
    pages = query(db, "SELECT search_id, count(*), count(DISTINCT page_no) FROM pages GROUP BY 1")
    assert sorted((n, distinct) for _, n, distinct in pages) == [(3, 3), (3, 3)]
    assert query(db, "SELECT DISTINCT status FROM searches") == [("completed",)]

"""Concurrent users on one machine: two runs, a researcher's open connection, a killed run."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flow_helpers import REVIEW, OpenAlexStub

from review import store

pytestmark = pytest.mark.prefect
Query = Callable[[Path, str], list[tuple]]
RUN = ["run", "--protocol", "sfi-crime", "--source", "openalex"]
HOLD_OPEN = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM runs").fetchall()[0][0], flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _review(env: dict[str, str], db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [REVIEW, *RUN, "--db", str(db)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_two_concurrent_runs_are_serialised_and_write_once(
    child_env: dict[str, str], openalex: OpenAlexStub, tmp_path: Path, query: Query
) -> None:
    openalex.delay = 0.4  # each run then searches for a few seconds
    db = tmp_path / "evidence.duckdb"
    first, second = _review(child_env, db), _review(child_env, db)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert "another run is writing to this database" in "".join(err for _, err in outputs)
    runs = query(db, "SELECT started_at, finished_at, status FROM runs ORDER BY started_at")
    assert [r[2] for r in runs] == ["completed", "completed"]
    assert runs[0][1] <= runs[1][0], "the two runs overlapped"
    assert query(db, "SELECT count(*), count(DISTINCT record_id) FROM records") == [(5, 5)]
    pages = query(db, "SELECT search_id, count(*), max(page_no) FROM pages GROUP BY 1")
    assert pages and all(n == last == 3 for _, n, last in pages)


def test_run_survives_a_researchers_open_connection(
    review_logs_in_runs: None, openalex: OpenAlexStub, tmp_path: Path, query: Query,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from flows.update_evidence import update_evidence
    from review.params import RunParameters

    db = tmp_path / "evidence.duckdb"
    store.connect(db).close()
    monkeypatch.setenv("REVIEW_DB_WAIT", "120")
    researcher = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(db), "6"], stdout=subprocess.PIPE, text=True
    )
    assert researcher.stdout is not None and researcher.stdout.readline().strip() == "0"
    params = RunParameters(protocols=["sfi-crime"], sources=["openalex"], db=str(db))
    state = update_evidence(params, return_state=True)
    assert researcher.wait(30) == 0
    summary = state.result()
    assert summary["status"] == "completed"
    assert query(db, "SELECT count(*) FROM records") == [(5,)]
    assert query(Path(summary["snapshot"]), "SELECT count(*) FROM records") == [(5,)]
    logged = _run_logs(state.state_details.flow_run_id)
    assert any("open in another process (PID" in m and "-snapshot.duckdb" in m for m in logged)


def _run_logs(flow_run_id: Any) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    flt = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
    with get_client(sync_client=True) as client:
        return [log.message for log in client.read_logs(log_filter=flt)]


def test_killed_run_leaves_a_consistent_database_and_the_next_resumes(
    child_env: dict[str, str], openalex: OpenAlexStub, tmp_path: Path, query: Query
) -> None:
    from flows.update_evidence import update_evidence
    from review.params import RunParameters

    db = tmp_path / "evidence.duckdb"
    openalex.hold = "c2"  # page 1 is stored, then the run waits for page 2 and is killed
    victim = _review(child_env, db)
    assert openalex.held.wait(120), victim.communicate(timeout=5)
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    assert query(db, "SELECT status, pages, next_token FROM searches") == [("running", 1, "c2")]
    openalex.hold = None
    openalex.release.set()

    summary = update_evidence(
        RunParameters(protocols=["sfi-crime"], sources=["openalex"], db=str(db))
    )
    assert summary["status"] == "completed"
    assert [s["resumed"] for s in summary["searches"]] == [True, False]
    assert query(db, "SELECT status FROM runs ORDER BY started_at") == [
        ("interrupted",), ("completed",)
    ]  # fmt: skip
    assert query(db, "SELECT count(*), count(DISTINCT record_id) FROM records") == [(5, 5)]
    pages = query(db, "SELECT search_id, count(*), max(page_no) FROM pages GROUP BY 1")
    assert sorted(n for _, n, _ in pages) == [3, 3]

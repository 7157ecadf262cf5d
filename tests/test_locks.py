"""The cross-process run lock: exclusion, a clear timeout naming the holder, release on kill."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from review.errors import DatabaseLocked
from review.locks import db_lock, lock_path

HOLD = """
import sys, time
from review.locks import db_lock
with db_lock(sys.argv[1], wait_seconds=5, holder="flow run weekly-test"):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(db: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_process_waits_then_fails_naming_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "evidence.duckdb"
    holder = _holder(db)
    try:
        with (
            pytest.raises(DatabaseLocked, match=r"flow run weekly-test .*pid"),
            db_lock(db, wait_seconds=1.0),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_released_when_the_holder_is_killed(tmp_path: Path) -> None:
    db = tmp_path / "evidence.duckdb"
    holder = _holder(db)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with db_lock(db, wait_seconds=2.0, holder="next run") as path:
        assert path == lock_path(db) == tmp_path / "evidence.duckdb.lock"
        assert path.read_text().startswith("next run (pid")
    assert path.read_text() == ""


def test_two_holders_in_one_process_exclude_each_other(tmp_path: Path) -> None:
    db = tmp_path / "evidence.duckdb"
    with db_lock(db, wait_seconds=0), pytest.raises(DatabaseLocked), db_lock(db, wait_seconds=0.2):
        pass

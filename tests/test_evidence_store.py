"""Store: migrations, refusal of newer schemas, locks, idempotent upserts, CLI compatibility."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from review import runs, store
from review.errors import DatabaseLocked, SchemaTooNew, StoreError
from review.record import Record


def _records(n: int, title: str = "Title") -> list[Record]:
    return [Record(source="t", source_id=str(i), title=f"{title} {i}", year=2000) for i in range(n)]


def test_migrations_create_every_table(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "e.duckdb") as con:
        found = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        tables = {row[0] for row in found}
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()
    assert {"records", "works", "decisions", "searches", "runs", "pages", "record_hits"} <= tables
    assert version and version[0] == store.migrations()[-1][0]


def test_reopening_does_not_reapply(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    store.connect(db).close()
    with store.open_store(db) as con:
        rows = con.execute("SELECT count(*) FROM schema_version").fetchone()
    assert rows and rows[0] == len(store.migrations())


def test_newer_schema_refused(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    with store.open_store(db) as con:
        con.execute("INSERT INTO schema_version VALUES (999, '999_future.sql', now())")
    with pytest.raises(SchemaTooNew, match="newer than this review"):
        store.connect(db)


def test_older_file_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    with store.open_store(db) as con:  # simulate a file written before the later migrations
        con.execute("DELETE FROM schema_version WHERE version > 1")
        for table in ("dedupe_overrides",):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    if len(store.migrations()) == 1:
        pytest.skip("only one migration exists")
    with store.open_store(db) as con:
        rows = con.execute("SELECT max(version) FROM schema_version").fetchone()
    assert rows and rows[0] == store.migrations()[-1][0]


def test_unwritable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the database folder"):
        store.connect(blocker / "sub" / "e.duckdb")


def test_upsert_is_idempotent_and_keeps_first_seen(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "e.duckdb") as con:
        assert store.upsert_records(con, _records(50)) == store.UpsertResult(50, 0, 0)
        seen = con.execute("SELECT first_seen_at FROM records WHERE record_id = 't:3'").fetchone()
        assert store.upsert_records(con, _records(50)) == store.UpsertResult(0, 0, 50)
        changed = _records(50)
        changed[3] = Record(source="t", source_id="3", title="New title")
        assert store.upsert_records(con, changed) == store.UpsertResult(0, 1, 49)
        row = con.execute(
            "SELECT title, first_seen_at FROM records WHERE record_id = 't:3'"
        ).fetchone()
    assert row == ("New title", seen[0] if seen else None)


def test_failed_upsert_writes_nothing(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "e.duckdb") as con:
        with pytest.raises(RuntimeError), store.transaction(con):
            store.upsert_records(con, _records(5), own_transaction=False)
            raise RuntimeError("crash mid-write")
        count = con.execute("SELECT count(*) FROM records").fetchone()
    assert count == (0,)


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("ready", flush=True)
time.sleep(30)
"""


@contextmanager
def held_elsewhere(db: Path, release_after: float | None = None) -> Iterator[None]:
    """Another process holds ``db`` open inside the block (released after ``release_after``
    seconds when given)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True
    )
    release = threading.Timer(release_after or 0.0, holder.kill)
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "ready"
        if release_after is not None:
            release.start()
        yield
    finally:
        release.cancel()
        holder.kill()
        holder.wait()


def test_locked_database_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    store.connect(db).close()
    with held_elsewhere(db), pytest.raises(DatabaseLocked, match="in use by another process"):
        store.connect(db, wait_seconds=0.5)
    store.connect(db, wait_seconds=5).close()


def test_every_write_waits_review_db_wait_then_names_the_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``store.writing`` (used by runs, searches and stages alike) honours REVIEW_DB_WAIT."""
    db = tmp_path / "e.duckdb"
    store.connect(db).close()
    monkeypatch.setenv("REVIEW_DB_WAIT", "0.3")
    with held_elsewhere(db):
        started = time.monotonic()
        locked = r"query the researchers. snapshot with --db .*e-snapshot\.duckdb"
        with pytest.raises(DatabaseLocked, match=locked):
            runs.start_run(db, "run", {})
        assert time.monotonic() - started < 10  # not the 60 s runs.py once hard-coded


def test_import_waits_out_a_held_database_or_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`review import` writes through ``store.writing`` like every writer: it waits up to
    REVIEW_DB_WAIT for another process's hold, then fails with one line, nothing imported."""
    from review.cli import main

    db = tmp_path / "e.duckdb"
    store.connect(db).close()
    export = tmp_path / "export.csv"
    export.write_text("title,year,doi\nSocial caretakers in estates,2019,10.1/abc\n")
    imported = ["import", str(export), "--db", str(db)]

    monkeypatch.setenv("REVIEW_DB_WAIT", "0.3")
    with held_elsewhere(db):
        assert main(imported) == 1
    err = capsys.readouterr().err
    assert "in use by another process" in err and "Traceback" not in err, err
    with store.open_store(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM records").fetchone() == (0,)
    monkeypatch.setenv("REVIEW_DB_WAIT", "30")
    with held_elsewhere(db, release_after=1.0):
        assert main(imported) == 0
    with store.open_store(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM records").fetchone() == (1,)


def test_writers_in_one_process_take_turns(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    store.connect(db).close()
    inside, overlaps = [0], [0]

    def write(i: int) -> None:
        with store.writing(db) as con:
            inside[0] += 1
            overlaps[0] = max(overlaps[0], inside[0])
            store.upsert_records(con, _records(3, title=f"T{i}"))
            time.sleep(0.02)
            inside[0] -= 1

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps[0] == 1


def test_snapshot_is_a_readable_copy(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    with store.open_store(db) as con:
        store.upsert_records(con, _records(3))
    snapshot = store.publish_snapshot(db)
    with store.open_store(snapshot, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM records").fetchone() == (3,)


def test_duckdb_cli_from_pypi_opens_the_file(tmp_path: Path) -> None:
    cli = shutil.which("duckdb", path=os.path.dirname(sys.executable)) or shutil.which("duckdb")
    if cli is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("duckdb-cli is a dev dependency and must be installed in CI")
        pytest.skip("duckdb-cli not installed (pip install duckdb-cli)")
    db = tmp_path / "e.duckdb"
    with store.open_store(db) as con:
        store.upsert_records(con, _records(7))
    out = subprocess.run(
        [cli, "-csv", "-noheader", str(db), "-c", "SELECT count(*) FROM records"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "7"


def test_duplicate_ids_in_one_batch_keep_one(tmp_path: Path) -> None:
    older = Record(source="t", source_id="1", title="old")
    newer = Record(source="t", source_id="1", title="new")
    with store.open_store(tmp_path / "e.duckdb") as con:
        assert store.upsert_records(con, [older, newer]).inserted == 1
        assert con.execute("SELECT title FROM records").fetchall() == [("new",)]

"""End to end: `review run` through real Prefect and real DuckDB against a local OpenAlex."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from flow_helpers import rows
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.cli import main
from review.protocol import load_protocol
from review.sources import openalex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "openalex"
PAGES = {"*": "works_page1.json", "c2": "works_page2.json", "c3": "works_page3.json"}
EXPECTED = {f"openalex:W900000000{i}" for i in range(1, 6)}

pytestmark = pytest.mark.prefect


def _serve(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        body = (FIXTURES / PAGES[request.args["cursor"]]).read_bytes()
        return Response(body, 200, {"Content-Type": "application/json"})

    httpserver.expect_request("/works").respond_with_handler(handler)


def test_run_twice_stores_exact_records_then_nothing_new(
    prefect_harness: None, httpserver: HTTPServer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _serve(httpserver)
    monkeypatch.setenv("REVIEW_OPENALEX_BASE_URL", httpserver.url_for("").rstrip("/"))
    db = tmp_path / "evidence.duckdb"
    args = ["run", "--protocol", "sfi-crime", "--source", "openalex", "--db", str(db)]

    assert main(args) == 0
    records = rows(db, "SELECT record_id, doi, title, year, language FROM records ORDER BY 1")
    assert {r[0] for r in records} == EXPECTED
    assert records[2] == (
        "openalex:W9000000003", None,
        "Kriminalitetsforebyggende indsatser i udsatte boligområder: en effektevaluering",
        2015, "da",
    )  # fmt: skip
    queries = openalex.translate(load_protocol("sfi-crime"))
    searches = rows(db, "SELECT status, reported_total, fetched, pages, query_text FROM searches")
    assert sorted(s[4] for s in searches) == sorted(q.text for q in queries)
    assert all(s[:4] == ("completed", 5, 5, 3) for s in searches)
    hashes = rows(db, "SELECT record_id, content_hash, retrieved_at FROM records ORDER BY 1")
    assert "review run: completed: 5 new records" in capfd.readouterr().out

    assert main(args) == 0
    assert (
        rows(db, "SELECT record_id, content_hash, retrieved_at FROM records ORDER BY 1") == hashes
    )
    assert "review run: completed: 0 new records" in capfd.readouterr().out
    runs = rows(db, "SELECT status FROM runs ORDER BY started_at")
    assert [r[0] for r in runs] == ["completed", "completed"]
    snapshot = db.with_name("evidence-snapshot.duckdb")
    assert rows(snapshot, "SELECT count(*) FROM records") == [(5,)]

    # --replay re-parses the archived pages with no network at all
    httpserver.clear()
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM records")
    con.close()
    assert main([*args, "--replay"]) == 0
    assert {r[0] for r in rows(db, "SELECT record_id FROM records")} == EXPECTED
    assert [r[0] for r in rows(db, "SELECT kind FROM runs ORDER BY started_at")][-1] == "replay"


def test_unreachable_source_is_named_and_others_finish(
    prefect_harness: None, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Through a real `review` process, so stderr is exactly what a user sees."""
    from prefect.settings import PREFECT_API_URL

    _serve(httpserver)
    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "REVIEW_OPENALEX_BASE_URL": httpserver.url_for("").rstrip("/"),
        "REVIEW_CROSSREF_BASE_URL": "http://127.0.0.1:9",
        "REVIEW_HTTP_RETRIES": "0",
    }
    db = tmp_path / "evidence.duckdb"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "review"), "run", "--protocol", "sfi-crime",
         "--source", "openalex", "--source", "crossref", "--db", str(db), "--max-records", "3"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "crossref failed: crossref: cannot reach http://127.0.0.1:9" in done.stderr
    assert "REVIEW_CROSSREF_BASE_URL" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert rows(db, "SELECT count(*) FROM records WHERE source = 'openalex'") == [(3,)]
    statuses = rows(db, "SELECT source, status FROM searches")
    assert ("crossref", "failed") in statuses and ("openalex", "truncated") in statuses

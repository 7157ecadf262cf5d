"""Pipeline stages outside Prefect: replay of archived pages, stage availability."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review import harvest, pipeline
from review.http import HttpConfig, make_session
from review.protocol import load_protocol
from review.record import Record
from review.sources import openalex

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "openalex"
PAGES = {"*": "works_page1.json", "c2": "works_page2.json", "c3": "works_page3.json"}


@pytest.fixture
def harvested(tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    def handler(request: Request) -> Response:
        return Response((FIXTURES / PAGES[request.args["cursor"]]).read_bytes(), 200)

    httpserver.expect_request("/works").respond_with_handler(handler)
    monkeypatch.setenv("REVIEW_OPENALEX_BASE_URL", httpserver.url_for("").rstrip("/"))
    db = tmp_path / "e.duckdb"
    protocol = load_protocol("sfi-crime")
    session = make_session(HttpConfig(source="openalex", rate_per_second=1000, burst=1000))
    harvest.run_query(
        db, protocol, openalex, openalex.translate(protocol)[0], run_id="r1",  # type: ignore[arg-type]
        session_factory=lambda: session,
    )  # fmt: skip
    httpserver.clear()  # from here on, any request would fail: replay must not need one
    return db


def _titles(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db))
    try:
        return con.execute("SELECT record_id, title FROM records ORDER BY 1").fetchall()
    finally:
        con.close()


def test_replay_rebuilds_records_without_network(harvested: Path) -> None:
    before = _titles(harvested)
    con = duckdb.connect(str(harvested))
    con.execute("DELETE FROM records")
    con.close()
    counts = pipeline.replay(harvested, ["openalex"])
    assert counts == {"pages": 3, "records": 5, "new": 5, "updated": 0}
    assert _titles(harvested) == before


def test_parser_fix_reaches_old_searches(harvested: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = openalex.to_record

    def fixed(work: dict) -> Record:
        record = original(work)
        record.title = (record.title or "").upper()
        return record

    monkeypatch.setattr(openalex, "to_record", fixed)
    counts = pipeline.replay(harvested, ["openalex"])
    assert counts["updated"] == 5
    assert all(title == title.upper() for _, title in _titles(harvested))


def test_missing_stage_is_reported_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(pipeline.StageUnavailable, match=r"review\.nope\.run"):
        pipeline._entry("review.nope", "run")

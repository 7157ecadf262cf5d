"""Searches: page-by-page storage, resume after a failure or a kill, caps, shortfalls;
replay of the archived pages without network."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review import search
from review.http import HttpConfig, make_session
from review.protocol import load_protocol
from review.record import Record
from review.sources import openalex

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "openalex"
PAGES = {"*": "works_page1.json", "c2": "works_page2.json", "c3": "works_page3.json"}


def _session() -> object:
    return make_session(HttpConfig(source="openalex", rate_per_second=1000, burst=1000,
                                   max_retries=0, backoff=0.0, sleep=lambda s: None))  # fmt: skip


def _serve(httpserver: HTTPServer, fail_on: set[str]) -> list[str]:
    asked: list[str] = []

    def handler(request: Request) -> Response:
        cursor = request.args["cursor"]
        asked.append(cursor)
        if cursor in fail_on:
            return Response("<html><body>Bad gateway</body></html>", 502)
        return Response((FIXTURES / PAGES[cursor]).read_bytes(), 200)

    httpserver.expect_request("/works").respond_with_handler(handler)
    return asked


def _run(db: Path, run_id: str, max_records: int | None = None) -> search.SearchOutcome:
    protocol = load_protocol("sfi-crime")
    query = openalex.translate(protocol)[0]
    return search.fetch_query(
        db, protocol, openalex, query, run_id=run_id, max_records=max_records,  # type: ignore[arg-type]
        session_factory=_session,
    )  # fmt: skip


def _q(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVIEW_OPENALEX_BASE_URL", httpserver.url_for("").rstrip("/"))
    return tmp_path / "e.duckdb"


def test_failure_mid_search_keeps_pages_and_resumes(db: Path, httpserver: HTTPServer) -> None:
    asked = _serve(httpserver, fail_on={"c2"})
    first = _run(db, "run1")
    assert (first.status, first.fetched) == ("failed", 3)
    assert "HTTP 502" in (first.error or "")
    assert _q(db, "SELECT status, next_token, fetched FROM searches") == [("failed", "c2", 3)]

    httpserver.clear()
    asked = _serve(httpserver, fail_on=set())
    second = _run(db, "run2")
    assert second.resumed and second.search_id == first.search_id
    assert asked == ["c2", "c3"]  # continued from the stored cursor, nothing re-fetched
    assert (second.status, second.fetched, second.new) == ("completed", 5, 2)
    assert _q(db, "SELECT count(*), count(DISTINCT record_id) FROM records") == [(5, 5)]
    assert _q(db, "SELECT list(page_no ORDER BY page_no) FROM pages") == [([1, 2, 3],)]
    assert _q(db, "SELECT status, next_token, shortfall FROM searches") == [("completed", None, 0)]


def test_killed_run_resumes_without_duplicates(
    db: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve(httpserver, fail_on=set())
    real_save = search._save_page
    calls = {"n": 0}

    def save_then_die(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # killed between fetching page 2 and storing it
        real_save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "_save_page", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        _run(db, "run1")
    assert _q(db, "SELECT status, next_token, fetched FROM searches") == [("running", "c2", 3)]
    monkeypatch.setattr(search, "_save_page", real_save)
    resumed = _run(db, "run2")
    assert resumed.resumed and resumed.status == "completed"
    assert _q(db, "SELECT count(*) FROM records") == [(5,)]
    assert _q(db, "SELECT fetched, pages FROM searches") == [(5, 3)]


def test_max_records_truncates_and_says_so(db: Path, httpserver: HTTPServer) -> None:
    _serve(httpserver, fail_on=set())
    outcome = _run(db, "run1", max_records=4)
    assert (outcome.status, outcome.fetched) == ("truncated", 4)
    assert _q(db, "SELECT count(*) FROM records") == [(4,)]


def test_shortfall_recorded(db: Path, httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        body = (
            (FIXTURES / "works_page1.json")
            .read_text()
            .replace('"next_cursor": "c2"', '"next_cursor": null')
        )
        return Response(body.replace('"count": 5', '"count": 9'), 200)

    httpserver.expect_request("/works").respond_with_handler(handler)
    outcome = _run(db, "run1")
    assert (outcome.status, outcome.fetched, outcome.reported_total) == ("completed", 3, 9)
    assert _q(db, "SELECT shortfall FROM searches") == [(6,)]


def test_unmappable_item_skipped_not_fatal(db: Path, httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        body = (FIXTURES / "works_page3.json").read_text()
        return Response(body.replace('"results": []', '"results": [{"id": ""}, ' +
                        (FIXTURES / "works_page1.json").read_text().split('"results": [')[1]
                        .rsplit("]", 1)[0] + "]"), 200)  # fmt: skip

    httpserver.expect_request("/works").respond_with_handler(handler)
    outcome = _run(db, "run1")
    assert (outcome.fetched, outcome.skipped) == (3, 1)


def test_source_cap_is_complete_by_design_but_trial_cap_is_not(
    db: Path, httpserver: HTTPServer
) -> None:
    from dataclasses import replace

    from review import runs

    _serve(httpserver, fail_on=set())
    protocol = load_protocol("sfi-crime")
    query = openalex.translate(protocol)[0]
    capped = replace(query, filters={**query.filters, "max_records": "4"})
    outcome = search.fetch_query(db, protocol, openalex, capped, run_id="r1",  # type: ignore[arg-type]
                                session_factory=_session, plan_key="plan-a")  # fmt: skip
    assert (outcome.status, outcome.fetched) == ("capped", 4)
    assert runs.last_success(db, "sfi-crime", "openalex", "plan-a") is not None
    assert runs.last_success(db, "sfi-crime", "openalex", "plan-b") is None  # another plan
    trial = search.fetch_query(db, protocol, openalex, query, run_id="r2", max_records=2,  # type: ignore[arg-type]
                              session_factory=_session)  # fmt: skip
    assert trial.status == "truncated"


@pytest.fixture
def harvested(tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    def handler(request: Request) -> Response:
        return Response((FIXTURES / PAGES[request.args["cursor"]]).read_bytes(), 200)

    httpserver.expect_request("/works").respond_with_handler(handler)
    monkeypatch.setenv("REVIEW_OPENALEX_BASE_URL", httpserver.url_for("").rstrip("/"))
    db = tmp_path / "e.duckdb"
    protocol = load_protocol("sfi-crime")
    session = make_session(HttpConfig(source="openalex", rate_per_second=1000, burst=1000))
    search.fetch_query(
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
    counts = search.replay(harvested, ["openalex"])
    assert counts == {"pages": 3, "records": 5, "new": 5, "updated": 0}
    assert _titles(harvested) == before


def test_parser_fix_reaches_old_searches(harvested: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = openalex.to_record

    def fixed(work: dict) -> Record:
        record = original(work)
        record.title = (record.title or "").upper()
        return record

    monkeypatch.setattr(openalex, "to_record", fixed)
    counts = search.replay(harvested, ["openalex"])
    assert counts["updated"] == 5
    assert all(title == title.upper() for _, title in _titles(harvested))


def test_a_plan_is_searched_incrementally_only_after_a_full_search(
    db: Path, httpserver: HTTPServer
) -> None:
    """A trial (--max-queries) or a new query plan (a protocol edit, a new translation) must
    not make the next run incremental: the queries never searched in full would miss records."""
    from review import runs
    from review.sources.plan import plan_key

    _serve(httpserver, fail_on=set())
    protocol = load_protocol("sfi-crime")
    full = plan_key(protocol, "openalex")
    assert full is not None and plan_key(protocol, "openalex", max_queries=1) is None
    edited = protocol.model_copy(deep=True)
    edited.search.blocks[0].terms.append("tenement block")
    assert plan_key(edited, "openalex") not in (None, full)

    search.search_source(db, protocol, "openalex", run_id="trial", max_queries=1)
    assert runs.last_success(db, "sfi-crime", "openalex", full) is None
    search.search_source(db, protocol, "openalex", run_id="full")
    assert runs.last_success(db, "sfi-crime", "openalex", full) is not None
    assert runs.last_success(db, "sfi-crime", "openalex", plan_key(edited, "openalex")) is None

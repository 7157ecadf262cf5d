"""ERIC: conformance on every recorded payload, offset paging, faults, translation."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from fakeapi import Faults, fast_session, json_response, serve
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.errors import BadResponse, RateLimited, SourceUnavailable
from review.protocol import ConceptBlock, Protocol, SearchSpec, load_protocol
from review.sources import eric
from review.sources.base import FetchedPage, Query

SharedPath = Callable[..., Path]
ISSE = "edsoc_search_source-isse_rows2000_386docs.json"


@pytest.fixture
def folder(shared: SharedPath) -> Path:
    return shared("apis", "eric")


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with serve() as running:
        yield running


def docs(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_bytes())["response"]["docs"])


# --- conformance -------------------------------------------------------------------------


def test_every_recorded_eric_payload_parses(folder: Path) -> None:
    files = records = 0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_bytes())
        parsed = eric.parse_page(path.read_bytes())
        assert len(parsed.items) == len(data["response"]["docs"])
        assert parsed.total == data["response"]["numFound"]
        for item in data["response"]["docs"]:
            record = eric.to_record(item)
            assert record.source_id == item["id"]
            assert record.source_id[:2] in {"EJ", "ED"}
            assert (record.title is not None) == bool(item.get("title"))
            assert (record.abstract is not None) == bool(item.get("description"))
            assert record.doi is None  # no DOI field in ERIC's default output
            assert record.year == item["publicationdateyear"]
            records += 1
        files += 1
    assert (files, records) == (3, 737)  # 386 + 350 + 1 (trimmed)


def test_entities_are_unescaped_and_lists_mapped(folder: Path) -> None:
    items = docs(folder / ISSE)
    quoted = [i for i in items if "&quot;" in i.get("description", "")]
    assert quoted
    for item in quoted:
        abstract = eric.to_record(item).abstract or ""
        assert "&quot;" not in abstract and '"' in abstract
    record = eric.to_record(items[0])
    assert record.authors == items[0]["author"] and record.keywords == items[0]["subject"]
    assert record.language == "en" and record.url == f"https://eric.ed.gov/?id={items[0]['id']}"
    assert record.publication_type == "; ".join(items[0]["publicationtype"])


def test_sparse_records_and_doi_from_url(folder: Path) -> None:
    sparse = [i for i in docs(folder / "edsoc_search_source-asr_rows2000_350docs.json")
              if "language" not in i and "publicationtype" not in i]  # fmt: skip
    assert sparse
    record = eric.to_record(sparse[0])
    assert record.language is None and record.publication_type is None
    linked = eric.to_record({"id": "EJ1", "title": "t", "url": "https://doi.org/10.1080/X.1"})
    assert linked.doi == "10.1080/x.1" and linked.url == "https://doi.org/10.1080/X.1"


def test_error_payloads_raise() -> None:
    with pytest.raises(BadResponse, match="not a search response"):
        eric.parse_page(b'{"error": "bad query"}')
    with pytest.raises(BadResponse, match="HTML"):
        eric.parse_page(b"<!DOCTYPE html><html>Service unavailable</html>")


# --- paging over real HTTP -------------------------------------------------------------


class Solr:
    """Offset paging over real ERIC documents; ``cap`` mimics a server that returns fewer
    rows than asked for."""

    def __init__(self, items: list[dict[str, Any]], cap: int | None = None,
                 found: int | None = None) -> None:  # fmt: skip
        self.items, self.cap, self.found = items, cap, found
        self.starts: list[int] = []

    def __call__(self, request: Request) -> Response:
        start, rows = int(request.args["start"]), int(request.args["rows"])
        self.starts.append(start)
        rows = min(rows, self.cap or rows)
        page = self.items[start : start + rows]
        found = len(self.items) if self.found is None else self.found
        body = {"response": {"numFound": found, "start": start, "numFoundExact": True,
                             "docs": page}}  # fmt: skip
        return json_response(body)


def run(server: HTTPServer, **kwargs: Any) -> list[FetchedPage]:
    session, _ = fast_session(eric.http_config())
    base = server.url_for("").rstrip("/")
    query = Query("eric", 'source:"x"', {"fields": eric.FIELDS})
    return list(eric.fetch(session, query, base_url=base, **kwargs))


def ids(pages: list[FetchedPage]) -> list[str]:
    return [eric.to_record(item).source_id for page in pages for item in page.parsed.items]


def test_offset_paging_to_numfound(folder: Path, server: HTTPServer,
                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(eric, "ROWS", 100)
    items = docs(folder / ISSE)
    solr = Solr(items)
    server.expect_request("/").respond_with_handler(solr)
    fetched = run(server)
    assert ids(fetched) == [i["id"] for i in items]
    assert solr.starts == [0, 100, 200, 300]
    assert [p.token for p in fetched] == ["0", "100", "200", "300"]


def test_server_returning_fewer_rows_than_asked_loses_nothing(
    folder: Path, server: HTTPServer
) -> None:
    items = docs(folder / ISSE)
    solr = Solr(items, cap=150)
    server.expect_request("/").respond_with_handler(solr)
    assert ids(run(server)) == [i["id"] for i in items]
    assert solr.starts == [0, 150, 300]


def test_request_parameters_resume_and_cap(folder: Path, server: HTTPServer) -> None:
    items = docs(folder / ISSE)
    seen: list[dict[str, str]] = []
    solr = Solr(items)

    def handler(request: Request) -> Response:
        seen.append(dict(request.args))
        return solr(request)

    server.expect_request("/").respond_with_handler(handler)
    assert ids(run(server, start_token="300")) == [i["id"] for i in items[300:]]
    assert seen[0] == {"search": 'source:"x"', "format": "json", "rows": "2000",
                       "fields": eric.FIELDS, "start": "300"}  # fmt: skip
    assert len(ids(run(server, max_records=10))) == 10


def test_trimmed_payload_shortfall_is_logged(
    folder: Path, server: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    trimmed = folder / "colrev_search_blockchain_1of56_trimmed.json"
    server.expect_request("/").respond_with_handler(Solr(docs(trimmed), found=56))
    with caplog.at_level(logging.WARNING):
        assert len(ids(run(server))) == 1
    assert "empty page at start=1 of 56" in caplog.text


def test_faults_are_retried_without_loss_or_duplicates(
    folder: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eric, "ROWS", 50)
    items = docs(folder / ISSE)
    plan = {2: "429", 3: "500", 5: "timeout", 7: "truncated", 9: "html"}
    server.expect_request("/").respond_with_handler(Faults(Solr(items), plan, delay=0.8))
    assert ids(run(server)) == [i["id"] for i in items]


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [("429", RateLimited, "429"), ("html", BadResponse, "HTML"),
     ("timeout", SourceUnavailable, "cannot reach")],
)  # fmt: skip
def test_persistent_faults_raise_the_right_error(
    folder: Path, server: HTTPServer, fault: str, error: type[Exception], message: str
) -> None:
    solr = Solr(docs(folder / ISSE))
    server.expect_request("/").respond_with_handler(
        Faults(solr, dict.fromkeys(range(1, 20), fault), delay=0.6)
    )
    with pytest.raises(error, match=message) as caught:
        run(server)
    assert "eric" in str(caught.value) and "127.0.0.1" in str(caught.value)


# --- translation -------------------------------------------------------------------------


def small(**extra: Any) -> Protocol:
    blocks = [
        ConceptBlock(name="setting", terms=["public housing", "estate*"]),
        ConceptBlock(name="intervention", terms=["mentoring"]),
    ]
    return Protocol(name="t", title="t", review="school", search=SearchSpec(blocks=blocks),
                    **extra)  # fmt: skip


def test_translate_exact_string_and_limits() -> None:
    (query,) = eric.translate(small(year_from=2000, year_to=2020), since=date(2025, 6, 30))
    assert query.text == (
        '(title:("public housing" OR estate*) OR description:("public housing" OR estate*) '
        'OR subject:("public housing" OR estate*)) AND '
        "(title:(mentoring) OR description:(mentoring) OR subject:(mentoring)) AND "
        "publicationdateyear:[2000 TO 2020] AND e_yearadded:[2025 TO *]"
    )
    assert query.filters == {"fields": eric.FIELDS}


def test_overrides_keep_limits() -> None:
    spec = SearchSpec(blocks=small().search.blocks, overrides={"eric": ['subject:"Crime"']})
    protocol = Protocol(name="t", title="t", review="crime", search=spec, year_from=1990)
    (query,) = eric.translate(protocol)
    assert query.text == '(subject:"Crime") AND publicationdateyear:[1990 TO *]'


def sent_length(text: str) -> int:
    """Characters of ``search`` in the URL that requests actually sends."""
    url = requests.Request("GET", "http://eric.test/", params={"search": text}).prepare().url
    return len(urlsplit(url or "").query) - len("search=")


def test_long_strategy_is_split_under_the_url_limit() -> None:
    real = load_protocol("sfi-crime")
    queries = eric.translate(real)
    assert 1 < len(queries) <= 16  # the fewest parts: 34 when the widest block was halved
    assert all(sent_length(q.text) <= eric.MAX_QUERY for q in queries)
    for block in real.search.blocks:
        for term in block.terms:
            assert any(eric._term(term) in q.text for q in queries), term

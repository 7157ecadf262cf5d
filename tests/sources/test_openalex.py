"""OpenAlex: mapping on every recorded payload, cursor paging over HTTP, translation, errors."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.errors import BadResponse, QuotaExhausted
from review.http import HttpConfig, make_session
from review.protocol import load_protocol
from review.sources import openalex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "openalex"


def _works(data: dict) -> list[dict]:
    return data.get("results", [data])  # type: ignore[no-any-return]


def test_every_recorded_payload_maps(shared: Callable[..., Path]) -> None:
    folder = shared("apis", "openalex")
    payloads = sorted(folder.glob("*.json"))
    assert len(payloads) >= 17
    for path in payloads:
        body = path.read_bytes()
        parsed = openalex.parse_page(body)
        works = _works(json.loads(body))
        records = [openalex.to_record(item) for item in parsed.items]
        assert len(records) == len(works), path.name
        for work, record in zip(works, records, strict=True):
            assert record.source_id == work["id"].rsplit("/", 1)[1]
            assert (record.doi is not None) == bool(work.get("doi")), path.name
            assert (record.title is not None) == bool(work.get("title")), path.name
            has_abstract = bool(work.get("abstract_inverted_index"))
            assert (record.abstract is not None) == has_abstract, path.name


def test_abstract_rebuilt_in_position_order(shared: Callable[..., Path]) -> None:
    work = json.loads(
        (shared("apis", "openalex") / "dspace_works_search_1result_full-record.json").read_text()
    )["results"][0]
    record = openalex.to_record(work)
    words = sum(len(p) for p in work["abstract_inverted_index"].values())
    assert record.abstract is not None and len(record.abstract.split()) <= words
    assert openalex.rebuild_abstract({"b": [1], "a": [0, 2]}) == "a b a"
    assert record.pmid == "14907713"
    assert record.year == 1951 and record.volume == "193" and record.pages == "265-275"
    assert record.venue == "Journal of Biological Chemistry"


def test_preprint_and_types_flagged(shared: Callable[..., Path]) -> None:
    path = shared("apis", "openalex") / "zotero_work_W2101234009_preprint.json"
    record = openalex.to_record(json.loads(path.read_text()))
    assert "preprint" in record.flags


def _cassette_body(path: Path) -> tuple[bytes, str]:
    interaction = yaml.safe_load(path.read_text())["interactions"][-1]["response"]
    raw = interaction["body"]["string"]
    body = raw if isinstance(raw, bytes) else raw.encode()
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    return body, interaction["headers"].get("Content-Type", [""])[0]


def test_html_404_from_recorded_cassette_is_bad_response(shared: Callable[..., Path]) -> None:
    body, content_type = _cassette_body(shared("apis", "openalex") / "paperqa_work_by_doi_404.yaml")
    assert content_type.startswith("text/html")
    with pytest.raises(BadResponse, match="expected JSON but got"):
        openalex.parse_page(body, "https://api.openalex.org/works/doi")


def test_truncated_and_error_pages() -> None:
    with pytest.raises(BadResponse, match="invalid JSON"):
        openalex.parse_page(b'{"meta": {"count": 3}, "results": [{"id"')
    with pytest.raises(BadResponse, match="API error"):
        openalex.parse_page(b'{"error": "Invalid query parameters", "message": "bad filter"}')


def _serve_chain(httpserver: HTTPServer, seen: list[dict]) -> None:
    pages = {"*": "works_page1.json", "c2": "works_page2.json", "c3": "works_page3.json"}

    def handler(request: Request) -> Response:
        seen.append(dict(request.args))
        return Response((FIXTURES / pages[request.args["cursor"]]).read_bytes(), 200,
                        {"Content-Type": "application/json"})  # fmt: skip

    httpserver.expect_request("/works").respond_with_handler(handler)


def _session() -> object:
    return make_session(HttpConfig(source="openalex", rate_per_second=1000, burst=1000,
                                   backoff=0.01, sleep=lambda s: None))  # fmt: skip


def test_cursor_paging_to_the_end(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENALEX_API_KEY", "SECRET-KEY")
    seen: list[dict] = []
    _serve_chain(httpserver, seen)
    query = openalex.translate(load_protocol("sfi-crime"))[0]
    pages = list(openalex.fetch(_session(), query, base_url=httpserver.url_for("")))  # type: ignore[arg-type]
    assert [p.token for p in pages] == ["*", "c2", "c3"]
    assert sum(len(p.parsed.items) for p in pages) == 5
    assert all("SECRET-KEY" not in p.url and "api_key=***" in p.url for p in pages)
    assert seen[0]["api_key"] == "SECRET-KEY" and seen[0]["per_page"] == "100"
    assert seen[0]["filter"].startswith("title_and_abstract.search:")


def test_resume_from_token_and_max_records(httpserver: HTTPServer) -> None:
    seen: list[dict] = []
    _serve_chain(httpserver, seen)
    query = openalex.translate(load_protocol("sfi-crime"))[0]
    base = httpserver.url_for("")
    resumed = list(openalex.fetch(_session(), query, base_url=base, start_token="c2"))  # type: ignore[arg-type]
    assert [p.token for p in resumed] == ["c2", "c3"]
    capped = list(openalex.fetch(_session(), query, base_url=base, max_records=2))  # type: ignore[arg-type]
    assert len(capped) == 1 and seen[-1]["per_page"] == "2"


def test_quota_429_stops(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/works").respond_with_json(
        {"error": "Rate limit exceeded", "message": "daily credit limit reached"}, status=429,
        headers={"X-RateLimit-Remaining": "0"},
    )  # fmt: skip
    query = openalex.translate(load_protocol("sfi-crime"))[0]
    config = openalex.http_config()
    config.sleep, config.backoff = (lambda s: None), 0.01
    with pytest.raises(QuotaExhausted, match="openalex: daily quota"):
        list(openalex.fetch(make_session(config), query, base_url=httpserver.url_for("")))


def test_translation_fits_url_limit_and_keeps_every_term() -> None:
    protocol = load_protocol("sfi-crime")
    queries = openalex.translate(protocol)
    assert all(len(q.text) < openalex.MAX_FILTER_CHARS for q in queries)
    sent = " ".join(q.text for q in queries)
    for block in protocol.search.blocks:
        for term in block.terms:
            assert term.replace("*", "").strip() in sent
    assert queries[0].filters == {"from_publication_date": "1990-01-01"}
    assert " AND " in queries[0].text and "*" not in queries[0].text


def test_since_filter_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    protocol = load_protocol("sfi-crime")
    monkeypatch.setenv("OPENALEX_PREMIUM", "1")
    assert openalex.translate(protocol, date(2026, 1, 5))[0].filters["from_created_date"] == (
        "2026-01-05"
    )
    monkeypatch.delenv("OPENALEX_PREMIUM")
    assert openalex.translate(protocol, date(2026, 1, 5))[0].filters["from_publication_date"] == (
        "2025-01-05"
    )
    custom = protocol.model_copy(
        update={"search": protocol.search.model_copy(update={"overrides": {"openalex": ["x"]}})}
    )
    assert [q.text for q in openalex.translate(custom)] == ["x"]


def test_gzip_cassette_helper_roundtrip() -> None:
    body = gzip.compress(b"{}")
    assert gzip.decompress(base64.b64decode(base64.b64encode(body))) == b"{}"


def test_truncated_200_page_is_requested_again(httpserver: HTTPServer) -> None:
    served: list[str] = []

    def handler(request: Request) -> Response:
        cursor = request.args["cursor"]
        body = (FIXTURES / {"*": "works_page1.json", "c2": "works_page2.json",
                            "c3": "works_page3.json"}[cursor]).read_bytes()  # fmt: skip
        served.append(cursor)
        if cursor == "c2" and served.count("c2") == 1:
            return Response(body[: len(body) // 2], 200)  # cut off mid-stream
        return Response(body, 200)

    httpserver.expect_request("/works").respond_with_handler(handler)
    query = openalex.translate(load_protocol("sfi-crime"))[0]
    pages = list(openalex.fetch(_session(), query, base_url=httpserver.url_for("")))  # type: ignore[arg-type]
    ids = [w["id"] for p in pages for w in p.parsed.items]
    assert served == ["*", "c2", "c2", "c3"] and len(ids) == len(set(ids)) == 5

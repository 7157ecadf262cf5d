"""Crossref: conformance on every recorded payload, cursor paging, faults, translation."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fakeapi import Faults, cassette, cassette_bodies, fast_session, json_response, serve
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.errors import BadResponse, RateLimited, SourceUnavailable
from review.protocol import ConceptBlock, Protocol, SearchSpec, load_protocol, load_protocols
from review.sources import crossref
from review.sources.base import FetchedPage, Query
from review.sources.query import words

SharedPath = Callable[..., Path]


@pytest.fixture
def folder(shared: SharedPath) -> Path:
    return shared("apis", "crossref")


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with serve() as running:
        yield running


def raw_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The works in a payload, read independently of ``parse_page``."""
    message = data["message"]
    return [message] if data["message-type"] == "work" else message["items"]


# --- conformance -------------------------------------------------------------------------


def test_every_recorded_crossref_payload_parses(folder: Path) -> None:
    parsed = errors = records = 0
    for path in cassette_bodies(folder, "api.crossref.org"):
        body = path.read_bytes()
        data = json.loads(body)
        if data.get("status") == "failed":
            with pytest.raises(BadResponse, match="cursor-invalid"):
                crossref.parse_page(body)
            errors += 1
            continue
        page = crossref.parse_page(body)
        items = raw_items(data)
        assert len(page.items) == len(items), path.name
        for item in items:
            record = crossref.to_record(item)
            assert (record.doi is not None) == bool(item.get("DOI")), path.name
            assert (record.title is not None) == bool(item.get("title")), path.name
            assert (record.abstract is not None) == bool(item.get("abstract")), path.name
            assert record.source_id == item["DOI"].lower()
            records += 1
        parsed += 1
    # SOURCES.md: 33 Crossref JSON bodies (the S2 bodies in the paperqa cassette excluded).
    assert (parsed, errors) == (32, 1)
    assert records == 183  # 5x20 + 4x5 + 20 + 2 + 20 + 6 + 2 + 2 + 11 singletons


def test_jats_abstracts_are_stripped_and_authors_are_family_given(folder: Path) -> None:
    data = json.loads(
        (
            folder / "habanero_works_query-ecology_query.author-boettiger.interaction-1.json"
        ).read_bytes()
    )
    with_jats = [item for item in raw_items(data) if "<jats:" in item.get("abstract", "")]
    assert with_jats
    for item in with_jats:
        record = crossref.to_record(item)
        assert record.abstract and "<" not in record.abstract and "jats" not in record.abstract
        assert not record.abstract.lower().startswith("abstract ")
    record = crossref.to_record(with_jats[0])
    first = with_jats[0]["author"][0]
    assert record.authors[0] == f"{first['family']}, {first['given']}"


def test_posted_content_is_flagged_preprint(folder: Path) -> None:
    items = [
        item
        for path in cassette_bodies(folder, "api.crossref.org")
        if json.loads(path.read_bytes()).get("status") == "ok"
        for item in raw_items(json.loads(path.read_bytes()))
    ]
    preprints = [item for item in items if item.get("type") == "posted-content"]
    assert preprints
    assert all("preprint" in crossref.to_record(item).flags for item in preprints)
    articles = [item for item in items if item.get("type") == "journal-article"]
    assert not any("preprint" in crossref.to_record(item).flags for item in articles)


def test_retraction_and_correction_flags() -> None:
    notice = {"DOI": "10.1/x", "update-to": [{"type": "retraction", "DOI": "10.1/y"}]}
    retracted = {"DOI": "10.1/y", "updated-by": [{"type": "retraction", "DOI": "10.1/x"}]}
    erratum = {"DOI": "10.1/z", "update-to": [{"type": "correction", "DOI": "10.1/y"}]}
    assert crossref.to_record(notice).flags == ["retraction_notice"]
    assert crossref.to_record(retracted).flags == ["retracted"]
    assert crossref.to_record(erratum).flags == ["erratum"]


def test_parse_page_rejects_html_and_truncated_json() -> None:
    with pytest.raises(BadResponse, match="HTML"):
        crossref.parse_page(b"<html><body>Service Unavailable</body></html>")
    with pytest.raises(BadResponse, match="invalid JSON"):
        crossref.parse_page(b'{"status":"ok","message-type":"work-list","message":{"ite')


# --- paging over real HTTP -------------------------------------------------------------


class Scroll:
    """A Crossref scroll: every request with the live scroll id returns the *next* page."""

    def __init__(self, pages: list[bytes], total: int | None = None) -> None:
        self.pages = [self._with_total(page, total) for page in pages]
        self.scroll_id = json.loads(pages[0])["message"]["next-cursor"]
        self.position = 0
        self.cursors: list[str] = []

    @staticmethod
    def _with_total(page: bytes, total: int | None) -> bytes:
        if total is None:
            return page
        data = json.loads(page)
        data["message"]["total-results"] = total
        return json.dumps(data).encode()

    def __call__(self, request: Request) -> Response:
        cursor = request.args.get("cursor", "")
        self.cursors.append(cursor)
        if cursor == "*":
            self.position = 0
        elif cursor != self.scroll_id:
            failure = {"status": "failed", "message-type": "resource-failure", "message": []}
            return json_response(failure, status=404)
        if self.position >= len(self.pages):
            return json_response(self._empty())
        self.position += 1
        return json_response(self.pages[self.position - 1])

    def _empty(self) -> dict[str, Any]:
        data = json.loads(self.pages[-1])
        data["message"]["items"] = []
        return data


def chain_pages(folder: Path, stem: str, numbers: list[int]) -> list[bytes]:
    return [(folder / f"{stem}.interaction-{n}.json").read_bytes() for n in numbers]


def dois(pages: list[bytes]) -> list[str]:
    return [item["DOI"].lower() for page in pages for item in json.loads(page)["message"]["items"]]


def run(server: HTTPServer, query: Query, **kwargs: Any) -> list[FetchedPage]:
    session, _ = fast_session(crossref.http_config())
    base = server.url_for("").rstrip("/")
    return list(crossref.fetch(session, query, base_url=base, **kwargs))


def fetched_dois(pages: list[FetchedPage]) -> list[str]:
    return [crossref.to_record(item).source_id for page in pages for item in page.parsed.items]


QUERY = Query("crossref", "widget", {"filter": "from-pub-date:1990-01-01"})


@pytest.mark.parametrize(
    ("stem", "numbers", "rows"),
    [
        ("habanero_cursor_max_query-widget", [1, 2, 3], 20),
        ("habanero_members98_works_cursor_rows5", [1, 2, 3, 4], 5),
    ],
)
def test_cursor_chain_is_followed_to_the_end(
    folder: Path,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    stem: str,
    numbers: list[int],
    rows: int,
) -> None:
    monkeypatch.setattr(crossref, "ROWS", rows)
    pages = chain_pages(folder, stem, numbers)
    scroll = Scroll(pages, total=rows * len(numbers))
    server.expect_request("/works").respond_with_handler(scroll)
    fetched = run(server, QUERY)
    assert fetched_dois(fetched) == dois(pages)
    # The cursor never changes after the first page, yet the loop went on to the end.
    # total-results reached: no request for the terminal empty page.
    assert scroll.cursors == ["*"] + [scroll.scroll_id] * (len(numbers) - 1)
    assert [page.token for page in fetched] == scroll.cursors
    recorded = unquote(cassette(folder / f"{stem}.yaml")[1]["request"]["uri"])
    assert scroll.scroll_id in recorded  # the fake scroll id is the real recorded one


def test_total_reached_and_terminal_empty_page_stop_the_loop(
    folder: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crossref, "ROWS", 2)
    first = (folder / "litstudy_works_query-litstudy_select-DOI_cursor-first.json").read_bytes()
    last = (folder / "litstudy_works_query-litstudy_select-DOI_cursor-last-empty.json").read_bytes()
    bodies = iter([first, last])
    server.expect_request("/works").respond_with_handler(lambda r: json_response(next(bodies)))
    fetched = run(server, Query("crossref", "litstudy"))
    assert [len(page.parsed.items) for page in fetched] == [2]  # total-results 2 reached
    # Resuming mid-chain on the real terminal page (items [], cursor still there) ends the
    # loop instead of re-requesting the cursor forever (habanero#78).
    resumed = run(server, Query("crossref", "litstudy"), start_token="stored")
    assert [len(page.parsed.items) for page in resumed] == [0]
    assert resumed[0].parsed.next_token and resumed[0].token == "stored"


def test_request_parameters_and_redacted_url(folder: Path, server: HTTPServer) -> None:
    pages = chain_pages(folder, "habanero_cursor_max_query-widget", [1])
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.args))
        return json_response(pages[0])

    server.expect_request("/works").respond_with_handler(handler)
    fetched = run(server, QUERY, max_records=5)
    assert seen == [
        {
            "query.bibliographic": "widget",
            "rows": "5",
            "cursor": "*",
            "filter": "from-pub-date:1990-01-01",
        }
    ]
    assert fetched[0].url.startswith(server.url_for("/works"))
    assert len(fetched) == 1  # max_records reached


def test_query_cap_from_translate_is_honoured(folder: Path, server: HTTPServer) -> None:
    pages = chain_pages(folder, "habanero_cursor_max_query-widget", [1, 2, 3])
    scroll = Scroll(pages)
    server.expect_request("/works").respond_with_handler(scroll)
    fetched = run(server, Query("crossref", "widget", {"max_records": "20"}))
    assert fetched_dois(fetched) == dois(pages)[:20]
    assert scroll.cursors == ["*"]


def test_lost_page_is_recovered_by_restarting_the_chain(
    folder: Path,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(crossref, "ROWS", 20)
    pages = chain_pages(folder, "habanero_cursor_max_query-widget", [1, 2, 3])
    scroll = Scroll(pages, total=60)
    faults = Faults(scroll, {2: "timeout", 5: "truncated"}, delay=0.8)
    server.expect_request("/works").respond_with_handler(faults)
    with caplog.at_level(logging.WARNING):
        got = fetched_dois(run(server, QUERY))
    assert sorted(got) == sorted(dois(pages)) and len(got) == len(set(got)) == 60
    assert "restarting from '*'" in caplog.text


def test_shortfall_that_cannot_be_recovered_is_logged(
    folder: Path,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(crossref, "ROWS", 20)
    pages = chain_pages(folder, "habanero_cursor_max_query-widget", [1, 2, 3])
    scroll = Scroll(pages)  # total-results 454, but the chain ends after 60
    server.expect_request("/works").respond_with_handler(scroll)
    with caplog.at_level(logging.WARNING):
        got = fetched_dois(run(server, QUERY))
    assert got == dois(pages)
    # Stopped on the empty page (not on the unchanged cursor), then one restart from "*".
    chain = ["*"] + [scroll.scroll_id] * 3
    assert scroll.cursors == chain + chain
    assert "still 60 of 454" in caplog.text


def test_429_500_and_html_are_retried_without_loss_or_duplicates(
    folder: Path,
    server: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(crossref, "ROWS", 5)
    pages = chain_pages(folder, "habanero_members98_works_cursor_rows5", [1, 2, 3, 4])
    faults = Faults(Scroll(pages, total=20), {2: "429", 3: "500", 5: "500"})
    server.expect_request("/works").respond_with_handler(faults)
    session, sleeps = fast_session(crossref.http_config())
    base = server.url_for("").rstrip("/")
    fetched = list(crossref.fetch(session, QUERY, base_url=base))
    assert fetched_dois(fetched) == dois(pages)  # in order, once each
    assert 7.0 in sleeps  # Retry-After honoured


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        ("429", RateLimited, "429"),
        ("500", BadResponse, "HTTP 500"),
        ("truncated", BadResponse, "invalid JSON"),
        ("html", BadResponse, "HTML"),
        ("timeout", SourceUnavailable, "cannot reach"),
    ],
)
def test_persistent_faults_raise_the_right_error(
    folder: Path, server: HTTPServer, fault: str, error: type[Exception], message: str
) -> None:
    pages = chain_pages(folder, "habanero_cursor_max_query-widget", [1])
    faults = Faults(lambda r: json_response(pages[0]), dict.fromkeys(range(1, 20), fault))
    faults.delay = 0.6
    server.expect_request("/works").respond_with_handler(faults)
    with pytest.raises(error, match=message) as caught:
        run(server, QUERY)
    assert "crossref" in str(caught.value) and "/works" in str(caught.value)
    assert caught.value.source == "crossref"  # type: ignore[attr-defined]


def test_invalid_cursor_404_is_not_retried(folder: Path, server: HTTPServer) -> None:
    body = (folder / "habanero_cursor_invalid_404.interaction-1.json").read_bytes()
    calls: list[int] = []

    def handler(request: Request) -> Response:
        calls.append(1)
        return json_response(body, status=404)

    server.expect_request("/works").respond_with_handler(handler)
    with pytest.raises(BadResponse, match=r"HTTP 404.*cursor-invalid"):
        run(server, QUERY, start_token="thing")
    assert len(calls) == 1


# --- translation -------------------------------------------------------------------------


def small_protocol(**extra: Any) -> Protocol:
    blocks = [
        ConceptBlock(name="setting", terms=["public housing", "council estate*"]),
        ConceptBlock(name="intervention", terms=["CCTV", '"street lighting"']),
        ConceptBlock(name="outcome", terms=["crime"]),
    ]
    return Protocol(name="t", title="t", review="crime", search=SearchSpec(blocks=blocks), **extra)


def test_translate_combines_setting_and_intervention_bags() -> None:
    queries = crossref.translate(small_protocol(year_from=1990, year_to=2024))
    # Two bags per block would be 4 queries; these four terms fit one bag per block.
    assert [q.text for q in queries] == ["public housing council estate cctv street lighting"]
    assert queries[0].label == "setting[1/1] x intervention[1/1]"
    assert all(q.source == "crossref" for q in queries)
    types = ",".join(f"type:{kind}" for kind in crossref.STUDY_TYPES)
    assert queries[0].filters == {
        "max_records": str(crossref.TOP_N),
        "filter": f"{types},from-pub-date:1990-01-01,until-pub-date:2024-12-31",
    }


def test_translate_sends_central_bags_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crossref, "MAX_BAG_WORDS", 2)
    queries = crossref.translate(small_protocol())
    assert [q.label for q in queries] == [
        "setting[1/2] x intervention[1/2]",
        "setting[1/2] x intervention[2/2]",
        "setting[2/2] x intervention[1/2]",
        "setting[2/2] x intervention[2/2]",
    ]
    assert queries[0].text == "public housing cctv"


def test_translate_since_and_overrides() -> None:
    spec = SearchSpec(
        blocks=[ConceptBlock(name="a", terms=["x"])], overrides={"crossref": ["exact words"]}
    )
    protocol = Protocol(name="t", title="t", review="crime", search=spec)
    (query,) = crossref.translate(protocol, since=date(2025, 3, 1))
    assert query.text == "exact words" and query.label == "override"
    types = ",".join(f"type:{kind}" for kind in crossref.STUDY_TYPES)
    assert query.filters["filter"] == f"{types},from-index-date:2025-03-01"


def test_translate_real_protocol_stays_short() -> None:
    protocol = load_protocol("sfi-crime")
    queries = crossref.translate(protocol)
    setting, intervention = protocol.search.blocks[0], protocol.search.blocks[1]
    assert len(queries) <= 150 < len(setting.terms) * len(intervention.terms)
    assert len({q.text for q in queries}) == len(queries)
    assert all("*" not in q.text and '"' not in q.text for q in queries)
    assert max(len(q.text.split()) for q in queries) <= 2 * crossref.MAX_BAG_WORDS


def test_every_old_term_pair_is_still_in_one_query() -> None:
    """Recall floor: each setting x intervention pair's words all sit in one query."""
    for protocol in load_protocols():
        setting, intervention = protocol.search.blocks[0], protocol.search.blocks[1]
        sent = [set(q.text.split()) for q in crossref.translate(protocol)]
        for a, b in itertools.product(setting.terms, intervention.terms):
            pair = set(words(a)) | set(words(b))
            assert any(pair <= query for query in sent), (protocol.name, a, b)

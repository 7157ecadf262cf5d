"""Semantic Scholar: conformance on every recorded payload, bulk token paging, faults."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from fakeapi import Faults, cassette, fast_session, json_response, serve
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.errors import BadResponse, RateLimited, SourceUnavailable
from review.protocol import ConceptBlock, Protocol, SearchSpec, load_protocol
from review.sources import semanticscholar as s2
from review.sources.base import FetchedPage, Query

SharedPath = Callable[..., Path]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "semanticscholar"
CHAIN = "s2client_search_bulk_kubernetes_token_2pages"
QUERY = Query("semanticscholar", "kubernetes", {"year": "1990-"})
# Search pages (relevance and bulk): file -> number of papers (SOURCES.md).
PAGES = {
    "litstudy_graph_search_exascale_offset0_limit100.json": 100,
    "litstudy_graph_search_litstudy_1result.json": 1,
    f"{CHAIN}.interaction-1.json": 1000,
    f"{CHAIN}.interaction-2.json": 1000,
    "s2client_search_editdistance_85_then_400_2023-12.interaction-1.json": 85,
    "s2client_search_turing_fullfields_2pages_2023-12.interaction-1.json": 100,
    "s2client_search_turing_fullfields_2pages_2023-12.interaction-2.json": 100,
    "s2client_search_turing_publicationTypes.interaction-1.json": 100,
    "s2client_search_turing_publicationTypes.interaction-2.json": 100,
    "s2client_search_turing_year-range_fields-year.interaction-1.json": 47,
}
# Error bodies of our API: file -> the message BadResponse must carry.
ERRORS = {
    "s2client_400_bad_fields.interaction-1.json": "Unrecognized or unsupported fields",
    "s2client_404_not_found.interaction-1.json": "Paper with id 0 not found",
    "s2client_404_not_found.interaction-2.json": "Author with id 0 not found",
    "s2client_search_editdistance_85_then_400_2023-12.interaction-2.json": "limit and/or offset",
}
# Not what we request: the /paper/batch array and the retired v1 API.
FOREIGN = {
    "s2client_paper_batch_POST_with-null.interaction-1.json": "JSON list",
    "litstudy_v1_paper_PMID19872477_deprecated-v1.json": "retired v1 API",
}


@pytest.fixture
def folder(shared: SharedPath) -> Path:
    return shared("apis", "semanticscholar")


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with serve() as running:
        yield running


def check_paper(item: dict[str, Any], name: str) -> None:
    """The record has DOI, title and abstract exactly where the raw paper has them."""
    record = s2.to_record(item)
    assert (record.doi is not None) == bool((item.get("externalIds") or {}).get("DOI")), name
    assert (record.title is not None) == bool(item.get("title")), name
    assert (record.abstract is not None) == bool(item.get("abstract")), name
    assert record.source_id == item["paperId"]


# --- conformance -------------------------------------------------------------------------


def test_every_recorded_s2_payload_parses_or_is_rejected(folder: Path) -> None:
    parsed = records = 0
    for name, expected in PAGES.items():
        body = (folder / name).read_bytes()
        page = s2.parse_page(body)
        raw = json.loads(body)
        assert len(page.items) == expected == len(raw["data"]), name
        assert page.total == raw["total"] and page.next_token == raw.get("token"), name
        for item in page.items:
            check_paper(item, name)
            records += 1
        parsed += 1
    for name, message in {**ERRORS, **FOREIGN}.items():
        with pytest.raises(BadResponse, match=message):
            s2.parse_page((folder / name).read_bytes())
    # The batch answer is not a search page, but its papers are real: they map (null skipped).
    batch = json.loads(
        (folder / "s2client_paper_batch_POST_with-null.interaction-1.json").read_bytes()
    )
    assert batch[0] is None
    for item in batch[1:]:
        check_paper(item, "batch")
    covered = len(PAGES) + len(ERRORS) + len(FOREIGN)
    assert len(list(folder.glob("*.json"))) == covered  # every body in the folder is covered
    assert (parsed, records, len(ERRORS) + len(FOREIGN)) == (10, 2633, 6)


def test_full_field_pages_map_ids_authors_and_preprints(folder: Path) -> None:
    body = folder / "s2client_search_turing_fullfields_2pages_2023-12.interaction-2.json"
    records = [s2.to_record(item) for item in s2.parse_page(body.read_bytes()).items]
    first = records[0]
    assert (first.doi, first.pmid, first.pmcid) == ("10.1038/srep03016", "24145394", "PMC3804860")
    assert sum(r.abstract is not None for r in records) == 71  # SOURCES.md: abs=71 per page
    arxiv = [r for r in records if r.venue == "ArXiv"]
    assert arxiv and all("preprint" in r.flags for r in arxiv)
    assert all(not r.flags for r in records if r.venue != "ArXiv")


def test_own_fixture_edge_cases() -> None:
    page = s2.parse_page((FIXTURES / "bulk_last_page.json").read_bytes())
    journal, preprint, bare = (s2.to_record(item) for item in page.items)
    assert page.next_token is None and page.total == 2674
    assert journal.authors == ["van Beethoven, Ludwig", "Plato"]
    assert (journal.title, journal.abstract, journal.year) == (
        "Kubernetes in public housing?",
        None,
        2021,
    )
    assert (journal.pmcid, journal.pages, journal.publication_type) == (
        "PMC7654321", "10-20", "JournalArticle; Review",
    )  # fmt: skip
    assert preprint.flags == ["preprint"] and preprint.publication_type is None
    assert (bare.doi, bare.abstract, bare.authors, bare.flags) == (
        None,
        None,
        ["Nguyen, Huy L."],
        ["preprint"],
    )
    with pytest.raises(ValueError, match="not a paper"):
        s2.to_record(None)


def test_bad_bodies_raise_bad_response() -> None:
    with pytest.raises(BadResponse, match="HTML"):
        s2.parse_page(b"<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(BadResponse, match="invalid JSON"):
        s2.parse_page(b'{"total": 5, "data": [{"paperId"')
    with pytest.raises(BadResponse, match="Too Many Requests"):
        s2.parse_page(b'{"message": "Too Many Requests"}')


# --- paging over the recorded token chain --------------------------------------------------


class Bulk:
    """Serves the recorded chain by token: no token -> page 1, page-1 token -> page 2, ..."""

    def __init__(self, folder: Path) -> None:
        first = (folder / f"{CHAIN}.interaction-1.json").read_bytes()
        second = (folder / f"{CHAIN}.interaction-2.json").read_bytes()
        last = (FIXTURES / "bulk_last_page.json").read_bytes()
        self.pages = {None: first, json.loads(first)["token"]: second,
                      json.loads(second)["token"]: last}  # fmt: skip
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(dict(request.args))
        body = self.pages.get(request.args.get("token"))
        if body is None:
            return json_response({"error": "bad token"}, status=400)
        return json_response(body)


def run(
    server: HTTPServer, handler: Callable[[Request], Response], **kwargs: Any
) -> list[FetchedPage]:
    server.expect_request("/paper/search/bulk").respond_with_handler(handler)
    session, _ = fast_session(s2.http_config())
    base = server.url_for("").rstrip("/")
    return list(s2.fetch(session, QUERY, base_url=base, **kwargs))


def ids(pages: list[FetchedPage]) -> list[str]:
    return [item["paperId"] for page in pages for item in page.parsed.items]


def test_recorded_cassette_is_what_we_replay(folder: Path) -> None:
    uris = [i["request"]["uri"] for i in cassette(folder / f"{CHAIN}.yaml")]
    first = json.loads((folder / f"{CHAIN}.interaction-1.json").read_bytes())
    assert "/paper/search/bulk?query=kubernetes" in uris[0] and "token=" not in uris[0]
    assert f"token={first['token']}" in uris[1]


def test_token_chain_is_followed_to_the_end(folder: Path, server: HTTPServer) -> None:
    bulk = Bulk(folder)
    pages = run(server, bulk)
    got = ids(pages)
    assert len(got) == len(set(got)) == 2003
    assert [p.token for p in pages] == list(bulk.pages)  # each page knows the token that got it
    assert [r.get("token") for r in bulk.requests] == list(bulk.pages)
    assert all(r["fields"] == s2.FIELDS and r["query"] == "kubernetes" for r in bulk.requests)
    assert all(r["year"] == "1990-" for r in bulk.requests)
    assert pages[-1].parsed.next_token is None and {p.parsed.total for p in pages} == {2674}
    resumed = run(server, Bulk(folder), start_token=pages[0].parsed.next_token)
    assert ids(pages[:1]) + ids(resumed) == got


def test_max_records_stops_after_the_page_that_reaches_it(folder: Path, server: HTTPServer) -> None:
    pages = run(server, Bulk(folder), max_records=1500)
    assert len(pages) == 2


def test_api_key_header_is_sent_and_never_shown(
    folder: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "S2-SECRET")
    seen: list[str | None] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("x-api-key"))
        return json_response((FIXTURES / "bulk_last_page.json").read_bytes())

    pages = run(server, handler)
    assert seen == ["S2-SECRET"]
    assert "S2-SECRET" not in pages[0].url + repr(pages[0].parsed)


# --- faults --------------------------------------------------------------------------------


def test_429_with_and_without_retry_after_500_timeout_truncated_html_lose_nothing(
    folder: Path, server: HTTPServer
) -> None:
    calls = {"n": 0}

    def gateway(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:  # S2's gateway 429: no Retry-After
            return json_response({"message": "Too Many Requests"}, status=429)
        return faults(request)

    plan = {1: "429", 3: "500", 4: "truncated", 6: "timeout", 7: "html"}
    faults = Faults(Bulk(folder), plan, delay=0.6)
    server.expect_request("/paper/search/bulk").respond_with_handler(gateway)
    session, sleeps = fast_session(s2.http_config())
    pages = list(s2.fetch(session, QUERY, base_url=server.url_for("").rstrip("/")))
    assert ids(pages) == ids(run_clean(folder))
    assert 7.0 in sleeps  # Retry-After honoured when present


def run_clean(folder: Path) -> list[FetchedPage]:
    with serve() as clean:
        return run(clean, Bulk(folder))


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [("429", RateLimited, "429"), ("500", BadResponse, "HTTP 500"),
     ("truncated", BadResponse, "invalid JSON"), ("html", BadResponse, "HTML"),
     ("timeout", SourceUnavailable, "cannot reach")],
)  # fmt: skip
def test_persistent_faults_raise_the_right_error(
    folder: Path, server: HTTPServer, fault: str, error: type[Exception], message: str
) -> None:
    faults = Faults(Bulk(folder), dict.fromkeys(range(1, 20), fault), delay=0.6)
    with pytest.raises(error, match=message) as caught:
        run(server, faults)
    assert caught.value.source == "semanticscholar"  # type: ignore[attr-defined]
    assert "/paper/search/bulk" in caught.value.url  # type: ignore[attr-defined]


def test_offset_400_is_a_bad_response_and_not_retried(folder: Path, server: HTTPServer) -> None:
    body = (
        folder / "s2client_search_editdistance_85_then_400_2023-12.interaction-2.json"
    ).read_bytes()
    calls: list[int] = []

    def handler(request: Request) -> Response:
        calls.append(1)
        return json_response(body, status=400)

    with pytest.raises(BadResponse, match="limit and/or offset is not available"):
        run(server, handler)
    assert len(calls) == 1


# --- translation ---------------------------------------------------------------------------


def protocol(**kwargs: Any) -> Protocol:
    blocks = [
        ConceptBlock(name="setting", terms=["public housing", "council estate*"]),
        ConceptBlock(name="intervention", terms=["CCTV", "mentoring"]),
        ConceptBlock(name="outcome", terms=["crime", "criminal*", "quasi-experiment*"]),
    ]
    spec = kwargs.pop("search", SearchSpec(blocks=blocks))
    return Protocol(name="t", title="t", review="crime", search=spec, **kwargs)


def test_terms_follow_bulk_syntax() -> None:
    assert s2.s2_term("public housing") == '"public housing"'
    assert s2.s2_term("council estate*") == '"council estate"'  # no * inside phrases
    assert s2.s2_term("criminal*") == "criminal*"
    assert s2.s2_term("quasi-experiment*") == '"quasi-experiment"'


def test_translate_exact_string_and_year_filter() -> None:
    [query] = s2.translate(protocol(year_from=1990))
    assert query.text == (
        '("public housing" | "council estate") + (CCTV | mentoring) + '
        '(crime | criminal* | "quasi-experiment")'
    )
    assert query.filters == {"year": "1990-"}
    assert s2.translate(protocol(year_from=1990, year_to=2020))[0].filters == {"year": "1990-2020"}
    assert s2.translate(protocol(year_to=2020))[0].filters == {"year": "-2020"}
    assert s2.translate(protocol())[0].filters == {}


def test_since_uses_publication_date_and_keeps_the_year_limits() -> None:
    since = date(2024, 5, 1)
    assert s2.translate(protocol(year_from=1990), since)[0].filters == {
        "publicationDateOrYear": "2024-05-01:"
    }
    assert s2.translate(protocol(year_from=2025, year_to=2026), since)[0].filters == {
        "publicationDateOrYear": "2025-01-01:2026-12-31"
    }


def test_translate_overrides_replace_the_blocks() -> None:
    spec = SearchSpec(blocks=[ConceptBlock(name="a", terms=["x"])],
                      overrides={"semanticscholar": '"public housing" + crime'})  # fmt: skip
    [query] = s2.translate(protocol(search=spec))
    assert (query.text, query.label) == ('"public housing" + crime', "override[1]")


def test_long_strategies_are_split_to_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(s2, "MAX_QUERY_URL_CHARS", 100)
    queries = s2.translate(protocol())
    assert len(queries) > 1 and all(len(quote_plus(q.text)) <= 100 for q in queries)
    joined = " ".join(q.text for q in queries)
    for term in ('"public housing"', '"council estate"', "CCTV", "mentoring", "criminal*"):
        assert term in joined


def test_real_protocol_translates_within_the_url_limit() -> None:
    real = s2.translate(load_protocol("sfi-crime"))
    assert real and all(len(quote_plus(q.text)) <= s2.MAX_QUERY_URL_CHARS for q in real)
    assert '"hot spot policing"' in " ".join(q.text for q in real)

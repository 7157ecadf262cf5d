"""Europe PMC: conformance on every recorded payload, cursor paging, faults, translation."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from fakeapi import Faults, fast_session, json_response, serve
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.errors import BadResponse, RateLimited, SourceUnavailable
from review.protocol import ConceptBlock, Protocol, SearchSpec, load_protocol
from review.sources import europepmc
from review.sources.base import FetchedPage, Query

SharedPath = Callable[..., Path]
TEN_PAGES = "pyeuropepmc_fetch_10pages_cancer_lite.json"


@pytest.fixture
def folder(shared: SharedPath) -> Path:
    return shared("apis", "europepmc")


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with serve() as running:
        yield running


# --- conformance -------------------------------------------------------------------------


def json_pages(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_bytes())
    return data if isinstance(data, list) else [data]


def test_every_recorded_json_payload_parses(folder: Path) -> None:
    pages = records = 0
    for path in sorted(folder.glob("*.json")):
        for page in json_pages(path):
            parsed = europepmc.parse_page(json.dumps(page).encode())
            results = page["resultList"]["result"]
            assert len(parsed.items) == len(results) and parsed.total == page["hitCount"]
            assert parsed.next_token == page.get("nextCursorMark")
            for item in results:
                record = europepmc.to_record(item)
                assert (record.doi is not None) == bool(item.get("doi")), path.name
                assert (record.title is not None) == bool(item.get("title")), path.name
                assert (record.abstract is not None) == bool(item.get("abstractText"))
                assert record.source_id == f"{item['source']}:{item['id']}"
                records += 1
            pages += 1
    assert (pages, records) == (17, 1130)  # 10 x 100 + 5 x 25 + 5 + 0


def test_every_recorded_xml_payload_parses_or_is_refused(folder: Path) -> None:
    parsed_files = 0
    for path in sorted(folder.glob("*.xml")):
        root = ET.fromstring(path.read_bytes())
        if root.find("resultList") is None:  # format=dc: RDF, not the responseWrapper
            with pytest.raises(BadResponse, match="unsupported format"):
                europepmc.parse_page(path.read_bytes())
            continue
        parsed = europepmc.parse_page(path.read_bytes())
        results = root.findall("resultList/result")
        assert len(parsed.items) == len(results) and parsed.total == int(root.findtext("hitCount"))
        for item, element in zip(parsed.items, results, strict=True):
            record = europepmc.to_record(item)
            for field, tag in [("doi", "doi"), ("title", "title"), ("abstract", "abstractText")]:
                assert (getattr(record, field) is not None) == (element.find(tag) is not None)
        parsed_files += 1
    assert parsed_files == 3


def test_core_fields_html_abstracts_keywords_and_flags(folder: Path) -> None:
    (page,) = json_pages(folder / "pyeuropepmc_search_cancer_core_25.json")
    items = page["resultList"]["result"]
    html = [i for i in items if "<h4>" in i.get("abstractText", "")]
    assert html
    for item in html:
        abstract = europepmc.to_record(item).abstract or ""
        assert abstract and not re.search(r"</?[a-z][a-z0-9]*>", abstract)  # "p < .05" stays
    meshed = next(i for i in items if "meshHeadingList" in i)
    assert meshed["meshHeadingList"]["meshHeading"][0]["descriptorName"] in (
        europepmc.to_record(meshed).keywords
    )
    errata = [i for i in items if "Published Erratum" in i["pubTypeList"]["pubType"]]
    assert errata and all("erratum" in europepmc.to_record(i).flags for i in errata)
    record = europepmc.to_record(items[0])
    assert record.authors[0] == "Schoenfeld, Jonathan D" and record.language == "en"
    assert (record.venue, record.volume, record.issue) == (
        "Lancet (London, England)",
        "404",
        "10471",
    )


def test_lite_preprints_and_errata_are_flagged(folder: Path) -> None:
    items = [r for page in json_pages(folder / TEN_PAGES) for r in page["resultList"]["result"]]
    preprints = [i for i in items if i["source"] == "PPR"]
    errata = [i for i in items if "published erratum" in i.get("pubType", "")]
    assert preprints and errata
    assert all("preprint" in europepmc.to_record(i).flags for i in preprints)
    assert all("erratum" in europepmc.to_record(i).flags for i in errata)
    assert europepmc.to_record(items[0]).authors[0] == "Schoenfeld, JD"  # from authorString


# --- paging over real HTTP -------------------------------------------------------------


class Cursors:
    """Serves the recorded 10-page chain by cursorMark; past its end, echoes the cursor."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.by_cursor = {unquote(p["request"]["cursorMark"]): p for p in pages}
        self.last = pages[-1]
        self.sent: list[str] = []

    def __call__(self, request: Request) -> Response:
        cursor = request.args["cursorMark"]
        self.sent.append(cursor)
        if cursor in self.by_cursor:
            return json_response(self.by_cursor[cursor])
        if cursor == self.last["nextCursorMark"]:
            echo = {**self.last, "nextCursorMark": cursor, "resultList": {"result": []}}
            return json_response(echo)
        return Response('{"errMsg": "bad cursor"}', status=400)


def ids(pages: list[dict[str, Any]]) -> list[str]:
    return [f"{r['source']}:{r['id']}" for p in pages for r in p["resultList"]["result"]]


def fetched_ids(pages: list[FetchedPage]) -> list[str]:
    return [europepmc.to_record(i).source_id for p in pages for i in p.parsed.items]


def run(server: HTTPServer, **kwargs: Any) -> list[FetchedPage]:
    session, _ = fast_session(europepmc.http_config())
    base = server.url_for("").rstrip("/")
    query = Query("europepmc", "cancer", {"resultType": "core", "synonym": "false"})
    return list(europepmc.fetch(session, query, base_url=base, **kwargs))


@pytest.fixture
def chain(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setattr(europepmc, "PAGE_SIZE", 100)
    return json_pages(folder / TEN_PAGES)


def test_real_cursor_chain_until_the_echoed_cursor(
    server: HTTPServer, chain: list[dict[str, Any]]
) -> None:
    cursors = Cursors(chain)
    server.expect_request("/search").respond_with_handler(cursors)
    fetched = run(server)
    assert fetched_ids(fetched) == ids(chain)
    assert len(cursors.sent) == 11 and cursors.sent[0] == "*"
    assert cursors.sent[-1] == chain[-1]["nextCursorMark"]
    assert [p.token for p in fetched] == cursors.sent


def test_hitcount_reached_stops_without_an_extra_request(
    server: HTTPServer, chain: list[dict[str, Any]]
) -> None:
    cursors = Cursors([{**page, "hitCount": 1000} for page in chain])
    server.expect_request("/search").respond_with_handler(cursors)
    assert fetched_ids(run(server)) == ids(chain)
    assert len(cursors.sent) == 10


def test_resume_from_a_stored_token_and_max_records(
    server: HTTPServer, chain: list[dict[str, Any]]
) -> None:
    server.expect_request("/search").respond_with_handler(Cursors(chain))
    resumed = run(server, start_token=unquote(chain[4]["request"]["cursorMark"]))
    assert fetched_ids(resumed) == ids(chain[4:])
    capped = run(server, max_records=250)
    assert fetched_ids(capped)[:250] == ids(chain)[:250] and len(capped) == 3


def test_short_page_stops_and_request_parameters(folder: Path, server: HTTPServer) -> None:
    (page,) = json_pages(folder / "pyeuropepmc_search_cancer_lite_pagesize5.json")
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.args))
        return json_response(page)

    server.expect_request("/search").respond_with_handler(handler)
    fetched = run(server)
    assert len(fetched) == 1 and len(fetched[0].parsed.items) == 5
    assert seen == [{"query": "cancer", "format": "json", "pageSize": "1000",
                     "resultType": "core", "synonym": "false", "cursorMark": "*"}]  # fmt: skip


def test_faults_are_retried_without_loss_or_duplicates(
    server: HTTPServer, chain: list[dict[str, Any]]
) -> None:
    plan = {2: "429", 4: "500", 6: "timeout", 9: "truncated", 12: "html"}
    faults = Faults(Cursors(chain), plan, delay=0.8)
    server.expect_request("/search").respond_with_handler(faults)
    assert fetched_ids(run(server)) == ids(chain)  # in order, each once


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [("429", RateLimited, "429"), ("truncated", BadResponse, "invalid JSON"),
     ("timeout", SourceUnavailable, "cannot reach")],
)  # fmt: skip
def test_persistent_faults_raise_the_right_error(
    server: HTTPServer, chain: list[dict[str, Any]], fault: str, error: type[Exception],
    message: str,
) -> None:  # fmt: skip
    faults = Faults(Cursors(chain), dict.fromkeys(range(1, 20), fault), delay=0.6)
    server.expect_request("/search").respond_with_handler(faults)
    with pytest.raises(error, match=message) as caught:
        run(server)
    assert "europepmc" in str(caught.value) and "/search" in str(caught.value)


# --- translation -------------------------------------------------------------------------


def protocol(**extra: Any) -> Protocol:
    blocks = [
        ConceptBlock(name="setting", terms=["public housing", "estate*"]),
        ConceptBlock(name="intervention", terms=["CCTV", "council estate*"]),
    ]
    return Protocol(name="t", title="t", review="crime", search=SearchSpec(blocks=blocks), **extra)


def test_translate_exact_string_with_limits() -> None:
    (query,) = europepmc.translate(protocol(year_from=1990), since=date(2025, 1, 31))
    assert query.text == (
        '((TITLE_ABS:"public housing" OR TITLE_ABS:estate*) AND '
        '(TITLE_ABS:CCTV OR TITLE_ABS:"council estate")) AND PUB_YEAR:[1990 TO *] AND '
        "FIRST_IDATE:[2025-01-31 TO *]"
    )
    assert query.filters == {"resultType": "core", "synonym": "false"}


def test_translate_without_limits_and_overrides() -> None:
    (query,) = europepmc.translate(protocol())
    assert query.text.startswith('(TITLE_ABS:"public housing" OR') and "PUB_YEAR" not in query.text
    spec = SearchSpec(blocks=protocol().search.blocks, overrides={"europepmc": ["KW:crime"]})
    p = Protocol(name="t", title="t", review="crime", search=spec, year_to=2020)
    (override,) = europepmc.translate(p)
    assert override.text == "(KW:crime) AND PUB_YEAR:[* TO 2020]"
    assert override.label == "override"


def test_long_strategy_is_split_under_the_url_limit() -> None:
    real = load_protocol("sfi-crime")
    queries = europepmc.translate(real)
    assert len(queries) > 1
    assert all(len(quote(q.text)) <= europepmc.MAX_QUERY for q in queries)
    # Every term of every block still appears in some part (the union is the strategy).
    for block in real.search.blocks:
        for term in block.terms:
            assert any(europepmc._term(term) in q.text for q in queries), term

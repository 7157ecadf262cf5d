"""PubMed: conformance on every recorded payload, history paging, the 9,999 split, faults."""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from fakeapi import Faults, fast_session, serve
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.errors import BadResponse, RateLimited, SourceError, SourceUnavailable
from review.protocol import ConceptBlock, Protocol, SearchSpec, load_protocol
from review.sources import pubmed
from review.sources.base import FetchedPage, Query
from review.sources.pubmed_xml import parse_esearch

SharedPath = Callable[..., Path]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"
QUERY = Query("pubmed", "crime[tiab]", {"dp": '("1990"[dp] : "3000"[dp])'})

# efetch payloads: file -> number of records (SOURCES.md, checked by eye in the XML).
EFETCH = {
    "biopython_efetch_pubmed_2articles_dtd2025.xml": 2,
    "biopython_efetch_pubmed_structured-abstract.xml": 1,
    "dspace_efetch_1article_no-xml-decl.xml": 1,
    "dspace_efetch_structured-abstract_36708638.xml": 1,
    "findpapers_efetch_1article.xml": 1,
    "metapub_efetch_biography_no-abstract_11636720.xml": 1,
    "metapub_efetch_empty-set_pmid37909814.xml": 0,
    "metapub_efetch_german_editorial_no-abstract_38048813.xml": 1,
    "metapub_efetch_structured-abstract_23657305.xml": 1,
    "zotero_efetch_2articles.xml": 2,
    "zotero_efetch_pubmedbookarticle.xml": 1,
    "zotero_efetch_structured-abstract_dtd2025.xml": 1,
}
# esearch payloads: file -> (Count, WebEnv or None, number of ids).
ESEARCH = {
    "biopython_esearch_term-biopython_20of63.xml": (63, None, 20),
    "biopython_esearch_usehistory_webenv_100ids.xml": (42249, "MCID_6927d6e7fee3e90f880ec190", 100),
    "biopython_esearch_retstart6_translationset.xml": (2651, None, 6),
    "biopython_esearch_translationstack_mesh.xml": (5, None, 5),
    "biopython_esearch_no-results_phrasenotfound.xml": (0, None, 0),
    "findpapers_esearch_51hits_50ids.xml": (51, None, 50),
    "dspace_esearch_4ids_no-xml-decl.xml": (4, None, 4),
    "dspace_esearch_usehistory_1id.xml": (1, "MCID_64784b5ab65e3b2b2253cd3a", 1),
}


@pytest.fixture
def folder(shared: SharedPath) -> Path:
    return shared("apis", "pubmed")


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with serve() as running:
        yield running


def own_ids(item: ET.Element) -> tuple[bool, bool, bool]:
    """Whether the raw element has its own DOI, a title and an abstract (read independently)."""
    doi = item.findall("./PubmedData/ArticleIdList/ArticleId[@IdType='doi']")
    doi += item.findall("./MedlineCitation/Article/ELocationID[@EIdType='doi']")
    titles = [t for t in item.iter() if t.tag in ("ArticleTitle", "BookTitle", "VernacularTitle")]
    abstract = [a for a in item.iter("AbstractText") if "".join(a.itertext()).strip()]
    return bool(doi), bool(titles), bool(abstract)


# --- conformance -------------------------------------------------------------------------


def test_every_recorded_pubmed_payload_parses_or_is_rejected(folder: Path) -> None:
    parsed = records = 0
    for name, expected in EFETCH.items():
        page = pubmed.parse_page((folder / name).read_bytes())
        assert len(page.items) == expected, name
        for item in page.items:
            record = pubmed.to_record(item)
            has_doi, has_title, has_abstract = own_ids(item)
            assert (record.doi is not None) == has_doi, name
            assert (record.title is not None) == has_title, name
            assert (record.abstract is not None) == has_abstract, name
            assert record.pmid and record.source_id == record.pmid
            records += 1
        parsed += 1
    for name, (count, webenv, ids) in ESEARCH.items():
        result = parse_esearch((folder / name).read_bytes())
        assert (result.count, result.webenv, len(result.ids)) == (count, webenv, ids), name
        with pytest.raises(
            BadResponse, match="expected <PubmedArticleSet> but got <eSearchResult>"
        ):
            pubmed.parse_page((folder / name).read_bytes())
        parsed += 1
    # The esummary JSON is not what we request (no abstracts): rejected with a clear error.
    with pytest.raises(BadResponse, match="expected XML"):
        pubmed.parse_page((folder / "medjournals_esummary_json_100records.json").read_bytes())
    assert len(list(folder.iterdir())) == parsed + 1  # every payload in the folder is covered
    assert (parsed, records) == (20, 13)


def test_structured_abstracts_join_every_labelled_section(folder: Path) -> None:
    expected = {
        "biopython_efetch_pubmed_structured-abstract.xml": [
            "OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS",
        ],
        "zotero_efetch_structured-abstract_dtd2025.xml": [
            "OBJECTIVE", "METHODS", "RESULTS", "CONCLUSION",
        ],
        "dspace_efetch_structured-abstract_36708638.xml": [
            "AIM/OBJECTIVE", "BACKGROUND", "DESIGN", "METHODS", "RESULTS", "CONCLUSIONS",
        ],
        "metapub_efetch_structured-abstract_23657305.xml": [
            "CONTEXT", "OBJECTIVES", "METHODS", "RESULTS", "CONCLUSION",
        ],
    }  # fmt: skip
    for name, labels in expected.items():
        [item] = pubmed.parse_page((folder / name).read_bytes()).items
        abstract = pubmed.to_record(item).abstract or ""
        found = re.findall(r"(?:^|\. )([A-Z][A-Z/]+): ", abstract)
        assert found == labels, name
        assert "UNLABELLED" not in abstract and not re.search(r"</?[a-z]+>", abstract)
    [item] = pubmed.parse_page(
        (folder / "dspace_efetch_structured-abstract_36708638.xml").read_bytes()
    ).items
    assert (pubmed.to_record(item).abstract or "").endswith(
        "skills developed. An unlabeled section of an abstract. An abstract section with no "
        "attributes at all, concerning."
    )


def test_inline_markup_is_flattened_not_dropped(folder: Path) -> None:
    body = (folder / "biopython_efetch_pubmed_structured-abstract.xml").read_bytes()
    record = pubmed.to_record(pubmed.parse_page(body).items[0])
    assert record.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of "
        "pancreatic cancer."
    )
    assert "linkage disequilibrium r2<0.25" in (record.abstract or "")
    assert "ptrend=0.048" in (record.abstract or "")
    assert (record.doi, record.pmcid, record.year) == (
        "10.1136/gutjnl-2016-312510",
        "PMC5442267",
        2017,
    )


def test_german_editorial_has_no_abstract_and_an_unbracketed_title(folder: Path) -> None:
    body = (folder / "metapub_efetch_german_editorial_no-abstract_38048813.xml").read_bytes()
    record = pubmed.to_record(pubmed.parse_page(body).items[0])
    assert record.abstract is None
    assert record.title == "A Broader Scope - Bio-Psycho-Social Medicine In Global Focus."
    assert (record.language, record.publication_type, record.year) == ("de", "Editorial", 2023)
    assert record.authors[0] == "Zipfel, Stephan"
    assert record.venue == "Psychotherapie, Psychosomatik, medizinische Psychologie"
    assert (record.volume, record.issue, record.pages) == ("73", "12", "487-488")


def test_book_article_maps_from_book_document(folder: Path) -> None:
    body = (folder / "zotero_efetch_pubmedbookarticle.xml").read_bytes()
    record = pubmed.to_record(pubmed.parse_page(body).items[0])
    assert (record.pmid, record.title, record.year) == (
        "20821847", "Endocrinology: An Integrated Approach", 2001,
    )  # fmt: skip
    assert record.authors == ["Nussey, Stephen", "Whitehead, Saffron"]
    assert record.abstract and record.abstract.startswith("Endocrinology has been written")
    assert record.publication_type == "Book" and record.doi is None


def test_own_doi_only_never_a_reference_doi_and_flags() -> None:
    page = pubmed.parse_page((FIXTURES / "efetch_edge_cases.xml").read_bytes())
    first, erratum, retracted, notice = (pubmed.to_record(item) for item in page.items)
    assert first.doi == "10.5555/own.1"  # from ELocationID; the cited DOIs are ignored
    assert erratum.doi is None  # only reference DOIs in the record: none of them is its own
    assert retracted.doi == "10.5555/own.3" and retracted.pmcid == "PMC1234567"
    assert first.authors == ["Hansen, Mette", "Ng, K", "Safer Estates Trial Group"]
    assert (
        first.abstract
        == "BACKGROUND: Estates with r2 < 0.5 and bold claims. METHODS: We randomised 40 estates."
    )
    assert (first.title, first.year, first.pages, first.language) == (
        "Crime in public housing: a randomised trial.", 1998, "101-110", "da",
    )  # fmt: skip
    assert first.keywords == ["social housing"]
    assert [r.flags for r in (first, erratum, retracted, notice)] == [
        ["retracted"], ["erratum"], ["retracted"], ["retraction_notice"],
    ]  # fmt: skip


def test_errors_hidden_in_200_and_bad_bodies(folder: Path) -> None:
    empty = pubmed.parse_page((folder / "metapub_efetch_empty-set_pmid37909814.xml").read_bytes())
    assert empty.items == []
    none = parse_esearch((folder / "biopython_esearch_no-results_phrasenotfound.xml").read_bytes())
    assert none.count == 0 and none.warnings == ["PhraseNotFound: abcXYZ"]
    with pytest.raises(BadResponse, match="got <html>"):
        pubmed.parse_page(b"<!DOCTYPE html><html><body>Bad Gateway</body></html>")
    with pytest.raises(BadResponse, match="unparseable"):
        pubmed.parse_page(b"<PubmedArticleSet><PubmedArticle><MedlineCit")
    with pytest.raises(BadResponse, match="esearch failed: Invalid query"):
        parse_esearch(b"<eSearchResult><ERROR>Invalid query</ERROR></eSearchResult>")
    with pytest.raises(ValueError, match="without a PMID"):
        pubmed.to_record(
            ET.fromstring(
                "<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle>"
            )
        )


# --- a fake E-utilities server -----------------------------------------------------------

DP = re.compile(r'\("(\d{4})(?:/(\d{2}))?"\[dp\] : "(\d{4})(?:/\d{2})?"\[dp\]\)')


class FakeEutils:
    """esearch/efetch over ``per_year`` records (spread evenly over months), history by range.

    ``undated`` records of a year are counted in the year but in no month (as PubMed's
    year-only dates may be); efetch refuses ``retstart`` > 9998 like the real service.
    """

    def __init__(self, per_year: dict[int, int], undated: dict[int, int] | None = None) -> None:
        self.per_year, self.undated = per_year, undated or {}
        self.searches: list[str] = []
        self.fetches: list[dict[str, str]] = []
        self.template = (FIXTURES / "esearch_template.xml").read_text()
        self.article = (FIXTURES / "efetch_article_template.xml").read_text()

    def pmids(self, lo: int, hi: int, month: int = 0) -> list[str]:
        ids = []
        for year in range(lo, hi + 1):
            n = self.per_year.get(year, 0)
            if month:
                dated = n - self.undated.get(year, 0)
                size = dated // 12 + (1 if month <= dated % 12 else 0)
                first = sum(dated // 12 + (1 if m <= dated % 12 else 0) for m in range(1, month))
                ids += [f"{year}{i:06d}" for i in range(first, first + size)]
            else:
                ids += [f"{year}{i:06d}" for i in range(n)]
        return ids

    def esearch(self, request: Request) -> Response:
        term = request.args["term"]
        self.searches.append(term)
        found = DP.search(term)
        key = f"{found[1]}/{found[2]}" if found and found[2] else (
            f"{found[1]}-{found[3]}" if found else "1000-3000")  # fmt: skip
        body = self.template.format(count=len(self.ids_for(key)), webenv=f"WE_{key}", term="x")
        return Response(body, content_type="text/xml")

    def ids_for(self, key: str) -> list[str]:
        if "/" in key:
            year, month = key.split("/")
            return self.pmids(int(year), int(year), int(month))
        lo, hi = key.split("-")
        return self.pmids(int(lo), int(hi))

    def efetch(self, request: Request) -> Response:
        self.fetches.append(dict(request.args))
        start, size = int(request.args["retstart"]), int(request.args["retmax"])
        if start > 9998:
            return Response("<eFetchResult><ERROR>retstart too large</ERROR></eFetchResult>")
        ids = self.ids_for(request.args["WebEnv"].removeprefix("WE_"))[start : start + size]
        articles = "".join(self.article.format(pmid=p, year=p[:4]) for p in ids)
        return Response(f"<PubmedArticleSet>{articles}</PubmedArticleSet>", content_type="text/xml")

    def mount(self, server: HTTPServer, efetch: Callable[[Request], Response] | None = None) -> str:
        server.expect_request("/esearch.fcgi").respond_with_handler(self.esearch)
        server.expect_request("/efetch.fcgi").respond_with_handler(efetch or self.efetch)
        return server.url_for("").rstrip("/")


def run(base: str, query: Query = QUERY, **kwargs: object) -> list[FetchedPage]:
    session, _ = fast_session(pubmed.http_config())
    return list(pubmed.fetch(session, query, base_url=base, **kwargs))  # type: ignore[arg-type]


def pmids(pages: list[FetchedPage]) -> list[str]:
    return [item.findtext("MedlineCitation/PMID") for page in pages for item in page.parsed.items]


# --- paging --------------------------------------------------------------------------------


def test_recorded_history_chain_esearch_then_efetch(
    folder: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_MAILTO", "team@example.org")
    monkeypatch.setenv("NCBI_API_KEY", "SECRET-KEY")
    searches: list[dict[str, str]] = []
    fetches: list[dict[str, str]] = []

    def answer(name: str, log: list[dict[str, str]]) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            log.append(dict(request.args))
            return Response((folder / name).read_bytes(), content_type="text/xml")

        return handler

    server.expect_request("/esearch.fcgi").respond_with_handler(
        answer("dspace_esearch_usehistory_1id.xml", searches)
    )
    server.expect_request("/efetch.fcgi").respond_with_handler(
        answer("dspace_efetch_structured-abstract_36708638.xml", fetches))  # fmt: skip
    pages = run(server.url_for("").rstrip("/"))
    assert len(pages) == 1 and pages[0].parsed.total == 1 and pages[0].parsed.next_token is None
    assert [pubmed.to_record(i).pmid for i in pages[0].parsed.items] == ["36708638"]
    assert searches[0]["term"] == '(crime[tiab]) AND ("1990"[dp] : "3000"[dp])'
    assert searches[0]["usehistory"] == "y" and searches[0]["tool"] == "review"
    assert searches[0]["email"] == "team@example.org"
    assert fetches == [{
        "db": "pubmed", "tool": "review", "email": "team@example.org", "api_key": "SECRET-KEY",
        "query_key": "1", "WebEnv": "MCID_64784b5ab65e3b2b2253cd3a", "retstart": "0",
        "retmax": "1", "retmode": "xml",
    }]  # fmt: skip
    assert "SECRET-KEY" not in pages[0].url and "api_key=***&" in pages[0].url
    assert json.loads(pages[0].token or "") == {"range": "1990-3000", "retstart": 0}


def test_pages_follow_retstart_and_resume_from_any_token(server: HTTPServer) -> None:
    fake = FakeEutils({2001: 700, 2002: 500})
    base = fake.mount(server)
    pages = run(base)
    assert [len(p.parsed.items) for p in pages] == [500, 500, 200]
    assert sorted(pmids(pages)) == sorted(fake.pmids(1990, 3000))
    assert [p.parsed.total for p in pages] == [1200] * 3
    assert pages[-1].parsed.next_token is None
    for cut in range(len(pages) - 1):
        resumed = run(base, start_token=pages[cut].parsed.next_token)
        assert pmids(pages[: cut + 1]) + pmids(resumed) == pmids(pages)


def test_max_records_stops_early(server: HTTPServer) -> None:
    fake = FakeEutils({2001: 1200})
    pages = run(fake.mount(server), max_records=700)
    assert [len(p.parsed.items) for p in pages] == [500, 200]
    assert [f["retmax"] for f in fake.fetches] == ["500", "200"]


def test_more_than_9999_is_split_by_year_ranges_without_loss(server: HTTPServer) -> None:
    fake = FakeEutils({year: 1500 for year in range(2000, 2010)})  # Count 15000 for the full range
    pages = run(fake.mount(server))
    got = pmids(pages)
    assert len(got) == len(set(got)) == 15000
    assert {p.parsed.total for p in pages} == {15000}
    assert max(int(f["retstart"]) + int(f["retmax"]) for f in fake.fetches) <= 9999
    assert fake.searches[0] == '(crime[tiab]) AND ("1990"[dp] : "3000"[dp])'
    ranges = [json.loads(p.token or "")["range"] for p in pages]
    assert all(int(r[:4]) >= 1990 for r in ranges) and len(set(ranges)) > 1
    # Resuming between two ranges continues with the next range only.
    boundary = next(i for i, p in enumerate(pages) if "after" in (p.parsed.next_token or ""))
    resumed = run(fake.mount(server), start_token=pages[boundary].parsed.next_token)
    assert got[: len(pmids(pages[: boundary + 1]))] + pmids(resumed) == got


def test_a_single_year_over_the_cap_is_split_into_months(
    server: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeEutils({2019: 30, 2020: 12000, 2021: 40}, undated={2020: 24})
    with caplog.at_level(logging.WARNING):
        pages = run(fake.mount(server))
    got = pmids(pages)
    assert len(got) == len(set(got)) == 12070 - 24
    assert any('"2020/03"[dp]' in term for term in fake.searches)
    assert "2020-2020 has 12000 records but its months only 11976" in caplog.text


def test_a_month_over_the_cap_fails_loudly(server: HTTPServer) -> None:
    fake = FakeEutils({2020: 130000})
    with pytest.raises(SourceError, match="narrow the query"):
        run(fake.mount(server))


# --- faults --------------------------------------------------------------------------------


NCBI_429 = json.dumps(
    {"error": "API rate limit exceeded", "api-key": "127.0.0.1", "count": "4", "limit": "3"}
)


def test_ncbi_429_without_retry_after_then_500_timeout_truncated_html_lose_nothing(
    server: HTTPServer,
) -> None:
    fake = FakeEutils({2001: 1200})
    calls = {"n": 0}

    def throttled(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:  # NCBI's 429: a JSON body and no Retry-After header
            return Response(NCBI_429, status=429, content_type="application/json")
        return faults(request)

    faults = Faults(fake.efetch, {1: "500", 2: "timeout", 4: "truncated", 5: "html"}, delay=0.6)
    session, sleeps = fast_session(pubmed.http_config())
    base = fake.mount(server, efetch=throttled)
    pages = list(pubmed.fetch(session, QUERY, base_url=base))
    got = pmids(pages)
    assert got == fake.pmids(2001, 2001)  # in order, once each
    assert 7.0 not in sleeps and all(s < 1 for s in sleeps)  # exponential backoff, no header


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [("429", RateLimited, "429"), ("500", BadResponse, "HTTP 500"),
     ("truncated", BadResponse, "unparseable"), ("html", BadResponse, "got <html>"),
     ("timeout", SourceUnavailable, "cannot reach")],
)  # fmt: skip
def test_persistent_faults_raise_the_right_error(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch,
    fault: str, error: type[Exception], message: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("NCBI_API_KEY", "SECRET-KEY")
    fake = FakeEutils({2001: 10})
    faults = Faults(fake.efetch, dict.fromkeys(range(1, 20), fault), delay=0.6)
    with pytest.raises(error, match=message) as caught:
        run(fake.mount(server, efetch=faults))
    assert caught.value.source == "pubmed"  # type: ignore[attr-defined]
    assert "efetch.fcgi" in caught.value.url  # type: ignore[attr-defined]
    assert "SECRET-KEY" not in str(caught.value) + caught.value.url  # type: ignore[attr-defined]


# --- translation ---------------------------------------------------------------------------


def protocol(**kwargs: object) -> Protocol:
    blocks = [
        ConceptBlock(name="setting", terms=["public housing", "council estate*"]),
        ConceptBlock(name="intervention", terms=["hot spot* policing", "CCTV"]),
        ConceptBlock(name="outcome", terms=["crime", "criminal*", "quasi-experiment*"]),
    ]
    spec = kwargs.pop("search", SearchSpec(blocks=blocks))
    return Protocol(name="t", title="t", review="crime", search=spec, **kwargs)  # type: ignore[arg-type]


def test_terms_follow_pubmed_wildcard_rules() -> None:
    assert pubmed.pubmed_term("public housing") == '"public housing"[tiab]'
    assert pubmed.pubmed_term("council estate*") == '"council estate*"[tiab]'
    assert pubmed.pubmed_term("hot spot* policing") == '"hot spot* policing"[tiab]'
    assert pubmed.pubmed_term("criminal*") == "criminal*[tiab]"
    assert pubmed.pubmed_term("low-income housing") == '"low-income housing"[tiab]'
    assert pubmed.pubmed_term("ab*") == "ab[tiab]"  # fewer than 4 characters before the *
    assert pubmed.pubmed_term("vacant lot*") == '"vacant lot"[tiab]'


def test_translate_exact_string_years_and_since() -> None:
    [query] = pubmed.translate(protocol(year_from=1990), since=date(2024, 5, 1))
    assert query.text == (
        '("public housing"[tiab] OR "council estate*"[tiab]) AND '
        '("hot spot* policing"[tiab] OR CCTV[tiab]) AND '
        '(crime[tiab] OR criminal*[tiab] OR "quasi-experiment*"[tiab])'
    )
    assert query.filters == {
        "dp": '("1990"[dp] : "3000"[dp])',
        "edat": '("2024/05/01"[edat] : "3000"[edat])',
    }
    assert pubmed.full_term(query.text, query.filters) == (
        f'({query.text}) AND ("1990"[dp] : "3000"[dp]) AND ("2024/05/01"[edat] : "3000"[edat])'
    )
    [bounded] = pubmed.translate(protocol(year_from=2000, year_to=2010))
    assert bounded.filters == {"dp": '("2000"[dp] : "2010"[dp])'}
    assert pubmed.translate(protocol())[0].filters == {}


def test_translate_overrides_replace_the_blocks() -> None:
    spec = SearchSpec(
        blocks=[ConceptBlock(name="a", terms=["x"])],
        overrides={"pubmed": ['"public housing"[tiab] AND crime[tiab]', "CPTED[tiab]"]},
    )
    queries = pubmed.translate(protocol(search=spec, year_from=1990))
    assert [(q.text, q.label) for q in queries] == [
        ('"public housing"[tiab] AND crime[tiab]', "override[1]"), ("CPTED[tiab]", "override[2]"),
    ]  # fmt: skip
    assert all(q.filters == {"dp": '("1990"[dp] : "3000"[dp])'} for q in queries)


def test_long_strategies_are_split_to_fit_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pubmed, "MAX_TERM_URL_CHARS", 200)
    queries = pubmed.translate(protocol(year_from=1990))
    assert len(queries) > 1 and queries[0].label == f"part[1/{len(queries)}]"
    for q in queries:
        assert len(quote_plus(pubmed.full_term(q.text, q.filters))) <= 200
    joined = " ".join(q.text for q in queries)
    for term in ('"public housing"[tiab]', '"council estate*"[tiab]', "CCTV[tiab]", "crime[tiab]"):
        assert term in joined


def test_real_protocol_translates_within_the_url_limit() -> None:
    queries = pubmed.translate(load_protocol("sfi-crime"))
    assert queries
    for q in queries:
        assert len(quote_plus(pubmed.full_term(q.text, q.filters))) <= pubmed.MAX_TERM_URL_CHARS
    assert '"hot spot* policing"[tiab]' in " ".join(q.text for q in queries)

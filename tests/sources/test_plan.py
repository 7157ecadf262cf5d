"""The query plan: queries, estimated requests and time per protocol x source, the trial cap."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest

from review.protocol import ConceptBlock, Protocol, SearchSpec, load_protocol, load_protocols
from review.sources import SOURCES, crossref, openalex, pubmed
from review.sources.base import Query
from review.sources.plan import (
    PAGE_SIZE,
    UNBOUNDED_NOTE,
    duration,
    format_plans,
    plan,
    plans,
    query_requests,
)


def small(name: str = "t", **extra: Any) -> Protocol:
    blocks = [
        ConceptBlock(name="setting", terms=["public housing", "council estate*"]),
        ConceptBlock(name="intervention", terms=["CCTV", "street lighting"]),
        ConceptBlock(name="outcome", terms=["crime"]),
    ]
    spec = SearchSpec(blocks=blocks)
    return Protocol(name=name, title="t", review="crime", search=spec, **extra)


def test_every_source_has_a_page_size() -> None:
    assert set(PAGE_SIZE) == set(SOURCES)


def test_crossref_plan_is_one_request_per_query_at_its_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REVIEW_MAILTO", raising=False)
    protocol = load_protocol("sfi-crime")
    found = plan(protocol, "crossref")
    assert found.queries == crossref.translate(protocol)
    assert found.planned == len(found.queries) and found.skipped == 0
    assert found.min_requests == found.max_requests == len(found.queries)  # TOP_N <= ROWS
    assert found.rate_per_second == crossref.http_config().rate_per_second == 5 * crossref.MARGIN
    assert found.min_seconds == pytest.approx(len(found.queries) / (5 * crossref.MARGIN))


def test_the_polite_pool_halves_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVIEW_MAILTO", raising=False)
    public = plan(small(), "crossref")
    monkeypatch.setenv("REVIEW_MAILTO", "someone@example.org")
    polite = plan(small(), "crossref")
    assert polite.min_seconds == pytest.approx(public.min_seconds / 2)


def test_max_queries_keeps_the_first_queries_in_translate_order() -> None:
    protocol = load_protocol("sfi-crime")
    found = plan(protocol, "crossref", max_queries=10)
    assert found.queries == crossref.translate(protocol)[:10]
    assert (len(found.queries), found.skipped) == (10, found.planned - 10)
    assert found.max_requests == 10
    assert plan(protocol, "pubmed", max_queries=10).skipped == 0  # fewer queries than the cap


def test_max_queries_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        plan(small(), "crossref", max_queries=0)


def test_uncapped_queries_have_only_a_lower_bound() -> None:
    found = plan(small(), "openalex")
    assert found.max_requests is None and found.max_seconds is None
    assert found.min_requests == len(found.queries)


def test_max_records_bounds_the_pages_of_each_query() -> None:
    query = Query("openalex", "x")
    assert query_requests("openalex", query, 250) == (1, math.ceil(250 / openalex.PER_PAGE))
    assert query_requests("pubmed", query, 1200) == (1, 1 + math.ceil(1200 / pubmed.PAGE_SIZE))
    assert query_requests("eric", query, 5) == (1, 1)
    capped = Query("crossref", "x", {"max_records": "1000"})
    assert query_requests("crossref", capped, None) == (1, 1)
    assert query_requests("crossref", capped, 100) == (1, 1)  # the smaller cap wins


def test_since_reaches_the_queries() -> None:
    found = plan(small(), "crossref", date(2025, 3, 1))
    assert all("from-index-date:2025-03-01" in q.filters["filter"] for q in found.queries)


def test_plans_cover_the_protocols_sources_only() -> None:
    protocol = small(sources=["crossref", "eric"])
    rows = plans([protocol], ["openalex", "crossref", "eric"])
    assert [(r.protocol, r.source) for r in rows] == [("t", "crossref"), ("t", "eric")]


def test_four_protocols_are_a_few_hundred_requests_not_thousands() -> None:
    rows = plans(load_protocols(), ["crossref", "eric"])
    sent = {s: sum(len(r.queries) for r in rows if r.source == s) for s in ("crossref", "eric")}
    assert sent["crossref"] < 500 and sent["eric"] < 80  # 4,601 and 122 before


def test_format_plans_lists_each_row_then_per_source_totals() -> None:
    rows = plans([small(name="a"), small(name="b")], ["crossref", "openalex"])
    lines = format_plans(rows).splitlines()
    assert lines[0].split()[:4] == ["protocol", "source", "queries", "requests"]
    assert [line.split()[:2] for line in lines[1:7]] == [
        ["a", "crossref"], ["a", "openalex"], ["b", "crossref"], ["b", "openalex"],
        ["all", "crossref"], ["all", "openalex"],
    ]  # fmt: skip
    crossref_total = lines[5].split()
    assert crossref_total[2] == crossref_total[3] == str(2 * len(rows[0].queries))
    assert ">=" in lines[2]  # OpenAlex: pages depend on hit counts, only a lower bound
    assert lines[7] == UNBOUNDED_NOTE and len(lines) == 8


def test_format_plans_shows_the_cap_and_no_totals_for_one_protocol() -> None:
    rows = plans([load_protocol("sfi-crime")], ["crossref"], max_queries=10, max_records=100)
    lines = format_plans(rows).splitlines()
    assert len(lines) == 2
    assert f"10 of {rows[0].planned}" in lines[1]
    assert "/s" in lines[1]


def test_duration_is_short_and_readable() -> None:
    assert duration(0.42) == "0.4 s"
    assert duration(42) == "42 s"
    assert duration(185) == "3 min 05 s"
    assert duration(7620) == "2 h 07 min"

"""Normalisers: examples, and hypothesis properties (idempotent, never raise on any text)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from review.normalize import (
    clean_text,
    collapse_whitespace,
    normalize_doi,
    normalize_language,
    parse_year,
    strip_markup,
)

anything = st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans())


def test_doi_prefixes_and_case() -> None:
    assert normalize_doi("https://doi.org/10.1000/ABC.Def") == "10.1000/abc.def"
    assert normalize_doi("http://dx.doi.org/10.1000/x") == "10.1000/x"
    assert normalize_doi("doi: 10.1000/x.") == "10.1000/x"
    assert normalize_doi("DOI:https://doi.org/10.1000/x") == "10.1000/x"
    assert normalize_doi("not a doi") is None
    assert normalize_doi("") is None


def test_markup_jats_html_and_entities() -> None:
    jats = (
        "<jats:title>Abstract</jats:title><jats:p>Crime fell by <jats:italic>12%</jats:italic>."
        "</jats:p><jats:p>Second.</jats:p>"
    )
    assert strip_markup(jats) == "Crime fell by 12%. Second."
    assert strip_markup("H<sub>2</sub>O<br/>next") == "H2O next"
    assert strip_markup("<h4>Objective</h4>To test &amp; see") == "Objective To test & see"
    assert strip_markup("p < 0.05 and q > 1") == "p < 0.05 and q > 1"
    assert strip_markup("&lt;i&gt;escaped&lt;/i&gt; markup") == "escaped markup"
    assert strip_markup("   ") is None


def test_years() -> None:
    assert parse_year(2019) == 2019
    assert parse_year("2019-05-01") == 2019
    assert parse_year("Spring 1999 Nov-Dec") == 1999
    assert parse_year("12345") is None
    assert parse_year(True) is None
    assert parse_year(float("nan")) is None


def test_languages() -> None:
    assert normalize_language("eng") == "en"
    assert normalize_language("German") == "de"
    assert normalize_language("Dansk") == "da"
    assert normalize_language("nob") == "no"
    assert normalize_language("English; French") == "en"
    assert normalize_language("xx") == "xx"
    assert normalize_language("klingon-ish") is None


@given(st.text())
def test_strip_markup_idempotent(text: str) -> None:
    once = strip_markup(text)
    assert strip_markup(once) == once


@given(st.text())
def test_doi_idempotent(text: str) -> None:
    once = normalize_doi(text)
    assert normalize_doi(once) == once


@given(st.text())
def test_whitespace_and_clean_text_idempotent(text: str) -> None:
    assert collapse_whitespace(collapse_whitespace(text)) == collapse_whitespace(text)
    once = clean_text(text)
    assert clean_text(once) == once


@given(anything)
def test_never_raise(value: object) -> None:
    normalize_doi(value)
    strip_markup(value)
    clean_text(value)
    parse_year(value)
    normalize_language(value)


@given(st.text())
def test_language_and_year_idempotent(text: str) -> None:
    code = normalize_language(text)
    assert normalize_language(code) == code
    year = parse_year(text)
    assert parse_year(year) == year

"""Traps found by analysing wrong merges and missed duplicates; every record here is invented.

Each look-alike test is one general rule that was missing: a series article, an authorless
stub, a chapter reprinted in a sister series, a changed number inside a word, a page clash
with a different first author, an updated review under the same DOI stem.
"""

from __future__ import annotations

from typing import Any

from dedupe_helpers import ARTICLE, same_work, table

from review.dedupe import link


def _linked(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return same_work(link(table(a, b)).labels, 0, 1)


SERIES = {
    "title": "3-(N-ethylamino)pyridines: selective inhibitors of bacterial gyrase",
    "authors": ["Okafor, N", "Lindqvist, B", "Amadi, C"],
    "year": 1994,
    "venue": "J Med Chem",
    "volume": "37",
    "issue": "12",
    "pages": "2101-2106",
}


def test_series_article_with_one_word_changed_and_next_pages_is_distinct() -> None:
    b = {**SERIES, "title": SERIES["title"].replace("ethylamino", "methylamino"),
         "pages": "2107-2112"}  # fmt: skip
    assert not _linked(SERIES, b)


def test_verbatim_duplicate_survives_a_page_clash() -> None:
    assert _linked(SERIES, {**SERIES, "pages": "2-8", "issue": None})


def test_different_first_author_and_issue_is_not_a_page_export_error() -> None:
    b = {**SERIES, "authors": ["Amadi, C", "Okafor, N"], "issue": "3", "pages": "88"}
    assert not _linked(SERIES, b)


def test_authorless_stub_needs_the_place_to_agree() -> None:
    title = "Fish oil as a medicine: omega 3 for low mood in older patients"
    a = {"title": title, "year": 2014, "venue": "Apotheek Weekblad Wetenschappelijk Katern"}
    b = {"title": "Omega 3 for low mood in older patients: fish oil as a medicine",
         "authors": ["Vries, K de"], "year": 2014, "venue": "Apotheek Weekblad",
         "pages": "20-21"}  # fmt: skip
    assert not _linked(a, b)


def test_chapter_reprinted_in_a_sister_series_is_distinct() -> None:
    a = {**ARTICLE, "venue": "Current Methods in Pharmacology", "volume": None, "pages": None,
         "year": 2018}  # fmt: skip
    b = {**a, "venue": "Current Methods in Neuroscience", "year": 2019}
    assert not _linked(a, b)


def test_a_number_glued_to_a_word_still_counts() -> None:
    a = {**ARTICLE, "title": "Haemodynamic effects of delta(8)-tetrahydrocannabinol in rats",
         "doi": "10.1234/ph.2018.13"}  # fmt: skip
    b = {**a, "title": "Haemodynamic effects of delta9-tetrahydrocannabinol in rats"}
    assert not _linked(a, b)


def test_updated_review_with_new_title_and_team_is_a_new_work() -> None:
    a = {**ARTICLE, "doi": "10.1002/14651858.CD000999.pub2", "year": 2010, "venue":
         "Cochrane Database Syst Rev", "volume": None, "pages": "CD000999"}  # fmt: skip
    new = {**a, "doi": "10.1002/14651858.CD000999.pub4", "year": 2018,
           "title": ARTICLE["title"] + " and in nursing homes",
           "authors": ["Moe, P", "Hansen, Anna"]}  # fmt: skip
    same = {**a, "doi": "10.1002/14651858.CD000999.pub3", "year": 2014}
    labels = link(table(a, new, same)).labels
    assert not same_work(labels, 0, 1)
    assert same_work(labels, 0, 2)


def test_run_together_upper_case_authors_match() -> None:
    b = {**ARTICLE, "authors": ["HANSEN AANNABERG OLELUND KARI"], "pages": "120-8"}
    a = {**ARTICLE, "authors": ["Hansen, Anna", "Berg, Ole", "Lund, Kari"]}
    assert _linked(a, b)


def test_review_tags_and_glued_gene_names_are_normalised() -> None:
    a = {**ARTICLE, "title": "p16(INK4a) staining in cervical smears. [Review] [41 refs]"}
    b = {**ARTICLE, "title": "p16INK4a staining in cervical smears"}
    assert _linked(a, b)


def test_supplement_pages_and_journal_acronyms() -> None:
    a = {**ARTICLE, "venue": "British Medical Journal", "pages": "S120-S128"}
    b = {**ARTICLE, "venue": "BMJ", "pages": "Suppl-128"}
    assert _linked(a, b)


def test_title_extended_by_a_subtitle_with_the_same_place_merges() -> None:
    a = {**ARTICLE, "title": "Exercise update"}
    b = {**ARTICLE, "title": "Exercise update: depressive symptoms in older adults"}
    assert _linked(a, b)

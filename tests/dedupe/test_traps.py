"""Traps found by analysing wrong merges and missed duplicates; every record here is invented.

Each look-alike test is one general rule that was missing: a series article, an authorless
stub, a chapter reprinted in a sister series, a changed number inside a word, a page clash
with a different first author, versions of one Cochrane review, places scrambled by exports,
living chapters, component and second DOIs, abstracts sharing a supplement DOI.
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


def test_versions_of_one_cochrane_review_are_one_work() -> None:
    """pub2 -> pub4 of CD000999 is one review updated (years and team change); another review
    number with the same title is another review."""
    a = {**ARTICLE, "doi": "10.1002/14651858.CD000999.pub2", "year": 2010, "venue":
         "Cochrane Database Syst Rev", "volume": None, "pages": "CD000999"}  # fmt: skip
    update = {**a, "doi": "10.1002/14651858.CD000999.pub4", "year": 2018,
              "authors": ["Moe, P", "Dahl, Anna"]}  # fmt: skip
    no_doi = {**a, "doi": None, "year": 2006, "issue": "CD000999", "pages": None}
    other = {**a, "doi": "10.1002/14651858.CD001234.pub2", "pages": "CD001234"}
    labels = link(table(a, update, no_doi, other)).labels
    assert same_work(labels, 0, 1) and same_work(labels, 0, 2)
    assert not same_work(labels, 0, 3)


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


def test_embase_record_with_its_place_only_in_the_venue_string_merges() -> None:
    embase = {**ARTICLE, "venue": "Journal of Affective Disorders.250 (3) ()(pp 120-128) 2019."
              "Date of Publication: 2019.", "volume": None, "issue": "pp 120-128",
              "pages": "2019"}  # fmt: skip
    assert _linked({**ARTICLE, "issue": "3"}, embase)


def test_title_numbers_lost_by_an_export_still_merge_but_changed_ones_do_not() -> None:
    a = {**ARTICLE, "title": "[3H]Paroxetine binding to the 5-HT uptake site in a rat model"}
    b = {**ARTICLE, "title": "Paroxetine binding to the 5-HT uptake site in a rat model"}
    assert _linked(a, b)
    assert not _linked(a, {**b, "title": "[3H]Paroxetine binding to the 6-HT uptake site"})


def test_parts_never_merge_even_in_the_same_place() -> None:
    a = {**ARTICLE, "title": "Exercise for depression in later life: trial 2 results"}
    b = {**ARTICLE, "title": "Exercise for depression in later life: trial 3 results"}
    assert not _linked(a, b)


def test_journal_meeting_supplement_labelled_as_a_conference_is_one_item() -> None:
    a = {**ARTICLE, "venue": "Journal of Affective Disorders. Conference: Annual Meeting 2019",
         "issue": "5", "pages": "S394"}  # fmt: skip
    b = {**ARTICLE, "issue": "5", "pages": "S394"}
    assert _linked(a, b)


def test_same_volume_and_pages_merge_despite_swapped_author_names() -> None:
    swapped = {**ARTICLE, "authors": ["Anna, Hansen", "Ole, Berg", "Kari, Lund"], "issue": "2"}
    assert _linked({**ARTICLE, "issue": "2"}, swapped)


def test_yearly_updates_of_a_living_chapter_merge_but_genre_titles_do_not() -> None:
    chapter = {"title": "Head lice", "authors": ["Burgess, I"], "venue": "BMJ Clin Evid"}
    a = {**chapter, "year": 2009, "volume": "2009"}
    b = {**chapter, "year": 2015, "volume": "2015"}
    assert _linked(a, b)
    editorial = {**chapter, "title": "Editorial"}
    assert not _linked({**editorial, "year": 2009, "volume": "2009"},
                       {**editorial, "year": 2015, "volume": "2015"})  # fmt: skip


def test_a_figure_component_doi_names_its_article() -> None:
    a = {**ARTICLE, "doi": "10.1371/journal.pone.0094853", "pages": None}
    b = {**a, "doi": "10.1371/journal.pone.0094853.g001"}
    assert _linked(a, b)


def test_same_doi_and_article_pages_merge_a_translated_title() -> None:
    a = {**ARTICLE, "doi": "10.1007/s001010050481", "issue": "10"}
    b = {**a, "title": "Körperliches Training bei Depression im Alter: eine randomisierte Studie"}
    assert _linked(a, b)


def test_abstracts_sharing_a_supplement_doi_and_its_page_range_stay_apart() -> None:
    supplement = {**ARTICLE, "doi": "10.1111/jad.suppl.2019", "pages": "S1-S250"}
    other = {**supplement, "title": "Sleep quality and loneliness in older adults: a cohort"}
    assert not _linked(supplement, other)


def test_a_withdrawn_cochrane_version_is_still_that_review() -> None:
    review = {**ARTICLE, "venue": "Cochrane Database Syst Rev", "volume": None,
              "pages": "CD001725", "year": 2000}  # fmt: skip
    withdrawn = {**review, "title": "WITHDRAWN: " + ARTICLE["title"], "year": 2007}
    assert _linked(review, withdrawn)
    # Outside a Cochrane review, a retraction notice is never merged with its article.
    assert not _linked(ARTICLE, {**ARTICLE, "title": "Retraction: " + ARTICLE["title"]})


def test_same_team_and_pages_under_unrelated_titles_stay_apart() -> None:
    """Translated titles on the same pages are labelled distinct works in the published
    benchmarks; without a shared DOI we keep them apart (the review queue may show them)."""
    a = {**ARTICLE, "title": "Nitrates as antiplatelet agents", "pages": "463-473"}
    b = {**a, "title": "Nitrate als Hemmstoffe der Thrombozytenfunktion", "pages": "463-73"}
    assert not _linked(a, b)


def test_a_dropped_subtitle_with_the_same_doi_merges() -> None:
    a = {**ARTICLE, "title": "Toxoplasmosis in Germany", "doi": "10.3238/arztebl.2019.0435",
         "pages": "435-+"}  # fmt: skip
    b = {**a, "title": "Toxoplasmosis in Germany: epidemiology, diagnosis, risk factors and "
         "treatment of an underestimated infection", "pages": "435-444"}  # fmt: skip
    assert _linked(a, b)


def test_same_title_lead_author_and_volume_merge_when_co_authors_are_cut() -> None:
    a = {**ARTICLE, "authors": ["Hansen, Anna", "Berg, Ole", "Lund, Kari", "Moe, Per"]}
    b = {**ARTICLE, "authors": ["Hansen, A", "Bergström, O", "Lundqvist, K"], "pages": None}
    assert _linked(a, b)
    # Another volume is another item, whatever the title.
    assert not _linked(a, {**b, "volume": "251"})


def test_the_same_title_and_author_list_printed_twice_in_one_venue_and_year_merge() -> None:
    """A twice-printed abstract or duplicate publication: the same study, on other pages."""
    a = {**ARTICLE, "venue": "European Neuropsychopharmacology", "volume": "22",
         "pages": "S123"}  # fmt: skip
    b = {**a, "pages": "S3-S4", "volume": None}
    assert _linked(a, b)
    assert not _linked(a, {**b, "year": 2017})
    assert not _linked(a, {**b, "authors": ["Hansen, Anna", "Berg, Ole"]})


def test_meeting_supplement_without_a_volume_on_the_same_first_page_is_the_journal_item() -> None:
    a = {**ARTICLE, "venue": "Journal of Affective Disorders. Conference: Annual Meeting 2019",
         "volume": None, "pages": "S56"}  # fmt: skip
    assert _linked(a, {**ARTICLE, "pages": "S56"})
    assert not _linked(a, {**ARTICLE, "pages": "S57"})


def test_an_impossible_year_is_unknown_not_different() -> None:
    """A page read as the year ("1517") must not keep an article from its duplicate."""
    assert _linked({**ARTICLE, "year": 1517}, ARTICLE)


def test_a_bare_first_page_is_provisional_pagination() -> None:
    """Online-first records carry "1" until the issue's pages are known."""
    printed = {**ARTICLE, "volume": None, "pages": "785-791",
               "authors": [*ARTICLE["authors"], "Moe, Per"]}  # fmt: skip
    assert _linked({**ARTICLE, "pages": "1"}, printed)

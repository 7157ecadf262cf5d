"""One test per trap: the rules merge true duplicates and never merge the look-alikes."""

from __future__ import annotations

from dedupe_helpers import ARTICLE, same_work, table

from review.dedupe import link


def _linked(a: dict, b: dict) -> bool:
    return same_work(link(table(a, b)).labels, 0, 1)


def test_exact_and_reformatted_duplicates_merge() -> None:
    b = {**ARTICLE, "title": ARTICLE["title"].upper() + ".", "authors": ["Hansen A.Berg O.Lund K."],
         "venue": "J Affect Disord", "pages": "120-8"}  # fmt: skip
    assert _linked(ARTICLE, b)


def test_translated_title_marker_is_ignored() -> None:
    assert _linked({**ARTICLE, "title": ARTICLE["title"] + " [German]"}, ARTICLE)


def test_missing_fields_are_unknown_not_different() -> None:
    bare = {"title": ARTICLE["title"], "authors": ARTICLE["authors"], "year": 2019}
    assert _linked(ARTICLE, bare)


def test_parts_one_and_two_never_merge() -> None:
    a = {**ARTICLE, "title": "Stroke rehabilitation in the community. Part I: methods"}
    b = {**ARTICLE, "title": "Stroke rehabilitation in the community. Part II: methods"}
    assert not _linked(a, b)


def test_comment_and_reply_never_merge_with_the_article() -> None:
    comment = {**ARTICLE, "title": "Comment on: " + ARTICLE["title"], "pages": "300"}
    reply = {**ARTICLE, "title": "Reply to: " + ARTICLE["title"], "pages": "301"}
    assert not _linked(ARTICLE, comment)
    assert not _linked(ARTICLE, reply)
    assert not _linked(comment, reply)


def test_journal_and_conference_versions_never_merge() -> None:
    conf = {**ARTICLE, "venue": "Proceedings of the Nordic Conference on Mental Health",
            "volume": None, "pages": None}  # fmt: skip
    assert not _linked(ARTICLE, conf)


def test_generic_editorials_never_merge_on_title_alone() -> None:
    a = {"title": "Editorial", "authors": ["Smith, J"], "year": 2020, "venue": "Lancet"}
    b = {"title": "Editorial", "authors": ["Smith, J"], "year": 2020, "venue": "Lancet",
         "volume": "395", "pages": "12"}  # fmt: skip
    assert not _linked(a, b)


def test_shared_supplement_doi_with_different_pages_and_titles_never_merges() -> None:
    doi = "10.1002/suppl.2016.31"
    a = {
        **ARTICLE,
        "doi": doi,
        "pages": "S231-S232",
        "title": "Gene delivery for Parkinson disease: a meta-analysis",
    }
    b = {
        **ARTICLE,
        "doi": doi,
        "pages": "S635-S636",
        "title": "Creatine for Parkinson disease: a meta-analysis",
    }
    assert not _linked(a, b)


def test_erratum_is_related_not_merged() -> None:
    erratum = {**ARTICLE, "title": "Erratum: " + ARTICLE["title"], "pages": "400"}
    res = link(table(ARTICLE, erratum))
    assert not same_work(res.labels, 0, 1)
    assert len(res.pairs_with(3)) == 1


def test_preprint_is_related_not_merged() -> None:
    pre = {**ARTICLE, "venue": "medRxiv", "doi": "10.1101/2019.01.01.12345", "volume": None,
           "pages": None, "year": 2019}  # fmt: skip
    res = link(table(ARTICLE, pre))
    assert not same_work(res.labels, 0, 1)
    assert len(res.pairs_with(3)) == 1


def test_years_apart_never_merge_without_identifier() -> None:
    assert not _linked(ARTICLE, {**ARTICLE, "year": 2016})


def test_transitive_merge_refused_when_dois_conflict() -> None:
    a = {**ARTICLE, "doi": "10.1000/aaa"}
    b = {**ARTICLE, "doi": "10.1000/bbb", "pages": None}
    labels = link(table(a, ARTICLE, b)).labels
    assert not same_work(labels, 0, 2)


def test_a_second_doi_on_the_same_article_word_for_word_merges() -> None:
    """A JSTOR DOI beside the publisher's, or a typo: title, authors, venue, volume and full
    page range all the same. Without the pages, a DOI difference still keeps them apart."""
    a = {**ARTICLE, "doi": "10.1289/ehp.85-1568333"}
    b = {**ARTICLE, "doi": "10.2307/3430688"}
    assert _linked(a, b)
    assert not _linked(a, {**b, "pages": None})

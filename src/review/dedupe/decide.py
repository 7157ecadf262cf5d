"""Decide: conservative rules that turn pair features into merge / queue / related / distinct.

A false merge hides a study for good, so a pair merges only on agreeing evidence with no
contradiction; plausible-but-unsure pairs go to the review queue; preprint <-> published and
erratum/retraction <-> article are stored as related, never merged.
"""

from __future__ import annotations

import numpy as np

from review.dedupe.score import Features

DISTINCT, MERGE, QUEUE, RELATED = 0, 1, 2, 3


def _ge(x: np.ndarray, v: float) -> np.ndarray:
    """x >= v, counting an unknown (NaN) similarity as compatible."""
    return np.isnan(x) | (x >= v)


def _known_ge(x: np.ndarray, v: float) -> np.ndarray:
    """x >= v where x is known; unknown is not evidence."""
    return ~np.isnan(x) & (x >= v)


def full_place(f: Features) -> np.ndarray:
    """Same volume, first page and last page."""
    return (f["page"] == 1) & (f["page_end"] == 1) & (f["volume"] == 1)


def same_review(f: Features) -> np.ndarray:
    """Versions of one Cochrane review (pub2, pub3, ...) are one work, as Cochrane counts
    them, whatever the year: same review number and the same title, or the same lead author
    under a revised title. A new team under a new title is kept apart."""
    retitled = _known_ge(f["title"], 80) | _known_ge(f["title_partial"], 90)
    kept = _known_ge(f["title"], 97) | (_known_ge(f["first_author"], 90) & retitled)
    return (f["review_id"] == 1) & kept


def living_version(f: Features) -> np.ndarray:
    """Yearly updates of one chapter of a living publication: same venue, exact title, the
    same lead author or author list, no DOI of their own to tell them apart."""
    authors = _known_ge(f["authors"], 80) | _known_ge(f["first_author"], 90)
    return (
        f["living"] & ~f["genre"] & _known_ge(f["venue"], 90) & _known_ge(f["title"], 100)
        & authors & (f["doi"] == 0)
    )  # fmt: skip


def identified(f: Features) -> np.ndarray:
    """Same DOI, PMID, Cochrane review or living chapter."""
    # DOIs that differ only in ".pubN" are versions: same_review decides those.
    same_doi = (f["doi"] == 1) & (f["doi_version"] != -1)
    return same_doi | (f["pmid"] == 1) | same_review(f) | living_version(f)


def verbatim(f: Features) -> np.ndarray:
    """The same title and the same author list, word for word (a page clash is then an
    export error; a one-word title change with disjoint pages is a series)."""
    return (
        _known_ge(f["title"], 100) & _known_ge(f["authors_ratio"], 95)
        & _known_ge(f["first_author"], 95)
    )  # fmt: skip


def same_place(f: Features) -> np.ndarray:
    """Same DOI, or same journal and volume with no page clash (or the same first page where
    one volume is missing): one item, however the export labels it ("Journal. Conference:
    ..." for the journal's own meeting supplement)."""
    volume_page = ((f["volume"] == 1) & (f["page"] != -1)) | ((f["volume"] == 0) & (f["page"] == 1))
    place = volume_page & (f["issue"] != -1)
    return (_known_ge(f["venue"], 70) & place) | (f["doi_exact"] == 1)


def lenient(f: Features) -> dict[str, np.ndarray]:
    """Per cluster field, the pairs allowed to disagree on it (mirrors ``hard_conflict``)."""
    return {
        "venue_kind": same_place(f),
        "doi": _doi_typo(f),
        "years": living_version(f),
        "kind": same_review(f),
    }


def _doi_prefix(f: Features) -> np.ndarray:
    """The same DOI, one title the start of the other (a subtitle the export dropped)."""
    return (f["doi_exact"] == 1) & _known_ge(f["title_partial"], 95)


def _doi_typo(f: Features) -> np.ndarray:
    """Different DOIs on one article (a secondary JSTOR DOI, a typo): everything else the
    same, word for word, in the same volume, pages, venue and year."""
    return (
        _known_ge(f["title"], 97) & _known_ge(f["authors_ratio"], 95)
        & _known_ge(f["first_author"], 95) & full_place(f) & (f["year_diff"] == 0)
        & _known_ge(f["venue"], 70)
    )  # fmt: skip


def hard_conflict(f: Features) -> np.ndarray:
    """Pairs that may never merge, whatever else agrees (also used between clusters)."""
    ident = identified(f)
    return (
        # A Cochrane review version marked "Withdrawn" is still that review.
        (~f["kind_same"] & ~same_review(f))
        | (f["numbers"] == -1)
        | (f["part"] == -1)
        | ((f["doi"] == -1) & ~_doi_typo(f))
        | (f["pmid"] == -1)
        | (f["review_id"] == -1)
        | ((f["venue_kind"] == -1) & ~same_place(f))
        | ((f["page_overlap"] == -1) & ~ident & ~verbatim(f))
        | ((f["year_diff"] >= 2) & ~ident)
        | ((f["year_diff"] >= 1) & ~ident & ~_known_ge(f["title"], 97))
        | (f["title"] < 50) & ~full_place(f) & ~_doi_prefix(f)
    )


def _pages_ok(f: Features) -> np.ndarray:
    """Pages do not contradict: online-first "1-17" is provisional, and a first-page typo
    with the same last page ("49S-56S" / "45S-56S") is not a different article."""
    return (f["page"] != -1) | f["online_first"] | ((f["page_end"] == 1) & (f["page_overlap"] == 1))


def _authors_ok(f: Features) -> np.ndarray:
    return _ge(f["authors"], 80) & (_ge(f["first_author"], 80) | _ge(f["authors"], 90))


def _authors_good(f: Features) -> np.ndarray:
    return _known_ge(f["authors"], 90) & _known_ge(f["first_author"], 85)


def _by_id(f: Features) -> np.ndarray:
    """A shared identifier, with titles and authors (or the full place) agreeing: a shared DOI
    can be a supplement's or an abstract book's."""
    ident = identified(f)
    agree = (_known_ge(f["title"], 85) & _ge(f["authors"], 60)) | _known_ge(f["title"], 97)
    # One title extends the other ("Motherisk update" / "...: corticosteroids in pregnancy").
    extended = full_place(f) & _authors_good(f) & _known_ge(f["title_partial"], 80)
    # The same DOI, article-length pages and author list: a translated or reworded title.
    same_doi = f["doi_exact"] == 1
    translated = (
        same_doi & full_place(f) & f["short_range"] & _authors_good(f)
        & _known_ge(f["authors_ratio"], 90) & (f["year_diff"] == 0)
    )  # fmt: skip
    # The same DOI and a title cut short by the export (one is the other's start).
    lead = _ge(f["authors"], 90) | _known_ge(f["first_author"], 90)
    truncated = same_doi & _known_ge(f["title_partial"], 95) & lead & _pages_ok(f)
    # The same DOI, title and authors: clashing pages or venue are export noise (a shared
    # supplement DOI comes with different titles).
    verbatim_doi = same_doi & _known_ge(f["title"], 97) & _ge(f["first_author"], 90)
    by_doi = translated | truncated | verbatim_doi
    return (ident & ((_pages_ok(f) & agree) | extended)) | same_review(f) | by_doi


def _by_title(f: Features) -> np.ndarray:
    """Same title, authors and year, with the venue and place not contradicting."""
    venue_known = _known_ge(f["venue"], 70)
    same_year = f["year_diff"] <= 0
    clean = (f["volume"] != -1) & _pages_ok(f) & (_ge(f["venue"], 70) | full_place(f))
    corroborated = _authors_good(f) | (f["page"] == 1) | venue_known
    # Without authors on one side, title, year and venue are not enough: the place must agree.
    anonymous = np.isnan(f["authors"]) & ~((f["page"] == 1) | ((f["volume"] == 1) & venue_known))
    by_title = (
        _known_ge(f["title"], 95) & _authors_ok(f) & same_year & clean & corroborated & ~anonymous
    )
    # Same title, authors, venue, volume, issue and year: a page mismatch (never two disjoint
    # full ranges) is an export error.
    by_title |= (
        _known_ge(f["title"], 98) & _authors_good(f) & _known_ge(f["authors_ratio"], 90)
        & same_year & (f["volume"] == 1) & (f["issue"] != -1) & venue_known
    )  # fmt: skip
    # The title word for word with the same lead author, venue, volume and year: co-author
    # lists are often cut or re-spelt by exports (a series is caught by its part number).
    by_title |= (
        _known_ge(f["title"], 98) & _known_ge(f["first_author"], 95) & same_year
        & (f["volume"] == 1) & _known_ge(f["venue"], 80) & _pages_ok(f)
    )  # fmt: skip
    # The title and the author list word for word, in one venue and year: a duplicate
    # publication or a twice-printed abstract, even on other pages.
    by_title |= verbatim(f) & same_year & _known_ge(f["venue"], 90) & (f["volume"] != -1)
    return by_title


def _by_place(f: Features) -> np.ndarray:
    """The same volume and pages with a close title: one article, however its authors were
    exported (given and family names swapped, particles, transliteration)."""
    place = (f["page"] == 1) & (f["volume"] == 1)
    same_year = f["year_diff"] <= 0
    venue_known = _known_ge(f["venue"], 70)
    clean = _ge(f["venue"], 70) | full_place(f)
    by_fields = _known_ge(f["title"], 90) & _authors_good(f) & same_year & clean & place
    by_place = (
        _known_ge(f["title"], 85) & _authors_good(f) & same_year & place & (f["page_end"] == 1)
        & venue_known
    )  # fmt: skip
    # A truncated title (one is the other's prefix) needs the author list word for word.
    by_prefix = (
        _known_ge(f["title_partial"], 95) & full_place(f) & _known_ge(f["authors_ratio"], 95)
        & _known_ge(f["first_author"], 95) & same_year & venue_known
    )  # fmt: skip
    lead = _known_ge(f["first_author"], 90)
    close = _known_ge(f["title"], 95) | (
        lead & (_known_ge(f["title"], 90) | _known_ge(f["title_partial"], 95))
    )
    same_article = close & full_place(f) & venue_known & same_year & (f["issue"] != -1)
    # Same start page, title, authors, venue and year: a volume clash is an export error
    # ("1" for a supplement, the supplement number as the volume).
    same_start = (
        _known_ge(f["title"], 97) & _authors_good(f) & same_year & venue_known & (f["page"] == 1)
        & (f["page_overlap"] != -1)
    )  # fmt: skip
    return by_fields | by_place | by_prefix | same_article | same_start


def _next_year(f: Features) -> np.ndarray:
    """Online first one year, in print the next: everything else agrees."""
    return (
        _known_ge(f["title"], 97) & _authors_good(f) & _known_ge(f["venue"], 70)
        & (f["volume"] != -1) & _pages_ok(f) & (f["year_diff"] == 1)
    )  # fmt: skip


def sure(f: Features) -> np.ndarray:
    """Pairs with enough agreeing evidence to merge (before the hard-conflict veto)."""
    place_ok = (f["page"] == 1) & (f["volume"] == 1) & _authors_good(f) & (f["year_diff"] <= 0)
    generic_ok = ~f["generic"] | identified(f) | (place_ok & _known_ge(f["venue"], 70))
    return (_by_id(f) | _by_title(f) | _by_place(f) | _next_year(f)) & generic_ok


def related(f: Features) -> np.ndarray:
    """Preprint <-> published, erratum/retraction <-> article with the same title."""
    kinds, vkinds = f["kinds"], f["venue_kinds"]
    notice = np.isin(kinds, ["erratum", "retraction"])
    one_notice = notice[:, 0] ^ notice[:, 1]
    preprint = vkinds == "preprint"
    one_preprint = (preprint[:, 0] ^ preprint[:, 1]) & (f["kind_same"])
    titled = _known_ge(f["title"], 92) & _ge(f["authors"], 70)
    return titled & (one_notice | one_preprint)


def decide(f: Features) -> np.ndarray:
    """One label per pair: DISTINCT, MERGE, QUEUE or RELATED."""
    hard = hard_conflict(f)
    merge = sure(f) & ~hard
    rel = related(f) & ~merge
    plausible = _known_ge(f["title"], 90) & _ge(f["authors"], 70) & f["kind_same"]
    plausible |= (f["page"] == 1) & (f["volume"] == 1) & _known_ge(f["authors"], 90)
    plausible &= (f["numbers"] != -1) & ~f["generic"]
    label = np.full(len(hard), DISTINCT, dtype=np.int8)
    label[plausible & ~merge] = QUEUE
    label[rel] = RELATED
    label[merge] = MERGE
    return label


def pair_score(f: Features) -> np.ndarray:
    """An order for merging (strongest evidence first), not a probability."""
    ident = identified(f) * 100.0
    return ident + np.nan_to_num(f["title"], nan=50) + np.nan_to_num(f["authors"], nan=50)

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


def identified(f: Features) -> np.ndarray:
    """Same DOI or PMID. Another version (Cochrane ``.pubN``) of one DOI counts within a
    year, or later when title and authors (first author included) are unchanged: an update
    by a new team or under a new title is a new work."""
    return (f["doi_exact"] == 1) | (f["pmid"] == 1) | ((f["doi"] == 1) & ~_new_version(f))


def _new_version(f: Features) -> np.ndarray:
    """A later version of the same DOI stem with a changed title or author list."""
    unchanged = (
        _known_ge(f["title"], 97) & _known_ge(f["first_author"], 90) & _known_ge(f["authors"], 90)
    )
    return (f["doi_exact"] == -1) & (f["year_diff"] >= 2) & ~unchanged


def verbatim(f: Features) -> np.ndarray:
    """The same title and the same author list, word for word (a page clash is then an
    export error; a one-word title change with disjoint pages is a series)."""
    return (
        _known_ge(f["title"], 100) & _known_ge(f["authors_ratio"], 95)
        & _known_ge(f["first_author"], 95)
    )  # fmt: skip


def hard_conflict(f: Features) -> np.ndarray:
    """Pairs that may never merge, whatever else agrees (also used between clusters)."""
    ident = identified(f)
    return (
        ~f["kind_same"]
        | (f["numbers"] == -1)
        | (f["doi"] == -1)
        | ((f["doi"] == 1) & _new_version(f))
        | (f["pmid"] == -1)
        | (f["venue_kind"] == -1)
        | ((f["page_overlap"] == -1) & ~ident & ~verbatim(f))
        | ((f["year_diff"] >= 2) & ~ident)
        | ((f["year_diff"] >= 1) & ~ident & ~_known_ge(f["title"], 97))
        | (f["title"] < 50) & ~((f["page"] == 1) & (f["page_end"] == 1) & (f["volume"] == 1))
    )


def _pages_ok(f: Features) -> np.ndarray:
    """Pages and volume do not contradict (online-first "1-17" counts as unknown)."""
    return (f["page"] != -1) | f["online_first"]


def sure(f: Features) -> np.ndarray:
    """Pairs with enough agreeing evidence to merge (before the hard-conflict veto)."""
    ident = identified(f)
    authors_ok = _ge(f["authors"], 80) & (_ge(f["first_author"], 80) | _ge(f["authors"], 90))
    authors_good = _known_ge(f["authors"], 90) & _known_ge(f["first_author"], 85)
    full_place = (f["page"] == 1) & (f["page_end"] == 1) & (f["volume"] == 1)
    venue_ok = _ge(f["venue"], 70) | full_place
    venue_known = _known_ge(f["venue"], 70)
    same_year = f["year_diff"] <= 0
    clean = (f["volume"] != -1) & _pages_ok(f) & venue_ok
    place = (f["page"] == 1) & (f["volume"] == 1)
    # A shared DOI can be a supplement's or an abstract book's: titles, authors and pages
    # must agree too.
    by_id = (
        ident & _pages_ok(f)
        & ((_known_ge(f["title"], 85) & _ge(f["authors"], 60)) | _known_ge(f["title"], 97))
    )  # fmt: skip
    # One title extends the other ("Motherisk update" / "...: corticosteroids in pregnancy",
    # an added translation): the same full page range, volume, authors and year decide.
    by_id |= ident & full_place & authors_good & _known_ge(f["title_partial"], 80)
    by_prefix = (
        _known_ge(f["title_partial"], 95) & full_place & _known_ge(f["authors_ratio"], 95)
        & _known_ge(f["first_author"], 95) & same_year & venue_known
    )  # fmt: skip
    corroborated = authors_good | (f["page"] == 1) | venue_known
    # Without authors on one side, title, year and venue are not enough: the place must agree.
    anonymous = np.isnan(f["authors"]) & ~((f["page"] == 1) | ((f["volume"] == 1) & venue_known))
    by_title = (
        _known_ge(f["title"], 95) & authors_ok & same_year & clean & corroborated & ~anonymous
    )
    # Same title, authors (first included), venue, volume, issue and year: a page mismatch
    # (never two disjoint full ranges) is an export error.
    by_title |= (
        _known_ge(f["title"], 98) & authors_good & _known_ge(f["authors_ratio"], 90)
        & same_year & (f["volume"] == 1) & (f["issue"] != -1) & venue_known
    )  # fmt: skip
    by_fields = _known_ge(f["title"], 90) & authors_good & same_year & clean & place
    by_place = (
        _known_ge(f["title"], 85) & authors_good & same_year & place & (f["page_end"] == 1)
        & venue_known
    )  # fmt: skip
    next_year = (
        _known_ge(f["title"], 97) & authors_good & venue_known & (f["volume"] != -1)
        & _pages_ok(f) & (f["year_diff"] == 1)
    )  # fmt: skip
    generic_ok = ~f["generic"] | ident | (place & authors_good & same_year & venue_known)
    return (by_id | by_title | by_fields | by_place | next_year | by_prefix) & generic_ok


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

"""Decide: conservative rules that turn pair features into merge / queue / related / distinct.

A false merge hides a study for good, so a pair merges only on agreeing evidence with no
contradiction; plausible-but-unsure pairs go to the review queue; preprint <-> published and
erratum/retraction <-> article are stored as related, never merged.

The vocabulary: ``agree``/``clash`` read the +1/0/-1 fields of ``Features``; ``at_least``
reads a similarity where a missing side is no evidence, ``not_below`` one where a missing
side is compatible. The thresholds are named below, per field.
"""

from __future__ import annotations

import numpy as np

from review.dedupe.score import Features

DISTINCT, MERGE, QUEUE, RELATED = 0, 1, 2, 3

# Titles (best of ratio and token-sort ratio of the title keys).
TITLE_VERBATIM = 100  # word for word
TITLE_NEAR_VERBATIM = 98  # word for word but for a letter or a stray token
SAME_TITLE = 97  # the same title, a typo allowed
TITLE_TYPO = 95  # the same title with a few typos or one word changed
TITLE_RELATED = 92  # an erratum's or a preprint's title
TITLE_CLOSE = 90  # close, a word or two reworded
TITLE_AGREES = 85  # agrees, given other evidence
TITLE_REVISED = 80  # a revised title (a review update)
TITLE_OTHER = 50  # below this, another title altogether
# One title inside the other (partial ratio).
TITLE_PREFIX = 95  # one is the other cut short (a dropped subtitle)
PREFIX_REVISED = 90  # a revised title that keeps most of the old one
PREFIX_EXTENDED = 80  # one title extends the other ("Update" / "Update: subject")
# Author surnames: token-set ratio (a cut list still scores high) ...
AUTHORS_SAME = 90
AUTHORS_AGREE = 80
AUTHORS_RELATED = 70
AUTHORS_OVERLAP = 60
# ... plain ratio of the lists (order and length count) ...
LIST_VERBATIM = 95
LIST_SAME = 90
# ... and the lead author's surname.
LEAD_VERBATIM = 95
LEAD_SAME = 90
LEAD_GOOD = 85
LEAD_OK = 80
# Venues (abbreviation-aware).
VENUE_VERBATIM = 90
VENUE_SAME = 80
VENUE_AGREES = 70
# Years: this far apart, only a shared identifier joins two records.
YEARS_APART = 2


def agree(x: np.ndarray) -> np.ndarray:
    """An agreement field is +1: both sides known and equal."""
    return x == 1


def clash(x: np.ndarray) -> np.ndarray:
    """An agreement field is -1: both sides known and different."""
    return x == -1


def unknown(x: np.ndarray) -> np.ndarray:
    """An agreement field is 0: at least one side is missing."""
    return x == 0


def not_below(x: np.ndarray, v: float) -> np.ndarray:
    """x >= v, counting an unknown (NaN) similarity as compatible."""
    return np.isnan(x) | (x >= v)


def at_least(x: np.ndarray, v: float) -> np.ndarray:
    """x >= v where x is known; unknown is not evidence."""
    return ~np.isnan(x) & (x >= v)


def full_place(f: Features) -> np.ndarray:
    """Same volume, first page and last page."""
    return agree(f.page) & agree(f.page_end) & agree(f.volume)


def same_review(f: Features) -> np.ndarray:
    """Versions of one Cochrane review (pub2, pub3, ...) are one work, as Cochrane counts
    them, whatever the year: same review number and the same title, or the same lead author
    under a revised title. A new team under a new title is kept apart."""
    retitled = at_least(f.title, TITLE_REVISED) | at_least(f.title_partial, PREFIX_REVISED)
    kept = at_least(f.title, SAME_TITLE) | (at_least(f.first_author, LEAD_SAME) & retitled)
    return agree(f.review_id) & kept


def living_version(f: Features) -> np.ndarray:
    """Yearly updates of one chapter of a living publication: same venue, exact title, the
    same lead author or author list, no DOI of their own to tell them apart."""
    authors = at_least(f.authors, AUTHORS_AGREE) | at_least(f.first_author, LEAD_SAME)
    return (
        f.living & ~f.genre & at_least(f.venue, VENUE_VERBATIM)
        & at_least(f.title, TITLE_VERBATIM) & authors & unknown(f.doi)
    )  # fmt: skip


def identified(f: Features) -> np.ndarray:
    """Same DOI, PMID, Cochrane review or living chapter."""
    # DOIs that differ only in ".pubN" are versions: same_review decides those.
    same_doi = agree(f.doi) & ~clash(f.doi_version)
    return same_doi | agree(f.pmid) | same_review(f) | living_version(f)


def verbatim(f: Features) -> np.ndarray:
    """The same title and the same author list, word for word (a page clash is then an
    export error; a one-word title change with disjoint pages is a series)."""
    return (
        at_least(f.title, TITLE_VERBATIM) & at_least(f.authors_ratio, LIST_VERBATIM)
        & at_least(f.first_author, LEAD_VERBATIM)
    )  # fmt: skip


def same_place(f: Features) -> np.ndarray:
    """Same DOI, or same journal and volume with no page clash (or the same first page where
    one volume is missing): one item, however the export labels it ("Journal. Conference:
    ..." for the journal's own meeting supplement)."""
    volume_page = (agree(f.volume) & ~clash(f.page)) | (unknown(f.volume) & agree(f.page))
    place = volume_page & ~clash(f.issue)
    return (at_least(f.venue, VENUE_AGREES) & place) | agree(f.doi_exact)


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
    return agree(f.doi_exact) & at_least(f.title_partial, TITLE_PREFIX)


def _doi_typo(f: Features) -> np.ndarray:
    """Different DOIs on one article (a secondary JSTOR DOI, a typo): everything else the
    same, word for word, in the same volume, pages, venue and year."""
    return (
        at_least(f.title, SAME_TITLE) & at_least(f.authors_ratio, LIST_VERBATIM)
        & at_least(f.first_author, LEAD_VERBATIM) & full_place(f) & (f.year_diff == 0)
        & at_least(f.venue, VENUE_AGREES)
    )  # fmt: skip


def hard_conflict(f: Features) -> np.ndarray:
    """Pairs that may never merge, whatever else agrees (also used between clusters)."""
    ident = identified(f)
    return (
        # A Cochrane review version marked "Withdrawn" is still that review.
        (~f.kind_same & ~same_review(f))
        | clash(f.numbers)
        | clash(f.part)
        | (clash(f.doi) & ~_doi_typo(f))
        | clash(f.pmid)
        | clash(f.review_id)
        | (clash(f.venue_kind) & ~same_place(f))
        | (clash(f.page_overlap) & ~ident & ~verbatim(f))
        | ((f.year_diff >= YEARS_APART) & ~ident)
        | ((f.year_diff >= 1) & ~ident & ~at_least(f.title, SAME_TITLE))
        | (f.title < TITLE_OTHER) & ~full_place(f) & ~_doi_prefix(f)
    )


def _pages_ok(f: Features) -> np.ndarray:
    """Pages do not contradict: online-first "1-17" is provisional, and a first-page typo
    with the same last page ("49S-56S" / "45S-56S") is not a different article."""
    return ~clash(f.page) | f.online_first | (agree(f.page_end) & agree(f.page_overlap))


def _authors_ok(f: Features) -> np.ndarray:
    return not_below(f.authors, AUTHORS_AGREE) & (
        not_below(f.first_author, LEAD_OK) | not_below(f.authors, AUTHORS_SAME)
    )


def _authors_good(f: Features) -> np.ndarray:
    return at_least(f.authors, AUTHORS_SAME) & at_least(f.first_author, LEAD_GOOD)


def _by_id(f: Features) -> np.ndarray:
    """A shared identifier, with titles and authors (or the full place) agreeing: a shared DOI
    can be a supplement's or an abstract book's."""
    ident = identified(f)
    agree_ = (at_least(f.title, TITLE_AGREES) & not_below(f.authors, AUTHORS_OVERLAP)) | (
        at_least(f.title, SAME_TITLE)
    )
    # One title extends the other ("Motherisk update" / "...: corticosteroids in pregnancy").
    extended = full_place(f) & _authors_good(f) & at_least(f.title_partial, PREFIX_EXTENDED)
    # The same DOI, article-length pages and author list: a translated or reworded title.
    same_doi = agree(f.doi_exact)
    translated = (
        same_doi & full_place(f) & f.short_range & _authors_good(f)
        & at_least(f.authors_ratio, LIST_SAME) & (f.year_diff == 0)
    )  # fmt: skip
    # The same DOI and a title cut short by the export (one is the other's start).
    lead = not_below(f.authors, AUTHORS_SAME) | at_least(f.first_author, LEAD_SAME)
    truncated = same_doi & at_least(f.title_partial, TITLE_PREFIX) & lead & _pages_ok(f)
    # The same DOI, title and authors: clashing pages or venue are export noise (a shared
    # supplement DOI comes with different titles).
    verbatim_doi = same_doi & at_least(f.title, SAME_TITLE) & not_below(f.first_author, LEAD_SAME)
    by_doi = translated | truncated | verbatim_doi
    return (ident & ((_pages_ok(f) & agree_) | extended)) | same_review(f) | by_doi


def _by_title(f: Features) -> np.ndarray:
    """Same title, authors and year, with the venue and place not contradicting."""
    venue_known = at_least(f.venue, VENUE_AGREES)
    same_year = f.year_diff <= 0
    clean = ~clash(f.volume) & _pages_ok(f) & (not_below(f.venue, VENUE_AGREES) | full_place(f))
    corroborated = _authors_good(f) | agree(f.page) | venue_known
    # Without authors on one side, title, year and venue are not enough: the place must agree.
    anonymous = np.isnan(f.authors) & ~(agree(f.page) | (agree(f.volume) & venue_known))
    by_title = (
        at_least(f.title, TITLE_TYPO) & _authors_ok(f) & same_year & clean & corroborated
        & ~anonymous
    )  # fmt: skip
    # Same title, authors, venue, volume, issue and year: a page mismatch (never two disjoint
    # full ranges) is an export error.
    by_title |= (
        at_least(f.title, TITLE_NEAR_VERBATIM) & _authors_good(f)
        & at_least(f.authors_ratio, LIST_SAME) & same_year & agree(f.volume)
        & ~clash(f.issue) & venue_known
    )  # fmt: skip
    # The title word for word with the same lead author, venue, volume and year: co-author
    # lists are often cut or re-spelt by exports (a series is caught by its part number).
    by_title |= (
        at_least(f.title, TITLE_NEAR_VERBATIM) & at_least(f.first_author, LEAD_VERBATIM)
        & same_year & agree(f.volume) & at_least(f.venue, VENUE_SAME) & _pages_ok(f)
    )  # fmt: skip
    # The title and the author list word for word, in one venue and year: a duplicate
    # publication or a twice-printed abstract, even on other pages.
    by_title |= verbatim(f) & same_year & at_least(f.venue, VENUE_VERBATIM) & ~clash(f.volume)
    return by_title


def _by_place(f: Features) -> np.ndarray:
    """The same volume and pages with a close title: one article, however its authors were
    exported (given and family names swapped, particles, transliteration)."""
    place = agree(f.page) & agree(f.volume)
    same_year = f.year_diff <= 0
    venue_known = at_least(f.venue, VENUE_AGREES)
    clean = not_below(f.venue, VENUE_AGREES) | full_place(f)
    by_fields = at_least(f.title, TITLE_CLOSE) & _authors_good(f) & same_year & clean & place
    by_place = (
        at_least(f.title, TITLE_AGREES) & _authors_good(f) & same_year & place
        & agree(f.page_end) & venue_known
    )  # fmt: skip
    # A truncated title (one is the other's prefix) needs the author list word for word.
    by_prefix = (
        at_least(f.title_partial, TITLE_PREFIX) & full_place(f)
        & at_least(f.authors_ratio, LIST_VERBATIM) & at_least(f.first_author, LEAD_VERBATIM)
        & same_year & venue_known
    )  # fmt: skip
    lead = at_least(f.first_author, LEAD_SAME)
    close = at_least(f.title, TITLE_TYPO) | (
        lead & (at_least(f.title, TITLE_CLOSE) | at_least(f.title_partial, TITLE_PREFIX))
    )
    same_article = close & full_place(f) & venue_known & same_year & ~clash(f.issue)
    # Same start page, title, authors, venue and year: a volume clash is an export error
    # ("1" for a supplement, the supplement number as the volume).
    same_start = (
        at_least(f.title, SAME_TITLE) & _authors_good(f) & same_year & venue_known
        & agree(f.page) & ~clash(f.page_overlap)
    )  # fmt: skip
    return by_fields | by_place | by_prefix | same_article | same_start


def _next_year(f: Features) -> np.ndarray:
    """Online first one year, in print the next: everything else agrees."""
    return (
        at_least(f.title, SAME_TITLE) & _authors_good(f) & at_least(f.venue, VENUE_AGREES)
        & ~clash(f.volume) & _pages_ok(f) & (f.year_diff == 1)
    )  # fmt: skip


def sure(f: Features) -> np.ndarray:
    """Pairs with enough agreeing evidence to merge (before the hard-conflict veto)."""
    place_ok = agree(f.page) & agree(f.volume) & _authors_good(f) & (f.year_diff <= 0)
    generic_ok = ~f.generic | identified(f) | (place_ok & at_least(f.venue, VENUE_AGREES))
    return (_by_id(f) | _by_title(f) | _by_place(f) | _next_year(f)) & generic_ok


def related(f: Features) -> np.ndarray:
    """Preprint <-> published, erratum/retraction <-> article with the same title."""
    kinds, vkinds = f.kinds, f.venue_kinds
    notice = np.isin(kinds, ["erratum", "retraction"])
    one_notice = notice[:, 0] ^ notice[:, 1]
    preprint = vkinds == "preprint"
    one_preprint = (preprint[:, 0] ^ preprint[:, 1]) & f.kind_same
    titled = at_least(f.title, TITLE_RELATED) & not_below(f.authors, AUTHORS_RELATED)
    return titled & (one_notice | one_preprint)


def decide(f: Features) -> np.ndarray:
    """One label per pair: DISTINCT, MERGE, QUEUE or RELATED."""
    hard = hard_conflict(f)
    merge = sure(f) & ~hard
    rel = related(f) & ~merge
    plausible = at_least(f.title, TITLE_CLOSE) & not_below(f.authors, AUTHORS_RELATED)
    plausible = (plausible & f.kind_same) | (
        agree(f.page) & agree(f.volume) & at_least(f.authors, AUTHORS_SAME)
    )
    plausible &= ~clash(f.numbers) & ~f.generic
    label = np.full(len(hard), DISTINCT, dtype=np.int8)
    label[plausible & ~merge] = QUEUE
    label[rel] = RELATED
    label[merge] = MERGE
    return label


# Merge order: a shared identifier outweighs any similarity; an unknown similarity is neutral.
_ID_WEIGHT, _NEUTRAL = 100.0, 50.0


def pair_score(f: Features) -> np.ndarray:
    """An order for merging (strongest evidence first), not a probability."""
    ident = identified(f) * _ID_WEIGHT
    return ident + np.nan_to_num(f.title, nan=_NEUTRAL) + np.nan_to_num(f.authors, nan=_NEUTRAL)

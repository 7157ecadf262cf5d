"""What makes a pair sure: the merge paths (by identifier, by title, by place, next year).

Each path needs agreeing evidence; ``decide.hard_conflict`` then vetoes what contradicts.
"""

from __future__ import annotations

import numpy as np

from review.dedupe.evidence import (
    AUTHORS_AGREE,
    AUTHORS_OVERLAP,
    AUTHORS_SAME,
    LEAD_GOOD,
    LEAD_OK,
    LEAD_SAME,
    LEAD_VERBATIM,
    LIST_SAME,
    LIST_VERBATIM,
    PREFIX_EXTENDED,
    PREFIX_REVISED,
    SAME_TITLE,
    TITLE_AGREES,
    TITLE_CLOSE,
    TITLE_NEAR_VERBATIM,
    TITLE_PREFIX,
    TITLE_REVISED,
    TITLE_TYPO,
    TITLE_VERBATIM,
    VENUE_AGREES,
    VENUE_SAME,
    VENUE_VERBATIM,
    Features,
    agree,
    at_least,
    clash,
    not_below,
    unknown,
)  # fmt: skip


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


def same_list(f: Features, v: float) -> np.ndarray:
    """The author lists agree letter for letter (plain ratio >= ``v``), or one is the other
    cut after its first names (an export keeps the first author, or three)."""
    same = at_least(f.authors_ratio, v)
    return same | at_least(f.authors_head, v) if f.on("cut_authors") else same


def verbatim(f: Features) -> np.ndarray:
    """The same title and the same author list, word for word (a page clash is then an
    export error; a one-word title change with disjoint pages is a series). A cut list is
    not word for word: a copy on other pages needs the whole list."""
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


def doi_prefix(f: Features) -> np.ndarray:
    """The same DOI, one title the start of the other (a subtitle the export dropped)."""
    return agree(f.doi_exact) & at_least(f.title_partial, TITLE_PREFIX)


def doi_typo(f: Features) -> np.ndarray:
    """Different DOIs on one article (a secondary JSTOR DOI, a typo): everything else the
    same, word for word, in the same volume, pages, venue and year."""
    return (
        at_least(f.title, SAME_TITLE) & at_least(f.authors_ratio, LIST_VERBATIM)
        & at_least(f.first_author, LEAD_VERBATIM) & full_place(f) & (f.year_diff == 0)
        & at_least(f.venue, VENUE_AGREES)
    )  # fmt: skip


def _pages_ok(f: Features) -> np.ndarray:
    """Pages do not contradict: online-first "1-17" is provisional, and a first-page typo
    with the same last page ("49S-56S" / "45S-56S") is not a different article."""
    return ~clash(f.page) | f.online_first | (agree(f.page_end) & agree(f.page_overlap))


def _authors_ok(f: Features) -> np.ndarray:
    return not_below(f.authors, AUTHORS_AGREE) & (
        not_below(f.first_author, LEAD_OK) | not_below(f.authors, AUTHORS_SAME)
    )


def authors_good(f: Features) -> np.ndarray:
    return at_least(f.authors, AUTHORS_SAME) & at_least(f.first_author, LEAD_GOOD)


def _by_id(f: Features) -> np.ndarray:
    """A shared identifier, with titles and authors (or the full place) agreeing: a shared DOI
    can be a supplement's or an abstract book's."""
    ident = identified(f)
    agree_ = (at_least(f.title, TITLE_AGREES) & not_below(f.authors, AUTHORS_OVERLAP)) | (
        at_least(f.title, SAME_TITLE)
    )
    # One title extends the other ("Motherisk update" / "...: corticosteroids in pregnancy").
    extended = full_place(f) & authors_good(f) & at_least(f.title_partial, PREFIX_EXTENDED)
    # The same DOI, article-length pages and author list: a translated or reworded title.
    same_doi = agree(f.doi_exact)
    translated = (
        same_doi & full_place(f) & f.short_range & authors_good(f)
        & same_list(f, LIST_SAME) & (f.year_diff == 0)
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
    corroborated = authors_good(f) | agree(f.page) | venue_known
    # Without authors on one side, title, year and venue are not enough: the place must agree.
    anonymous = np.isnan(f.authors) & ~(agree(f.page) | (agree(f.volume) & venue_known))
    by_title = (
        at_least(f.title, TITLE_TYPO) & _authors_ok(f) & same_year & clean & corroborated
        & ~anonymous
    )  # fmt: skip
    # Same title, authors, venue, volume, issue and year: a page mismatch (never two disjoint
    # full ranges) is an export error.
    by_title |= (
        at_least(f.title, TITLE_NEAR_VERBATIM) & authors_good(f)
        & same_list(f, LIST_SAME) & same_year & agree(f.volume)
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
    by_fields = at_least(f.title, TITLE_CLOSE) & authors_good(f) & same_year & clean & place
    by_place = (
        at_least(f.title, TITLE_AGREES) & authors_good(f) & same_year & place
        & agree(f.page_end) & venue_known
    )  # fmt: skip
    # A truncated title (one is the other's prefix) needs the author list word for word.
    by_prefix = (
        at_least(f.title_partial, TITLE_PREFIX) & full_place(f)
        & same_list(f, LIST_VERBATIM) & at_least(f.first_author, LEAD_VERBATIM)
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
        at_least(f.title, SAME_TITLE) & authors_good(f) & same_year & venue_known
        & agree(f.page) & ~clash(f.page_overlap)
    )  # fmt: skip
    return by_fields | by_place | by_prefix | same_article | same_start


def _next_year(f: Features) -> np.ndarray:
    """Online first one year, in print the next: everything else agrees."""
    return (
        at_least(f.title, SAME_TITLE) & authors_good(f) & at_least(f.venue, VENUE_AGREES)
        & ~clash(f.volume) & _pages_ok(f) & (f.year_diff == 1)
    )  # fmt: skip


def year_typo(f: Features) -> np.ndarray:
    """Years apart, everything else word for word: title, author list, volume, issue and
    pages. One item cannot be printed twice on the same pages of one issue, so the year is
    an export error (a page read as the year: "1867" for 1987 on pages 1861-1868)."""
    if not f.on("year_typo"):
        return np.zeros(len(f.title), dtype=bool)
    return verbatim(f) & full_place(f) & agree(f.issue)


def translated(f: Features) -> np.ndarray:
    """A title in another language than English on one side and any other title on the
    other, in exactly the same venue, volume, issue and article-length page range, by the
    same authors in the same year: the original and its translation (one exported with its
    DOI, one without). Without the issue the place is not strong enough."""
    if not f.on("translated_title"):
        return np.zeros(len(f.title), dtype=bool)
    place = full_place(f) & agree(f.issue) & f.short_range & at_least(f.venue, VENUE_AGREES)
    return f.languages_differ & place & authors_good(f) & (f.year_diff == 0)


def sure(f: Features) -> np.ndarray:
    """Pairs with enough agreeing evidence to merge (before the hard-conflict veto)."""
    place_ok = agree(f.page) & agree(f.volume) & authors_good(f) & (f.year_diff <= 0)
    generic_ok = ~f.generic | identified(f) | (place_ok & at_least(f.venue, VENUE_AGREES))
    paths = _by_id(f) | _by_title(f) | _by_place(f) | _next_year(f) | translated(f)
    paths |= year_typo(f)
    return paths & generic_ok

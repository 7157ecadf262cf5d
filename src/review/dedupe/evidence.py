"""The evidence dedupe decides on: ``Features`` of candidate pairs, and the words to read it.

``score.features`` computes it; ``merges`` and ``decide`` read it with ``agree``/``clash``/
``unknown`` (the +1/0/-1 agreement fields) and ``at_least``/``not_below`` (the 0..100
similarities), against the thresholds named here, per field.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


@dataclass(frozen=True)
class Features:
    """What one batch of candidate pairs shows, one array entry per pair (``features``).

    Similarities are 0..100 (rapidfuzz), NaN when either side is missing: unknown is not
    different. Agreement fields are +1 (both known, equal), -1 (both known, different) or 0
    (unknown); test them with ``decide.agree``/``decide.clash``. Flags are booleans.
    """

    title: np.ndarray  # ratio or token-sort ratio of the title keys, whichever is higher
    title_partial: np.ndarray  # partial ratio: one title the start or a part of the other
    authors: np.ndarray  # token-set ratio of the surname lists (a cut list scores high)
    authors_ratio: np.ndarray  # plain ratio of the surname lists (order and length count)
    authors_head: np.ndarray  # ratio of the shorter list and the other cut to its length
    first_author: np.ndarray  # lead surname; a prefix of 4+ letters counts
    venue: np.ndarray  # abbreviation-aware venue similarity (a conference's acronym: 100)
    venue_alias: np.ndarray  # one venue is the other conference's acronym (+ theme, year)
    abstract: np.ndarray  # ratio of the abstracts' first 400 characters
    year_diff: np.ndarray  # |year a - year b|, -1 unknown
    doi: np.ndarray  # DOI stem (no ".pubN", punctuation-free), +1/0/-1
    doi_exact: np.ndarray  # the DOI as written (lower-case, decoded), +1/0/-1
    doi_moved: np.ndarray  # two DOIs, one suffix: the journal moved publisher (prefix)
    doi_version: np.ndarray  # Cochrane ".pubN" version, +1/0/-1
    pmid: np.ndarray  # +1/0/-1
    review_id: np.ndarray  # Cochrane review number (CD001234), +1/0/-1
    volume: np.ndarray  # +1/0/-1
    page: np.ndarray  # first page (a lone page equal to the other's last page agrees)
    page_end: np.ndarray  # last page, +1/0/-1
    page_overlap: np.ndarray  # +1 ranges overlap, -1 two full ranges disjoint, 0 otherwise
    short_range: np.ndarray  # both ranges known and article-length (not a supplement's)
    issue: np.ndarray  # +1/0/-1
    numbers: np.ndarray  # the numbers in the titles; lost digits count as unknown
    part: np.ndarray  # part/series number ("part 2", "trial 3"), +1/0/-1
    kind_same: np.ndarray  # same record kind (article, erratum, comment...) or one unknown
    venue_kind: np.ndarray  # journal / conference / preprint, +1/0/-1
    generic: np.ndarray  # either title names a genre or is too short to identify a work
    genre: np.ndarray  # either title is a genre word ("Editorial", "Book review")
    living: np.ndarray  # both are chapters of a living publication (volume = year, no pages)
    online_first: np.ndarray  # either has provisional online-first pagination
    abstract_side: np.ndarray  # one (not both) is placed like a meeting abstract
    languages_differ: np.ndarray  # one title reads as another language than English
    kinds: np.ndarray  # (n, 2) the two record kinds
    venue_kinds: np.ndarray  # (n, 2) the two venue kinds
    disabled: frozenset[str] = frozenset()  # rules switched off (``rules.RULES``)

    def on(self, rule: str) -> bool:
        """Whether the named rule is in use for these pairs."""
        return rule not in self.disabled


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

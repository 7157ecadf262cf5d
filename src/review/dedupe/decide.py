"""Decide: conservative rules that turn pair features into merge / queue / related / distinct.

A false merge hides a study for good, so a pair merges only on agreeing evidence with no
contradiction (``merges.sure``, then the vetoes of ``hard_conflict``); plausible-but-unsure
pairs go to the review queue; preprint <-> published and erratum/retraction <-> article are
stored as related, never merged. The vocabulary (``Features``, ``agree``/``clash``, the named
thresholds) is ``evidence.py``'s; rules made for a class of records are named in ``rules.py``
and can be switched off (``Features.on``).
"""

from __future__ import annotations

import numpy as np

from review.dedupe.evidence import (
    AUTHORS_RELATED,
    AUTHORS_SAME,
    SAME_TITLE,
    TITLE_CLOSE,
    TITLE_OTHER,
    TITLE_RELATED,
    VENUE_AGREES,
    YEARS_APART,
    Features,
    agree,
    at_least,
    clash,
    not_below,
)
from review.dedupe.merges import (
    authors_good,
    doi_prefix,
    doi_typo,
    full_place,
    identified,
    living_version,
    same_place,
    same_review,
    sure,
    verbatim,
    year_typo,
)

DISTINCT, MERGE, QUEUE, RELATED = 0, 1, 2, 3


def lenient(f: Features) -> dict[str, np.ndarray]:
    """Per cluster field, the pairs allowed to disagree on it (mirrors ``hard_conflict``)."""
    alias = f.venue_alias if f.on("conference_venue") else np.zeros(len(f.title), dtype=bool)
    return {
        "venue_kind": same_place(f) | alias,
        "doi": doi_typo(f) | f.doi_moved,
        "years": living_version(f) | year_typo(f),
        "kind": same_review(f),
    }


def issue_clash(f: Features) -> np.ndarray:
    """Same volume, another issue, and pages that cannot tell (missing, or a lone page): two
    items, such as a column printed in every issue, unless a shared identifier says it is
    an issue typo. Agreeing pages overrule the issue; two disjoint full ranges are judged
    by the page rule of ``hard_conflict``."""
    if not f.on("issue_clash"):
        return np.zeros(len(f.title), dtype=bool)
    pages_tell = agree(f.page) | (f.page_overlap != 0)
    return agree(f.volume) & clash(f.issue) & ~identified(f) & ~pages_tell


def abstract_doi(f: Features) -> np.ndarray:
    """A shared DOI between an article and a meeting abstract printed in another venue's
    supplement: one page or "Suppl" on one side only, another venue name, and another
    volume or year. An export gave the abstract the article's DOI. A journal known by two
    names ("Medicine (Baltimore)", "Medicine (United States)") keeps its volume and year."""
    if not f.on("doi_abstract_veto"):
        return np.zeros(len(f.title), dtype=bool)
    elsewhere = clash(f.volume) | (f.year_diff >= 1)
    other_venue = ~np.isnan(f.venue) & (f.venue < VENUE_AGREES) & elsewhere
    return (agree(f.doi) | agree(f.doi_exact)) & f.abstract_side & other_venue


def binding(f: Features) -> np.ndarray:
    """Vetoes that also keep the two records' clusters apart (no third record may join them).
    An issue clash does not bind: a copy with the DOI and no issue may be the very record
    that shows one issue number is wrong."""
    return abstract_doi(f)


def hard_conflict(f: Features) -> np.ndarray:
    """Pairs that may never merge, whatever else agrees (also used between clusters)."""
    ident = identified(f) & ~abstract_doi(f)
    provisional = f.online_first if f.on("provisional_pages") else np.zeros(len(ident), bool)
    alias = f.venue_alias if f.on("conference_venue") else np.zeros(len(ident), dtype=bool)
    return (
        # A Cochrane review version marked "Withdrawn" is still that review.
        (~f.kind_same & ~same_review(f))
        | clash(f.numbers)
        | clash(f.part)
        # A journal that moved publisher keeps its DOI suffixes under a new prefix.
        | (clash(f.doi) & ~doi_typo(f) & ~f.doi_moved)
        | clash(f.pmid)
        | clash(f.review_id)
        # A conference written as its acronym may be exported without the conference's kind.
        | (clash(f.venue_kind) & ~same_place(f) & ~alias)
        # Online-first "1-17" is provisional: it does not clash with the printed pages.
        | (clash(f.page_overlap) & ~ident & ~verbatim(f) & ~provisional)
        | ((f.year_diff >= YEARS_APART) & ~ident & ~year_typo(f))
        | ((f.year_diff >= 1) & ~ident & ~at_least(f.title, SAME_TITLE))
        | (f.title < TITLE_OTHER) & ~full_place(f) & ~doi_prefix(f)
        | issue_clash(f)
        | binding(f)
    )


def related(f: Features) -> np.ndarray:
    """Preprint <-> published, erratum/retraction <-> article with the same title."""
    kinds, vkinds = f.kinds, f.venue_kinds
    notice = np.isin(kinds, ["erratum", "retraction"])
    one_notice = notice[:, 0] ^ notice[:, 1]
    preprint = vkinds == "preprint"
    one_preprint = (preprint[:, 0] ^ preprint[:, 1]) & f.kind_same
    titled = at_least(f.title, TITLE_RELATED) & not_below(f.authors, AUTHORS_RELATED)
    return titled & (one_notice | one_preprint)


def plausible(f: Features) -> np.ndarray:
    """Pairs worth a reviewer's look when they do not merge."""
    close = at_least(f.title, TITLE_CLOSE) & not_below(f.authors, AUTHORS_RELATED) & f.kind_same
    placed = agree(f.page) & agree(f.volume) & at_least(f.authors, AUTHORS_SAME)
    out = (close | placed) & ~clash(f.numbers) & ~f.generic
    if f.on("generic_same_issue"):
        # A generic title is one item per issue: the same column from two databases.
        same_issue = agree(f.volume) & agree(f.issue) & at_least(f.venue, VENUE_AGREES)
        out |= f.generic & ~f.genre & same_issue & authors_good(f) & (f.year_diff <= 0)
    return out


def decide(f: Features) -> np.ndarray:
    """One label per pair: DISTINCT, MERGE, QUEUE or RELATED."""
    hard = hard_conflict(f)
    merge = sure(f) & ~hard
    rel = related(f) & ~merge
    label = np.full(len(hard), DISTINCT, dtype=np.int8)
    label[plausible(f) & ~merge] = QUEUE
    label[rel] = RELATED
    label[merge] = MERGE
    return label


# Merge order: a shared identifier outweighs any similarity; an unknown similarity is neutral.
_ID_WEIGHT, _NEUTRAL = 100.0, 50.0


def pair_score(f: Features) -> np.ndarray:
    """An order for merging (strongest evidence first), not a probability."""
    ident = identified(f) * _ID_WEIGHT
    return ident + np.nan_to_num(f.title, nan=_NEUTRAL) + np.nan_to_num(f.authors, nan=_NEUTRAL)

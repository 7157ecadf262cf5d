"""Score: field similarities for aligned candidate pairs, batched with rapidfuzz.cpdist.

Every similarity is 0..100, or NaN when either side is missing: unknown is not different.
Exact-equality fields become +1 (equal), -1 (both known, different) or 0 (unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from review.dedupe.prepare import Prepared
from review.dedupe.text import digits_compatible, venue_similarity


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
    first_author: np.ndarray  # lead surname; a prefix of 4+ letters counts
    venue: np.ndarray  # abbreviation-aware venue similarity
    abstract: np.ndarray  # ratio of the abstracts' first 400 characters
    year_diff: np.ndarray  # |year a - year b|, -1 unknown
    doi: np.ndarray  # DOI stem (no ".pubN", punctuation-free), +1/0/-1
    doi_exact: np.ndarray  # the DOI as written (lower-case, decoded), +1/0/-1
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
    kinds: np.ndarray  # (n, 2) the two record kinds
    venue_kinds: np.ndarray  # (n, 2) the two venue kinds


def _known(values: np.ndarray) -> np.ndarray:
    """True where a prepared string value is present."""
    return np.array([v is not None and v != "" for v in values], dtype=bool)


def _sim(a: np.ndarray, b: np.ndarray, scorer: Any) -> np.ndarray:
    """cpdist over aligned pairs; NaN where either side is missing."""
    both = _known(a) & _known(b)
    out = np.full(len(a), np.nan)
    if both.any():
        out[both] = process.cpdist(list(a[both]), list(b[both]), scorer=scorer, workers=-1)
    return out


def _compare(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """+1 equal, -1 both known and different, 0 unknown."""
    both = _known(a) & _known(b)
    same = np.array([x == y for x, y in zip(a, b, strict=True)], dtype=bool)
    return np.where(both, np.where(same, 1, -1), 0).astype(np.int8)


def _first_author(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Surname similarity; a prefix counts ("andres" ~ "andresgamboa") from 4 letters on."""
    ratio, partial = _sim(a, b, fuzz.ratio), _sim(a, b, fuzz.partial_ratio)
    short = np.array([min(len(x or ""), len(y or "")) for x, y in zip(a, b, strict=True)])
    return np.where(short >= 4, np.fmax(ratio, partial), ratio)


def _venue(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Abbreviation-aware venue similarity per pair (cached per distinct pair); NaN unknown."""
    out = np.full(len(a), np.nan)
    cache: dict[tuple[str, str], float] = {}
    for k in np.flatnonzero(_known(a) & _known(b)):
        key = (a[k], b[k])
        if key not in cache:
            cache[key] = venue_similarity(*key)
        out[k] = cache[key]
    return out


def _overlap(p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """+1 page ranges overlap, -1 both are full ranges and disjoint, 0 otherwise."""
    out = np.zeros(len(i), dtype=np.int8)
    s, e = p["page_start_n"], p["page_end_n"]
    full = (s[i] >= 0) & (e[i] >= s[i]) & (s[j] >= 0) & (e[j] >= s[j])
    disjoint = (e[i] < s[j]) | (e[j] < s[i])
    out[full] = np.where(disjoint[full], -1, 1)
    return out


def _short_range(p: Prepared, i: np.ndarray, j: np.ndarray, most: int = 60) -> np.ndarray:
    """Both page ranges known and no longer than an article (a supplement's range is not)."""
    s, e = p["page_start_n"], p["page_end_n"]
    span_i, span_j = e[i] - s[i], e[j] - s[j]
    known = (s[i] >= 0) & (e[i] >= 0) & (s[j] >= 0) & (e[j] >= 0)
    return known & (span_i >= 0) & (span_i <= most) & (span_j >= 0) & (span_j <= most)


def _pages(p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Page agreement; a lone page equal to the other's end page ("5-10" vs "10") agrees."""
    start = _compare(p["page_start"][i], p["page_start"][j])
    lone_i = ~_known(p["page_end"][i])
    lone_j = ~_known(p["page_end"][j])
    cross = ((_compare(p["page_start"][i], p["page_end"][j]) == 1) & lone_i) | (
        (_compare(p["page_end"][i], p["page_start"][j]) == 1) & lone_j
    )
    return np.where(cross, 1, start).astype(np.int8)


def _numbers(p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """+1 same title numbers, -1 different, 0 unknown: also when one title's digits are a
    subsequence of the other's (a truncated title, bracketed "[3H]" dropped by an export)."""
    out = _compare(p["title_nums"][i], p["title_nums"][j])
    digits = p["title_digits"]
    for k in np.flatnonzero(out == -1):
        a, b = digits[i[k]], digits[j[k]]
        if a == b:
            out[k] = 1
        elif digits_compatible(a, b):
            out[k] = 0
    return out


def features(p: Prepared, pairs: np.ndarray) -> Features:
    """All pair features for ``pairs`` (n, 2) of indices into ``p``."""
    i, j = pairs[:, 0], pairs[:, 1]

    def col(name: str) -> tuple[np.ndarray, np.ndarray]:
        return p[name][i], p[name][j]

    # The author list letter for letter: export styles ("HARDELL LERIKSSON M" vs "Hardell, L.;
    # Eriksson, M.") the surname parser cannot split still compare as identical.
    same_letters = _sim(*col("author_letters"), fuzz.ratio) >= 95
    authors = np.where(same_letters, 100.0, _sim(*col("authors"), fuzz.token_set_ratio))
    authors_ratio = np.where(same_letters, 100.0, _sim(*col("authors"), fuzz.ratio))
    first = np.where(same_letters, 100.0, _first_author(*col("first_author")))
    title = _sim(*col("title"), fuzz.ratio)
    title_sorted = _sim(*col("title"), fuzz.token_sort_ratio)
    ya, yb = p["year"][i], p["year"][j]
    return Features(
        title=np.fmax(title, title_sorted),
        title_partial=_sim(*col("title"), fuzz.partial_ratio),
        authors=authors,
        authors_ratio=authors_ratio,
        first_author=first,
        venue=_venue(*col("venue")),
        abstract=_sim(*col("abstract"), fuzz.ratio),
        year_diff=np.where((ya >= 0) & (yb >= 0), np.abs(ya - yb), -1),
        doi=_compare(*col("doi")),
        doi_exact=_compare(*col("doi_exact")),
        doi_version=_compare(*col("doi_version")),
        pmid=_compare(*col("pmid")),
        review_id=_compare(*col("review_id")),
        volume=_compare(*col("volume")),
        page=_pages(p, i, j),
        page_end=_compare(*col("page_end")),
        page_overlap=_overlap(p, i, j),
        short_range=_short_range(p, i, j),
        issue=_compare(*col("issue")),
        numbers=_numbers(p, i, j),
        part=_compare(*col("title_part")),
        kind_same=_compare(*col("kind")) >= 0,
        venue_kind=_compare(*col("venue_kind")),
        generic=p["generic"][i] | p["generic"][j],
        genre=p["genre"][i] | p["genre"][j],
        living=p["living"][i] & p["living"][j],
        online_first=p["online_first"][i] | p["online_first"][j],
        kinds=np.stack(col("kind"), axis=1),
        venue_kinds=np.stack(col("venue_kind"), axis=1),
    )

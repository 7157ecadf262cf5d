"""Score: field similarities for aligned candidate pairs, batched with rapidfuzz.cpdist.

Every similarity is 0..100, or NaN when either side is missing: unknown is not different.
Exact-equality fields become +1 (equal), -1 (both known, different) or 0 (unknown).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from review.dedupe.authors import name_keys, swapped_match
from review.dedupe.evidence import TITLE_REVISED, Features, at_least
from review.dedupe.prepare import Prepared
from review.dedupe.text import conference_alias, digits_compatible, venue_similarity


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


def _venue(a: np.ndarray, b: np.ndarray, conference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Abbreviation-aware venue similarity per pair (cached per distinct pair), NaN unknown;
    and, where ``conference`` (one side is a conference), whether one is the other
    conference's acronym (then similarity 100)."""
    out, alias = np.full(len(a), np.nan), np.zeros(len(a), dtype=bool)
    cache: dict[tuple[str, str, bool], tuple[float, bool]] = {}
    for k in np.flatnonzero(_known(a) & _known(b)):
        key = (a[k], b[k], bool(conference[k]))
        if key not in cache:
            similar = venue_similarity(a[k], b[k])
            named = key[2] and similar < 100 and conference_alias(a[k], b[k])
            cache[key] = (100.0 if named else similar, named)
        out[k], alias[k] = cache[key]
    return out, alias


def _head(a: np.ndarray, b: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Ratio of the shorter surname list and the longer one cut to as many names, on ``rows``
    (NaN elsewhere): 100 when one list is the other cut after its first names."""
    out = np.full(len(a), np.nan)
    short, cut = [], []
    for k in rows:
        x, y = a[k].split(), b[k].split()
        x, y = (x, y) if len(x) <= len(y) else (y, x)
        short.append(" ".join(x))
        cut.append(" ".join(y[: len(x)]))
    if short:
        out[rows] = process.cpdist(short, cut, scorer=fuzz.ratio, workers=-1)
    return out


def _swapped(lists: np.ndarray, i: np.ndarray, j: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(lead author the same person, share of the shorter list found) on ``rows``, names
    matched whichever way round given and family names were written (NaN elsewhere). The
    names are read only for the records these rows compare."""
    out = np.full((len(i), 2), np.nan)
    keys: dict[int, tuple] = {}
    for k in rows:
        for r in (i[k], j[k]):
            if r not in keys:
                keys[r] = name_keys(lists[r])
        lead, share = swapped_match(keys[i[k]], keys[j[k]])
        out[k] = (100.0 if lead else np.nan, share)
    return out


def _moved(a: np.ndarray, b: np.ndarray, clash: np.ndarray, shortest: int = 8) -> np.ndarray:
    """Where two different DOIs have the same suffix (``shortest`` characters or more) under
    another prefix: the journal moved publisher ("10.3109/1562..." became "10.1080/1562...")."""
    out = np.zeros(len(a), dtype=bool)
    for k in np.flatnonzero(clash):
        sa, sb = a[k].partition("/")[2], b[k].partition("/")[2]
        out[k] = sa == sb and len(sa) >= shortest
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


def features(p: Prepared, pairs: np.ndarray, disabled: frozenset[str] = frozenset()) -> Features:
    """All pair features for ``pairs`` (n, 2) of indices into ``p`` (``disabled``: rules
    switched off)."""
    i, j = pairs[:, 0], pairs[:, 1]

    def col(name: str) -> tuple[np.ndarray, np.ndarray]:
        return p[name][i], p[name][j]

    # The author list letter for letter: export styles ("HARDELL LERIKSSON M" vs "Hardell, L.;
    # Eriksson, M.") the surname parser cannot split still compare as identical.
    same_letters = _sim(*col("author_letters"), fuzz.ratio) >= 95
    authors = np.where(same_letters, 100.0, _sim(*col("authors"), fuzz.token_set_ratio))
    authors_ratio = np.where(same_letters, 100.0, _sim(*col("authors"), fuzz.ratio))
    first = np.where(same_letters, 100.0, _first_author(*col("first_author")))
    title = np.fmax(_sim(*col("title"), fuzz.ratio), _sim(*col("title"), fuzz.token_sort_ratio))
    page = _pages(p, i, j)
    # Only where the title or the place could make a pair (below TITLE_REVISED no author
    # evidence can), and the names do not already agree.
    placed = at_least(title, TITLE_REVISED) | (page == 1)
    worth = placed & ((first < 100) | (authors < 100))
    if "swapped_names" not in disabled:
        swapped = _swapped(p["author_list"], i, j, np.flatnonzero(worth))
        first, authors = np.fmax(first, swapped[:, 0]), np.fmax(authors, swapped[:, 1])
    cut = np.flatnonzero(placed & (authors_ratio < 100))
    conference = (p["venue_kind"][i] == "conference") | (p["venue_kind"][j] == "conference")
    acronyms = conference & ("conference_venue" not in disabled)
    venue, alias = _venue(*col("venue"), acronyms)
    ya, yb = p["year"][i], p["year"][j]
    doi = _compare(*col("doi"))
    moved = _moved(*col("doi_exact"), (doi == -1) & ("doi_moved" not in disabled))
    return Features(
        title=title,
        title_partial=_sim(*col("title"), fuzz.partial_ratio),
        authors=authors,
        authors_ratio=authors_ratio,
        authors_head=_head(*col("authors"), cut),
        first_author=first,
        venue=venue,
        venue_alias=alias,
        abstract=_sim(*col("abstract"), fuzz.ratio),
        year_diff=np.where((ya >= 0) & (yb >= 0), np.abs(ya - yb), -1),
        doi=doi,
        doi_moved=moved,
        doi_exact=_compare(*col("doi_exact")),
        doi_version=_compare(*col("doi_version")),
        pmid=_compare(*col("pmid")),
        review_id=_compare(*col("review_id")),
        volume=_compare(*col("volume")),
        page=page,
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
        abstract_side=p["abstract_like"][i] ^ p["abstract_like"][j],
        languages_differ=p["title_foreign"][i] ^ p["title_foreign"][j],
        kinds=np.stack(col("kind"), axis=1),
        venue_kinds=np.stack(col("venue_kind"), axis=1),
        disabled=disabled,
    )

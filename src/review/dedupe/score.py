"""Score: field similarities for aligned candidate pairs, batched with rapidfuzz.cpdist.

Every similarity is 0..100, or NaN when either side is missing: unknown is not different.
Exact-equality fields become +1 (equal), -1 (both known, different) or 0 (unknown).
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from review.dedupe.prepare import Prepared

Features = dict[str, np.ndarray]


def _known(values: np.ndarray) -> np.ndarray:
    """True where a prepared string value is present."""
    return np.array([v is not None and v != "" for v in values], dtype=bool)


def _sim(a: np.ndarray, b: np.ndarray, scorer: object) -> np.ndarray:
    """cpdist over aligned pairs; NaN where either side is missing."""
    both = _known(a) & _known(b)
    out = np.full(len(a), np.nan)
    if both.any():
        out[both] = process.cpdist(list(a[both]), list(b[both]), scorer=scorer, workers=-1)
    return out


def _agree(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """+1 equal, -1 both known and different, 0 unknown."""
    both = _known(a) & _known(b)
    same = np.array([x == y for x, y in zip(a, b, strict=True)], dtype=bool)
    return np.where(both, np.where(same, 1, -1), 0).astype(np.int8)


def features(p: Prepared, pairs: np.ndarray) -> Features:
    """All pair features for ``pairs`` (n, 2) of indices into ``p``."""
    i, j = pairs[:, 0], pairs[:, 1]

    def col(name: str) -> tuple[np.ndarray, np.ndarray]:
        return p[name][i], p[name][j]

    title = _sim(*col("title"), fuzz.ratio)
    title_sorted = _sim(*col("title"), fuzz.token_sort_ratio)
    ya, yb = p["year"][i], p["year"][j]
    return {
        "title": np.fmax(title, title_sorted),
        "title_partial": _sim(*col("title"), fuzz.partial_ratio),
        "authors": _sim(*col("authors"), fuzz.token_set_ratio),
        "authors_ratio": _sim(*col("authors"), fuzz.ratio),
        "first_author": _sim(*col("first_author"), fuzz.ratio),
        "venue": _sim(*col("venue"), fuzz.token_set_ratio),
        "abstract": _sim(*col("abstract"), fuzz.ratio),
        "year_diff": np.where((ya >= 0) & (yb >= 0), np.abs(ya - yb), -1),
        "doi": _agree(*col("doi")),
        "pmid": _agree(*col("pmid")),
        "volume": _agree(*col("volume")),
        "page": _agree(*col("page_start")),
        "page_end": _agree(*col("page_end")),
        "numbers": _agree(*col("title_nums")),
        "kind_same": _agree(*col("kind")) >= 0,
        "venue_kind": _agree(*col("venue_kind")),
        "generic": p["generic"][i] | p["generic"][j],
        "online_first": p["online_first"][i] | p["online_first"][j],
        "kinds": np.stack(col("kind"), axis=1),
        "venue_kinds": np.stack(col("venue_kind"), axis=1),
    }

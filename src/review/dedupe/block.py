"""Block: candidate pairs from several cheap keys, by sorted neighbourhood per key.

For each key the records are sorted by (key, title); every record is paired with the next
``window`` records that share its key. Small blocks are thus compared exhaustively, huge
ones (generic titles, common surnames) only locally, so the pair count stays linear.
"""

from __future__ import annotations

import numpy as np

from review.dedupe.prepare import Prepared

WINDOW = 40


def _concat(*parts: np.ndarray) -> np.ndarray:
    """Element-wise string concatenation; None when any part is missing."""
    out = np.empty(len(parts[0]), dtype=object)
    for i, values in enumerate(zip(*parts, strict=True)):
        out[i] = None if any(v is None or v == "" for v in values) else "|".join(map(str, values))
    return out


def keys(p: Prepared) -> dict[str, np.ndarray]:
    """The blocking keys: each an object array with None where the key is unknown."""
    year = p["year"].astype(str).astype(object)
    year[p["year"] < 0] = None
    title = p["title"]
    words = np.array([t.split() if t else [] for t in title], dtype=object)
    suffix = np.array([" ".join(w[-4:]) if len(w) >= 4 else None for w in words], dtype=object)
    longest = np.array(
        [" ".join(sorted(sorted(w, key=len)[-3:])) if len(w) >= 3 else None for w in words],
        dtype=object,
    )
    initials = np.array(
        ["".join(w[0] for w in v.split()) if v else None for v in p["venue"]], dtype=object
    )
    return {
        "doi": p["doi"],
        "pmid": p["pmid"],
        "title_prefix": p["title_prefix"],
        "title_suffix": suffix,
        "title_longest": longest,
        "author_year": _concat(p["first_author"], year),
        "venue_volume_page": _concat(initials, p["volume"], p["page_start"]),
        "author_page": _concat(p["first_author"], p["page_start"]),
        "year_volume_page": _concat(year, p["volume"], p["page_start"]),
    }


def _pairs_for(key: np.ndarray, order_by: np.ndarray, window: int) -> np.ndarray:
    """Pairs (i, j), i < j, of records sharing ``key`` within ``window`` in sorted order."""
    idx = np.flatnonzero(np.array([k is not None for k in key], dtype=bool))
    if len(idx) < 2:
        return np.empty((0, 2), dtype=np.int64)
    sortable = np.array([f"{key[i]}\x00{order_by[i] or ''}" for i in idx], dtype=object)
    idx = idx[np.argsort(sortable, kind="stable")]
    codes = np.unique(key[idx].astype(str), return_inverse=True)[1]
    out = []
    for k in range(1, window + 1):
        same = codes[k:] == codes[:-k]
        if not same.any():
            break
        out.append(np.stack([idx[:-k][same], idx[k:][same]], axis=1))
    pairs = np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)
    return np.sort(pairs, axis=1)


def candidate_pairs(
    p: Prepared, window: int = WINDOW, only: np.ndarray | None = None
) -> np.ndarray:
    """All distinct candidate pairs (n, 2) over every key; ``only`` keeps pairs touching it."""
    n = len(p["record_id"])
    found = [_pairs_for(k, p["title"], window) for k in keys(p).values()]
    pairs = np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if only is not None:
        mask = only[pairs[:, 0]] | only[pairs[:, 1]]
        pairs = pairs[mask]
    codes = np.unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)

"""Cluster: merge pairs into works, strongest first, never joining contradicting clusters.

Union-find over record indices. Each cluster keeps the identifiers and kinds of its
members, so a merge that would put two DOIs, two title numbers or an erratum with its
article into one work is refused even when no single pair showed the contradiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from review.dedupe.prepare import Prepared
from review.dedupe.text import digits_compatible

_SET_FIELDS = ("doi", "pmid", "review_id", "title_part", "kind", "venue_kind")
_IDS = ("doi", "pmid", "review_id")
_KEEP = (*_SET_FIELDS, "doi_exact", "title_digits")


@dataclass
class _Cluster:
    members: list[int]
    values: dict[str, set[str]] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)


def _digits_agree(va: set[str], vb: set[str]) -> bool:
    """Every title's digits in one cluster are compatible with every title's in the other."""
    return all(digits_compatible(a, b) for a in va for b in vb)


class Clusters:
    """Union-find with per-cluster evidence and forced-apart record pairs."""

    def __init__(self, p: Prepared, apart: dict[int, set[int]] | None = None) -> None:
        self.parent = np.arange(len(p["record_id"]))
        self.apart = apart or {}
        self.info: dict[int, _Cluster] = {}
        for i in range(len(self.parent)):
            values = {k: {p[k][i]} if p[k][i] else set() for k in _KEEP}
            years = {int(p["year"][i])} if p["year"][i] >= 0 else set()
            self.info[i] = _Cluster([i], values, years)

    def find(self, i: int) -> int:
        """Root of ``i``'s cluster (with path halving)."""
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return int(i)

    def conflict(self, a: int, b: int, *, lenient: frozenset[str] = frozenset()) -> bool:
        """Whether clusters rooted at ``a`` and ``b`` contradict each other (``lenient``: fields
        the pair being merged may disagree on)."""
        ca, cb = self.info[a], self.info[b]
        for name in _SET_FIELDS:
            if name in lenient:
                continue
            va, vb = ca.values[name], cb.values[name]
            if va and vb and len(va | vb) > 1:
                return True
        if not _digits_agree(ca.values["title_digits"], cb.values["title_digits"]):
            return True
        shared_id = any(ca.values[name] & cb.values[name] for name in _IDS)
        years = ca.years | cb.years
        if years and max(years) - min(years) > 1 and not shared_id and "years" not in lenient:
            return True
        if self.apart:
            small, big = sorted((ca.members, cb.members), key=len)
            big_set = set(big)
            return any(self.apart.get(m, set()) & big_set for m in small)
        return False

    def union(
        self, i: int, j: int, *, force: bool = False, lenient: frozenset[str] = frozenset()
    ) -> bool:
        """Join the clusters of ``i`` and ``j`` unless they conflict (or ``force``)."""
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        if not force and self.conflict(a, b, lenient=lenient):
            return False
        if len(self.info[a].members) < len(self.info[b].members):
            a, b = b, a
        self.parent[b] = a
        ca, cb = self.info[a], self.info.pop(b)
        ca.members += cb.members
        ca.years |= cb.years
        for name in _KEEP:
            ca.values[name] |= cb.values[name]
        return True

    def labels(self) -> np.ndarray:
        """Root index per record."""
        return np.array([self.find(i) for i in range(len(self.parent))])


def cluster(
    p: Prepared,
    pairs: np.ndarray,
    score: np.ndarray,
    *,
    groups: list[list[int]] | None = None,
    forced: list[tuple[int, int]] | None = None,
    apart: dict[int, set[int]] | None = None,
    lenient: dict[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Cluster labels per record, plus the merge pairs refused because of a conflict.

    ``groups`` are existing works (kept together), ``forced`` are reviewer merges, ``apart``
    maps a record to records a reviewer split it from; ``lenient`` maps a field to the pairs
    that may disagree on it (a DOI typo, a meeting supplement labelled as a conference).
    """
    c = Clusters(p, apart)
    for i, j in forced or []:
        c.union(i, j, force=True)
    for group in groups or []:
        for other in group[1:]:
            c.union(group[0], other, force=True)
    refused = []
    for k in np.argsort(-score, kind="stable"):
        i, j = int(pairs[k, 0]), int(pairs[k, 1])
        allowed = frozenset(name for name, ok in (lenient or {}).items() if ok[k])
        if not c.union(i, j, lenient=allowed):
            refused.append((i, j))
    return c.labels(), refused

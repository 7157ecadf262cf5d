"""Agreement between reviewers, and between each reviewer and the rules (Cohen's kappa).

Each pair compares the latest decision of each rater on the works both decided, per protocol
and stage, over the three categories include / uncertain / exclude.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

_PAIRS = """
WITH raters AS (
    SELECT work_id, protocol, stage, decided_by AS rater, decision FROM human_latest
    UNION ALL
    SELECT work_id, protocol, stage, 'rules', decision FROM rules_latest
)
SELECT a.protocol, a.stage, a.rater, b.rater, a.decision, b.decision
FROM raters a JOIN raters b
  ON a.work_id = b.work_id AND a.protocol = b.protocol AND a.stage = b.stage AND a.rater < b.rater
WHERE (? IS NULL OR a.protocol = ?) AND (a.rater <> 'rules' OR b.rater <> 'rules')
ORDER BY 1, 2, 3, 4
"""


@dataclass(frozen=True)
class Agreement:
    """Agreement of two raters on one protocol and stage."""

    protocol: str
    stage: str
    rater_a: str
    rater_b: str
    n: int
    observed: float
    kappa: float | None


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of paired labels; None when undefined (no pairs, or chance agreement 1)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[c] * right[c] for c in left) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def agreement(con: duckdb.DuckDBPyConnection, protocol: str | None = None) -> list[Agreement]:
    """Kappa for every pair of raters (reviewers and 'rules') that decided the same works."""
    groups: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}
    for proto, stage, a, b, da, db in con.execute(_PAIRS, [protocol, protocol]).fetchall():
        groups.setdefault((proto, stage, a, b), []).append((da, db))
    result = []
    for (proto, stage, a, b), pairs in groups.items():
        observed = sum(x == y for x, y in pairs) / len(pairs)
        result.append(Agreement(proto, stage, a, b, len(pairs), observed, cohen_kappa(pairs)))
    return result

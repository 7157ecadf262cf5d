"""Screen on other processes or machines: batches out, decisions back, one writer.

For a task runner that spreads work over a cluster (a Dask cluster under Prefect, say):
``pending_batches`` reads the works to screen as Arrow batches (cheap to send),
``screen_batch`` decides one batch anywhere (``runner.decide_batch``: no database, no shared
state needed), and ``runner.write_decisions`` writes every batch's decisions from the one
process that holds the database. ``decide`` is pure and a detected language depends on the
text only, so the stored decisions are those of ``run`` whatever the batch size or the order
the batches come back in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from review.screening.batch import WORKS_PER_CHUNK
from review.screening.rules import RuleSet
from review.screening.runner import Decided, decide_batch, pending, rules_of

if TYPE_CHECKING:
    import duckdb

    from review.protocol import Protocol

WORKS_PER_TASK = 10 * WORKS_PER_CHUNK  # a task of a few seconds, worth a task's overhead
MAX_INTERNED_RULE_SETS = 64
# A worker keeps one rule set per (protocol, version): the engine compiles each object once,
# and every batch arrives with freshly unpickled copies.
_interned: dict[tuple[str, str], RuleSet] = {}


def split(table: pa.Table, size: int = WORKS_PER_TASK) -> list[pa.Table]:
    """The table in slices of at most ``size`` rows, in order (zero-copy)."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    return [table.slice(start, size) for start in range(0, table.num_rows, size)]


def pending_batches(
    con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol], size: int = WORKS_PER_TASK
) -> list[pa.Table]:
    """The works not yet screened under the protocols' current rules, in batches."""
    rules_of(protocols)
    return split(pending(con, protocols), size)


def _intern(name: str, rules: RuleSet) -> RuleSet:
    key = (name, rules.version())
    if key not in _interned and len(_interned) >= MAX_INTERNED_RULE_SETS:
        _interned.clear()
    return _interned.setdefault(key, rules)


def screen_batch(batch: pa.Table, rules: Mapping[str, RuleSet]) -> Decided:
    """One batch's decisions (an Arrow table) and its counts per protocol and decision."""
    local = {name: _intern(name, rule_set) for name, rule_set in rules.items()}
    return decide_batch(batch.to_pylist(), local)

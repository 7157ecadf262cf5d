"""Screen on other processes or machines: batches out, decisions back, one writer.

For a task runner that spreads work over a cluster (a Dask cluster under Prefect, say):
``pending_batches`` reads the works to screen as Arrow batches (cheap to send),
``screen_batch`` decides one batch anywhere (pure: no database, no shared state needed), and
``runner.write_decisions`` writes every batch's decisions from the one process that holds the
database. ``decide`` is pure and a detected language depends on the text only, so the stored
decisions are those of ``run`` whatever the batch size or the order the batches come back in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from review.screening.batch import CHUNK, screen_rows
from review.screening.parallel import DECISION_SCHEMA
from review.screening.rules import RuleSet
from review.screening.runner import Decided, pending, rules_of

if TYPE_CHECKING:
    import duckdb

    from review.protocol import Protocol

BATCH_SIZE = 10 * CHUNK  # works per batch: a task of a few seconds, worth a task's overhead
# A worker keeps one rule set per (protocol, version): the engine compiles each object once,
# and every batch arrives with freshly unpickled copies.
_interned: dict[tuple[str, str], RuleSet] = {}


def split(table: pa.Table, size: int = BATCH_SIZE) -> list[pa.Table]:
    """The table in slices of at most ``size`` rows, in order (zero-copy)."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    return [table.slice(start, size) for start in range(0, table.num_rows, size)]


def pending_batches(
    con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol], size: int = BATCH_SIZE
) -> list[pa.Table]:
    """The works not yet screened under the protocols' current rules, in batches."""
    rules_of(protocols)
    return split(pending(con, protocols), size)


def _intern(name: str, rules: RuleSet) -> RuleSet:
    key = (name, rules.version())
    if key not in _interned and len(_interned) >= 64:
        _interned.clear()
    return _interned.setdefault(key, rules)


def screen_batch(batch: pa.Table, rules: Mapping[str, RuleSet]) -> Decided:
    """One batch's decisions (an Arrow table) and its counts per protocol and decision."""
    local = {name: _intern(name, rule_set) for name, rule_set in rules.items()}
    counts: dict[str, dict[str, int]] = {name: {} for name in local}
    columns = screen_rows(batch.to_pylist(), local, counts)
    return pa.Table.from_pydict(columns, schema=DECISION_SCHEMA), counts

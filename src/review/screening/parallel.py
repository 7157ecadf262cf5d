"""Screen chunks of works in worker processes, one per core, with the same decisions.

Each worker (started with ``spawn``: no state is inherited from a parent that holds a DuckDB
connection and threads) receives the rule sets once, then chunks of pending rows, and returns
each chunk's decisions as an Arrow table plus the counts per protocol and decision. Results
come back in chunk order (``imap``), and ``decide`` is pure, so the output is the serial one.
Opt-in (``run(..., workers=2)``): a script that asks for workers needs the usual
``if __name__ == "__main__":`` guard, as every ``spawn`` user does.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa

from review.screening.batch import screen_rows
from review.screening.rules import RuleSet

DECISION_SCHEMA = pa.schema(
    [("work_id", pa.string()), ("protocol", pa.string()), ("decision", pa.string()),
     ("reasons", pa.list_(pa.string())), ("matches", pa.string()), ("rule_version", pa.string())]
)  # fmt: skip
_rules: dict[str, RuleSet] = {}


def _start(rules: dict[str, RuleSet]) -> None:
    _rules.update(rules)


def _screen(rows: Sequence[Mapping[str, Any]]) -> tuple[pa.Table, dict[str, dict[str, int]]]:
    counts: dict[str, dict[str, int]] = {name: {} for name in _rules}
    columns = screen_rows(rows, _rules, counts)
    return pa.Table.from_pydict(columns, schema=DECISION_SCHEMA), counts


def screen_in_workers(
    chunks: Sequence[Sequence[Mapping[str, Any]]], rules: dict[str, RuleSet], workers: int
) -> Iterator[tuple[pa.Table, dict[str, dict[str, int]]]]:
    """Each chunk's decisions and counts, in chunk order, screened by ``workers`` processes."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start, initargs=(rules,)) as pool:
        yield from pool.imap(_screen, chunks)

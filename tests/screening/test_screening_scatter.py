"""Screening scattered in batches (as a Dask task runner does) stores ``run``'s decisions."""

from __future__ import annotations

import pickle
from typing import Any

import duckdb
import pyarrow as pa
import pytest
import screening_golden as golden
from test_screening_equivalence import insert, pinned, stored_lines

from review.protocol import Protocol
from review.screening.runner import run, write_decisions
from review.screening.scatter import pending_batches, screen_batch, split
from review.store import open_store

__all__ = ["pinned"]  # the golden-file fixture, shared with the equivalence tests


def _works(pinned: dict[str, Any]) -> list[dict[str, Any]]:
    return golden.rich_works(pinned["rich"]["n"], pinned["rich"]["seed"])


def _decisions(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT work_id, protocol, decision, reasons, matches::VARCHAR, rule_version, decided_by, "
        "stage FROM decisions ORDER BY work_id, protocol"
    ).fetchall()


def test_split_keeps_every_row_in_order() -> None:
    table = pa.table({"n": list(range(10))})
    parts = split(table, 3)
    assert [p.num_rows for p in parts] == [3, 3, 3, 1]
    assert pa.concat_tables(parts).equals(table)
    assert split(table.slice(0, 0), 3) == []
    with pytest.raises(ValueError, match="at least 1"):
        split(table, 0)


def test_scattered_batches_store_the_pinned_decisions_and_the_same_rows_as_run(
    protocols: dict[str, Protocol], pinned: dict[str, Any]
) -> None:
    works = _works(pinned) + golden.eval_works_as_rows()
    chosen = list(protocols.values())
    rules = {p.name: p.rules for p in chosen}
    with open_store(":memory:") as serial, open_store(":memory:") as scattered:
        insert(serial, works)
        insert(scattered, works)
        expected = run(serial, chosen)

        batches = pending_batches(scattered, chosen, size=700)
        assert len(batches) == -(-len(works) // 700)
        # As on a cluster: each batch and the rules travel pickled, and come back in any order.
        shipped = [pickle.loads(pickle.dumps((b, rules))) for b in batches]
        results = [screen_batch(batch, batch_rules) for batch, batch_rules in shipped]
        summary = write_decisions(scattered, chosen, reversed(results))

        assert summary.counts == expected.counts
        assert summary.rule_versions == expected.rule_versions
        assert _decisions(scattered) == _decisions(serial)
        lines = stored_lines(scattered)
        rich = golden.digest(line for line in lines if '["R' in line[:3])
        assert rich == pinned["rich"]["sha256"]
        assert sorted(line for line in lines if '["R' not in line[:3]) == pinned["eval"]
        # Nothing is pending afterwards, on either path: running again screens nothing.
        assert pending_batches(scattered, chosen) == []
        assert run(serial, chosen).screened == 0


def test_nothing_pending_writes_nothing_but_records_the_rules(
    con: duckdb.DuckDBPyConnection, protocols: dict[str, Protocol]
) -> None:
    chosen = [protocols["crime"]]
    summary = write_decisions(con, chosen, [])
    assert summary.screened == 0
    assert con.execute("SELECT count(*) FROM screening_rules").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM decisions").fetchone() == (0,)

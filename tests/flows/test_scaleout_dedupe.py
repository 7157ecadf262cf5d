"""Dedupe with its pair scoring mapped over a Dask LocalCluster stores the one-task works."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from flow_helpers import rows, subflow_task_runs

from review.record import Record
from review.store import open_store, upsert_records

pytestmark = pytest.mark.prefect
SAMPLE = Path(__file__).resolve().parents[1] / "dedupe" / "dedupe_sample.py"
STORED = {
    "links": "SELECT record_id, work_id FROM records ORDER BY record_id",
    "works": "SELECT * EXCLUDE (updated_at) FROM works ORDER BY work_id",
    "queue": "SELECT * EXCLUDE (found_at) FROM duplicate_candidates ORDER BY ALL",
    "related": "SELECT * EXCLUDE (found_at) FROM work_relations ORDER BY ALL",
}
PAIRS_PER_TASK = 400


def _records() -> list[Record]:
    spec = importlib.util.spec_from_file_location("dedupe_sample_for_flows", SAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [Record(source="t", source_id=str(i), **r) for i, r in enumerate(module.records())]


def _add(db: Path, records: list[Record]) -> int:
    """Store ``records``; returns how many chunks of candidate pairs the next run has."""
    from review import dedupe
    from review.dedupe.engine import chunks

    with open_store(db) as con:
        upsert_records(con, records)
        return len(chunks(dedupe.plan(dedupe.load(con)), PAIRS_PER_TASK))


def _stored(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {name: rows(db, sql) for name, sql in STORED.items()}


def test_dedupe_on_a_dask_cluster_stores_the_one_task_works(
    prefect_harness: None, tmp_path: Path
) -> None:
    """A full run, then an incremental one after more records arrive, on both paths."""
    pytest.importorskip("prefect_dask", reason="the dask extra is not installed")
    from flows.stages import DedupeParameters, dedupe_flow

    records = _records()
    threads, dask = tmp_path / "threads.duckdb", tmp_path / "dask.duckdb"
    first, second = records[: len(records) // 2], records[len(records) // 2 :]
    for batch in (first, second):
        _add(threads, batch)
        n_chunks = _add(dask, batch)
        assert n_chunks > 1
        expected = dedupe_flow(DedupeParameters(db=str(threads)))
        state = dedupe_flow(
            DedupeParameters(db=str(dask), task_runner="dask", pairs_per_task=PAIRS_PER_TASK),
            return_state=True,
        )
        assert state.is_completed(), state
        assert state.result()["dedupe"] == expected["dedupe"]
        assert _stored(dask) == _stored(threads)
        # One dedupe-chunks subflow holds the scoring tasks.
        scored = subflow_task_runs(state.state_details.flow_run_id, "score pairs", subflows=1)
        assert len(scored) == n_chunks
        assert all(run.state and run.state.is_completed() for run in scored)

    stored = _stored(dask)
    assert len({work for _, work in stored["links"]}) < len(records)  # duplicates merged
    assert stored["queue"] and stored["related"]
    assert expected["dedupe"]["mode"] == "incremental"

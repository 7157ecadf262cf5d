"""Screening mapped over a Dask LocalCluster stores the decisions of the one-task path."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from flow_helpers import rows, subflow_task_runs

from review.store import open_store

pytestmark = pytest.mark.prefect
GOLDEN = Path(__file__).resolve().parents[1] / "screening" / "screening_golden.py"
DECISIONS = (
    "SELECT work_id, protocol, decision, reasons, matches::VARCHAR, rule_version, decided_by, "
    "stage FROM decisions ORDER BY work_id, protocol"
)


def _golden() -> Any:
    spec = importlib.util.spec_from_file_location("screening_golden_for_flows", GOLDEN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed(db: Path, works: list[dict[str, Any]]) -> None:
    _works = pa.Table.from_pylist(works)  # read by DuckDB's replacement scan
    with open_store(db) as con:
        con.execute(
            "INSERT INTO works (work_id, title, abstract, keywords, language, year, "
            "publication_type, flags, venue, sources, record_count, updated_at) SELECT work_id, "
            "title, abstract, keywords, language, year, publication_type, flags, venue, "
            "['test'], 1, now() - INTERVAL 1 DAY FROM _works"
        )


def test_screen_on_a_dask_cluster_stores_the_one_task_decisions(
    prefect_harness: None, tmp_path: Path
) -> None:
    pytest.importorskip("prefect_dask", reason="the dask extra is not installed")
    from flows.stages import ScreenParameters, screen_flow

    golden = _golden()
    works = golden.rich_works(300, 3) + golden.eval_works_as_rows()
    threads, dask = tmp_path / "threads.duckdb", tmp_path / "dask.duckdb"
    _seed(threads, works)
    _seed(dask, works)

    expected = screen_flow(ScreenParameters(db=str(threads)))
    state = screen_flow(
        ScreenParameters(db=str(dask), task_runner="dask", batch_size=250), return_state=True
    )
    assert state.is_completed(), state
    assert state.result()["screen"] == expected["screen"]
    assert rows(dask, DECISIONS) == rows(threads, DECISIONS)
    assert len(rows(dask, DECISIONS)) == 4 * len(works)
    batches = subflow_task_runs(state.state_details.flow_run_id, "screen batch")
    assert len(batches) == -(-len(works) // 250)
    assert all(run.state and run.state.is_completed() for run in batches)
    # Nothing is left to screen: the same run again decides nothing.
    again = screen_flow(ScreenParameters(db=str(dask), task_runner="dask", batch_size=250))
    assert sum(sum(per.values()) for per in again["screen"]["counts"].values()) == 0

"""`review serve`: deployments with typed parameter forms; a run triggered through the API."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flow_helpers import REVIEW, OpenAlexStub

from review.protocol import available_protocols

pytestmark = pytest.mark.prefect
DEPLOYMENTS = {
    "update-evidence/weekly", "search/manual", "dedupe/manual", "screen/manual", "report/manual",
}  # fmt: skip


def _client() -> Any:
    from prefect.client.orchestration import get_client

    return get_client(sync_client=True)


def _wait_for_deployments(server: subprocess.Popen[str], timeout: float = 120) -> None:
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    with _client() as client:
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                for name in DEPLOYMENTS:
                    client.read_deployment_by_name(name)
                return
            except ObjectNotFound:
                time.sleep(1)
    raise AssertionError("review serve did not register its deployments in time")


@pytest.fixture
def served(child_env: dict[str, str], tmp_path: Path) -> Iterator[Path]:
    """`review serve` running against the session's API; yields the database it defaults to."""
    db = tmp_path / "served.duckdb"
    server = subprocess.Popen(
        [REVIEW, "serve", "--db", str(db), "--cron", "30 4 * * 1", "--timezone", "Europe/Oslo"],
        env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for_deployments(server)
        yield db
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_serve_registers_typed_forms_and_runs_with_custom_parameters(
    served: Path, openalex: OpenAlexStub, query: Callable[[Path, str], list[tuple]]
) -> None:
    from prefect.deployments import run_deployment

    with _client() as client:
        weekly = client.read_deployment_by_name("update-evidence/weekly")
        schema = weekly.parameter_openapi_schema
        run_model = schema["definitions"]["RunParameters"]["properties"]
        assert run_model["protocols"]["items"]["$ref"].endswith("ProtocolName")
        assert schema["definitions"]["ProtocolName"]["enum"] == available_protocols()
        assert run_model["max_records"]["anyOf"][0]["minimum"] == 1
        assert run_model["since"]["anyOf"][0] == {"format": "date", "type": "string"}
        assert [s.schedule.cron for s in weekly.schedules] == ["30 4 * * 1"]
        assert weekly.schedules[0].schedule.timezone == "Europe/Oslo"
        search = client.read_deployment_by_name("search/manual")
        assert "SourceName" in search.parameter_openapi_schema["definitions"]
        assert client.read_global_concurrency_limit_by_name("review-db-writer").limit == 1

    custom = {"protocols": ["sfi-crime"], "sources": ["openalex"], "max_records": 4}
    run = run_deployment(
        "update-evidence/weekly", parameters={"params": custom}, timeout=240, poll_interval=2
    )
    assert run.state is not None and run.state.is_completed(), run.state
    assert query(served, "SELECT count(*) FROM records") == [(4,)]
    assert query(served, "SELECT DISTINCT protocol, source FROM searches") == [
        ("sfi-crime", "openalex")
    ]  # fmt: skip
    _check_artifacts(run.id, served, query)


def _check_artifacts(flow_run_id: Any, db: Path, query: Callable[[Path, str], list[tuple]]) -> None:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    flt = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
    with _client() as client:
        artifacts = client.read_artifacts(artifact_filter=flt)
    by_key = {a.key: a for a in artifacts if a.key}
    assert {"prisma-counts", "searches", "run-summary"} <= set(by_key)
    prisma = by_key["prisma-counts"].data
    table = prisma if isinstance(prisma, list) else __import__("json").loads(prisma)
    found = {(r["measure"], r["detail"]): r["n"] for r in table if r["stage"] == "identification"}
    assert found[("records identified", "openalex")] == 4
    assert (
        found[("duplicates removed", None)]
        == query(db, "SELECT count(*) - count(DISTINCT coalesce(work_id, record_id)) FROM records")[
            0
        ][0]
    )
    progress = [a for a in artifacts if a.type == "progress"]
    assert progress and all(a.data == 100.0 for a in progress)
    summary = by_key["run-summary"].data
    assert "## New since the last run" in summary and "sfi-crime-decisions.csv" in summary
    assert db.with_name("served-exports").joinpath("sfi-crime-decisions.csv").exists()


def test_server_refuses_a_bad_parameter_with_a_clear_message(prefect_harness: None) -> None:
    from prefect.exceptions import PrefectHTTPStatusError

    from flows.deployments import build

    weekly_id = build()[0].apply()
    with _client() as client, pytest.raises(PrefectHTTPStatusError) as refused:
        client.create_flow_run_from_deployment(
            weekly_id, parameters={"params": {"protocols": ["sfi-nope"], "max_records": 0}}
        )
    message = refused.value.response.text
    assert refused.value.response.status_code == 409
    assert "'sfi-nope' is not one of" in message


def test_server_refuses_an_unknown_parameter_key(prefect_harness: None) -> None:
    """`{"protocol": [...]}` (a typo for protocols) must not start a run of everything."""
    from prefect.exceptions import PrefectHTTPStatusError

    from flows.deployments import build

    weekly_id = build()[0].apply()
    with _client() as client, pytest.raises(PrefectHTTPStatusError) as refused:
        client.create_flow_run_from_deployment(
            weekly_id, parameters={"params": {"protocol": ["sfi-crime"]}}
        )
    assert refused.value.response.status_code == 409
    assert "'protocol' was unexpected" in refused.value.response.text

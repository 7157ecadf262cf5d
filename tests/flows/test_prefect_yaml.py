"""prefect.yaml (the work-pool path) names real flows and the same typed parameters as serve."""

from __future__ import annotations

from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]


def test_every_work_pool_deployment_loads_its_flow_and_validates_its_parameters() -> None:
    from prefect.flows import load_flow_from_entrypoint

    from flows.deployments import build

    config = yaml.safe_load((PROJECT / "prefect.yaml").read_text(encoding="utf-8"))
    served = {d.flow_name for d in build()}
    seen = set()
    for deployment in config["deployments"]:
        path, _, name = deployment["entrypoint"].partition(":")
        flow = load_flow_from_entrypoint(str(PROJECT / path) + ":" + name)
        flow.validate_parameters(deployment["parameters"])
        assert deployment["work_pool"]["name"] == "review-pool"
        seen.add((flow.name, deployment["name"]))
    assert {flow for flow, _ in seen} == served
    assert len(seen) == len(config["deployments"]), "two deployments share a flow/name"
    weekly = next(d for d in config["deployments"] if d["name"] == "pool-weekly")
    assert weekly["schedules"][0]["cron"] == "0 3 * * 1"

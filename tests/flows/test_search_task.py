"""The search task alone (no server): retry an outage, then spare the run's later searches."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import flows.update_evidence as flow_module
from review import search
from review.errors import SourceUnavailable
from review.protocol import load_protocol


class _Progress:
    def __init__(self, *args: object) -> None: ...

    def done(self) -> None: ...


@pytest.fixture
def offline_source(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def search_source(db: Path, protocol: object, source: str, **kw: object) -> list:
        calls.append(source)
        outcome = search.SearchOutcome("p", source, "q", "s", "failed", error="down")
        outcome.source_down = outcome.unreachable = True
        return [outcome]

    monkeypatch.setattr(flow_module.search, "search_source", search_source)
    monkeypatch.setattr(flow_module, "SearchProgress", _Progress)
    monkeypatch.setattr(flow_module.runs, "last_success", lambda *a: None)
    return calls


def test_outage_raises_for_a_retry_while_retries_remain(
    offline_source: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(flow_module, "task_run", SimpleNamespace(run_count=1))
    with pytest.raises(SourceUnavailable):
        flow_module.search_source.fn(tmp_path / "e.duckdb", load_protocol("sfi-crime"), "crossref",
                              "run-a", None, None)  # fmt: skip
    assert ("run-a", "crossref") not in flow_module._DOWN


def test_after_the_last_retry_later_searches_skip_the_source(
    offline_source: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(flow_module, "task_run", SimpleNamespace(run_count=3))
    db = tmp_path / "e.duckdb"
    search = flow_module.search_source.fn
    first = search(db, load_protocol("sfi-crime"), "crossref", "run-b", None, None)
    assert first[0].error == "down" and ("run-b", "crossref") in flow_module._DOWN
    later = search(db, load_protocol("sfi-school"), "crossref", "run-b", None, None)
    assert offline_source == ["crossref"]  # the second search sent nothing
    assert later[0].status == "failed" and "unreachable earlier in this run" in (
        later[0].error or ""
    )
    other_run = search(db, load_protocol("sfi-school"), "crossref", "run-c", None, None)
    assert offline_source == ["crossref", "crossref"] and other_run[0].error == "down"

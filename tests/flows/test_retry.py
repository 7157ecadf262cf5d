"""Retry conditions of the flow tasks: retry only on the errors named (no server needed)."""

from __future__ import annotations

from flows.common import db_step, retry_on
from review.errors import BadResponse, DatabaseLocked, SourceUnavailable


class _State:
    def __init__(self, error: BaseException | None) -> None:
        self.error = error

    def result(self) -> None:
        if self.error:
            raise self.error


def test_retries_only_on_the_named_errors() -> None:
    network = retry_on(SourceUnavailable, DatabaseLocked)
    assert network(None, None, _State(SourceUnavailable("down")))
    assert network(None, None, _State(DatabaseLocked("held")))
    assert not network(None, None, _State(BadResponse("HTML error page")))
    assert not network(None, None, _State(ValueError("a bug")))
    assert not network(None, None, _State(None))


def test_database_steps_retry_while_the_file_is_locked(monkeypatch: object) -> None:
    options = db_step()
    assert options["retries"] == 2
    condition = options["retry_condition_fn"]
    assert condition(None, None, _State(DatabaseLocked("held")))
    assert not condition(None, None, _State(SourceUnavailable("down")))

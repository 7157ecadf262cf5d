"""HTTP layer against a real local server: retries, Retry-After, quota stop, timeouts, redaction."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.errors import BadResponse, QuotaExhausted, RateLimited, SourceUnavailable
from review.http import HttpConfig, TokenBucket, make_session, redact_url, user_agent


def _config(sleeps: list[float], **kw: object) -> HttpConfig:
    defaults: dict[str, object] = {
        "source": "demo",
        "rate_per_second": 1000.0,
        "burst": 1000.0,
        "max_retries": 3,
        "backoff": 0.01,
        "sleep": sleeps.append,
    }
    defaults.update(kw)
    return HttpConfig(**defaults)  # type: ignore[arg-type]


def _sequence(*responses: Response):  # type: ignore[no-untyped-def]
    queue = list(responses)

    def handler(request: Request) -> Response:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


def test_retry_after_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_handler(
        _sequence(Response("slow down", 429, {"Retry-After": "7"}), Response('{"ok": 1}', 200))
    )
    sleeps: list[float] = []
    response = make_session(_config(sleeps)).get(httpserver.url_for("/x"))
    assert response.json() == {"ok": 1}
    assert 7.0 in sleeps


def test_5xx_retried_then_bad_response(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("<html>oops</html>", status=500)
    with pytest.raises(BadResponse, match=r"demo: HTTP 500 from http://.*/x"):
        make_session(_config([])).get(httpserver.url_for("/x"))
    assert [r.path for r, _ in httpserver.log].count("/x") == 4  # first try + 3 retries


def test_persistent_429_is_rate_limited(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("busy", status=429)
    with pytest.raises(RateLimited, match="still rate-limited"):
        make_session(_config([])).get(httpserver.url_for("/x"))


def test_quota_429_stops_without_retry(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/quota").respond_with_data(
        json.dumps({"error": "daily credits exhausted"}), status=429
    )
    config = _config([], quota_exhausted=lambda r: "credits" in r.text)
    with pytest.raises(QuotaExhausted, match="not retrying"):
        make_session(config).get(httpserver.url_for("/quota"), params={"api_key": "SECRET"})
    assert [r.path for r, _ in httpserver.log].count("/quota") == 1


def test_timeout_becomes_source_unavailable(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.5)
        return Response("late")

    httpserver.expect_request("/x").respond_with_handler(slow)
    config = _config([], timeout=(1.0, 0.1), max_retries=1)
    with pytest.raises(SourceUnavailable, match=r"demo: cannot reach .* REVIEW_DEMO_BASE_URL"):
        make_session(config).get(httpserver.url_for("/x"))


def test_unreachable_host_names_url() -> None:
    with pytest.raises(SourceUnavailable, match=r"127\.0\.0\.1:9"):
        make_session(_config([], max_retries=0)).get("http://127.0.0.1:9/works")


def test_404_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing").respond_with_data("nope", status=404)
    with pytest.raises(BadResponse, match="HTTP 404"):
        make_session(_config([])).get(httpserver.url_for("/missing"))
    assert [r.path for r, _ in httpserver.log].count("/missing") == 1


def test_secrets_redacted_in_errors(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("nope", status=400)
    with pytest.raises(BadResponse) as info:
        make_session(_config([])).get(httpserver.url_for("/x"), params={"api_key": "SECRET"})
    assert "SECRET" not in str(info.value)
    assert redact_url("http://h/w?api_key=abc&q=1") == "http://h/w?api_key=***&q=1"


def test_user_agent_and_mailto(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> None:
    monkeypatch.setenv("REVIEW_MAILTO", "team@example.org")
    httpserver.expect_request("/x").respond_with_data("{}")
    make_session(_config([])).get(httpserver.url_for("/x"))
    sent = httpserver.log[0][0].headers["User-Agent"]
    assert sent == user_agent() and "mailto:team@example.org" in sent


def test_rate_limit_paces_requests() -> None:
    clock = [0.0]
    bucket = TokenBucket(rate=2.0, burst=1.0, clock=lambda: clock[0])
    assert bucket.delay() == 0.0
    assert bucket.delay() == pytest.approx(0.5)
    bucket.set_rate(1.0)
    assert bucket.rate == 1.0


def test_announced_rate_adopted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(
        "{}", headers={"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"}
    )
    session = make_session(_config([], rate_per_second=50.0))
    session.get(httpserver.url_for("/x"))
    assert session.bucket.rate == 5.0


def test_session_is_a_requests_session() -> None:
    assert isinstance(make_session(_config([])), requests.Session)


def test_unresolvable_host_gives_up_after_two_tries() -> None:
    sleeps: list[float] = []
    with pytest.raises(SourceUnavailable, match=r"after 2 attempts \(\[Errno -?\d+\]"):
        make_session(_config(sleeps, max_retries=8)).get("http://no-such-host.invalid/works")
    assert len([s for s in sleeps if s > 0.001]) <= 1  # one backoff, not eight


def test_refused_connection_gives_up_after_two_tries() -> None:
    """Nothing listens on the port: known in seconds, not after the full backoff."""
    with socket.socket() as probe:  # a free port, closed again: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    with pytest.raises(SourceUnavailable, match=r"after 2 attempts \(\[Errno 111\] Connection"):
        make_session(_config(sleeps, max_retries=8)).get(f"http://127.0.0.1:{port}/works")
    assert len([s for s in sleeps if s > 0.001]) <= 1


def test_a_stop_request_ends_a_wait_at_once() -> None:
    from review import interrupt
    from review.errors import Interrupted

    interrupt.request()
    try:
        started = time.monotonic()
        with pytest.raises(Interrupted):
            interrupt.sleep(30)
        assert time.monotonic() - started < 1
    finally:
        interrupt.reset()
    interrupt.sleep(0.01)  # no request: an ordinary sleep

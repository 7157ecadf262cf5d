"""Helpers shared by the source tests: a local HTTP API, fault injection, fast sessions.

Tests serve recorded pages over real HTTP on 127.0.0.1 (pytest-httpserver, threaded so a
request that the client abandoned on timeout does not block the retry) and talk to it
through ``review.http.make_session`` with a fast config (no real sleeping, tiny timeouts).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from review.http import HttpConfig, PoliteSession, make_session

Handler = Callable[[Request], Response]
READ_TIMEOUT = 0.4
HTML_ERROR = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"


@contextmanager
def serve() -> Iterator[HTTPServer]:
    """A threaded local HTTP server on 127.0.0.1 for one test."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def fast_session(config: HttpConfig, **overrides: Any) -> tuple[PoliteSession, list[float]]:
    """A real polite session with no pacing, instant backoff and a short read timeout.

    Returns the session and the list of sleeps it asked for (so tests can check Retry-After).
    """
    sleeps: list[float] = []
    settings: dict[str, Any] = {
        "rate_per_second": 1e6,
        "burst": 1e6,
        "backoff": 0.001,
        "max_retries": 3,
        "timeout": (2.0, READ_TIMEOUT),
        "sleep": sleeps.append,
    }
    settings.update(overrides)
    return make_session(dataclasses.replace(config, **settings)), sleeps


def json_response(body: bytes | dict[str, Any], status: int = 200) -> Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(data, status=status, content_type="application/json")


class Faults:
    """Wrap a handler and inject one fault at chosen request numbers (1-based).

    ``429`` (with Retry-After) and ``500`` are answered before the real handler runs (the
    server did no work). ``timeout``, ``truncated`` and ``html`` run the real handler first,
    as a server that did the work but whose answer was lost or mangled on the way: for
    stateful cursors (Crossref) that is exactly the case that can skip a page.
    """

    def __init__(self, handler: Handler, plan: dict[int, str], delay: float = 1.0) -> None:
        self.handler, self.plan, self.delay = handler, plan, delay
        self.requests: list[dict[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(dict(request.args))
            fault = self.plan.get(len(self.requests))
        if fault == "429":
            return Response("slow down", status=429, headers={"Retry-After": "7"})
        if fault == "500":
            return Response("oops", status=500)
        response = self.handler(request)
        if fault == "timeout":
            time.sleep(self.delay)
        elif fault == "truncated":
            response.set_data(response.get_data()[: len(response.get_data()) // 2])
        elif fault == "html":
            response = Response(HTML_ERROR, status=200, content_type="text/html")
        return response


@functools.cache
def cassette(path: Path) -> list[dict[str, Any]]:
    """The interactions of a recorded VCR cassette (request/response pairs)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["interactions"])


def cassette_bodies(folder: Path, host: str) -> list[Path]:
    """Every ``*.interaction-N.json`` body in ``folder`` whose cassette request went to ``host``.

    Standalone ``.json`` payloads (no sibling cassette) are returned too: they are single
    recorded responses of the folder's API.
    """
    bodies = []
    for path in sorted(folder.glob("*.json")):
        stem, dot, rest = path.name.partition(".interaction-")
        if not dot:
            bodies.append(path)
            continue
        number = int(rest.removesuffix(".json"))
        uri = cassette(folder / f"{stem}.yaml")[number - 1]["request"]["uri"]
        if f"//{host}/" in uri:
            bodies.append(path)
    return bodies

"""Throughput of each source's fetch loop against a local server that enforces its rate limit.

Target: records per second >= 0.9 of the maximum the limit allows (limit x page size), with
no 429s. The server answers 429 (``Retry-After: 1``) to any request beyond ``limit`` in the
last ``interval`` seconds, as the real APIs do; pages hold synthetic items of the API's shape.
Each source is one ``Case`` in ``CASES``: add yours with a page builder and the published
limit. Run: ``.venv/bin/python bench/sources.py [--source NAME]... [--pages N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from review.http import make_session
from review.sources import crossref, eric, europepmc, openalex, pubmed, semanticscholar
from review.sources.base import Query

Args = dict[str, str]
# (args, request number, total) -> a JSON page, or raw bytes (PubMed's XML)
PageBuilder = Callable[[Args, int, int], dict[str, Any] | bytes]


@dataclass
class Case:
    """One source under its published limit: ``limit`` requests per ``interval`` seconds."""

    module: ModuleType
    limit: int
    rows: int
    page: PageBuilder
    query: Query
    env: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    note: str = ""
    interval: float = 1.0


def openalex_page(args: Args, n: int, total: int) -> dict[str, Any]:
    rows = int(args["per_page"])
    count = max(0, min(rows, total - (n - 1) * rows))
    results = [{"id": f"https://openalex.org/W{n}{i:04d}", "title": "t"} for i in range(count)]
    meta = {"count": total, "next_cursor": f"c{n + 1}" if count else None}
    return {"meta": meta, "results": results}


def crossref_page(args: Args, n: int, total: int) -> dict[str, Any]:
    rows = int(args["rows"])
    count = max(0, min(rows, total - (n - 1) * rows))  # the scroll ends with a short page
    items = [{"DOI": f"10.5555/{n}.{i}", "title": ["t"]} for i in range(count)]
    message = {
        "total-results": total,
        "items": items,
        "next-cursor": "scroll",
        "items-per-page": rows,
    }
    return {"status": "ok", "message-type": "work-list", "message": message}


def europepmc_page(args: Args, n: int, total: int) -> dict[str, Any]:
    rows = int(args["pageSize"])
    count = max(0, min(rows, total - (n - 1) * rows))
    results = [{"id": f"{n}.{i}", "source": "MED", "title": "t"} for i in range(count)]
    return {"hitCount": total, "nextCursorMark": f"c{n + 1}", "resultList": {"result": results}}


def eric_page(args: Args, n: int, total: int) -> dict[str, Any]:
    start, rows = int(args["start"]), int(args["rows"])
    docs = [{"id": f"EJ{start + i}", "title": "t"} for i in range(min(rows, total - start))]
    return {"response": {"numFound": total, "start": start, "docs": docs}}


def pubmed_page(args: Args, n: int, total: int) -> bytes:
    if "term" in args:  # esearch: one history set holding every record (total <= 9,999)
        return (
            f"<eSearchResult><Count>{total}</Count><QueryKey>1</QueryKey>"
            "<WebEnv>BENCH</WebEnv></eSearchResult>"
        ).encode()
    start, rows = int(args["retstart"]), int(args["retmax"])
    articles = "".join(
        f"<PubmedArticle><MedlineCitation><PMID>{start + i + 1}</PMID></MedlineCitation>"
        "</PubmedArticle>"
        for i in range(min(rows, total - start))
    )
    return f"<PubmedArticleSet>{articles}</PubmedArticleSet>".encode()


def s2_page(args: Args, n: int, total: int) -> dict[str, Any]:
    done = int(args.get("token", "t0")[1:])  # our token counts the papers already served
    data = [{"paperId": f"{done + i:040d}", "title": "t"} for i in range(min(1000, total - done))]
    following = done + len(data)
    token = {"token": f"t{following}"} if following < total else {}  # absent on the last page
    return {"total": total, "data": data, **token}


def _pubmed_case(key: str) -> Case:
    limit = 10 if key else 3  # E-utilities Help ch. 2; NLM KA-05510
    return Case(
        pubmed, limit, pubmed.PAGE_SIZE, pubmed_page, Query("pubmed", "x[tiab]"),
        env={"NCBI_API_KEY": key}, note="with API key" if key else "no API key",
    )  # fmt: skip


def _crossref_case(mailto: str) -> Case:
    limit = 10 if mailto else 5  # Crossref blog 2025-11-05; recorded x-rate-limit-limit
    return Case(
        crossref, limit, crossref.ROWS, crossref_page, Query("crossref", "x"),
        env={"REVIEW_MAILTO": mailto},
        headers={"x-rate-limit-limit": str(limit), "x-rate-limit-interval": "1s"},
        note="polite pool" if mailto else "public pool",
    )  # fmt: skip


CASES: dict[str, Case] = {
    # developers.openalex.org: at most 100 requests per second, for everyone.
    "openalex": Case(
        openalex, 100, openalex.PER_PAGE, openalex_page, Query("openalex", "x"),
        env={"OPENALEX_API_KEY": "bench-key"}, note="100 req/s ceiling",
    ),
    "crossref": _crossref_case(""),
    "crossref-polite": _crossref_case("bench@example.org"),
    # No published limit: the server enforces our configured 5 req/s; third-party guides
    # claim ~10 req/s, against which we run at half speed on purpose.
    "europepmc": Case(
        europepmc, 5, europepmc.PAGE_SIZE, europepmc_page, Query("europepmc", "x"),
        note="limit = our conservative 5 req/s (no published figure)",
    ),
    "eric": Case(eric, 1, eric.ROWS, eric_page, Query("eric", "x"), note="<= 1 req/s"),
    # The first request of a PubMed run is an esearch; the steady state is efetch pages.
    "pubmed": _pubmed_case(""),
    "pubmed-key": _pubmed_case("bench-key"),
    "semanticscholar": Case(
        semanticscholar, 1, semanticscholar.PAGE_SIZE, s2_page, Query("semanticscholar", "x"),
        env={"SEMANTIC_SCHOLAR_API_KEY": "bench-key"}, note="introductory key rate, 1 req/s",
    ),
}  # fmt: skip


class LimitedAPI(ThreadingHTTPServer):
    """A local API answering 429 beyond ``limit`` requests per sliding ``interval``."""

    def __init__(self, case: Case, total: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.case, self.total = case, total
        self.arrivals: deque[float] = deque()
        self.served = self.refused = 0
        self.lock = threading.Lock()

    def admit(self) -> bool:
        with self.lock:
            now = time.monotonic()
            while self.arrivals and now - self.arrivals[0] >= self.case.interval:
                self.arrivals.popleft()
            if len(self.arrivals) >= self.case.limit:
                self.refused += 1
                return False
            self.arrivals.append(now)
            self.served += 1
            return True


class _Handler(BaseHTTPRequestHandler):
    server: LimitedAPI

    def do_GET(self) -> None:
        api = self.server
        if not api.admit():
            self._send(429, b"rate limited", {"Retry-After": "1"})
            return
        args = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        page = api.case.page(args, api.served, api.total)
        body, kind = (page, "text/xml") if isinstance(page, bytes) else (
            json.dumps(page).encode(), "application/json")  # fmt: skip
        self._send(200, body, {"Content-Type": kind, **api.case.headers})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


def measure(name: str, pages: int) -> dict[str, Any]:
    """Fetch ``pages`` full pages through the source's real config; report records/s."""
    case = CASES[name]
    pages = max(pages, int(2 * case.limit / case.interval))  # at least ~2 s, else timer noise
    saved = {key: os.environ.get(key) for key in case.env}
    os.environ.update(case.env)
    try:
        session = make_session(case.module.http_config())
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.update({key: value})
    server = LimitedAPI(case, total=pages * case.rows)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    # Steady state: records after the first page over the time since the first page arrived.
    stamps: list[tuple[float, int]] = []
    for page in case.module.fetch(session, case.query, base_url=base):
        stamps.append((time.monotonic(), len(page.parsed.items)))
    server.shutdown()
    records = sum(count for _, count in stamps[1:])
    elapsed = stamps[-1][0] - stamps[0][0]
    allowed = case.limit / case.interval * case.rows
    return {
        "source": name, "records": records + stamps[0][1], "seconds": round(elapsed, 2),
        "records_per_s": round(records / elapsed), "allowed_per_s": allowed,
        "fraction": round(records / elapsed / allowed, 3), "requests": server.served,
        "429s": server.refused, "target": 0.9, "note": case.note,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", choices=sorted(CASES))
    parser.add_argument("--pages", type=int, default=12)
    args = parser.parse_args()
    for name in args.source or list(CASES):
        print(json.dumps(measure(name, args.pages)))


if __name__ == "__main__":
    main()

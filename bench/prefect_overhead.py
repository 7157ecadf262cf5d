"""Prefect's share of a run: update-evidence vs the same stages called without Prefect.

    .venv/bin/python bench/prefect_overhead.py [--records 10000] [--repeat 2] [--polite]

A local OpenAlex serves ``--records`` distinct synthetic works (pages of 100, split evenly
over the protocol's queries). Each repeat runs, on fresh databases, (a) the plain library
path: harvest every query, dedupe, screen, PRISMA counts, exports, snapshot, and (b) the
``update-evidence`` flow doing exactly that through its tasks and artifacts. Prefect's
temporary server is started (and warmed by a dry run) before timing, as a served deployment's
server is already up. Overhead = (flow - plain) / flow, from the medians. The API is
unthrottled unless ``--polite`` (OpenAlex's 10 req/s), which only dilutes the share.
Target: <= 10 % for a 10k-record run. Results go to stdout and bench/results/.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TEMPLATE = json.loads((ROOT / "tests/fixtures/openalex/works_page1.json").read_text())
VOCABULARY = (
    "community policing housing estate crime prevention youth mentoring school attendance "
    "employment wellbeing randomized trial evaluation neighbourhood violence programme "
    "outcomes effect cohort urban regeneration intervention study quasi experimental"
)
WORDS = VOCABULARY.split()
PROTOCOL, SOURCE = "sfi-crime", "openalex"


def synthetic_page(query_key: int, page: int, pages: int, total: int) -> bytes:
    """One OpenAlex page of 100 distinct works for query ``query_key``."""
    rng = random.Random(query_key * 100_003 + page)
    results = []
    for i in range(100):
        item = copy.deepcopy(TEMPLATE["results"][i % len(TEMPLATE["results"])])
        wid = f"W{query_key:02d}{page:05d}{i:03d}"
        item["id"] = item["ids"]["openalex"] = f"https://openalex.org/{wid}"
        item["doi"] = f"https://doi.org/10.9999/{wid.lower()}"
        item["title"] = item["display_name"] = " ".join(rng.choices(WORDS, k=9)).capitalize()
        item["publication_year"] = rng.randint(1995, 2025)
        results.append(item)
    meta = {**TEMPLATE["meta"], "count": total, "next_cursor": str(page + 1)}
    if page + 1 >= pages:
        meta["next_cursor"] = None
    return json.dumps({"meta": meta, "results": results}).encode()


def serve_openalex(per_query: int, delay: float = 0.0) -> tuple[ThreadingHTTPServer, str]:
    """A local OpenAlex on a free port; every query gets its own ``per_query`` works, each page
    after ``delay`` seconds."""
    pages = max(1, per_query // 100)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            args = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            cursor = args.get("cursor", ["*"])[0]
            page = 0 if cursor == "*" else int(cursor)
            key = abs(hash(args.get("filter", [""])[0])) % 97
            time.sleep(delay)
            body = synthetic_page(key, page, pages, pages * 100)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def plain(db: Path) -> float:
    """The stages as plain library calls, as update-evidence runs them; seconds."""
    from review import dedupe, runs, search, store
    from review.protocol import load_protocols
    from review.reporting import run_summary
    from review.screening import runner

    start = time.perf_counter()
    protocols = load_protocols([PROTOCOL])
    run_id = runs.start_run(db, "run", {})
    outcomes = search.search_source(db, protocols[0], SOURCE, run_id=run_id)
    with store.writing(db) as con:
        dedupe.run(con)
    with store.writing(db) as con:
        runner.run(con, protocols)
    summary = {"prisma": run_summary.prisma_rows(db, [PROTOCOL]), "n": len(outcomes)}
    run_summary.whats_new(db, run_id)
    run_summary.export_decisions(db, [PROTOCOL])
    store.publish_snapshot(db)
    runs.finish_run(db, run_id, "completed", summary)
    return time.perf_counter() - start


def with_prefect(db: Path) -> float:
    """The update-evidence flow on the same work; seconds."""
    from flows.update_evidence import update_evidence
    from review.params import RunParameters

    start = time.perf_counter()
    update_evidence(RunParameters(protocols=[PROTOCOL], sources=[SOURCE], db=str(db)))
    return time.perf_counter() - start


def count(db: Path) -> int:
    """Records stored, to check both paths did the same work."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM records").fetchall()[0][0])
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--polite", action="store_true", help="keep OpenAlex's 10 req/s")
    args = parser.parse_args()
    from review.settings import apply_prefect_defaults

    apply_prefect_defaults()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from review.protocol import load_protocol
    from review.sources import SOURCES

    queries = len(SOURCES[SOURCE].translate(load_protocol(PROTOCOL)))
    server, url = serve_openalex(args.records // queries)
    os.environ["REVIEW_OPENALEX_BASE_URL"] = url
    if not args.polite:
        _unthrottle(SOURCES[SOURCE])
    from flows.update_evidence import update_evidence
    from review.params import RunParameters

    update_evidence(RunParameters(protocols=[PROTOCOL], sources=[SOURCE], dry_run=True))
    timings: dict[str, list[float]] = {"plain": [], "prefect": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for name, fn in (("plain", plain), ("prefect", with_prefect)):
                db = Path(tmp) / f"{name}-{i}.duckdb"
                timings[name].append(fn(db))
                print(f"{name} #{i + 1}: {timings[name][-1]:.1f} s, {count(db)} records")
    server.shutdown()
    report(args, timings)
    return 0


def _unthrottle(source: object) -> None:
    from dataclasses import replace

    config = source.http_config  # type: ignore[attr-defined]
    fast = lambda: replace(config(), rate_per_second=1000.0, burst=1000.0)  # noqa: E731
    source.http_config = fast  # type: ignore[attr-defined]


def report(args: argparse.Namespace, timings: dict[str, list[float]]) -> None:
    """Print and save the medians and Prefect's share."""
    plain_s, flow_s = (statistics.median(timings[k]) for k in ("plain", "prefect"))
    share = (flow_s - plain_s) / flow_s
    lines = [
        f"# Prefect overhead, {args.records} records, {args.repeat} repeats, "
        f"{'polite 10 req/s' if args.polite else 'unthrottled API'}, {os.cpu_count()} cores",
        "",
        "| path | median s | runs |",
        "|---|---|---|",
        f"| plain library | {plain_s:.1f} | {', '.join(f'{t:.1f}' for t in timings['plain'])} |",
        f"| update-evidence flow | {flow_s:.1f} | "
        f"{', '.join(f'{t:.1f}' for t in timings['prefect'])} |",
        "",
        f"Prefect overhead: {flow_s - plain_s:.1f} s = **{100 * share:.1f} %** of the run "
        "(target <= 10 %).",
    ]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results" / "prefect_overhead.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

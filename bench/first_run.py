"""A newcomer's first run, timed: the real ``review run`` against rate-limited local APIs.

    .venv/bin/python bench/first_run.py trial|full [--limit SECONDS] [--max-queries N]
        [--out FILE.json]

``trial`` is the README/UI trial run: ``review run --protocol sfi-crime --max-queries 10
--max-records 100`` (all sources, as the UI example ``{"protocols": ["sfi-crime"],
"max_queries": 10, "max_records": 100}``); ``trial-uncapped`` is the same without the query
cap (the README's example before the cap existed).
``full`` is every protocol x every source. Each runs as a subprocess in a new temporary
directory with its own ``--db`` and Prefect home, ``REVIEW_<SOURCE>_BASE_URL`` pointing at one
local server per source. The servers are ``bench/sources.py``'s ``LimitedAPI``: they answer
429 to any request beyond the source's published limit (public pools: Crossref 5/s, PubMed
3/s without a key; OpenAlex 100/s; Europe PMC 5/s; Semantic Scholar 1/s with a key; ERIC
1/s), with ``bench/fake_apis.py``'s query-dependent result sizes and real recorded records.

At ``--limit`` seconds (default 900) the run is stopped (SIGTERM to its process group, then
SIGKILL after 20 s; ``seconds`` includes that wait) and the report says how far it got:
queries done / planned per source (from the ``searches`` table), requests served and
refused (429) per server, wall time and load.
``--max-queries N`` adds that cap to any scenario.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from fake_apis import BUILDERS, load
from review.protocol import load_protocols
from review.sources import SOURCES
from sources import CASES, LimitedAPI

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {
    "trial": ["--protocol", "sfi-crime", "--max-queries", "10", "--max-records", "100"],
    "trial-uncapped": ["--protocol", "sfi-crime", "--max-records", "100"],
    "full": [],
}
# The published limits bench/sources.py enforces, as a first-time user meets them (no keys
# for Crossref or PubMed; OpenAlex now needs one; S2 with its introductory key).
CASE_OF = {
    "openalex": "openalex", "crossref": "crossref", "pubmed": "pubmed",
    "europepmc": "europepmc", "semanticscholar": "semanticscholar", "eric": "eric",
}  # fmt: skip


def start_servers() -> dict[str, LimitedAPI]:
    load()
    servers = {}
    for name, case_name in CASE_OF.items():
        case = CASES[case_name]
        case.page = BUILDERS[name]
        server = LimitedAPI(case, total=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[name] = server
    return servers


def environment(servers: dict[str, LimitedAPI], home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEW_", "PREFECT_"))}
    for key in ("NCBI_API_KEY", "OPENALEX_API_KEY", "SEMANTIC_SCHOLAR_API_KEY"):
        env.pop(key, None)
    for name, server in servers.items():
        env.update({k: v for k, v in CASES[CASE_OF[name]].env.items() if v})
        env[f"REVIEW_{name.upper()}_BASE_URL"] = f"http://127.0.0.1:{server.server_address[1]}"
    env["PREFECT_HOME"] = str(home / ".prefect")
    return env


def planned(scenario: str, max_queries: int | None) -> dict[str, int]:
    """Queries the run will send per source (what ``review run --dry-run`` lists)."""
    names = ["sfi-crime"] if scenario.startswith("trial") else None
    counts: dict[str, int] = {}
    for protocol in load_protocols(names):
        for name in protocol.sources:
            if max_queries is None:
                count = len(SOURCES[name].translate(protocol))
            else:
                from review.sources.plan import plan

                count = len(plan(protocol, name, max_queries=max_queries).queries)
            counts[name] = counts.get(name, 0) + count
    return counts


def run_cli(argv: list[str], cwd: Path, env: dict[str, str], limit: float) -> dict[str, Any]:
    out, err = (cwd / "stdout.txt").open("wb"), (cwd / "stderr.txt").open("wb")
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err,
                               start_new_session=True)  # fmt: skip
    try:
        code: int | None = process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        code = None
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    seconds = time.monotonic() - started
    tail = (cwd / "stderr.txt").read_text(errors="replace").splitlines()[-5:]
    stdout = (cwd / "stdout.txt").read_text(errors="replace")[-600:]
    return {"exit": code, "stopped_at_limit": code is None, "seconds": round(seconds, 1),
            "stdout": stdout, "stderr": tail}  # fmt: skip


def phases(db: Path, launched: datetime) -> dict[str, float | None]:
    """Seconds from launch to the run's start (Prefect and imports), searching, the stages
    after search (dedupe, screen, report), as the ``runs`` and ``searches`` tables time them."""
    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    start, end = con.execute("SELECT min(started_at), max(finished_at) FROM runs").fetchone() or (
        None, None)  # fmt: skip
    last = con.execute("SELECT max(finished_at) FROM searches").fetchone()
    con.close()
    searched = last[0] if last else None

    def gap(a: datetime | None, b: datetime | None) -> float | None:
        return None if a is None or b is None else round((b - a).total_seconds(), 1)

    return {"startup": gap(launched, start), "search": gap(start, searched),
            "after_search": gap(searched, end)}  # fmt: skip


def progress(db: Path) -> dict[str, dict[str, Any]]:
    """Per source: queries by status, records fetched, and the span of its searches."""
    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT source, status, count(*), sum(fetched), min(started_at), max(finished_at) "
        "FROM searches GROUP BY ALL"
    ).fetchall()
    con.close()
    found: dict[str, dict[str, Any]] = {}
    for source, status, count, fetched, first, last in rows:
        entry = found.setdefault(source, {"done": 0, "statuses": {}, "fetched": 0, "span": []})
        entry["statuses"][status] = count
        entry["fetched"] += int(fetched or 0)
        entry["done"] += count if status in {"completed", "capped", "truncated"} else 0
        entry["span"] += [t for t in (first, last) if t is not None]
    for entry in found.values():
        span = entry.pop("span")
        seconds = (max(span) - min(span)).total_seconds() if span else None
        entry["search_seconds"] = None if seconds is None else round(seconds, 1)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--limit", type=float, default=900.0, help="wall-clock limit, seconds")
    parser.add_argument("--max-queries", type=int, help="add this per-run query cap")
    parser.add_argument("--out", type=Path, help="also write the result as JSON here")
    args = parser.parse_args()
    servers = start_servers()
    with tempfile.TemporaryDirectory(prefix="review-first-run-") as tmp:
        cwd, db = Path(tmp), Path(tmp) / "evidence.duckdb"
        command = ["run", "--db", str(db), *SCENARIOS[args.scenario]]
        if args.max_queries:
            command += ["--max-queries", str(args.max_queries)]
        argv = [str(ROOT / ".venv/bin/review"), *command]
        load_before, launched = os.getloadavg(), datetime.now(UTC)
        result = run_cli(argv, cwd, environment(servers, cwd), args.limit)
        load_after = os.getloadavg()
        done, timing = progress(db), phases(db, launched)
    cap = args.max_queries or (10 if args.scenario == "trial" else None)
    plan = planned(args.scenario, cap)
    report = {
        "scenario": args.scenario, "command": "review " + " ".join(command),
        "max_queries": args.max_queries, **result, "phases": timing,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "sources": {
            name: {"queries_planned": plan.get(name, 0), **done.get(name, {"done": 0}),
                   "requests": servers[name].served, "refused_429": servers[name].refused}
            for name in CASE_OF
        },
        "requests_total": sum(s.served for s in servers.values()),
    }  # fmt: skip
    for server in servers.values():
        server.shutdown()
    text = json.dumps(report, indent=1, default=str)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

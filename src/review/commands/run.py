"""``review run``: the main job, the ``update-evidence`` flow, on Prefect's local API.

In the terminal it shows one live line per protocol × source and the stages after the search,
then a short summary: what the database holds, the decisions per protocol, where the snapshot
and the exports are. An unreachable source is reported in seconds (no task retries unless
``--retries``); a run in which every search failed exits 1, and Ctrl-C or SIGTERM stops the
searches at their next page (they resume on the next run) and exits 130.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, cast

from pydantic import ValidationError

from review import settings, store
from review.errors import UsageError
from review.params import RunParameters
from review.protocol import SOURCE_NAMES, available_protocols, load_protocol
from review.screening.codes import DECISIONS
from review.sources import SOURCES

NAME = "run"
HELP = "search -> store -> dedupe -> screen -> report (the update-evidence flow)"
EXIT = {"completed": 0, "partial": 1, "failed": 1, "interrupted": 130}


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the run command's arguments."""
    parser.add_argument(
        "--protocol", action="append", default=[], metavar="P",
        help=f"repeatable; one of {', '.join(available_protocols())}; default all",
    )  # fmt: skip
    parser.add_argument(
        "--source", action="append", default=[], metavar="S",
        help=f"repeatable; one of {', '.join(SOURCE_NAMES)}; default all",
    )  # fmt: skip
    parser.add_argument("--since", type=date.fromisoformat, help="YYYY-MM-DD (default: last run)")
    parser.add_argument("--max-records", type=int, help="cap per query, for trial runs")
    parser.add_argument(
        "--max-queries", type=int, metavar="N",
        help="trial runs: the first N queries per protocol x source, most central first",
    )  # fmt: skip
    parser.add_argument(
        "--retries", type=int, default=0, metavar="N",
        help="retry a search whose source cannot be reached N times, "
        "REVIEW_TASK_RETRY_DELAY s apart (default 0: report the outage at once)",
    )  # fmt: skip
    parser.add_argument("--replay", action="store_true", help="re-parse archived pages, offline")
    parser.add_argument(
        "--dry-run", action="store_true",
        help="show the query plan (queries, requests, time per protocol x source) and the "
        "queries; nothing is fetched",
    )  # fmt: skip


def parameters(args: argparse.Namespace) -> RunParameters:
    """Validate the command line into the flow's parameters (exit 2 on anything unknown)."""
    for name in args.protocol:
        load_protocol(name)  # raises UsageError/ProtocolError naming the problem
    unknown = [s for s in args.source if s not in SOURCE_NAMES]
    if unknown:
        raise UsageError(f"unknown source(s) {unknown}; known: {', '.join(SOURCE_NAMES)}")
    missing = [s for s in args.source if s not in SOURCES]
    if missing:
        raise UsageError(f"source(s) {missing} not available in this version: {list(SOURCES)}")
    try:
        return RunParameters(
            protocols=args.protocol, sources=args.source, since=args.since,
            max_records=args.max_records, max_queries=args.max_queries, replay=args.replay,
            dry_run=args.dry_run,
            db=str(args.db) if args.db else None, search_retries=args.retries,
        )  # fmt: skip
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise UsageError(f"invalid parameters: {problems}") from None


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C does (the flow then stops its searches cleanly)."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace) -> int:
    """Validate, check the database, run the flow with a terminal display, summarise."""
    params = parameters(args)
    if params.dry_run:  # the plan needs no database and no Prefect
        return _dry_run(params)
    with store.writing(params.database()):  # fail fast, before Prefect starts; waits while
        pass  # another process holds the file
    if not args.debug:  # the display and the summary say it all; Prefect's lines repeat it
        settings.quiet_prefect_console()
    from flows.update_evidence import update_evidence
    from review import progress
    from review.terminal import RunDisplay

    with _sigterm_as_interrupt(), RunDisplay() as display, progress.shown(display):
        state = update_evidence(params, return_state=True)
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):  # the flow crashed (one line, as every error)
        raise result
    summary = cast(dict[str, Any], result)  # the flow's states all carry its summary
    _report(summary)
    return EXIT.get(summary["status"], 1)


def _dry_run(params: RunParameters) -> int:
    """Print the query plan, then every query (protocol, source, text: tab-separated)."""
    from review.sources.plan import format_plans, plans

    rows = plans(params.load(), params.source_names(), params.since,
                 max_queries=params.max_queries, max_records=params.max_records)  # fmt: skip
    print(format_plans(rows))
    print()
    for row in rows:
        for query in row.queries:
            print(f"{row.protocol}\t{row.source}\t{query.text}")
    return 0


def _report(summary: dict[str, Any]) -> None:
    from review.reporting.run_summary import exports_dir, failures

    for row in failures(summary.get("searches", [])):
        print(f"review run: {row['source']} failed: {row['error']} [{row['protocols']}]",
              file=sys.stderr)  # fmt: skip
    searches = summary.get("searches", [])
    new = sum(s.get("new", 0) for s in searches)
    status = summary["status"]
    if status in ("failed", "interrupted"):
        print(f"review run: {status}: {summary.get('message', '')}", file=sys.stderr)
        return
    totals = summary["totals"]
    print(f"review run: {status}: {new} new records; the database holds {totals['records']:,} "
          f"records in {totals['works']:,} works ({summary['db']})")  # fmt: skip
    for protocol, counts in sorted(totals["decisions"].items()):
        line = ", ".join(f"{d} {counts.get(d, 0):,}" for d in DECISIONS)
        print(f"  {protocol}: {line}")
    if summary.get("snapshot"):
        print(f"  researchers open the snapshot: {summary['snapshot']}")
    print(f"  decision exports: {exports_dir(summary['db'])}/")

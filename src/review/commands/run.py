"""``review run``: the main job, the ``update-evidence`` flow, on Prefect's local API."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from pydantic import ValidationError

from review import store
from review.errors import UsageError
from review.params import RunParameters
from review.protocol import SOURCE_NAMES, available_protocols, load_protocol
from review.sources import SOURCES

NAME = "run"
HELP = "search -> store -> dedupe -> screen -> report (the update-evidence flow)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--protocol", action="append", default=[], help="repeatable; default all")
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        help=f"repeatable; one of {', '.join(SOURCE_NAMES)}",
    )
    parser.add_argument("--since", type=date.fromisoformat, help="YYYY-MM-DD (default: last run)")
    parser.add_argument("--max-records", type=int, help="cap per query, for trial runs")
    parser.add_argument("--replay", action="store_true", help="re-parse archived pages, offline")
    parser.add_argument("--dry-run", action="store_true", help="show the queries only")


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
            max_records=args.max_records, replay=args.replay, dry_run=args.dry_run,
            db=str(args.db) if args.db else None,
        )  # fmt: skip
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        known = available_protocols()
        raise UsageError(f"invalid parameters: {problems} (protocols: {known})") from None


def run(args: argparse.Namespace) -> int:
    params = parameters(args)
    if not params.dry_run:  # fail fast, before Prefect starts, on an unusable database
        with store.writing(params.database()):  # waits while another process holds the file
            pass
    from flows.update_evidence import update_evidence

    summary = update_evidence(params)
    if params.dry_run:
        for query in summary["queries"]:
            print(f"{query['protocol']}\t{query['source']}\t{query['query']}")
        return 0
    failed = [s for s in summary.get("searches", []) if s.get("error")]
    for row in failed:
        print(f"review run: {row['source']} failed: {row['error']}", file=sys.stderr)
    new = sum(s.get("new", 0) for s in summary.get("searches", []))
    print(f"review run: {summary['status']}: {new} new records; database {summary.get('db')}")
    return 1 if failed else 0

"""``review dedupe``: link records to works; reviewers' merge/split overrides."""

from __future__ import annotations

import argparse
import sys
import time

from review import store
from review.errors import UsageError

NAME = "dedupe"
HELP = "link records to works (incremental); --merge/--split record overrides for reviewers"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the dedupe command's arguments."""
    parser.add_argument(
        "--merge", nargs=2, metavar="RECORD_ID", help="these two records are the same work"
    )
    parser.add_argument(
        "--split",
        nargs="+",
        metavar="RECORD_ID",
        help="these two records are different works (one id: take it out of its work)",
    )
    parser.add_argument("--reviewer", help="your name (required with --merge/--split)")
    parser.add_argument("--note", default="", help="why (kept with the override)")
    parser.add_argument(
        "--full", action="store_true", help="re-cluster every record, not only new ones"
    )


def run(args: argparse.Namespace) -> int:
    """Store any override, then (re)link every record and print a summary line."""
    from review import dedupe

    if (args.merge or args.split) and not args.reviewer:
        raise UsageError("--merge and --split need --reviewer NAME")
    if args.split and len(args.split) > 2:
        raise UsageError("--split takes one or two record ids")
    started = time.monotonic()
    with store.writing(args.db, create=False) as con:
        if args.merge:
            dedupe.merge_records(con, *args.merge, reviewer=args.reviewer, note=args.note)
        if args.split:
            a, b = args.split[0], args.split[1] if len(args.split) > 1 else None
            dedupe.split_records(con, a, b, reviewer=args.reviewer, note=args.note)
        print("review dedupe: linking records to works ...", file=sys.stderr)
        summary = dedupe.run(con, full=args.full)
    elapsed = time.monotonic() - started
    print(f"review dedupe: {summary.line()} in {elapsed:.1f}s", file=sys.stderr)
    return 0

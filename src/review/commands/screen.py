"""``review screen``: apply the protocols' rules to works not yet screened under them."""

from __future__ import annotations

import argparse
import sys

from review import store
from review.protocol import load_protocols
from review.screening.runner import run as screen_works

NAME = "screen"
HELP = "apply the protocols' screening rules to works not yet screened under the current rules"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the screen command's arguments."""
    parser.add_argument(
        "--protocol",
        action="append",
        metavar="P",
        help="protocol to screen under (repeatable; default all)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="screen in N processes (same decisions; helps on big batches; default 1)",
    )


def run(args: argparse.Namespace) -> int:
    """Screen, then print one line per protocol with the counts written."""
    protocols = load_protocols(args.protocol)
    with store.writing(args.db, create=False) as con:
        summary = screen_works(con, protocols, workers=max(1, getattr(args, "workers", 1)))
    for line in summary.lines():
        print(f"review screen: {line}", file=sys.stderr)
    return 0

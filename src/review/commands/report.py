"""``review report``: a one-page offline HTML report of a protocol.

Counts, the PRISMA 2020 diagram (inline SVG), included studies with reasons and matched
terms, the reviewers' queue, exclusion reasons and every search run (PRISMA-S). CSS is inline
and nothing is fetched when the page opens.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from review import store
from review.reporting import data, html
from review.reporting.files import check_out, write_text

NAME = "report"
HELP = "write a one-page offline HTML report of a protocol (counts, diagram, studies, searches)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the report command's arguments."""
    parser.add_argument("--protocol", required=True, metavar="P", help="protocol name")
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE.html", help="file to write"
    )


def run(args: argparse.Namespace) -> int:
    """Check protocol and path, gather, render, write."""
    out = check_out(args.out, (".html", ".htm"))
    with store.open_store(args.db, read_only=True) as con:
        data.check_protocol(con, args.protocol)
        counts = data.prisma(con, args.protocol)
        works = data.works(con, args.protocol)
        searches = data.searches(con, args.protocol)
    write_text(out, html.render(counts, works, searches))
    print(f"review report: {args.protocol}: {len(works)} works, "
          f"{counts.n('studies included in review', None)} studies included in review "
          f"-> {out}", file=sys.stderr)  # fmt: skip
    return 0

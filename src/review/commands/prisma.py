"""``review prisma``: the PRISMA 2020 flow diagram of a protocol, as SVG or PNG.

The numbers are ``review query prisma --param protocol=P``, row for row. PNG is rendered by
resvg (a dependency) with an installed font; with no usable font it stops with exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from review import store
from review.reporting import data, prisma
from review.reporting.files import check_out

NAME = "prisma"
HELP = "draw the PRISMA 2020 flow diagram of a protocol (.svg or .png)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the prisma command's arguments."""
    parser.add_argument("--protocol", required=True, metavar="P", help="protocol name")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help=".svg or .png")


def run(args: argparse.Namespace) -> int:
    """Check protocol and path, count, draw."""
    out = check_out(args.out, (".svg", ".png"))
    with store.open_store(args.db, read_only=True) as con:
        data.check_protocol(con, args.protocol)
        counts = data.prisma(con, args.protocol)
    prisma.write(counts, out)
    print(f"review prisma: {args.protocol}: {counts.total('records identified')} records "
          f"identified, {counts.n('studies included in review', None)} studies included in "
          f"review -> {out}", file=sys.stderr)  # fmt: skip
    return 0

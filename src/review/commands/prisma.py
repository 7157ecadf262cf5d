"""``review prisma``: the PRISMA 2020 flow diagram of a protocol, as SVG (or PNG).

PNG is written only where the optional ``cairosvg`` package (and system cairo) is installed;
otherwise the command stops with exit 2 and asks for an ``.svg`` file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from review import store
from review.reporting import data, prisma
from review.reporting.files import check_out, write_text

NAME = "prisma"
HELP = "draw the PRISMA 2020 flow diagram of a protocol (.svg; .png with cairosvg)"


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
    if out.suffix.lower() == ".svg":
        write_text(out, prisma.to_svg(counts) + "\n")
    else:
        prisma.write(counts, out)
    print(f"review prisma: {args.protocol}: {counts.identified} records identified, "
          f"{counts.count('full_text', 'include')} included at full text -> {out}",
          file=sys.stderr)  # fmt: skip
    return 0

"""``review export``: a protocol's works with their current decision as RIS, CSV or BibTeX.

The screening result travels in each format (RIS ``N1`` notes, CSV columns, BibTeX
``review_*`` fields; see ``review.reporting.export``) and the file reads back with
``review import``. CSV cells that would start a spreadsheet formula are guarded
(``review.reporting.csvsafe``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from review import store
from review.errors import UsageError
from review.reporting import data, export
from review.reporting.files import check_out, write_text
from review.screening.codes import DECISIONS

NAME = "export"
HELP = "export a protocol's works with decisions and reasons as RIS, CSV or BibTeX"
_SUFFIXES = {".ris": "ris", ".csv": "csv", ".bib": "bibtex", ".bibtex": "bibtex"}


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the export command's arguments."""
    parser.add_argument("--protocol", required=True, metavar="P", help="protocol name")
    parser.add_argument("--decision", choices=DECISIONS, help="only works with this decision")
    parser.add_argument(
        "--format", choices=export.FORMATS, help="file format (default: from --out's extension)"
    )
    parser.add_argument("--out", required=True, type=Path, metavar="PATH", help="file to write")
    parser.epilog = (
        "CSV: a cell starting with = + - @, tab or carriage return gets a leading ' so a "
        "spreadsheet shows it as text instead of running it (OWASP); numbers stay numbers, and "
        "review import and review decide remove the ' again."
    )


def output_format(fmt: str | None, out: Path) -> str:
    """The format asked for, else the one the extension names."""
    if fmt:
        return fmt
    guessed = _SUFFIXES.get(out.suffix.lower())
    if guessed is None:
        raise UsageError(
            f"{out}: cannot tell the format from the name; pass --format ris|csv|bibtex"
        )
    return guessed


def run(args: argparse.Namespace) -> int:
    """Check protocol and path, read the works, write the file, say how many."""
    fmt = output_format(args.format, args.out)
    out = check_out(args.out)
    with store.open_store(args.db, read_only=True) as con:
        data.check_protocol(con, args.protocol)
        works = data.works(con, args.protocol, args.decision)
    write_text(out, export.render(works, fmt))
    what = f"{args.decision} " if args.decision else ""
    print(f"review export: {len(works)} {what}works of {args.protocol} -> {out} ({fmt})",
          file=sys.stderr)  # fmt: skip
    return 0

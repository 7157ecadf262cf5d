"""``review import FILE...``: import RIS, BibTeX and CSV exports (each optionally gzipped).

Every file is read and checked before anything is written, so a broken file leaves the
database untouched; then all files are stored in one transaction. Each import is recorded as
a search (``searches`` row, ``record_hits``) with an id derived from the file's content, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import argparse
import sys

from review import store
from review.importers import read_file
from review.search import store_import

NAME = "import"
HELP = "import RIS, BibTeX or CSV exports (.gz accepted; format guessed from the extension)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the import command's arguments."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="export files to import")
    parser.add_argument(
        "--format", choices=("ris", "bibtex", "csv", "tsv"), help="override the guessed format"
    )
    parser.add_argument("--source", metavar="LABEL", help="source label (default: file name)")
    parser.add_argument(
        "--skip-bad",
        action="store_true",
        help="import the good records and report bad ones (file:line: problem) instead of failing",
    )


def run(args: argparse.Namespace) -> int:
    """Read every file (failing before any write), store them in one transaction, report."""
    results = [
        read_file(path, fmt=args.format, source=args.source, skip_bad=args.skip_bad)
        for path in args.files
    ]
    for result in results:
        for bad in result.skipped:
            print(f"review import: skipped {bad}", file=sys.stderr)
    with store.open_store(args.db) as con, store.transaction(con):
        for result in results:
            outcome = store_import(con, result)
            print(
                f"review import: {result.path}: {len(result.records)} records read "
                f"({result.format}, source {result.source!r}), {outcome.inserted} new, "
                f"{outcome.updated} updated, {outcome.unchanged} unchanged, "
                f"{len(result.skipped)} skipped",
                file=sys.stderr,
            )
    return 0

"""``review import FILE...``: import RIS, BibTeX and CSV exports (each optionally gzipped).

Every file is read and checked before anything is written, so a broken file leaves the
database untouched; then all files are stored in one transaction. Each import is recorded as
a search (``searches`` row, ``record_hits``) with an id derived from the file's content, so
importing the same file twice changes nothing.

``--protocol P`` (repeatable) scopes the import: one ``searches`` row per protocol, and PRISMA
counts its records for those protocols only. Without it the row has protocol NULL and counts
for every protocol (as imports always did). ``--method`` says how the records were identified
(PRISMA 2020: databases and registers, or other methods such as citation searching).
"""

from __future__ import annotations

import argparse
import sys

from review import store
from review.errors import UsageError
from review.importers import read_file
from review.importers.tools import TOOL_NAMES, screening_tool_export
from review.imports import store_import
from review.protocol import available_protocols
from review.reporting.data import METHODS

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
        "--protocol", action="append", metavar="P",
        help="protocol the file was searched for (repeatable; default: counts for every protocol)",
    )  # fmt: skip
    parser.add_argument(
        "--method", choices=tuple(METHODS), default="database",
        help="how the records were identified (PRISMA 2020; default: database)",
    )  # fmt: skip
    parser.add_argument(
        "--skip-bad",
        action="store_true",
        help="import the good records and report bad ones (file:line: problem) instead of failing",
    )
    parser.add_argument(
        "--as-records",
        action="store_true",
        help="import a screening tool's export (ASReview, Rayyan, Covidence) as new records",
    )


def run(args: argparse.Namespace) -> int:
    """Read every file (failing before any write), store them in one transaction, report."""
    protocols = _protocols(getattr(args, "protocol", None))
    method = getattr(args, "method", None) or "database"
    for path in [] if getattr(args, "as_records", False) else args.files:
        if tool := screening_tool_export(path):
            raise UsageError(
                f"{path}: this is {TOOL_NAMES[tool]} screening export: its records were "
                f"identified already; record its decisions with `review decide {path} "
                "--protocol P`, or pass --as-records to import them as newly found records"
            )
    results = [
        read_file(path, fmt=args.format, source=args.source, skip_bad=args.skip_bad)
        for path in args.files
    ]
    for result in results:
        for bad in result.skipped:
            print(f"review import: skipped {bad}", file=sys.stderr)
    with store.writing(args.db) as con, store.transaction(con):
        for result in results:
            outcome = store_import(con, result, protocols, method)
            scope = ", ".join(p for p in protocols if p) or "every protocol (scope: --protocol)"
            print(
                f"review import: {result.path}: {len(result.records)} records read "
                f"({result.format}, source {result.source!r}), {outcome.inserted} new, "
                f"{outcome.updated} updated, {outcome.unchanged} unchanged, "
                f"{len(result.skipped)} skipped; counts for {scope}",
                file=sys.stderr,
            )
    return 0


def _protocols(given: list[str] | None) -> list[str | None]:
    """The protocols named (checked against the protocol files), or [None]: every protocol."""
    known = available_protocols()
    for name in given or []:
        if name not in known:
            raise UsageError(f"unknown protocol '{name}' (known: {', '.join(known) or 'none'})")
    return list(dict.fromkeys(given)) if given else [None]

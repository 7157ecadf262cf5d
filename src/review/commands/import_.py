"""``review import FILE...``: import RIS, BibTeX and CSV exports (each optionally gzipped).

Every file is read and checked before anything is written, so a broken file leaves the
database untouched; then all files are stored in one transaction. Each import is recorded as
a search (``searches`` row, ``record_hits``) with an id derived from the file's content, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from review import store
from review.errors import UsageError
from review.importers import ImportResult, read_file
from review.importers.tools import TOOL_NAMES, screening_tool_export

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
    parser.add_argument(
        "--as-records",
        action="store_true",
        help="import a screening tool's export (ASReview, Rayyan, Covidence) as new records",
    )


def run(args: argparse.Namespace) -> int:
    """Read every file (failing before any write), store them in one transaction, report."""
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
    with store.open_store(args.db) as con, store.transaction(con):
        for result in results:
            search_id = import_search_id(result)
            for record in result.records:
                record.search_id = search_id
            outcome = store.upsert_records(con, result.records, own_transaction=False)
            record_import(con, result, search_id)
            print(
                f"review import: {result.path}: {len(result.records)} records read "
                f"({result.format}, source {result.source!r}), {outcome.inserted} new, "
                f"{outcome.updated} updated, {outcome.unchanged} unchanged, "
                f"{len(result.skipped)} skipped",
                file=sys.stderr,
            )
    return 0


def import_search_id(result: ImportResult) -> str:
    """A search id fixed by the source label and the file's content (re-imports match)."""
    digest = hashlib.sha1(result.source.encode("utf-8"))
    digest.update(Path(result.path).read_bytes())
    return f"import-{digest.hexdigest()[:16]}"


def record_import(con: object, result: ImportResult, search_id: str) -> None:
    """Record the import as a completed search (PRISMA-S) and link its records to it."""
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO searches (search_id, source, query_label, query_text, filters, started_at, "
        "finished_at, status, reported_total, fetched, pages) VALUES "
        "(?, ?, 'import', ?, ?, now(), now(), 'completed', ?, ?, 0) "
        "ON CONFLICT (search_id) DO NOTHING",
        [
            search_id,
            result.source,
            f"import {Path(result.path).name}",
            f'{{"format": "{result.format}", "skipped": {len(result.skipped)}}}',
            len(result.records) + len(result.skipped),
            len(result.records),
        ],
    )
    store.add_hits(con, search_id, [record.record_id for record in result.records])  # type: ignore[arg-type]

"""``review query NAME|FILE.sql``: run a researcher query on the database, read-only.

``--param name=value`` sets a parameter the query reads (``getvariable('name')``, listed in
its header); a name the query does not read is refused with the names it does. ``--format csv``
writes through ``review.reporting.csvsafe``: formula-leading text is guarded, numbers are not.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from review import store
from review.errors import UsageError
from review.queries import available_queries, run_query
from review.reporting.csvsafe import write_csv

NAME = "query"
HELP = "run queries/NAME.sql (or a .sql file) and print the result"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help=f"query name ({', '.join(available_queries())}) or FILE.sql")
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table",
        help="csv: text starting with = + - @, tab or CR gets a leading ' (spreadsheet-safe)",
    )  # fmt: skip
    parser.add_argument(
        "--param", action="append", default=[], metavar="K=V",
        help="a parameter the query reads (see its header), e.g. protocol=sfi-crime",
    )  # fmt: skip


def _params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--param needs K=V, got '{pair}'")
        params[key.strip()] = value
    return params


def _table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [min(len(r[i]), 60) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v[:60].ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(out) + f"\n({len(rows)} rows)"


def run(args: argparse.Namespace) -> int:
    with store.open_store(args.db, read_only=True) as con:
        columns, rows = run_query(con, args.name, _params(args.param))
    if args.format == "csv":
        write_csv(sys.stdout, columns, rows)
    elif args.format == "json":
        json.dump([dict(zip(columns, r, strict=True)) for r in rows], sys.stdout, default=str)
        print()
    else:
        print(_table(columns, rows))
    return 0

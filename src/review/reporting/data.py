"""What the reports read from the store: a protocol's works, PRISMA counts, searches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from review.errors import UsageError
from review.protocol import available_protocols
from review.queries import run_query
from review.screening.codes import DECISIONS
from review.store import dict_rows as _rows
from review.store import sql_text


def check_protocol(con: duckdb.DuckDBPyConnection, protocol: str) -> None:
    """Raise ``UsageError`` for an unknown protocol, or one the database has no records for."""
    in_db = [row[0] for row in con.execute(sql_text("report_protocols")).fetchall()]
    known = sorted(set(available_protocols()) | set(in_db))
    if protocol not in known:
        raise UsageError(f"unknown protocol '{protocol}' (known: {', '.join(known) or 'none'})")
    if not works(con, protocol):
        raise UsageError(
            f"no records for protocol '{protocol}' yet; run `review run --protocol {protocol}` "
            "or `review import` first"
        )


def works(
    con: duckdb.DuckDBPyConnection, protocol: str, decision: str | None = None
) -> list[dict[str, Any]]:
    """The protocol's works with bibliographic fields and current decision (SQL file)."""
    if decision is not None and decision not in DECISIONS:
        raise UsageError(f"decision '{decision}' must be one of {', '.join(DECISIONS)}")
    cursor = con.execute(sql_text("report_works"), {"protocol": protocol, "decision": decision})
    return _rows(cursor)


def searches(con: duckdb.DuckDBPyConnection, protocol: str) -> list[dict[str, Any]]:
    """The protocol's searches and every import, oldest first (PRISMA-S)."""
    return _rows(con.execute(sql_text("report_searches"), {"protocol": protocol}))


DATABASES, OTHER = "databases and registers", "other methods"
# How a search identified its records (searches.method; `review import --method`), as the
# PRISMA 2020 template names them; the first two make the left column, the rest "other methods".
METHODS = {
    "database": "Databases", "register": "Registers", "citation-searching": "Citation searching",
    "website": "Websites", "organisation": "Organisations", "other": "Other methods",
}  # fmt: skip


@dataclass
class Prisma:
    """PRISMA 2020 counts of one protocol: the rows of ``queries/prisma.sql``, indexed.

    ``via`` is a column of the diagram (``DATABASES`` or ``OTHER``; None for the included box),
    ``measure`` a box and ``detail`` a line in it (None for the box's own n).
    """

    protocol: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._n = {(r["via"], r["measure"], r["detail"]): int(r["n"]) for r in self.rows}

    @property
    def vias(self) -> list[str]:
        """The diagram's columns that identified records, databases first."""
        return [via for via in (DATABASES, OTHER) if (via, "records identified", None) in self._n]

    def n(self, measure: str, via: str | None = DATABASES, detail: str | None = None) -> int:
        """One count (0 when the query has no such row)."""
        return self._n.get((via, measure, detail), 0)

    def total(self, measure: str) -> int:
        """A box summed over both columns (the included box has a single column)."""
        if measure in INCLUDED:
            return self.n(measure, None)
        return sum(self.n(measure, via) for via in (DATABASES, OTHER))

    def lines(self, measure: str, via: str | None = DATABASES) -> dict[str, int]:
        """The detail lines of one box, as the query orders them."""
        return {
            r["detail"]: int(r["n"])
            for r in self.rows
            if r["via"] == via and r["measure"] == measure and r["detail"] is not None
        }


INCLUDED = ("studies included in review", "reports of included studies")
# The full-text reason codes queries/prisma.sql gives a box of their own.
COMPANION, NOT_RETRIEVED = "FT-I-COMPANION", "FT-E-NO-FULLTEXT"


def prisma(con: duckdb.DuckDBPyConnection, protocol: str) -> Prisma:
    """Run ``queries/prisma.sql`` for one protocol."""
    columns, found = run_query(con, "prisma", {"protocol": protocol})
    return Prisma(protocol, [dict(zip(columns, row, strict=True)) for row in found])

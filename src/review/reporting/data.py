"""What the reports read from the store: a protocol's works, PRISMA counts, searches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from review.errors import UsageError
from review.protocol import available_protocols
from review.queries import query_text
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


@dataclass
class Prisma:
    """PRISMA 2020 counts of one protocol, from ``queries/prisma.sql``."""

    protocol: str
    by_source: dict[str, int] = field(default_factory=dict)
    identified: int = 0
    duplicates: int = 0
    to_screen: int = 0
    not_screened: int = 0
    stages: dict[str, dict[str, int]] = field(default_factory=dict)
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, stage: str, measure: str) -> int:
        """The count of one measure at one stage (0 when absent)."""
        return self.stages.get(stage, {}).get(measure, 0)


def prisma(con: duckdb.DuckDBPyConnection, protocol: str) -> Prisma:
    """Run ``queries/prisma.sql`` for one protocol and gather its long rows into ``Prisma``."""
    con.execute("SET VARIABLE protocol = ?", [protocol])
    try:
        rows = _rows(con.execute(query_text("prisma")))
    finally:
        con.execute("RESET VARIABLE protocol")
    counts = Prisma(protocol)
    for row in rows:
        _add(counts, row["stage"], row["measure"], row["detail"], int(row["n"]))
    return counts


def _add(counts: Prisma, stage: str, measure: str, detail: str | None, n: int) -> None:
    if measure == "records identified":
        if detail == "all sources":
            counts.identified = n
        elif detail is not None:
            counts.by_source[detail] = n
    elif measure == "duplicates removed":
        counts.duplicates = n
    elif measure == "works to screen":
        counts.to_screen = n
    elif measure == "not screened":
        counts.not_screened = n
    elif measure == "excluded by reason":
        counts.reasons.setdefault(stage, {})[detail or "?"] = n
    else:
        counts.stages.setdefault(stage, {})[measure] = n

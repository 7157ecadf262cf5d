"""Screen the store's works under the protocols' rules and append the decisions.

A work is screened under a protocol when it has no rules decision yet, when its latest rules
decision was made under another rule version (the rules changed, or were reverted), or when the
work changed after that decision (dedupe updated its canonical fields). Running twice in a row
screens nothing the second time. Human decisions are never touched: they outrank the rules in
the ``current_decisions`` view whatever the rules decide later.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from review.errors import UsageError
from review.screening.engine import Decision, Work, screen

if TYPE_CHECKING:
    import duckdb

    from review.protocol import Protocol

log = logging.getLogger(__name__)
BATCH = 50_000
DECISIONS = ("include", "uncertain", "exclude")
_PENDING = """
SELECT w.work_id, list(p.protocol ORDER BY p.protocol) AS pending, any_value(w.title) AS title,
       any_value(w.abstract) AS abstract, any_value(w.keywords) AS keywords,
       any_value(w.language) AS language, any_value(w.year) AS year,
       any_value(w.publication_type) AS publication_type, any_value(w.flags) AS flags,
       any_value(w.venue) AS venue
FROM works w
CROSS JOIN _screen_protocols p
LEFT JOIN rules_latest r
    ON r.work_id = w.work_id AND r.protocol = p.protocol AND r.stage = 'title_abstract'
WHERE r.work_id IS NULL OR r.rule_version <> p.rule_version OR r.decided_at < w.updated_at
GROUP BY w.work_id
ORDER BY w.work_id
"""
_DECISION_SCHEMA = pa.schema(
    [("decision_id", pa.string()), ("work_id", pa.string()), ("protocol", pa.string()),
     ("decision", pa.string()), ("reasons", pa.list_(pa.string())), ("matches", pa.string()),
     ("rule_version", pa.string())]
)  # fmt: skip


@dataclass
class ScreenSummary:
    """What a screening run did: decisions written per protocol and decision."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rule_versions: dict[str, str] = field(default_factory=dict)

    @property
    def screened(self) -> int:
        """Decisions written in total."""
        return sum(sum(per.values()) for per in self.counts.values())

    def lines(self) -> list[str]:
        """One human-readable line per protocol."""
        out = []
        for name, per in sorted(self.counts.items()):
            parts = ", ".join(
                f"{key} {per.get(key, 0)}" for key in ("include", "uncertain", "exclude")
            )
            out.append(
                f"{name} (rules {self.rule_versions[name]}): {sum(per.values())} screened: {parts}"
            )
        return out


def _work(row: dict[str, Any]) -> Work:
    return Work(
        title=row["title"], abstract=row["abstract"], keywords=tuple(row["keywords"] or ()),
        language=row["language"], year=row["year"], publication_type=row["publication_type"],
        flags=tuple(row["flags"] or ()), venue=row["venue"],
    )  # fmt: skip


def _record_rules(con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol]) -> None:
    for protocol in protocols:
        assert protocol.rules is not None
        con.execute(
            "INSERT INTO screening_rules VALUES (?, ?, ?, now()) ON CONFLICT DO NOTHING",
            [protocol.name, protocol.rule_version, protocol.rules.canonical()],
        )


def _flush(con: duckdb.DuckDBPyConnection, rows: dict[str, list[Any]], stamp: datetime) -> None:
    if not rows["work_id"]:
        return
    # Read by DuckDB's replacement scan (the store avoids register(), see store.upsert_table).
    _decision_batch = pa.Table.from_pydict(rows, schema=_DECISION_SCHEMA)
    con.execute(
        """INSERT INTO decisions (decision_id, work_id, protocol, decision, reasons, matches,
               rule_version, decided_by, stage, note, decided_at)
           SELECT decision_id, work_id, protocol, decision, reasons, matches::JSON,
               rule_version, 'rules', 'title_abstract', NULL, ?
           FROM _decision_batch""",
        [stamp],
    )
    for values in rows.values():
        values.clear()


def _append(rows: dict[str, list[Any]], work_id: str, protocol: str, decided: Decision) -> None:
    rows["decision_id"].append(uuid.uuid4().hex)
    rows["work_id"].append(work_id)
    rows["protocol"].append(protocol)
    rows["decision"].append(decided.decision)
    rows["reasons"].append(list(decided.reasons))
    rows["matches"].append(json.dumps(decided.matches, ensure_ascii=False))
    rows["rule_version"].append(decided.rule_version)


def _pending(con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol]) -> list[dict[str, Any]]:
    names = [p.name for p in protocols]
    versions = [p.rule_version for p in protocols]
    # Read by DuckDB's replacement scan (the store avoids register(), see store.upsert_table).
    _screen_protocols = pa.table({"protocol": names, "rule_version": versions})
    return con.sql(_PENDING).to_arrow_table().to_pylist()


def run(con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol]) -> ScreenSummary:
    """Screen every work not yet screened under each protocol's current rule version."""
    missing = [p.name for p in protocols if p.rules is None]
    if missing:
        raise UsageError(f"protocol(s) {missing} have no [rules] table; nothing to screen with")
    by_name = {p.name: p for p in protocols}
    summary = ScreenSummary(rule_versions={p.name: p.rule_version for p in protocols})
    summary.counts = {p.name: {} for p in protocols}
    stamp = datetime.now(UTC)
    rows: dict[str, list[Any]] = {name: [] for name in _DECISION_SCHEMA.names}
    con.execute("BEGIN")
    try:
        _record_rules(con, protocols)
        for count, row in enumerate(_pending(con, protocols), start=1):
            work = _work(row)
            for name in row["pending"]:
                rules = by_name[name].rules
                assert rules is not None
                decided = screen(rules, work)
                _append(rows, row["work_id"], name, decided)
                per = summary.counts[name]
                per[decided.decision] = per.get(decided.decision, 0) + 1
            if len(rows["work_id"]) >= BATCH:
                _flush(con, rows, stamp)
                log.info("screened %d works", count)
        _flush(con, rows, stamp)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return summary

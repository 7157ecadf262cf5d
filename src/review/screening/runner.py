"""Screen the store's works under the protocols' rules and append the decisions.

A work is screened under a protocol when it has no rules decision yet, when its latest rules
decision was made under another rule version (the rules changed, or were reverted), or when the
work changed after that decision (dedupe updated its canonical fields). Running twice in a row
screens nothing the second time. Human decisions are never touched: they outrank the rules in
the ``current_decisions`` view whatever the rules decide later.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from review.errors import UsageError
from review.screening.batch import chunks_with_languages, screen_rows

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
    [("work_id", pa.string()), ("protocol", pa.string()), ("decision", pa.string()),
     ("reasons", pa.list_(pa.string())), ("matches", pa.string()), ("rule_version", pa.string())]
)  # fmt: skip
# Ids are made by DuckDB (uuid4 hex, as uuid.uuid4().hex made them), matches arrive as JSON text.
_INSERT = """
INSERT INTO decisions (decision_id, work_id, protocol, decision, reasons, matches, rule_version,
    decided_by, stage, note, decided_at)
SELECT replace(gen_random_uuid()::VARCHAR, '-', ''), work_id, protocol, decision, reasons,
    matches::JSON, rule_version, 'rules', 'title_abstract', NULL, ?
FROM _decision_batch
"""


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


def _record_rules(con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol]) -> None:
    for protocol in protocols:
        assert protocol.rules is not None
        con.execute(
            "INSERT INTO screening_rules VALUES (?, ?, ?, now()) ON CONFLICT DO NOTHING",
            [protocol.name, protocol.rule_version, protocol.rules.canonical()],
        )


def _flush(con: duckdb.DuckDBPyConnection, columns: dict[str, list[Any]], stamp: datetime) -> None:
    if not columns["work_id"]:
        return
    # Read by DuckDB's replacement scan (the store avoids register(), see store.upsert_table).
    _decision_batch = pa.Table.from_pydict(columns, schema=_DECISION_SCHEMA)
    con.execute(_INSERT, [stamp])


def _pending(con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol]) -> list[dict[str, Any]]:
    names = [p.name for p in protocols]
    versions = [p.rule_version for p in protocols]
    # Read by DuckDB's replacement scan (the store avoids register(), see store.upsert_table).
    _screen_protocols = pa.table({"protocol": names, "rule_version": versions})
    return con.sql(_PENDING).to_arrow_table().to_pylist()


def _screen(
    con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol], summary: ScreenSummary
) -> None:
    rules = {p.name: p.rules for p in protocols if p.rules is not None}
    min_chars = min(r.prescreen.min_language_chars for r in rules.values())
    stamp = datetime.now(UTC)
    columns: dict[str, list[Any]] = {name: [] for name in _DECISION_SCHEMA.names}
    done = 0
    for chunk in chunks_with_languages(_pending(con, protocols), min_chars):
        for name, values in screen_rows(chunk, rules, summary.counts).items():
            columns[name] += values
        done += len(chunk)
        if len(columns["work_id"]) >= BATCH:
            _flush(con, columns, stamp)
            columns = {name: [] for name in _DECISION_SCHEMA.names}
            log.info("screened %d works", done)
    _flush(con, columns, stamp)


def run(con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol]) -> ScreenSummary:
    """Screen every work not yet screened under each protocol's current rule version."""
    missing = [p.name for p in protocols if p.rules is None]
    if missing:
        raise UsageError(f"protocol(s) {missing} have no [rules] table; nothing to screen with")
    summary = ScreenSummary(rule_versions={p.name: p.rule_version for p in protocols})
    summary.counts = {p.name: {} for p in protocols}
    con.execute("BEGIN")
    try:
        _record_rules(con, protocols)
        _screen(con, protocols, summary)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return summary

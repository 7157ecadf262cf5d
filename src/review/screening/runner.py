"""Screen the store's works under the protocols' rules and append the decisions.

A work is screened under a protocol when it has no rules decision yet, when its latest rules
decision was made under another rule version (the rules changed, or were reverted), or when the
work changed after that decision (dedupe updated its canonical fields). Running twice in a row
screens nothing the second time. Human decisions are never touched: they outrank the rules in
the ``current_decisions`` view whatever the rules decide later.

One execution path: in this process, in ``workers`` processes, or on a cluster (``scatter``),
every batch of pending rows is decided by ``decide_batch``, the one function that builds the
decisions table (``DECISION_SCHEMA``), and ``write_decisions`` appends them from the process
that holds the database. ``decide`` is pure and a detected language depends on the text
only, so the stored decisions are the same whichever path ran.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from review.errors import UsageError
from review.screening.batch import WORKS_PER_CHUNK, chunks_with_languages, screen_rows
from review.screening.codes import DECISIONS
from review.screening.rules import RuleSet

if TYPE_CHECKING:
    import duckdb

    from review.protocol import Protocol

log = logging.getLogger(__name__)
Row = Mapping[str, Any]
# A batch's decisions and its counts per protocol and decision.
Decided = tuple[pa.Table, dict[str, dict[str, int]]]
DECISIONS_PER_INSERT = 50_000  # decisions gathered in memory before one INSERT
DECISION_SCHEMA = pa.schema(
    [("work_id", pa.string()), ("protocol", pa.string()), ("decision", pa.string()),
     ("reasons", pa.list_(pa.string())), ("matches", pa.string()), ("rule_version", pa.string())]
)  # fmt: skip
_worker_rules: dict[str, RuleSet] = {}  # a worker process's rule sets, sent once at its start
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
            parts = ", ".join(f"{key} {per.get(key, 0)}" for key in DECISIONS)
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


def _flush(con: duckdb.DuckDBPyConnection, tables: list[pa.Table], stamp: datetime) -> None:
    if not tables:
        return
    # Read by DuckDB's replacement scan (the store avoids register(), see store.upsert_table).
    _decision_batch = pa.concat_tables(tables)
    con.execute(_INSERT, [stamp])


def pending(con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol]) -> pa.Table:
    """The works to screen, one row each with its ``pending`` protocols, by work id."""
    names = [p.name for p in protocols]
    versions = [p.rule_version for p in protocols]
    # Read by DuckDB's replacement scan (the store avoids register(), see store.upsert_table).
    _screen_protocols = pa.table({"protocol": names, "rule_version": versions})
    return con.sql(_PENDING).to_arrow_table()


def decide_batch(rows: Sequence[Row], rules: Mapping[str, RuleSet]) -> Decided:
    """Decide every row under its pending protocols: the decisions table and the counts."""
    counts: dict[str, dict[str, int]] = {name: {} for name in rules}
    columns = screen_rows(rows, rules, counts)
    return pa.Table.from_pydict(columns, schema=DECISION_SCHEMA), counts


def _start_worker(rules: dict[str, RuleSet]) -> None:
    _worker_rules.update(rules)


def _decide_in_worker(rows: Sequence[Row]) -> Decided:
    return decide_batch(rows, _worker_rules)


def _in_workers(rows: Sequence[Row], rules: dict[str, RuleSet], workers: int) -> Iterator[Decided]:
    """Chunks decided by ``workers`` spawned processes (nothing inherited from a parent that
    holds a DuckDB connection and threads), in chunk order (``imap``)."""
    chunks = [rows[i : i + WORKS_PER_CHUNK] for i in range(0, len(rows), WORKS_PER_CHUNK)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start_worker, initargs=(rules,)) as pool:
        yield from pool.imap(_decide_in_worker, chunks)


def _in_process(rows: Sequence[Row], rules: dict[str, RuleSet]) -> Iterator[Decided]:
    """Chunks decided here, the next chunk's languages detected ahead in a thread."""
    min_chars = min(r.prescreen.min_language_chars for r in rules.values())
    for chunk in chunks_with_languages(rows, min_chars):
        yield decide_batch(chunk, rules)


def _decided(
    con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol], workers: int
) -> Iterator[Decided]:
    rules = rules_of(protocols)
    rows = pending(con, protocols).to_pylist()
    if workers > 1:
        yield from _in_workers(rows, rules, workers)
    else:
        yield from _in_process(rows, rules)


def rules_of(protocols: Sequence[Protocol]) -> dict[str, RuleSet]:
    """Each protocol's rule set by protocol name; a protocol without rules is a usage error."""
    missing = [p.name for p in protocols if p.rules is None]
    if missing:
        raise UsageError(f"protocol(s) {missing} have no [rules] table; nothing to screen with")
    return {p.name: p.rules for p in protocols if p.rules is not None}


def write_decisions(
    con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol], results: Iterable[Decided]
) -> ScreenSummary:
    """Append the decisions (as ``(table, counts)`` batches) in one transaction, one timestamp.

    ``results`` may be lazy: it is consumed inside the transaction, so a generator that reads
    the pending works from ``con`` sees the same snapshot the decisions are written to.
    """
    rules_of(protocols)
    summary = ScreenSummary(rule_versions={p.name: p.rule_version for p in protocols})
    summary.counts = {p.name: {} for p in protocols}
    con.execute("BEGIN")
    try:
        _record_rules(con, protocols)
        stamp, tables, done = datetime.now(UTC), [], 0
        for table, counts in results:
            for name, per in counts.items():
                for key, value in per.items():
                    summary.counts[name][key] = summary.counts[name].get(key, 0) + value
            tables.append(table)
            done += table.num_rows
            if sum(t.num_rows for t in tables) >= DECISIONS_PER_INSERT:
                _flush(con, tables, stamp)
                tables = []
                log.info("%d decisions made", done)
        _flush(con, tables, stamp)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return summary


def run(
    con: duckdb.DuckDBPyConnection, protocols: Sequence[Protocol], *, workers: int = 1
) -> ScreenSummary:
    """Screen every work not yet screened under each protocol's current rule version.

    With ``workers`` > 1, that many spawned processes screen (a script that asks for them
    needs the usual ``if __name__ == "__main__":`` guard of every ``spawn`` user); the
    decisions are the same whatever the number. One process meets the 100k-works target.
    To screen on other machines, see ``scatter``: the same decisions, written here.
    """
    rules_of(protocols)
    return write_decisions(con, protocols, _decided(con, protocols, workers))

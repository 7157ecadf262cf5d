"""Decisions are pinned: the engine and run() must reproduce golden_decisions.json exactly.

The golden file was written by the engine before it was optimised (see golden.py); these tests
prove the speed-up changed no decision, reason, matched term or rule version, whether a work is
screened by ``screen`` or by ``run`` through the store.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import duckdb
import pyarrow as pa
import pytest
import screening_golden as golden  # tests/screening is on sys.path (pytest rootdir)

from review.protocol import Protocol
from review.screening.engine import Work, screen
from review.screening.runner import run


@pytest.fixture(scope="module")
def pinned(protocols: dict[str, Protocol]) -> dict[str, Any]:
    """The golden file, after checking it was written under the rules in use now."""
    data: dict[str, Any] = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    now = {p.name: p.rule_version for p in protocols.values()}
    assert data["rule_versions"] == now, (
        "the rules changed since the decisions were pinned: if the new decisions are meant, "
        "rerun `.venv/bin/python tests/screening/screening_golden.py` and commit the difference"
    )
    return data


def stored_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Canonical lines of the rules decisions in the store."""
    rows = (
        con.sql(
            "SELECT work_id, protocol, decision, reasons, matches::VARCHAR AS matches, "
            "rule_version FROM decisions WHERE decided_by = 'rules'"
        )
        .to_arrow_table()
        .to_pylist()
    )
    lines = []
    for row in rows:
        row["matches"] = json.loads(row["matches"])
        lines.append(golden.canonical(row["work_id"], row["protocol"], _Row(row)))
    return lines


class _Row:
    def __init__(self, row: dict[str, Any]) -> None:
        self.__dict__.update(row)


def insert(con: duckdb.DuckDBPyConnection, works: list[dict[str, Any]]) -> None:
    """Works with every screened column (keywords, flags and venue too)."""
    _works = pa.Table.from_pylist(works)  # read by DuckDB's replacement scan
    con.execute(
        "INSERT INTO works (work_id, title, abstract, keywords, language, year, publication_type, "
        "flags, venue, sources, record_count, updated_at) SELECT work_id, title, abstract, "
        "keywords, language, year, publication_type, flags, venue, ['test'], 1, "
        "now() - INTERVAL 1 DAY FROM _works"
    )


def test_eval_set_decisions_are_unchanged(
    protocols: dict[str, Protocol], pinned: dict[str, Any]
) -> None:
    assert sorted(golden.screened(protocols, golden.eval_works())) == pinned["eval"]


def test_rich_sample_decisions_are_unchanged(
    protocols: dict[str, Protocol], pinned: dict[str, Any]
) -> None:
    works = golden.rich_works(pinned["rich"]["n"], pinned["rich"]["seed"])
    assert golden.digest(golden.screened(protocols, works)) == pinned["rich"]["sha256"]


@pytest.mark.parametrize("workers", [1, 2])
def test_run_stores_the_pinned_decisions(
    con: duckdb.DuckDBPyConnection,
    protocols: dict[str, Protocol],
    pinned: dict[str, Any],
    workers: int,
) -> None:
    works = golden.rich_works(pinned["rich"]["n"], pinned["rich"]["seed"])
    insert(con, works + golden.eval_works_as_rows())
    summary = run(con, list(protocols.values()), workers=workers)
    assert summary.screened == 4 * (len(works) + len(pinned["eval"]) // 4)
    lines = stored_lines(con)
    assert golden.digest(line for line in lines if '["R' in line[:3]) == pinned["rich"]["sha256"]
    assert sorted(line for line in lines if '["R' not in line[:3]) == pinned["eval"]
    counted = Counter(tuple(json.loads(line)[1:3]) for line in lines)
    per_protocol = summary.counts.items()
    assert counted == {(name, key): n for name, per in per_protocol for key, n in per.items()}


def test_run_stores_matches_as_json_dumps_text_and_hex_ids(
    con: duckdb.DuckDBPyConnection, protocols: dict[str, Protocol]
) -> None:
    rows = golden.eval_works_as_rows()
    insert(con, rows)
    run(con, list(protocols.values()))
    stored = con.execute("SELECT decision_id, work_id, protocol, matches::VARCHAR FROM decisions")
    found = {(work_id, name): (key, text) for key, work_id, name, text in stored.fetchall()}
    assert len(found) == 4 * len(rows)
    assert len({key for key, _ in found.values()}) == len(found)
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key, _ in found.values())
    for row in rows:
        work = Work(row["title"], row["abstract"], (), row["language"], row["year"],
                    row["publication_type"], tuple(row["flags"]), row["venue"])  # fmt: skip
        for protocol in protocols.values():
            matches = screen(protocol.rules, work).matches  # type: ignore[arg-type]
            text = found[(row["work_id"], protocol.name)][1]
            assert text == json.dumps(matches, ensure_ascii=False)  # byte-identical storage

"""What the reporting-owned queries answer on the seeded store (not only that they run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from review.cli import main
from review.errors import UsageError
from review.queries import run_query
from review.store import open_store


def rows(db: Path, name: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    with open_store(db, read_only=True) as con:
        columns, found = run_query(con, name, variables)
    return [dict(zip(columns, row, strict=True)) for row in found]


def test_source_overlap_pairs_and_only(seeded_db: Path) -> None:
    got = {(r["measure"], r["source_a"], r["source_b"]): r["works"]
           for r in rows(seeded_db, "source_overlap")}  # fmt: skip
    assert got == {
        ("found", "embase", None): 2, ("found", "openalex", None): 2, ("found", "rayyan", None): 2,
        ("both", "embase", "openalex"): 1, ("both", "openalex", "rayyan"): 1,
        ("only", "embase", None): 1, ("only", "rayyan", None): 1,
    }  # fmt: skip
    scoped = rows(seeded_db, "source_overlap", {"protocol": "sfi-crime"})
    assert {r["protocol"] for r in scoped} == {"sfi-crime"} and len(scoped) == 7


def test_new_since_last_run_is_what_the_latest_run_brought(seeded_db: Path) -> None:
    found = rows(seeded_db, "new_since_last_run", {"protocol": "sfi-crime"})
    assert {r["record_id"] for r in found} == {"openalex:W100", "openalex:W200"}
    decisions = {r["record_id"]: (r["decision"], r["reasons"]) for r in found}
    assert decisions["openalex:W100"] == ("include", ["FT-I-ELIGIBLE"])
    everything = rows(seeded_db, "new_since_last_run", {"since": "2000-01-01"})
    assert len({r["record_id"] for r in everything}) == 6


def _identified(db: Path, protocol: str) -> dict[str | None, int]:
    found = rows(db, "prisma", {"protocol": protocol})
    return {r["detail"]: r["n"] for r in found if r["measure"] == "records identified"}


def test_unscoped_imports_count_for_every_protocol(seeded_db: Path) -> None:
    assert _identified(seeded_db, "sfi-school") == {None: 4, "embase": 2, "rayyan": 2}
    assert _identified(seeded_db, "sfi-crime") == {
        None: 6, "embase": 2, "openalex": 2, "rayyan": 2}  # fmt: skip


def test_a_scoped_import_counts_only_for_its_protocols(flow_db: Path) -> None:
    school = _identified(flow_db, "sfi-school")
    assert school["school"] == 1 and "psycinfo" not in school and "citations" not in school
    crime = _identified(flow_db, "sfi-crime")
    assert "school" not in crime and crime["psycinfo"] == 5 and crime["embase"] == 2
    with open_store(flow_db, read_only=True) as con:
        scopes = con.execute(
            "SELECT source, protocol, method FROM searches WHERE query_label = 'import' "
            "ORDER BY source"
        ).fetchall()
    assert scopes == [
        ("citations", "sfi-crime", "citation-searching"), ("embase", None, "database"),
        ("late", "sfi-crime", "database"), ("psycinfo", "sfi-crime", "database"),
        ("rayyan", None, "database"), ("school", "sfi-school", "database"),
    ]  # fmt: skip


def test_a_misspelt_parameter_is_refused_with_the_ones_the_query_takes(
    seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(seeded_db, read_only=True) as con, pytest.raises(UsageError) as info:
        run_query(con, "prisma", {"protocl": "sfi-crime"})
    assert str(info.value) == "query 'prisma' has no parameter 'protocl' (it takes: protocol)"
    argv = ["query", "decisions", "--db", str(seeded_db), "--param", "protocol=sfi-crime",
            "--param", "decison=include"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "no parameter 'decison' (it takes: decision, protocol)" in err
    assert main(["query", "duplicates", "--db", str(seeded_db), "--param", "protocol=x"]) == 2
    assert "(it takes: none)" in capsys.readouterr().err


def test_variables_do_not_leak_into_the_next_query(seeded_db: Path) -> None:
    with open_store(seeded_db, read_only=True) as con:
        run_query(con, "prisma", {"protocol": "sfi-school"})
        assert con.execute("SELECT getvariable('protocol')").fetchone() == (None,)
        protocols = {row[0] for row in run_query(con, "prisma")[1]}
    assert {"sfi-crime", "sfi-school"} <= protocols


def test_an_unmigrated_database_read_only_is_refused_clearly(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE schema_version (version INTEGER, name VARCHAR, applied_at "
                    "TIMESTAMPTZ)")  # fmt: skip
        con.execute("INSERT INTO schema_version VALUES (3, '003_screening.sql', now())")
    with open_store(db, read_only=True) as con, pytest.raises(UsageError, match="version 3"):
        run_query(con, "prisma")

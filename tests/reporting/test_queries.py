"""What the reporting-owned queries answer on the seeded store (not only that they run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def test_prisma_keeps_imports_for_every_protocol(seeded_db: Path) -> None:
    school = rows(seeded_db, "prisma", {"protocol": "sfi-school"})
    identified = {r["detail"]: r["n"] for r in school if r["measure"] == "records identified"}
    assert identified == {"embase": 2, "rayyan": 2, "all sources": 4}
    crime = rows(seeded_db, "prisma", {"protocol": "sfi-crime"})
    overall = {r["measure"]: r["n"] for r in crime if r["stage"] == "overall"}
    assert overall == {"include": 1, "uncertain": 1, "exclude": 2}
    conflicts = [r["n"] for r in crime if r["measure"] == "conflicts"]
    assert conflicts == [1]

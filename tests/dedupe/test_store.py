"""run(con) on a real store: idempotence, incremental equals batch, overrides survive."""

from __future__ import annotations

from pathlib import Path

import duckdb
from dedupe_helpers import ARTICLE

from review import dedupe
from review.record import Record
from review.store import open_store, upsert_records

OTHER = {**ARTICLE, "title": "Sleep and anxiety in adolescents: a cohort study", "pages": "1-9"}


def _records() -> list[Record]:
    rows = [
        ARTICLE,
        {**ARTICLE, "title": ARTICLE["title"].upper(), "venue": "J Affect Disord"},
        OTHER,
        {**OTHER, "authors": ["Hansen A", "Berg O", "Lund K"]},
        {**ARTICLE, "title": "Comment on: " + ARTICLE["title"], "pages": "500"},
    ]
    return [Record(source="s", source_id=str(i), **r) for i, r in enumerate(rows)]


def _works(con: duckdb.DuckDBPyConnection) -> set[frozenset[str]]:
    rows = con.execute("SELECT work_id, record_id FROM records").fetchall()
    groups: dict[str, set[str]] = {}
    for work, rid in rows:
        groups.setdefault(work, set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def test_run_links_every_record_and_is_idempotent(tmp_path: Path) -> None:
    with open_store(tmp_path / "db.duckdb") as con:
        upsert_records(con, _records())
        first = dedupe.run(con)
        assert first.works == 3
        before = con.execute("SELECT * FROM works ORDER BY work_id").fetchall()
        second = dedupe.run(con)
        assert (second.new_links, second.works_written, second.candidates_queued) == (0, 0, 0)
        assert con.execute("SELECT * FROM works ORDER BY work_id").fetchall() == before
        assert con.execute("SELECT count(*) FROM records WHERE work_id IS NULL").fetchall() == [
            (0,)
        ]


def test_incremental_equals_batch(tmp_path: Path) -> None:
    records = _records()
    with open_store(tmp_path / "a.duckdb") as con:
        upsert_records(con, records)
        dedupe.run(con)
        batch = _works(con)
    with open_store(tmp_path / "b.duckdb") as con:
        upsert_records(con, records[::2])
        dedupe.run(con)
        upsert_records(con, records[1::2])
        summary = dedupe.run(con)
        assert summary.mode == "incremental"
        assert _works(con) == batch


def test_overrides_survive_reruns(tmp_path: Path) -> None:
    with open_store(tmp_path / "db.duckdb") as con:
        upsert_records(con, _records())
        dedupe.run(con)
        dedupe.split_records(con, "s:0", "s:1", reviewer="ann")
        dedupe.merge_records(con, "s:0", "s:2", reviewer="ann")
        dedupe.run(con)
        for _ in range(2):
            dedupe.run(con, full=True)
            works = dict(con.execute("SELECT record_id, work_id FROM records").fetchall())
            assert works["s:0"] != works["s:1"]
            assert works["s:0"] == works["s:2"]


def test_settled_pairs_are_pruned_when_a_later_run_joins_them(tmp_path: Path) -> None:
    with open_store(tmp_path / "db.duckdb") as con:
        upsert_records(con, _records())
        dedupe.run(con)
        for a, b in (("s:0", "s:2"), ("s:0", "s:4")):
            con.execute(
                "INSERT INTO duplicate_candidates (record_a, record_b, found_at) "
                "VALUES (?, ?, now())",
                [a, b],
            )
        con.execute(
            "INSERT INTO work_relations VALUES ('s:0', 's:2', 'preprint_version', 90, now())"
        )
        dedupe.merge_records(con, "s:0", "s:2", reviewer="ann")
        summary = dedupe.run(con)
        assert summary.pairs_pruned == 2
        left = con.execute("SELECT record_a, record_b FROM duplicate_candidates").fetchall()
        assert ("s:0", "s:2") not in left and ("s:0", "s:4") in left
        assert con.execute("SELECT count(*) FROM work_relations").fetchall() == [(0,)]


def test_the_queue_holds_one_pair_per_pair_of_works(tmp_path: Path) -> None:
    """An article and the same study's meeting abstract, each exported twice: the reviewer
    gets one question (are these two works one?), not one per pair of records."""
    abstract = {**ARTICLE, "title": ARTICLE["title"].replace("a randomised", "a pilot"),
                "venue": "Stroke", "volume": "42", "pages": "e589"}  # fmt: skip
    rows = [ARTICLE, {**ARTICLE, "venue": "J Affect Disord"}, abstract, {**abstract}]
    records = [Record(source="s", source_id=str(i), **r) for i, r in enumerate(rows)]
    with open_store(tmp_path / "db.duckdb") as con:
        upsert_records(con, records)
        summary = dedupe.run(con)
        queued = con.execute(
            "SELECT a.work_id, b.work_id FROM duplicate_candidates c "
            "JOIN records a ON a.record_id = c.record_a JOIN records b ON b.record_id = c.record_b"
        ).fetchall()
    assert summary.works == 2
    assert len(queued) == summary.candidates_queued == 1
    assert queued[0][0] != queued[0][1]

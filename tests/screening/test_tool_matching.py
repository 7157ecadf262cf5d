"""Matching tool rows to works (never by guess), the reason map, votes as decisions.

Works and rows are constructed: each case is a class of real trouble (a DOI two unmerged works
share, a tool's wrong DOI, a title without a year, a reason the map lacks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from review.cli import main
from review.errors import InputFileError, UsageError
from review.importers.tools import ToolFile, ToolRow, Vote
from review.screening import reason_map, tool_decisions
from review.screening.matching import Match, WorkIndex, load_index, match
from review.store import open_store

WORKS = [
    {"work_id": "W1", "title": "Community policing in public housing: a randomized trial",
     "year": 2015},
    {"work_id": "W2", "title": "Youth clubs and crime", "year": 2018},
    {"work_id": "W3", "title": "Youth clubs and crime", "year": 2019},
]  # fmt: skip


def index_of(con: duckdb.DuckDBPyConnection, seed: Any) -> WorkIndex:
    seed(con, WORKS)
    con.execute("UPDATE records SET doi = '10.1000/shared' WHERE work_id IN ('W2', 'W3')")
    con.execute("UPDATE records SET doi = '10.1000/policing', pmid = '111' WHERE work_id = 'W1'")
    return load_index(con)


@pytest.mark.parametrize(
    ("own_ids", "fields", "expected"),
    [
        (["S-W1"], {"doi": "10.1000/shared"}, Match("W1", "id")),  # our id wins over a wrong DOI
        ([], {"doi": "https://doi.org/10.1000/POLICING"}, Match("W1", "doi")),
        ([], {"pmid": "PMID: 111"}, Match("W1", "pmid")),
        ([], {"title": "COMMUNITY POLICING in public housing - a randomised trial?",
              "year": "2015"}, Match(None, None)),  # randomised != randomized: no fuzzy guess
        ([], {"title": "Community policing in public housing: a randomized trial.",
              "year": "2015"}, Match("W1", "title+year")),
        ([], {"title": "Community policing in public housing: a randomized trial"},
         Match(None, None)),  # a title without a year is not enough
        ([], {"doi": "10.1000/shared", "title": "Youth clubs and crime", "year": 2019},
         Match("W3", "title+year")),  # the DOI narrows, the title and year pick
        ([], {"doi": "10.1000/shared"}, Match(None, None, ("W2", "W3"))),
        ([], {"doi": "10.1000/shared", "title": "Community policing in public housing: a "
              "randomized trial", "year": 2015}, Match(None, "title+year", ("W1", "W2", "W3"))),
        (["rayyan-77"], {"doi": "10.1000/none"}, Match(None, None)),
    ],
)  # fmt: skip
def test_match_by_id_doi_pmid_title_year(
    con: duckdb.DuckDBPyConnection, seed: Any, own_ids: list[str], fields: dict, expected: Match
) -> None:
    found = match(index_of(con, seed), own_ids, fields)
    assert found == expected
    assert found.problem == (None if expected.work_id else
                             "ambiguous" if expected.candidates else "unmatched")  # fmt: skip


def test_ambiguous_rows_are_reported_not_recorded(
    tmp_path: Path, seed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "e.duckdb"
    with open_store(db) as con:
        index_of(con, seed)
    notes = 'RAYYAN-INCLUSION: {""Anna""=>""Included""}'
    path = tmp_path / "articles.csv"
    rows = [f'rayyan-1,Youth clubs,2020,"{notes}",10.1000/shared',
            f'rayyan-2,x,2015,"{notes}",10.1000/policing']  # fmt: skip
    path.write_text("\n".join(["key,title,year,notes,doi", *rows]) + "\n", encoding="utf-8")
    assert main(["decide", str(path), "--protocol", "sfi-crime", "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "ambiguous (not recorded)" in err and "articles.csv:2: 'Youth clubs'" in err
    assert "matches W2, W3; decide it with --work" in err
    with open_store(db, read_only=True) as con:
        assert con.execute("SELECT work_id FROM human_latest").fetchall() == [("W1",)]


def test_reason_map_keys_ignore_case_punctuation_and_spacing(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_text('[full_text]\n"Wrong study-design." = "ft-e-no-comparison"\n', "utf-8")
    reasons = reason_map.load(path)
    assert reasons.code("full_text", "  WRONG study   design") == "FT-E-NO-COMPARISON"
    assert reasons.code("title_abstract", "wrong study design") is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[title_abstract]\n"x" = "I-HUMAN"\n', r"\[title_abstract\] 'x' = 'I-HUMAN' is not an "),
        ('[title_abstract]\n"x" = "E-NOPE"\n', "is not an exclusion reason code"),
        ('[later]\n"x" = "E-HUMAN"\n', r"\[later\] is not a stage table"),
        ("[title_abstract\n", "cannot read the reason map"),
    ],
)
def test_bad_reason_map_names_file_and_key(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=rf"map\.toml: .*{problem}"):
        reason_map.load(path)
    with pytest.raises(UsageError, match="reason map not found"):
        reason_map.load(tmp_path / "missing.toml")


def test_the_shipped_reason_map_loads() -> None:
    reasons = reason_map.load()
    assert reasons.code("title_abstract", "Foreign language") == "E-LANG"
    assert reasons.code("full_text", "Wrong study design") == "FT-E-NO-COMPARISON"


def test_votes_become_checked_decisions(con: duckdb.DuckDBPyConnection, seed: Any) -> None:
    index = index_of(con, seed)
    rows = [ToolRow(2, {}, ["W1"], [
        Vote("exclude", "anna", ("Wrong population", "wrong setting", "not in Denmark"), "hm"),
        Vote("include", "bo", stage="full_text"), Vote("uncertain", "cy")])]  # fmt: skip
    file = ToolFile(Path("x.csv"), "rayyan", rows)
    options = tool_decisions.Options("sfi-crime")
    outcome = tool_decisions.decisions(file, index, options, reason_map.load(), ["sfi-crime"])
    assert [(d.reviewer, d.stage, d.reasons(), d.note) for d in outcome.decisions] == [
        ("anna", "title_abstract", ["E-OFF-TOPIC"], "hm; reasons: not in Denmark"),
        ("bo", "full_text", ["FT-I-ELIGIBLE"], None),
        ("cy", "title_abstract", ["U-HUMAN"], None),
    ]
    assert outcome.unmapped == {"not in Denmark": 1} and outcome.matched_by == {"id": 1}
    with pytest.raises(InputFileError, match="unknown protocol 'nope'"):
        tool_decisions.decisions(file, index, tool_decisions.Options("nope"), reason_map.load(),
                                 ["sfi-crime"])  # fmt: skip

"""`review explain`: the ladder for one stored work, found by work id, record id or DOI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.cli import main

RIS = """TY  - JOUR
ID  - cpa1
TI  - Evaluating a citizen police academy: participants' attitudes before and after
AB  - Participants in a ten-week citizen police academy completed a questionnaire before the \
first session and again after graduation. Attitudes toward the police improved.
PY  - 2012
DO  - 10.1234/cpa.2012.1
LA  - en
ER  -
TY  - JOUR
ID  - tam1
TI  - Tamoxifen adherence in breast cancer
AB  - Adherence to tamoxifen among 2,000 women with breast cancer was followed for five years.
PY  - 2015
LA  - en
ER  -
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store with two imported, deduplicated and screened works."""
    path = tmp_path / "e.duckdb"
    (tmp_path / "a.ris").write_text(RIS, encoding="utf-8")
    assert main(["import", str(tmp_path / "a.ris"), "--db", str(path)]) == 0
    assert main(["dedupe", "--db", str(path)]) == 0
    assert main(["screen", "--protocol", "sfi-crime", "--db", str(path)]) == 0
    return path


def _explain(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_shows_terms_lists_ladder_and_stored_decision(db, capsys):
    doi = "10.1234/CPA.2012.1"  # as a reader types it: found through the normalised DOI
    code, out, _ = _explain(capsys, doi, "--protocol", "sfi-crime", "--db", str(db))
    assert code == 0
    assert "DECISION  uncertain  [U-CONTEXT]" in out
    assert "stored: uncertain ['U-CONTEXT'] by rules" in out
    term = next(line for line in out.splitlines() if "citizen police academ*" in line)
    assert "intervention" in term and "[blocks.intervention]" in term
    assert ">>  5. if I & E" in out  # the step that decided, marked
    assert "to reach include I-PICOS (step 1) it needs P" in out  # which lists to edit
    assert "sfi-crime.toml: blocks.intervention" in out  # and in which file


def test_json_by_record_id_matches_what_screen_stored(db, capsys):
    code, out, _ = _explain(capsys, "a:tam1", "--protocol", "sfi-crime", "--db", str(db),
                            "--format", "json")  # fmt: skip
    report = json.loads(out)
    assert code == 0 and report["decision"] == "exclude"
    assert [r["code"] for r in report["reasons"]] == list(report["stored"]["reasons"])
    chosen = [s for s in report["ladder"]["steps"] if s["chosen"]]
    assert len(chosen) == 1 and chosen[0]["then"] == "exclude E-OFF-TOPIC"


def test_unknown_work_is_a_usage_error(db, capsys):
    code, out, err = _explain(capsys, "W-nope", "--protocol", "sfi-crime", "--db", str(db))
    assert code == 2 and out == ""
    assert "no work, record or DOI 'W-nope' in the database" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unknown_protocol_is_a_usage_error(db, capsys):
    code, _, err = _explain(capsys, "a:cpa1", "--protocol", "sfi-nope", "--db", str(db))
    assert code == 2 and "unknown protocol 'sfi-nope'" in err
    assert len(err.strip().splitlines()) == 1


def test_record_not_yet_deduplicated_asks_for_dedupe(tmp_path, capsys):
    path = tmp_path / "e.duckdb"
    (tmp_path / "a.ris").write_text(RIS, encoding="utf-8")
    assert main(["import", str(tmp_path / "a.ris"), "--db", str(path)]) == 0
    code, _, err = _explain(capsys, "a:cpa1", "--protocol", "sfi-crime", "--db", str(path))
    assert code == 2 and "run `review dedupe` first" in err


def test_work_not_screened_yet_is_explained_with_no_stored_decision(db, capsys):
    code, out, _ = _explain(capsys, "a:cpa1", "--protocol", "sfi-school", "--db", str(db))
    assert code == 0 and "stored: no decision yet (run `review screen`)" in out


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    code, _, err = _explain(capsys, "a:cpa1", "--protocol", "sfi-crime",
                            "--db", str(tmp_path / "none.duckdb"))  # fmt: skip
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_key_matching_several_works_names_them(tmp_path, capsys):
    path = tmp_path / "e.duckdb"
    for label, title in (("one", "Youth clubs and crime"), ("two", "Insulin pumps in diabetes")):
        file = tmp_path / f"{label}.ris"
        file.write_text(f"TY  - JOUR\nID  - same-id\nTI  - {title}\nPY  - 2010\nER  - \n")
        assert main(["import", str(file), "--source", label, "--db", str(path)]) == 0
    assert main(["dedupe", "--db", str(path)]) == 0
    code, _, err = _explain(capsys, "same-id", "--protocol", "sfi-crime", "--db", str(path))
    assert code == 2 and "'same-id' matches 2 works" in err and "give a work id" in err

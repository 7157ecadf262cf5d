"""Round trips through ASReview, Rayyan and Covidence, end to end through the ``review`` CLI.

The store: ``tests/fixtures/tools/search.ris`` (constructed records) imported, deduplicated and
screened under sfi-crime, which leaves five works uncertain. Their export was taken to each
tool; ``tests/fixtures/tools/README.md`` says how each decision file was made (ASReview's by
ASReview 3.0.8 itself; Rayyan's and Covidence's written by us in their real layouts).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from review.cli import main
from review.store import open_store

TOOLS = Path(__file__).parent / "fixtures" / "tools"
ASREVIEW = TOOLS / "asreview" / "asreview_relevant_not_seen_irrelevant_uncertain"
RAYYAN = TOOLS / "rayyan" / "articles.csv"
COVIDENCE = TOOLS / "covidence"
MENTORING, YOUTH, AREA = "w_e4cbaf0611c0cf24", "w_75daa0eae4efc6b4", "w_070c7bd3fefdc608"
WATCH, LIGHT = "w_82b91e85ebc93067", "w_c67422a1a60cea4b"
UNCERTAIN = {MENTORING, YOUTH, AREA, WATCH, LIGHT}


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store after import, dedupe and screen (copied per test: tests write to it)."""
    db = tmp_path_factory.mktemp("tools") / "template.duckdb"
    for argv in (["import", str(TOOLS / "search.ris")], ["dedupe"], ["screen", "--protocol",
                 "sfi-crime"]):  # fmt: skip
        assert main([*argv, "--db", str(db)]) == 0
    return db


@pytest.fixture
def db(screened: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "evidence.duckdb"
    shutil.copy(screened, copy)
    return copy


def review(db: Path, *argv: str) -> int:
    return main([*argv, "--db", str(db)])


def human(db: Path) -> dict[tuple[str, str, str], tuple[str, list[str], str | None]]:
    """(work, stage, reviewer) -> (decision, reasons, note) of the latest human decisions."""
    with open_store(db, read_only=True) as con:
        rows = con.execute(
            "SELECT work_id, stage, decided_by, decision, reasons, note FROM human_latest "
            "WHERE protocol = 'sfi-crime'"
        ).fetchall()
    return {(w, s, r): (d, list(reasons), note) for w, s, r, d, reasons, note in rows}


def query(db: Path, name: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert review(db, "query", name, "--param", "protocol=sfi-crime", "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


def test_decision_files_were_built_from_the_exported_uncertain_works(
    db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "uncertain.csv"
    assert review(db, "export", "--protocol", "sfi-crime", "--decision", "uncertain", "--out",
                  str(out)) == 0  # fmt: skip
    exported = {row["id"]: row["title"] for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(exported) == UNCERTAIN
    asreview = {r["id"]: r["title"] for r in csv.DictReader(ASREVIEW.with_suffix(".csv").open())}
    assert asreview == exported
    rayyan = {row["title"] for row in csv.DictReader(RAYYAN.open(encoding="utf-8"))}
    covidence = {row["Title"] for path in COVIDENCE.glob("*.csv") for row in csv.DictReader(
        path.open(encoding="utf-8"))}  # fmt: skip
    extra = {
        "Night-time basketball and youth violence",
        "Tenant participation in estate management",
    }  # not in the store: made in Rayyan
    assert rayyan - set(exported.values()) == extra
    assert covidence <= set(exported.values())


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx", ".ris"])
def test_asreview_label_is_recorded_not_our_old_decision_column(db: Path, suffix: str) -> None:
    path = ASREVIEW.with_suffix(suffix)
    if suffix == ".csv":  # the trap: our export's columns ride along in ASReview's export
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert {row["decision"] for row in rows} == {"uncertain"}
        assert {row["included"] for row in rows} == {""}
    assert review(db, "decide", str(path), "--protocol", "sfi-crime", "--reviewer", "carl") == 0
    assert human(db) == {
        (MENTORING, "title_abstract", "carl"): ("include", ["I-HUMAN"], "Danish context plausible"),
        (YOUTH, "title_abstract", "carl"): ("include", ["I-HUMAN"], None),
        (WATCH, "title_abstract", "carl"): ("exclude", ["E-HUMAN"], "no effect design"),
        (LIGHT, "title_abstract", "carl"): ("exclude", ["E-HUMAN"], "physical only"),
    }  # AREA was not seen in ASReview: no decision


def test_asreview_formats_agree_so_rereading_changes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for suffix in (".csv", ".tsv", ".xlsx", ".ris"):
        path = str(ASREVIEW.with_suffix(suffix))
        assert review(db, "decide", path, "--protocol", "sfi-crime", "--reviewer", "carl") == 0
    err = capsys.readouterr().err
    assert err.count("4 decision(s) recorded, 0 unchanged") == 1
    assert err.count("0 decision(s) recorded, 4 unchanged") == 3
    assert "matched by id 4" in err and "1 without a decision" in err


def test_asreview_export_without_logins_needs_a_reviewer(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert review(db, "decide", str(ASREVIEW.with_suffix(".csv")), "--protocol", "sfi-crime") == 2
    assert "pass --reviewer" in capsys.readouterr().err
    assert human(db) == {}


def test_rayyan_votes_conflicts_kappa_and_what_was_left_out(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert review(db, "decide", str(RAYYAN), "--protocol", "sfi-crime", "--conflicts",
                  "--agreement") == 0  # fmt: skip
    out, err = capsys.readouterr()
    decided = human(db)
    assert decided[(WATCH, "title_abstract", "Bo")] == ("exclude", ["E-DESIGN", "E-PUBTYPE"], None)
    assert decided[(YOUTH, "title_abstract", "Bo")] == (
        "exclude", ["E-DESIGN"], "cross-sectional only")  # fmt: skip
    assert decided[(AREA, "title_abstract", "Bo")] == (
        "exclude", ["E-HUMAN"], "reasons: not transferable to Denmark")  # fmt: skip
    assert decided[(AREA, "title_abstract", "Anna")] == ("uncertain", ["U-HUMAN"], None)
    assert decided[(LIGHT, "title_abstract", "Anna")] == ("exclude", ["E-NO-INTERVENTION"], None)
    assert len(decided) == 9
    # matched by DOI (Mentoring, Watch), PMID (Youth), title + year (Area), review-id (Light)
    assert "matched by doi 2, pmid 1, title+year 1, id 1" in err
    assert "unmatched (not recorded)" in err and "articles.csv:7: 'Night-time basketball" in err
    assert "1 without a decision" in err
    assert "'not transferable to Denmark' x1" in err
    assert "2 open conflict(s)" in out
    assert f"{YOUTH}  title_abstract  Anna=include, Bo=exclude" in out
    assert f"{AREA}  title_abstract  Anna=uncertain, Bo=exclude" in out
    # Anna and Bo both decided 4 works and agree on 2; kappa = (2/4 - 5/16) / (1 - 5/16).
    line = next(row for row in out.splitlines() if " Anna " in row and " Bo " in row)
    assert line.split()[-3:] == ["4", "0.50", f"{(0.5 - 5 / 16) / (1 - 5 / 16):.2f}"]


def test_round_trip_to_prisma_and_report(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert review(db, "decide", str(RAYYAN), "--protocol", "sfi-crime") == 0
    for work, decision, reason in ((YOUTH, "include", "I-HUMAN"), (AREA, "exclude", "E-HUMAN")):
        resolution = ["--work", work, "--decision", decision, "--reason", reason]
        assert review(db, "decide", *resolution, "--protocol", "sfi-crime", "--reviewer", "cara",
                      "--resolve") == 0  # fmt: skip
    full_text = [str(p) for p in COVIDENCE.glob("review_*_*clude*_csv_*.csv")]
    assert review(db, "decide", *full_text, "--protocol", "sfi-crime", "--reviewer",
                  "covidence-team", "--conflicts") == 0  # fmt: skip
    assert "0 open conflict(s)" in capsys.readouterr().out
    decisions = {row["work_id"]: row for row in query(db, "decisions", capsys)}
    assert decisions[MENTORING]["full_text_decision"] == "include"
    assert decisions[YOUTH]["full_text_decision"] == "exclude"
    assert decisions[YOUTH]["reasons"] == ["FT-E-NO-COMPARISON"]
    prisma: Counter[tuple[str, str | None]] = Counter()
    for row in query(db, "prisma", capsys):  # both columns of the diagram summed
        prisma[(row["measure"], row["detail"])] += row["n"]
    ta = Counter(row["title_abstract_decision"] for row in decisions.values())
    ft = Counter(row["full_text_decision"] for row in decisions.values())
    sought = sum(
        1
        for row in decisions.values()
        if row["title_abstract_decision"] == "include" or row["full_text_decision"]
    )
    assert prisma[("records excluded", None)] == ta["exclude"]
    assert prisma[("reports sought for retrieval", None)] == sought
    assert prisma[("reports assessed for eligibility", None)] == ft["include"] + ft["exclude"]
    assert prisma[("reports excluded", None)] == ft["exclude"]
    assert prisma[("reports excluded", "FT-E-NO-COMPARISON")] == 1
    assert prisma[("studies included in review", None)] == ft["include"] == 1
    report = tmp_path / "report.html"
    assert review(db, "report", "--protocol", "sfi-crime", "--out", str(report)) == 0
    html = report.read_text(encoding="utf-8")
    assert "Mentoring for young offenders in social housing areas" in html
    assert "FT-E-NO-COMPARISON" in html
    # The Wiley DOI reaches the report whole: shown HTML-escaped, linked percent-encoded.
    wiley = "10.1002/(sici)1097-4571(199806)49:8{}693::aid-asi4{}3.0.co;2-0"
    assert f'href="https://doi.org/{wiley.format("%3C", "%3E")}"' in html
    assert f">{wiley.format('&lt;', '&gt;')}</a>" in html


def test_covidence_lists_give_stage_and_decision(db: Path) -> None:
    files = sorted(str(path) for path in COVIDENCE.iterdir())
    assert review(db, "decide", *files, "--protocol", "sfi-crime", "--reviewer", "team") == 0
    assert {key: value[:2] for key, value in human(db).items()} == {
        (MENTORING, "title_abstract", "team"): ("include", ["I-HUMAN"]),
        (YOUTH, "title_abstract", "team"): ("include", ["I-HUMAN"]),
        (AREA, "title_abstract", "team"): ("exclude", ["E-HUMAN"]),
        (WATCH, "title_abstract", "team"): ("exclude", ["E-HUMAN"]),
        (LIGHT, "title_abstract", "team"): ("exclude", ["E-HUMAN"]),
        (MENTORING, "full_text", "team"): ("include", ["FT-I-ELIGIBLE"]),
        (YOUTH, "full_text", "team"): ("exclude", ["FT-E-NO-COMPARISON"]),
    }


def test_renamed_covidence_file_needs_the_decision_and_stage(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = tmp_path / "full-text includes.csv"
    shutil.copy(next(COVIDENCE.glob("*_included_csv_*")), renamed)
    assert review(db, "decide", str(renamed), "--protocol", "sfi-crime", "--reviewer", "t") == 2
    assert "pass --decision" in capsys.readouterr().err
    assert review(db, "decide", str(renamed), "--protocol", "sfi-crime", "--reviewer", "t",
                  "--decision", "include", "--stage", "full_text") == 0  # fmt: skip
    assert human(db) == {(MENTORING, "full_text", "t"): ("include", ["FT-I-ELIGIBLE"], None)}


def test_dry_run_reports_and_records_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert review(db, "decide", str(RAYYAN), "--protocol", "sfi-crime", "--dry-run") == 0
    assert "9 decision(s);" in capsys.readouterr().err
    assert human(db) == {}


def test_tool_file_without_protocol_is_a_usage_error(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert review(db, "decide", str(RAYYAN)) == 2
    assert "needs --protocol" in capsys.readouterr().err


EXPORTS = [*sorted(TOOLS.glob("asreview/asreview_*")), RAYYAN, *sorted(COVIDENCE.iterdir())]


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_import_refuses_a_screening_export_and_points_to_decide(
    db: Path, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(db, read_only=True) as con:
        before = con.execute("SELECT count(*) FROM records").fetchone()
    assert review(db, "import", str(path)) == 2
    err = capsys.readouterr().err
    assert "screening export" in err and f"review decide {path} --protocol P" in err
    assert "--as-records" in err and len(err.strip().splitlines()) == 1
    with open_store(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM records").fetchone() == before


def test_import_as_records_takes_a_screening_export(db: Path) -> None:
    assert review(db, "import", str(RAYYAN), "--as-records") == 0
    with open_store(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM records WHERE source = 'articles'").fetchone() == (
            7,
        )


@pytest.mark.parametrize("fmt", ["csv", "ris", "bibtex"])
def test_import_still_takes_our_own_exports(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"all.{fmt}"
    assert review(db, "export", "--protocol", "sfi-crime", "--format", fmt, "--out", str(out)) == 0
    assert review(db, "import", str(out)) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "cannot read file"),
        ("broken.csv.gz", b"\x1f\x8bnot gzip", "corrupt gzip data"),
        ("mixed.csv", "key,title\nrayyan-1,Café\n".encode() + b"rayyan-2,\xff\n", "undecodable"),
        ("plain.csv", b"title,year\nT,2001\n", "not an ASReview, Rayyan or Covidence export"),
    ],
)
def test_bad_decision_files_fail_in_one_line_and_record_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
    content: bytes | None, message: str,
) -> None:  # fmt: skip
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert review(db, "decide", str(path), "--protocol", "sfi-crime", "--reviewer", "x") == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert human(db) == {}

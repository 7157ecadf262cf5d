"""``review decide FILE`` reads our decisions CSV as ``review import`` reads a table.

The store: ``tests/fixtures/tools/search.ris`` (constructed records) imported and deduplicated.
The decision files are constructed here, in the shapes Excel saves in a Danish locale (list
separator ``;``): "CSV UTF-8" (BOM, ``;``, CRLF), plain CSV (Windows-1252, ``;``), "Unicode Text"
(UTF-16 with BOM, tabs, ``.txt``), and a ``sep=;`` first line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from review.cli import main
from review.errors import InputFileError
from review.screening.human import read_csv
from review.store import open_store

SEARCH = Path(__file__).resolve().parents[1] / "fixtures" / "tools" / "search.ris"
HEADER = ["work_id", "protocol", "decision", "reason", "reviewer", "stage", "note"]
NOTE = "Søren: ikke relevant; for lille stikprøve"


@pytest.fixture(scope="module")
def deduplicated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("decide_csv") / "template.duckdb"
    assert main(["import", str(SEARCH), "--db", str(db)]) == 0
    assert main(["dedupe", "--db", str(db)]) == 0
    return db


@pytest.fixture
def db(deduplicated: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "evidence.duckdb"
    shutil.copy(deduplicated, copy)
    return copy


def work_ids(db: Path) -> list[str]:
    with open_store(db, read_only=True) as con:
        rows = con.execute("SELECT work_id FROM works ORDER BY work_id").fetchall()
    return [row[0] for row in rows]


def decided(db: Path) -> dict[str, tuple[str, list[str], str, str | None]]:
    with open_store(db, read_only=True) as con:
        rows = con.execute(
            "SELECT work_id, decision, reasons, decided_by, note FROM human_latest"
        ).fetchall()
    return {work: (decision, list(reasons), by, note) for work, decision, reasons, by, note in rows}


def excel_lines(db: Path, separator: str) -> list[str]:
    """Two decisions as Excel writes them: the note with a separator in it is quoted."""
    first, second = work_ids(db)[:2]
    return [
        separator.join(HEADER),
        separator.join([first, "sfi-crime", "exclude", "E-DESIGN", "anna", "", f'"{NOTE}"']),
        separator.join([second, "sfi-crime", "include", "I-HUMAN", "bo", "title_abstract", ""]),
    ]


@pytest.mark.parametrize(
    ("name", "encoding", "separator", "first_line"),
    [
        ("csv-utf8.csv", "utf-8-sig", ";", ""),
        ("windows-1252.csv", "cp1252", ";", ""),
        ("unicode-text.txt", "utf-16", "\t", ""),
        ("sep-line.csv", "utf-8", ";", "sep=;"),
    ],
)
def test_danish_excel_decision_files_are_read_like_review_import_reads_them(
    db: Path, tmp_path: Path, name: str, encoding: str, separator: str, first_line: str
) -> None:
    lines = ([first_line] if first_line else []) + excel_lines(db, separator)
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    assert main(["decide", str(path), "--db", str(db)]) == 0
    first, second = work_ids(db)[:2]
    assert decided(db) == {
        first: ("exclude", ["E-DESIGN"], "anna", NOTE),
        second: ("include", ["I-HUMAN"], "bo", None),
    }


def test_a_header_missing_a_column_names_the_columns_and_the_separator(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rater.csv"
    lines = [line.replace("reviewer", "rater") for line in excel_lines(db, ";")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    assert main(["decide", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"{path}:1: header needs work_id (or source_id), protocol, decision, reason" in err
    assert "'rater'" in err and "(columns separated by ';')" in err
    assert decided(db) == {}


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_row_with_more_cells_than_the_header_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], separator: str
) -> None:
    """An unquoted separator in a note shifts the cells: refused, not guessed at."""
    header = separator.join(HEADER)
    row = separator.join([work_ids(db)[0], "sfi-crime", "exclude", "E-DESIGN", "anna", "",
                          f"ikke relevant{separator} for lille"])  # fmt: skip
    path = tmp_path / "shifted.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert main(["decide", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{path}:2: row has 8 fields, the header has 7 (columns separated by '{separator}'" in (
        err
    )
    assert decided(db) == {}


def test_errors_name_the_line_the_row_starts_on(tmp_path: Path) -> None:
    """A quoted note over two lines: the next row's error names its own line (4)."""
    path = tmp_path / "d.csv"
    path.write_text(
        "work_id,protocol,decision,reason,reviewer,note\n"
        'W1,sfi-crime,exclude,E-DESIGN,anna,"two\nlines"\n'
        "W2,sfi-crime,maybe,E-DESIGN,anna,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match=r"d\.csv:4: decision 'maybe'"):
        read_csv(path, ["sfi-crime"])


def test_the_guard_our_csv_exports_add_is_removed(tmp_path: Path) -> None:
    """A decisions sheet made from our export keeps the ``'`` before ``-``: it is ours, not text."""
    path = tmp_path / "d.csv"
    path.write_text(
        "work_id,protocol,decision,reason,reviewer,note\n"
        "W1,sfi-crime,exclude,E-DESIGN,anna,'-- checked twice\n",
        encoding="utf-8",
    )
    [item] = read_csv(path, ["sfi-crime"])
    assert item.note == "-- checked twice"


def test_a_ris_tool_export_saved_as_txt_is_still_read_as_the_tools(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``.txt`` without a title column is ours, unless it is RIS (ASReview's own file)."""
    ris = SEARCH.parent / "asreview" / "asreview_relevant_not_seen_irrelevant_uncertain.ris"
    path = tmp_path / "asreview.txt"
    shutil.copy(ris, path)
    argv = ["decide", str(path), "--protocol", "sfi-crime", "--reviewer", "carl", "--dry-run"]
    assert main([*argv, "--db", str(db)]) == 0
    assert "(asreview): 5 row(s), 4 decision(s)" in capsys.readouterr().err

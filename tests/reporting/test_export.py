"""Exports in every format carry decisions and read back through our own importers."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.cli import main
from review.importers import read_file
from review.reporting import data
from review.reporting.export import bib_entry, ris_entry, to_bibtex
from review.store import open_store


def works_of(db: Path, decision: str | None = None) -> list[dict]:
    with open_store(db, read_only=True) as con:
        return data.works(con, "sfi-crime", decision)


@pytest.mark.parametrize("fmt,suffix", [("ris", ".ris"), ("csv", ".csv"), ("bibtex", ".bib")])
def test_export_round_trips_through_the_importers(
    seeded_db: Path, tmp_path: Path, fmt: str, suffix: str
) -> None:
    out = tmp_path / f"crime{suffix}"
    code = main(["export", "--db", str(seeded_db), "--protocol", "sfi-crime", "--format", fmt,
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    works = {w["work_id"]: w for w in works_of(seeded_db)}
    records = read_file(out).records
    assert {r.source_id for r in records} == set(works)
    for record in records:
        work = works[record.source_id]
        assert (record.title, record.authors, record.year) == (
            work["title"], work["authors"], work["year"])  # fmt: skip
        assert (record.doi, record.venue, record.pages) == (
            work["doi"],
            work["venue"],
            work["pages"],
        )
        assert record.abstract == work["abstract"]
        assert (record.volume, record.issue) == (work["volume"], work["issue"])


def test_export_carries_decision_reasons_and_terms(seeded_db: Path, tmp_path: Path) -> None:
    for fmt in ("ris", "csv", "bibtex"):
        out = tmp_path / f"included.{fmt}"
        assert main(["export", "--db", str(seeded_db), "--protocol", "sfi-crime", "--decision",
                     "include", "--format", fmt, "--out", str(out)]) == 0  # fmt: skip
        text = out.read_text(encoding="utf-8")
        assert "Community policing in public housing" in text
        assert "Tamoxifen" not in text
        assert "FT-I-ELIGIBLE" in text
        assert "intervention:community policing" in text
        assert "embase:R1" in text and "openalex:W100" in text
    ris = (tmp_path / "included.ris").read_text(encoding="utf-8")
    assert "N1  - review-decision: include" in ris
    assert not ris.startswith("1.")
    header = (tmp_path / "included.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,title,authors") and ",decision,stage,reasons," in header
    assert "review_decision = {include}" in (tmp_path / "included.bibtex").read_text()


def test_export_format_from_extension(seeded_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.bib"
    assert (
        main(["export", "--db", str(seeded_db), "--protocol", "sfi-crime", "--out", str(out)]) == 0
    )
    assert len(read_file(out).records) == 4


def test_awkward_values_stay_valid(tmp_path: Path) -> None:
    work = {"work_id": "w_1", "title": "Braces { unbalanced & 50% #1", "year": 2001,
            "authors": ["Centers for Disease Control and Prevention", "Doe, A."],
            "publication_type": "preprint", "pages": "5-9", "decision": None}  # fmt: skip
    assert bib_entry(work).fields_dict["pubtype"].value == "preprint"
    path = tmp_path / "odd.bib"
    path.write_text(to_bibtex([work]), encoding="utf-8")
    record = read_file(path).records[0]
    assert record.title == "Braces unbalanced & 50% #1"
    assert record.authors == ["Centers for Disease Control and Prevention", "Doe, A."]
    assert record.pages == "5-9"
    entry = ris_entry(work)
    assert entry["type_of_work"] == "preprint" and entry["notes"] == [
        "review-decision: not screened"
    ]


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--protocol", "nope", "--format", "ris"], "unknown protocol 'nope'"),
        (["--protocol", "sfi-crime"], "cannot tell the format"),
    ],
)
def test_export_usage_errors(
    seeded_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    out = tmp_path / "x.txt"
    assert main(["export", "--db", str(seeded_db), *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_export_bad_format_and_decision_are_usage_errors(seeded_db: Path, tmp_path: Path) -> None:
    for extra in (["--format", "xml"], ["--format", "ris", "--decision", "maybe"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["export", "--db", str(seeded_db), "--protocol", "sfi-crime", *extra,
                  "--out", str(tmp_path / "x.ris")])  # fmt: skip
        assert exit_info.value.code == 2

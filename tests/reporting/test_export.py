"""Exports read back with the real readers (rispy, bibtexparser 2, pybtex) and our importers.

Awkward works (constructed): LaTeX specials in every text field, a Wiley SICI DOI, a URL with
``_ ~ %``, an organisation with "and", a reviewer note. The seeded store exercises the command.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import bibtexparser
import pybtex.database
import pytest
import rispy
from bibtexparser import middlewares
from pylatexenc.latex2text import LatexNodes2Text

from review.cli import main
from review.importers import read_file
from review.reporting import data
from review.reporting.export import bib_entry, ris_entry, to_bibtex, to_csv, to_ris
from review.store import open_store

SICI = "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"
ODD = "Costs of 50% & $5 for #1 a_b ~ {braced} back\\slash"
WORKS: list[dict[str, Any]] = [
    {"work_id": "w_awkward", "title": f"Title: {ODD}", "abstract": f"p < 0.05; {ODD}",
     "authors": ["Centers for Disease Control and Prevention", "Doe, A.", "Ørsted, Ø."],
     "year": 2001, "venue": "Journal of A & B", "volume": "49", "issue": "8", "pages": "693-700",
     "doi": SICI, "pmid": "12345", "keywords": ["policing", "50% rule"], "language": "da",
     "publication_type": "review", "decision": "include", "stage": "full_text",
     "reasons": ["FT-I-ELIGIBLE"], "decided_by": "anna", "note": "realisable in DK: 100% & more",
     "matched_terms": ["intervention:community policing@title"], "source_ids": ["embase:R_1"]},
    {"work_id": "w_out", "title": "Tamoxifen adherence", "authors": ["Brown, Ann"], "year": 2012,
     "decision": "exclude", "reasons": ["E-OFF-TOPIC"], "decided_by": "rules"},
    {"work_id": "w_maybe", "title": "Parenting programmes", "authors": [], "year": None,
     "decision": "uncertain", "reasons": ["U-NOABS"], "decided_by": "rules"},
]  # fmt: skip
_LATEX = LatexNodes2Text(math_mode="text")


def works_of(db: Path, decision: str | None = None) -> list[dict]:
    with open_store(db, read_only=True) as con:
        return data.works(con, "sfi-crime", decision)


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


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


@pytest.mark.parametrize(("fmt", "suffix"), [("ris", ".ris"), ("csv", ".csv"), ("bibtex", ".bib")])
def test_awkward_works_lose_no_field_through_review_import(
    tmp_path: Path, fmt: str, suffix: str
) -> None:
    render = {"ris": to_ris, "csv": to_csv, "bibtex": to_bibtex}[fmt]
    result = read_file(written(tmp_path, f"x{suffix}", render(WORKS)))
    records = {r.source_id: r for r in result.records}
    assert set(records) == {w["work_id"] for w in WORKS}
    work, record = WORKS[0], records["w_awkward"]
    for field in ("title", "abstract", "authors", "year", "venue", "volume", "issue", "pages",
                  "doi", "pmid", "keywords", "language", "publication_type"):  # fmt: skip
        assert getattr(record, field) == work[field], field


def test_ris_reads_with_rispy_and_carries_asreview_labels() -> None:
    entries = {e["id"]: e for e in rispy.loads(to_ris(WORKS))}
    awkward = entries["w_awkward"]
    assert awkward["title"] == f"Title: {ODD}" and awkward["doi"] == SICI
    assert awkward["authors"] == WORKS[0]["authors"]
    # ASReview's RIS reader takes the label from the first note naming one.
    assert awkward["notes"][:3] == ["ASReview_relevant", "review-id: w_awkward",
                                    "review-decision: include"]  # fmt: skip
    assert "review-note: realisable in DK: 100% & more" in awkward["notes"]
    assert entries["w_out"]["notes"][0] == "ASReview_irrelevant"
    assert not any("ASReview_" in note for note in entries["w_maybe"]["notes"])


def test_csv_has_asreview_label_column_and_authors_split_cleanly_on_semicolons() -> None:
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(to_csv(WORKS)))}
    assert {key: row["included"] for key, row in rows.items()} == {
        "w_awkward": "1", "w_out": "0", "w_maybe": ""}  # fmt: skip
    # ASReview splits the authors cell on ";" and does not strip (asreview.data.utils).
    assert rows["w_awkward"]["authors"].split(";") == WORKS[0]["authors"]
    assert rows["w_awkward"]["decision"] == "include"


def _decoded(entry_fields: dict[str, Any]) -> dict[str, Any]:
    return {key: field.value for key, field in entry_fields.items()}


def test_bibtex_reads_whole_with_bibtexparser_latex_decoding() -> None:
    library = bibtexparser.parse_string(to_bibtex(WORKS), append_middleware=[
        middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors()])  # fmt: skip
    assert not library.failed_blocks and len(library.entries) == 3
    fields = _decoded(library.entries_dict["w_awkward"].fields_dict)
    assert fields["title"] == f"Title: {ODD}"
    assert fields["abstract"] == f"p < 0.05; {ODD}"
    assert fields["journal"] == "Journal of A & B"
    assert fields["review_note"] == "realisable in DK: 100% & more"
    assert fields["review_reasons"] == "FT-I-ELIGIBLE" and fields["pubtype"] == "review"
    assert fields["doi"] == SICI  # written verbatim, never escaped
    # LatexDecodingMiddleware does not decode lists, so names are split first, then decoded.
    names = bibtexparser.parse_string(to_bibtex(WORKS), append_middleware=[
        middlewares.SeparateCoAuthors()]).entries_dict["w_awkward"]["author"]  # fmt: skip
    assert [_LATEX.latex_to_text(name) for name in names] == WORKS[0]["authors"]


def test_bibtex_escapes_every_field_but_doi_and_url() -> None:
    work = {**WORKS[0], "url": "https://example.org/a_b~c%20d"}
    fields = {f.key: f.value for f in bib_entry(work).fields}
    assert fields["title"] == (
        r"Title: Costs of 50\% \& \$5 for \#1 a\_b \textasciitilde{} \{braced\} "
        r"back\textbackslash{}slash"
    )
    assert fields["doi"] == SICI and "url" not in fields  # works carry no url today
    assert bib_entry({**work, "title": "a } b {"}).fields_dict["title"].value == "a  b "


def test_bibtex_reads_with_pybtex() -> None:
    bib = pybtex.database.parse_string(to_bibtex(WORKS), "bibtex")
    assert set(bib.entries) == {"w_awkward", "w_out", "w_maybe"}
    entry = bib.entries["w_awkward"]
    assert [str(p) for p in entry.persons["author"]] == [
        "{Centers for Disease Control and Prevention}", "Doe, A.", "Ørsted, Ø."]  # fmt: skip
    # pybtex keeps LaTeX as written; the whole field arrived (nothing cut at % or $).
    assert _LATEX.latex_to_text(entry.fields["title"]) == f"Title: {ODD}"
    assert entry.fields["doi"] == SICI
    assert entry.fields["review_note"].endswith(r"100\% \& more")


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
    assert "N1  - ASReview_relevant\nN1  - review-id: " in ris
    assert "N1  - review-decision: include" in ris
    assert not ris.startswith("1.")
    header = (tmp_path / "included.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,title,authors") and ",decision,included,stage,reasons," in header
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
    assert record.pages == "5-9" and record.publication_type == "preprint"
    entry = ris_entry(work)
    assert entry["type_of_work"] == "preprint" and entry["notes"] == [
        "review-id: w_1",
        "review-decision: not screened",
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

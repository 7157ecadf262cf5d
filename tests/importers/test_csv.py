"""CSV/TSV imports: header sets of real exports, messy values, encodings, failures, benchmark."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from review.errors import InputFileError
from review.importers import read_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


@pytest.mark.parametrize(
    ("name", "source_id", "title", "first_author", "doi", "extra"),
    [
        ("scopus.csv", "2-s2.0-85100000001", "Employment subsidies and youth unemployment",
         "Wilson, L.N.", "10.1000/lab.2024.2864", {"pmid": "38580657", "pages": "2864"}),
        ("wos_savedrecs.txt", "WOS:000282053100002", "School-based mental health programmes",
         "Sampson, SD", "10.1000/journal.pone.0012292", {"keywords": ["adolescent", "school"]}),
        ("rayyan.csv", "rayyan-1001", "Cognitive behavioural therapy in prison", "Hansen, K.",
         "10.1000/jor.2021.201", {"url": "https://www.embase.com/search/results?id=L2011111111"}),
        ("covidence.csv", "#1", "Cognitive behavioural therapy in prison", "Hansen, K.",
         "10.1000/jor.2021.201", {"year": 2021, "venue": "Journal of Offender Rehabilitation"}),
    ],
)  # fmt: skip
def test_header_sets_of_real_exports(name, source_id, title, first_author, doi, extra):
    record = read_file(FIXTURES / name).records[0]
    assert (record.source_id, record.title, record.authors[0], record.doi) == (
        source_id, title, first_author, doi,
    )  # fmt: skip
    assert {key: getattr(record, key) for key in extra} == extra


def test_document_types_map_to_publication_type():
    scopus = read_file(FIXTURES / "scopus.csv").records
    assert [r.publication_type for r in scopus] == ["journal-article", "erratum"]
    assert scopus[1].flags == ["erratum"]
    wos = read_file(FIXTURES / "wos_savedrecs.txt").records
    assert [r.publication_type for r in wos] == ["journal-article", "editorial"]


def test_messy_bibtex_named_values():
    result = read_file(FIXTURES / "bibtex_names.csv")
    first, second, third = result.records
    assert first.record_id == "bibtex_names:id_0000001"
    assert first.authors == ["Przyklenk, K.", "Kloner, R. A."]
    assert first.volume == "1"  # exported as "1)"
    assert first.title == "Ischemic preconditioning & the heart"
    assert first.doi == "10.1000/circ.1998.329"  # picked from "S0016... [pii] 10.1000/... [doi]"
    assert second.title is None and second.authors == ["FeldmanG.M."]  # kept raw, not guessed
    assert third.authors == ["Deng, Chaoqun", "Ravichandran, T."]
    assert third.publication_type == "conference-paper"


def test_european_excel_semicolons_windows_1252_and_excel_errors():
    first, second = read_file(FIXTURES / "excel_semicolon_cp1252.csv").records
    assert first.title == "Résumé of a trial – part I"
    assert first.venue == "Acta Æsthetica"
    assert first.authors == ["Müller, J."]
    assert first.volume == "1"
    assert second.authors == []  # "#NAME?"


def test_content_ids_survive_reordering(tmp_path):
    original = read_file(FIXTURES / "excel_semicolon_cp1252.csv").records
    lines = (FIXTURES / "excel_semicolon_cp1252.csv").read_bytes().split(b"\r\n")
    reordered = tmp_path / "excel_semicolon_cp1252.csv"
    reordered.write_bytes(b"\r\n".join([lines[0], lines[2], lines[1], b""]))
    again = read_file(reordered).records
    assert {r.source_id for r in original} == {r.source_id for r in again}
    assert all(r.source_id.startswith("sha1-") for r in again)


def test_identical_rows_without_ids_stay_separate_records(tmp_path):
    path = tmp_path / "dupes.csv"
    path.write_text("title,year\nSame title,2020\nSame title,2020\n", encoding="utf-8")
    ids = [r.source_id for r in read_file(path).records]
    assert len(ids) == 2 and ids[1] == f"{ids[0]}-2"


def test_bom_and_utf16_tab_export(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffid,title\nx1,Å title\n".encode())
    assert read_file(bom).records[0].source_id == "x1"
    utf16 = tmp_path / "excel_unicode.tsv"
    utf16.write_bytes("ID\tTitle\r\nu1\tÜber Prävention\r\n".encode("utf-16"))
    record = read_file(utf16).records[0]
    assert (record.source_id, record.title) == ("u1", "Über Prävention")


def test_round_trip_with_csv_writer(tmp_path):
    rows = [
        {"ID": "r1", "ENTRYTYPE": "article", "author": "Hansen, Kari and Berg, Anna",
         "title": 'A "quoted", multi-line\ntitle', "year": "2021", "journal": "J Crime",
         "volume": "3", "number": "2", "pages": "1-9", "abstract": "Text; with; semicolons",
         "doi": "10.1000/x.1", "keywords": "prison; crime", "language": "Danish"},
        {"ID": "r2", "ENTRYTYPE": "book", "author": "", "title": "Plain", "year": "1999",
         "journal": "", "volume": "", "number": "", "pages": "", "abstract": "", "doi": "",
         "keywords": "", "language": ""},
    ]  # fmt: skip
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    first, second = read_file(path).records
    assert first.model_dump(exclude={"retrieved_at"}) == {
        "source": "export", "source_id": "r1", "doi": "10.1000/x.1", "pmid": None,
        "pmcid": None, "title": 'A "quoted", multi-line title', "abstract":
        "Text; with; semicolons", "authors": ["Hansen, Kari", "Berg, Anna"], "year": 2021,
        "venue": "J Crime", "volume": "3", "issue": "2", "pages": "1-9", "language": "da",
        "publication_type": "journal-article", "keywords": ["prison", "crime"], "flags": [],
        "url": None, "search_id": None,
    }  # fmt: skip
    assert (second.source_id, second.title, second.publication_type) == ("r2", "Plain", "book")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_ragged_row_fails_with_line_and_imports_nothing(tmp_path):
    path = _write(
        tmp_path, "ragged.csv", b'ID,title,year\na,One,2020\nb,Two,2021,extra\nc,"Three",2022\n'
    )
    with pytest.raises(InputFileError, match=r"ragged\.csv:3: row has 4 fields, the header has 3"):
        read_file(path)
    result = read_file(path, skip_bad=True)
    assert [r.source_id for r in result.records] == ["a", "c"]
    assert [(b.line, b.file) for b in result.skipped] == [(3, str(path))]


def test_unclosed_quote_reports_the_row_it_starts_on(tmp_path):
    path = _write(tmp_path, "quote.csv", b'ID,title,year\na,One,2020\nb,"Two,2021\nc,Three,2022\n')
    result = read_file(path, skip_bad=True)
    assert [r.source_id for r in result.records] == ["a"]
    assert result.skipped[0].line == 3


def test_trailing_empty_cells_are_not_ragged(tmp_path):
    path = _write(tmp_path, "excel.csv", b"ID,title\na,One,,\n,,,\n")
    assert [r.source_id for r in read_file(path).records] == ["a"]


def test_missing_title_column_fails_even_with_skip_bad(tmp_path):
    path = _write(tmp_path, "notitle.csv", b"ID,name,year\na,One,2020\n")
    with pytest.raises(InputFileError, match=r"notitle\.csv:1: no title column"):
        read_file(path, skip_bad=True)


def test_undecodable_bytes_fail_with_line_or_are_quarantined(tmp_path):
    data = "ID,title\na,Café\nb,bad \udcff byte\nc,Fine\n".encode("utf-8", "surrogateescape")
    path = _write(tmp_path, "bytes.csv", data)
    with pytest.raises(InputFileError, match=r"bytes\.csv:3: undecodable byte 0xff"):
        read_file(path)
    result = read_file(path, skip_bad=True)
    assert [r.title for r in result.records] == ["Café", "Fine"]
    assert [b.line for b in result.skipped] == [3]


def test_duplicate_own_ids_are_bad_rows(tmp_path):
    path = _write(tmp_path, "dup.csv", b"ID,title\na,One\na,Other\n")
    with pytest.raises(
        InputFileError, match=r"dup\.csv:3: duplicate record id 'a' \(first on line 2\)"
    ):
        read_file(path)


def test_gzipped_csv_reads_like_the_plain_file():
    plain = read_file(FIXTURES / "bibtex_names.csv").records
    packed = read_file(FIXTURES / "bibtex_names_copy.csv.gz").records
    drop = {"retrieved_at", "source"}
    assert [r.model_dump(exclude=drop) for r in packed] == [
        r.model_dump(exclude=drop) for r in plain
    ]


@pytest.mark.shared
def test_stroke_benchmark_imports_every_row(shared):
    path = shared("dedup", "stroke", "records_pre_merged.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    result = read_file(path)
    assert len(result.records) == len(rows) == 1292
    assert result.skipped == []
    assert [r.source_id for r in result.records] == [row["ID"] for row in rows]
    assert result.records[0].source == "records_pre_merged"

"""read_file: format guessing, .gz for every format, source labels; the `review import` command."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from review.cli import main
from review.errors import InputFileError
from review.importers import read_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


@pytest.mark.parametrize(
    ("name", "fmt", "source"),
    [
        ("wos.ris", "ris", "wos"),
        ("wos.ris.gz", "ris", "wos"),
        ("sample.bib", "bibtex", "sample"),
        ("sample.bib.gz", "bibtex", "sample"),
        ("bibtex_names.csv", "csv", "bibtex_names"),
        ("bibtex_names_copy.csv.gz", "csv", "bibtex_names_copy"),
        ("wos_savedrecs.txt", "csv", "wos_savedrecs"),
    ],
)
def test_format_and_source_from_the_file_name(name, fmt, source):
    result = read_file(FIXTURES / name)
    assert (result.format, result.source) == (fmt, source)
    assert result.records and result.skipped == []


def test_gz_reads_the_same_records_as_the_plain_file():
    for plain, packed in (("wos.ris", "wos.ris.gz"), ("sample.bib", "sample.bib.gz")):
        drop = {"retrieved_at"}
        assert [r.model_dump(exclude=drop) for r in read_file(FIXTURES / packed).records] == [
            r.model_dump(exclude=drop) for r in read_file(FIXTURES / plain).records
        ]


def test_txt_is_sniffed_and_explicit_format_and_source_win(tmp_path):
    ris_txt = tmp_path / "endnote_export.txt"
    shutil.copy(FIXTURES / "psycinfo_ovid.ris", ris_txt)
    assert read_file(ris_txt).format == "ris"
    odd = tmp_path / "export.dat"
    shutil.copy(FIXTURES / "sample.bib", odd)
    result = read_file(odd, fmt="bibtex", source="zotero")
    assert (result.format, result.records[0].record_id) == ("bibtex", "zotero:hansen2021")
    unknown = tmp_path / "notes.txt"
    unknown.write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="pass --format"):
        read_file(unknown)


def test_unreadable_inputs_fail_clearly(tmp_path):
    with pytest.raises(InputFileError, match="unknown format 'xml'"):
        read_file(FIXTURES / "wos.ris", fmt="xml")
    with pytest.raises(InputFileError, match="cannot read file"):
        read_file(tmp_path / "missing.csv")
    fake = tmp_path / "fake.csv.gz"
    fake.write_bytes(b"ID,title\n")
    with pytest.raises(InputFileError, match="not a gzip file"):
        read_file(fake)
    truncated = tmp_path / "cut.csv.gz"
    packed = gzip.compress(b"ID,title\n" + b"".join(b"r%d,Title %d\n" % (i, i) for i in range(999)))
    truncated.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(InputFileError, match="corrupt gzip data"):
        read_file(truncated)


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_import_command_stores_records_once_and_records_the_search(tmp_path, capsys):
    db = tmp_path / "evidence.duckdb"
    files = [str(FIXTURES / "scopus.ris"), str(FIXTURES / "sample.bib")]
    assert main(["import", *files, "--db", str(db)]) == 0
    assert "2 records read (ris, source 'scopus'), 2 new" in capsys.readouterr().err
    assert main(["import", *files, "--db", str(db)]) == 0
    assert "0 new, 0 updated, 2 unchanged, 0 skipped" in capsys.readouterr().err
    assert _rows(db, "SELECT count(*) FROM records") == [(5,)]
    assert _rows(db, "SELECT source, fetched FROM searches ORDER BY source") == [
        ("sample", 3), ("scopus", 2),
    ]  # fmt: skip
    assert _rows(db, "SELECT count(*) FROM record_hits") == [(5,)]


def test_import_command_writes_nothing_when_any_file_is_broken(tmp_path, capsys):
    db = tmp_path / "evidence.duckdb"
    broken = tmp_path / "broken.ris"
    broken.write_text("TY  - JOUR\nTI  - x\n", encoding="utf-8")
    assert main(["import", str(FIXTURES / "sample.bib"), str(broken), "--db", str(db)]) == 2
    assert "broken.ris:1: record has no 'ER  -' end tag" in capsys.readouterr().err
    assert not db.exists()


def test_import_command_skip_bad_reports_each_bad_row(tmp_path, capsys):
    db = tmp_path / "evidence.duckdb"
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("ID,title\na,One\nb,Two,extra\nc,Three\n", encoding="utf-8")
    assert main(["import", str(ragged), "--skip-bad", "--source", "mine", "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert f"skipped {ragged}:3: row has 3 fields" in err
    assert "2 records read (csv, source 'mine'), 2 new, 0 updated, 0 unchanged, 1 skipped" in err
    assert _rows(db, "SELECT record_id FROM records ORDER BY 1") == [("mine:a",), ("mine:c",)]

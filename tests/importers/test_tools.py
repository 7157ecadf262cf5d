"""Screening-tool exports: which files are recognised, how votes are read, what bad input says.

Rows written here are constructed, in the tools' layouts (see tests/fixtures/tools/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from review.errors import InputFileError
from review.importers.tools import Vote, read_votes, screening_tool_export
from review.importers.tools.covidence import list_of
from review.reporting.export import to_bibtex, to_csv, to_ris

FIXTURES = Path(__file__).parents[1] / "fixtures"
RAYYAN_HEADER = "key,title,year,authors,notes,doi\n"


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("path", "tool"),
    [
        (FIXTURES / "tools/rayyan/articles.csv", "rayyan"),
        (FIXTURES / "imports/rayyan.csv", "rayyan"),
        (FIXTURES / "imports/covidence.csv", "covidence"),
        (FIXTURES / "tools/asreview/asreview_relevant_not_seen_irrelevant_uncertain.ris",
         "asreview"),
        (FIXTURES / "tools/asreview/asreview_relevant_not_seen_irrelevant_uncertain.xlsx",
         "asreview"),
        *[(FIXTURES / "imports" / name, None) for name in ("scopus.csv", "scopus.ris", "wos.ris",
          "embase.ris", "sample.bib", "wos_savedrecs.txt", "excel_semicolon_cp1252.csv",
          "bibtex_names_copy.csv.gz")],
    ],
    ids=lambda value: value.name if isinstance(value, Path) else str(value),
)  # fmt: skip
def test_screening_tool_export_names_the_tool_or_none(path: Path, tool: str | None) -> None:
    assert screening_tool_export(path) == tool


def test_our_own_exports_are_not_mistaken_for_a_tool_export(tmp_path: Path) -> None:
    works = [{"work_id": "w_1", "title": "T", "authors": ["A, B."], "year": 2001,
              "decision": "include", "reasons": ["I-PICOS"]}]  # fmt: skip
    for name, text in (("x.csv", to_csv(works)), ("x.ris", to_ris(works)),
                       ("x.bib", to_bibtex(works))):  # fmt: skip
        assert screening_tool_export(written(tmp_path, name, text)) is None, name


def test_unreadable_files_are_left_to_the_importer(tmp_path: Path) -> None:
    assert screening_tool_export(tmp_path / "missing.csv") is None
    assert screening_tool_export(written(tmp_path, "x.xlsx", "not a zip")) is None
    assert screening_tool_export(written(tmp_path, "x.csv", "no,title,here\n1,2,3\n")) is None


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("review_412345_select_csv_20261201101500.csv", "select"),
        ("reinfection_review_211650_excluded_csv_20240303130126.csv", "excluded"),
        ("REVIEW_1_IRRELEVANT_RIS_2.ris", "irrelevant"),
        ("review_1_screen_csv_2.csv", "screen"),
        ("my_review_notes.csv", None),
        ("preview_1_included_csv_2.csv", None),
    ],
)
def test_covidence_list_from_the_file_name(name: str, listed: str | None) -> None:
    assert list_of(Path(name)) == listed


def test_rayyan_notes_hash_with_escapes_lists_and_reasons(tmp_path: Path) -> None:
    notes = (r'RAYYAN-INCLUSION: {"Anna \"A.\" Holm"=>"Excluded", "Bo"=>"Maybe"} | '
             r'RAYYAN-EXCLUSION-REASONS: wrong population,foreign language | '
             r'USER-NOTES: {"Anna \"A.\" Holm"=>["first", "second, with comma"]}')  # fmt: skip
    path = written(tmp_path, "articles.csv", RAYYAN_HEADER + "rayyan-1,T,2001,A,\"" +
                   notes.replace('"', '""') + '",10.1000/x\n')  # fmt: skip
    row = read_votes(path).rows[0]
    assert row.votes == [
        Vote("exclude", 'Anna "A." Holm', ("wrong population", "foreign language"),
             "first; second, with comma"),
        Vote("uncertain", "Bo"),
    ]  # fmt: skip
    assert row.own_ids == ["rayyan-1"] and row.fields["doi"] == "10.1000/x"


def test_rayyan_unknown_decision_names_file_and_line(tmp_path: Path) -> None:
    notes = 'RAYYAN-INCLUSION: {""Anna""=>""Undecided""}'
    path = written(tmp_path, "articles.csv", f'{RAYYAN_HEADER}rayyan-1,T,2001,A,"{notes}",\n')
    with pytest.raises(InputFileError, match=r"articles\.csv:2: Rayyan decision 'Undecided'"):
        read_votes(path)


def test_asreview_label_values_and_old_included_column(tmp_path: Path) -> None:
    path = written(tmp_path, "a.csv", ",id,title,decision,asreview_label,asreview_user_name,"
                   "asreview_note\n0,w_1,T1,exclude,1,Anna,ok\n1,w_2,T2,include,0,,\n"
                   "2,w_3,T3,include,,,\n")  # fmt: skip
    rows = read_votes(path, "asreview").rows
    assert [row.votes for row in rows] == [[Vote("include", "Anna", note="ok")],
                                           [Vote("exclude")], []]  # fmt: skip
    old = written(tmp_path, "old.csv", "record_id,title,included,asreview_ranking\n0,T,yes,1\n")
    assert read_votes(old).rows[0].votes == [Vote("include")]


def test_asreview_bad_label_names_file_line_and_column(tmp_path: Path) -> None:
    path = written(tmp_path, "a.csv", "id,title,asreview_label\nw_1,T,2\n")
    with pytest.raises(InputFileError, match=r"a\.csv:2: asreview_label '2' is not 1, 0 or empty"):
        read_votes(path)


def test_asreview_ris_notes_give_label_note_and_reviewer(tmp_path: Path) -> None:
    path = written(tmp_path, "a.ris", "1.\nTY  - JOUR\nN1  - ASReview_irrelevant\n"
                   "N1  - review-decision: include\nN1  - asreview_note: \"not \\u00e5 trial\"\n"
                   "N1  - asreview_user_name: \"Bo\"\nID  - w_9\nTI  - T\nER  - \n")  # fmt: skip
    row = read_votes(path).rows[0]
    assert row.votes == [Vote("exclude", "Bo", note="not å trial")] and row.own_ids == ["w_9"]


def test_covidence_reasons_from_a_column_or_notes(tmp_path: Path) -> None:
    header = "Title,Published Year,Covidence #,Notes,Exclusion reason\n"
    row = 'T,2001,#4,"Exclusion reason: Wrong setting\nchecked twice",Wrong outcomes; Duplicate\n'
    path = written(tmp_path, "review_9_excluded_csv_1.csv", header + row)
    assert read_votes(path).rows[0].votes == [Vote(
        "exclude", None, ("Wrong outcomes", "Duplicate", "Wrong setting"), "checked twice",
        "full_text")]  # fmt: skip
    waiting = written(tmp_path, "review_9_screen_csv_1.csv", header + "T,2001,#4,,\n")
    assert read_votes(waiting).rows[0].votes == []


def test_a_file_no_tool_wrote_says_what_was_looked_for(tmp_path: Path) -> None:
    path = written(tmp_path, "plain.csv", "title,year\nT,2001\n")
    with pytest.raises(InputFileError, match="not an ASReview, Rayyan or Covidence export"):
        read_votes(path)
    with pytest.raises(InputFileError, match=r"corrupt\.xlsx: not a readable \.xlsx"):
        read_votes(written(tmp_path, "corrupt.xlsx", "PK not really"))

"""RIS imports: Embase, Ovid PsycINFO, Scopus and Web of Science flavours; failures; round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rispy
from hypothesis import given, settings
from hypothesis import strategies as st

from review.errors import InputFileError
from review.importers import read_file
from review.normalize import strip_markup

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


@pytest.mark.parametrize(
    ("name", "ids", "types", "first"),
    [
        ("embase.ris", ["L2011111111", "L2022222222"], ["journal-article", "erratum"],
         {"pmid": "33445566", "venue": "Journal of Offender Rehabilitation", "pages": "201-209",
          "title": "Cognitive behavioural therapy in prison & after release: a randomised trial",
          "authors": ["Hansen, K.", "Dos Santos, H.B."]}),
        ("psycinfo_ovid.ris", ["2021-12345-001", "2019-55555-004"],
         ["journal-article", "book-chapter"],
         {"doi": "10.1000/psy.2021.7", "year": 2021, "authors": ["Keefer, Amy", "Vasa, Roma A"],
          "keywords": ["*Parenting", "Conduct Disorder"]}),
        ("scopus.ris", ["2-s2.0-85100000001", "2-s2.0-85100000002"],
         ["journal-article", "conference-paper"],
         {"pmid": "38580657", "pages": "2864", "venue": "Labour Economics"}),
        ("wos.ris", ["WOS:000282053100002", "WOS:000387978600002"],
         ["journal-article", "journal-article"],
         {"year": 2010, "venue": "PLOS ONE", "pages": "e12292",
          "authors": ["Sampson, SD", "Loewen, MA"]}),
    ],
)  # fmt: skip
def test_flavours(name, ids, types, first):
    result = read_file(FIXTURES / name)
    assert result.format == "ris" and result.skipped == []
    assert [r.source_id for r in result.records] == ids
    assert [r.publication_type for r in result.records] == types
    record = result.records[0]
    assert {key: getattr(record, key) for key in first} == first


def test_continuation_lines_join_the_field():
    record = read_file(FIXTURES / "wos.ris").records[0]
    assert record.abstract == (
        "Background: Schools are a setting for prevention. Methods: We randomised 40 schools. "
        "Conclusions: Effects were small."
    )


def _ris(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "broken.ris"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = "TY  - JOUR\nTI  - Good one\nER  - \n"


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        (f"TY  - JOUR\nTI  - No end\n\n{GOOD}", 1, "no 'ER  -' end tag before line 4"),
        (f"{GOOD}TY  - JOUR\nTI  - Truncated\n", 4, "no 'ER  -' end tag (file ends at line 5)"),
        (f"{GOOD}<html>proxy error</html>\n{GOOD}", 4, "text outside a record"),
        (f"TY  - JOUR\nTI - One space only\nER  - \n{GOOD}", 2, "malformed tag line"),
        (f"TY  - JOUR\nti  - lower case\nER  - \n{GOOD}", 2, "malformed tag line"),
    ],
)
def test_broken_files_fail_with_line_or_are_quarantined(tmp_path, body, line, problem):
    path = _ris(tmp_path, body)
    with pytest.raises(InputFileError, match=rf"broken\.ris:{line}: .*{re.escape(problem)}"):
        read_file(path)
    result = read_file(path, skip_bad=True)
    assert [r.title for r in result.records] == ["Good one"] * body.count("Good one")
    assert [(b.line, problem in b.problem) for b in result.skipped] == [(line, True)]


def test_ovid_record_numbers_and_blank_lines_are_not_garbage(tmp_path):
    path = _ris(tmp_path, f"\n1. \n{GOOD}\n\n2.\n{GOOD.replace('Good one', 'Second')}")
    assert [r.title for r in read_file(path).records] == ["Good one", "Second"]


def test_round_trip_with_rispy_writer(tmp_path):
    entries = [
        {"type_of_reference": "JOUR", "id": "r1", "title": "Mentoring and recidivism",
         "authors": ["Hansen, Kari", "Berg, A."], "year": "2020", "secondary_title": "J Crime",
         "volume": "4", "number": "2", "start_page": "10", "end_page": "19",
         "doi": "10.1000/x.2", "abstract": "An abstract.", "keywords": ["prison", "youth"],
         "language": "Swedish", "urls": ["https://example.org/r1"]},
        {"type_of_reference": "THES", "id": "r2", "title": "A thesis", "year": "2015"},
    ]  # fmt: skip
    path = tmp_path / "out.ris"
    path.write_text(rispy.dumps(entries), encoding="utf-8")
    first, second = read_file(path).records
    assert first.model_dump(exclude={"retrieved_at"}) == {
        "source": "out", "source_id": "r1", "doi": "10.1000/x.2", "pmid": None, "pmcid": None,
        "title": "Mentoring and recidivism", "abstract": "An abstract.",
        "authors": ["Hansen, Kari", "Berg, A."], "year": 2020, "venue": "J Crime",
        "volume": "4", "issue": "2", "pages": "10-19", "language": "sv",
        "publication_type": "journal-article", "keywords": ["prison", "youth"], "flags": [],
        "url": "https://example.org/r1", "search_id": None,
    }  # fmt: skip
    assert (second.source_id, second.publication_type, second.year) == ("r2", "thesis", 2015)


# Titles as exports hold them: any printable text on one line, including RIS-looking text.
_TITLES = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    min_size=1,
    max_size=80,
).filter(lambda text: text.strip() and strip_markup(text))


@settings(max_examples=150, deadline=None)
@given(titles=st.lists(_TITLES, min_size=1, max_size=4))
def test_any_titles_survive_writer_then_reader(tmp_path_factory, titles):
    entries = [
        {"type_of_reference": "JOUR", "id": f"t{i}", "title": title}
        for i, title in enumerate(titles)
    ]
    path = tmp_path_factory.mktemp("ris") / "titles.ris"
    path.write_text(rispy.dumps(entries), encoding="utf-8")
    records = read_file(path).records
    assert [r.title for r in records] == [strip_markup(title) for title in titles]

"""BibTeX imports: fields, names, LaTeX, entry keys as ids, broken entries, round trip."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.model import Entry, Field

from review.errors import InputFileError
from review.importers import read_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def test_sample_entries():
    result = read_file(FIXTURES / "sample.bib")
    assert result.format == "bibtex" and result.skipped == []
    article, paper, thesis = result.records
    assert article.record_id == "sample:hansen2021"
    assert article.authors == ["Hansen, Kari", "Müller, J.", "World Health Organization"]
    assert article.title == "Cognitive behavioural therapy in prison: a Randomised trial"
    assert (article.doi, article.pages, article.language) == (
        "10.1000/jor.2021.201",
        "201-209",
        "en",
    )
    assert article.keywords == ["recidivism", "prison"]
    assert (paper.publication_type, paper.venue) == (
        "conference-paper", "Proceedings of the Nordic Prevention Conference",
    )  # fmt: skip
    assert paper.authors == ["Olsen, Per", "Przyklenk, K."]
    assert (thesis.publication_type, thesis.venue) == ("thesis", "University of Oslo")


def _bib(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "broken.bib"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = "@article{good,\n  title = {Good one},\n  year = {2020}\n}\n"


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        (f"@article{{bad,\n  title = {{Unbalanced {{brace}},\n  year = 2021\n}}\n{GOOD}", 1,
         "cannot parse this entry"),
        (f"{GOOD}@article{{good,\n  title = {{Same key}}\n}}\n", 5, "duplicate entry key 'good'"),
    ],
)  # fmt: skip
def test_broken_entries_fail_with_line_or_are_quarantined(tmp_path, body, line, problem):
    path = _bib(tmp_path, body)
    with pytest.raises(InputFileError, match=rf"broken\.bib:{line}: {problem}"):
        read_file(path)
    result = read_file(path, skip_bad=True)
    assert [r.title for r in result.records] == ["Good one"]
    assert [b.line for b in result.skipped] == [line]


def test_text_between_entries_is_a_comment(tmp_path):
    path = _bib(tmp_path, f"Exported 2024-01-01 by a tool\n{GOOD}")
    assert [r.source_id for r in read_file(path).records] == ["good"]


def test_round_trip_with_bibtexparser_writer(tmp_path):
    library = bibtexparser.Library()
    fields = {
        "title": "Mentoring & recidivism", "author": "Hansen, Kari and Berg, Anna",
        "journal": "J Crime", "year": "2020", "volume": "4", "number": "2", "pages": "10--19",
        "doi": "10.1000/x.3", "abstract": "Short abstract.", "keywords": "prison, youth",
    }  # fmt: skip
    library.add(Entry("article", "hansen2020", [Field(k, v) for k, v in fields.items()]))
    library.add(Entry("techreport", "rep1", [Field("title", "A report"), Field("year", "2011")]))
    path = tmp_path / "written.bib"
    path.write_text(bibtexparser.write_string(library), encoding="utf-8")
    first, second = read_file(path).records
    assert first.model_dump(exclude={"retrieved_at"}) == {
        "source": "written", "source_id": "hansen2020", "doi": "10.1000/x.3", "pmid": None,
        "pmcid": None, "title": "Mentoring & recidivism", "abstract": "Short abstract.",
        "authors": ["Hansen, Kari", "Berg, Anna"], "year": 2020, "venue": "J Crime",
        "volume": "4", "issue": "2", "pages": "10-19", "language": None,
        "publication_type": "journal-article", "keywords": ["prison", "youth"], "flags": [],
        "url": None, "search_id": None,
    }  # fmt: skip
    assert (second.source_id, second.publication_type) == ("rep1", "report")

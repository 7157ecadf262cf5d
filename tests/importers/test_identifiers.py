"""Identifiers survive import whole: Wiley SICI DOIs with ``<`` and ``>``, URL-encoded DOIs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from review.importers import read_file
from review.importers.fields import pick_doi
from review.normalize import doi_url, normalize_doi

SICI = "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"
SICI_NO_PAGE = "10.1002/1097-4679(200101)57:1<::aid-jclp1>3.0.co;2-y"


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        (SICI.upper().replace("10.1002/(SICI", "10.1002/(SICI"), SICI),
        (f"https://doi.org/{SICI}", SICI),
        ("https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0", SICI),
        (f"S0016-5085(05)01234-5 [pii] {SICI} [doi]", SICI),
        (SICI_NO_PAGE, SICI_NO_PAGE),
        ('<a href="https://doi.org/10.1000/abc">10.1000/abc</a>', "10.1000/abc"),
        ("10.1000/x<sup>2</sup>", "10.1000/x"),
    ],
)
def test_pick_doi_keeps_angle_bracket_groups_but_not_tags(text: str, doi: str) -> None:
    assert normalize_doi(pick_doi(text)) == doi


def test_sici_doi_survives_ris_csv_and_bibtex_import(tmp_path: Path) -> None:
    upper = SICI.upper().replace("10.1002/(SICI", "10.1002/(SICI")
    files = {
        "w.ris": f"TY  - JOUR\nID  - A1\nTI  - Relevance\nDO  - {upper}\nER  - \n",
        "w.csv": f'ID,Title,DOI\nA1,Relevance,"{upper}"\n',
        "w.bib": f"@article{{A1, title = {{Relevance}}, doi = {{{upper}}}}}\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert read_file(tmp_path / name).records[0].doi == SICI, name


def test_doi_url_encodes_the_whole_doi() -> None:
    assert doi_url(SICI) == (
        "https://doi.org/10.1002/(sici)1097-4571(199806)49:8%3C693::aid-asi4%3E3.0.co;2-0"
    )
    assert doi_url("10.1000/a#b?c d%") == "https://doi.org/10.1000/a%23b%3Fc%20d%25"


@given(st.text(min_size=1))
def test_doi_url_decodes_back_to_the_doi_and_has_no_unsafe_characters(suffix: str) -> None:
    doi = f"10.1000/{suffix}"
    url = doi_url(doi)
    assert unquote(url.removeprefix("https://doi.org/")) == doi
    assert not set(url) & set('<>"#? \n\t')

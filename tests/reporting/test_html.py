"""The HTML report: one offline page with counts, diagram, included studies and searches."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from review.cli import main
from review.reporting import data
from review.reporting.prisma_boxes import LABELS
from review.store import open_store


class Assets(HTMLParser):
    """Collects every attribute that would make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "srcset", "data", "poster") or (tag == "link" and name == "href"):
                self.fetches.append(f"{tag} {name}={value}")
            if tag == "a" and name == "href" and value:
                self.links.append(value)


@pytest.fixture(scope="module")
def page(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("html") / "crime.html"
    assert (
        main(["report", "--db", str(seeded_db), "--protocol", "sfi-crime", "--out", str(out)]) == 0
    )
    return out.read_text(encoding="utf-8")


def test_report_lists_included_studies_with_reasons_and_terms(page: str) -> None:
    included = page.split("<h2>Studies included in review (1)</h2>")[1].split("<h2>")[0]
    assert "Community policing in public housing: a randomized trial" in included
    assert "Smith, Jane; Olsen, Per" in included and "2015" in included
    assert 'href="https://doi.org/10.1000/policing.2015"' in included
    assert "FT-I-ELIGIBLE" in included and "intervention:community policing" in included
    assert "Tamoxifen" not in included


def test_report_has_counts_diagram_queue_reasons_and_searches(page: str) -> None:
    assert page.count("<svg") == 1 and "Studies included in review" in page
    assert "Awaiting a reviewer (title/abstract or full text) (1)" in page and "U-CONFLICT" in page
    assert "E-OFF-TOPIC" in page and "FT-E-NO-COMPARISON" in page
    searches = page.split("<h2>Searches (3)</h2>")[1]
    assert "title_and_abstract.search:(policing AND housing)" in searches
    assert "import embase.ris" in searches and "import rayyan.csv" in searches
    assert re.search(r"<td class=\"n\">3</td><td class=\"n\">2</td>", searches)  # reported, fetched


def _report(db: Path, folder: Path) -> str:
    out = folder / "flow.html"
    assert main(["report", "--db", str(db), "--protocol", "sfi-crime", "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def _counts_table(page: str) -> dict[str, list[str]]:
    section = page.split("<h2>Counts (PRISMA 2020)</h2>")[1].split("<h2>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", section)[1:]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]
    return {row[0].strip(): row[1:] for row in cells}


def test_report_and_diagram_use_the_same_numbers_and_words(flow_db: Path, tmp_path: Path) -> None:
    page = _report(flow_db, tmp_path)
    with open_store(flow_db, read_only=True) as con:
        c = data.prisma(con, "sfi-crime")
    table = _counts_table(page)
    for measure, label in LABELS.items():
        row = table[label[:1].upper() + label[1:]]
        if measure in data.INCLUDED:
            assert row[-1] == str(c.n(measure, None))
        else:
            assert row == [str(c.n(measure, data.DATABASES)), str(c.n(measure, data.OTHER)),
                           str(c.total(measure))]  # fmt: skip
    assert table["by humans"][0] == "1" and table["by automation tools"][0] == "1"
    # A title/abstract include is a report sought for retrieval, not an included study.
    included = page.split("<h2>Studies included in review (2)</h2>")[1].split("<h2>")[0]
    assert "Reports of included studies: 3." in included
    assert included.count("<td>companion</td>") == 1 and included.count("<td>study</td>") == 2
    assert "Mentoring young residents" not in included
    heading = "<h2>Awaiting retrieval: included on title/abstract, no full-text decision (1)</h2>"
    assert "Mentoring young residents" in page.split(heading)[1].split("<h2>")[0]
    reasons = page.split("<h2>Exclusion reasons</h2>")[1].split("<h2>")[0]
    assert "FT-E-OUTCOME" in reasons and "FT-E-NO-FULLTEXT" not in reasons
    searches = page.split("<h2>Searches (")[1]
    assert "import school.ris" not in searches  # scoped to sfi-school
    assert "<td>citation-searching</td><td>this protocol</td>" in searches
    assert "<td>database</td><td>every protocol</td>" in searches  # embase, rayyan


def test_report_is_offline(page: str) -> None:
    parser = Assets()
    parser.feed(page)
    assert parser.fetches == []
    assert all(link.startswith("https://doi.org/") for link in parser.links)
    assert "@import" not in page and "url(http" not in page.replace("url(#arrow)", "")
    external = re.findall(r"https?://[^\s\"'<>]+", page)
    assert {u for u in external if not u.startswith("https://doi.org/")} == {
        "http://www.w3.org/2000/svg"}  # fmt: skip


def test_report_errors(seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["report", "--db", str(seeded_db), "--protocol"]
    assert main([*base, "sfi-crime", "--out", str(tmp_path / "r.pdf")]) == 2
    assert "must end in .html" in capsys.readouterr().err
    assert main([*base, "nope", "--out", str(tmp_path / "r.html")]) == 2
    assert "unknown protocol" in capsys.readouterr().err
    (tmp_path / "dir.html").mkdir()
    assert main([*base, "sfi-crime", "--out", str(tmp_path / "dir.html")]) == 2
    assert "is a folder" in capsys.readouterr().err

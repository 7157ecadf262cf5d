"""The PRISMA 2020 diagram: the template's boxes and arrows, numbers equal to the query's rows."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from review import store
from review.cli import main
from review.errors import UsageError
from review.reporting import data, prisma
from review.reporting.data import DATABASES, OTHER
from review.reporting.prisma_boxes import boxes
from review.store import open_store

SVG = "{http://www.w3.org/2000/svg}"
N = re.compile(r"\(n\u00a0=\u00a0(\d+)\)")
# The PRISMA 2020 template for new reviews (databases, registers and other sources).
TEMPLATE_BOXES = {
    "Records identified from*:", "Records identified from:", "Records removed before screening:",
    "Records screened", "Records excluded**", "Reports sought for retrieval",
    "Reports not retrieved", "Reports assessed for eligibility", "Reports excluded:",
    "Studies included in review", "Reports of included studies",
}  # fmt: skip
# Every box of sfi-crime in the flow seed (tests/reporting/reporting_seed.py), by hand.
EXPECTED = {
    (DATABASES, "records identified", None): 13, (DATABASES, "duplicates removed", None): 2,
    (DATABASES, "marked ineligible by automation tools", None): 1,  # the Japanese record
    (DATABASES, "removed for other reasons", None): 1,  # the retracted one
    (DATABASES, "awaiting screening", None): 1,  # imported after screening
    (DATABASES, "records screened", None): 8, (DATABASES, "records excluded", None): 2,
    (DATABASES, "records excluded", "by automation tools"): 1,  # tamoxifen
    (DATABASES, "records excluded", "by humans"): 1,  # street lighting, E-HUMAN
    (DATABASES, "awaiting a reviewer", None): 1,  # the conflict
    (DATABASES, "reports sought for retrieval", None): 5,
    (DATABASES, "awaiting retrieval", None): 1,  # mentoring: a reviewer's include, no full text
    (DATABASES, "reports not retrieved", None): 1,  # CCTV: FT-E-NO-FULLTEXT
    (DATABASES, "reports assessed for eligibility", None): 3,
    (DATABASES, "reports excluded", None): 1, (DATABASES, "reports excluded",
                                                "FT-E-NO-COMPARISON"): 1,
    (OTHER, "records identified", None): 3, (OTHER, "duplicates removed", None): 1,
    (OTHER, "records screened", None): 2, (OTHER, "reports sought for retrieval", None): 2,
    (OTHER, "reports assessed for eligibility", None): 2, (OTHER, "reports excluded", None): 1,
    (None, "studies included in review", None): 2,  # policing trial, neighbourhood watch
    (None, "reports of included studies", None): 3,  # + the policing follow-up (companion)
}  # fmt: skip


def counts(db: Path, protocol: str = "sfi-crime") -> data.Prisma:
    with open_store(db, read_only=True) as con:
        return data.prisma(con, protocol)


def query_rows(db: Path, protocol: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """``review query prisma`` as a researcher runs it."""
    capsys.readouterr()
    argv = ["query", "prisma", "--db", str(db), "--format", "json", "--param",
            f"protocol={protocol}"]  # fmt: skip
    assert main(argv) == 0
    return list(json.loads(capsys.readouterr().out))


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def test_flow_counts_box_by_box(flow_db: Path) -> None:
    c = counts(flow_db)
    for (via, measure, detail), n in EXPECTED.items():
        assert c.n(measure, via, detail) == n, (via, measure, detail)
    assert c.lines("reports excluded", OTHER) == {"FT-E-OUTCOME": 1}
    assert c.lines("records identified from", OTHER) == {"citation-searching": 3}


@pytest.mark.parametrize("protocol", ["sfi-crime", "sfi-school", "sfi-labour", "sfi-wellbeing"])
def test_every_record_is_accounted_for_once(flow_db: Path, protocol: str) -> None:
    c = counts(flow_db, protocol)
    for via in c.vias:

        def n(m: str, v: str | None = via) -> int:
            return c.n(m, v)

        removed = ("duplicates removed", "marked ineligible by automation tools",
                   "removed for other reasons", "awaiting screening")  # fmt: skip
        assert n("records identified") == sum(map(n, removed)) + n("records screened")
        assert n("records screened") == (
            n("records excluded") + n("awaiting a reviewer") + n("reports sought for retrieval")
        )
        assert n("reports sought for retrieval") == (
            n("awaiting retrieval") + n("reports not retrieved")
            + n("reports assessed for eligibility"))  # fmt: skip
        assert n("records excluded") == sum(c.lines("records excluded", via).values())
        assert n("records excluded") == sum(c.lines("records excluded by reason", via).values())
        assert n("reports excluded") == sum(c.lines("reports excluded", via).values())
        assert n("records identified") == sum(c.lines("records identified", via).values())
    assessed = c.total("reports assessed for eligibility")
    assert assessed == (c.total("reports excluded") + c.total("awaiting a decision")
                        + c.n("reports of included studies", None))  # fmt: skip


def test_a_report_not_retrieved_is_not_assessed_or_excluded(flow_db: Path) -> None:
    c = counts(flow_db)
    assert c.n("reports not retrieved") == 1
    assert "FT-E-NO-FULLTEXT" not in c.lines("reports excluded")
    not_assessed = c.n("reports not retrieved") + c.n("awaiting retrieval")
    assert c.n("reports sought for retrieval") - not_assessed == c.n(
        "reports assessed for eligibility"
    )


def test_the_diagram_draws_exactly_the_query_rows(
    flow_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queried = Counter(
        (r["via"], r["measure"], r["detail"], r["n"]) for r in query_rows(flow_db, "sfi-crime",
                                                                           capsys))  # fmt: skip
    drawn = Counter(line.row for box in boxes(counts(flow_db)) for line in box.lines if line.row)
    assert drawn == queried
    out = tmp_path / "flow.svg"
    assert main(["prisma", "--db", str(flow_db), "--protocol", "sfi-crime", "--out", str(out)]) == 0
    numbers = [int(n) for text in svg_texts(out) for n in N.findall(text)]
    assert sorted(numbers) == sorted(n for *_, n in queried.elements())


def test_the_boxes_are_the_templates(flow_db: Path, seeded_db: Path, tmp_path: Path) -> None:
    headings = {line.text for box in boxes(counts(flow_db)) for line in box.lines
                if line.style == "h"}  # fmt: skip
    assert headings == TEMPLATE_BOXES
    out = tmp_path / "flow.svg"
    assert main(["prisma", "--db", str(flow_db), "--protocol", "sfi-crime", "--out", str(out)]) == 0
    texts = svg_texts(out)
    for label in ("Identification", "Screening", "Included",
                  "Identification of studies via databases and registers",
                  "Identification of studies via other methods"):  # fmt: skip
        assert label in texts
    one = tmp_path / "one.svg"
    argv = ["prisma", "--db", str(seeded_db), "--protocol", "sfi-crime", "--out", str(one)]
    assert main(argv) == 0
    assert "Identification of studies via other methods" not in svg_texts(one)
    assert "Records identified from:" not in svg_texts(one)  # the other-methods box


def _arrows(svg: str) -> list[list[tuple[int, int]]]:
    paths = re.findall(r'<path d="([^"]+)" class="a"', svg)
    return [[(int(x), int(y)) for x, y in re.findall(r"[ML](\d+),(\d+)", d)] for d in paths]


def test_arrows_follow_the_template(flow_db: Path) -> None:
    c = counts(flow_db)
    arrows = _arrows(prisma.to_svg(c))
    assert len(arrows) == 16  # per column: 4 to the right, 3 down, 1 into the included box
    right = [a for a in arrows if len(a) == 2 and a[0][1] == a[1][1]]
    down = [a for a in arrows if len(a) == 2 and a[0][0] == a[1][0]]
    elbow = [a for a in arrows if len(a) == 3]
    assert (len(right), len(down), len(elbow)) == (8, 7, 1)
    included_right_edge = prisma.LEFT + prisma.W
    (_, _), (x_mid, y_mid), (x_end, y_end) = elbow[0]
    assert y_mid == y_end and x_end == included_right_edge + 2 and x_mid > x_end


def test_png_is_the_svg_rasterised(flow_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "flow.png"
    assert main(["prisma", "--db", str(flow_db), "--protocol", "sfi-crime", "--out", str(out)]) == 0
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    svg = prisma.to_svg(counts(flow_db))
    svg_w, svg_h = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', svg).groups())  # type: ignore[union-attr]
    assert (width, height) == (2 * svg_w, 2 * svg_h)
    assert prisma.font_found()  # text was drawn, not left out


def test_png_without_a_font_is_refused(flow_db: Path) -> None:
    with pytest.raises(UsageError, match="no font to draw the text"):
        prisma.rasterise(prisma.to_svg(counts(flow_db)), system_fonts=False)


@pytest.mark.parametrize(
    "protocol,out,message",
    [
        ("nope", "flow.svg", "unknown protocol 'nope'"),
        ("sfi-crime", "flow.pdf", "must end in .svg or .png"),
        ("sfi-crime", "missing/flow.svg", "does not exist"),
    ],
)
def test_prisma_usage_errors(
    seeded_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    protocol: str,
    out: str,
    message: str,
) -> None:
    argv = ["prisma", "--db", str(seeded_db), "--protocol", protocol, "--out", str(tmp_path / out)]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_no_data_yet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.duckdb"
    with open_store(db):
        pass
    for command, name in (("prisma", "f.svg"), ("report", "r.html"), ("export", "e.ris")):
        argv = [command, "--db", str(db), "--protocol", "sfi-crime", "--out", str(tmp_path / name)]
        assert main(argv) == 2
        assert "no records for protocol 'sfi-crime' yet" in capsys.readouterr().err
    assert main(["prisma", "--db", str(tmp_path / "none.duckdb"), "--protocol", "sfi-crime",
                 "--out", str(tmp_path / "f.svg")]) == 2  # fmt: skip
    assert "no database here yet" in capsys.readouterr().err


def test_an_old_database_keeps_its_unscoped_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "v3.duckdb"
    three = [m for m in store.migrations() if m[0] <= 3]
    monkeypatch.setattr(store, "migrations", lambda: three)
    with open_store(db) as con:  # a database as version 3 wrote it, with one import
        con.execute("INSERT INTO searches (search_id, source, query_label, query_text, "
                    "started_at, status) VALUES ('import-old', 'embase', 'import', 'import x', "
                    "now(), 'completed')")  # fmt: skip
        con.execute("INSERT INTO record_hits VALUES ('import-old', 'embase:1')")
        con.execute("INSERT INTO records (record_id, source, source_id, title, retrieved_at, "
                    "first_seen_at, content_hash) VALUES ('embase:1', 'embase', '1', 'A', "
                    "now(), now(), 'h')")  # fmt: skip
    monkeypatch.undo()
    with open_store(db) as con:  # upgraded by migration 004
        assert con.execute("SELECT method, protocol FROM searches").fetchall() == [
            ("database", None)]  # fmt: skip
        for protocol in ("sfi-crime", "sfi-school"):
            assert data.prisma(con, protocol).n("records identified") == 1


def test_prisma_example_in_docs_is_what_the_code_draws(flow_db: Path, tmp_path: Path) -> None:
    from prisma_example import EXAMPLE, write_example

    svg, png = write_example(flow_db, tmp_path / "example")
    committed = EXAMPLE.with_suffix(".svg")
    assert committed.exists() and EXAMPLE.with_suffix(".png").exists()
    assert committed.read_text() == svg.read_text(), (
        "docs/prisma-example.svg is out of date: .venv/bin/python tests/reporting/prisma_example.py"
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

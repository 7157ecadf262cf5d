"""The PRISMA diagram: valid SVG with the counts of the seeded store; its errors."""

from __future__ import annotations

import builtins
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from review.cli import main
from review.reporting import data
from review.reporting.prisma import boxes
from review.store import open_store

SVG = "{http://www.w3.org/2000/svg}"


def texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def box_numbers(lines: list[str]) -> dict[str, str]:
    """Heading -> the ``n = ...`` line that follows it."""
    return {
        lines[i]: lines[i + 1] for i in range(len(lines) - 1) if lines[i + 1].startswith("n = ")
    }


def test_prisma_counts_of_the_seeded_store(seeded_db: Path) -> None:
    with open_store(seeded_db, read_only=True) as con:
        counts = data.prisma(con, "sfi-crime")
    assert counts.by_source == {"embase": 2, "openalex": 2, "rayyan": 2}
    assert (counts.identified, counts.duplicates, counts.to_screen) == (6, 2, 4)
    assert counts.stages["title_abstract"] == {
        "include": 2, "uncertain": 1, "exclude": 1, "conflicts": 1}  # fmt: skip
    assert counts.stages["full_text"] == {"include": 1, "exclude": 1}
    assert counts.reasons == {"title_abstract": {"E-OFF-TOPIC": 1},
                              "full_text": {"FT-E-NO-COMPARISON": 1}}  # fmt: skip


def test_svg_is_valid_xml_with_the_right_numbers(seeded_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "flow.svg"
    assert (
        main(["prisma", "--db", str(seeded_db), "--protocol", "sfi-crime", "--out", str(out)]) == 0
    )
    lines = texts(out)
    numbers = box_numbers(lines)
    assert numbers == {
        "Records identified": "n = 6", "Duplicate records removed": "n = 2",
        "Records screened (title/abstract)": "n = 4", "Records excluded": "n = 1",
        "Reports sought for full text": "n = 2", "Awaiting a reviewer (uncertain)": "n = 1",
        "Reports assessed (full text)": "n = 2", "Reports excluded": "n = 1",
        "Studies included in review": "n = 1",
    }  # fmt: skip
    for line in ("embase: 2", "openalex: 2", "rayyan: 2", "E-OFF-TOPIC: 1",
                 "FT-E-NO-COMPARISON: 1", "reviewers disagree: 1"):  # fmt: skip
        assert line in lines
    assert "http" not in out.read_text().replace("http://www.w3.org/2000/svg", "")


def test_many_reasons_are_folded(seeded_db: Path) -> None:
    with open_store(seeded_db, read_only=True) as con:
        counts = data.prisma(con, "sfi-crime")
    counts.reasons["title_abstract"] = {f"E-{i}": i for i in range(1, 12)}
    excluded = next(b for b in boxes(counts) if b.heading == "Records excluded")
    assert excluded.details[0] == "E-11: 11" and excluded.details[-1] == "other reasons: 6"


def test_png_without_cairosvg_asks_for_svg(
    seeded_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_cairo(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "cairosvg":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cairo)
    out = tmp_path / "flow.png"
    assert (
        main(["prisma", "--db", str(seeded_db), "--protocol", "sfi-crime", "--out", str(out)]) == 2
    )
    err = capsys.readouterr().err
    assert ".svg" in err and "cairosvg" in err and not out.exists()


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

"""``review import --protocol`` / ``--method``: an import's scope and how it identified records."""

from __future__ import annotations

from pathlib import Path

import pytest
from reporting_seed import FLOW_FILES

from review.cli import main
from review.reporting import data
from review.store import open_store


@pytest.fixture
def ris() -> Path:
    return FLOW_FILES / "psycinfo.ris"


def _searches(db: Path) -> list[tuple[str, str | None, str]]:
    with open_store(db, read_only=True) as con:
        return con.execute(
            "SELECT source, protocol, method FROM searches ORDER BY protocol NULLS FIRST"
        ).fetchall()


def test_one_import_for_two_protocols_counts_for_each_and_once(ris: Path, tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    argv = ["import", str(ris), "--db", str(db), "--protocol", "sfi-crime",
            "--protocol", "sfi-school", "--protocol", "sfi-crime"]  # fmt: skip
    assert main(argv) == 0
    assert main(argv) == 0  # the same file again changes nothing
    assert _searches(db) == [("psycinfo", "sfi-crime", "database"),
                             ("psycinfo", "sfi-school", "database")]  # fmt: skip
    with open_store(db, read_only=True) as con:
        assert data.prisma(con, "sfi-crime").n("records identified") == 5
        assert data.prisma(con, "sfi-school").n("records identified") == 5
        assert data.prisma(con, "sfi-labour").n("records identified") == 0


def test_an_import_without_protocol_counts_for_every_protocol(
    ris: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "e.duckdb"
    assert main(["import", str(ris), "--db", str(db), "--method", "citation-searching"]) == 0
    assert "counts for every protocol (scope: --protocol)" in capsys.readouterr().err
    assert _searches(db) == [("psycinfo", None, "citation-searching")]
    with open_store(db, read_only=True) as con:
        for protocol in ("sfi-crime", "sfi-labour"):
            counts = data.prisma(con, protocol)
            assert counts.vias == [data.OTHER] and counts.n("records identified", data.OTHER) == 5


def test_an_unknown_protocol_or_method_is_refused_before_anything_is_written(
    ris: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "e.duckdb"
    assert main(["import", str(ris), "--db", str(db), "--protocol", "sfi-crme"]) == 2
    err = capsys.readouterr().err
    assert "unknown protocol 'sfi-crme'" in err and "sfi-crime" in err
    assert not db.exists()
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(ris), "--db", str(db), "--method", "hand-search"])
    assert exit_info.value.code == 2 and "citation-searching" in capsys.readouterr().err
    assert not db.exists()

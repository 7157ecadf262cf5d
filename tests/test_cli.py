"""CLI: every bad input gives one clear line, exit code 2, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from review import store
from review.cli import COMMANDS, build_parser, main


def _fails(args: list[str], capsys: pytest.CaptureFixture[str], expected: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_malformed_protocol(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('name = "broken"\ntitle = \n')
    _fails(["run", "--protocol", str(bad), "--db", str(tmp_path / "e.duckdb")], capsys,
           "broken.toml: not valid TOML")  # fmt: skip
    assert not (tmp_path / "e.duckdb").exists()


def test_unknown_protocol_and_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "e.duckdb"
    _fails(
        ["run", "--protocol", "sfi-nope", "--db", str(db)], capsys, "unknown protocol 'sfi-nope'"
    )
    _fails(["run", "--source", "scopus", "--db", str(db)], capsys, "unknown source(s) ['scopus']")
    assert not db.exists()


def test_unwritable_database_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    _fails(["run", "--db", str(blocker / "e.duckdb")], capsys, "cannot create the database folder")


def test_newer_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "e.duckdb"
    with store.open_store(db) as con:
        con.execute("INSERT INTO schema_version VALUES (999, '999_future.sql', now())")
    _fails(["run", "--db", str(db)], capsys, "newer than this review")
    _fails(["query", "prisma", "--db", str(db)], capsys, "newer")


def test_bad_date_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "--since", "last-week"])
    assert info.value.code == 2


def test_query_unknown_and_params(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "e.duckdb"
    store.connect(db).close()
    _fails(["query", "no-such-query", "--db", str(db)], capsys, "unknown query 'no-such-query'")
    _fails(["query", "prisma", "--param", "novalue", "--db", str(db)], capsys, "--param needs K=V")
    assert main(["query", "prisma", "--format", "csv", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("protocol,via,stage,measure,detail,n")


def test_query_on_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails(["query", "prisma", "--db", str(tmp_path / "none.duckdb")], capsys, "no database here")


def test_every_design_command_is_registered() -> None:
    parser = build_parser()
    names = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    expected = {"run", "import", "dedupe", "screen", "query", "export", "prisma", "decide",
                "report", "serve", "protocols", "explain"}  # fmt: skip
    assert expected == names and len(COMMANDS) == len(expected)


def test_protocols_command_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["protocols"]) == 0
    assert "sfi-crime" in capsys.readouterr().out


def test_dry_run_prints_queries_without_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from review.commands import run as run_command

    args = build_parser().parse_args(["run", "--dry-run", "--protocol", "sfi-crime"])
    params = run_command.parameters(args)
    assert params.dry_run and params.protocol_names() == ["sfi-crime"]


@pytest.mark.parametrize(
    "command",
    [["dedupe"], ["screen", "--protocol", "sfi-crime"], ["decide", "--conflicts"],
     ["export", "--protocol", "sfi-crime", "--out", "x.csv"]],
)  # fmt: skip
def test_a_mistyped_db_is_an_error_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "evidnce.duckdb"
    if command[0] == "export":
        command = [*command[:-1], str(tmp_path / "x.csv")]
    _fails([*command, "--db", str(missing)], capsys, "no database here")
    assert not missing.exists() and not list(tmp_path.iterdir())


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``review query ... | head -1``: the reader stops early; no BrokenPipeError."""
    import subprocess
    import sys

    db, many = tmp_path / "e.duckdb", tmp_path / "many.sql"
    store.connect(db).close()
    many.write_text("SELECT range AS n FROM range(200000)\n")  # far more than a pipe holds
    review = str(Path(sys.executable).parent / "review")
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    writer = subprocess.run(
        [review, "query", str(many), "--format", "csv", "--db", str(db)],
        stdout=reader.stdin, stderr=subprocess.PIPE, text=True, timeout=120,
    )  # fmt: skip
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(10)
    assert writer.returncode == 0, writer.stderr
    assert "BrokenPipe" not in writer.stderr and "Exception ignored" not in writer.stderr


def test_run_help_lists_the_protocols(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "sfi-crime, sfi-labour, sfi-school, sfi-wellbeing" in out


def test_dry_run_prints_the_query_plan_without_prefect_or_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "none.duckdb"
    args = ["run", "--dry-run", "--protocol", "sfi-crime", "--max-queries", "3", "--db", str(db)]
    assert main(args) == 0
    out = capsys.readouterr().out
    table, _, queries = out.partition("\n\n")
    assert table.splitlines()[0].split()[:4] == ["protocol", "source", "queries", "requests"]
    from review.protocol import load_protocol
    from review.sources.plan import plan

    planned = plan(load_protocol("sfi-crime"), "crossref").planned
    crossref = next(line for line in table.splitlines() if " crossref " in line)
    assert crossref.split()[2:5] == ["3", "of", str(planned)]
    sent = [line.split("\t") for line in queries.strip().splitlines()]
    assert sum(1 for row in sent if row[1] == "crossref") == 3
    assert not db.exists()

"""Completeness: every ``queries/*.sql`` documents itself and runs against a seeded database.

Each query's header comment names the question, its parameters and its columns. The
parameters it documents are exactly the ones it reads (``getvariable``), each shown with the
DuckDB CLI's ``SET VARIABLE``; the columns it returns are exactly the ones the header lists.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reporting.reporting_seed import seed
from review.queries import available_queries, parameters, queries_dir, query_text, run_query
from review.store import open_store

REQUIRED = {"prisma", "included", "decisions", "duplicates", "exclusion_reasons",
            "source_overlap", "new_since_last_run"}  # fmt: skip
# Values for every parameter any query reads, so filtered branches run too.
PARAMS = {"protocol": "sfi-crime", "decision": "include", "since": "2000-01-01"}
_COLUMN_NAME = re.compile(r"^\s*([a-z_][a-z0-9_]*)")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed(tmp_path_factory.mktemp("queries"))


def header(sql: str) -> str:
    """The leading comment block of a query, without the ``--`` markers."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return "\n".join(lines)


def documented_columns(sql: str) -> list[str]:
    """Column names listed after ``-- Columns:`` and its indented continuation lines.

    Words in parentheses are explanations, not columns.
    """
    lines = sql.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("-- Columns:"))
    block = [lines[first].removeprefix("-- Columns:")]
    block += [
        line[2:] for line in itertools.takewhile(lambda x: x.startswith("--  "), lines[first + 1 :])
    ]
    text = re.sub(r"\([^()]*\)", "", " ".join(block))
    text = re.sub(r"\([^()]*\)", "", text)  # one level of nesting
    names = [_COLUMN_NAME.match(part) for part in text.split(",")]
    return [match.group(1) for match in names if match]


def documented_parameters(sql: str) -> list[str]:
    """Names in the header's ``-- Parameters`` block: each ``name — meaning`` (``none``: [])."""
    lines = header(sql).splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Parameters"))
    block = [lines[first], *itertools.takewhile(lambda x: not re.match(r"^[A-Z]\w*:", x),
                                                 lines[first + 1 :])]  # fmt: skip
    return sorted(set(re.findall(r"(\w+) — ", " ".join(block))))


def test_required_queries_exist() -> None:
    assert not REQUIRED - set(available_queries())


@pytest.mark.parametrize("name", available_queries())
def test_query_header_documents_question_parameters_columns(name: str) -> None:
    sql = query_text(name)
    text = header(sql)
    assert text, f"{name}.sql has no header comment"
    assert "\n-- Columns:" in sql, f"{name}.sql has no '-- Columns:' line"
    assert "\n-- Parameters" in sql, f"{name}.sql has no '-- Parameters' line ('none' if none)"


@pytest.mark.parametrize("name", available_queries())
def test_query_documents_exactly_the_parameters_it_reads(name: str) -> None:
    sql = query_text(name)
    assert documented_parameters(sql) == parameters(sql)
    for param in parameters(sql):
        assert re.search(rf"SET VARIABLE {param} = '[^']*';", header(sql)), (
            f"{name}.sql does not show how to set '{param}' in the DuckDB CLI"
        )


@pytest.mark.parametrize("name", available_queries())
@pytest.mark.parametrize("with_params", [False, True], ids=["no-params", "params"])
def test_query_runs_and_returns_documented_columns(name: str, with_params: bool, db: Path) -> None:
    sql = query_text(name)
    variables = {k: v for k, v in PARAMS.items() if k in parameters(sql)} if with_params else {}
    with open_store(db, read_only=True) as con:
        columns, _rows = run_query(con, name, variables)
    assert columns == documented_columns(sql)


@pytest.mark.parametrize("name", [n for n in available_queries() if parameters(query_text(n))])
def test_the_documented_duckdb_cli_lines_filter_the_query(name: str, db: Path) -> None:
    """The header's ``SET VARIABLE`` lines, then ``.read``, in the DuckDB CLI from PyPI."""
    cli = shutil.which("duckdb", path=os.path.dirname(sys.executable)) or shutil.which("duckdb")
    if cli is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("duckdb-cli is a dev dependency and must be installed in CI")
        pytest.skip("duckdb-cli not installed (pip install duckdb-cli)")
    sets = re.findall(r"SET VARIABLE \w+ = '[^']*';", header(query_text(name)))
    path = queries_dir() / f"{name}.sql"
    argv = [cli, "-readonly", "-json", str(db), *(x for s in sets for x in ("-c", s)),
            "-c", f".read {path}"]  # fmt: skip
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    assert not out.stderr
    found = json.loads(out.stdout) if out.stdout.strip() else []
    assert found, f"{name}: no rows through the DuckDB CLI"
    if "protocol" in parameters(query_text(name)):  # filtered as documented
        assert {row["protocol"] for row in found} <= {"sfi-crime", None}


def test_every_parameter_has_a_test_value() -> None:
    read = {p for name in available_queries() for p in parameters(query_text(name))}
    assert read <= set(PARAMS)


def test_queries_dir_is_the_project_folder() -> None:
    assert (queries_dir() / "prisma.sql").exists()

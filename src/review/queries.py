"""Researcher queries: ``queries/<name>.sql`` run with optional variables, read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from review import settings
from review.errors import UsageError


def queries_dir() -> Path:
    """``REVIEW_QUERIES_DIR`` or the project's ``queries/`` folder."""
    return settings.queries_dir() or Path(__file__).resolve().parents[2] / "queries"


def available_queries() -> list[str]:
    """Names of the packaged queries, sorted."""
    return sorted(path.stem for path in queries_dir().glob("*.sql"))


def query_text(name_or_file: str) -> str:
    """The SQL of a query given by name (``prisma``) or path (``my.sql``)."""
    path = Path(name_or_file)
    if path.suffix != ".sql" or not path.exists():
        path = queries_dir() / f"{name_or_file.removesuffix('.sql')}.sql"
    if not path.exists():
        known = ", ".join(available_queries())
        raise UsageError(f"unknown query '{name_or_file}' (known: {known}; or a path to .sql)")
    return path.read_text(encoding="utf-8")


def run_query(
    con: duckdb.DuckDBPyConnection, name_or_file: str, variables: dict[str, Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a query with ``SET VARIABLE`` for each parameter; return column names and rows.

    Queries read parameters with ``getvariable('name')`` so each runs with none given too.
    """
    sql = query_text(name_or_file)
    for key, value in (variables or {}).items():
        if not key.isidentifier():
            raise UsageError(f"parameter name '{key}' is not a valid identifier")
        con.execute(f"SET VARIABLE {key} = ?", [value])
    try:
        cursor = con.execute(sql)
    except duckdb.Error as exc:
        raise UsageError(f"query '{name_or_file}' failed: {exc}") from None
    columns = [d[0] for d in cursor.description or []]
    return columns, cursor.fetchall()

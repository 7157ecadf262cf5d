"""Researcher queries: ``queries/<name>.sql`` run with optional variables, read-only.

A query reads its parameters with ``getvariable('name')``, so it runs in the DuckDB CLI after
``SET VARIABLE name = 'value';`` and here with ``--param name=value``. Those calls are the
one list of the parameters a query takes: any other name is refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from review import settings
from review.errors import UsageError
from review.store import migrations

_GETVARIABLE = re.compile(r"getvariable\(\s*'(\w+)'\s*\)", re.IGNORECASE)


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


def parameters(sql: str) -> list[str]:
    """The parameters a query takes: the names of its ``getvariable('...')`` calls, sorted."""
    return sorted(set(_GETVARIABLE.findall(sql)))


def check_parameters(name_or_file: str, sql: str, given: dict[str, Any]) -> None:
    """Refuse a parameter the query does not read (a typo would silently drop a filter)."""
    takes = parameters(sql)
    unknown = sorted(set(given) - set(takes))
    if unknown:
        names = ", ".join(f"'{key}'" for key in unknown)
        accepted = ", ".join(takes) if takes else "none"
        raise UsageError(f"query '{name_or_file}' has no parameter {names} (it takes: {accepted})")


def _check_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a database older than the queries: a read-only connection is never migrated."""
    newest = migrations()[-1][0]
    try:
        row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    except duckdb.CatalogException:
        row = None
    current = int(row[0]) if row and row[0] is not None else 0
    if current < newest:
        raise UsageError(
            f"the database has schema version {current}, older than this review's ({newest}); "
            "open it once for writing (for example `review dedupe`) to upgrade it"
        )


def run_query(
    con: duckdb.DuckDBPyConnection, name_or_file: str, variables: dict[str, Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a query with ``SET VARIABLE`` for each parameter; return column names and rows.

    Unknown parameter names are refused before anything runs; the variables are reset
    afterwards, so they never leak into the next query on the connection.
    """
    sql = query_text(name_or_file)
    given = variables or {}
    check_parameters(name_or_file, sql, given)
    _check_schema(con)
    try:
        for key, value in given.items():
            con.execute(f"SET VARIABLE {key} = ?", [value])
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
    except duckdb.Error as exc:
        raise UsageError(f"query '{name_or_file}' failed: {exc}") from None
    finally:
        for key in given:
            con.execute(f"RESET VARIABLE {key}")

"""The DuckDB evidence store: connection, versioned migrations, bulk writes through Arrow.

Files are created with ``storage_compatibility_version='v1.5.0'`` so the DuckDB CLI that
researchers install from PyPI (``duckdb-cli`` 1.5.x) can open them. DuckDB allows one writer
process or many readers, never both: a locked file raises ``DatabaseLocked`` after waiting.
Writes are delete-then-insert in one transaction (never ``executemany``, ~200 rows/s).
Every write goes through ``writing(db)``: the writers of one file in this process take turns,
and a file another process holds is waited for (``REVIEW_DB_WAIT``).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from review import settings
from review.errors import DatabaseLocked, SchemaTooNew, StoreError

if TYPE_CHECKING:  # Arrow and pydantic load only where records are written (~0.25 s less for
    import pyarrow as pa  # `review query` and the other read-only commands)

    from review.record import Record

STORAGE_COMPATIBILITY = "v1.5.0"
log = logging.getLogger(__name__)
_MIGRATION = re.compile(r"^(\d{3})_[\w-]+\.sql$")

RECORD_COLUMNS = (
    "record_id", "source", "source_id", "doi", "pmid", "pmcid", "title", "abstract", "authors",
    "year", "venue", "volume", "issue", "pages", "language", "publication_type", "keywords",
    "flags", "url", "search_id", "retrieved_at",
)  # fmt: skip
_LIST_COLUMNS = {"authors", "keywords", "flags"}
_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_GUARD = threading.Lock()


def sql_text(name: str) -> str:
    """The text of ``review/sql/<name>.sql``."""
    return resources.files("review").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every packaged migration, in order."""
    folder = resources.files("review").joinpath("sql", "migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def one(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> tuple | None:
    """The first row of a query, with the result fully drained.

    DuckDB 2.0 keeps a partly fetched result open (``fetchone``), which then blocks
    ``register`` and ``con.sql`` on the same connection; draining avoids that trap.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def dict_rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every row of an executed query as a dict keyed by column name (the result is drained)."""
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = one(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    )
    if not exists or not exists[0]:
        return 0
    row = one(con, "SELECT max(version) FROM schema_version")
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection, path: Path | str = "") -> int:
    """Apply every migration newer than the file's version; refuse a file from a newer schema."""
    known = migrations()
    newest = known[-1][0] if known else 0
    current = _schema_version(con)
    if current > newest:
        raise SchemaTooNew(
            f"{path}: database schema version {current} is newer than this review's "
            f"({newest}); upgrade review (pip install -U) or use another --db"
        )
    for version, name, text in known:
        if version <= current:
            continue
        con.execute("BEGIN")
        try:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
            )
            con.execute(text)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"{path}: migration {name} failed: {exc}") from None
    return newest


def _connect_once(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if str(path) == ":memory:":
        return duckdb.connect(":memory:")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database folder: {exc}") from None
    elif not path.exists():
        raise StoreError(f"{path}: no database here yet; run `review run` or `review import`")
    config: dict[str, str | bool | int | float | list[str]] = {}
    if not read_only:
        config["storage_compatibility_version"] = STORAGE_COMPATIBILITY
    return duckdb.connect(str(path), read_only=read_only, config=config)


def _log_waiting(target: Path, error: str, wait_seconds: float) -> None:
    holder = re.search(r"\(PID \d+\)", error)
    log.warning(
        "%s is open in another process %s (a researcher's connection?); waiting up to %.0f s. "
        "Researchers should open the read-only snapshot %s instead of the live file.",
        target, holder.group(0) if holder else "", wait_seconds, snapshot_path(target),
    )  # fmt: skip


def connect(
    path: Path | str | None = None, *, read_only: bool = False, wait_seconds: float = 0.0
) -> duckdb.DuckDBPyConnection:
    """Open (and migrate) the store; wait up to ``wait_seconds`` while another process holds it."""
    target = Path(path) if path else settings.db_path()
    deadline, warned = time.monotonic() + wait_seconds, False
    while True:
        try:
            con = _connect_once(target, read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"{target}: cannot open the database: {exc}") from None
            if not warned and wait_seconds > 0:
                warned = True
                _log_waiting(target, str(exc), wait_seconds)
            if time.monotonic() >= deadline:
                raise DatabaseLocked(
                    f"{target}: the database is in use by another process (a running job, or "
                    "a researcher's open connection); close it, or query the researchers' "
                    f"snapshot with --db {snapshot_path(target)}"
                ) from None
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        except duckdb.Error as exc:
            raise StoreError(f"{target}: cannot open the database: {exc}") from None
    if not read_only:
        try:
            migrate(con, target)
        except Exception:
            con.close()
            raise
    elif _schema_version(con) > (migrations()[-1][0] if migrations() else 0):
        con.close()
        raise SchemaTooNew(f"{target}: database schema is newer than this review; upgrade it")
    return con


@contextmanager
def open_store(
    path: Path | str | None = None, *, read_only: bool = False, wait_seconds: float = 0.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with open_store(db) as con:`` a migrated connection, closed afterwards."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()


def _writer_lock(db: Path) -> threading.Lock:
    key = str(db.resolve())
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(key, threading.Lock())


@contextmanager
def writing(
    db: Path | str | None = None, *, create: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with writing(db) as con:`` a connection for one write, closed afterwards.

    Threads of this process that write the same file take turns (DuckDB allows one writing
    connection per file); another process's hold is waited out for ``REVIEW_DB_WAIT`` seconds,
    then ``DatabaseLocked`` is raised. With ``create=False`` a missing file is an error (a
    mistyped ``--db`` must not leave an empty database behind).
    """
    path = Path(db) if db else settings.db_path()
    if not create and str(path) != ":memory:" and not path.exists():
        raise StoreError(
            f"{path}: no database here; check --db, or create it with `review run` or "
            "`review import`"
        )
    with _writer_lock(path), open_store(path, wait_seconds=settings.db_wait_seconds()) as con:
        yield con


def records_table(records: Sequence[Record]) -> pa.Table:
    """The records as an Arrow table with the ``records`` staging columns (no Python rows)."""
    import pyarrow as pa

    # Reading the instance dicts directly is ~3x faster than getattr per field.
    rows = [record.__dict__ for record in records]
    columns = {name: [row[name] for row in rows] for name in RECORD_COLUMNS[1:]}
    columns["record_id"] = [f"{row['source']}:{row['source_id']}" for row in rows]
    types = {name: pa.list_(pa.string()) for name in _LIST_COLUMNS}
    types.update({"year": pa.int32(), "retrieved_at": pa.timestamp("us", tz="UTC")})
    schema = pa.schema([(name, types.get(name, pa.string())) for name in RECORD_COLUMNS])
    return pa.table({name: columns[name] for name in RECORD_COLUMNS}, schema=schema)


@dataclass(frozen=True)
class UpsertResult:
    """How many incoming records were new, changed, or identical to what was stored."""

    inserted: int
    updated: int
    unchanged: int


def latest_per_record(table: pa.Table) -> pa.Table:
    """One row per record_id: a batch may hold a record twice (two pages); the last one wins."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = table.column("record_id")
    if pc.count_distinct(ids).as_py() == len(ids):
        return table
    indexed = table.append_column("_row", pa.array(range(table.num_rows), pa.int64()))
    last = indexed.group_by("record_id").aggregate([("_row", "max")]).column("_row_max")
    return table.take(pc.take(last, pc.sort_indices(last)))


def upsert_records(
    con: duckdb.DuckDBPyConnection, records: Sequence[Record], *, own_transaction: bool = True
) -> UpsertResult:
    """Insert new records and replace changed ones; identical records are left untouched.

    A changed record keeps its ``work_id`` and ``first_seen_at``. Everything happens in one
    transaction, so a failure writes nothing.
    """
    if not records:
        return UpsertResult(0, 0, 0)
    return upsert_table(con, records_table(records), own_transaction=own_transaction)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK on any exception (including KeyboardInterrupt)."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def upsert_table(
    con: duckdb.DuckDBPyConnection, incoming: pa.Table, *, own_transaction: bool = True
) -> UpsertResult:
    """``upsert_records`` for an Arrow table with the staging columns.

    Pass ``own_transaction=False`` to make it part of the caller's transaction.
    """
    # Read by DuckDB's replacement scan in the SQL below: register() refuses to run while the
    # caller still holds a partly fetched result on this connection.
    _incoming = latest_per_record(incoming)
    if own_transaction:
        con.execute("BEGIN")
    try:
        con.execute(sql_text("upsert_records_changed"))
        counts = one(con, "SELECT count(*) FILTER (WHERE old_seen IS NULL), count(*) FROM _changed")
        con.execute("DELETE FROM records WHERE record_id IN (SELECT record_id FROM _changed)")
        con.execute(sql_text("upsert_records_insert"))
        if own_transaction:
            con.execute("COMMIT")
    except BaseException:
        if own_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS _changed")
    inserted, changed = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    return UpsertResult(inserted, changed - inserted, _incoming.num_rows - changed)


def add_hits(con: duckdb.DuckDBPyConnection, search_id: str, record_ids: Sequence[str]) -> None:
    """Remember that ``search_id`` found these records (idempotent)."""
    import pyarrow as pa

    if not record_ids:
        return
    _hits = pa.table({"search_id": [search_id] * len(record_ids), "record_id": list(record_ids)})
    con.execute("INSERT OR IGNORE INTO record_hits SELECT DISTINCT search_id, record_id FROM _hits")


def add_found(
    con: duckdb.DuckDBPyConnection, search_id: str, records: Sequence[Record]
) -> UpsertResult:
    """Store the records one search (or import) found, inside the caller's transaction.

    Each record remembers the search that last delivered it, and ``record_hits`` every search
    that found it (PRISMA counts per source come from there).
    """
    for record in records:
        record.search_id = search_id
    result = upsert_records(con, records, own_transaction=False)
    add_hits(con, search_id, [record.record_id for record in records])
    return result


def snapshot_path(db: Path | str) -> Path:
    """Where researchers find the read-only copy: ``<db stem>-snapshot.duckdb`` beside it."""
    path = Path(db)
    return path.with_name(f"{path.stem}-snapshot.duckdb")


def publish_snapshot(db: Path | str) -> Path:
    """Copy the database into a fresh snapshot file and swap it in atomically.

    Researchers who have the old snapshot open keep reading it; new connections see the new one.
    """
    target = snapshot_path(db)
    staging = target.with_name(target.name + ".tmp")
    staging.unlink(missing_ok=True)
    with writing(db) as con:
        name = one(con, "SELECT current_database()")
        con.execute(
            f"ATTACH '{staging}' AS review_snapshot (STORAGE_VERSION '{STORAGE_COMPATIBILITY}')"
        )
        try:
            con.execute(f'COPY FROM DATABASE "{name[0] if name else "main"}" TO review_snapshot')
        finally:
            con.execute("DETACH review_snapshot")
    os.replace(staging, target)
    return target

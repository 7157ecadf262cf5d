"""What every importer shares: results, bad rows, reading bytes (gzip, BOMs, encodings), stable ids.

Parsers turn a file's text into ``Fields`` (plain dicts with the canonical keys of
``review.importers.fields``); ``Collector`` turns those into Records, quarantines bad ones and,
unless ``skip_bad`` is set, turns the first bad one into an ``InputFileError`` that names the
file, the line and the problem.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from review.errors import InputFileError
from review.record import Record

# A well-formed UTF-8 multi-byte sequence: if a file has one, it is UTF-8 (corrupt if it fails).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Bytes that could not be decoded survive as lone surrogates (errors="surrogateescape").
SURROGATE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class BadRow:
    """One record that could not be imported: which file, which line, what is wrong."""

    file: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.problem}"


@dataclass
class ImportResult:
    """The records read from one file, the rows quarantined (``--skip-bad``) and the format."""

    path: str
    format: str
    source: str
    records: list[Record] = field(default_factory=list)
    skipped: list[BadRow] = field(default_factory=list)


class RowError(ValueError):
    """Raised by a parser for one bad record; carries the line it starts on."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


@dataclass
class Text:
    """A decoded file: its text, the encoding used, and whether undecodable bytes remain."""

    text: str
    encoding: str
    dirty: bool = False


def read_bytes(path: Path) -> bytes:
    """Read a file, decompressing it when it is gzip (by magic number, not only by name)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(f"{path}: cannot read file: {error.strerror or error}") from error
    if data[:2] != b"\x1f\x8b":
        if path.suffix.lower() == ".gz":
            raise InputFileError(f"{path}:1: not a gzip file (no gzip header)")
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise InputFileError(f"{path}: corrupt gzip data: {error}") from error


def decode(data: bytes, path: Path, *, skip_bad: bool) -> Text:
    """Decode by BOM, else UTF-8, else Windows-1252 when the file holds no UTF-8 at all.

    A file with real UTF-8 sequences and a broken byte is corrupt UTF-8, not Windows-1252
    (decoding it as 1252 would garble every accent). It fails naming the line, or with
    ``skip_bad`` keeps the bad bytes as surrogates so the parser can quarantine those records.
    """
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return Text(data.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                return _undecodable(data, path, error, encoding, skip_bad=skip_bad)
    try:
        return Text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(data):
            return _undecodable(data, path, error, "utf-8", skip_bad=skip_bad)
        try:
            return Text(data.decode("cp1252"), "cp1252")
        except UnicodeDecodeError as error1252:
            return _undecodable(data, path, error1252, "utf-8", skip_bad=skip_bad)


def _undecodable(
    data: bytes, path: Path, error: UnicodeDecodeError, encoding: str, *, skip_bad: bool
) -> Text:
    """Fail on the line of the first bad byte, or decode keeping bad bytes as surrogates."""
    if not skip_bad:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex()
        raise InputFileError(
            f"{path}:{line}: undecodable byte 0x{byte} (file is neither valid UTF-8 nor "
            "Windows-1252); re-export as UTF-8, or use --skip-bad to import the other records"
        )
    if encoding == "utf-16":
        return Text(data.decode("utf-16", errors="replace"), encoding, dirty=True)
    return Text(data.decode("utf-8-sig", errors="surrogateescape"), encoding, dirty=True)


def content_id(fields: dict[str, Any]) -> str:
    """A stable id from a record's content, for files that give records no id of their own.

    Hashes the bibliographic fields (case and whitespace folded), never the row number, so the
    same record keeps its id when the file is re-exported or re-sorted.
    """
    parts = []
    for key in ("title", "authors", "year", "venue", "volume", "issue", "pages", "doi", "abstract"):
        value = fields.get(key)
        if isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        parts.append(" ".join(str(value or "").casefold().split()))
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"sha1-{digest[:16]}"


class Collector:
    """Builds Records from parsed fields, deduplicating ids and quarantining bad records."""

    def __init__(self, path: Path, source: str, fmt: str, *, skip_bad: bool) -> None:
        self.result = ImportResult(path=str(path), format=fmt, source=source)
        self.skip_bad = skip_bad
        self._seen: dict[str, int] = {}
        self._copies: dict[str, int] = {}

    def bad(self, line: int, problem: str) -> None:
        """Record one bad record: fatal without ``skip_bad``, else quarantined and reported."""
        row = BadRow(self.result.path, line, problem)
        if not self.skip_bad:
            raise InputFileError(f"{row} (use --skip-bad to import the other records)")
        self.result.skipped.append(row)

    def add(self, fields: dict[str, Any], line: int) -> None:
        """Turn one record's fields into a Record; a duplicate own id or invalid value is bad."""
        own_id = fields.pop("id", None)
        source_id = own_id or content_id(fields)
        if source_id in self._seen:
            if own_id:
                first = self._seen[source_id]
                self.bad(line, f"duplicate record id {own_id!r} (first on line {first})")
                return
            # Identical content without an id: an exported duplicate, kept as its own record.
            self._copies[source_id] = self._copies.get(source_id, 1) + 1
            source_id = f"{source_id}-{self._copies[source_id]}"
        try:
            record = Record(source=self.result.source, source_id=source_id, **fields)
        except ValidationError as error:
            problem = "; ".join(
                f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}" for item in error.errors()
            )
            self.bad(line, f"invalid record: {problem}")
            return
        self._seen[source_id] = line
        self.result.records.append(record)

"""File imports: RIS, BibTeX and CSV/TSV exports (each optionally gzipped) -> Records.

``read_file`` is the one entry point: it reads and decodes the file, picks the parser from
``fmt`` or the file name (sniffing the content of ``.txt`` files), and returns an
``ImportResult``. A broken record raises ``InputFileError`` naming file, line and problem, and
nothing is returned; with ``skip_bad=True`` bad records are listed in ``skipped`` instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from review.errors import InputFileError
from review.importers import bibtex, ris, table
from review.importers.base import BadRow, Collector, ImportResult, Text, decode, read_bytes

__all__ = ["FORMATS", "BadRow", "ImportResult", "guess_format", "read_file"]

FORMATS = ("ris", "bibtex", "csv")
_EXTENSIONS = {
    ".ris": "ris",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
}
_ALIASES = {"ris": "ris", "bibtex": "bibtex", "bib": "bibtex", "csv": "csv", "tsv": "tsv"}
_RIS_LINE = re.compile(r"^(?:\d+\.\s*\n)?\s*TY  -", re.MULTILINE)
_PARSERS: dict[str, Callable[[Text, Collector], None]] = {
    "ris": ris.parse,
    "bibtex": bibtex.parse,
    "csv": table.parse,
    "tsv": lambda text, collector: table.parse(text, collector, tab=True),
}


def read_file(
    path: str | Path, *, fmt: str | None = None, source: str | None = None, skip_bad: bool = False
) -> ImportResult:
    """Read one export file into Records (see the module docstring for errors and formats)."""
    path = Path(path)
    kind = _ALIASES.get((fmt or "").lower()) if fmt else None
    if fmt and kind is None:
        raise InputFileError(f"{path}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    text = decode(read_bytes(path), path, skip_bad=skip_bad)
    kind = kind or guess_format(path, text.text)
    label = "csv" if kind == "tsv" else kind
    collector = Collector(path, source or default_source(path), label, skip_bad=skip_bad)
    _PARSERS[kind](text, collector)
    return collector.result


def guess_format(path: Path, text: str) -> str:
    """The parser for a file: by extension (``.gz`` ignored), else by sniffing the content.

    ``.txt`` is ambiguous (EndNote/Ovid RIS, Web of Science tab-delimited, PubMed MEDLINE), so
    it and unknown extensions are sniffed: ``TY  -`` lines mean RIS, ``@type{`` BibTeX, a tab
    in the first line TSV. Anything else fails and asks for ``--format``.
    """
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    head = text[:20000].lstrip("\ufeff")
    if _RIS_LINE.search(head):
        return "ris"
    if re.match(r"\s*(%[^\n]*\n\s*)*@\w+\s*[{(]", head):
        return "bibtex"
    if "\t" in head.split("\n", 1)[0]:
        return "tsv"
    raise InputFileError(
        f"{path}: cannot tell the file format from its name or content; pass --format "
        f"({', '.join(FORMATS)})"
    )


def default_source(path: Path) -> str:
    """The import label when none is given: the file name without ``.gz`` and format suffix."""
    name = path.name
    for suffix in (".gz", *_EXTENSIONS, ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or path.name

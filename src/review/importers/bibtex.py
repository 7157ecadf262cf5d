"""BibTeX/BibLaTeX exports, parsed with bibtexparser 2.x.

Authors are split on ``and`` by bibtexparser (brace-aware, so ``{World Health Organization}``
stays whole) and LaTeX is decoded (``M{\\"u}ller`` -> ``Müller``). A block bibtexparser cannot
parse (unbalanced braces, a missing comma) is a bad record at the line it starts on; so is a
duplicate entry key. Text between entries is a BibTeX comment, not an error. The entry key is
the record's own id.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text

from review.importers.authors import split_authors
from review.importers.base import SURROGATE, Collector, Text
from review.importers.fields import (
    cell,
    clean_number,
    pick_doi,
    refine_type,
    split_keywords,
    type_flags,
)

_LATEX = LatexNodes2Text(math_mode="text")
_LATEX_SIGNS = re.compile(r"[\\{}$~&%]")
# Bare & % # are common in exports ("Taylor & Francis", "50% of"); to LaTeX they are a column
# separator, a comment (dropping the rest of the field) and a parameter, so escape them first.
_BARE_SPECIALS = re.compile(r"(?<!\\)([&%#])")
_CARET = re.compile(r"\\textasciicircum(?:\{\}|\s*)")


def latex_to_text(value: str) -> str:
    """Decode LaTeX (``M{\\"u}ller`` -> ``Müller``) keeping bare ``&``, ``%`` and ``#``."""
    if not _LATEX_SIGNS.search(value):
        return value
    # pylatexenc writes \textasciicircum as U+02C6; LaTeX means the ASCII caret.
    value = _CARET.sub("^", value)
    return str(_LATEX.latex_to_text(_BARE_SPECIALS.sub(r"\\\1", value)))


def parse(text: Text, collector: Collector) -> None:
    """Read a BibTeX export into ``collector``: one Record per entry."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)  # we report failed blocks ourselves, with file and line
    try:
        library = bibtexparser.parse_string(
            text.text,
            append_middleware=[middlewares.SeparateCoAuthors()],
        )
    finally:
        logger.setLevel(level)
    for block in sorted(library.blocks, key=lambda block: block.start_line or 0):
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):  # a subclass of ParsingFailedBlock
            collector.bad(line, f"duplicate entry key {block.key!r}")
        elif isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            collector.bad(
                line, f"cannot parse this entry ({reason.strip()}); unbalanced braces or quotes?"
            )
        elif isinstance(block, Entry):
            if text.dirty and SURROGATE.search(block.raw or ""):
                collector.bad(line, "undecodable bytes in this entry (not UTF-8)")
                continue
            collector.add(to_fields(block), line)


def _get(entry: Entry, *keys: str) -> str | None:
    """The first non-empty field among ``keys`` (field names are case-insensitive)."""
    fields = {key.lower(): field.value for key, field in entry.fields_dict.items()}
    for key in keys:
        value = fields.get(key)
        text = cell(value) if isinstance(value, str) else None
        if text:
            return cell(latex_to_text(text))
    return None


def _names(entry: Entry) -> list[str]:
    """Author names, split by bibtexparser (brace-aware), with LaTeX decoded."""
    value: Any = next((f.value for k, f in entry.fields_dict.items() if k.lower() == "author"), [])
    if isinstance(value, str):
        value = [value]
    return split_authors([latex_to_text(name) for name in value])


def to_fields(entry: Entry) -> dict[str, Any]:
    """Map one bibtexparser entry to Record fields (plus ``id``, the entry key)."""
    # ``pubtype`` carries the fine types BibTeX lacks (review, preprint...), as our export writes.
    publication_type = refine_type(entry.entry_type, _get(entry, "pubtype"))
    pages = _get(entry, "pages")
    return {
        "id": entry.key,
        "title": _get(entry, "title"),
        "authors": _names(entry),
        "year": _get(entry, "year", "date"),
        "venue": _get(
            entry, "journal", "journaltitle", "booktitle", "publisher", "school", "institution"
        ),
        "volume": clean_number(_get(entry, "volume")),
        "issue": clean_number(_get(entry, "number", "issue")),
        "pages": pages.replace("–", "-").replace("--", "-") if pages else None,
        "abstract": _get(entry, "abstract"),
        "doi": pick_doi(_get(entry, "doi")),
        "pmid": _get(entry, "pmid"),
        "language": _get(entry, "language", "langid"),
        "publication_type": publication_type,
        "flags": type_flags(publication_type),
        "keywords": split_keywords(_get(entry, "keywords")),
        "url": _get(entry, "url"),
    }

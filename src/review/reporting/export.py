"""Exports of a protocol's works with their current decision: RIS, CSV and BibTeX.

Each format reads back through ``review.importers.read_file`` with the work id as the record's
own id (RIS ``ID``, CSV ``id``, BibTeX entry key). The screening result travels along:

- RIS (Zotero, EndNote, ASReview, Rayyan, Covidence): ``N1`` notes, one per line: first the label
  ASReview reads (``ASReview_relevant`` for include, ``ASReview_irrelevant`` for exclude, none
  for uncertain), then ``review-id: <work id>`` (Rayyan drops ``ID`` but keeps notes),
  ``review-decision: include``, ``review-stage: full_text``, ``review-reasons: FT-I-ELIGIBLE``,
  ``review-decided-by: anna``, ``review-matched: block:term; ...``, ``review-sources: source:id;
  ...``, ``review-note: ...``, ``review-retraction: retraction: <evidence>`` (retractions,
  corrections, concerns: ``review.retractions``). ``KW`` keeps the work's own keywords; PMID in
  ``C5``.
- CSV (ASReview, Rayyan): the bibliographic columns, then ``decision, included, stage, reasons,
  decided_by, decided_at, matched_terms, source_ids, note, retraction``. ``included`` is
  ASReview's label column (1 include, 0 exclude, empty otherwise), so the rules' and reviewers'
  decisions seed its prior knowledge. Authors are joined with ``;`` and no space, because
  ASReview splits on ``;`` without stripping; other lists are joined with ``; ``. Text starting
  with ``= + - @``, tab or carriage return gets a leading ``'`` so spreadsheets do not run it
  (``review.reporting.csvsafe``); ``review import`` removes it again.
- BibTeX: fields ``review_decision``, ``review_stage``, ``review_reasons``, ``review_decided_by``,
  ``review_matched``, ``review_sources``, ``review_note``, ``review_retraction``; fine
  publication types that BibTeX lacks (review, preprint, editorial, letter, erratum) go in
  ``pubtype``. Every field but ``doi`` and ``url`` is LaTeX-escaped (``% & $ # _ ~ ^ \\`` and
  braces), so LaTeX-aware readers get the text back whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from review.reporting.csvsafe import csv_text

FORMATS = ("ris", "csv", "bibtex")
CSV_COLUMNS = (
    "id", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid",
    "abstract", "keywords", "language", "type", "decision", "included", "stage", "reasons",
    "decided_by", "decided_at", "matched_terms", "source_ids", "note", "retraction",
)  # fmt: skip
# ASReview's labels: its CSV column ``included`` (1/0) and its RIS notes.
ASREVIEW_LABEL = {"include": 1, "exclude": 0}
ASREVIEW_NOTE = {1: "ASReview_relevant", 0: "ASReview_irrelevant"}
AUTHOR_JOIN = ";"
# Characters LaTeX treats specially, as text-mode escapes a LaTeX decoder turns back into text.
_LATEX_ESCAPES = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})  # fmt: skip
_VERBATIM_FIELDS = frozenset({"doi", "url"})
_RIS_TYPES = {"journal-article": "JOUR", "conference-paper": "CPAPER", "book": "BOOK",
              "book-chapter": "CHAP", "thesis": "THES", "report": "RPRT",
              "other": "GEN"}  # fmt: skip
_BIB_TYPES = {"journal-article": "article", "conference-paper": "inproceedings", "book": "book",
              "book-chapter": "incollection", "thesis": "phdthesis", "report": "techreport",
              "other": "misc"}  # fmt: skip


def _joined(values: Sequence[str] | None) -> str:
    return "; ".join(values or [])


def asreview_label(work: dict[str, Any]) -> int | None:
    """ASReview's label of a work: 1 for include, 0 for exclude, None for anything else."""
    return ASREVIEW_LABEL.get(work.get("decision") or "")


def review_notes(work: dict[str, Any]) -> list[str]:
    """ASReview's label note, then the screening result as ``review-<field>: value`` lines."""
    label = ASREVIEW_NOTE.get(asreview_label(work))  # type: ignore[arg-type]
    pairs = [
        ("id", work.get("work_id")),
        ("decision", work.get("decision") or "not screened"),
        ("stage", work.get("stage")),
        ("reasons", _joined(work.get("reasons"))),
        ("decided-by", work.get("decided_by")),
        ("matched", _joined(work.get("matched_terms"))),
        ("sources", _joined(work.get("source_ids"))),
        ("note", work.get("note")),
        ("retraction", _joined(work.get("updates"))),
    ]
    notes = [f"review-{key}: {value}" for key, value in pairs if value]
    return [label, *notes] if label else notes


def _pages(pages: str | None) -> dict[str, str]:
    if not pages:
        return {}
    start, sep, end = pages.partition("-")
    return {"start_page": start, "end_page": end} if sep else {"start_page": pages}


def ris_entry(work: dict[str, Any]) -> dict[str, Any]:
    """One work as a rispy entry dict."""
    kind = work.get("publication_type")
    entry: dict[str, Any] = {
        "type_of_reference": _RIS_TYPES.get(kind or "", "JOUR"),
        "id": work["work_id"],
        "title": work.get("title"),
        "authors": list(work.get("authors") or []),
        "year": str(work["year"]) if work.get("year") else None,
        "secondary_title": work.get("venue"),
        "volume": work.get("volume"),
        "number": work.get("issue"),
        "doi": work.get("doi"),
        "custom5": work.get("pmid"),
        "abstract": work.get("abstract"),
        "keywords": list(work.get("keywords") or []),
        "language": work.get("language"),
        "type_of_work": kind if kind and kind not in _RIS_TYPES else None,
        "notes": review_notes(work),
        **_pages(work.get("pages")),
    }
    return {key: value for key, value in entry.items() if value not in (None, "", [])}


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the ``1.`` record numbers many reference managers reject."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(works: Sequence[dict[str, Any]]) -> str:
    """The works as a RIS file (written by rispy)."""
    return rispy.dumps([ris_entry(work) for work in works], implementation=_RisWriter)


def csv_row(work: dict[str, Any]) -> list[Any]:
    """One work as a CSV row in ``CSV_COLUMNS`` order (values as they are; None when empty)."""
    values: dict[str, Any] = {
        **work, "id": work["work_id"], "authors": AUTHOR_JOIN.join(work.get("authors") or []),
        "included": asreview_label(work),
        "journal": work.get("venue"), "keywords": _joined(work.get("keywords")),
        "type": work.get("publication_type"), "reasons": _joined(work.get("reasons")),
        "matched_terms": _joined(work.get("matched_terms")),
        "source_ids": _joined(work.get("source_ids")), "retraction": _joined(work.get("updates")),
        "decided_at": work["decided_at"].isoformat() if work.get("decided_at") else None,
    }  # fmt: skip
    return [values.get(name) for name in CSV_COLUMNS]


def to_csv(works: Sequence[dict[str, Any]]) -> str:
    """The works as a CSV file with a header row, formula-leading text guarded (``csvsafe``)."""
    return csv_text(CSV_COLUMNS, (csv_row(work) for work in works))


def _balanced(text: str) -> str:
    """The text with its braces dropped when they do not balance (BibTeX counts every brace)."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "").replace("}", "")


def latex_escape(text: str) -> str:
    """Plain text as a LaTeX-safe BibTeX value: ``50% & $5`` -> ``50\\% \\& \\$5``."""
    return _balanced(text).translate(_LATEX_ESCAPES)


def _bib_author(name: str) -> str:
    """A name for BibTeX's ``and``-separated list: organisations with ``and`` kept whole."""
    escaped = latex_escape(name)
    return f"{{{escaped}}}" if " and " in name.lower() else escaped


def _bib_field(key: str, value: str) -> Field:
    """One field: DOIs and URLs verbatim (brace-safe), everything else LaTeX-escaped."""
    return Field(key, _balanced(value) if key in _VERBATIM_FIELDS else latex_escape(value))


def bib_entry(work: dict[str, Any]) -> Entry:
    """One work as a bibtexparser entry, keyed by its work id."""
    kind = work.get("publication_type") or ""
    fields = {
        "title": work.get("title"),
        "year": str(work["year"]) if work.get("year") else None,
        "journal" if kind in ("", "journal-article") or kind not in _BIB_TYPES else "booktitle":
            work.get("venue"),
        "volume": work.get("volume"), "number": work.get("issue"),
        "pages": (work.get("pages") or "").replace("-", "--") or None,
        "doi": work.get("doi"), "pmid": work.get("pmid"), "abstract": work.get("abstract"),
        "keywords": _joined(work.get("keywords")), "language": work.get("language"),
        "pubtype": kind if kind and kind not in _BIB_TYPES else None,
        "review_decision": work.get("decision"), "review_stage": work.get("stage"),
        "review_reasons": _joined(work.get("reasons")), "review_decided_by": work.get("decided_by"),
        "review_matched": _joined(work.get("matched_terms")),
        "review_sources": _joined(work.get("source_ids")), "review_note": work.get("note"),
        "review_retraction": _joined(work.get("updates")),
    }  # fmt: skip
    kept = [_bib_field(key, str(value)) for key, value in fields.items() if value]
    if authors := work.get("authors"):
        kept.insert(1, Field("author", " and ".join(_bib_author(a) for a in authors)))
    return Entry(_BIB_TYPES.get(kind, "article"), work["work_id"], kept)


def to_bibtex(works: Sequence[dict[str, Any]]) -> str:
    """The works as a BibTeX file (written by bibtexparser 2)."""
    return bibtexparser.write_string(bibtexparser.Library([bib_entry(work) for work in works]))


def render(works: Sequence[dict[str, Any]], fmt: str) -> str:
    """The works in one of ``FORMATS``."""
    return {"ris": to_ris, "csv": to_csv, "bibtex": to_bibtex}[fmt](works)

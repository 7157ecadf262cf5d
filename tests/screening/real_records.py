"""Real records for the screening evaluation: the recorded API payloads and their hand labels.

The payloads in ``../shared/apis`` are read in place (never copied) with the project's own
source modules, so a record is screened exactly as ``review import``/``review run`` would store
it. DOAJ has no source module; its ``bibjson`` is mapped here. Every record is keyed
``<source>:<source_id>``, the store's record id.

``bench/data/screening_labels.toml`` holds the labels (ids, labels, a justification; never the
text): a default per source folder or payload file, set after reading every title and the
abstract of every record that touches the reviews' concepts, and one entry per record labelled
otherwise or worth naming. A label is ``include`` (a reviewer retrieves the full text),
``maybe`` (a careful reviewer could go either way: neither a miss nor a wrong include) or
``exclude``; protocols a record entry does not name take the file's default.
"""

from __future__ import annotations

import importlib
import json
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.record import Record
from review.screening.engine import Work

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("REVIEW_SHARED_DIR", ROOT.parent / "shared"))
LABELS = ROOT / "bench" / "data" / "screening_labels.toml"
MODULE_SOURCES = ("openalex", "crossref", "europepmc", "pubmed", "semanticscholar", "eric")
PROTOCOLS = ("sfi-crime", "sfi-school", "sfi-labour", "sfi-wellbeing")


@dataclass(frozen=True)
class RealRecord:
    """One real record with where it came from and its labels per protocol."""

    key: str
    file: str  # relative to ../shared/apis
    record: Record
    labels: dict[str, str]
    topic: str  # on-topic | off-topic (the payload's search, see the labels file)
    split: str  # dev | holdout
    why: str = ""

    def work(self) -> Work:
        """The record as the engine's Work (the fields the store keeps for a work)."""
        r = self.record
        return Work(r.title, r.abstract, tuple(r.keywords), r.language, r.year,
                    r.publication_type, tuple(r.flags), r.venue)  # fmt: skip


def _doaj(item: dict[str, Any]) -> Record:
    bib = item.get("bibjson") or {}
    languages = (bib.get("journal") or {}).get("language") or []
    year = str(bib.get("year") or "")
    return Record(
        source="doaj", source_id=str(item.get("id", "")), title=bib.get("title"),
        abstract=bib.get("abstract"), keywords=list(bib.get("keywords") or []),
        year=int(year) if year.isdigit() else None,
        language=languages[0].lower() if len(languages) == 1 else None,
        venue=(bib.get("journal") or {}).get("title"),
    )  # fmt: skip


def _records_of(path: Path, source: str) -> list[Record]:
    """The records one payload file holds; error bodies and non-search payloads hold none."""
    body = path.read_bytes()
    if source == "doaj":
        return [_doaj(item) for item in json.loads(body).get("results", [])]
    module = importlib.import_module(f"review.sources.{source}")
    try:
        page = module.parse_page(body)
        return [module.to_record(item) for item in page.items]
    except Exception:  # a recorded 400/404 body, an esearch id list: nothing to screen
        return []


def payload_files(apis: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(source, file) for every recorded payload that can hold records."""
    apis = apis or SHARED / "apis"
    for source in (*MODULE_SOURCES, "doaj"):
        for path in sorted((apis / source).glob("*")):
            if path.suffix in {".json", ".xml"}:
                yield source, path


def load_labels(path: Path = LABELS) -> dict[str, Any]:
    """The labels file as a dict: ``files`` and ``records`` tables."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def real_records(
    apis: Path | None = None, labels: dict[str, Any] | None = None
) -> list[RealRecord]:
    """Every titled record of the payloads once (first file wins), labelled."""
    apis = apis or SHARED / "apis"
    labels = labels or load_labels()
    entries = labels["records"]
    found: dict[str, RealRecord] = {}
    for source, path in payload_files(apis):
        name = f"{source}/{path.name}"
        spec = labels["files"].get(name) or labels["sources"][source]
        for record in _records_of(path, source):
            key = f"{record.source}:{record.source_id}"
            if not record.title or key in found:
                continue
            entry = entries.get(key, {})
            per = {p: entry.get("labels", {}).get(p, spec["default"]) for p in PROTOCOLS}
            split, why = entry.get("split", spec["split"]), entry.get("why", "")
            found[key] = RealRecord(key, name, record, per, spec["topic"], split, why)
    unknown = sorted(set(entries) - set(found))
    if unknown:
        raise KeyError(f"{LABELS.name}: labelled records not in the payloads: {unknown}")
    return [found[key] for key in sorted(found)]

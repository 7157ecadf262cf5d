"""Pinned screening decisions: proof that a speed-up (or any refactor) changes no decision.

``golden_decisions.json`` holds, per sample, a SHA-256 over every (work, protocol) decision in
canonical form (decision, reasons, matches, rule version), plus the evaluation set's decisions
in full so a difference can be read. It was written by the code before the speed-up:

    PYTHONPATH=<old checkout>/src .venv/bin/python tests/screening/screening_golden.py

Rerun it (with the current code) only when a rule or engine change is *meant* to change
decisions, and say so in the commit. Only the public API is used, so old code can write it.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "bench" / "data" / "screening_eval.jsonl"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden_decisions.json"
RICH = {"n": 3000, "seed": 11}  # the test's sample: every field and prescreen path varied
BENCH = {"n": 100_000, "seed": 5}  # bench/screening.py's speed sample
TYPES = ("article", "article", "article", None, "review", "Systematic Review", "editorial",
         "Conference Abstract", "published_erratum", "preprint", "poster")  # fmt: skip
VENUES = (None, None, "Journal of Experimental Criminology", "Cochrane Database of Systematic "
          "Reviews", "Annual Review of Sociology", "Housing Studies")  # fmt: skip
FLAGS = ((), (), (), (), ("retracted",), ("erratum",), ("open_access",))
LANGUAGES = (None, None, "en", "da", "sv", "no", "fr", "de")
FILLER = ("Data were collected in 2015.", "Results are discussed.", "We report 95% CIs.",
          "Implications for policy are considered.", "Sample size was 1,204.")  # fmt: skip


def load_eval() -> list[dict[str, Any]]:
    """The labelled evaluation records of bench/data."""
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def _abstract(rng: random.Random, item: dict[str, Any], other: dict[str, Any]) -> str | None:
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.15:
        return "Short note."
    source = other if roll < 0.25 else item
    sentences = (source.get("abstract") or "").split(". ")
    rng.shuffle(sentences)
    return ". ".join(sentences + rng.sample(FILLER, 2))


def _title(rng: random.Random, item: dict[str, Any]) -> str:
    title = f"{item['title']} ({rng.randint(1, 999)})"
    return title.upper() if rng.random() < 0.05 else title


def rich_works(n: int, seed: int) -> list[dict[str, Any]]:
    """n works from the eval set with every screened field varied (types, flags, venues...)."""
    records = load_eval()
    rng = random.Random(seed)
    works = []
    for index in range(n):
        item, other = rng.choice(records), rng.choice(records)
        keywords = rng.sample(other["title"].split(), 3) if rng.random() < 0.3 else []
        works.append({
            "work_id": f"R{index:06d}", "title": _title(rng, item),
            "abstract": _abstract(rng, item, other), "keywords": keywords,
            "language": item.get("language") if rng.random() < 0.5 else rng.choice(LANGUAGES),
            "year": rng.randint(1980, 2024), "publication_type": rng.choice(TYPES),
            "flags": list(rng.choice(FLAGS)), "venue": item.get("venue") or rng.choice(VENUES),
        })  # fmt: skip
    return works


def canonical(work_id: str, protocol: str, decided: Any) -> str:
    """One decision (a Decision or a row alike) as a line: what must never change unmeant."""
    return json.dumps(
        [work_id, protocol, decided.decision, list(decided.reasons),
         [dict(m) for m in decided.matches], decided.rule_version],
        ensure_ascii=False, sort_keys=True,
    )  # fmt: skip


def digest(lines: Iterable[str]) -> str:
    """SHA-256 over decision lines, order-independent (lines are sorted first)."""
    sha = hashlib.sha256()
    for line in sorted(lines):
        sha.update(line.encode())
        sha.update(b"\n")
    return sha.hexdigest()


def screened(protocols: Mapping[str, Any], works: list[dict[str, Any]]) -> Iterator[str]:
    """Canonical lines of every work screened under every protocol with ``screen``."""
    from review.screening.engine import Work, screen

    for item in works:
        work = Work(item["title"], item.get("abstract"), tuple(item.get("keywords") or ()),
                    item.get("language"), item.get("year"), item.get("publication_type"),
                    tuple(item.get("flags") or ()), item.get("venue"))  # fmt: skip
        for protocol in protocols.values():
            decided = screen(protocol.rules, work)
            yield canonical(item["work_id"], protocol.name, decided)


def bench_works(n: int, seed: int) -> list[dict[str, Any]]:
    """bench/screening.py's synthetic works (imported from the bench script)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import screening as bench  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return bench.synthesise(load_eval(), n, seed)  # type: ignore[no-any-return]


def eval_works() -> list[dict[str, Any]]:
    """The evaluation records as works (their id as work id)."""
    return [{**item, "work_id": item["id"]} for item in load_eval()]


def eval_works_as_rows() -> list[dict[str, Any]]:
    """The evaluation works with every column a works row needs."""
    keys = ("title", "abstract", "language", "year", "publication_type", "venue")
    return [{"work_id": item["work_id"], **{key: item.get(key) for key in keys},
             "keywords": list(item.get("keywords") or []), "flags": list(item.get("flags") or [])}
            for item in eval_works()]  # fmt: skip


def write() -> None:
    """Screen the three samples with the importable code and pin the results."""
    from review.protocol import load_protocols

    protocols = {p.review: p for p in load_protocols()}
    golden = {
        "rule_versions": {p.name: p.rule_version for p in protocols.values()},
        "eval": sorted(screened(protocols, eval_works())),
        "rich": {**RICH, "sha256": digest(screened(protocols, rich_works(**RICH)))},
        "bench": {**BENCH, "sha256": digest(screened(protocols, bench_works(**BENCH)))},
    }
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(golden, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()

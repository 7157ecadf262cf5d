# ruff: noqa: E501  (report dictionaries read best on one line)
"""Screening benchmark: quality on the labelled evaluation set, off-topic payloads, and speed.

    .venv/bin/python bench/screening.py [--works 100000] [--skip-speed] [--repeat 3] [--no-check]

Targets (issue 5): recall 1.0 on includes (include or uncertain counts as found); no true
exclude decided as include; on the off-topic recorded payloads in ../shared/apis fewer than 1%
include and fewer than 10% uncertain; 100k works x 4 protocols screened in <= 60 s (run(),
median of --repeat runs). Wall seconds depend on what else the machine runs; CPU seconds (all
threads of the process) are reported next to them. The speed section also checks that run()
stores exactly the decisions screen() makes and, for the 100k sample, the pinned ones.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from review.protocol import Protocol, load_protocols
from review.screening.engine import Work, screen
from review.screening.runner import run
from review.store import open_store

HERE = Path(__file__).resolve().parent
EVAL = HERE / "data" / "screening_eval.jsonl"
SHARED = Path(os.environ.get("REVIEW_SHARED_DIR", HERE.parents[1] / "shared"))
sys.path.insert(0, str(HERE.parent / "tests" / "screening"))  # screening_golden: the pin
SOURCE_DIRS = ("openalex", "crossref", "europepmc", "pubmed", "semanticscholar", "eric")


def load_eval() -> list[dict[str, Any]]:
    """The labelled evaluation records."""
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def as_work(item: dict[str, Any]) -> Work:
    """An evaluation record as a Work."""
    return Work(title=item["title"], abstract=item.get("abstract"), language=item.get("language"),
                year=item.get("year"), publication_type=item.get("publication_type"),
                flags=tuple(item.get("flags", ())), venue=item.get("venue"))  # fmt: skip


def evaluate(protocols: dict[str, Protocol], records: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall, precision of automatic includes, exclusion share and workload on the eval set."""
    rows = []
    for item in records:
        decided = screen(protocols[item["review"]].rules, as_work(item))  # type: ignore[arg-type]
        rows.append((item, decided))
    inc = [(i, d) for i, d in rows if i["label"] == "include"]
    exc = [(i, d) for i, d in rows if i["label"] == "exclude"]
    auto = [(i, d) for i, d in rows if d.decision == "include"]
    return {
        "includes": len(inc), "excludes": len(exc),
        "recall": sum(d.decision != "exclude" for _, d in inc) / len(inc),
        "precision_auto_include": sum(i["label"] == "include" for i, _ in auto) / max(len(auto), 1),
        "auto_includes": len(auto),
        "excludes_excluded": sum(d.decision == "exclude" for _, d in exc) / len(exc),
        "excludes_decided_include": sum(d.decision == "include" for _, d in exc),
        "uncertain_share": sum(d.decision == "uncertain" for _, d in rows) / len(rows),
        "missed": [(i["id"], d.reasons) for i, d in inc if d.decision == "exclude"],
        "wrong_includes": [(i["id"], d.reasons) for i, d in exc if d.decision == "include"],
        "decisions": Counter(f"{i['label']}->{d.decision}" for i, d in rows),
    }  # fmt: skip


def payload_records() -> list[Any]:
    """Records parsed from ../shared/apis with the project's source modules."""
    found = []
    for name in SOURCE_DIRS:
        try:
            module = importlib.import_module(f"review.sources.{name}")
        except ImportError:
            continue
        for path in sorted((SHARED / "apis" / name).glob("*.json")):
            try:
                page = module.parse_page(path.read_bytes())
                found += [module.to_record(item) for item in page.items]
            except Exception:
                continue
    return found


def offtopic(protocols: dict[str, Protocol]) -> dict[str, Any]:
    """Share of include/uncertain decisions over the recorded off-topic payloads."""
    records = [r for r in payload_records() if r.title]
    counts: Counter[str] = Counter()
    flagged = []
    for record in records:
        work = Work(record.title, record.abstract, tuple(record.keywords), record.language,
                    record.year, record.publication_type, tuple(record.flags), record.venue)  # fmt: skip
        for protocol in protocols.values():
            decided = screen(protocol.rules, work)  # type: ignore[arg-type]
            counts[decided.decision] += 1
            if decided.decision != "exclude":
                flagged.append(
                    (protocol.name, decided.decision, decided.reasons[0], record.title[:70])
                )
    total = max(sum(counts.values()), 1)
    return {"records": len(records), "decisions": total,
            "include_share": counts["include"] / total, "uncertain_share": counts["uncertain"] / total,
            "flagged": flagged}  # fmt: skip


def synthesise(records: list[dict[str, Any]], n: int, seed: int = 5) -> list[dict[str, Any]]:
    """n works sampled from the eval set and perturbed (sentence order, filler, missing fields)."""
    rng = random.Random(seed)
    filler = ["Data were collected in 2015.", "Results are discussed.", "We report 95% CIs.",
              "Implications for policy are considered.", "Sample size was 1,204."]  # fmt: skip
    works = []
    for index in range(n):
        item = rng.choice(records)
        sentences = (item.get("abstract") or "").split(". ")
        rng.shuffle(sentences)
        abstract = ". ".join(sentences + rng.sample(filler, 2)) if rng.random() > 0.1 else None
        works.append({
            "work_id": f"W{index:06d}", "title": f"{item['title']} ({rng.randint(1, 999)})",
            "abstract": abstract, "language": item.get("language") if rng.random() > 0.2 else None,
            "year": rng.randint(1985, 2024), "publication_type": "article",
        })  # fmt: skip
    return works


def _insert(con: Any, works: list[dict[str, Any]]) -> None:
    import pyarrow as pa

    _works = pa.Table.from_pylist(works)
    con.execute("INSERT INTO works (work_id, title, abstract, keywords, language, year, "
                "publication_type, flags, sources, record_count, updated_at) SELECT work_id, "
                "title, abstract, [], language, year, publication_type, [], ['bench'], 1, "
                "now() - INTERVAL 1 DAY FROM _works")  # fmt: skip


def _stored_digest(con: Any) -> str:
    """SHA-256 of the stored rules decisions in the golden file's canonical form."""
    from screening_golden import canonical, digest

    rows = con.sql("SELECT work_id, protocol, decision, reasons, matches::VARCHAR AS matches, "
                   "rule_version FROM decisions").fetchall()  # fmt: skip
    return digest(canonical(row[0], row[1], argparse.Namespace(
        decision=row[2], reasons=row[3], matches=json.loads(row[4]), rule_version=row[5]))
        for row in rows)  # fmt: skip


def _cpu() -> float:
    """CPU seconds of this process (all threads) and of its finished worker processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed_run(protocols: dict[str, Protocol], works: list[dict[str, Any]]) -> dict[str, Any]:
    """run() on a fresh store: wall and CPU seconds (threads and workers), the stored digest."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "b.duckdb") as con:
        _insert(con, works)
        wall, cpu = time.perf_counter(), _cpu()
        summary = run(con, list(protocols.values()))
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        return {"wall": wall, "cpu": cpu, "decisions": summary.screened,
                "sha256": _stored_digest(con)}  # fmt: skip


def _engine(protocols: dict[str, Protocol], works: list[dict[str, Any]]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for item in works:
        work = Work(item["title"], item["abstract"], (), item["language"], item["year"], "article")
        for protocol in protocols.values():
            screen(protocol.rules, work)  # type: ignore[arg-type]
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def speed(protocols: dict[str, Protocol], records: list[dict[str, Any]], n: int,
          repeat: int = 3, check: bool = True) -> dict[str, Any]:  # fmt: skip
    """Seconds to screen n synthetic works under all protocols: engine alone, and run() on
    DuckDB (median of ``repeat`` runs); with ``check``, every run's stored decisions and the
    engine's must equal the pinned ones (tests/screening/data/golden_decisions.json)."""
    works = synthesise(records, n)
    engine = _engine(protocols, works)
    runs = [timed_run(protocols, works) for _ in range(repeat)]
    report = {"works": n, "decisions": runs[0]["decisions"],
              "engine_seconds": round(engine["wall"], 1), "engine_cpu_seconds": round(engine["cpu"], 1),
              "run_seconds_with_duckdb": round(statistics.median(r["wall"] for r in runs), 1),
              "run_cpu_seconds": round(statistics.median(r["cpu"] for r in runs), 1),
              "runs_wall": [round(r["wall"], 1) for r in runs],
              "runs_cpu": [round(r["cpu"], 1) for r in runs],
              "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}  # fmt: skip
    if check:
        report["equivalence"] = equivalence(protocols, works, n, runs)
    return report


def equivalence(protocols: dict[str, Protocol], works: list[dict[str, Any]], n: int,
                runs: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    """Stored and engine decisions against each other and, for the pinned sample, the pin."""
    from screening_golden import BENCH, GOLDEN, digest, screened

    engine = digest(screened(protocols, works))
    stored = {r["sha256"] for r in runs}
    assert stored == {engine}, f"run() stored other decisions than screen() gives: {stored}"
    pinned = json.loads(GOLDEN.read_text(encoding="utf-8"))["bench"]
    if (n, 5) == (BENCH["n"], BENCH["seed"]):
        assert engine == pinned["sha256"], "decisions differ from the pinned (pre-speed-up) ones"
    return {"sha256": engine, "pinned": engine == pinned["sha256"], "runs_agree": True}


def main() -> int:
    """Run the three measurements and print them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="run() repetitions (median)")
    parser.add_argument("--no-check", action="store_true", help="skip the equivalence check")
    args = parser.parse_args()
    protocols = {p.review: p for p in load_protocols()}
    records = load_eval()
    report: dict[str, Any] = {"evaluation": evaluate(protocols, records)}
    if (SHARED / "apis").exists():
        report["offtopic_payloads"] = offtopic(protocols)
    if not args.skip_speed:
        report["speed"] = speed(protocols, records, args.works, args.repeat, not args.no_check)
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False, default=str)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Dedupe benchmark: every set in ../shared/dedup through the real user path, scored.

    .venv/bin/python bench/dedupe.py [SET ...] [--bibdedupe /work/bib/bin/python]
        [--scaling] [--ablation] [--out bench/results/dedupe.md]

Per set: `review import` -> `review dedupe` -> `review query duplicates --format csv`,
scored with ../shared/dedup/score.py. "Ours" is wall-clock for the three commands together;
on the small sets, start-up bound, both tools run ``--repeat`` rounds (5) in turns and the
times are medians. Peak memory is the largest max-RSS of those processes (each measured
alone, via wait4).
"Our dedupe step" is `review dedupe` alone, the step bib-dedupe's own run corresponds to.
The review queue is the row count of `review query duplicate_candidates` afterwards (one row
per pair of works to check). bib-dedupe 0.11 (prep/block/match/cluster, as its README runs
it) runs after ours, in its own venv on the same machine, never concurrently; its clusters
are scored with the same score.py. Blocking recall is the share of true duplicate pairs
among the candidate pairs. ``--scaling`` times the library (prepare..cluster) on seeded
random samples of depression.

``--ablation`` runs the library once per named rule (``review.dedupe.rules.RULES``) with that
rule switched off, per development set, and once with all of them off (the rules before
issue 11); each rule's row names the set that was held out while the rule was designed, so
its figures there are the leave-one-set-out check. The tables go to ``--out`` (git-ignored)
and to stdout.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REVIEW_SHARED_DIR", ROOT.parent / "shared")) / "dedup"
SETS = ["stroke", "cytology_screening", "srsr", "depression", "special_cases"]
REVIEW = [str(ROOT / ".venv" / "bin" / "review")]
PY = str(ROOT / ".venv" / "bin" / "python")
PUBLISHED_FN = {"stroke": 2, "cytology_screening": 6, "srsr": 68, "depression": 88}
# One round only: bib-dedupe takes 4-6 minutes on each, and their times are not start-up bound.
BIG_SETS = {"srsr", "depression"}
DEVELOPMENT = ["stroke", "cytology_screening", "srsr", "depression"]
# The development set each rule was designed without (its leave-one-set-out check).
HELD_OUT = {
    "recurring_title": "srsr", "issue_clash": "srsr", "generic_same_issue": "srsr",
    "doi_abstract_veto": "depression", "conference_venue": "srsr", "conference_ssrn": "srsr",
    "swapped_names": "depression", "cut_authors": "depression", "provisional_pages": "srsr",
    "article_number": "depression", "translated_title": "srsr", "roman_pages": "srsr",
    "doi_moved": "srsr", "year_typo": "srsr",
}  # fmt: skip
BIB = """
import csv, sys, pandas as pd
from bib_dedupe.bib_dedupe import prep, block, match, cluster
df = pd.read_csv(sys.argv[1], dtype=str)
pairs = block(prep(df))
groups = cluster(match(pairs))
with open(sys.argv[2], "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["merged_ids"])
    out.writerows([";".join(sorted(map(str, g)))] for g in groups if len(g) > 1)
"""
ABLATE = """
import json, sys
sys.path.insert(0, sys.argv[3])
from dedupe import load_table, queue_size, score_labels
from review.dedupe import link
from review.dedupe.rules import RULES
t = load_table(sys.argv[1])
configs = [("all", [])] + [(name, [name]) for name in RULES] + [("none", list(RULES))]
for config, off in configs:
    res = link(t, disabled=off)
    scored = score_labels(sys.argv[2], t, res.labels)
    print(json.dumps({"config": config, "FP": scored["FP"], "FN": scored["FN"],
                      "queue": queue_size(res)}), flush=True)
"""
SCALE = """
import sys, time, random
sys.path.insert(0, sys.argv[3])
from dedupe import load_table
from review.dedupe import link
t = load_table(sys.argv[1])
rows = sorted(random.Random(7).sample(range(t.num_rows), min(int(sys.argv[2]), t.num_rows)))
t = t.take(rows)
s = time.perf_counter(); link(t); print(time.perf_counter() - s)
"""
csv.field_size_limit(1 << 30)


def _data(name: str) -> Path:
    folder = SHARED / name
    return next(
        p
        for p in (folder / "records_pre_merged.csv.gz", folder / "records_pre_merged.csv")
        if p.exists()
    )


def _timed(cmd: list[str]) -> tuple[float, int, str]:
    """Run ``cmd`` alone; wall seconds, that process's peak RSS in MB, its stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0), err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed: {err.read().strip()[-800:]}")
        return wall, usage.ru_maxrss // 1024, out.read()


def _score(name: str, pred: Path) -> dict:
    done = subprocess.run(
        [PY, str(SHARED / "score.py"), str(SHARED / name), str(pred), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def run_ours(name: str, tmp: Path) -> dict:
    """import -> dedupe -> query duplicates -> score, each command timed alone."""
    db, pred = tmp / "bench.duckdb", tmp / "pred.csv"
    steps = [
        ["import", str(_data(name)), "--db", str(db)],
        ["dedupe", "--db", str(db)],
        ["query", "duplicates", "--db", str(db), "--format", "csv"],
    ]
    times, peaks, text = [], [], ""
    for step in steps:
        wall, peak, text = _timed([*REVIEW, *step])
        times.append(wall)
        peaks.append(peak)
    rows = list(csv.DictReader(io.StringIO(text)))
    pred.write_text("ID,group\n" + "".join(f"{r['source_id']},{r['work_id']}\n" for r in rows))
    _, _, queued = _timed([*REVIEW, "query", "duplicate_candidates", "--db", str(db), "--format",
                           "csv"])  # fmt: skip
    queue = len(list(csv.DictReader(io.StringIO(queued))))
    return {
        "set": name, "import_s": times[0], "dedupe_s": times[1], "total_s": sum(times),
        "peak_mb": max(peaks), "queue": queue,
        "queue_pct": round(100 * queue / len(rows), 2), **_score(name, pred),
    }  # fmt: skip


def blocking_recall(name: str) -> float:
    """Share of the truth's duplicate pairs that blocking puts among the candidates."""
    from review.dedupe.block import candidate_pairs
    from review.dedupe.prepare import prepare

    table = load_table(str(_data(name)))
    index = {sid: i for i, sid in enumerate(table.column("source_id").to_pylist())}
    cand = candidate_pairs(prepare(table))
    found = set(map(tuple, cand.tolist()))
    with open(SHARED / name / "merged_record_ids.csv", newline="") as f:
        groups = [r["merged_ids"].split(";") for r in csv.DictReader(f)]
    truth = {
        tuple(sorted((index[a], index[b])))
        for g in groups
        for a, b in itertools.combinations([x for x in g if x in index], 2)
    }
    return round(len(truth & found) / len(truth), 4) if truth else 1.0


def warm_up(bib_python: str | None, sets: list[str]) -> None:
    """One untimed pass of each tool first, and every set's file read once: byte-compiling
    changed modules and a cold file cache would otherwise be charged to whichever tool reads
    a file first (seen here: 4-8 s on the first set after the machine sat idle)."""
    for name in sets:
        _data(name).read_bytes()
    # As a regular install does: the review sources byte-compiled once (bib-dedupe's were, by
    # pip). Where PYTHONDONTWRITEBYTECODE is set, every command would compile them again.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "src"), str(ROOT / "flows")],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        _timed([*REVIEW, "import", str(_data("special_cases")), "--db", f"{tmp}/warm.duckdb"])
        _timed([*REVIEW, "dedupe", "--db", f"{tmp}/warm.duckdb"])
        if bib_python:
            _timed([bib_python, "-c", BIB, str(_data("special_cases")), f"{tmp}/warm.csv"])


def run_set(name: str, bib_python: str | None, repeat: int) -> dict:
    """Ours, then bib-dedupe (never at the same time), ``repeat`` times in turns on the small
    sets (start-up bound, so one run is noisy): times are medians; then blocking recall."""
    rounds = repeat if name not in BIG_SETS else 1
    ours, bib_walls, bib_peak, bib = [], [], 0, None
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            ours.append(run_ours(name, Path(tmp)))
            if bib_python and name in PUBLISHED_FN:
                pred = Path(tmp) / "bib.csv"
                wall, bib_peak, _ = _timed([bib_python, "-c", BIB, str(_data(name)), str(pred)])
                bib_walls.append(wall)
                bib = _score(name, pred)
    result = ours[-1]  # the results are the same every round; only the times differ
    for key in ("import_s", "dedupe_s", "total_s"):
        result[key] = round(statistics.median(r[key] for r in ours), 2)
    result["peak_mb"] = max(r["peak_mb"] for r in ours)
    result["rounds"] = rounds
    if bib is not None:
        bib_s = statistics.median(bib_walls)
        result.update(bibdedupe_s=round(bib_s, 1), bibdedupe_peak_mb=bib_peak,
                      bibdedupe_FP=bib["FP"], bibdedupe_FN=bib["FN"],
                      speedup=round(bib_s / result["total_s"], 1),
                      speedup_dedupe=round(bib_s / result["dedupe_s"], 1))  # fmt: skip
    # In a child process: the tables it loads would inflate later children's peak RSS.
    _, _, text = _timed([PY, __file__, "--blocking-recall", name])
    result["blocking_recall"] = float(text.strip())
    return result


def score_labels(name: str, table, labels) -> dict:  # type: ignore[no-untyped-def]
    """score.py's figures for cluster labels per record of ``table`` (a library run)."""
    sys.path.insert(0, str(SHARED))
    import score as scorer  # ../shared/dedup/score.py

    groups: dict[int, list[str]] = {}
    for sid, label in zip(table.column("source_id").to_pylist(), labels, strict=True):
        groups.setdefault(int(label), []).append(sid)
    folder = SHARED / name
    truth = scorer.read_groups(folder / "merged_record_ids.csv")
    return scorer.score(scorer.record_ids(folder), truth, list(groups.values()))


def queue_size(res) -> int:  # type: ignore[no-untyped-def]
    """Queued pairs of a library run, one per pair of works (as `review dedupe` stores them)."""
    from review.dedupe.decide import QUEUE

    pairs = res.pairs[res.decisions == QUEUE]
    works = {tuple(sorted(p)) for p in res.labels[pairs].tolist() if p[0] != p[1]}
    return len(works)


def ablation(sets: list[str]) -> dict[str, dict[str, dict]]:
    """Per development set, FP/FN/queue with every rule, without each, and without all."""
    out: dict[str, dict[str, dict]] = {}
    for name in sets:
        _, _, text = _timed([PY, "-c", ABLATE, str(_data(name)), name, str(ROOT / "bench")])
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        out[name] = {r["config"]: r for r in rows}
        print(json.dumps({name: out[name]}), flush=True)
    return out


def scaling(sizes: tuple[int, ...] = (10_000, 20_000, 40_000, 80_000)) -> list[dict]:
    """Library time (prepare..cluster) on seeded random samples of depression."""
    out = []
    for n in sizes:
        _, peak, text = _timed(
            [PY, "-c", SCALE, str(_data("depression")), str(n), str(ROOT / "bench")]
        )
        records = min(n, 79_880)
        out.append({"records": records, "link_s": round(float(text.strip()), 1), "peak_mb": peak})
    return out


def load_table(path: str, limit: int | None = None):  # type: ignore[no-untyped-def]
    """Records of a benchmark CSV via the project's importer, as the dedupe engine's table."""
    import pyarrow as pa

    from review.importers import read_file
    from review.store import records_table

    records = list(read_file(Path(path)).records)[:limit]
    return records_table(records).append_column("work_id", pa.nulls(len(records), pa.string()))


def _cell(r: dict, key: str, fmt: str = "{}") -> str:
    return fmt.format(r[key]) if key in r else "-"


def table(results: dict) -> str:
    """The results as a Markdown report."""
    head = (
        "| set | records | FP | FN | bib-dedupe FP / FN here (published FN) | wrong-merge clusters "
        "| queue (% of records) | ours end to end s | our dedupe step s | bib-dedupe s "
        "| bib-dedupe / ours end to end | bib-dedupe / our dedupe step | our peak MB "
        "| bib-dedupe peak MB | blocking recall |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in results["sets"]:
        bib = (f"{r['bibdedupe_FP']} / {r['bibdedupe_FN']} ({PUBLISHED_FN[r['set']]})"
               if "bibdedupe_FP" in r else "-")  # fmt: skip
        lines.append(
            f"| {r['set']} | {r['records']} | {r['FP']} | {r['FN']} | {bib} | "
            f"{r['wrong_merge_clusters']} | {r['queue']} ({r['queue_pct']}%) | {r['total_s']} | "
            f"{r['dedupe_s']} | {_cell(r, 'bibdedupe_s')} | {_cell(r, 'speedup', '{}x')} | "
            f"{_cell(r, 'speedup_dedupe', '{}x')} | {r['peak_mb']} | "
            f"{_cell(r, 'bibdedupe_peak_mb')} | {r['blocking_recall']} |"
        )
    out = "## Dedupe benchmark\n\n" + head + "\n".join(lines) + "\n"
    if results.get("ablation"):
        out += ablation_table(results["ablation"])
    if results["scaling"]:
        out += "\n### Scaling (library, random samples of depression)\n\n"
        out += "| records | link s | peak MB |\n|---:|---:|---:|\n"
        out += "".join(
            f"| {s['records']} | {s['link_s']} | {s['peak_mb']} |\n" for s in results["scaling"]
        )
    return out + f"\nMachine: {os.cpu_count()} CPUs; run {time.strftime('%Y-%m-%d %H:%M')}.\n"


def ablation_table(abl: dict[str, dict[str, dict]]) -> str:
    """FP/FN per set with every rule and without one; the held-out set's change apart."""
    sets = [s for s in DEVELOPMENT if s in abl]
    head = (
        "\n### Ablation and leave-one-set-out (library; FP/FN with every rule -> without this "
        "one)\n\n| rule | held out while designed | "
        + " | ".join(sets)
        + " | FN change on the held-out set | FN change on the other sets |\n"
        + "|---|---|"
        + "---:|" * len(sets)
        + "---:|---:|\n"
    )
    rows = []
    for rule in [c for c in next(iter(abl.values())) if c not in ("all",)]:
        held = HELD_OUT.get(rule, "-")
        cells, held_delta, other_delta = [], 0, 0
        for name in sets:
            a, b = abl[name]["all"], abl[name][rule]
            cells.append(f"{a['FP']}/{a['FN']} -> {b['FP']}/{b['FN']}")
            gain = b["FN"] - a["FN"]  # misses the rule saves (negative: misses it costs)
            held_delta, other_delta = (
                (held_delta + gain, other_delta)
                if name == held
                else (held_delta, other_delta + gain)
            )
        label = "all rules of issue 11 (= before)" if rule == "none" else f"`{rule}`"
        held_cell = "-" if held == "-" else f"{-held_delta:+d}"
        rows.append(f"| {label} | {held} | " + " | ".join(cells) +
                    f" | {held_cell} | {-other_delta:+d} |")  # fmt: skip
    note = (
        "\nA change is the rule's effect on missed duplicates (negative: the rule saves misses; "
        "positive: it costs them). Queue with every rule: "
        + ", ".join(f"{name} {abl[name]['all']['queue']}" for name in sets)
        + " pairs of works.\n"
    )
    return head + "\n".join(rows) + "\n" + note


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", default=SETS)
    parser.add_argument("--bibdedupe", help="python of a venv with bib-dedupe installed")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--ablation", action="store_true", help="per-rule ablation (library)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds on the small sets")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "dedupe.md"))
    parser.add_argument("--blocking-recall", metavar="SET", help=argparse.SUPPRESS)
    parser.add_argument("--render", metavar="JSON", help="print the table of an earlier run")
    args = parser.parse_args(argv)
    if args.blocking_recall:
        print(blocking_recall(args.blocking_recall))
        return 0
    if args.render:
        results = json.loads(Path(args.render).read_text())
        for r in results["sets"]:
            if "bibdedupe_s" in r:
                r["speedup_dedupe"] = round(r["bibdedupe_s"] / r["dedupe_s"], 1)
        print(table(results))
        return 0
    results: dict = {"sets": [], "scaling": [], "ablation": {}}
    warm_up(args.bibdedupe, args.sets)
    for name in args.sets:
        r = run_set(name, args.bibdedupe, args.repeat)
        results["sets"].append(r)
        print(json.dumps({k: v for k, v in r.items() if k != "wrong_merge_examples"}), flush=True)
    if args.ablation:
        results["ablation"] = ablation([s for s in args.sets if s in DEVELOPMENT])
    if args.scaling:
        results["scaling"] = scaling()
        print(json.dumps(results["scaling"]), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table(results))
    out.with_suffix(".json").write_text(json.dumps(results, indent=1))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Dedupe benchmark: every set in ../shared/dedup through the real user path, scored.

    .venv/bin/python bench/dedupe.py [SET ...] [--bibdedupe /work/bibdedupe-venv/bin/python]
        [--scaling] [--out bench/results/dedupe.md]

Per set: `review import` -> `review dedupe` -> `review query duplicates --format csv`,
scored with ../shared/dedup/score.py. "Ours" is wall-clock for the three commands together;
peak memory is the largest max-RSS of those processes (each measured alone, via wait4).
"Our dedupe step" is `review dedupe` alone, the step bib-dedupe's own run corresponds to.
bib-dedupe 0.11 (prep/block/match/cluster, as its README runs it) runs after ours, in its own
venv on the same machine, never concurrently. Blocking recall is the share of true duplicate
pairs among the candidate pairs. ``--scaling`` times the library (prepare..cluster) on seeded
random samples of depression. The table goes to ``--out`` (git-ignored) and to stdout.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import os
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
BIB = """
import sys, time, pandas as pd
from bib_dedupe.bib_dedupe import prep, block, match, cluster
df = pd.read_csv(sys.argv[1], dtype=str)
pairs = block(prep(df))
groups = cluster(match(pairs))
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
    return {
        "set": name, "import_s": round(times[0], 1), "dedupe_s": round(times[1], 1),
        "total_s": round(sum(times), 1), "peak_mb": max(peaks), **_score(name, pred),
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


def run_set(name: str, bib_python: str | None) -> dict:
    """Ours, then bib-dedupe (never at the same time), then blocking recall."""
    with tempfile.TemporaryDirectory() as tmp:
        result = run_ours(name, Path(tmp))
    if bib_python and name in PUBLISHED_FN:
        bib_wall, bib_peak, _ = _timed([bib_python, "-c", BIB, str(_data(name))])
        result.update(bibdedupe_s=round(bib_wall, 1), bibdedupe_peak_mb=bib_peak)
        result["speedup"] = round(bib_wall / result["total_s"], 1)
        result["speedup_dedupe"] = round(bib_wall / result["dedupe_s"], 1)
    # In a child process: the tables it loads would inflate later children's peak RSS.
    _, _, text = _timed([PY, __file__, "--blocking-recall", name])
    result["blocking_recall"] = float(text.strip())
    return result


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


def table(results: dict) -> str:
    """The results as a Markdown report."""
    head = (
        "| set | records | FP | FN | FN published bib-dedupe | recall | wrong-merge clusters "
        "| ours end to end s | our dedupe step s | bib-dedupe s | bib-dedupe / ours end to end "
        "| bib-dedupe / our dedupe step | peak MB | blocking recall |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = [
        f"| {r['set']} | {r['records']} | {r['FP']} | {r['FN']} | "
        f"{PUBLISHED_FN.get(r['set'], '-')} | {r['recall']} | {r['wrong_merge_clusters']} | "
        f"{r['total_s']} | {r['dedupe_s']} | {r.get('bibdedupe_s', '-')} | "
        f"{r.get('speedup', '-')} | {r.get('speedup_dedupe', '-')} | "
        f"{r['peak_mb']} | {r['blocking_recall']} |"
        for r in results["sets"]
    ]
    out = "## Dedupe benchmark\n\n" + head + "\n".join(lines) + "\n"
    if results["scaling"]:
        out += "\n### Scaling (library, random samples of depression)\n\n"
        out += "| records | link s | peak MB |\n|---:|---:|---:|\n"
        out += "".join(
            f"| {s['records']} | {s['link_s']} | {s['peak_mb']} |\n" for s in results["scaling"]
        )
    return out + f"\nMachine: {os.cpu_count()} CPUs; run {time.strftime('%Y-%m-%d %H:%M')}.\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", default=SETS)
    parser.add_argument("--bibdedupe", help="python of a venv with bib-dedupe installed")
    parser.add_argument("--scaling", action="store_true")
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
    results: dict = {"sets": [], "scaling": []}
    for name in args.sets:
        r = run_set(name, args.bibdedupe)
        results["sets"].append(r)
        print(json.dumps({k: v for k, v in r.items() if k != "wrong_merge_examples"}), flush=True)
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

"""Dedupe benchmark: every set in ../shared/dedup through the real user path, scored.

    .venv/bin/python bench/dedupe.py [SET ...] [--bibdedupe /work/bibdedupe-venv/bin/python]
        [--scaling] [--out bench/results-dedupe.json]

Per set: `review import` -> `review dedupe` -> `review query duplicates --format csv` (or
the same SELECT when that query file is absent), scored with ../shared/dedup/score.py.
Times are wall-clock for import+dedupe together and for dedupe alone; peak memory is the
max RSS of the dedupe process. bib-dedupe (prep/block/match/cluster, as its README runs
it) runs in its own venv on the same machine in the same run, for the speed ratio.
``--scaling`` times the library on the first 10k/20k/40k/80k records of depression.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
BIB = """
import sys, time, pandas as pd
from bib_dedupe.bib_dedupe import prep, block, match, cluster
df = pd.read_csv(sys.argv[1], dtype=str)
t = time.time()
pairs = block(prep(df))
matched = match(pairs)
groups = cluster(matched)
print(time.time() - t)
"""


def _data(name: str) -> Path:
    folder = SHARED / name
    return next(
        p
        for p in (folder / "records_pre_merged.csv.gz", folder / "records_pre_merged.csv")
        if p.exists()
    )


def _timed(cmd: list[str]) -> tuple[float, int, str]:
    """Run ``cmd``; wall seconds, peak RSS in MB of that child, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) // 1024, done.stdout


def _prediction(db: Path, out: Path) -> None:
    """`review query duplicates --format csv` mapped to score.py's ID,group columns."""
    if (ROOT / "queries" / "duplicates.sql").exists():
        _, _, text = _timed([*REVIEW, "query", "duplicates", "--db", str(db), "--format", "csv"])
        lines = text.splitlines()
        head = lines[0].split(",")
        sid, wid = head.index("source_id"), head.index("work_id")
        rows = [line.split(",") for line in lines[1:] if line]
        pairs = [(r[sid], r[wid]) for r in rows]
    else:
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        pairs = con.execute("SELECT source_id, work_id FROM records").fetchall()
        con.close()
    out.write_text("ID,group\n" + "".join(f"{a},{b}\n" for a, b in pairs))


def run_set(name: str, bib_python: str | None) -> dict:
    """Import, dedupe, query and score one set; optionally time bib-dedupe on it."""
    with tempfile.TemporaryDirectory() as tmp:
        db, pred = Path(tmp) / "bench.duckdb", Path(tmp) / "pred.csv"
        t_import, _, _ = _timed([*REVIEW, "import", str(_data(name)), "--db", str(db)])
        t_dedupe, peak, _ = _timed([*REVIEW, "dedupe", "--db", str(db)])
        _prediction(db, pred)
        score = subprocess.run(
            [PY, str(SHARED / "score.py"), str(SHARED / name), str(pred), "--json"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        result = {
            "set": name, "import_s": round(t_import, 1), "dedupe_s": round(t_dedupe, 1),
            "total_s": round(t_import + t_dedupe, 1), "peak_mb": peak, **json.loads(score),
        }  # fmt: skip
        if bib_python and name != "special_cases":
            bib_wall, bib_peak, _ = _timed([bib_python, "-c", BIB, str(_data(name))])
            result.update(bibdedupe_s=round(bib_wall, 1), bibdedupe_peak_mb=bib_peak)
            result["speedup"] = round(bib_wall / (t_import + t_dedupe), 1)
    return result


def scaling(sizes: tuple[int, ...] = (10_000, 20_000, 40_000, 79_880)) -> list[dict]:
    """Library time (prepare..cluster) on the first N records of depression."""
    code = (
        "import sys,time,csv,gzip; sys.path.insert(0,'bench'); from dedupe import load_table;"
        "from review.dedupe import link; t=load_table(sys.argv[1], int(sys.argv[2]));"
        "s=time.perf_counter(); link(t); print(time.perf_counter()-s)"
    )
    out = []
    for n in sizes:
        _, peak, text = _timed([PY, "-c", code, str(_data("depression")), str(n)])
        out.append({"records": n, "link_s": round(float(text.strip()), 1), "peak_mb": peak})
    return out


def load_table(path: str, limit: int):  # pragma: no cover - used by scaling()
    """The first ``limit`` records of a benchmark CSV via the project's CSV importer."""
    from review.importers import read_file
    from review.store import records_table

    records = list(read_file(Path(path)).records)[:limit]
    return records_table(records).append_column(
        "work_id", __import__("pyarrow").nulls(len(records))
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", default=SETS)
    parser.add_argument("--bibdedupe", help="python of a venv with bib-dedupe installed")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-dedupe.json"))
    args = parser.parse_args(argv)
    results = {"sets": [], "scaling": []}
    for name in args.sets:
        r = run_set(name, args.bibdedupe)
        results["sets"].append(r)
        print(json.dumps({k: v for k, v in r.items() if k != "wrong_merge_examples"}), flush=True)
    if args.scaling:
        results["scaling"] = scaling()
        print(json.dumps(results["scaling"]), flush=True)
    Path(args.out).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

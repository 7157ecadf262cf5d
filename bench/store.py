"""Bulk-insert rate of the evidence store (target: >= 50,000 records/s for 100k records).

Builds 100k realistic Records (1.2-1.6 KB abstracts, 1-8 authors), then times, separately and
together, the Arrow conversion and ``upsert_records`` into a fresh file, plus a second upsert
of the same records (which must change nothing). Medians of --repeat runs.
Usage: python bench/store.py [--records 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from review import store
from review.record import Record

WORDS = [
    "housing",
    "estate",
    "crime",
    "prevention",
    "randomized",
    "trial",
    "residents",
    "police",
    "community",
    "youth",
    "mentoring",
    "outcome",
    "effect",
    "school",
    "employment",
    "parents",
    "children",
    "neighbourhood",
]


def make_records(n: int, seed: int = 1) -> list[Record]:
    """n distinct records shaped like real API output."""
    rng = random.Random(seed)
    records = []
    for i in range(n):
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(170, 220)))
        records.append(
            Record(
                source="bench", source_id=f"W{i}", doi=f"10.1000/bench.{i}",
                title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))),
                abstract=abstract, year=rng.randint(1990, 2026), venue="Journal of Benchmarks",
                authors=[f"Author{j}, A." for j in range(rng.randint(1, 8))],
                volume=str(rng.randint(1, 60)), pages=f"{i % 900}-{i % 900 + 12}",
            )
        )  # fmt: skip
    return records


def time_once(records: list[Record]) -> tuple[float, float, float]:
    """Seconds for: Arrow conversion, first upsert (incl. conversion), idempotent re-upsert."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        with store.open_store(db) as con:
            start = time.perf_counter()
            store.records_table(records)
            arrow_s = time.perf_counter() - start
            start = time.perf_counter()
            first = store.upsert_records(con, records)
            insert_s = time.perf_counter() - start
            start = time.perf_counter()
            again = store.upsert_records(con, records)
            again_s = time.perf_counter() - start
    assert first.inserted == len(records) and again.unchanged == len(records)
    return arrow_s, insert_s, again_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    records = make_records(args.records)
    print(f"built {len(records)} Records in {time.perf_counter() - start:.1f} s (not timed below)")
    runs = [time_once(records) for _ in range(args.repeat)]
    arrow, insert, again = (statistics.median(col) for col in zip(*runs, strict=True))
    n = len(records)
    print(f"Arrow conversion      median {arrow:6.2f} s  {n / arrow:>10,.0f} records/s")
    print(
        f"upsert, empty table   median {insert:6.2f} s  {n / insert:>10,.0f} records/s"
        " (target 50,000)"
    )
    print(f"re-upsert, unchanged  median {again:6.2f} s  {n / again:>10,.0f} records/s")


if __name__ == "__main__":
    main()

"""The 25 labelled pairs of ../shared/dedup/pairs/test_cases.json are all decided right."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from review.dedupe import link
from review.importers import read_file
from review.store import records_table


def _table(tmp: Path, a: dict[str, Any], b: dict[str, Any]) -> pa.Table:
    """Both records through the real CSV importer, as `review import` would read them."""
    import csv

    fields = sorted({k for r in (a, b) for k in r})
    path = tmp / "pair.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for n, r in enumerate((a, b)):
            writer.writerow({**{k: ("" if v is None else v) for k, v in r.items()}, "ID": f"{n}"})
    records = read_file(path).records
    return records_table(records).append_column("work_id", pa.nulls(len(records), pa.string()))


@pytest.mark.shared
def test_all_labelled_pairs(shared: Callable[..., Path], tmp_path: Path) -> None:
    cases = json.loads(shared("dedup", "pairs", "test_cases.json").read_text())["cases"]
    wrong = []
    for case in cases:
        labels = link(_table(tmp_path, case["record_a"], case["record_b"])).labels
        if bool(labels[0] == labels[1]) != case["expected_duplicate"]:
            wrong.append(case["id"])
    assert len(cases) == 25
    assert wrong == []

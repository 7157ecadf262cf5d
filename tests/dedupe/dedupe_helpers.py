"""Build record tables for dedupe tests from short dicts (our own records, no ../shared)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from review.record import Record
from review.store import records_table


def table(*rows: dict[str, Any]) -> pa.Table:
    """An Arrow records table (plus an empty work_id) from dicts of Record fields."""
    records = [Record(source="t", source_id=str(i), **row) for i, row in enumerate(rows)]
    t = records_table(records)
    return t.append_column("work_id", pa.nulls(len(records), pa.string()))


def same_work(labels: Any, i: int, j: int) -> bool:
    return bool(labels[i] == labels[j])


ARTICLE: dict[str, Any] = {
    "title": "Effects of exercise on depressive symptoms in older adults: a randomised trial",
    "authors": ["Hansen, Anna", "Berg, Ole", "Lund, Kari"],
    "year": 2019,
    "venue": "Journal of Affective Disorders",
    "volume": "250",
    "pages": "120-128",
}

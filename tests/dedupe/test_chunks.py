"""Dedupe in chunks (plan -> decide_chunk per chunk -> finish), as on a Dask cluster, is ``link``.

On invented records (``dedupe_sample``): articles with duplicates and look-alikes. The chunks
travel pickled and are decided in any order; the works, the kept pairs, their decisions and
scores must be ``link``'s exactly, batch and incremental.
"""

from __future__ import annotations

import pickle
import random
from typing import Any

import numpy as np
import pytest
from dedupe_helpers import table
from dedupe_sample import records as sample

from review.dedupe.decide import MERGE, QUEUE, RELATED
from review.dedupe.engine import (
    ChunkResult,
    LinkResult,
    Overrides,
    Plan,
    chunks,
    decide_chunk,
    finish,
    link,
    plan,
)


def _chunked(pl: Plan, size: int, order_seed: int) -> LinkResult:
    """As on a cluster: every chunk pickled there, decided in a shuffled order, pickled back."""
    shipped = [pickle.loads(pickle.dumps(c)) for c in chunks(pl, size)]
    random.Random(order_seed).shuffle(shipped)
    results: list[ChunkResult] = [pickle.loads(pickle.dumps(decide_chunk(c))) for c in shipped]
    return finish(pl, results)


def _same(got: LinkResult, want: LinkResult) -> None:
    np.testing.assert_array_equal(got.labels, want.labels)
    np.testing.assert_array_equal(got.pairs, want.pairs)
    np.testing.assert_array_equal(got.decisions, want.decisions)
    assert got.scores.keys() == want.scores.keys()
    for key, values in want.scores.items():
        np.testing.assert_array_equal(got.scores[key], values)
    assert got.refused == want.refused


@pytest.fixture(scope="module")
def records() -> Any:
    return table(*sample())


def test_the_sample_has_merges_queued_and_related_pairs(records: Any) -> None:
    res = link(records)
    assert {MERGE, QUEUE, RELATED} <= set(res.decisions.tolist())
    works = len(set(res.labels.tolist()))
    assert 40 < works < records.num_rows  # duplicates merged, look-alikes kept apart


@pytest.mark.parametrize("size", [13, 200, 1_000_000])
def test_chunks_decided_anywhere_in_any_order_give_link(records: Any, size: int) -> None:
    pl = plan(records)
    parts = chunks(pl, size)
    assert len(parts) == max(1, -(-len(pl.pairs) // size))
    assert all(len(c.prepared["record_id"]) <= 2 * len(c.pairs) for c in parts)
    _same(_chunked(pl, size, order_seed=size), link(records))


def test_incremental_with_overrides_in_chunks_gives_link(records: Any) -> None:
    """Half the records already have works; reviewers merged, split and isolated some."""
    first = link(records)
    existing = np.array([f"w{label}" for label in first.labels], dtype=object)
    existing[::2] = None
    rid = records.column("record_id").to_pylist()
    a, b = first.pairs_with(MERGE)[0]
    q = first.pairs_with(QUEUE)[0]
    o = Overrides(merge=[(rid[q[0]], rid[q[1]])], split=[(rid[a], rid[b])], isolate={rid[3]})
    want = link(records, existing=existing, overrides=o)
    pl = plan(records, existing=existing, overrides=o)
    for size in (3, 50):
        _same(_chunked(pl, size, order_seed=size), want)


def test_no_pairs_is_one_empty_chunk() -> None:
    one = table({"title": "A lone record about nothing in particular", "year": 2001})
    pl = plan(one)
    parts = chunks(pl, 10)
    assert len(parts) == 1 and len(parts[0].pairs) == 0
    _same(finish(pl, [decide_chunk(parts[0])]), link(one))


def test_finish_refuses_missing_or_repeated_chunks(records: Any) -> None:
    pl = plan(records)
    results = [decide_chunk(c) for c in chunks(pl, 50)]
    assert len(results) > 2
    with pytest.raises(ValueError, match="do not cover"):
        finish(pl, results[1:])
    with pytest.raises(ValueError, match="do not cover"):
        finish(pl, [*results, results[0]])
    with pytest.raises(ValueError, match="at least 1"):
        chunks(pl, 0)

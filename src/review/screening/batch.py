"""Screen many works fast: columnar output, matches JSON from cached fragments, languages ahead.

``run`` screens works in chunks. While one chunk is screened, a worker thread detects the
languages of the next chunk's works that declare none (lingua releases the GIL, so the two
overlap on two cores); decisions are the same as ``screen``'s because ``decide`` is the engine
and a detected language depends on the text only. The matches are written as the exact text
``json.dumps(screen(...).matches, ensure_ascii=False)`` would give, joined from one cached JSON
fragment per distinct (block, term, field), without building a dict per matched term.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from review.screening import language
from review.screening.engine import Work, decide
from review.screening.matcher import Hit
from review.screening.prescreen import Meta
from review.screening.rules import RuleSet

WORKS_PER_CHUNK = 2_000  # small enough that the first chunk's languages come quickly
COLUMNS = ("work_id", "protocol", "decision", "reasons", "matches", "rule_version")
MAX_CACHED_FRAGMENTS = 200_000
_fragments: dict[tuple[str, str, str], str] = {}


def _fragment(key: tuple[str, str, str]) -> str:
    text = _fragments.get(key)
    if text is None:
        text = json.dumps({"block": key[0], "term": key[1], "field": key[2]}, ensure_ascii=False)
        if len(_fragments) < MAX_CACHED_FRAGMENTS:
            _fragments[key] = text
    return text


def matches_json(hits: list[Hit], meta: Meta) -> str:
    """``json.dumps(matches, ensure_ascii=False)`` of ``screen``'s matches, from fragments."""
    parts = [_fragment(hit) for hit in hits]
    for fact in meta.facts:
        if list(fact) == ["block", "term", "field"]:
            parts.append(_fragment((fact["block"], fact["term"], fact["field"])))
        else:  # a fact of another shape: encode it as it is
            parts.append(json.dumps(fact, ensure_ascii=False))
    return "[" + ", ".join(parts) + "]"


def as_work(row: Mapping[str, Any]) -> Work:
    """A pending row of the works table as a Work."""
    return Work(
        title=row["title"], abstract=row["abstract"], keywords=tuple(row["keywords"] or ()),
        language=row["language"], year=row["year"], publication_type=row["publication_type"],
        flags=tuple(row["flags"] or ()), venue=row["venue"],
    )  # fmt: skip


def screen_rows(
    rows: Sequence[Mapping[str, Any]], rules: Mapping[str, RuleSet], counts: dict[str, Any]
) -> dict[str, list[Any]]:
    """Decide every row under its pending protocols; decision columns, ``counts`` updated."""
    out: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    work_ids, protocols, decisions = out["work_id"], out["protocol"], out["decision"]
    reasons_, matches, versions = out["reasons"], out["matches"], out["rule_version"]
    for row in rows:
        work = as_work(row)
        for name in row["pending"]:
            decision, reasons, hits, meta, version = decide(rules[name], work)
            work_ids.append(row["work_id"])
            protocols.append(name)
            decisions.append(decision)
            reasons_.append(reasons)
            matches.append(matches_json(hits, meta))
            versions.append(version)
            per = counts[name]
            per[decision] = per.get(decision, 0) + 1
    return out


def _undeclared(rows: Sequence[Mapping[str, Any]], min_chars: int) -> list[str]:
    texts = (" ".join(part for part in (row["title"], row["abstract"]) if part) for row in rows)
    return [text for row, text in zip(rows, texts, strict=True)
            if row["language"] is None and len(text) >= min_chars]  # fmt: skip


def chunks_with_languages(
    rows: Sequence[Mapping[str, Any]], min_chars: int
) -> Iterator[Sequence[Mapping[str, Any]]]:
    """The rows in chunks; each chunk's undeclared languages are detected before it is yielded.

    Detection runs one chunk ahead in a worker thread; the detections of the chunk being
    yielded are installed for ``detect_language`` and removed when the iteration ends.
    """
    parts = [rows[i : i + WORKS_PER_CHUNK] for i in range(0, len(rows), WORKS_PER_CHUNK)]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="screening-lang") as pool:
        ahead: list[Future[dict[str, str | None]]] = []
        try:
            for index, part in enumerate(parts):
                for later in parts[len(ahead) : index + 2]:
                    ahead.append(pool.submit(language.detect_all, _undeclared(later, min_chars)))
                language.use(ahead[index].result())
                yield part
        finally:
            language.use({})
            for future in ahead:
                future.cancel()

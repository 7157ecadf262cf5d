"""Query-aware page builders for ``bench/sources.py``'s rate-limited servers (used by first_run).

Each builder answers one source's real request parameters and paging protocol statelessly
(the cursor or token carries the offset). What a query finds is drawn from a seeded
distribution by hashing the query string: Boolean sources get a lognormal hit count per
1,000 characters of query (splitting one strategy into more parts then does not inflate its
total), Crossref's bag-of-words queries get a large lognormal total (any word matches, so
the source's own cap is what ends them). PubMed counts stay under its 9,999 paging limit.

Items are real: each hit is a record from ``../shared/apis/<source>/`` (parsed with the
source's own ``parse_page``) with its identifiers replaced by those of a synthetic work
number, so queries overlap when their work ranges do, and a work has the same DOI and title
in every source (cross-source duplicates, as in real life). Titles are redrawn from the
recorded titles' vocabulary so that works are distinct; everything else is the recorded
record (authors, abstract, venue, types, languages).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import random
import re
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from review.sources import SOURCES

# The recorded payloads: ../shared/apis, or REVIEW_SHARED_DIR/apis (as the tests read them).
SHARED = Path(os.environ.get("REVIEW_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
SHARED = SHARED / "apis"
UNIVERSE = 2**20  # synthetic works shared by all sources
STRIDE = 0x9E3779B1 % UNIVERSE | 1  # odd, so k -> work is a bijection modulo UNIVERSE
# source -> (median hits, sigma, per 1,000 query characters?, share of queries with no hit)
HITS: dict[str, tuple[float, float, bool, float]] = {
    "crossref": (50_000, 1.0, False, 0.0),
    "openalex": (1_500, 1.0, True, 0.05),
    "europepmc": (600, 1.0, True, 0.05),
    "pubmed": (350, 1.0, True, 0.05),
    "semanticscholar": (1_500, 1.0, True, 0.05),
    "eric": (40, 1.0, True, 0.05),
}
Args = dict[str, str]


def _unit(*parts: object) -> float:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") + 0.5) / 2**64


def hits(source: str, text: str) -> int:
    """The deterministic number of works ``text`` finds in ``source``."""
    median, sigma, per_kchar, zero = HITS[source]
    if _unit(source, text, "zero") < zero:
        return 0
    z = statistics.NormalDist().inv_cdf(_unit(source, text))
    scale = max(len(text), 1) / 1000 if per_kchar else 1.0
    total = round(median * scale * math.exp(sigma * z))
    return min(total, 9_999) if source == "pubmed" else total


def works(text: str, offset: int, count: int) -> list[int]:
    """Work numbers at result positions ``offset .. offset+count`` (distinct within a query)."""
    base = int(_unit("base", text) * UNIVERSE)
    return [((base + k) * STRIDE) % UNIVERSE for k in range(offset, offset + count)]


@cache
def pool(source: str) -> list[Any]:
    """Every item of the recorded payloads that the source's own parser and mapper accept."""
    module, items = SOURCES[source], []
    for path in sorted((SHARED / source).glob("*")):
        if path.suffix not in {".json", ".xml"}:
            continue
        try:
            found = module.parse_page(path.read_bytes()).items
        except Exception:  # error bodies, other APIs' bodies in a shared cassette
            continue
        for item in found:
            try:
                module.to_record(item)
            except Exception:
                continue
            items.append(item if isinstance(item, dict) else ET.tostring(item))
    if not items:  # checked before any server starts (see ``load``)
        raise SystemExit(f"no recorded {source} payloads under {SHARED / source}")
    return items


@cache
def vocabulary() -> list[str]:
    """Words of four letters or more from every recorded title."""
    words: set[str] = set()
    for source in HITS:
        for item in pool(source):
            parsed = ET.fromstring(item) if isinstance(item, bytes) else item
            title = SOURCES[source].to_record(parsed).title or ""
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", title))
    return sorted(words)


def load() -> None:
    """Read every pool now: a missing ../shared must stop the benchmark, not each request."""
    vocabulary()


def title(work: int) -> str:
    chosen = random.Random(work).sample(vocabulary(), 8)
    return " ".join(chosen).capitalize()


def doi(work: int) -> str:
    return f"10.5555/bench.{work}"


def _item(source: str, work: int) -> Any:
    found = pool(source)
    return copy.copy(found[work % len(found)])


def _cursor_page(args: Args, source: str, keys: tuple[str, str, str]) -> tuple[int, int, list[int]]:
    """(hits, offset, works on this page) for a cursor API; ``keys`` name the query, page size
    and cursor parameters. Our cursors carry the offset (``o200``); ``*`` starts."""
    text, rows, cursor = (args.get(key, default) for key, default in zip(keys, ("", "25", "*"),
                                                                          strict=True))  # fmt: skip
    found, offset = hits(source, text), 0 if cursor == "*" else int(cursor.removeprefix("o"))
    return found, offset, works(text, offset, max(0, min(int(rows), found - offset)))


def crossref(args: Args, n: int, total: int) -> dict[str, Any]:
    found, offset, page = _cursor_page(args, "crossref", ("query.bibliographic", "rows", "cursor"))
    items = []
    for work in page:
        item = _item("crossref", work)
        item.update(DOI=doi(work), title=[title(work)])
        items.append(item)
    message = {"total-results": found, "items": items, "items-per-page": int(args["rows"]),
               "next-cursor": f"o{offset + len(items)}"}  # fmt: skip
    return {"status": "ok", "message-type": "work-list", "message": message}


def openalex(args: Args, n: int, total: int) -> dict[str, Any]:
    found, offset, page = _cursor_page(args, "openalex", ("filter", "per_page", "cursor"))
    results = []
    for work in page:
        item, ident = _item("openalex", work), f"https://openalex.org/W{work}"
        url = f"https://doi.org/{doi(work)}"
        item.update(id=ident, doi=url, ids={"openalex": ident, "doi": url}, title=title(work),
                    display_name=title(work))  # fmt: skip
        results.append(item)
    after = offset + len(results)
    return {"meta": {"count": found, "next_cursor": f"o{after}" if after < found else None},
            "results": results}  # fmt: skip


def europepmc(args: Args, n: int, total: int) -> dict[str, Any]:
    found, offset, page = _cursor_page(args, "europepmc", ("query", "pageSize", "cursorMark"))
    results = []
    for work in page:
        item = _item("europepmc", work)
        item.update(id=str(work), source="MED", pmid=str(work), doi=doi(work), title=title(work))
        results.append(item)
    reply: dict[str, Any] = {"hitCount": found, "resultList": {"result": results}}
    if offset + len(results) < found:
        reply["nextCursorMark"] = f"o{offset + len(results)}"
    return reply


def eric(args: Args, n: int, total: int) -> dict[str, Any]:
    text, start, rows = args.get("search", ""), int(args.get("start", 0)), int(args["rows"])
    found = hits("eric", text)
    docs = []
    for work in works(text, start, max(0, min(rows, found - start))):
        item = _item("eric", work)
        item.update(id=f"EJ{work}", title=title(work))
        item.pop("url", None)
        if work % 2 == 0:  # about half of ERIC's records link a DOI
            item["url"] = f"https://doi.org/{doi(work)}"
        docs.append(item)
    return {"response": {"numFound": found, "start": start, "numFoundExact": True, "docs": docs}}


def semanticscholar(args: Args, n: int, total: int) -> dict[str, Any]:
    text, offset = args.get("query", ""), int(args.get("token", "o0").removeprefix("o"))
    found = hits("semanticscholar", text)
    data = []
    for work in works(text, offset, max(0, min(1000, found - offset))):
        item = _item("semanticscholar", work)
        item.update(paperId=f"{work:040x}", externalIds={"DOI": doi(work), "CorpusId": work},
                    title=title(work))  # fmt: skip
        data.append(item)
    after = offset + len(data)
    return {"total": found, "data": data, **({"token": f"o{after}"} if after < found else {})}


def pubmed(args: Args, n: int, total: int) -> bytes:
    if "term" in args:  # esearch with usehistory: the WebEnv carries the query's identity
        found, key = hits("pubmed", args["term"]), hashlib.sha1(args["term"].encode()).hexdigest()
        return (f"<eSearchResult><Count>{found}</Count><RetMax>0</RetMax><RetStart>0</RetStart>"
                f"<QueryKey>1</QueryKey><WebEnv>{found}_{key}</WebEnv><IdList/>"
                "</eSearchResult>").encode()  # fmt: skip
    count, key = args["WebEnv"].split("_", 1)
    start, rows = int(args["retstart"]), int(args["retmax"])
    articles = [_pubmed_article(work) for work in works(key, start, min(rows, int(count) - start))]
    return b"<PubmedArticleSet>" + b"".join(articles) + b"</PubmedArticleSet>"


def _pubmed_article(work: int) -> bytes:
    element = ET.fromstring(_item("pubmed", work))
    for pmid in element.iter("PMID"):
        pmid.text = str(work)
    for node in element.iter():
        if node.tag in {"ArticleId", "ELocationID"} and "doi" in node.attrib.values():
            node.text = doi(work)
        if node.tag in {"ArticleTitle", "BookTitle"}:
            node.text, node[:] = title(work), []
    return ET.tostring(element)


BUILDERS: dict[str, Callable[[Args, int, int], dict[str, Any] | bytes]] = {
    "crossref": crossref, "openalex": openalex, "europepmc": europepmc, "eric": eric,
    "semanticscholar": semanticscholar, "pubmed": pubmed,
}  # fmt: skip


def check() -> None:
    """Each builder's first page parses with the source's own parser (a smoke test)."""
    sample = {"crossref": {"query.bibliographic": "x", "rows": "5"}, "openalex": {"filter": "x",
              "per_page": "5"}, "europepmc": {"query": "x" * 2000, "pageSize": "5"},
              "eric": {"search": "x" * 20000, "rows": "5"}, "semanticscholar": {"query": "x" * 900},
              "pubmed": {"term": "x" * 3000}}  # fmt: skip
    for name, builder in BUILDERS.items():
        page = builder(sample[name], 1, 0)
        body = page if isinstance(page, bytes) else json.dumps(page).encode()
        print(
            name,
            len(pool(name)),
            "recorded items;",
            hits(name, "x"),
            "hits for 'x';",
            len(SOURCES[name].parse_page(body).items) if name != "pubmed" else "esearch ok",
        )


if __name__ == "__main__":
    check()

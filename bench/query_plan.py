"""What the query plan costs and what it keeps, per protocol: no network, no servers.

    .venv/bin/python bench/query_plan.py

Prints ``review.sources.plan.format_plans`` for every protocol x source, then for Crossref
the recall proxies that can be measured without the real API: how many of the old
setting-term x intervention-term pair queries have all their words inside one new query
(coverage; the rest would be lost), how many old pairs share one new query (they share its
``TOP_N`` places), and the words per query. Real recall needs the real, relevance-ranked API.
"""

from __future__ import annotations

import itertools
import statistics

from review.protocol import load_protocols
from review.sources import SOURCES, crossref
from review.sources.plan import format_plans, plans
from review.sources.query import words


def crossref_recall_proxies() -> list[dict[str, object]]:
    rows = []
    for protocol in load_protocols():
        setting, intervention = protocol.search.blocks[0], protocol.search.blocks[1]
        old = {
            frozenset(words(a)) | frozenset(words(b))
            for a, b in itertools.product(setting.terms, intervention.terms)
        }
        sent = [set(q.text.split()) for q in crossref.translate(protocol)]
        shared = [sum(pair <= query for pair in old) for query in sent]
        covered = sum(any(pair <= query for query in sent) for pair in old)
        rows.append({
            "protocol": protocol.name, "old queries": len(old),
            "old words per query": f"{statistics.mean(map(len, old)):.1f}",
            "new queries": len(sent),
            "old pairs covered": f"{covered}/{len(old)}",
            "pairs per query (mean, max)": f"{statistics.mean(shared):.1f}, {max(shared)}",
            "words per query (mean, max)":
                f"{statistics.mean(map(len, sent)):.1f}, {max(map(len, sent))}",
            "places per old pair": round(crossref.TOP_N / statistics.mean(shared)),
        })  # fmt: skip
    return rows


def main() -> None:
    print(format_plans(plans(load_protocols(), list(SOURCES))))
    print()
    rows = crossref_recall_proxies()
    header = list(rows[0])
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[k]) for k in header))
    print("(old: one query per pair, kept to its top 200: 200 places per pair)")


if __name__ == "__main__":
    main()

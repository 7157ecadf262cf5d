"""A sample of invented records for dedupe: articles, their duplicates and look-alikes.

Duplicates differ by case, venue abbreviation, author format or a second DOI; look-alikes are
comments, errata, preprints, series parts and page clashes. Plain dicts of ``Record`` fields
(no test imports), so flow tests load this file too.
"""

from __future__ import annotations

import random
from typing import Any

TOPICS = ["exercise", "sleep", "fish oil", "mindfulness", "vitamin D", "school meals",
          "peer mentoring", "cash transfers", "text reminders", "group therapy"]  # fmt: skip
OUTCOMES = ["depressive symptoms", "reoffending", "anxiety", "school attendance", "falls"]
GROUPS = ["older adults", "adolescents", "prisoners", "pregnant women"]
SURNAMES = ["Hansen", "Berg", "Lund", "Okafor", "Amadi", "Lindqvist", "Dahl", "Moe", "Vries",
            "Novak", "Silva", "Tanaka"]  # fmt: skip
VENUES = [("Journal of Affective Disorders", "J Affect Disord"),
          ("British Journal of Criminology", "Br J Criminol"),
          ("Preventive Medicine", "Prev Med")]  # fmt: skip


def _article(k: int, rng: random.Random) -> dict[str, Any]:
    names = rng.sample(SURNAMES, 3)
    venue = VENUES[k % len(VENUES)][0]
    start = rng.randrange(1, 900)
    return {
        "title": f"Effects of {TOPICS[k % 10]} on {OUTCOMES[k % 5]} in {GROUPS[k % 4]}: "
        f"a {'randomised trial' if k % 2 else 'cohort study'} ({k})",
        "authors": [f"{n}, {chr(65 + i)}." for i, n in enumerate(names)],
        "year": 2010 + k % 12,
        "venue": venue,
        "volume": str(10 + k),
        "issue": str(1 + k % 4),
        "pages": f"{start}-{start + 9}",
        "doi": f"10.5555/test.{k}" if k % 3 == 0 else None,
    }


def _variants(a: dict[str, Any], k: int) -> list[dict[str, Any]]:
    """Duplicates of ``a`` and look-alikes that are not; which ones depends on ``k``."""
    short = dict(VENUES)[a["venue"]]
    surnames = [name.split(",")[0] for name in a["authors"]]
    out = [
        {**a, "title": a["title"].upper(), "venue": short},  # duplicate
        {**a, "authors": [f"{n} {chr(65 + i)}" for i, n in enumerate(surnames)]},  # duplicate
        {**a, "title": "Comment on: " + a["title"], "pages": str(900 + k), "doi": None},
    ]
    if k % 2 == 0:
        out.append({**a, "title": "Erratum: " + a["title"], "pages": "1001", "doi": None})
    if k % 3 == 1:
        out.append({**a, "venue": "medRxiv", "volume": None, "issue": None, "pages": None,
                    "publication_type": "preprint", "year": a["year"] - 1})  # fmt: skip
    if k % 4 == 0:
        out.append({**a, "title": a["title"] + " Part 2", "pages": "500-509"})
    if k % 5 == 0:  # same title and authors, other pages and issue: the review queue
        out.append({**a, "issue": "9", "pages": "700-711", "doi": None})
    if k % 6 == 0:  # another DOI on an otherwise identical record
        out.append({**a, "doi": f"10.5555/other.{k}"})
    return out


def records(n: int = 40, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` articles with their variants, shuffled."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for k in range(n):
        a = _article(k, rng)
        rows += [a, *_variants(a, k)]
    rng.shuffle(rows)
    return rows

"""Recurring titles: genericity decided from the data, not only from a list of genre words.

A journal's house titles ("Editor's Comments", "Remarks from the Editor", "Introduction to
the minitrack on ...") are in no fixed list, but the records show them: the same title in
three or more issues of one volume, in three or more years of one venue, or in three or more
unrelated venues that do not share its pages or DOI. The copies of one work never look like
that, however many databases exported it: they share the venue's volume and issue (or leave
them out), and their years are at most one apart. Such a title does not identify a work, so
it is treated like "Editorial": a shared identifier or the place must agree before two
records merge. Two items alone are not "recurring": a typo in a year or an issue makes two
as easily.
"""

from __future__ import annotations

import numpy as np

from review.dedupe.evidence import VENUE_AGREES, VENUE_VERBATIM
from review.dedupe.prepare import Prepared
from review.dedupe.text import venue_similarity

SEVERAL = 3  # distinct issues, years or venues that make a title recurring
# Past this many records one title is not one work's copies (no work is exported so often).
MOST_COPIES = 40


def _venues(p: Prepared, rows: list[int], cache: dict[tuple[str, str], float], least: float
            ) -> list[list[int]]:  # fmt: skip
    """``rows`` with a known venue, grouped by venue (similarity >= ``least`` to the group's
    first venue)."""
    groups: list[list[int]] = []
    for r in rows:
        venue = p["venue"][r]
        if not venue:
            continue
        for g in groups:
            first = p["venue"][g[0]]
            key = (venue, first) if venue <= first else (first, venue)
            if key not in cache:
                cache[key] = venue_similarity(*key)
            if cache[key] >= least:
                g.append(r)
                break
        else:
            groups.append([r])
    return groups


def _apart_venues(p: Prepared, groups: list[list[int]]) -> int:
    """How many venue groups hold different items: groups sharing a first page or a DOI
    are one item under several venue names (a book chapter and its series, a journal and
    its supplement series)."""
    seen: list[set[str]] = []
    for rows in groups:
        marks = {f"p{p['page_start'][r]}" for r in rows if p["page_start"][r]}
        marks |= {f"d{p['doi'][r]}" for r in rows if p["doi"][r]}
        if not any(marks & other for other in seen):
            seen.append(marks)
    return len(seen)


def _recurs_in(p: Prepared, rows: list[int]) -> bool:
    """Whether records of one title in one venue are several items (issues or years)."""
    years = {int(p["year"][r]) for r in rows if p["year"][r] >= 0}
    if len(years) >= SEVERAL:
        return True
    issues: dict[str, set[str]] = {}
    for r in rows:
        if p["volume"][r] and p["issue"][r]:
            issues.setdefault(p["volume"][r], set()).add(p["issue"][r])
    return any(len(found) >= SEVERAL for found in issues.values())


def recurring(p: Prepared) -> np.ndarray:
    """Per record, whether its title recurs on several items (see the module doc). Titles
    already generic (genre words, too short) are left as they are."""
    by_title: dict[str, list[int]] = {}
    for i, (title, generic) in enumerate(zip(p["title"], p["generic"], strict=True)):
        if title and not generic:
            by_title.setdefault(title, []).append(i)
    out = np.zeros(len(p["title"]), dtype=bool)
    cache: dict[tuple[str, str], float] = {}
    for rows in by_title.values():
        if len(rows) < SEVERAL:
            continue
        unrelated = _venues(p, rows, cache, VENUE_AGREES)
        same = _venues(p, rows, cache, VENUE_VERBATIM)
        several = len(rows) > MOST_COPIES or _apart_venues(p, unrelated) >= SEVERAL
        if several or any(_recurs_in(p, group) for group in same):
            out[rows] = True
    return out

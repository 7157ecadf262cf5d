"""The named dedupe rules: each rule made for a class of records can be switched off by name.

Production runs use every rule. A benchmark passes ``disabled`` to ``engine.link``/``plan``
to measure what one rule is worth (ablation); tests use it to show that a trap fails without
its rule. ``docs/dedupe.md`` explains each rule with its figures.
"""

from __future__ import annotations

from collections.abc import Iterable

RULES: dict[str, str] = {
    "recurring_title": "a title recurring on clearly different items of one venue, or in "
    "three unrelated venues, is generic: never enough alone",
    "issue_clash": "same volume, different issue: different items unless a DOI or the pages agree",
    "generic_same_issue": "a generic title with the same venue, volume, issue and authors "
    "goes to the review queue",
    "doi_abstract_veto": "a shared DOI does not join a one-page or supplement abstract in "
    "another venue to the article (queued instead)",
    "conference_venue": "a conference's acronym (+ that year's theme) is its full name",
    "conference_ssrn": "an SSRN/preprint DOI on a conference paper does not make it a preprint",
    "swapped_names": "given and family names swapped on one side still match",
    "cut_authors": "an author list cut to its first names counts as the same list",
    "provisional_pages": "provisional online-first pages never clash with the printed ones",
    "article_number": 'an article number in the issue field (Embase "A5316") is the page; '
    'the issue is then the one in the volume ("64 (1) (no pagination)")',
    "roman_pages": 'front-matter pages in roman numerals ("vii-xiii") are pages',
    "doi_moved": "two DOIs with one suffix under two prefixes (a journal that moved "
    "publisher) do not clash",
    "year_typo": "years apart do not clash when title, author list, volume, issue and pages "
    "are all the same",
    "translated_title": "another-language title on exactly the same venue, volume, issue, "
    "pages, authors and year is the same article",
}


def check(disabled: Iterable[str]) -> frozenset[str]:
    """The rule names as a set; an unknown name is a ValueError (a typo would otherwise
    silently measure nothing)."""
    names = frozenset(disabled)
    unknown = sorted(names - RULES.keys())
    if unknown:
        raise ValueError(f"unknown dedupe rule(s) {unknown}; known: {sorted(RULES)}")
    return names

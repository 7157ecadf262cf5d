"""Traps for the record classes that failed on unseen benchmark sets (issue 11).

CONSTRUCTED: every record in this file is invented (names, titles, venues, DOIs); none is
copied from a real export or from ../shared. Each class has traps that must merge or must stay
apart, plus the look-alike neighbours that a too-eager rule would merge.

A trap names the rule it needs (or the rules, when two each suffice);
``test_the_trap_fails_without_its_rule`` switches them off (``link(..., disabled=...)``) and
checks the trap then fails, so no rule here is dead weight and no trap passes by accident.
Neighbours name no rule: they must hold either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from dedupe_helpers import same_work, table

from review.dedupe import link
from review.dedupe.decide import QUEUE
from review.dedupe.rules import RULES


@dataclass
class Trap:
    name: str
    rule: str | tuple[str, ...] | None  # the rule(s) it needs (None: a neighbour)
    records: list[dict[str, Any]]
    same: list[tuple[int, int]] = field(default_factory=list)
    apart: list[tuple[int, int]] = field(default_factory=list)
    queued: list[tuple[int, int]] = field(default_factory=list)


def _holds(trap: Trap, disabled: frozenset[str] = frozenset()) -> bool:
    res = link(table(*trap.records), disabled=disabled)
    queue = {tuple(sorted(map(int, p))) for p in res.pairs_with(QUEUE)}
    return (
        all(same_work(res.labels, i, j) for i, j in trap.same)
        and not any(same_work(res.labels, i, j) for i, j in trap.apart)
        and all(tuple(sorted(p)) in queue for p in trap.queued)
    )


# Class 1: a journal's recurring editor's column, one per issue, no pages.
COLUMN = {"title": "Editor's Comments", "authors": ["Okonkwo, Adaeze"], "year": 2017,
          "venue": "Quarterly Journal of Information Management", "volume": "41"}  # fmt: skip
ISSUES = [{**COLUMN, "issue": str(n)} for n in (1, 2, 3, 4)]
INTRO = {"title": "Editorial introduction: the state of the discipline",
         "authors": ["Brenner, Katrin", "Oduya, Femi"],
         "venue": "Journal of Digital Organisation"}  # fmt: skip
MINITRACK = {"title": "Introduction to the minitrack on platform work and algorithmic control",
             "authors": ["Lindgren, Sara", "Mbeki, Thabo"], "venue": "Proceedings of the "
             "Annual Hawaii International Conference on System Sciences",
             "publication_type": "conference-paper"}  # fmt: skip

# Class 2: a meeting abstract in another journal's supplement carrying the article's DOI.
ARTICLE = {"title": "Ketamine infusion for treatment-resistant depression in adolescents: a "
           "randomised controlled trial", "authors": ["Varga, Eszter", "Hollis, Ben",
           "Quist, Laila"], "year": 2019, "venue": "Journal of Adolescent Mood Disorders",
           "volume": "12", "issue": "3", "pages": "201-212",
           "doi": "10.5555/jamd.2019.0312"}  # fmt: skip
ABSTRACT = {**ARTICLE, "venue": "European Journal of Neuropsychiatric Medicine", "volume":
            "29 Suppl 4", "issue": None, "pages": "S418", "year": 2018}  # fmt: skip

# Class 3: one conference paper exported by two databases.
CONF = {"title": "Trust cues in sharing economy platforms - the effect of host photos on "
        "booking decisions", "authors": ["Schmidt, Maria", "Okafor, Daniel"], "year": 2019,
        "venue": "International Conference on Information Systems",
        "publication_type": "conference-paper"}  # fmt: skip
CONF_COPY = {**CONF, "title": CONF["title"].replace(" - ", ": ")}
THEME = "ICIS : Making Digital Inclusive: Blending the Local and the Global"

# Class 4: the original-language title on one side, the English translation on the other.
GERMAN = {"title": "Körperliche Aktivität und depressive Symptome im höheren Lebensalter: "
          "eine randomisierte Studie", "authors": ["Brandauer, Jens", "Kowalczyk, Ewa",
          "Hüttner, Lea"], "year": 2018, "venue": "Zeitschrift für Gerontopsychiatrie",
          "volume": "31", "issue": "4", "pages": "212-219",
          "doi": "10.5555/zgp.2018.0412"}  # fmt: skip
ENGLISH = {**GERMAN, "title": "Physical activity and depressive symptoms in old age: a "
           "randomised study", "authors": ["Brandauer, J", "Kowalczyk, E", "Huttner, L"],
           "venue": "Z Gerontopsychiatr", "pages": "212-9", "doi": None}  # fmt: skip

# Class 5: co-author lists cut to the first author, or to three.
TEAM = {"title": "Digital nudging in online grocery shopping: a field experiment on healthy "
        "food choices", "authors": ["Andersen, Mette", "Nielsen, Lars", "Hansen, Sofie",
        "Larsen, Peter", "Jensen, Ida", "Poulsen, Karl"], "year": 2021, "venue":
        "Journal of Consumer Information Systems", "volume": "22", "issue": "3",
        "pages": "601-630"}  # fmt: skip

TRAPS = [
    # -- class 1 --------------------------------------------------------------------------
    Trap(
        "editor's column in every issue of a volume stays four items",
        ("issue_clash", "recurring_title"),
        ISSUES,
        apart=[(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)],
    ),
    Trap(
        "the column in two issues under a title spelt two ways stays two items",
        "issue_clash",
        [ISSUES[0], {**ISSUES[1], "title": "Editor's Comment"}],
        apart=[(0, 1)],
    ),
    Trap(
        "a copy of the column without its issue joins none of them",
        "recurring_title",
        [*ISSUES[:3], {**COLUMN}],
        apart=[(0, 3), (1, 3), (2, 3)],
    ),
    Trap(
        "a house title recurring over volumes is generic: an unplaced copy joins none",
        "recurring_title",
        [{**INTRO, "year": 2015 + n, "volume": str(30 + n), "issue": "1"} for n in range(3)]
        + [{**INTRO, "year": 2016}],
        apart=[(1, 3)],
    ),
    Trap(
        "an annual minitrack introduction, same title and chairs, is a new item each year",
        "recurring_title",
        [{**MINITRACK, "year": y} for y in (2021, 2022, 2023)],
        apart=[(0, 1), (1, 2), (0, 2)],
    ),
    Trap(
        "the same column from two databases, same issue, goes to the queue",
        "generic_same_issue",
        [*ISSUES, {**ISSUES[1], "venue": "Q J Inf Manag"}],
        apart=[(0, 1), (1, 2), (1, 4)],
        queued=[(1, 4)],
    ),
    Trap(
        "neighbour: two issues only: the same issue from two databases is one item",
        None,
        [*ISSUES[:2], {**ISSUES[1], "venue": "Q J Inf Manag"}],
        same=[(1, 2)],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: the column with a shared DOI is one item",
        None,
        [
            *ISSUES,
            {**ISSUES[1], "doi": "10.5555/qjim.41.2.01"},
            {**ISSUES[1], "doi": "10.5555/qjim.41.2.01", "venue": "Q J Inf Manag"},
        ],
        same=[(4, 5)],
        apart=[(0, 4), (2, 4)],
    ),
    Trap(
        "an article number exported as the issue is no issue clash",
        "article_number",
        [
            {**ARTICLE, "doi": None, "pages": None},
            {
                **ARTICLE,
                "doi": None,
                "pages": None,
                "volume": "12 (3) (no pagination)",
                "issue": "A5316",
            },
        ],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: an issue typo is overruled by the same pages",
        None,
        [{**ARTICLE, "doi": None}, {**ARTICLE, "doi": None, "issue": "4"}],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: an article in three databases is not a recurring title",
        None,
        [
            ARTICLE,
            {**ARTICLE, "doi": None, "venue": "J Adolesc Mood Disord", "issue": None},
            {**ARTICLE, "doi": None, "pages": None, "volume": None, "issue": None},
        ],
        same=[(0, 1), (0, 2)],
    ),
    # -- class 2 --------------------------------------------------------------------------
    Trap(
        "a supplement abstract in another journal with the article's DOI is queued",
        "doi_abstract_veto",
        [ARTICLE, ABSTRACT],
        apart=[(0, 1)],
        queued=[(0, 1)],
    ),
    Trap(
        "the same, same year and a one-page abstract without 'Suppl'",
        "doi_abstract_veto",
        [ARTICLE, {**ABSTRACT, "volume": "29", "pages": "418", "year": 2019}],
        apart=[(0, 1)],
    ),
    Trap(
        "the same, the abstract's volume missing, a year before the article",
        "doi_abstract_veto",
        [ARTICLE, {**ABSTRACT, "volume": None, "issue": "Suppl 4"}],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: a DOI-only record joins the article, not the abstract via it",
        None,
        [ARTICLE, {"title": ARTICLE["title"], "doi": ARTICLE["doi"], "year": 2019}],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: a journal under two names, an e-locator page, the same DOI, merges",
        None,
        [
            {**ARTICLE, "venue": "Acta Medica Nordica (Oslo)", "pages": "e2522"},
            {**ARTICLE, "venue": "Acta Medica Nordica (Norway)", "pages": None},
        ],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: the same DOI, the venue abbreviated, a lone first page, merges",
        None,
        [ARTICLE, {**ARTICLE, "venue": "J Adolesc Mood Disord", "pages": "201"}],
        same=[(0, 1)],
    ),
    # -- class 3 --------------------------------------------------------------------------
    Trap(
        "a conference paper: acronym with theme, year + 1, swapped names, pages, SSRN DOI",
        "conference_venue",
        [
            {**CONF, "doi": "10.2139/ssrn.3456789"},
            {
                **CONF_COPY,
                "venue": THEME,
                "year": 2020,
                "authors": ["Maria, S.", "Okafor, Daniel"],
                "pages": "1--15",
            },
        ],
        same=[(0, 1)],
    ),
    Trap(
        "conference acronym with the year",
        "conference_venue",
        [CONF, {**CONF_COPY, "venue": "ICIS 2019 Proceedings"}],
        same=[(0, 1)],
    ),
    Trap(
        "a composite acronym (AMCIS: Americas Conference ...)",
        "conference_venue",
        [
            {**CONF, "venue": "Americas Conference on Information Systems"},
            {**CONF_COPY, "venue": "AMCIS 2019 Proceedings"},
        ],
        same=[(0, 1)],
    ),
    Trap(
        "given and family names swapped on one side",
        "swapped_names",
        [CONF, {**CONF_COPY, "authors": ["Maria, S.", "Daniel, O."]}],
        same=[(0, 1)],
    ),
    Trap(
        "a lone author written given name first",
        "swapped_names",
        [{**CONF, "authors": ["Schmidt, Maria"]}, {**CONF, "authors": ["Maria Schmidt"]}],
        same=[(0, 1)],
    ),
    Trap(
        "an SSRN DOI on the conference paper does not make it a preprint",
        "conference_ssrn",
        [CONF, {**CONF_COPY, "doi": "10.2139/ssrn.3456789", "pages": "1--15"}],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: two papers of one conference with similar titles stay apart",
        None,
        [
            CONF,
            {
                **CONF,
                "title": "Trust cues in sharing economy platforms - the effect of "
                "guest reviews on booking decisions",
            },
        ],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: the same names but another given name are other people",
        None,
        [CONF, {**CONF_COPY, "authors": ["Maria, T.", "Daniel, O."], "year": 2020}],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: two people sharing a given name and an initial are not swapped",
        None,
        [
            {**CONF, "authors": ["Sanchez, Maria"]},
            {**CONF_COPY, "authors": ["Schmidt, Maria"], "year": 2020, "venue": THEME},
        ],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: another conference's acronym is another venue",
        None,
        [CONF, {**CONF_COPY, "venue": "ECIS 2019 Proceedings", "year": 2020}],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: a journal named by a journal acronym plus a word is another journal",
        None,
        [
            {**ARTICLE, "doi": None, "venue": "British Medical Journal"},
            {**ARTICLE, "doi": None, "venue": "BMJ Open", "pages": None},
        ],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: the follow-up paper next year with a longer title stays apart",
        None,
        [
            {**CONF, "title": "Cognitive load and security alerts"},
            {
                **CONF_COPY,
                "title": "Cognitive load and security alerts: investigating human errors",
                "year": 2020,
                "venue": "ICIS 2020 Proceedings",
            },
        ],
        apart=[(0, 1)],
    ),
    # -- class 4 --------------------------------------------------------------------------
    Trap(
        "a German title and its English translation in the same issue and pages",
        "translated_title",
        [GERMAN, ENGLISH],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: a different English paper in the same issue stays apart",
        None,
        [
            GERMAN,
            {
                **ENGLISH,
                "pages": "220-227",
                "title": "Loneliness and sleep in nursing home residents",
                "authors": ["Petrov, Ivan"],
            },
        ],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: the same team's other paper in the same issue stays apart",
        None,
        [
            GERMAN,
            {
                **ENGLISH,
                "pages": "220-227",
                "title": "Loneliness and sleep in nursing home residents",
            },
        ],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: a translation without the issue is not placed strongly enough",
        None,
        [{**GERMAN, "issue": None}, {**ENGLISH, "issue": None}],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: an English paper on the same pages of another volume stays apart",
        None,
        [GERMAN, {**ENGLISH, "volume": "32", "year": 2019}],
        apart=[(0, 1)],
    ),
    # -- class 5 --------------------------------------------------------------------------
    Trap(
        "authors cut to the first, online-first pages and year before print",
        "provisional_pages",
        [
            TEAM,
            {
                **TEAM,
                "authors": ["Andersen, M."],
                "year": 2020,
                "volume": None,
                "issue": None,
                "pages": "1-30",
            },
        ],
        same=[(0, 1)],
    ),
    Trap(
        "authors cut to the first, the same DOI, the title in the original language",
        "cut_authors",
        [
            {**TEAM, "doi": "10.5555/jcis.2021.0307"},
            {
                **TEAM,
                "doi": "10.5555/jcis.2021.0307",
                "issue": None,
                "authors": ["Andersen, M."],
                "title": "Digitale skub i online "
                "dagligvarehandel: et felteksperiment om sunde madvalg",
            },
        ],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: authors cut to three, a subtitle dropped, the same place",
        None,
        [
            TEAM,
            {
                **TEAM,
                "authors": TEAM["authors"][:3],
                "issue": None,
                "title": "Digital nudging in online grocery shopping",
            },
        ],
        same=[(0, 1)],
    ),
    Trap(
        "online-first pages do not clash with the printed ones",
        "provisional_pages",
        [
            {**TEAM, "authors": [TEAM["authors"][0], "Berg, Ole", *TEAM["authors"][1:]]},
            {**TEAM, "year": 2020, "volume": None, "issue": None, "pages": "1-30"},
        ],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: a cut list is not the same list for a copy on other pages",
        None,
        [TEAM, {**TEAM, "authors": TEAM["authors"][:3], "pages": "17-46", "issue": None}],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: the lead author's other paper on other pages stays apart",
        None,
        [
            TEAM,
            {
                **TEAM,
                "authors": ["Andersen, M."],
                "title": "Digital nudging in online grocery shopping: a replication",
                "pages": "631-650",
            },
        ],
        apart=[(0, 1)],
    ),
    Trap(
        "neighbour: a cut list under another lead author stays apart",
        None,
        [TEAM, {**TEAM, "authors": ["Nielsen, L."], "pages": "17-46", "issue": None}],
        apart=[(0, 1)],
    ),
]


# Export errors the classes above run into (front matter, moved journals, a page as the year).
MOVED = {**ARTICLE, "doi": "10.3109/15629970903131597", "venue": "Nordic Journal of Mood"}
TRAPS += [
    Trap(
        "a guest editorial's roman pages agree with its copy's",
        "roman_pages",
        [
            {
                **TEAM,
                "title": "Guest editorial: digital platforms and the future of work",
                "pages": "vii-xiii",
                "doi": "10.5555/jcis.2021.0300",
            },
            {
                **TEAM,
                "title": "Digital platforms and the future of work",
                "pages": "vii-xiii",
                "venue": "J Consum Inf Syst",
            },
        ],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: two issues' front matter on other roman pages stays apart",
        None,
        [
            {**TEAM, "title": "Digital platforms and the future of work", "pages": "vii-xiii"},
            {
                **TEAM,
                "title": "Digital platforms and the future of care",
                "pages": "v-ix",
                "issue": "4",
            },
        ],
        apart=[(0, 1)],
    ),
    Trap(
        "a journal that moved publisher: one DOI suffix under two prefixes",
        "doi_moved",
        [MOVED, {**MOVED, "doi": "10.1080/15629970903131597", "pages": None}],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: a short shared suffix under two prefixes is no evidence",
        None,
        [{**MOVED, "doi": "10.1000/123"}, {**MOVED, "doi": "10.2000/123", "pages": None}],
        apart=[(0, 1)],
    ),
    Trap(
        "a page read as the year: everything else word for word",
        "year_typo",
        [{**TEAM, "year": 1987}, {**TEAM, "year": 1867}],
        same=[(0, 1)],
    ),
    Trap(
        "neighbour: years apart on other pages stay apart",
        None,
        [{**TEAM, "year": 1987}, {**TEAM, "year": 1867, "pages": "17-46"}],
        apart=[(0, 1)],
    ),
]


@pytest.mark.parametrize("trap", TRAPS, ids=[t.name for t in TRAPS])
def test_the_trap_holds(trap: Trap) -> None:
    assert _holds(trap)


def _rules(trap: Trap) -> frozenset[str]:
    return frozenset([trap.rule] if isinstance(trap.rule, str) else trap.rule or ())


NEEDING = [t for t in TRAPS if t.rule]


@pytest.mark.parametrize("trap", NEEDING, ids=[t.name for t in NEEDING])
def test_the_trap_fails_without_its_rule(trap: Trap) -> None:
    assert _rules(trap) <= RULES.keys()
    assert not _holds(trap, _rules(trap))


def test_every_rule_has_a_trap_of_its_own() -> None:
    assert {t.rule for t in NEEDING if isinstance(t.rule, str)} == set(RULES)


def test_an_unknown_rule_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dedupe rule"):
        link(table(ARTICLE), disabled={"no_such_rule"})

"""Decisions under the real SFI rules: every reason code, every noise trap, four languages."""
# ruff: noqa: E501  (test data: abstracts and expected messages read best unwrapped)

from __future__ import annotations

from typing import Any

import pytest

from review.protocol import Protocol
from review.screening.codes import CODES, is_known
from review.screening.engine import Work, screen, screen_work

CRIME_ABSTRACT = (
    "We randomly assigned 24 public housing developments to community policing or to usual "
    "policing. Over two years, recorded crime and fear of crime fell more in the treatment "
    "developments than in the control group."
)
INCLUDE = {"title": "Community policing in public housing: a randomized trial",
           "abstract": CRIME_ABSTRACT, "language": "en", "year": 2005}  # fmt: skip

# reason code -> (work fields overriding INCLUDE, expected decision)
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "I-PICOS": ({}, "include"),
    "U-DESIGN-NOT-STATED": (
        {
            "title": "Community policing in public housing",
            "abstract": "Community policing was introduced in three public housing estates; we describe "
            "changes in crime reported by residents and officers.",
        },
        "uncertain",
    ),
    "U-CONTEXT": (
        {
            "title": "Citizen police academies: a randomized trial",
            "abstract": "Residents were randomly assigned to a citizen police academy or a waitlist control "
            "group; trust in police and willingness to report crime were measured.",
        },
        "uncertain",
    ),
    "U-PARTIAL": (
        {
            "title": "Neighbourhood watch and burglary",
            "abstract": "We describe how "
            "neighbourhood watch schemes developed and how burglary rates changed in one city.",
        },
        "uncertain",
    ),
    "U-INTERVENTION-UNCLEAR": (
        {
            "title": "Crime in public housing after a policy change",
            "abstract": "Using a difference-in-differences design we compare crime in public "
            "housing developments before and after a federal policy change.",
        },
        "uncertain",
    ),
    "U-OUTCOME-NOT-STATED": (
        {
            "title": "New Deal for Communities and residents' health",
            "abstract": "Health of residents in New Deal for Communities areas was compared with "
            "a comparison group of similar deprived areas over six years.",
        },
        "uncertain",
    ),
    "U-DESCRIPTIVE": (
        {
            "abstract": "This article provides an overview of community policing in public "
            "housing and summarises randomized trials of crime and fear of crime."
        },
        "uncertain",
    ),
    "U-NOABS": ({"abstract": None}, "uncertain"),
    "U-LANG": ({"title": "Nærpoliti", "abstract": None, "language": None}, "uncertain"),
    "U-YEAR": ({"year": 1984}, "uncertain"),
    "U-PROTOCOL": (
        {
            "title": "Community policing in social housing: study protocol for a "
            "cluster randomised trial"
        },
        "uncertain",
    ),
    "U-ABSTRACT-ONLY": ({"publication_type": "Conference abstract"}, "uncertain"),
    "U-SECONDARY-TYPE": ({"publication_type": "review"}, "uncertain"),
    "U-INDIV-HOUSING": (
        {
            "title": "Violence prevention for homeless youth: a randomized trial",
            "abstract": "Homeless youth were randomly assigned to a violence prevention programme "
            "or usual services; violent victimization was measured at 12 months.",
        },
        "uncertain",
    ),
    "E-LANG": ({"language": "fr"}, "exclude"),
    "E-PUBTYPE": ({"publication_type": "Editorial"}, "exclude"),
    "E-RETRACTED": ({"flags": ["retracted"]}, "exclude"),
    "E-SECONDARY": (
        {"title": "Community policing and crime: a systematic review and meta-analysis"},
        "exclude",
    ),
    "E-DESIGN": (
        {
            "title": "Community policing in public housing: a qualitative study",
            "abstract": "Interviews with residents of three public housing estates explored how "
            "community policing shaped their views of crime and safety.",
        },
        "exclude",
    ),
    "E-PHYSICAL": (
        {
            "title": "Renovation of social housing estates and residents' satisfaction",
            "abstract": "Using a difference-in-differences design we estimate how renovation of "
            "social housing estates changed residents' satisfaction with their homes.",
        },
        "exclude",
    ),
    "E-NO-INTERVENTION": (
        {
            "title": "Concentrated poverty and youth violence",
            "abstract": "A cross-sectional analysis of 300 neighbourhoods links concentrated poverty to "
            "youth violence and weaker collective efficacy.",
        },
        "exclude",
    ),
    "E-INSUFFICIENT": (
        {
            "title": "Optimal CCTV camera placement",
            "abstract": "We present an "
            "integer program that places CCTV cameras in large buildings to maximise coverage.",
        },
        "exclude",
    ),
    "E-OFF-TOPIC": (
        {
            "title": "Tamoxifen adherence in breast cancer",
            "abstract": "Adherence to "
            "tamoxifen among 2,000 women with breast cancer was followed for five years in a "
            "registry cohort.",
        },
        "exclude",
    ),
    "T-MOBILITY": (
        {
            "title": "Moving to Opportunity and youth crime",
            "abstract": "Families in "
            "public housing were randomly assigned housing vouchers in the Moving to Opportunity "
            "experiment; we study arrests of youth.",
        },
        "include",
    ),
    "T-SEED": ({"title": "Community policing: a systematic review"}, "exclude"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_rule_reason_code(code: str, protocols: dict[str, Protocol]) -> None:
    overrides, decision = CASES[code]
    result = screen_work(protocols["crime"].rules, **{**INCLUDE, **overrides})  # type: ignore[arg-type]
    assert result.decision == decision
    assert code in result.reasons
    assert result.rule_version == protocols["crime"].rule_version


def test_every_catalogue_code_is_known_and_rule_codes_are_covered() -> None:
    rule_codes = {c for c in CODES if c[:2] in {"I-", "U-", "E-", "T-"}}
    human_only = {"I-HUMAN", "U-HUMAN", "U-CONFLICT", "E-HUMAN", "E-DOMAIN", "U-DOMAIN"}
    assert rule_codes - human_only <= set(CASES)
    assert all(is_known(code) for code in CASES)
    assert is_known("E-DOMAIN:housing_market") and not is_known("E-NOPE")


def test_matches_carry_block_term_and_field(protocols: dict[str, Protocol]) -> None:
    result = screen_work(protocols["crime"].rules, **INCLUDE)  # type: ignore[arg-type]
    assert {
        "block": "intervention",
        "term": "community policing",
        "field": "title",
    } in result.matches
    assert {"block": "setting", "term": "public housing", "field": "abstract"} in result.matches
    assert {"block": "prescreen", "term": "language=en", "field": "metadata"} in result.matches


def test_same_input_same_output(protocols: dict[str, Protocol]) -> None:
    work = Work(**INCLUDE)
    assert screen(protocols["crime"].rules, work) == screen(protocols["crime"].rules, work)


TRAPS = {
    "housing_market": ("Crime and house prices", "A hedonic model of 40,000 sales shows that "
                       "burglary lowers house prices near the victim's home."),
    "building_energy": ("Energy retrofits in social housing", "A difference-in-differences "
                        "analysis of energy consumption after insulation of social housing."),
    "animal_lab": ("Social housing reduces aggression in rats", "Rats in social housing were "
                   "randomized to enrichment; violence-like aggression fell versus controls."),
    "mechanical": ("Stress in a gearbox bearing housing", "Finite element analysis of the "
                   "bearing housing of a wind turbine gearbox under load."),
    "computing": ("A variable neighbourhood search for vehicle routing", "We propose a "
                  "variable neighbourhood search heuristic that reduces route length."),
    "ghetto_history": ("Violence in the Warsaw ghetto", "Diaries from the Warsaw ghetto "
                       "describe violence, hunger and crime under Nazi occupation."),
}  # fmt: skip


@pytest.mark.parametrize("rule", sorted(TRAPS))
def test_noise_guard_traps(rule: str, protocols: dict[str, Protocol]) -> None:
    title, abstract = TRAPS[rule]
    for protocol in protocols.values():
        result = screen_work(protocol.rules, title=title, abstract=abstract, language="en")  # type: ignore[arg-type]
        assert result.decision == "exclude"
        assert result.reasons[0] == f"E-DOMAIN:{rule}"


def test_noise_guard_uncertain_traps(protocols: dict[str, Protocol]) -> None:
    care = screen_work(protocols["crime"].rules, title="Violence prevention in nursing homes: "  # type: ignore[arg-type]
                       "a randomized trial", abstract="Nursing homes were randomized to a "
                       "violence prevention programme; resident-to-resident violence fell.",
                       language="en")  # fmt: skip
    assert care.decision == "uncertain" and "U-INDIV-HOUSING" in care.reasons


def test_noise_guard_is_lifted_by_the_review_concepts(protocols: dict[str, Protocol]) -> None:
    lifted = screen_work(protocols["crime"].rules, title="CCTV, crime and property values",  # type: ignore[arg-type]
                         abstract="Using a difference-in-differences design, CCTV installation "
                         "reduced crime and raised property values in nearby streets.",
                         language="en")  # fmt: skip
    matched = screen_work(protocols["labour"].rules, title="Jobs-Plus in public housing",  # type: ignore[arg-type]
                          abstract="Nearest-neighbour propensity score matching compares "
                          "employment of residents in Jobs-Plus and comparison developments.",
                          language="en")  # fmt: skip
    assert lifted.decision == "uncertain" and lifted.reasons[0] == "U-CONTEXT"
    assert matched.decision == "include"


def test_missing_abstract_relevant_title_goes_to_a_human(protocols: dict[str, Protocol]) -> None:
    for protocol in protocols.values():
        result = screen_work(
            protocol.rules,
            title="Boligsociale indsatser i udsatte "  # type: ignore[arg-type]
            "boligområder",
            language="da",
        )
        assert result.decision == "uncertain" and result.reasons[0] == "U-NOABS"


def test_missing_abstract_off_topic_title_is_excluded(protocols: dict[str, Protocol]) -> None:
    for protocol in protocols.values():
        result = screen_work(
            protocol.rules,
            title="A randomized trial of adjuvant "  # type: ignore[arg-type]
            "chemotherapy in colon cancer",
            language="en",
        )
        assert result.decision == "exclude" and result.reasons == ("E-OFF-TOPIC",)


def test_one_non_effect_word_is_not_a_stated_design(protocols: dict[str, Protocol]) -> None:
    """'qualitative' once in the abstract: the real lists used to count it twice
    ('qualitative' and 'qualitativ*'), reaching design_minus's weight 2 from one word."""
    result = screen_work(protocols["crime"].rules, title="Community policing in public housing",  # type: ignore[arg-type]
                         abstract="Residents of three public housing estates took part in a "
                         "qualitative study of community policing and their views.",
                         language="en")  # fmt: skip
    assert (result.decision, result.reasons[0]) == ("uncertain", "U-DESIGN-NOT-STATED")

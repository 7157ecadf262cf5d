"""The decision words and the reason codes: every decision carries at least one code, and
PRISMA counts group by them.

``I-`` codes explain an include, ``U-`` codes send a work to a human, ``E-`` codes justify an
exclusion, ``T-`` codes are tags (seed for citation chasing, mobility), and ``FT-`` codes are
the full-text stage's reasons. Noise-guard exclusions are ``E-DOMAIN:<rule>``. ``RETIRED``
codes are no longer given but still describe decisions stored before they were retired.
"""

from __future__ import annotations

# What the rules and the reviewers answer, in the order reports list them.
DECISIONS = ("include", "uncertain", "exclude")
CODES: dict[str, str] = {
    "I-PICOS": "intervention, setting or target group, and an effect design all found",
    "I-HUMAN": "included by a reviewer",
    "U-DESIGN-NOT-STATED": "intervention and setting found, but no effect design stated",
    "U-CONTEXT": "intervention and effect evidence (a design, a before/after measurement or "
    "effect language), no housing/area term: could run in the setting",
    "U-OUTCOME-NOT-STATED": "area initiative, setting and effect design, but not this review's "
    "outcome",
    "U-PARTIAL": "intervention and outcome found, but neither setting nor any effect evidence",
    "U-INTERVENTION-UNCLEAR": "population, outcome and effect evidence (or a programme word, "
    "outcome and effect design), but no known intervention",
    "U-NOABS": "no abstract, and the title touches the review's concepts",
    "U-LANG": "language missing and not detectable",
    "U-YEAR": "published before the year the SFI limit is assumed to start",
    "U-PROTOCOL": "study protocol; look for the results paper",
    "U-ABSTRACT-ONLY": "conference abstract or poster",
    "U-SECONDARY-TYPE": "typed as a review by its source, but the title does not say so",
    "U-DESCRIPTIVE": "overview, commentary, policy description or review framing (in the text "
    "or the publication type): never an automatic include",
    "U-INDIV-HOUSING": "individual housing provision or residential care, not an area setting",
    "U-DOMAIN": "noise guard asks for a human (another sense of the words); rule after colon",
    "U-HUMAN": "a reviewer could not decide",
    "U-CONFLICT": "reviewers disagree; unresolved",
    "E-LANG": "language outside the protocol's languages",
    "E-PUBTYPE": "publication type without study results (editorial, letter, erratum, ...)",
    "E-RETRACTED": "retracted or withdrawn",
    "E-SECONDARY": "review or meta-analysis: used as a citation-chasing seed, not as evidence",
    "E-DOMAIN": "another sense of the words (noise guard); the rule name follows the colon",
    "E-DESIGN": "intervention and setting, but only a non-effect design (qualitative, process) "
    "and no comparison or measurement over time",
    "E-PHYSICAL": "physical-only intervention without a social component",
    "E-NO-INTERVENTION": "touches setting, population or outcome, but neither an intervention "
    "nor effect evidence (or only a neighbourhood's effect)",
    "E-INSUFFICIENT": "names an intervention, but no setting, outcome or effect design",
    "E-OFF-TOPIC": "no contact with the review's setting, population, intervention or outcome",
    "E-HUMAN": "excluded by a reviewer (see note)",
    "T-SEED": "tag: review to use for citation chasing",
    "T-MOBILITY": "tag: housing-mobility study (SFI scope uncertain)",
    "FT-I-ELIGIBLE": "full text: meets every criterion",
    "FT-I-COMPANION": "full text: another report of an included study (a report, not a study)",
    "FT-E-NO-COMPARISON": "full text: no control or comparison group",
    "FT-E-NO-EFFECT-ESTIMATE": "full text: no effect estimate reported",
    "FT-E-POPULATION": "full text: population or setting out of scope",
    "FT-E-INTERVENTION": "full text: intervention out of scope",
    "FT-E-OUTCOME": "full text: no eligible outcome",
    "FT-E-NOT-TRANSFERABLE": "full text: cannot run in a Danish social-housing context",
    "FT-E-DUPLICATE": "full text: same study reported elsewhere",
    "FT-E-NO-FULLTEXT": "full text could not be obtained",
    "FT-U-ASK-AUTHOR": "full text: information missing; authors contacted",
    "RESOLVED": "marks a decision that resolves a reviewers' conflict",
}


RETIRED: dict[str, str] = {
    "T-LANG-DETECTED": "tag (retired): language detected from the text; now a match fact",
}


def is_known(code: str) -> bool:
    """Whether a reason code is in the catalogue (``E-DOMAIN:<rule>`` counts as E-DOMAIN)."""
    return code in CODES or code.split(":", 1)[0] in CODES


def describe(code: str) -> str:
    """The catalogue (or retired) text of a code, or '' when unknown."""
    head = code.split(":", 1)[0]
    return CODES.get(code) or CODES.get(head) or RETIRED.get(code, "")

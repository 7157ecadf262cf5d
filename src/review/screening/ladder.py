"""The concept ladder: from the blocks found in a work to one review's decision and reason.

The blocks a work reaches become a few named facts (``facts``); the ladder is a list of steps,
each a conjunction of facts (``needs``) and facts that must be absent (``unless``), tried in
order; the first that holds decides. The steps are data so that ``review explain`` can show a
reviewer every step, whether it held, and why. Recall comes first by construction: a step
that excludes rests on something found (an off-topic domain, a stated non-effect design, a
neighbourhood-effects framing, a physical-only intervention) or on the work touching none of
the review's concepts; wherever the evidence is merely incomplete the step sends the work to
a human.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

TOPICAL = frozenset({
    "setting", "target_group", "intervention", "intervention_generic", "area_initiative",
    "mobility", "outcome", "physical",
})  # fmt: skip

# What each fact means, for explain and docs/screening.md.
FACTS = {
    "I": "intervention: the review's own, an area-based initiative, or a mobility/generic "
    "intervention together with the review's outcome",
    "I_own": "the review's own intervention list matched",
    "P": "population: a deprived or social-housing setting, an area-based initiative, or a "
    "disadvantaged group together with the review's outcome",
    "O": "the review's outcome",
    "S": "an effect design with a comparison (design_plus)",
    "M": "a comparison or measurement over time, named or not (design_plus or design_weak)",
    "E": "any evidence of an effect study (design_plus, design_weak or effect_language)",
    "unnamed": "a programme word (intervention_marker) together with the review's outcome",
    "minus": "a non-effect design stated (design_minus)",
    "observational": "the effect studied is the neighbourhood's, not an intervention's",
    "physical": "a physical-only intervention (renovation, demolition, energy)",
    "I_own_or_O": "the review's own intervention or its outcome (an area-based initiative alone "
    "does not say which review it serves)",
    "contact": "an intervention, setting or broad setting word (title-only records)",
    "topical": "any of the review's concepts (setting, group, intervention, outcome, physical)",
}


@dataclass(frozen=True)
class Step:
    """One rung: holds when every fact in ``needs`` is true and none in ``unless`` is."""

    needs: tuple[str, ...]
    unless: tuple[str, ...]
    decision: str
    code: str

    def holds(self, facts: dict[str, bool]) -> bool:
        """Whether this step applies to a work with these facts."""
        return all(facts[f] for f in self.needs) and not any(facts[f] for f in self.unless)

    def text(self) -> str:
        """The condition as a reviewer reads it, e.g. ``I & P & not M``."""
        parts = [*self.needs, *(f"not {f}" for f in self.unless)]
        return " & ".join(parts) or "otherwise"


WITH_ABSTRACT = (
    Step(("I", "P", "S", "I_own_or_O"), (), "include", "I-PICOS"),
    Step(("I", "P", "S"), (), "uncertain", "U-OUTCOME-NOT-STATED"),
    Step(("I", "P", "minus"), ("M",), "exclude", "E-DESIGN"),
    Step(("I", "P"), (), "uncertain", "U-DESIGN-NOT-STATED"),
    Step(("I", "E"), (), "uncertain", "U-CONTEXT"),
    Step(("I", "O"), (), "uncertain", "U-PARTIAL"),
    Step(("P", "O", "S"), (), "uncertain", "U-INTERVENTION-UNCLEAR"),
    Step(("P", "O", "E"), ("observational",), "uncertain", "U-INTERVENTION-UNCLEAR"),
    Step(("O", "S"), (), "uncertain", "U-INTERVENTION-UNCLEAR"),
    Step(("unnamed", "E"), ("observational",), "uncertain", "U-INTERVENTION-UNCLEAR"),
    Step(("physical",), ("I",), "exclude", "E-PHYSICAL"),
    Step(("I",), (), "exclude", "E-INSUFFICIENT"),
    Step(("topical",), (), "exclude", "E-NO-INTERVENTION"),
    Step((), (), "exclude", "E-OFF-TOPIC"),
)
TITLE_ONLY = (
    Step(("contact", "E"), (), "uncertain", "U-NOABS"),
    Step(("topical",), (), "uncertain", "U-NOABS"),
    Step((), (), "exclude", "E-OFF-TOPIC"),
)


def facts(present: Iterable[str]) -> dict[str, bool]:
    """The ladder's facts from the names of the blocks a work reached."""
    found = set(present)
    outcome = "outcome" in found
    own = "intervention" in found
    # Mobility programmes and generic words are this review's intervention only together with
    # its outcome (a voucher study of health is no crime study); area initiatives always are.
    conditional = bool(found & {"mobility", "intervention_generic"}) and outcome
    intervention = own or "area_initiative" in found or conditional
    strong = "design_plus" in found
    measured = strong or "design_weak" in found
    place = bool(found & {"setting", "area_initiative"}) or ("target_group" in found and outcome)
    return {
        "I": intervention, "I_own": own, "I_own_or_O": own or outcome, "P": place,
        "O": outcome, "S": strong, "M": measured,
        "E": measured or "effect_language" in found,
        "unnamed": "intervention_marker" in found and outcome,
        "minus": "design_minus" in found, "observational": "observational" in found,
        "physical": "physical" in found,
        "contact": intervention or place or bool(found & {"setting_broad", "mobility"}),
        "topical": bool(found & TOPICAL),
    }  # fmt: skip


def steps(has_abstract: bool) -> tuple[Step, ...]:
    """The ladder for a work with or without an abstract."""
    return WITH_ABSTRACT if has_abstract else TITLE_ONLY


def climb(present: Iterable[str], has_abstract: bool) -> tuple[str, str]:
    """The concept decision for one review: (decision, reason code)."""
    return _climb(frozenset(present), has_abstract)


@lru_cache(maxsize=8192)
def _climb(present: frozenset[str], has_abstract: bool) -> tuple[str, str]:
    # A few hundred block combinations recur across millions of decisions: memoised.
    known = facts(present)
    step = next(s for s in steps(has_abstract) if s.holds(known))
    return step.decision, step.code

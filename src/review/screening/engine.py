"""Screen one work under one rule set: a pure function from metadata and text to a decision.

Order: metadata prescreen (final exclusions, caps at uncertain), noise guard, concept ladder
(``ladder.py``), then the checks that keep a non-primary work from an automatic include:
a review title excludes it (a seed), descriptive or secondary framing, a protocol paper and
the prescreen caps turn an include into uncertain. The terms all of this reads are data
(``data/protocols/rules/common.toml`` and the protocol files); docs/screening.md explains it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from review.screening.ladder import climb
from review.screening.matcher import Hit, lexicon
from review.screening.prescreen import Meta, prescreen
from review.screening.rules import RuleSet
from review.screening.terms import tokenize


@dataclass(frozen=True)
class Work:
    """What screening reads of a work."""

    title: str | None = None
    abstract: str | None = None
    keywords: Sequence[str] = ()
    language: str | None = None
    year: int | None = None
    publication_type: str | None = None
    flags: Sequence[str] = ()
    venue: str | None = None


@dataclass(frozen=True)
class Decision:
    """A rule decision: include | uncertain | exclude, reason codes and the matched terms."""

    decision: str
    reasons: tuple[str, ...]
    matches: tuple[dict[str, str], ...] = field(default=())
    rule_version: str = ""


class CompiledRules:
    """A rule set with its term lists compiled once (the expensive part)."""

    def __init__(self, rules: RuleSet) -> None:
        """Compile the blocks and the noise rules' term lists into one matcher."""
        self.rules = rules
        self.version = rules.version()
        lists: dict[str, list[str]] = {name: b.terms for name, b in rules.blocks.items()}
        self.fields: dict[str, set[str]] = {n: set(b.fields) for n, b in rules.blocks.items()}
        self.min_weight = {name: b.min_weight for name, b in rules.blocks.items()}
        for name, rule in rules.noise.items():
            for key, terms in ((f"noise:{name}", rule.terms), (f"with:{name}", rule.with_terms)):
                lists[key] = terms
                self.fields[key] = set(rule.fields)
                self.min_weight[key] = rule.min_weight if key.startswith("noise:") else 1.0
        self.fields["secondary_venue"] = {"venue"}
        self.lexicon = lexicon(rules.phrase_gap)
        self.names = {self.lexicon.register(name, terms): name for name, terms in lists.items()}
        # signature -> (block name, fields it counts in): one lookup per shared hit
        self.route = {sig: (name, frozenset(self.fields[name])) for sig, name in self.names.items()}
        weights = rules.fields
        self.weight = {"title": weights.title, "abstract": weights.abstract,
                       "keywords": weights.keywords, "venue": 1.0}  # fmt: skip

    def present(self, shared: list[Hit]) -> tuple[list[Hit], set[str]]:
        """This rule set's hits (block names) in the fields each block allows, and the blocks
        reaching their weight, from the shared lexicon's hits (in their order)."""
        route, weight = self.route, self.weight
        kept: list[Hit] = []
        score: dict[str, float] = {}
        for signature, term, place in shared:
            entry = route.get(signature)
            if entry is not None and place in entry[1]:
                kept.append(Hit(entry[0], term, place))
                score[entry[0]] = score.get(entry[0], 0.0) + weight[place]
        minimum = self.min_weight
        return kept, {block for block, value in score.items() if value >= minimum[block]}


_COMPILED: dict[int, tuple[RuleSet, CompiledRules]] = {}


def compiled(rules: RuleSet) -> CompiledRules:
    """The compiled form of a rule set, cached per rule-set object."""
    entry = _COMPILED.get(id(rules))
    if entry is None or entry[0] is not rules:
        entry = (rules, CompiledRules(rules))
        _COMPILED[id(rules)] = entry
    return entry[1]


def _noise(rules: RuleSet, present: set[str]) -> tuple[str | None, list[str]]:
    caps: list[str] = []
    for name, rule in rules.noise.items():
        fired = f"noise:{name}" in present and (not rule.with_terms or f"with:{name}" in present)
        if not fired or any(block in present for block in rule.unless):
            continue
        if rule.action == "exclude":
            return rule.reason or f"E-DOMAIN:{name}", caps
        caps.append(rule.reason or f"U-DOMAIN:{name}")
    return None, caps


def _fields(work: object) -> dict[str, tuple[str, ...]]:
    assert isinstance(work, Work)
    return {
        "title": tokenize(work.title or ""),
        "abstract": tokenize(work.abstract or ""),
        "keywords": tokenize(" ; ".join(work.keywords)),
        "venue": tokenize(work.venue or ""),
    }


def _matches(hits: list[Hit], meta: Meta) -> tuple[dict[str, str], ...]:
    found = [{"block": h.block, "term": h.term, "field": h.field} for h in hits]
    return tuple(found + [dict(fact) for fact in meta.facts])


def decide(rules: RuleSet, work: Work) -> tuple[str, tuple[str, ...], list[Hit], Meta, str]:
    """``screen`` without building the matches: decision, reasons, hits, prescreen, version."""
    rule_set = compiled(rules)
    hits, present = rule_set.present(rule_set.lexicon.hits_of(work, _fields))
    meta = prescreen(rules.prescreen, work.title, work.abstract, work.language, work.year,
                     work.publication_type, work.flags)  # fmt: skip
    version = rule_set.version
    tags = [*meta.tags, *(["T-MOBILITY"] if "mobility" in present else [])]
    if meta.exclude:
        return "exclude", (meta.exclude, *tags), hits, meta, version
    noise_exclude, caps = _noise(rules, present)
    if noise_exclude:
        return "exclude", (noise_exclude, *tags), hits, meta, version
    has_abstract = len((work.abstract or "").strip()) >= rules.prescreen.min_abstract_chars
    decision, code = climb(present, has_abstract)
    if decision == "exclude":
        return "exclude", (code, *tags), hits, meta, version
    if present & {"secondary", "secondary_venue"}:
        return "exclude", ("E-SECONDARY", "T-SEED", *tags), hits, meta, version
    caps = [*meta.caps, *caps, *_framing_caps(present)]
    tags += ["T-SEED"] if "U-SECONDARY-TYPE" in caps else []
    decision = "uncertain" if caps and decision == "include" else decision
    return decision, (code, *dict.fromkeys(caps), *tags), hits, meta, version


def _framing_caps(present: set[str]) -> list[str]:
    """Caps from the text itself: descriptive or secondary framing, a protocol paper."""
    found = ["U-DESCRIPTIVE"] if "descriptive" in present else []
    return found + (["U-PROTOCOL"] if "protocol_paper" in present else [])


def screen(rules: RuleSet, work: Work) -> Decision:
    """Decide one work under one rule set (pure: same input and rules, same decision)."""
    decision, reasons, hits, meta, version = decide(rules, work)
    return Decision(decision, reasons, _matches(hits, meta), version)


def screen_work(
    rules: RuleSet,
    *,
    title: str | None = None,
    abstract: str | None = None,
    keywords: Sequence[str] = (),
    language: str | None = None,
    year: int | None = None,
    publication_type: str | None = None,
    flags: Sequence[str] = (),
    venue: str | None = None,
) -> Decision:
    """Keyword form of ``screen`` for callers holding loose fields rather than a Work."""
    return screen(rules, Work(title, abstract, tuple(keywords), language, year,
                              publication_type, tuple(flags), venue))  # fmt: skip

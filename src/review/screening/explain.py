"""Why a work got its decision: the screening ladder step by step, as data.

``explain(rules, work, sources)`` retraces ``engine.decide`` for one work under one rule set:
the prescreen facts and caps, each noise rule and what lifted it, every term found (block,
field, the file whose list holds it) and every term found where its block does not count,
the blocks reached against their minimum weight, the ladder's facts, every ladder step with
whether it held, the checks after the ladder, and which term lists to edit to change the
outcome. The decision and reasons are ``decide``'s own, so an explanation cannot disagree
with what ``review screen`` stores. Pure: no database, no printing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from review.screening import ladder
from review.screening.codes import describe
from review.screening.engine import Work, _fields, compiled, decide
from review.screening.rules import BLOCK_ROLES, RuleSet

# The blocks behind each ladder fact: where a reviewer looks to change the fact.
FACT_BLOCKS = {
    "I": ("intervention", "area_initiative", "mobility", "intervention_generic"),
    "I_own": ("intervention",), "I_own_or_O": ("intervention", "outcome"),
    "P": ("setting", "area_initiative", "target_group"), "O": ("outcome",),
    "S": ("design_plus",), "M": ("design_plus", "design_weak"),
    "E": ("design_plus", "design_weak", "effect_language"),
    "unnamed": ("intervention_marker",), "minus": ("design_minus",),
    "observational": ("observational",), "physical": ("physical",),
    "contact": ("intervention", "setting", "area_initiative", "setting_broad", "mobility"),
    "topical": tuple(sorted(ladder.TOPICAL)),
}  # fmt: skip


def _where(sources: dict[str, Path], key: str) -> str:
    path = sources.get(key)
    return f"[{key}] {_short(path)}" if path else f"[{key}]"


def _short(path: Path) -> str:
    """A rule file's path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _terms(rules: RuleSet, work: Work, sources: dict[str, Path]) -> dict[str, Any]:
    """Terms found that count, terms found outside their block's fields, block weights."""
    rule_set = compiled(rules)
    shared = rule_set.lexicon.hits_of(work, _fields)
    counted, present = rule_set.present(shared)
    ignored = []
    for signature, term, place in shared:
        name = rule_set.names.get(signature)
        if name and place not in rule_set.fields[name] and name in rules.blocks:
            ignored.append({"block": name, "term": term, "field": place,
                            "counts_in": sorted(rule_set.fields[name])})  # fmt: skip
    score: dict[str, float] = {}
    for hit in counted:
        score[hit.block] = score.get(hit.block, 0.0) + rule_set.weight[hit.field]
    found = [{"block": h.block, "term": h.term, "field": h.field,
              "list": _where(sources, _key(h.block))} for h in counted]  # fmt: skip
    blocks = {name: {"weight": score.get(name, 0.0), "min_weight": rule_set.min_weight[name],
                     "present": name in present, "role": BLOCK_ROLES.get(name, "noise rule terms")}
              for name in sorted(set(score) | set(rules.blocks))}  # fmt: skip
    return {"found": found, "ignored": ignored, "blocks": blocks, "present": present}


def _key(block: str) -> str:
    if block.startswith(("noise:", "with:")):
        return f"noise.{block.split(':', 1)[1]}"
    return f"blocks.{block}"


def _noise(rules: RuleSet, present: set[str], sources: dict[str, Path]) -> list[dict[str, Any]]:
    out = []
    for name, rule in rules.noise.items():
        fired = f"noise:{name}" in present and (not rule.with_terms or f"with:{name}" in present)
        lifted = sorted(b for b in rule.unless if b in present) if fired else []
        out.append({"rule": name, "fired": fired, "lifted_by": lifted, "action": rule.action,
                    "list": _where(sources, f"noise.{name}")})  # fmt: skip
    return out


def _steps(present: set[str], has_abstract: bool) -> tuple[dict[str, bool], list[dict[str, Any]]]:
    facts = ladder.facts(present)
    rows, chosen = [], False
    for number, step in enumerate(ladder.steps(has_abstract), start=1):
        holds = step.holds(facts)
        missing = [f for f in step.needs if not facts[f]]
        blocking = [f for f in step.unless if facts[f]]
        rows.append({"step": number, "if": step.text(), "then": f"{step.decision} {step.code}",
                     "holds": holds, "chosen": holds and not chosen,
                     "missing": missing, "blocking": blocking})  # fmt: skip
        chosen = chosen or holds
    return facts, rows


def _blocks_of(fact: str) -> str:
    return "/".join(FACT_BLOCKS[fact])


def _because(found: list[dict[str, Any]], facts: list[str]) -> list[str]:
    """For the chosen step: each fact it needed and the matched terms that made it true."""
    out = []
    for fact in facts:
        terms = sorted({f"'{h['term']}'" for h in found if h["block"] in FACT_BLOCKS[fact]})
        out.append(f"{fact} from {', '.join(terms) or _blocks_of(fact)}")
    return out


def _to_change(rows: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[str]:
    """How another decision would be reached: for the nearest step above the chosen one that
    would decide otherwise (one per decision), the lists to add a term to or to narrow; for
    the chosen step, the matched terms that made it hold."""
    chosen = next(r for r in rows if r["chosen"])
    advice, seen = [], {chosen["then"].split()[0]}
    for row in rows[: chosen["step"] - 1]:
        decision = row["then"].split()[0]
        if decision in seen:
            continue
        seen.add(decision)
        parts = [f"{f} (add a term to {_blocks_of(f)})" for f in row["missing"]]
        parts += [f"not {f} (narrow the terms matched in {_blocks_of(f)})" for f in row["blocking"]]
        advice.append(f"to reach {row['then']} (step {row['step']}) it needs " + ", ".join(parts))
    needed = [f for f in chosen["if"].split(" & ") if f in FACT_BLOCKS]
    if needed:
        advice.append(
            f"step {chosen['step']} holds because "
            + "; ".join(_because(found, needed))
            + ": a term that matched wrongly is narrowed in its list"
        )
    return advice


def explain(rules: RuleSet, work: Work, sources: dict[str, Path] | None = None) -> dict[str, Any]:
    """The whole explanation of one work's decision under one rule set (see module doc)."""
    sources = sources or {}
    decision, reasons, _, meta, version = decide(rules, work)
    terms = _terms(rules, work, sources)
    present = terms.pop("present")
    has_abstract = len((work.abstract or "").strip()) >= rules.prescreen.min_abstract_chars
    facts, rows = _steps(present, has_abstract)
    return {
        "decision": decision, "rule_version": version,
        "reasons": [{"code": code, "means": describe(code)} for code in reasons],
        "prescreen": {"facts": [f["term"] for f in meta.facts], "exclude": meta.exclude,
                      "caps": meta.caps, "list": "[prescreen] of the rule files"},
        "noise": _noise(rules, present, sources), **terms,
        "facts": {name: {"value": value, "means": ladder.FACTS[name]}
                  for name, value in facts.items()},
        "ladder": {"with_abstract": has_abstract, "steps": rows},
        "after_ladder": {"secondary_title": bool(present & {"secondary", "secondary_venue"}),
                         "descriptive_framing": "descriptive" in present,
                         "protocol_paper": "protocol_paper" in present},
        "why": _why(decision, reasons, meta.exclude, rows, present),
        "to_change": _to_change(rows, terms["found"]),
        "lists": {key: _short(path) for key, path in sorted(sources.items())},
    }  # fmt: skip


def _why(decision: str, reasons: tuple[str, ...], prescreened: str | None,
         rows: list[dict[str, Any]], present: set[str]) -> str:  # fmt: skip
    """One sentence: which stage decided and how."""
    if prescreened:
        return f"the metadata prescreen excluded it ({prescreened}); no term matters"
    if reasons[0].startswith("E-DOMAIN"):
        return f"a noise rule fired and nothing it names lifted it ({reasons[0]})"
    chosen = next(r for r in rows if r["chosen"])
    text = f"ladder step {chosen['step']} ({chosen['if']}) held: {chosen['then']}"
    if reasons[0] == "E-SECONDARY":
        return text + "; but the title names a review, so it is a seed, not evidence (E-SECONDARY)"
    caps = [code for code in reasons[1:] if code.startswith("U-")]
    if caps and chosen["then"].startswith("include"):
        return text + f"; capped at uncertain by {', '.join(caps)}"
    return text + (f"; also flagged {', '.join(caps)}" if caps else "")

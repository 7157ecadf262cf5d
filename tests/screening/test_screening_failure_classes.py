"""Issue 12's failure classes, each on records that failed before the fix.

Constructed records (``bench/data/screening_constructed.jsonl``, marked constructed) stand in
where no real record of the class exists; real records are read from ../shared/apis.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from review.protocol import Protocol
from review.screening.engine import Work, screen

CONSTRUCTED = Path(__file__).resolve().parents[2] / "bench" / "data" / "screening_constructed.jsonl"


def _constructed(failure_class: int) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in CONSTRUCTED.read_text(encoding="utf-8").splitlines()]
    return [i for i in items if i["failure_class"] == failure_class and i["split"] == "design"]


def _work(item: dict[str, Any]) -> Work:
    return Work(item["title"], item.get("abstract"), (), item["language"], item["year"], "article")


def _decide(protocols: dict[str, Protocol], item: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    decided = screen(protocols[item["review"]].rules, _work(item))  # type: ignore[arg-type]
    return decided.decision, decided.reasons


@pytest.mark.parametrize("item", _constructed(1), ids=lambda i: i["id"])
def test_nordic_effect_study_of_an_area_plan_reaches_a_human(protocols, item):
    """Class 1: an area-based plan is the intervention, and effect language is evidence."""
    decision, reasons = _decide(protocols, item)
    assert decision != "exclude", reasons


def test_a_helhedsplan_is_the_intervention(protocols):
    work = Work("Boligsociale helhedsplaner og kriminalitet: et kvasieksperiment", "Vi "
                "sammenligner kriminaliteten i boligområder med og uden helhedsplan med en "
                "kontrolgruppe af tilsvarende områder over otte år.", language="da")  # fmt: skip
    decided = screen(protocols["crime"].rules, work)  # type: ignore[arg-type]
    assert decided.decision == "include", decided.reasons
    assert {"block": "area_initiative", "term": "helhedsplan*", "field": "title"} in decided.matches


@pytest.mark.parametrize("item", _constructed(2), ids=lambda i: i["id"])
def test_named_intervention_with_before_after_measurement_reaches_a_human(protocols, item):
    """Class 2: a review's own intervention measured before and after, no housing term."""
    decision, reasons = _decide(protocols, item)
    assert decision != "exclude", reasons


@pytest.mark.parametrize("item", _constructed(3), ids=lambda i: i["id"])
def test_overview_commentary_or_policy_description_is_never_included(protocols, item):
    """Class 3: descriptive or secondary framing in the abstract caps at uncertain."""
    decision, reasons = _decide(protocols, item)
    assert decision != "include", reasons


def test_descriptive_publication_type_is_never_included(protocols):
    abstract = "We randomly assigned public housing developments to community policing."
    kind = "Journal Articles; Reports - Descriptive"  # ERIC's type for a descriptive report
    work = Work("Community policing and crime in public housing: a randomized trial", abstract,
                language="en", publication_type=kind)  # fmt: skip
    decided = screen(protocols["crime"].rules, work)  # type: ignore[arg-type]
    assert decided.decision == "uncertain"
    assert "U-DESCRIPTIVE" in decided.reasons


@pytest.mark.parametrize("item", _constructed(4), ids=lambda i: i["id"])
def test_title_only_setting_or_intervention_with_design_is_uncertain(protocols, item):
    """Class 4: no abstract; a setting or intervention word and a design word in the title."""
    decision, reasons = _decide(protocols, item)
    assert decision == "uncertain", reasons


def test_no_reason_code_is_on_every_decision(real_decisions):
    """Class 5: a code a reviewer sees on (nearly) every decision tells nothing."""
    for name, decided in real_decisions.items():
        codes = Counter(code for _, d in decided for code in set(d.reasons))
        assert "T-LANG-DETECTED" not in codes, name
        tags = {code: n / len(decided) for code, n in codes.items() if code.startswith("T-")}
        assert all(share < 0.05 for share in tags.values()), (name, tags)
        assert max(codes.values()) < len(decided), (name, codes.most_common(3))


def test_real_includes_reach_a_human_and_no_real_exclude_is_included(real_decisions):
    for name, decided in real_decisions.items():
        pairs = [(r.key, r.labels[name], d.decision) for r, d in decided]
        missed = [key for key, label, d in pairs if (label, d) == ("include", "exclude")]
        wrong = [key for key, label, d in pairs if (label, d) == ("exclude", "include")]
        assert (missed, wrong) == ([], []), name


@pytest.mark.parametrize("topic, limit", [("off-topic", 0.10), ("on-topic", 0.15)])
def test_real_payload_workload(real_decisions, topic, limit):
    """Issue target: under 10% of the off-topic real payloads go to a human (ERIC's
    education payloads, which touch the reviews' concepts, may cost a little more)."""
    for name, decided in real_decisions.items():
        shares = [d.decision == "uncertain" for r, d in decided if r.topic == topic]
        assert sum(shares) / len(shares) < limit, name


@pytest.fixture
def real_decisions(protocols, shared) -> dict[str, list[Any]]:
    """Every labelled real payload record screened under every protocol (computed once)."""
    shared("apis")  # skip (or fail under CI=true) without ../shared
    key = tuple(p.rule_version for p in protocols.values())
    if key not in _SCREENED:
        from real_records import real_records

        records = real_records()
        works = [r.work() for r in records]
        _SCREENED[key] = {
            p.name: [(r, screen(p.rules, w)) for r, w in zip(records, works, strict=True)]  # type: ignore[arg-type]
            for p in protocols.values()
        }
    return _SCREENED[key]


_SCREENED: dict[tuple[str, ...], dict[str, list[Any]]] = {}


def _held_out() -> list[dict[str, Any]]:
    items = [json.loads(line) for line in CONSTRUCTED.read_text(encoding="utf-8").splitlines()]
    return [i for i in items if i["split"] == "holdout"]


@pytest.mark.parametrize("item", _held_out(), ids=lambda i: i["id"])
def test_held_out_constructed_records(protocols, item):
    """Written with the class records but not looked at while the rules were designed."""
    decision, reasons = _decide(protocols, item)
    if item["label"] == "include":
        assert decision != "exclude", reasons
    else:
        assert decision != "include", reasons

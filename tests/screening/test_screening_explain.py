"""The explanation retraces the engine: same decision, one deciding step, the right files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.protocol import load_protocol_file, protocols_dir
from review.screening.engine import Work, screen
from review.screening.explain import explain
from review.screening.rules import rule_sources

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"


def _works() -> list[tuple[str, Work]]:
    items = []
    for name in ("screening_eval.jsonl", "screening_constructed.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            items.append((item["id"], Work(item["title"], item.get("abstract"), (),
                                           item.get("language"), item.get("year"),
                                           item.get("publication_type"))))  # fmt: skip
    return items


def test_explanation_agrees_with_the_engine_on_every_evaluation_record(protocols):
    for key, work in _works():
        for protocol in protocols.values():
            decided = screen(protocol.rules, work)  # type: ignore[arg-type]
            told = explain(protocol.rules, work)  # type: ignore[arg-type]
            assert told["decision"] == decided.decision, key
            assert tuple(r["code"] for r in told["reasons"]) == decided.reasons, key
            chosen = [s for s in told["ladder"]["steps"] if s["chosen"]]
            assert len(chosen) == 1, key
            if decided.reasons[0][:2] in {"I-", "U-"} or decided.reasons[0] in chosen[0]["then"]:
                assert chosen[0]["then"].endswith(decided.reasons[0]), key


def test_terms_name_the_file_that_holds_their_list(protocols):
    path = protocols_dir() / "sfi-crime.toml"
    work = Work("Community policing in public housing: a randomized trial",
                "Public housing developments were randomly assigned to community policing; "
                "crime fell.", language="en")  # fmt: skip
    found = explain(protocols["crime"].rules, work, rule_sources(path))["found"]  # type: ignore[arg-type]
    by_block = {hit["block"]: hit["list"] for hit in found}
    assert by_block["intervention"].startswith("[blocks.intervention]")
    assert by_block["intervention"].endswith("sfi-crime.toml")
    assert by_block["setting"].endswith("common.toml")


def test_a_protocol_that_overrides_a_shared_list_is_named_for_it(tmp_path):
    source = (protocols_dir() / "sfi-crime.toml").read_text(encoding="utf-8")
    (tmp_path / "rules").mkdir()
    common = (protocols_dir() / "rules" / "common.toml").read_text(encoding="utf-8")
    (tmp_path / "rules" / "common.toml").write_text(common, encoding="utf-8")
    own = source.replace('name = "sfi-crime"', 'name = "mine"') + (
        '\n[rules.blocks.design_weak]\nterms = ["before and after"]\n'
    )
    (tmp_path / "mine.toml").write_text(own, encoding="utf-8")
    sources = rule_sources(tmp_path / "mine.toml")
    assert sources["blocks.design_weak"] == tmp_path / "mine.toml"
    assert sources["blocks.design_plus"] == tmp_path / "rules" / "common.toml"
    assert load_protocol_file(tmp_path / "mine.toml").rules is not None


def test_terms_outside_a_blocks_fields_are_shown_as_not_counted(protocols):
    work = Work("Youth clubs and crime", "We compare crime among members of youth clubs with a "
                "control group of non-members.", keywords=("Interviews", "Case Studies"),
                language="en")  # fmt: skip
    told = explain(protocols["crime"].rules, work)  # type: ignore[arg-type]
    ignored = {(h["block"], h["field"]) for h in told["ignored"]}
    assert ("design_minus", "keywords") in ignored
    assert told["blocks"]["design_minus"]["present"] is False


def test_noise_rule_lifted_by_a_review_concept_is_reported(protocols):
    abstract = "A difference-in-differences design: CCTV reduced crime and raised property values."
    work = Work("CCTV, crime and property values", abstract, language="en")
    told = explain(protocols["crime"].rules, work)  # type: ignore[arg-type]
    housing = next(n for n in told["noise"] if n["rule"] == "housing_market")
    assert housing["fired"] and housing["lifted_by"] == ["intervention"]


@pytest.mark.parametrize(
    ("title", "abstract", "why"),
    [("Community policing in public housing: a systematic review",
      "Twelve trials of community policing in public housing estates measured crime.",
      "seed, not evidence"),
     ("Tamoxifen adherence in breast cancer",
      "Adherence among 2,000 patients was followed for five years.",
      "ladder step 14 (otherwise) held"),
     ("Community policing in public housing: a randomized trial",
      "This commentary summarises a randomized trial of community policing and crime.",
      "capped at uncertain by U-DESCRIPTIVE"),
     ("Community policing in public housing: a randomized trial",
      "Public housing developments were randomly assigned; crime fell.",
      "the metadata prescreen excluded it (E-PUBTYPE)")],
)  # fmt: skip
def test_why_names_the_stage_that_decided(protocols, title, abstract, why):
    kind = "editorial" if "prescreen" in why else "article"
    work = Work(title, abstract, language="en", publication_type=kind)
    assert why in explain(protocols["crime"].rules, work)["why"]  # type: ignore[arg-type]

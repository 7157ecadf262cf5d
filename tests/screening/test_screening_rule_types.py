"""One test per rule type: term syntax, field weights, field limits, noise options, errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from review.errors import ProtocolError
from review.protocol import load_protocol_file, protocols_dir
from review.screening.engine import Work, compiled, screen
from review.screening.matcher import Matcher
from review.screening.rules import RuleSet
from review.screening.terms import TermSyntaxError, fold, parse_term, tokenize


def found(term: str, text: str, gap: int = 1) -> bool:
    """Whether ``term`` is found in ``text``."""
    matcher = Matcher({"b": [term]}, phrase_gap=gap)
    return bool(matcher.terms_in(tokenize(text)))


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("kriminalitetsforebyg*", "en kriminalitetsforebyggende indsats", True),
        ("kriminalitetsforebyg*", "kriminalitet og forebyggelse", False),
        ("neighbo?rhood watch", "Neighborhood Watch schemes", True),
        ("neighbo?rhood watch", "neighbourhood watch", True),
        ("neighbo?rhood watch", "neighbouurhood watch", False),
        ("*boligområde*", "i udsatteboligområder", True),
        ("*boligområde*", "boligområdet", True),
        ("*boligområde*", "boligen", False),
    ],
)
def test_truncation_optional_letter_and_compounds(term: str, text: str, expected: bool) -> None:
    assert found(term, text) is expected


def test_phrase_needs_its_words_in_order_within_the_gap() -> None:
    assert found("community policing", "community-oriented policing")
    assert found("community policing", "Community Policing")
    assert not found("community policing", "policing the community")
    assert not found("community policing", "community a b policing")
    assert not found("community policing", "community-oriented policing", gap=0)


def test_folding_matches_nordic_letters_either_way() -> None:
    assert fold("Kriminalpræventiv") == "kriminalpraeventiv"
    assert found("kriminalpræventiv*", "kriminalpraeventive indsatser")
    assert found("boligområde*", "boligomraader")
    assert found("brottsförebygg*", "Brottsförebyggande arbete")
    assert found("Großwohnsiedlung*", "Grosswohnsiedlungen")
    assert found("lektiecafé*", "lektiecafeen")


def test_case_sensitive_acronyms() -> None:
    assert found("=MTO", "the MTO experiment")
    assert not found("=MTO", "a mto thing")
    assert found("mto", "the MTO experiment")
    assert not found("=SSP", "SSP COOPERATION AND YOUTH CRIME IN ALL CAPITALS")


@pytest.mark.parametrize(
    ("term", "problem"), [("", "empty"), ("*", "no letters"), ("crime$", "unsupported")]
)
def test_bad_terms_raise(term: str, problem: str) -> None:
    with pytest.raises(TermSyntaxError, match=problem):
        parse_term(term)


@pytest.mark.parametrize(
    ("terms", "named"),
    [(["qualitativ*", "qualitative"], "'qualitative' is already matched by 'qualitativ*'"),
     (["before and after", "before-and-after"], "'before-and-after' is already matched"),
     (["*kriminalitet*", "ungdomskriminalitet"], "already matched by '*kriminalitet*'")],
)  # fmt: skip
def test_a_term_another_term_already_matches_is_refused(terms: list[str], named: str) -> None:
    """It would add its field's weight twice for one word (design_minus needs weight 2)."""
    with pytest.raises(ValidationError, match=re.escape(named)):
        rules(design_minus={"terms": terms, "min_weight": 2})
    rules(design_minus={"terms": ["qualitativ*", "interview*"], "min_weight": 2})  # distinct: ok


def rules(**blocks: Any) -> RuleSet:
    """A minimal valid rule set with the given block overrides."""
    base: dict[str, Any] = {
        "setting": {"terms": ["public housing"]},
        "intervention": {"terms": ["community policing"]},
        "outcome": {"terms": ["crime"]},
        "design_plus": {"terms": ["randomi?ed"]},
    }
    base.update(blocks)
    return RuleSet.model_validate({"blocks": base, "prescreen": {"languages": ["en"]}})


ABSTRACT = "We studied community policing and crime in public housing across many sites."


def test_field_weights_and_min_weight() -> None:
    rule_set = rules(design_minus={"terms": ["qualitative", "interview*"], "min_weight": 2})
    one_in_abstract = Work(title="Community policing", abstract=ABSTRACT + " qualitative")
    in_title = Work(title="A qualitative look at community policing", abstract=ABSTRACT)
    two_in_abstract = Work(title="Policing", abstract=ABSTRACT + " qualitative interviews")
    assert screen(rule_set, one_in_abstract).reasons[0] == "U-DESIGN-NOT-STATED"
    assert screen(rule_set, in_title).reasons[0] == "E-DESIGN"
    assert screen(rule_set, two_in_abstract).reasons[0] == "E-DESIGN"


def test_field_limits_restrict_where_a_block_is_looked_for() -> None:
    rule_set = rules(secondary={"terms": ["systematic review"], "fields": ["title"]})
    in_abstract = Work(
        title="Community policing", abstract=ABSTRACT + " unlike a systematic review"
    )
    in_title = Work(title="Community policing: a systematic review", abstract=ABSTRACT)
    assert "E-SECONDARY" not in screen(rule_set, in_abstract).reasons
    assert screen(rule_set, in_title).reasons[:2] == ("E-SECONDARY", "T-SEED")


def test_noise_with_terms_and_unless() -> None:
    rule_set = RuleSet.model_validate({
        **rules().model_dump(),
        "noise": {"lab": {"terms": ["enrichment"], "with_terms": ["rats"], "unless": []}},
    })  # fmt: skip
    alone = Work(title="Enrichment of crime data", abstract=ABSTRACT + " enrichment")
    with_rats = Work(title="Enrichment for rats", abstract=ABSTRACT + " enrichment of rats")
    assert screen(rule_set, alone).decision != "exclude"
    assert screen(rule_set, with_rats).reasons[0] == "E-DOMAIN:lab"


def test_rule_version_is_a_hash_of_the_rules_and_compiles_once() -> None:
    a, b = rules(), rules(outcome={"terms": ["crime", "violence"]})
    assert a.version() == rules().version()
    assert a.version() != b.version()
    assert compiled(a) is compiled(a)


def copy_protocols(tmp_path: Path) -> Path:
    """A writable copy of data/protocols."""
    target = tmp_path / "protocols"
    shutil.copytree(protocols_dir(), target)
    return target


def test_common_rules_file_is_part_of_every_rule_version(tmp_path: Path) -> None:
    folder = copy_protocols(tmp_path)
    before = load_protocol_file(folder / "sfi-crime.toml").rule_version
    common = folder / "rules" / "common.toml"
    text = common.read_text(encoding="utf-8")
    assert '"hedonic",' in text
    common.write_text(text.replace('"hedonic",', ""), encoding="utf-8")
    assert load_protocol_file(folder / "sfi-crime.toml").rule_version != before


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("sfi-crime.toml", '"delinquency prevention",', '"delinquency $ prevention",',
         r"sfi-crime.toml: field 'rules.blocks.intervention.terms': .*'delinquency \$ prevention'"),
        ("sfi-crime.toml", "[rules.blocks.outcome]", "[rules.blocks.outcomes]",
         r"sfi-crime.toml: field 'rules.blocks': .*unknown block\(s\) \['outcomes'\]"),
        ("rules/common.toml", '"mortgage*",', '"mort*gage*$",',
         r"common.toml: rule 'noise.housing_market.terms': term \d+ 'mort\*gage\*\$'"),
        ("rules/common.toml", 'reason = "U-INDIV-HOUSING"\n\n[noise.homelessness]',
         'reason = "E-INDIV"\n\n[noise.homelessness]',
         r"common.toml: rule 'noise.residential_care': reason 'E-INDIV' must start with U-"),
        ("sfi-crime.toml", 'include = ["rules/common.toml"]', 'include = ["rules/nope.toml"]',
         r"sfi-crime.toml: rule 'rules.include': .*nope.toml not found"),
    ],
)  # fmt: skip
def test_malformed_rule_files_name_file_rule_and_problem(
    tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    folder = copy_protocols(tmp_path)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProtocolError, match=expected):
        load_protocol_file(folder / "sfi-crime.toml")

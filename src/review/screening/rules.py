"""The typed screening rule set a protocol's ``[rules]`` table validates into.

Rules are data, not code: concept blocks (term lists with field restrictions and a minimum
weight), noise-guard rules, field weights and the metadata prescreen. The decision ladder in
``engine.py`` refers to blocks by their role name (``BLOCK_ROLES``). ``[rules] include`` lists
shared rule files (relative to the protocol file) that are merged in first, so the common blocks
are edited once; the protocol's own tables then add or replace whole entries.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic import ValidationInfo as _Info

from review.errors import ProtocolError
from review.screening.terms import TermSyntaxError, covers, parse_term

FieldName = Literal["title", "abstract", "keywords"]
ALL_FIELDS: tuple[FieldName, ...] = ("title", "abstract", "keywords")

BLOCK_ROLES = {
    "setting": "deprived, social-housing or area-based setting (P_area)",
    "target_group": "disadvantaged group; counts as population only together with the outcome",
    "intervention": "the review's own interventions (I_r)",
    "intervention_generic": "generic intervention words; count only together with the outcome",
    "area_initiative": "area-based initiatives, boligsocial activities: intervention and setting",
    "mobility": "housing mobility / vouchers; count as intervention, tagged T-MOBILITY",
    "outcome": "the review's outcomes (O_r)",
    "intervention_marker": "programme words (programme, initiative, indsats); with the outcome "
    "and effect evidence they send a work with an unnamed intervention to a human",
    "design_plus": "effect-study designs with a comparison (S+)",
    "design_weak": "a comparison or measurement over time without a named design (before/after)",
    "effect_language": "words that frame a study as about effects (effect of, virkning, Wirkung)",
    "design_minus": "non-effect designs (S-); exclude only without any comparison or measurement",
    "observational": "neighbourhood-effects framing: the effect studied is the area's",
    "setting_broad": "broad setting words (neighbourhood, estate, district); title-only records",
    "descriptive": "descriptive or secondary framing (overview, commentary, policy brief)",
    "physical": "physical-only interventions (renovation, demolition, energy)",
    "secondary": "reviews and meta-analyses (title): citation-chasing seeds",
    "protocol_paper": "study protocols without results",
    "secondary_venue": "venues that publish only reviews (matched in the venue name)",
}
REQUIRED_BLOCKS = ("setting", "intervention", "outcome", "design_plus")


def _check_terms(terms: list[str]) -> list[str]:
    parsed = []
    for number, term in enumerate(terms, start=1):
        try:
            parsed.append((number, term, parse_term(term)))
        except TermSyntaxError as exc:
            raise ValueError(f"term {number} '{term}': {exc}") from None
    # A term another term of the list already matches would count its word twice.
    for number, term, words in parsed:
        wider = next((t for n, t, w in parsed if n != number and covers(w, words)
                      and (n < number or not covers(words, w))), None)  # fmt: skip
        if wider is not None:
            raise ValueError(f"term {number} '{term}' is already matched by '{wider}' in the same "
                             "list (it would count twice): remove one")  # fmt: skip
    return [term.strip() for term in terms]


class Block(BaseModel):
    """A concept block: any of its terms, in the given fields, weighing at least min_weight."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    terms: list[str] = Field(default_factory=list)
    fields: list[FieldName] = Field(default_factory=lambda: list(ALL_FIELDS), min_length=1)
    min_weight: float = Field(default=1.0, gt=0)

    @field_validator("terms")
    @classmethod
    def _terms_ok(cls, value: list[str]) -> list[str]:
        return _check_terms(value)


class NoiseRule(BaseModel):
    """Another sense of the words: fires on its terms (and with_terms) unless a block lifts it."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    terms: list[str] = Field(min_length=1)
    with_terms: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=lambda: ["setting"])
    fields: list[FieldName] = Field(default_factory=lambda: list(ALL_FIELDS[:2]), min_length=1)
    min_weight: float = Field(default=1.0, gt=0)
    action: Literal["exclude", "uncertain"] = "exclude"
    reason: str | None = None

    @field_validator("terms", "with_terms")
    @classmethod
    def _terms_ok(cls, value: list[str]) -> list[str]:
        return _check_terms(value)

    @model_validator(mode="after")
    def _reason_fits_action(self) -> NoiseRule:
        prefix = "E-" if self.action == "exclude" else "U-"
        if self.reason is not None and not self.reason.startswith(prefix):
            raise ValueError(f"reason '{self.reason}' must start with {prefix} for {self.action}")
        unknown = sorted(set(self.unless) - set(BLOCK_ROLES))
        if unknown:
            raise ValueError(f"unless names unknown block(s) {unknown}")
        return self


class FieldWeights(BaseModel):
    """How much one distinct term found in each field counts towards a block's weight."""

    model_config = ConfigDict(extra="forbid")

    title: float = Field(default=2.0, ge=0)
    abstract: float = Field(default=1.0, ge=0)
    keywords: float = Field(default=1.0, ge=0)


class Prescreen(BaseModel):
    """Metadata rules applied before any concept matching."""

    model_config = ConfigDict(extra="forbid")

    languages: list[str] | None = None
    min_language_chars: int = Field(default=25, ge=1)
    uncertain_before_year: int | None = 1990
    min_abstract_chars: int = Field(default=50, ge=0)
    exclude_publication_types: list[str] = Field(default_factory=list)
    abstract_only_publication_types: list[str] = Field(default_factory=list)
    secondary_publication_types: list[str] = Field(default_factory=list)
    descriptive_publication_types: list[str] = Field(default_factory=list)
    generic_publication_types: list[str] = Field(
        default_factory=lambda: ["article", "journal article", "journal articles", "journalarticle"]
    )
    exclude_flags: dict[str, str] = Field(default_factory=dict)

    @field_validator("exclude_flags")
    @classmethod
    def _flag_codes(cls, value: dict[str, str]) -> dict[str, str]:
        bad = {flag: code for flag, code in value.items() if not code.startswith("E-")}
        if bad:
            raise ValueError(f"flag reason codes must start with E-: {bad}")
        return value


class RuleSet(BaseModel):
    """All rules that decide one protocol's screening; its canonical JSON is hashed."""

    model_config = ConfigDict(extra="forbid")

    notes: str = ""
    phrase_gap: int = Field(default=1, ge=0, le=3)
    fields: FieldWeights = Field(default_factory=FieldWeights)
    prescreen: Prescreen = Field(default_factory=Prescreen)
    blocks: dict[str, Block] = Field(default_factory=dict)
    noise: dict[str, NoiseRule] = Field(default_factory=dict)

    @field_validator("blocks")
    @classmethod
    def _known_blocks(cls, value: dict[str, Block], info: _Info) -> dict[str, Block]:
        unknown = sorted(set(value) - set(BLOCK_ROLES))
        if unknown:
            raise ValueError(f"unknown block(s) {unknown}; known: {sorted(BLOCK_ROLES)}")
        partial = bool(info.context and info.context.get("partial"))
        missing = [name for name in REQUIRED_BLOCKS if not partial and not value.get(name)]
        if missing:
            raise ValueError(f"required block(s) missing or empty: {missing}")
        return value

    def canonical(self) -> str:
        """Sorted JSON of everything that affects decisions (the hashed form)."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)

    def version(self) -> str:
        """Short hash of the canonical rules."""
        return hashlib.sha256(self.canonical().encode()).hexdigest()[:12]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(path: Path, error: ValidationError, prefix: str) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in (prefix, *item["loc"]) if part != "")
        problems.append(f"rule '{where}': {item['msg'].removeprefix('Value error, ')}")
    return f"{path}: " + "; ".join(problems)


def _read_included(path: Path, protocol_path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProtocolError(f"{protocol_path}: rule 'rules.include': {path} not found") from None
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"{path}: not valid TOML: {exc}") from None
    try:
        RuleSet.model_validate(data, context={"partial": True})
    except ValidationError as exc:
        raise ProtocolError(_describe(path, exc, "")) from None
    return data


def expand_includes(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Merge the files named by ``[rules] include`` under the protocol's own rules."""
    rules = data.get("rules")
    if not isinstance(rules, dict) or "include" not in rules:
        return data
    own = dict(rules)
    names = own.pop("include")
    if isinstance(names, str):
        names = [names]
    merged: dict[str, Any] = {}
    for name in names:
        merged = _merge(merged, _read_included(path.parent / str(name), path))
    return {**data, "rules": _merge(merged, own)}


def rule_sources(path: Path) -> dict[str, Path]:
    """Which file sets the terms of each block and noise rule (``blocks.setting`` -> file).

    The protocol file and the files its ``[rules] include`` names, in merge order: the last
    file that sets a table's ``terms`` is the one to edit to change that term list.
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules: dict[str, Any] = data["rules"] if isinstance(data.get("rules"), dict) else {}
    names = rules.get("include", [])
    layers = [(path.parent / str(n), _read_included(path.parent / str(n), path))
              for n in ([names] if isinstance(names, str) else names)]  # fmt: skip
    found: dict[str, Path] = {}
    for source, layer in [*layers, (path, rules)]:
        for table in ("blocks", "noise"):
            for name, entry in (layer.get(table) or {}).items():
                if isinstance(entry, dict) and "terms" in entry:
                    found[f"{table}.{name}"] = source
    return found

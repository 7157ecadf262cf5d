"""Stage 1, the metadata prescreen: language, year, publication type, flags.

Returns a final exclusion code or nothing, the codes that cap an include at *uncertain*, tags,
and the metadata facts a reviewer sees next to the matched terms. A publication type may hold
several types joined by ``;`` (ERIC, PubMed, Semantic Scholar): each is checked; an excluded
type excludes only when every other type is generic (``Journal Article; Editorial``, not
``Randomized Controlled Trial; Comment``). A detected language is a fact, not a tag: most
imported records declare none, and a tag on nearly every decision tells a reviewer nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from review.screening.language import detect_language
from review.screening.rules import Prescreen

# A detected (not declared) foreign language excludes only on this much text: short titles
# are where detectors err, and a wrong E-LANG would lose an eligible study silently.
_SURE_DETECTION_CHARS = 80


@dataclass
class Meta:
    """What the metadata prescreen found."""

    exclude: str | None = None
    caps: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    facts: list[dict[str, str]] = field(default_factory=list)


def normalize_type(value: str | None) -> str:
    """Publication types compared case- and separator-insensitively (``Published Erratum``)."""
    return (value or "").strip().lower().replace("_", "-").replace(" ", "-")


@lru_cache(maxsize=4096)
def type_parts(value: str | None) -> frozenset[str]:
    """The normalised types of a (possibly ``;``-joined) publication type."""
    return frozenset(p for p in (normalize_type(part) for part in (value or "").split(";")) if p)


_CAPS = (("abstract_only_publication_types", "U-ABSTRACT-ONLY"),
         ("secondary_publication_types", "U-SECONDARY-TYPE"),
         ("descriptive_publication_types", "U-DESCRIPTIVE"))  # fmt: skip
_TYPE_RULES: dict[int, tuple[Prescreen, frozenset[str], frozenset[str], tuple[Any, ...]]] = {}


def _type_rules(config: Prescreen) -> tuple[frozenset[str], frozenset[str], tuple[Any, ...]]:
    """(excluded, generic, ((types, cap code), ...)) of a prescreen, normalised once."""
    entry = _TYPE_RULES.get(id(config))
    if entry is None or entry[0] is not config:

        def norm(kinds: list[str]) -> frozenset[str]:
            return frozenset(normalize_type(kind) for kind in kinds)

        caps = tuple((norm(getattr(config, option)), code) for option, code in _CAPS)
        entry = (config, norm(config.exclude_publication_types),
                 norm(config.generic_publication_types), caps)  # fmt: skip
        _TYPE_RULES[id(config)] = entry
    return entry[1], entry[2], entry[3]


def _language(config: Prescreen, text: str, language: str | None, meta: Meta) -> None:
    allowed = config.languages or []
    detected = False
    if language is None and len(text) >= config.min_language_chars:
        language = detect_language(text)
        detected = language is not None
    if language is None:
        meta.caps.append("U-LANG")
        return
    meta.facts.append(
        {"block": "prescreen", "term": f"language={language}",
         "field": "detected" if detected else "metadata"}
    )  # fmt: skip
    if allowed and language not in allowed:
        if detected and len(text) < _SURE_DETECTION_CHARS:
            meta.caps.append("U-LANG")
        else:
            meta.exclude = "E-LANG"


def _types(
    config: Prescreen, publication_type: str | None, flags: Sequence[str], meta: Meta
) -> None:
    kinds = type_parts(publication_type)
    if kinds:
        term = "type=" + ";".join(sorted(kinds))
        meta.facts.append({"block": "prescreen", "term": term, "field": "metadata"})
    for flag in sorted(flags):
        if flag in config.exclude_flags and meta.exclude is None:
            meta.exclude = config.exclude_flags[flag]
            meta.facts.append({"block": "prescreen", "term": f"flag={flag}", "field": "metadata"})
    excludable, generic, caps = _type_rules(config)
    excluded = kinds & excludable
    if meta.exclude is None and excluded and kinds <= excluded | generic:
        meta.exclude = "E-PUBTYPE"
    meta.caps += [code for types, code in caps if kinds & types]


def prescreen(
    config: Prescreen,
    title: str | None,
    abstract: str | None,
    language: str | None,
    year: int | None,
    publication_type: str | None,
    flags: Sequence[str],
) -> Meta:
    """Apply the metadata rules to one work."""
    meta = Meta()
    _types(config, publication_type, flags, meta)
    if meta.exclude:
        return meta
    text = " ".join(part for part in (title, abstract) if part)
    _language(config, text, language, meta)
    if year is not None and config.uncertain_before_year and year < config.uncertain_before_year:
        meta.caps.append("U-YEAR")
        meta.facts.append({"block": "prescreen", "term": f"year={year}", "field": "metadata"})
    return meta

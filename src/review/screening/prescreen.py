"""Stage 1, the metadata prescreen: language, year, publication type, flags.

Returns a final exclusion code or nothing, the codes that cap an include at *uncertain*, tags,
and the metadata facts a reviewer sees next to the matched terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

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


@lru_cache(maxsize=64)
def _type_set(types: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalize_type(kind) for kind in types)


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
    if detected:
        meta.tags.append("T-LANG-DETECTED")
    if allowed and language not in allowed:
        if detected and len(text) < _SURE_DETECTION_CHARS:
            meta.caps.append("U-LANG")
        else:
            meta.exclude = "E-LANG"


def _types(
    config: Prescreen, publication_type: str | None, flags: Sequence[str], meta: Meta
) -> None:
    kind = normalize_type(publication_type)
    if kind:
        meta.facts.append({"block": "prescreen", "term": f"type={kind}", "field": "metadata"})
    for flag in sorted(flags):
        if flag in config.exclude_flags and meta.exclude is None:
            meta.exclude = config.exclude_flags[flag]
            meta.facts.append({"block": "prescreen", "term": f"flag={flag}", "field": "metadata"})
    if meta.exclude is None and kind in _type_set(tuple(config.exclude_publication_types)):
        meta.exclude = "E-PUBTYPE"
    if kind in _type_set(tuple(config.abstract_only_publication_types)):
        meta.caps.append("U-ABSTRACT-ONLY")
    if kind in _type_set(tuple(config.secondary_publication_types)):
        meta.caps.append("U-SECONDARY-TYPE")


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

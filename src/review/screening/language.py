"""Language detection for records whose metadata lacks a language (lingua, built lazily).

The detector knows the protocols' languages plus the commonest others, so a French or Dutch
abstract is recognised as such rather than forced into the nearest Nordic language. Building
it and loading its models costs a few seconds, so it happens once, on first use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_CODES = {
    "ENGLISH": "en", "DANISH": "da", "SWEDISH": "sv", "BOKMAL": "no", "NYNORSK": "no",
    "GERMAN": "de", "FRENCH": "fr", "SPANISH": "es", "PORTUGUESE": "pt", "ITALIAN": "it",
    "DUTCH": "nl", "FINNISH": "fi", "POLISH": "pl", "RUSSIAN": "ru", "TURKISH": "tr",
    "CHINESE": "zh", "JAPANESE": "ja", "KOREAN": "ko", "ARABIC": "ar",
}  # fmt: skip


_DETECT_CHARS = 300


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _CODES]
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_minimum_relative_distance(0.1)
        .build()
    )


@lru_cache(maxsize=64)
def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when lingua cannot tell."""
    # The opening is enough to tell a language, and lingua's cost grows with the text.
    found = _detector().detect_language_of(text[:_DETECT_CHARS])
    return None if found is None else _CODES.get(found.name)

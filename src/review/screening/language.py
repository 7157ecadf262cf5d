"""Language detection for records whose metadata lacks a language (lingua, built lazily).

The detector knows the protocols' languages plus the commonest others, so a French or Dutch
abstract is recognised as such rather than forced into the nearest Nordic language. Building
it and loading its models costs a few seconds, so it happens once, on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

_CODES = {
    "ENGLISH": "en", "DANISH": "da", "SWEDISH": "sv", "BOKMAL": "no", "NYNORSK": "no",
    "GERMAN": "de", "FRENCH": "fr", "SPANISH": "es", "PORTUGUESE": "pt", "ITALIAN": "it",
    "DUTCH": "nl", "FINNISH": "fi", "POLISH": "pl", "RUSSIAN": "ru", "TURKISH": "tr",
    "CHINESE": "zh", "JAPANESE": "ja", "KOREAN": "ko", "ARABIC": "ar",
}  # fmt: skip


_DETECT_CHARS = 300
_BUILD = threading.Lock()
# Openings detected ahead of need (by ``detect_all`` in a worker thread), installed by ``use``.
_primed: dict[str, str | None] = {}


@lru_cache(maxsize=1)
def _build() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _CODES]
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_minimum_relative_distance(0.1)
        .build()
    )


def _detector() -> Any:
    with _BUILD:  # one build even when a worker thread and the caller ask at once
        return _build()


def _detect(opening: str) -> str | None:
    found = _detector().detect_language_of(opening)
    return None if found is None else _CODES.get(found.name)


def detect_all(texts: Iterable[str]) -> dict[str, str | None]:
    """Detect many texts' languages, keyed by their opening; safe in a worker thread.

    lingua releases the GIL while it detects, so a thread running this overlaps the
    screening of the previous batch on another core. The result is what ``detect_language``
    would return for each text: it is a function of the opening only.
    """
    found: dict[str, str | None] = {}
    for text in texts:
        opening = text[:_DETECT_CHARS]
        if opening not in found:
            found[opening] = _detect(opening)
    return found


def use(primed: dict[str, str | None]) -> None:
    """Answer ``detect_language`` from these ``detect_all`` results first (empty: stop)."""
    global _primed
    _primed = primed


@lru_cache(maxsize=64)
def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when lingua cannot tell."""
    # The opening is enough to tell a language, and lingua's cost grows with the text.
    opening = text[:_DETECT_CHARS]
    if opening in _primed:
        return _primed[opening]
    return _detect(opening)

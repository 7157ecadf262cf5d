"""Pure text helpers used at the Record boundary: DOIs, markup, whitespace, years, languages.

Every helper accepts any text, never raises on it, and is idempotent (applying it twice gives
the same result as once); ``tests/test_normalize.py`` checks both with hypothesis.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import quote

_DOI_PREFIX = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*|https?://doi\.org/)", re.IGNORECASE
)
_DOI_SHAPE = re.compile(r"^10\.\d{3,9}/\S+$")
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
# Block-level tags separate words; inline ones (i, sup, sub, jats:italic) must not: H<sub>2</sub>O.
_BLOCK_TAG = re.compile(
    r"</?(?:[\w-]+:)?(?:p|br|div|h[1-6]|li|ul|ol|title|sec|tr|td|th|table|abstract|list-item|"
    r"label|caption|break)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_JATS_ABSTRACT_HEADING = re.compile(
    r"<(jats:)?title>\s*(abstract|summary)\s*</(jats:)?title>", re.IGNORECASE
)
_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|2100)(?!\d)")


def collapse_whitespace(text: str) -> str:
    """Fold every run of whitespace (including non-breaking spaces) to one space and trim."""
    return _SPACE.sub(" ", text).strip()


def normalize_doi(value: Any) -> str | None:
    """Return the bare, lower-cased DOI (``10.x/y``) or None when the value holds no DOI.

    Strips ``https://doi.org/``, ``http://dx.doi.org/`` and ``doi:`` prefixes (repeatedly, as
    some exports stack them), surrounding whitespace and trailing punctuation.
    """
    if value is None:
        return None
    text = collapse_whitespace(str(value)).lower()
    previous = None
    while previous != text:
        previous = text
        text = _DOI_PREFIX.sub("", text).strip().rstrip(".,;")
    text = text.replace(" ", "")
    return text if _DOI_SHAPE.match(text) else None


def doi_url(doi: str) -> str:
    """The resolver link of a bare DOI, percent-encoded (``<`` -> ``%3C``, ``#`` -> ``%23``).

    The DOI Handbook asks for ``%``, ``"``, ``#``, ``?``, ``<``, ``>`` and spaces to be encoded in
    a URL; only ``/ : ; ( )`` are left as they are, so the link resolves to the full DOI.
    """
    return "https://doi.org/" + quote(doi, safe="/:;()")


def _strip_once(text: str) -> str:
    text = _JATS_ABSTRACT_HEADING.sub(" ", text)
    text = _BLOCK_TAG.sub(" ", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return collapse_whitespace(text)


def strip_markup(value: Any) -> str | None:
    """Remove HTML/JATS/MathML tags and entities, collapse whitespace; '' becomes None.

    Runs to a fixed point, so escaped markup (``&lt;i&gt;``) is removed too and a second call
    changes nothing. A bare ``<`` followed by a non-letter (``p < 0.05``) is kept.
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    while True:
        stripped = _strip_once(text)
        if stripped == text:
            break
        text = stripped
    return text or None


def clean_text(value: Any) -> str | None:
    """Collapse whitespace in a plain field; empty or whitespace-only text becomes None."""
    if value is None:
        return None
    text = collapse_whitespace(unicodedata.normalize("NFC", str(value)))
    return text or None


def parse_year(value: Any) -> int | None:
    """Return a plausible publication year (1500-2100) from an int or any date-like text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2100 else None
    if isinstance(value, float):
        return parse_year(int(value)) if value == value and abs(value) < 1e6 else None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


_LANGUAGES = {
    "en": ("eng", "english"),
    "da": ("dan", "danish", "dansk"),
    "sv": ("swe", "swedish", "svenska"),
    "no": ("nor", "nob", "nno", "nb", "nn", "norwegian", "norsk", "bokmal", "nynorsk"),
    "de": ("ger", "deu", "german", "deutsch"),
    "fr": ("fre", "fra", "french"),
    "es": ("spa", "spanish"),
    "it": ("ita", "italian"),
    "pt": ("por", "portuguese"),
    "nl": ("dut", "nld", "dutch"),
    "fi": ("fin", "finnish"),
    "is": ("ice", "isl", "icelandic"),
    "pl": ("pol", "polish"),
    "ru": ("rus", "russian"),
    "uk": ("ukr", "ukrainian"),
    "tr": ("tur", "turkish"),
    "ja": ("jpn", "japanese"),
    "zh": ("chi", "zho", "chinese"),
    "ko": ("kor", "korean"),
    "ar": ("ara", "arabic"),
}
_LANGUAGE_INDEX = {alias: code for code, aliases in _LANGUAGES.items() for alias in aliases}
_LANGUAGE_INDEX.update({code: code for code in _LANGUAGES})


def normalize_language(value: Any) -> str | None:
    """Map ISO 639-1/639-2 codes and English or native names to ISO 639-1 (``no`` for Norwegian).

    Unknown two-letter codes pass through lower-cased; anything else unknown becomes None.
    """
    text = clean_text(value)
    if text is None:
        return None
    key = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    key = key.split(";")[0].split(",")[0].strip()
    if key in _LANGUAGE_INDEX:
        return _LANGUAGE_INDEX[key]
    if len(key) == 2 and key.isalpha():
        return key
    return None

"""Author surnames from every export style, for comparison only.

Handles "Family, Given" lists, "B. Abrahao; P. Parigi", PubMed "Smith JA", and run-together
PubMed/Embase strings such as ``Przyklenk K.Kloner R. A.`` or ``LucasM.MirzaeiF.``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A surname (may contain spaces, hyphens, apostrophes) followed by dotted initials.
_RUN_TOGETHER = re.compile(
    r"([A-Z\u00C0-\u024F][\w'\u2019\-]*?[a-z\u00DF-\u024F'](?:[ \-][A-Za-z\u00C0-\u024F'][\w'\-]*?[a-z])*)"
    r"\s?((?:[A-Z][a-z]?\.\s?-?)+|[A-Z]{1,2}$)"
)
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,3}$")
_SPLIT = re.compile(r"\s*(?:;|\band\b|&|\|)\s*")
_NOT_LETTER = re.compile(r"[^a-z]+")
_UNKNOWN = {"unknown", "anonymous", "anon", "et al", "etal", "nan", "na"}


def _ascii(text: str) -> str:
    """Fold to lower-case ASCII letters only ("O'Donnell" -> "odonnell", "Müri" -> "muri")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_LETTER.sub("", text.lower())


def _surname(name: str) -> str:
    """The family name of one author written in any single-author style."""
    if "," in name:
        return name.split(",", 1)[0]
    tokens = name.replace(".", ". ").split()
    if not tokens:
        return ""
    if len(tokens) > 1 and _INITIALS.match(tokens[-1].rstrip(".") + "."):
        return " ".join(t for t in tokens if not _INITIALS.match(t))
    if _INITIALS.match(tokens[0]):
        return " ".join(t for t in tokens if not _INITIALS.match(t))
    return tokens[0]


def _split_run_together(text: str) -> list[str] | None:
    """Surnames of a run-together string, or None when the string is not in that style."""
    if "," in text or ";" in text:
        return None
    found = _RUN_TOGETHER.findall(text)
    covered = sum(len(a) + len(b) for a, b in found)
    if len(found) >= 1 and covered >= 0.7 * len(text.replace(" ", "")) - len(found):
        return [surname for surname, _ in found]
    return None


def surnames(authors: Iterable[str] | None) -> list[str]:
    """Normalised surnames, in order, from a list of author strings of any style."""
    out: list[str] = []
    for entry in authors or ():
        for part in _SPLIT.split(entry):
            run = _split_run_together(part)
            for name in run if run is not None else [part]:
                key = _ascii(_surname(name) if run is None else name)
                if key and key not in _UNKNOWN:
                    out.append(key)
    return out

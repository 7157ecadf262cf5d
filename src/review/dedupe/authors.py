"""Author surnames from every export style, for comparison only.

Handles "Family, Given" lists, "B. Abrahao; P. Parigi", PubMed "Smith JA", and run-together
PubMed/Embase strings such as ``Przyklenk K.Kloner R. A.`` or ``LucasM.MirzaeiF.``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Run-together lists ("Tan A.Schulze A.", "LucasM.MirzaeiF.", "Aminian AliDaigle C. R.",
# "Reeve TSBabidge WJ") break after an initial's dot, at a lower->upper case change, or
# where an upper-case run meets a capitalised word.
_RUN_BREAKS = [
    re.compile(r"(?<=\.)\s*(?=[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F'\u2019])"),
    re.compile(r"(?<=[a-z\u00DF-\u024F])(?=[A-Z\u00C0-\u00DE])"),
    re.compile(r"(?<=[A-Z])(?=[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F])"),
]
_RUN_STYLE = re.compile(r"[a-z\u00DF-\u024F](?:\s?[A-Z]\.|[A-Z])|[A-Z]{2}[a-z]")
_PARTICLES = {"Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "Der", "Den", "Del"}
_SURNAME_HEAD = re.compile(r"^[^\s]*[a-z\u00DF-\u024F'\u2019]")
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,3}$")
_SPLIT = re.compile(r"\s*(?:;|\band\b|&|\|)\s*")
_NOT_LETTER = re.compile(r"[^a-z]+")
_CORPORATE = re.compile(
    r"(?i)\b(?:group|consortium|collaborat\w*|committee|investigators|study|trial|network|"
    r"society|association|organi[sz]ation|council|working|team|writing)\b"
)
_UNKNOWN = {"unknown", "anonymous", "anon", "et al", "etal", "nan", "na"}


def _ascii(text: str) -> str:
    """Fold to lower-case ASCII letters only ("O'Donnell" -> "odonnell", "Müri" -> "muri")."""
    # NFKD splits accents off as combining marks; encoding to ASCII drops them (and any other
    # non-ASCII letter, which the final substitution would remove anyway).
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
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
    if "," in text or not _RUN_STYLE.search(text):
        return None
    for pattern in _RUN_BREAKS:
        text = pattern.sub("|", text)
    chunks: list[str] = []
    for chunk in text.split("|"):
        if chunks and chunks[-1] in _PARTICLES:
            chunks[-1] += chunk
        else:
            chunks.append(chunk.strip())
    heads = (_SURNAME_HEAD.match(chunk) for chunk in chunks)
    return [h.group(0) for h in heads if h]


def surnames(authors: Iterable[str] | None) -> list[str]:
    """Normalised surnames, in order, from a list of author strings of any style."""
    out: list[str] = []
    for entry in authors or ():
        for part in _SPLIT.split(entry):
            run = _split_run_together(part)
            for name in run if run is not None else [part]:
                if _CORPORATE.search(name):
                    continue
                key = _ascii(_surname(name) if run is None else name)
                if key and key not in _UNKNOWN:
                    out.append(key)
    return out


def letters(authors: Iterable[str] | None, limit: int = 120) -> str:
    """Every letter of the author list, in order, lower-case ASCII: "Hardell, L.; Eriksson, M."
    and the run-together "HARDELL LERIKSSON M" give the same string."""
    return _ascii("".join(authors or ()))[:limit]


def _initial(text: str) -> str:
    """The first ASCII letter of ``text`` ("" when none)."""
    folded = _ascii(text)
    return folded[:1]


def _readings(name: str) -> tuple[set[str], set[str]]:
    """ "family:initial" keys for one author: the readings its style allows, and the reading
    if its given and family names were swapped ("Schmidt, Maria" -> "maria:s").

    "Family, Given" has one reading; "Given Family" without a comma (two full words) may be
    either way round, so it has both; "Family AB" and "A. B. Family" are unambiguous.
    """
    if "," in name:
        family, given = name.split(",", 1)
        fam, words = _ascii(family), given.replace(".", ". ").split()
        normal = {f"{fam}:{_initial(given)}"} if fam else set()
        full = [w for w in words if len(_ascii(w)) > 1 and not _INITIALS.match(w)]
        swapped = {f"{_ascii(full[0])}:{fam[0]}"} if full and fam else set()
        return normal, swapped
    tokens = name.replace(".", ". ").split()
    initials = [t for t in tokens if _INITIALS.match(t) or len(_ascii(t)) == 1]
    words = [t for t in tokens if t not in initials and _ascii(t)]
    if initials and words and (tokens[0] in initials or len(words) == 1):
        return {f"{_ascii(' '.join(words))}:{_initial(initials[0])}"}, set()
    if initials and words:  # "Thumbi Samuel M.": family, given, middle initial
        return {f"{_ascii(words[0])}:{_initial(words[1])}"}, set()
    if len(words) >= 2:
        first, last = _ascii(words[0]), _ascii(words[-1])
        return {f"{last}:{first[0]}", f"{first}:{last[0]}"}, set()
    return set(), set()


def name_keys(authors: Iterable[str] | None) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """Per author (in order), its ``_readings``: what ``swapped_match`` compares. Run-together
    strings, corporate and unknown authors give no keys (the surname comparison covers them)."""
    out = []
    for entry in authors or ():
        for part in _SPLIT.split(entry):
            run = _split_run_together(part)
            if not part.strip() or _CORPORATE.search(part) or (run and len(run) > 1):
                continue
            if _ascii(part) in _UNKNOWN:
                continue
            normal, swapped = _readings(part.strip())
            if normal or swapped:
                out.append((frozenset(normal), frozenset(swapped)))
    return tuple(out)


def _same_person(a: tuple[frozenset[str], frozenset[str]],
                 b: tuple[frozenset[str], frozenset[str]]) -> bool:  # fmt: skip
    """One reading of each agrees, at most one of them the swapped one."""
    return bool(a[0] & b[0] or a[0] & b[1] or a[1] & b[0])


def swapped_match(a: tuple, b: tuple) -> tuple[bool, float]:
    """Whether the lead authors are one person, given and family names swapped or not, and
    the share (0..100) of the shorter list's authors found in the other list."""
    if not a or not b:
        return False, float("nan")
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    found = sum(any(_same_person(x, y) for y in long_) for x in short)
    return _same_person(a[0], b[0]), 100.0 * found / len(short)

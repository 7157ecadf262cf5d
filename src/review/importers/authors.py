"""Author lists as exports deliver them, split into "Family, Given" strings where it is safe.

Handles BibTeX ``A and B``, semicolon lists (Scopus, Covidence, WoS), old Scopus comma lists
(``Smith J., Jones A.B.``) and run-together PubMed/Embase strings with spaced initials
(``Przyklenk K.Kloner R. A.``). Anything it cannot split reliably (``FeldmanG.M.``,
``Bezdjian ArenKraaijenga Veronique J. C.``) is kept as one raw string: the dedupe stage has
its own author parsing, and a wrong split is worse than none.
"""

from __future__ import annotations

import re
from typing import Any

# A family name of up to three words (``Dos Santos``, ``van der Berg``) before initials.
_FAMILY = r"[^\W\d_][\w'’.-]*?(?:\s[^\W\d_][\w'’-]*){0,2}"
_INITIALS = r"(?:[A-Z]\.(?:\s?-?\s?[A-Z]\.)*)"
_NAME_INITIALS = re.compile(rf"(?P<family>{_FAMILY})\s(?P<initials>{_INITIALS})")
# Where one run-together name ends and the next begins: "K.Kloner", "E.O'Hara".
_RUN_TOGETHER = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z'’])")
# Given and family names glued together ("ArenKraaijenga"): a sign the string is not a list.
_GLUED = re.compile(r"[a-z]{3,}[A-Z][a-z]")
_SCOPUS_ID = re.compile(r"\s*\(\d{6,}\)$")
_AND = re.compile(r"\s+and\s+")


def split_authors(value: Any) -> list[str]:
    """Split an author field into names, formatting ``Family I.`` as ``Family, I.``."""
    if value is None:
        return []
    if isinstance(value, list):
        parts = [str(item) for item in value]
    else:
        parts = _split_text(str(value).strip())
    names = (_tidy(part) for part in parts)
    return [name for name in names if name]


def _split_text(text: str) -> list[str]:
    """Choose the separator this string uses; keep it whole when none is reliable."""
    if not text:
        return []
    if ";" in text:
        return text.split(";")
    if " and " in text:
        parts = _AND.split(text)
        # "Centers for Disease Control and Prevention" is one organisation, not two people.
        if "," in text or "." in text or all(len(part.split()) <= 3 for part in parts):
            return parts
        return [text]
    comma_parts = text.split(", ")
    if len(comma_parts) > 1 and all(_NAME_INITIALS.fullmatch(p.strip()) for p in comma_parts):
        return comma_parts
    return _split_run_together(text)


def _split_run_together(text: str) -> list[str]:
    """Split ``Przyklenk K.Kloner R. A.`` only when every piece is clearly ``Family I.``."""
    parts = _RUN_TOGETHER.split(text)
    if len(parts) == 1:
        return parts
    if all(_NAME_INITIALS.fullmatch(p.strip()) and not _GLUED.search(p) for p in parts):
        return parts
    return [text]


def _tidy(name: str) -> str:
    """Trim, drop Scopus author ids, and put a comma between family name and initials."""
    name = _SCOPUS_ID.sub("", " ".join(name.split())).strip(" ,;")
    if "," not in name:
        match = _NAME_INITIALS.fullmatch(name)
        if match and not _GLUED.search(name):
            return f"{match['family']}, {match['initials']}"
    return name

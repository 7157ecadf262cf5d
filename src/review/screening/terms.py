"""Term syntax, text folding and tokenising: how a methodologist's term list meets a text.

Terms are matched word by word on folded tokens, never by scanning the text with one regex
per term: a text is split into tokens once, each distinct token is matched against every word
pattern once (memoised), and phrases are then checked on the token positions. That keeps
screening at tens of microseconds per work.

Syntax of one term (documented for methodologists in ``data/protocols/rules/common.toml``):

* words are separated by spaces or hyphens; a term of several words is a phrase, and up to
  ``phrase_gap`` other words may stand between its words (``community policing`` also finds
  *community-oriented policing*);
* ``*`` is any run of letters: at the end it truncates (``kriminalitetsforebyg*``), at both ends
  it finds the word inside compounds (``*boligområde*`` finds *udsatteboligområder*);
* ``?`` is one optional letter (``neighbo?rhood``, ``randomi?ed``);
* case is ignored, and æ ø å ä ö ü ß and accents are folded (æ→ae, ø→oe, å→aa, ä→ae, ö→oe,
  ü→ue, ß→ss, é→e) in both term and text, so *boligomraade* and *boligområde* are the same;
* a leading ``=`` makes the term case-sensitive, for acronyms that are also words (``=MTO``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_FOLD = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "œ": "oe"}
)
_TEXT_TOKEN = re.compile(r"[^\W_]+")
_TERM_TOKEN = re.compile(r"(?:[^\W_]|[*?])+")
_TERM_CHARS = re.compile(r"^[\w\s*?'&./+=-]+$")


class TermSyntaxError(ValueError):
    """A term cannot be compiled; the message says what is wrong with it."""


def fold(word: str) -> str:
    """Lower-case and fold Nordic/German letters and accents to ASCII-like spellings."""
    text = word.lower().translate(_FOLD)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=256)
def tokenize(text: str) -> tuple[str, ...]:
    """Split a field into raw word tokens; an all-capitals field is lower-cased first."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if text.isupper() and len(text) > 12:
        text = text.lower()  # ALL-CAPS titles must not fire case-sensitive acronyms
    return tuple(_TEXT_TOKEN.findall(text))


@dataclass(frozen=True)
class WordPattern:
    """One word of a term, compiled: exact, prefix, infix or a general pattern."""

    kind: str  # exact | prefix | infix | regex
    text: str  # folded (or raw when case-sensitive) literal, or the regex source
    case_sensitive: bool

    def matches(self, raw: str, folded: str) -> bool:
        """Whether a token (raw and folded form) matches this word pattern."""
        token = raw if self.case_sensitive else folded
        if self.kind == "exact":
            return token == self.text
        if self.kind == "prefix":
            return token.startswith(self.text)
        if self.kind == "infix":
            return self.text in token
        return _regex(self.text).fullmatch(token) is not None


@lru_cache(maxsize=4096)
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _word_pattern(word: str, case_sensitive: bool) -> WordPattern:
    text = word if case_sensitive else fold(word)
    core = text.strip("*")
    if not core.replace("?", ""):
        raise TermSyntaxError(f"word '{word}' has no letters besides wildcards")
    if "*" not in core and "?" not in core:
        starts, ends = text.startswith("*"), text.endswith("*")
        if not starts and not ends:
            return WordPattern("exact", core, case_sensitive)
        if not starts:
            return WordPattern("prefix", core, case_sensitive)
        if ends:
            return WordPattern("infix", core, case_sensitive)
    wildcards = {"*": r"[^\W_]*", "?": r"[^\W_]?"}
    source = "".join(wildcards.get(ch, re.escape(ch)) for ch in text)
    return WordPattern("regex", source, case_sensitive)


def parse_term(term: str) -> tuple[WordPattern, ...]:
    """Compile one term into its word patterns, or raise TermSyntaxError saying why."""
    raw = term.strip()
    case_sensitive = raw.startswith("=")
    body = raw[1:].strip() if case_sensitive else raw
    if not body:
        raise TermSyntaxError("the term is empty")
    if body.startswith('"') and body.endswith('"') and len(body) > 1:
        body = body[1:-1]  # quotes are allowed but phrases need none
    if not _TERM_CHARS.match(body):
        bad = sorted({ch for ch in body if not _TERM_CHARS.match(ch)})
        raise TermSyntaxError(f"unsupported character(s) {bad} (allowed: letters, * ? - ' space)")
    words = _TERM_TOKEN.findall(body)
    if not words:
        raise TermSyntaxError("the term has no words")
    return tuple(_word_pattern(word, case_sensitive) for word in words)


def covers(general: tuple[WordPattern, ...], specific: tuple[WordPattern, ...]) -> bool:
    """Whether every text ``specific`` matches is matched by ``general`` (word by word: equal,
    or a prefix/infix pattern that contains the other's literal). Conservative: wildcards
    other than a leading or trailing ``*`` are never said to cover anything."""
    if len(general) != len(specific):
        return False
    for wide, narrow in zip(general, specific, strict=True):
        if wide == narrow:
            continue
        if wide.case_sensitive != narrow.case_sensitive or narrow.kind == "regex":
            return False
        if wide.kind == "prefix" and narrow.kind in {"exact", "prefix"}:
            if not narrow.text.startswith(wide.text):
                return False
        elif not (wide.kind == "infix" and wide.text in narrow.text):
            return False
    return True

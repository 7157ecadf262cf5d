"""Vectorised text normalisers for comparison (pyarrow.compute, RE2 regexes).

Each function takes an Arrow string array and returns one of the same length; nulls stay
null. They only serve matching: nothing here is ever shown to a user or stored as a value.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

# Trailing translated-title markers: "[German]", "[Article in Chinese]", "(author's transl)".
_TRANSLATED = (
    r"(\S)\s*(?:\[(?:article in |in )?[a-z]+(?: [a-z']+){0,2}\]|\(author'?s'? transl?\.?\))\.?\s*$"
)
# Tails that PubMed and Ovid append after a stop or bracket: ". Erratum in: ...",
# ".[Erratum appears in ...]", "(Reprinted from ...)".
_TAILS = (
    r"(\S)\s*(?:[.;]\s*\[?|\[|\()\s*(?:(?:erratum|comment|retraction|update|correction)s?\s+"
    r"(?:appears?\s+|published\s+)?(?:in|on|of)|corrected and republished in|"
    r"reprinted (?:from|in))\b.*$"
)
# A trailing "(Review)" that Cochrane exports add to the review's title.
_REVIEW_SUFFIX = r"\s*\(\s*review\s*\)\s*$"
# WoS/Scopus: the original language after a stop: "... a systematic review. Portuguese".
_LANGUAGE_TAIL = (
    r"\.\s*(?:german|french|spanish|portuguese|italian|dutch|danish|swedish|norwegian|"
    r"finnish|polish|russian|chinese|japanese|korean|hungarian|czech|turkish|greek)\s*$"
)
# Ovid/MEDLINE tags inside titles: "[Review] [33 refs]".
_REVIEW_TAGS = r"\[\s*(?:review|\d+\s*refs?|\d+\s*references)\s*\]"
# Embase venue tails: ". Conference: ...", ".93 (6) (pp 1-9) 2011", ".(SUPPL.55) (no pagination)",
# ". Date of Publication: ...", "Article Number: ...".
_VENUE_TAIL = (
    r"(?:\.\s*conference\s*:|[.,]?\s*\d+\s*\(|\.\s*\(|\(no pagination\)|"
    r"\.?\s*date of publication|\.?\s*article number).*$"
)
_ROMAN = {
    "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8",
    "ix": "9", "x": "10", "xi": "11", "xii": "12",
}  # fmt: skip


def fold(arr: pa.Array) -> pa.Array:
    """Lower-case, strip diacritics (NFKD minus combining marks) and fold ``&`` to ``and``."""
    arr = pc.utf8_lower(pc.utf8_normalize(arr, form="NFKD"))
    arr = pc.replace_substring_regex(arr, pattern=r"\p{Mn}+", replacement="")
    return pc.replace_substring(arr, pattern="&", replacement=" and ")


def squash(arr: pa.Array) -> pa.Array:
    """Replace every non-alphanumeric run by one space and trim."""
    arr = pc.replace_substring_regex(arr, pattern=r"[^a-z0-9]+", replacement=" ")
    return pc.utf8_trim_whitespace(arr)


def _roman_to_digits(arr: pa.Array) -> pa.Array:
    """Rewrite roman numerals that follow part/phase/type/volume, or stand alone after ii."""
    arr = pc.replace_substring_regex(
        arr, pattern=r"\b(part|phase|type|study|trial|stage|grade) i\b", replacement=r"\1 1"
    )
    for roman, digit in sorted(_ROMAN.items(), key=lambda kv: -len(kv[0])):
        arr = pc.replace_substring_regex(arr, pattern=rf"\b{roman}\b", replacement=digit)
    return arr


def title_key(arr: pa.Array) -> pa.Array:
    """Comparison form of a title: folded, without translation markers or erratum tails."""
    arr = fold(arr)
    arr = pc.replace_substring_regex(arr, pattern=_TAILS, replacement=r"\1")
    arr = pc.replace_substring_regex(arr, pattern=_REVIEW_TAGS, replacement=" ")
    arr = pc.replace_substring_regex(arr, pattern=_REVIEW_SUFFIX, replacement="")
    arr = pc.replace_substring_regex(arr, pattern=_TRANSLATED, replacement=r"\1")
    arr = pc.replace_substring_regex(arr, pattern=_LANGUAGE_TAIL, replacement="")
    arr = pc.replace_substring_regex(arr, pattern=r"^\s*retracted\s*:\s*", replacement="")
    arr = squash(arr)
    # "delta9" and "delta 9", "covid19" and "covid 19" compare (and count) alike.
    arr = pc.replace_substring_regex(arr, pattern=r"([a-z])(\d)", replacement=r"\1 \2")
    arr = pc.replace_substring_regex(arr, pattern=r"(\d)([a-z])", replacement=r"\1 \2")
    arr = _roman_to_digits(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def venue_key(arr: pa.Array) -> pa.Array:
    """Venue words for abbreviation-aware comparison: folded, without stop words or tails.

    "Cochrane Database of Systematic Reviews" gives "cochrane database systematic reviews",
    "Cochrane Database Syst Rev." gives "cochrane database syst rev"; ``venue_similarity``
    matches the abbreviations. Embase tails (".93 (6) (pp 1-9) 2011", ". Conference: ...")
    are cut.
    """
    arr = fold(arr)
    arr = pc.replace_substring_regex(arr, pattern=_VENUE_TAIL, replacement="")
    arr = pc.replace_substring_regex(arr, pattern=r"\.", replacement=" ")
    arr = squash(arr)
    arr = pc.replace_substring_regex(
        arr, pattern=r"\b(?:the|of|and|for|in|on|de|la|und|der|fur|et|des)\b", replacement=" "
    )
    arr = pc.replace_substring_regex(arr, pattern=r"\b\d+\b", replacement=" ")
    arr = squash(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _abbreviates(short: str, word: str) -> bool:
    """Whether ``short`` can abbreviate ``word``: same first letter, then a subsequence
    ("j" journal, "disord" disorders, "br" british, "natl" national)."""
    if short == word:
        return True
    if not short or not word or short[0] != word[0] or len(short) > len(word):
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in short[1:])


def venue_similarity(a: str, b: str) -> float:
    """0..100: the share of the shorter venue's words that abbreviate a word of the other
    (either way round). "J Affect Disord" ~ "Journal of Affective Disorders" is 100,
    "Current Protocols in Pharmacology" ~ "... in Neuroscience" is 67."""
    if a.replace(" ", "").removeprefix("the") == b.replace(" ", "").removeprefix("the"):
        return 100.0  # glued words: "TheScientificWorldJournal"
    wa, wb = a.split(), b.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) == 1 and len(long_) > 1 and short[0] == "".join(w[0] for w in long_):
        return 100.0  # an acronym: "BMJ", "JAMA"
    hits = sum(any(_abbreviates(x, y) or _abbreviates(y, x) for y in long_) for x in short)
    return 100.0 * hits / len(short) if short else float("nan")


def digits_compatible(a: str, b: str) -> bool:
    """Whether one digit string is a subsequence of the other ("5" of "5152", "64" of "164")."""
    short, long_ = sorted((a, b), key=len)
    rest = iter(long_)
    return all(ch in rest for ch in short)


def first_number(arr: pa.Array) -> pa.Array:
    """The first run of digits without leading zeros ("4 (1) (no pagination)" -> "4")."""
    arr = pc.extract_regex(pc.cast(arr, pa.string()), pattern=r"(?P<n>\d+)")
    num = pc.struct_field(arr, "n")
    num = pc.replace_substring_regex(num, pattern=r"^0+(\d)", replacement=r"\1")
    return num


def pages_range(arr: pa.Array) -> tuple[pa.Array, pa.Array]:
    """First and last page as digit strings; "221-8" ends at "228", "70s-85s" is 70..85."""
    text = pc.utf8_lower(pc.cast(arr, pa.string()))
    # "Suppl-42": a word, then a dash, then the only number: that number ends the range.
    text = pc.replace_substring_regex(text, pattern=r"^\s*[a-z]{2,}\.?\s*-+\s*", replacement="?-")
    parts = pc.extract_regex(
        text, pattern=r"^[^\d?]*(?P<a>\d*)\??[a-z]*(?:\s*[-–]+\s*[a-z]*(?P<b>\d+))?"
    )
    start = pc.replace_substring_regex(
        pc.struct_field(parts, "a"), pattern=r"^0+(\d)", replacement=r"\1"
    )
    start = pc.if_else(pc.equal(start, ""), pa.scalar(None, pa.string()), start)
    end = pc.struct_field(parts, "b")
    end = pc.if_else(pc.equal(end, ""), pa.scalar(None, pa.string()), end)
    short = pc.less(pc.utf8_length(end), pc.utf8_length(start))
    return start, _expand_end(start, end, short)


def _expand_end(start: pa.Array, end: pa.Array, short: pa.Array) -> pa.Array:
    """Complete abbreviated end pages ("221-8" -> 228) using the start page's leading digits."""
    out = []
    for s, e, is_short in zip(start.to_pylist(), end.to_pylist(), short.to_pylist(), strict=True):
        if e is not None and is_short and s is not None:
            e = s[: len(s) - len(e)] + e
        out.append(e.lstrip("0") or None if e is not None else None)
    return pa.array(out, pa.string())


# A conference written out in full ("Americas Conference on Information Systems").
_CONFERENCE_NAME = re.compile(r"\b(?:conference|symposium|workshop|congress|colloquium)\b")
# Words that are no part of a conference's acronym: "Proceedings of the 40th Annual ...".
_NOT_IN_ACRONYM = re.compile(
    r"^(?:proceedings|proc|annual|\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth)$"
)


def _built_from(acronym: str, words: list[str]) -> bool:
    """Whether ``acronym`` is a leading piece of every word in turn ("amcis": AMericas
    Conference Information Systems; "hicss": Hawaii International Conference System
    Sciences)."""
    if not words:
        return not acronym
    head = words[0]
    return any(
        acronym[:n] == head[:n] and _built_from(acronym[n:], words[1:])
        for n in range(1, min(len(head), len(acronym) - len(words) + 1) + 1)
    )


def conference_alias(a: str, b: str) -> bool:
    """Whether one venue key is the other conference's acronym, followed by anything: that
    year's theme ("ICIS : Making Digital Inclusive"), "Proceedings", "Research Papers"."""
    for short, full in ((a, b), (b, a)):
        if not _CONFERENCE_NAME.search(full):
            continue
        words = [w for w in full.split() if not _NOT_IN_ACRONYM.match(w)]
        lead = [w for w in short.split() if not _NOT_IN_ACRONYM.match(w)][:1]
        if lead and len(lead[0]) >= 3 and len(words) >= 3 and _built_from(lead[0], words):
            return True
    return False


# Function words that mark a title as written in another language than English (German,
# French, Spanish, Portuguese, Italian, Dutch, Danish, Norwegian, Swedish); words that are
# also English ("die", "war", "also") are left out.
_OTHER_WORDS = (
    "und der das des dem mit bei von vom zur zum fur eine einer eines einem ein ist sind auf "
    "nach uber oder sowie durch zwischen nicht wie les du et dans pour sur une avec chez aux "
    "ou est par el los las del y con para por una uma em dos como il della delle degli nel "
    "nella tra het een van bij voor naar uit og och af av med pa til till ved vid hos som fra "
    "fran efter eller blandt bland mellem mellom ett ikke inte om"
)
_ENGLISH_WORDS = (
    "the of and in for with on to a an by from at is are or as its their after between among "
    "using versus during without within under over into through"
)
_OTHER_LANGUAGE = frozenset(_OTHER_WORDS.split())
_ENGLISH = frozenset(_ENGLISH_WORDS.split())


def other_language(keys: pa.Array) -> list[bool]:
    """Per title key, whether its function words say another language than English (two or
    more of them, outnumbering the English ones)."""
    out = []
    for key in keys.to_pylist():
        words = (key or "").split()
        other = sum(w in _OTHER_LANGUAGE for w in words)
        out.append(other >= 2 and other > sum(w in _ENGLISH for w in words))
    return out

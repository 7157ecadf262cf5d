"""Prepare: turn stored records (an Arrow table) into comparison fields, column at a time.

The output is a plain dict of numpy arrays (``Prepared``), one entry per record, in input
order. Missing values are None (strings) or -1 (years): later stages treat them as unknown.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from review.dedupe.authors import letters, surnames
from review.dedupe.place import place
from review.dedupe.text import first_number, fold, other_language, squash, title_key, venue_key

Prepared = dict[str, np.ndarray]

# What a record is, beyond "an article": kinds that must never merge with each other.
_KIND_PATTERNS = [
    ("retraction", r"^(?:retraction(?: notice)?(?: of| to| for)?|withdrawn|notice of retraction)\b"),  # noqa: E501
    ("erratum", r"^(?:errat(?:um|a)|correction|corrigend(?:um|a)|correcting|addendum)\b"),
    ("reply", r"^(?:reply|response|in reply|authors? reply|the authors reply|author response)\b"),
    ("comment", r"^(?:comment(?:ary)?(?: on)?|re|letter|editorial comment|invited commentary)\b\s*:?"),  # noqa: E501
]  # fmt: skip
_KIND_CONTAINS = [
    ("reply", r"\b(?:reply to|response to (?:the )?(?:letter|comment)|authors reply)\b"),
    ("comment", r"\b(?:comment on|commentary on|a comment|letter to the editor)\b"),
]
_GENERIC = (
    r"^(?:editorial|editorials|introduction|preface|foreword|book reviews?|book review .*|"
    r"reviews?|letters?|letters? to the editor|correspondence|comments?|commentary|reply|"
    r"response|erratum|errata|correction|corrigendum|in this issue|news|abstracts?|"
    r"untitled|unknown|no title|title|highlights|announcements?|obituary|index|contents|"
    r"table of contents|guest editorial|editors? note|from the editor|acknowledg[a-z]*|"
    r"conference report|meeting report|poster session.*|oral presentations?|reviewers)$"
)
_CONFERENCE = (
    r"\b(?:conference|conf|proceedings|proc|symposium|symp|workshop|congress|meeting|"
    r"colloquium|summit|amcis|icis|hicss|ecis|pacis)\b"
)
_PREPRINT_VENUE = r"\b(?:medrxiv|biorxiv|arxiv|ssrn|research square|preprints|psyarxiv|osf)\b"
_PREPRINT_DOI = r"^10\.(?:1101|48550|21203|2139|20944|31234|31219|22541)/"
_PREFIX = 10
# A Cochrane review's own number ("CD001186"), whichever field the export put it in.
_PART_MARKER = (
    r"\b(?:part|phase|study|trial|stage|series|paper|report|vol|volume|section|chapter|no)"
    r"\s+(?P<g>\d+)\b"
)
_COMPONENT_DOI = r"^(10\.1371/journal\.[a-z]+\.\d{7}|10\.7554/elife\.\d{5})\.[a-z]?\d{3}$"
_PUB = r"\.pub(?P<g>\d+)$"
_COCHRANE_DOI = r"14651858\.(?P<g>cd\d{6})"
_COCHRANE_ID = r"^\s*(?P<g>cd\d{6})\s*$"


def _strings(table: pa.Table, name: str) -> pa.Array:
    """A column as a string array (all null when the table lacks it)."""
    if name not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    col = table.column(name).combine_chunks()
    return col if pa.types.is_string(col.type) else pc.cast(col, pa.string())


def _np(arr: pa.Array) -> np.ndarray:
    """Arrow array -> numpy object array (None for null)."""
    return np.array(arr.to_pylist(), dtype=object)


def _kinds(raw_title: pa.Array, flags: list[Any]) -> np.ndarray:
    """Record kind from the title's opening words and the record's flags."""
    lowered = fold(raw_title)
    lowered = pc.replace_substring_regex(lowered, pattern=r"^[\s\[(\"']+", replacement="")
    kind = pa.array(["article"] * len(raw_title), pa.string())
    for name, pattern in [*_KIND_CONTAINS, *_KIND_PATTERNS]:
        hit = pc.fill_null(pc.match_substring_regex(lowered, pattern), False)
        kind = pc.if_else(hit, name, kind)
    out = _np(kind)
    for i, fl in enumerate(flags):
        if fl and "erratum" in fl:
            out[i] = "erratum"
        elif fl and "retraction_notice" in fl:
            out[i] = "retraction"
    return out


def _is_generic(key: pa.Array, venue: pa.Array) -> np.ndarray:
    """Titles that name a genre, not a work (or repeat the venue name): never enough alone."""
    generic = pc.fill_null(pc.match_substring_regex(key, _GENERIC), True)
    folded_venue = squash(fold(venue))
    has_venue = pc.fill_null(pc.greater(pc.utf8_length(folded_venue), 8), False)
    triples = zip(key.to_pylist(), folded_venue.to_pylist(), has_venue.to_pylist(), strict=True)
    same = [bool(v and k and has and k.startswith(v)) for k, v, has in triples]
    short = pc.fill_null(pc.less(pc.utf8_length(key), 12), True)
    return _np(generic).astype(bool) | np.array(same, bool) | _np(short).astype(bool)


def _venue_kind(venue: pa.Array, ptype: pa.Array) -> np.ndarray:
    """'conference', 'preprint', 'journal' or None (unknown) for each record."""
    v = fold(venue)
    # Embase "Journal. Conference: ..." is a meeting abstract, not the journal article.
    conf = pc.fill_null(pc.match_substring_regex(v, _CONFERENCE), False)
    t = pc.fill_null(pc.utf8_lower(ptype), "")
    conf_type = pc.match_substring_regex(t, r"inproceedings|conference|proceedings")
    pre = pc.fill_null(pc.match_substring_regex(v, _PREPRINT_VENUE), False)
    kind = pc.if_else(pc.is_null(v), pa.scalar(None, pa.string()), "journal")
    kind = pc.if_else(pc.or_(conf, conf_type), "conference", kind)
    return _np(pc.if_else(pre, "preprint", kind))


def _doi_exact(doi: pa.Array) -> pa.Array:
    """Lower-cased, percent-decoded DOI (the stem, without Cochrane ``.pubN``, is derived)."""
    d = pc.utf8_lower(doi)
    d = pa.array([unquote(x) if x and "%" in x else x for x in d.to_pylist()], pa.string())
    # A doubled prefix ("10.3779/10.3779/j...."), and a figure's or table's component DOI
    # (PLOS ".g001", eLife ".001"), name the article itself.
    d = pc.replace_substring_regex(d, pattern=r"^(10\.\d+/)+(10\.\d+/)", replacement=r"\2")
    return pc.replace_substring_regex(d, pattern=_COMPONENT_DOI, replacement=r"\1")


def _cochrane_id(doi: pa.Array, *fields: pa.Array) -> pa.Array:
    """The Cochrane review number from the DOI, or from a pages/issue field holding only it."""
    found = [_first_group(doi, _COCHRANE_DOI)]
    found += [_first_group(pc.utf8_lower(f), _COCHRANE_ID) for f in fields]
    return pc.coalesce(*found)


def _first_group(arr: pa.Array, pattern: str) -> pa.Array:
    """The regex's group ``g``, or null."""
    parts = pc.extract_regex(pc.fill_null(arr, ""), pattern=pattern)
    return pc.if_else(pc.is_valid(parts), pc.struct_field(parts, "g"), pa.scalar(None, pa.string()))


def prepare(table: pa.Table, disabled: frozenset[str] = frozenset()) -> Prepared:
    """Comparison fields for every record of ``table`` (columns as in the records table;
    ``disabled``: rules switched off)."""
    raw_title = _strings(table, "title")
    key = title_key(raw_title)
    venue = _strings(table, "venue")
    doi_exact = _doi_exact(_strings(table, "doi"))
    doi = pc.replace_substring_regex(doi_exact, pattern=r"\.pub\d+$", replacement="")
    version = pc.if_else(
        pc.is_valid(doi_exact), pc.fill_null(_first_group(doi_exact, _PUB), "1"), None
    )
    # "10.1211/jpp/61.10.0002" and "10.1211/jpp.61.10.0002": punctuation is not identity.
    doi = pc.replace_substring_regex(doi, pattern=r"[^a-z0-9]+", replacement="")
    authors = table.column("authors").to_pylist() if "authors" in table.column_names else []
    names = [surnames(a) for a in authors] or [[] for _ in range(table.num_rows)]
    flags = table.column("flags").to_pylist() if "flags" in table.column_names else []
    year = (
        _plausible_year(pc.cast(table.column("year"), pa.int32()))
        if "year" in table.column_names
        else pa.array([-1] * table.num_rows)
    )
    volume, issue, pages = (_strings(table, name) for name in ("volume", "issue", "pages"))
    where = place(
        volume, issue, pages, venue, year, "article_number" not in disabled,
        "roman_pages" not in disabled,
    )  # fmt: skip
    start, end = where["page_start"], where["page_end"]
    kind = _kinds(raw_title, flags or [None] * table.num_rows)
    preprint_doi = _np(
        pc.fill_null(pc.match_substring_regex(doi_exact, _PREPRINT_DOI), False)
    ).astype(bool)
    vkind = _venue_kind(venue, _strings(table, "publication_type"))
    # A conference paper's SSRN (or other preprint-server) DOI is a copy, not a preprint.
    keeps_venue = (vkind == "conference") & ("conference_ssrn" not in disabled)
    vkind[preprint_doi & ~keeps_venue] = "preprint"
    return {
        "record_id": _np(_strings(table, "record_id")),
        "title": _np(key),
        "title_prefix": _np(pc.utf8_slice_codeunits(pc.replace_substring(key, " ", ""), 0, 24)),
        "title_nums": _np(_title_numbers(key)),
        "title_digits": _np(_title_digits(key)),
        "title_part": _np(_part_number(key)),
        "title_foreign": np.array(other_language(key), dtype=bool),
        "generic": _is_generic(key, venue),
        "genre": _np(pc.fill_null(pc.match_substring_regex(key, _GENERIC), True)).astype(bool),
        "living": _living(where, year),
        "kind": kind,
        "authors": np.array([" ".join(n) for n in names], dtype=object),
        "author_letters": np.array([letters(a) or None for a in authors] or [None] * len(names)),
        "author_list": _objects(authors or [[] for _ in names]),
        "first_author": np.array([n[0] if n else None for n in names], dtype=object),
        "year": np.asarray(year.to_numpy(zero_copy_only=False), dtype=np.int32),
        "venue": _np(venue_key(venue)),
        "venue_kind": vkind,
        "volume": _np(where["volume"]),
        "page_start": _np(start),
        "page_end": _np(end),
        "page_start_n": _ints(start),
        "page_end_n": _ints(end),
        "issue": _np(where["issue"]),
        "doi": _np(doi),
        "doi_exact": _np(doi_exact),
        "doi_version": _np(version),
        "pmid": _np(first_number(_strings(table, "pmid"))),
        "review_id": _np(_cochrane_id(
            doi_exact, *(_strings(table, name) for name in ("pages", "issue", "volume"))
        )),
        "online_first": _online_first(start, end, where["volume"]),
        "abstract_like": _abstract_like(volume, issue, pages, start, end),
        "abstract": _np(pc.utf8_slice_codeunits(squash(fold(_strings(table, "abstract"))), 0, 400)),
    }  # fmt: skip


def _ints(arr: pa.Array) -> np.ndarray:
    """Digit strings as int64 (-1 when missing or absurdly long)."""
    short = pc.if_else(pc.less_equal(pc.utf8_length(arr), 9), arr, pa.scalar(None, pa.string()))
    return np.asarray(pc.fill_null(pc.cast(short, pa.int64()), -1).to_numpy(zero_copy_only=False))


def _title_digits(key: pa.Array) -> pa.Array:
    """Every digit of a title in order: "(1)(8)F-FDG" and "18F-FDG" both give "18"."""
    digits = pc.replace_substring_regex(key, pattern=r"[^0-9]+", replacement="")
    return pc.fill_null(digits, "")


def _title_numbers(key: pa.Array) -> pa.Array:
    """The distinct numbers in a title, sorted, space-joined ("" when it has none)."""
    nums = pc.replace_substring_regex(key, pattern=r"\b[a-z][a-z0-9]*\b", replacement=" ")
    nums = pc.replace_substring_regex(nums, pattern=r"\s+", replacement=" ")
    nums = pc.fill_null(pc.utf8_trim_whitespace(nums), "")
    return pa.array([" ".join(sorted(set(n.split()))) for n in nums.to_pylist()], pa.string())


def _part_number(key: pa.Array) -> pa.Array:
    """The number of a part in a series ("part 2", "phase 3", a title ending in "... 5"):
    parts never merge, even in the same place."""
    marker = _first_group(key, _PART_MARKER)
    return pc.coalesce(marker, _first_group(key, r"\s(?P<g>\d+)$"))


def _plausible_year(year: pa.Array) -> pa.Array:
    """The year, or -1 when missing or impossible for a journal article (a page read as
    the year: "1517")."""
    return pc.fill_null(pc.if_else(pc.less(year, 1800), pa.scalar(None, pa.int32()), year), -1)


def _living(where: dict[str, pa.Array], year: pa.Array) -> np.ndarray:
    """A chapter of a living publication (BMJ Clinical Evidence): the volume is the year and
    there are no pages, so each yearly update looks like a new item."""
    same = pc.equal(where["volume"], pc.cast(year, pa.string()))
    unpaged = pc.and_(pc.is_null(where["page_start"]), pc.is_null(where["page_end"]))
    return _np(pc.fill_null(pc.and_(same, unpaged), False)).astype(bool)


def _online_first(start: pa.Array, end: pa.Array, volume: pa.Array) -> np.ndarray:
    """Online-first pagination ("1-17" with no volume yet, or a bare "1"): provisional."""
    first = pc.fill_null(pc.equal(start, "1"), False)
    return _np(pc.and_(first, pc.or_(pc.is_null(volume), pc.is_null(end)))).astype(bool)


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array of arbitrary values (tuples stay whole)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


# A supplement: "29 Suppl 4", "Supplement 1", "S2", or pages "S418".
_SUPPLEMENT = r"(?i)\bsup(?:p|pl|plement)?\b|suppl|^\s*s\d"


def _abstract_like(
    volume: pa.Array, issue: pa.Array, pages: pa.Array, start: pa.Array, end: pa.Array
) -> np.ndarray:
    """A meeting abstract's place: a supplement, or a single page."""
    marked = [
        pc.fill_null(pc.match_substring_regex(a, _SUPPLEMENT), False)
        for a in (volume, issue, pages)
    ]
    single = pc.and_kleene(pc.is_valid(start), pc.or_kleene(pc.is_null(end), pc.equal(start, end)))
    found = pc.or_kleene(
        pc.or_kleene(marked[0], marked[1]), pc.or_kleene(marked[2], pc.fill_null(single, False))
    )
    return _np(found).astype(bool)

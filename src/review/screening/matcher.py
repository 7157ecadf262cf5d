"""Find which terms of which blocks occur in which fields of a work, fast and deterministically.

``Matcher`` is built once per rule version from ``{block name: [terms]}``. Each distinct token is
matched against the word patterns once and memoised (exact and prefix words by dictionary,
infix and wildcard words by a short scan), and phrases are checked on token positions.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from review.screening.terms import WordPattern, fold, parse_term

_MEMO_LIMIT = 500_000


class Hit(NamedTuple):
    """One term of one block found in one field (title, abstract or keywords).

    A named tuple: built and sorted (by block, term, field) at C speed, millions per run.
    """

    block: str
    term: str
    field: str


@dataclass(frozen=True)
class _Term:
    block: str
    text: str
    words: tuple[int, ...]


class Matcher:
    """Compiled term lists of every block of one rule set."""

    def __init__(self, blocks: dict[str, list[str]], phrase_gap: int = 1) -> None:
        """Compile every term once; raises TermSyntaxError (via parse_term) on a bad term."""
        self.phrase_gap = phrase_gap
        self._ids: dict[WordPattern, int] = {}
        self._exact: dict[tuple[bool, str], list[int]] = defaultdict(list)
        self._prefix: dict[tuple[bool, int], dict[str, list[int]]] = defaultdict(dict)
        self._scan: list[tuple[int, WordPattern]] = []
        self._terms: list[_Term] = []
        self._by_first: dict[int, list[int]] = defaultdict(list)
        self._memo: dict[str, tuple[int, ...]] = {}
        for block, terms in blocks.items():
            for text in terms:
                words = tuple(self._register(pattern) for pattern in parse_term(text))
                self._by_first[words[0]].append(len(self._terms))
                self._terms.append(_Term(block, text, words))

    def _register(self, pattern: WordPattern) -> int:
        if pattern in self._ids:
            return self._ids[pattern]
        wid = len(self._ids)
        self._ids[pattern] = wid
        if pattern.kind == "exact":
            self._exact[(pattern.case_sensitive, pattern.text)].append(wid)
        elif pattern.kind == "prefix":
            table = self._prefix[(pattern.case_sensitive, len(pattern.text))]
            table.setdefault(pattern.text, []).append(wid)
        else:
            self._scan.append((wid, pattern))
        return wid

    def word_ids(self, raw: str) -> tuple[int, ...]:
        """Ids of the word patterns a token matches (memoised per distinct token)."""
        cached = self._memo.get(raw)
        if cached is not None:
            return cached
        folded = fold(raw)
        found: list[int] = []
        found += self._exact.get((False, folded), ())
        found += self._exact.get((True, raw), ())
        for (case_sensitive, length), table in self._prefix.items():
            token = raw if case_sensitive else folded
            if len(token) >= length:
                found += table.get(token[:length], ())
        found += [wid for wid, pattern in self._scan if pattern.matches(raw, folded)]
        result = tuple(sorted(set(found)))
        if len(self._memo) < _MEMO_LIMIT:
            self._memo[raw] = result
        return result

    def _phrase_at(self, words: tuple[int, ...], ids: list[tuple[int, ...]], start: int) -> bool:
        position = start + 1
        for wid in words[1:]:
            window = range(position, min(position + self.phrase_gap + 1, len(ids)))
            found = next((p for p in window if wid in ids[p]), None)
            if found is None:
                return False
            position = found + 1
        return True

    def terms_in(self, tokens: tuple[str, ...]) -> set[int]:
        """Indexes of the terms found in one field's tokens."""
        memo, word_ids = self._memo, self.word_ids
        distinct: dict[str, tuple[int, ...]] = {}
        for token in set(tokens):
            known = memo.get(token)
            distinct[token] = word_ids(token) if known is None else known
        seen = {wid for word_ids_ in distinct.values() for wid in word_ids_}
        found: set[int] = set()
        ids: list[tuple[int, ...]] = []
        starts: dict[int, list[int]] = {}
        for wid in seen:
            for index in self._by_first.get(wid, ()):
                words = self._terms[index].words
                if len(words) == 1:
                    found.add(index)
                elif seen.issuperset(words):  # cheap rejection before the positional check
                    if not ids:  # each word's positions, once per field (common first words)
                        ids = [distinct[token] for token in tokens]
                        for position, word_ids_ in enumerate(ids):
                            for each in word_ids_:
                                starts.setdefault(each, []).append(position)
                    if any(self._phrase_at(words, ids, start) for start in starts[wid]):
                        found.add(index)
        return found

    def hits(self, fields: dict[str, tuple[str, ...]]) -> list[Hit]:
        """Every (block, term, field) found, sorted so the output is reproducible."""
        result = []
        for field, tokens in fields.items():
            for index in self.terms_in(tokens):
                term = self._terms[index]
                result.append(Hit(term.block, term.text, field))
        return sorted(result)


class SharedLexicon:
    """One matcher over the blocks of every rule set in use, so a work is matched once.

    The four SFI protocols share most blocks; each rule set registers its blocks under a
    signature (name and terms), identical blocks are stored once, and the hits of the last
    works are cached so screening one work under several protocols tokenises and matches once.
    """

    def __init__(self, phrase_gap: int) -> None:
        """An empty lexicon for one phrase gap."""
        self.phrase_gap = phrase_gap
        self._lists: dict[str, list[str]] = {}
        self._matcher: Matcher | None = None
        self._cache: dict[tuple[tuple[str, ...], ...], list[Hit]] = {}
        self._last: tuple[object, list[Hit]] | None = None

    def register(self, name: str, terms: list[str]) -> str:
        """Add a block (validating its terms) and return its signature."""
        signature = f"{name}#{hashlib.sha1('|'.join(terms).encode()).hexdigest()[:12]}"
        if signature not in self._lists:
            Matcher({name: terms})  # fail here, naming the block, on a bad term
            self._lists[signature] = list(terms)
            self._matcher, self._cache, self._last = None, {}, None
        return signature

    def hits_of(
        self, work: object, fields: Callable[[object], dict[str, tuple[str, ...]]]
    ) -> list[Hit]:
        """``hits(fields(work))``, reused while the same (immutable) work is screened again.

        Screening a work under four protocols asks four times in a row; the identity check
        (the lexicon holds the work, so its id cannot be reused) skips re-tokenising and
        re-hashing its tokens.
        """
        last = self._last
        if last is not None and last[0] is work:
            return last[1]
        found = self.hits(fields(work))
        self._last = (work, found)
        return found

    def hits(self, fields: dict[str, tuple[str, ...]]) -> list[Hit]:
        """Hits of every registered block (block = signature), cached for recent works."""
        key = tuple(fields.values())
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if self._matcher is None:
            self._matcher = Matcher(self._lists, self.phrase_gap)
        found = self._matcher.hits(fields)
        if len(self._cache) >= 8:
            self._cache.clear()
        self._cache[key] = found
        return found


_LEXICONS: dict[int, SharedLexicon] = {}


def lexicon(phrase_gap: int) -> SharedLexicon:
    """The process-wide lexicon for one phrase gap."""
    return _LEXICONS.setdefault(phrase_gap, SharedLexicon(phrase_gap))

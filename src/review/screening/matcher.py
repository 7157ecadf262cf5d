"""Find which terms of which blocks occur in which fields of a work, fast and deterministically.

``Matcher`` is built once per rule version from ``{block name: [terms]}``. Each distinct token is
matched against the word patterns once and memoised (exact and prefix words by dictionary,
infix and wildcard words by a short scan), and phrases are checked on token positions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from review.screening.terms import WordPattern, fold, parse_term

_MEMO_LIMIT = 500_000


@dataclass(frozen=True, order=True)
class Hit:
    """One term of one block found in one field (title, abstract or keywords)."""

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
        ids = [self.word_ids(token) for token in tokens]
        seen = {wid for word_ids in ids for wid in word_ids}
        found: set[int] = set()
        for wid in seen:
            for index in self._by_first.get(wid, ()):
                words = self._terms[index].words
                if len(words) == 1:
                    found.add(index)
                elif seen.issuperset(words):  # cheap rejection before the positional check
                    starts = (p for p, word_ids in enumerate(ids) if wid in word_ids)
                    if any(self._phrase_at(words, ids, start) for start in starts):
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

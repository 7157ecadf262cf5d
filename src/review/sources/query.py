"""Turning a protocol's concept blocks into query strings, per source syntax.

Boolean sources get one strategy, ``(a OR b) AND (c OR d)``, split into the fewest parts that
fit the URL (``split_to_fit``); bag-of-words sources get small bags of related words
(``word_bags``), because they rank by relevance instead of matching a Boolean expression.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable

from review.protocol import ConceptBlock

# Words that carry no meaning in a relevance-ranked bag (en, da, no, sv, de); they only make
# a bag longer. Kept tiny on purpose: anything with content stays.
STOP_WORDS = frozenset(
    {"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "that", "with",  # en
     "af", "og", "i", "och", "und", "der", "die", "das", "für", "von", "zu"}  # da no sv de
)  # fmt: skip


def quote_term(term: str, *, wildcard: bool) -> str:
    """Quote a multi-word term as a phrase; drop ``*``/``?`` where the API has no wildcards."""
    text = term.strip().strip('"')
    if not wildcard:
        text = text.replace("*", "").replace("?", "").strip()
    return f'"{text}"' if " " in text or "-" in text else text


def boolean_query(
    blocks: list[ConceptBlock],
    *,
    wildcard: bool = True,
    and_: str = " AND ",
    or_: str = " OR ",
    term: Callable[[str], str] | None = None,
) -> str:
    """``(a OR b) AND (c OR d)`` from the blocks; ``term`` formats one term (default: quoted)."""
    fmt = term or (lambda t: quote_term(t, wildcard=wildcard))
    groups = []
    for block in blocks:
        terms = list(dict.fromkeys(fmt(t) for t in block.terms if fmt(t)))
        groups.append("(" + or_.join(terms) + ")" if len(terms) > 1 else terms[0])
    return and_.join(groups)


def balanced_chunks(block: ConceptBlock, parts: int) -> list[ConceptBlock]:
    """Cut a block into at most ``parts`` runs of consecutive terms of similar total length.

    The smallest character budget that greedy packing fits into ``parts`` runs is found by
    bisection, so the longest run is as short as order-keeping cuts allow.
    """
    sizes = [len(t) + 4 for t in block.terms]  # a term plus its " OR " separator

    def pack(budget: int) -> list[list[str]]:
        runs: list[list[str]] = [[]]
        used = 0
        for term, size in zip(block.terms, sizes, strict=True):
            if runs[-1] and used + size > budget:
                runs.append([])
                used = 0
            runs[-1].append(term)
            used += size
        return runs

    low, high = max(sizes), sum(sizes)
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if len(pack(middle)) <= parts else (middle + 1, high)
    runs = pack(low)
    if len(runs) == 1:
        return [block]
    return [ConceptBlock(name=f"{block.name}[{i}]", terms=r) for i, r in enumerate(runs, 1)]


def split_to_fit(
    blocks: list[ConceptBlock], render: Callable[[list[ConceptBlock]], str], max_length: int
) -> list[list[ConceptBlock]]:
    """The fewest OR-splits of the blocks whose rendered queries all fit ``max_length``.

    Each block is cut into ``k`` balanced chunks and every combination of one chunk per block
    becomes one strategy, so a split costs the product of the ``k``s; the smallest product
    that fits wins (cutting three blocks in 3, 2 and 2 costs 12 queries, halving the widest
    block until it fits can cost three times that). The union of the strategies retrieves
    exactly what the whole strategy would, because an OR-block distributes over AND.
    """
    if len(render(blocks)) <= max_length:
        return [blocks]
    longest = [ConceptBlock(name=b.name, terms=[max(b.terms, key=len)]) for b in blocks]
    if len(render(longest)) > max_length:
        raise ValueError(f"a single-term strategy is longer than {max_length} characters")
    limits = [len(b.terms) for b in blocks]
    candidates = (ks for p in range(2, math.prod(limits) + 1) for ks in _factorings(p, limits))
    for ks in candidates:
        chunked = [balanced_chunks(block, k) for block, k in zip(blocks, ks, strict=True)]
        widest = [max(chunks, key=lambda c: sum(map(len, c.terms))) for chunks in chunked]
        if len(render(widest)) > max_length:
            continue  # the longest combination does not fit: no need to render the others
        strategies = [list(combo) for combo in itertools.product(*chunked)]
        if all(len(render(s)) <= max_length for s in strategies):
            return strategies
    raise AssertionError("unreachable: one term per chunk fits")  # pragma: no cover


def _factorings(product: int, limits: list[int]) -> list[tuple[int, ...]]:
    """Ordered factorings of ``product`` with one factor per limit, evenest first."""
    if len(limits) == 1:
        return [(product,)] if product <= limits[0] else []
    found = [
        (d, *rest)
        for d in range(1, min(product, limits[0]) + 1)
        if product % d == 0
        for rest in _factorings(product // d, limits[1:])
    ]
    return sorted(found, key=max)


def words(term: str) -> list[str]:
    """A term as the plain, lower-case words a bag-of-words API matches (no ``*``, quotes,
    hyphens or stop words); ``"low-income housing*"`` -> ``["low", "income", "housing"]``."""
    text = re.sub(r"[*?\"()]", " ", term).lower()
    found = (w.strip(".,;:'") for w in re.split(r"[\s\-/]+", text))
    return list(dict.fromkeys(w for w in found if w and w not in STOP_WORDS))


def word_bags(terms: list[str], max_words: int) -> list[tuple[list[str], list[str]]]:
    """Group terms into bags of at most ``max_words`` distinct words: ``(words, terms)``.

    First, a term joins the group it shares most words with while that group stays within
    the budget (spelling and modifier variants of one concept: "deprived / disadvantaged
    neighbourhood"). Then consecutive groups are packed into bags while they fit (protocols
    list a language's terms together, so bags stay within a language). A term longer than
    ``max_words`` gets a bag of its own; no term is ever cut in two.
    """
    groups: list[tuple[list[str], list[str]]] = []
    for term in terms:
        mine = words(term)
        sharing = [g for g in groups if set(g[0]) & set(mine) and _fits(g[0], mine, max_words)]
        if sharing:
            group = max(sharing, key=lambda g: len(set(g[0]) & set(mine)))
        elif mine:
            group = ([], [])
            groups.append(group)
        else:
            continue
        group[0].extend(w for w in mine if w not in group[0])
        group[1].append(term)
    bags: list[tuple[list[str], list[str]]] = []
    for group_words, group_terms in groups:
        if bags and _fits(bags[-1][0], group_words, max_words):
            bags[-1][0].extend(w for w in group_words if w not in bags[-1][0])
            bags[-1][1].extend(group_terms)
        else:
            bags.append((list(group_words), list(group_terms)))
    return bags


def _fits(bag: list[str], more: list[str], max_words: int) -> bool:
    return len(set(bag) | set(more)) <= max_words

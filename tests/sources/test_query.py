"""Query building: fewest URL-fitting Boolean splits, and word bags for bag-of-words APIs."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.protocol import ConceptBlock
from review.sources.query import (
    balanced_chunks,
    boolean_query,
    split_to_fit,
    word_bags,
    words,
)


def render(blocks: list[ConceptBlock]) -> str:
    return boolean_query(blocks)


def blocks_of(*sizes: int, width: int = 8) -> list[ConceptBlock]:
    """Constructed blocks: block ``b`` holds ``sizes[b]`` distinct terms of ``width`` letters."""
    return [
        ConceptBlock(name=f"b{b}", terms=[f"{chr(97 + b)}{i:0{width - 1}d}" for i in range(n)])
        for b, n in enumerate(sizes)
    ]


def combinations_covered(strategies: list[list[ConceptBlock]]) -> list[tuple[str, ...]]:
    """Every one-term-per-block combination each strategy matches (with repeats)."""
    return [combo for s in strategies for combo in itertools.product(*(b.terms for b in s))]


# --- split_to_fit ------------------------------------------------------------------------


def test_a_strategy_that_fits_is_not_split() -> None:
    blocks = blocks_of(3, 2)
    assert split_to_fit(blocks, render, 1000) == [blocks]


def test_parts_partition_the_strategy_exactly() -> None:
    blocks = blocks_of(9, 7, 5)
    parts = split_to_fit(blocks, render, 120)
    assert len(parts) > 1 and all(len(render(p)) <= 120 for p in parts)
    covered = combinations_covered(parts)
    whole = list(itertools.product(*(b.terms for b in blocks)))
    assert sorted(covered) == sorted(whole)  # every combination once: no loss, no repeats


def test_a_block_is_cut_into_as_many_chunks_as_needed_not_a_power_of_two() -> None:
    # 12 terms of which 4 fit beside the second block, 5 do not: 3 chunks. Halving until it
    # fits (12 -> 6 -> 3 terms) would send 4 queries.
    blocks = blocks_of(12, 1)
    four, five = (len(render([ConceptBlock(name="a", terms=blocks[0].terms[:n]), blocks[1]]))
                  for n in (4, 5))  # fmt: skip
    parts = split_to_fit(blocks, render, four)
    assert four < five and len(parts) == 3
    assert [len(p[0].terms) for p in parts] == [4, 4, 4]


def test_several_blocks_are_cut_when_that_is_cheaper() -> None:
    # The limit fits one block whole and two halves: 4 queries. Cutting only one block
    # never fits, even in single terms, so two blocks are cut.
    blocks = blocks_of(10, 10, 10)
    halves = [balanced_chunks(b, 2)[0] for b in blocks[1:]]
    limit = len(render([blocks[0], *halves]))
    parts = split_to_fit(blocks, render, limit)
    assert len(parts) == 4 and all(len(render(p)) <= limit for p in parts)
    assert sorted(len({p[i].name for p in parts}) for i in range(3)) == [1, 2, 2]


def test_a_single_term_too_long_is_an_error() -> None:
    blocks = [ConceptBlock(name="a", terms=["x" * 50]), ConceptBlock(name="b", terms=["y"])]
    with pytest.raises(ValueError, match="single-term strategy"):
        split_to_fit(blocks, render, 40)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=3),
    width=st.integers(min_value=3, max_value=12),
    limit=st.integers(min_value=40, max_value=400),
)
def test_split_is_exact_fits_and_no_smaller_product_fits(
    sizes: list[int], width: int, limit: int
) -> None:
    blocks = blocks_of(*sizes, width=width)
    try:
        parts = split_to_fit(blocks, render, limit)
    except ValueError:
        longest = [ConceptBlock(name=b.name, terms=[b.terms[0]]) for b in blocks]
        assert len(render(longest)) > limit
        return
    assert all(len(render(p)) <= limit for p in parts)
    whole = itertools.product(*(b.terms for b in blocks))
    assert sorted(combinations_covered(parts)) == sorted(whole)
    for ks in itertools.product(*(range(1, n + 1) for n in sizes)):
        if math.prod(ks) < len(parts):  # a cheaper split of the same chunker must not fit
            chunked = [balanced_chunks(b, k) for b, k in zip(blocks, ks, strict=True)]
            assert any(len(render(list(c))) > limit for c in itertools.product(*chunked)), ks


def test_balanced_chunks_keep_order_and_even_lengths() -> None:
    block = ConceptBlock(name="s", terms=["aa", "bbbbbbbb", "cc", "dd", "eeeeeeee", "ff"])
    chunks = balanced_chunks(block, 2)
    assert [t for c in chunks for t in c.terms] == block.terms
    assert [c.terms for c in chunks] == [["aa", "bbbbbbbb", "cc"], ["dd", "eeeeeeee", "ff"]]
    assert [c.name for c in chunks] == ["s[1]", "s[2]"]
    assert balanced_chunks(block, 1) == [block]


# --- word bags ---------------------------------------------------------------------------


def test_words_are_plain_lower_case_without_wildcards_hyphens_or_stop_words() -> None:
    assert words('"Low-income housing*"') == ["low", "income", "housing"]
    assert words("New Deal for Communities") == ["new", "deal", "communities"]
    assert words("hot spot* policing") == ["hot", "spot", "policing"]
    assert words("Harlem Children's Zone") == ["harlem", "children's", "zone"]
    assert words("*") == []


def test_variants_of_one_concept_share_a_bag() -> None:
    terms = [  # constructed: two concepts, each with spelling and modifier variants
        "deprived neighbourhood*", "disadvantaged neighbourhood*", "community policing",
        "problem-oriented policing", "poor neighbourhood*", "hot spot* policing",
    ]  # fmt: skip
    bags = word_bags(terms, max_words=6)
    assert [b[1] for b in bags] == [
        ["deprived neighbourhood*", "disadvantaged neighbourhood*", "poor neighbourhood*"],
        ["community policing", "problem-oriented policing", "hot spot* policing"],
    ]
    assert bags[0][0] == ["deprived", "neighbourhood", "disadvantaged", "poor"]


def test_bags_respect_the_word_budget_and_keep_every_term_once() -> None:
    terms = ["public housing", "social housing", "council estate*", "housing estate*",
             "housing project*", "subsidized housing", "inner city", "HOPE VI",
             "almene boliger", "boligområde*"]  # fmt: skip
    bags = word_bags(terms, max_words=4)
    assert sorted(t for _, bag_terms in bags for t in bag_terms) == sorted(terms)
    assert all(len(bag_words) <= 4 for bag_words, _ in bags)
    for bag_words, bag_terms in bags:  # a bag's words are exactly its terms' words
        assert set(bag_words) == {w for t in bag_terms for w in words(t)}


def test_a_term_longer_than_the_budget_gets_its_own_bag() -> None:
    bags = word_bags(["a b c d e f g", "x"], max_words=3)
    assert [b[1] for b in bags] == [["a b c d e f g"], ["x"]]

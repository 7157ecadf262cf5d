"""Turning a protocol's concept blocks into Boolean query strings, per source syntax."""

from __future__ import annotations

from collections.abc import Callable

from review.protocol import ConceptBlock


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


def split_block(block: ConceptBlock, max_terms: int) -> list[ConceptBlock]:
    """Split one block into chunks of at most ``max_terms`` (OR-splitting keeps the union)."""
    return [
        ConceptBlock(
            name=f"{block.name}[{i // max_terms + 1}]", terms=block.terms[i : i + max_terms]
        )
        for i in range(0, len(block.terms), max_terms)
    ]


def split_to_fit(
    blocks: list[ConceptBlock], render: Callable[[list[ConceptBlock]], str], max_length: int
) -> list[list[ConceptBlock]]:
    """Split the longest block (halving its chunk size) until every rendered query fits.

    The union of the returned strategies retrieves exactly what the whole strategy would,
    because an OR-block distributes over AND.
    """
    strategies = [blocks]
    while any(len(render(s)) > max_length for s in strategies):
        next_round: list[list[ConceptBlock]] = []
        for strategy in strategies:
            if len(render(strategy)) <= max_length:
                next_round.append(strategy)
                continue
            widest = max(range(len(strategy)), key=lambda i: len(strategy[i].terms))
            block = strategy[widest]
            if len(block.terms) == 1:
                raise ValueError(f"a single-term strategy is longer than {max_length} characters")
            half = (len(block.terms) + 1) // 2
            for part in split_block(block, half):
                next_round.append([*strategy[:widest], part, *strategy[widest + 1 :]])
        strategies = next_round
    return strategies

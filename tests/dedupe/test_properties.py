"""Hypothesis: a record duplicated with noise in case, punctuation or author format is found."""

from __future__ import annotations

from dedupe_helpers import ARTICLE, same_work, table
from hypothesis import given, settings
from hypothesis import strategies as st

from review.dedupe import link

AUTHOR_STYLES = [
    lambda names: names,
    lambda names: [" and ".join(names)],
    lambda names: ["".join(f"{n.split(', ')[0]} {n.split(', ')[1][0]}." for n in names)],
    lambda names: [f"{n.split(', ')[1][0]}. {n.split(', ')[0]}" for n in names],
    lambda names: [f"{n.split(', ')[0]} {n.split(', ')[1][0]}" for n in names],
]


def _noisy_title(title: str, case: int, punct: str) -> str:
    text = [str.lower, str.upper, str.title, lambda s: s][case](title)
    return text.replace(":", punct).replace(",", punct) + punct


@given(
    case=st.integers(0, 3),
    punct=st.sampled_from(["", ".", " -", ";", " : "]),
    style=st.integers(0, len(AUTHOR_STYLES) - 1),
    venue=st.sampled_from(["Journal of Affective Disorders", "J Affect Disord", None]),
)
@settings(max_examples=40, deadline=None)
def test_noisy_duplicate_is_found(case: int, punct: str, style: int, venue: str | None) -> None:
    noisy = {
        **ARTICLE,
        "title": _noisy_title(ARTICLE["title"], case, punct),
        "authors": AUTHOR_STYLES[style](ARTICLE["authors"]),
        "venue": venue,
    }
    assert same_work(link(table(ARTICLE, noisy)).labels, 0, 1)

"""The comparison normalisers: pages, venues, titles."""

from __future__ import annotations

import pyarrow as pa
import pytest

from review.dedupe.text import (
    digits_compatible,
    pages_range,
    title_key,
    venue_key,
    venue_similarity,
)


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [("221-8", "221", "228"), ("70s-85s", "70", "85"), ("1)", "1", None),
     ("Suppl-42", None, "42"), ("S34-S42", "34", "42"), ("e0123", "123", None),
     ("pp. 45-50", "45", "50"), ("no pagination", None, None), (None, None, None)],
)  # fmt: skip
def test_pages_range(raw: str | None, start: str | None, end: str | None) -> None:
    s, e = pages_range(pa.array([raw], pa.string()))
    assert (s[0].as_py(), e[0].as_py()) == (start, end)


def _venue(text: str) -> str:
    return str(venue_key(pa.array([text]))[0].as_py())


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("Journal of Affective Disorders", "J Affect Disord", True),
     ("British Journal of Psychiatry", "Br J Psychiatry", True),
     ("BMJ", "British Medical Journal", True),
     ("Pharmaceuticals (Basel)", "Pharmaceuticals", True),
     ("Stroke.45 (3) (pp 1-9) 2014. Date of Publication: 2014", "Stroke", True),
     ("J Clin Psychiatry", "Journal of Clinical Psychopharmacology", False),
     ("Current Protocols in Pharmacology", "Current Protocols in Neuroscience", False)],
)  # fmt: skip
def test_venue_similarity_is_abbreviation_aware(a: str, b: str, same: bool) -> None:
    assert (venue_similarity(_venue(a), _venue(b)) >= 70) is same


def test_title_key_drops_tags_markers_and_tails() -> None:
    titles = [
        "Stroke care at home [German]",
        "Stroke care at home. [Review] [12 refs]",
        "Stroke care at home. Erratum in: Lancet 2001;3:4",
    ]
    assert set(title_key(pa.array(titles)).to_pylist()) == {"stroke care at home"}
    assert title_key(pa.array(["Type II diabetes"]))[0].as_py() == "type 2 diabetes"


def test_title_key_drops_bracketed_erratum_language_and_review_tails() -> None:
    titles = [
        "Stroke care at home.[Erratum appears in Lancet 2001;3(4):5]",
        "Stroke care at home (Reprinted from Journal of Care, vol 40, pg 7)",
        "Stroke care at home. Portuguese",
        "Stroke care at home (Review)",
    ]
    assert set(title_key(pa.array(titles)).to_pylist()) == {"stroke care at home"}
    # Only a tail after a stop or bracket goes: a title that starts with the words stays.
    kept = "Comment on the update in stroke guidelines"
    assert title_key(pa.array([kept]))[0].as_py() == "comment on the update in stroke guidelines"


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [("5", "5152", True), ("64", "164", True), ("", "12", True),
     ("8", "9", False), ("1", "2", False), ("1226", "1236", False)],
)  # fmt: skip
def test_title_digits_compatible_when_one_is_a_subsequence(
    a: str, b: str, compatible: bool
) -> None:
    assert digits_compatible(a, b) is compatible


def test_a_whole_bracketed_title_is_kept_and_glued_venue_words_compare() -> None:
    """PubMed brackets a translated title: "[Animals and men]" is the title, not a marker."""
    assert title_key(pa.array(["[Animals and men]"]))[0].as_py() == "animals and men"
    glued, spaced = _venue("TheScientificWorldJournal"), _venue("ScientificWorldJournal")
    assert venue_similarity(glued, spaced) == 100
    assert venue_similarity(_venue("Annals of Neurology"), _venue("Annals of Urology")) < 70

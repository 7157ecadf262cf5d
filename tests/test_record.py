"""Record: normalisation at the boundary and a stable record id."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from review.record import Record


def test_boundary_normalisation() -> None:
    record = Record(
        source="openalex", source_id=" W1 ", doi="https://doi.org/10.1000/ABC",
        title="<i>Community</i>  policing", abstract="<p>A&amp;B</p>", year="2019-01-01",
        language="eng", authors=["Smith, A", "", None], keywords="crime",
    )  # fmt: skip
    assert record.record_id == "openalex:W1"
    assert record.doi == "10.1000/abc"
    assert record.title == "Community policing"
    assert record.abstract == "A&B"
    assert record.year == 2019
    assert record.language == "en"
    assert record.authors == ["Smith, A"]
    assert record.keywords == ["crime"]


def test_required_ids_and_flags() -> None:
    with pytest.raises(ValidationError):
        Record(source="x", source_id="  ")
    with pytest.raises(ValidationError):
        Record(source="x", source_id="1", flags=["bogus"])
    assert Record(source="x", source_id="1", flags=["retracted", "retracted"]).flags == [
        "retracted"
    ]


def test_extra_fields_refused() -> None:
    with pytest.raises(ValidationError):
        Record(source="x", source_id="1", colour="blue")  # type: ignore[call-arg]

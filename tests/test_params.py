"""Flow parameters: composed from one definition per field; typos and bad values refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from review.params import (
    DedupeParameters,
    RunParameters,
    ScreenParameters,
    SearchParameters,
    StageParameters,
)

MODELS = [RunParameters, SearchParameters, ScreenParameters, DedupeParameters, StageParameters]


@pytest.mark.parametrize("model", MODELS)
def test_an_unknown_key_is_refused_naming_it_and_the_parameters(model: type) -> None:
    with pytest.raises(ValidationError) as refused:
        model.model_validate({"protocol": ["sfi-crime"]})
    message = str(refused.value)
    assert "unknown parameter 'protocol'" in message
    assert "the parameters are " + ", ".join(model.model_fields) in message


def test_the_form_schema_refuses_extra_keys_too() -> None:
    """The server checks deployment parameters against this schema before a run starts."""
    for model in MODELS:
        assert model.model_json_schema()["additionalProperties"] is False


def test_a_bad_value_names_the_field_and_the_rule() -> None:
    with pytest.raises(ValidationError) as refused:
        RunParameters(max_records=0)
    assert "max_records" in str(refused.value) and "greater than or equal to 1" in str(
        refused.value
    )
    with pytest.raises(ValidationError, match="protocols"):
        RunParameters.model_validate({"protocols": ["sfi-nope"]})


def test_shared_fields_are_defined_once() -> None:
    """The same field (name, default, bounds, description) in every model that has it."""
    seen: dict[str, object] = {}
    for model in MODELS:
        for name, info in model.model_fields.items():
            described = (info.default, info.description, repr(info.metadata))
            assert seen.setdefault(name, described) == described, name


def test_the_run_form_lists_its_fields_in_reading_order() -> None:
    assert list(RunParameters.model_fields)[:7] == [
        "protocols", "sources", "since", "max_records", "max_queries", "dry_run", "search_retries"
    ]  # fmt: skip

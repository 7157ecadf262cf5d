"""Protocols: the four SFI files validate; bad files fail naming file, field and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.errors import ProtocolError, UsageError
from review.protocol import available_protocols, load_protocol, load_protocols

GOOD = """
name = "demo"
title = "Demo"
review = "crime"
[[search.blocks]]
name = "setting"
terms = ["public housing"]
"""


def test_every_shipped_protocol_validates() -> None:
    names = available_protocols()
    assert {"sfi-crime", "sfi-school", "sfi-labour", "sfi-wellbeing"} <= set(names)
    for protocol in load_protocols():
        assert protocol.search.blocks
        assert len(protocol.rule_version) == 12


def _write(tmp_path: Path, text: str, name: str = "demo") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_toml_names_file(tmp_path: Path) -> None:
    path = _write(tmp_path, 'name = "demo"\ntitle = ')
    with pytest.raises(ProtocolError, match=r"demo\.toml: not valid TOML"):
        load_protocol(str(path))


def test_bad_field_names_field_and_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace('review = "crime"', 'review = "sports"'))
    with pytest.raises(ProtocolError, match=r"demo\.toml: field 'review'"):
        load_protocol(str(path))
    path = _write(tmp_path, "year_from = 1200\n" + GOOD)
    with pytest.raises(ProtocolError, match="field 'year_from'"):
        load_protocol(str(path))


def test_unknown_source_and_override(tmp_path: Path) -> None:
    path = _write(tmp_path, 'sources = ["scopus"]\n' + GOOD)
    with pytest.raises(ProtocolError, match="scopus"):
        load_protocol(str(path))
    path = _write(tmp_path, GOOD + '[search.overrides]\nscopus = "x"\n')
    with pytest.raises(ProtocolError, match=r"search\.overrides"):
        load_protocol(str(path))


def test_name_must_match_file(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, name="other")
    with pytest.raises(ProtocolError, match="must match the file name"):
        load_protocol(str(path))


def test_unknown_protocol_lists_known(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    with pytest.raises(UsageError, match=r"unknown protocol 'nope' \(known: demo\)"):
        load_protocol("nope", tmp_path)


def test_override_string_becomes_list(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD + '[search.overrides]\npubmed = "housing[tiab]"\n')
    assert load_protocol(str(path)).search.overrides == {"pubmed": ["housing[tiab]"]}

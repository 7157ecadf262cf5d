"""Completeness: every registered source has its interface, a test module and recorded data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from review.http import HttpConfig
from review.protocol import SOURCE_NAMES, load_protocols
from review.sources import SOURCES

HERE = Path(__file__).resolve().parent


def test_every_design_source_is_registered() -> None:
    assert set(SOURCES) == set(SOURCE_NAMES)


def test_each_source_has_interface_tests_and_payloads(shared: Callable[..., Path]) -> None:
    for name, module in SOURCES.items():
        assert name == module.NAME
        assert module.BASE_URL.startswith("https://")
        assert isinstance(module.http_config(), HttpConfig)
        for function in ("translate", "fetch", "parse_page", "to_record"):
            assert callable(getattr(module, function)), f"{name}.{function}"
        assert (HERE / f"test_{name}.py").exists(), f"no tests/sources/test_{name}.py"
        assert any(shared("apis", name).iterdir()), f"no recorded payloads for {name}"


def test_every_protocol_translates_for_every_source() -> None:
    for protocol in load_protocols():
        for name in protocol.sources:
            queries = SOURCES[name].translate(protocol)
            assert queries and all(q.text and q.source == name for q in queries), name

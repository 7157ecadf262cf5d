"""Report files get the mode the umask allows, not mkstemp's 0600, and are replaced atomically."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from review.cli import main
from review.reporting.files import current_umask, write_text


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test that changes it."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_write_text_respects_the_umask(tmp_path: Path, umask: None, mask: int, mode: int) -> None:
    os.umask(mask)
    assert current_umask() == mask
    out = tmp_path / "report.html"
    write_text(out, "<p>x</p>")
    assert out.stat().st_mode & 0o777 == mode
    assert out.read_text(encoding="utf-8") == "<p>x</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no staging file left


def test_export_and_diagram_are_group_readable(
    seeded_db: Path, tmp_path: Path, umask: None
) -> None:
    os.umask(0o022)
    export, diagram = tmp_path / "crime.ris", tmp_path / "crime.svg"
    for command, out in (("export", export), ("prisma", diagram)):
        argv = [command, "--db", str(seeded_db), "--protocol", "sfi-crime", "--out", str(out)]
        assert main(argv) == 0
    assert {p.stat().st_mode & 0o777 for p in (export, diagram)} == {0o644}

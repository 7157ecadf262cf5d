"""Regenerate the example PRISMA diagram in docs/ from the flow seed (constructed records).

    .venv/bin/python tests/reporting/prisma_example.py

writes ``docs/prisma-example.svg`` and ``docs/prisma-example.png`` (sfi-crime of
``reporting_seed.seed_flow``) through ``review prisma``; ``test_prisma_example`` fails when
the committed SVG is not what the code draws today.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from reporting_seed import seed_flow

from review.cli import main as review

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "prisma-example"


def write_example(db: Path, stem: Path = EXAMPLE) -> list[Path]:
    """``review prisma`` of sfi-crime as SVG and PNG next to ``stem``; return the paths."""
    paths = [stem.with_suffix(".svg"), stem.with_suffix(".png")]
    for path in paths:
        argv = ["prisma", "--db", str(db), "--protocol", "sfi-crime", "--out", str(path)]
        if review(argv) != 0:
            raise SystemExit(f"review prisma failed for {path}")
    return paths


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for path in write_example(seed_flow(Path(folder))):
            print(path)


if __name__ == "__main__":
    main()

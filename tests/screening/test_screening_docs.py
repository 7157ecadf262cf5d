"""docs/screening.md keeps step with the code: every rule reason code and ladder step is there."""

from __future__ import annotations

from pathlib import Path

from review.screening import ladder
from review.screening.codes import CODES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "screening.md").read_text(encoding="utf-8")


def test_every_rule_reason_code_is_documented() -> None:
    human_or_full_text = {"I-HUMAN", "U-HUMAN", "E-HUMAN", "U-CONFLICT", "RESOLVED"}
    rule_codes = {c for c in CODES if c[:2] in {"I-", "U-", "E-", "T-"}} - human_or_full_text
    missing = sorted(c for c in rule_codes if f"`{c}" not in DOC)
    assert missing == []


def test_every_ladder_step_is_documented_in_order() -> None:
    codes = [step.code for step in ladder.WITH_ABSTRACT]
    table = DOC[DOC.index("### The ladder") : DOC.index("Without an abstract")]
    positions = [table.index(f"`{code}`", table.index(f"| {n} |")) for n, code in
                 enumerate(codes, start=1)]  # fmt: skip
    assert positions == sorted(positions)

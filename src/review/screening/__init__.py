"""Screening: declarative rules from the protocols, decisions with reasons, human decisions.

``screen_work`` decides one work under one protocol (pure); ``run`` screens the store's works
that have no decision under the current rule version; ``scatter`` splits that work into batches
for other processes or machines; ``human`` records reviewers' decisions.
This package never imports prefect, and imports ``review.protocol`` only lazily.
"""

from __future__ import annotations

from review.screening.engine import Decision, Work, screen, screen_work
from review.screening.runner import ScreenSummary, run, write_decisions

__all__ = [
    "Decision", "ScreenSummary", "Work", "run", "screen", "screen_work", "write_decisions",
]  # fmt: skip

"""Progress of a run for whoever watches it: the Prefect artifacts and the terminal.

``search.search_source`` reports a ``SearchStatus`` at its start, after every stored page and
after every query; the flows turn it into a progress artifact and pass it to the displays
shown here (``review run`` shows one in the terminal). The flows also announce the stages
after the search (``stage``). No Prefect and no terminal code here: displays plug in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class SearchStatus:
    """Where one protocol × source search stands."""

    protocol: str
    source: str
    queries: int
    done: int = 0  # queries finished
    records: int = 0  # records fetched, all queries so far
    new: int = 0
    status: str = "running"  # then completed, partial (some queries failed), failed, interrupted
    error: str = ""
    query_fetched: int = 0  # the current query: records so far, and what the source reported
    query_total: int | None = None
    started: float = field(default_factory=time.monotonic)

    def fraction(self, cap: int | None = None) -> float:
        """Share done: finished queries, plus the current one by records (capped at ``cap``)."""
        if self.status != "running":
            return 1.0
        target = min((t for t in (self.query_total, cap) if t), default=0)
        part = min(1.0, self.query_fetched / target) if target else 0.0
        return min(1.0, (self.done + part) / max(self.queries, 1))


class Display(Protocol):
    """Something that shows a run's progress (e.g. ``review.terminal.RunDisplay``)."""

    def search(self, status: SearchStatus) -> None:
        """A search advanced or ended."""

    def stage(self, name: str, text: str) -> None:
        """A stage after the search started or ended (``text`` says what it did)."""


_displays: list[Display] = []
_guard = threading.Lock()


@contextmanager
def shown(display: Display) -> Iterator[Display]:
    """Show this run's progress on ``display`` while the block runs."""
    with _guard:
        _displays.append(display)
    try:
        yield display
    finally:
        with _guard:
            _displays.remove(display)


def search(status: SearchStatus) -> None:
    """Pass a search's status to every display shown."""
    for display in list(_displays):
        display.search(status)


def stage(name: str, text: str) -> None:
    """Announce a stage's start or result to every display shown."""
    for display in list(_displays):
        display.stage(name, text)

"""``review run``'s terminal display: one live line per protocol × source, then the stages.

A live line shows queries done / total, records fetched, the rate and an estimate of the time
left (rich's progress bar, which Prefect already depends on). Where stderr is not a terminal
(CI, a log file), each search prints one line when it ends instead, and the stages print
their lines as they come. Log messages on stderr are printed above the live lines.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from review.progress import SearchStatus


def _search_line(status: SearchStatus) -> str:
    # Errors are summed up once per source at the end of the run, not here.
    return (
        f"{status.protocol} × {status.source}: {status.status}, {status.done}/{status.queries} "
        f"queries, {status.records:,} records ({status.new:,} new)"
    )


class RunDisplay:
    """Shows a run's progress on stderr (see the module docstring); use it as a context."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.live = self.console.is_terminal
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(bar_width=24), TaskProgressColumn(),
            TextColumn("{task.fields[queries]} queries · {task.fields[records]} records · "
                       "{task.fields[rate]}"),
            TimeRemainingColumn(), console=self.console, transient=False,
        )  # fmt: skip
        self.tasks: dict[tuple[str, str], TaskID] = {}
        self.ended: set[tuple[str, str]] = set()
        self.lock = threading.Lock()
        self.streams: list[tuple[logging.StreamHandler[Any], Any]] = []

    def __enter__(self) -> RunDisplay:
        if self.live:
            self.progress.start()  # from here on sys.stderr prints above the live lines
            for handler in logging.getLogger().handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
                    self.streams.append((handler, handler.setStream(sys.stderr)))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for handler, stream in self.streams:
            handler.setStream(stream)
        if self.live:
            self.progress.stop()

    def search(self, status: SearchStatus) -> None:
        """Update the search's line (or print it once, when it ends, off a terminal)."""
        key = (status.protocol, status.source)
        with self.lock:
            if key in self.ended:
                return
            if status.status != "running":
                self.ended.add(key)
            if not self.live:
                if status.status != "running":
                    self.console.print(_search_line(status), markup=False, soft_wrap=True)
                return
            if key not in self.tasks:
                self.tasks[key] = self.progress.add_task(
                    f"{status.protocol} × {status.source}", total=1.0, queries="", records="",
                    rate="",
                )  # fmt: skip
            self._update(self.tasks[key], status)

    def _update(self, task: TaskID, status: SearchStatus) -> None:
        elapsed = self.progress.tasks[task].elapsed or 0.0
        rate = f"{status.records / elapsed:,.0f}/s" if elapsed > 1 else ""
        description = f"{status.protocol} × {status.source}"
        if status.status != "running":
            description += f" [{status.status}]"
        self.progress.update(
            task, completed=status.fraction(), description=description,
            queries=f"{status.done}/{status.queries}", records=f"{status.records:,}", rate=rate,
        )  # fmt: skip

    def stage(self, name: str, text: str) -> None:
        """Print a stage's line."""
        self.console.print(f"{name}: {text}", markup=False, soft_wrap=True)

"""Stopping a run on request (Ctrl-C, SIGTERM, a cancel from the Prefect UI) within seconds.

The flow calls ``request()`` when its main thread is interrupted; every search then ends at
its next page (or its next wait for the rate limit or a retry: ``sleep`` wakes at once) with
status ``interrupted``, keeping its cursor, so the next run resumes it with no duplicates.
"""

from __future__ import annotations

import threading

from review.errors import Interrupted

_requested = threading.Event()


def request() -> None:
    """Ask every search of this process to stop at its next page."""
    _requested.set()


def requested() -> bool:
    """Whether a stop has been asked for."""
    return _requested.is_set()


def reset() -> None:
    """Forget an earlier request (a new run starts)."""
    _requested.clear()


def check() -> None:
    """Raise ``Interrupted`` if a stop has been asked for."""
    if _requested.is_set():
        raise Interrupted("stopped on request")


def sleep(seconds: float) -> None:
    """``time.sleep`` that ends early with ``Interrupted`` when a stop is asked for."""
    if (seconds > 0 and _requested.wait(seconds)) or _requested.is_set():
        raise Interrupted("stopped on request")

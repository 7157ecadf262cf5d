"""One writing run per database file, across processes: ``flock`` on ``<db>.lock``.

The kernel releases an ``flock`` when its holder exits or is killed, so a crashed or cancelled
run never leaves a stale lock behind. Each acquisition opens its own file description, so the
lock also excludes threads of one process. The holder writes who it is into the file; a
waiting run logs that, once, so the person reading the run's log knows what it waits for.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from review.errors import DatabaseLocked

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5


def lock_path(db: Path | str) -> Path:
    """The lock file of a database: ``<db>.lock`` beside it."""
    path = Path(db)
    return path.with_name(path.name + ".lock")


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "another run"
    except OSError:
        return "another run"


def _announce(fd: int, holder: str) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    text = f"{holder or 'a run'} (pid {os.getpid()} on {socket.gethostname()}, since {stamp})"
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode("utf-8"), 0)


@contextmanager
def db_lock(db: Path | str, *, wait_seconds: float, holder: str = "") -> Iterator[Path]:
    """Hold the database's run lock; wait up to ``wait_seconds``, then raise ``DatabaseLocked``."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    try:
        _acquire(fd, path, wait_seconds)
        try:
            _announce(fd, holder)
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    warned = False
    while not _try_lock(fd):
        if not warned:
            log.warning(
                "%s: another run is writing to this database: %s; waiting up to %.0f s for it "
                "to finish", path.with_suffix(""), _holder_text(path), wait_seconds,
            )  # fmt: skip
            warned = True
        if time.monotonic() >= deadline:
            raise DatabaseLocked(
                f"{path.with_suffix('')}: still in use by {_holder_text(path)} after "
                f"{wait_seconds:.0f} s; try again when it has finished (REVIEW_LOCK_WAIT)"
            )
        time.sleep(POLL_SECONDS)
    if warned:
        log.warning("%s: the other run has finished; this run goes ahead", path.with_suffix(""))

"""Writing report files: check the output path first, then replace the file atomically.

The staging file comes from ``tempfile.mkstemp``, which is always 0600; before it replaces the
target it gets the mode a plain ``open`` would give (0666 less the umask), so colleagues on a
shared server can read exports, reports and diagrams when the umask lets them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from review.errors import UsageError


def check_out(path: Path | str, suffixes: tuple[str, ...] = ()) -> Path:
    """The output path, if its suffix is one of ``suffixes`` (any when empty) and writable."""
    out = Path(path)
    if suffixes and out.suffix.lower() not in suffixes:
        raise UsageError(f"{out}: --out must end in {' or '.join(suffixes)}")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{out}: folder {folder} does not exist")
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; give a file name")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UsageError(f"{out}: cannot write here (permission denied)")
    return out


def current_umask() -> int:
    """The process umask, read without changing it where Linux shows it (threads are safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it, then restore it
    os.umask(mask)
    return mask


def write_text(out: Path, text: str) -> None:
    """Write ``text`` (UTF-8) through a temporary file, so a failure leaves no half file."""
    fd, staging = tempfile.mkstemp(dir=out.parent or ".", prefix=f".{out.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(staging, out)
    except OSError as exc:
        Path(staging).unlink(missing_ok=True)
        raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from None

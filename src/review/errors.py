"""The project's error hierarchy.

Every error carries a message a user can act on. The CLI prints ``str(error)`` as one line
and exits with ``exit_code``; nothing here ever needs a traceback to be understood.
"""

from __future__ import annotations


class ReviewError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 1


class UsageError(ReviewError):
    """The user asked for something that does not exist or does not validate."""

    exit_code = 2


class ProtocolError(UsageError):
    """A protocol file is missing, malformed or invalid (names file, field and problem)."""


class InputFileError(UsageError):
    """An import file cannot be read (names file, line and problem)."""


class StoreError(ReviewError):
    """The DuckDB evidence store cannot be used as asked."""

    exit_code = 2


class DatabaseLocked(StoreError):
    """Another process holds the database file; the caller may wait and retry."""

    exit_code = 1


class SchemaTooNew(StoreError):
    """The database was written by a newer version of review."""


class Interrupted(ReviewError):
    """The user (or the scheduler) asked the run to stop; stored work is kept and resumes."""

    exit_code = 130


class SourceError(ReviewError):
    """A scholarly API could not deliver what was asked."""

    def __init__(self, message: str, *, source: str = "", url: str = "") -> None:
        super().__init__(message)
        self.source = source
        self.url = url


class SourceUnavailable(SourceError):
    """The API could not be reached at all (DNS, refused connection, timeouts after retries)."""


class RateLimited(SourceError):
    """The API kept answering 429 after every allowed retry."""


class QuotaExhausted(SourceError):
    """The API's daily quota or credit is used up: retrying before it resets is pointless."""


class BadResponse(SourceError):
    """The API answered, but not as documented (HTML error page, truncated JSON, 4xx)."""

"""Typed parameters of the flows: the Prefect UI renders them as a form and validates them.

Each field is defined once, in a field group; the run's and the stages' parameter models are
composed from the groups:

| model (flow) | field groups |
|---|---|
| ``RunParameters`` (update-evidence) | protocols, search, replay, database, both scale-outs |
| ``SearchParameters`` (search) | protocols, search, database |
| ``ScreenParameters`` (screen) | protocols, database, screen scale-out |
| ``DedupeParameters`` (dedupe) | database, dedupe scale-out |
| ``StageParameters`` (report) | protocols, database |
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from review import settings
from review.protocol import SOURCE_NAMES, Protocol, available_protocols, load_protocols
from review.screening.scatter import WORKS_PER_TASK
from review.sources import SOURCES

ProtocolName = Enum(  # type: ignore[misc]
    "ProtocolName", {name.replace("-", "_"): name for name in available_protocols()}, type=str
)
SEARCH_RETRIES = 2  # a scheduled run waits out a short outage
SourceName = Enum("SourceName", {name: name for name in SOURCE_NAMES}, type=str)  # type: ignore[misc]


def _plain(value: object) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)


class _Group(BaseModel):
    """A group of fields; the models composed of groups share this configuration.

    Unknown keys are refused, naming the key and the parameters the model takes: a typo
    (``protocol`` for ``protocols``) must not silently start a run of everything.
    """

    model_config = ConfigDict(use_enum_values=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(cls.model_fields))
            if unknown:
                raise ValueError(
                    f"unknown parameter{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(map(repr, unknown))}; the parameters are "
                    f"{', '.join(cls.model_fields)}"
                )
        return data


class Database(_Group):
    """Which database file."""

    db: str | None = Field(default=None, description="DuckDB file; empty = REVIEW_DB or default")

    def database(self) -> Path:
        """The database file these parameters name."""
        return Path(self.db) if self.db else settings.db_path()


class Protocols(_Group):
    """Which protocols. Empty means all."""

    protocols: list[ProtocolName] = Field(
        default_factory=list, description="Protocols to run; empty = all protocols"
    )

    def protocol_names(self) -> list[str]:
        """The chosen protocol names as plain strings."""
        return [_plain(p) for p in self.protocols]

    def load(self) -> list[Protocol]:
        """The chosen protocols (all when none are chosen), loaded and validated."""
        return load_protocols(self.protocol_names() or None)


class SearchChoice(_Group):
    """What to search: which sources, since when, with an optional trial cap."""

    sources: list[SourceName] = Field(
        default_factory=list, description="Sources to search; empty = all available sources"
    )
    since: date | None = Field(
        default=None,
        description="Only records created/updated since this date; empty = since the last "
        "successful run of each protocol x source (a full search the first time)",
    )
    max_records: int | None = Field(
        default=None, ge=1, le=1_000_000,
        description="Cap per query, for trial runs: a whole number from 1 to 1,000,000",
    )  # fmt: skip
    max_queries: int | None = Field(
        default=None, ge=1, le=100_000,
        description="Trial runs: at most this many queries per protocol x source, the most "
        "central first (the dry run's plan shows them); a whole number from 1 to 100,000",
    )  # fmt: skip
    dry_run: bool = Field(
        default=False,
        description="Show the query plan (queries, requests and time per protocol x source); "
        "fetch and store nothing",
    )
    search_retries: int = Field(
        default=SEARCH_RETRIES, ge=0, le=10,
        description="Retries of a search whose source cannot be reached, REVIEW_TASK_RETRY_DELAY "
        "seconds apart (60 by default); a retried search resumes its cursor. 0 to 10; "
        "`review run` uses 0, so an outage is reported in seconds",
    )  # fmt: skip

    def source_names(self) -> list[str]:
        """The chosen sources (all when none are chosen) that this installation has."""
        chosen = [_plain(s) for s in self.sources] or list(SOURCES)
        return [s for s in chosen if s in SOURCES]


class Replay(_Group):
    """Re-parse archived pages instead of searching."""

    replay: bool = Field(
        default=False, description="Re-parse the archived raw pages instead of searching"
    )


TASK_RUNNER_HELP = (
    "threads = one task in the flow's process (fastest on one machine); dask = batches mapped "
    "as tasks on a Dask cluster (needs review[dask])"
)


class ScaleOut(_Group):
    """Where the heavy stages run, for runs too big for one machine."""

    task_runner: Literal["threads", "dask"] = Field(
        default="threads", description="Screening and dedupe scoring: " + TASK_RUNNER_HELP
    )
    dask_address: str | None = Field(
        default=None,
        description="Dask scheduler to use, e.g. tcp://scheduler:8786; empty = a local cluster "
        "with one worker process per core, for this run only",
    )


class ScreenScaleOut(ScaleOut):
    """Screening batches on Dask."""

    batch_size: int = Field(
        default=WORKS_PER_TASK,
        ge=100,
        le=1_000_000,
        description="Works per screening task on Dask: 100 to 1,000,000",
    )


class DedupeScaleOut(ScaleOut):
    """Dedupe scoring chunks on Dask."""

    pairs_per_task: int | None = Field(
        default=None, ge=1, le=10_000_000,
        description="Candidate pairs per scoring task on Dask, 1 to 10,000,000; empty = 50,000",
    )  # fmt: skip


# The form shows the fields of the last base first: the groups are listed in reverse.


class StageParameters(Database, Protocols):
    """Which protocols, in which database. Empty lists mean "all"."""


class SearchParameters(Database, SearchChoice, Protocols):
    """What to search: protocols × sources, since a date, with an optional cap."""


class ScreenParameters(ScreenScaleOut, Database, Protocols):
    """What to screen, and where: in this process, or in batches on a Dask cluster."""


class DedupeParameters(DedupeScaleOut, Database):
    """Which database to deduplicate, and where to score the candidate pairs."""


class RunParameters(DedupeScaleOut, ScreenScaleOut, Database, Replay, SearchChoice, Protocols):
    """What to search and where to store it. Empty lists mean "all"."""

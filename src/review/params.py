"""Typed parameters of the runs: the Prefect UI renders them as a form and validates them."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from review.protocol import SOURCE_NAMES, available_protocols
from review.screening.scatter import BATCH_SIZE

ProtocolName = Enum(  # type: ignore[misc]
    "ProtocolName", {name.replace("-", "_"): name for name in available_protocols()}, type=str
)
SourceName = Enum("SourceName", {name: name for name in SOURCE_NAMES}, type=str)  # type: ignore[misc]

# Where screening and dedupe scoring run, for runs too big for one machine (form fields).
TaskRunner = Annotated[
    Literal["threads", "dask"],
    Field(
        description="Screening and dedupe scoring: threads = one task in the flow's process "
        "(fastest on one machine); dask = batches mapped as tasks on a Dask cluster "
        "(needs review[dask])"
    ),
]
DaskAddress = Annotated[
    str | None,
    Field(
        description="Dask scheduler to use, e.g. tcp://scheduler:8786; empty = a local cluster "
        "with one worker process per core, for this run only"
    ),
]
BatchSize = Annotated[
    int, Field(ge=100, le=1_000_000, description="Works per screening task on Dask")
]


class RunParameters(BaseModel):
    """What to search and where to store it. Empty lists mean "all"."""

    model_config = ConfigDict(use_enum_values=True)

    protocols: list[ProtocolName] = Field(
        default_factory=list, description="Protocols to run; empty = all protocols"
    )
    sources: list[SourceName] = Field(
        default_factory=list, description="Sources to search; empty = all available sources"
    )
    since: date | None = Field(
        default=None,
        description="Only records created/updated since this date; empty = since the last "
        "successful run of each protocol x source (a full search the first time)",
    )
    max_records: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Cap per query, for trial runs"
    )
    replay: bool = Field(
        default=False, description="Re-parse the archived raw pages instead of searching"
    )
    dry_run: bool = Field(
        default=False, description="Translate and show the queries; fetch and store nothing"
    )
    db: str | None = Field(default=None, description="DuckDB file; empty = REVIEW_DB or default")
    task_runner: TaskRunner = "threads"
    dask_address: DaskAddress = None
    batch_size: BatchSize = BATCH_SIZE

    def protocol_names(self) -> list[str]:
        """The chosen protocol names as plain strings."""
        return [_plain(p) for p in self.protocols]

    def source_names(self) -> list[str]:
        """The chosen source names as plain strings."""
        return [_plain(s) for s in self.sources]


def _plain(value: object) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)

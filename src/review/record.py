"""Record: the one model that passes between stages (search, import, store, dedupe, screen).

Normalisation happens here, at the boundary, so no later stage re-cleans fields: DOIs are bare
and lower-case, titles and abstracts have no markup, years are ints, languages ISO 639-1.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from review.normalize import (
    clean_text,
    normalize_doi,
    normalize_language,
    parse_year,
    strip_markup,
)

FLAGS = ("retracted", "retraction_notice", "erratum", "preprint", "withdrawn")


def _now() -> datetime:
    return datetime.now(UTC)


class Record(BaseModel):
    """One bibliographic record as one source delivered it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    source: str = Field(description="API name (openalex, ...) or the import label")
    source_id: str = Field(description="the source's own identifier for this record")
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    title: str | None = None
    abstract: str | None = None
    authors: list[str] = Field(default_factory=list, description='"Family, Given" where known')
    year: int | None = None
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    language: str | None = None
    publication_type: str | None = None
    keywords: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list, description=f"any of {FLAGS}")
    url: str | None = None
    search_id: str | None = Field(default=None, description="the search or import that found it")
    retrieved_at: datetime = Field(default_factory=_now)

    @property
    def record_id(self) -> str:
        """Stable key: the same source record always gets the same id."""
        return f"{self.source}:{self.source_id}"

    @field_validator("source", "source_id", mode="before")
    @classmethod
    def _required_text(cls, value: Any) -> str:
        text = clean_text(value)
        if not text:
            raise ValueError("must be a non-empty string")
        return text

    @field_validator("doi", mode="before")
    @classmethod
    def _doi(cls, value: Any) -> str | None:
        return normalize_doi(value)

    @field_validator("title", "abstract", mode="before")
    @classmethod
    def _markup(cls, value: Any) -> str | None:
        return strip_markup(value)

    @field_validator(
        "pmid",
        "pmcid",
        "venue",
        "volume",
        "issue",
        "pages",
        "publication_type",
        "url",
        mode="before",
    )
    @classmethod
    def _text(cls, value: Any) -> str | None:
        return None if value is None else clean_text(strip_markup(str(value)))

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> int | None:
        return parse_year(value)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str | None:
        return normalize_language(value)

    @field_validator("authors", "keywords", mode="before")
    @classmethod
    def _text_list(cls, value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        cleaned = (clean_text(strip_markup(str(item))) for item in value if item is not None)
        return [item for item in cleaned if item]

    @field_validator("flags", mode="before")
    @classmethod
    def _flags(cls, value: Any) -> list[str]:
        flags = sorted({str(flag) for flag in (value or [])})
        unknown = [flag for flag in flags if flag not in FLAGS]
        if unknown:
            raise ValueError(f"unknown flags {unknown}; allowed: {FLAGS}")
        return flags

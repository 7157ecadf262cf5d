"""Protocol: one review question, validated from ``data/protocols/<name>.toml``.

A protocol holds the search (concept blocks ANDed together, each an OR-list of multilingual
terms, plus optional exact per-source query strings), the year and language limits, the sources
to search, and the screening rules. Errors name the file, the field and the problem.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from review import settings
from review.errors import ProtocolError, UsageError
from review.screening.rules import RuleSet, expand_includes

SOURCE_NAMES = ("openalex", "crossref", "pubmed", "europepmc", "semanticscholar", "eric")
Review = Literal["crime", "school", "labour", "wellbeing"]


class ConceptBlock(BaseModel):
    """One concept of the search: any of its terms (OR). ``*`` truncates, quotes are implied."""

    model_config = ConfigDict(extra="forbid")

    name: str
    terms: list[str] = Field(min_length=1)

    @field_validator("terms")
    @classmethod
    def _no_blank_terms(cls, terms: list[str]) -> list[str]:
        cleaned = [term.strip() for term in terms]
        if any(not term for term in cleaned):
            raise ValueError("a term is empty")
        return cleaned


class SearchSpec(BaseModel):
    """The search strategy: every block must match (AND); ``overrides`` replace it per source."""

    model_config = ConfigDict(extra="forbid")

    blocks: list[ConceptBlock] = Field(min_length=1)
    overrides: dict[str, list[str]] = Field(
        default_factory=dict,
        description="source name -> exact query strings sent instead of the translated blocks",
    )

    @field_validator("overrides", mode="before")
    @classmethod
    def _override_lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: [v] if isinstance(v, str) else v for key, v in value.items()}
        return value

    @field_validator("overrides")
    @classmethod
    def _known_sources(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(SOURCE_NAMES))
        if unknown:
            raise ValueError(f"unknown source(s) {unknown}; known: {list(SOURCE_NAMES)}")
        return value


class Protocol(BaseModel):
    """A validated review protocol."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    review: Review
    description: str = ""
    year_from: int | None = Field(default=None, ge=1800, le=2100)
    year_to: int | None = Field(default=None, ge=1800, le=2100)
    languages: list[str] = Field(default_factory=lambda: ["en", "da", "sv", "no", "de"])
    sources: list[str] = Field(default_factory=lambda: list(SOURCE_NAMES))
    search: SearchSpec
    rules: RuleSet | None = Field(default=None, description="screening rule set (see screening)")

    @field_validator("sources")
    @classmethod
    def _sources_known(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(SOURCE_NAMES))
        if unknown:
            raise ValueError(f"unknown source(s) {unknown}; known: {list(SOURCE_NAMES)}")
        return value

    @model_validator(mode="after")
    def _rule_languages(self) -> Protocol:
        """The prescreen's languages default to the protocol's, and are then hashed with it."""
        if self.rules is not None and self.rules.prescreen.languages is None:
            self.rules.prescreen.languages = list(self.languages)
        return self

    @property
    def rule_version(self) -> str:
        """Short hash of the canonical rules: decisions store it; a change triggers re-screening."""
        if self.rules is not None:
            return self.rules.version()
        return hashlib.sha256(json.dumps({}).encode()).hexdigest()[:12]


def protocols_dir() -> Path:
    """The protocol folder: ``REVIEW_PROTOCOLS_DIR`` or ``data/protocols`` of the project."""
    return settings.protocols_dir() or Path(__file__).resolve().parents[2] / "data" / "protocols"


def available_protocols(directory: Path | None = None) -> list[str]:
    """Names of the protocol files present, sorted."""
    folder = directory or protocols_dir()
    return sorted(path.stem for path in folder.glob("*.toml"))


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        problems.append(f"field '{where}': {item['msg']}")
    return "; ".join(problems)


def load_protocol_file(path: Path) -> Protocol:
    """Read and validate one protocol file, or raise ProtocolError naming file, field, problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProtocolError(f"{path}: protocol file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"{path}: cannot read: {exc}") from None
    data.setdefault("name", path.stem)
    data = expand_includes(data, path)
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as exc:
        raise ProtocolError(f"{path}: {_describe(exc)}") from None
    if protocol.name != path.stem:
        raise ProtocolError(
            f"{path}: field 'name': '{protocol.name}' must match the file name '{path.stem}'"
        )
    return protocol


def load_protocol(name: str, directory: Path | None = None) -> Protocol:
    """Load a protocol by name (``sfi-crime``) or by path to a ``.toml`` file."""
    candidate = Path(name)
    if candidate.suffix == ".toml" and candidate.exists():
        return load_protocol_file(candidate)
    folder = directory or protocols_dir()
    path = folder / f"{name}.toml"
    if not path.exists():
        known = ", ".join(available_protocols(folder)) or "none"
        raise UsageError(f"unknown protocol '{name}' (known: {known})")
    return load_protocol_file(path)


def load_protocols(names: list[str] | None = None, directory: Path | None = None) -> list[Protocol]:
    """Load the named protocols, or every protocol in the folder when none are named."""
    chosen = names or available_protocols(directory)
    return [load_protocol(name, directory) for name in chosen]

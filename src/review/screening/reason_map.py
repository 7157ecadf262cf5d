"""The editable map from screening tools' free-text exclusion reasons to our reason codes.

``data/reason_map.toml`` (or ``REVIEW_REASON_MAP``, or ``--reason-map``) has one table per stage
(``title_abstract``, ``full_text``) of ``"reason text" = "CODE"``. Keys match ignoring case,
punctuation and spacing. Every code must be in the catalogue and be an exclusion code, so a
typo in the file fails at once, naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from review import settings
from review.errors import UsageError
from review.screening.codes import is_known

STAGES = ("title_abstract", "full_text")
_NOT_WORD = re.compile(r"[\W_]+")


def reason_key(text: str) -> str:
    """``"Wrong study-design."`` -> ``wrong study design``."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def default_path() -> Path:
    """``REVIEW_REASON_MAP``, else the project's ``data/reason_map.toml``."""
    return settings.reason_map() or Path(__file__).resolve().parents[3] / "data" / "reason_map.toml"


@dataclass(frozen=True)
class ReasonMap:
    """Reason text -> code, per stage."""

    path: Path
    codes: dict[str, dict[str, str]]

    def code(self, stage: str, text: str) -> str | None:
        """The code for a reason at a stage, or None when the text is not in the map."""
        return self.codes.get(stage, {}).get(reason_key(text))


def load(path: Path | None = None) -> ReasonMap:
    """Read and check a reason map; a missing default file is an empty map."""
    path = path or default_path()
    if not path.exists():
        if path == default_path() and settings.reason_map() is None:
            return ReasonMap(path, {})
        raise UsageError(f"{path}: reason map not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the reason map: {exc}") from None
    codes: dict[str, dict[str, str]] = {}
    for stage, table in data.items():
        if stage not in STAGES or not isinstance(table, dict):
            raise UsageError(f"{path}: [{stage}] is not a stage table ({', '.join(STAGES)})")
        codes[stage] = {reason_key(key): _checked(path, stage, key, code) for key, code in
                        table.items()}  # fmt: skip
    return ReasonMap(path, codes)


def _checked(path: Path, stage: str, key: str, code: object) -> str:
    text = str(code).strip().upper()
    if not is_known(text) or not text.startswith(("E-", "FT-E-")):
        raise UsageError(
            f"{path}: [{stage}] {key!r} = {code!r} is not an exclusion reason code "
            "(E-... or FT-E-..., see review.screening.codes)"
        )
    return text

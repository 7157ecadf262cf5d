"""One module per scholarly API; ``SOURCES`` maps each name to its module.

Base URLs come from ``review.http.base_url`` so ``REVIEW_<SOURCE>_BASE_URL`` overrides them.
"""

from __future__ import annotations

from review.sources import openalex
from review.sources.base import Source

SOURCES: dict[str, Source] = {
    "openalex": openalex,
}

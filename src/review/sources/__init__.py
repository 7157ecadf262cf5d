"""One module per scholarly API; ``SOURCES`` maps each name to its module.

Base URLs come from ``review.http.base_url`` so ``REVIEW_<SOURCE>_BASE_URL`` overrides them.
``tests/sources/test_registry.py`` checks that every source has fixtures and a test module.
"""

from __future__ import annotations

from review.sources import crossref, eric, europepmc, openalex, pubmed, semanticscholar
from review.sources.base import Source

SOURCES: dict[str, Source] = {
    "openalex": openalex,
    "crossref": crossref,
    "pubmed": pubmed,
    "europepmc": europepmc,
    "semanticscholar": semanticscholar,
    "eric": eric,
}

"""review: an evidence-review screening pipeline (search, deduplicate, screen, report)."""

__version__ = "0.1.0"

"""RIS (placeholder until the RIS parser lands)."""
from review.importers.base import Collector, Text


def parse(text: Text, collector: Collector) -> None:
    """Not yet implemented."""
    raise NotImplementedError

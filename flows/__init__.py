"""The Prefect flows. Importing this package first sets Prefect's offline-quiet, project-local
defaults (``review.settings.apply_prefect_defaults``), before any flow module imports Prefect."""

from review.settings import apply_prefect_defaults

apply_prefect_defaults()

"""``review serve``: serve the deployments (weekly update, manual stages) to a Prefect server.

It needs a running ``prefect server start`` and ``PREFECT_API_URL`` pointing at it: Prefect's
temporary server cannot schedule, so serving against it would silently never run the cron.
"""

from __future__ import annotations

import argparse
import os

from review import settings
from review.errors import UsageError

NAME = "serve"
HELP = "serve the deployments (weekly update-evidence, manual stages) to a Prefect server"
START_SERVER = (
    "start one with `prefect server start --host 127.0.0.1` and "
    "`export PREFECT_API_URL=http://127.0.0.1:4200/api` (docs/operations.md)"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cron",
        default=settings.schedule(),
        help="schedule of the update-evidence run (default $REVIEW_SCHEDULE or '0 3 * * 1')",
    )
    parser.add_argument(
        "--timezone",
        default=settings.timezone(),
        help="time zone of the schedule (default $REVIEW_TIMEZONE or UTC)",
    )
    parser.add_argument("--no-schedule", action="store_true", help="manual runs only")
    parser.add_argument(
        "--limit", type=int, default=4, help="runs at once in this process (default 4)"
    )


def _check(cron: str | None, timezone: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.schedules import Cron

    try:
        Cron(cron or settings.DEFAULT_SCHEDULE, timezone=timezone)
    except ValueError as exc:
        message = str(exc).splitlines()[-1]
        raise UsageError(f"invalid --cron '{cron}' or --timezone '{timezone}': {message}") from None
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem:
        raise UsageError(
            f"no Prefect server answers at {client.api_url} ({problem}); {START_SERVER}"
        )


def run(args: argparse.Namespace) -> int:
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise UsageError("PREFECT_API_URL is not set; " + START_SERVER)
    if args.db:
        os.environ["REVIEW_DB"] = str(os.path.abspath(args.db))
    cron = None if args.no_schedule else args.cron
    _check(cron, args.timezone)
    from flows.deployments import serve_all

    print(f"review serve: serving to {PREFECT_API_URL.value()} (schedule: {cron or 'none'})")
    serve_all(cron=cron, timezone=args.timezone, limit=args.limit)
    return 0

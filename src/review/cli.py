"""The ``review`` command: a thin dispatcher over ``review.commands.<name>`` modules.

Each command module exposes ``NAME``, ``HELP``, ``configure(parser)`` and ``run(args) -> int``.
Errors print one line to stderr (a traceback only with ``--debug``). Exit codes: 0 ok,
1 failed, 2 usage or validation error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from types import ModuleType

from review import __version__
from review.errors import ReviewError
from review.settings import apply_prefect_defaults

# Module names under review.commands, in the order `review --help` lists them.
COMMANDS = (
    "run", "import_", "dedupe", "screen", "query", "export", "prisma", "decide", "report",
    "serve", "protocols", "explain",
)  # fmt: skip


def _load(module_name: str) -> ModuleType:
    return importlib.import_module(f"review.commands.{module_name}")


def _console_filter(record: logging.LogRecord) -> bool:
    """The terminal shows the library's messages and other libraries' warnings; Prefect's
    lines are left to Prefect's own console handler (quiet during ``review run``)."""
    if record.name == "review" or record.name.startswith("review."):
        return True
    return record.levelno >= logging.WARNING and not record.name.startswith("prefect")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="DuckDB file (default: $REVIEW_DB or data/evidence.duckdb)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")


def _chosen(argv: list[str]) -> str | None:
    """The module of the command named in ``argv``, if it names one (the first word)."""
    words = [a for a in argv if not a.startswith("-")]
    by_name = {m.rstrip("_"): m for m in COMMANDS}
    return by_name.get(words[0]) if words else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every command; with ``only``, just that command's module is
    imported (each pulls in DuckDB, Arrow or Prefect: ~0.5 s)."""
    parser = argparse.ArgumentParser(
        prog="review",
        description="Evidence-review screening pipeline (design.md has the contracts).",
    )
    parser.add_argument("--version", action="version", version=f"review {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in (only,) if only else COMMANDS:
        module = _load(module_name)
        sub = commands.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        _common(sub)
        module.configure(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    apply_prefect_defaults()
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_console_filter)
    logging.getLogger("review").setLevel(logging.INFO)
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(only=_chosen(argv)).parse_args(argv)
    try:
        return int(args.handler(args))
    except ReviewError as exc:
        if args.debug:
            raise
        print(f"review {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `review query ... | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"review {args.command}: interrupted; stored work is kept", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: one line, never a bare traceback
        if args.debug:
            raise
        print(
            f"review {args.command}: unexpected error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""``review protocols``: list the protocols and validate every file."""

from __future__ import annotations

import argparse
import sys

from review.errors import ProtocolError, UsageError
from review.protocol import available_protocols, load_protocol, protocols_dir

NAME = "protocols"
HELP = "list the protocols and validate them"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", help="protocols to validate (default: all)")


def run(args: argparse.Namespace) -> int:
    names = args.names or available_protocols()
    if not names:
        raise UsageError(f"no protocol files in {protocols_dir()}")
    failures = 0
    for name in names:
        try:
            protocol = load_protocol(name)
        except ProtocolError as exc:
            failures += 1
            print(f"INVALID  {exc}", file=sys.stderr)
            continue
        blocks = ", ".join(f"{b.name} ({len(b.terms)})" for b in protocol.search.blocks)
        print(f"ok  {protocol.name:<16} rules {protocol.rule_version}  {protocol.title}")
        print(f"    search blocks: {blocks}; sources: {', '.join(protocol.sources)}")
    return 2 if failures else 0

"""``review decide``: record reviewers' decisions; list conflicts; report agreement (kappa).

review decide FILE.csv                    columns: work_id (or source_id), protocol,
                                          decision, reason, reviewer [, stage, note, resolve]
review decide --work W --protocol P --decision exclude --reason E-DESIGN --reviewer anna
review decide --conflicts [--protocol P]
review decide --agreement [--protocol P]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from review import store
from review.errors import UsageError
from review.protocol import available_protocols
from review.screening.agreement import agreement
from review.screening.codes import DECISIONS
from review.screening.human import HumanDecision, check, conflicts, read_csv, record

NAME = "decide"
HELP = "record human screening decisions (CSV or one at a time); conflicts; agreement (kappa)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the decide command's arguments."""
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE.csv", help="decisions CSV")
    one = parser.add_argument_group("one decision")
    one.add_argument("--work", metavar="ID", help="work_id, record_id or source_id")
    one.add_argument("--protocol", metavar="P", help="protocol (also filters the reports)")
    one.add_argument("--decision", choices=DECISIONS)
    one.add_argument("--reason", metavar="CODE", help="reason code, e.g. E-DESIGN, FT-I-ELIGIBLE")
    one.add_argument("--reviewer", metavar="NAME")
    one.add_argument("--stage", default="title_abstract", choices=("title_abstract", "full_text"))
    one.add_argument("--note", help="free text, e.g. realisability in a Danish context")
    one.add_argument("--resolve", action="store_true", help="this decision resolves a conflict")
    reports = parser.add_argument_group("reports")
    reports.add_argument("--conflicts", action="store_true", help="list unresolved conflicts")
    reports.add_argument("--agreement", action="store_true", help="Cohen's kappa between raters")


def _single(args: argparse.Namespace, protocols: list[str]) -> list[HumanDecision]:
    needed = {"--work": args.work, "--protocol": args.protocol, "--decision": args.decision,
              "--reason": args.reason, "--reviewer": args.reviewer}  # fmt: skip
    missing = [flag for flag, value in needed.items() if not value]
    if missing:
        raise UsageError(f"a single decision needs {', '.join(missing)} (or give FILE.csv)")
    item = HumanDecision(args.work, args.protocol, args.decision, args.reason, args.reviewer,
                         args.stage, args.note, args.resolve)  # fmt: skip
    try:
        return [check(item, protocols)]
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _report(con: object, args: argparse.Namespace) -> None:
    if args.conflicts:
        rows = conflicts(con, args.protocol)  # type: ignore[arg-type]
        print(f"{len(rows)} open conflict(s)")
        for work_id, protocol, stage, reviewers, decisions in rows:
            pairs = ", ".join(f"{r}={d}" for r, d in zip(reviewers, decisions, strict=True))
            print(f"  {protocol}  {work_id}  {stage}  {pairs}")
    if args.agreement:
        print("protocol          stage           rater A        rater B          n   agree  kappa")
        for a in agreement(con, args.protocol):  # type: ignore[arg-type]
            kappa = "n/a" if a.kappa is None else f"{a.kappa:.2f}"
            print(f"{a.protocol:<17} {a.stage:<15} {a.rater_a:<14} {a.rater_b:<14} {a.n:>5} "
                  f"{a.observed:>6.2f} {kappa:>6}")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Record the decisions given, then print the reports asked for."""
    protocols = available_protocols()
    wants_single = any([args.work, args.decision, args.reason, args.reviewer])
    if args.file and wants_single:
        raise UsageError("give either FILE.csv or --work/--decision/..., not both")
    items: list[HumanDecision] = []
    if args.file:
        items = read_csv(args.file, protocols)
    elif wants_single:
        items = _single(args, protocols)
    elif not (args.conflicts or args.agreement):
        raise UsageError(
            "nothing to do: give FILE.csv, a --work decision, --conflicts or --agreement"
        )
    with store.writing(args.db, create=False) as con:
        if items:
            with store.transaction(con):
                written = record(con, items)
            print(f"review decide: {written} decision(s) recorded", file=sys.stderr)
            open_conflicts = conflicts(con)
            if open_conflicts:
                print(f"review decide: {len(open_conflicts)} open conflict(s); "
                      "see `review decide --conflicts`", file=sys.stderr)  # fmt: skip
        _report(con, args)
    return 0

"""``review decide``: record reviewers' decisions; list conflicts; report agreement (kappa).

review decide FILE... --protocol P         ASReview, Rayyan or Covidence exports (see
                                          review.importers.tools), or our own CSV
review decide FILE.csv                    columns: work_id (or source_id), protocol,
                                          decision, reason, reviewer [, stage, note, resolve];
                                          read as review import reads CSV (, ; tab | and BOM)
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
from review.importers.tools import TOOLS, read_votes
from review.protocol import available_protocols
from review.screening import reason_map, tool_decisions
from review.screening.agreement import agreement
from review.screening.codes import DECISIONS
from review.screening.human import (
    HumanDecision,
    check,
    conflicts,
    is_decisions_file,
    read_csv,
    record,
)
from review.screening.matching import load_index

NAME = "decide"
HELP = "record human decisions (ASReview/Rayyan/Covidence exports, CSV, one at a time); kappa"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the decide command's arguments."""
    add = parser.add_argument
    add("files", nargs="*", type=Path, metavar="FILE",
        help="ASReview, Rayyan or Covidence exports, or our decisions CSV")  # fmt: skip
    add("--tool", choices=TOOLS, help="the tool that wrote FILE (default: guessed)")
    add("--reason-map", type=Path, metavar="TOML",
        help="free-text reasons -> codes (default: data/reason_map.toml)")  # fmt: skip
    add("--dry-run", action="store_true", help="report what FILE holds; record nothing")
    one = parser.add_argument_group("one decision (with FILE: the defaults for what it lacks)")
    one.add_argument("--work", metavar="ID", help="work_id, record_id or source_id")
    one.add_argument("--protocol", metavar="P", help="protocol (also filters the reports)")
    one.add_argument("--decision", choices=DECISIONS)
    one.add_argument("--reason", metavar="CODE", help="reason code, e.g. E-DESIGN, FT-I-ELIGIBLE")
    one.add_argument("--reviewer", metavar="NAME")
    one.add_argument("--stage", choices=("title_abstract", "full_text"))
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
        raise UsageError(f"a single decision needs {', '.join(missing)} (or give FILE)")
    item = HumanDecision(args.work, args.protocol, args.decision, args.reason, args.reviewer,
                         args.stage or "title_abstract", args.note, args.resolve)  # fmt: skip
    try:
        return [check(item, protocols)]
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _from_tools(con: object, args: argparse.Namespace, protocols: list[str]) -> list:
    if not args.protocol:
        raise UsageError("a screening tool's export needs --protocol P (the file does not say)")
    options = tool_decisions.Options(args.protocol, args.reviewer, args.stage, args.decision)
    reasons = reason_map.load(args.reason_map)
    index = load_index(con)  # type: ignore[arg-type]
    outcomes = []
    for path in args.files:
        file = read_votes(path, args.tool)
        outcome = tool_decisions.decisions(file, index, options, reasons, protocols)
        _summary(path, file.tool, outcome)
        outcomes.append(outcome)
    _problems(outcomes, reasons.path)
    return [item for outcome in outcomes for item in outcome.decisions]


def _summary(path: Path, tool: str, outcome: tool_decisions.Outcome) -> None:
    via = ", ".join(f"{key} {n}" for key, n in outcome.matched_by.most_common())
    print(f"review decide: {path} ({tool}): {outcome.rows} row(s), {len(outcome.decisions)} "
          f"decision(s); matched by {via or 'nothing'}; {outcome.without_vote} without a "
          f"decision, {len(outcome.unmatched)} unmatched, {len(outcome.ambiguous)} ambiguous",
          file=sys.stderr)  # fmt: skip


def _row_text(fields: dict) -> str:
    bits = [repr(fields.get("title") or "(no title)"), str(fields.get("year") or "")]
    bits += [f"doi {fields['doi']}"] if fields.get("doi") else []
    return " ".join(bit for bit in bits if bit)


def _problems(outcomes: list[tool_decisions.Outcome], map_path: Path) -> None:
    err = sys.stderr
    for outcome in outcomes:
        for path, line, fields in outcome.unmatched:
            print(f"review decide: unmatched (not recorded) {path}:{line}: {_row_text(fields)}",
                  file=err)  # fmt: skip
        for path, line, fields, works in outcome.ambiguous:
            print(f"review decide: ambiguous (not recorded) {path}:{line}: {_row_text(fields)} "
                  f"matches {', '.join(works)}; decide it with --work", file=err)  # fmt: skip
    unmapped = sum((outcome.unmapped for outcome in outcomes), start=type(outcomes[0].unmapped)())
    for text, n in sorted(unmapped.items()):
        print(f"review decide: reason not in {map_path} (kept as note, coded E-HUMAN): "
              f"{text!r} x{n}", file=err)  # fmt: skip


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


def _items(con: object, args: argparse.Namespace, protocols: list[str]) -> list[HumanDecision]:
    ours = [path for path in args.files if args.tool is None and is_decisions_file(path)]
    items = [item for path in ours for item in read_csv(path, protocols)]
    tools = [path for path in args.files if path not in ours]
    if tools:
        items += _from_tools(con, argparse.Namespace(**{**vars(args), "files": tools}), protocols)
    return items


def run(args: argparse.Namespace) -> int:
    """Record the decisions given, then print the reports asked for."""
    protocols = available_protocols()
    if args.files and (args.work or args.reason or args.resolve):
        raise UsageError("give either FILE or --work/--reason/..., not both")
    if not args.files and not args.work and not (args.conflicts or args.agreement):
        raise UsageError("nothing to do: give FILE, a --work decision, --conflicts or --agreement")
    if args.dry_run:
        opened = store.open_store(args.db, read_only=True)
    else:
        opened = store.writing(args.db, create=False)
    with opened as con:
        items = _items(con, args, protocols) if args.files else []
        items = items or (_single(args, protocols) if args.work else [])
        if items and not args.dry_run:
            with store.transaction(con):
                written = record(con, items)
            print(f"review decide: {written} decision(s) recorded, {len(items) - written} "
                  "unchanged", file=sys.stderr)  # fmt: skip
            open_conflicts = conflicts(con)
            if open_conflicts:
                print(f"review decide: {len(open_conflicts)} open conflict(s); "
                      "see `review decide --conflicts`", file=sys.stderr)  # fmt: skip
        _report(con, args)
    return 0

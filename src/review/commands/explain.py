"""``review explain WORK --protocol P``: why the rules decide what they decide for one work.

WORK is a work id, a record id (``openalex:W123``), a source's own id or a DOI. The work is
re-screened with the protocol's current rules (``screening.explain``), step by step, and shown
next to the stored decision. Unknown work, ambiguous key or unknown protocol: exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from review import store
from review.errors import UsageError
from review.normalize import normalize_doi
from review.protocol import load_protocol, protocols_dir
from review.screening.engine import Work
from review.screening.explain import explain
from review.screening.rules import rule_sources

NAME = "explain"
HELP = "show why the screening rules decide what they decide for one work under one protocol"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the explain command's arguments."""
    parser.add_argument("work", metavar="WORK", help="work id, record id, source id or DOI")
    parser.add_argument("--protocol", required=True, metavar="P", help="protocol name or file")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _protocol_path(name: str) -> Path:
    candidate = Path(name)
    return candidate if candidate.suffix == ".toml" else protocols_dir() / f"{name}.toml"


def find_work(con: Any, key: str) -> tuple[str, Work, str | None]:
    """(work id, Work, DOI) for a key; UsageError when none, several, or not deduplicated."""
    rows = con.execute(store.sql_text("explain_work"),
                       {"key": key, "doi": normalize_doi(key)}).fetchall()  # fmt: skip
    works = [row for row in rows if row[0] is not None]
    if not works and rows:
        raise UsageError(f"record {rows[0][1]} has no work yet: run `review dedupe` first")
    if not works:
        raise UsageError(f"no work, record or DOI '{key}' in the database")
    if len(works) > 1:
        listed = ", ".join(row[0] for row in works[:5])
        raise UsageError(f"'{key}' matches {len(works)} works ({listed}); give a work id")
    row: tuple[Any, ...] = works[0]
    title, abstract, keywords, language, year, kind, flags, venue, doi = row[2:]
    work = Work(title, abstract, tuple(keywords or ()), language, year, kind,
                tuple(flags or ()), venue)  # fmt: skip
    return str(row[0]), work, doi


def _stored(con: Any, work_id: str, protocol: str) -> dict[str, Any] | None:
    row = store.one(con, store.sql_text("explain_decision"),
                    {"work_id": work_id, "protocol": protocol})  # type: ignore[arg-type]  # fmt: skip
    if row is None:
        return None
    keys = ("decision", "reasons", "decided_by", "source", "rules_decision", "rules_reasons",
            "rule_version")  # fmt: skip
    return dict(zip(keys, row, strict=True))


def run(args: argparse.Namespace) -> int:
    """Explain one work's decision under one protocol, as text or JSON."""
    protocol = load_protocol(args.protocol)
    assert protocol.rules is not None
    sources = rule_sources(_protocol_path(args.protocol))
    with store.open_store(args.db, read_only=True) as con:
        work_id, work, doi = find_work(con, args.work)
        stored = _stored(con, work_id, protocol.name)
    report = {"work_id": work_id, "doi": doi, "protocol": protocol.name, "title": work.title,
              **explain(protocol.rules, work, sources), "stored": stored}  # fmt: skip
    if args.format == "json":
        json.dump(report, sys.stdout, indent=1, ensure_ascii=False, default=str)
        print()
    else:
        print(render(report, work))
    return 0


def render(report: dict[str, Any], work: Work) -> str:
    """The explanation as terminal text, in the order the engine decides."""
    reasons = ", ".join(r["code"] for r in report["reasons"])
    lines = [
        f"{report['work_id']} under {report['protocol']} (rules {report['rule_version']})",
        f"  title:    {work.title or '(none)'}",
        f"  abstract: {len(work.abstract or '')} characters; language {work.language or '?'}; "
        f"year {work.year or '?'}; type {work.publication_type or '?'}",
        "", f"DECISION  {report['decision']}  [{reasons}]",
        *(f"  {r['code']}: {r['means']}" for r in report["reasons"]),
        f"  why: {report['why']}", *_stored_lines(report["stored"], report["rule_version"]),
        "", "1 metadata prescreen ([prescreen] in the rule files)",
        f"  facts: {', '.join(report['prescreen']['facts']) or 'none'}; exclusion: "
        f"{report['prescreen']['exclude'] or 'none'}; caps: "
        f"{', '.join(report['prescreen']['caps']) or 'none'}",
        "", "2 noise guard", *_noise_lines(report["noise"]),
        "", "3 terms found (block, field, term, the list that holds it)", *_term_lines(report),
        "", "4 facts", *(f"  {name:<13} {'yes' if f['value'] else 'no ':<4} {f['means']}"
                         for name, f in report["facts"].items()),
        "", f"5 ladder ({'with' if report['ladder']['with_abstract'] else 'no'} abstract)",
        *_step_lines(report["ladder"]["steps"]),
        "", "6 after the ladder: " + ", ".join(f"{k}={'yes' if v else 'no'}"
                                               for k, v in report["after_ladder"].items()),
        "", "to change the decision:", *(f"  - {line}" for line in report["to_change"]),
        "", "term lists (edit the file, then `review protocols` and `review screen`):",
        *_list_lines(report),
    ]  # fmt: skip
    return "\n".join(lines)


def _stored_lines(stored: dict[str, Any] | None, version: str) -> list[str]:
    if stored is None:
        return ["  stored: no decision yet (run `review screen`)"]
    reasons = list(stored["reasons"] or [])
    line = f"  stored: {stored['decision']} {reasons} by {stored['decided_by']}"
    if stored["rule_version"] and stored["rule_version"] != version:
        line += f" (rules {stored['rule_version']}; the current rules differ: re-screen)"
    return [line]


def _noise_lines(noise: list[dict[str, Any]]) -> list[str]:
    fired = [n for n in noise if n["fired"]]
    if not fired:
        return ["  no noise rule fired"]
    return [f"  {n['rule']} fired ({n['action']}); "
            + (f"lifted by {', '.join(n['lifted_by'])}" if n["lifted_by"] else "not lifted")
            + f"  {n['list']}" for n in fired]  # fmt: skip


def _term_lines(report: dict[str, Any]) -> list[str]:
    rows = [f"  {h['block']:<20} {h['field']:<9} {h['term']:<30} {h['list'].split()[0]}"
            for h in report["found"]]  # fmt: skip
    rows += [f"  (not counted) {h['block']} '{h['term']}' in {h['field']}: the block counts "
             f"{', '.join(h['counts_in'])} only" for h in report["ignored"]]  # fmt: skip
    blocks = report["blocks"].items()
    reached = [f"{name} {b['weight']:g}/{b['min_weight']:g}" for name, b in blocks if b["present"]]
    short = [f"{name} {b['weight']:g}/{b['min_weight']:g}"
             for name, b in blocks if b["weight"] and not b["present"]]  # fmt: skip
    return [*(rows or ["  no term of any list matched"]),
            f"  blocks reached (weight/minimum): {', '.join(reached) or 'none'}",
            *([f"  found but below the minimum: {', '.join(short)}"] if short else [])]  # fmt: skip


def _list_lines(report: dict[str, Any]) -> list[str]:
    """The file of every block named above (found or needed), once."""
    files: dict[str, list[str]] = {}
    for key, path in report["lists"].items():
        files.setdefault(path, []).append(key)
    return [f"  {path}: {', '.join(keys)}" for path, keys in files.items()]


def _step_lines(steps: list[dict[str, Any]]) -> list[str]:
    out = []
    for s in steps:
        mark = ">>" if s["chosen"] else ("ok" if s["holds"] else "  ")
        parts = [f"missing {', '.join(s['missing'])}"] if s["missing"] else []
        parts += [f"{', '.join(s['blocking'])} present"] if s["blocking"] else []
        note = f"  ({'; '.join(parts)})" if parts else ""
        out.append(f"  {mark} {s['step']:>2}. if {s['if']:<32} then {s['then']}{note}")
    return out

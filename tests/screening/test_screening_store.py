"""run() against a store: decisions for every protocol, re-screens, human precedence, kappa."""
# ruff: noqa: E501  (CSV test lines read best unwrapped)

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import duckdb
import pytest

from review.commands import decide as decide_command
from review.commands import screen as screen_command
from review.errors import InputFileError, UsageError
from review.protocol import Protocol
from review.screening.agreement import agreement, cohen_kappa
from review.screening.human import HumanDecision, conflicts, read_csv, record
from review.screening.runner import run
from review.store import open_store

WORKS = [
    {"work_id": "W1", "title": "Community policing in public housing: a randomized trial",
     "abstract": "Public housing developments were randomly assigned to community policing; "
                 "crime fell relative to the control group."},
    {"work_id": "W2", "title": "Tamoxifen adherence in breast cancer",
     "abstract": "A registry cohort of 2,000 women followed for five years on tamoxifen."},
    {"work_id": "W3", "title": "Parenting programmes in deprived neighbourhoods", "abstract": None},
]  # fmt: skip


def current(con: duckdb.DuckDBPyConnection, protocol: str) -> dict[str, tuple[Any, ...]]:
    """work_id -> (decision, reasons, source) of the current decisions for one protocol."""
    rows = con.execute(
        "SELECT work_id, decision, reasons, source FROM current_decisions WHERE protocol = ?",
        [protocol],
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_run_fills_decisions_for_every_protocol_once(
    con: duckdb.DuckDBPyConnection, seed: Any, protocols: dict[str, Protocol]
) -> None:
    seed(con, WORKS)
    summary = run(con, list(protocols.values()))
    assert summary.screened == 12
    assert summary.counts["sfi-crime"] == {"include": 1, "exclude": 1, "uncertain": 1}
    crime = current(con, "sfi-crime")
    assert crime["W1"][:2] == ("include", ["I-PICOS"])
    assert crime["W2"][:2] == ("exclude", ["E-OFF-TOPIC"])
    assert crime["W3"][:2] == ("uncertain", ["U-NOABS"])
    assert run(con, list(protocols.values())).screened == 0
    stored = con.execute("SELECT DISTINCT rule_version FROM decisions WHERE protocol='sfi-crime'")
    assert stored.fetchall() == [(protocols["crime"].rule_version,)]


def changed(protocol: Protocol) -> Protocol:
    """The protocol with one more crime outcome term (a new rule version)."""
    rules = protocol.rules.model_copy(deep=True)  # type: ignore[union-attr]
    rules.blocks["outcome"].terms.append("skulduggery")
    return protocol.model_copy(update={"rules": rules})


def test_rule_change_triggers_rescreen_and_human_decision_survives(
    con: duckdb.DuckDBPyConnection, seed: Any, protocols: dict[str, Protocol]
) -> None:
    seed(con, WORKS)
    crime = protocols["crime"]
    run(con, [crime])
    record(con, [HumanDecision("W1", "sfi-crime", "exclude", "E-HUMAN", "anna")])
    assert current(con, "sfi-crime")["W1"] == ("exclude", ["E-HUMAN"], "human")
    new = changed(crime)
    assert new.rule_version != crime.rule_version
    assert run(con, [new]).screened == 3
    assert current(con, "sfi-crime")["W1"] == ("exclude", ["E-HUMAN"], "human")
    history = con.execute("SELECT count(*) FROM decisions WHERE work_id='W1'").fetchone()
    assert history == (3,)
    assert run(con, [crime]).screened == 3  # reverting the rules re-screens too


def test_conflict_until_resolved_and_kappa(
    con: duckdb.DuckDBPyConnection, seed: Any, protocols: dict[str, Protocol]
) -> None:
    seed(con, WORKS)
    run(con, [protocols["crime"]])
    record(con, [
        HumanDecision("W1", "sfi-crime", "include", "I-HUMAN", "anna"),
        HumanDecision("test:W1", "sfi-crime", "exclude", "E-DESIGN", "bo"),
        HumanDecision("S-W2", "sfi-crime", "exclude", "E-OFF-TOPIC", "anna"),
        HumanDecision("W2", "sfi-crime", "exclude", "E-OFF-TOPIC", "bo"),
    ])  # fmt: skip
    assert [row[0] for row in conflicts(con)] == ["W1"]
    assert current(con, "sfi-crime")["W1"] == ("uncertain", ["U-CONFLICT"], "conflict")
    record(con, [HumanDecision("W1", "sfi-crime", "include", "I-HUMAN", "cara", resolve=True)])
    assert conflicts(con) == []
    assert current(con, "sfi-crime")["W1"] == ("include", ["I-HUMAN", "RESOLVED"], "resolution")
    pairs = {(a.rater_a, a.rater_b): a for a in agreement(con, "sfi-crime")}
    assert pairs[("anna", "bo")].n == 2 and pairs[("anna", "bo")].observed == 0.5
    assert pairs[("anna", "rules")].n == 2 and pairs[("anna", "rules")].kappa == 1.0


def test_full_text_stage_outranks_title_abstract(
    con: duckdb.DuckDBPyConnection, seed: Any, protocols: dict[str, Protocol]
) -> None:
    seed(con, WORKS)
    run(con, [protocols["crime"]])
    record(con, [HumanDecision("W1", "sfi-crime", "exclude", "FT-E-NO-COMPARISON", "anna",
                               stage="full_text")])  # fmt: skip
    row = con.execute(
        "SELECT decision, stage, title_abstract_decision, full_text_decision FROM "
        "current_decisions WHERE work_id = 'W1'"
    ).fetchone()
    assert row == ("exclude", "full_text", "include", "exclude")


def test_cohen_kappa_known_values() -> None:
    assert cohen_kappa([("include", "include"), ("exclude", "exclude")]) == 1.0
    assert cohen_kappa([("include", "exclude"), ("exclude", "include")]) == -1.0
    assert cohen_kappa([("include", "include")]) is None
    assert cohen_kappa([]) is None


def write_csv(path: Path, lines: list[str]) -> Path:
    """Write a CSV file and return its path."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("W1,sfi-crime,maybe,E-DESIGN,anna,", "decision 'maybe'"),
        ("W1,sfi-crime,exclude,E-NOPE,anna,", "unknown reason code 'E-NOPE'"),
        ("W1,sfi-crime,include,E-DESIGN,anna,", "does not fit 'include'"),
        ("W1,sfi-nope,exclude,E-DESIGN,anna,", "unknown protocol 'sfi-nope'"),
        ("W1,sfi-crime,exclude,E-DESIGN,,", "reviewer"),
        ("W1,sfi-crime,exclude,E-DESIGN,anna,later", "stage 'later'"),
    ],
)
def test_csv_errors_name_file_line_and_problem(tmp_path: Path, line: str, problem: str) -> None:
    path = write_csv(tmp_path / "d.csv", ["work_id,protocol,decision,reason,reviewer,stage",
                                          "W2,sfi-crime,exclude,E-OFF-TOPIC,anna,", line])  # fmt: skip
    with pytest.raises(InputFileError, match=rf"d\.csv:3: .*{problem}"):
        read_csv(path, ["sfi-crime"])


def test_decide_and_screen_commands(tmp_path: Path, seed: Any, capsys: Any) -> None:
    db = tmp_path / "e.duckdb"
    with open_store(db) as con:
        seed(con, WORKS)
    assert screen_command.run(argparse.Namespace(db=db, protocol=["sfi-crime"])) == 0
    path = write_csv(tmp_path / "d.csv", ["source_id,protocol,decision,reason_code,reviewer,stage",
                                          "S-W3,sfi-crime,include,FT-I-ELIGIBLE,anna,full_text"])  # fmt: skip
    parser = argparse.ArgumentParser()
    decide_command.configure(parser)
    args = parser.parse_args([str(path), "--agreement"])
    args.db = db
    assert decide_command.run(args) == 0
    with open_store(db) as con:
        assert current(con, "sfi-crime")["W3"] == ("include", ["FT-I-ELIGIBLE"], "human")
    unknown = parser.parse_args(["--work", "W9", "--protocol", "sfi-crime", "--decision",
                                 "exclude", "--reason", "E-HUMAN", "--reviewer", "bo"])  # fmt: skip
    unknown.db = db
    with pytest.raises(UsageError, match="no work found"):
        decide_command.run(unknown)


@pytest.mark.parametrize("name", ["decisions", "exclusion_reasons", "included"])
def test_researcher_queries_run_on_a_seeded_store(
    con: duckdb.DuckDBPyConnection, seed: Any, protocols: dict[str, Protocol], name: str
) -> None:
    from review.queries import run_query

    seed(con, WORKS)
    run(con, list(protocols.values()))
    columns, rows = run_query(con, name, {"protocol": "sfi-crime"})
    assert rows and all(row[columns.index("protocol")] == "sfi-crime" for row in rows)
    if name == "decisions":
        by_work = {row[columns.index("work_id")]: row for row in rows}
        assert by_work["W1"][columns.index("source_ids")] == ["test:S-W1"]
    if name == "included":
        assert "intervention:community policing@title" in rows[0][columns.index("matched_terms")]
    if name == "exclusion_reasons":
        assert ("E-OFF-TOPIC", 1) in [(r[2], r[4]) for r in rows]

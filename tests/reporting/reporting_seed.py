"""Seeds an evidence store for the reporting and query tests, written through the real code paths.

Two imports (RIS and CSV, searches with no protocol), one API search of sfi-crime stored with
``upsert_records``/``add_hits``, two completed runs, then ``review.dedupe.run``,
``review.screening.runner.run`` for every protocol, and human decisions (a full-text include, a
full-text exclusion and a conflict).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path

from review import dedupe
from review.commands import import_
from review.protocol import load_protocols
from review.record import Record
from review.screening import runner
from review.screening.human import HumanDecision, record
from review.store import add_hits, open_store, upsert_records

POLICING = (
    "Community policing in public housing: a randomized trial",
    "Public housing developments were randomly assigned to community policing; crime fell "
    "relative to the control group.",
)
HOTSPOTS = (
    "Hot spots policing in social housing estates: a randomised controlled trial",
    "Residential areas were randomly assigned to hot spots policing or usual patrols; "
    "burglary and violent crime fell relative to the control group.",
)
TAMOXIFEN = (
    "Tamoxifen adherence in breast cancer",
    "A registry cohort of 2,000 women followed for five years on tamoxifen.",
)
PARENTING = "Parenting programmes in deprived neighbourhoods"

RIS = f"""TY  - JOUR
ID  - R1
TI  - {POLICING[0]}
AU  - Smith, Jane
AU  - Olsen, Per
PY  - 2015
T2  - Journal of Experimental Criminology
VL  - 11
IS  - 2
SP  - 101
EP  - 120
DO  - 10.1000/policing.2015
AB  - {POLICING[1]}
ER  -

TY  - JOUR
ID  - R2
TI  - {TAMOXIFEN[0]}
AU  - Brown, Ann
PY  - 2012
T2  - Oncology Letters
AB  - {TAMOXIFEN[1]}
ER  -
"""

CSV = (
    "ID,Title,Authors,Year,Journal,DOI,Abstract\n"
    f'C1,{PARENTING},"Hansen, Mette",2018,Child Welfare,,\n'
    f'C2,"{HOTSPOTS[0]}","Weisburd, David; Braga, Anthony",2019,Criminology,'
    f'10.1000/hotspots.2019,"{HOTSPOTS[1]}"\n'
)


def _import(db: Path, folder: Path) -> None:
    (folder / "embase.ris").write_text(RIS, encoding="utf-8")
    (folder / "rayyan.csv").write_text(CSV, encoding="utf-8")
    for name in ("embase.ris", "rayyan.csv"):
        args = argparse.Namespace(
            files=[str(folder / name)], format=None, source=None, skip_bad=False, db=str(db)
        )
        assert import_.run(args) == 0


def _api_search(db: Path) -> None:
    """One sfi-crime OpenAlex search that finds the policing trial again, and two runs."""
    now = datetime.now(UTC)
    records = [
        Record(source="openalex", source_id="W100", title=POLICING[0], abstract=POLICING[1],
               authors=["Smith, Jane", "Olsen, Per"], year=2015, doi="10.1000/policing.2015",
               venue="Journal of Experimental Criminology", search_id="s-oa-1"),
        Record(source="openalex", source_id="W200", title=HOTSPOTS[0], abstract=HOTSPOTS[1],
               authors=["Weisburd, David", "Braga, Anthony"], year=2019,
               doi="10.1000/hotspots.2019", venue="Criminology", search_id="s-oa-1"),
    ]  # fmt: skip
    with open_store(db) as con:
        # run-1 finished after the imports; run-2 (the latest) brought the OpenAlex records.
        con.execute(
            "INSERT INTO runs VALUES ('run-1', NULL, 'run', ?, ?, 'completed', NULL, NULL), "
            "('run-2', NULL, 'run', ?, ?, 'completed', NULL, NULL)",
            [now - timedelta(days=2), now, now + timedelta(microseconds=1),
             now + timedelta(minutes=1)],
        )  # fmt: skip
        con.execute(
            "INSERT INTO searches (search_id, run_id, protocol, source, query_label, query_text, "
            "started_at, finished_at, status, reported_total, fetched, pages) VALUES "
            "('s-oa-1', 'run-2', 'sfi-crime', 'openalex', 'main', "
            "'title_and_abstract.search:(policing AND housing)', ?, ?, 'completed', 3, 2, 1)",
            [now, now + timedelta(minutes=1)],
        )
        upsert_records(con, records)
        add_hits(con, "s-oa-1", [r.record_id for r in records])


def _screen(db: Path) -> None:
    with open_store(db) as con:
        dedupe.run(con)
        runner.run(con, load_protocols())
        record(con, [
            HumanDecision("R1", "sfi-crime", "include", "FT-I-ELIGIBLE", "anna", "full_text"),
            HumanDecision("C2", "sfi-crime", "exclude", "FT-E-NO-COMPARISON", "anna",
                          "full_text"),
            HumanDecision("C1", "sfi-crime", "include", "I-HUMAN", "anna"),
            HumanDecision("C1", "sfi-crime", "exclude", "E-HUMAN", "ben"),
        ])  # fmt: skip


def seed(folder: Path) -> Path:
    """Write the seeded database into ``folder``; return its path."""
    db = folder / "evidence.duckdb"
    _import(db, folder)
    _api_search(db)
    _screen(db)
    return db


# ---------------------------------------------------------------------------------------------
# The flow seed (constructed records in tests/fixtures/prisma/): every box of the PRISMA 2020
# template gets a count.
# On top of ``seed``: a school-scoped import that must stay out of sfi-crime's diagram; a
# crime-scoped database export with a full text not retrieved, a companion report, a
# foreign-language record (prescreen), a reviewer's title/abstract exclusion and include (its
# full text not yet assessed); a retracted
# API record; a citation-searching import (other methods) with one duplicate of a database
# record; and one record imported after screening (awaiting screening).

FLOW_FILES = Path(__file__).resolve().parents[1] / "fixtures" / "prisma"


def import_file(db: Path, path: Path, *extra: str) -> None:
    """``review import`` one file (through the CLI's argument parser)."""
    from review.cli import main

    assert main(["import", str(path), "--db", str(db), *extra]) == 0


def _retracted_search(db: Path) -> None:
    now = datetime.now(UTC)
    record_ = Record(source="openalex", source_id="W900", title=HOTSPOTS[0] + " (retracted)",
                     abstract=HOTSPOTS[1], year=2019, flags=["retracted"], search_id="s-oa-2",
                     doi="10.1000/retracted.2019")  # fmt: skip
    with open_store(db) as con:
        con.execute(
            "INSERT INTO searches (search_id, protocol, source, query_label, query_text, "
            "started_at, finished_at, status, reported_total, fetched, pages) VALUES "
            "('s-oa-2', 'sfi-crime', 'openalex', 'retracted', 'policing', ?, ?, 'completed', "
            "1, 1, 1)",
            [now, now],
        )
        upsert_records(con, [record_])
        add_hits(con, "s-oa-2", [record_.record_id])


def seed_flow(folder: Path) -> Path:
    """``seed``, then the flow additions; return the database path."""
    db = seed(folder)
    import_file(db, FLOW_FILES / "school.ris", "--protocol", "sfi-school")
    import_file(db, FLOW_FILES / "psycinfo.ris", "--protocol", "sfi-crime")
    import_file(db, FLOW_FILES / "citations.csv", "--protocol", "sfi-crime",
                "--method", "citation-searching", "--source", "citations")  # fmt: skip
    _retracted_search(db)
    with open_store(db) as con:
        dedupe.run(con)
        runner.run(con, load_protocols())
        record(con, [
            HumanDecision("P1", "sfi-crime", "exclude", "FT-E-NO-FULLTEXT", "anna", "full_text"),
            HumanDecision("P2", "sfi-crime", "include", "FT-I-COMPANION", "anna", "full_text"),
            HumanDecision("P4", "sfi-crime", "exclude", "E-HUMAN", "anna"),
            HumanDecision("P5", "sfi-crime", "include", "I-HUMAN", "anna"),
            HumanDecision("X2", "sfi-crime", "include", "FT-I-ELIGIBLE", "anna", "full_text"),
            HumanDecision("X3", "sfi-crime", "exclude", "FT-E-OUTCOME", "anna", "full_text"),
        ])  # fmt: skip
    import_file(db, FLOW_FILES / "late.ris", "--protocol", "sfi-crime")
    with open_store(db) as con:
        dedupe.run(con)
    return db

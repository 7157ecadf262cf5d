"""Volume, issue and pages as exports really carry them (our own invented values)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from review.dedupe.place import embase_place, place, undo_dates


def _s(*values: str | None) -> pa.Array:
    return pa.array(list(values), pa.string())


def test_embase_venue_string_carries_volume_issue_and_pages() -> None:
    vol, iss, pp = embase_place(
        _s(
            "Acta Neurol.110 (42) ()(pp 1872) 2013.Date of Publication: October 2013.",
            "J Chem Ther.115 ()(pp 150-158) 2015.Date of Publication: 2015.",
            "Journal of Sciences (Medical Edition).31 (5) ()(pp 687-691) 2006",
            "Plain Journal",
            None,
        )
    )
    assert vol.to_pylist() == ["110", "115", "31", None, None]
    assert iss.to_pylist() == ["42", None, "5", None, None]
    assert pp.to_pylist() == ["1872", "150-158", "687-691", None, None]


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [("30-Sep", "30-9"), ("9-Oct", "9-10"), ("Jan-13", "1-13"), ("01-Mar", "01-3"),
     ("120-128", "120-128"), ("December", "december")],
)  # fmt: skip
def test_spreadsheet_dates_turn_back_into_ranges(raw: str, fixed: str) -> None:
    assert undo_dates(_s(raw))[0].as_py() == fixed


def test_year_as_pages_and_misplaced_pages_are_repaired() -> None:
    where = place(
        volume=_s(None, None, "2", "15", None),
        issue=_s("pp 251", "var.pagings", None, "4", None),
        pages=_s("2010", "S401-S402", "30-Sep", "215 p", "2011"),
        venue=_s("BMC Health.10 ()(pp 251) 2010.", None, None, None, "J.7 (2) ()(pp 5-9) 2011."),
        year=pa.array([2010, 2011, 2000, 2000, 2011], pa.int32()),
    )
    assert where["volume"].to_pylist() == ["10", None, "2", "15", "7"]
    assert where["issue"].to_pylist() == [None, None, None, "4", "2"]
    assert where["page_start"].to_pylist() == ["251", "401", "30", None, "5"]
    assert where["page_end"].to_pylist() == [None, "402", "39", None, "9"]


def test_an_article_number_in_the_issue_is_the_page_and_the_issue_is_in_the_volume() -> None:
    """Embase: "64 (1) (no pagination)" as the volume and the article number "A5316" as the
    issue; another export of the same article has volume 64, issue 1."""
    where = place(
        volume=_s("64 (1) (no pagination)", "64", "12"),
        issue=_s("A5316", "1", "3"),
        pages=_s(None, None, "1-9"),
        venue=_s(None, None, None),
        year=pa.array([2017, 2017, 2019], pa.int32()),
    )
    assert where["volume"].to_pylist() == ["64", "64", "12"]
    assert where["issue"].to_pylist() == ["1", "1", "3"]
    assert where["page_start"].to_pylist() == ["5316", None, "1"]

"""Observations: latest value wins, revisions old -> new, status ok / rejected / missing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.periods import Quarter
from pmqa_lib.validate import observations
from pmqa_lib.validate.ingest import TIDY_COLUMNS
from tests import TESTS_DIR

CAT = load_catalogue(TESTS_DIR / "fixtures" / "catalogue_small.yaml")


def _rows(records):
    df = pd.DataFrame(records)
    for c in TIDY_COLUMNS:
        if c not in df:
            df[c] = np.nan
    return df[TIDY_COLUMNS]


def test_expected_grid_quarterly_and_annual():
    g = observations.expected(CAT, Quarter.parse("2015Q1"), Quarter.parse("2015Q4"))
    # 6 quarterly indicators x 4 quarters + 9.1 (school year, Q1 return) once = 25
    assert len(g) == 25
    assert g.loc[g["indicator"] == "9.1", "period"].tolist() == ["2015Q1"]


def test_later_return_replaces_and_revision_is_listed():
    acc = _rows(
        [
            dict(
                agency="WYP",
                indicator="CSCB03",
                period="2015Q1",
                value=9.0,
                source_file="WYP_2015Q1.csv",
                source_row=2,
                received_in="2015Q1",
            ),
            dict(
                agency="WYP",
                indicator="CSCB03",
                period="2015Q1",
                value=11.0,
                source_file="WYP_2015Q2.csv",
                source_row=5,
                received_in="2015Q2",
            ),
            dict(
                agency="WYP",
                indicator="CSCB03",
                period="2015Q2",
                value=7.0,
                source_file="WYP_2015Q2.csv",
                source_row=2,
                received_in="2015Q2",
            ),
        ]
    )
    latest, rev = observations.resolve(acc)
    assert latest.set_index("period")["value"].to_dict() == {"2015Q1": 11.0, "2015Q2": 7.0}
    assert rev[
        ["period", "old_value", "new_value", "old_source_file", "source_file"]
    ].values.tolist() == [["2015Q1", 9.0, 11.0, "WYP_2015Q1.csv", "WYP_2015Q2.csv"]]


def test_status_ok_rejected_missing():
    acc = _rows(
        [
            dict(
                agency="WYP",
                indicator="CSCB03",
                period="2015Q2",
                value=7.0,
                source_file="WYP_2015Q2.csv",
                source_row=2,
                received_in="2015Q2",
            )
        ]
    )
    rej = _rows(
        [
            dict(
                agency="WYP",
                indicator="CSCB04",
                period="2015Q2",
                value=-1.0,
                source_file="WYP_2015Q2.csv",
                source_row=3,
                received_in="2015Q2",
            )
        ]
    )
    rej["message"] = "WYP_2015Q2.csv, row 3, column value: cannot be negative"
    files = pd.DataFrame(
        [
            dict(
                agency="CMBC",
                received_in="2015Q2",
                source_file="CMBC_2015Q2.csv",
                reason="the file is empty",
            )
        ]
    )
    q = Quarter.parse("2015Q2")
    obs, _ = observations.build(acc, rej, files, CAT, q, q)
    st = obs.set_index("indicator")["status"].to_dict()
    assert st == {
        "1.1": "rejected",
        "1.1a": "rejected",
        "1.2": "rejected",
        "CSCB03": "ok",
        "CSCB04": "rejected",
        "CSCB05a": "missing",
    }
    assert (
        obs.set_index("indicator").loc["CSCB04", "note"]
        == "no data: return rejected (WYP_2015Q2.csv, row 3, column value: cannot be negative)"
    )
    assert obs.loc[obs["status"] != "ok", "value"].isna().all()  # missing is missing, never zero


def test_suppressed_figure_is_its_own_status_not_ok_and_not_chased():
    """A DfE-style marker ("c") where the number would be: an answer, not a missing return."""
    acc = _rows(
        [
            dict(agency="WYP", indicator="CSCB03", period="2015Q2", value_marker="c",
                 source_file="WYP_2015Q2.csv", source_row=2, received_in="2015Q2"),
            dict(agency="WYP", indicator="CSCB04", period="2015Q2", value=401.0,
                 source_file="WYP_2015Q2.csv", source_row=3, received_in="2015Q2"),
        ]
    )  # fmt: skip
    empty = _rows([]).assign(message="")
    files = pd.DataFrame(columns=["agency", "received_in", "source_file", "reason"])
    q = Quarter.parse("2015Q2")
    obs, _ = observations.build(acc, empty, files, CAT, q, q)
    o = obs.set_index("indicator")
    assert o.loc["CSCB03", "status"] == "suppressed"
    assert o.loc["CSCB03", "note"] == "suppressed: c"
    assert np.isnan(o.loc["CSCB03", "value"])  # never zero
    assert o.loc["CSCB04", "status"] == "ok"


def test_a_queried_figure_is_marked_only_where_it_is_the_figure_held():
    obs = pd.DataFrame(
        {
            "indicator": ["3.1", "3.1", "2.2"],
            "period": ["2015Q1", "2015Q2", "2015Q1"],
            "source_file": ["CMBC_2015Q1.csv", "CMBC_2015Q2.csv", "CMBC_2015Q2.csv"],
            "source_row": pd.array([10, 10, 7], dtype="Int64"),
            "query_note": [None, None, None],
        }
    )
    queries = pd.DataFrame(
        {
            "indicator": ["3.1", "2.2"],
            "period": ["2015Q2", "2015Q1"],
            # the 2.2 warning was on an earlier copy of the row, since replaced (row 9)
            "source_file": ["CMBC_2015Q2.csv", "CMBC_2015Q2.csv"],
            "source_row": [10, 9],
            "detail": ["3.1: the figure sent, 1 day, is far from 547 days.", "lowers the YTD"],
        }
    )
    out = observations.mark_queried(obs, queries)
    assert out["query_note"].tolist() == [
        None, "3.1: the figure sent, 1 day, is far from 547 days.", None,
    ]  # fmt: skip

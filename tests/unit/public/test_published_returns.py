"""DfE's published figures for an authority as annual returns (a new board's history)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import PUBLISHED_AGENCY
from pmqa_lib.public import starter
from pmqa_lib.public.published_returns import (
    RETURN_COLUMNS,
    published_returns,
    return_file_bytes,
)
from pmqa_lib.validate.ingest import RETURN_COLUMNS as INGEST_COLUMNS
from tests.unit.public.test_starter import _as_catalogue

CAT = _as_catalogue(starter.dfe_indicators())
LABEL = "Calderdale {}, DfE Characteristics of children in need 2024 release"


def la_row(ref, year, text, num, den, marker=""):
    value = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
    return {
        "indicator": ref, "comparator": "LA", "dfe_year": year, "value": value, "text": text,
        "marker": marker, "numerator": num, "denominator": den,
        "label": LABEL.format(f"{year - 1}/{str(year)[2:]}"),
        "source_file": "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv",
    }  # fmt: skip


# Calderdale as DfE published it (c1, d1 2024 release; LAIT for 4.4)
COMPS = pd.DataFrame(
    [
        la_row("2.1", 2024, "456.2", 2053.0, 45005.0),
        la_row("2.2", 2024, "22.1", 454.0, 2053.0),
        la_row("4.4", 2024, "86.2", np.nan, np.nan),
        la_row("4.3", 2017, "c", np.nan, 251.0, marker="c"),
        la_row("4.3", 2016, "", np.nan, 188.0, marker="low"),
        {**la_row("2.1", 2024, "518.3", 621880.0, 12e6), "comparator": "England"},
    ]
)


def test_one_row_per_indicator_and_year_in_the_q4_return_of_its_year():
    r = published_returns(COMPS, CAT)
    assert r["agency"].eq(PUBLISHED_AGENCY).all()
    assert list(zip(r["quarter"], r["indicator"], strict=True)) == [
        ("2015Q4", "4.3"), ("2016Q4", "4.3"), ("2023Q4", "2.1"), ("2023Q4", "2.2"),
        ("2023Q4", "4.4"),
    ]  # fmt: skip
    r = r.set_index(["indicator", "period"])
    # counts where DfE publishes them: pmqa's 2,053 / 45,005 x 10,000 = 456.2 is DfE's figure
    assert r.loc[("2.1", "2023Q4"), ["numerator", "denominator"]].tolist() == [2053, 45005]
    assert pd.isna(r.loc[("2.1", "2023Q4"), "value"])
    assert r.loc[("2.2", "2023Q4"), ["numerator", "denominator"]].tolist() == [454, 2053]
    # LAIT publishes no counts: the value itself
    assert r.loc[("4.4", "2023Q4"), "value"] == 86.2
    # suppressed: DfE's marker, a marker the return layout knows ("low" becomes "x")
    assert r.loc[("4.3", "2016Q4"), "value"] == "c"
    assert r.loc[("4.3", "2015Q4"), "value"] == "x"


def test_commentary_says_whose_figure_it_is():
    r = published_returns(COMPS, CAT).set_index(["indicator", "period"])
    assert r.loc[("2.1", "2023Q4"), "commentary"] == (
        "DfE's published figure for 2023/24: 456.2 (2,053 over a population of 45,005). DfE "
        "Characteristics of children in need 2024 release, "
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv. Entered by make board; "
        "not a partner's return."
    )
    assert "22.1% (454 of 2,053)" in r.loc[("2.2", "2023Q4"), "commentary"]
    assert "suppressed (c)" in r.loc[("4.3", "2016Q4"), "commentary"]


def test_the_file_is_in_the_return_layout():
    assert RETURN_COLUMNS == INGEST_COLUMNS
    r = published_returns(COMPS, CAT)
    rows = list(csv.reader(io.StringIO(return_file_bytes(r[r["quarter"] == "2023Q4"]).decode())))
    assert rows[0] == INGEST_COLUMNS
    assert rows[1][:7] == ["DFE", "2.1", "2023Q4", "2053", "45005", "", ""]
    assert rows[3][:7] == ["DFE", "4.4", "2023Q4", "", "", "86.2", ""]

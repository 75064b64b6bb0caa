"""The notebooks' Explore tables (pmqa_lib.report.explore).

On the synthetic fixture (tests/fixtures/report), whose figures are Appendix 1's: 1.1 55.1, 65.0,
YTD 60.1; 1.1a 77, 91, YTD 168; CSCB04 444, 401, YTD 401, with CSCB04's Q1 revised from 440 to
444 in the Q2 return. ``rag_history.csv`` and the profile are small inline frames.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.core.files import Paths, write_csv
from pmqa_lib.public.authorities import LocalAuthority
from pmqa_lib.public.profile_data import ProfileData
from pmqa_lib.report import explore, profile_pages
from pmqa_lib.report.inputs import RAG_HISTORY_COLUMNS
from tests.report_fixture import FIXTURE, fixture_inputs


@pytest.fixture(scope="module")
def inp():
    return fixture_inputs()


@pytest.fixture
def with_history(inp, tmp_path):
    """The fixture's inputs with a processed folder holding this ``rag_history.csv``."""
    rows = [
        # indicator, period, display_value, rag, lead_rag
        ("1.1", "2013Q2", "47.0", "Red", "Red"),  # 9 quarters back: outside the last 8
        ("1.1", "2014Q3", "57.7", "Amber", "Green"),
        ("1.1", "2014Q4", "57.3", "Amber", "Amber"),
        ("1.1", "2015Q1", "55.1", "Amber", "Green"),
        ("1.1", "2015Q2", "65.0", "Green", ""),
        ("1.1a", "2015Q1", "no data: return rejected", "", ""),
        ("1.1a", "2015Q2", "91", "Green", "Green"),
    ]
    h = pd.DataFrame(rows, columns=["indicator", "period", "display_value", "rag", "lead_rag"])
    h = h.reindex(columns=list(RAG_HISTORY_COLUMNS))
    write_csv(h.iloc[::-1], tmp_path / "processed" / "2015Q2" / "rag_history.csv")
    return dataclasses.replace(inp, paths=Paths(tmp_path, tmp_path / "reports"))


# ---------------------------------------------------------------------------------------
# Board report


def test_key_figures_are_the_indicator_pages_figures_for_this_year(inp):
    got = explore.key_figures(inp, "1.1, 1.1a CSCB04")
    assert got.columns.tolist() == ["Indicator", "2015/16 Q1", "2015/16 Q2", "2015/16 YTD"]
    assert got.values.tolist() == [
        ["1.1", "55.1", "65.0", "60.1"],
        ["1.1a", "77", "91", "168"],
        ["CSCB04", "444", "401", "401"],
    ]
    assert explore.lines(got) == (
        "1.1: 2015/16 Q1 55.1; 2015/16 Q2 65.0; 2015/16 YTD 60.1\n"
        "1.1a: 2015/16 Q1 77; 2015/16 Q2 91; 2015/16 YTD 168\n"
        "CSCB04: 2015/16 Q1 444; 2015/16 Q2 401; 2015/16 YTD 401"
    )


def test_key_figures_name_a_reference_not_in_the_catalogue(inp):
    got = explore.key_figures(inp, ["1.1a", "9.9"])
    assert explore.lines(got) == (
        "1.1a: 2015/16 Q1 77; 2015/16 Q2 91; 2015/16 YTD 168\n9.9: not in the catalogue"
    )


def test_lines_skip_blank_cells_and_keep_the_first_column_as_label():
    df = pd.DataFrame({"Quarter": ["Q2", "Q1"], "Value": ["65.0", ""], "RAG": ["Green", "Amber"]})
    assert explore.lines(df) == "Q2: Value 65.0; RAG Green\nQ1: RAG Amber"


def test_quarter_measures_one_row_per_indicator_in_catalogue_order(inp):
    got = explore.quarter_measures(inp)
    assert got["indicator"].tolist() == inp.catalogue.report_order()
    assert set(got["period"]) == {"2015Q2"}
    assert got.columns[:2].tolist() == ["indicator", "period"]
    assert set(got.columns) <= set(explore.MEASURE_COLUMNS)
    row = got.set_index("indicator").loc["1.1"]
    assert (row["value"], row["ytd"]) == (pytest.approx(65.0), pytest.approx(60.05))
    assert len(explore.quarter_measures(inp, rows=2)) == 2


def test_quarter_assurance_columns_and_order(inp):
    got = explore.quarter_assurance(inp)
    assert got["indicator"].tolist() == inp.catalogue.report_order()
    assert set(got.columns) <= set(explore.ASSURANCE_COLUMNS) and "rag" in got
    assert len(explore.quarter_assurance(inp, rows=3)) == 3


def test_rag_history_last_quarters_as_columns(with_history):
    got = explore.rag_history(with_history, quarters=8)
    assert got.columns.tolist() == [
        "indicator", "Q3 2014/15", "Q4 2014/15", "Q1 2015/16", "Q2 2015/16",
    ]  # fmt: skip
    assert got.values.tolist() == [
        ["1.1", "Amber", "Amber", "Amber", "Green"],
        ["1.1a", "", "", "not rated", "Green"],
    ]
    assert explore.rag_history(with_history, quarters=1).columns.tolist() == [
        "indicator",
        "Q2 2015/16",
    ]


def test_rag_history_without_the_file_is_empty(inp):
    assert explore.rag_history(inp).empty
    assert explore.recent_rag(inp, inp.catalogue["1.1"]).empty


# ---------------------------------------------------------------------------------------
# Drill-down


def test_recent_rag_latest_first_with_words_for_blanks(with_history):
    got = explore.recent_rag(with_history, with_history.catalogue["1.1"], quarters=3)
    assert explore.lines(got) == (
        "Q2 2015/16: Value 65.0; RAG (computed) Green; RAG (lead officer) none\n"
        "Q1 2015/16: Value 55.1; RAG (computed) Amber; RAG (lead officer) Green\n"
        "Q4 2014/15: Value 57.3; RAG (computed) Amber; RAG (lead officer) Amber"
    )
    got = explore.recent_rag(with_history, with_history.catalogue["1.1a"])
    assert got["RAG (computed)"].tolist() == ["Green", "not rated"]


def test_indicator_rag_history_oldest_first_with_labels(with_history):
    got = explore.indicator_rag_history(with_history, with_history.catalogue["1.1"])
    assert got["quarter"].tolist() == [
        "Q2 2013/14", "Q3 2014/15", "Q4 2014/15", "Q1 2015/16", "Q2 2015/16",
    ]  # fmt: skip
    assert got.columns[:3].tolist() == ["quarter", "period", "value"]


def test_indicator_measures_oldest_first_with_each_year_after_its_q4(inp):
    got = explore.indicator_measures(inp, inp.catalogue["1.1"])
    assert got["period"].tolist() == [
        "2013Q1", "2013Q2", "2013Q3", "2013Q4", "2013/14",
        "2014Q1", "2014Q2", "2014Q3", "2014Q4", "2014/15", "2015Q1", "2015Q2",
    ]  # fmt: skip
    assert explore.indicator_measures(inp, inp.catalogue["1.1"], rows=2)["period"].tolist() == [
        "2015Q1",
        "2015Q2",
    ]


def test_indicator_assurance_one_line_per_field(inp):
    got = explore.indicator_assurance(inp, inp.catalogue["1.1"])
    assert got.columns.tolist() == ["field", "value"]
    assert got["field"].tolist() == inp.assurance.columns.astype(str).tolist()
    fields = got.set_index("field")["value"]
    assert fields["indicator"] == "1.1" and float(fields["value"]) == pytest.approx(65.0)
    other = dataclasses.replace(inp, assurance=inp.assurance[inp.assurance["indicator"] != "1.1"])
    assert explore.indicator_assurance(other, inp.catalogue["1.1"]).empty


def test_observations_with_revisions_marks_the_revised_return(inp):
    got = explore.observations_with_revisions(inp, inp.catalogue["CSCB04"])
    assert got["period"].tolist()[-2:] == ["2015Q1", "2015Q2"]
    rev = got[got["revised"]]
    assert rev["period"].tolist() == ["2015Q1"]
    assert float(rev["old_value"].iloc[0]) == 440.0  # as first sent; 444 as now held
    assert not got.loc[got["period"] != "2015Q1", "revised"].any()
    assert got.loc[got["period"] != "2015Q1", "old_value"].isna().all()


def test_observations_with_revisions_by_agency():
    """The process stage's revisions.csv keys each revision by agency too: another agency's
    return for the same indicator and quarter is not marked."""
    obs = pd.DataFrame({
        "agency": ["CMBC", "CMBC", "WYP"], "indicator": ["2.2", "2.2", "2.2"],
        "period": ["2015Q2", "2015Q1", "2015Q1"], "numerator": [167.0, 174.0, 5.0],
        "denominator": [629.0, 691.0, 9.0], "source_file": ["CMBC_2015Q2.csv"] * 2 + ["WYP_2015Q1.csv"],
    })  # fmt: skip
    revisions = pd.DataFrame({  # sent as 178 in Q1, 176 in a Q2 resubmission, 174 in Q3
        "agency": ["CMBC", "CMBC"], "indicator": ["2.2", "2.2"], "period": ["2015Q1", "2015Q1"],
        "old_numerator": [176.0, 178.0], "new_numerator": [174.0, 176.0],
        "old_denominator": [691.0, 691.0], "old_source_file": ["CMBC_2015Q2.csv", "CMBC_2015Q1.csv"],
        "old_received_in": ["2015Q2", "2015Q1"],
    })  # fmt: skip
    inp = dataclasses.replace(fixture_inputs(), observations=obs, revisions=revisions)
    ind = dataclasses.replace(inp.catalogue["1.1"], ref="2.2")
    got = explore.observations_with_revisions(inp, ind)
    assert got[["agency", "period", "revised"]].values.tolist() == [
        ["CMBC", "2015Q1", True],
        ["WYP", "2015Q1", False],
        ["CMBC", "2015Q2", False],
    ]
    assert got["old_numerator"].tolist()[0] == 178.0 and np.isnan(got["old_numerator"].iloc[1])
    assert got["old_source_file"].iloc[0] == "CMBC_2015Q1.csv"  # the first sent, of two revisions


def test_observations_with_revisions_without_returns(inp):
    empty = dataclasses.replace(inp, observations=pd.DataFrame(), revisions=pd.DataFrame())
    got = explore.observations_with_revisions(empty, inp.catalogue["1.1"])
    assert got.empty and "revised" in got


# ---------------------------------------------------------------------------------------
# Profile


def _profile() -> ProfileData:
    la = LocalAuthority("381", "E08000033", "Calder & Vale", "E12000003", "Yorkshire <Humber>",
                        2010, 2025)  # fmt: skip
    summary = pd.DataFrame({
        "key": ["referrals_rate", "cin_rate"], "title": ["Referrals", "Children in need"],
        "dfe_year": [2024, 2024], "fy_label": ["2023/24", "2023/24"], "LA": [456.17, 357.52],
        "text": ["456.2", "357.5"], "precision": [1, 1], "lower": [436.65, np.nan],
        "upper": [476.34, np.nan], "England": [518.3, 332.9], "England_text": ["518.3", ""],
        "Region": [539.1, 340.9], "Region_text": ["", ""], "SN": [574.64, 364.72],
        "n_neighbours": [10, 9], "vs_england": ["lower", "higher"], "vs_sn": ["lower", "lower"],
        "rank": [49, 87], "n_ranked": [151, 152], "quartile_band": ["2", "3"],
        "polarity": ["", ""], "change_prev": [-97.3, 35.1], "trajectory": ["steady", "rising"],
        "mk_note": ["", ""], "trend_significant": [True, False], "sens_slope": [-19.95, 3.0],
        "mk_n": [12, 12], "mk_p_value": [0.03, 0.4],
    })  # fmt: skip
    series = pd.DataFrame({
        "key": ["referrals_rate"] * 4 + ["cin_rate"] * 2,
        "comparator": ["LA", "LA", "England", "England", "LA", "LA"],
        "dfe_year": [2023, 2024, 2023, 2024, 2023, 2024],
        "value": [553.5, 456.2, 538.8, 518.3, 322.4, 357.5],
    })  # fmt: skip
    neighbours = pd.DataFrame({"neighbour_code": [str(n) for n in range(10)]})
    return ProfileData(la, "2021", neighbours, pd.DataFrame(), series, summary, pd.DataFrame())


def test_profile_key_figures_use_the_published_table():
    got = explore.profile_key_figures(_profile(), "referrals_rate cin_rate")
    assert explore.lines(got) == (
        "referrals_rate: Year 2023/24; Calder & Vale 456.2; 95% interval 436.7 to 476.3; "
        "England 518.3; Region 539.1; Neighbours (mean) 574.6 (10 of 10)\n"
        "cin_rate: Year 2023/24; Calder & Vale 357.5; England 332.9; Region 340.9; "
        "Neighbours (mean) 364.7 (9 of 10)"
    )
    with pytest.raises(KeyError, match="not a profile measure: s47"):
        explore.profile_key_figures(_profile(), ["s47"])


def test_profile_summary_and_series():
    d = _profile()
    s = explore.profile_summary(d)
    assert s["key"].tolist() == ["referrals_rate", "cin_rate"]
    assert s.columns.tolist() == [c for c in explore.SUMMARY_COLUMNS if c in d.summary]
    la = explore.profile_series(d)
    assert la.columns.tolist() == ["key", 2023, 2024]
    assert la.values.tolist() == [["referrals_rate", 553.5, 456.2], ["cin_rate", 322.4, 357.5]]
    eng = explore.profile_series(d, "England")
    assert eng.iloc[0].tolist() == ["referrals_rate", 538.8, 518.3]
    assert eng.iloc[1, 1:].isna().all()  # no England rows for cin_rate in this frame


def test_profile_header_escapes_names():
    page = profile_pages.header(_profile())
    assert "<h1>Calder &amp; Vale: children's social care benchmark profile</h1>" in page
    assert "Yorkshire &lt;Humber&gt;" in page and "<Humber>" not in page
    assert "381 (E08000033)" in page and "(DfE 2021 list)" in page


def test_fixture_folder_is_not_written(inp):
    """The Explore functions only read."""
    before = sorted(p.name for p in (FIXTURE / "processed" / "2015Q2").iterdir())
    explore.quarter_measures(inp), explore.rag_history(inp), explore.key_figures(inp, "1.1")
    assert sorted(p.name for p in (FIXTURE / "processed" / "2015Q2").iterdir()) == before

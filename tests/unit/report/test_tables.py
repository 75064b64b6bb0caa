"""Report tables on the synthetic fixture (tests/fixtures/report), whose figures are the framework's
Appendix 1 figures: 1.1 48.1, 56.7, 55.1, 65.0, YTD 60.1; 1.1a 77, 91, YTD 168 against 150;
CSCB04 314, 444, 401, 401; CSCB05a 22, 7, 30, 37."""

from __future__ import annotations

import pandas as pd
import pytest

from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import tables
from tests.report_fixture import fixture_inputs

Q2 = Quarter.parse("2015Q2")


@pytest.fixture(scope="module")
def inp():
    return fixture_inputs()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("rejected", "no data: return rejected"),
        ("missing", "no data: not returned"),
        ("ok", "no data"),
    ],
)
def test_missing_value_is_words_never_zero(status, expected):
    assert tables.value_text(float("nan"), 1, status) == expected
    assert tables.value_text(0.0, 1, status) == "0.0"


def test_page_table_1_1_matches_appendix_1(inp):
    df = tables.indicator_page_table(inp.measures, inp.catalogue["1.1"], Q2).set_index("")
    assert df.loc["Actual"].tolist() == ["48.1", "56.7", "55.1", "65.0", "", "", "60.1"]
    assert df.loc["Target"].tolist() == ["64.1", "60.0", "60.0", "60.0", "60.0", "60.0", "60.0"]
    # 48.1 < 64.1, 56.7 < 60, 55.1 < 60: No; 65.0 >= 60 and YTD 60.05 >= 60: Yes
    assert df.loc["Target met?"].tolist() == ["No", "No", "No", "Yes", "", "", "Yes"]


def test_page_table_cumulative_1_1a(inp):
    df = tables.indicator_page_table(inp.measures, inp.catalogue["1.1a"], Q2).set_index("")
    assert df.loc["Actual", "2015/16 YTD"] == "168"  # 77 + 91
    assert df.loc["Target", "2015/16 YTD"] == "150"  # 75 a quarter x 2
    assert df.loc["Target met?", "2015/16 YTD"] == "Yes"


def test_page_table_rejected_return_says_so(inp):
    df = tables.indicator_page_table(inp.measures, inp.catalogue["2.1"], Q2).set_index("")
    assert df.loc["Actual", "2015/16 Q2"] == "no data: return rejected"
    assert df.loc["Target met?", "2015/16 Q2"] == "no data: return rejected"
    assert df.loc["Target", "2015/16 Q2"] == "80.0"


def test_scorecard_columns_and_appendix_1_values(inp):
    sc = tables.scorecard(inp.measures, inp.assurance, inp.catalogue, Q2)
    assert list(sc.columns) == [
        "Objective description", "Lead partner", "Ind ref", "Ind description",
        "Responsible officer", "What is good performance?", "2014/15 All Eng average",
        "2014/15 Stat neighbours", "2014/15 Result", "2015/16 Q1 Result", "2015/16 Q2 Result",
        "2015/16 YTD Result",
    ]  # fmt: skip
    sc = sc.set_index("Ind ref")
    assert sc.loc["CSCB04", ["2014/15 Result", "2015/16 Q1 Result", "2015/16 Q2 Result",
                             "2015/16 YTD Result"]].tolist() == ["314", "444", "401", "401"]  # fmt: skip
    assert sc.loc["CSCB05a", "2015/16 YTD Result"] == "37"  # cumulative: 7 + 30
    assert sc.loc["CSCB05c", "2015/16 Q2 Result"] == "no data: not returned"
    assert sc.loc["CSCB04", "Responsible officer"] == "Sally Fletcher (WY Police)"
    assert sc.loc["CSCB04", "What is good performance?"] == "Low"
    assert sc.loc["CSCB04", "2014/15 All Eng average"] == "NA"
    assert "1.1" not in sc.index  # indicator-report entries get pages, not scorecard rows


def test_traffic_light_rag_columns_and_no_data(inp):
    tl = tables.traffic_light_summary(inp.assurance, inp.catalogue, Q2).set_index("Reference")
    assert tl.loc["1.1", "Q1 2015/16 RAG rating"] == "Amber"
    assert tl.loc["1.1", "Q2 2015/16 RAG rating"] == "Green"
    assert tl.loc["2.1", "Q2 2015/16 RAG rating"] == "no data: return rejected"
    assert tl.loc["CSCB05c", "Q2 2015/16 RAG rating"] == "no data: not returned"
    assert tl.loc["1.1", "Trend"] == "\u2191 improving"
    assert tl.index.tolist() == list(inp.catalogue.indicators)  # catalogue order


def test_exception_report_lists_amber_red_and_disagreements(inp):
    ex = tables.exception_report(inp.assurance, inp.catalogue).set_index("Reference")
    assert ex.index.tolist() == ["CSCB04", "CSCB05a"]
    assert ex.loc["CSCB05a", "Trigger"] == "audit"
    # the disagreement note says it once (not "computed RAG is Amber; ... computed Amber: ...")
    assert ex.loc["CSCB04", "Why listed"] == "lead officer proposed Green; computed Amber"
    assert ex.loc["CSCB05a", "Why listed"] == "Computed RAG is Red."


def test_exception_report_shows_the_band_beside_the_rag_and_own_triggers(inp):
    a = pd.DataFrame(
        {
            "indicator": ["1.1", "1.1a", "CSCB04"],
            "rag": ["Red", "Green", ""],
            "band": ["Amber", "Green", ""],
            "lead_rag": ["Green", "Green", ""],
            "disagreement": [True, False, False],
            "disagreement_note": ["Lead officer proposed Green; computed Red: ...", "", ""],
            "trigger": ["further enquiry", "none", "further enquiry"],
            "next_step": ["Further enquiry: ...", "Assured: ...", "Further enquiry (the ...)."],
        }
    )
    ex = tables.exception_report(a, inp.catalogue).set_index("Reference")
    # 1.1: Red by the continuum, Amber by its thresholds; 1.1a Green is not listed; CSCB04 is
    # not rated, but its own trigger point (a rise on the same quarter last year) is met
    assert ex.index.tolist() == ["1.1", "CSCB04"]
    cols = list(ex.columns)
    assert cols.index("Value band") == cols.index("RAG (computed)") + 1
    assert ex.loc["1.1", ["RAG (computed)", "Value band"]].tolist() == ["Red", "Amber"]
    assert ex.loc["CSCB04", ["RAG (computed)", "Value band"]].tolist() == ["not rated", "none"]
    assert ex.loc["CSCB04", "Why listed"] == "Not rated; its own trigger point is met."


def test_rag_counts(inp):
    assert tables.rag_counts(inp.assurance) == {
        "Red": 1, "Amber": 1, "Green": 2, "not rated": 2, "queried": 0
    }  # fmt: skip


def test_returns_status_and_no_data_indicators(inp):
    st = tables.returns_status(
        inp.catalogue, inp.returns_accepted, inp.returns_rejected, inp.chase_list, inp.validation
    ).set_index("Agency")
    assert st.loc["Health", "Status"] == "rejected"
    assert st.loc["Health", "Rows rejected"] == 1
    assert st.loc["WY Police", "Indicators not returned"] == "CSCB05c"
    nd = tables.no_data_indicators(inp.assurance, inp.catalogue)
    assert dict(zip(nd["Reference"], nd["This quarter"], strict=True)) == {
        "2.1": "no data: return rejected",
        "CSCB05c": "no data: not returned",
    }


def test_revisions_table(inp):
    rv = tables.revisions_table(inp.revisions, inp.catalogue)
    assert rv.iloc[0].tolist() == ["CSCB04", "Q1 2015/16", "440", "444", "WYP_2015Q2.csv"]
    counts = pd.DataFrame(
        {"indicator": ["1.1"], "period": ["2015Q1"], "old_numerator": [178.0],
         "new_numerator": [174.0], "old_denominator": [691.0], "new_denominator": [691.0],
         "old_value": [float("nan")], "new_value": [float("nan")], "source_file": ["x.csv"]}
    )  # fmt: skip
    rv = tables.revisions_table(counts, inp.catalogue)
    assert rv.loc[0, "Old"] == "numerator 178, denominator 691"


def test_ytd_coverage_flags_short_years():
    rows = pd.DataFrame({"ytd": [93.0, 37.0, float("nan")], "ytd_quarters": [1, 2, 0]})
    assert tables.ytd_coverage(rows, Q2).tolist() == [" (1 of 2 quarters)", "", ""]


def test_quarter_commentary(inp):
    c = tables.quarter_commentary(inp.observations, inp.returns_accepted, Q2)
    assert c.loc["1.1", "action_timescale"] == "January 2016"
    assert "**GREEN**" in c.loc["1.1", "commentary"]


# ---------------------------------------------------------------------------------------
# Annual indicators (analytics.run on the shipped example's annual returns, tests/test_assurance)


@pytest.fixture(scope="module")
def annual():
    from pmqa_lib.core.catalogue import parse_catalogue
    from tests.unit.analytics.test_assurance import ANNUAL_CATALOGUE, annual_run

    measures, assurance = annual_run("2015Q2")
    return measures, assurance, parse_catalogue(ANNUAL_CATALOGUE)


def test_annual_page_table_is_headed_by_the_periods_its_results_cover(annual):
    m, _, cat = annual
    t = tables.indicator_page_table(m, cat["9.1"], Q2)
    assert list(t.columns)[1:] == ["2012/13 (school year)", "2013/14 (school year)",
                                   "2014/15 (school year)", "2015/16 (school year)"]  # fmt: skip
    # 88/105 = 83.8, 97/105 = 92.4, 101/105 = 96.2; 2015/16 comes with the 2016Q1 return
    assert t.iloc[0, 1:].tolist() == ["83.8", "92.4", "96.2", "not yet due (Q1 2016/17)"]
    assert t.iloc[2, 1:].tolist() == ["No", "No", "Yes", ""]  # target 95
    c = tables.indicator_page_table(m, cat["CSCB24"], Q2)
    # first return 2013Q4 (12/14 = 85.7); 2014/15's return was rejected; 2012/13 not collected
    assert c.iloc[0, 1:].tolist() == ["NA", "85.7", "no data: return rejected",
                                      "not yet due (Q4 2015/16)"]  # fmt: skip


def test_annual_scorecard_cells_name_the_period(annual):
    m, a, cat = annual
    sc = tables.scorecard(m, a, cat, Q2, report=None).set_index("Ind ref")
    assert sc.loc["9.1", "2014/15 Result"] == "92.4 (2013/14 school year)"  # 2014Q1 return
    assert sc.loc["9.1", "2015/16 YTD Result"] == "96.2 (2014/15 school year)"  # 2015Q1 return
    assert sc.loc["8.2", "2014/15 Result"] == "88.5 (calendar 2014)"
    assert sc.loc["8.2", "2015/16 YTD Result"] == "not yet due (Q4 2015/16)"
    assert sc.loc["CSCB24", "2014/15 Result"] == "no data: return rejected"
    assert sc.loc["9.1", "2015/16 Q2 Result"] == "NA"


def test_annual_traffic_light_rates_the_latest_annual_result(annual):
    _, a, cat = annual
    tl = tables.traffic_light_summary(a, cat, Q2).set_index("Reference")
    now, before = "Q2 2015/16 RAG rating", "Q1 2015/16 RAG rating"
    assert tl.loc["9.1", now] == "Green" and tl.loc["9.1", before] == "Green"  # 96.2 >= 95
    assert tl.loc["8.2", now] == "Amber"  # 88.5 in 85-95
    assert tl.loc["CSCB24", now] == "no data: return rejected"
    nodata = tables.no_data_indicators(a, cat, Q2)
    assert nodata["Reference"].tolist() == ["CSCB24"]


def test_theme_indicators_are_kept_together_in_catalogue_order():
    """3.5 (Looked After Children) is listed after the 4.x indicators in the catalogue; the
    report still prints the theme once, with 3.5 under it."""
    from pmqa_lib.core.catalogue import load_catalogue

    cat = load_catalogue()
    refs = list(cat.indicators)
    assert refs.index("3.5") > refs.index("4.1")  # the catalogue's own order
    out = tables.sort_by_catalogue(pd.DataFrame({"indicator": refs[::-1]}), cat)["indicator"]
    themes = [cat[r].theme for r in out]
    # each theme forms one block
    blocks = [t for n, t in enumerate(themes) if n == 0 or themes[n - 1] != t]
    assert len(blocks) == len(set(themes))
    assert list(out[out.isin(["3.4", "3.5", "4.1"])]) == ["3.4", "3.5", "4.1"]


# ---------------------------------------------------------------------------------------
# What validation questioned or could not use reaches the board


def test_revisions_are_on_the_cover_of_the_quarter_whose_return_made_them(inp):
    made = inp.revisions.assign(received_in="2015Q2", source_row=7)
    assert len(tables.revisions_table(made, inp.catalogue, Q2)) == len(made)
    # the next quarter's revisions.csv still holds it (the history): its cover does not repeat it
    assert tables.revisions_table(made, inp.catalogue, Q2.next()).empty
    validation = {"files": [{"warnings": [{
        "rule": "revision_far_back", "source_file": "WYP_2015Q2.csv",
        "source_row": int(made["source_row"].iloc[0]),
        "detail": "CSCB04 for Q1 2015/16: this return revises 440 to 444, 6 quarters after"}]}]}  # fmt: skip
    rv = tables.revisions_table(made, inp.catalogue, Q2, validation)
    assert rv["Check"].iloc[0].startswith("CSCB04 for Q1 2015/16: this return revises 440")


def test_a_queried_figure_never_carries_a_confident_rag(inp):
    a = inp.assurance.copy()
    ref = a.loc[a["rag"] == "Green", "indicator"].iloc[0]
    a["queried"] = a["indicator"].eq(ref)
    a["query_note"] = a["queried"].map({True: f"{ref}: far from its usual range.", False: None})
    tl = tables.traffic_light_summary(a, inp.catalogue, Q2).set_index("Reference")
    assert tl.loc[ref, "Q2 2015/16 RAG rating"] == "queried (computed Green)"
    assert tl.loc[ref, "Trend"].endswith("(counting a queried figure)")
    ex = tables.exception_report(a, inp.catalogue).set_index("Reference")
    assert ex.loc[ref, "RAG (computed)"] == "queried (computed Green)"
    assert ex.loc[ref, "Why listed"] == f"Figure queried: {ref}: far from its usual range."
    assert ex.loc[ref, "What happens next"].startswith("Ask the agency to confirm")
    assert tables.rag_counts(a)["queried"] == 1
    q = tables.queried_figures(a, inp.catalogue)
    assert q[["Reference", "Computed RAG"]].values.tolist() == [[ref, "Green"]]


def test_a_figure_missing_for_a_reason_of_its_own_is_no_data_never_no_target(inp):
    a = inp.assurance.copy()
    ref = a.loc[a["rag"] == "Green", "indicator"].iloc[0]
    a.loc[a["indicator"] == ref, ["value", "rag", "note"]] = [
        float("nan"), None, "no data: rolling window incomplete",
    ]  # fmt: skip
    nd = tables.no_data_indicators(a, inp.catalogue).set_index("Reference")
    assert nd.loc[ref, "This quarter"] == "no data: rolling window incomplete"


def test_the_page_table_marks_a_queried_figure(inp):
    m = inp.measures.copy()
    at = (m["indicator"] == "1.1") & (m["period"] == "2015Q2") & (m["kind"] == "quarter")
    m["query_note"] = None
    m.loc[at, "query_note"] = "1.1: the count sent, 91, is far from the previous quarter's 77."
    df = tables.indicator_page_table(m, inp.catalogue["1.1"], Q2).set_index("")
    assert df.loc["Actual", "2015/16 Q2"] == "65.0 (queried)"
    assert df.loc["Target met?", "2015/16 Q2"] == "Yes (queried)"
    assert df.loc["Actual", "2015/16 Q1"] == "55.1"  # only the queried quarter

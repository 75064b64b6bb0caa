"""Assurance continuum, triggers, lead-officer reconciliation, and analytics.run for 1.1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.analytics import ASSURANCE_COLUMNS, comparator_values, run
from pmqa_lib.assurance import continuum, reconcile, trigger, value_band
from pmqa_lib.catalogue import parse_catalogue
from pmqa_lib.periods import Quarter


@pytest.mark.parametrize(
    ("value", "polarity", "band"),
    [
        # 1.1 thresholds (section 4.1.3): 60+ Green, 45-60 Amber, <45 Red; high is good
        (65.0, "high", "Green"),
        (60.0, "high", "Green"),
        (55.1, "high", "Amber"),
        (45.0, "high", "Amber"),
        (44.9, "high", "Red"),
        (np.nan, "high", ""),
    ],
)
def test_value_band_from_thresholds(value, polarity, band):
    assert value_band([value], [polarity], [60.0], [45.0], [60.0])[0] == band


def test_value_band_low_is_good_thresholds():
    # low is good: <= green is Green, > red is Red (e.g. green 20, red 30)
    got = value_band([15, 25, 35], ["low"] * 3, [20] * 3, [30] * 3)
    assert list(got) == ["Green", "Amber", "Red"]


def test_value_band_from_target_then_comparator():
    got = value_band(
        [65, 55, 10, 10, 10],
        ["high", "high", "low", "low", "low"],
        [np.nan] * 5,
        [np.nan] * 5,
        [60, 60, np.nan, np.nan, np.nan],
        ["", "", "better", "worse", "not comparable"],
    )
    assert list(got) == ["Green", "Red", "Green", "Red", ""]


@pytest.mark.parametrize(
    ("band", "trajectory", "assurance", "rag"),
    [
        ("Green", "improving", "Safe (Assured)", "Green"),
        ("Green", "steady", "Safe (Assured)", "Green"),
        ("Green", "deteriorating", "Trigger exception", "Amber"),
        ("Red", "improving", "Trigger exception", "Amber"),
        ("Red", "deteriorating", "Unsafe (Not assured)", "Red"),
        ("Red", "steady", "Unsafe (Not assured)", "Red"),
        ("Amber", "improving", "Watch", "Amber"),
        ("Amber", "deteriorating", "Watch", "Amber"),
        ("Green", "insufficient data", "Safe (Assured)", "Green"),
        ("", "steady", "", ""),
    ],
)
def test_continuum(band, trajectory, assurance, rag):
    a, r = continuum([band], [trajectory])
    assert (a[0], r[0]) == (assurance, rag)


def test_triggers_follow_section_4_1_2_examples():
    got = trigger(
        ["Amber", "Red", "Red", "Green", "Red"],
        pd.array([False, False, False, True, pd.NA], dtype="boolean"),
        ["steady", "deteriorating", "steady", "improving", "deteriorating"],
    )
    # Amber with missed target -> watch; Red, missed, downward -> audit; Red steady -> watch;
    # Green -> none; Red with unknown target -> not an audit on a guess -> watch
    assert list(got) == ["watch next quarter", "audit", "watch next quarter", "none",
                         "watch next quarter"]  # fmt: skip


def test_reconcile_flags_and_explains():
    dis, note = reconcile(["Amber", "Green"], ["Green", "Green"], ["55.1", "65.0"],
                          ["Amber", "Green"], [60.0, 60.0], [1, 1])  # fmt: skip
    assert list(dis) == [True, False]
    assert note[0].startswith("Lead officer proposed Green; computed Amber: 55.1 is in the Amber")
    assert "against a target of 60.0" in note[0]
    assert note[1] == ""


# -------------------------------------------------------------------------------------------------
# analytics.run on a hand-built 1.1 (framework Appendix 1)

CATALOGUE = {
    "board": {"name": "Calderdale Safeguarding Children Board", "short_name": "CSCB",
              "la_name": "Calderdale", "la_code": "E08000033", "la_old_code": "381"},
    "agencies": [{"code": "CMBC", "name": "Calderdale Council"}],
    "indicators": [
        {
            "ref": "1.1", "name": "EISAs per 10,000 under 18 population (4 quarter rolling)",
            "report": "indicator", "theme": "Early Help", "focus_area": "Output",
            "agency": "CMBC", "lead_officer": {"name": "Parveen Akhtar"}, "polarity": "high",
            "what_good_looks_like": "High is good", "target": 60,
            "targets_by_year": {"2013/14": 64.1, "2014/15": 60, "2015/16": 60},
            "target_type": "L", "frequency": "quarterly", "reporting_period": "financial",
            "result_type": "average", "unit": "rate_per_10k", "precision": 1,
            "comparator": {"type": "L", "source": "Local"},
            "rag_thresholds": {"green": 60, "red": 45},
            "further_assurance": "-", "trigger_points": "-",
            "algorithm": {"formula": "A = (B / C) x 10,000", "numerator": "B",
                          "multiplier": 10000, "rolling_quarters": 4},
            "how_safer": "-", "why_monitored": "-", "plausible_range": [0, 500],
        },
        {
            "ref": "2.5", "name": "Re-referrals within 12 months (%)", "report": "scorecard",
            "theme": "CSC", "focus_area": "Outcome", "agency": "CMBC",
            "lead_officer": "Someone", "polarity": "low", "what_good_looks_like": "Low is good",
            "target_type": "E", "frequency": "quarterly", "reporting_period": "financial",
            "result_type": "snapshot", "unit": "percent", "precision": 1,
            "comparator": {"type": "E", "source": "DfE"}, "further_assurance": "-",
            "trigger_points": "-",
            "algorithm": {"formula": "A = B / C x 100", "numerator": "B", "denominator": "C",
                          "multiplier": 100},
            "how_safer": "-", "why_monitored": "-", "plausible_range": [0, 100],
        },
    ],
}  # fmt: skip
POPS = pd.DataFrame({"year": [2014, 2015], "population": [45585, 45659], "release": "2016"})


def observations() -> pd.DataFrame:
    # counts 45 (2014Q2), 64 + 65 (2014Q3, 2014Q4: 129 together), 77, 91; the lead officer
    # rated Q1 and Q2 2015/16 Green (Appendix 1)
    return pd.DataFrame(
        {
            "agency": "CMBC",
            "indicator": "1.1",
            "period": ["2014Q2", "2014Q3", "2014Q4", "2015Q1", "2015Q2"],
            "numerator": [45.0, 64.0, 65.0, 77.0, 91.0],
            "denominator": np.nan,
            "value": np.nan,
            "status": "ok",
            "proposed_rag": [np.nan, np.nan, np.nan, "Green", "Green"],
        }
    )


def test_run_2015q2_is_green_and_agrees_with_lead_officer():
    cat = parse_catalogue(CATALOGUE)
    measures, assurance = run(observations(), cat, POPS, None, "2015Q2")
    assert list(assurance.columns) == [c for c in ASSURANCE_COLUMNS if c in assurance.columns]
    row = assurance.set_index("indicator").loc["1.1"]
    assert row["display_value"] == "65.0"  # 297 / 45,659 x 10,000
    assert row["band"] == "Green"  # 65.0 >= 60
    assert row["trajectory"] == "improving"  # 55.1 -> 65.0, high is good
    assert row["assurance"] == "Safe (Assured)"
    assert row["rag"] == "Green"
    assert row["lead_rag"] == "Green"
    assert not row["disagreement"]
    assert row["previous_rag"] == "Amber"  # 2015Q1: 55.1 in the Amber band
    assert row["trigger"] == "none"
    # the indicator with no data at all is listed as missing, not dropped
    miss = assurance.set_index("indicator").loc["2.5"]
    assert miss["status"] == "missing" and miss["rag"] == ""
    q = measures[(measures["indicator"] == "1.1") & (measures["kind"] == "quarter")]
    assert q.set_index("period").loc["2015Q2", "ytd_display"] == "60.1"


def test_run_2015q1_flags_the_lead_officers_green_as_a_disagreement():
    cat = parse_catalogue(CATALOGUE)
    _, assurance = run(observations(), cat, POPS, None, Quarter.parse("2015Q1"))
    row = assurance.set_index("indicator").loc["1.1"]
    assert row["display_value"] == "55.1"  # 251 / 45,585 x 10,000
    assert not row["target_met"]  # 55.1 < 60
    assert row["band"] == "Amber"  # 45 <= 55.1 < 60: Amber stays Amber
    assert row["rag"] == "Amber"
    assert row["assurance"] == "Watch"
    assert row["trigger"] == "watch next quarter"
    assert row["lead_rag"] == "Green"
    assert row["disagreement"]
    assert "proposed Green; computed Amber" in row["disagreement_note"]


def test_run_ignores_periods_after_the_quarter():
    cat = parse_catalogue(CATALOGUE)
    m1, a1 = run(observations(), cat, POPS, None, "2015Q1")
    m2, a2 = run(observations().iloc[:4], cat, POPS, None, "2015Q1")
    pd.testing.assert_frame_equal(a1, a2)


def test_comparators_use_latest_dfe_year_published_and_ci():
    comps = pd.DataFrame(
        {
            "indicator": ["2.5", "2.5", "2.5"],
            "comparator": ["England", "England", "SN"],
            "dfe_year": [2015, 2016, 2015],
            "value": [24.0, 22.3, 21.0],
            "label": ["England 2014/15", "England 2015/16", "SN 2014/15"],
        }
    )
    cv = comparator_values(comps, Quarter.parse("2015Q2")).set_index("indicator")
    assert cv.loc["2.5", "england"] == 24.0  # DfE 2016 (2015/16) is not out during 2015/16
    assert cv.loc["2.5", "england_label"] == "England 2014/15"
    obs = pd.DataFrame({"indicator": "2.5", "period": ["2015Q2"], "numerator": [81.0],
                        "denominator": [263.0], "status": "ok"})  # fmt: skip
    cat = parse_catalogue(CATALOGUE)
    _, a = run(obs, cat, POPS, comps, "2015Q2")
    row = a.set_index("indicator").loc["2.5"]
    # 81/263 = 30.8% with Wilson 95% limits 25.5% to 36.6%: above England's 24% and the SN 21%,
    # low is good -> worse than both
    assert row["england_status"] == "worse" and row["sn_status"] == "worse"
    assert row["comparison_method"] == "Wilson 95%"
    assert row["band"] == "Red"  # target type E, worse than England
    assert row["region_status"] == "not comparable"


def test_quarter_without_value_shows_no_trend_or_spc_from_older_points():
    cat = parse_catalogue(CATALOGUE)
    obs = observations()
    obs.loc[obs["period"] == "2015Q2", ["numerator", "status"]] = [np.nan, "rejected"]
    _, assurance = run(obs, cat, POPS, None, "2015Q2")
    row = assurance.set_index("indicator").loc["1.1"]
    assert row["status"] == "rejected"
    assert row["display_value"] == "no data: return rejected"
    assert row["trajectory"] == "insufficient data"
    assert row["spc_variation"] == "" and np.isnan(row["mk_p_value"])
    assert row["rag"] == "" and row["trigger"] == "none"
    assert row["next_step"].startswith("No data: the return was rejected")
    assert row["previous_rag"] == "Amber"

"""Assurance continuum, triggers, lead-officer reconciliation, and analytics.run for 1.1."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.analytics.assessment import ASSURANCE_COLUMNS, analyse_quarter, comparator_values
from pmqa_lib.analytics.assurance import (
    assess,
    further_enquiry,
    raise_to_enquiry,
    reconcile,
    target_axis,
    value_band,
)
from pmqa_lib.core.catalogue import parse_catalogue
from pmqa_lib.core.periods import Quarter


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


# -------------------------------------------------------------------------------------------------
# The continuum (section 4.1.2; 1.1's trigger points; DESIGN.md Assurance 3 and 4)

# each cell: (trajectory, target met?, RAG, assurance, trigger)
CELLS = {
    "met_improving": ("improving", True, "Green", "Safe (Assured)", "none"),
    "met_steady": ("steady", True, "Green", "Safe (Assured)", "none"),
    "met_deteriorating": ("deteriorating", True, "Amber", "Trigger exception",
                          "watch next quarter"),
    "missed_improving": ("improving", False, "Amber", "Trigger exception", "watch next quarter"),
    "missed_steady": ("steady", False, "Red", "Unsafe (Not assured)", "further enquiry"),
    "missed_deteriorating": ("deteriorating", False, "Red", "Unsafe (Not assured)", "audit"),
}  # fmt: skip
# an indicator's own cell, different from the default: a default Green becomes Amber / watch,
# an Amber becomes Red / further enquiry, a Red becomes Amber / watch
OWN = {"Green": ("Amber", "watch next quarter"), "Amber": ("Red", "further enquiry"),
       "Red": ("Amber", "watch next quarter")}  # fmt: skip


def _cell_frame(cell: str, polarity: str, own: dict | None = None) -> pd.DataFrame:
    """One 1.1-like row (target 60, thresholds 60 / 45 high is good, 60 / 75 low is good) in the
    given cell: met is 65 (high) or 55 (low), missed 55 (high) or 65 (low)."""
    trajectory, met, *_ = CELLS[cell]
    value = {("high", True): 65.0, ("high", False): 55.0, ("low", True): 55.0,
             ("low", False): 65.0}[(polarity, met)]  # fmt: skip
    row = {
        "value": value, "polarity": polarity, "green": 60.0,
        "red": 45.0 if polarity == "high" else 75.0, "target": 60.0,
        "target_met": met, "trajectory": trajectory, "status": "ok",
        "display_value": f"{value:.1f}", "precision": 1, "lead_rag": "",
    }  # fmt: skip
    for c, (rag, trig) in (own or {}).items():
        row[f"{c}_rag"], row[f"{c}_trigger"] = rag, trig
    return pd.DataFrame([row])


@pytest.mark.parametrize("polarity", ["high", "low"])
@pytest.mark.parametrize("cell", list(CELLS))
def test_continuum_cell_default(cell, polarity):
    _, met, rag, assurance, trig = CELLS[cell]
    out = assess(_cell_frame(cell, polarity)).iloc[0]
    assert out["continuum_cell"] == cell
    assert bool(out["band"] == "Green") == met  # 65 / 55 against 60: in or out of the Green band
    assert (out["rag"], out["assurance"], out["trigger"]) == (rag, assurance, trig)


@pytest.mark.parametrize("polarity", ["high", "low"])
@pytest.mark.parametrize("cell", list(CELLS))
def test_continuum_cell_with_the_indicators_own_trigger_points(cell, polarity):
    default_rag = CELLS[cell][2]
    own_rag, own_trig = OWN[default_rag]
    out = assess(_cell_frame(cell, polarity, {cell: (own_rag, own_trig)})).iloc[0]
    assert (out["rag"], out["trigger"]) == (own_rag, own_trig)
    assert out["assurance"] == {"Green": "Safe (Assured)", "Amber": "Trigger exception",
                                "Red": "Unsafe (Not assured)"}[own_rag]  # fmt: skip
    assert "(this indicator's own trigger points)" in out["next_step"]
    # own points for every OTHER cell leave this one at the default
    others = {c: OWN[CELLS[c][2]] for c in CELLS if c != cell}
    out = assess(_cell_frame(cell, polarity, others)).iloc[0]
    assert (out["rag"], out["trigger"]) == (CELLS[cell][2], CELLS[cell][4])


def test_unknown_trajectory_counts_as_steady_and_says_so():
    out = assess(_cell_frame("missed_steady", "high").assign(trajectory="insufficient data"))
    row = out.iloc[0]
    assert (row["continuum_cell"], row["rag"], row["trigger"]) == (
        "missed_steady",
        "Red",
        "further enquiry",
    )
    assert row["next_step"].endswith("The trajectory is not yet known (too few points).")


def test_target_axis_falls_back_to_the_comparator_then_the_thresholds():
    met, basis = target_axis(
        pd.array([True, False, pd.NA, pd.NA, pd.NA, pd.NA], dtype="boolean"),
        ["worse", "better", "similar", "worse", "not comparable", "not comparable"],
        ["Red", "Green", "Red", "Green", "Amber", ""],
    )
    # a target decides where there is one, whatever the comparator; then "better or equal to
    # the comparator" (similar counts as equal); then the Green band of the thresholds
    assert list(met[:5]) == [1.0, 0.0, 1.0, 0.0, 0.0] and np.isnan(met[5])
    assert list(basis) == ["target", "target", "comparator", "comparator", "thresholds", ""]


def test_no_target_comparator_or_thresholds_is_not_rated():
    out = assess(_cell_frame("met_steady", "high").assign(
        green=np.nan, red=np.nan, target=np.nan, target_met=pd.NA)).iloc[0]  # fmt: skip
    assert (out["rag"], out["assurance"], out["trigger"]) == ("", "", "none")
    assert out["next_step"].startswith("Cannot be rated")


def test_band_is_kept_beside_a_rag_the_continuum_moved():
    # 1.1 in Q1 2015/16: 55.1 against 60, in the 45-60 band: Amber band; missed and steady: Red
    out = assess(_cell_frame("missed_steady", "high").assign(value=55.06)).iloc[0]
    assert (out["band"], out["rag"]) == ("Amber", "Red")
    # 40 is below the red boundary 45: Red band, but improving: Amber RAG
    out = assess(_cell_frame("missed_improving", "high").assign(value=40.0)).iloc[0]
    assert (out["band"], out["rag"]) == ("Red", "Amber")


def test_further_enquiry_raises_the_trigger_but_not_the_rag_and_never_lowers_an_audit():
    assert list(raise_to_enquiry(["none", "watch next quarter", "audit", "further enquiry"],
                                 [True, True, True, False])) == [
        "further enquiry", "further enquiry", "audit", "further enquiry"]  # fmt: skip
    frame = _cell_frame("met_improving", "high").assign(
        enquiry=True, enquiry_reason="401 is 24.1% above Q2 2014/15 (323), more than 10%"
    )
    out = assess(frame).iloc[0]
    assert (out["rag"], out["trigger"]) == ("Green", "further enquiry")
    assert out["next_step"] == (
        "Assured: no action beyond routine monitoring. Further enquiry (the indicator's own "
        "trigger point): 401 is 24.1% above Q2 2014/15 (323), more than 10%."
    )


def _enquiry_frame(**cols) -> pd.DataFrame:
    """Rows for :func:`further_enquiry`: lists are columns, scalars repeat on every row."""
    base = {"precision": 0, "enquiry_rise_percent": np.nan, "enquiry_ytd_above_last_year": False,
            "enquiry_rises_in_a_row": 0, "enquiry_falls_with": ""}  # fmt: skip
    base.update(cols)
    n = max(len(v) for v in base.values() if isinstance(v, list))
    return pd.DataFrame({k: v if isinstance(v, list) else [v] * n for k, v in base.items()})


def test_further_enquiry_rise_on_the_same_quarter_last_year():
    # CSCB04 in Q2 2015/16: 401 against 323 in Q2 2014/15: (401 - 323) / 323 = 24.15% > 10%
    f = _enquiry_frame(value=[401.0, 350.0, 401.0], value_year_ago=[323.0, 323.0, np.nan],
                       label_year_ago="Q2 2014/15", enquiry_rise_percent=10.0)  # fmt: skip
    met, why = further_enquiry(f)
    # 350 is 8.4% above 323: not more than 10%; a missing year-ago value never triggers
    assert list(met) == [True, False, False]
    assert why[0] == "401 is 24.1% above Q2 2014/15 (323), more than 10%"


def test_further_enquiry_year_to_date_above_last_year():
    # CSCB05a in Q2 2015/16: 7 + 30 = 37 so far against 6 at Q2 2014/15 (collection began then)
    f = _enquiry_frame(value=[30.0, 30.0, 30.0], ytd=[37.0, 6.0, 37.0],
                       ytd_year_ago=[6.0, 6.0, np.nan], label_year_ago="Q2 2014/15",
                       enquiry_ytd_above_last_year=True)  # fmt: skip
    met, why = further_enquiry(f)
    assert list(met) == [True, False, False]  # equal is not above; missing is not known
    assert (
        why[0] == "the year to date, 37, is above last year's at the same point (6 at Q2 2014/15)"
    )


def test_further_enquiry_rises_in_a_row_and_falls_with_a_linked_indicator():
    # CSCB03: a rise for two quarters running (7 -> 8 -> 9), or a fall while CSCB01 falls
    f = _enquiry_frame(value=[9.0, 9.0, 8.0, 8.0], value_lag_1=[8.0, 9.0, 9.0, 9.0],
                       value_lag_2=[7.0, 7.0, 9.0, 9.0], enquiry_rises_in_a_row=2,
                       enquiry_falls_with="CSCB01", linked_value=[40.0, 40.0, 42.0, 44.0],
                       linked_lag_1=[38.0, 38.0, 43.0, 43.0], linked_precision=0)  # fmt: skip
    met, why = further_enquiry(f)
    # 7 -> 8 -> 9 rose twice; 7 -> 9 -> 9 did not (equal is not a rise); 9 -> 8 fell while
    # CSCB01 fell 43 -> 42; 9 -> 8 while CSCB01 rose 43 -> 44 does not trigger
    assert list(met) == [True, False, True, False]
    assert why[0] == "it rose for 2 quarters running (from 7 to 8 to 9)"
    assert why[2] == "it fell from 9 to 8 while CSCB01 also fell, from 43 to 42"


def test_reconcile_flags_and_explains():
    dis, note = reconcile(["Amber", "Green"], ["Green", "Green"], ["55.1", "65.0"],
                          ["Amber", "Green"], [60.0, 60.0], [1, 1])  # fmt: skip
    assert list(dis) == [True, False]
    assert note[0].startswith("Lead officer proposed Green; computed Amber: 55.1 is in the Amber")
    assert "against a target of 60.0" in note[0]
    assert note[1] == ""


def test_reconcile_names_the_trajectory_when_the_continuum_moved_the_rag():
    # 4.5 in the shipped example: 300.1 per 10,000, low is good, target 330: Green band, but
    # deteriorating -> Trigger exception, Amber; the lead officer proposed Green
    dis, note = reconcile(["Amber", "Red"], ["Green", "Green"], ["300.1", "55.1"],
                          ["Green", "Amber"], [330.0, 60.0], [1, 1],
                          ["deteriorating", "steady"])  # fmt: skip
    assert bool(dis[0]) and bool(dis[1])
    assert note[0] == (
        "Lead officer proposed Green; computed Amber: 300.1 is in the Green band against a target "
        "of 330.0, but the trajectory is deteriorating. For the Performance Management sub-group "
        "to agree."
    )
    # 1.1 in Q1 2015/16: Amber band, missed and steady -> Red
    assert note[1] == (
        "Lead officer proposed Green; computed Red: 55.1 is in the Amber band against a target "
        "of 60.0, and the trajectory is steady. For the Performance Management sub-group to "
        "agree."
    )


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
    measures, assurance = analyse_quarter(observations(), cat, POPS, None, "2015Q2")
    assert list(assurance.columns) == [c for c in ASSURANCE_COLUMNS if c in assurance.columns]
    row = assurance.set_index("indicator").loc["1.1"]
    assert row["display_value"] == "65.0"  # 297 / 45,659 x 10,000
    assert row["band"] == "Green"  # 65.0 >= 60
    assert row["trajectory"] == "improving"  # 55.1 -> 65.0, high is good
    assert row["assurance"] == "Safe (Assured)"
    assert row["rag"] == "Green"
    assert row["lead_rag"] == "Green"
    assert not row["disagreement"]
    assert row["previous_rag"] == "Red"  # 2015Q1: 55.1 misses 60, no trajectory yet: Red
    assert row["trigger"] == "none"
    # the indicator with no data at all is listed as missing, not dropped
    miss = assurance.set_index("indicator").loc["2.5"]
    assert miss["status"] == "missing" and miss["rag"] == ""
    q = measures[(measures["indicator"] == "1.1") & (measures["kind"] == "quarter")]
    assert q.set_index("period").loc["2015Q2", "ytd_display"] == "60.1"


def test_run_2015q1_flags_the_lead_officers_green_as_a_disagreement():
    cat = parse_catalogue(CATALOGUE)
    _, assurance = analyse_quarter(observations(), cat, POPS, None, Quarter.parse("2015Q1"))
    row = assurance.set_index("indicator").loc["1.1"]
    assert row["display_value"] == "55.1"  # 251 / 45,585 x 10,000
    assert not row["target_met"]  # 55.1 < 60
    assert row["band"] == "Amber"  # 45 <= 55.1 < 60: shown beside the RAG
    # the first complete window: no trajectory yet, counted as steady; missed and steady is Red
    # with further enquiry (1.1's own trigger points, section 4.1.3)
    assert row["trajectory"] == "insufficient data"
    assert (row["rag"], row["assurance"]) == ("Red", "Unsafe (Not assured)")
    assert row["trigger"] == "further enquiry"
    assert row["lead_rag"] == "Green"
    assert row["disagreement"]
    assert "proposed Green; computed Red: 55.1 is in the Amber band" in row["disagreement_note"]


def test_run_applies_the_indicators_own_continuum_from_the_catalogue():
    raw = copy.deepcopy(CATALOGUE)
    raw["indicators"][0]["trigger_points"] = {
        "text": "Missed but steady is watched for a quarter before further enquiry.",
        "continuum": {"missed_steady": {"rag": "Amber", "trigger": "watch next quarter"}},
    }
    _, assurance = analyse_quarter(observations(), parse_catalogue(raw), POPS, None, "2015Q1")
    row = assurance.set_index("indicator").loc["1.1"]
    assert (row["band"], row["rag"], row["trigger"]) == ("Amber", "Amber", "watch next quarter")
    assert row["next_step"].startswith(
        "Exception: off target and not improving (this indicator's own trigger points); watch "
        "next quarter."
    )


def test_run_ignores_periods_after_the_quarter():
    cat = parse_catalogue(CATALOGUE)
    m1, a1 = analyse_quarter(observations(), cat, POPS, None, "2015Q1")
    m2, a2 = analyse_quarter(observations().iloc[:4], cat, POPS, None, "2015Q1")
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
    _, a = analyse_quarter(obs, cat, POPS, comps, "2015Q2")
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
    _, assurance = analyse_quarter(obs, cat, POPS, None, "2015Q2")
    row = assurance.set_index("indicator").loc["1.1"]
    assert row["status"] == "rejected"
    assert row["display_value"] == "no data: return rejected"
    assert row["trajectory"] == "insufficient data"
    assert row["spc_variation"] == "not assessed" and np.isnan(row["mk_p_value"])
    assert row["spc_warning"] == row["mk_note"] == "no value this quarter"
    assert row["rag"] == "" and row["trigger"] == "none"
    assert row["next_step"].startswith("No data: the return was rejected")
    assert row["previous_rag"] == "Red"  # 2015Q1: 55.1 misses 60, no trajectory yet: Red


# -------------------------------------------------------------------------------------------------
# Annual indicators: the latest annual result outside the due quarter

ANNUAL_BASE = {
    "report": "indicator", "theme": "T", "focus_area": "Quality", "agency": "CMBC",
    "lead_officer": "Someone", "polarity": "high", "what_good_looks_like": "High is good",
    "target": 95, "target_type": "L", "frequency": "annual", "result_type": "snapshot",
    "unit": "percent", "precision": 1, "comparator": {"type": "L", "source": "Local"},
    "rag_thresholds": {"green": 95, "red": 85}, "further_assurance": "-", "trigger_points": "-",
    "algorithm": {"formula": "A = B / C x 100", "numerator": "B", "denominator": "C",
                  "multiplier": 100},
    "how_safer": "-", "why_monitored": "-", "plausible_range": [0, 100],
}  # fmt: skip
ANNUAL_CATALOGUE = {
    "board": CATALOGUE["board"],
    "agencies": CATALOGUE["agencies"],
    "indicators": [
        {**ANNUAL_BASE, "ref": "9.1", "name": "Schools audit (school year)",
         "reporting_period": "school"},
        {**ANNUAL_BASE, "ref": "8.2", "name": "GP self-assessment (calendar year)",
         "reporting_period": "calendar"},
        {**ANNUAL_BASE, "ref": "CSCB24", "name": "Section 11 (financial year)",
         "reporting_period": "financial", "target": 100,
         "rag_thresholds": {"green": 100, "red": 90}},
    ],
}  # fmt: skip


def annual_observations() -> pd.DataFrame:
    """The shipped example's annual returns: 9.1 (school year, Q1 return) 88/105, 97/105,
    101/105; 8.2 (calendar year, Q4 return) 20/26, 23/26; CSCB24 (financial year, Q4 return)
    12/14 and a rejected 2014/15 return."""
    rows = [
        ("9.1", "2013Q1", 88, 105, "ok"), ("9.1", "2014Q1", 97, 105, "ok"),
        ("9.1", "2015Q1", 101, 105, "ok"),
        ("8.2", "2013Q4", 20, 26, "ok"), ("8.2", "2014Q4", 23, 26, "ok"),
        ("CSCB24", "2013Q4", 12, 14, "ok"), ("CSCB24", "2014Q4", np.nan, np.nan, "rejected"),
    ]  # fmt: skip
    df = pd.DataFrame(rows, columns=["indicator", "period", "numerator", "denominator", "status"])
    return df.assign(agency="CMBC", value=np.nan, proposed_rag=np.nan)


def annual_run(quarter: str):
    return analyse_quarter(
        annual_observations(), parse_catalogue(ANNUAL_CATALOGUE), POPS, None, quarter
    )


def test_annual_slots_and_labels():
    from pmqa_lib.core.periods import annual_due_ordinal, annual_period_label, annual_slot

    o = [Quarter.parse(p).ordinal for p in ("2014Q4", "2015Q1", "2015Q2", "2016Q1")]
    # calendar (due Q4): 2014Q4 -> slot 2014; 2015Q1, 2015Q2 belong to the 2015Q4 slot (calendar
    # 2015), 2016Q1 to the 2016Q4 one
    assert list(annual_slot(o, [4] * 4)) == [2014, 2015, 2015, 2016]
    # school (due Q1): 2014Q4 and 2015Q1 -> 2015 (due 2015Q1); 2015Q2 .. 2016Q1 -> 2016
    assert list(annual_slot(o, [1] * 4)) == [2015, 2015, 2016, 2016]
    assert annual_due_ordinal([2016], [1])[0] == Quarter.parse("2016Q1").ordinal
    labels = annual_period_label([2014, 2014, 2015], ["financial", "calendar", "school"])
    assert list(labels) == ["2014/15 (financial year)", "calendar 2014", "2014/15 (school year)"]


def test_annual_outside_due_quarter_carries_latest_result():
    _, a = annual_run("2015Q2")
    a = a.set_index("indicator")
    s = a.loc["9.1"]
    # school year 2014/15, returned with 2015Q1: 101 / 105 = 96.19% -> 96.2, >= 95: Green band
    assert s["status"] == "ok" and s["display_value"] == "96.2"
    assert s["result_period"] == "2015Q1" and s["result_label"] == "2014/15 (school year)"
    assert s["note"] == "latest annual result (2014/15 (school year)); next due in Q1 2016/17"
    assert s["next_due"] == "Q1 2016/17"
    assert s["band"] == "Green" and bool(s["target_met"])
    # trajectory over the annual series 83.81, 92.38, 96.19: Sen's slope = median(8.57, 6.19,
    # 3.81) = 6.19 per year x 2 years = 12.38, 13% of the median 92.38 (> 5%): improving
    assert s["trajectory"] == "improving" and s["trend_arrow"] == "↑"
    assert s["mk_n"] == 3 and np.isnan(s["mk_p_value"])
    assert s["mk_note"] == "too short to test: 3 annual results (needs 5)"
    assert s["spc_warning"].startswith("short series: 3 annual results")
    assert s["rag"] == "Green" and s["assurance"] == "Safe (Assured)"
    assert s["previous_rag"] == "Green"  # 2015Q1: the same result, in its due quarter
    assert s["previous_result_value"] == pytest.approx(97 / 105 * 100)
    assert s["previous_result_label"] == "2013/14 (school year)"

    c = a.loc["8.2"]
    # calendar 2014, returned with 2014Q4: 23 / 26 = 88.46% -> 88.5, Amber band (85 to 95)
    assert c["status"] == "ok" and c["display_value"] == "88.5"
    assert c["result_label"] == "calendar 2014" and c["next_due"] == "Q4 2015/16"
    # two annual points 76.92 -> 88.46: +11.54 on a median of 82.69 (14%): improving
    # 88.5 misses 95 but is improving: Trigger exception, Amber (section 4.1.2)
    assert c["trajectory"] == "improving" and c["band"] == "Amber" and c["rag"] == "Amber"
    assert c["trigger"] == "watch next annual result"
    assert c["next_step"] == (
        "Exception: off target but improving; watch the next annual result (due in Q4 2015/16) "
        "to confirm the improvement."
    )
    assert c["mk_note"] == "too short to test: 2 annual results (needs 5)"


def test_annual_due_return_rejected_or_missing_is_not_replaced_by_an_older_result():
    _, a = annual_run("2015Q2")
    f = a.set_index("indicator").loc["CSCB24"]
    # the 2014/15 return (due 2014Q4) was rejected: no value, even though 2013/14's 85.7 exists
    assert f["status"] == "rejected" and np.isnan(f["value"]) and f["rag"] == ""
    assert f["note"] == (
        "no data: the annual return for 2014/15 (financial year) due in Q4 2014/15 was "
        "rejected; next due in Q4 2015/16"
    )
    # 2016Q1 is 9.1's due quarter and no return came: missing, not the 2014/15 result
    _, a2 = annual_run("2016Q1")
    s = a2.set_index("indicator").loc["9.1"]
    assert s["status"] == "missing" and np.isnan(s["value"])
    assert s["display_value"] == "no data: not returned"
    assert s["next_step"].startswith("No data: the return is missing")


def test_annual_in_its_due_quarter_is_the_new_result():
    _, a = annual_run("2015Q1")
    s = a.set_index("indicator").loc["9.1"]
    assert s["display_value"] == "96.2" and s["result_period"] == "2015Q1"
    assert s["note"] == "annual result (2014/15 (school year)); next due in Q1 2016/17"
    # 2014Q4 (previous quarter) carried 2014Q1's 92.4: Amber band (85 to 95)
    assert s["previous_rag"] == "Amber"


def test_next_step_for_a_suppressed_figure():
    from pmqa_lib.analytics.assurance import next_step

    text = next_step([""], ["none"], ["insufficient data"], ["suppressed"])[0]
    assert text.startswith("No data: the agency suppressed the figure")

"""Measures: rates with the right population year, rolling windows, YTD, annual, rounding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.analytics.measures import (
    MeasuresError,
    annual_measures,
    measures_table,
    period_ordinal,
    quarterly_measures,
    target_met,
)

# Framework Appendix 1, indicator 1.1 (4-quarter rolling rate per 10,000, high is good, target 60).
# Quarterly counts of new EISAs: 2014Q2 45, 2014Q3 + 2014Q4 = 129 (split 64 + 65), 2015Q1 77,
# 2015Q2 91. ONS mid-year 0-17 population for Calderdale: 2014 45,585; 2015 45,659.
CAT_11 = pd.DataFrame(
    {
        "indicator": ["1.1"],
        "polarity": ["high"],
        "unit": ["rate_per_10k"],
        "precision": [1],
        "result_type": ["average"],
        "multiplier": [10_000.0],
        "rolling_quarters": [4],
        "target": [60.0],
    }
)
POPS = pd.DataFrame({"year": [2013, 2014, 2015, 2016], "population": [45633, 45585, 45659, 45898]})


def obs_11(statuses=None) -> pd.DataFrame:
    periods = ["2014Q2", "2014Q3", "2014Q4", "2015Q1", "2015Q2"]
    return pd.DataFrame(
        {
            "indicator": "1.1",
            "period": periods,
            "numerator": [45.0, 64.0, 65.0, 77.0, 91.0],
            "denominator": np.nan,
            "value": np.nan,
            "status": statuses or ["ok"] * 5,
        }
    )


def test_appendix_1_rolling_rates_and_ytd():
    q = quarterly_measures(obs_11(), CAT_11, POPS).set_index("period")
    # 2015Q1: window 2014Q2..2015Q1 (Jul 2014-Jun 2015), midpoint 30 Dec 2014 -> mid-2014.
    # 45 + 64 + 65 + 77 = 251; 251 / 45,585 x 10,000 = 55.0620 -> "55.1"
    assert q.loc["2015Q1", "rolling_numerator"] == 251
    assert q.loc["2015Q1", "population_year"] == 2014
    assert q.loc["2015Q1", "value"] == pytest.approx(251 / 45585 * 10_000)
    assert q.loc["2015Q1", "display_value"] == "55.1"
    # 2015Q2: window 2014Q3..2015Q2 (Oct 2014-Sep 2015), midpoint 1 Apr 2015 -> mid-2015.
    # 64 + 65 + 77 + 91 = 297; 297 / 45,659 x 10,000 = 65.0474 -> "65.0"
    assert q.loc["2015Q2", "rolling_numerator"] == 297
    assert q.loc["2015Q2", "population_year"] == 2015
    assert q.loc["2015Q2", "display_value"] == "65.0"
    # YTD (result type average) = mean of the unrounded quarterly values:
    # (55.0620 + 65.0474) / 2 = 60.0547 -> "60.1"
    assert q.loc["2015Q2", "ytd"] == pytest.approx((251 / 45585 + 297 / 45659) * 5_000)
    assert q.loc["2015Q2", "ytd_display"] == "60.1"
    assert q.loc["2015Q1", "ytd_display"] == "55.1"
    # target met by polarity (high is good): 55.06 < 60 no; 65.05 >= 60 yes
    assert not bool(q.loc["2015Q1", "target_met"])
    assert bool(q.loc["2015Q2", "target_met"])


def test_incomplete_rolling_window_is_no_data_not_zero():
    q = quarterly_measures(obs_11(), CAT_11, POPS).set_index("period")
    assert np.isnan(q.loc["2014Q4", "value"])
    assert q.loc["2014Q4", "display_value"] == "no data: rolling window incomplete"


def test_rejected_and_missing_keep_their_status_and_nan():
    obs = obs_11(["ok", "ok", "rejected", "ok", "ok"]).drop(index=[4])  # 2015Q2 never returned
    q = quarterly_measures(obs, CAT_11, POPS, until="2015Q2").set_index("period")
    assert q.loc["2014Q4", "status"] == "rejected"
    assert np.isnan(q.loc["2014Q4", "numerator"])
    assert q.loc["2014Q4", "display_value"] == "no data: return rejected"
    assert q.loc["2015Q2", "status"] == "missing"
    assert q.loc["2015Q2", "display_value"] == "no data: not returned"
    # the rejected quarter sits in 2015Q1's window, so 2015Q1 has no value either
    assert np.isnan(q.loc["2015Q1", "value"])


def test_gap_in_periods_is_filled_with_missing_rows():
    obs = obs_11().drop(index=[1])  # 2014Q3 absent from the history
    q = quarterly_measures(obs, CAT_11, POPS)
    assert list(q["period"]) == ["2014Q2", "2014Q3", "2014Q4", "2015Q1", "2015Q2"]
    assert q.set_index("period").loc["2014Q3", "status"] == "missing"


def test_single_quarter_rate_uses_its_own_midpoint_year():
    cat = CAT_11.assign(rolling_quarters=1)
    # 2015Q4 = Jan-Mar 2016, midpoint in 2016 -> mid-2016 (45,898): 20 / 45,898 x 10,000 = 4.3575
    obs = pd.DataFrame(
        {"indicator": "1.1", "period": ["2015Q4"], "numerator": [20.0], "status": "ok"}
    )
    q = quarterly_measures(obs, cat, POPS)
    assert q["population_year"].iloc[0] == 2016
    assert q["value"].iloc[0] == pytest.approx(20 / 45898 * 10_000)
    assert q["display_value"].iloc[0] == "4.4"


def _cat(unit, result_type, rolling=1, mult=1.0, polarity="high", target=10.0, precision=1):
    return pd.DataFrame(
        {
            "indicator": ["X"],
            "polarity": [polarity],
            "unit": [unit],
            "precision": [precision],
            "result_type": [result_type],
            "multiplier": [mult],
            "rolling_quarters": [rolling],
            "target": [target],
        }
    )


def test_percentage_and_rolling_percentage():
    obs = pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2015Q1", "2015Q2"],
            "numerator": [3.0, 5.0],
            "denominator": [10.0, 30.0],
            "status": "ok",
        }
    )
    q = quarterly_measures(obs, _cat("percent", "snapshot", mult=100.0), None)
    # 3/10 x 100 = 30.0; 5/30 x 100 = 16.67
    assert list(q["value"]) == pytest.approx([30.0, 100 * 5 / 30])
    q2 = quarterly_measures(obs, _cat("percent", "snapshot", rolling=2, mult=100.0), None)
    # 2-quarter rolling: (3 + 5) / (10 + 30) x 100 = 20.0 (not the mean of 30 and 16.7)
    assert q2["value"].iloc[1] == pytest.approx(20.0)
    # snapshot YTD = latest quarter's value
    assert q["ytd"].iloc[1] == pytest.approx(100 * 5 / 30)


def test_average_days_from_numerator_and_denominator_or_value():
    obs = pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2015Q1", "2015Q2"],
            "numerator": [4200.0, np.nan],
            "denominator": [10.0, np.nan],
            "value": [np.nan, 380.0],
            "status": "ok",
        }
    )
    q = quarterly_measures(obs, _cat("days", "average", polarity="low", target=426.0), None)
    # 4,200 days / 10 children = 420 days; the second quarter was returned as a value, 380
    assert list(q["value"]) == pytest.approx([420.0, 380.0])
    assert q["ytd"].iloc[1] == pytest.approx(400.0)  # mean of 420 and 380
    assert list(q["target_met"]) == [True, True]  # low is good: <= 426


def test_cumulative_ytd_and_annual_with_partial_year():
    # CSCB 05a style: children who were perpetrators of DV, cumulative, low is good.
    # Scorecard: Q1 7, Q2 30, YTD 37.
    obs = pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2014Q2", "2014Q3", "2014Q4", "2015Q1", "2015Q2"],
            "value": [5.0, 9.0, 8.0, 7.0, 30.0],
            "status": "ok",
        }
    )
    cat = _cat("number", "cumulative", polarity="low", target=10.0, precision=0)
    q = quarterly_measures(obs, cat, None).set_index("period")
    assert q.loc["2015Q2", "ytd"] == 37
    assert q.loc["2015Q2", "ytd_target"] == 20  # 10 per quarter x 2 quarters
    a = annual_measures(q.reset_index()).set_index("period")
    # 2014/15 holds Q2, Q3, Q4 only: 5 + 9 + 8 = 22, marked partial
    assert a.loc["2014/15", "value"] == 22
    assert a.loc["2014/15", "n_quarters"] == 3
    assert a.loc["2014/15", "note"] == "partial year: 3 of 4 quarters"
    assert a.loc["2015/16", "value"] == 37


def test_annual_average_is_mean_of_quarters_and_snapshot_is_latest():
    obs = pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2014Q1", "2014Q2", "2014Q3", "2014Q4"],
            "value": [40.0, 50.0, 60.0, 58.0],
            "status": "ok",
        }
    )
    avg = annual_measures(quarterly_measures(obs, _cat("number", "average"), None))
    assert avg["value"].iloc[0] == pytest.approx(52.0)  # (40 + 50 + 60 + 58) / 4
    snap = annual_measures(quarterly_measures(obs, _cat("number", "snapshot"), None))
    assert snap["value"].iloc[0] == 58.0  # the Q4 value


def test_measures_table_has_quarter_and_annual_rows():
    m = measures_table(obs_11(), CAT_11, POPS)
    assert set(m["kind"]) == {"quarter", "annual"}
    annual = m[m["kind"] == "annual"].set_index("period")
    # 2015/16 so far: mean of 55.06 and 65.05 = 60.05 -> 60.1, from two quarters
    assert annual.loc["2015/16", "display_value"] == "60.1"


def test_target_met_by_polarity_and_missing():
    met = target_met(
        pd.Series([5.0, 5.0, np.nan, 5.0]), [5.0, 5.0, 5.0, np.nan], ["high", "low", "high", "low"]
    )
    assert met.tolist()[:2] == [True, True]  # equal to the target counts as met
    assert met.isna().tolist() == [False, False, True, True]


def test_bad_period_and_duplicates_raise():
    with pytest.raises(MeasuresError, match="2015-Q2"):
        period_ordinal(pd.Series(["2015Q1", "2015-Q2"]))
    dup = pd.concat([obs_11(), obs_11().iloc[[0]]])
    with pytest.raises(MeasuresError, match="share a series and period"):
        quarterly_measures(dup, CAT_11, POPS)


def test_rates_need_populations_and_name_missing_years():
    with pytest.raises(MeasuresError, match="populations"):
        quarterly_measures(obs_11(), CAT_11, None)
    q = quarterly_measures(obs_11(), CAT_11, POPS[POPS["year"] != 2015]).set_index("period")
    assert q.loc["2015Q2", "display_value"] == "no data: population missing"


# A cumulative percentage (e.g. 2.2 re-referrals) pools its quarters' counts.
CAT_PCT_CUM = pd.DataFrame(
    {
        "indicator": ["2.2"],
        "polarity": ["low"],
        "unit": ["percent"],
        "precision": [1],
        "result_type": ["cumulative"],
        "multiplier": [100.0],
        "rolling_quarters": [1],
        "target": [24.0],
    }
)


def _obs_pct():
    return pd.DataFrame(
        {
            "indicator": "2.2",
            "period": ["2015Q1", "2015Q2", "2015Q3", "2015Q4"],
            "numerator": [30.0, 10.0, 20.0, 40.0],
            "denominator": [40.0, 60.0, 100.0, 200.0],
            "value": np.nan,
            "status": "ok",
        }
    )


def test_cumulative_percentage_ytd_pools_counts_not_percentages():
    q = quarterly_measures(_obs_pct(), CAT_PCT_CUM, None).set_index("period")
    # Q1 30/40 = 75%; Q2 10/60 = 16.7%; YTD = (30+10)/(40+60) = 40.0%, not 75 + 16.7 = 91.7
    assert q.loc["2015Q2", "ytd"] == pytest.approx(40.0)
    assert q.loc["2015Q2", "ytd_display"] == "40.0"
    # the target of a percentage is not multiplied by the quarters so far
    assert q.loc["2015Q2", "ytd_target"] == 24.0


def test_cumulative_percentage_annual_pools_counts():
    a = annual_measures(quarterly_measures(_obs_pct(), CAT_PCT_CUM, None)).set_index("period")
    # (30+10+20+40) / (40+60+100+200) = 100/400 = 25.0%; target stays 24 (not 96)
    assert a.loc["2015/16", "value"] == pytest.approx(25.0)
    assert a.loc["2015/16", "target"] == 24.0
    assert not bool(a.loc["2015/16", "target_met"])  # low is good: 25.0 > 24


def test_annual_indicator_is_not_due_outside_its_quarter_and_not_a_partial_year():
    # 9.1-like: a school-year percentage, returned in Q1 only (catalogue.ANNUAL_DUE_QUARTER)
    cat = CAT_PCT_CUM.assign(
        indicator="9.1", polarity="high", result_type="snapshot", target=95.0,
        frequency="annual", reporting_period="school",
    )  # fmt: skip
    obs = pd.DataFrame(
        {
            "indicator": "9.1",
            "period": ["2014Q1", "2015Q1"],
            "numerator": [95.0, 101.0],
            "denominator": [100.0, 105.0],
            "value": np.nan,
            "status": "ok",
        }
    )
    q = quarterly_measures(obs, cat, None, until="2015Q2").set_index("period")
    assert q.loc["2015Q2", "status"] == "not_due"
    assert q.loc["2015Q2", "display_value"] == "not due this quarter (annual indicator)"
    assert q.loc["2015Q1", "display_value"] == "96.2"  # 101 / 105 = 96.19%
    a = annual_measures(quarterly_measures(obs, cat, None, until="2015Q4")).set_index("period")
    assert a.loc["2015/16", "value"] == pytest.approx(101 / 105 * 100)
    assert a.loc["2015/16", "note"] == ""  # one result a year is the whole year, not "1 of 4"


def test_suppressed_figure_is_shown_as_suppressed_not_as_not_returned():
    cat = CAT_PCT_CUM.assign(indicator="CSCB03", unit="number", multiplier=1.0)
    obs = pd.DataFrame(
        {
            "indicator": "CSCB03",
            "period": ["2015Q1", "2015Q2"],
            "numerator": np.nan,
            "denominator": np.nan,
            "value": [9.0, np.nan],
            "status": ["ok", "suppressed"],
        }
    )
    q = quarterly_measures(obs, cat, None).set_index("period")
    assert q.loc["2015Q2", "display_value"] == "no data: suppressed by the agency"
    assert np.isnan(q.loc["2015Q2", "value"])
    assert q.loc["2015Q1", "display_value"] == "9.0"


def test_cumulative_count_missing_a_quarter_is_not_judged_against_its_target():
    """2.5-like: low is good, 150 a quarter. 140, rejected, 140, missing: the YTD total of 280
    against 450 (Q3) would look "met" only because two quarters are missing."""
    cat = CAT_PCT_CUM.assign(
        indicator="2.5", unit="number", multiplier=1.0, target=150.0, precision=0
    )
    obs = pd.DataFrame(
        {
            "indicator": "2.5",
            "period": ["2015Q1", "2015Q2", "2015Q3", "2015Q4"],
            "numerator": np.nan,
            "denominator": np.nan,
            "value": [140.0, np.nan, 140.0, np.nan],
            "status": ["ok", "rejected", "ok", "missing"],
        }
    )
    qm = quarterly_measures(obs, cat, None)
    q = qm.set_index("period")
    assert bool(q.loc["2015Q1", "ytd_target_met"])  # 140 <= 150 with the one quarter in
    assert q.loc["2015Q3", "ytd"] == 280 and q.loc["2015Q3", "ytd_target"] == 450
    assert pd.isna(q.loc["2015Q3", "ytd_target_met"])
    a = annual_measures(qm).set_index("period")
    assert a.loc["2015/16", "note"] == "partial year: 2 of 4 quarters"
    assert pd.isna(a.loc["2015/16", "target_met"])


# ---------------------------------------------------------------------------------------------
# DfE's population year for figures DfE also publishes (issue 11)


def test_stock_at_31_march_uses_dfe_population_year():
    # 4.1-like: children on a child protection plan at the quarter end (snapshot, not rolling).
    # 2014Q4 ends on 31 March 2015: DfE divides by mid-2014, 45,585, not mid-2015:
    # 200 / 45,585 x 10,000 = 43.874 -> "43.9" (on mid-2015, 45,659: 43.80 -> "43.8").
    cat = _cat("rate_per_10k", "snapshot", mult=10_000.0, polarity="low", target=44.0)
    obs = pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2014Q3", "2014Q4", "2015Q1"],
            "numerator": [195.0, 200.0, 193.0],
            "status": "ok",
        }
    )
    q = quarterly_measures(obs, cat, POPS).set_index("period")
    assert q.loc["2014Q4", "population_year"] == 2014
    assert q.loc["2014Q4", "population"] == 45585
    assert q.loc["2014Q4", "value"] == pytest.approx(200 / 45585 * 10_000)
    assert q.loc["2014Q4", "display_value"] == "43.9"
    # 31 December 2014 and 30 June 2015: the calendar year holding the day, as before
    assert q.loc["2014Q3", "population_year"] == 2014  # 195 / 45,585
    assert q.loc["2015Q1", "population_year"] == 2015  # 193 / 45,659
    assert q.loc["2015Q1", "value"] == pytest.approx(193 / 45659 * 10_000)
    # the annual figure of a snapshot is Q4's: the same figure DfE publishes for 31 March 2015
    a = annual_measures(q.reset_index()).set_index("period")
    assert a.loc["2014/15", "display_value"] == "43.9"


def test_rolling_count_over_a_year_ending_31_march_uses_dfe_population_year():
    # 2.1-like: referrals over the last four quarters (a rolling snapshot counts events, not a
    # stock). The window ending 2014Q4 is April 2014 to March 2015, DfE 2015: mid-2014.
    cat = _cat("rate_per_10k", "snapshot", rolling=4, mult=10_000.0, polarity="low")
    obs = pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2014Q1", "2014Q2", "2014Q3", "2014Q4", "2015Q1"],
            "numerator": [700.0, 600.0, 800.0, 900.0, 650.0],
            "status": "ok",
        }
    )
    q = quarterly_measures(obs, cat, POPS).set_index("period")
    # 3,000 referrals / 45,585 x 10,000 = 658.11
    assert q.loc["2014Q4", "population_year"] == 2014
    assert q.loc["2014Q4", "value"] == pytest.approx(3000 / 45585 * 10_000)
    # July 2014 to June 2015 is centred on 30 December 2014: mid-2014 still (midpoint rule)
    assert q.loc["2015Q1", "population_year"] == 2014


def test_annual_count_divides_by_the_year_of_its_midpoint_dfe_s_year():
    # an annual rate of events (referrals in the year ending 31 March 2015, returned in 2014Q4):
    # its count covers April 2014 to March 2015, centred on 30 September 2014: mid-2014,
    # DfE's year (its Q4 alone would give mid-2015). 3,012 / 45,585 x 10,000 = 660.74 -> "660.7",
    # DfE's published figure for Calderdale
    cat = _cat("rate_per_10k", "cumulative", mult=10_000.0, polarity="low").assign(
        frequency="annual", reporting_period="financial"
    )
    obs = pd.DataFrame({"indicator": "X", "period": ["2014Q4"], "numerator": [3012.0],
                        "status": "ok"})  # fmt: skip
    q = quarterly_measures(obs, cat, POPS).set_index("period")
    assert q.loc["2014Q4", "population_year"] == 2014
    assert q.loc["2014Q4", "population"] == 45585
    assert q.loc["2014Q4", "display_value"] == "660.7"


def test_a_rate_returned_with_its_population_divides_by_that_population():
    # DfE's published figure for Calderdale's 2023/24 referrals: 2,053 over the 45,005 children
    # of its 2024 release (mid-2023) = 456.17 -> "456.2"; the reference table's later estimate
    # (45,184, ONS's revision) would give 454.4. A returned denominator is the population the
    # figure was divided by; a blank one takes the reference table's
    cat = _cat("rate_per_10k", "cumulative", mult=10_000.0, polarity="low").assign(
        frequency="annual", reporting_period="financial"
    )
    pops = pd.DataFrame({"year": [2023], "population": [45184]})
    obs = pd.DataFrame({"indicator": "X", "period": ["2023Q4"], "numerator": [2053.0],
                        "denominator": [45005.0], "status": "ok"})  # fmt: skip
    q = quarterly_measures(obs, cat, pops).set_index("period")
    assert q.loc["2023Q4", "population"] == 45005
    assert q.loc["2023Q4", "display_value"] == "456.2"
    blank = quarterly_measures(obs.assign(denominator=np.nan), cat, pops).set_index("period")
    assert blank.loc["2023Q4", "population"] == 45184
    assert blank.loc["2023Q4", "display_value"] == "454.4"


# ---------------------------------------------------------------------------------------------
# Averages over cases pool their counts (issue 11)


def _obs_days() -> pd.DataFrame:
    # 3.1 as shipped: 2015Q1 1,094 days / 2 children = 547; 2015Q2 1,563 / 3 = 521
    return pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2015Q1", "2015Q2"],
            "numerator": [1094.0, 1563.0],
            "denominator": [2.0, 3.0],
            "status": "ok",
        }
    )


def test_average_over_cases_ytd_pools_days_and_children():
    cat = _cat("days", "average", polarity="low", target=426.0, precision=0)
    q = quarterly_measures(_obs_days(), cat, None).set_index("period")
    assert q.loc["2015Q1", "display_value"] == "547" and q.loc["2015Q2", "display_value"] == "521"
    # (1,094 + 1,563) / (2 + 3) = 2,657 / 5 = 531.4 -> "531"; the mean of 547 and 521 is 534
    assert q.loc["2015Q2", "ytd"] == pytest.approx(531.4)
    assert q.loc["2015Q2", "ytd_display"] == "531"
    a = annual_measures(q.reset_index()).set_index("period")
    assert a.loc["2015/16", "value"] == pytest.approx(531.4)  # a partial year, pooled too


def test_average_percentage_pools_and_average_rate_or_number_takes_the_mean():
    obs = _obs_pct()  # 30/40, 10/60, 20/100, 40/200
    q = quarterly_measures(obs, CAT_PCT_CUM.assign(result_type="average"), None)
    q = q.set_index("period")
    # an average percentage over cases: (30 + 10) / (40 + 60) = 40.0%, not (75 + 16.7) / 2
    assert q.loc["2015Q2", "ytd"] == pytest.approx(40.0)
    # a number: the mean of the quarterly values (no cases to pool)
    num = pd.DataFrame({"indicator": "X", "period": ["2015Q1", "2015Q2"],
                        "value": [40.0, 50.0], "status": "ok"})  # fmt: skip
    qn = quarterly_measures(num, _cat("number", "average"), None).set_index("period")
    assert qn.loc["2015Q2", "ytd"] == pytest.approx(45.0)
    # a rate per 10,000 (1.1): the mean of the quarterly rates, Appendix 1's 60.1 (test above)


def test_average_with_a_quarter_lacking_counts_falls_back_to_the_mean():
    # Q1 returned 4,200 days / 10 children = 420; Q2 only the value 380: the pool cannot be
    # formed without Q2's children, so the YTD is the mean, (420 + 380) / 2 = 400 (not 420)
    obs = pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2015Q1", "2015Q2"],
            "numerator": [4200.0, np.nan],
            "denominator": [10.0, np.nan],
            "value": [np.nan, 380.0],
            "status": "ok",
        }
    )
    cat = _cat("days", "average", polarity="low", target=426.0)
    q = quarterly_measures(obs, cat, None).set_index("period")
    assert q.loc["2015Q2", "ytd"] == pytest.approx(400.0)
    a = annual_measures(q.reset_index())
    assert a["value"].iloc[0] == pytest.approx(400.0)


def _average_over_cases() -> list[str]:
    from pmqa_lib.core.catalogue import load_catalogue
    from tests.unit.analytics.test_appendix1 import RAW

    cat = load_catalogue(RAW / "reference" / "catalogue.yaml")
    return [
        i.ref for i in cat if i.result_type == "average" and i.unit in ("percent", "ratio", "days")
    ]


def test_the_shipped_catalogue_has_an_average_over_cases():
    assert _average_over_cases() == ["3.1"]  # the list the next test runs over


@pytest.mark.parametrize("ref", _average_over_cases())
def test_every_average_over_cases_pools_on_the_shipped_returns(ref):
    """The library's YTD and annual figures against sums of the raw returns' counts."""
    from pmqa_lib.core.catalogue import load_catalogue
    from tests.unit.analytics.test_appendix1 import RAW, series

    cat = load_catalogue(RAW / "reference" / "catalogue.yaml")
    ind = cat[ref]
    num = series(ind.agency, ref, "numerator")
    den = series(ind.agency, ref, "denominator")
    obs = pd.DataFrame({"indicator": ref, "period": list(num), "numerator": list(num.values()),
                        "denominator": [den[p] for p in num], "status": "ok"})  # fmt: skip
    m = measures_table(obs, cat.to_frame(), None, cat.targets_frame(), until="2015Q2")
    q = m[m["kind"] == "quarter"].set_index("period")
    a = m[m["kind"] == "annual"].set_index("period")
    mult = ind.algorithm.multiplier
    for fy in (2013, 2014):
        quarters = [f"{fy}Q{k}" for k in range(1, 5)]
        want = sum(num[p] for p in quarters) / sum(den[p] for p in quarters) * mult
        assert a.loc[f"{fy}/{(fy + 1) % 100:02d}", "value"] == pytest.approx(want)
    want = (num["2015Q1"] + num["2015Q2"]) / (den["2015Q1"] + den["2015Q2"]) * mult
    assert q.loc["2015Q2", "ytd"] == pytest.approx(want)
    if ref == "3.1":  # the figures worked by hand in test_appendix1
        assert q.loc["2015Q2", "ytd_display"] == "531"
        assert a.loc["2014/15", "display_value"] == "496"

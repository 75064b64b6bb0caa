"""XmR (Making Data Count): limits, each rule firing and not firing, ties, points on the mean,
both polarities, rebasing, icons; and agreement with a plain per-series loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.analytics.spc import SPCSettings, rebase_frame, spc_summary, xmr
from pmqa_lib.dev.bench import reference_xmr_special


def chart(values, polarity="high", settings=None, rebase=None):
    df = pd.DataFrame(
        {"indicator": "A", "ordinal": np.arange(len(values)), "quarter_value": values,
         "polarity": polarity}
    )  # fmt: skip
    return xmr(df, rebase=rebase, settings=settings)


def test_limits_by_hand():
    # 10, 12, 11, 15: mean 12; moving ranges 2, 1, 4 -> mean 7/3; limits 12 -/+ 2.66 x 7/3
    r = chart([10, 12, 11, 15])
    assert r["mean"].iloc[0] == 12
    assert r["amr"].iloc[0] == pytest.approx(7 / 3)
    assert r["upl"].iloc[0] == pytest.approx(12 + 2.66 * 7 / 3)
    assert r["lpl"].iloc[0] == pytest.approx(12 - 2.66 * 7 / 3)
    assert r["upper_2s"].iloc[0] == pytest.approx(12 + 2 / 3 * 2.66 * 7 / 3)


def test_screening_moving_ranges():
    # moving ranges 1, 1, 1, 1, 20, 20: mean 44/6 = 7.33; 3.267 x 7.33 = 23.96 keeps all.
    # 1 x 8 and 60: mean 68/9 = 7.56, 3.267 x 7.56 = 24.7 -> the 60 is screened out -> amr 1
    vals = [10, 11, 10, 11, 10, 11, 10, 11, 10, 70]
    plain = chart(vals)
    screened = chart(vals, settings=SPCSettings(screen_moving_ranges=True))
    assert plain["amr"].iloc[0] == pytest.approx((8 * 1 + 60) / 9)
    assert screened["amr"].iloc[0] == pytest.approx(1.0)


# rule 1 --------------------------------------------------------------------------------------
# 9, 15 alternating x 6, then 40: mean 184/13 = 14.15; moving ranges 6 x 11 and 25 -> 91/12 = 7.58;
# upper limit 14.15 + 2.66 x 7.58 = 34.3 < 40
OUTSIDE = [9, 15] * 6 + [40]


@pytest.mark.parametrize(("polarity", "icon"), [("high", "special cause improvement"),
                                                ("low", "special cause concern"),
                                                ("", "special cause neutral")])  # fmt: skip
def test_outside_limits_fires_with_polarity(polarity, icon):
    r = chart(OUTSIDE, polarity)
    assert r["outside_limits"].tolist() == [False] * 12 + [True]
    assert not r["shift"].any() and not r["trend"].any() and not r["two_in_three"].any()
    assert r["point_type"].iloc[-1] == icon
    assert (r["point_type"].iloc[:-1] == "common cause").all()


def test_no_rule_fires_on_alternating_series():
    r = chart(OUTSIDE[:-1])
    assert not r["special_cause"].any()


# rule 2 --------------------------------------------------------------------------------------
# seven below then seven above a mean of exactly 12 (74 + 94 = 168 over 14 points)
SHIFT = [10, 11, 10, 11, 10, 11, 10, 14, 13, 14, 13, 14, 13, 14]


def test_shift_of_seven_fires_both_sides():
    r = chart(SHIFT)
    assert r["mean"].iloc[0] == 12
    assert r["shift"].all()
    assert not r["outside_limits"].any()
    assert (r["point_type"].iloc[:7] == "special cause concern").all()
    assert (r["point_type"].iloc[7:] == "special cause improvement").all()
    low = chart(SHIFT, "low")
    assert low["point_type"].iloc[-1] == "special cause concern"


def test_shift_needs_the_setting_length():
    assert not chart(SHIFT, settings=SPCSettings(shift_points=8))["shift"].any()


def test_point_on_the_mean_breaks_a_shift():
    # same totals (mean 12) but the 4th and 11th points sit exactly on the mean
    vals = [10, 11, 10, 12, 10, 11, 10, 14, 13, 14, 12, 14, 13, 14]
    r = chart(vals)
    assert r["mean"].iloc[0] == 12
    assert not r["shift"].any()


# rule 3 --------------------------------------------------------------------------------------
# 16, 9, 16, then 9 rising to 15: seven points (six rises). mean 12.5, amr 27/9 = 3,
# limits 4.52 to 20.48, 2-sigma 7.18 to 17.82: nothing else fires.
TREND = [16, 9, 16, 9, 10, 11, 12, 13, 14, 15]


def test_trend_of_seven_fires_and_shows_direction():
    r = chart(TREND)
    assert r["trend"].tolist() == [False] * 3 + [True] * 7
    assert not (r["outside_limits"] | r["shift"] | r["two_in_three"]).any()
    # a rising trend: improvement when high is good, including the points below the mean
    assert (r["point_type"].iloc[3:] == "special cause improvement").all()
    assert (chart(TREND, "low")["point_type"].iloc[3:] == "special cause concern").all()


def test_trend_needs_the_setting_length():
    assert not chart(TREND, settings=SPCSettings(trend_points=8))["trend"].any()
    assert chart(TREND[:-1], settings=SPCSettings(trend_points=6))["trend"].any()
    assert not chart(TREND[:-1])["trend"].any()


def test_equal_neighbour_neither_adds_to_nor_breaks_a_trend():
    # 9, 10, 11, 11, 12, 13, 14, 15: six rises and one tie -> a trend of 7
    tied = chart([16, 9, 16, 9, 10, 11, 11, 12, 13, 14, 15])
    assert tied["trend"].iloc[3:].all()
    # 9, 10, 11, 11, 12, 13, 14: eight points but only five rises -> no trend
    short = chart([16, 9, 16, 9, 10, 11, 11, 12, 13, 14])
    assert not short["trend"].any()


def test_falling_trend_fires():
    r = chart([9, 16, 9, 16, 15, 14, 13, 12, 11, 10])
    assert r["trend"].iloc[3:].all()
    assert r["point_type"].iloc[-1] == "special cause concern"


# rule 4 --------------------------------------------------------------------------------------
# 11, 13 x 6 then 18, 13, 18: mean 193/15 = 12.87, amr 37/14 = 2.64,
# 2-sigma 12.87 + 1.773 x 2.64 = 17.56 < 18 < upper limit 19.9; all three above the mean
def test_two_of_three_beyond_two_sigma_fires():
    r = chart([11, 13] * 6 + [18, 13, 18])
    assert r["two_in_three"].tolist() == [False] * 12 + [True, False, True]
    assert not (r["outside_limits"] | r["shift"] | r["trend"]).any()
    assert r["point_type"].iloc[-1] == "special cause improvement"


def test_two_of_three_needs_all_three_on_the_same_side():
    # 18, 12, 18: the middle point is below the mean of 12.8, so the rule does not fire
    r = chart([11, 13] * 6 + [18, 12, 18])
    assert r["mean"].iloc[0] == pytest.approx(12.8)
    assert not r["two_in_three"].any()


def test_two_of_three_counts_points_beyond_the_limits():
    # since November 2023 (MDC) a point beyond 3 sigma also counts as beyond 2 sigma.
    # 11, 13 x 10 then 18, 13, 24: mean 295/23 = 12.83, amr 59/22 = 2.68,
    # 2-sigma 12.83 + 1.773 x 2.68 = 17.58 < 18; upper limit 12.83 + 2.66 x 2.68 = 19.96 < 24
    r = chart([11, 13] * 10 + [18, 13, 24])
    assert r["outside_limits"].iloc[-1]
    assert r["two_in_three"].iloc[20] and r["two_in_three"].iloc[22]
    assert not r["two_in_three"].iloc[21]


# rebasing ------------------------------------------------------------------------------------
def test_rebasing_starts_new_mean_and_limits():
    vals = [9, 11] * 5 + [19, 21] * 5
    whole = chart(vals)
    assert whole["shift"].all()  # ten below then ten above a mean of 15
    rb = rebase_frame({"A": ["2002Q3"]})  # settings form: periods -> quarter ordinals
    assert rb["ordinal"].iloc[0] == 2002 * 4 + 2
    r = chart(vals, rebase=pd.DataFrame({"indicator": ["A"], "ordinal": [10]}))
    assert r["mean"].iloc[0] == 10 and r["mean"].iloc[-1] == 20
    assert r["amr"].iloc[0] == 2 and r["amr"].iloc[-1] == 2
    assert not r["special_cause"].any()


# icons ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("polarity", "target", "icon"),
    [
        ("high", 1.0, "consistently pass"),  # target below the lower limit
        ("high", 30.0, "consistently fail"),  # target above the upper limit
        ("high", 12.0, "hit and miss"),
        ("low", 1.0, "consistently fail"),
        ("high", 5.0, "hit and miss"),  # just inside the lower limit
        ("low", 30.0, "consistently pass"),
        ("low", np.nan, "no target"),
    ],
)
def test_assurance_icon(polarity, target, icon):
    # 10, 14 alternating: mean 12, amr 4, limits 1.36 to 22.64
    r = chart([10, 14] * 8, polarity)
    s = spc_summary(r, pd.DataFrame({"indicator": ["A"], "target": [target]}))
    assert s["spc_assurance"].iloc[0] == icon
    assert s["spc_variation"].iloc[0] == "common cause"
    assert s["spc_warning"].iloc[0] == ""


def test_short_series_warning():
    s = spc_summary(chart([10, 12, 11]))
    assert s["spc_warning"].iloc[0] == "short series: 3 points (limits are provisional below 15)"


def test_missing_points_are_skipped_and_series_kept_apart():
    df = pd.concat(
        [
            pd.DataFrame({"indicator": "A", "ordinal": range(4), "quarter_value": [1, np.nan, 3, 5],
                          "polarity": "high"}),
            pd.DataFrame({"indicator": "B", "ordinal": range(3), "quarter_value": [100, 90, 80],
                          "polarity": "low"}),
        ]
    )  # fmt: skip
    r = xmr(df)
    assert len(r) == 6
    assert r.groupby("indicator")["mean"].first().tolist() == [3.0, 90.0]


def test_vectorised_rules_agree_with_a_per_series_loop():
    rng = np.random.default_rng(7)
    frames, refs = [], {}
    for i in range(300):
        n = int(rng.integers(8, 30))
        y = np.round(rng.normal(0, 1, n).cumsum() * (i % 3) + rng.normal(0, 1, n), 1)
        pol = "high" if i % 2 else "low"
        frames.append(pd.DataFrame({"indicator": f"S{i:03d}", "ordinal": range(n),
                                    "quarter_value": y, "polarity": pol}))  # fmt: skip
        refs[f"S{i:03d}"] = reference_xmr_special(y.tolist(), pol == "high")
    r = xmr(pd.concat(frames, ignore_index=True))
    fired = 0
    for ind, grp in r.groupby("indicator"):
        ref = np.array(refs[ind]) != "common cause"
        assert grp["special_cause"].tolist() == ref.tolist(), ind
        fired += int(ref.sum())
    assert fired > 100  # the comparison exercised the rules, not just common cause

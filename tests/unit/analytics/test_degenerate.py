"""Degenerate series: every statistic answers in words, never with a blank (issue 11, item 3).

Four series, each eight quarters long: all equal (5), all zero, one value (5, then nothing),
all missing. docs/analytics.md, "Degenerate inputs", lists the answers tested here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymannkendall as pmk
import pytest

from pmqa_lib.analytics.assessment import analyse_quarter
from pmqa_lib.analytics.spc import spc_summary, xmr
from pmqa_lib.analytics.stats import compare, compare_frame, poisson_count_interval, wilson_interval
from pmqa_lib.analytics.trend import mann_kendall_matrix, trend_table
from pmqa_lib.core.catalogue import parse_catalogue

NAN = np.nan
SERIES = {
    "all_equal": [5.0] * 8,
    "all_zero": [0.0] * 8,
    "one_value": [5.0] + [NAN] * 7,
    "all_missing": [NAN] * 8,
}


def _long(values: dict[str, list[float]] = SERIES, polarity: str = "high") -> pd.DataFrame:
    rows = [
        {"indicator": name, "ordinal": t, "value": v, "quarter_value": v, "polarity": polarity}
        for name, vals in values.items()
        for t, v in enumerate(vals)
    ]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------- Mann-Kendall, Sen


def test_mann_kendall_on_a_constant_series_matches_pymannkendall():
    ref = pmk.original_test([5.0] * 8)  # no trend: p = 1, z = 0, S = 0, Var(S) = 0, slope 0
    got = mann_kendall_matrix(np.array([[5.0] * 8, [0.0] * 8]))
    for i in range(2):
        assert (got["s"][i], got["var_s"][i], got["z"][i]) == (ref.s, ref.var_s, ref.z)
        assert got["p"][i] == ref.p == 1.0
        assert got["slope"][i] == ref.slope == 0.0


@pytest.mark.parametrize(
    ("series", "p", "s", "slope", "significant", "note"),
    [
        ("all_equal", 1.0, 0.0, 0.0, False, "no change over the window"),
        ("all_zero", 1.0, 0.0, 0.0, False, "no change over the window"),
        ("one_value", NAN, NAN, NAN, pd.NA, "too short to test: 1 point (needs 5)"),
        ("all_missing", NAN, NAN, NAN, pd.NA, "no values to test"),
    ],
)
def test_mann_kendall_and_sens_slope_answer_in_words(series, p, s, slope, significant, note):
    row = trend_table(_long(), time_col="ordinal").set_index("indicator").loc[series]
    assert row["mk_note"] == note
    for col, want in (("mk_p_value", p), ("mk_s", s), ("sens_slope", slope)):
        assert (np.isnan(row[col]) and np.isnan(want)) or row[col] == want, col
    if significant is pd.NA:
        assert pd.isna(row["trend_significant"])
    else:
        assert bool(row["trend_significant"]) is significant


def test_a_short_constant_series_is_too_short_rather_than_unchanged():
    row = trend_table(_long({"x": [5.0] * 3}), time_col="ordinal").iloc[0]
    assert row["mk_note"] == "too short to test: 3 points (needs 5)"
    assert np.isnan(row["mk_p_value"])


# ------------------------------------------------------------------------- trajectory


@pytest.mark.parametrize("polarity", ["high", "low"])
@pytest.mark.parametrize(
    ("series", "trajectory", "change", "arrow"),
    [
        ("all_equal", "steady", 0.0, "→"),
        ("all_zero", "steady", 0.0, "→"),  # no change on a level of 0 is steady, not 0/0
        ("one_value", "insufficient data", NAN, ""),
        ("all_missing", "insufficient data", NAN, ""),
    ],
)
def test_trajectory_answers_in_words(polarity, series, trajectory, change, arrow):
    t = trend_table(_long(polarity=polarity), time_col="ordinal").set_index("indicator")
    row = t.loc[series]
    assert row["trajectory"] == trajectory and row["trend_arrow"] == arrow
    assert (np.isnan(change) and np.isnan(row["trajectory_change"])) or (
        row["trajectory_change"] == change
    )


# ------------------------------------------------------------------------- SPC (XmR)


@pytest.mark.parametrize(
    ("series", "variation", "assurance", "warning"),
    [
        # eight equal points: no signal (every point is on the mean), limits of no width; the
        # target (4, high is good) is below the lower limit 5: consistently pass
        ("all_equal", "common cause", "consistently pass",
         "short series: 8 points (limits are provisional below 15); no variation: all 8 points "
         "equal 5, so the limits have no width"),
        # target 4 above the limits at 0 (high is good): consistently fail
        ("all_zero", "common cause", "consistently fail",
         "short series: 8 points (limits are provisional below 15); no variation: all 8 points "
         "equal 0, so the limits have no width"),
        ("one_value", "not assessed", "not assessed",
         "short series: 1 point (limits are provisional below 15); one point only: no moving "
         "range, so no process limits"),
        ("all_missing", "not assessed", "not assessed", "no values to chart"),
    ],
)  # fmt: skip
def test_spc_answers_in_words(series, variation, assurance, warning):
    frame = _long()
    points = xmr(frame, ("indicator",), "ordinal", "quarter_value", "polarity")
    targets = pd.DataFrame({"indicator": list(SERIES), "target": 4.0})
    row = spc_summary(points, targets, ("indicator",), "ordinal").set_index("indicator")
    got = row.loc[series]
    assert (got["spc_variation"], got["spc_assurance"], got["spc_warning"]) == (
        variation,
        assurance,
        warning,
    )
    if series in ("all_equal", "all_zero"):
        pts = points[points["indicator"] == series]
        assert not pts["special_cause"].any()  # a flat line raises no rule
        assert (pts["upl"] == pts["lpl"]).all()


def test_spc_with_no_points_at_all_still_names_every_series():
    empty = xmr(_long({"x": [NAN] * 4}), ("indicator",), "ordinal", "quarter_value", "polarity")
    out = spc_summary(empty, pd.DataFrame({"indicator": ["x"], "target": [1.0]}))
    assert out.set_index("indicator").loc["x", "spc_warning"] == "no values to chart"


# ------------------------------------------------------------------------- intervals


def test_wilson_interval_on_degenerate_counts():
    # all zero: 0 of 8 -> 0 to z^2 / (8 + z^2) = 3.8415 / 11.8415 = 32.4%
    lo, hi = wilson_interval([0, 8, 1, NAN, 0], [8, 8, 1, NAN, 0])
    assert lo[0] == 0.0 and hi[0] == pytest.approx(3.8415 / 11.8415, abs=1e-4)
    # all equal to the denominator: 8 of 8 -> 67.6% to 100%
    assert hi[1] == 1.0 and lo[1] == pytest.approx(8 / 11.8415, abs=1e-4)
    # one case: 1 of 1 -> 20.7% to 100% (1 / (1 + 3.8415))
    assert hi[2] == 1.0 and lo[2] == pytest.approx(1 / 4.8415, abs=1e-4)
    # missing, or no cases at all: no interval
    assert np.isnan(lo[3]) and np.isnan(hi[3]) and np.isnan(lo[4]) and np.isnan(hi[4])


def test_byar_and_exact_poisson_on_degenerate_counts():
    lo, hi = poisson_count_interval([0, 1, NAN])
    # 0 events: 0 to chi2(0.975, 2) / 2 = 3.689; 1 event: 0.0253 to 5.572 (exact Poisson)
    assert lo[0] == 0.0 and hi[0] == pytest.approx(3.6889, abs=1e-4)
    assert lo[1] == pytest.approx(0.0253, abs=1e-4) and hi[1] == pytest.approx(5.5716, abs=1e-4)
    assert np.isnan(lo[2]) and np.isnan(hi[2])


# ------------------------------------------------------------------------- comparator status


def test_comparator_status_on_degenerate_values():
    # equal to the comparator with no interval: similar; zero against zero: similar
    assert list(compare([5.0, 0.0], [NAN, NAN], [NAN, NAN], [5.0, 0.0], ["high", "low"])) == [
        "similar",
        "similar",
    ]
    f = pd.DataFrame(
        {
            "value": [0.0, NAN, 5.0, 0.0],
            "unit": ["rate_per_10k", "rate_per_10k", "number", "percent"],
            "polarity": ["low", "low", "low", "low"],
            "multiplier": [10_000.0, 10_000.0, 1.0, 100.0],
            "ci_numerator": [0.0, NAN, NAN, 0.0],
            "ci_denominator": [45_659.0, 45_659.0, NAN, 0.0],
            "england": [40.0, 40.0, NAN, 10.0],
        }
    )
    out = compare_frame(f, "england")
    # 0 events in 45,659 children: exact Poisson 0 to 0.81 per 10,000, wholly below England's
    # 40, low is good: better
    assert out["england_status"].tolist()[0] == "better"
    assert out["england_method"].tolist()[0] == "exact Poisson 95%"
    assert out["england_status"].tolist()[1:3] == ["not comparable", "not comparable"]
    assert out["england_method"].tolist()[1:3] == [
        "not comparable: no value",
        "not comparable: no published comparator",
    ]
    # 0 of 0 cannot have an interval: the point values are compared, and it says so
    assert out["england_status"].tolist()[3] == "better"
    assert out["england_method"].tolist()[3] == "point values (no valid counts for an interval)"


# ------------------------------------------------------------------------- through analyse_quarter


def test_assurance_row_of_a_constant_series_says_no_change():
    from tests.unit.analytics.test_assurance import CATALOGUE, POPS

    raw = {**CATALOGUE, "indicators": [CATALOGUE["indicators"][1]]}  # 2.5: percent, low is good
    periods = [f"{y}Q{q}" for y in (2014, 2015) for q in (1, 2, 3, 4)][:6]
    obs = pd.DataFrame(
        {"agency": "CMBC", "indicator": "2.5", "period": periods, "numerator": 20.0,
         "denominator": 100.0, "value": NAN, "status": "ok", "proposed_rag": NAN}
    )  # fmt: skip
    _, a = analyse_quarter(obs, parse_catalogue(raw), POPS, None, "2015Q2")
    row = a.iloc[0]
    # 20% in six quarters running: Mann-Kendall p = 1 with its note, steady, no SPC signal
    assert row["mk_p_value"] == 1.0 and row["sens_slope"] == 0.0
    assert row["mk_note"] == "no change over the window"
    assert row["trajectory"] == "steady" and row["spc_variation"] == "common cause"
    assert "no variation: all 6 points equal 20" in row["spc_warning"]

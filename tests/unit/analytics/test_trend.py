"""Mann-Kendall and Sen's slope against pymannkendall; trajectory by polarity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.analytics.trend import TrendSettings, mann_kendall_matrix, trend_table

mk = pytest.importorskip("pymannkendall")  # a dev dependency in pyproject.toml


def _reference_series() -> list[np.ndarray]:
    rng = np.random.default_rng(20151123)
    series = []
    for i in range(24):
        n = 5 + i  # lengths 5..28
        x = rng.normal(0, 1, n) + (i % 3 - 1) * 0.15 * np.arange(n)
        if i % 2 == 0:
            x = np.round(x * 2) / 2  # half-point rounding creates ties
        series.append(x)
    series.append(np.array([3, 3, 3, 4, 4, 5, 5, 5, 5, 6], dtype=float))  # heavy ties
    series.append(np.array([9, 7, 7, 6, 2, 2, 1], dtype=float))
    series.append(np.array([1, 2, np.nan, 4, 3, 6, 5, np.nan, 9], dtype=float))  # gaps
    return series


def test_mann_kendall_matches_pymannkendall_on_27_series():
    series = _reference_series()
    width = max(len(s) for s in series)
    mat = np.full((len(series), width), np.nan)
    for i, s in enumerate(series):
        mat[i, : len(s)] = s
    got = mann_kendall_matrix(mat)
    for i, s in enumerate(series):
        ref = mk.original_test(s)
        assert got["s"][i] == ref.s, i
        assert got["var_s"][i] == pytest.approx(ref.var_s), i
        assert got["z"][i] == pytest.approx(ref.z), i
        assert got["p"][i] == pytest.approx(ref.p), i
        assert got["slope"][i] == pytest.approx(ref.slope), i


def test_mann_kendall_by_hand():
    # 1, 3, 2, 4: pairs (1,3)+ (1,2)+ (1,4)+ (3,2)- (3,4)+ (2,4)+ -> S = 4
    # Var = 4 x 3 x 13 / 18 = 8.667; Z = (4 - 1)/sqrt(8.667) = 1.0190; p = 0.3082
    # slopes: 2, 0.5, 1, -1, 0.5, 2 -> median 0.75
    got = mann_kendall_matrix(np.array([[1.0, 3.0, 2.0, 4.0]]))
    assert got["s"][0] == 4
    assert got["var_s"][0] == pytest.approx(8.6667, abs=1e-4)
    assert got["z"][0] == pytest.approx(1.0190, abs=1e-4)
    assert got["p"][0] == pytest.approx(0.3082, abs=1e-4)
    assert got["slope"][0] == 0.75


def _long(values: dict[str, list[float]], polarity: dict[str, str]) -> pd.DataFrame:
    rows = []
    for ind, vals in values.items():
        for t, v in enumerate(vals):
            rows.append(
                {"indicator": ind, "ordinal": 8060 + t, "value": v, "quarter_value": v,
                 "polarity": polarity[ind]}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_trajectory_by_polarity_and_dead_band():
    frame = _long(
        {
            "up_high": [50, 52, 55, 60],  # +10 on a level of ~53.5: +19% -> improving
            "up_low": [50, 52, 55, 60],  # same numbers, low is good -> deteriorating
            "flat": [50, 51, 50, 51],  # Sen 0.167/quarter x 3 = 0.5 on 50.5: 1% -> steady
            "down_high": [60, 55, 52, 50],
            "one": [50],
        },
        {"up_high": "high", "up_low": "low", "flat": "high", "down_high": "high", "one": "high"},
    )
    t = trend_table(frame).set_index("indicator")
    assert t.loc["up_high", "trajectory"] == "improving"
    assert t.loc["up_high", "trend_arrow"] == "↑"
    assert t.loc["up_low", "trajectory"] == "deteriorating"
    assert t.loc["up_low", "trend_arrow"] == "↑"
    assert t.loc["flat", "trajectory"] == "steady"
    assert t.loc["flat", "trend_arrow"] == "→"
    assert t.loc["down_high", "trajectory"] == "deteriorating"
    assert t.loc["one", "trajectory"] == "insufficient data"


def test_short_series_says_so_instead_of_a_p_value():
    frame = _long({"a": [1, 2, 3, 4]}, {"a": "high"})
    t = trend_table(frame).iloc[0]
    assert np.isnan(t["mk_p_value"])
    assert t["mk_note"] == "too short to test: 4 points (needs 5)"
    assert pd.isna(t["trend_significant"])


def test_five_rising_points_are_significant():
    # 1..5: S = 10, Var = 5 x 4 x 15 / 18 = 16.667, Z = 9 / 4.0825 = 2.2045, p = 0.0275
    frame = _long({"a": [1, 2, 3, 4, 5]}, {"a": "high"})
    t = trend_table(frame).iloc[0]
    assert t["mk_n"] == 5
    assert t["mk_p_value"] == pytest.approx(0.0275, abs=1e-4)
    assert bool(t["trend_significant"])
    assert t["sens_slope"] == 1.0


def test_settings_change_window_and_band():
    frame = _long({"a": [10, 10, 10, 10, 10, 11]}, {"a": "high"})
    wide_band = trend_table(frame, settings=TrendSettings(steady_band=0.5)).iloc[0]
    assert wide_band["trajectory"] == "steady"
    short = trend_table(frame, settings=TrendSettings(trajectory_points=2)).iloc[0]
    assert short["trajectory"] == "improving"  # 10 -> 11 is +10%

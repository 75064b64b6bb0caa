"""Property tests (hypothesis) for the analytics."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmqa_lib.analytics.assurance import continuum, target_axis, value_band
from pmqa_lib.analytics.measures import quarterly_measures, target_met
from pmqa_lib.analytics.stats import poisson_count_interval, wilson_interval
from pmqa_lib.analytics.trend import trend_table

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    n=st.integers(1, 100_000),
    frac=st.floats(0, 1),
    confidence=st.sampled_from([0.95, 0.998]),
)
def test_wilson_interval_contains_the_proportion(n, frac, confidence):
    k = int(round(frac * n))
    lo, hi = wilson_interval(k, n, confidence)
    assert lo - 1e-12 <= k / n <= hi + 1e-12
    assert 0 <= lo <= hi <= 1


@FAST
@given(o=st.integers(0, 1_000_000), confidence=st.sampled_from([0.95, 0.998]))
def test_poisson_interval_contains_the_count(o, confidence):
    lo, hi = poisson_count_interval(o, confidence)
    assert lo <= o <= hi
    assert lo >= 0


def _cat(unit, result_type, rolling=1, mult=1.0, polarity="high"):
    return pd.DataFrame(
        {
            "indicator": ["X"], "polarity": [polarity], "unit": [unit], "precision": [1],
            "result_type": [result_type], "multiplier": [mult], "rolling_quarters": [rolling],
            "target": [np.nan],
        }
    )  # fmt: skip


quarter_values = st.lists(
    st.one_of(st.none(), st.integers(0, 10_000).map(float)), min_size=4, max_size=4
)


@FAST
@given(values=quarter_values)
def test_cumulative_ytd_is_the_sum_of_its_quarters(values):
    obs = pd.DataFrame(
        {
            "indicator": "X",
            "period": ["2015Q1", "2015Q2", "2015Q3", "2015Q4"],
            "value": [np.nan if v is None else v for v in values],
            "status": ["missing" if v is None else "ok" for v in values],
        }
    )
    q = quarterly_measures(obs, _cat("number", "cumulative"), None)
    have = [v for v in values if v is not None]
    running = 0.0
    for i, v in enumerate(values):
        running += v or 0.0
        seen = [x for x in values[: i + 1] if x is not None]
        if seen:
            assert q["ytd"].iloc[i] == running
        else:
            assert np.isnan(q["ytd"].iloc[i])
    assert q["ytd_quarters"].iloc[-1] == len(have)


@FAST
@given(
    counts=st.lists(st.integers(0, 500), min_size=6, max_size=10),
    factor=st.integers(2, 50),
)
def test_rates_scale_with_counts(counts, factor):
    periods = [f"{2014 + (i // 4)}Q{i % 4 + 1}" for i in range(len(counts))]
    pops = pd.DataFrame({"year": range(2013, 2020), "population": 45_000})

    def rates(cs):
        obs = pd.DataFrame(
            {"indicator": "X", "period": periods, "numerator": [float(c) for c in cs],
             "status": "ok"}
        )  # fmt: skip
        return quarterly_measures(obs, _cat("rate_per_10k", "average", 4, 10_000.0), pops)

    base = rates(counts)["value"].to_numpy()
    scaled = rates([c * factor for c in counts])["value"].to_numpy()
    np.testing.assert_allclose(scaled, base * factor, rtol=1e-12, equal_nan=True)


@FAST
@given(
    values=st.lists(st.floats(-1000, 1000, allow_nan=False), min_size=1, max_size=8),
    green=st.floats(-500, 500),
    gap=st.floats(0, 200),
)
def test_mirroring_data_and_flipping_polarity_gives_the_same_rag(values, green, gap):
    red = green - gap  # high is good: green >= red

    def rag(vals, polarity, g, r):
        frame = pd.DataFrame(
            {"indicator": "X", "ordinal": range(len(vals)), "value": vals, "quarter_value": vals,
             "polarity": polarity}
        )  # fmt: skip
        traj = trend_table(frame)["trajectory"].to_numpy()
        band = value_band([vals[-1]], [polarity], [g], [r], [g])
        met, _ = target_axis(target_met([vals[-1]], [g], [polarity]))
        _, assurance, rag_, trig, _ = continuum(met, traj)
        return band[0], assurance[0], rag_[0], trig[0]

    assert rag(values, "high", green, red) == rag([-v for v in values], "low", -green, -red)

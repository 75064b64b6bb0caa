"""Wilson and Byar intervals against published values; better / similar / worse by polarity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.analytics.stats import (
    compare,
    compare_frame,
    poisson_count_interval,
    rate_interval,
    value_interval,
    wilson_interval,
    z_value,
)


def test_z_values_used_by_fingertips():
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(0.998) == pytest.approx(3.090232, abs=1e-6)


@pytest.mark.parametrize(
    ("k", "n", "lower", "upper"),
    [
        # Newcombe (1998) Statistics in Medicine 17:857-872, table II, method 3 (Wilson score
        # without continuity correction), 95%:
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_newcombe_examples(k, n, lower, upper):
    lo, hi = wilson_interval(k, n, 0.95)
    assert lo == pytest.approx(lower, abs=5e-5)
    assert hi == pytest.approx(upper, abs=5e-5)


def test_wilson_99_8_is_wider_and_contains_95():
    lo95, hi95 = wilson_interval(81, 263, 0.95)
    lo998, hi998 = wilson_interval(81, 263, 0.998)
    # by hand, z = 3.090232, z^2 = 9.549534, p = 81/263 = 0.307985:
    # centre = (p + z^2/526) / (1 + z^2/263) = 0.326140 / 1.036310 = 0.314712
    # half = z sqrt(p(1-p)/263 + z^2/(4 x 263^2)) / 1.036310
    #      = 3.090232 x sqrt(0.00081039 + 0.00003452) / 1.036310 = 0.086677
    assert lo998 == pytest.approx(0.314712 - 0.086677, abs=5e-6)
    assert hi998 == pytest.approx(0.314712 + 0.086677, abs=5e-6)
    assert lo998 < lo95 and hi998 > hi95


def test_wilson_invalid_inputs_are_nan():
    lo, hi = wilson_interval([5, 3, np.nan], [0, 2, 10], 0.95)
    assert np.isnan(lo).all() and np.isnan(hi).all()


@pytest.mark.parametrize(
    ("o", "lower", "upper"),
    [
        # exact Poisson 95% limits for small counts (the chi-square method), as tabulated by
        # e.g. Ulm (1990) Am J Epidemiol 131:373-375 and the Fingertips technical guidance:
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (2, 0.2422, 7.225),
        (5, 1.6235, 11.668),
        (9, 4.1154, 17.085),
    ],
)
def test_exact_poisson_below_ten(o, lower, upper):
    lo, hi = poisson_count_interval(o, 0.95)
    assert lo == pytest.approx(lower, abs=6e-4)
    assert hi == pytest.approx(upper, abs=6e-4)


def test_byar_thirty_events_matches_published_exact_limits():
    # Published exact 95% limits for 30 observed cases: 20.24 to 42.83 (Breslow and Day tables,
    # reproduced in "Biological Effects of Low Level Exposures", 1992, tables 7.5A/B).
    # Byar by hand: 30 (1 - 1/270 - 1.96/(3 sqrt 30))^3 = 30 x 0.87702^3 = 20.237;
    # 31 (1 - 1/279 + 1.96/(3 sqrt 31))^3 = 31 x 1.11376^3 = 42.828.
    lo, hi = poisson_count_interval(30, 0.95)
    assert lo == pytest.approx(20.24, abs=0.005)
    assert hi == pytest.approx(42.83, abs=0.005)


def test_byar_is_within_published_accuracy_of_exact_from_ten():
    # Fingertips technical guide: at 95% Byar's is within 0.2% of the exact limits for
    # numerators of 10 or more.
    o = np.arange(10, 500)
    blo, bhi = poisson_count_interval(o, 0.95)
    elo, ehi = poisson_count_interval(o, 0.95, exact_below=10**9)
    assert np.max(np.abs(blo / elo - 1)) < 0.002
    assert np.max(np.abs(bhi / ehi - 1)) < 0.002


def test_switch_to_byar_at_ten():
    lo9, _ = poisson_count_interval(9, 0.95)
    lo10, _ = poisson_count_interval(10, 0.95)
    byar10 = 10 * (1 - 1 / 90 - 1.959964 / (3 * np.sqrt(10))) ** 3
    assert lo10 == pytest.approx(byar10)
    assert lo9 == pytest.approx(4.1154, abs=6e-4)


def test_rate_interval_scales_counts_by_population():
    # 297 EISAs over 45,659 children: 65.05 per 10,000; Byar limits of 297 scaled by 1e4/45,659
    lo, hi = rate_interval(297, 45659, 10_000, 0.95)
    olo, ohi = poisson_count_interval(297, 0.95)
    assert lo == pytest.approx(olo / 45659 * 10_000)
    assert hi == pytest.approx(ohi / 45659 * 10_000)
    assert lo < 297 / 45659 * 10_000 < hi


def test_value_interval_by_unit():
    lo, hi, method = value_interval(
        ["percent", "rate_per_10k", "rate_per_10k", "days"],
        [81, 297, 4, 400],
        [263, 45659, 45659, 10],
        [100, 10_000, 10_000, 1],
        0.95,
    )
    assert lo[0] == pytest.approx(25.53, abs=0.005)
    assert list(method) == ["Wilson 95%", "Byar 95%", "exact Poisson 95%", ""]
    assert np.isnan(lo[3])


@pytest.mark.parametrize(
    ("lower", "upper", "comparator", "polarity", "expected"),
    [
        (50, 60, 40, "high", "better"),
        (50, 60, 40, "low", "worse"),
        (50, 60, 70, "high", "worse"),
        (50, 60, 70, "low", "better"),
        (50, 60, 55, "high", "similar"),
        (50, 60, 60, "high", "similar"),  # touching the limit is not significant
        (50, 60, np.nan, "high", "not comparable"),
        (50, 60, 40, "", "not comparable"),
    ],
)
def test_compare_with_interval(lower, upper, comparator, polarity, expected):
    assert compare([55], [lower], [upper], [comparator], [polarity])[0] == expected


def test_compare_without_interval_uses_point_values():
    out = compare([10, 10, 10], [np.nan] * 3, [np.nan] * 3, [8, 10, 12], ["high"] * 3)
    assert list(out) == ["better", "similar", "worse"]


def test_compare_frame_reports_method():
    frame = pd.DataFrame(
        {
            "value": [65.05, 420.0],
            "unit": ["rate_per_10k", "days"],
            "polarity": ["high", "low"],
            "multiplier": [10_000, 1],
            "ci_numerator": [297, np.nan],
            "ci_denominator": [45659, np.nan],
            "england": [50.0, 426.0],
        }
    )
    res = compare_frame(frame, "england")
    # 65.05 with 95% limits about 57.9 to 72.9: above England's 50, high is good -> better
    assert list(res["england_status"]) == ["better", "better"]
    assert list(res["england_method"]) == ["Byar 95%", "point values (no counts for an interval)"]

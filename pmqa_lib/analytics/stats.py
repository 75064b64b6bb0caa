"""Confidence intervals and comparator significance (better / similar / worse).

The methods are those of the OHID Fingertips public health technical guidance and the
PHEindicatormethods R package (``phe_proportion``, ``phe_rate``):

* proportions: Wilson score interval (Wilson 1927; Newcombe 1998, method 3), no continuity
  correction. Newcombe's worked example 81/263 gives 0.2553 to 0.3662 at 95%.
* rates (counts of events over a population): Byar's approximation to the exact Poisson limits
  for 10 or more events, and the exact Poisson limits from the chi-square distribution below 10
  (Breslow and Day 1987; Armitage and Berry 2002)::

      O_lower = O (1 - 1/(9 O) - z / (3 sqrt(O)))^3
      O_upper = (O + 1) (1 - 1/(9 (O + 1)) + z / (3 sqrt(O + 1)))^3
      exact:  O_lower = chi2.ppf(a/2, 2 O) / 2,  O_upper = chi2.ppf(1 - a/2, 2 O + 2) / 2

Both are vectorised over numpy arrays. Fingertips uses 95% and 99.8% limits; so do we.

Comparison: the local value's interval against the comparator's value (England, statistical
neighbours, region). If the whole interval lies on the good side of the comparator (by the
indicator's polarity) the local value is "better", on the bad side "worse", otherwise "similar".
Where no counts exist (a number, or an average without its counts), the comparison is of the
point values and says so in ``method``.

Degenerate counts: 0 of n gives a Wilson interval from 0 (and n of n one up to 100%); 0 events
give the exact Poisson interval 0 to 3.69 events; one event 0.025 to 5.57. A denominator of 0,
a numerator above its denominator, or a missing count gives no interval (NaN), and the
comparison falls back to the point values, saying so; a missing value or comparator is "not
comparable", with the reason in ``method``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

CONFIDENCE_LEVELS = (0.95, 0.998)
BETTER, SIMILAR, WORSE, NOT_COMPARABLE = "better", "similar", "worse", "not comparable"


def z_value(confidence: float) -> float:
    """Two-sided normal quantile: 0.95 -> 1.95996, 0.998 -> 3.09023."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(sps.norm.ppf(1 - (1 - confidence) / 2))


def wilson_interval(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion, as a fraction (0 to 1).

    Parameters
    ----------
    successes, trials : array-like
        Counts; NaN, negative counts, ``trials <= 0`` or ``successes > trials`` give NaN.
    confidence : float
        e.g. 0.95 or 0.998.

    Returns
    -------
    (lower, upper) : numpy arrays

    Examples
    --------
    Newcombe (1998), Statistics in Medicine 17:857-872, table II: 81/263 -> 0.2553 to 0.3662.
    """
    k = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    z = z_value(confidence)
    valid = (n > 0) & (k >= 0) & (k <= n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    lower = np.where(valid, np.clip(centre - half, 0.0, 1.0), np.nan)
    upper = np.where(valid, np.clip(centre + half, 0.0, 1.0), np.nan)
    return lower, upper


def poisson_count_interval(
    observed, confidence: float = 0.95, exact_below: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits for a count of events: Byar's method, exact Poisson below ``exact_below``.

    Returns
    -------
    (lower, upper) : numpy arrays of counts. NaN for NaN or negative input.
    """
    o = np.asarray(observed, dtype="float64")
    z = z_value(confidence)
    alpha = 1 - confidence
    valid = o >= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        byar_lo = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        byar_hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
        exact_lo = np.where(o > 0, sps.chi2.ppf(alpha / 2, 2 * o) / 2, 0.0)
        exact_hi = sps.chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    small = o < exact_below
    lower = np.where(valid, np.where(small, exact_lo, byar_lo), np.nan)
    upper = np.where(valid, np.where(small, exact_hi, byar_hi), np.nan)
    return lower, upper


def rate_interval(
    count, population, multiplier: float | np.ndarray = 10_000, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Limits of a crude rate ``count / population x multiplier`` (Byar / exact Poisson)."""
    lo, hi = poisson_count_interval(count, confidence)
    pop = np.asarray(population, dtype="float64")
    mult = np.asarray(multiplier, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(pop > 0, mult / pop, np.nan)
    return lo * scale, hi * scale


def value_interval(
    unit, numerator, denominator, multiplier, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval for each row by its unit: Wilson for percentages, Byar for rates per 10,000.

    ``denominator`` is the population for rates and the denominator for percentages. Other units
    (numbers, days, ratios) get NaN limits: there is no count-based interval for them here.

    Returns
    -------
    (lower, upper, method) : arrays; method is e.g. ``"Wilson 95%"``, ``"Byar 95%"``,
    ``"exact Poisson 95%"`` or ``""``.
    """
    unit = np.asarray(unit, dtype=object)
    num = np.asarray(numerator, dtype="float64")
    den = np.asarray(denominator, dtype="float64")
    mult = np.asarray(multiplier, dtype="float64")
    pct = unit == "percent"
    rate = unit == "rate_per_10k"
    wl, wu = wilson_interval(num, den, confidence)
    rl, ru = rate_interval(num, den, mult, confidence)
    lower = np.where(pct, wl * mult, np.where(rate, rl, np.nan))
    upper = np.where(pct, wu * mult, np.where(rate, ru, np.nan))
    label = f"{confidence * 100:g}%"
    method = np.where(
        pct & ~np.isnan(lower),
        f"Wilson {label}",
        np.where(
            rate & ~np.isnan(lower),
            np.where(num < 10, f"exact Poisson {label}", f"Byar {label}"),
            "",
        ),
    )
    return lower, upper, method.astype(object)


def compare(value, lower, upper, comparator, polarity) -> np.ndarray:
    """Better / similar / worse than a comparator, by polarity.

    With an interval (``lower``, ``upper`` not NaN): the interval wholly on the good side of the
    comparator is better, wholly on the bad side worse, otherwise similar. Without an interval the
    point values are compared (equal -> similar). A missing value or comparator, or a polarity that
    is neither "high" nor "low", gives "not comparable".
    """
    v = np.asarray(value, dtype="float64")
    lo = np.asarray(lower, dtype="float64")
    hi = np.asarray(upper, dtype="float64")
    c = np.asarray(comparator, dtype="float64")
    pol = np.asarray(polarity, dtype=object)
    has_ci = ~np.isnan(lo) & ~np.isnan(hi)
    lo = np.where(has_ci, lo, v)
    hi = np.where(has_ci, hi, v)
    above = lo > c
    below = hi < c
    high = pol == "high"
    better = np.where(high, above, below)
    worse = np.where(high, below, above)
    out = np.where(better, BETTER, np.where(worse, WORSE, SIMILAR)).astype(object)
    bad = np.isnan(v) | np.isnan(c) | ~np.isin(pol, ["high", "low"])
    out[bad] = NOT_COMPARABLE
    return out


def not_comparable_reason(value, comparator, polarity) -> np.ndarray:
    """Why :func:`compare` says "not comparable", in words ("" where it does not)."""
    v = np.asarray(value, dtype="float64")
    c = np.asarray(comparator, dtype="float64")
    pol = np.asarray(polarity, dtype=object)
    return np.select(
        [np.isnan(v), np.isnan(c), ~np.isin(pol, ["high", "low"])],
        [
            "not comparable: no value",
            "not comparable: no published comparator",
            "not comparable: no polarity (neither high nor low is good)",
        ],
        default="",
    ).astype(object)


def compare_frame(
    frame: pd.DataFrame,
    comparator_column: str,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Vectorised comparison of every row of ``frame`` with one comparator column.

    ``frame`` needs: value, unit, polarity, multiplier, ci_numerator (events or successes behind
    the value), ci_denominator (population or denominator), and ``comparator_column``.

    Returns
    -------
    DataFrame with ``<comparator>_status``, ``<comparator>_method``, ``lower``, ``upper``
    (the local interval, shared by all comparators), index aligned with ``frame``.
    """
    lower, upper, method = value_interval(
        frame["unit"],
        frame["ci_numerator"],
        frame["ci_denominator"],
        frame["multiplier"],
        confidence,
    )
    status = compare(frame["value"], lower, upper, frame[comparator_column], frame["polarity"])
    method = np.where(
        method == "",
        np.where(
            np.isin(np.asarray(frame["unit"], dtype=object), ["percent", "rate_per_10k"]),
            "point values (no valid counts for an interval)",
            "point values (no counts for an interval)",
        ),
        method,
    )
    method = np.where(
        status == NOT_COMPARABLE,
        not_comparable_reason(frame["value"], frame[comparator_column], frame["polarity"]),
        method,
    )
    return pd.DataFrame(
        {
            f"{comparator_column}_status": status,
            f"{comparator_column}_method": method,
            "lower": lower,
            "upper": upper,
        },
        index=frame.index,
    )

"""Measures: rates, percentages, rolling windows, year to date, annual figures, rounding, target met.

Pure functions, DataFrame in and DataFrame out, vectorised over every series at once (a series is
one indicator, or one indicator of one local authority when ``keys`` holds more than the
indicator). Nothing here reads or writes files.

Rules (DESIGN.md "Calculation rules"; framework Appendix 1):

* rate per 10,000 = count / population aged 0-17 x 10,000. The population is the ONS mid-year
  estimate chosen by :func:`pmqa_lib.core.periods.population_year` (one rule): a stock (a
  snapshot that does not roll: children on a plan at the quarter end) takes DfE's estimate for
  the reporting year holding the day, so a figure at 31 March divides by the previous calendar
  year's estimate as DfE's does; a count over a window of quarters takes the estimate of the
  calendar year holding the window's midpoint (a 4-quarter rolling rate sums the four
  quarterly counts; a year ending 31 March again gives DfE's year).
* percentage = numerator / denominator x 100; averages (days) = numerator / denominator; a number
  is its value. A k-quarter rolling percentage or average sums numerators and denominators.
* year to date by result type: cumulative = sum of the quarters so far, average = mean of the
  quarterly values so far, snapshot = the latest quarter's value; a percentage, ratio or average
  in days pools its counts instead (an average over cases: 3.1's days over its children).
* annual figure per financial year: the same rule over the year's quarters (partial years are
  marked with the number of quarters they hold).
* everything is computed in full precision; :func:`pmqa_lib.core.format.round_half_away` rounds for display only,
  half away from zero.
* missing is missing: a rejected or missing observation gives NaN and keeps its status.

Worked example (framework Appendix 1, indicator 1.1): counts 45 (2014Q2), 129 (2014Q3 + 2014Q4),
77 (2015Q1), 91 (2015Q2). 2015Q1's window is July 2014 to June 2015, midpoint 30 December 2014,
so mid-2014 (45,585): 251 / 45,585 x 10,000 = 55.06 -> "55.1". 2015Q2's window is October 2014 to
September 2015, midpoint 1 April 2015, so mid-2015 (45,659): 297 / 45,659 x 10,000 = 65.05 ->
"65.0". YTD (average) = (55.06 + 65.05) / 2 = 60.05 -> "60.1".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import ANNUAL_DUE_QUARTER, counts_a_stock
from pmqa_lib.core.format import (
    NO_DATA,
    NO_DATA_POPULATION,
    NO_DATA_WINDOW,
    NOT_DUE,
    format_codes,
    format_value,
)
from pmqa_lib.core.periods import (
    Quarter,
    financial_year_labels,
    population_year,
    quarter_ordinals,
)

logger = logging.getLogger(__name__)

STATUSES = ("ok", "rejected", "missing", "suppressed", "not_due")

_CATALOGUE_COLUMNS = [
    "indicator", "polarity", "unit", "precision", "result_type", "multiplier",
    "rolling_quarters", "target", "frequency", "reporting_period",
]  # fmt: skip


class MeasuresError(ValueError):
    """The inputs cannot give a measure; the message says which rows and why."""


# ---------------------------------------------------------------------------------------------
# Periods, vectorised


def period_ordinal(period: pd.Series) -> np.ndarray:
    """``"2015Q2"`` -> running quarter number (``Quarter.ordinal``), for a whole column at once.

    Raises
    ------
    MeasuresError
        Naming the first period that is not of the form ``YYYYQn``.
    """
    period = pd.Series(period)
    ordinals = quarter_ordinals(period)
    bad = np.isnan(ordinals)
    if bad.any():
        first = period[bad].iloc[0]
        if pd.isna(first):
            raise MeasuresError("a period is missing; expected quarters of the form YYYYQn")
        raise MeasuresError(f"period {first!r} is not a quarter of the form YYYYQn, e.g. 2015Q2")
    return ordinals.astype("int64")


def _dense_unique(key: np.ndarray, max_span: int = 50_000_000) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for integer keys, in linear time when the keys
    span a small range (quarters, years, windows): a presence table instead of a sort."""
    key = np.asarray(key, dtype="int64").ravel()
    if len(key) == 0:
        return key.copy(), np.zeros(0, dtype="int64")
    lo, hi = int(key.min()), int(key.max())
    if hi - lo > max_span:
        uniq, inverse = np.unique(key, return_inverse=True)
        return uniq, inverse.ravel()
    present = np.zeros(hi - lo + 1, dtype=bool)
    present[key - lo] = True
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present) + lo, rank[key - lo]


def _str_from_codes(labels: Sequence[str] | np.ndarray, codes: np.ndarray):
    """A column of the default string dtype holding ``labels[codes]``, built by one take on the
    (few) labels rather than by converting millions of Python strings; an empty result keeps
    the object dtype an empty object array would give."""
    labels = np.asarray(labels, dtype=object)
    if len(codes) == 0:
        return labels[np.asarray(codes, dtype="int64")]
    return pd.array(labels, dtype="str").take(np.asarray(codes, dtype="int64"))


def population_years(
    first: np.ndarray, last: np.ndarray, stock: np.ndarray | bool = False
) -> np.ndarray:
    """Population year for each window ``first..last`` (quarter ordinals), vectorised.

    ``stock`` (per row, or one flag for all) marks a count of children on the last day of
    ``last`` rather than a count of events over the window. Calls
    :func:`pmqa_lib.core.periods.population_year` once per distinct (window, stock), so the rule
    lives in one place: a stock at 31 March divides by DfE's mid-year (the previous calendar
    year), a count over a window by the estimate of the year holding its midpoint.
    """
    first = np.asarray(first, dtype="int64")
    last = np.asarray(last, dtype="int64")
    if len(first) == 0:
        return np.zeros(0, dtype="int64")
    is_stock = np.broadcast_to(np.asarray(stock, dtype=bool), first.shape).astype("int64")
    span = last - first
    f0, s0 = int(first.min()), int(span.min())
    width = int(span.max()) - s0 + 1
    uniq, inverse = _dense_unique(((first - f0) * width + (span - s0)) * 2 + is_stock)
    window, flag = uniq // 2, (uniq % 2).astype(bool)
    years = np.array(
        [
            population_year(Quarter.from_ordinal(int(a)), Quarter.from_ordinal(int(a + b)), st)
            for a, b, st in zip(
                (window // width + f0).tolist(),
                (window % width + s0).tolist(),
                flag.tolist(),
                strict=True,
            )
        ],
        dtype="int64",
    )
    return years[inverse]


# ---------------------------------------------------------------------------------------------
# Helpers


def _sorted_series_codes(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Integer code of each row's series, numbered in sorted key order (as
    ``groupby(keys, sort=True).ngroup()``), with missing keys as a value of their own, and a
    mask of the rows whose keys are all present.

    Each key column is factorized once; the series are then handled as integers, so grids,
    duplicate checks and ordering never hash or compare strings row by row.
    """
    code = np.zeros(len(frame), dtype="int64")
    present = np.ones(len(frame), dtype=bool)
    for k in keys:
        c, uniq = pd.factorize(frame[k], sort=True, use_na_sentinel=False)
        present &= ~pd.isna(frame[k]).to_numpy()
        combined = code * (len(uniq) + 1) + c
        code, _ = pd.factorize(combined, sort=True)  # renumber densely, order kept
    return code.astype("int64", copy=False), present


def _shift_in_series(values: np.ndarray, sid: np.ndarray, j: int) -> np.ndarray:
    """``values`` shifted down by ``j`` rows within each series (rows sorted by series, time)."""
    out = np.full(values.shape, np.nan)
    if j == 0:
        return values.astype("float64", copy=True)
    if j >= len(values):
        return out
    same = sid[j:] == sid[:-j]
    out[j:] = np.where(same, values[:-j], np.nan)
    return out


def _rolling_sum(values: np.ndarray, sid: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Sum of the last ``k`` rows (k per row) within the series; NaN if any of them is NaN."""
    total = np.zeros(values.shape)
    kmax = int(k.max()) if len(k) else 1
    for j in range(kmax):  # loop over window offsets (<= 4 or so), not over series
        shifted = _shift_in_series(values, sid, j)
        use = j < k
        total = np.where(use, total + shifted, total)
    return total


def complete_grid(
    observations: pd.DataFrame, keys: Sequence[str], until: Quarter | str | None = None
) -> pd.DataFrame:
    """One row per series and quarter from its first quarter to ``until`` (or its last).

    Quarters with no observation get ``status = "missing"`` and NaN values, so rolling windows
    and shifts line up with the calendar, never with the row order. Rows come sorted by the
    keys and then by quarter.
    """
    return _complete_grid(observations, keys, until)[0]


def _complete_grid(
    observations: pd.DataFrame, keys: Sequence[str], until: Quarter | str | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`complete_grid` and the series number (0, 1, ...) of each of its rows."""
    keys = list(keys)
    ordv = period_ordinal(observations["period"])
    code, present = _sorted_series_codes(observations, keys)
    o_lo = int(ordv.min()) if len(ordv) else 0
    o_width = int(ordv.max()) - o_lo + 1 if len(ordv) else 1
    dup = pd.Series(code * o_width + (ordv - o_lo)).duplicated(keep=False).to_numpy()
    if dup.any():
        first = observations.loc[dup, keys + ["period"]].iloc[0].to_dict()
        raise MeasuresError(
            f"{int(dup.sum())} observations share a series and period, e.g. {first}; "
            "observations must hold one resolved row per indicator and period"
        )
    # series with all keys present, their first and last quarters (before ``until``)
    rows = np.flatnonzero(present)
    code_p, ord_p = code[rows], ordv[rows]
    n_codes = int(code.max()) + 1 if len(code) else 0
    lo = np.full(n_codes, np.iinfo("int64").max)
    hi = np.full(n_codes, np.iinfo("int64").min)
    np.minimum.at(lo, code_p, ord_p)
    np.maximum.at(hi, code_p, ord_p)
    first_row = np.full(n_codes, -1)
    first_row[code_p[::-1]] = rows[::-1]
    series = np.flatnonzero(first_row >= 0)  # in sorted key order
    if until is not None:
        u = Quarter.parse(until).ordinal
        hi = np.maximum(hi, u)
        keep = ord_p <= u
        rows, code_p, ord_p = rows[keep], code_p[keep], ord_p[keep]
        series = series[lo[series] <= u]
    lengths = hi[series] - lo[series] + 1
    offsets = np.cumsum(lengths) - lengths
    n_out = int(lengths.sum())
    sid = np.repeat(np.arange(len(series)), lengths)
    number = np.full(n_codes, -1)
    number[series] = np.arange(len(series))
    grid_ord = np.repeat(lo[series], lengths) + (np.arange(n_out) - np.repeat(offsets, lengths))

    # where each observation lands in the grid
    source = np.full(n_out, -1)
    at = number[code_p]
    source[offsets[at] + ord_p - lo[series][at]] = rows

    grid = observations[keys].take(first_row[series][sid]).reset_index(drop=True)
    grid["_ord"] = grid_ord
    carried = [c for c in observations.columns if c not in keys and c not in ("period", "_ord")]
    values = observations[carried].reset_index(drop=True).reindex(source)
    out = pd.concat([grid, values.reset_index(drop=True)], axis=1)
    out["status"] = out["status"].fillna("missing") if "status" in out else "missing"
    out["period"] = _str_from_codes(*_period_codes(grid_ord))
    return out, sid


def _period_codes(ordinal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``"2015Q2"`` labels of the distinct ordinals and each row's code into them."""
    uniq, inverse = _dense_unique(ordinal)
    return np.array([f"{o // 4}Q{o % 4 + 1}" for o in uniq.tolist()], dtype=object), inverse


# ---------------------------------------------------------------------------------------------
# Quarterly measures


def quarterly_measures(
    observations: pd.DataFrame,
    catalogue: pd.DataFrame,
    populations: pd.DataFrame | None,
    targets: pd.DataFrame | None = None,
    keys: Sequence[str] = ("indicator",),
    until: Quarter | str | None = None,
) -> pd.DataFrame:
    """Every quarter's measure for every series.

    Parameters
    ----------
    observations : DataFrame
        ``keys`` columns, ``period`` ("2015Q2"), ``numerator``, ``denominator``, ``value``,
        ``status`` ("ok" / "rejected" / "missing"); other columns are carried through.
    catalogue : DataFrame
        ``Catalogue.to_frame()``: indicator, polarity, unit, precision, result_type,
        multiplier, rolling_quarters, target (green/red are not needed here).
    populations : DataFrame or None
        ``year`` (ONS mid-year) and ``population``, plus any ``keys`` columns other than
        ``indicator`` (e.g. ``la`` for a national table). Needed only for rates.
    targets : DataFrame, optional
        ``Catalogue.targets_frame()``: indicator, fy_label, target (year-specific targets).
    keys : sequence of str
        Columns identifying a series; must include ``indicator``.
    until : Quarter or str, optional
        Extend every series with "missing" quarters up to this quarter, and drop later ones.

    Returns
    -------
    DataFrame
        One row per series and quarter: keys, period, fy, fy_label, quarter_in_year,
        numerator, denominator, population, population_year, quarter_value (the quarter alone,
        on the headline's scale: a k-quarter rolling count or rate uses the quarter's count x k),
        value (the headline: rolling where the indicator rolls), rolling_numerator,
        rolling_denominator, rolling_value, ytd, ytd_quarters, target, ytd_target, target_met,
        ytd_target_met, status, note, display_value, ytd_display, plus the catalogue columns.
    """
    keys = list(keys)
    if "indicator" not in keys:
        raise MeasuresError("keys must include 'indicator'")
    missing_cols = {"period", "status"} - set(observations.columns)
    if missing_cols:
        raise MeasuresError(f"observations lack column(s): {', '.join(sorted(missing_cols))}")
    obs = observations.copy(deep=False)
    for col in ("numerator", "denominator", "value"):
        obs[col] = pd.to_numeric(obs[col], errors="coerce") if col in obs else np.nan
    seen = pd.Series(obs["indicator"].unique()).astype(str)
    unknown = sorted(set(seen) - set(catalogue["indicator"].astype(str)))
    if unknown:
        raise MeasuresError(f"indicator(s) not in the catalogue: {', '.join(unknown[:10])}")

    df, sid = _complete_grid(obs, keys, until)
    cat = catalogue[[c for c in _CATALOGUE_COLUMNS if c in catalogue.columns]]
    df = _join_catalogue(df, cat)
    # catalogue fields per row, read once per indicator rather than once per row
    icode, ifirst = _codes_and_first_rows(df["indicator"])

    def per_row(col: str) -> np.ndarray:
        return df[col].iloc[ifirst].astype("str").to_numpy(dtype=object)[icode]

    status_ok = (df["status"] == "ok").to_numpy(dtype=bool)
    not_ok = ~status_ok
    for col in ("numerator", "denominator", "value"):
        df[col] = df[col].astype("float64").mask(not_ok)

    ordv = df["_ord"].to_numpy()
    k = df["rolling_quarters"].fillna(1).astype("int64").to_numpy()
    mult = df["multiplier"].fillna(1.0).astype("float64").to_numpy()
    unit = per_row("unit")
    is_rate = unit == "rate_per_10k"
    is_number = unit == "number"

    # populations: one for the quarter alone, one for the k-quarter window (rates only); a
    # stock (a snapshot that does not roll) is a count on the quarter's last day
    rtype = per_row("result_type")
    first_rows = df.iloc[ifirst]  # one row per indicator: the catalogue's answer, then per row
    stock = counts_a_stock(
        first_rows["result_type"].astype("str").to_numpy(dtype=object),
        first_rows["rolling_quarters"].fillna(1).to_numpy(dtype="float64"),
    )[icode]
    # an annual indicator's count covers its whole year (referrals in the year ending 31 March):
    # the four quarters ending with the quarter that carries it, whose midpoint gives DfE's year
    annual = (
        per_row("frequency") == "annual" if "frequency" in df else np.zeros(len(df), dtype=bool)
    )
    span_q = np.where(annual & ~stock, ANNUAL_WINDOW, 1)
    span_w = np.maximum(k, span_q)
    _set(df, "population_year", population_years(ordv - span_w + 1, ordv, stock))
    pop_q = np.full(len(df), np.nan)
    pop_w = np.full(len(df), np.nan)
    if is_rate.any():
        if populations is None or populations.empty:
            raise MeasuresError("rates per 10,000 need populations (year, population)")
        pkeys = [c for c in keys if c in populations.columns and c != "indicator"]
        pop = populations[pkeys + ["year", "population"]].copy()
        if pop.duplicated(pkeys + ["year"]).any():
            raise MeasuresError("populations hold more than one row for a year; pick one release")
        pop["year"] = pop["year"].astype("int64")
        pop["population"] = pop["population"].astype("float64")
        rate_rows = np.flatnonzero(is_rate)
        look = df[pkeys].iloc[rate_rows].reset_index(drop=True)
        look["year"] = df["population_year"].to_numpy()[rate_rows]
        pop_w[rate_rows] = look.merge(pop, on=pkeys + ["year"], how="left")["population"]
        look["year"] = population_years(
            ordv[rate_rows] - span_q[rate_rows] + 1, ordv[rate_rows], stock[rate_rows]
        )
        pop_q[rate_rows] = look.merge(pop, on=pkeys + ["year"], how="left")["population"]
    num = df["numerator"].to_numpy()
    den_in = df["denominator"].to_numpy()
    val_in = df["value"].to_numpy()
    # a rate returned with its population (DfE's published returns give the estimate DfE divided
    # by) divides by that; otherwise by the reference table's (docs/returns.md)
    pop_q = np.where(is_rate & (k == 1) & ~np.isnan(den_in), den_in, pop_q)

    # the quarter alone
    den_q = np.where(is_rate, pop_q, den_in)
    has_ratio = ~np.isnan(num) & ~np.isnan(den_q) & (den_q != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q_ratio = num / den_q * mult
    number_val = np.where(np.isnan(val_in), num, val_in)
    q_val = np.where(is_number, number_val, np.where(has_ratio, q_ratio, val_in))
    quarter_value = np.where(is_rate | is_number, q_val * k, q_val)
    # a rolling headline on a quarterly scale: a rate or a count over k quarters is k times one
    # quarter; percentages and averages keep their scale.
    quarter_value = np.where(k > 1, quarter_value, q_val)

    # the k-quarter window
    r_num = _rolling_sum(np.where(is_number, number_val, num), sid, k)
    r_den = np.where(is_rate, pop_w, _rolling_sum(den_in, sid, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        r_ratio = np.where(r_den != 0, r_num / r_den * mult, np.nan)
    rolling_value = np.where(is_number, r_num, r_ratio)
    value = np.where(k > 1, rolling_value, q_val)

    # notes as codes into _NOTE_LABELS (later rules win, as they are applied in this order)
    note_code = np.zeros(len(df), dtype="int64")
    own_ok = status_ok & ~np.isnan(q_val)
    note_code[(k > 1) & own_ok & np.isnan(r_num)] = 1
    pop_gap = is_rate & status_ok & ~np.isnan(num) & np.isnan(np.where(k > 1, pop_w, pop_q))
    note_code[pop_gap] = 2
    if pop_gap.any():
        yrs = sorted(set(df.loc[pop_gap, "population_year"].tolist()))
        logger.warning("no population for year(s) %s: those rates are NaN", yrs)

    _set(df, "population", np.where(is_rate, np.where(k > 1, pop_w, pop_q), np.nan))
    _set(df, "quarter_value", quarter_value)
    _set(df, "value", value)
    _set(df, "rolling_numerator", np.where(k > 1, r_num, np.nan))
    _set(df, "rolling_denominator", np.where(k > 1, r_den, np.nan))
    _set(df, "rolling_value", np.where(k > 1, rolling_value, np.nan))
    # an annual indicator is returned once a year: other quarters are "not due", not "missing"
    if "frequency" in df:
        first = df.iloc[ifirst]
        due_q = first["reporting_period"].map(ANNUAL_DUE_QUARTER).fillna(4).to_numpy()[icode]
        not_due = (
            (first["frequency"].astype("str").to_numpy()[icode] == "annual")
            & (ordv % 4 + 1 != due_q)
            & (df["status"] == "missing").to_numpy(dtype=bool)
        )
        if not_due.any():
            df.loc[not_due, "status"] = "not_due"
        note_code[not_due] = 3
    df["note"] = _str_from_codes(_NOTE_LABELS, note_code)

    _set(df, "fy", ordv // 4)
    _set(df, "quarter_in_year", ordv % 4 + 1)
    df["fy_label"] = pd.array(financial_year_labels(df["fy"].to_numpy()), dtype="str")
    df = _add_ytd(df, keys, group=_runs_of(sid, df["fy"].to_numpy()), unit=unit, rtype=rtype)
    df = _add_targets(df, targets, unit=unit, rtype=rtype, polarity=per_row("polarity"))
    precision = df["precision"].fillna(1).astype("int64").to_numpy()
    status = df["status"].to_numpy()
    by_status = np.select(
        [status == "rejected", status == "suppressed"],
        [len(_NOTE_LABELS), len(_NOTE_LABELS) + 1],
        0,
    )
    reason = np.where(note_code > 0, note_code, by_status)
    df["display_value"] = _display_column(df["value"].to_numpy(), precision, reason)
    df["ytd_display"] = _display_column(df["ytd"].to_numpy(), precision, None)
    df["kind"] = "quarter"
    return df.drop(columns=["_ord"])


_NOTE_LABELS = ("", NO_DATA_WINDOW, NO_DATA_POPULATION, NOT_DUE)
#: quarters an annual indicator's count covers (its population is the year's midpoint's)
ANNUAL_WINDOW = 4
# why a value is missing, by note code (0: no note, so "not returned"), then "rejected"
_REASON_LABELS = (
    NO_DATA["missing"],
    NO_DATA_WINDOW,
    NO_DATA_POPULATION,
    NOT_DUE,
    NO_DATA["rejected"],
    NO_DATA["suppressed"],
)


def _join_catalogue(df: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """``df.merge(cat, on="indicator", how="left", validate="many_to_one")``, done as one take
    of the catalogue rows when every indicator is found once and no column names clash (the
    merge itself, with its errors, otherwise)."""
    clash = (set(cat.columns) & set(df.columns)) - {"indicator"}
    if not clash and cat["indicator"].is_unique:
        codes, uniq = pd.factorize(df["indicator"])
        at = pd.Index(cat["indicator"]).get_indexer(uniq)
        if (codes >= 0).all() and (at >= 0).all():
            add = cat.drop(columns=["indicator"]).iloc[at[codes]].reset_index(drop=True)
            add.index = df.index
            return pd.concat([df, add], axis=1)
    return df.merge(cat, on="indicator", how="left", validate="many_to_one")


def _codes_and_first_rows(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code for its distinct value, and the position of each value's first row."""
    codes, uniq = pd.factorize(column, use_na_sentinel=False)
    first = np.full(len(uniq), -1)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return codes, first


def _set(df: pd.DataFrame, column: str, values: np.ndarray) -> None:
    """``df[column] = values`` for a freshly computed array, handed over without the copy
    pandas makes of an assigned array (a national table's columns are ~50 MB each)."""
    df[column] = pd.Series(values, index=df.index, copy=False)


def _runs_of(sid: np.ndarray, fy: np.ndarray) -> np.ndarray:
    """Group number of each row for (series, financial year), rows sorted by series and time."""
    start = np.ones(len(sid), dtype=bool)
    start[1:] = (sid[1:] != sid[:-1]) | (fy[1:] != fy[:-1])
    return np.cumsum(start) - 1


def _additive(unit: np.ndarray) -> np.ndarray:
    """Units whose quarterly values add up (counts, rates on one population); percentages,
    averages and ratios do not: their cumulative figure pools numerators and denominators."""
    return np.isin(unit, ["number", "rate_per_10k"])


def _pooled(df: pd.DataFrame, group: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Running sums of numerator and denominator within ``group`` over quarters holding both
    (and a value), and how many quarters that is."""
    num = df["numerator"].to_numpy(dtype="float64")
    den = df["denominator"].to_numpy(dtype="float64")
    both = ~np.isnan(num) & ~np.isnan(den) & ~np.isnan(df["value"].to_numpy())
    s_num = pd.Series(np.where(both, num, 0.0), index=df.index, copy=False).groupby(group).cumsum()
    s_den = pd.Series(np.where(both, den, 0.0), index=df.index, copy=False).groupby(group).cumsum()
    s_n = pd.Series(both.astype("int64"), index=df.index, copy=False).groupby(group).cumsum()
    return s_num.to_numpy(), s_den.to_numpy(), s_n.to_numpy()


def _combine(
    rtype: np.ndarray,
    unit: np.ndarray,
    n: np.ndarray,
    total: np.ndarray,
    p_num: np.ndarray,
    p_den: np.ndarray,
    p_n: np.ndarray,
    mult: np.ndarray,
    latest: np.ndarray,
) -> np.ndarray:
    """A year to date or annual figure from its quarters, by result type and unit (one rule for
    both; DESIGN.md "Calculation rules").

    * cumulative: counts and rates per 10,000 add up (``total``);
    * average: counts and rates per 10,000 take the mean of the quarterly values (1.1: the mean
      of its rolling rates, 60.1 = (55.06 + 65.05) / 2);
    * cumulative or average of a percentage, ratio or average in days: the quarters' numerators
      over their denominators, an average over cases rather than over quarters (3.1: 1,094 days
      / 2 children then 1,563 / 3 give 2,657 / 5 = 531.4 days, not the mean of 547 and 521).
      Where a quarter holding a value lacks its counts the pool cannot be formed, and the mean of
      the quarterly values is used;
    * snapshot: the latest quarter's value (``latest``).

    ``n`` is the number of quarters holding a value, ``p_n`` of those holding counts too.
    """
    additive = _additive(unit)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        poolable = (p_n == n) & (p_den > 0)
        pooled = np.where(poolable, p_num / p_den * mult, mean)
    by_counts = np.where(additive, total, pooled)
    by_average = np.where(additive, mean, pooled)
    return np.select(
        [rtype == "cumulative", rtype == "average", rtype == "snapshot"],
        [np.where(n > 0, by_counts, np.nan), np.where(n > 0, by_average, np.nan), latest],
        default=np.nan,
    )


def _add_ytd(
    df: pd.DataFrame,
    keys: list[str],
    group: np.ndarray | None = None,
    unit: np.ndarray | None = None,
    rtype: np.ndarray | None = None,
) -> pd.DataFrame:
    """Year to date within each series and financial year, by result type (:func:`_combine`).

    A percentage (or ratio, or average in days) pools the quarters' numerators and
    denominators: 30/40 then 10/60 is 40/100 = 40%, not the mean of 75% and 16.7%. Without
    counts it falls back to the mean of the quarterly values. ``group`` (series and financial
    year, as integers), ``unit`` and ``rtype`` may be passed when the caller has them already.
    """
    v = df["value"].to_numpy()
    have = ~np.isnan(v)
    if group is None:
        group = df.groupby(keys + ["fy"], sort=False, observed=True).ngroup().to_numpy()
    grp = pd.Series(group, index=df.index, copy=False)
    count = pd.Series(have.astype("int64"), index=df.index, copy=False).groupby(grp).cumsum()
    total = pd.Series(np.where(have, v, 0.0), index=df.index, copy=False).groupby(grp).cumsum()
    count = count.to_numpy()
    total = total.to_numpy()
    if rtype is None:
        rtype = df["result_type"].astype("str").to_numpy()
    if unit is None:
        unit = df["unit"].astype("str").to_numpy()
    p_num, p_den, p_n = _pooled(df, grp)
    mult = df["multiplier"].fillna(1.0).astype("float64").to_numpy()
    ytd = _combine(rtype, unit, count, total, p_num, p_den, p_n, mult, v)
    _set(df, "ytd", ytd)
    _set(df, "ytd_quarters", count)
    return df


def _add_targets(
    df: pd.DataFrame,
    targets: pd.DataFrame | None,
    unit: np.ndarray | None = None,
    rtype: np.ndarray | None = None,
    polarity: np.ndarray | None = None,
) -> pd.DataFrame:
    """Target for the financial year (year-specific where given), YTD target, target met.

    ``unit``, ``rtype`` and ``polarity`` (one per row) may be passed when the caller has them.
    """
    target = df["target"].astype("float64")
    if targets is not None and not targets.empty:
        t = targets.rename(columns={"target": "_t"})[["indicator", "fy_label", "_t"]]
        merged = df[["indicator", "fy_label"]].merge(t, on=["indicator", "fy_label"], how="left")
        target = pd.Series(merged["_t"].to_numpy(), index=df.index).fillna(target)
    df["target"] = target
    if rtype is None:
        rtype = df["result_type"].astype("str").to_numpy()
    if unit is None:
        unit = df["unit"].astype("str").to_numpy()
    if polarity is None:
        polarity = df["polarity"]
    cumulative = (rtype == "cumulative") & _additive(unit)
    # a cumulative count's target is per quarter: the YTD target adds one per quarter so far
    # (Appendix 1: 75 new EISAs per quarter, 150 at Q2); a cumulative percentage keeps its target.
    _set(df, "ytd_target", np.where(cumulative, target * df["quarter_in_year"], target))
    df["target_met"] = target_met(df["value"], df["target"], polarity)
    ytd_met = target_met(df["ytd"], df["ytd_target"], polarity)
    # a cumulative total missing a quarter is unknown against its target, not met or missed
    # (for low-is-good the partial total would look met simply because a quarter is missing)
    partial = cumulative & (df["ytd_quarters"].to_numpy() < df["quarter_in_year"].to_numpy())
    ytd_met[partial] = pd.NA
    df["ytd_target_met"] = ytd_met
    return df


def target_met(value, target, polarity) -> pd.Series:
    """Value on the good side of the target, by polarity (high is good: value >= target).

    Returns a nullable boolean Series: ``<NA>`` where the value or the target is missing.
    """
    v = np.asarray(value, dtype="float64")
    t = np.asarray(target, dtype="float64")
    pol = np.asarray(polarity, dtype=object)
    met = np.where(pol == "low", v <= t, v >= t)
    out = pd.array(met, dtype="boolean")
    out[np.isnan(v) | np.isnan(t) | ~np.isin(pol, ["high", "low"])] = pd.NA
    index = value.index if isinstance(value, pd.Series) else None
    return pd.Series(out, index=index)


def _display_column(values: np.ndarray, precision: np.ndarray, reason: np.ndarray | None):
    """Display strings for a column: the rounded value, or where it is NaN the reason
    (``_REASON_LABELS[reason]``), or ``"no data"`` when ``reason`` is None (year to date)."""
    codes, labels = format_codes(values, precision)
    empty = codes < 0
    if reason is None:
        codes[empty] = len(labels)
        labels = np.append(labels, "no data")
    else:
        codes[empty] = len(labels) + reason[empty]
        labels = np.concatenate([labels, np.array(_REASON_LABELS, dtype=object)])
    return _str_from_codes(labels, codes)


# ---------------------------------------------------------------------------------------------
# Annual figures


def annual_measures(quarterly: pd.DataFrame, keys: Sequence[str] = ("indicator",)) -> pd.DataFrame:
    """One row per series and financial year, by result type, from :func:`quarterly_measures`.

    The year to date's rule over the whole year (:func:`_combine`): cumulative = sum of the
    year's quarterly values (counts) or its pooled counts (percentages, averages in days);
    average = the mean of the quarterly values (rates, numbers) or the pooled counts (an
    average over cases: 3.1's 2014/15 is the year's days over its children); snapshot = the
    latest available quarter's value. ``n_quarters`` says how many quarters the figure holds and
    ``note`` marks a partial year ("partial year: 2 of 4 quarters").
    """
    keys = list(keys)
    wanted = keys + [
        "fy", "fy_label", "polarity", "unit", "precision", "result_type", "target", "value",
        "quarter_in_year", "numerator", "denominator", "multiplier", "frequency",
    ]  # fmt: skip
    q = quarterly[[c for c in dict.fromkeys(wanted) if c in quarterly.columns]]
    # one integer id per (series, financial year), in sorted key order; every later step
    # groups on it instead of hashing the keys again
    gid = q.groupby(keys + ["fy"], sort=True, observed=True).ngroup().to_numpy()
    if gid.dtype.kind == "f" or (len(gid) and gid.min() < 0):  # rows with a missing key drop out
        keep = ~np.isnan(gid.astype("float64")) & (gid >= 0)
        q, gid = q[keep], gid[keep]
    gid = gid.astype("int64")
    n_groups = int(gid.max()) + 1 if len(gid) else 0
    first_row = np.zeros(n_groups, dtype="int64")
    first_row[gid[::-1]] = np.arange(len(gid))[::-1]
    q = q.assign(
        _have=q["value"].notna(),
        _v0=q["value"].fillna(0.0),
    )
    q["_qy"] = np.where(q["_have"], q["quarter_in_year"], 0)
    both = q["_have"] & q["numerator"].notna() & q["denominator"].notna()
    q["_num"] = q["numerator"].where(both, 0.0)
    q["_den"] = q["denominator"].where(both, 0.0)
    q["_counted"] = both
    g = q.groupby(gid, sort=True)
    agg = g.agg(
        fy_label=("fy_label", "first"),
        polarity=("polarity", "first"),
        unit=("unit", "first"),
        precision=("precision", "first"),
        result_type=("result_type", "first"),
        target=("target", "first"),
        n_quarters=("_have", "sum"),
        total=("_v0", "sum"),
        last_q=("_qy", "max"),
        num=("_num", "sum"),
        den=("_den", "sum"),
        counted=("_counted", "sum"),
    ).reset_index(drop=True)
    agg = pd.concat([q[keys + ["fy"]].iloc[first_row].reset_index(drop=True), agg], axis=1)
    mult = g["multiplier"].first().to_numpy() if "multiplier" in q else np.ones(len(agg))
    # the latest available quarter's value (the last, in time, of the quarters holding one)
    have = q["_have"].to_numpy()
    g_have = gid[have]
    order = np.lexsort((q["quarter_in_year"].to_numpy()[have], g_have))
    ends = np.ones(len(order), dtype=bool)
    ends[:-1] = g_have[order][1:] != g_have[order][:-1]
    latest = np.full(n_groups, np.nan)
    latest[g_have[order][ends]] = q["value"].to_numpy()[have][order][ends]
    agg["latest"] = latest
    n = agg["n_quarters"].to_numpy()
    rtype = agg["result_type"].astype("str").to_numpy()
    unit = agg["unit"].astype("str").to_numpy()
    additive = _additive(unit)
    agg["value"] = _combine(
        rtype, unit, n, agg["total"].to_numpy(dtype="float64"),
        agg["num"].to_numpy(dtype="float64"), agg["den"].to_numpy(dtype="float64"),
        agg["counted"].to_numpy(), np.nan_to_num(np.asarray(mult, dtype="float64"), nan=1.0),
        latest,
    )  # fmt: skip
    cumulative = (rtype == "cumulative") & additive
    agg["target"] = np.where(cumulative, agg["target"].astype("float64") * 4, agg["target"])
    agg["target_met"] = target_met(agg["value"], agg["target"], agg["polarity"])
    annual_freq = (
        g["frequency"].first().to_numpy() == "annual"
        if "frequency" in q
        else np.zeros(len(agg), dtype=bool)
    )
    partial_year = (n > 0) & (n < 4) & ~annual_freq
    agg["note"] = np.where(partial_year, "partial year: " + n.astype(str) + " of 4 quarters", "")
    # a cumulative count missing quarters cannot be judged against a full year's target
    agg.loc[partial_year & cumulative, "target_met"] = pd.NA
    agg["status"] = np.where(n > 0, "ok", "missing")
    agg["display_value"] = format_value(agg["value"], agg["precision"].fillna(1).astype("int64"))
    agg.loc[agg["value"].isna(), "display_value"] = NO_DATA["missing"]
    agg["period"] = agg["fy_label"]
    agg["kind"] = "annual"
    return agg.drop(columns=["total", "last_q", "latest", "num", "den", "counted"])


MEASURES_COLUMNS = [
    "indicator", "period", "kind", "fy_label", "quarter_in_year", "numerator", "denominator",
    "population", "population_year", "quarter_value", "value", "rolling_numerator",
    "rolling_denominator", "rolling_value", "ytd", "ytd_quarters", "target", "ytd_target",
    "target_met", "ytd_target_met", "status", "note", "display_value", "ytd_display",
    "n_quarters", "unit", "precision", "polarity", "result_type",
]  # fmt: skip


def measures_table(
    observations: pd.DataFrame,
    catalogue: pd.DataFrame,
    populations: pd.DataFrame | None,
    targets: pd.DataFrame | None = None,
    keys: Sequence[str] = ("indicator",),
    until: Quarter | str | None = None,
) -> pd.DataFrame:
    """The long measures table: quarterly rows (``kind="quarter"``) then annual rows
    (``kind="annual"``, ``period`` = financial year label such as ``2014/15``)."""
    quarterly = quarterly_measures(observations, catalogue, populations, targets, keys, until)
    annual = annual_measures(quarterly, keys)
    out = pd.concat([quarterly, annual], ignore_index=True, sort=False)
    cols = list(dict.fromkeys(list(keys) + [c for c in MEASURES_COLUMNS if c in out.columns]))
    extra = [c for c in quarterly.columns if c not in cols and c not in ("fy", "multiplier")]
    return out[cols + extra]

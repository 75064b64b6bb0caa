"""A rate per 10,000 is judged on the scale the board sees it: after the population step.

An agency sends a rate indicator's *count* (``numerator``); the board sees the count over the
0-17 population x 10,000, summed over the rolling window where the indicator rolls (1.1: the last
four quarters). A count that looks ordinary as a number can give an absurd rate (91,000 EISAs in
a quarter is 19,975 per 10,000 children), so the plausible range of a rate
(:mod:`pmqa_lib.core.units`, the catalogue's ``plausible_range``) is applied to that rate.

:func:`rate_headlines` works the rate out for every rate row the way the analytics will, with the
population of the window (:func:`pmqa_lib.core.periods.population_year_for_window`) and the other
quarters of the window as last sent. A row is to blame for an implausible rate only if it is:

- a count whose own share of the rate is already above the plausible maximum (the other quarters
  can only add to it) is implausible whatever the rest of the window holds;
- otherwise the rate of the window that ends with the row's quarter is computed from the row and
  the window's other counts (leaving out counts that are implausible on their own, which are
  rejected in their own right), and judged when the window is complete.

The result goes into ``result`` beside the other units' figures, where the return suite's
``result_above_plausible_min`` and ``result_below_plausible_max`` rules judge every unit alike.
Pure: frames in, frames out; the populations are passed in by the validation stage.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from pmqa_lib.core.periods import Quarter, population_year_for_window

log = logging.getLogger(__name__)

HEADLINE_COLUMNS = ["headline", "window_complete", "window_count", "population", "population_year"]


def _population_years(end_ordinal: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The population year of each window ``end - k + 1 .. end`` (the rule,
    :func:`pmqa_lib.core.periods.population_year_for_window`, is called once per distinct window)."""
    keys = pd.DataFrame({"end": np.asarray(end_ordinal, "int64"), "k": np.asarray(k, "int64")})
    distinct = keys.drop_duplicates().reset_index(drop=True)
    distinct["year"] = [
        population_year_for_window(Quarter.from_ordinal(e - n + 1), Quarter.from_ordinal(e))
        for e, n in zip(distinct["end"].tolist(), distinct["k"].tolist(), strict=True)
    ]
    return keys.merge(distinct, on=["end", "k"], how="left")["year"].to_numpy()


def rate_headlines(
    rows: pd.DataFrame, context: pd.DataFrame, populations: pd.DataFrame | None
) -> pd.DataFrame:
    """The board's rate per 10,000 for each rate row, on the window ending with its quarter.

    Parameters
    ----------
    rows : DataFrame
        Prepared return rows (:func:`pmqa_lib.validate.return_rules.prepare`'s columns):
        ``indicator``, ``unit``, ``numerator``, ``period_ord``, ``run_ord``, ``multiplier``,
        ``rolling_quarters``, ``plausible_max``, ``source_file``, ``source_row``.
    context : DataFrame
        The rows whose counts fill the rest of each window: every return row up to the quarter
        (with the same columns); the latest sent for each quarter is used.
    populations : DataFrame or None
        ``year`` and ``population`` (one row per year). Without it no rate is worked out.

    Returns
    -------
    DataFrame
        Indexed like ``rows``, columns :data:`HEADLINE_COLUMNS`: ``headline`` (NaN where not a
        rate, no count, no population, or the window is incomplete and the rate could still be
        plausible), ``window_complete``, ``window_count`` (the counts summed), ``population``.
    """
    out = pd.DataFrame(index=rows.index, columns=HEADLINE_COLUMNS, dtype="float64")
    out["window_complete"] = False
    is_rate = rows["unit"].eq("rate_per_10k").to_numpy() & rows["numerator"].notna().to_numpy()
    is_rate &= rows["period_ord"].notna().to_numpy()
    if not is_rate.any() or populations is None or populations.empty:
        if is_rate.any():
            log.warning("no population table: rates per 10,000 are not checked for plausibility")
        return out
    r = rows.loc[is_rate]
    k = r["rolling_quarters"].fillna(1).astype("int64").to_numpy()
    end = r["period_ord"].astype("int64").to_numpy()
    pop = populations.drop_duplicates("year", keep="last").set_index("year")["population"]
    year = _population_years(end, k)
    population = pd.Series(year).map(pop).astype("float64").to_numpy()
    mult = r["multiplier"].fillna(10_000.0).astype("float64").to_numpy()
    own = r["numerator"].astype("float64").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = own / population * mult
    alone = ~(share <= r["plausible_max"].to_numpy(dtype="float64"))  # NaN max: never alone
    alone &= ~np.isnan(share) & r["plausible_max"].notna().to_numpy()

    # the latest count sent for each (indicator, quarter), leaving out counts implausible alone
    c = context[
        context["unit"].eq("rate_per_10k") & context["numerator"].notna()
        & context["period_ord"].notna()
    ]  # fmt: skip
    c = c.sort_values(["run_ord", "source_file", "source_row"], kind="stable")
    c = c.drop_duplicates(["indicator", "period_ord"], keep="last")
    c_k = c["rolling_quarters"].fillna(1).astype("int64").to_numpy()
    c_end = c["period_ord"].astype("int64").to_numpy()
    c_pop = pd.Series(_population_years(c_end, c_k)).map(pop).astype("float64").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        c_share = (
            c["numerator"].to_numpy(dtype="float64")
            / c_pop
            * c["multiplier"].fillna(10_000.0).to_numpy(dtype="float64")
        )
    usable = ~(c_share > c["plausible_max"].to_numpy(dtype="float64"))
    counts = pd.Series(
        c["numerator"].to_numpy(dtype="float64")[usable],
        index=pd.MultiIndex.from_arrays(
            [c["indicator"].to_numpy()[usable], c_end[usable]], names=["indicator", "period_ord"]
        ),
    )
    total = own.copy()
    complete = np.ones(len(r), dtype=bool)
    ind = r["indicator"].to_numpy()
    for j in range(1, int(k.max())):  # window offsets (3 for a four-quarter rate), not rows
        need = j < k
        look = pd.MultiIndex.from_arrays([ind, end - j])
        other = counts.reindex(look).to_numpy()
        found = ~np.isnan(other)
        total = np.where(need & found, total + np.where(found, other, 0.0), total)
        complete &= ~need | found
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        headline = total / population * mult
    implausible_high = headline > r["plausible_max"].to_numpy(dtype="float64")
    judged = complete | alone | implausible_high
    out.loc[is_rate, "headline"] = np.where(judged & ~np.isnan(population), headline, np.nan)
    out.loc[is_rate, "window_complete"] = complete
    out.loc[is_rate, "window_count"] = total
    out.loc[is_rate, "population"] = population
    out.loc[is_rate, "population_year"] = year.astype("float64")
    missing = np.isnan(population)
    if missing.any():
        log.warning(
            "no population for year(s) %s: those rates are not checked for plausibility",
            sorted(set(year[missing].tolist())),
        )
    return out

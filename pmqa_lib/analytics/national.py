"""Every indicator of every local authority at once: a national (or regional) table, in blocks.

A board's own quarter is small (35 indicators of one authority); a national table is not (152
authorities x 100 indicators x 40 quarters is 608,000 rows). Every step of the analytics works
series by series (a series is one indicator of one authority), so the table is cut into blocks of
whole series, each block runs through the same vectorised steps, and the results are put back
together; only the comparison with England (the mean over all authorities) needs every block and
runs last, on one row per series. A block's temporary arrays stay the same size however large the
table is, so the time grows in proportion to the rows instead of faster (large temporaries cost
the kernel fresh zeroed pages on every allocation; docs/analytics.md, "National scale").

Pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmqa_lib.analytics import assurance as asr
from pmqa_lib.analytics import stats
from pmqa_lib.analytics.measures import annual_measures, quarterly_measures
from pmqa_lib.analytics.spc import spc_summary, xmr
from pmqa_lib.analytics.trend import trend_table
from pmqa_lib.core.periods import Quarter, quarter_ordinals

#: rows of observations per block (whole series only): small enough for each block's temporary
#: arrays to be reused by the allocator, large enough that per-block overhead is negligible
BLOCK_ROWS = 200_000


@dataclass
class NationalResult:
    """The national run's tables, and the seconds each step took summed over the blocks.

    The quarterly and annual measures stay in their blocks (a national table is written or
    summarised block by block; :meth:`quarterly_table` joins them when one frame is wanted);
    ``latest`` holds one row per series for the latest quarter: comparators, trend, SPC, RAG.
    """

    quarterly: list[pd.DataFrame]
    annual: list[pd.DataFrame]
    latest: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)

    def quarterly_table(self) -> pd.DataFrame:
        return pd.concat(self.quarterly, ignore_index=True)

    def annual_table(self) -> pd.DataFrame:
        return pd.concat(self.annual, ignore_index=True)


def series_blocks(frame: pd.DataFrame, by: str, block_rows: int = BLOCK_ROWS) -> list[np.ndarray]:
    """Row positions of ``frame`` cut into blocks of about ``block_rows`` rows that never split a
    value of ``by`` (an authority), in the order the values first appear."""
    codes, uniques = pd.factorize(frame[by], sort=True)
    counts = np.bincount(codes, minlength=len(uniques))
    block_of_value = np.cumsum(counts) // max(int(block_rows), 1)
    block_of_row = block_of_value[codes]
    order = np.argsort(block_of_row, kind="stable")
    bounds = np.flatnonzero(np.diff(block_of_row[order])) + 1
    return [part for part in np.split(order, bounds) if len(part)]


def analyse_national(
    observations: pd.DataFrame,
    catalogue_frame: pd.DataFrame,
    populations: pd.DataFrame,
    keys: Sequence[str] = ("la", "indicator"),
    block_rows: int = BLOCK_ROWS,
) -> NationalResult:
    """Measures, trend, SPC, comparison with England and assurance for every series.

    Parameters
    ----------
    observations : DataFrame
        One row per series and quarter: ``keys``, ``period``, ``numerator``, ``denominator``,
        ``value``, ``status`` (as :func:`pmqa_lib.analytics.measures.quarterly_measures` takes).
    catalogue_frame : DataFrame
        One row per indicator: polarity, unit, precision, result type, multiplier, rolling
        quarters, target, target type and the RAG thresholds ``green`` / ``red``.
    populations : DataFrame
        ``keys[0]``, ``year``, ``population``.
    keys : sequence of str
        The series keys, the authority first (blocks never split an authority).
    """
    keys = list(keys)
    seconds: dict[str, float] = {}

    def timed(step: str, fn, *args, **kwargs):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - t
        return out

    # every series runs to the table's latest quarter: a series whose last return is missing
    # still has a row (status missing) and is assessed, never silently left out
    last = Quarter.from_ordinal(int(np.nanmax(quarter_ordinals(observations["period"]))))
    quarterly, annual, latest = [], [], []
    for rows in series_blocks(observations, keys[0], block_rows):
        block = observations.iloc[rows]
        pops = populations[populations[keys[0]].isin(block[keys[0]].unique())]
        qm = timed("quarterly measures", quarterly_measures,
                   block, catalogue_frame, pops, None, keys, until=last)  # fmt: skip
        annual.append(timed("annual measures", annual_measures, qm, keys))
        qm["ordinal"] = qm["fy"] * 4 + qm["quarter_in_year"] - 1
        now = qm[qm["ordinal"] == last.ordinal]
        tr = timed("trend (trajectory, Mann-Kendall)", trend_table,
                   qm, keys, "ordinal", "value", "quarter_value", "polarity")  # fmt: skip
        pts = timed(
            "SPC (XmR, rules, icons)", xmr, qm, keys, "ordinal", "quarter_value", "polarity"
        )
        spc = timed("SPC (XmR, rules, icons)", spc_summary,
                    pts, now[keys + ["target"]], keys, "ordinal")  # fmt: skip
        latest.append(now.merge(tr, on=keys, how="left").merge(spc, on=keys, how="left"))
        quarterly.append(qm)

    t = time.perf_counter()
    now = pd.concat(latest, ignore_index=True)
    cat = catalogue_frame.set_index("indicator")
    now["multiplier"] = now["indicator"].map(cat["multiplier"])
    rolling = now["rolling_quarters"].to_numpy() > 1
    now["ci_numerator"] = np.where(rolling, now["rolling_numerator"], now["numerator"])
    den = np.where(rolling, now["rolling_denominator"], now["denominator"])
    now["ci_denominator"] = np.where(
        now["unit"].to_numpy() == "rate_per_10k", now["population"], den
    )
    now["england"] = now.groupby("indicator")["value"].transform("mean")
    compared = stats.compare_frame(now, "england", 0.95)
    seconds["intervals and comparators"] = time.perf_counter() - t

    t = time.perf_counter()
    a = now.merge(catalogue_frame[["indicator", "green", "red"]], on="indicator", how="left")
    a["comparator_status"] = compared["england_status"].to_numpy()
    a["lead_rag"] = ""
    latest_frame = pd.concat([a, asr.assess(a)], axis=1)
    seconds["assurance"] = time.perf_counter() - t

    return NationalResult(quarterly, annual, latest_frame, seconds)

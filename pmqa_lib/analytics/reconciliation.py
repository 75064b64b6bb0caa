"""Reconciliation with DfE: the board's own annual figures beside DfE's published ones.

An analyst checks that the local monthly and quarterly figures add up to what DfE publishes from
the annual census; a difference is a routine finding (late recording, a case counted in another
authority, a cleansed duplicate), and the board should see it. For every indicator whose
comparator names a DfE source (``comparator.dfe``) and every financial year that has ended by the
quarter, :func:`reconcile` sets the board's figure for the year beside DfE's figure for the
authority (the ``LA`` rows of the comparators table):

- a **flow** (referrals, section 47 enquiries, plans starting, re-referrals as a percentage) is
  the sum of the year's four quarters: their counts added up, and the year's figure as the
  indicator's result type makes it (a rolling rate at Q4 is the four quarters over the year's
  population; a percentage pools the quarters' counts);
- a **stock** (children on a plan, looked after, in need at the period end: a snapshot that does
  not roll, :func:`pmqa_lib.core.catalogue.counts_a_stock`) is the 31 March quarter, Q4;
- an **annual** indicator is its one annual figure.

Status of each row:

- ``agrees``: the board's figure is within rounding of DfE's published figure (no further from it
  than half of DfE's last published decimal: 660.65 to 660.75 for 660.7), and the counts are equal
  where both are known;
- ``within tolerance``: it differs, by no more than the indicator's tolerance
  (``comparator.dfe.tolerance_percent``, default
  :data:`pmqa_lib.core.catalogue.DEFAULT_RECONCILIATION_TOLERANCE` per cent of DfE's figure, on
  the figure and on the count);
- ``differs``: by more than the tolerance: ``flagged``, shown in the report's data quality section
  and the indicator's drill-down;
- ``not published``: DfE has no figure for the year (not yet, or suppressed: the marker is kept);
- ``incomplete``: the board's year lacks quarters (a flow needs all four, a stock its Q4).

Pure: DataFrames in, a DataFrame out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import PUBLISHED_AGENCY, counts_a_stock
from pmqa_lib.core.periods import Quarter, financial_year_labels

AGREES, WITHIN, DIFFERS, NOT_PUBLISHED, INCOMPLETE = (
    "agrees", "within tolerance", "differs", "not published", "incomplete",
)  # fmt: skip
STATUSES = (AGREES, WITHIN, DIFFERS, NOT_PUBLISHED, INCOMPLETE)
BASIS_FLOW, BASIS_STOCK, BASIS_ANNUAL = (
    "sum of the four quarters", "the 31 March quarter (Q4)", "the annual return",
)  # fmt: skip

#: published decimals beyond this are float noise in the file (LAIT's 92.30000000000001)
MAX_DECIMALS = 4

RECONCILIATION_COLUMNS = [
    "indicator", "fy_label", "dfe_year", "basis", "quarters", "local_value", "local_numerator",
    "local_denominator", "local_source", "dfe_value", "dfe_text", "dfe_numerator",
    "dfe_denominator", "dfe_label", "difference", "difference_percent", "count_difference",
    "tolerance_percent", "status", "flagged", "note", "unit", "precision",
]  # fmt: skip

_CATALOGUE = [
    "indicator", "dfe_file", "reconcile_tolerance", "result_type", "rolling_quarters",
    "frequency", "unit", "precision",
]  # fmt: skip


def decimals_of(text: pd.Series) -> np.ndarray:
    """Decimal places of published numbers as written (``"660.7"`` -> 1, ``"45"`` -> 0,
    ``"3,012"`` -> 0); 0 for anything without a decimal point."""
    t = text.fillna("").astype(str).str.strip()
    after = t.str.extract(r"\.(\d+)$", expand=False)
    return after.str.len().fillna(0).astype("int64").to_numpy()


def reconcile(
    measures: pd.DataFrame,
    comparators: pd.DataFrame | None,
    catalogue: pd.DataFrame,
    quarter: Quarter | str,
) -> pd.DataFrame:
    """The board's annual figures against DfE's published figures, one row per indicator and
    financial year that has ended by ``quarter``.

    Parameters
    ----------
    measures : DataFrame
        :func:`pmqa_lib.analytics.measures.measures_table` (quarterly and annual rows).
    comparators : DataFrame or None
        The comparators table (``LA`` rows are DfE's figures for the board's authority:
        dfe_year, value, text, marker, numerator, denominator, label).
    catalogue : DataFrame
        ``Catalogue.to_frame()`` (``dfe_file``, ``reconcile_tolerance``, result type, ...).
    quarter : Quarter or str

    Returns
    -------
    DataFrame
        :data:`RECONCILIATION_COLUMNS`, ordered by indicator (catalogue order) and year.
        ``difference`` is the board's figure minus DfE's, ``difference_percent`` that as a
        percentage of DfE's, ``count_difference`` the same for the counts where both are known.
    """
    q = Quarter.parse(quarter)
    cat = catalogue[[c for c in _CATALOGUE if c in catalogue.columns]]
    cat = cat[cat["dfe_file"].fillna("").astype(str).ne("")]
    if cat.empty or measures.empty:
        return pd.DataFrame(columns=RECONCILIATION_COLUMNS)
    m = measures[measures["indicator"].astype(str).isin(cat["indicator"].astype(str))]
    quarters = m[m["kind"] == "quarter"].copy()
    if quarters.empty:
        return pd.DataFrame(columns=RECONCILIATION_COLUMNS)
    per = pd.Series(quarters["period"].astype(str))
    quarters["_fy"] = per.str[:4].astype("int64")
    quarters["_q"] = per.str[-1].astype("int64")
    quarters = quarters[quarters["_fy"] < q.fy + (q.q == 4)]  # years ended by the quarter
    quarters = quarters.merge(cat, on="indicator", how="left", suffixes=("", "_cat"))
    stock = counts_a_stock(quarters["result_type"], quarters["rolling_quarters"].fillna(1))
    annual = quarters["frequency"].eq("annual").to_numpy()
    # a quarter counts when its own figure is there (a rolling rate's window may not be yet)
    own = quarters["quarter_value"] if "quarter_value" in quarters else quarters["value"]
    has = own.notna().to_numpy()
    q4 = quarters["_q"].eq(4).to_numpy()
    # the rows that make the year's counts: Q4 alone for a stock or an annual figure, else all
    use = np.where(stock | annual, q4, True) & has
    quarters = quarters.assign(
        _num=np.where(use, quarters["numerator"], np.nan),
        _den=np.where(use & ~quarters["unit"].eq("rate_per_10k").to_numpy(),
                      quarters["denominator"], np.nan),
        _pop=np.where(use & q4, quarters["population"], np.nan),
        _n=has.astype("int64"),
        _q4=q4 & has,
        _stock=stock,
        _annual=annual,
        _src=np.where(q4 & has, quarters["source_file"].fillna("").astype(str), ""),
    )  # fmt: skip
    g = quarters.groupby(["indicator", "_fy"], sort=False)
    year = g.agg(
        quarters=("_n", "sum"),
        q4=("_q4", "max"),
        stock=("_stock", "first"),
        annual=("_annual", "first"),
        local_numerator=("_num", "sum"),
        n_numerator=("_num", "count"),
        local_denominator=("_den", "sum"),
        n_denominator=("_den", "count"),
        population=("_pop", "max"),
        local_source=("_src", "max"),
        tolerance_percent=("reconcile_tolerance", "first"),
        unit=("unit", "first"),
        precision=("precision", "first"),
    ).reset_index()
    year = year[year["quarters"] > 0].copy()
    # a sum over no counts is no count, not 0
    year["local_numerator"] = year["local_numerator"].where(year["n_numerator"] > 0)
    year["local_denominator"] = year["local_denominator"].where(year["n_denominator"] > 0)
    complete = np.where(year["stock"] | year["annual"], year["q4"], year["quarters"].eq(4)).astype(
        bool
    )
    year["basis"] = np.select(
        [year["annual"], year["stock"]], [BASIS_ANNUAL, BASIS_STOCK], BASIS_FLOW
    )
    rate = year["unit"].eq("rate_per_10k").to_numpy()
    year["local_denominator"] = np.where(rate, year["population"], year["local_denominator"])
    year["fy_label"] = financial_year_labels(year["_fy"].to_numpy())
    year["dfe_year"] = year["_fy"] + 1

    ann = measures[(measures["kind"] == "annual")][["indicator", "period", "value"]]
    ann = ann.rename(columns={"period": "fy_label", "value": "local_value"})
    year = year.merge(ann, on=["indicator", "fy_label"], how="left")
    year.loc[~complete, "local_value"] = np.nan

    dfe = _dfe_rows(comparators)
    out = year.merge(dfe, on=["indicator", "dfe_year"], how="left")
    local, pub = out["local_value"].to_numpy(dtype="float64"), out["dfe_value"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = local - pub
        pct = np.where(pub != 0, diff / np.abs(pub) * 100, np.where(diff == 0, 0.0, np.inf))
        cdiff = out["local_numerator"].to_numpy(float) - out["dfe_numerator"].to_numpy(float)
        cpct = np.where(
            out["dfe_numerator"].to_numpy(float) != 0,
            cdiff / np.abs(out["dfe_numerator"].to_numpy(float)) * 100,
            np.where(cdiff == 0, 0.0, np.inf),
        )
    # within rounding: no further from DfE's figure than half its last published decimal
    half = 0.5 * np.power(10.0, -np.minimum(decimals_of(out["dfe_text"]), MAX_DECIMALS))
    rounds = np.abs(local - pub) <= half + 1e-9
    counts_equal = np.isnan(cdiff) | (cdiff == 0)
    tol = out["tolerance_percent"].to_numpy(dtype="float64")
    within = (np.abs(pct) <= tol + 1e-9) & (np.isnan(cpct) | (np.abs(cpct) <= tol + 1e-9))
    published = ~np.isnan(pub)
    complete_now = ~np.isnan(local)
    status = np.select(
        [~complete_now, ~published, rounds & counts_equal, within],
        [INCOMPLETE, NOT_PUBLISHED, AGREES, WITHIN],
        DIFFERS,
    )
    out["difference"] = np.where(complete_now & published, diff, np.nan)
    out["difference_percent"] = np.where(complete_now & published, pct, np.nan)
    out["count_difference"] = np.where(complete_now & published, cdiff, np.nan)
    out["status"] = status
    out["flagged"] = status == DIFFERS
    out["note"] = _notes(out, complete_now, published)
    out["local_source"] = np.where(
        out["local_source"].str.startswith(f"{PUBLISHED_AGENCY}_"),
        "DfE's published figure (" + out["local_source"] + ")",
        "the board's returns",
    )
    order = {r: i for i, r in enumerate(cat["indicator"].astype(str))}
    out = out.sort_values(
        ["indicator", "dfe_year"], key=lambda c: c.map(order) if c.name == "indicator" else c
    )
    return out[RECONCILIATION_COLUMNS].reset_index(drop=True)


def _dfe_rows(comparators: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["indicator", "dfe_year", "dfe_value", "dfe_text", "dfe_marker", "dfe_numerator",
            "dfe_denominator", "dfe_label"]  # fmt: skip
    if comparators is None or comparators.empty:
        return pd.DataFrame(columns=cols).astype({"dfe_year": "int64"})
    la = comparators[comparators["comparator"] == "LA"]
    out = pd.DataFrame(
        {
            "indicator": la["indicator"].astype(str),
            "dfe_year": la["dfe_year"].astype("int64"),
            "dfe_value": pd.to_numeric(la["value"], errors="coerce"),
            "dfe_text": la["text"].fillna("").astype(str) if "text" in la else "",
            "dfe_marker": la["marker"].fillna("").astype(str) if "marker" in la else "",
            "dfe_numerator": pd.to_numeric(la.get("numerator"), errors="coerce"),
            "dfe_denominator": pd.to_numeric(la.get("denominator"), errors="coerce"),
            "dfe_label": la["label"].fillna("").astype(str) if "label" in la else "",
        }
    )
    return out.drop_duplicates(["indicator", "dfe_year"], keep="last")


def _notes(out: pd.DataFrame, complete: np.ndarray, published: np.ndarray) -> np.ndarray:
    """Why a row has no comparison: the local year's gap, or DfE's marker."""
    marker = out["dfe_marker"].fillna("").astype(str)
    gap = np.where(
        out["stock"] | out["annual"],
        "no figure for Q4 (31 March)",
        out["quarters"].astype(str) + " of 4 quarters returned",
    )
    unpublished = np.where(
        marker.ne("").to_numpy(),
        "DfE's figure is suppressed or not available (" + marker + ")",
        "DfE has not published a figure for " + out["fy_label"] + " in the comparators extract",
    )
    return np.where(~complete, gap, np.where(~published, unpublished, "")).astype(object)

"""The value history: every accepted figure of every quarter up to Q, with revisions resolved.

Rules (docs/validation.md):

- A later return's row for an earlier period replaces the earlier figure (a revision); each change
  is kept in the revisions table (old -> new, and which return made it).
- Expected figures: a quarterly indicator every quarter from the first returns folder to Q; an
  annual indicator once a year, in its reporting quarter (:func:`reporting_quarter`: Q4 for
  financial and calendar years, Q1 for school years, as the catalogue's conventions say).
- ``status`` per (indicator, period): ``ok`` (an accepted figure; it may be a suppressed figure,
  value missing with its marker), ``rejected`` (no accepted figure and the row or the whole return
  was rejected: "no data: return rejected"), ``missing`` (nothing received). Missing is never zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import ANNUAL_DUE_QUARTER, Catalogue
from pmqa_lib.core.files import Paths, read_csv
from pmqa_lib.core.periods import Quarter, quarter_ordinals, quarter_range

OBSERVATION_COLUMNS = [
    "agency", "indicator", "period", "numerator", "denominator", "value", "proposed_rag",
    "commentary", "actions", "action_timescale", "source_file", "source_row", "received_in",
    "status", "numerator_marker", "denominator_marker", "value_marker", "note", "query_note",
]  # fmt: skip
REVISION_COLUMNS = [
    "agency", "indicator", "period", "old_numerator", "new_numerator", "old_denominator",
    "new_denominator", "old_value", "new_value", "old_source_file", "old_received_in",
    "source_file", "source_row", "received_in",
]  # fmt: skip
_COMPARED = [
    "numerator",
    "denominator",
    "value",
    "numerator_marker",
    "denominator_marker",
    "value_marker",
]
_TEXT = [
    "agency", "indicator", "period", "proposed_rag", "commentary", "actions", "action_timescale",
    "source_file", "received_in", "status", "numerator_marker", "denominator_marker",
    "value_marker", "note", "query_note",
]  # fmt: skip
REPORTING_QUARTER = ANNUAL_DUE_QUARTER
REJECTED_NOTE = "no data: return rejected"


def reporting_quarter(reporting_period: str) -> int:
    """The quarter (1-4) of the return that carries an annual indicator's figure."""
    return REPORTING_QUARTER[reporting_period]


def expected(catalogue: Catalogue, first: Quarter, last: Quarter) -> pd.DataFrame:
    """Every (agency, indicator, period) a return should contain, ``first`` to ``last``."""
    periods = pd.DataFrame({"period": [q.code for q in quarter_range(first, last)]})
    periods["q"] = periods["period"].str[-1].astype(int)
    cat = catalogue.to_frame()[["indicator", "agency", "frequency", "reporting_period"]]
    grid = cat.merge(periods, how="cross")
    rq = grid["reporting_period"].map(REPORTING_QUARTER)
    keep = (grid["frequency"] == "quarterly") | (grid["q"] == rq)
    return grid.loc[keep, ["agency", "indicator", "period"]].reset_index(drop=True)


def resolve(accepted: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Latest accepted row per (indicator, period), and every revision between returns.

    Parameters
    ----------
    accepted : DataFrame
        Tidy accepted rows of any number of quarter folders.

    Returns
    -------
    latest, revisions : DataFrame
        ``latest`` has one row per (indicator, period); ``revisions`` has :data:`REVISION_COLUMNS`.
    """
    a = accepted.copy()
    a["_ord"] = quarter_ordinals(a["received_in"])
    a = a.sort_values(["indicator", "period", "_ord", "source_file", "source_row"], kind="stable")
    g = a.groupby(["indicator", "period"], sort=False)
    prev = g[_COMPARED + ["source_file", "received_in"]].shift(1)
    has_prev = g.cumcount() > 0
    same = pd.Series(True, index=a.index)
    for c in _COMPARED:
        x, y = a[c], prev[c]
        same &= (x == y) | (x.isna() & y.isna())
    changed = has_prev & ~same
    rev = pd.DataFrame(
        {
            "agency": a["agency"],
            "indicator": a["indicator"],
            "period": a["period"],
            "old_numerator": prev["numerator"],
            "new_numerator": a["numerator"],
            "old_denominator": prev["denominator"],
            "new_denominator": a["denominator"],
            "old_value": prev["value"],
            "new_value": a["value"],
            "old_source_file": prev["source_file"],
            "old_received_in": prev["received_in"],
            "source_file": a["source_file"],
            "source_row": a["source_row"],
            "received_in": a["received_in"],
        }
    )[changed]
    latest = g.tail(1).drop(columns="_ord")
    return latest.reset_index(drop=True), rev.reset_index(drop=True)


def build(
    accepted: pd.DataFrame,
    rejected: pd.DataFrame,
    rejected_files: pd.DataFrame,
    catalogue: Catalogue,
    first: Quarter,
    last: Quarter,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations and revisions for periods up to ``last``.

    Parameters
    ----------
    accepted : DataFrame
        Accepted tidy rows of every quarter folder up to ``last``.
    rejected : DataFrame
        Rejected tidy rows (indicator, period, source_file, source_row, message).
    rejected_files : DataFrame
        Rejected files (agency, received_in, source_file, reason).
    first, last : Quarter
        The expected periods run from ``first`` to ``last``.
    """
    latest, revisions = resolve(accepted)
    # a figure the agency suppressed (a DfE-style marker such as "c" where the number would be)
    # is an answer, not a missing return: it is not chased, and it is never shown as a number
    markers = latest[["value_marker", "numerator_marker", "denominator_marker"]]
    marker = markers.bfill(axis=1).iloc[:, 0]
    no_figure = latest["value"].isna() & (
        latest["numerator"].isna() | latest["denominator_marker"].notna()
    )
    suppressed = marker.notna() & no_figure
    latest["status"] = np.where(suppressed, "suppressed", "ok")
    latest["note"] = np.where(marker.notna(), "suppressed: " + marker.astype(str), None)

    grid = expected(catalogue, first, last)
    have = latest.set_index(["indicator", "period"]).index
    gaps = grid[~grid.set_index(["indicator", "period"]).index.isin(have)].copy()

    # a rejected row for the same (indicator, period), else the agency's whole return for that period
    # (only the owning agency's rows count: another agency's stray row does not make it "rejected")
    rej_rows = rejected.dropna(subset=["indicator", "period"]).drop_duplicates(
        ["agency", "indicator", "period"]
    )
    rej_rows = rej_rows[
        ["agency", "indicator", "period", "source_file", "source_row", "received_in", "message"]
    ]
    gaps = gaps.merge(rej_rows, on=["agency", "indicator", "period"], how="left")
    rf = rejected_files.rename(
        columns={"received_in": "period", "source_file": "rf_file", "reason": "rf_reason"}
    )
    rf = rf.dropna(subset=["agency"]).drop_duplicates(["agency", "period"])[
        ["agency", "period", "rf_file", "rf_reason"]
    ]
    gaps = gaps.merge(rf, on=["agency", "period"], how="left")
    row_rej = gaps["source_file"].notna()
    file_rej = ~row_rej & gaps["rf_file"].notna()
    gaps["status"] = np.select([row_rej, file_rej], ["rejected", "rejected"], "missing")
    gaps["received_in"] = gaps["received_in"].where(row_rej, gaps["period"].where(file_rej))
    gaps["source_file"] = gaps["source_file"].where(row_rej, gaps["rf_file"])
    gaps["note"] = np.select(
        [row_rej, file_rej],
        [
            REJECTED_NOTE + " (" + gaps["message"].astype(str) + ")",
            REJECTED_NOTE + " (" + gaps["rf_reason"].astype(str) + ")",
        ],
        "no return",
    )
    gaps = gaps.drop(columns=["message", "rf_file", "rf_reason"])

    obs = pd.concat([latest, gaps], ignore_index=True)
    for c in OBSERVATION_COLUMNS:
        if c not in obs:
            obs[c] = np.nan
    obs = obs[OBSERVATION_COLUMNS]
    obs["_ord"] = quarter_ordinals(obs["period"])
    obs = (
        obs[obs["_ord"] <= last.ordinal]
        .sort_values(["indicator", "_ord"], kind="stable")
        .drop(columns="_ord")
    )
    return _typed(obs.reset_index(drop=True)), revisions


def mark_queried(obs: pd.DataFrame, queries: pd.DataFrame) -> pd.DataFrame:
    """Observations with ``query_note`` set where the figure held is one a warning questions.

    Parameters
    ----------
    queries : DataFrame
        Warnings on accepted rows (``source_file``, ``source_row``, ``indicator``, ``period``,
        ``detail``): the figure is "queried" on the board report until the agency confirms it.
        A warning on a row that a later return has replaced no longer applies.
    """
    out = obs.copy()
    if queries.empty:
        return out
    key = ["indicator", "period", "source_file", "source_row"]
    q = queries.dropna(subset=key).astype({"source_row": "int64"})
    q = q.groupby(key, as_index=False).agg(_query=("detail", " ".join))
    merged = (
        out[key]
        .astype({"source_row": "Int64"})
        .merge(q.astype({"source_row": "Int64"}), on=key, how="left")
    )
    note = merged["_query"].to_numpy()
    has = pd.notna(note)
    out.loc[has, "query_note"] = note[has]
    return out


def _typed(obs: pd.DataFrame) -> pd.DataFrame:
    for c in ("numerator", "denominator", "value"):
        obs[c] = pd.to_numeric(obs[c], errors="coerce").astype(float)
    obs["source_row"] = pd.to_numeric(obs["source_row"], errors="coerce").astype("Int64")
    for c in _TEXT:
        obs[c] = obs[c].astype(object).where(obs[c].notna(), None)
    return obs


def load(quarter: Quarter | str, paths: Paths) -> pd.DataFrame:
    """Read ``data/processed/<Q>/observations.csv`` back with its types.

    ``period`` and the other codes are text (``1.10`` stays ``1.10``); numbers are float;
    ``source_row`` is a nullable integer; missing is NaN/None, never zero.
    """
    path = paths.processed_dir(quarter) / "observations.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"no observations for {quarter}: run `make validate Q={quarter}` first ({path})"
        )
    dtypes = {c: str for c in _TEXT}
    obs = read_csv(
        path, dtype=dtypes, keep_default_na=False, na_values={c: [""] for c in OBSERVATION_COLUMNS}
    )
    for c in OBSERVATION_COLUMNS:  # a file written before a column existed
        if c not in obs:
            obs[c] = np.nan
    return _typed(obs[OBSERVATION_COLUMNS])

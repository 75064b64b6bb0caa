"""Validate a quarter's agency returns with the Great Expectations suites in ``expectations/``.

Outcome rules (docs/validation.md):

- a *structural* fault (unreadable file, wrong columns, see :mod:`pmqa_lib.validate.ingest`) rejects the
  whole file;
- a *row* fault (any ``error`` rule of ``expectations/agency_return.json``) rejects that row, and
  its indicator shows "no data: return rejected" for the period;
- a *warning* (``severity: warning``: suppressed figure, a jump far outside the indicator's usual
  movement, a revision that lowers a cumulative year-to-date total) is reported only.

Every failure names the file, sheet, row, column and value, the rule in plain English and what
the agency should do. The stage ``make validate Q=...`` runs is :mod:`pmqa_lib.validate.stage`.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from pmqa_lib.core import text_rules
from pmqa_lib.core.catalogue import PUBLISHED_AGENCY, Catalogue
from pmqa_lib.core.files import EXPECTATIONS_DIR
from pmqa_lib.core.format import RAGS
from pmqa_lib.core.methods import XMR_RANGE_LIMIT
from pmqa_lib.core.periods import quarter_ordinals
from pmqa_lib.validate import ingest

log = logging.getLogger(__name__)

RETURN_SUITE = EXPECTATIONS_DIR / "agency_return.json"
WARNING_SUITE = EXPECTATIONS_DIR / "agency_return_warnings.json"
FILES_SUITE = EXPECTATIONS_DIR / "return_files.json"
FAILURE_COLUMNS = [
    "source_file", "sheet", "source_row", "agency", "indicator", "period", "received_in",
    "column", "value", "rule", "rule_text", "what_to_do", "severity", "message",
]  # fmt: skip
JUMP_MIN_HISTORY = 5  # earlier values needed before a jump is judged
JUMP_WINDOW = 12  # quarters of history for the average moving range


# ---------------------------------------------------------------------------------------
# Pure steps


def _ordinals(periods: pd.Series) -> pd.Series:
    """``2015Q2`` -> running quarter number (NaN when not a quarter), vectorised."""
    return pd.Series(quarter_ordinals(periods), index=periods.index, dtype=float)


def prepare(returns: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Add the columns the suite reads: catalogue owner, unit, range, period order, result.

    ``result`` is the figure the plausible range applies to: ``value`` when given, otherwise
    numerator / denominator x multiplier for percentages, numerator / denominator for days and
    ratios, the numerator for counts; a rate per 10,000 without a value is left to the
    population step (NaN here).
    """
    cat = catalogue.to_frame()[
        [
            "indicator",
            "agency",
            "unit",
            "result_type",
            "plausible_min",
            "plausible_max",
            "multiplier",
            "dfe_file",
        ]
    ]
    cat = cat.rename(columns={"agency": "indicator_owner"})
    df = returns.merge(cat, on="indicator", how="left")
    df.index = returns.index
    df["file_agency"] = df["source_file"].str.extract(r"^([A-Za-z0-9]+)_", expand=False).str.upper()
    # DfE's published figures (a new board's history) may carry any indicator DfE publishes
    published = df["file_agency"].eq(PUBLISHED_AGENCY) & df["dfe_file"].fillna("").ne("")
    df["indicator_owner"] = df["indicator_owner"].mask(published, PUBLISHED_AGENCY)
    df["run_ord"] = _ordinals(df["received_in"])
    df["period_ord"] = _ordinals(df["period"])
    markers = df[ingest.MARKER_COLUMNS]
    df["marker"] = markers.bfill(axis=1).iloc[:, 0]
    raws = df[ingest.RAW_COLUMNS].notna().any(axis=1)
    df["has_figure"] = df["value"].notna() | df["numerator"].notna() | df["marker"].notna() | raws
    is_pct = df["unit"].eq("percent")
    df["percent_numerator"] = df["numerator"].where(is_pct)
    df["percent_denominator"] = df["denominator"].where(is_pct)
    den_ok = df["denominator"] > 0
    derived = np.select(
        [
            df["unit"].eq("percent") & den_ok,
            df["unit"].isin(["days", "ratio"]) & den_ok,
            df["unit"].eq("number"),
        ],
        [
            df["numerator"] / df["denominator"].where(den_ok) * 100.0,
            df["numerator"] / df["denominator"].where(den_ok),
            df["numerator"],
        ],
        np.nan,
    )
    df["result"] = df["value"].where(df["value"].notna(), derived).astype(float)
    return df


def suite_parameters(catalogue: Catalogue) -> dict:
    """The row suite's parameters: the catalogue's agencies and indicators, the RAG set, and the
    free-text patterns shared with the register suites (:mod:`pmqa_lib.core.text_rules`)."""
    return {
        "agencies": sorted(catalogue.agencies),
        "indicators": sorted(catalogue.indicators),
        "rags": list(RAGS),
        **text_rules.suite_parameters(),
    }


def _locate(failures: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """GX failures (row = frame index) -> tidy failures naming file, row and the value as sent."""
    if failures.empty:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    f = failures[failures["row"].notna()].reset_index(drop=True)
    table = failures[failures["row"].isna()]
    if len(table):  # a rule GX could not evaluate: a bug in the suite or prepare(), not in a return
        raise RuntimeError(
            f"validation rules could not be checked: {table[['rule', 'value']].to_dict('records')}"
        )
    rows = frame.loc[f["row"].to_numpy()]
    out = pd.DataFrame(
        {
            c: rows[c].to_numpy()
            for c in [
                "source_file",
                "sheet",
                "source_row",
                "agency",
                "indicator",
                "period",
                "received_in",
            ]
        }
    )
    for c in ["column", "rule", "rule_text", "what_to_do", "severity"]:
        out[c] = f[c].to_numpy()
    out["value"] = _sent_values(rows, f["column"]).to_numpy()
    gx_value = f["value"].to_numpy()
    out["value"] = np.where(pd.isna(out["value"]), gx_value, out["value"])
    # a falling year-to-date total: name the figure as sent (value, else numerator), not GX's flag
    falls = (f["rule"] == "cumulative_falls").to_numpy()
    if falls.any():
        sent = pd.to_numeric(rows["value"], errors="coerce").to_numpy()
        num = pd.to_numeric(rows["numerator"], errors="coerce").to_numpy()
        use_num = falls & np.isnan(sent)
        out.loc[falls, "value"] = [f"{v:g}" for v in np.where(use_num, num, sent)[falls]]
        out.loc[use_num, "column"] = "numerator"
    if "result" in rows:  # a range rule on a result worked out from numerator and denominator
        derived = f["rule"].str.startswith("result_").to_numpy() & rows["value"].isna().to_numpy()
        calc = [
            f"{x:.4g} (calculated from the numerator and denominator)"
            for x in rows["result"].to_numpy()[derived]
        ]
        out.loc[derived, "value"] = calc
    out["message"] = _messages(out)
    return out[FAILURE_COLUMNS]


def _sent_values(rows: pd.DataFrame, columns: pd.Series) -> pd.Series:
    """The value as the agency sent it, in the column each failure names."""
    vals = pd.Series([None] * len(rows), dtype=object)
    cols = columns.to_numpy()
    for col in pd.unique(cols):
        mask = cols == col
        if col in ingest.NUMBER_COLUMNS:
            raw = rows[f"{col}_raw"].to_numpy()[mask]
            num = rows[col].to_numpy()[mask]
            marker = rows[f"{col}_marker"].to_numpy()[mask]
            text = [
                r if isinstance(r, str) else (m if isinstance(m, str) else _fmt(n))
                for r, n, m in zip(raw, num, marker, strict=True)
            ]
            vals[mask] = text
        elif col in rows:
            vals[mask] = rows[col].to_numpy()[mask]
    return vals


def _fmt(x) -> str | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:g}"


def _messages(f: pd.DataFrame) -> pd.Series:
    sheet = np.where(
        f["sheet"].fillna("").astype(str) != "", ", sheet " + f["sheet"].fillna("").astype(str), ""
    )
    row = np.where(
        f["source_row"].notna(), ", row " + f["source_row"].astype("Int64").astype(str), ""
    )
    col = np.where(
        f["column"].fillna("").astype(str) != "",
        ", column " + f["column"].fillna("").astype(str),
        "",
    )
    val = np.where(f["value"].notna(), " (value '" + f["value"].astype(str) + "')", "")
    return pd.Series(
        f["source_file"].astype(str)
        + sheet
        + row
        + col
        + val
        + ": "
        + f["rule_text"].astype(str)
        + " "
        + f["what_to_do"].astype(str),
        index=f.index,
    )


def file_failures(files: pd.DataFrame) -> pd.DataFrame:
    """One failure per rejected file (structural fault)."""
    rej = files[files["status"] == "rejected"]
    out = pd.DataFrame(
        {
            "source_file": rej["source_file"],
            "sheet": rej["sheet"],
            "source_row": rej["source_row"],
            "agency": rej["agency"],
            "indicator": None,
            "period": None,
            "received_in": rej["received_in"],
            "column": rej["column"],
            "value": None,
            "rule": "structure",
            "rule_text": "The file cannot be read as a return: " + rej["reason"].astype(str) + ".",
            "what_to_do": "Correct the file (the return template has the right layout) and send it again.",
            "severity": "error",
        }
    )
    out["message"] = _messages(out) if len(out) else pd.Series(dtype=object)
    return out.reset_index(drop=True)[FAILURE_COLUMNS]


def check_layouts(files: pd.DataFrame) -> pd.DataFrame:
    """Run ``expectations/return_files.json`` over the files table (header exactly the layout)."""
    from pmqa_lib.core import gx_runner as gx

    f = files[files["status"] != "ignored"].reset_index(drop=True)
    return gx.run_suite(
        f[["source_file", "header"]], FILES_SUITE, {"layout": ["|".join(ingest.RETURN_COLUMNS)]}
    )


def validate_returns(returns: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Run the row suite on tidy returns; return tidy failures (errors and warnings).

    Parameters
    ----------
    returns : DataFrame
        Tidy returns from :mod:`pmqa_lib.validate.ingest` (with the ``*_raw`` and ``_extra_cells`` columns).
    catalogue : Catalogue
        Gives the agencies, indicators, owners, units and plausible ranges.
    """
    from pmqa_lib.core import gx_runner as gx

    if returns.empty:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    frame = prepare(returns.reset_index(drop=True), catalogue)
    failures = gx.run_suite(frame, RETURN_SUITE, suite_parameters(catalogue))
    return _locate(failures, frame)


def split(returns: pd.DataFrame, failures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted rows, and rejected rows with their first error's rule, column and message."""
    key = ["source_file", "received_in", "source_row"]
    errors = failures[
        (failures["severity"] == "error")
        & (failures["rule"] != "structure")
        & failures["source_row"].notna()
    ]
    errors = errors.astype({"source_row": "int64"})
    grouped = (
        errors.groupby(key, sort=False)
        .agg(
            rule=("rule", "; ".join),
            column=("column", lambda s: "; ".join(dict.fromkeys(s))),
            message=("message", " | ".join),
        )
        .reset_index()
    )
    r = returns.astype({"source_row": "int64"})
    merged = r.merge(grouped, on=key, how="left", indicator="_m")
    is_rej = (merged["_m"] == "both").to_numpy()
    tidy = ingest.TIDY_COLUMNS
    accepted = merged.loc[~is_rej, tidy].reset_index(drop=True)
    rejected = merged.loc[is_rej, tidy + ["rule", "column", "message"]].reset_index(drop=True)
    return accepted, rejected


def warnings_for(
    accepted_q: pd.DataFrame, history: pd.DataFrame, revisions: pd.DataFrame, catalogue: Catalogue
) -> pd.DataFrame:
    """Warnings on this quarter's accepted rows: jumps and falling cumulative year-to-date totals.

    Parameters
    ----------
    accepted_q : DataFrame
        This quarter's accepted tidy rows.
    history : DataFrame
        Observations (status ok) for periods before the quarter, from earlier returns.
    revisions : DataFrame
        Revisions made by this quarter's returns.
    """
    from pmqa_lib.core import gx_runner as gx

    if accepted_q.empty:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    frame = prepare(
        accepted_q.reset_index(drop=True).assign(**{c: np.nan for c in ingest.RAW_COLUMNS}),
        catalogue,
    )
    # usual movement: average moving range of the last JUMP_WINDOW earlier results (XmR)
    h = prepare(
        history.assign(
            **{c: np.nan for c in ingest.RAW_COLUMNS},
            received_in=history["received_in"].fillna(history["period"]),
        ),
        catalogue,
    )
    h = h[h["result"].notna()].sort_values(["indicator", "period_ord"])
    h = h.groupby("indicator").tail(JUMP_WINDOW)
    h["mr"] = h.groupby("indicator")["result"].diff().abs()
    stats = h.groupby("indicator").agg(
        n=("result", "size"),
        last=("result", "last"),
        last_ord=("period_ord", "last"),
        mr_bar=("mr", "mean"),
    )
    m = frame[["indicator", "period_ord", "result"]].join(stats, on="indicator")
    ok = (m["n"] >= JUMP_MIN_HISTORY) & (m["mr_bar"] > 0) & (m["period_ord"] > m["last_ord"])
    frame["movement_ratio"] = ((m["result"] - m["last"]).abs() / m["mr_bar"]).where(ok)
    # a revision lowering a cumulative indicator's year-to-date total within the current year
    frame["ytd_falls"] = False
    if not revisions.empty:
        rv = revisions.merge(catalogue.to_frame()[["indicator", "result_type"]], on="indicator")
        old = rv["old_value"].fillna(rv["old_numerator"])
        new = rv["new_value"].fillna(rv["new_numerator"])
        same_year = rv["period"].str[:4] == rv["received_in"].str[:4]
        falls = rv[(rv["result_type"] == "cumulative") & (new < old) & same_year]
        keys = set(zip(falls["source_file"], falls["source_row"].astype(int), strict=True))
        frame["ytd_falls"] = [
            (f, int(r)) in keys
            for f, r in zip(frame["source_file"], frame["source_row"], strict=True)
        ]
    failures = gx.run_suite(frame, WARNING_SUITE, {"usual_movement_limit": XMR_RANGE_LIMIT})
    return _locate(failures, frame)


# ---------------------------------------------------------------------------------------
# The stage

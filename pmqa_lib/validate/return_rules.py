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

from pmqa_lib.core import text_rules, units
from pmqa_lib.core.catalogue import ANNUAL_DUE_QUARTER, PUBLISHED_AGENCY, Catalogue
from pmqa_lib.core.files import EXPECTATIONS_DIR
from pmqa_lib.core.format import RAGS
from pmqa_lib.core.methods import XMR_RANGE_LIMIT
from pmqa_lib.core.periods import quarter_ordinals
from pmqa_lib.validate import ingest, messages, plausibility
from pmqa_lib.validate.messages import REVISION_MAX_AGE

log = logging.getLogger(__name__)

RETURN_SUITE = EXPECTATIONS_DIR / "agency_return.json"
WARNING_SUITE = EXPECTATIONS_DIR / "agency_return_warnings.json"
FILES_SUITE = EXPECTATIONS_DIR / "return_files.json"
FAILURE_COLUMNS = [
    "source_file", "sheet", "source_row", "agency", "indicator", "period", "received_in",
    "column", "value", "rule", "rule_text", "what_to_do", "severity", "message", "detail",
]  # fmt: skip
#: rules that reject a whole file (its failures name a row, but no row alone is rejected)
FILE_RULES = ("structure", "return_for_its_quarter")
JUMP_MIN_HISTORY = 5  # earlier values needed before a jump is judged
JUMP_WINDOW = 12  # quarters of history for the average moving range


# ---------------------------------------------------------------------------------------
# Pure steps


def _ordinals(periods: pd.Series) -> pd.Series:
    """``2015Q2`` -> running quarter number (NaN when not a quarter), vectorised."""
    return pd.Series(quarter_ordinals(periods), index=periods.index, dtype=float)


def canonical_indicators(returns: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """References as the catalogue writes them, matched without regard to case or surrounding
    spaces (``" cscb01 "`` is ``CSCB01``); a reference the catalogue does not hold is kept as sent,
    so the rules reject it naming the text."""
    refs = {r.strip().lower(): r for r in catalogue.indicators}
    key = returns["indicator"].astype("string").str.strip().str.lower()
    found = key.map(refs)
    out = returns.copy()
    out["indicator"] = found.where(found.notna(), returns["indicator"]).astype(object)
    return out


_CATALOGUE_COLUMNS = [
    "indicator", "agency", "unit", "result_type", "plausible_min", "plausible_max",
    "multiplier", "rolling_quarters", "frequency", "reporting_period", "precision", "dfe_file",
]  # fmt: skip


def _with_catalogue(returns: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Return rows with their indicator's catalogue fields and the quarters as numbers."""
    cat = catalogue.to_frame()[_CATALOGUE_COLUMNS].rename(columns={"agency": "indicator_owner"})
    df = returns.merge(cat, on="indicator", how="left")
    df.index = returns.index
    df["run_ord"] = _ordinals(df["received_in"])
    df["period_ord"] = _ordinals(df["period"])
    return df


def _forms_agree(df: pd.DataFrame) -> np.ndarray:
    """Rows giving numerator, denominator and value whose value is numerator / denominator (x
    the multiplier) to the indicator's precision: one figure written twice, not two figures."""
    ratio_units = df["unit"].isin(["percent", "days", "ratio"])
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = (
            df["numerator"]
            / df["denominator"]
            * df["multiplier"].where(df["unit"].eq("percent"), 1.0)
        )
    tolerance = 0.5 * 10.0 ** -df["precision"].fillna(0).astype(float) + 1e-9
    return (ratio_units & ((df["value"] - derived).abs() <= tolerance)).to_numpy()


def prepare(
    returns: pd.DataFrame,
    catalogue: Catalogue,
    populations: pd.DataFrame | None = None,
    context: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add the columns the suite reads: catalogue owner, unit, range, period order, result.

    ``result`` is the figure the plausible range applies to, on the headline's own scale:
    ``value`` when given, otherwise numerator / denominator x multiplier for percentages,
    numerator / denominator for days and ratios, the numerator for counts, and for a rate per
    10,000 the rate after the population step over the indicator's rolling window
    (:func:`pmqa_lib.validate.plausibility.rate_headlines`; NaN without ``populations``). It is
    NaN where a part of it is already rejected (negative, or above
    :data:`pmqa_lib.core.units.MAX_COUNT`), so a row gets one message for one fault.

    Parameters
    ----------
    populations : DataFrame, optional
        ``year`` and ``population`` (0-17, one row per year) for the rates.
    context : DataFrame, optional
        The rows that fill a rolling rate's other quarters (default ``returns`` itself).
    """
    df = _with_catalogue(returns, catalogue)
    df["file_agency"] = df["source_file"].str.extract(r"^([A-Za-z0-9]+)_", expand=False).str.upper()
    # DfE's published figures (a new board's history) may carry any indicator DfE publishes
    published = df["file_agency"].eq(PUBLISHED_AGENCY) & df["dfe_file"].fillna("").ne("")
    df["indicator_owner"] = df["indicator_owner"].mask(published, PUBLISHED_AGENCY)
    markers = df[ingest.MARKER_COLUMNS]
    df["marker"] = markers.bfill(axis=1).iloc[:, 0]
    raws = df[ingest.RAW_COLUMNS].notna()
    df["has_figure"] = (
        df["value"].notna() | df["numerator"].notna() | df["marker"].notna() | raws.any(axis=1)
    )
    filled = {
        c: (df[c].notna() | df[f"{c}_marker"].notna() | df[f"{c}_raw"].notna()).to_numpy()
        for c in ingest.NUMBER_COLUMNS
    }
    # both forms of the same figure, agreeing to the indicator's precision, are one figure
    filled["value"] = filled["value"] & ~_forms_agree(df)
    filled["numerator"] = (
        filled["numerator"]
        & ~(df["unit"].eq("number") & df["numerator"].eq(df["value"])).to_numpy()
    )
    # DfE's published rate comes with the population DfE divided by (make board), so pmqa's
    # figure is DfE's to the last decimal; an agency's rate row leaves the population to pmqa
    filled["denominator"] = (
        filled["denominator"] & ~(published & df["unit"].eq("rate_per_10k")).to_numpy()
    )
    misplaced = units.figure_form_problem(df["unit"].to_numpy(dtype=object), filled)
    df["misplaced_figure"] = pd.Series(misplaced, index=df.index).replace("", None)
    annual = df["frequency"].eq("annual")
    df["due_quarter"] = df["reporting_period"].map(ANNUAL_DUE_QUARTER).where(annual)
    df["period_quarter"] = (df["period_ord"] % 4 + 1).where(annual)
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
    is_rate = df["unit"].eq("rate_per_10k")
    result = df["value"].where(df["value"].notna() & ~is_rate, derived).astype(float)
    if is_rate.any():
        base = _with_catalogue(context, catalogue) if context is not None else df
        rates = plausibility.rate_headlines(df, base, populations)
        result = result.where(~is_rate, rates["headline"].astype(float))
        for c in ("window_count", "population", "population_year"):
            df[f"rate_{c}"] = rates[c]
    parts = df[ingest.NUMBER_COLUMNS]
    already_rejected = (
        (parts < 0).any(axis=1)
        | (df[["numerator", "denominator"]] > units.MAX_COUNT).any(axis=1)
        | (df["percent_numerator"] > df["percent_denominator"])
    )
    df["result"] = result.where(~already_rejected)
    return df


def suite_parameters(catalogue: Catalogue) -> dict:
    """The row suite's parameters: the catalogue's agencies and indicators, the RAG set, and the
    free-text patterns shared with the register suites (:mod:`pmqa_lib.core.text_rules`)."""
    return {
        "agencies": sorted(catalogue.agencies),
        "indicators": sorted(catalogue.indicators),
        "rags": list(RAGS),
        "max_count": units.MAX_COUNT,
        **text_rules.suite_parameters(),
    }


def _locate(failures: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """GX failures (row = frame index) -> tidy failures naming file, row, column and the value
    as sent, with a message in the agency's terms (:mod:`pmqa_lib.validate.messages`)."""
    if failures.empty:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    f = failures[failures["row"].notna()].reset_index(drop=True)
    table = failures[failures["row"].isna()]
    if len(table):  # a rule GX could not evaluate: a bug in the suite or prepare(), not in a return
        raise RuntimeError(
            f"validation rules could not be checked: {table[['rule', 'value']].to_dict('records')}"
        )
    rows = frame.loc[f["row"].to_numpy()].reset_index(drop=True)
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
    out["column"] = _columns_named(rows, out)
    out["value"] = _sent_values(rows, out["column"]).to_numpy()
    # where nothing was sent in the column named, GX's own value (a helper column's content) is
    # only shown for the rules that judge a value worked out from the row
    gx_value = np.where(out["rule"].eq("figure_in_right_column"), None, f["value"].to_numpy())
    out["value"] = np.where(pd.isna(out["value"]), gx_value, out["value"])
    out["value"] = out["value"].map(messages.shown)  # a 5 MB cell is named and measured, not copied
    detail = messages.details(rows, out)
    out["message"] = messages.messages(out, detail)
    out["detail"] = detail.where(detail.notna(), out["rule_text"])
    return out[FAILURE_COLUMNS]


#: rules whose figure is the row's result: they name the column the figure was sent in
_RESULT_RULES = ("result_above_plausible_min", "result_below_plausible_max", "jump",
                 "revision_jump", "cumulative_falls")  # fmt: skip


def _columns_named(rows: pd.DataFrame, out: pd.DataFrame) -> np.ndarray:
    """The column each failure names: where the agency put the figure the rule is about."""
    col = out["column"].to_numpy(dtype=object).copy()
    rule = out["rule"].to_numpy(dtype=object)
    sent_in_value = rows["value"].notna().to_numpy()
    on_result = np.isin(rule, _RESULT_RULES)
    col = np.where(on_result, np.where(sent_in_value, "value", "numerator"), col)
    misplaced = rule == "figure_in_right_column"
    if misplaced.any():
        col[misplaced] = rows["misplaced_figure"].to_numpy(dtype=object)[misplaced]
    return col


def _sent_values(rows: pd.DataFrame, columns: pd.Series) -> pd.Series:
    """The value as the agency sent it, in the column each failure names."""
    vals = pd.Series([None] * len(rows), dtype=object)
    cols = np.asarray(columns, dtype=object)
    for col in pd.unique(cols):
        mask = cols == col
        if col in ingest.NUMBER_COLUMNS:
            raw = (
                rows[f"{col}_raw"].to_numpy()[mask] if f"{col}_raw" in rows else [None] * mask.sum()
            )
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
            "rule": rej["rule"].fillna("structure") if "rule" in rej else "structure",
            "rule_text": "The file cannot be read as a return: " + rej["reason"].astype(str) + ".",
            "what_to_do": "Correct the file (the return template has the right layout) and send it again.",
            "severity": "error",
        }
    )
    out["message"] = messages.messages(out) if len(out) else pd.Series(dtype=object)
    out["detail"] = out["rule_text"]
    return out.reset_index(drop=True)[FAILURE_COLUMNS]


def check_files(files: pd.DataFrame, returns: pd.DataFrame) -> pd.DataFrame:
    """Run ``expectations/return_files.json`` over the files table; return the files table with
    the files it rejects marked ``rejected`` (reason, row and column named).

    Two rules: the header is exactly the layout (ingest has already rejected those files; this is
    GX's view of the same rule), and a return holds at least one row for the quarter of the
    folder it is in (``return_for_its_quarter``): a return whose rows are all for another quarter
    is that quarter's return in the wrong folder, or has the wrong period throughout, and is
    rejected whole, never read as revisions of the quarter it names.
    """
    from pmqa_lib.core import gx_runner as gx

    f = files[files["status"] != "ignored"].reset_index()
    # only rows whose period is a quarter count: a malformed period is the period_form rule's
    read = returns[returns["period"].astype("string").str.fullmatch(r"\d{4}Q[1-4]").fillna(False)]
    own = (
        (read["period"] == read["received_in"])
        .groupby([read["source_file"], read["received_in"]])
        .sum()
    )
    f["rows_for_quarter"] = (
        pd.MultiIndex.from_frame(f[["source_file", "received_in"]]).map(own.to_dict()).astype(float)
    )
    f.loc[f["status"] != "read", "rows_for_quarter"] = np.nan
    failures = gx.run_suite(
        f[["source_file", "header", "rows_for_quarter"]],
        FILES_SUITE,
        {"layout": ["|".join(ingest.RETURN_COLUMNS)]},
    )
    wrong = failures[(failures["rule"] == "return_for_its_quarter") & failures["row"].notna()]
    out = files.copy()
    for k in wrong["row"].astype(int):
        rec = f.loc[k]
        mine = read[
            (read["source_file"] == rec["source_file"])
            & (read["received_in"] == rec["received_in"])
        ]
        held = mine["period"].value_counts().index.tolist()
        first = int(mine["source_row"].min())
        quarters = " and ".join(held[:3]) + (" and others" if len(held) > 3 else "")
        elsewhere = held[0]
        out.loc[rec["index"], ["status", "rule", "reason", "column", "source_row"]] = [
            "rejected",
            "return_for_its_quarter",
            f"every row is for {quarters}, but the file is in the {rec['received_in']} folder, so it is not read at all: if it is the "
            f"{rec['received_in']} return, correct the period column to {rec['received_in']}; if "
            f"it is the {elsewhere} return, it belongs in the {elsewhere} folder",
            "period",
            first,
        ]
    return out


def validate_returns(
    returns: pd.DataFrame, catalogue: Catalogue, populations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Run the row suite on tidy returns; return tidy failures (errors and warnings).

    Parameters
    ----------
    returns : DataFrame
        Tidy returns from :mod:`pmqa_lib.validate.ingest` (with the ``*_raw`` and ``_extra_cells``
        columns), references already matched to the catalogue (:func:`canonical_indicators`).
    catalogue : Catalogue
        Gives the agencies, indicators, owners, units and plausible ranges.
    populations : DataFrame, optional
        ``year`` and ``population``: rates per 10,000 are judged after the population step
        (without it they are not range-checked here).
    """
    from pmqa_lib.core import gx_runner as gx

    if returns.empty:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    frame = prepare(returns.reset_index(drop=True), catalogue, populations)
    failures = gx.run_suite(frame, RETURN_SUITE, suite_parameters(catalogue))
    return _locate(failures, frame)


def split(returns: pd.DataFrame, failures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted rows, and rejected rows with their first error's rule, column and message."""
    key = ["source_file", "received_in", "source_row"]
    errors = failures[
        (failures["severity"] == "error")
        & ~failures["rule"].isin(FILE_RULES)
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


def _movement_figure(prepared: pd.DataFrame) -> pd.Series:
    """The figure whose quarter-to-quarter movement is judged: the result, except for a rate per
    10,000, where it is the count the agency sent (a rolling rate moves smoothly, so its moving
    range would make every real change look like a jump; the count is what the agency can check)."""
    is_rate = prepared["unit"].eq("rate_per_10k")
    return prepared["result"].where(~is_rate, prepared["numerator"]).astype(float)


#: warnings that question the figure itself: the board sees it as "queried" until confirmed
QUERY_RULES = ("jump", "revision_jump", "revision_far_back", "cumulative_falls")


def warnings_for(
    accepted_q: pd.DataFrame,
    history: pd.DataFrame,
    revisions: pd.DataFrame,
    catalogue: Catalogue,
    populations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Warnings on this quarter's accepted rows: jumps, revisions far back or far beyond the
    usual movement, and falling cumulative year-to-date totals.

    Parameters
    ----------
    accepted_q : DataFrame
        This quarter's accepted tidy rows.
    history : DataFrame
        Observations (status ok) for periods before the quarter, from earlier returns.
    revisions : DataFrame
        Revisions made by this quarter's returns.
    populations : DataFrame, optional
        ``year`` and ``population``, so that rates are compared as the board sees them.
    """
    from pmqa_lib.core import gx_runner as gx

    if accepted_q.empty:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    no_raw = {c: np.nan for c in ingest.RAW_COLUMNS}
    past = history.assign(**no_raw, received_in=history["received_in"].fillna(history["period"]))
    rows = accepted_q.reset_index(drop=True).assign(**no_raw)
    context = pd.concat([past, rows], ignore_index=True)
    frame = prepare(rows, catalogue, populations, context)
    # usual movement: average moving range of the last JUMP_WINDOW earlier figures (XmR)
    h = prepare(past, catalogue, populations, past)
    h["figure"] = _movement_figure(h)
    frame["figure"] = _movement_figure(frame)
    h = h[h["figure"].notna()].sort_values(["indicator", "period_ord"])
    h = h.groupby("indicator").tail(JUMP_WINDOW)
    h["mr"] = h.groupby("indicator")["figure"].diff().abs()
    stats = h.groupby("indicator").agg(
        n=("figure", "size"),
        last=("figure", "last"),
        last_ord=("period_ord", "last"),
        mr_bar=("mr", "mean"),
    )
    m = frame[["indicator", "period_ord", "figure"]].join(stats, on="indicator")
    judged = (m["n"] >= JUMP_MIN_HISTORY) & (m["mr_bar"] > 0)
    ok = judged & (m["period_ord"] > m["last_ord"])
    frame["movement_ratio"] = ((m["figure"] - m["last"]).abs() / m["mr_bar"]).where(ok)
    frame["last"] = m["last"]
    frame["usual_step"] = m["mr_bar"].where(judged)
    # revisions: how far back, and how far they move the figure
    key = ["source_file", "source_row"]
    frame["revision_age"] = np.nan
    frame["revision_movement_ratio"] = np.nan
    frame["revision_old"] = np.nan
    frame["revision_new"] = np.nan
    frame["ytd_falls"] = False
    if not revisions.empty:
        rv = revisions.astype({"source_row": "int64"})
        old = rv.rename(columns={f"old_{c}": c for c in ("numerator", "denominator", "value")})
        old = old[["agency", "indicator", "period", "numerator", "denominator", "value",
                   "source_file", "source_row", "received_in"]]  # fmt: skip
        old = old.assign(
            **no_raw, **{c: None for c in ingest.MARKER_COLUMNS}, sheet="",
            received_in=rv["old_received_in"],
        )  # fmt: skip
        old_result = _movement_figure(prepare(old, catalogue, populations, past)).to_numpy()
        at = (
            frame[key]
            .astype({"source_row": "int64"})
            .merge(rv[key].assign(_rv=np.arange(len(rv))), on=key, how="left")["_rv"]
        )
        hit = at.notna().to_numpy()
        idx = at[hit].astype(int).to_numpy()
        frame.loc[hit, "revision_old"] = old_result[idx]
        frame.loc[hit, "revision_new"] = frame.loc[hit, "figure"]
        frame.loc[hit, "revision_age"] = (frame["run_ord"] - frame["period_ord"])[hit]
        moved = (frame["revision_new"] - frame["revision_old"]).abs() / frame["usual_step"]
        frame["revision_movement_ratio"] = moved.where(hit & judged.to_numpy())
        # a revision lowering a cumulative indicator's year-to-date total within the current year
        new_fig = rv["new_value"].fillna(rv["new_numerator"]).to_numpy()
        old_fig = rv["old_value"].fillna(rv["old_numerator"]).to_numpy()
        same_year = (rv["period"].str[:4] == rv["received_in"].str[:4]).to_numpy()
        falls = (new_fig < old_fig) & same_year
        cumulative = frame["result_type"].eq("cumulative").to_numpy()
        frame.loc[hit, "ytd_falls"] = falls[idx] & cumulative[hit]
    params = {"usual_movement_limit": XMR_RANGE_LIMIT, "revision_max_age": REVISION_MAX_AGE}
    failures = gx.run_suite(frame, WARNING_SUITE, params)
    return _locate(failures, frame)


# ---------------------------------------------------------------------------------------
# The stage

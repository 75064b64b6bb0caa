"""The notebooks' Explore sections: the tables behind a report, as tidy DataFrames.

An analyst preparing a multi-agency audit opens a report notebook in JupyterLab and, below the
published content, finds the rows the report was built from: the quarter's measures, its assurance
rows and RAG history (board report); one indicator's measures, assurance row, RAG history and
returns with their revisions (drill-down); the profile's summary and series (profile). Each
function here returns a frame small enough to show (the columns that matter, at most
:data:`EXPLORE_ROWS` rows; an assurance row turned on its side has one line per field, about 60);
the full tables are ``inputs.measures``, ``inputs.assurance``, ``data.summary`` and so on.

The Explore cells carry the cell tag ``explore`` (:data:`pmqa_lib.report.publish.EXPLORE_TAG`) and
are removed when the notebook is published, so nothing here reaches the HTML or PDF.

:func:`key_figures`, :func:`recent_rag` and :func:`profile_key_figures` are the small, stable
figures each notebook prints with :func:`lines` in a cell marked ``# NBVAL_CHECK_OUTPUT``, which
``tests/e2e/test_nbval.py`` compares with figures worked by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import Indicator
from pmqa_lib.core.periods import Quarter, parse_financial_year
from pmqa_lib.public.profile_data import ProfileData
from pmqa_lib.report import profile_pages, tables
from pmqa_lib.report.inputs import RAG_HISTORY_COLUMNS, ReportInputs, read_rag_history

#: the most rows an Explore frame shows (pandas itself would cut a longer one to 10 lines)
EXPLORE_ROWS = 50

MEASURE_COLUMNS = (
    "indicator", "period", "kind", "fy_label", "numerator", "denominator", "value",
    "display_value", "ytd", "ytd_display", "ytd_quarters", "target", "ytd_target", "target_met",
    "ytd_target_met", "status", "note", "proposed_rag", "source_file", "received_in",
)  # fmt: skip
ASSURANCE_COLUMNS = (
    "indicator", "period", "value", "display_value", "target", "target_met", "lower_95",
    "upper_95", "band", "trajectory", "trend_arrow", "spc_variation", "spc_assurance",
    "assurance", "rag", "previous_rag", "lead_rag", "disagreement", "trigger", "status",
)  # fmt: skip
OBSERVATION_COLUMNS = (
    "agency", "period", "numerator", "denominator", "value", "status", "proposed_rag",
    "source_file", "received_in",
)  # fmt: skip
REVISION_COLUMNS = (
    "old_numerator", "old_denominator", "old_value", "old_source_file", "old_received_in",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "key", "title", "fy_label", "LA", "lower", "upper", "England", "Region", "SN",
    "n_neighbours", "vs_england", "vs_sn", "rank", "n_ranked", "quartile_band", "trajectory",
    "sens_slope", "mk_p_value",
)  # fmt: skip


def _columns(df: pd.DataFrame, wanted: tuple[str, ...]) -> pd.DataFrame:
    return df[[c for c in wanted if c in df.columns]]


def _period_order(periods: pd.Series) -> pd.Series:
    """A sort key: quarters by their ordinal, financial years ("2015/16") after their Q4."""

    def key(p: object) -> float:
        text = str(p)
        try:
            return float(Quarter.parse(text).ordinal)
        except ValueError:
            pass
        try:
            return Quarter(parse_financial_year(text), 4).ordinal + 0.5
        except ValueError:
            return np.inf

    return periods.map(key)


def _quarter_label(period: object) -> str:
    try:
        return Quarter.parse(str(period)).label
    except ValueError:
        return str(period)


# ---------------------------------------------------------------------------------------
# Board report


def quarter_measures(inputs: ReportInputs, rows: int = EXPLORE_ROWS) -> pd.DataFrame:
    """The quarter's rows of ``measures.csv``, one per indicator in the catalogue's order, with
    the columns the report reads (the year to date is in ``ytd``, ``ytd_display``)."""
    m = inputs.measures
    m = tables.sort_by_catalogue(m[m["period"] == inputs.quarter.code], inputs.catalogue)
    return _columns(m, MEASURE_COLUMNS).head(rows).reset_index(drop=True)


def quarter_assurance(inputs: ReportInputs, rows: int = EXPLORE_ROWS) -> pd.DataFrame:
    """``assurance.csv``: each indicator's value, interval, band, trajectory, SPC reading,
    assurance and RAG this quarter, in the catalogue's order."""
    a = tables.sort_by_catalogue(inputs.assurance, inputs.catalogue)
    return _columns(a, ASSURANCE_COLUMNS).head(rows).reset_index(drop=True)


def rag_history(inputs: ReportInputs, quarters: int = 8, rows: int = EXPLORE_ROWS) -> pd.DataFrame:
    """The computed RAG of each indicator (rows, catalogue order) in each of the last ``quarters``
    quarters up to this one (columns, oldest first): "not rated" where no value could be rated,
    blank where the quarter was not assessed."""
    h = read_rag_history(inputs)
    wanted = [p.code for p in inputs.quarter.previous_quarters(quarters - 1)] + [
        inputs.quarter.code
    ]
    h = h[h["period"].astype(str).isin(wanted)]
    rag = h["rag"].where(h["rag"].notna() & h["rag"].astype(str).ne(""), "not rated")
    wide = (
        h.assign(rag=rag)
        .pivot_table(index="indicator", columns="period", values="rag", aggfunc="first")
        .reindex(columns=[p for p in wanted if p in set(h["period"])])
        .fillna("")
    )
    wide.columns = [Quarter.parse(p).label for p in wide.columns]
    wide = tables.sort_by_catalogue(wide.reset_index(), inputs.catalogue)
    wide.columns.name = None
    return wide.head(rows)


def key_figures(inputs: ReportInputs, refs: str | list[str]) -> pd.DataFrame:
    """This financial year's figures of ``refs`` exactly as the indicator page prints them (the
    "Actual" row of :func:`pmqa_lib.report.tables.indicator_page_table`).

    Parameters
    ----------
    refs : str or list of str
        Indicator references; a string is split on spaces and commas (``"1.1 1.1a"``).

    Returns
    -------
    DataFrame
        ``Indicator`` then one column per period of this year (``2015/16 Q1`` ... ``2015/16
        YTD``; an annual indicator's period label), display text, blank where not yet due. A
        reference missing from the catalogue gives a row saying so.
    """
    if isinstance(refs, str):
        refs = refs.replace(",", " ").split()
    fy = inputs.quarter.fy_label
    rows = []
    for ref in refs:
        if ref not in inputs.catalogue.indicators:
            rows.append({"Indicator": ref, "": "not in the catalogue"})
            continue
        t = tables.indicator_page_table(inputs.measures, inputs.catalogue[ref], inputs.quarter)
        actual = t.set_index(t.columns[0]).loc["Actual"]
        row = {"Indicator": ref}
        row.update({c: v for c, v in actual.items() if str(c).startswith(fy) and v != ""})
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


# ---------------------------------------------------------------------------------------
# Drill-down


def indicator_measures(
    inputs: ReportInputs, ind: Indicator, rows: int = EXPLORE_ROWS
) -> pd.DataFrame:
    """Every row of ``measures.csv`` for one indicator, oldest first (the latest ``rows``)."""
    m = inputs.measures[inputs.measures["indicator"] == ind.ref]
    m = m.iloc[np.argsort(_period_order(m["period"]).to_numpy(), kind="stable")]
    return _columns(m, MEASURE_COLUMNS).tail(rows).reset_index(drop=True)


def indicator_assurance(inputs: ReportInputs, ind: Indicator) -> pd.DataFrame:
    """The indicator's ``assurance.csv`` row turned on its side: one line per field (``field``,
    ``value``), every field kept. Empty when the indicator has no row this quarter."""
    a = inputs.assurance[inputs.assurance["indicator"] == ind.ref]
    if a.empty:
        return pd.DataFrame(columns=["field", "value"])
    row = a.iloc[0]
    return pd.DataFrame({"field": row.index.astype(str), "value": row.to_numpy(dtype=object)})


def indicator_rag_history(inputs: ReportInputs, ind: Indicator) -> pd.DataFrame:
    """The indicator's rows of ``rag_history.csv``, oldest first, with the quarter's label."""
    h = read_rag_history(inputs)
    h = h[h["indicator"] == ind.ref]
    h = h.iloc[np.argsort(_period_order(h["period"]).to_numpy(), kind="stable")]
    out = _columns(h, RAG_HISTORY_COLUMNS[1:]).reset_index(drop=True)
    out.insert(0, "quarter", [_quarter_label(p) for p in out["period"]])
    return out.tail(EXPLORE_ROWS).reset_index(drop=True)


def observations_with_revisions(
    inputs: ReportInputs, ind: Indicator, rows: int = EXPLORE_ROWS
) -> pd.DataFrame:
    """Every return row for the indicator (``observations.csv``, the figures as now held), oldest
    first, with the figures they replaced where a later return revised them (``revisions.csv``):
    ``revised`` is True there and the ``old_*`` columns hold what was first sent."""
    obs = inputs.observations
    if obs.empty:
        return pd.DataFrame(columns=[*OBSERVATION_COLUMNS, "revised", *REVISION_COLUMNS])
    o = _columns(obs[obs["indicator"] == ind.ref], ("indicator", *OBSERVATION_COLUMNS))
    rev = inputs.revisions
    if rev.empty or "indicator" not in rev:
        rev = pd.DataFrame(columns=["agency", "indicator", "period", *REVISION_COLUMNS])
    keys = [c for c in ("agency", "indicator", "period") if c in rev and c in o]
    rev = _columns(rev[rev["indicator"] == ind.ref], (*keys, *REVISION_COLUMNS))
    if "old_received_in" in rev:  # revised twice: the figures first sent
        rev = rev.iloc[np.argsort(_period_order(rev["old_received_in"]).to_numpy(), kind="stable")]
    rev = rev.drop_duplicates(keys, keep="first")
    out = o.merge(
        rev.astype({k: o[k].dtype for k in keys}), on=keys, how="left", indicator="_merge"
    )
    out.insert(len(o.columns), "revised", out.pop("_merge").eq("both").to_numpy())
    out = out.drop(columns="indicator")
    out = out.iloc[np.argsort(_period_order(out["period"]).to_numpy(), kind="stable")]
    return out.tail(rows).reset_index(drop=True)


def recent_rag(inputs: ReportInputs, ind: Indicator, quarters: int = 4) -> pd.DataFrame:
    """The indicator's last ``quarters`` quarters, latest first: the value as displayed, the
    computed RAG and the lead officer's (from ``rag_history.csv``)."""
    h = indicator_rag_history(inputs, ind)
    h = h[h["period"].astype(str).str.fullmatch(r"\d{4}Q[1-4]")].tail(quarters).iloc[::-1]

    def text(v: object, missing: str) -> str:
        return v if isinstance(v, str) and v else missing

    return pd.DataFrame({
        "Quarter": h["quarter"].to_numpy(),
        "Value": [text(v, "") for v in h["display_value"]],
        "RAG (computed)": [text(v, "not rated") for v in h["rag"]],
        "RAG (lead officer)": [text(v, "none") for v in h["lead_rag"]],
    })  # fmt: skip


# ---------------------------------------------------------------------------------------
# Profile


def profile_summary(data: ProfileData) -> pd.DataFrame:
    """The profile's summary, one row per measure, full precision: latest year, the authority's
    value and 95% interval, England, region and neighbours' mean, comparisons, rank, quartile
    and trend."""
    return _columns(data.summary, SUMMARY_COLUMNS).reset_index(drop=True)


def profile_series(data: ProfileData, comparator: str = "LA") -> pd.DataFrame:
    """One comparator's published series, one row per measure and one column per DfE year
    (``"LA"``, ``"England"``, ``"Region"`` or ``"SN"``, the neighbours' mean)."""
    s = data.series[data.series["comparator"] == comparator]
    wide = s.pivot_table(index="key", columns="dfe_year", values="value", aggfunc="first")
    wide = wide.reindex(data.summary["key"]).reindex(columns=sorted(wide.columns))
    wide.index.name, wide.columns.name = "key", None
    return wide.reset_index()


def profile_key_figures(data: ProfileData, keys: str | list[str]) -> pd.DataFrame:
    """Rows of the profile's "Latest year" table (:func:`pmqa_lib.report.profile_pages.summary_table`,
    the published rounding) for the measure ``keys`` (a string is split on spaces and commas),
    keyed by measure key, with the year, the authority's value and interval and the comparators."""
    if isinstance(keys, str):
        keys = keys.replace(",", " ").split()
    t = profile_pages.summary_table(data)
    t.insert(0, "Measure key", data.summary["key"].to_numpy())
    cols = ["Measure key", "Year", data.la.name, "95% interval", "England", "Region",
            "Neighbours (mean)"]  # fmt: skip
    t = t.set_index("Measure key", drop=False)
    missing = [k for k in keys if k not in t.index]
    if missing:
        raise KeyError(f"not a profile measure: {', '.join(missing)}")
    return t.loc[list(keys), cols].reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Text for the checked cells


def lines(df: pd.DataFrame) -> str:
    """A frame as plain lines, one per row: the first column, a colon, then each non-blank
    cell as ``column value`` separated by semicolons. Stable text for nbval to compare."""
    out = []
    label, *rest = df.columns
    for _, row in df.iterrows():
        cells = [f"{c} {row[c]}".strip() for c in rest if str(row[c]).strip()]
        out.append(f"{row[label]}: " + "; ".join(cells))
    return "\n".join(out)

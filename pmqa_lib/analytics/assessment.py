"""One quarter's analytics: measures, comparators, trend, SPC and assurance for every indicator.

:func:`run` is what the pipeline calls. It is pure (no files): the pipeline writes the two frames
it returns to ``data/processed/<quarter>/measures.csv`` and ``assurance.csv``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmqa_lib.analytics import assurance as asr
from pmqa_lib.analytics import stats
from pmqa_lib.analytics.measures import measures_table, period_ordinal
from pmqa_lib.analytics.spc import NOT_ASSESSED, SPCSettings, rebase_frame, spc_summary, xmr
from pmqa_lib.analytics.trend import INSUFFICIENT, TrendSettings, trend_table
from pmqa_lib.core.catalogue import (
    ANNUAL_DUE_QUARTER,
    COMPARATOR_COLUMNS,
    CONTINUUM_CELLS,
    PUBLISHED_AGENCY,
    TARGET_TYPE_COMPARATOR,
    Catalogue,
)
from pmqa_lib.core.format import format_value
from pmqa_lib.core.periods import (
    Quarter,
    annual_due_ordinal,
    annual_period_label,
    annual_slot,
    comparator_dfe_year,
    quarter_labels,
)
from pmqa_lib.core.units import is_plausible

logger = logging.getLogger(__name__)


ASSURANCE_COLUMNS = [
    "indicator", "name", "agency", "lead_officer", "period", "value", "display_value", "target",
    "target_type", "target_met", "england", "england_status", "sn", "sn_status", "region",
    "region_status", "comparison_method", "lower_95", "upper_95", "lower_99_8", "upper_99_8",
    "england_label", "sn_label", "region_label", "trajectory", "trend_arrow", "trajectory_change", "trajectory_points",
    "mk_p_value", "mk_n", "sens_slope", "trend_significant", "mk_note", "spc_variation",
    "spc_assurance", "spc_warning", "spc_mean", "spc_lpl", "spc_upl", "spc_points", "band",
    "assurance", "rag", "previous_rag", "trigger", "next_step", "lead_rag", "disagreement",
    "disagreement_note", "status", "note", "result_period", "result_label", "next_due",
    "previous_result_value", "previous_result_label", "previous_result_target",
    "previous_result_target_met", "queried", "query_note",
]  # fmt: skip


@dataclass(frozen=True)
class AnalyticsSettings:
    """Every setting of the analytics, with the defaults documented in docs/analytics.md.

    Attributes
    ----------
    trend : TrendSettings
        Trajectory window and dead-band, Mann-Kendall minimum length and level.
    spc : SPCSettings
        Shift and trend run lengths, short-series warning, screening, rebasing.
    comparison_confidence : float
        The interval used for better / similar / worse (0.95; 0.998 is also reported).
    """

    trend: TrendSettings = field(default_factory=TrendSettings)
    spc: SPCSettings = field(default_factory=SPCSettings)
    comparison_confidence: float = 0.95


def latest_populations(populations: pd.DataFrame) -> pd.DataFrame:
    """One population per year: where several releases give the same year, the latest release.

    Accepts the committed extract (``year``, ``population``, optionally ``release``).
    """
    pop = populations.copy()
    if "release" in pop.columns and pop.duplicated("year").any():
        pop = pop.sort_values(["year", "release"]).drop_duplicates("year", keep="last")
        logger.debug("populations: several releases per year; using the latest release of each")
    if pop.duplicated("year").any():
        raise ValueError("populations hold more than one row for a year and no release column")
    return pop[["year", "population"]].reset_index(drop=True)


def comparator_values(
    comparators: pd.DataFrame | None,
    quarter: Quarter,
    published_years: pd.Series | None = None,
) -> pd.DataFrame:
    """Per indicator: england, sn, region values and labels from the latest DfE year published by
    the start of the quarter's financial year (DfE year <= the financial year's start year: for
    2015Q2, DfE 2015 = 2014/15).

    ``published_years`` (indicator -> DfE year) names the indicators whose value is DfE's own
    published figure for that year (a new board's history, returned by
    :data:`pmqa_lib.core.catalogue.PUBLISHED_AGENCY`): DfE published England's and the
    neighbours' figures with it, so they compare with that year's (or the latest before it).
    """
    cols = ["indicator"] + [f"{c}{s}" for c in COMPARATOR_COLUMNS.values() for s in ("", "_label")]
    if comparators is None or comparators.empty:
        return pd.DataFrame(columns=cols)
    c = comparators.assign(indicator=comparators["indicator"].astype(str))
    limit = pd.Series(comparator_dfe_year(quarter), index=c.index, dtype="int64")
    if published_years is not None and len(published_years):
        own = c["indicator"].map(published_years)
        limit = limit.where(own.isna(), own.fillna(0).astype("int64"))
    c = c[c["dfe_year"].astype("int64") <= limit].copy()
    c = c[c["comparator"].isin(list(COMPARATOR_COLUMNS))]
    c = c.sort_values("dfe_year").groupby(["indicator", "comparator"]).tail(1)
    c["key"] = c["comparator"].map(COMPARATOR_COLUMNS)
    label = (
        c["label"] if "label" in c.columns else c["comparator"] + " " + c["dfe_year"].astype(str)
    )
    c = c.assign(label=label)
    wide_v = c.pivot(index="indicator", columns="key", values="value")
    wide_l = c.pivot(index="indicator", columns="key", values="label").add_suffix("_label")
    out = pd.concat([wide_v, wide_l], axis=1).reset_index()
    for col in cols:
        if col not in out.columns:
            out[col] = np.nan if not col.endswith("_label") else ""
    out[[k for k in COMPARATOR_COLUMNS.values()]] = out[list(COMPARATOR_COLUMNS.values())].astype(
        "float64"
    )
    return out[cols]


# ---------------------------------------------------------------------------------------
# Annual indicators


def series_points(hist: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The points trend and SPC run on, with a time column ``_t``.

    A quarterly indicator keeps every quarter (``_t`` = the quarter ordinal). An annual indicator
    keeps one point per annual period (``_t`` = :func:`pmqa_lib.core.periods.annual_slot`): the reported result, or the
    due quarter's row (rejected or missing) when none was reported, so consecutive annual results
    sit next to each other in time and a missed year leaves a gap. ``hist`` needs ``_ord``,
    ``frequency``, ``reporting_period`` and ``value``.
    """
    keys = list(keys)
    annual = hist["frequency"].eq("annual").to_numpy()
    due_q = hist["reporting_period"].map(ANNUAL_DUE_QUARTER).fillna(4).astype("int64")
    o = hist["_ord"].to_numpy(dtype="int64")
    slot = annual_slot(o, due_q)
    is_due = o == annual_due_ordinal(slot, due_q)
    has = hist["value"].notna().to_numpy()
    pts = hist.assign(_t=np.where(annual, slot, o), _has=has, _due=is_due)
    pts = pts[~annual | has | is_due]
    ann = pts["frequency"].eq("annual")
    # one point per annual period: a reported value wins over the due quarter's empty row
    one = (
        pts[ann]
        .sort_values([*keys, "_t", "_has", "_ord"], kind="stable")
        .drop_duplicates([*keys, "_t"], keep="last")
    )
    return pd.concat([pts[~ann], one]).sort_values([*keys, "_t"], kind="stable")


def current_rows(
    hist: pd.DataFrame, points: pd.DataFrame, quarter: Quarter, keys: Sequence[str]
) -> pd.DataFrame:
    """Each series' row for ``quarter``, with ``result_period``, ``result_label``, ``next_due``.

    A quarterly indicator: the quarter's own row. An annual indicator: the result of the current
    annual period if it has been reported (always so in its due quarter, where a missing return
    stays missing); otherwise, outside the due quarter, the latest annual result (the previous
    period's), carried with status "ok" and the note "latest annual result (<period>); next due in
    <quarter>". When that previous period's return was itself rejected or missing, the row keeps
    that status and the note says so: a board is never shown a result older than a year as current.
    Also ``previous_result_*``: the annual result before the one shown (annual indicators only).
    """
    keys = list(keys)
    now_q = hist[(hist["_ord"] == quarter.ordinal) & hist["frequency"].ne("annual")].copy()
    now_q["result_period"] = quarter.code
    now_q["result_label"] = quarter.label
    now_q["next_due"] = ""

    ann = points[points["frequency"].eq("annual")]
    if ann.empty:
        return now_q
    due_q = ann["reporting_period"].map(ANNUAL_DUE_QUARTER).fillna(4).astype("int64")
    t_now = annual_slot(np.full(len(ann), quarter.ordinal), due_q)
    due_now = (quarter.ordinal == annual_due_ordinal(t_now, due_q)).astype(bool)
    ann = ann.assign(_tnow=t_now, _duenow=due_now)
    ann = ann[ann["_t"] <= ann["_tnow"]]
    cur = ann[ann["_t"] == ann["_tnow"]]
    reported_now = cur.loc[cur["_has"] | cur["_duenow"], keys].drop_duplicates()
    use_now = (
        ann[keys].merge(reported_now.assign(_use=True), on=keys, how="left")["_use"]
        .fillna(False).to_numpy(dtype=bool)
    )  # fmt: skip
    want_t = np.where(use_now, ann["_tnow"], ann["_tnow"] - 1)
    pick = ann[ann["_t"].to_numpy() == want_t].copy()
    # the annual result before the one shown
    before = ann[ann["_has"]][[*keys, "_t", "value", "target", "target_met", "reporting_period"]]
    prev = pick[[*keys, "_t"]].merge(before, on=keys, suffixes=("", "_b"))
    prev = prev[prev["_t_b"] < prev["_t"]].sort_values("_t_b").drop_duplicates(keys, keep="last")
    prev = prev.assign(
        previous_result_label=annual_period_label(prev["_t_b"], prev["reporting_period"]),
    ).rename(
        columns={"value": "previous_result_value", "target": "previous_result_target",
                 "target_met": "previous_result_target_met"}
    )  # fmt: skip
    pick = pick.merge(
        prev[[*keys, "previous_result_value", "previous_result_label", "previous_result_target",
              "previous_result_target_met"]],
        on=keys, how="left",
    )  # fmt: skip
    pd_due = pick["reporting_period"].map(ANNUAL_DUE_QUARTER).fillna(4).astype("int64")
    period_label = annual_period_label(pick["_t"], pick["reporting_period"])
    next_t = np.where(pick["_duenow"], pick["_tnow"] + 1, pick["_tnow"])
    next_due = quarter_labels(annual_due_ordinal(next_t, pd_due))
    due_label = quarter_labels(annual_due_ordinal(pick["_t"], pd_due))
    carried = (pick["_t"] < pick["_tnow"]).to_numpy()
    has = pick["_has"].to_numpy()
    pick["result_period"] = pick["period"].astype(str)
    pick["result_label"] = period_label
    pick["next_due"] = next_due
    gap = np.select(
        [pick["status"].eq("rejected"), pick["status"].eq("suppressed")],
        ["was rejected", "was suppressed (small numbers)"],
        "was not received",
    )
    note = np.where(
        carried & has,
        "latest annual result (" + period_label + "); next due in " + next_due,
        np.where(
            has,
            "annual result (" + period_label + "); next due in " + next_due,
            "no data: the annual return for " + period_label + " due in " + due_label + " "
            + gap + "; next due in " + next_due,
        ),
    )  # fmt: skip
    pick["note"] = note
    pick.loc[carried & has, "status"] = "ok"
    pick["display_value"] = np.where(has, np.nan, pick["display_value"])
    pick = pick.drop(columns=[c for c in pick.columns if c.startswith("_") and c != "_ord"])
    pick = pick.drop(columns=["_ord"]).assign(_ord=quarter.ordinal, period=quarter.code)
    return pd.concat([now_q, pick], ignore_index=True, sort=False)


def _with_placeholders(
    observations: pd.DataFrame, catalogue: Catalogue, q: Quarter
) -> pd.DataFrame:
    """Catalogue indicators with no observation at all get a "missing" row for the quarter."""
    have = set(observations["indicator"].astype(str))
    absent = [i.ref for i in catalogue if i.ref not in have]
    if not absent:
        return observations
    extra = pd.DataFrame({"indicator": absent, "period": q.code, "status": "missing"})
    return pd.concat([observations, extra], ignore_index=True, sort=False)


def assess_quarter(
    quarterly: pd.DataFrame,
    catalogue_frame: pd.DataFrame,
    observations: pd.DataFrame,
    comparators: pd.DataFrame | None,
    quarter: Quarter,
    settings: AnalyticsSettings,
    keys: Sequence[str] = ("indicator",),
) -> pd.DataFrame:
    """Assurance rows for ``quarter`` from the quarterly measures (see :func:`run`)."""
    keys = list(keys)
    hist = quarterly[quarterly["_ord"] <= quarter.ordinal]
    sched = [c for c in ("frequency", "reporting_period") if c not in hist.columns]
    if sched:
        hist = hist.merge(catalogue_frame[["indicator", *sched]], on="indicator", how="left")
    series = series_points(hist, keys)
    now = current_rows(hist, series, quarter, keys)

    trend = trend_table(series, keys, "_t", "value", "quarter_value", "polarity", settings.trend)
    rebase = None
    if settings.spc.rebase:
        rebase = rebase_frame(settings.spc.rebase, "_ord").merge(
            series[["indicator", "_ord", "_t"]].drop_duplicates(), on=["indicator", "_ord"]
        )
    points = xmr(series, keys, "_t", "quarter_value", "polarity", rebase, settings.spc)
    spc = spc_summary(points, now[keys + ["target"]], keys, "_t", settings.spc)

    a = now.merge(trend, on=keys, how="left").merge(spc, on=keys, how="left")
    cat_cols = ["indicator", "name", "agency", "lead_officer", "target_type", "green", "red"]
    cat_cols += [c for c in TRIGGER_POINT_COLUMNS if c in catalogue_frame.columns]
    a = a.merge(catalogue_frame[cat_cols], on="indicator", how="left")
    a = a.merge(
        comparator_values(comparators, quarter, published_result_years(a)),
        on="indicator",
        how="left",
    )

    # the counts behind the value, for intervals
    rolling = a["rolling_quarters"].fillna(1).to_numpy() > 1
    is_rate = a["unit"].to_numpy() == "rate_per_10k"
    a["ci_numerator"] = np.where(rolling, a["rolling_numerator"], a["numerator"])
    den = np.where(rolling, a["rolling_denominator"], a["denominator"])
    a["ci_denominator"] = np.where(is_rate, a["population"], den)
    lo, hi, method = stats.value_interval(
        a["unit"], a["ci_numerator"], a["ci_denominator"], a["multiplier"], 0.95
    )
    lo2, hi2, _ = stats.value_interval(
        a["unit"], a["ci_numerator"], a["ci_denominator"], a["multiplier"], 0.998
    )
    a["lower_95"], a["upper_95"], a["lower_99_8"], a["upper_99_8"] = lo, hi, lo2, hi2
    conf = settings.comparison_confidence
    for comp in COMPARATOR_COLUMNS.values():
        res = stats.compare_frame(a, comp, conf)
        a[f"{comp}_status"] = res[f"{comp}_status"]
        a[f"_{comp}_method"] = res[f"{comp}_method"]
    methods = a[[f"_{c}_method" for c in COMPARATOR_COLUMNS.values()]]
    # the method of the first comparator it could be compared with; else why it could not
    a["comparison_method"] = (
        methods.mask(methods.apply(lambda c: c.astype(str).str.startswith("not comparable")))
        .replace("", np.nan)
        .bfill(axis=1)
        .iloc[:, 0]
        .fillna(methods.iloc[:, 0])
        .fillna("")
    )
    comp_for_target = a["target_type"].map(TARGET_TYPE_COMPARATOR)
    # the status against the comparator the target type names (E -> england_status, ...)
    status_cols = {c: f"{c}_status" for c in TARGET_TYPE_COMPARATOR.values()}
    a["comparator_status"] = np.select(
        [comp_for_target.eq(c).to_numpy() for c in status_cols],
        [
            a[col].fillna("").to_numpy(dtype=object) if col in a else np.full(len(a), "", object)
            for col in status_cols.values()
        ],
        default="",
    )
    a["trajectory"] = a["trajectory"].fillna(INSUFFICIENT)
    annual = a["frequency"].eq("annual").to_numpy()
    for col in ("mk_note", "spc_warning"):
        a[col] = a[col].astype(object)
        a.loc[annual, col] = (
            a.loc[annual, col]
            .str.replace(r"\bpoints\b", "annual results", regex=True)
            .str.replace(r"\bpoint\b", "annual result", regex=True)
        )
    # no value this quarter: trend and SPC of older points would read as current; say so instead
    gone = a["value"].isna().to_numpy()
    a.loc[gone, "trajectory"] = INSUFFICIENT
    a.loc[gone, "trend_arrow"] = ""
    a.loc[gone, ["spc_variation", "spc_assurance"]] = NOT_ASSESSED
    a.loc[gone, "spc_warning"] = "no value this quarter"
    a.loc[gone, ["trajectory_change", "mk_p_value", "sens_slope", "spc_mean", "spc_lpl"]] = np.nan
    a.loc[gone, ["spc_upl"]] = np.nan
    a["trend_significant"] = a["trend_significant"].astype("boolean")
    a.loc[gone, "trend_significant"] = pd.NA
    a.loc[gone, "mk_note"] = "no value this quarter"

    # the lead officer's proposed RAG for the quarter
    lead = observations.loc[
        observations["period"].astype(str) == quarter.code, keys + ["proposed_rag"]
    ]
    lead = lead.drop_duplicates(keys, keep="last").rename(columns={"proposed_rag": "lead_rag"})
    a = a.merge(lead, on=keys, how="left")
    a["lead_rag"] = a["lead_rag"].where(a["lead_rag"].isin(asr.RAGS), "")

    a = _with_enquiry(a, hist, keys)
    res = asr.assess(a)
    a = pd.concat([a, res], axis=1)
    # a figure validation queried (far outside its usual movement, a revision far back) is shown
    # as queried beside its computed RAG until the agency confirms it (docs/validation.md)
    note = a["query_note"] if "query_note" in a else pd.Series(np.nan, index=a.index)
    a["queried"] = note.notna() & a["value"].notna()
    a["query_note"] = note.where(a["queried"])
    # an annual result changes once a year: the watch is on the next annual result, not next quarter
    watch = annual & (a["trigger"] == asr.TRIGGER_WATCH).to_numpy()
    a.loc[watch, "trigger"] = asr.TRIGGER_WATCH_ANNUAL
    a.loc[watch, "next_step"] = [
        step.replace("watch next quarter", f"watch the next annual result (due in {due})")
        for step, due in zip(a.loc[watch, "next_step"], a.loc[watch, "next_due"], strict=True)
    ]
    no_value = a["value"].isna() & (a["status"] == "ok")
    a.loc[no_value, "next_step"] = "No value for this quarter: " + a.loc[no_value, "note"].astype(
        str
    )
    return a


def published_result_years(rows: pd.DataFrame) -> pd.Series:
    """indicator -> DfE year, for the rows whose value is DfE's own published figure: a return
    from :data:`PUBLISHED_AGENCY` (``DFE_<quarter>`` files). The DfE year is the one ending with
    the result's financial year (a 2023Q4 result is DfE's 2024, the year ending 31 March 2024)."""
    if "source_file" not in rows or "result_period" not in rows or rows.empty:
        return pd.Series(dtype="int64")
    own = rows["source_file"].fillna("").astype(str).str.startswith(f"{PUBLISHED_AGENCY}_")
    own &= rows["value"].notna()
    if not own.any():
        return pd.Series(dtype="int64")
    sel = rows[own.to_numpy()]
    years = period_ordinal(sel["result_period"].astype(str)) // 4 + 1
    return pd.Series(years, index=sel["indicator"].astype(str).to_numpy()).groupby(level=0).max()


#: the catalogue's own trigger points, as :meth:`Catalogue.trigger_points_frame` gives them
TRIGGER_POINT_COLUMNS = [
    *(f"{c}_{x}" for c in CONTINUUM_CELLS for x in ("rag", "trigger")),
    "enquiry_rise_percent", "enquiry_ytd_above_last_year", "enquiry_rises_in_a_row",
    "enquiry_falls_with",
]  # fmt: skip


def _with_enquiry(a: pd.DataFrame, hist: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """``enquiry`` and ``enquiry_reason``: the indicator's own further-enquiry conditions
    (:func:`pmqa_lib.analytics.assurance.further_enquiry`) on the value it is rated on, looked up
    in its quarterly history by lags (a few offsets, never a loop over indicators)."""
    n = len(a)
    a = a.assign(enquiry=np.zeros(n, dtype=bool), enquiry_reason=np.full(n, "", dtype=object))
    if "enquiry_rise_percent" not in a or not n:
        return a
    runs = a["enquiry_rises_in_a_row"].fillna(0).astype("int64").to_numpy()
    falls = a["enquiry_falls_with"].fillna("").astype(str).to_numpy(dtype=object)
    want = (
        a["enquiry_rise_percent"].notna().to_numpy()
        | a["enquiry_ytd_above_last_year"].fillna(False).astype(bool).to_numpy()
        | (runs > 0)
        | (falls != "")
    )
    if not want.any():
        return a
    keys = list(keys)
    by_time = hist.set_index([*keys, "_ord"])
    ords = period_ordinal(a["result_period"].astype(str))

    def at(column: str, lag: int, indicator=None) -> np.ndarray:
        arrays = [a[k].to_numpy() for k in keys]
        if indicator is not None:
            arrays[keys.index("indicator")] = indicator
        idx = pd.MultiIndex.from_arrays([*arrays, ords - lag], names=[*keys, "_ord"])
        return by_time[column].reindex(idx).to_numpy(dtype="float64")

    inputs = a.copy()
    for j in range(1, max(int(runs.max()), 1) + 1):
        inputs[f"value_lag_{j}"] = at("value", j)
    inputs["value_year_ago"] = at("value", 4)
    inputs["label_year_ago"] = quarter_labels(ords - 4)
    inputs["ytd_year_ago"] = at("ytd", 4)
    inputs["linked_value"] = at("value", 0, falls)
    inputs["linked_lag_1"] = at("value", 1, falls)
    precision = a.drop_duplicates("indicator").set_index("indicator")["precision"]
    inputs["linked_precision"] = pd.Series(falls).map(precision).to_numpy(dtype="float64")
    met, reason = asr.further_enquiry(inputs)
    a["enquiry"] = met & want
    a["enquiry_reason"] = np.where(met & want, reason, "")
    return a


IMPLAUSIBLE_NOTE = "no data: value outside the plausible range"


def without_implausible(measures: pd.DataFrame, catalogue_frame: pd.DataFrame) -> pd.DataFrame:
    """The measures with any quarter's headline outside its plausible range (or not finite) made
    missing, status ``rejected``: a figure validation let through (an observations file edited
    by hand, a catalogue range narrowed since) is never shown as a number or rated. The range
    rule is :func:`pmqa_lib.core.units.is_plausible` on the catalogue's ``plausible_range``."""
    rng = catalogue_frame.set_index("indicator")[["plausible_min", "plausible_max"]]
    lo = measures["indicator"].map(rng["plausible_min"]).to_numpy(dtype="float64")
    hi = measures["indicator"].map(rng["plausible_max"]).to_numpy(dtype="float64")
    bad = ~is_plausible(measures["value"], lo, hi) & measures["kind"].eq("quarter").to_numpy()
    if not bad.any():
        return measures
    out = measures.copy()
    logger.warning(
        "implausible value(s) not shown: %s",
        ", ".join(out.loc[bad, "indicator"] + " " + out.loc[bad, "period"]),
    )
    for col in ("value", "quarter_value", "rolling_value", "ytd"):
        if col in out:
            out.loc[bad, col] = np.nan
    out.loc[bad, "status"] = "rejected"
    out.loc[bad, ["note", "display_value", "ytd_display"]] = IMPLAUSIBLE_NOTE
    out.loc[bad, ["target_met", "ytd_target_met"]] = pd.NA
    return out


def _prepare(
    observations: pd.DataFrame, catalogue: Catalogue, populations: pd.DataFrame, q: Quarter
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Catalogue frame, observations up to ``q``, the measures table and its quarterly rows."""
    cat = catalogue.to_frame().merge(catalogue.trigger_points_frame(), on="indicator")
    obs = observations.copy()
    obs["indicator"] = obs["indicator"].astype(str)
    obs["period"] = obs["period"].astype(str)
    if "proposed_rag" not in obs.columns:
        obs["proposed_rag"] = np.nan
    obs = obs[period_ordinal(obs["period"]) <= q.ordinal]
    obs = _with_placeholders(obs, catalogue, q)
    pops = latest_populations(populations) if populations is not None else None
    keep = [c for c in obs.columns if c not in ("agency",)]
    measures = measures_table(obs[keep], cat, pops, catalogue.targets_frame(), ["indicator"], q)
    measures = without_implausible(measures, cat)

    quarterly = measures[measures["kind"] == "quarter"].copy()
    quarterly["_ord"] = period_ordinal(quarterly["period"])
    quarterly = quarterly.merge(
        cat[["indicator", "multiplier", "frequency", "reporting_period"]],
        on="indicator",
        how="left",
    )
    return cat, obs, measures, quarterly


RAG_HISTORY_COLUMNS = [
    "indicator", "period", "value", "display_value", "band", "trajectory", "assurance", "rag",
    "trigger", "lead_rag", "disagreement", "status",
]  # fmt: skip


def rag_history(
    observations: pd.DataFrame,
    catalogue: Catalogue,
    populations: pd.DataFrame,
    comparators: pd.DataFrame | None,
    quarter: Quarter | str,
    first: Quarter | str | None = None,
    settings: AnalyticsSettings | None = None,
) -> pd.DataFrame:
    """The computed RAG of every indicator for every quarter from ``first`` to ``quarter``.

    Each quarter is assessed as :func:`run` assesses it, on the value history as now held
    (revisions included), from one measures table; the loop is over quarters (a dozen or so),
    never over indicators. ``first`` defaults to the earliest quarter observed.

    Returns
    -------
    DataFrame
        One row per indicator and quarter: :data:`RAG_HISTORY_COLUMNS`.
    """
    q = Quarter.parse(quarter)
    st = settings or AnalyticsSettings()
    cat, obs, _, quarterly = _prepare(observations, catalogue, populations, q)
    start = (
        Quarter.parse(first)
        if first is not None
        else Quarter.from_ordinal(int(quarterly["_ord"].min()))
    )
    frames = []
    for n in range(start.ordinal, q.ordinal + 1):
        a = assess_quarter(quarterly, cat, obs, comparators, Quarter.from_ordinal(n), st)
        frames.append(a.assign(period=Quarter.from_ordinal(n).code))
    out = pd.concat(frames, ignore_index=True)
    for col in RAG_HISTORY_COLUMNS:
        if col not in out.columns:
            out[col] = np.nan
    return out[RAG_HISTORY_COLUMNS]


def analyse_quarter(
    observations: pd.DataFrame,
    catalogue: Catalogue,
    populations: pd.DataFrame,
    comparators: pd.DataFrame | None,
    quarter: Quarter | str,
    settings: AnalyticsSettings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Measures and assurance for one quarter.

    Parameters
    ----------
    observations : DataFrame
        The value history (helper B's contract): agency, indicator, period, numerator,
        denominator, value, status, proposed_rag, commentary, ... Periods after ``quarter`` are
        ignored.
    catalogue : Catalogue
    populations : DataFrame
        ``year`` and ``population`` for the board's local authority (``release`` optional).
    comparators : DataFrame or None
        indicator, comparator ("England" / "SN" / "Region"), dfe_year, value, label. Other
        comparator kinds (e.g. "LA", the board's own published figure) are ignored.
    quarter : Quarter or str
    settings : AnalyticsSettings, optional

    Returns
    -------
    (measures, assurance) : DataFrames
        ``measures``: long, quarterly rows (``kind="quarter"``) up to the quarter and annual rows
        per financial year (``kind="annual"``, ``period`` = "2014/15").
        ``assurance``: one row per catalogue indicator for the quarter (columns
        :data:`ASSURANCE_COLUMNS`).
    """
    q = Quarter.parse(quarter)
    st = settings or AnalyticsSettings()
    cat, obs, measures, quarterly = _prepare(observations, catalogue, populations, q)
    current = assess_quarter(quarterly, cat, obs, comparators, q, st)
    previous = assess_quarter(quarterly, cat, obs, comparators, q.previous(), st)
    current = current.merge(
        previous[["indicator", "rag"]].rename(columns={"rag": "previous_rag"}),
        on="indicator",
        how="left",
    )
    current["previous_rag"] = current["previous_rag"].fillna("")
    current["display_value"] = np.where(
        current["display_value"].isna(),
        format_value(current["value"], current["precision"]),
        current["display_value"],
    )
    order = {ref: i for i, ref in enumerate(catalogue.indicators)}
    current = current.sort_values("indicator", key=lambda s: s.map(order)).reset_index(drop=True)
    assurance = current[[c for c in ASSURANCE_COLUMNS if c in current.columns]]
    logger.debug(
        "analytics %s: %d indicators, %d measure rows", q.code, len(assurance), len(measures)
    )
    return measures.reset_index(drop=True), assurance

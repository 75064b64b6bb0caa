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

from pmqa_lib import assurance as asr
from pmqa_lib import stats
from pmqa_lib.catalogue import Catalogue
from pmqa_lib.measures import format_value, measures_table, period_ordinal
from pmqa_lib.periods import Quarter
from pmqa_lib.spc import SPCSettings, rebase_frame, spc_summary, xmr
from pmqa_lib.trend import INSUFFICIENT, TrendSettings, trend_table

logger = logging.getLogger(__name__)

COMPARATORS = {"England": "england", "SN": "sn", "Region": "region"}
TARGET_TYPE_COMPARATOR = {"E": "england", "SN": "sn", "R": "region"}

ASSURANCE_COLUMNS = [
    "indicator", "name", "agency", "lead_officer", "period", "value", "display_value", "target",
    "target_type", "target_met", "england", "england_status", "sn", "sn_status", "region",
    "region_status", "comparison_method", "lower_95", "upper_95", "lower_99_8", "upper_99_8",
    "england_label", "sn_label", "region_label", "trajectory", "trend_arrow", "trajectory_change",
    "mk_p_value", "mk_n", "sens_slope", "trend_significant", "mk_note", "spc_variation",
    "spc_assurance", "spc_warning", "spc_mean", "spc_lpl", "spc_upl", "spc_points", "band",
    "assurance", "rag", "previous_rag", "trigger", "next_step", "lead_rag", "disagreement",
    "disagreement_note", "status", "note",
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
        logger.info("populations: several releases per year; using the latest release of each")
    if pop.duplicated("year").any():
        raise ValueError("populations hold more than one row for a year and no release column")
    return pop[["year", "population"]].reset_index(drop=True)


def comparator_values(comparators: pd.DataFrame | None, quarter: Quarter) -> pd.DataFrame:
    """Per indicator: england, sn, region values and labels from the latest DfE year published by
    the start of the quarter's financial year (DfE year <= the financial year's start year: for
    2015Q2, DfE 2015 = 2014/15)."""
    cols = ["indicator"] + [f"{c}{s}" for c in COMPARATORS.values() for s in ("", "_label")]
    if comparators is None or comparators.empty:
        return pd.DataFrame(columns=cols)
    c = comparators.assign(indicator=comparators["indicator"].astype(str))
    c = c[c["dfe_year"].astype("int64") <= quarter.fy].copy()
    c = c[c["comparator"].isin(list(COMPARATORS))]
    c = c.sort_values("dfe_year").groupby(["indicator", "comparator"]).tail(1)
    c["key"] = c["comparator"].map(COMPARATORS)
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
    out[[k for k in COMPARATORS.values()]] = out[list(COMPARATORS.values())].astype("float64")
    return out[cols]


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
    now = hist[hist["_ord"] == quarter.ordinal].copy()

    trend = trend_table(hist, keys, "_ord", "value", "quarter_value", "polarity", settings.trend)
    rebase = rebase_frame(settings.spc.rebase, "_ord") if settings.spc.rebase else None
    points = xmr(hist, keys, "_ord", "quarter_value", "polarity", rebase, settings.spc)
    spc = spc_summary(points, now[keys + ["target"]], keys, "_ord", settings.spc)

    a = now.merge(trend, on=keys, how="left").merge(spc, on=keys, how="left")
    cat_cols = ["indicator", "name", "agency", "lead_officer", "target_type", "green", "red"]
    a = a.merge(catalogue_frame[cat_cols], on="indicator", how="left")
    a = a.merge(comparator_values(comparators, quarter), on="indicator", how="left")

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
    for comp in COMPARATORS.values():
        res = stats.compare_frame(a, comp, conf)
        a[f"{comp}_status"] = res[f"{comp}_status"]
        a[f"_{comp}_method"] = res[f"{comp}_method"]
    a["comparison_method"] = (
        a[[f"_{c}_method" for c in COMPARATORS.values()]]
        .replace("", np.nan)
        .bfill(axis=1)
        .iloc[:, 0]
        .fillna("")
    )
    comp_for_target = a["target_type"].map(TARGET_TYPE_COMPARATOR)
    a["comparator_status"] = [
        row.get(f"{c}_status", "") if isinstance(c, str) else ""
        for row, c in zip(a.to_dict("records"), comp_for_target, strict=True)
    ]
    a["trajectory"] = a["trajectory"].fillna(INSUFFICIENT)
    # no value this quarter: trend and SPC of older points would read as current; blank them
    gone = a["value"].isna().to_numpy()
    a.loc[gone, "trajectory"] = INSUFFICIENT
    a.loc[gone, ["trend_arrow", "spc_variation", "spc_assurance", "spc_warning"]] = ""
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

    res = asr.assess(a)
    a = pd.concat([a, res], axis=1)
    no_value = a["value"].isna() & (a["status"] == "ok")
    a.loc[no_value, "next_step"] = "No value for this quarter: " + a.loc[no_value, "note"].astype(
        str
    )
    return a


def run(
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
    cat = catalogue.to_frame()
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

    quarterly = measures[measures["kind"] == "quarter"].copy()
    quarterly["_ord"] = period_ordinal(quarterly["period"])
    quarterly = quarterly.merge(cat[["indicator", "multiplier"]], on="indicator", how="left")
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
    logger.info(
        "analytics %s: %d indicators, %d measure rows", q.code, len(assurance), len(measures)
    )
    return measures.reset_index(drop=True), assurance

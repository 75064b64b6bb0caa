"""A LAIT-like benchmark profile of any English local authority, from DfE's published files.

For each children's social care measure in :data:`PROFILE_MEASURES` the profile gives the
authority's published series against England, its region and its statistical neighbours (the
mean of the neighbours' published values), and for the latest year:

- **rank** among all authorities with a published value that year (rank 1 = best by LAIT's
  polarity; ties share the lowest rank, as LAIT's ``ties.method = "min"``; suppressed and missing
  values are not ranked and not counted in ``n_ranked``). A measure LAIT gives no polarity is
  ranked from the lowest value (rank 1 = lowest), which is a position, not a judgement;
- **quartile**: LAIT's banding on the quartiles of all authorities' values that year (A = best
  quarter for high- or low-is-good measures; for measures without polarity "1 (lowest)" to
  "4 (highest)");
- **significance** against England, the region and the neighbours' mean: the authority's 95%
  interval (Wilson for percentages, Byar or exact Poisson for rates per 10,000, from the published
  counts and the population of the same release; see :mod:`pmqa_lib.analytics.stats`) wholly above or below
  the comparator's value. By polarity this is better / similar / worse; without polarity higher /
  similar / lower. Without published counts the point values are compared and the table says so;
- **trend**: change since the previous year, and Mann-Kendall with Sen's slope over the published
  years (:mod:`pmqa_lib.analytics.trend`).

:func:`profile_data` computes all of it (each public file read once and cached in the process);
:mod:`pmqa_lib.report.profile_pages` presents it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.periods import dfe_year_to_financial_year, financial_year_labels
from pmqa_lib.public import authorities, downloads, lait
from pmqa_lib.public.comparators import add_labels, comparator_rows
from pmqa_lib.public.series import published_series

log = logging.getLogger(__name__)


CONFIDENCE = 0.95


@dataclass(frozen=True)
class ProfileMeasure:
    """One measure of the profile and where DfE publishes it."""

    key: str
    title: str
    file: str
    measure: str
    unit: str  # "rate_per_10k", "percent", "days", "number"
    lait_code: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    precision: int = 1

    @property
    def multiplier(self) -> float:
        return {"rate_per_10k": 10_000.0, "percent": 100.0}.get(self.unit, 1.0)


_CIN24 = "_2013_to_2024.csv"


PROFILE_MEASURES: tuple[ProfileMeasure, ...] = (
    ProfileMeasure("referrals_rate", "Referrals per 10,000 children",
                   "c1_children_in_need_referrals_and_rereferrals" + _CIN24, "Referrals_rate",
                   "rate_per_10k", "CPP_Total_Rateper10,000"),
    ProfileMeasure("rereferrals_pct", "Re-referrals within 12 months (%)",
                   "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
                   "rereferral_percent", "percent", "ReReferral"),
    ProfileMeasure("assessments_rate", "Assessments completed per 10,000 children",
                   "c2_children_in_need_assessments_duration_2014_to_2024.csv",
                   "Assessments_completed_rate", "rate_per_10k"),
    ProfileMeasure("assessment_median_days", "Median days to complete an assessment",
                   "c2_children_in_need_assessments_duration_2014_to_2024.csv", "Median_days",
                   "days", precision=0),
    ProfileMeasure("cin_rate", "Children in need at 31 March per 10,000 children",
                   "b1_children_in_need" + _CIN24, "At31_episodes_rate", "rate_per_10k", "CIN"),
    ProfileMeasure("s47_rate", "Section 47 enquiries per 10,000 children",
                   "c4_children_in_need_section_47s_and_icpcs" + _CIN24, "Section47_rate",
                   "rate_per_10k", "Section_47"),
    ProfileMeasure("icpc_rate", "Initial child protection conferences per 10,000 children",
                   "c4_children_in_need_section_47s_and_icpcs" + _CIN24, "ICPC_rate",
                   "rate_per_10k", "ISCP_Conf"),
    ProfileMeasure("cpp_start_rate", "Child protection plans starting per 10,000 children",
                   "d1_child_protection_plans" + _CIN24, "CPP_start_rate", "rate_per_10k",
                   "CPP_Abuse_Rate"),
    ProfileMeasure("cpp_rate", "Child protection plans at 31 March per 10,000 children",
                   "d1_child_protection_plans" + _CIN24, "CPP_At31_rate", "rate_per_10k", "CPP_rate"),
    ProfileMeasure("cpp_subsequent_pct", "Plans that are a second or subsequent plan (%)",
                   "d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_subsequent_percent", "percent",
                   "PrevRegCPR"),
    ProfileMeasure("cpp_2years_pct", "Plans at 31 March lasting 2 years or more (%)",
                   "d5_cpps_at31march_by_duration_2013_to_2025.csv", "2_years_or_more_percent",
                   "percent", "CPPlans2yrsActive"),
    ProfileMeasure("cpp_reviewed_pct", "Plans reviewed within timescales (%)",
                   "d6_cpps_reviewed_within_timescales" + _CIN24,
                   "Reviewed_within_timescales_percent", "percent", "RevCP"),
    ProfileMeasure("cla_rate", "Children looked after at 31 March per 10,000 children",
                   "cla_number_and_rate_per_10k_children.csv", "rate_per_10000", "rate_per_10k",
                   "LAC", {"population_type": "Children looked after on 31 March each year"}, 0),
    ProfileMeasure("cla_start_rate", "Children starting to be looked after per 10,000 children",
                   "cla_number_and_rate_per_10k_children.csv", "rate_per_10000", "rate_per_10k",
                   "LAC_Start_Rate", {"population_type": "Children starting to be looked after each year"}, 0),
    ProfileMeasure("cla_3plus_placements_pct", "Children looked after with 3 or more placements in the year (%)",
                   "la_cla_placement_stability.csv", "children_percent", "percent", "LACStable_2016on",
                   {"cla_group": "CLA on 31 March",
                    "placement_stability": "With 3 or more placements during the year"}, 0),
    ProfileMeasure("care_leavers_eet_pct", "Care leavers in education, employment or training (%)",
                   lait.LAIT_FILE, "Values", "percent", "CareLeaverEET", {"Short Desc": "CareLeaverEET"}, 0),
    ProfileMeasure("care_leavers_accommodation_pct", "Care leavers in suitable accommodation (%)",
                   lait.LAIT_FILE, "Values", "percent", "CareLeaverAcc", {"Short Desc": "CareLeaverAcc"}, 0),
)  # fmt: skip


@dataclass
class ProfileData:
    """Everything the profile shows. All frames are long and tidy."""

    la: authorities.LocalAuthority
    model: str
    neighbours: pd.DataFrame  # neighbour_code, neighbour_name, sn_rank, closeness
    measures: pd.DataFrame  # key, title, unit, polarity, file, release, precision
    series: pd.DataFrame  # key, comparator, dfe_year, fy_label, value, text, lower, upper, ...
    summary: pd.DataFrame  # one row per measure: latest year, values, rank, quartile, status, trend
    skipped: pd.DataFrame  # key, title, reason (a file absent from the public folder)


def rank_and_quartile(la_rows: pd.DataFrame, polarity: pd.Series) -> pd.DataFrame:
    """Rank and quartile of every authority within each measure and year.

    Parameters
    ----------
    la_rows : DataFrame
        key, dfe_year, area_code, value (NaN = suppressed or missing: not ranked).
    polarity : Series
        key -> "high", "low" or "".

    Returns
    -------
    DataFrame
        key, dfe_year, area_code, rank (Int64; 1 = best, ties share the lowest rank; for no
        polarity 1 = lowest value), n_ranked, quartile (Int64, 1 = best quarter, or lowest values
        without polarity), quartile_band ("A".."D", or "1 (lowest)".."4 (highest)").
    """
    d = la_rows[["key", "dfe_year", "area_code", "value"]].copy()
    pol = d["key"].map(polarity).fillna("")
    high = pol.eq("high")
    d["signed"] = np.where(high, -d["value"], d["value"])
    g = d.groupby(["key", "dfe_year"], sort=False)
    d["rank"] = g["signed"].rank(method="min", ascending=True).astype("Int64")
    d["n_ranked"] = g["value"].transform("count").astype("int64")
    q = g["value"].quantile([0.25, 0.5, 0.75]).unstack()
    q.columns = ["q25", "q50", "q75"]
    d = d.merge(q.reset_index(), on=["key", "dfe_year"], how="left")
    v = d["value"]
    low_first = np.select([v <= d["q25"], v <= d["q50"], v <= d["q75"], v.notna()], [1, 2, 3, 4], 0)
    high_first = np.select([v > d["q75"], v > d["q50"], v > d["q25"], v.notna()], [1, 2, 3, 4], 0)
    quart = np.where(high.to_numpy(), high_first, low_first)
    d["quartile"] = pd.array(np.where(quart > 0, quart, pd.NA), dtype="Int64")
    judged = pol.isin(["high", "low"]).to_numpy()
    letters = np.array(["", "A", "B", "C", "D"])
    position = np.array(["", "1 (lowest)", "2", "3", "4 (highest)"])
    d["quartile_band"] = np.where(judged, letters[quart], position[quart])
    return d[["key", "dfe_year", "area_code", "rank", "n_ranked", "quartile", "quartile_band"]]


def significance(
    wide: pd.DataFrame, against: str, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The authority's interval and its comparison with column ``against`` (England, Region, SN).

    ``wide`` needs: unit, multiplier, polarity, LA (value), numerator, denominator, ``against``.
    Returns (lower, upper, method, status); status is better/similar/worse by polarity and
    higher/similar/lower for measures without one.
    """
    from pmqa_lib.analytics import stats

    lower, upper, method = stats.value_interval(
        wide["unit"], wide["numerator"], wide["denominator"], wide["multiplier"], confidence
    )
    pol = wide["polarity"].to_numpy(dtype=object)
    judged = np.isin(pol, ["high", "low"])
    status = stats.compare(wide["LA"], lower, upper, wide[against], np.where(judged, pol, "high"))
    neutral = {stats.BETTER: "higher", stats.WORSE: "lower"}
    status = np.array(
        [neutral.get(s, s) if not j else s for s, j in zip(status, judged, strict=True)],
        dtype=object,
    )
    method = np.where(method == "", "point values (no published counts)", method)
    return lower, upper, method, status


def trends(la_series: pd.DataFrame) -> pd.DataFrame:
    """Change since the previous year and Mann-Kendall over the authority's published years.

    ``la_series``: key, dfe_year, value, polarity. Returns one row per key: change_prev,
    direction (up / down / no change), trajectory (last 3 years, by polarity), mk_p_value,
    sens_slope (per year), trend_significant, mk_note.
    """
    from pmqa_lib.analytics import trend

    s = la_series.dropna(subset=["value"]).sort_values(["key", "dfe_year"])
    prev = s.groupby("key")["value"].shift(1)
    gap = s["dfe_year"] - s.groupby("key")["dfe_year"].shift(1)
    s = s.assign(change=(s["value"] - prev).where(gap == 1))
    last = s.groupby("key").tail(1).set_index("key")
    frame = la_series.assign(ordinal=la_series["dfe_year"].astype("int64"), test=la_series["value"])
    tt = trend.trend_table(
        frame, keys=("key",), time_col="ordinal", headline_col="value", test_col="test",
        polarity_col="polarity", settings=trend.TrendSettings(trajectory_points=3),
    ).set_index("key")  # fmt: skip
    out = pd.DataFrame(index=tt.index)
    out["change_prev"] = last["change"].reindex(out.index)
    out["direction"] = np.select(
        [out["change_prev"] > 0, out["change_prev"] < 0, out["change_prev"] == 0],
        ["up", "down", "no change"], default="",
    )  # fmt: skip
    for c in (
        "trajectory",
        "trend_arrow",
        "mk_p_value",
        "sens_slope",
        "trend_significant",
        "mk_note",
        "mk_n",
    ):
        out[c] = tt[c]
    return out.reset_index()


def profile_data(
    la: str | int, public_dir: Path | str | None = None, model: str = "2021"
) -> ProfileData:
    """Compute the whole profile for one authority (name or code).

    Raises
    ------
    PublicDataError
        The public folder is absent (the message names PUBLIC_DATA_DIR).
    LAResolutionError
        The name or code does not resolve to one current authority, or the neighbour model has
        no list for it.
    """
    auth = authorities.resolve_la(la, public_dir)
    nb = authorities.neighbours_of(auth, model, public_dir)
    polarity_of = lait.lait_polarity(public_dir)
    frames, skipped, meta = [], [], []
    for m in PROFILE_MEASURES:
        try:
            s = published_series(m.file, m.measure, m.filters, m.lait_code, public_dir)
        except downloads.PublicDataError as exc:
            skipped.append({"key": m.key, "title": m.title, "reason": str(exc)})
            continue
        frames.append(s.assign(key=m.key))
        src = "DfE LAIT" if m.file == lait.LAIT_FILE else downloads.release_label(m.file)
        meta.append({"key": m.key, "title": m.title, "unit": m.unit, "multiplier": m.multiplier,
                     "polarity": polarity_of.get(m.lait_code, ""), "lait_code": m.lait_code,
                     "file": m.file, "release": src, "precision": m.precision})  # fmt: skip
    measures = pd.DataFrame(meta)
    skipped_df = pd.DataFrame(skipped, columns=["key", "title", "reason"])
    if measures.empty:
        raise downloads.PublicDataError(
            "none of the profile's DfE files is in the public data folder (PUBLIC_DATA_DIR)"
        )
    allrows = pd.concat(frames, ignore_index=True)
    codes = nb["neighbour_code"].tolist()
    rows = comparator_rows(allrows, auth.old_code, auth.region_code, auth.region_name, codes)
    rows = add_labels(rows, model)
    meas = measures.set_index("key")
    pol = meas["polarity"]

    la_all = allrows[allrows["geographic_level"].eq("Local authority")]
    ranks = rank_and_quartile(la_all, pol)
    ranks = ranks[ranks["area_code"] == auth.old_code].drop(columns="area_code")

    # wide per measure and year: LA, England, Region, SN, with the LA's counts
    wide = rows.pivot_table(
        index=["key", "dfe_year"], columns="comparator", values="value", aggfunc="first"
    )
    wide = wide.reindex(columns=["LA", "England", "Region", "SN"])
    la_rows = rows[rows["comparator"] == "LA"].set_index(["key", "dfe_year"])
    sn_rows = rows[rows["comparator"] == "SN"].set_index(["key", "dfe_year"])
    wide = wide.join(la_rows[["text", "marker", "numerator", "denominator"]])
    wide = wide.join(sn_rows[["n_neighbours"]])
    for comp in ("England", "Region"):
        t = rows[rows["comparator"] == comp].set_index(["key", "dfe_year"])["text"]
        wide[f"{comp}_text"] = t.reindex(wide.index).fillna("")
    wide = wide.reset_index().merge(measures, on="key", how="left")
    for against in ("England", "Region", "SN"):
        lo, hi, method, status = significance(wide, against)
        wide[f"vs_{against.lower()}"] = status
    wide["lower"], wide["upper"] = lo, hi
    wide["ci_method"] = method
    wide = wide.merge(ranks, on=["key", "dfe_year"], how="left")
    wide["fy_label"] = financial_year_labels(dfe_year_to_financial_year(wide["dfe_year"]))

    # the series, long, for charts: the LA's interval on its rows
    series = rows.merge(
        wide[["key", "dfe_year", "lower", "upper"]], on=["key", "dfe_year"], how="left"
    )
    series[["lower", "upper"]] = series[["lower", "upper"]].where(series["comparator"].eq("LA"))

    # summary: the latest year the authority has a value, per measure
    have = wide[wide["LA"].notna()]
    latest = have.loc[have.groupby("key")["dfe_year"].idxmax()]
    tr = trends(wide[["key", "dfe_year"]].assign(value=wide["LA"], polarity=wide["polarity"]))
    summary = latest.merge(tr, on="key", how="left")
    order = {m.key: i for i, m in enumerate(PROFILE_MEASURES)}
    summary = summary.sort_values("key", key=lambda k: k.map(order)).reset_index(drop=True)
    no_value = measures[~measures["key"].isin(summary["key"])]
    for r in no_value.itertuples():
        skipped_df.loc[len(skipped_df)] = [r.key, r.title, f"{auth.name} has no published value"]
    return ProfileData(
        auth, str(model), nb, measures, series.reset_index(drop=True), summary, skipped_df
    )

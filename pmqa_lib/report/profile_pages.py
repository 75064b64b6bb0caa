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

:func:`profile_data` computes all of it (each public file read once and cached in the process).
:func:`build_profile` runs ``notebooks/la_profile.ipynb`` with papermill and writes
``reports/profiles/<la-slug>.html`` and ``.pdf`` (and the executed notebook).
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.files import PROJECT_ROOT, Paths, atomic_path, write_text
from pmqa_lib.core.format import format_number
from pmqa_lib.public import sources as public
from pmqa_lib.public.comparators import add_labels, comparator_rows

log = logging.getLogger(__name__)

NOTEBOOK = PROJECT_ROOT / "notebooks" / "la_profile.ipynb"
KERNEL = "pmqa"
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
                   public.LAIT_FILE, "Values", "percent", "CareLeaverEET", {"Short Desc": "CareLeaverEET"}, 0),
    ProfileMeasure("care_leavers_accommodation_pct", "Care leavers in suitable accommodation (%)",
                   public.LAIT_FILE, "Values", "percent", "CareLeaverAcc", {"Short Desc": "CareLeaverAcc"}, 0),
)  # fmt: skip


METHOD_NOTES_HTML = """<h2>How to read this profile</h2><ul>
<li><b>Year</b>: DfE's reporting year ending 31 March (2023/24 = DfE "2024"); the latest year the
authority has a published value.</li>
<li><b>95% interval</b>: Wilson score for percentages, Byar's method (exact Poisson below 10 events)
for rates per 10,000, from DfE's published counts and the ONS 0-17 population of the same release.
Blank where DfE publishes no counts (LAIT measures, medians).</li>
<li><b>vs England / vs neighbours</b>: <i>better</i> or <i>worse</i> when the interval lies wholly on
one side of the comparator's value, by LAIT's polarity; <i>higher</i> / <i>lower</i> for measures
where no direction is better; <i>similar</i> otherwise. Without an interval the point values are
compared.</li>
<li><b>Neighbours (mean)</b>: the mean of the neighbours' published values, with how many of the
ten had one.</li>
<li><b>Rank</b>: among all authorities with a published value that year; 1 = best by polarity
(1 = lowest value where there is no polarity); ties share the lowest rank; suppressed or missing
values are not ranked.</li>
<li><b>Quartile</b>: LAIT's banding on the quartiles of all authorities' values: A = best quarter;
for measures without polarity, 1 (lowest) to 4 (highest).</li>
<li><b>Trend</b>: direction over the last three years (by polarity), and Sen's slope with the
Mann-Kendall test over all published years.</li></ul>"""


@dataclass
class ProfileData:
    """Everything the profile shows. All frames are long and tidy."""

    la: public.LocalAuthority
    model: str
    neighbours: pd.DataFrame  # neighbour_code, neighbour_name, sn_rank, closeness
    measures: pd.DataFrame  # key, title, unit, polarity, file, release, precision
    series: pd.DataFrame  # key, comparator, dfe_year, fy_label, value, text, lower, upper, ...
    summary: pd.DataFrame  # one row per measure: latest year, values, rank, quartile, status, trend
    skipped: pd.DataFrame  # key, title, reason (a file absent from the public folder)


# ---------------------------------------------------------------------------------------------
# Pure steps


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


# ---------------------------------------------------------------------------------------------
# Assembling the profile


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
    auth = public.resolve_la(la, public_dir)
    nb = public.neighbours_of(auth, model, public_dir)
    polarity_of = public.lait_polarity(public_dir)
    frames, skipped, meta = [], [], []
    for m in PROFILE_MEASURES:
        try:
            s = public.published_series(m.file, m.measure, m.filters, m.lait_code, public_dir)
        except public.PublicDataError as exc:
            skipped.append({"key": m.key, "title": m.title, "reason": str(exc)})
            continue
        frames.append(s.assign(key=m.key))
        src = "DfE LAIT" if m.file == public.LAIT_FILE else public.release_label(m.file)
        meta.append({"key": m.key, "title": m.title, "unit": m.unit, "multiplier": m.multiplier,
                     "polarity": polarity_of.get(m.lait_code, ""), "lait_code": m.lait_code,
                     "file": m.file, "release": src, "precision": m.precision})  # fmt: skip
    measures = pd.DataFrame(meta)
    skipped_df = pd.DataFrame(skipped, columns=["key", "title", "reason"])
    if measures.empty:
        raise public.PublicDataError(
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
    wide["fy_label"] = [f"{y - 1}/{y % 100:02d}" for y in wide["dfe_year"]]

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


# ---------------------------------------------------------------------------------------------
# Presentation helpers (used by the notebook)


def summary_table(data: ProfileData) -> pd.DataFrame:
    """The summary as a display table (rounded half away from zero to each measure's precision)."""
    s = data.summary
    rows = []
    for r in s.itertuples():
        dp = int(r.precision)
        la_text = r.text if isinstance(r.text, str) and r.text else format_number(r.LA, dp)
        ci = (
            f"{format_number(r.lower, dp)} to {format_number(r.upper, dp)}"
            if pd.notna(r.lower)
            else ""
        )
        rows.append({
            "Measure": r.title,
            "Year": r.fy_label,
            data.la.name: la_text,
            "95% interval": ci,
            "England": r.England_text or format_number(r.England, dp),
            "Region": r.Region_text or format_number(r.Region, dp),
            "Neighbours (mean)": format_number(r.SN, dp) + (f" ({r.n_neighbours} of {len(data.neighbours)})" if pd.notna(r.SN) else ""),
            "vs England": r.vs_england,
            "vs neighbours": r.vs_sn,
            "Rank": f"{r.rank} of {r.n_ranked}" if pd.notna(r.rank) else "",
            "Quartile": r.quartile_band,
            "Polarity": {"high": "high is good", "low": "low is good"}.get(r.polarity, "none"),
            "Change on last year": format_number(r.change_prev, dp),
            "Trend": _trend_text(r),
        })  # fmt: skip
    return pd.DataFrame(rows)


def summary_tables(data: ProfileData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`summary_table` split in two narrower tables that fit an A4 page: values and
    comparisons; rank, quartile and trend."""
    t = summary_table(data)
    first = ["Measure", "Year", data.la.name, "95% interval", "England", "Region",
             "Neighbours (mean)", "vs England", "vs neighbours"]  # fmt: skip
    second = ["Measure", "Year", "Rank", "Quartile", "Polarity", "Change on last year", "Trend"]
    return t[first], t[second]


def _trend_text(r) -> str:
    recent = f"last 3 years {r.trajectory}" if isinstance(r.trajectory, str) else ""
    if isinstance(r.mk_note, str) and r.mk_note:
        return f"{recent}; {r.mk_note}"
    if pd.isna(r.trend_significant):
        sig = "not tested"
    else:
        sig = "significant" if bool(r.trend_significant) else "not significant"
    slope = "" if pd.isna(r.sens_slope) else f"{r.sens_slope:+.1f} a year"
    return f"{recent}; all {r.mk_n} years {slope} (Mann-Kendall p = {r.mk_p_value:.2f}, {sig})"


def table_html(df: pd.DataFrame) -> str:
    """A plain, escaped HTML table (no styling that needs scripts)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row)
        + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f'<table class="profile"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def plot_series(data: ProfileData, ncols: int = 3):
    """Small multiples: the authority (with its 95% interval) against England, region and SN."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    keys = data.summary["key"].tolist()
    nrows = max(1, int(np.ceil(len(keys) / ncols)))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows), squeeze=False)
    styles = {"LA": ("#1d3557", "-", "o"), "England": ("#6c757d", "--", ""),
              "Region": ("#2a9d8f", ":", ""), "SN": ("#e76f51", "-.", "")}  # fmt: skip
    titles = data.measures.set_index("key")["title"]
    for ax, key in zip(axes.flat, keys, strict=False):
        s = data.series[data.series["key"] == key]
        for comp, (colour, ls, marker) in styles.items():
            c = s[s["comparator"] == comp].sort_values("dfe_year")
            if c["value"].notna().any():
                label = data.la.name if comp == "LA" else {"SN": "Neighbours"}.get(comp, comp)
                ax.plot(
                    c["dfe_year"], c["value"], ls, color=colour, marker=marker, ms=3, label=label
                )
            if comp == "LA" and c["lower"].notna().any():
                ax.fill_between(
                    c["dfe_year"], c["lower"], c["upper"], color=colour, alpha=0.15, lw=0
                )
        ax.set_title(titles[key], fontsize=8.5)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def figure_html(fig, dpi: int = 110) -> str:
    """A matplotlib figure as an embedded PNG ``<img>`` (no files, no scripts)."""
    import base64
    import io as _io

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="series charts" src="data:image/png;base64,{data}">'


def write_summary(data: ProfileData, reports_dir: Path | str) -> Path:
    """Write ``<reports_dir>/profiles/<slug>_summary.csv`` (full precision, machine-readable)."""
    from pmqa_lib.core.files import write_csv

    cols = ["key", "title", "dfe_year", "fy_label", "LA", "text", "marker", "lower", "upper",
            "ci_method", "England", "Region", "SN", "n_neighbours", "vs_england", "vs_region",
            "vs_sn", "rank", "n_ranked", "quartile", "quartile_band", "polarity", "change_prev",
            "direction", "trajectory", "sens_slope", "mk_p_value", "trend_significant", "release"]  # fmt: skip
    out = data.summary[cols].assign(
        la_code=data.la.old_code, la_name=data.la.name, model=data.model
    )
    return write_csv(out, Path(reports_dir) / "profiles" / f"{data.la.slug}_summary.csv")


# ---------------------------------------------------------------------------------------------
# Running the notebook


def build_profile(la: str, paths: Paths, model: str = "2021") -> dict:
    """Run ``notebooks/la_profile.ipynb`` for one authority; write HTML, PDF and the notebook.

    Outputs go to ``<REPORTS_DIR>/profiles/<la-slug>.html``, ``.pdf``, ``.ipynb`` and
    ``<la-slug>_summary.csv``. The notebook is executed and converted with the shared exporter
    (:mod:`pmqa_lib.report.publish`: papermill with the ``pmqa`` kernel, HTML without code cells or web
    assets, PDF by WeasyPrint); a failing notebook is kept under ``profiles/failed/``.

    Returns
    -------
    dict
        la (LocalAuthority), slug, html, pdf, notebook (paths), summary (DataFrame, as written
        by the notebook to ``<slug>_summary.csv``), seconds.
    """
    from pmqa_lib.report import publish

    t0 = time.perf_counter()
    folder = public.require_public_dir(paths.public_dir)
    auth = public.resolve_la(la, folder)  # fail fast, before starting a kernel
    public.neighbours_of(auth, model, folder)
    out_dir = paths.reports_dir / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    nb_path = out_dir / f"{auth.slug}.ipynb"
    params = {"la": auth.old_code, "model": str(model), "public_dir": str(folder),
              "reports_dir": str(paths.reports_dir)}  # fmt: skip
    with atomic_path(nb_path) as tmp:
        publish.execute_notebook(
            NOTEBOOK, tmp, params, failed_dir=out_dir / "failed", kernel=KERNEL
        )
    page = publish.notebook_to_html(
        nb_path, title=f"{auth.name}: children's social care benchmark profile"
    )
    html_path = write_text(page, out_dir / f"{auth.slug}.html")
    pdf_path = out_dir / f"{auth.slug}.pdf"
    with atomic_path(pdf_path) as tmp:
        publish.html_to_pdf(page, tmp)
    summary = pd.read_csv(out_dir / f"{auth.slug}_summary.csv", dtype={"text": "str", "la_code": "str"},
                          keep_default_na=False, na_values={"LA": [""], "England": [""], "SN": [""]})  # fmt: skip
    seconds = time.perf_counter() - t0
    log.info("profile %s: %s (%.1f s)", auth.name, html_path, seconds)
    return {"la": auth, "slug": auth.slug, "html": html_path, "pdf": pdf_path, "notebook": nb_path,
            "summary": summary, "seconds": seconds}  # fmt: skip


def neighbours_table(data: ProfileData) -> pd.DataFrame:
    """The neighbour list as shown: rank, name, old code, DfE's closeness label."""
    n = data.neighbours
    return pd.DataFrame({"#": n["sn_rank"], "Authority": n["neighbour_name"], "LA code": n["neighbour_code"],
                         "Closeness (DfE)": n["closeness"]})  # fmt: skip


def sources_table(data: ProfileData) -> pd.DataFrame:
    """Where each measure comes from, and the measures that could not be shown and why."""
    m = data.measures
    out = pd.DataFrame({"Measure": m["title"], "Source": m["release"], "File": m["file"],
                        "LAIT code (polarity)": m["lait_code"] + " (" + m["polarity"].replace("", "none") + ")",
                        "Note": ""})  # fmt: skip
    for r in data.skipped.itertuples():
        out.loc[len(out)] = [r.title, "", "", "", r.reason]
    return out

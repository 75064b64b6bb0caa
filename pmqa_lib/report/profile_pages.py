"""The LAIT-like benchmark profile of a local authority as people read it (``make profile``):
display tables, small-multiple charts, and the run of ``notebooks/la_profile.ipynb`` that writes
``reports/profiles/<la-slug>.html`` and ``.pdf``. The figures are computed in
:mod:`pmqa_lib.public.profile_data`.
"""

from __future__ import annotations

import html
import logging
import time
from pathlib import Path

import pandas as pd

from pmqa_lib.core.files import PROJECT_ROOT, Paths, atomic_path, read_csv, write_text
from pmqa_lib.core.format import format_number
from pmqa_lib.public import authorities, downloads
from pmqa_lib.public.profile_data import ProfileData

log = logging.getLogger(__name__)

NOTEBOOK = PROJECT_ROOT / "notebooks" / "la_profile.ipynb"


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


# ---------------------------------------------------------------------------------------------
# Pure steps


# ---------------------------------------------------------------------------------------------
# Assembling the profile


# ---------------------------------------------------------------------------------------------
# Presentation helpers (used by the notebook)


def header(data: ProfileData) -> str:
    """The profile's title and the line saying which authority, region and neighbour list."""
    a = data.la
    region = html.escape(a.region_name)
    return (
        f"<h1>{html.escape(a.name)}: children's social care benchmark profile</h1>"
        f"<p>Local authority {html.escape(a.old_code)} ({html.escape(a.new_code)}), {region}. "
        f"Compared with England, {region} and its ten statistical neighbours "
        f"(DfE {html.escape(str(data.model))} list). All figures are DfE's published statistics.</p>"
    )


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
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in df.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row)
        + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f'<table class="profile"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


#: the profile's lines: the authority solid with its interval band; comparators by dash pattern
#: (:data:`pmqa_lib.report.palette.COMPARATOR_STYLES`), so they are told apart without colour
PROFILE_LINES = {"England": "england", "Region": "region", "SN": "sn"}


def measure_chart(data: ProfileData, key: str):
    """One measure's series: the authority with its 95% interval, England, the region and the
    neighbours' mean, sized for a third of an A4 page's width."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from pmqa_lib.report import charts, palette

    charts._style()
    fig, ax = plt.subplots(figsize=(2.25, 1.75), dpi=charts.SVG_DPI)
    s = data.series[data.series["key"] == key]
    la = s[s["comparator"] == "LA"].sort_values("dfe_year")
    if la["lower"].notna().any():
        ax.fill_between(la["dfe_year"], la["lower"], la["upper"], color=palette.INTERVAL,
                        alpha=0.6, lw=0)  # fmt: skip
    for comp, style_key in PROFILE_LINES.items():
        c = s[s["comparator"] == comp].sort_values("dfe_year")
        if c["value"].notna().any():
            st = palette.COMPARATOR_STYLES[style_key]
            ax.plot(c["dfe_year"], c["value"], color=st.colour, linestyle=st.dash, lw=1.1)
    ax.plot(la["dfe_year"], la["value"], color=palette.VALUE_LINE, marker="o", ms=2.5, lw=1.6)
    ax.tick_params(labelsize=6.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.grid(alpha=0.3)
    fig.tight_layout(pad=0.3)
    return fig


def chart_alt(data: ProfileData, key: str) -> str:
    """The key numbers of one measure's chart: the authority's first and latest values with the
    latest interval, and the comparators' latest values."""
    row = data.summary.set_index("key").loc[key]
    dp = int(row["precision"])
    s = data.series[(data.series["key"] == key) & (data.series["comparator"] == "LA")]
    s = s.dropna(subset=["value"]).sort_values("dfe_year")
    if s.empty:
        return f"{row['title']}: no published values for {data.la.name}."
    first, last = s.iloc[0], s.iloc[-1]
    text = (f"{row['title']}, {data.la.name}, {first['fy_label']} to {last['fy_label']}: from "
            f"{format_number(first['value'], dp)} to {format_number(last['value'], dp)}")  # fmt: skip
    if pd.notna(last.get("lower")) and pd.notna(last.get("upper")):
        text += f" (95% interval {format_number(last['lower'], dp)} to {format_number(last['upper'], dp)})"
    for comp, name in (("England", "England"), ("Region", "region"), ("SN", "neighbours")):
        if pd.notna(row.get(comp)):
            text += f"; {name} {format_number(row[comp], dp)}"
    return text + "."


def chart_table(data: ProfileData, key: str) -> pd.DataFrame:
    """One measure's series as a display table: year by area."""
    dp = int(data.summary.set_index("key").loc[key, "precision"])
    s = data.series[data.series["key"] == key]
    wide = s.pivot_table(index="fy_label", columns="comparator", values="value", aggfunc="first")
    names = {"LA": data.la.name, "England": "England", "Region": "Region", "SN": "Neighbours"}
    wide = wide[[c for c in names if c in wide.columns]].rename(columns=names)
    return wide.map(lambda v: format_number(v, dp) or "no data").rename_axis("Year").reset_index()


def series_figures(data: ProfileData) -> str:
    """Every measure's chart as a figure (SVG with alt text, its data under ``<details>``), in a
    grid that fits an A4 page three across, with the key to the lines above it."""
    from pmqa_lib.report import charts, html_blocks, palette

    def sample(colour: str, dash: str) -> str:
        return (f'<svg width="28" height="8" aria-hidden="true" focusable="false"><line x1="0" '
                f'y1="4" x2="28" y2="4" stroke="{colour}" stroke-width="2" '
                f'stroke-dasharray="{dash}"/></svg>')  # fmt: skip

    key_items = [(sample(palette.VALUE_LINE, "none"), html.escape(data.la.name)),
                 ('<span class="band"></span>', "its 95% interval")]  # fmt: skip
    dashes = {"england": "6 2", "region": "5 1.5 1 1.5", "sn": "1 1.5"}
    for comp, style_key in PROFILE_LINES.items():
        st = palette.COMPARATOR_STYLES[style_key]
        label = {"SN": "Statistical neighbours (mean)"}.get(comp, comp)
        key_items.append((sample(st.colour, dashes[style_key]), label))
    legend = "".join(f"<li>{icon} {text}</li>" for icon, text in key_items)
    figs = []
    for key, title in data.summary[["key", "title"]].itertuples(index=False):
        img = charts.img_tag(measure_chart(data, key), chart_alt(data, key))
        table = html_blocks.table(chart_table(data, key), row_header="Year",
                                  css_class="data chart-table")  # fmt: skip
        figs.append(charts.figure_html(img, table, caption=title, css_class="profile-chart"))
    return (f'<ul class="chart-key">{legend}</ul>'
            f'<div class="profile-grid">{"".join(figs)}</div>')  # fmt: skip


def statement_link() -> str:
    """The link to the accessibility statement beside the index (``reports/accessibility.html``)."""
    from pmqa_lib.report import accessibility

    return accessibility.statement_link(f"../{accessibility.PAGE_NAME}")


def write_summary_workbook(data: ProfileData, reports_dir: Path | str) -> Path:
    """``<reports_dir>/profiles/<slug>_summary.xlsx``: the profile's tables to the government
    standard (:mod:`pmqa_lib.report.spreadsheets`), figures as numbers."""
    from pmqa_lib.report import spreadsheets as ss

    values, ranks = summary_tables(data)
    prec = data.summary["precision"].astype(int).tolist()
    nums = [data.la.name, "England", "Region", "Neighbours (mean)"]
    values = ss.numeric_table(values.drop(columns=["95% interval"]).assign(
        **{"Lower 95% limit": ss.rounded(data.summary["lower"], prec),
           "Upper 95% limit": ss.rounded(data.summary["upper"], prec)}), nums)  # fmt: skip
    ranks = ss.numeric_table(ranks, ["Change on last year"])
    sheets = [
        ss.Sheet(name="Latest year", table=values, row_precision=prec,
                 title=f"{data.la.name}: latest published year of each measure [note 1] [note 2]",
                 source="DfE published statistics (children in need, children looked after)"),
        ss.Sheet(name="Rank and trend", table=ranks, row_precision=prec,
                 title=f"{data.la.name}: rank, quartile and trend [note 3]", source="pmqa"),
        ss.Sheet(name="Neighbours", table=neighbours_table(data),
                 title=f"{data.la.name}'s statistical neighbours (DfE {data.model} list)",
                 source="DfE statistical neighbour groupings"),
        ss.Sheet(name="Sources", table=sources_table(data), title="Where each measure comes from",
                 source="pmqa"),
    ]  # fmt: skip
    notes = pd.DataFrame({
        "Note number": ["note 1", "note 2", "note 3"],
        "Note text": [
            "Figures are rounded half away from zero to each measure's precision.",
            "[x] = not published (suppressed or missing); [z] = not applicable. The 95% "
            "intervals are Wilson score intervals for percentages and Byar's method for rates.",
            "Rank 1 = best by polarity among all authorities with a value; quartile A = best "
            "quarter; trend by Mann-Kendall with Sen's slope over all published years.",
        ],
    })  # fmt: skip
    dest = Path(reports_dir) / "profiles" / f"{data.la.slug}_summary.xlsx"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        ss.write_workbook(
            tmp, sheets, cover_title=f"{data.la.name}: children's social care benchmark profile",
            intro=["The profile's tables for analysis: figures stored as numbers."],
            about=["From DfE's published statistics, compared with England, the region and the "
                   "authority's statistical neighbours.",
                   {"Accessibility statement": "external:../accessibility.html"}],
            contact=["The board's performance team"], notes=notes,
        )  # fmt: skip
    return dest


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
    write_summary_workbook(data, reports_dir)
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
    folder = downloads.require_public_dir(paths.public_dir)
    auth = authorities.resolve_la(la, folder)  # fail fast, before starting a kernel
    authorities.neighbours_of(auth, model, folder)
    out_dir = paths.reports_dir / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    nb_path = out_dir / f"{auth.slug}.ipynb"
    params = {"la": auth.old_code, "model": str(model), "public_dir": str(folder),
              "reports_dir": str(paths.reports_dir)}  # fmt: skip
    with atomic_path(nb_path) as tmp:
        publish.execute_notebook(
            NOTEBOOK,
            tmp,
            params,
            failed_dir=out_dir / "failed",
        )
    page = publish.notebook_to_html(
        nb_path, title=f"{auth.name}: children's social care benchmark profile"
    )
    html_path = write_text(page, out_dir / f"{auth.slug}.html")
    pdf_path = out_dir / f"{auth.slug}.pdf"
    with atomic_path(pdf_path) as tmp:
        publish.html_to_pdf(publish.print_html(page), tmp)
    summary = read_csv(out_dir / f"{auth.slug}_summary.csv", dtype={"text": "str", "la_code": "str"},
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

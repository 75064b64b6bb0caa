"""Charts for the board report, the drill-down and the profile (matplotlib, seaborn's styling),
as SVG.

One palette everywhere (:mod:`pmqa_lib.report.palette`). SPC points use the Making Data Count
colours (NHS England): common cause grey, special cause improvement blue, special cause concern
orange. England, statistical-neighbour and regional lines differ by dash pattern and carry a
direct label with their value, so they are told apart without colour; where counts exist the
authority's 95% interval is drawn as a band. Every chart is an SVG (text kept as text, sized for
the width of an A4 page) embedded in the HTML as an ``<img>`` with alt text that states the key
numbers, followed by its data as a table under ``<details>`` (:func:`figure_html`), so the report
needs no other files and the PDF printed from it stays vector.
"""

from __future__ import annotations

import html
import io
import logging
import re
import textwrap
import urllib.parse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from pmqa_lib.core.catalogue import COMPARATOR_LABELS, Indicator  # noqa: E402
from pmqa_lib.core.format import format_number  # noqa: E402
from pmqa_lib.core.periods import Quarter, financial_year_label  # noqa: E402
from pmqa_lib.report import palette  # noqa: E402

log = logging.getLogger(__name__)

COMMON_CAUSE = palette.COMMON_CAUSE
IMPROVEMENT_COLOUR = palette.IMPROVEMENT
CONCERN_COLOUR = palette.CONCERN
NEUTRAL_COLOUR = palette.NEUTRAL
WIDTH_IN = 6.7  # 17 cm: A4 width less margins
#: SVG user units are points: at 72 dpi a point is a pixel, so label offsets are exact
SVG_DPI = 72
#: bumped when the drawing changes, so stored charts (:mod:`pmqa_lib.report.chart_store`) are redrawn
CHART_VERSION = "4"


def _style() -> None:
    sns.set_theme(context="paper", style="whitegrid", font_scale=1.05)
    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "axes.titleweight": "bold",
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "legend.fontsize": 8,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "svg.fonttype": "none",  # text stays text: small, crisp, searchable in the PDF
            "svg.hashsalt": "pmqa",  # stable ids: the same chart gives the same bytes
        }
    )


def short_label(period: str) -> str:
    """``2015Q2 -> "Q2\\n15/16"``: two lines, so a dozen quarters fit across an A4 chart."""
    q = Quarter.parse(period)
    return f"Q{q.q}\n{financial_year_label(q.fy, short=True)}"


def series_frame(
    measures: pd.DataFrame, indicator: str, last: Quarter | None = None
) -> pd.DataFrame:
    """One indicator's quarterly series for a chart: period, ordinal, label, value, spc_value,
    target, status, lower, upper.

    ``value`` is the headline figure the tables show (a rolling rate for 1.1); ``spc_value`` is the
    quarter's own figure (``quarter_value``) on which SPC is computed, as the assurance stage does,
    because rolling sums are autocorrelated. ``lower``/``upper`` are the value's 95% interval
    (:func:`value_intervals`), NaN without counts. Sorted oldest first, cut at ``last``; quarters
    with no data keep their row with NaN value; quarters before the first value are dropped.
    """
    m = measures[(measures["indicator"] == indicator) & (measures["kind"] == "quarter")]
    m = m.assign(ordinal=m["period"].map(lambda s: Quarter.parse(s).ordinal))
    if last is not None:
        m = m[m["ordinal"] <= last.ordinal]
    m = m.sort_values("ordinal").drop_duplicates("period")
    if m["value"].notna().any():
        m = m[m["ordinal"] >= m.loc[m["value"].notna(), "ordinal"].min()]
    spc_col = "quarter_value" if "quarter_value" in m else "value"
    lower, upper = value_intervals(m)
    return pd.DataFrame(
        {
            "period": m["period"].to_numpy(),
            "ordinal": m["ordinal"].to_numpy(),
            "label": m["period"].map(short_label).to_numpy(),
            "value": m["value"].astype(float).to_numpy(),
            "spc_value": m[spc_col].astype(float).to_numpy(),
            "target": m["target"].astype(float).to_numpy(),
            "status": m["status"].to_numpy() if "status" in m else "ok",
            "lower": lower,
            "upper": upper,
        }
    )


def value_intervals(m: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """95% limits of each measures row's headline value, from its counts, as the assurance stage
    computes them for the latest quarter (:func:`pmqa_lib.analytics.stats.value_interval`: Wilson
    for percentages, Byar or exact Poisson for rates; NaN for numbers, days and ratios). A rolling
    figure uses the rolling counts; a rate divides by the population."""
    from pmqa_lib.analytics import stats

    nan = pd.Series(np.nan, index=m.index)
    if m.empty or "unit" not in m:
        return nan.to_numpy(), nan.to_numpy()
    rolling = pd.to_numeric(m.get("rolling_quarters", nan), errors="coerce").fillna(1) > 1
    num = np.where(rolling, m.get("rolling_numerator", nan), m.get("numerator", nan))
    den = np.where(rolling, m.get("rolling_denominator", nan), m.get("denominator", nan))
    den = np.where(m["unit"].eq("rate_per_10k"), m.get("population", nan), den)
    mult = m["unit"].map({"percent": 100.0, "rate_per_10k": 10000.0}).fillna(1.0)
    lo, hi, _ = stats.value_interval(
        m["unit"].to_numpy(), pd.to_numeric(pd.Series(num), errors="coerce"),
        pd.to_numeric(pd.Series(den), errors="coerce"), mult.to_numpy(), 0.95,
    )  # fmt: skip
    ok = m["value"].notna().to_numpy()
    return np.where(ok, lo, np.nan), np.where(ok, hi, np.nan)


RULE_NAMES = {
    "outside_limits": "outside limits",
    "shift": "shift",
    "trend": "trend",
    "two_in_three": "2 of 3 beyond 2\u03c3",
}


def spc_points(series: pd.DataFrame, indicator: Indicator) -> pd.DataFrame | None:
    """XmR mean, limits, point type and the rules that fired, per row of ``series``, from
    :func:`pmqa_lib.analytics.spc.xmr` on ``spc_value``; None when there are fewer than 2 points."""
    from pmqa_lib.analytics import spc

    frame = pd.DataFrame(
        {
            "indicator": indicator.ref,
            "ordinal": series["ordinal"].to_numpy(),
            "spc_value": series["spc_value"].to_numpy(),
            "polarity": indicator.polarity,
        }
    )
    if frame["spc_value"].notna().sum() < 2:
        return None
    pts = spc.xmr(frame, ("indicator",), "ordinal", "spc_value", "polarity")
    rules = pd.Series("", index=pts.index, dtype="object")
    for col, name in RULE_NAMES.items():
        if col in pts:
            hit = pts[col].astype(bool)
            rules = rules.where(~hit, rules + np.where(rules.eq(""), "", ", ") + name)
    pts = pts.assign(rules=rules, variation=pts["point_type"])
    out = series[["ordinal"]].merge(
        pts[["ordinal", "mean", "lpl", "upl", "variation", "rules"]], on="ordinal", how="left"
    )
    return out.rename(columns={"lpl": "lcl", "upl": "ucl"})


def _variation_colour(v: object) -> str:
    return {"improvement": IMPROVEMENT_COLOUR, "concern": CONCERN_COLOUR,
            "neutral": NEUTRAL_COLOUR}.get(variation_kind(v), COMMON_CAUSE)  # fmt: skip


def variation_kind(v: object) -> str:
    """``"special cause improvement"`` -> ``"improvement"``; common cause (or unknown) ->
    ``"common"``."""
    s = str(v).lower() if isinstance(v, str) else ""
    for kind in ("improvement", "concern", "neutral"):
        if kind[:6] in s:
            return kind
    return "common"


def _direct_labels(ax, items: list[tuple[str, float, str]], min_gap: float = 9.0) -> None:
    """Labels at the right edge of the axes, one per horizontal line (text, y, colour), pushed
    apart vertically so lines at the same value still show every label (2.4's England,
    neighbours and target sit on one line)."""
    if not items:
        return
    ys = np.array([ax.transData.transform((0, y))[1] for _, y, _ in items])
    order = np.argsort(ys)
    placed = ys.copy()
    for k in range(1, len(order)):
        prev, cur = order[k - 1], order[k]
        placed[cur] = max(placed[cur], placed[prev] + min_gap)
    for (text, y, colour), y0, y1 in zip(items, ys, placed, strict=True):
        ax.annotate(text, xy=(1.0, y), xycoords=("axes fraction", "data"),
                    xytext=(4, y1 - y0), textcoords="offset points", va="center", ha="left",
                    fontsize=7.5, color=colour, annotation_clip=False)  # fmt: skip


def indicator_chart(
    series: pd.DataFrame,
    indicator: Indicator,
    comparators: dict[str, float] | None = None,
    spc: pd.DataFrame | None = None,
    height: float = 2.9,
) -> plt.Figure:
    """The series with its 95% interval, target, comparators and, when given, SPC mean and
    process limits.

    Parameters
    ----------
    series : DataFrame
        From :func:`series_frame`: label, value, target (per period; a step line), optional
        ``lower``/``upper`` (the interval band) and ``spc_value``.
    comparators : dict
        Assurance column -> value, e.g. ``{"england": 88.0}`` (:data:`pmqa_lib.report.palette.
        COMPARATOR_STYLES`): each drawn as a horizontal line with its own dash pattern and a direct
        label with its value.
    spc : DataFrame, optional
        Aligned with ``series``: ``mean``, ``ucl``, ``lcl`` and ``variation`` per point; the
        points are coloured by variation (Making Data Count); the rules that fired are in the
        chart's data table and the drill-down's signal table, not drawn over the points.
    """
    _style()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), dpi=SVG_DPI)
    x = np.arange(len(series))
    y = series["value"].to_numpy(dtype=float)
    ys = series.get("spc_value", series["value"]).to_numpy(dtype=float)
    p = indicator.precision
    if "lower" in series and series["lower"].notna().any():
        ax.fill_between(x, series["lower"].to_numpy(float), series["upper"].to_numpy(float),
                        color=palette.INTERVAL, alpha=0.55, linewidth=0, zorder=0,
                        label="95% interval")  # fmt: skip
    rolling = not np.allclose(np.nan_to_num(y, nan=-1), np.nan_to_num(ys, nan=-1))
    if rolling:
        ax.plot(x, y, color=palette.VALUE_LINE, linewidth=2.0, zorder=2,
                label=f"{indicator.algorithm.rolling_quarters}-quarter rolling")  # fmt: skip
        ax.plot(x, ys, color=COMMON_CAUSE, linewidth=0.8, zorder=2, label="quarter (SPC)")
    else:
        ax.plot(x, y, color=palette.VALUE_LINE, linewidth=1.6, zorder=2, label=indicator.ref)
    colours = [COMMON_CAUSE] * len(series)
    if spc is not None and len(spc) == len(series):
        colours = [_variation_colour(v) for v in spc.get("variation", [""] * len(spc))]
        for col, style in (("mean", "-"), ("ucl", "--"), ("lcl", "--")):
            if col in spc and spc[col].notna().any():
                ax.plot(x, spc[col].to_numpy(dtype=float), color=palette.LIMITS, linestyle=style,
                        linewidth=0.9, zorder=1,
                        label={"mean": "mean", "ucl": "process limits", "lcl": None}[col])  # fmt: skip
    ax.scatter(x, ys, c=colours, s=30, zorder=3, edgecolors="white", linewidths=0.6)
    if spc is not None:
        for colour, name in ((IMPROVEMENT_COLOUR, "improvement"), (CONCERN_COLOUR, "concern")):
            if colour in colours:
                ax.scatter([], [], c=colour, s=30, label=f"special cause {name}")
    labels: list[tuple[str, float, str]] = []
    tgt = series["target"].to_numpy(dtype=float)
    if np.isfinite(tgt).any():
        ax.step(x, tgt, where="mid", color=palette.TARGET, linestyle=palette.TARGET_DASH,
                linewidth=1.3, zorder=1)  # fmt: skip
        last_t = tgt[np.isfinite(tgt)][-1]
        labels.append((f"Target {format_number(last_t, p)}", last_t, palette.TARGET))
    for key, value in (comparators or {}).items():
        if value is None or not np.isfinite(float(value)):
            continue
        st = palette.COMPARATOR_STYLES[key]
        ax.axhline(float(value), color=st.colour, linestyle=st.dash, linewidth=1.3, zorder=1)
        labels.append((f"{st.label} {format_number(value, p)}", float(value), st.colour))
    missing = np.isnan(y)
    for xi in x[missing]:
        ax.axvspan(xi - 0.4, xi + 0.4, color="#E8EDEE", zorder=0)
        ax.text(xi, 0.02, "no\ndata", transform=ax.get_xaxis_transform(), ha="center",
                va="bottom", fontsize=6.5, color=palette.MUTED)  # fmt: skip
    ax.set_xticks(x, series["label"].tolist())
    step = max(1, int(np.ceil(len(x) / 14)))
    for i, lab in enumerate(ax.get_xticklabels()):
        lab.set_visible(i % step == 0 or i == len(x) - 1)
    ax.set_ylabel(indicator.unit_label)
    title = textwrap.fill(textwrap.shorten(f"{indicator.ref} {indicator.name}", 150), 75)
    ax.set_title(title, loc="left")
    allv = np.r_[y, ys, [v for _, v, _ in labels]]
    if "lower" in series:
        allv = np.r_[allv, series["lower"].to_numpy(float), series["upper"].to_numpy(float)]
    finite = allv[np.isfinite(allv)]
    if finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
        bottom = (
            0.0
            if indicator.unit in ("number", "rate_per_10k", "percent", "days") and lo >= 0
            else lo - pad
        )
        ax.set_ylim(bottom, hi + pad)
    if len(x):
        ax.set_xlim(-0.5, len(x) - 0.5)
    handles, names = ax.get_legend_handles_labels()
    # the legend in a band of its own under the axis labels; the right margin holds the labels
    rows = int(np.ceil(len(handles) / 4)) if handles else 0
    bottom = (rows * 11 + 4) / (height * 72) if rows else 0.0
    # fixed margins (points over the figure's size) rather than tight_layout, which draws the
    # figure once more; saving with bbox_inches="tight" keeps whatever reaches past them
    axis_room = 34 / (height * 72)  # two-line quarter labels under the axis
    fig.subplots_adjust(left=0.09, right=0.80, top=1 - (9 + 13 * (title.count("\n") + 1)) / (height * 72),
                        bottom=bottom + axis_room)  # fmt: skip
    if handles:
        fig.legend(handles, names, loc="lower left", bbox_to_anchor=(0.01, 0.0), ncol=4,
                   frameon=False, fontsize=7.5)  # fmt: skip
    _direct_labels(ax, labels)
    return fig


def linked_chart(
    series_by_ref: dict[str, pd.DataFrame], indicators: dict[str, Indicator]
) -> plt.Figure:
    """Small multiples: linked indicators side by side, each on its own axis and unit, titles
    wrapped to their panel so they never run into each other."""
    _style()
    n = max(1, len(series_by_ref))
    fig, axes = plt.subplots(1, n, figsize=(WIDTH_IN, 2.6), dpi=SVG_DPI, squeeze=False)
    width = max(18, int(70 / n))
    for ax, (ref, s) in zip(axes[0], series_by_ref.items(), strict=False):
        ind = indicators[ref]
        x = np.arange(len(s))
        ax.plot(x, s["value"], color=palette.VALUE_LINE, marker="o", markersize=3, linewidth=1.3)
        if s["target"].notna().any():
            ax.step(x, s["target"], where="mid", color=palette.TARGET,
                    linestyle=palette.TARGET_DASH, linewidth=1)  # fmt: skip
        title = textwrap.fill(textwrap.shorten(f"{ref} {ind.name}", 2 * width), width)
        ax.set_title(title, fontsize=7.5, loc="left")
        ax.set_ylabel(ind.unit_label, fontsize=7)
        ticks = [0, len(x) - 1] if len(x) > 1 else [0]
        ax.set_xticks(ticks, [s["label"].iloc[t].replace("\n", " ") for t in ticks], fontsize=7)
    fig.tight_layout(w_pad=1.5)
    return fig


def contribution_chart(contrib: pd.DataFrame, indicator: Indicator) -> plt.Figure:
    """Stacked bars of each agency's count per quarter (columns: label, agency, value)."""
    _style()
    wide = contrib.pivot_table(
        index="label", columns="agency", values="value", aggfunc="sum", sort=False
    )
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.6), dpi=SVG_DPI)
    bottom = np.zeros(len(wide))
    palette = sns.color_palette("colorblind", n_colors=max(3, wide.shape[1]))
    for i, agency in enumerate(wide.columns):
        vals = wide[agency].fillna(0).to_numpy()
        ax.bar(np.arange(len(wide)), vals, bottom=bottom, color=palette[i], label=str(agency))
        bottom += vals
    ax.set_xticks(np.arange(len(wide)), list(wide.index), fontsize=7)
    ax.set_ylabel("count")
    ax.set_title(textwrap.shorten(f"{indicator.ref}: contribution of each agency", 95))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def comparator_ci_chart(rows: pd.DataFrame, indicator: Indicator) -> plt.Figure:
    """Point and interval for the authority and each comparator (columns: name, value, lower, upper)."""
    _style()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.5 + 0.45 * len(rows)), dpi=SVG_DPI)
    yy = np.arange(len(rows))[::-1]
    v = rows["value"].to_numpy(dtype=float)
    lo = rows.get("lower", pd.Series(np.nan, index=rows.index)).to_numpy(dtype=float)
    hi = rows.get("upper", pd.Series(np.nan, index=rows.index)).to_numpy(dtype=float)
    err = np.vstack([np.where(np.isnan(lo), 0, v - lo), np.where(np.isnan(hi), 0, hi - v)])
    ax.errorbar(v, yy, xerr=err, fmt="o", color=palette.VALUE_LINE, ecolor=COMMON_CAUSE, capsize=3)
    ax.set_yticks(yy, rows["name"].tolist())
    ax.set_xlabel(indicator.unit_label)
    ax.set_title(
        textwrap.shorten(f"{indicator.ref}: comparators with 95% confidence intervals", 95)
    )
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------
# SVG output


_SVG_NOISE = re.compile(r"<\?xml.*?\?>\s*|<!DOCTYPE.*?>\s*|<metadata>.*?</metadata>\s*", re.S)
_LONG_DECIMALS = re.compile(r"(\d\.\d\d)\d+")


def svg_text(fig: plt.Figure) -> str:
    """The figure as compact SVG text (no XML prolog or metadata, coordinates to 2 decimals of a
    point); closes the figure."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.05,
                metadata={"Date": None, "Creator": None, "Format": None, "Type": None})  # fmt: skip
    plt.close(fig)
    svg = _SVG_NOISE.sub("", buf.getvalue())
    svg = re.sub(r">\s+<", "><", svg)
    return _LONG_DECIMALS.sub(r"\1", svg).strip()


#: characters left as they are in an SVG data URL; the rest are percent-encoded (about a tenth
#: larger than the SVG, against a third for base64)
_URL_SAFE = " /:;=,.-_()'!~*+?@[]{}$"


def svg_img(svg: str, alt: str, css_class: str = "chart") -> str:
    """An ``<img>`` of SVG text, embedded as a data URL, with escaped alt text."""
    src = "data:image/svg+xml," + urllib.parse.quote(svg, safe=_URL_SAFE)
    return (
        f'<img class="{html.escape(css_class)}" alt="{html.escape(alt, quote=True)}" src="{src}">'
    )


def img_tag(fig: plt.Figure, alt: str, css_class: str = "chart") -> str:
    """The figure as an SVG ``<img>`` with escaped alt text; closes it."""
    return svg_img(svg_text(fig), alt, css_class)


def data_details(table_html: str, summary: str = "Chart data") -> str:
    """A chart's data as a table a reader opens under the chart (closed by default; the PDF
    leaves it out, the figures being in the page's tables)."""
    return f'<details class="chart-data"><summary>{html.escape(summary)}</summary>{table_html}</details>'


def figure_html(img: str, data_table: str = "", caption: str = "", css_class: str = "") -> str:
    """A ``<figure>``: the chart, an optional caption, and its data table under ``<details>``."""
    cls = f' class="{html.escape(css_class)}"' if css_class else ""
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"<figure{cls}>{img}{cap}{data_details(data_table) if data_table else ''}</figure>"


# ---------------------------------------------------------------------------------------
# Words and data behind a chart


def chart_alt_text(
    series: pd.DataFrame,
    indicator: Indicator,
    comparators: dict[str, float] | None = None,
    spc_text: str = "",
) -> str:
    """Alt text that states the key numbers: the range, the latest value, the same quarter last
    year, the target, each comparator and the SPC reading."""
    s = series.dropna(subset=["value"])
    if s.empty:
        return f"Chart of {indicator.ref} {indicator.name}: no values to plot."
    first, last = s.iloc[0], s.iloc[-1]
    p = indicator.precision

    def lab(row) -> str:
        return str(row["label"]).replace("\n", " ")

    text = (
        f"Line chart of {indicator.ref} {indicator.name} ({indicator.unit_label}) by quarter, "
        f"{lab(first)} to {lab(last)}: from {format_number(first['value'], p)} to "
        f"{format_number(last['value'], p)}"
    )
    if pd.notna(last.get("lower")) and pd.notna(last.get("upper")):
        text += f" (95% interval {format_number(last['lower'], p)} to {format_number(last['upper'], p)})"
    if "ordinal" in series and len(series) > 4:
        year_ago = series[series["ordinal"] == last["ordinal"] - 4]
        if len(year_ago) and pd.notna(year_ago["value"].iloc[0]):
            text += f"; a year earlier {format_number(year_ago['value'].iloc[0], p)}"
    if pd.notna(last.get("target")):
        text += f"; target {format_number(last['target'], p)}"
    for key, value in (comparators or {}).items():
        text += f"; {COMPARATOR_LABELS.get(key, key)} {format_number(value, p)}"
    n_missing = int(series["value"].isna().sum())
    if n_missing:
        text += f"; {n_missing} quarter(s) with no data"
    text += "."
    return f"{text} {spc_text}".strip()


def chart_data(
    series: pd.DataFrame,
    indicator: Indicator,
    comparators: dict[str, float] | None = None,
    spc: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The numbers a chart draws, as display text, one row per point: period, value, 95%
    interval, target, each comparator, and the SPC variation and rules where computed."""
    p = indicator.precision
    fmt = np.vectorize(lambda v: format_number(v, p), otypes=[object])
    out = pd.DataFrame({"Period": series["label"].str.replace("\n", " ", regex=False).to_numpy()})
    out["Value"] = np.where(series["value"].notna(), fmt(series["value"]), "no data")
    if "lower" in series and series["lower"].notna().any():
        out["95% interval"] = np.where(
            series["lower"].notna(),
            fmt(series["lower"]).astype(str) + " to " + fmt(series["upper"]).astype(str),
            "",
        )
    if series["target"].notna().any():
        out["Target"] = fmt(series["target"])
    for key, value in (comparators or {}).items():
        out[COMPARATOR_LABELS.get(key, key)] = format_number(value, p)
    if spc is not None and len(spc) == len(series):
        out["SPC variation"] = (
            spc["variation"].astype(object).fillna("").str.replace("_", " ").to_numpy()
        )
        out["SPC rules"] = spc["rules"].astype(object).fillna("").to_numpy()
    return out

"""Charts for the board report and the drill-down (matplotlib with seaborn's styling).

One palette everywhere. SPC points use the Making Data Count colours (NHS England): common cause
grey, special cause improvement blue, special cause concern orange, as in the NHS-R
``plotthedots`` package. Every chart has a title, a unit on the y axis and quarter labels on the x
axis, is sized for the width of an A4 page (17 cm) at 150 dpi, and is embedded in the HTML as a
base64 PNG with alt text (:func:`img_tag`), so the report needs no other files.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from pmqa_lib.core.catalogue import Indicator  # noqa: E402
from pmqa_lib.core.format import format_number  # noqa: E402
from pmqa_lib.core.periods import Quarter, financial_year_label  # noqa: E402

log = logging.getLogger(__name__)

# Making Data Count colours (NHS-R plotthedots)
COMMON_CAUSE = "#7B7D7D"
IMPROVEMENT_COLOUR = "#289DE0"
CONCERN_COLOUR = "#FAB428"
NEUTRAL_COLOUR = "#490092"
# the rest of the palette
VALUE_LINE = "#425563"  # NHS dark grey-blue: the series
TARGET = "#DE1B1B"  # target line
LIMITS = "#7B7D7D"  # process limits
COMPARATOR_COLOURS = {
    "England": "#005EB8",
    "Statistical neighbours": "#009639",
    "Region": "#AE2573",
}
RAG_COLOURS = {"Red": "#D5281B", "Amber": "#FFB81C", "Green": "#007F3B"}
WIDTH_IN = 6.7  # 17 cm: A4 width less margins
DPI = 150


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
        }
    )


def short_label(period: str) -> str:
    """``2015Q2 -> "Q2\n15/16"``: two lines, so a dozen quarters fit across an A4 chart."""
    q = Quarter.parse(period)
    return f"Q{q.q}\n{financial_year_label(q.fy, short=True)}"


def series_frame(
    measures: pd.DataFrame, indicator: str, last: Quarter | None = None
) -> pd.DataFrame:
    """One indicator's quarterly series for a chart: period, ordinal, label, value, spc_value,
    target, status.

    ``value`` is the headline figure the tables show (a rolling rate for 1.1); ``spc_value`` is the
    quarter's own figure (``quarter_value``) on which SPC is computed, as the assurance stage does,
    because rolling sums are autocorrelated. Sorted oldest first, cut at ``last``; quarters with no
    data keep their row with NaN value; quarters before the first value are dropped.
    """
    m = measures[(measures["indicator"] == indicator) & (measures["kind"] == "quarter")]
    m = m.assign(ordinal=m["period"].map(lambda s: Quarter.parse(s).ordinal))
    if last is not None:
        m = m[m["ordinal"] <= last.ordinal]
    m = m.sort_values("ordinal").drop_duplicates("period")
    if m["value"].notna().any():
        m = m[m["ordinal"] >= m.loc[m["value"].notna(), "ordinal"].min()]
    spc_col = "quarter_value" if "quarter_value" in m else "value"
    return pd.DataFrame(
        {
            "period": m["period"].to_numpy(),
            "ordinal": m["ordinal"].to_numpy(),
            "label": m["period"].map(short_label).to_numpy(),
            "value": m["value"].astype(float).to_numpy(),
            "spc_value": m[spc_col].astype(float).to_numpy(),
            "target": m["target"].astype(float).to_numpy(),
            "status": m["status"].to_numpy() if "status" in m else "ok",
        }
    )


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
    s = str(v).lower() if isinstance(v, str) else ""
    if "improv" in s:
        return IMPROVEMENT_COLOUR
    if "concern" in s:
        return CONCERN_COLOUR
    if "neutral" in s:
        return NEUTRAL_COLOUR
    return COMMON_CAUSE


def indicator_chart(
    series: pd.DataFrame,
    indicator: Indicator,
    comparators: dict[str, float] | None = None,
    spc: pd.DataFrame | None = None,
    mark_rules: bool = False,
    height: float = 2.9,
) -> plt.Figure:
    """The series with its target, comparators and, when given, SPC mean and process limits.

    Parameters
    ----------
    series : DataFrame
        From :func:`series_frame`: label, value, target (per period; a step line).
    comparators : dict
        e.g. ``{"England": 88.0}``: drawn as labelled horizontal lines.
    spc : DataFrame, optional
        Aligned with ``series``: ``mean``, ``ucl``, ``lcl`` and ``variation`` per point
        ("common_cause", "improvement", "concern", "neutral"); optional ``rules`` (text of the rules
        that fired at that point) marked when ``mark_rules``.
    """
    _style()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), dpi=DPI)
    x = np.arange(len(series))
    y = series["value"].to_numpy(dtype=float)
    ys = series.get("spc_value", series["value"]).to_numpy(dtype=float)
    rolling = not np.allclose(np.nan_to_num(y, nan=-1), np.nan_to_num(ys, nan=-1))
    if rolling:
        ax.plot(x, y, color=VALUE_LINE, linewidth=2.0, zorder=2,
                label=f"{indicator.algorithm.rolling_quarters}-quarter rolling")  # fmt: skip
        ax.plot(x, ys, color=COMMON_CAUSE, linewidth=0.8, zorder=2, label="quarter (SPC)")
    else:
        ax.plot(x, y, color=VALUE_LINE, linewidth=1.6, zorder=2, label=indicator.ref)
    colours = [COMMON_CAUSE] * len(series)
    if spc is not None and len(spc) == len(series):
        colours = [_variation_colour(v) for v in spc.get("variation", [""] * len(spc))]
        for col, style in (("mean", "-"), ("ucl", "--"), ("lcl", "--")):
            if col in spc and spc[col].notna().any():
                ax.plot(x, spc[col].to_numpy(dtype=float), color=LIMITS, linestyle=style,
                        linewidth=1.0, zorder=1,
                        label={"mean": "mean", "ucl": "process limits", "lcl": None}[col])  # fmt: skip
        if mark_rules and "rules" in spc:
            for xi, yi, rule in zip(x, ys, spc["rules"], strict=True):
                if isinstance(rule, str) and rule and not np.isnan(yi):
                    ax.annotate(textwrap.fill(rule, 14), (xi, yi), xytext=(0, 8),
                                textcoords="offset points", ha="center", va="bottom",
                                fontsize=6, color="#231F20")  # fmt: skip
    ax.scatter(x, ys, c=colours, s=34, zorder=3, edgecolors="white", linewidths=0.6)
    if spc is not None:
        for colour, name in ((IMPROVEMENT_COLOUR, "improvement"), (CONCERN_COLOUR, "concern")):
            if colour in colours:
                ax.scatter([], [], c=colour, s=34, label=f"special cause {name}")
    if series["target"].notna().any():
        ax.step(x, series["target"].to_numpy(dtype=float), where="mid", color=TARGET,
                linestyle=(0, (4, 2)), linewidth=1.3, label="target", zorder=1)  # fmt: skip
    for name, value in (comparators or {}).items():
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        colour = COMPARATOR_COLOURS.get(name, "#231F20")
        ax.axhline(value, color=colour, linestyle=":", linewidth=1.3,
                   label=f"{name} ({format_number(value, indicator.precision)})")  # fmt: skip
    missing = np.isnan(y)
    for xi in x[missing]:
        ax.axvspan(xi - 0.4, xi + 0.4, color="#E8EDEE", zorder=0)
        ax.text(xi, 0.02, "no\ndata", transform=ax.get_xaxis_transform(), ha="center",
                va="bottom", fontsize=6.5, color="#425563")  # fmt: skip
    ax.set_xticks(x, series["label"].tolist())
    step = max(1, int(np.ceil(len(x) / 14)))
    for i, lab in enumerate(ax.get_xticklabels()):
        lab.set_visible(i % step == 0 or i == len(x) - 1)
    ax.set_ylabel(indicator.unit_label)
    ax.set_title(textwrap.shorten(f"{indicator.ref} {indicator.name}", 95))
    lo = np.nanmin(np.r_[y, ys]) if np.isfinite(np.r_[y, ys]).any() else 0
    if indicator.unit in ("number", "rate_per_10k", "percent", "days") and lo >= 0:
        ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def linked_chart(
    series_by_ref: dict[str, pd.DataFrame], indicators: dict[str, Indicator]
) -> plt.Figure:
    """Small multiples: linked indicators side by side, each on its own axis and unit."""
    _style()
    n = max(1, len(series_by_ref))
    fig, axes = plt.subplots(1, n, figsize=(WIDTH_IN, 2.4), dpi=DPI, squeeze=False)
    for ax, (ref, s) in zip(axes[0], series_by_ref.items(), strict=False):
        ind = indicators[ref]
        x = np.arange(len(s))
        ax.plot(x, s["value"], color=VALUE_LINE, marker="o", markersize=3, linewidth=1.3)
        if s["target"].notna().any():
            ax.step(x, s["target"], where="mid", color=TARGET, linestyle=(0, (4, 2)), linewidth=1)
        ax.set_title(textwrap.shorten(f"{ref} {ind.name}", 40), fontsize=8)
        ax.set_ylabel(ind.unit_label, fontsize=7)
        ticks = [0, len(x) - 1] if len(x) > 1 else [0]
        ax.set_xticks(ticks, [s["label"].iloc[t].replace("\n", " ") for t in ticks], fontsize=7)
    fig.tight_layout()
    return fig


def contribution_chart(contrib: pd.DataFrame, indicator: Indicator) -> plt.Figure:
    """Stacked bars of each agency's count per quarter (columns: label, agency, value)."""
    _style()
    wide = contrib.pivot_table(
        index="label", columns="agency", values="value", aggfunc="sum", sort=False
    )
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.6), dpi=DPI)
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
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.5 + 0.45 * len(rows)), dpi=DPI)
    yy = np.arange(len(rows))[::-1]
    v = rows["value"].to_numpy(dtype=float)
    lo = rows.get("lower", pd.Series(np.nan, index=rows.index)).to_numpy(dtype=float)
    hi = rows.get("upper", pd.Series(np.nan, index=rows.index)).to_numpy(dtype=float)
    err = np.vstack([np.where(np.isnan(lo), 0, v - lo), np.where(np.isnan(hi), 0, hi - v)])
    ax.errorbar(v, yy, xerr=err, fmt="o", color=VALUE_LINE, ecolor=COMMON_CAUSE, capsize=3)
    ax.set_yticks(yy, rows["name"].tolist())
    ax.set_xlabel(indicator.unit_label)
    ax.set_title(
        textwrap.shorten(f"{indicator.ref}: comparators with 95% confidence intervals", 95)
    )
    fig.tight_layout()
    return fig


def img_tag(fig: plt.Figure, alt: str, css_class: str = "chart") -> str:
    """The figure as an ``<img>`` with an embedded base64 PNG and escaped alt text; closes it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'<img class="{html.escape(css_class)}" alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{data}">'
    )


def chart_alt_text(series: pd.DataFrame, indicator: Indicator) -> str:
    """Alt text that says what the chart shows: the range, the latest value and the target."""
    s = series.dropna(subset=["value"])
    if s.empty:
        return f"Chart of {indicator.ref} {indicator.name}: no values to plot."
    first, last = s.iloc[0], s.iloc[-1]
    p = indicator.precision
    text = (
        f"Line chart of {indicator.ref} {indicator.name} ({indicator.unit_label}) by quarter, "
        f"{first['label'].replace(chr(10), ' ')} to {last['label'].replace(chr(10), ' ')}: "
        f"from {format_number(first['value'], p)} to {format_number(last['value'], p)}"
    )
    if pd.notna(last.get("target")):
        text += f"; target {format_number(last['target'], p)}"
    n_missing = int(series["value"].isna().sum())
    if n_missing:
        text += f"; {n_missing} quarter(s) with no data"
    return text + "."

"""One page per indicator: the Appendix 1 page for ``report: indicator`` entries, a compact one
(chart, figures table, comparators and commentary) for every scorecard indicator.

Every page has its RAG over the last eight quarters (``rag_history.csv``), the same quarter last
year, the chart with its comparators and 95% interval (SVG, alt text stating the key numbers, its
data under ``<details>``), the Making Data Count variation and assurance as labelled icons, and a
link back to the contents. What every page reads is computed once for all indicators
(:func:`page_data`); charts are drawn once and kept in the quarter's chart store
(:mod:`pmqa_lib.report.chart_store`), where a drill-down finds them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import COMPARATOR_LABELS, Indicator
from pmqa_lib.core.format import format_number, no_data_text
from pmqa_lib.core.periods import Quarter, financial_year_label
from pmqa_lib.report import charts, html_blocks, narrative, navigation, tables
from pmqa_lib.report.chart_store import ChartStore, chart_key
from pmqa_lib.report.html_blocks import esc
from pmqa_lib.report.inputs import ReportInputs, read_rag_history

log = logging.getLogger(__name__)

#: quarters in each page's RAG strip
STRIP_QUARTERS = 8
#: chart heights (inches): an Appendix 1 page, a compact scorecard page
FULL_HEIGHT, COMPACT_HEIGHT = 2.9, 2.35


# ---------------------------------------------------------------------------------------
# Which indicators get which page


def page_groups(inputs: ReportInputs) -> dict[str, list[str]]:
    """Every indicator's page, in report order: key the page's indicator, value the references
    shown on it (the page's own last).

    A companion is a linked indicator whose reference is the page's reference plus letters (1.1a
    on 1.1's page, as Appendix 1 prints new EISAs per quarter above the rate); it shares that page
    and has no page of its own. Every other indicator has a page: an Appendix 1 page for
    ``report: indicator``, a compact one for the scorecard's.
    """
    cat = inputs.catalogue
    order = cat.report_order()
    taken: dict[str, str] = {}
    for r in order:
        if cat[r].report != "indicator":
            continue
        for other in cat[r].linked:
            if re.fullmatch(re.escape(r) + r"[a-z]+", other) and other in cat.indicators:
                taken[other] = r
    groups = {r: [*(o for o, host in taken.items() if host == r), r] for r in order}
    return {r: refs for r, refs in groups.items() if r not in taken}


def page_of(inputs: ReportInputs) -> dict[str, str]:
    """Each indicator -> the reference of the page it is shown on (a companion -> its host)."""
    return {ref: page for page, refs in page_groups(inputs).items() for ref in refs}


def is_compact(ind: Indicator) -> bool:
    return ind.report != "indicator"


def chart_height(ind: Indicator) -> float:
    return COMPACT_HEIGHT if is_compact(ind) else FULL_HEIGHT


# ---------------------------------------------------------------------------------------
# What every page reads, once for all indicators


@dataclass
class PageData:
    inputs: ReportInputs
    facts: pd.DataFrame  # narrative.indicator_facts, indexed by indicator
    assurance: pd.DataFrame  # indexed by indicator
    comments: pd.DataFrame  # tables.quarter_commentary
    strip: pd.DataFrame  # rag_strip
    year_ago: pd.DataFrame  # year_ago_table
    attrs: pd.DataFrame  # navigation.indicator_attributes
    store: ChartStore


def page_data(
    inputs: ReportInputs, f: pd.DataFrame | None = None, chart_dir: str | Path | None = None,
    write_charts: bool = True,
) -> PageData:  # fmt: skip
    f = narrative.indicator_facts(
        inputs.measures, inputs.assurance, inputs.catalogue, inputs.quarter
    ) if f is None else f  # fmt: skip
    return PageData(
        inputs=inputs,
        facts=f.set_index("indicator"),
        assurance=inputs.assurance.drop_duplicates("indicator").set_index("indicator"),
        comments=tables.quarter_commentary(
            inputs.observations, inputs.returns_accepted, inputs.quarter
        ),
        strip=rag_strip(read_rag_history(inputs), inputs.quarter)
        .reindex(list(inputs.catalogue.indicators))
        .fillna("not assessed"),
        year_ago=year_ago_table(inputs.measures, inputs.quarter),
        attrs=navigation.indicator_attributes(inputs.assurance, inputs.catalogue),
        store=ChartStore(chart_dir or None, write=write_charts),
    )


def rag_strip(history: pd.DataFrame, quarter: Quarter, n: int = STRIP_QUARTERS) -> pd.DataFrame:
    """Computed RAG of every indicator over the ``n`` quarters to ``quarter`` (columns: quarter
    codes, oldest first; index: indicator): the rating, "no data" where the quarter had no value,
    "not rated" where it had a value but nothing to rate against, "not assessed" before the
    history starts."""
    periods = [quarter.previous(k).code for k in range(n - 1, -1, -1)]
    h = history[history["period"].astype(str).isin(periods)].drop_duplicates(
        ["indicator", "period"]
    )
    status = h.get("status", pd.Series("ok", index=h.index)).fillna("ok")
    text = h["rag"].where(
        h["rag"].notna() & h["rag"].ne(""), np.where(status.eq("ok"), "not rated", "no data")
    )
    wide = h.assign(text=text).pivot(index="indicator", columns="period", values="text")
    return wide.reindex(columns=periods).astype(object).fillna("not assessed")


def year_ago_table(measures: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    """Each indicator's value this quarter and in the same quarter a year earlier (index:
    indicator; columns ``now``, ``ago``, ``now_status``, ``ago_status``)."""
    q = measures[measures["kind"] == "quarter"].drop_duplicates(["indicator", "period"])
    ago_q = Quarter(quarter.fy - 1, quarter.q)
    now = q[q["period"] == quarter.code].set_index("indicator")
    ago = q[q["period"] == ago_q.code].set_index("indicator")
    idx = now.index.union(ago.index)
    return pd.DataFrame(
        {
            "now": now["value"].reindex(idx),
            "ago": ago["value"].reindex(idx),
            "now_status": now["status"].reindex(idx),
            "ago_status": ago["status"].reindex(idx),
        }
    )


# ---------------------------------------------------------------------------------------
# Blocks


def page_header(
    ind: Indicator, inputs: ReportInputs, rag: object, level: int = 3, band: object = None
) -> str:
    """The page's heading: theme, reference and name, the RAG with the value's band beside it
    (the continuum decides the RAG; the band says how far from the target the value is), and
    the lead officer."""
    ag = inputs.catalogue.agencies.get(ind.agency)
    partner = (ag.short_name or ag.name) if ag else ind.agency
    return (
        '<div class="page-header">'
        f"<div>Theme: <strong>{esc(ind.theme)}</strong> &nbsp; Focus area: <strong>{esc(ind.focus_area)}</strong></div>"
        f"<h{level}>{esc(ind.ref)} {esc(ind.agency)} - {esc(ind.name)}</h{level}>"
        f"<div>Current status: {html_blocks.rag_badge(rag)}{_band_text(band)}</div>"
        f"<div>Lead officer: {esc(ind.lead_officer.name)} &nbsp; Partner: {esc(partner)} &nbsp; "
        f"Email: {esc(ind.lead_officer.email) or 'not given'}</div>"
        "</div>"
    )


def _band_text(band: object) -> str:
    if not isinstance(band, str) or not band:
        return ""
    return f" &nbsp; Value band: {html_blocks.rag_badge(band)}"


def strip_html(pd_: PageData, ref: str) -> str:
    """The RAG strip: one row of eight quarters, each rating written as text on its colour."""
    if ref not in pd_.strip.index:
        return ""
    row = pd_.strip.loc[ref]
    labels = [Quarter.parse(p).label for p in row.index]
    head = "".join(f'<th scope="col">{esc(lab)}</th>' for lab in labels)
    cells = "".join(f"<td>{html_blocks.rag_badge(v)}</td>" for v in row.to_numpy())
    return (
        '<table class="rag-strip"><caption>Computed RAG over the last eight quarters</caption>'
        f"<thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table>"
    )


def year_ago_html(pd_: PageData, ind: Indicator) -> str:
    """ "Same quarter last year: Q2 2014/15 57.7; this quarter 65.0 (up 7.3, better)"; an annual
    indicator compares its latest annual result with the one before."""
    q, p = pd_.inputs.quarter, ind.precision
    if ind.frequency == "annual":
        f = pd_.facts.loc[ind.ref] if ind.ref in pd_.facts.index else None
        if f is None or pd.isna(f.get("value")):
            return ""
        now, ago = f.get("value"), f.get("previous_value")
        now_label = narrative.period_phrase(f.get("quarter_label"))
        ago_label = narrative.period_phrase(f.get("previous_label"))
        head = "Previous annual result"
    else:
        if ind.ref not in pd_.year_ago.index:
            return ""
        r = pd_.year_ago.loc[ind.ref]
        now, ago = r["now"], r["ago"]
        now_label, ago_label = q.label, Quarter(q.fy - 1, q.q).label
        head = "Same quarter last year"
        if pd.isna(ago):
            why = no_data_text(r["ago_status"]) if pd.notna(r["ago_status"]) else "no data"
            return f'<p class="year-ago"><strong>{head}:</strong> {esc(ago_label)} {esc(why)}.</p>'
    a, b = format_number(ago, p), format_number(now, p)
    if not a:
        return f'<p class="year-ago"><strong>{head}:</strong> no earlier result to compare.</p>'
    text = f"{ago_label} {a}"
    if b:
        diff = float(b.replace(",", "")) - float(a.replace(",", ""))
        if diff == 0:
            move = "the same"
        else:
            better = (diff > 0) == ind.high_is_good
            move = (f"{'up' if diff > 0 else 'down'} {format_number(abs(diff), p)}, "
                    f"{'better' if better else 'worse'}")  # fmt: skip
        text += f"; {now_label} {b} ({move})"
    return f'<p class="year-ago"><strong>{head}:</strong> {esc(text)}</p>'


#: the Making Data Count icon letters and words, by the assurance table's values
VARIATION_WORDS = {
    "common": "Common cause variation (no signal)",
    "improvement": "Special cause variation: improving",
    "concern": "Special cause variation: concerning",
    "neutral": "Special cause variation: neither better nor worse",
}
ASSURANCE_ICONS = {
    "consistently pass": ("P", "improvement", "Assurance: the process limits pass the target consistently"),
    "consistently fail": ("F", "concern", "Assurance: the process limits fail the target consistently"),
    "hit and miss": ("?", "common", "Assurance: the target will be hit and missed by chance"),
}  # fmt: skip


def _icon(letter: str) -> str:
    """The NHS icon's letter in a circle (CSS); hidden from screen readers, whose text is the
    words beside it."""
    return f'<span class="mdc-icon" aria-hidden="true">{esc(letter)}</span>'


def mdc_icons(arow: pd.Series | None, ind: Indicator) -> str:
    """The latest point's variation and the target's assurance, each an icon with its words
    (the words carry the meaning; the icon repeats it for readers who know the NHS icons)."""
    if arow is None or pd.isna(arow.get("spc_variation")):
        return ""
    kind = charts.variation_kind(arow.get("spc_variation"))
    if kind == "common":
        letter = "~"
    else:  # H or L: which way the special cause points
        up = (kind == "improvement") == ind.high_is_good
        letter = "H" if up else "L"
    parts = [f'<span class="mdc mdc-{kind}">{_icon(letter)} {esc(VARIATION_WORDS[kind])}</span>']
    ass = str(arow.get("spc_assurance") or "").strip().lower()
    if ass in ASSURANCE_ICONS:
        a_letter, a_kind, words = ASSURANCE_ICONS[ass]
        parts.append(f'<span class="mdc mdc-{a_kind}">{_icon(a_letter)} {esc(words)}</span>')
    return (
        '<p class="mdc-icons"><span class="mdc-title">Making Data Count (SPC):</span> '
        + " ".join(parts)
        + "</p>"
    )


def comparator_values(arow: pd.Series | None) -> dict[str, float]:
    """The published comparators of an assurance row: column -> value (England, SN, region)."""
    if arow is None:
        return {}
    out = {}
    for key in COMPARATOR_LABELS:
        v = arow.get(key)
        if v is not None and pd.notna(v):
            out[key] = float(v)
    return out


def comparators_frame(arow: pd.Series | None, ind: Indicator, la_name: str) -> pd.DataFrame:
    """The authority against each published comparator, one row per comparator: its value and
    how the authority compares with it ("worse than England": the comparison reads from the
    authority's side, by polarity)."""
    rows = []
    for key, value in comparator_values(arow).items():
        name = COMPARATOR_LABELS[key]
        status = arow.get(f"{key}_status")
        word = str(status).strip().lower() if isinstance(status, str) and status.strip() else ""
        how = {"better": f"better than {name}", "worse": f"worse than {name}",
               "similar": f"similar to {name}"}.get(word, "not compared")  # fmt: skip
        source = arow.get(f"{key}_label")
        rows.append({
            "Comparator": name, "Value": format_number(value, ind.precision),
            f"How {la_name} compares": how,
            "Source": source if isinstance(source, str) else "",
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["Comparator", "Value", f"How {la_name} compares", "Source"])


def comparators_html(arow: pd.Series | None, ind: Indicator, la_name: str) -> str:
    df = comparators_frame(arow, ind, la_name)
    if df.empty:
        return '<p class="small">No published England, statistical-neighbour or regional figure for this indicator.</p>'
    return html_blocks.table(
        df, numeric_columns=("Value",), row_header="Comparator", css_class="data comparators",
        caption=f"{ind.ref} against its comparators",
    )  # fmt: skip


def spc_for(series: pd.DataFrame, ind: Indicator) -> pd.DataFrame | None:
    """SPC mean, limits, variation and rules per point (:func:`pmqa_lib.report.charts.spc_points`);
    None (no limits drawn) below :data:`pmqa_lib.report.narrative.SPC_MIN_POINTS` points, where the
    narrative says there are too few to judge the variation."""
    if series["spc_value"].notna().sum() < narrative.SPC_MIN_POINTS:
        return None
    try:
        return charts.spc_points(series, ind)
    except Exception as exc:  # a chart must never stop the report: draw it without limits
        log.warning("SPC limits for %s not drawn: %s", ind.ref, exc)
        return None


def chart_series(inputs: ReportInputs, ind: Indicator) -> pd.DataFrame:
    """The chart's series (:func:`pmqa_lib.report.charts.series_frame`); for an annual indicator one point
    per annual period (the quarters between due quarters are not gaps in the data), labelled by
    the period it covers (:func:`annual_short_label`)."""
    series = charts.series_frame(inputs.measures, ind.ref, inputs.quarter)
    if ind.frequency != "annual" or series.empty:
        return series
    res = tables.annual_results(inputs.measures, ind)
    res = res[res["period"].isin(series["period"])]
    labels = [annual_short_label(int(s), ind.reporting_period) for s in res["slot"]]
    out = series.set_index("period").loc[res["period"]].reset_index()
    return out.assign(label=labels)


def annual_short_label(slot: int, reporting_period: str) -> str:
    """Two-line x-axis label of an annual period: slot 2014 -> "FY" over "14/15" (financial),
    "cal" over "2014" (calendar); school slot 2015 -> "SY" over "14/15"."""
    if reporting_period == "calendar":
        return f"cal\n{slot}"
    start = slot - 1 if reporting_period == "school" else slot
    prefix = "SY" if reporting_period == "school" else "FY"
    return f"{prefix}\n{financial_year_label(start, short=True)}"


def chart_block(inputs: ReportInputs, ind: Indicator, arow: pd.Series | None,
                store: ChartStore) -> str:  # fmt: skip
    """The indicator's chart as a figure: SVG with alt text, the MDC icons, its data table."""
    series = chart_series(inputs, ind)
    if series.empty:
        return '<p class="small">No values to chart yet.</p>'
    comps = comparator_values(arow)
    spc = spc_for(series, ind)
    height = chart_height(ind)
    fields = [ind.ref, ind.name, ind.unit, ind.unit_label, ind.precision, ind.polarity,
              ind.algorithm.rolling_quarters, height]  # fmt: skip
    key = chart_key(series, comps, spc if spc is not None else "", fields)
    svg = store.svg(
        f"{_file_part(ind.ref)}", key,
        lambda: charts.indicator_chart(series, ind, comps, spc, height=height),
    )  # fmt: skip
    spc_words = ""
    if arow is not None and pd.notna(arow.get("spc_variation")):
        spc_words = f"SPC: {arow.get('spc_variation')}"
        if isinstance(arow.get("spc_assurance"), str):
            spc_words += f", {arow.get('spc_assurance')}"
        spc_words += "."
    alt = charts.chart_alt_text(series, ind, comps, spc_words)
    css = "chart"
    if ind.frequency == "annual":  # a handful of yearly points: a smaller chart will do
        alt = alt.replace(" by quarter, ", " by year, ").replace("quarter(s)", "year(s)")
        css = "chart chart-small"
    data = charts.chart_data(series, ind, comps, spc)
    table = html_blocks.table(data, row_header="Period", css_class="data chart-table",
                              caption=f"Data of the chart of {ind.ref}")  # fmt: skip
    return charts.figure_html(charts.svg_img(svg, alt, css), table, css_class="chart-figure") + (
        mdc_icons(arow, ind)
    )


def _file_part(ref: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(ref)).strip("._") or "indicator"


def algorithm_html(ind: Indicator) -> str:
    alg = ind.algorithm
    parts = [f"<p><strong>{esc(alg.formula)}</strong></p>", f"<p>Where {esc(alg.numerator)}"]
    if alg.denominator:
        parts.append(f"; {esc(alg.denominator)}")
    parts.append(".</p>")
    if alg.rolling_quarters > 1:
        parts.append(f"<p>Rolling over the last {alg.rolling_quarters} quarters.</p>")
    parts.append(
        f'<p class="small">Unit: {esc(ind.unit_label)}; result type: {esc(ind.result_type)}; '
        f"shown to {ind.precision} decimal place(s); {'high' if ind.high_is_good else 'low'} is good.</p>"
    )
    if alg.notes:
        parts.append(f'<p class="small">{esc(alg.notes)}</p>')
    return "".join(parts)


def _result_period(arow: pd.Series | None, quarter: Quarter) -> Quarter:
    """The quarter whose return holds the result the page rates (an annual indicator's latest
    annual result may come from an earlier return); ``quarter`` when not known."""
    text = arow.get("result_period") if arow is not None else None
    try:
        return Quarter.parse(str(text)) if isinstance(text, str) and text else quarter
    except ValueError:
        return quarter


def _status_and_rag(arow: pd.Series | None) -> tuple[str, object]:
    status = arow.get("status", "ok") if arow is not None else "missing"
    if pd.isna(status):
        status = "missing"
    rag = arow.get("rag") if arow is not None else None
    if (rag is None or pd.isna(rag)) and status != "ok":
        rag = tables.no_data_text(status)
    return status, rag


def commentary_html(pd_: PageData, main: Indicator, arow: pd.Series | None, compact: bool) -> str:
    """The lead officer's commentary and actions (their own words, escaped), with the reasons the
    indicator matters on a full page."""
    inputs, q = pd_.inputs, pd_.inputs.quarter
    status, _ = _status_and_rag(arow)
    parts = ["<h4>Commentary</h4>"]
    comments = pd_.comments
    crow = comments.loc[main.ref] if main.ref in comments.index else None
    result_period = _result_period(arow, q)
    if result_period != q:  # an annual result from an earlier return: its own commentary
        earlier = tables.quarter_commentary(
            inputs.observations, inputs.returns_accepted.iloc[0:0], result_period
        )
        crow = earlier.loc[main.ref] if main.ref in earlier.index else None
        parts.append(
            f'<p class="small">The latest annual result was returned in {esc(result_period.label)}'
            f" ({esc(narrative.period_phrase(arow.get('result_label')))}); its commentary and"
            " actions follow.</p>"
        )
    commentary = crow["commentary"] if crow is not None else ""
    if status != "ok":
        parts.append(
            f'<p><strong>Data commentary:</strong> <span class="nodata">{esc(tables.no_data_text(status))}</span></p>'
        )
    elif commentary:
        parts.append(
            '<p class="keep-with-next"><strong>Data commentary:</strong></p>'
            + html_blocks.text_block(commentary, "commentary")
        )
    else:
        parts.append("<p><strong>Data commentary:</strong> none given with the return.</p>")
    if not compact:
        parts.append(
            f"<p><strong>How does this make children safer:</strong> {esc(main.how_safer)}</p>"
        )
        parts.append(
            f"<p><strong>Why this indicator is monitored:</strong> {esc(main.why_monitored)}</p>"
        )
    actions = html_blocks.split_actions(crow["actions"]) if crow is not None else []
    timescale = crow["action_timescale"] if crow is not None else ""
    if actions:
        acts = pd.DataFrame(
            {"Actions to improve": actions, "Timescale": [timescale] * len(actions)}
        )
        parts.append(html_blocks.table(acts, css_class="data actions"))
    else:
        parts.append("<p><strong>Actions to improve:</strong> none given with the return.</p>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------
# Pages


def indicator_page(pd_: PageData, refs: list[str]) -> str:
    """One indicator's page (the main indicator is the last of ``refs``): Appendix 1's page for
    ``report: indicator``, a compact page for a scorecard indicator."""
    inputs = pd_.inputs
    cat, q = inputs.catalogue, inputs.quarter
    main = cat[refs[-1]]
    compact = is_compact(main)
    arow = pd_.assurance.loc[main.ref] if main.ref in pd_.assurance.index else None
    status, rag = _status_and_rag(arow)
    queried = tables.queried_mask(pd_.assurance).reindex(refs, fill_value=False)
    rag = tables.rag_text(rag, bool(queried.get(main.ref, False)))
    css = "indicator-page compact" if compact else "indicator-page"
    parts = [
        f'<section class="{css}" id="{html_blocks.anchor_id(main.ref)}"'
        f"{navigation.data_attrs(pd_.attrs, main.ref)}>",
        page_header(main, inputs, rag, band=arow.get("band") if arow is not None else None),
        strip_html(pd_, main.ref),
    ]
    for ref in refs:
        ind = cat[ref]
        if queried[ref]:
            parts.append(
                f'<p class="queried"><strong>queried:</strong> '
                f"{esc(pd_.assurance.loc[ref, 'query_note'])} The figure is shown as sent; its RAG "
                "is not relied on until the agency confirms it.</p>"
            )
        df = tables.indicator_page_table(inputs.measures, ind, q)
        num = [c for c in df.columns if c]
        ident = f' id="{html_blocks.anchor_id(ref)}"' if ref != main.ref else ""
        parts.append(
            f'<div class="figures"{ident}>'
            + html_blocks.table(
                df,
                numeric_columns=num,
                row_header="",
                empty_header="Figure",
                caption=f"{ind.ref} {ind.name} ({ind.unit_label})",
            )  # fmt: skip
            + "</div>"
        )
    parts.append(year_ago_html(pd_, main))
    parts.append(f'<h4 class="visually-hidden">Chart of {esc(main.ref)}</h4>')
    parts.append(chart_block(inputs, main, arow, pd_.store))
    said = narrative.sentences(pd_.facts.loc[main.ref])
    parts.append(
        '<div class="narrative"><h4>What the data say</h4>'
        + "".join(f"<p>{esc(s)}</p>" for s in (said[:1] if compact else said))
        + "</div>"
    )
    parts.append('<div class="comparators-block"><h4>Comparators</h4>'
                 + comparators_html(arow, main, cat.la_name) + "</div>")  # fmt: skip
    if not compact:
        parts.append('<div class="algorithm"><h4>Algorithm</h4>' + algorithm_html(main) + "</div>")
    others = [r for r in main.linked if r not in refs]
    if others:
        links = ", ".join(navigation.ref_link(r) if r in cat.indicators else esc(r) for r in others)
        parts.append(
            f'<p class="small">Please note: this indicator is closely linked to {links} '
            "and both sets of data should be scrutinised together.</p>"
        )
    parts.append(commentary_html(pd_, main, arow, compact))
    if not compact:
        audits = audits_for(inputs, main.ref)
        if audits:
            parts.append(f"<p><strong>Multi-agency audit:</strong> {esc(audits)}</p>")
    parts.append(navigation.back_link())
    parts.append("</section>")
    return "".join(parts)


def indicator_pages(
    inputs: ReportInputs, f: pd.DataFrame | None = None, chart_dir: str | Path | None = None
) -> list[str]:
    """Every indicator's page, in report order."""
    pd_ = page_data(inputs, f, chart_dir)
    pages = [indicator_page(pd_, refs) for refs in page_groups(inputs).values()]
    log.info("indicator charts: %d drawn, %d reused", pd_.store.drawn, pd_.store.reused)
    return pages


def chart_names(inputs: ReportInputs) -> set[str]:
    """The file names of the charts the pages show (``<ref>.svg`` of each page's indicator)."""
    return {f"{_file_part(refs[-1])}.svg" for refs in page_groups(inputs).values()}


def draw_charts(inputs: ReportInputs, chart_dir: str | Path) -> int:
    """Draw every indicator page's chart into the store at ``chart_dir`` (what the pages would
    draw, keyed alike); returns how many were drawn. The report build runs it on the machine's
    other core beside the notebook: it goes from the last page back while the notebook goes from
    the first, each skipping a chart already stored, so they meet in the middle."""
    pd_ = page_data(inputs, chart_dir=chart_dir)
    for refs in reversed(list(page_groups(inputs).values())):
        ind = inputs.catalogue[refs[-1]]
        arow = pd_.assurance.loc[ind.ref] if ind.ref in pd_.assurance.index else None
        chart_block(inputs, ind, arow, pd_.store)
    return pd_.store.drawn


# ---------------------------------------------------------------------------------------
# Audits the registers link to an indicator


def audits_for(inputs: ReportInputs, ref: str) -> str:
    """Audits the registers link to this indicator, as one line; "" when they cannot be read."""
    from pmqa_lib.report import register_tables

    try:
        df = register_tables.audits_for_indicator(inputs.quarter, paths_of(inputs), ref)
    except Exception as exc:  # registers must never stop the report
        log.warning("audits for %s not read: %s", ref, exc)
        return ""
    if df is None or len(df) == 0:
        return "no audit scheduled"
    return audit_lines(df)


def audit_lines(df: pd.DataFrame) -> str:
    """One line per audit, joined by "; ": a scheduled audit as "MAA 5. <audit> (lead auditor
    Steve Woodhead, reported, due 30 Sep 2015)", one proposed by this quarter's trigger as
    "proposed: <question> (lead auditor Alison Thornton)"."""
    out = []
    for rec in df.to_dict("records"):
        get = _getter(rec)
        bits = [f"lead auditor {get('lead_auditor')}"] if get("lead_auditor") else []
        proposed = get("kind") == "proposed"
        if get("status") and not proposed:
            bits.append(get("status"))
        due = pd.to_datetime(get("current_due_date") or None, errors="coerce")
        if pd.notna(due):
            bits.append(f"due {due.day} {due:%b %Y}")
        head = f"proposed: {get('audit')}" if proposed else f"{get('ref')} {get('audit')}".strip()
        out.append(f"{head} ({', '.join(bits)})" if bits else head)
    return "; ".join(out)


def _getter(rec: dict):
    """``get(key)``: the record's value as trimmed text, "" when missing."""

    def get(key: str) -> str:
        v = rec.get(key)
        return "" if v is None or pd.isna(v) else str(v).strip()

    return get


def paths_of(inputs: ReportInputs):
    from pmqa_lib.core.files import Paths

    return getattr(inputs, "paths", None) or Paths.from_env()

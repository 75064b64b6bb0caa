"""The board report's and the drill-down's sections as HTML, built from the library's tables,
sentences and charts. The notebooks call one function per section and display what it returns.

Every value that comes from a return or the catalogue passes through :mod:`pmqa_lib.report.html_blocks`'s
escaping; numbers come from :mod:`pmqa_lib.report.tables`; sentences from :mod:`pmqa_lib.report.narrative`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pandas as pd

from pmqa_lib import __version__
from pmqa_lib.core.catalogue import COMPARATOR_LABELS, Indicator
from pmqa_lib.core.format import NO_DATA
from pmqa_lib.core.periods import Quarter, financial_year_label
from pmqa_lib.report import charts, html_blocks, narrative, register_tables, tables
from pmqa_lib.report.html_blocks import esc
from pmqa_lib.report.inputs import ReportInputs

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------
# Which indicators get a page


def page_groups(inputs: ReportInputs) -> dict[str, list[str]]:
    """Indicator pages: each "indicator" report entry, with its companions on the same page.

    A companion is a linked indicator whose reference is the page's reference plus letters (1.1a
    on 1.1's page, as Appendix 1 prints new EISAs per quarter above the rate). Companions do not get
    a page of their own.
    """
    cat = inputs.catalogue
    refs = [r for r in cat.report_order() if cat[r].report == "indicator"]
    companions: dict[str, list[str]] = {r: [] for r in refs}
    taken: set[str] = set()
    for r in refs:
        for other in cat[r].linked:
            if re.fullmatch(re.escape(r) + r"[a-z]+", other) and other in cat.indicators:
                companions[r].append(other)
                taken.add(other)
    return {r: [*companions[r], r] for r in refs if r not in taken}


def facts(inputs: ReportInputs) -> pd.DataFrame:
    return narrative.indicator_facts(
        inputs.measures, inputs.assurance, inputs.catalogue, inputs.quarter
    )


# ---------------------------------------------------------------------------------------
# Board report sections


def cover(inputs: ReportInputs, generated_at: str | None = None) -> str:
    """Board name, period, data status (received, rejected, missing, revised), time, version."""
    q = inputs.quarter
    generated_at = generated_at or dt.datetime.now().strftime("%d %B %Y %H:%M")
    status = tables.returns_status(
        inputs.catalogue, inputs.returns_accepted, inputs.returns_rejected, inputs.chase_list,
        inputs.validation,
    )  # fmt: skip
    nodata = tables.no_data_indicators(inputs.assurance, inputs.catalogue, q)
    revisions = tables.revisions_table(inputs.revisions, inputs.catalogue, q, inputs.validation)
    queried = tables.queried_figures(inputs.assurance, inputs.catalogue)
    counts = tables.rag_counts(inputs.assurance)
    received = int((status["Status"] != "not returned").sum())
    rejected_rows = int(status["Rows rejected"].sum())
    not_returned = status.loc[status["Status"] == "not returned", "Agency"].tolist()
    n_missing_ind = int((nodata["This quarter"] == NO_DATA["missing"]).sum())
    n_rejected_ind = int((nodata["This quarter"] == NO_DATA["rejected"]).sum())
    summary = [
        ("Returns received", f"{received} of {len(status)} agencies"),
        ("Returns rejected", f"{rejected_rows} row(s) rejected by validation; "
                             f"{n_rejected_ind} indicator(s) show \u201cno data: return rejected\u201d"),
        ("Returns missing", (", ".join(not_returned) or "none") + f"; {n_missing_ind} indicator(s) "
                            "show \u201cno data: not returned\u201d"),
        ("Values revised", f"{len(revisions)} earlier value(s) revised by this quarter's returns"
                           + (f"; {int(revisions['Check'].astype(bool).sum())} to check"
                              if "Check" in revisions and revisions["Check"].astype(bool).any() else "")),
        ("Figures queried", (f"{len(queried)}: " + ", ".join(queried["Reference"])
                             + " (shown as queried, not rated, until the agency confirms them)")
                            if len(queried) else "none"),
        ("RAG this quarter", f"{counts['Red']} Red, {counts['Amber']} Amber, {counts['Green']} Green, "
                             f"{counts['not rated']} not rated ({len(nodata)} with no data this "
                             f"quarter, {counts['not rated'] - len(nodata)} with no target or "
                             "thresholds to rate against)"
                             + (f"; {counts['queried']} of the ratings stand on a queried figure "
                                "and are shown as queried" if counts["queried"] else "")),
        ("Generated", generated_at),
        ("pmqa version", __version__),
    ]  # fmt: skip
    body = [
        '<section class="cover">',
        f'<div class="board">{esc(inputs.board_name)}</div>',
        "<h1>Performance Indicator Report and Scorecard</h1>",
        f'<div class="period">{esc(q.long_label)}</div>',
        html_blocks.definition_list(summary),
        "<h3>Data status</h3>",
        html_blocks.table(
            status,
            numeric_columns=("Rows accepted", "Rows rejected"),
            caption=f"Agency returns for {q.label}",
        ),  # fmt: skip
    ]
    if len(nodata):
        body.append(html_blocks.table(nodata, caption="Indicators with no data this quarter"))
    if len(queried):
        body.append(
            html_blocks.table(
                queried, caption="Figures queried this quarter (far outside their usual range)"
            )
        )
    if len(revisions):
        body.append(
            html_blocks.table(revisions, caption="Earlier values revised by this quarter's returns")
        )
    body.append(
        '<p class="small">Contents: traffic-light summary; scorecard; exception report; '
        "one page per indicator; registers. RAG ratings are written as text as well as colour. "
        "Commentary is the lead officers' own words, shown as sent.</p>"
    )
    body.append("</section>")
    return "".join(body)


def traffic_light(inputs: ReportInputs, f: pd.DataFrame | None = None) -> str:
    f = facts(inputs) if f is None else f
    df = tables.traffic_light_summary(
        inputs.assurance, inputs.catalogue, inputs.quarter, narrative.key_points(f)
    )
    rag_cols = [c for c in df.columns if c.endswith("RAG rating")]
    intro = (
        "<p>Level of assurance based on the type of target (E England, SN statistical neighbours, "
        "R regional, L local) and the trend / trajectory (section 4.1.4).</p>"
    )
    return html_blocks.section(
        "Traffic-light summary",
        intro
        + html_blocks.table(
            df,
            rag_columns=rag_cols,
            row_header="Reference",
            group_column="Theme",
            css_class="data summary",
        ),  # fmt: skip
        css_class="section landscape",
        anchor="summary",
    )


def scorecard_section(inputs: ReportInputs) -> str:
    q = inputs.quarter
    df = tables.scorecard(inputs.measures, inputs.assurance, inputs.catalogue, q)
    nums = [c for c in df.columns if c.endswith(("Result", "average", "neighbours"))]
    intro = (
        f"<p>CSCB Scorecard Report: Quarter {q.q} {esc(q.fy_label)}. NA = not applicable. "
        "Cumulative indicators' YTD is the sum of the quarters so far; snapshot indicators' YTD is "
        "the latest quarter.</p>"
    )
    return html_blocks.section(
        f"Scorecard {q.label}",
        intro
        + html_blocks.table(
            df,
            numeric_columns=nums,
            row_header="Ind ref",
            css_class="data scorecard",
            col_widths=scorecard_widths(df.columns, nums),
        ),  # fmt: skip
        css_class="section landscape",
        anchor="scorecard",
    )


#: relative widths of the scorecard's text columns; each numeric column gets NUMBER_WIDTH
SCORECARD_WIDTHS = {
    "Objective description": 11, "Lead partner": 9, "Ind ref": 7.5, "Ind description": 30,
    "Responsible officer": 14, "What is good performance?": 9,
}  # fmt: skip
NUMBER_WIDTH = 8


def scorecard_widths(columns, numeric) -> list[float]:
    """Column widths for the scorecard: the description widest, the numbers narrow, so it fits a
    landscape A4 page with one to four quarters (Appendix 1's layout)."""
    return [
        NUMBER_WIDTH if c in set(numeric) else SCORECARD_WIDTHS.get(str(c), 10) for c in columns
    ]


def exceptions(inputs: ReportInputs) -> str:
    df = tables.exception_report(inputs.assurance, inputs.catalogue)
    if df.empty:
        body = "<p>No indicator is Amber or Red, and every lead officer's RAG agrees with the computed one.</p>"
    else:
        body = (
            "<p>Every Amber and Red indicator with its trigger and what happens next, and every "
            "indicator where the lead officer's proposed RAG differs from the computed one "
            "(for the Performance Management sub-group to scrutinise, section 4.1.2).</p>"
            + html_blocks.table(
                df,
                rag_columns=("RAG (computed)", "RAG (lead officer)"),
                row_header="Reference",
                css_class="data exceptions",
                col_widths=[11, 19, 11, 11, 12, 17, 9, 17],
            )
        )
    return html_blocks.section(
        "Exception report", body, css_class="section section-break", anchor="exceptions"
    )


def _page_header(ind: Indicator, inputs: ReportInputs, rag: object) -> str:
    ag = inputs.catalogue.agencies.get(ind.agency)
    partner = (ag.short_name or ag.name) if ag else ind.agency
    return (
        '<div class="page-header">'
        f"<div>Theme: <strong>{esc(ind.theme)}</strong> &nbsp; Focus area: <strong>{esc(ind.focus_area)}</strong></div>"
        f"<h3>{esc(ind.ref)} {esc(ind.agency)} - {esc(ind.name)}</h3>"
        f"<div>Current status: {html_blocks.rag_badge(rag)}</div>"
        f"<div>Lead officer: {esc(ind.lead_officer.name)} &nbsp; Partner: {esc(partner)} &nbsp; "
        f"Email: {esc(ind.lead_officer.email) or 'not given'}</div>"
        "</div>"
    )


def _algorithm(ind: Indicator) -> str:
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


def _comparators(row: pd.Series | None) -> dict[str, float]:
    if row is None:
        return {}
    out = {}
    for key, name in COMPARATOR_LABELS.items():
        v = row.get(key)
        if v is not None and pd.notna(v):
            out[name] = float(v)
    return out


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


def indicator_page(
    inputs: ReportInputs, refs: list[str], f: pd.DataFrame, comments: pd.DataFrame
) -> str:
    """One indicator page in the form of Appendix 1 (the main indicator is the last of ``refs``)."""
    cat, q = inputs.catalogue, inputs.quarter
    main = cat[refs[-1]]
    a = inputs.assurance.drop_duplicates("indicator").set_index("indicator")
    arow = a.loc[main.ref] if main.ref in a.index else None
    status = arow.get("status", "ok") if arow is not None else "missing"
    if pd.isna(status):
        status = "missing"
    rag = arow.get("rag") if arow is not None else None
    if (rag is None or pd.isna(rag)) and status != "ok":
        rag = tables.no_data_text(status)
    queried = tables.queried_mask(a).reindex(refs, fill_value=False)
    rag = tables.rag_text(rag, bool(queried.get(main.ref, False)))
    parts = [
        f'<section class="indicator-page" id="{html_blocks.anchor_id(main.ref)}">',
        _page_header(main, inputs, rag),
    ]
    for ref in refs:
        ind = cat[ref]
        if queried[ref]:
            parts.append(
                f'<p class="queried"><strong>queried:</strong> {esc(a.loc[ref, "query_note"])} '
                "The figure is shown as sent; its RAG is not relied on until the agency confirms "
                "it.</p>"
            )
        df = tables.indicator_page_table(inputs.measures, ind, q)
        num = [c for c in df.columns if c]
        parts.append(html_blocks.table(df, numeric_columns=num, row_header="",
                                  caption=f"{ind.ref} {ind.name} ({ind.unit_label})"))  # fmt: skip
    fmain = f.set_index("indicator").loc[main.ref]
    parts.append(
        '<div class="narrative"><h4>What the data say</h4>'
        + "".join(f"<p>{esc(s)}</p>" for s in narrative.sentences(fmain))
        + "</div>"
    )
    parts.append("<h4>Algorithm</h4>" + _algorithm(main))
    series = chart_series(inputs, main)
    if len(series):
        fig = charts.indicator_chart(series, main, _comparators(arow), spc_for(series, main))
        alt = charts.chart_alt_text(series, main)
        css = "chart"
        if main.frequency == "annual":  # a handful of yearly points: a smaller chart will do
            alt = alt.replace(" by quarter, ", " by year, ").replace("quarter(s)", "year(s)")
            css = "chart chart-small"
        parts.append(charts.img_tag(fig, alt, css))
    others = [r for r in main.linked if r not in refs]
    if others:
        parts.append(
            f'<p class="small">Please note: this indicator is closely linked to {esc(", ".join(others))} '
            "and both sets of data should be scrutinised together.</p>"
        )
    parts.append("<h4>Commentary</h4>")
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
    audits = audits_for(inputs, main.ref)
    if audits:
        parts.append(f"<p><strong>Multi-agency audit:</strong> {esc(audits)}</p>")
    parts.append("</section>")
    return "".join(parts)


def _result_period(arow: pd.Series | None, quarter: Quarter) -> Quarter:
    """The quarter whose return holds the result the page rates (an annual indicator's latest
    annual result may come from an earlier return); ``quarter`` when not known."""
    text = arow.get("result_period") if arow is not None else None
    try:
        return Quarter.parse(str(text)) if isinstance(text, str) and text else quarter
    except ValueError:
        return quarter


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


def indicator_pages(inputs: ReportInputs, f: pd.DataFrame | None = None) -> list[str]:
    f = facts(inputs) if f is None else f
    comments = tables.quarter_commentary(
        inputs.observations, inputs.returns_accepted, inputs.quarter
    )
    return [indicator_page(inputs, refs, f, comments) for refs in page_groups(inputs).values()]


def audits_for(inputs: ReportInputs, ref: str) -> str:
    """Audits the registers link to this indicator, as one line; "" when they cannot be read."""

    try:
        df = register_tables.audits_for_indicator(inputs.quarter, _paths_of(inputs), ref)
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


def _paths_of(inputs: ReportInputs):
    from pmqa_lib.core.files import Paths

    return getattr(inputs, "paths", None) or Paths.from_env()


def registers_section(inputs: ReportInputs) -> str:
    """The registers (reports due, audits, actions, impact log, proposed audits) from
    :func:`pmqa_lib.registers.status.report_tables`; a register that cannot be read never stops the
    report: the section says so instead."""

    try:
        tables_by_title = register_tables.report_tables(inputs.quarter, _paths_of(inputs))
    except Exception as exc:  # registers must never stop the quarter's report
        log.warning("registers not shown: %s", exc)
        body = f'<div class="placeholder"><p>Registers not available: {esc(exc)}</p></div>'
        return html_blocks.section(
            "Registers", body, css_class="section section-break", anchor="registers"
        )
    try:
        unread = register_tables.unreadable_tables(inputs.quarter, _paths_of(inputs))
    except Exception as exc:  # registers must never stop the quarter's report
        log.warning("register problems not read: %s", exc)
        unread = {}
    body = []
    for title, df in (tables_by_title or {}).items():
        body.append(html_blocks.heading(title, 3))
        if title in unread:
            body.append(f'<p class="nodata">{esc(unread[title])}</p>')
        elif df is None or len(df) == 0:
            body.append("<p>None.</p>")
        else:
            rag_cols = [c for c in df.columns if "RAG" in str(c)]
            body.append(
                html_blocks.table(df.astype(object).where(df.notna(), ""), rag_columns=rag_cols)
            )
    return html_blocks.section(
        "Registers", "".join(body), css_class="section section-break", anchor="registers"
    )


def footer(inputs: ReportInputs) -> str:
    return (
        f'<footer class="report-footer">{esc(inputs.board_name)}: {esc(inputs.quarter.long_label)}. '
        f"Produced by pmqa {esc(__version__)} from the processed tables of {esc(inputs.quarter.code)}; "
        "the manifest lists every input file with its SHA-256 hash.</footer>"
    )

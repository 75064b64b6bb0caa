"""The board report's and the drill-down's sections as HTML, built from the library's tables,
sentences and charts. The notebooks call one function per section and display what it returns.

Every value that comes from a return or the catalogue passes through :mod:`pmqa_lib.report.html_blocks`'s
escaping; numbers come from :mod:`pmqa_lib.report.tables`; sentences from :mod:`pmqa_lib.report.narrative`.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd

from pmqa_lib import __version__
from pmqa_lib.core.format import NO_DATA
from pmqa_lib.report import (
    accessibility,
    html_blocks,
    indicator_pages,
    narrative,
    navigation,
    reconciliation_pages,
    register_tables,
    tables,
)
from pmqa_lib.report.html_blocks import esc
from pmqa_lib.report.indicator_pages import paths_of
from pmqa_lib.report.inputs import ReportInputs

log = logging.getLogger(__name__)


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
    attrs = navigation.indicator_attributes(inputs.assurance, inputs.catalogue)
    body = [
        '<section class="cover" id="cover">',
        f'<div class="board">{esc(inputs.board_name)}</div>',
        "<h1>Performance Indicator Report and Scorecard</h1>",
        f'<div class="period">{esc(q.long_label)}</div>',
        html_blocks.definition_list(summary),
        '<p class="small">RAG ratings are written as text as well as colour. Commentary is the '
        "lead officers' own words, shown as sent. "
        f'<a href="#{accessibility.ANCHOR}">Accessibility statement</a>.</p>',
        navigation.contents(SECTIONS, attrs, inputs.catalogue.report_order()),
        navigation.filter_controls(attrs),
        '<h2 id="data-status">Data status</h2>',
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
    body.append(reconciliation_pages.data_quality_block(inputs.reconciliation, inputs.catalogue))
    body.append(navigation.back_link())
    body.append("</section>")
    return "".join(body)


def traffic_light(inputs: ReportInputs, f: pd.DataFrame | None = None) -> str:
    f = facts(inputs) if f is None else f
    df = tables.traffic_light_summary(
        inputs.assurance, inputs.catalogue, inputs.quarter, narrative.key_points(f)
    )
    rag_cols = [c for c in df.columns if c.endswith("RAG rating")]
    attrs = navigation.indicator_attributes(inputs.assurance, inputs.catalogue)
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
            row_attrs=navigation.row_attrs(attrs, df["Reference"]),
            link_column="Reference",
        )  # fmt: skip
        + navigation.back_link(),
        css_class="section landscape",
        anchor="summary",
    )


def scorecard_section(inputs: ReportInputs) -> str:
    q = inputs.quarter
    df = tables.scorecard(inputs.measures, inputs.assurance, inputs.catalogue, q)
    nums = [c for c in df.columns if c.endswith(("Result", "average", "neighbours"))]
    attrs = navigation.indicator_attributes(inputs.assurance, inputs.catalogue)
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
            row_attrs=navigation.row_attrs(attrs, df["Ind ref"]),
            link_column="Ind ref",
        )  # fmt: skip
        + navigation.back_link(),
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


#: the exception report's column widths (%), landscape, so names and RAG headings never break inside
#: a word: reference, indicator, lead officer, RAG computed, value band, RAG lead officer, why
#: listed, trigger, what happens next
EXCEPTION_WIDTHS = [7, 19, 11, 8, 8, 8, 16, 9, 14]


def exceptions(inputs: ReportInputs) -> str:
    df = tables.exception_report(inputs.assurance, inputs.catalogue)
    attrs = navigation.indicator_attributes(inputs.assurance, inputs.catalogue)
    if df.empty:
        body = "<p>No indicator is Amber or Red, and every lead officer's RAG agrees with the computed one.</p>"
    else:
        body = (
            "<p>Every Amber and Red indicator with its trigger and what happens next, every "
            "indicator where the lead officer's proposed RAG differs from the computed one "
            "(for the Performance Management sub-group to scrutinise, section 4.1.2), and every "
            "indicator whose own trigger point calls for further enquiry. The continuum (target "
            "met or missed, and the trajectory) decides the RAG; the value band beside it is "
            "where the value falls in the RAG thresholds.</p>"
            + html_blocks.table(
                df,
                rag_columns=("RAG (computed)", "Value band", "RAG (lead officer)"),
                row_header="Reference",
                css_class="data exceptions",
                col_widths=EXCEPTION_WIDTHS,
                row_attrs=navigation.row_attrs(attrs, df["Reference"]),
                link_column="Reference",
            )
        )
    return html_blocks.section(
        "Exception report", body + navigation.back_link(), css_class="section landscape",
        anchor="exceptions",
    )  # fmt: skip


#: the report's sections as the contents list names them (anchor, title)
SECTIONS = [
    ("data-status", "Data status"),
    ("summary", "Traffic-light summary"),
    ("scorecard", "Scorecard"),
    ("exceptions", "Exception report"),
    ("indicators", "Indicator pages"),
    ("registers", "Registers"),
    (accessibility.ANCHOR, "Accessibility statement"),
]


def indicators_intro(inputs: ReportInputs) -> str:
    """The heading of the indicator pages, saying which kind of page each indicator has."""
    n_full = sum(1 for i in inputs.catalogue if not indicator_pages.is_compact(i))
    n = len(inputs.catalogue.indicators)
    return (
        '<section class="section section-break indicators-intro">'
        '<h2 id="indicators">Indicator pages</h2>'
        f"<p>Every indicator has a page, in the order of the traffic-light summary: the "
        f"{n_full} indicator report entries a full page as in Appendix 1, the other "
        f"{n - n_full} scorecard indicators a compact page (chart, figures, comparators and "
        "commentary). Each shows its computed RAG over the last eight quarters and the same "
        "quarter last year. Charts show the 95% interval where the counts allow one; the "
        "England, statistical-neighbour and regional lines differ by dash pattern and are "
        "labelled at their right-hand end. Under each chart, \u201cChart data\u201d opens its "
        "numbers as a table.</p>" + navigation.back_link() + "</section>"
    )


def indicator_page_list(
    inputs: ReportInputs, f: pd.DataFrame | None = None, chart_dir: str | Path | None = None
) -> list[str]:
    """The heading of the indicator pages, then every page (:mod:`indicator_pages`); the heading
    and the first page are one output, so the first page follows the heading on its sheet."""
    pages = indicator_pages.indicator_pages(inputs, f, chart_dir)
    return [indicators_intro(inputs) + (pages[0] if pages else ""), *pages[1:]]


def registers_section(inputs: ReportInputs) -> str:
    """The registers (reports due, audits, actions, impact log, proposed audits) from
    :func:`pmqa_lib.registers.status.report_tables`; a register that cannot be read never stops the
    report: the section says so instead."""

    try:
        tables_by_title = register_tables.report_tables(inputs.quarter, paths_of(inputs))
    except Exception as exc:  # registers must never stop the quarter's report
        log.warning("registers not shown: %s", exc)
        body = f'<div class="placeholder"><p>Registers not available: {esc(exc)}</p></div>'
        return html_blocks.section(
            "Registers", body, css_class="section section-break", anchor="registers"
        )
    try:
        unread = register_tables.unreadable_tables(inputs.quarter, paths_of(inputs))
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
    body.append(navigation.back_link())
    return html_blocks.section(
        "Registers", "".join(body), css_class="section section-break", anchor="registers"
    )


def accessibility_section(inputs: ReportInputs) -> str:
    """The accessibility statement, the last section of the report (and so of its PDF)."""
    return accessibility.statement_section(inputs.catalogue)


def footer(inputs: ReportInputs) -> str:
    return (
        f'<footer class="report-footer">{esc(inputs.board_name)}: {esc(inputs.quarter.long_label)}. '
        f"Produced by pmqa {esc(__version__)} from the processed tables of {esc(inputs.quarter.code)}; "
        "the manifest lists every input file with its SHA-256 hash.</footer>"
    )

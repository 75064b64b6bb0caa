"""``board_tables.xlsx``: the board report's tables for partners who work in Excel, to the
government standard (:mod:`pmqa_lib.report.spreadsheets`).

Sheets: the traffic-light summary with its key points, the scorecard with its figures as numbers,
the exception report, each indicator's figures over the last eight quarters (one row per
indicator and quarter, with counts and 95% intervals), the computed RAG over those quarters, and
the full assurance table. The display tables are the report's own (:mod:`pmqa_lib.report.tables`),
so the workbook and the report can never disagree.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmqa_lib.report import accessibility, charts, indicator_pages, narrative, tables
from pmqa_lib.report.inputs import ReportInputs, read_rag_history
from pmqa_lib.report.spreadsheets import (
    NOT_APPLICABLE,
    Sheet,
    numeric_table,
    rounded,
    write_workbook,
)

NOTES = pd.DataFrame(
    {
        "Note number": [f"note {k}" for k in range(1, 7)],
        "Note text": [
            "Figures are rounded half away from zero to each indicator's precision (the decimal "
            "places shown), as in the report; the cell's number format shows that precision.",
            "[x] = not available: the return was rejected by validation, was not returned, or the "
            "annual result is not yet due; the row's Notes column says which. [z] = not "
            "applicable: no comparator is published, or an annual indicator has no quarterly "
            "figure.",
            "RAG is computed by pmqa from the assurance continuum of the framework (section "
            "4.1.2): the value against its target or comparator and the trend. The lead officer's "
            "proposed RAG is shown beside it where it differs (exception report).",
            "Year to date (YTD): cumulative indicators sum the quarters so far; average "
            "indicators take the mean; snapshot indicators the latest quarter. A YTD that leaves "
            "out a quarter with no data says so in the Notes column.",
            "England and statistical-neighbour figures are DfE's published statistics for the "
            "last financial year; the 95% intervals are Wilson score intervals for percentages "
            "and Byar's method (exact Poisson below 10 events) for rates per 10,000.",
            "Annual indicators show their latest annual result, labelled with the period it "
            "covers (financial, school or calendar year).",
        ],
    }
)


def scorecard_sheet(inputs: ReportInputs) -> Sheet:
    q = inputs.quarter
    df = tables.scorecard(inputs.measures, inputs.assurance, inputs.catalogue, q)
    nums = [c for c in df.columns if c.endswith(("Result", "average", "neighbours"))]
    prec = df["Ind ref"].map(lambda r: inputs.catalogue[r].precision)
    return Sheet(
        name="Scorecard", table=numeric_table(df, nums), row_precision=prec.tolist(),
        title=f"Scorecard, {q.label} [note 1] [note 2]",
        subtitles=["Appendix 1's columns: last year's England average, statistical neighbours "
                   "and result, this year's quarters and year to date [note 4] [note 5]"],
        source="pmqa, from the agencies' quarterly returns and DfE published statistics",
    )  # fmt: skip


def traffic_light_sheet(inputs: ReportInputs, facts: pd.DataFrame) -> Sheet:
    q = inputs.quarter
    df = tables.traffic_light_summary(
        inputs.assurance, inputs.catalogue, q, narrative.key_points(facts)
    )
    return Sheet(
        name="Traffic light", table=df, title=f"Traffic-light summary, {q.label} [note 3]",
        subtitles=["Each indicator's RAG last quarter and this, its trend and the key points "
                   "written from the data (framework section 4.1.4)"],
        source="pmqa", rag_columns=[c for c in df.columns if c.endswith("RAG rating")],
    )  # fmt: skip


def exceptions_sheet(inputs: ReportInputs) -> Sheet:
    df = tables.exception_report(inputs.assurance, inputs.catalogue)
    if df.empty:
        df = pd.DataFrame({"Reference": ["none"], "Why listed": ["No indicator is Amber or Red"]})
    return Sheet(
        name="Exceptions", table=df, title=f"Exception report, {inputs.quarter.label} [note 3]",
        subtitles=["Every Amber and Red indicator with its trigger and next step, and every "
                   "disagreement between the lead officer's RAG and the computed one"],
        source="pmqa", rag_columns=[c for c in df.columns if c.startswith("RAG")],
    )  # fmt: skip


def figures_sheet(inputs: ReportInputs) -> Sheet:
    """Each indicator's quarterly figures over the RAG strip's eight quarters, tidy."""
    q = inputs.quarter
    periods = [q.previous(k).code for k in range(indicator_pages.STRIP_QUARTERS - 1, -1, -1)]
    m = inputs.measures[(inputs.measures["kind"] == "quarter")
                        & inputs.measures["period"].isin(periods)].copy()  # fmt: skip
    m = tables.sort_by_catalogue(m, inputs.catalogue).drop_duplicates(["indicator", "period"])
    m["_o"] = m["period"].map(lambda s: q.parse(s).ordinal)
    order = {r: n for n, r in enumerate(inputs.catalogue.report_order())}
    m = m.sort_values(["indicator", "_o"], key=lambda s: s.map(order) if s.name == "indicator"
                      else s).reset_index(drop=True)  # fmt: skip
    prec = m["indicator"].map(lambda r: inputs.catalogue[r].precision).astype(int)
    lower, upper = charts.value_intervals(m)
    out = pd.DataFrame({
        "Reference": m["indicator"],
        "Indicator": m["indicator"].map(lambda r: inputs.catalogue[r].name),
        "Quarter": m["period"].map(lambda s: q.parse(s).label),
        "Value": rounded(m["value"], prec),
        "Lower 95% limit": rounded(lower, prec),
        "Upper 95% limit": rounded(upper, prec),
        "Target": rounded(m["target"], prec),
        "Target met": m["target_met"].map({True: "Yes", False: "No", "True": "Yes",
                                           "False": "No"}).fillna(NOT_APPLICABLE),
        "Numerator": pd.to_numeric(m.get("numerator"), errors="coerce"),
        "Denominator": pd.to_numeric(m.get("denominator"), errors="coerce"),
        "Unit": m["indicator"].map(lambda r: inputs.catalogue[r].unit_label),
        "Status": m["status"].fillna("ok").map(lambda s: tables.no_data_text(s) if s != "ok"
                                               else "ok"),
    })  # fmt: skip
    for c in ("Lower 95% limit", "Upper 95% limit", "Target"):
        out[c] = out[c].astype(object).where(pd.notna(out[c]), NOT_APPLICABLE)
    return Sheet(
        name="Figures", table=out, row_precision=prec.tolist(),
        title=f"Indicator figures, the eight quarters to {q.label} [note 1] [note 2] [note 5]",
        subtitles=["One row per indicator and quarter: the headline value (a rolling figure for "
                   "rolling indicators), its 95% interval where counts exist, target and counts"],
        source="pmqa, from the agencies' quarterly returns",
    )  # fmt: skip


def rag_history_sheet(inputs: ReportInputs) -> Sheet:
    q = inputs.quarter
    strip = indicator_pages.rag_strip(read_rag_history(inputs), q)
    strip = strip.reindex(inputs.catalogue.report_order()).fillna("not assessed")
    strip.columns = [q.parse(c).label for c in strip.columns]
    df = strip.reset_index().rename(columns={"indicator": "Reference"})
    df.insert(1, "Indicator", df["Reference"].map(lambda r: inputs.catalogue[r].name))
    return Sheet(
        name="RAG history", table=df, title=f"Computed RAG over the eight quarters to {q.label} "
        "[note 3]", subtitles=["Each quarter assessed on the value history as now held"],
        source="pmqa", rag_columns=list(strip.columns),
    )  # fmt: skip


def assurance_sheet(inputs: ReportInputs) -> Sheet:
    a = tables.sort_by_catalogue(inputs.assurance, inputs.catalogue)
    a = a.drop(columns=[c for c in ("trend_arrow",) if c in a])
    return Sheet(
        name="Assurance", table=a, title=f"Assurance table, {inputs.quarter.label} (all fields)",
        subtitles=["The processed assurance.csv as the report reads it, full precision, for "
                   "analysts; column meanings in docs/analytics.md"],
        source="pmqa", rag_columns=[c for c in ("rag", "previous_rag", "lead_rag") if c in a],
    )  # fmt: skip


def write_board_workbook(inputs: ReportInputs, dest: Path) -> Path:
    q, cat = inputs.quarter, inputs.catalogue
    facts = narrative.indicator_facts(inputs.measures, inputs.assurance, cat, q)
    who, email = accessibility.contact(cat)
    sheets = [traffic_light_sheet(inputs, facts), scorecard_sheet(inputs),
              exceptions_sheet(inputs), figures_sheet(inputs), rag_history_sheet(inputs),
              assurance_sheet(inputs)]  # fmt: skip
    return write_workbook(
        dest, sheets,
        cover_title=f"{inputs.board_name}: Performance Indicator Report and Scorecard tables, "
        f"{q.long_label}",
        intro=["The tables of the board report (board_report.html and .pdf) for analysis: the "
               "same figures, stored as numbers.", "One table per sheet; the Contents sheet "
               "links to each, the Notes sheet explains the notes and shorthand."],
        about=["Made by pmqa from the agencies' quarterly returns as validated, and DfE "
               "published statistics.", "Accessibility: this workbook follows the Analysis "
               "Function's standard for releasing statistics in spreadsheets. The accessibility "
               "statement is the last section of board_report.html, and a page beside the index "
               "of published quarters:",
               {"Accessibility statement": f"external:../{accessibility.PAGE_NAME}"}],
        contact=[who, email] if email else [who],
        notes=NOTES,
    )  # fmt: skip

"""The drill-down's sections as HTML: everything about one indicator before a multi-agency audit.

Full history with the SPC chart and the rules that fired, comparators with confidence intervals,
each agency's contribution where several report, linked indicators side by side, all commentary
and RAG history, triggers and any audit the registers link to it.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import COMPARATOR_LABELS, Indicator
from pmqa_lib.core.format import NO_DATA, format_number
from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import (
    accessibility,
    board_pages,
    charts,
    html_blocks,
    narrative,
    reconciliation_pages,
    tables,
)
from pmqa_lib.report import indicator_pages as pages
from pmqa_lib.report.chart_store import ChartStore
from pmqa_lib.report.html_blocks import esc
from pmqa_lib.report.inputs import ReportInputs, read_rag_history

log = logging.getLogger(__name__)


def _arow(inputs: ReportInputs, ref: str) -> pd.Series | None:
    a = inputs.assurance.drop_duplicates("indicator").set_index("indicator")
    return a.loc[ref] if ref in a.index else None


def header(inputs: ReportInputs, ind: Indicator) -> str:
    arow = _arow(inputs, ind.ref)
    rag = arow.get("rag") if arow is not None else None
    f = board_pages.facts(inputs).set_index("indicator").loc[ind.ref]
    return (
        f'<section class="cover short"><div class="board">{esc(inputs.board_name)}</div>'
        f"<h1>Drill-down: {esc(ind.ref)} {esc(ind.name)}</h1>"
        f'<div class="period">{esc(inputs.quarter.long_label)}</div>'
        + pages.page_header(
            ind, inputs, rag, level=2, band=arow.get("band") if arow is not None else None
        )
        + '<div class="narrative"><h4>What the data say</h4>'
        + "".join(f"<p>{esc(s)}</p>" for s in narrative.sentences(f))
        + "</div>"
        + html_blocks.definition_list(
            [
                ("What good looks like", ind.what_good_looks_like),
                ("Further assurance", ind.further_assurance),
                ("Trigger points", ind.trigger_points.text),
                ("Comparator", f"{ind.comparator.type}: {ind.comparator.source}"),
            ]
        )
        + "</section>"
    )


def history(inputs: ReportInputs, ind: Indicator) -> str:
    """Every quarter's figure and the SPC chart with the rules that fired marked."""
    series = pages.chart_series(inputs, ind)  # one point per year for an annual indicator
    parts = []
    if len(series):
        spc = pages.spc_for(series, ind)
        parts.append(pages.chart_block(inputs, ind, _arow(inputs, ind.ref), chart_store(inputs)))
        if spc is not None:
            fired = series[["period"]].assign(rules=spc["rules"].to_numpy())
            fired = fired[fired["rules"].fillna("").ne("")]
            if len(fired):
                parts.append(
                    html_blocks.table(
                        pd.DataFrame(
                            {
                                "Quarter": [Quarter.parse(p).label for p in fired["period"]],
                                "SPC rules that fired": fired["rules"].to_numpy(),
                            }
                        ),
                        caption="Special cause signals (Making Data Count rules)",
                    )  # fmt: skip
                )
            else:
                parts.append("<p>No SPC rule fired: common cause variation only.</p>")
    hist = tables.history_table(inputs.measures, ind)
    if ind.frequency == "annual":  # the returns that carried a result, not the quarters between
        res = tables.annual_results(inputs.measures, ind)
        returned = res["period"].map(lambda p: Quarter.parse(p).label)
        covers = dict(zip(returned, res["label"], strict=True))
        hist = hist[hist["Quarter"].isin(covers)].copy()
        hist.insert(1, "Result for", hist["Quarter"].map(covers))
        hist = hist.rename(columns={"Quarter": "Returned in"})
    parts.append(html_blocks.table(hist, numeric_columns=("Value", "Numerator", "Denominator", "Target"),
                              caption=f"Full history of {ind.ref}"))  # fmt: skip
    return html_blocks.section("Full history and SPC", "".join(parts))


def chart_store(inputs: ReportInputs) -> ChartStore:
    """The board report's charts of the quarter (``reports/<Q>/charts/``), read only: a chart
    drawn from the same numbers is reused, any other drawn here (:mod:`chart_store`)."""
    from pmqa_lib.report.publish import CHARTS_FOLDER

    paths = pages.paths_of(inputs)
    return ChartStore(paths.report_dir(inputs.quarter) / CHARTS_FOLDER, write=False)


def comparator_table(arow: pd.Series | None, ind: Indicator) -> pd.DataFrame:
    """The authority's value with its 95% interval, and each published comparator."""
    if arow is None:
        return pd.DataFrame(columns=["name", "value", "lower", "upper", "status", "source"])
    rows = [
        {
            "name": "Calderdale",
            "value": arow.get("value"),
            "lower": arow.get("lower_95"),
            "upper": arow.get("upper_95"),
            "status": "",
            "source": arow.get("comparison_method", "")
            if pd.notna(arow.get("comparison_method"))
            else "",
        }
    ]
    for key, name in COMPARATOR_LABELS.items():
        v = arow.get(key)
        if v is not None and pd.notna(v):
            label = arow.get(f"{key}_label")
            rows.append({
                "name": name, "value": v, "lower": np.nan, "upper": np.nan,
                "status": arow.get(f"{key}_status", ""),
                "source": label if label is not None and pd.notna(label) else "",
            })  # fmt: skip
    return pd.DataFrame(rows)


def comparators(inputs: ReportInputs, ind: Indicator) -> str:
    arow = _arow(inputs, ind.ref)
    rows = comparator_table(arow, ind)
    recon = reconciliation_pages.drilldown_block(inputs.reconciliation, inputs.catalogue, ind.ref)
    if arow is None or rows["value"].isna().all():
        return html_blocks.section(
            "Comparators", "<p>No value this quarter to compare.</p>" + recon
        )
    rows["name"] = rows["name"].where(rows["name"] != "Calderdale", inputs.catalogue.la_name)
    p = ind.precision
    la = inputs.catalogue.la_name
    how = [
        "" if k == 0 else {"better": f"better than {n}", "worse": f"worse than {n}",
                           "similar": f"similar to {n}"}.get(str(st).strip().lower(), "not compared")
        for k, (n, st) in enumerate(zip(rows["name"], rows["status"].fillna(""), strict=True))
    ]  # the comparison reads from the authority's side: its row is the reference  # fmt: skip
    shown = pd.DataFrame({
        "Area": rows["name"],
        "Value": [format_number(v, p) for v in rows["value"]],
        "95% interval": [
            f"{format_number(lo, p)} to {format_number(hi, p)}"
            if pd.notna(lo) and pd.notna(hi) else "no interval (no counts)"
            for lo, hi in zip(rows["lower"], rows["upper"], strict=True)
        ],
        f"How {la} compares": how,
        "Source": rows["source"].fillna(""),
    })  # fmt: skip
    body = html_blocks.table(shown, numeric_columns=("Value",), row_header="Area")
    if len(rows) > 1 or rows["lower"].notna().any():
        body = (
            charts.img_tag(
                charts.comparator_ci_chart(rows, ind),
                f"{ind.ref}: the authority's value and its 95% interval against its comparators.",
            )
            + body
        )
    if len(rows) == 1:
        body += "<p>No published England, statistical-neighbour or regional figure for this indicator.</p>"
    return html_blocks.section("Comparators with confidence intervals", body + recon)


def contributions(inputs: ReportInputs, ind: Indicator) -> str:
    obs = inputs.observations
    if obs.empty or "agency" not in obs:
        return html_blocks.section("Each agency's contribution", "<p>No returns to break down.</p>")
    o = obs[(obs["indicator"] == ind.ref) & obs["period"].astype(str).str.match(r"^\d{4}Q[1-4]$")]
    agencies = sorted(o["agency"].dropna().unique())
    if len(agencies) <= 1:
        who = agencies[0] if agencies else ind.agency
        return html_blocks.section(
            "Each agency's contribution",
            f"<p>Only one agency reports this indicator: {esc(who)}.</p>",
        )
    col = "numerator" if o["numerator"].notna().any() else "value"
    c = o.assign(label=o["period"].map(charts.short_label), value=o[col])[
        ["label", "agency", "value"]
    ]
    fig = charts.contribution_chart(c, ind)
    wide = c.pivot_table(index="label", columns="agency", values="value", aggfunc="sum", sort=False)
    wide.index = [str(i).replace("\n", " ") for i in wide.index]
    data = wide.map(lambda v: format_number(v, 0)).rename_axis("Quarter").reset_index()
    totals = "; ".join(f"{a} {format_number(wide[a].sum(), 0)}" for a in wide.columns)
    alt = f"Stacked bar chart of {ind.ref} by agency and quarter; totals over the period: {totals}."
    return html_blocks.section(
        "Each agency's contribution",
        charts.figure_html(charts.img_tag(fig, alt), html_blocks.table(data, row_header="Quarter")),
    )


def linked(inputs: ReportInputs, ind: Indicator) -> str:
    refs = [ind.ref, *[r for r in ind.linked if r in inputs.catalogue.indicators]]
    if len(refs) == 1:
        return html_blocks.section(
            "Linked indicators", "<p>No linked indicators in the catalogue.</p>"
        )
    series = {r: charts.series_frame(inputs.measures, r, inputs.quarter) for r in refs}
    fig = charts.linked_chart(series, {r: inputs.catalogue[r] for r in refs})
    latest = "; ".join(
        f"{r} latest {format_number(s['value'].dropna().iloc[-1], inputs.catalogue[r].precision)}"
        for r, s in series.items() if s["value"].notna().any()
    )  # fmt: skip
    alt = f"Small multiples of {', '.join(refs)} by quarter, each with its target: {latest}."
    a = inputs.assurance.drop_duplicates("indicator").set_index("indicator")
    rows = pd.DataFrame({
        "Reference": refs,
        "Indicator": [inputs.catalogue[r].name for r in refs],
        "This quarter": [
            tables.value_text(a.loc[r, "value"], inputs.catalogue[r].precision, a.loc[r, "status"])
            if r in a.index else NO_DATA["missing"] for r in refs
        ],
        "RAG": [
            a.loc[r, "rag"] if r in a.index and isinstance(a.loc[r, "rag"], str) and a.loc[r, "rag"]
            else "not rated" for r in refs
        ],
        "Trajectory": [
            ("no value this quarter" if a.loc[r, "status"] != "ok" else a.loc[r, "trajectory"])
            if r in a.index else "" for r in refs
        ],
    })  # fmt: skip
    return html_blocks.section(
        "Linked indicators",
        charts.img_tag(fig, alt) + html_blocks.table(rows, rag_columns=("RAG",)),
    )


def rag_history_table(inputs: ReportInputs, ind: Indicator) -> pd.DataFrame:
    """Computed RAG of each quarter up to this one (``rag_history.csv``: every quarter assessed on
    the value history as now held) beside the lead officer's proposed RAG and commentary."""
    h = read_rag_history(inputs)
    h = h[h["indicator"] == ind.ref]
    computed = {
        p: (r if isinstance(r, str) and r else "not rated")
        for p, r in zip(h["period"].astype(str), h["rag"], strict=True)
    }
    bands: dict[str, str] = {}
    if "band" in h:  # the thresholds' band, shown beside the RAG the continuum decided
        bands = {
            p: (b if isinstance(b, str) and b else "none")
            for p, b in zip(h["period"].astype(str), h["band"], strict=True)
        }
    obs = inputs.observations
    o = obs[obs["indicator"] == ind.ref] if not obs.empty else obs
    o = o[o["period"].astype(str).str.match(r"^\d{4}Q[1-4]$")] if len(o) else o
    periods = sorted(set(o["period"]) if len(o) else set(), key=lambda s: Quarter.parse(s).ordinal)

    def get(p, c):
        return (o.loc[o["period"] == p, c].fillna("").astype(str).iloc[0]
               if c in o and (o["period"] == p).any() else "")  # fmt: skip

    return pd.DataFrame({
        "Quarter": [Quarter.parse(p).label for p in periods],
        "RAG (computed)": [computed.get(p, "not assessed") for p in periods],
        "Value band": [bands.get(p, "not assessed") for p in periods],
        "RAG (lead officer)": [get(p, "proposed_rag") or "none" for p in periods],
        "Status": [get(p, "status") for p in periods],
        "Commentary": [get(p, "commentary") for p in periods],
        "Actions": [get(p, "actions") for p in periods],
        "Timescale": [get(p, "action_timescale") for p in periods],
    }).iloc[::-1].reset_index(drop=True)  # fmt: skip


def commentary_history(inputs: ReportInputs, ind: Indicator) -> str:
    df = rag_history_table(inputs, ind)
    if df.empty:
        return html_blocks.section(
            "Commentary and RAG history", "<p>No returns for this indicator.</p>"
        )
    return html_blocks.section(
        "Commentary and RAG history",
        html_blocks.table(
            df,
            rag_columns=("RAG (computed)", "Value band", "RAG (lead officer)"),
            row_header="Quarter",
        ),
    )


def triggers(inputs: ReportInputs, ind: Indicator) -> str:
    arow = _arow(inputs, ind.ref)
    parts = []
    if arow is not None:
        pairs = [
            ("Trigger this quarter", arow.get("trigger")),
            ("Next step", arow.get("next_step")),
            ("Assurance", arow.get("assurance")),
            ("Disagreement with lead officer", arow.get("disagreement_note") or "none"),
        ]
        parts.append(
            html_blocks.definition_list([(k, v if pd.notna(v) else "none") for k, v in pairs])
        )
    audits = pages.audits_for(inputs, ind.ref)
    parts.append(f"<p><strong>Audits:</strong> {esc(audits or 'no audit scheduled')}</p>")
    parts.append(board_pages.footer(inputs))
    parts.append(statement_link(inputs))
    return html_blocks.section("Triggers and audits", "".join(parts))


def statement_link(inputs: ReportInputs) -> str:
    """The link to the accessibility statement beside the index (``reports/accessibility.html``)."""
    return accessibility.statement_link(f"../{accessibility.PAGE_NAME}")

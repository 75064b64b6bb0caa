"""The board report's tables as DataFrames of display text.

Each function takes the processed tables (``measures.csv``, ``assurance.csv``, the catalogue) and
returns a DataFrame ready to show: numbers rounded half away from zero to the indicator's precision,
missing values written as "no data: return rejected" or "no data: not returned" (never 0 or blank),
column names as the framework prints them (section 4.1.4 and Appendix 1). The same frames go to
the HTML report and to ``board_tables.xlsx``, and the golden-file tests compare them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import (
    ANNUAL_DUE_QUARTER,
    TRIGGER_AUDIT,
    TRIGGER_ENQUIRY,
    Catalogue,
    Indicator,
)
from pmqa_lib.core.format import NO_DATA, RAGS, format_number, no_data_text
from pmqa_lib.core.periods import (
    Quarter,
    annual_due_ordinal,
    annual_period_label,
    annual_slot,
    financial_year_label,
)

NOT_APPLICABLE = "NA"
NOT_YET_DUE = "not yet due"
YES, NO = "Yes", "No"
POLARITY_WORD = {"high": "High", "low": "Low"}


# ---------------------------------------------------------------------------------------
# Numbers and missing values


def due_this_quarter(indicator: Indicator, quarter: Quarter) -> bool:
    """Whether a return is expected for ``indicator`` in ``quarter``: every quarter for quarterly
    indicators; for annual ones the Q4 return (financial and calendar years) or the Q1 return
    (school years), as the catalogue's conventions say."""
    if indicator.frequency != "annual":
        return True
    return quarter.q == ANNUAL_DUE_QUARTER.get(indicator.reporting_period, 4)


def period_text(label: object) -> str:
    """An annual period label for a table cell: ``"2014/15 (school year)"`` ->
    ``"2014/15 school year"`` (no brackets inside brackets); ``"calendar 2014"`` stays."""
    text = "" if label is None or (isinstance(label, float) and math.isnan(label)) else str(label)
    if text.endswith(")") and " (" in text:
        head, tail = text[:-1].split(" (", 1)
        return f"{head} {tail}"
    return text


def annual_results(measures: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """An annual indicator's results, one row per annual period, oldest first.

    Columns: ``slot`` (the financial year of the due quarter, :func:`pmqa_lib.core.periods.annual_slot`),
    ``label`` ("2014/15 (school year)", "calendar 2014"), ``period`` (the quarter of the return
    that carried it), value, target, target_met, status. A period whose due return was rejected or
    missing keeps its row with that status; quarters between due quarters are not periods.
    """
    due = ANNUAL_DUE_QUARTER.get(indicator.reporting_period, 4)
    q = _quarters(measures[measures["indicator"] == indicator.ref])
    cols = ["slot", "label", "period", "value", "target", "target_met", "status"]
    if q.empty:
        return pd.DataFrame(columns=cols)
    o = q["period"].map(lambda s: Quarter.parse(s).ordinal).to_numpy(dtype="int64")
    slot = annual_slot(o, np.full(len(o), due))
    is_due = o == annual_due_ordinal(slot, np.full(len(o), due))
    has = q["value"].notna().to_numpy()
    r = q.assign(slot=slot, _has=has, _o=o)[has | is_due]
    r = r.sort_values(["slot", "_has", "_o"]).drop_duplicates("slot", keep="last")
    r = r.assign(label=annual_period_label(r["slot"], [indicator.reporting_period] * len(r)))
    if "status" not in r:
        r["status"] = np.where(r["_has"], "ok", "missing")
    return r[cols].reset_index(drop=True)


def value_text(value: object, precision: int, status: object = None, note: object = None) -> str:
    """A value as shown in a table: the rounded number, or the no-data words for its status
    (or the measure's own ``note`` when it explains the gap, e.g. "no data: rolling window
    incomplete")."""
    text = format_number(value, precision)
    if text:
        return text
    if isinstance(note, str) and note.startswith("no data"):
        return note
    return no_data_text(status)


def met_text(met: object, value: object = None, status: object = None) -> str:
    """``Yes`` / ``No`` for target met; ``no data`` when there is no value to judge."""
    if value is not None and format_number(value, 6) == "":
        return no_data_text(status)
    if met is None or (isinstance(met, float) and math.isnan(met)):
        return NOT_APPLICABLE
    if isinstance(met, str):
        return {"true": YES, "false": NO}.get(met.strip().lower(), met)
    return YES if bool(met) else NO


def ytd_coverage(rows: pd.DataFrame, quarter: Quarter) -> pd.Series:
    """`` (1 of 2 quarters)`` where a year-to-date figure leaves out quarters with no data, so a
    YTD never silently covers less of the year than its label says; ``""`` otherwise."""
    if "ytd_quarters" not in rows:
        return pd.Series("", index=rows.index, dtype="object")
    n = pd.to_numeric(rows["ytd_quarters"], errors="coerce")
    has = pd.to_numeric(rows["ytd"], errors="coerce").notna()
    short = has & n.notna() & (n < quarter.q)
    text = " (" + n.fillna(0).astype(int).astype(str) + f" of {quarter.q} quarters)"
    return text.where(short, "").astype("object")


QUERIED = "queried"


def queried_mask(assurance: pd.DataFrame) -> pd.Series:
    """Indicators whose figure this quarter is queried by validation (``assurance.queried``)."""
    if "queried" not in assurance:
        return pd.Series(False, index=assurance.index)
    return assurance["queried"].map(_bool).fillna(False).astype(bool)


def is_queried_row(row: pd.Series) -> bool:
    """Whether a measures row holds a figure validation queried (``query_note``, carried from
    ``observations.csv``)."""
    note = row.get("query_note")
    return isinstance(note, str) and bool(note.strip())


def rag_text(rag: object, queried: bool) -> object:
    """A RAG as the board reads it: a queried figure never carries a confident rating
    ("queried (computed Green)"), so it is shown grey, not green."""
    if queried and isinstance(rag, str) and rag:
        return f"{QUERIED} (computed {rag})"
    if queried:
        return QUERIED
    return rag


def _bool(v: object) -> bool | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        return {"true": True, "false": False, "yes": True, "no": False}.get(v.strip().lower())
    return bool(v)


# ---------------------------------------------------------------------------------------
# Catalogue


def indicator_frame(catalogue: Catalogue) -> pd.DataFrame:
    """The catalogue's scalar fields plus the agency's short name and the catalogue order."""
    df = catalogue.to_frame()
    short = {c: (a.short_name or a.name) for c, a in catalogue.agencies.items()}
    df["agency_short"] = df["agency"].map(short)
    df["order"] = np.arange(len(df))
    return df


def _meta(catalogue: Catalogue) -> pd.DataFrame:
    return indicator_frame(catalogue).set_index("indicator")


def sort_by_catalogue(
    df: pd.DataFrame, catalogue: Catalogue, col: str = "indicator"
) -> pd.DataFrame:
    """Rows in the catalogue's report order (:meth:`Catalogue.report_order`: each theme's
    indicators together); rows for unknown references last."""
    order = {ref: n for n, ref in enumerate(catalogue.report_order())}
    return df.sort_values(
        col, key=lambda s: s.map(order).fillna(len(order)), kind="stable"
    ).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Measures helpers


def _quarters(measures: pd.DataFrame) -> pd.DataFrame:
    return measures[measures["kind"] == "quarter"]


def _annuals(measures: pd.DataFrame) -> pd.DataFrame:
    return measures[measures["kind"] == "annual"]


def latest_rows(measures: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    """Each indicator's quarter row for ``quarter``, indexed by indicator."""
    q = _quarters(measures)
    return q[q["period"] == quarter.code].drop_duplicates("indicator").set_index("indicator")


def _cell_texts(rows: pd.DataFrame, precision: pd.Series, column: str = "value") -> pd.Series:
    """Display text of ``rows[column]`` with each indicator's precision and the row's status."""
    prec = rows["indicator"].map(precision).fillna(0).astype(int)
    status = rows["status"] if "status" in rows else pd.Series(None, index=rows.index)
    return pd.Series(
        [value_text(v, p, s) for v, p, s in zip(rows[column], prec, status, strict=True)],
        index=rows.index,
        dtype="object",
    )


# ---------------------------------------------------------------------------------------
# Traffic-light summary (section 4.1.4)


def traffic_light_summary(
    assurance: pd.DataFrame,
    catalogue: Catalogue,
    quarter: Quarter,
    key_points: pd.Series | None = None,
) -> pd.DataFrame:
    """The traffic-light summary of section 4.1.4, one row per indicator in catalogue order.

    Columns: Theme, Reference, Indicator description, Agency, Lead officer, Target (the target type
    E/SN/R/L), Trend (arrow and trajectory), "<previous quarter> RAG rating", "<quarter> RAG
    rating", Key points / trend / action. ``key_points`` (indexed by indicator) fills the last column;
    :func:`pmqa_lib.report.narrative.key_points` writes it from the data.
    """
    meta = _meta(catalogue)
    a = sort_by_catalogue(assurance, catalogue).set_index("indicator")
    prev_label, this_label = quarter.previous().label, quarter.label
    status = a.get("status", pd.Series("ok", index=a.index)).fillna("missing")
    rag_now = [
        r if isinstance(r, str) and r else ("not rated" if s == "ok" else no_data_text(s))
        for r, s in zip(a["rag"], status, strict=True)
    ]
    rag_now = [rag_text(r, q) for r, q in zip(rag_now, queried_mask(a), strict=True)]
    trend = (
        a.get("trend_arrow", "").fillna("").astype(str) + " " + a["trajectory"].fillna("")
    ).str.strip()
    # no value this quarter: the trend of older points is not shown as current (analytics blanks
    # it), and "insufficient data" would misread a rejected return as a short series
    trend = trend.where(status.eq("ok"), "no value this quarter")
    queried = queried_mask(a)
    trend = trend.where(~queried, trend + " (counting a queried figure)")
    out = pd.DataFrame(
        {
            "Theme": meta.loc[a.index, "theme"].to_numpy(),
            "Reference": a.index.to_numpy(),
            "Indicator description": meta.loc[a.index, "name"].to_numpy(),
            "Agency": meta.loc[a.index, "agency_short"].to_numpy(),
            "Lead officer": meta.loc[a.index, "lead_officer"].to_numpy(),
            "Target": a["target_type"].fillna(meta.loc[a.index, "target_type"]).to_numpy(),
            "Trend": trend.replace("", "not enough data").to_numpy(),
            f"{prev_label} RAG rating": a["previous_rag"].fillna("not rated").to_numpy(),
            f"{this_label} RAG rating": rag_now,
            "Key points / trend / action": (
                key_points.reindex(a.index).fillna("").to_numpy() if key_points is not None else ""
            ),
        }
    )
    return out


# ---------------------------------------------------------------------------------------
# Scorecard (Appendix 1)


def scorecard(
    measures: pd.DataFrame,
    assurance: pd.DataFrame,
    catalogue: Catalogue,
    quarter: Quarter,
    report: str | None = "scorecard",
) -> pd.DataFrame:
    """The scorecard with Appendix 1's columns.

    Objective description, Lead partner, Ind ref, Ind description, Responsible officer, What is
    good performance?, "<last year> All Eng average", "<last year> Stat neighbours", "<last year>
    Result", "<this year> Q1 Result" ... up to this quarter, "<this year> YTD Result".

    Parameters
    ----------
    report : str or None
        Keep only indicators whose catalogue ``report`` is this ("scorecard"); None keeps all.
    """
    meta = _meta(catalogue)
    refs = [r for r in catalogue.indicators if report is None or meta.loc[r, "report"] == report]
    fy, prev = quarter.fy_label, financial_year_label(quarter.fy - 1)
    prec = meta["precision"]
    a = assurance.drop_duplicates("indicator").set_index("indicator")

    out = pd.DataFrame({"Ind ref": refs})
    out.insert(0, "Objective description", out["Ind ref"].map(meta["objective"]))
    out.insert(1, "Lead partner", out["Ind ref"].map(meta["agency_short"]))
    out["Ind description"] = out["Ind ref"].map(meta["name"])
    out["Responsible officer"] = (
        out["Ind ref"].map(meta["lead_officer"]) + " (" + out["Lead partner"] + ")"
    )
    out["What is good performance?"] = out["Ind ref"].map(meta["polarity"]).map(POLARITY_WORD)

    def comparator(col: str) -> pd.Series:
        if col not in a:
            return pd.Series(NOT_APPLICABLE, index=out.index)
        vals = out["Ind ref"].map(a[col])
        texts = [format_number(v, int(prec[r])) for v, r in zip(vals, out["Ind ref"], strict=True)]
        return pd.Series([t or NOT_APPLICABLE for t in texts], index=out.index)

    out[f"{prev} All Eng average"] = comparator("england")
    out[f"{prev} Stat neighbours"] = comparator("sn")

    ann = _annuals(measures)
    ann = ann[ann["fy_label"] == prev].drop_duplicates("indicator")
    ann_text = pd.Series(_cell_texts(ann, prec).to_numpy(), index=ann["indicator"].to_numpy())
    out[f"{prev} Result"] = out["Ind ref"].map(ann_text).fillna(NOT_APPLICABLE)
    annual_cells = {r: annual_year_cells(measures, catalogue[r], quarter) for r in refs
                    if catalogue[r].frequency == "annual"}  # fmt: skip
    for r, (last_year, _this_year) in annual_cells.items():
        out.loc[out["Ind ref"] == r, f"{prev} Result"] = last_year

    qrows = _quarters(measures)
    qrows = qrows[(qrows["fy_label"] == fy) & (qrows["quarter_in_year"].astype(int) <= quarter.q)]
    qtext = pd.Series(_cell_texts(qrows, prec).to_numpy(), index=qrows.index)
    wide = (
        pd.DataFrame(
            {"indicator": qrows["indicator"], "q": qrows["quarter_in_year"].astype(int), "t": qtext}
        )
        .drop_duplicates(["indicator", "q"])
        .pivot(index="indicator", columns="q", values="t")
    )
    annual_freq = out["Ind ref"].map(meta["frequency"]).eq("annual")
    for k in range(1, quarter.q + 1):
        col = wide[k] if k in wide else pd.Series(dtype="object")
        vals = out["Ind ref"].map(col)
        out[f"{fy} Q{k} Result"] = vals.where(~annual_freq, NOT_APPLICABLE).fillna(
            NO_DATA["missing"]
        )

    latest = latest_rows(measures, quarter).reset_index()
    ytd = pd.Series(_cell_texts(latest, prec, "ytd").to_numpy(), index=latest["indicator"])
    ytd = ytd + pd.Series(ytd_coverage(latest, quarter).to_numpy(), index=latest["indicator"])
    # an annual indicator's "YTD" is the annual result reported this financial year, if any yet
    ann_now = pd.Series({r: cells[1] for r, cells in annual_cells.items()}, dtype="object")
    out[f"{fy} YTD Result"] = np.where(
        annual_freq,
        out["Ind ref"].map(ann_now).astype(object).fillna(NOT_APPLICABLE),
        out["Ind ref"].map(ytd).fillna(NO_DATA["missing"]),
    )
    return out


def annual_year_cells(
    measures: pd.DataFrame, indicator: Indicator, quarter: Quarter
) -> tuple[str, str]:
    """An annual indicator's scorecard cells: (last financial year's result, this year's).

    Each is the annual result reported in that financial year's due quarter, labelled with the
    period it covers where that is not the financial year ("96.2 (2014/15 (school year))"); this
    year's is "not yet due (Q4 2015/16)" before its due quarter and the no-data words when the due
    return was rejected or missing.
    """
    res = annual_results(measures, indicator).set_index("slot")
    p = indicator.precision
    due = Quarter(quarter.fy, ANNUAL_DUE_QUARTER.get(indicator.reporting_period, 4))

    def cell(slot: int) -> str:
        if slot not in res.index:
            return NO_DATA["missing"]
        row = res.loc[slot]
        text = value_text(row["value"], p, row["status"])
        if format_number(row["value"], p) and indicator.reporting_period != "financial":
            text += f" ({period_text(row['label'])})"
        return text

    this_year = cell(quarter.fy)
    if due > quarter and (
        quarter.fy not in res.index or not format_number(res.loc[quarter.fy, "value"], p)
    ):
        this_year = f"{NOT_YET_DUE} ({due.label})"
    return cell(quarter.fy - 1), this_year


# ---------------------------------------------------------------------------------------
# Exception report


def exception_report(assurance: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Every Amber and Red indicator with its trigger and next step, every disagreement between
    the lead officer's proposed RAG and the computed one, and every indicator whose own trigger
    point is met although it is not rated. The value's band (its RAG thresholds) is shown beside
    the computed RAG, which the continuum decides (section 4.1.2)."""
    meta = _meta(catalogue)
    a = sort_by_catalogue(assurance, catalogue)
    disagree = a["disagreement"].map(_bool).fillna(False).astype(bool)
    amber_red = a["rag"].isin(["Amber", "Red"])
    triggered = a["trigger"].isin([TRIGGER_ENQUIRY, TRIGGER_AUDIT])
    queried = queried_mask(a)
    a = a[amber_red | disagree | queried | triggered]
    disagree, queried = disagree.loc[a.index], queried.loc[a.index]
    reasons = []
    for rag, dis, note, lead, que, qnote in zip(
        a["rag"],
        disagree,
        a.get("disagreement_note", pd.Series("", index=a.index)),
        a["lead_rag"],
        queried,
        a.get("query_note", pd.Series("", index=a.index)),
        strict=True,
    ):
        if que:
            reasons.append(
                f"Figure queried: {qnote}" if isinstance(qnote, str) else "Figure queried."
            )
        elif dis and isinstance(note, str) and note:
            reasons.append(note)  # "Lead officer proposed Green; computed Amber: 4.4 is in ..."
        elif dis:
            lead_text = lead if isinstance(lead, str) and lead else "none"
            reasons.append(f"Lead officer proposed {lead_text}; computed {rag}.")
        elif rag in ("Amber", "Red"):
            reasons.append(f"Computed RAG is {rag}.")
        else:
            reasons.append("Not rated; its own trigger point is met.")
    band = a["band"] if "band" in a else pd.Series("", index=a.index)
    return pd.DataFrame(
        {
            "Reference": a["indicator"].to_numpy(),
            "Indicator": a["indicator"].map(meta["name"]).to_numpy(),
            "Lead officer": a["indicator"].map(meta["lead_officer"]).to_numpy(),
            "RAG (computed)": [
                rag_text(r, q)
                for r, q in zip(a["rag"].fillna("").replace("", "not rated"), queried, strict=True)
            ],
            "Value band": band.fillna("").replace("", "none").to_numpy(),
            "RAG (lead officer)": a["lead_rag"].fillna("none proposed").to_numpy(),
            "Why listed": reasons,
            "Trigger": a["trigger"].fillna("none").replace("", "none").to_numpy(),
            "What happens next": np.where(
                queried.to_numpy(),
                "Ask the agency to confirm or correct the figure before its RAG is relied on.",
                a["next_step"].fillna("").to_numpy(),
            ),
        }
    )


def rag_counts(assurance: pd.DataFrame) -> dict[str, int]:
    """How many indicators are Red, Amber, Green (and not rated) this quarter, and how many of
    those ratings stand on a queried figure (``queried``, counted within the colours)."""
    counts = assurance["rag"].fillna("not rated").value_counts()
    out = {k: int(counts.get(k, 0)) for k in (*RAGS, "not rated")}
    out[QUERIED] = int(queried_mask(assurance).sum())
    return out


# ---------------------------------------------------------------------------------------
# Indicator page (Appendix 1)


def page_columns(quarter: Quarter, years_back: int = 2) -> list[str]:
    """``["2013/14", "2014/15", "2015/16 Q1", ..., "2015/16 Q4", "2015/16 YTD"]``."""
    prev = [financial_year_label(quarter.fy - k) for k in range(years_back, 0, -1)]
    fy = quarter.fy_label
    return [*prev, *(f"{fy} Q{k}" for k in range(1, 5)), f"{fy} YTD"]


def indicator_page_table(
    measures: pd.DataFrame, indicator: Indicator, quarter: Quarter, years_back: int = 2
) -> pd.DataFrame:
    """Appendix 1's actual-versus-target table for one indicator.

    Rows Actual, Target, Target met?; columns the last ``years_back`` financial years, this year's
    four quarters and YTD. Quarters after ``quarter`` are left empty (not yet due) but keep their
    target, as Appendix 1 prints them. An annual indicator shows its years only.
    """
    m = measures[measures["indicator"] == indicator.ref]
    p = indicator.precision
    fy = quarter.fy_label
    cols = page_columns(quarter, years_back)
    actual = dict.fromkeys(cols, "")
    target = dict.fromkeys(cols, "")
    met = dict.fromkeys(cols, "")

    def fill(
        col: str, row: pd.Series | None, value_col: str = "value", target_col: str = "target"
    ) -> None:
        if row is None:
            actual[col] = NO_DATA["missing"]
            return
        actual[col] = value_text(row[value_col], p, row.get("status"))
        target[col] = format_number(row.get(target_col), p) or NOT_APPLICABLE
        if value_col == "value":
            met[col] = met_text(row.get("target_met"), row[value_col], row.get("status"))
        else:
            met[col] = _ytd_met(row, indicator)
        if is_queried_row(row) and format_number(row[value_col], p):
            actual[col] += f" ({QUERIED})"
            met[col] += f" ({QUERIED})" if met[col] in (YES, NO) else ""

    ann = _annuals(m).drop_duplicates("fy_label").set_index("fy_label")
    for col in cols[:years_back]:
        fill(col, ann.loc[col] if col in ann.index else None)
        if actual[col] == NO_DATA["missing"] and not target[col]:
            t = indicator.target_for_year(col)
            target[col] = format_number(t, p) if t is not None else NOT_APPLICABLE

    if indicator.frequency == "annual":
        return annual_page_table(measures, indicator, quarter, years_back)

    qs = _quarters(m)
    qs = qs[qs["fy_label"] == fy].drop_duplicates("quarter_in_year")
    qs = qs.set_index(qs["quarter_in_year"].astype(int))
    year_target = indicator.target_for_year(fy)
    for k in range(1, 5):
        col = f"{fy} Q{k}"
        if k <= quarter.q:
            fill(col, qs.loc[k] if k in qs.index else None)
        if not target[col]:
            target[col] = (
                format_number(year_target, p) if year_target is not None else NOT_APPLICABLE
            )
    ytd_row = qs.loc[quarter.q] if quarter.q in qs.index else None
    if ytd_row is None:
        actual[f"{fy} YTD"] = NO_DATA["missing"]
    else:
        fill(f"{fy} YTD", ytd_row, "ytd", "ytd_target")
        cover = ytd_coverage(ytd_row.to_frame().T, quarter).iloc[0]
        if cover and format_number(ytd_row.get("ytd"), 6):
            actual[f"{fy} YTD"] += cover
    return _page_frame(actual, target, met, cols)


def annual_page_table(
    measures: pd.DataFrame, indicator: Indicator, quarter: Quarter, years_back: int = 2
) -> pd.DataFrame:
    """An annual indicator's actual-versus-target table: one column per annual period it covers.

    The columns are headed by what each result covers ("2013/14 (school year)", "calendar 2014"):
    the latest period due by ``quarter`` and the ``years_back`` before it, then the next period
    ("not yet due (Q1 2016/17)" until its return arrives). A period whose due return was rejected
    or missing says so; a period before the indicator's first return is "NA" (not collected).
    """
    p = indicator.precision
    due_q = ANNUAL_DUE_QUARTER.get(indicator.reporting_period, 4)
    last = quarter.fy if Quarter(quarter.fy, due_q) <= quarter else quarter.fy - 1
    slots = list(range(last - years_back, last + 2))
    labels = annual_period_label(slots, [indicator.reporting_period] * len(slots))
    res = annual_results(measures, indicator).set_index("slot")
    first = min(res.index) if len(res) else last + 1
    actual, target, met = {}, {}, {}
    for slot, col in zip(slots, labels, strict=True):
        t = indicator.target_for_year(financial_year_label(slot))
        target[col] = format_number(t, p) if t is not None else NOT_APPLICABLE
        if slot < first:  # before the indicator's first return: not collected then
            actual[col], met[col] = NOT_APPLICABLE, ""
            continue
        if slot in res.index:
            row = res.loc[slot]
            actual[col] = value_text(row["value"], p, row["status"])
            if pd.notna(row["target"]):
                target[col] = format_number(row["target"], p)
            met[col] = met_text(row["target_met"], row["value"], row["status"])
            if format_number(row["value"], p) or slot <= last:
                continue
        if slot > last:
            actual[col] = f"{NOT_YET_DUE} ({Quarter(slot, due_q).label})"
        else:
            actual[col] = NO_DATA["missing"]
        met[col] = ""
    return _page_frame(actual, target, met, list(labels))


def _ytd_met(row: pd.Series, indicator: Indicator) -> str:
    """The YTD "target met?" cell from the measures' own ``ytd_target_met`` (by polarity)."""
    ytd, tgt = row.get("ytd"), row.get("ytd_target")
    if format_number(ytd, 6) == "":
        return no_data_text(row.get("status"))
    if format_number(tgt, 6) == "":
        return NOT_APPLICABLE
    if "ytd_target_met" not in row.index:  # a measures table from before the column existed
        ok = float(ytd) >= float(tgt) if indicator.high_is_good else float(ytd) <= float(tgt)
        return YES if ok else NO
    met = row.get("ytd_target_met")
    if met is None or (isinstance(met, float) and math.isnan(met)) or met is pd.NA or met == "":
        # measures leave it unknown when a cumulative total is missing a quarter
        return "not known (a quarter has no data)"
    return met_text(met)


def _page_frame(actual: dict, target: dict, met: dict, cols: list[str]) -> pd.DataFrame:
    df = pd.DataFrame([actual, target, met], columns=cols)
    df.insert(0, "", ["Actual", "Target", "Target met?"])
    return df


def history_table(measures: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """Every quarter of one indicator, oldest first: period, value, numerator, denominator,
    target, target met, status, as display text (the drill-down's full history)."""
    m = _quarters(measures[measures["indicator"] == indicator.ref]).copy()
    m = m.assign(_q=m["period"].map(lambda s: Quarter.parse(s).ordinal)).sort_values("_q")
    p = indicator.precision
    labels = m["period"].map(lambda s: Quarter.parse(s).label)
    return pd.DataFrame(
        {
            "Quarter": labels.to_numpy(),
            "Value": [
                value_text(v, p, s, n)
                for v, s, n in zip(
                    m["value"],
                    m["status"],
                    m.get("note", pd.Series(None, index=m.index)),
                    strict=True,
                )
            ],
            "Numerator": [format_number(v, 0) if "numerator" in m else "" for v in m["numerator"]],
            "Denominator": [
                format_number(v, 0) for v in m.get("denominator", pd.Series(np.nan, index=m.index))
            ],
            "Target": [format_number(v, p) or NOT_APPLICABLE for v in m["target"]],
            "Target met?": [
                met_text(t, v, s)
                for t, v, s in zip(m["target_met"], m["value"], m["status"], strict=True)
            ],
            "Status": m["status"].fillna("").to_numpy(),
        }
    )


# ---------------------------------------------------------------------------------------
# Data status (the cover) and commentary


def returns_status(
    catalogue: Catalogue,
    accepted: pd.DataFrame,
    rejected: pd.DataFrame,
    chase: pd.DataFrame,
    validation: dict | None = None,
) -> pd.DataFrame:
    """One row per agency that owns indicators: its return file(s), rows accepted and rejected,
    and a status: accepted / partly rejected / rejected / not returned."""
    owners = sorted({i.agency for i in catalogue})
    files: dict[str, set[str]] = {a: set() for a in owners}
    for df in (accepted, rejected):
        if not df.empty and {"agency", "source_file"} <= set(df.columns):
            for agency, f in df[["agency", "source_file"]].dropna().itertuples(index=False):
                files.setdefault(str(agency), set()).add(str(f))
    for rec in (validation or {}).get("files", []) or []:
        if isinstance(rec, dict) and rec.get("agency") and rec.get("file"):
            files.setdefault(str(rec["agency"]), set()).add(str(rec["file"]))

    def count(df: pd.DataFrame, agency: str) -> int:
        return int((df["agency"] == agency).sum()) if not df.empty and "agency" in df else 0

    rows = []
    for agency in sorted(files, key=lambda a: (a not in owners, a)):
        n_ok, n_bad = count(accepted, agency), count(rejected, agency)
        if not files[agency] and n_ok == 0 and n_bad == 0:
            status = "not returned"
        elif n_bad and n_ok:
            status = "partly rejected"
        elif n_bad:
            status = "rejected"
        else:
            status = "accepted"
        missing = []
        if not chase.empty and {"agency", "indicator"} <= set(chase.columns):
            mine = chase[chase["agency"] == agency]
            if "status" in mine:
                mine = mine[mine["status"].fillna("missing") == "missing"]
            missing = mine["indicator"].astype(str).tolist()
        ag = catalogue.agencies.get(agency)
        rows.append(
            {
                "Agency": ag.short_name or ag.name if ag else agency,
                "Return": ", ".join(sorted(files[agency])) or "none received",
                "Rows accepted": n_ok,
                "Rows rejected": n_bad,
                "Status": status,
                "Indicators not returned": ", ".join(missing) if missing else "none",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Agency",
            "Return",
            "Rows accepted",
            "Rows rejected",
            "Status",
            "Indicators not returned",
        ],
    )


def no_data_indicators(
    assurance: pd.DataFrame, catalogue: Catalogue, quarter: Quarter | None = None
) -> pd.DataFrame:
    """Indicators with no value this quarter, and why ("no data: return rejected", ...). An annual
    indicator outside its due quarter has its latest annual result (status "ok") and is not listed;
    ``quarter`` is accepted for compatibility and not used."""
    meta = _meta(catalogue)
    a = sort_by_catalogue(assurance, catalogue)
    status = a.get("status", pd.Series("ok", index=a.index)).fillna("missing")
    value = pd.to_numeric(a.get("value", pd.Series(np.nan, index=a.index)), errors="coerce")
    note = a.get("note", pd.Series("", index=a.index))
    # a figure missing for a reason of its own (a rolling window with a quarter missing, no
    # population) has status ok but is still no data: listed with its note, never "no target"
    gap = status.eq("ok") & value.isna() & note.astype(str).str.startswith("no data")
    a = a[~status.isin(["ok", "not_due"]) | gap]
    return pd.DataFrame(
        {
            "Reference": a["indicator"].to_numpy(),
            "Indicator": a["indicator"].map(meta["name"]).to_numpy(),
            "Agency": a["indicator"].map(meta["agency_short"]).to_numpy(),
            "This quarter": [
                str(n) if g else no_data_text(st)
                for st, n, g in zip(status[a.index], note[a.index], gap[a.index], strict=True)
            ],
        }
    )


def revisions_table(
    revisions: pd.DataFrame,
    catalogue: Catalogue,
    quarter: Quarter | None = None,
    validation: dict | None = None,
) -> pd.DataFrame:
    """Each revision of an earlier quarter's value: indicator, quarter, old, new, which return.

    Where the return revised counts rather than the value, the counts are shown
    ("numerator 178, denominator 691"). With ``quarter``, only the revisions made by that
    quarter's returns (``revisions.csv`` holds every revision up to the quarter; a cover reports
    a revision once, in the quarter whose return made it). With ``validation`` (the quarter's
    ``validation.json``), a "Check" column gives the warning on a revision that reaches more than
    four quarters back or moves the figure far beyond its usual movement.
    """
    cols = ["Reference", "Quarter", "Old", "New", "Return"]
    if quarter is not None and not revisions.empty and "received_in" in revisions:
        revisions = revisions[revisions["received_in"].astype(str) == quarter.code]
    if revisions.empty:
        return pd.DataFrame(columns=cols + (["Check"] if validation else []))
    prec = _meta(catalogue)["precision"]
    r = revisions.reset_index(drop=True)

    def side(which: str) -> list[str]:
        out = []
        for _i, row in r.iterrows():
            p = int(prec.get(row["indicator"], 1))
            v = row.get(f"{which}_value")
            if format_number(v, p):
                out.append(format_number(v, p))
                continue
            parts = []
            for part in ("numerator", "denominator"):
                t = format_number(row.get(f"{which}_{part}"), 0)
                if t:
                    parts.append(f"{part} {t}")
            out.append(", ".join(parts) or "no value")
        return out

    src = r["source_file"] if "source_file" in r else pd.Series("", index=r.index)
    out = pd.DataFrame(
        {
            "Reference": r["indicator"].to_numpy(),
            "Quarter": [_period_label(x) for x in r["period"]],
            "Old": side("old"),
            "New": side("new"),
            "Return": src.fillna("").to_numpy(),
        }
    )
    if validation:
        checks = warning_details(validation, REVISION_CHECKS)
        rows = pd.to_numeric(r.get("source_row", pd.Series(np.nan, index=r.index)), errors="coerce")
        key = list(zip(src.fillna("").astype(str), rows, strict=True))
        out["Check"] = [checks.get((f, int(n)) if pd.notna(n) else None, "") for f, n in key]
    return out


#: the warnings on a revision that the cover shows beside it
REVISION_CHECKS = ("revision_far_back", "revision_jump", "cumulative_falls")


def warning_details(validation: dict, rules: tuple[str, ...]) -> dict[tuple[str, int], str]:
    """(file, row) -> the warnings of those rules on it, in plain English, from validation.json."""
    out: dict[tuple[str, int], list[str]] = {}
    for rec in (validation or {}).get("files", []) or []:
        for w in rec.get("warnings", []) or []:
            if w.get("rule") in rules and w.get("source_row") is not None:
                text = w.get("detail") or w.get("rule_text") or ""
                out.setdefault((str(w.get("source_file")), int(w["source_row"])), []).append(text)
    return {k: " ".join(v) for k, v in out.items()}


def queried_figures(assurance: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The figures this quarter that validation queried, for the cover's data status: each shows
    "queried" instead of a confident RAG until the agency confirms it."""
    meta = _meta(catalogue)
    a = sort_by_catalogue(assurance, catalogue)
    a = a[queried_mask(a)]
    return pd.DataFrame(
        {
            "Reference": a["indicator"].to_numpy(),
            "Indicator": a["indicator"].map(meta["name"]).to_numpy(),
            "Agency": a["indicator"].map(meta["agency_short"]).to_numpy(),
            "Computed RAG": a["rag"].fillna("not rated").to_numpy(),
            "Query": a.get("query_note", pd.Series("", index=a.index)).fillna("").to_numpy(),
        }
    )


def _period_label(text: object) -> str:
    try:
        return Quarter.parse(str(text)).label
    except ValueError:
        return str(text)


def quarter_commentary(
    observations: pd.DataFrame, returns_accepted: pd.DataFrame, quarter: Quarter
) -> pd.DataFrame:
    """The lead officers' commentary, actions and timescale for ``quarter``, one row per indicator.

    Taken from ``observations.csv`` when it carries the text columns, else from this quarter's
    accepted returns. Where several agencies report one indicator, their texts are joined, each
    prefixed with the agency code.
    """
    cols = ["commentary", "actions", "action_timescale", "proposed_rag"]
    src = (
        observations
        if not observations.empty and "commentary" in observations
        else returns_accepted
    )
    if src.empty or "indicator" not in src:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="indicator"))
    rows = src[src["period"].astype(str) == quarter.code].copy()
    for c in [*cols, "agency"]:
        if c not in rows:
            rows[c] = ""
        rows[c] = rows[c].fillna("").astype(str)
    several = rows.groupby("indicator")["agency"].transform("nunique") > 1
    for c in ("commentary", "actions"):
        prefixed = rows["agency"] + ": " + rows[c]
        rows[c] = rows[c].where(~several | rows[c].eq(""), prefixed)
    joined = rows.groupby("indicator", sort=False).agg(
        commentary=("commentary", lambda s: "\n".join(x for x in s if x)),
        actions=("actions", lambda s: "; ".join(x for x in s if x)),
        action_timescale=("action_timescale", lambda s: "; ".join(sorted({x for x in s if x}))),
        proposed_rag=("proposed_rag", lambda s: "/".join(sorted({x for x in s if x}))),
    )
    return joined

"""Validation messages in the agency's terms: each failure names the file, sheet, row, column
and the value as sent, then the rule, worked out with the row's own figures where that helps the
agency act ("1.1: a count of 91,000 in Q2 2015/16 gives 19,975 per 10,000 children aged 0-17 ...;
the plausible maximum is 500."), then what to do.

:func:`details` gives, per failure, the rule in those terms (NaN where the suite's own wording is
enough); :func:`messages` joins the parts. Pure: frames in, text out.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pmqa_lib.core import units
from pmqa_lib.core.methods import XMR_RANGE_LIMIT
from pmqa_lib.core.periods import Quarter
from pmqa_lib.validate import ingest

#: quarters back a revision may reach before it is a warning (expectations/agency_return_warnings.json)
REVISION_MAX_AGE = 4


def _figure(x: float) -> str:
    """A figure for a message: 91000 -> "91,000", 19975.47 -> "19,975", 26.55 -> "26.6",
    1.37 -> "1.37" (a figure as sent keeps its digits), 0.266 -> "0.266"."""
    if x is None or not np.isfinite(x):
        return str(x)
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.3g}"


def _bound(x: float) -> str:
    return f"{x:,g}"


def details(rows: pd.DataFrame, out: pd.DataFrame) -> pd.Series:
    """The rule in the agency's terms for the failures that need the row's figures: the figure as
    the board would see it and the range it breaks, the column to use, the quarter an annual
    indicator is due in, the usual movement. NaN where the suite's own wording is enough."""
    detail = pd.Series(np.nan, index=out.index, dtype=object)
    rule = out["rule"]
    for k in np.flatnonzero(rule.isin(_DETAILED).to_numpy()):
        text = _DETAILED[rule.iat[k]](rows.iloc[k])
        if text:
            detail.iat[k] = text
    return detail


def _result_text(r: pd.Series) -> str:
    """The row's headline figure in words: "19,975 per 10,000 children aged 0-17 (...)"."""
    unit = r.get("unit")
    if unit == "rate_per_10k":
        k = int(r.get("rolling_quarters") or 1)
        label = Quarter.parse(r["period"]).label
        over = f"over the {k} quarters to {label}" if k > 1 else f"in {label}"
        return (
            f"a count of {_figure(r['numerator'])} in {label} gives "
            f"{_figure(r['result'])} per 10,000 children aged 0-17 {over} "
            f"(ONS mid-{int(r['rate_population_year'])} population {_figure(r['rate_population'])})"
        )
    word = units.FIGURE_SUFFIX.get(unit, "")
    if word == " days" and r["result"] == 1:
        word = " day"
    if pd.isna(r.get("value")) and unit in ("percent", "days", "ratio"):
        return (
            f"{_figure(r['result'])}{word} ({_figure(r['numerator'])} over "
            f"{_figure(r['denominator'])})"
        )
    if word == " days" and r["result"] == 1:
        word = " day"
    return f"{_figure(r['result'])}{word}"


def _range_detail(r: pd.Series) -> str:
    high = r["result"] > r["plausible_max"]
    side = "maximum" if high else "minimum"
    bound = r["plausible_max"] if high else r["plausible_min"]
    word = units.FIGURE_SUFFIX.get(r.get("unit"), "") if r.get("unit") != "rate_per_10k" else ""
    return f"{r['indicator']}: {_result_text(r)}; the plausible {side} is {_bound(bound)}{word}."


def _misplaced_detail(r: pd.Series) -> str:
    col, unit = r["misplaced_figure"], r["unit"]

    def filled(c: str) -> bool:
        return any(pd.notna(r.get(k)) for k in (c, f"{c}_marker", f"{c}_raw"))

    what = f"a figure in {col} is not used" if filled(col) else f"{col} is missing"
    other_forms = {c for form in units.FIGURE_FORMS[unit][1:] for c in form}
    if filled(col) and col in other_forms and all(map(filled, units.template_columns(unit))):
        what = "it gives both forms of the figure, and they differ, so pmqa cannot tell which was meant"
    return (
        f"{r['indicator']} is {units.UNIT_PHRASES[unit]}: {what}. "
        f"For {r['indicator']}, {units.form_advice(unit)}."
    )


def _annual_detail(r: pd.Series) -> str:
    due = int(r["due_quarter"])
    q = Quarter.parse(r["period"])
    before = Quarter(q.fy if q.q >= due else q.fy - 1, due)
    after = Quarter(before.fy + 1, due)
    return (
        f"{r['indicator']} is annual ({r['reporting_period']} year): it is returned once a year "
        f"in the Q{due} return, with period YYYYQ{due}, and {r['period']} is not a Q{due} quarter. "
        f"The result due before it has period {before.code} ({before.label}); the next is due "
        f"with period {after.code} ({after.label})."
    )


def _jump_detail(r: pd.Series) -> str:
    is_rate = r.get("unit") == "rate_per_10k"
    word = "" if is_rate else units.FIGURE_SUFFIX.get(r.get("unit"), "")
    what = "count" if is_rate else "figure"
    sent = f"{_figure(r['figure'])}" if is_rate else _result_text(r)
    step = r["usual_step"] * XMR_RANGE_LIMIT
    low, high = max(r["last"] - step, 0.0), r["last"] + step
    return (
        f"{r['indicator']}: the {what} sent, {sent}, is far from the previous quarter's "
        f"{_figure(r['last'])}{word}: it usually moves by up to {_figure(step)}{word} a quarter, "
        f"so a {what} between {_figure(low)} and {_figure(high)}{word} would be usual."
    )


def _revision_detail(r: pd.Series) -> str:
    word = units.FIGURE_SUFFIX.get(r.get("unit"), "")
    text = (
        f"{r['indicator']} for {Quarter.parse(r['period']).label}: this return revises "
        f"{_figure(r['revision_old'])}{word} to {_figure(r['revision_new'])}{word}"
    )
    if pd.notna(r.get("revision_age")) and r["revision_age"] > REVISION_MAX_AGE:
        text += f", {int(r['revision_age'])} quarters after the quarter it is for"
    if pd.notna(r.get("usual_step")) and r["usual_step"] > 0:
        text += (
            f"; the figure usually moves by up to {_figure(r['usual_step'] * XMR_RANGE_LIMIT)}"
            f"{word} a quarter"
        )
    return text + "."


#: a value longer than this is shortened in messages (a 5 MB commentary is named, not quoted)
MESSAGE_VALUE_CHARS = 80


def shown(value: object) -> object:
    """A value as a message quotes it: a long one shortened, with its length."""
    if isinstance(value, str) and len(value) > MESSAGE_VALUE_CHARS:
        return f"{value[: MESSAGE_VALUE_CHARS - 20]}... ({len(value):,} characters)"
    return value


#: a digit that is not 0-9 (full-width, Arabic-Indic, ...): read as text, never as a number
_OTHER_DIGITS = re.compile(r"(?![0-9])\d")


def _digits_detail(column: str):
    def detail(r: pd.Series) -> str | None:
        raw = r.get(f"{column}_raw")
        if isinstance(raw, str) and _OTHER_DIGITS.search(raw):
            return (
                f"The {column} '{shown(raw)}' is typed with digits other than 0-9 (full-width "
                "or another script's digits), which are not read as a number: type it with the "
                "digits 0-9."
            )
        return None

    return detail


_DETAILED = {
    **{f"{c}_is_number": _digits_detail(c) for c in ingest.NUMBER_COLUMNS},
    "result_above_plausible_min": _range_detail,
    "result_below_plausible_max": _range_detail,
    "figure_in_right_column": _misplaced_detail,
    "annual_in_due_quarter": _annual_detail,
    "jump": _jump_detail,
    "revision_far_back": _revision_detail,
    "revision_jump": _revision_detail,
}


def messages(f: pd.DataFrame, detail: pd.Series | None = None) -> pd.Series:
    sheet = np.where(
        f["sheet"].fillna("").astype(str) != "", ", sheet " + f["sheet"].fillna("").astype(str), ""
    )
    row = np.where(
        f["source_row"].notna(), ", row " + f["source_row"].astype("Int64").astype(str), ""
    )
    col = np.where(
        f["column"].fillna("").astype(str) != "",
        ", column " + f["column"].fillna("").astype(str),
        "",
    )
    val = np.where(f["value"].notna(), " (value '" + f["value"].astype(str) + "')", "")
    rule = f["rule_text"].astype(str)
    if detail is not None:
        rule = detail.where(detail.notna(), rule).astype(str)
    return pd.Series(
        f["source_file"].astype(str)
        + sheet
        + row
        + col
        + val
        + ": "
        + rule
        + " "
        + f["what_to_do"].astype(str),
        index=f.index,
    )

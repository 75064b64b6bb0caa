"""Plain-English sentences written from the numbers, for the board report.

The sentences use the same rounding and the same rows as the tables beside them
(:mod:`pmqa_lib.report.tables`), so a sentence can never say "meets the target" beside a table that says
"No". For example::

    The rate rose from 55.1 to 65.0 and now meets the target of 60; the rise is not statistically
    significant (Mann-Kendall, p = 0.21, 8 quarters).

:func:`indicator_facts` gathers, for every indicator at once, the numbers a sentence needs;
:func:`sentences` turns one row of facts into sentences; :func:`narratives` and :func:`key_points`
apply it to every indicator.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from pmqa_lib.analytics.trend import DETERIORATING, IMPROVING, NO_CHANGE, STEADY
from pmqa_lib.core.catalogue import Catalogue
from pmqa_lib.core.format import format_number, no_data_text
from pmqa_lib.core.periods import Quarter
from pmqa_lib.report.tables import _bool, period_text

NOUNS = {
    "rate_per_10k": "The rate",
    "percent": "The percentage",
    "number": "The number",
    "days": "The average number of days",
    "ratio": "The ratio",
}
COMPARATOR_NAMES = {
    "england": "the England average",
    "sn": "the statistical neighbours' average",
    "region": "the regional average",
}


def _missing(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def format_p(p: float) -> str:
    """``p = 0.21``, ``p = 0.049``, ``p = 0.002``, ``p < 0.001``.

    Below 0.1 three decimals, so a value near the 0.05 level never prints as "0.05" on either
    side of it (0.049 is significant, 0.051 is not).
    """
    if p < 0.001:
        return "p < 0.001"
    if p < 0.1:
        return f"p = {p:.3f}"
    return f"p = {p:.2f}"


def format_target(target: float, precision: int) -> str:
    """A target as people say it: 60 rather than 60.0, 62.5 stays 62.5."""
    text = format_number(target, precision)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def indicator_facts(
    measures: pd.DataFrame, assurance: pd.DataFrame, catalogue: Catalogue, quarter: Quarter
) -> pd.DataFrame:
    """One row per indicator with everything its sentences need.

    The value, previous value, target and target met come from ``measures`` (the rows the tables
    show); the trend, SPC, comparator and RAG fields from ``assurance``.
    """
    q = measures[measures["kind"] == "quarter"]
    keep = ["indicator", "value", "target", "target_met", "status"]
    now = q.loc[q["period"] == quarter.code, keep].drop_duplicates("indicator")
    # the previous quarter's figure may be one this quarter's return revised, with a query on it
    pkeep = keep + (["query_note"] if "query_note" in q else [])
    prev = q.loc[q["period"] == quarter.previous().code, pkeep].drop_duplicates("indicator")
    prev = prev.rename(columns={c: f"previous_{c}" for c in pkeep if c != "indicator"})
    cat = catalogue.to_frame()[["indicator", "unit", "precision", "polarity", "name", "frequency"]]
    a = assurance.drop(
        columns=[c for c in ("value", "target", "target_met", "status", "name") if c in assurance]
    )
    out = cat.merge(now, on="indicator", how="left").merge(prev, on="indicator", how="left")
    out = out.merge(a, on="indicator", how="left")
    out["status"] = out["status"].fillna("missing")
    out["previous_status"] = out["previous_status"].fillna("missing")
    out["quarter_label"] = quarter.label
    out["previous_label"] = quarter.previous().label
    out["previous_quarter_label"] = quarter.previous().label  # what previous_rag refers to
    out["annual"] = out["frequency"].eq("annual")
    return annual_facts(out, assurance)


def annual_facts(facts: pd.DataFrame, assurance: pd.DataFrame) -> pd.DataFrame:
    """For annual indicators, the facts of the annual result the assurance row rates.

    Outside its due quarter an annual indicator's assurance row carries its latest annual result
    (:func:`pmqa_lib.analytics.assessment.current_rows`); the sentence must speak of that result and the one
    before it, not of this quarter's empty measures row. Labels become the periods the results
    cover ("2014/15 (school year)"). Without ``result_label`` (an older assurance.csv) nothing
    changes.
    """
    if "result_label" not in assurance or not facts["annual"].any():
        return facts
    a = assurance.drop_duplicates("indicator").set_index("indicator")
    out = facts.copy()
    sel = out["annual"].to_numpy() & out["indicator"].isin(a.index).to_numpy()
    refs = out.loc[sel, "indicator"]
    pairs = {
        "value": "value", "target": "target", "target_met": "target_met", "status": "status",
        "previous_value": "previous_result_value", "previous_target": "previous_result_target",
        "previous_target_met": "previous_result_target_met", "quarter_label": "result_label",
        "previous_label": "previous_result_label",
    }  # fmt: skip
    for mine, theirs in pairs.items():
        if theirs in a:
            out[mine] = out[mine].astype(object)
            out.loc[sel, mine] = refs.map(a[theirs]).to_numpy()
    out.loc[sel, "previous_status"] = np.where(
        pd.isna(out.loc[sel, "previous_value"]), "missing", "ok"
    )
    return out


def period_phrase(label: object) -> str:
    """``"2014/15 (school year)"`` -> ``"the 2014/15 school year"``; ``"calendar 2014"`` ->
    ``"calendar 2014"``; a quarter label stays as it is."""
    text = "" if _missing(label) else str(label)
    return f"the {period_text(text)}" if text.endswith(")") and " (" in text else text


def _target_clause(f: pd.Series, met_now: bool, met_before: bool | None) -> str:
    t = format_target(f["target"], int(f["precision"]))
    if met_now:
        verb = {True: "still meets", False: "now meets", None: "meets"}[met_before]
    else:
        verb = {True: "no longer meets", False: "still does not meet", None: "does not meet"}[
            met_before
        ]
    return f"{verb} the target of {t}"


def _annual_movement(f: pd.Series) -> tuple[str, str]:
    """The first sentence for an annual indicator: its latest annual result and the one before.

    "The latest annual result, for the 2014/15 school year, is 96.2, up from 92.4 for the 2013/14
    school year, and now meets the target of 95 (next due in Q1 2016/17)"
    """
    p = int(f["precision"])
    now, before = f["value"], f["previous_value"]
    this, last = period_phrase(f.get("quarter_label")), period_phrase(f.get("previous_label"))
    nxt = f.get("next_due")
    due = f" (next due in {nxt})" if not _missing(nxt) else ""
    if _missing(now):
        note = f.get("note")
        why = str(note) if not _missing(note) else no_data_text(f["status"])
        text = (
            f"No annual result: {why[len('no data: ') :] if why.startswith('no data: ') else why}"
        )
        if not _missing(before):
            text += f". The last annual result was {format_number(before, p)} for {last}"
        return text, ""
    b = format_number(now, p)
    text = f"The latest annual result, for {this}, is {b}"
    move = ""
    if not _missing(before):
        a = format_number(before, p)
        da, db = float(a.replace(",", "")), float(b.replace(",", ""))
        move = "rise" if db > da else "fall" if db < da else "none"
        word = {"rise": "up from", "fall": "down from", "none": "the same as"}[move]
        text += f", {word} {a} for {last}"
    met_now = _bool(f.get("target_met"))
    if not _missing(f.get("target")) and met_now is not None:
        met_before = _bool(f.get("previous_target_met")) if not _missing(before) else None
        text += f", and {_target_clause(f, met_now, met_before)}"
    return text + due, move


def is_queried(f: pd.Series) -> bool:
    """Whether validation queried this quarter's figure (``assurance.queried``)."""
    return bool(_bool(f.get("queried"))) and not _missing(f.get("value"))


def query_sentence(f: pd.Series) -> str:
    """ "Queried: <what validation found>. Until the agency confirms the figure, its RAG, trend
    and SPC signal are not relied on." """
    note = "" if _missing(f.get("query_note")) else str(f["query_note"]).strip().rstrip(".")
    return (
        f"Queried: {note or 'the figure is far outside its usual range'}. Until the agency "
        "confirms the figure, its RAG, trend and SPC signal are not relied on."
    )


def _movement(f: pd.Series) -> tuple[str, str]:
    """(sentence about the value and target, movement word: rise / fall / none / '')."""
    text, move = _plain_movement(f)
    if is_queried(f) and text:
        text = f"{text} (a queried figure)"
    return text, move


def _plain_movement(f: pd.Series) -> tuple[str, str]:
    if bool(f.get("annual")) and not _missing(f.get("quarter_label")):
        return _annual_movement(f)
    p = int(f["precision"])
    noun = NOUNS.get(f["unit"], "The value")
    now, before = f["value"], f["previous_value"]
    target = f.get("target")
    has_target = not _missing(target) and not _missing(f.get("target_met"))
    met_now = _bool(f.get("target_met"))
    met_before = _bool(f.get("previous_target_met")) if not _missing(before) else None

    if _missing(now):
        why = no_data_text(f["status"])
        if why.startswith("no data: "):
            text = f"No data for {f['quarter_label']}: {why[len('no data: ') :]}."
        else:
            text = f"{f['quarter_label']}: {why}."
        if not _missing(before):
            text += f" The last value was {format_number(before, p)} ({f['previous_label']})"
            if met_before is not None and not _missing(f.get("previous_target")):
                verb = "met" if met_before else "did not meet"
                text += f", which {verb} the target of {format_target(f['previous_target'], p)}"
            text += "."
        return text, ""

    a, b = format_number(before, p), format_number(now, p)
    noun_l = noun[:1].lower() + noun[1:]
    if _missing(before):
        gap = no_data_text(f["previous_status"])[len("no data: ") :] or "no data"
        text = f"{noun} is {b} in {f['quarter_label']} (no value for {f['previous_label']}: {gap})"
        move = ""
    else:
        # compare what the reader sees, so "rose" never sits beside two equal figures
        da, db = float(a.replace(",", "")), float(b.replace(",", ""))
        if not _missing(f.get("previous_query_note")):
            a = f"{a} (queried)"  # as the page table prints it
        if db > da:
            text, move = f"This quarter {noun_l} rose from {a} to {b}", "rise"
        elif db < da:
            text, move = f"This quarter {noun_l} fell from {a} to {b}", "fall"
        else:
            text, move = f"This quarter {noun_l} stayed at {b}", "none"
    if has_target and met_now is not None:
        text += f" and {_target_clause(f, met_now, met_before)}"
    return text, move


def _horizon(f: pd.Series, n: object) -> str:
    unit = "annual results" if bool(f.get("annual")) else "quarters"
    return f"{int(n)} {unit}" if not _missing(n) else f"the {unit} available"


def trajectory_sentence(f: pd.Series) -> str:
    """The trajectory as the traffic light's Trend column shows it, with its horizon.

    "Over the last 4 quarters the trend is improving (↓: the percentage is falling, and low is
    good)." The word and the arrow are the assurance row's ``trajectory`` and ``trend_arrow``,
    exactly what the table beside it prints; the horizon is ``trajectory_points``.
    """
    traj = "" if _missing(f.get("trajectory")) else str(f["trajectory"])
    if traj not in (IMPROVING, STEADY, DETERIORATING):
        unit = "annual results" if bool(f.get("annual")) else "quarters"
        return f"There are too few {unit} to judge the trend."
    n = f.get("trajectory_points")
    span = f"the last {_horizon(f, n)}" if not _missing(n) else "the latest quarters"
    text = f"Over {span} the trend is {traj}"
    if is_queried(f):
        text = f"Counting the queried figure, over {span} the trend would be {traj}"
    arrow = "" if _missing(f.get("trend_arrow")) else str(f["trend_arrow"])
    noun = NOUNS.get(f.get("unit"), "The value")
    noun = noun[:1].lower() + noun[1:]
    moving = {"\u2191": "rising", "\u2193": "falling"}.get(arrow)
    pol = f.get("polarity")
    if moving and pol in ("high", "low"):
        text += f" ({arrow}: {noun} is {moving}, and {pol} is good)"
    elif arrow:
        text += f" ({arrow})"
    return text + "."


def significance_sentence(f: pd.Series) -> str:
    """Mann-Kendall over the whole series, with its length: "Over 13 quarters there is a
    statistically significant upward trend (Mann-Kendall, p = 0.04)."; a short series says so."""
    n_text = _horizon(f, f.get("mk_n"))
    pval = f.get("mk_p_value")
    if _missing(pval):
        return f"The series is too short to test for a statistically significant trend ({n_text})."
    p_text = format_p(float(pval))
    if f.get("mk_note") == NO_CHANGE:  # every point equal: p = 1 by the tie correction
        return f"Over {n_text} the figure has not changed, so there is no trend (Mann-Kendall, {p_text})."
    if not bool(_bool(f.get("trend_significant"))):
        return (
            f"Over {n_text} there is no statistically significant trend (Mann-Kendall, {p_text})."
        )
    slope = f.get("sens_slope")
    direction = ""
    if not _missing(slope):
        direction = "upward " if float(slope) > 0 else "downward " if float(slope) < 0 else ""
    return (
        f"Over {n_text} there is a statistically significant {direction}trend "
        f"(Mann-Kendall, {p_text})."
    )


def _comparators(f: pd.Series) -> str:
    if _missing(f.get("value")):
        return ""
    p = int(f["precision"])
    parts = []
    for key, name in COMPARATOR_NAMES.items():
        v, status = f.get(key), f.get(f"{key}_status")
        if _missing(v):
            continue
        word = {"better": "better than", "similar": "similar to", "worse": "worse than"}.get(
            str(status).strip().lower() if not _missing(status) else "", "compared with"
        )
        parts.append(f"{word} {name} ({format_number(v, p)})")
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"It is {joined}."


#: below this many points the SPC sentence only says there are too few to judge the variation
SPC_MIN_POINTS = 5


def _spc(f: pd.Series) -> str:
    n = f.get("spc_points")
    if not _missing(n) and int(n) < SPC_MIN_POINTS:
        unit = "annual results" if bool(f.get("annual")) else "quarters"
        return (
            f"SPC (Making Data Count): too few points to judge the variation ({int(n)} {unit}; "
            f"process limits need at least {SPC_MIN_POINTS})."
        )
    var = "" if _missing(f.get("spc_variation")) else str(f["spc_variation"]).lower()
    ass = "" if _missing(f.get("spc_assurance")) else str(f["spc_assurance"]).lower()
    parts = []
    if "improv" in var:
        parts.append("the latest point shows special cause variation of an improving nature")
    elif "concern" in var:
        parts.append("the latest point shows special cause variation of concern")
    elif "neutral" in var:
        parts.append("the latest point shows special cause variation (neither better nor worse)")
    elif "common" in var:
        parts.append("the variation is common cause only (no signal)")
    if "hit" in ass or "miss" in ass:
        parts.append(
            "the target lies inside the process limits, so it will be hit and missed by chance"
        )
    elif "pass" in ass:
        parts.append(
            "the process limits sit on the good side of the target, so on past performance it "
            "should be met consistently"
        )
    elif "fail" in ass:
        parts.append(
            "the process limits sit on the wrong side of the target, so on past performance it "
            "will not be met consistently unless the process changes"
        )
    if not parts:
        return ""
    text = "SPC (Making Data Count): " + "; ".join(parts) + "."
    if is_queried(f):
        text = "SPC (Making Data Count), counting the queried figure: " + "; ".join(parts) + "."
    warn = f.get("spc_warning")
    if not _missing(warn):
        w = str(warn).strip().rstrip(".")
        text += f" {w[:1].upper()}{w[1:]}."
    return text


def _rag(f: pd.Series) -> str:
    rag, lead = f.get("rag"), f.get("lead_rag")
    if is_queried(f):
        rated = f"would be {rag}" if not _missing(rag) else "cannot be computed"
        text = (
            f"The computed RAG {rated}, but it stands on a queried figure: it is shown as "
            "queried, not as a rating, until the agency confirms the figure."
        )
        return text
    if _missing(rag):
        text = "No RAG rating can be computed this quarter."
    else:
        ass = f.get("assurance")
        extra = f", {ass}" if not _missing(ass) else ""
        text = f"The computed RAG is {rag}{extra}"
        prev = f.get("previous_rag")
        if not _missing(prev):
            text += f"; it was {prev} in {f.get('previous_quarter_label', f['previous_label'])}"
        text += "."
        if bool(_bool(f.get("disagreement"))):
            lead_text = "no RAG" if _missing(lead) else str(lead)
            text += (
                f" The lead officer proposed {lead_text}: the difference is for the Performance"
                " Management sub-group to scrutinise."
            )
        elif not _missing(lead) and str(lead) == str(rag):
            text += " The lead officer's proposed RAG agrees."
    trig, nxt = f.get("trigger"), f.get("next_step")
    if not _missing(nxt):  # "Amber: watch next quarter." -> "watch next quarter."
        nxt = re.sub(
            r"^(?:Amber|Red|Green|Assured|Exception|Not assured|Further enquiry|No data): ",
            "",
            str(nxt),
        )
        nxt = nxt[:1].upper() + nxt[1:]
    trig = "" if _missing(trig) or str(trig).strip().lower() in ("none", "no data") else str(trig)
    if trig:
        text += f" Trigger: {trig}"
        text += f"; next step: {str(nxt).rstrip('.')}." if not _missing(nxt) else "."
    elif not _missing(nxt):
        text += f" Next step: {str(nxt).rstrip('.')}."
    return text


def sentences(facts: pd.Series) -> list[str]:
    """The sentences for one indicator, from one row of :func:`indicator_facts`."""
    first, _ = _movement(facts)
    first = f"{first}." if not first.endswith(".") else first
    if not _missing(facts.get("value")):
        first += f" {trajectory_sentence(facts)} {significance_sentence(facts)}"
    out = [query_sentence(facts), first] if is_queried(facts) else [first]
    rag = _rag(facts) if facts.get("status") != "not_due" else ""
    spc = _spc(facts) if not _missing(facts.get("value")) else ""
    for s in (_comparators(facts), spc, rag):
        if s:
            out.append(s)
    return out


def narratives(facts: pd.DataFrame) -> pd.Series:
    """A paragraph per indicator (index: indicator)."""
    texts = [" ".join(sentences(row)) for _, row in facts.iterrows()]
    return pd.Series(texts, index=facts["indicator"].to_numpy(), dtype="object")


def key_points(facts: pd.DataFrame) -> pd.Series:
    """The traffic-light summary's key point: current status, the movement sentence, the trigger."""
    out = []
    for _, f in facts.iterrows():
        first, _ = _movement(f)
        rag = f.get("rag")
        status = f"The current status is {str(rag).upper()}. " if not _missing(rag) else ""
        if is_queried(f):
            status = f"{query_sentence(f)} "
        text = f"{status}{first}."
        if not _missing(f.get("value")):
            text += " " + trajectory_sentence(f)
        trig = f.get("trigger")
        if not _missing(trig) and str(trig).strip().lower() not in ("none", "no data"):
            text += f" Trigger: {trig}."
        out.append(text.replace("..", "."))
    return pd.Series(out, index=facts["indicator"].to_numpy(), dtype="object")


def is_number(x: object) -> bool:
    return isinstance(x, int | float | np.floating) and not math.isnan(float(x))

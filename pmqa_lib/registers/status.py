"""Governance registers: what is due, overdue, deferred or done, as at a date (Appendices 2-5, 6.1).

Status rules (as at date ``D``, usually the quarter's last day; the quarter is ``[start, end]``):

- The *current due date* is the last date in ``deferred_to`` when the item was deferred, else the
  due date. A deferral does not move the original due date, which is kept.
- **completed on time / completed late**: completed on or before ``D``; late when completed after
  the current due date. A completion dated after ``D`` is not yet known at ``D`` (so a re-run of an
  earlier quarter shows what was outstanding at its end).
- **overdue**: not completed and the current due date is before ``D`` (strictly: an item due on
  ``D`` itself is due, not overdue).
- **deferred**: not completed, deferred at least once, current due date on or after ``D``;
  ``times_deferred`` says how often (2 = deferred twice).
- **due this quarter**: not completed, not deferred, current due date in the quarter and on or
  after ``D``.
- **not yet due**: due after the quarter; **no date**: no due date given.

Audits add: **did not proceed** (the schedule's key), **reported** (completed and its report
presented to the group by ``D``), **completed, no report** (completed by ``D``, no report yet).
Actions past their target date are **overdue**. The age of a "next steps" note is ``D`` minus the
date the note starts with (``24.11.15 ...``); a note dated after ``D`` has no age yet.

Closing the loop (section 4.1.2): an indicator whose trigger is ``audit`` becomes a proposed audit
with its evidence written into the Appendix 4 proposal fields (:func:`proposed_audits`).

Pure rules, DataFrames in and out. The stage that reads the registers and writes the status tables
is :mod:`pmqa_lib.registers.stage`; what the report shows of them is
:mod:`pmqa_lib.report.register_tables`.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from pmqa_lib.core.format import format_value
from pmqa_lib.core.periods import Quarter
from pmqa_lib.registers.dates import DateTextError, all_dates_in_text, leading_note_date

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------
# The status rules (pure, vectorised)


def _ts(d: dt.date | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(d).normalize()


def schedule_status(due: pd.Series, new_due: pd.Series, times_deferred: pd.Series,
                    completed: pd.Series, as_at: dt.date, quarter: Quarter) -> pd.DataFrame:  # fmt: skip
    """The status of scheduled items as at ``as_at`` (rules in the module docstring).

    Parameters
    ----------
    due, new_due, completed : Series of datetime64
        Original due date, last deferred date (NaT if never deferred), date completed.
    times_deferred : Series of int
    as_at : date
    quarter : Quarter
        The quarter whose "due this quarter" is meant.

    Returns
    -------
    DataFrame
        ``current_due_date``, ``status``, ``completed_known``, ``days_overdue`` (NaN unless
        overdue), ``days_late`` (NaN unless completed late), ``slipped_days`` (current minus
        original due), ``due_this_quarter``.
    """
    d, q0, q1 = _ts(as_at), _ts(quarter.start), _ts(quarter.end)
    current = new_due.where(new_due.notna(), due)
    done = completed.notna() & (completed <= d)
    late = done & current.notna() & (completed > current)
    overdue = ~done & current.notna() & (current < d)
    deferred = ~done & ~overdue & (times_deferred.fillna(0) > 0) & current.notna()
    in_q = current.notna() & (current >= q0) & (current <= q1)
    due_q = ~done & ~overdue & ~deferred & in_q
    later = ~done & current.notna() & (current > q1) & ~deferred
    status = np.select(
        [done & ~late, late, overdue, deferred, due_q, later],
        ["completed on time", "completed late", "overdue", "deferred", "due this quarter",
         "not yet due"],
        default="no date",
    )  # fmt: skip
    return pd.DataFrame(
        {
            "current_due_date": current,
            "status": pd.Series(status, index=due.index, dtype="object"),
            "completed_known": done,
            "days_overdue": (d - current).dt.days.where(overdue),
            "days_late": (completed - current).dt.days.where(late),
            "slipped_days": (current - due).dt.days,
            "due_this_quarter": in_q,
        },
        index=due.index,
    )


def _in_quarter(s: pd.Series, quarter: Quarter) -> pd.Series:
    return s.notna() & (s >= _ts(quarter.start)) & (s <= _ts(quarter.end))


def _note_age(notes: pd.Series, as_at: dt.date) -> pd.DataFrame:
    dates = pd.to_datetime(notes.map(leading_note_date).astype("object"))
    age = (_ts(as_at) - dates).dt.days
    return pd.DataFrame({"next_steps_date": dates, "next_steps_age_days": age.where(age >= 0)})


def rolling_report_status(df: pd.DataFrame, as_at: dt.date, quarter: Quarter) -> pd.DataFrame:
    """Appendix 2 rows with their status as at ``as_at`` and the reminder date now in force.

    The reminder of a deferred report moves with it, keeping the same lead time before the due
    date (a reminder 21 days before a 1 October report deferred to December becomes 21 days
    before 31 December).
    """
    st = schedule_status(df["dates_due_date"], df["new_due_date"], df["times_deferred"],
                         df["date_completed_date"], as_at, quarter)  # fmt: skip
    lead = df["dates_due_date"] - df["reminder_date_date"]
    reminder_now = (st["current_due_date"] - lead).where(
        df["times_deferred"] > 0, df["reminder_date_date"]
    )
    out = pd.DataFrame(
        {
            "ref": df["ref"], "report": df["report"], "due_to": df["due_to"],
            "named_lead": df["named_lead"], "dates_due": df["dates_due"],
            "due_date": df["dates_due_date"],
            "recurring": df["dates_due_rule"].fillna("").str.contains("recurring"),
            "request_date": df["request_date_date"], "reminder_date": df["reminder_date_date"],
            "reminder_in_force": reminder_now, "deferred_to": df["deferred_to"],
            "times_deferred": df["times_deferred"], "new_due_date": df["new_due_date"],
            "date_completed": df["date_completed_date"].where(st["completed_known"]),
        }
    )  # fmt: skip
    out = pd.concat([out, st.drop(columns="completed_known")], axis=1)
    out["in_quarter"] = (
        _in_quarter(out["due_date"], quarter) | out["due_this_quarter"]
        | _in_quarter(out["date_completed"], quarter)
    )  # fmt: skip
    out["progress_rag"] = df["progress_rag_value"]
    out["comment_next_steps"] = df["comment_next_steps"]
    out["linked_indicators"] = df["linked_indicators"]
    out["source_file"], out["source_row"] = df["source_file"], df["source_row"]
    return out


def _dates_by_key(keys: pd.Series, dates: pd.Series) -> pd.Series:
    """Each key's date in ``dates`` (indexed by key), NaT where none; an empty register (a new
    board's) gives an empty lookup and all NaT."""
    return pd.to_datetime(keys.map(dates.to_dict()).astype("object"))


def audit_status(schedule: pd.DataFrame, reports: pd.DataFrame, as_at: dt.date,
                 quarter: Quarter) -> pd.DataFrame:  # fmt: skip
    """Appendix 3 rows with their status, report date and the age of their next steps."""
    d = _ts(as_at)
    presented = (
        reports.loc[reports["date_presented_date"] <= d]
        .groupby("ref_key")["date_presented_date"]
        .min()
    )
    report_date = _dates_by_key(schedule["ref_key"], presented)
    key = schedule["key"].fillna("")
    completed = schedule["date_completed_date"]
    st = schedule_status(schedule["completed_by_date"], schedule["new_due_date"],
                         schedule["times_deferred"], completed, as_at, quarter)  # fmt: skip
    done = (
        st["completed_known"] | ((key == "Audit complete") & completed.isna()) | report_date.notna()
    )
    status = st["status"].where(
        ~done, np.where(report_date.notna(), "reported", "completed, no report")
    )
    status = status.where(key != "Audit did not proceed", "did not proceed")
    timeliness = st["status"].map({"completed on time": "on time", "completed late": "late"})
    out = pd.DataFrame(
        {
            "ref": schedule["ref"], "audit": schedule["audit"],
            "lead_auditor": schedule["lead_auditor"], "completed_by": schedule["completed_by"],
            "due_date": schedule["completed_by_date"], "deferred_to": schedule["deferred_to"],
            "times_deferred": schedule["times_deferred"], "new_due_date": schedule["new_due_date"],
            "current_due_date": st["current_due_date"],
            "date_completed": completed.where(st["completed_known"]), "report_date": report_date,
            "status": status, "timeliness": timeliness.where(done), "days_overdue": st["days_overdue"],
            "no_report": done & report_date.isna() & (key != "Audit did not proceed"),
            "due_this_quarter": st["due_this_quarter"],
            "number_completed": schedule["number_completed_number"],
            "next_steps": schedule["next_steps"],
        }
    )  # fmt: skip
    out = pd.concat([out, _note_age(schedule["next_steps"], as_at)], axis=1)
    out["linked_indicators"] = schedule["linked_indicators"]
    out["key"] = schedule["key"]
    out["ref_key"] = schedule["ref_key"]
    out["source_file"], out["source_row"] = schedule["source_file"], schedule["source_row"]
    return out


def action_status(actions: pd.DataFrame, as_at: dt.date, quarter: Quarter) -> pd.DataFrame:
    """Appendix 4 action-plan rows: completed (on time / late), overdue (past target), due."""
    zero = pd.Series(0, index=actions.index)
    nat = pd.Series(pd.NaT, index=actions.index, dtype="datetime64[ns]")
    st = schedule_status(actions["target_date_date"], nat, zero, actions["date_completed_date"],
                         as_at, quarter)  # fmt: skip
    out = pd.DataFrame(
        {
            "audit_ref": actions["audit_ref"], "action_no": actions["action_no_number"].astype("Int64"),
            "action": actions["action"], "named_lead": actions["named_lead"],
            "date_of_plan": actions["date_of_plan_date"], "target_date": actions["target_date_date"],
            "date_completed": actions["date_completed_date"].where(st["completed_known"]),
            "status": st["status"], "past_target_date": st["status"].eq("overdue"),
            "days_overdue": st["days_overdue"], "days_late": st["days_late"],
            "rag": actions["rag_value"], "evidence": actions["evidence"],
            "challenge": actions["challenge"],
            "source_file": actions["source_file"], "source_row": actions["source_row"],
        }
    )  # fmt: skip
    return out


def _first_date(text: object) -> pd.Timestamp:
    try:
        found = all_dates_in_text(text)
    except DateTextError:
        return pd.NaT
    return pd.Timestamp(found[0]) if found else pd.NaT


def learning_status(df: pd.DataFrame, as_at: dt.date, quarter: Quarter) -> pd.DataFrame:
    """Appendix 5 rows: completed or open, past target date, age since first identified.

    ``completed`` is the framework's "Completed Date/Evidence" text: completed when it is not
    blank; its date is the first date in it (unknown if none).
    """
    d = _ts(as_at)
    first = df["date_identified_first"]
    done_text = df["completed"].notna()
    done_date = pd.to_datetime(df["completed"].map(_first_date).astype("object"))
    done = done_text & (done_date.isna() | (done_date <= d))
    target = df["target_date_date"]
    past = ~done & target.notna() & (target < d)
    status = np.select([done, past], ["completed", "overdue"], default="open")
    known = first.notna() & (first <= d)
    return pd.DataFrame(
        {
            "ref": df["ref"], "added": df["added"], "source_of_learning": df["source_of_learning"],
            "action": df["action"], "who": df["who"], "first_identified": first,
            "last_identified": df["date_identified_last"], "times_identified": df["date_identified_count"],
            "target_date": target, "date_completed": done_date.where(done),
            "status": pd.Series(status, index=df.index, dtype="object"), "past_target_date": past,
            "age_days": (d - first).dt.days.where(known), "impact": df["impact"],
            "identified_by_as_at": known,
            "source_file": df["source_file"], "source_row": df["source_row"],
        }
    )  # fmt: skip


def impact_status(df: pd.DataFrame, as_at: dt.date, quarter: Quarter) -> pd.DataFrame:
    """Section 6.1: entries logged on or before ``as_at``, flagged when logged this quarter."""
    keep = df["date_date"].notna() & (df["date_date"] <= _ts(as_at))
    sub = df.loc[keep]
    return pd.DataFrame(
        {
            "ref": sub["ref"], "date": sub["date_date"], "pmqa_activity": sub["pmqa_activity"],
            "what_changed": sub["what_changed"], "impact_for_children": sub["impact_for_children"],
            "evidence": sub["evidence"], "reported_to": sub["reported_to"],
            "linked_indicators": sub["linked_indicators"], "linked_audit": sub["linked_audit"],
            "this_quarter": _in_quarter(sub["date_date"], quarter),
            "source_file": sub["source_file"], "source_row": sub["source_row"],
        }
    ).sort_values("date", kind="stable").reset_index(drop=True)  # fmt: skip


def proposal_status(proposals: pd.DataFrame, reports: pd.DataFrame, as_at: dt.date) -> pd.DataFrame:
    """Appendix 4 proposals presented by ``as_at``: awaiting decision, approved (reported or its
    report overdue), rejected."""
    d = _ts(as_at)
    sub = proposals.loc[proposals["date_presented_date"] <= d]
    presented = (
        reports.loc[reports["date_presented_date"] <= d]
        .groupby("ref_key")["date_presented_date"]
        .min()
    )
    report_date = _dates_by_key(sub["ref_key"], presented)
    dec = sub["decision"].str.lower()
    expected = sub["expected_report_date_date"]
    status = np.select(
        [dec == "pending", dec == "rejected", report_date.notna(), expected.notna() & (expected < d)],
        ["awaiting decision", "rejected", "approved, reported", "approved, report overdue"],
        default="approved",
    )  # fmt: skip
    return pd.DataFrame(
        {
            "audit_ref": sub["audit_ref"], "date_presented": sub["date_presented_date"],
            "main_focus": sub["main_focus"], "lead_auditor": sub["lead_auditor_contact"],
            "decision": dec, "expected_report_date": expected, "report_date": report_date,
            "status": pd.Series(status, index=sub.index, dtype="object"),
            "linked_indicators": sub["linked_indicators"],
            "source_file": sub["source_file"], "source_row": sub["source_row"],
        }
    ).reset_index(drop=True)  # fmt: skip


def status_tables(
    frames: dict[str, pd.DataFrame], as_at: dt.date, quarter: Quarter | None = None
) -> dict[str, pd.DataFrame]:
    """Every register's status table as at ``as_at`` (a quarter's end, or any date).

    Parameters
    ----------
    frames : dict
        Parsed, accepted register rows keyed by register name (``RegisterRead.frame``).
    as_at : date
    quarter : Quarter, optional
        The quarter for "due this quarter"; by default the quarter containing ``as_at``.
    """
    quarter = quarter or Quarter.of_date(as_at)
    return {
        "rolling_reports": rolling_report_status(frames["rolling_reports"], as_at, quarter),
        "audits": audit_status(frames["audit_schedule"], frames["audit_reports"], as_at, quarter),
        "proposals": proposal_status(frames["audit_proposals"], frames["audit_reports"], as_at),
        "actions": action_status(frames["audit_actions"], as_at, quarter),
        "learning": learning_status(frames["learning_pathway"], as_at, quarter),
        "impact": impact_status(frames["impact_log"], as_at, quarter),
    }


# ---------------------------------------------------------------------------------------
# Closing the loop: indicator triggers -> proposed audits

PROPOSED_COLUMNS = [
    "proposal_ref", "indicator", "name", "date_presented", "main_focus", "start_and_duration",
    "lead_auditor", "lead_contact", "audit_team", "rationale", "plan_methodology",
    "audit_questions", "decision", "expected_report_date", "already_scheduled",
]  # fmt: skip


def _fmt(value: object, precision: int) -> str:
    """Half away from zero (measures' one rounding rule), for display only."""
    if value is None or pd.isna(value):
        return "no data"
    return str(format_value([float(value)], int(precision))[0])


def proposed_audits(
    assurance: pd.DataFrame, catalogue, scheduled: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Indicators whose trigger is ``audit``, written as Appendix 4 audit proposals.

    Parameters
    ----------
    assurance : DataFrame
        One row per indicator (issue 4's ``assurance.csv``): ``indicator``, ``name``, ``value``,
        ``target``, ``trajectory``, ``mk_p_value``, ``band``, ``rag``, ``trigger``; ``period``
        or ``quarter`` is used when present.
    catalogue : Catalogue or DataFrame or None
        For the lead officer, contact, agency, precision and polarity (``Catalogue.to_frame()``).
    scheduled : DataFrame, optional
        The audit status table; a proposal whose indicator already has a live audit linked is
        marked ``already_scheduled`` with that audit's reference.

    Returns
    -------
    DataFrame
        Columns :data:`PROPOSED_COLUMNS`, one row per triggered indicator.
    """
    if assurance is None or assurance.empty or "trigger" not in assurance.columns:
        return pd.DataFrame(columns=PROPOSED_COLUMNS)
    hit = assurance.loc[
        assurance["trigger"].astype("string").str.strip().str.lower() == "audit"
    ].copy()
    if hit.empty:
        return pd.DataFrame(columns=PROPOSED_COLUMNS)
    hit["indicator"] = hit["indicator"].astype(str)
    cat = catalogue.to_frame() if hasattr(catalogue, "to_frame") else catalogue
    if cat is not None and len(cat):
        cols = [c for c in ("indicator", "lead_officer", "lead_email", "agency_name", "precision",
                            "polarity", "name", "unit") if c in cat.columns]  # fmt: skip
        cat = cat[cols].astype({"indicator": str}).rename(columns={"name": "catalogue_name"})
        cat = cat[["indicator", *[c for c in cat.columns if c not in hit.columns]]]
        hit = hit.merge(cat, on="indicator", how="left")
    for c in ("lead_officer", "lead_email", "agency_name", "catalogue_name", "polarity", "unit"):
        if c not in hit.columns:
            hit[c] = pd.NA
    if "precision" not in hit.columns:
        hit["precision"] = 1
    hit["precision"] = hit["precision"].fillna(1).astype(int)
    name = hit["name"] if "name" in hit.columns else hit["catalogue_name"]
    name = name.fillna(hit["catalogue_name"]).fillna(hit["indicator"])
    period_col = next((c for c in ("period", "quarter") if c in hit.columns), None)
    period = (
        hit[period_col].map(lambda p: Quarter.parse(p).label if _is_quarter(p) else str(p))
        if period_col
        else pd.Series("this quarter", index=hit.index)
    )
    value = [_fmt(v, p) for v, p in zip(hit["value"], hit["precision"], strict=True)]
    target = [
        _fmt(v, p)
        for v, p in zip(
            hit.get("target", pd.Series(np.nan, index=hit.index)), hit["precision"], strict=True
        )
    ]
    p_text = (
        hit["mk_p_value"].map(lambda p: "" if pd.isna(p) else f" (Mann-Kendall p = {float(p):.3f})")
        if "mk_p_value" in hit.columns
        else ""
    )
    rationale = (
        "Indicator " + hit["indicator"] + " (" + name + ") is " + hit.get("rag", "Red").fillna("Red").astype(str)
        + " in " + period + ": " + pd.Series(value, index=hit.index) + " against a target of "
        + pd.Series(target, index=hit.index) + " (" + hit.get("band", "Red").fillna("").astype(str)
        + " band), trajectory " + hit.get("trajectory", "deteriorating").fillna("unknown").astype(str)
        + p_text + ". Section 4.1.2: a missed target with a downward trend triggers a multi-agency audit."
    )  # fmt: skip
    team = (
        "Lead agency: "
        + hit["agency_name"].fillna("not recorded")
        + "; Multi Agency Audit Group members"
    )
    out = pd.DataFrame(
        {
            "proposal_ref": "PROPOSED " + hit["indicator"], "indicator": hit["indicator"], "name": name,
            "date_presented": "next Multi Agency Audit Group meeting",
            "main_focus": "Why is " + name.str.rstrip(".") + " off target and getting worse, and what would make children safer?",
            "start_and_duration": "One-off audit, to start next quarter; repeat if the indicator stays Red",
            "lead_auditor": hit["lead_officer"].fillna("lead officer not in catalogue"),
            "lead_contact": hit["lead_email"].fillna(""), "audit_team": team, "rationale": rationale,
            "plan_methodology": "Case file audit of a sample of the quarter's cases behind indicator "
            + hit["indicator"] + ", with practitioner conversations; compare with the data trend",
            "audit_questions": "What explains the change in the figures? Were thresholds applied consistently? "
            "What was the impact on children?",
            "decision": "pending", "expected_report_date": "", "already_scheduled": "",
        }
    ).reset_index(drop=True)  # fmt: skip
    if scheduled is not None and len(scheduled):
        live = scheduled.loc[~scheduled["status"].isin(["did not proceed", "reported"])]
        links = live.assign(ind=live["linked_indicators"].fillna("").str.split(r"[;,]")).explode(
            "ind"
        )
        links["ind"] = links["ind"].str.strip()
        refs = links.loc[links["ind"] != ""].groupby("ind")["ref"].agg("; ".join)
        out["already_scheduled"] = out["indicator"].map(refs).fillna("")
    return out[PROPOSED_COLUMNS]


def _is_quarter(p: object) -> bool:
    try:
        Quarter.parse(str(p))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------
# I/O-facing entry points


def reminders(rolling: pd.DataFrame, start: dt.date, days: int) -> pd.DataFrame:
    """Rolling reports not completed whose reminder in force falls in ``[start, start + days]``.

    Parameters
    ----------
    rolling : DataFrame
        :func:`rolling_report_status` as at ``start``.
    """
    lo, hi = _ts(start), _ts(start) + pd.Timedelta(days=days)
    r = rolling.loc[
        ~rolling["status"].isin(["completed on time", "completed late"])
        & rolling["reminder_in_force"].between(lo, hi)
    ]
    out = pd.DataFrame(
        {
            "lead": r["named_lead"], "report": r["report"], "due_to": r["due_to"],
            "due_date": r["current_due_date"], "reminder_date": r["reminder_in_force"],
            "request_date": r["request_date"], "status": r["status"], "ref": r["ref"],
        }
    )  # fmt: skip
    return out.sort_values(["reminder_date", "lead"], kind="stable").reset_index(drop=True)

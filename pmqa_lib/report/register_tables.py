"""The register tables the board report and drill-downs show: plain headings, readable dates, from
the status tables the registers stage wrote (``data/processed/<Q>/registers_*.csv``)."""

from __future__ import annotations

import pandas as pd

from pmqa_lib.core.files import Paths
from pmqa_lib.core.periods import Quarter
from pmqa_lib.registers.stage import read_processed

HEADINGS = {
    "ref": "Ref", "report": "Report", "due_to": "Due to", "named_lead": "Lead",
    "dates_due": "Due (as written)", "due_date": "Due date", "current_due_date": "Now due",
    "new_due_date": "Deferred to", "times_deferred": "Times deferred", "status": "Status",
    "days_overdue": "Days overdue", "date_completed": "Completed", "progress_rag": "RAG",
    "comment_next_steps": "Comment / next steps", "audit": "Audit", "lead_auditor": "Lead auditor",
    "report_date": "Report presented", "next_steps": "Next steps",
    "next_steps_age_days": "Age of next steps (days)", "audit_ref": "Audit", "action_no": "No.",
    "action": "Action", "target_date": "Target date", "rag": "RAG", "date": "Date",
    "pmqa_activity": "PMQA activity", "what_changed": "What changed",
    "impact_for_children": "Impact for children", "evidence": "Evidence",
    "reported_to": "Reported to", "indicator": "Indicator", "name": "Name",
    "main_focus": "Main focus", "rationale": "Rationale", "already_scheduled": "Audit already scheduled",
    "linked_indicators": "Indicators", "decision": "Decision", "timeliness": "On time?",
    "register": "Register", "file": "File", "row": "Row", "column": "Column", "message": "Problem",
    "severity": "Severity", "source_of_learning": "Source", "who": "Who", "age_days": "Age (days)",
}  # fmt: skip


_WHOLE = {"days_overdue", "next_steps_age_days", "age_days", "times_deferred", "action_no", "row"}


def _plain(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Chosen columns with plain headings; dates as ``6 Aug 2015``, counts as whole numbers."""
    out = df[cols].copy()
    for c in cols:
        if c in _WHOLE:
            out[c] = pd.to_numeric(out[c], errors="coerce").round().astype("Int64")
        elif c.endswith("date") or c in {"date", "date_completed", "current_due_date"}:
            parsed = pd.to_datetime(out[c], errors="coerce", format="%Y-%m-%d")
            out[c] = parsed.dt.strftime("%-d %b %Y").where(parsed.notna(), out[c])
    return out.rename(columns=HEADINGS).reset_index(drop=True)


def report_tables(quarter: Quarter, paths: Paths) -> dict[str, pd.DataFrame]:
    """The register tables the board report shows, with plain headings, from what :func:`run` wrote.

    Keys are the section titles the report prints, in order: rolling
    reports due, overdue, deferred or completed this quarter; the audit schedule's status; audit
    actions past their target date; open learning actions; the impact log; audits proposed by
    indicator triggers; register rows rejected or queried.
    """
    quarter = Quarter.parse(quarter)
    rr = read_processed(paths, quarter, "rolling_reports")
    show = rr["status"].isin(["overdue", "deferred", "due this quarter"]) | rr["in_quarter"].astype(
        bool
    )
    order = {
        "overdue": 0,
        "deferred": 1,
        "due this quarter": 2,
        "completed late": 3,
        "completed on time": 4,
    }
    rr = (
        rr.loc[show]
        .assign(_o=rr["status"].map(order).fillna(9))
        .sort_values(["_o", "current_due_date"], kind="stable")
    )
    au = read_processed(paths, quarter, "audits")
    ac = read_processed(paths, quarter, "actions")
    le = read_processed(paths, quarter, "learning")
    im = read_processed(paths, quarter, "impact")
    pa = read_processed(paths, quarter, "proposed_audits")
    pr = read_processed(paths, quarter, "problems")
    return {
        "Rolling reports due, overdue or deferred (Appendix 2)": _plain(rr, ["report", "due_to", "named_lead", "due_date", "current_due_date",
                                   "times_deferred", "status", "days_overdue", "date_completed",
                                   "progress_rag", "comment_next_steps"]),
        "Multi-agency audit schedule (Appendix 3)": _plain(au, ["ref", "audit", "lead_auditor", "current_due_date", "status",
                              "report_date", "next_steps_age_days", "linked_indicators"]),
        "Audit actions past their target date (Appendix 4)": _plain(ac.loc[ac["status"] == "overdue"],
                                  ["audit_ref", "action_no", "action", "named_lead", "target_date",
                                   "days_overdue", "rag"]),
        "Learning and implementation actions open (Appendix 5)": _plain(le.loc[le["status"] != "completed"],
                                ["ref", "source_of_learning", "action", "who", "target_date",
                                 "status", "age_days"]),
        "Impact log (section 6.1)": _plain(im, ["date", "pmqa_activity", "what_changed", "impact_for_children",
                                  "reported_to"]),
        "Audits proposed by indicator triggers (section 4.1.2)": _plain(pa, ["indicator", "name", "lead_auditor", "rationale",
                                       "already_scheduled"]),
        "Register rows rejected or queried": _plain(pr, ["file", "row", "column", "severity", "message"]),
    }  # fmt: skip


#: the registers each report table is made from (spec names, pmqa_lib.registers.specs)
TABLE_SOURCES = {
    "Rolling reports due, overdue or deferred (Appendix 2)": ("rolling_reports",),
    "Multi-agency audit schedule (Appendix 3)": ("audit_schedule", "audit_reports"),
    "Audit actions past their target date (Appendix 4)": ("audit_actions",),
    "Learning and implementation actions open (Appendix 5)": ("learning_pathway",),
    "Impact log (section 6.1)": ("impact_log",),
    "Audits proposed by indicator triggers (section 4.1.2)": ("audit_schedule",),
}
#: problems that leave a whole register out (pmqa_lib.registers.reading)
UNREADABLE_RULES = ("file_readable", "required_columns", "file_present")


def unreadable_tables(quarter: Quarter, paths: Paths) -> dict[str, str]:
    """For each report table whose register could not be read (or is missing), what to say
    instead of an empty table: the problem, and where the list of problems is."""
    pr = read_processed(paths, Quarter.parse(quarter), "problems")
    if pr.empty or "rule" not in pr:
        return {}
    whole = pr[pr["rule"].isin(UNREADABLE_RULES)]
    out = {}
    for title, sources in TABLE_SOURCES.items():
        hits = whole[whole["register"].isin(sources)]
        if len(hits):
            why = (
                "there is no register file"
                if hits["rule"].eq("file_present").all()
                else "the register could not be read"
            )
            out[title] = (
                f"Not shown: {why}, so this list is unknown, not empty. "
                + " ".join(hits["message"].astype(str))
                + " See \u201cRegister rows rejected or queried\u201d below and "
                "registers_problems.csv."
            )
    return out


def audits_for_indicator(quarter: Quarter, paths: Paths | str, ref: str | Paths) -> pd.DataFrame:
    """Audits linked to indicator ``ref``: scheduled ones (any status) and any proposed by its trigger.

    Columns: ``kind`` (scheduled / proposed), ``ref``, ``audit``, ``lead_auditor``, ``status``,
    ``current_due_date``, ``report_date``, ``next_steps``. Accepts ``(quarter, ref, paths)`` too.
    """
    if isinstance(ref, Paths):  # also accept (quarter, ref, paths)
        paths, ref = ref, paths
    quarter = Quarter.parse(quarter)
    ref = str(ref)
    au = read_processed(paths, quarter, "audits")
    linked = (
        au["linked_indicators"]
        .fillna("")
        .str.split(r"[;,]")
        .map(lambda xs: ref in [x.strip() for x in xs])
    )
    sched = au.loc[
        linked,
        ["ref", "audit", "lead_auditor", "status", "current_due_date", "report_date", "next_steps"],
    ]
    sched.insert(0, "kind", "scheduled")
    pa = read_processed(paths, quarter, "proposed_audits")
    prop = pa.loc[pa["indicator"].astype(str) == ref]
    prop = pd.DataFrame(
        {
            "kind": "proposed", "ref": prop["proposal_ref"], "audit": prop["main_focus"],
            "lead_auditor": prop["lead_auditor"], "status": "proposed by trigger",
            "current_due_date": pd.NA, "report_date": pd.NA, "next_steps": prop["rationale"],
        }
    )  # fmt: skip
    frames = [f for f in (sched, prop) if len(f)]
    if not frames:
        return pd.DataFrame(columns=["kind", *sched.columns[1:]])
    return pd.concat(frames, ignore_index=True)

"""What each governance register holds: its file, columns, dates, keys and free text.

One :class:`RegisterSpec` per register of the framework (Appendices 2-5, section 6.1). The columns
are the framework's own (snake_case), plus a few structured columns pmqa adds so that status can be
computed rather than read from prose (``deferred_to``, ``date_completed``, ``linked_indicators``).
Headings as the framework prints them (``Date(s) Due:``, ``Progress (RAG)``, ``Ref. No``) are
accepted too: see :data:`HEADING_ALIASES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RegisterSpec:
    """The layout of one register file.

    Parameters
    ----------
    name : str
        Short name, also the file stem (``rolling_reports`` -> ``rolling_reports.csv|xlsx``) and
        the suite name (``expectations/register_rolling_reports.json``).
    title : str
        The framework's title, for people.
    columns : tuple of str
        Every column, in order. ``required`` ones must be present in the file; the others may
        be left out (read as blank).
    required : tuple of str
        Columns the file must have.
    dates : dict
        Date columns -> the column whose date a year-less phrase falls on or before (or None).
    key : tuple of str
        Columns that identify a row (unique).
    rag : str or None
        The RAG column (R/A/G or Red/Amber/Green, blank allowed).
    deferral : tuple or None
        (text column that may say "deferred", column of new dates, due-date column).
    """

    name: str
    title: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    dates: dict[str, str | None] = field(default_factory=dict)
    key: tuple[str, ...] = ("ref",)
    rag: str | None = None
    deferral: tuple[str, str, str] | None = None
    linked: str | None = "linked_indicators"
    whole_numbers: tuple[str, ...] = ()
    multi_date: tuple[str, ...] = ()

    @property
    def free_text(self) -> tuple[str, ...]:
        """Columns that hold text (every column that is not a date or number)."""
        skip = set(self.dates) | set(self.whole_numbers) | set(self.multi_date)
        return tuple(c for c in self.columns if c not in skip)

    @property
    def suite_name(self) -> str:
        return f"register_{self.name}"


ROLLING_REPORTS = RegisterSpec(
    name="rolling_reports",
    title="Schedule of rolling reports (Appendix 2)",
    columns=(
        "ref", "report", "dates_due", "due_to", "named_lead", "rationale", "business_plan_link",
        "request_date", "reminder_date", "comment_next_steps", "progress_rag",
        "deferred_to", "date_completed", "linked_indicators", "source",
    ),
    required=(
        "ref", "report", "dates_due", "due_to", "named_lead", "request_date", "reminder_date",
        "comment_next_steps", "progress_rag",
    ),
    dates={"dates_due": None, "request_date": "dates_due", "reminder_date": "dates_due",
           "date_completed": None},
    rag="progress_rag",
    deferral=("comment_next_steps", "deferred_to", "dates_due"),
)  # fmt: skip

AUDIT_SCHEDULE = RegisterSpec(
    name="audit_schedule",
    title="Schedule of multi-agency audits (Appendix 3)",
    columns=(
        "ref", "audit", "completed_by", "lead_auditor", "rationale_source", "reported_challenged",
        "audit_type", "number_completed", "report_to_business_group", "next_steps",
        "key", "deferred_to", "date_completed", "linked_indicators", "source",
    ),
    required=("ref", "audit", "completed_by", "lead_auditor", "next_steps"),
    dates={"completed_by": None, "date_completed": None},
    deferral=("completed_by", "deferred_to", "completed_by"),
    whole_numbers=("number_completed",),
)  # fmt: skip

AUDIT_PROPOSALS = RegisterSpec(
    name="audit_proposals",
    title="Proposals for multi-agency audit activity (Appendix 4)",
    columns=(
        "audit_ref", "date_presented", "main_focus", "start_and_duration", "lead_auditor_contact",
        "audit_team", "rationale", "plan_methodology", "audit_questions", "challenge",
        "decision", "expected_report_date", "signed_chair_date", "linked_indicators", "source",
    ),
    required=("audit_ref", "date_presented", "main_focus", "lead_auditor_contact", "decision"),
    dates={"date_presented": None, "expected_report_date": "date_presented",
           "signed_chair_date": None},
    key=("audit_ref",),
)  # fmt: skip

AUDIT_REPORTS = RegisterSpec(
    name="audit_reports",
    title="Multi-agency audit reports (Appendix 4)",
    columns=(
        "audit_ref", "date_presented", "main_focus", "date_undertaken", "lead_auditor_contact",
        "data_telling", "story_behind", "challenge", "further_action", "signed_chair_date", "source",
    ),
    required=("audit_ref", "date_presented", "main_focus", "lead_auditor_contact"),
    dates={"date_presented": None, "signed_chair_date": None},
    key=("audit_ref",),
    linked=None,
    multi_date=("date_undertaken",),
)  # fmt: skip

AUDIT_ACTIONS = RegisterSpec(
    name="audit_actions",
    title="Multi-agency audit action plans (Appendix 4)",
    columns=(
        "audit_ref", "action_no", "date_of_plan", "action", "named_lead", "target_date",
        "evidence", "group_comment", "rag", "date_completed", "challenge", "source",
    ),
    required=("audit_ref", "action_no", "date_of_plan", "action", "named_lead", "target_date",
              "rag", "date_completed"),
    dates={"date_of_plan": None, "target_date": "date_of_plan", "date_completed": None},
    key=("audit_ref", "action_no"),
    rag="rag",
    linked=None,
    whole_numbers=("action_no",),
)  # fmt: skip

LEARNING_PATHWAY = RegisterSpec(
    name="learning_pathway",
    title="Learning and implementation action pathway (Appendix 5)",
    columns=(
        "ref", "added", "date_identified", "source_of_learning", "action", "who",
        "implementation_evidence", "impact", "completed", "target_date", "source",
    ),
    required=("ref", "date_identified", "source_of_learning", "action", "who", "completed"),
    dates={"target_date": None},
    linked=None,
    multi_date=("date_identified",),
)  # fmt: skip

IMPACT_LOG = RegisterSpec(
    name="impact_log",
    title="CSCB impact log (section 6.1)",
    columns=(
        "ref", "date", "pmqa_activity", "what_changed", "impact_for_children", "evidence",
        "reported_to", "linked_indicators", "linked_audit", "source",
    ),
    required=("ref", "date", "pmqa_activity", "what_changed", "impact_for_children"),
    dates={"date": None},
)  # fmt: skip

SPECS: dict[str, RegisterSpec] = {
    s.name: s
    for s in (
        ROLLING_REPORTS, AUDIT_SCHEDULE, AUDIT_PROPOSALS, AUDIT_REPORTS, AUDIT_ACTIONS,
        LEARNING_PATHWAY, IMPACT_LOG,
    )
}  # fmt: skip

#: Headings as the framework prints them (after :func:`normalise_heading`) -> pmqa column.
HEADING_ALIASES: dict[str, str] = {
    "date_s_due": "dates_due",
    "dates_due": "dates_due",
    "comment_next_steps": "comment_next_steps",
    "progress_rag": "progress_rag",
    "ref_no": "ref",
    "multi_agency_audit": "audit",
    "audit_completed_by": "completed_by",
    "business_rationale_for_audit": "rationale_source",
    "reported_and_peer_challenged": "reported_challenged",
    "type_of_audit": "audit_type",
    "no_of_audits_completed": "number_completed",
    "date_identified": "date_identified",
    "source_of_learning": "source_of_learning",
    "action_required": "action",
    "who_is_responsible": "who",
    "ways_of_implementation_and_evidence_gathering": "implementation_evidence",
    "impact_of_learning": "impact",
    "completed_date_evidence": "completed",
    "target_date_for_completion": "target_date",
    "date_actions_completed": "date_completed",
}

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_heading(text: object) -> str:
    """``'Date(s) Due:'`` -> ``'date_s_due'`` -> alias -> ``'dates_due'``."""
    key = _NON_WORD.sub("_", str(text).strip().lower()).strip("_")
    return HEADING_ALIASES.get(key, key)

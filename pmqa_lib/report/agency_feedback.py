"""Feedback an agency can act on, and only its own: one HTML page and one email-ready plain-text
summary per agency, ``data/processed/<Q>/feedback/<AGENCY>.html`` and ``<AGENCY>.txt``.

Each holds only that agency's files, rows, chase list entries and revisions: the rows of the
files named for it (``<AGENCY>_<quarter>``), and the indicators it leads on. The combined report
(``validation_report.html``, :mod:`pmqa_lib.report.validation_pages`) stays for the analyst. The
text is written to be pasted into an email as it is: plain sentences, numbered problems, each
naming the file, row and column, the value sent, the rule and what to do. Bidirectional controls
in returned text are shown as visible tags (``[U+202E]``), as everywhere pmqa writes text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmqa_lib.core.catalogue import Catalogue
from pmqa_lib.core.files import Paths, write_text
from pmqa_lib.core.format import format_number
from pmqa_lib.core.periods import Quarter
from pmqa_lib.core.text_rules import show_controls
from pmqa_lib.report import validation_pages

FEEDBACK_DIR = "feedback"


def _mine(df: pd.DataFrame, code: str) -> pd.DataFrame:
    return df[df["agency"] == code] if len(df) and "agency" in df else df.iloc[0:0]


def _int(v: object) -> str:
    return "" if v is None or pd.isna(v) else str(int(v))


def _revision_side(rec: dict, side: str) -> str:
    value = rec.get(f"{side}_value")
    if value is not None and pd.notna(value):
        return format_number(value, 2).rstrip("0").rstrip(".")
    parts = [
        f"{part} {format_number(rec.get(f'{side}_{part}'), 0)}"
        for part in ("numerator", "denominator")
        if rec.get(f"{side}_{part}") is not None and pd.notna(rec.get(f"{side}_{part}"))
    ]
    return ", ".join(parts) or "no figure"


def render_text(outcome, catalogue: Catalogue, quarter: Quarter, code: str) -> str:
    """The email-ready plain-text summary for one agency (its rows only)."""
    q = Quarter.parse(quarter)
    agency = catalogue.agencies.get(code)
    name = agency.name if agency else code
    contact = agency.contact if agency else None
    files = _mine(outcome.files, code)
    f = outcome.failures
    mine_f = (
        f[f["source_file"].isin(files["source_file"])] if len(f) and len(files) else f.iloc[0:0]
    )
    errors = mine_f[mine_f["severity"] == "error"]
    warns = mine_f[mine_f["severity"] == "warning"]
    chase = _mine(outcome.missing, code)
    revs = _mine(outcome.revisions, code)

    if files.empty:
        headline = "no return received"
    elif (files["status"] == "rejected").all():
        headline = "return rejected: please send it again"
    elif len(errors):
        headline = f"{errors['source_row'].nunique()} row(s) to correct"
    elif len(warns):
        headline = f"{len(warns)} figure(s) to confirm"
    else:
        headline = "accepted, thank you"
    lines = [
        f"Subject: {catalogue.board_short_name} performance return, {q.label}: {headline}",
        "",
        f"To: {contact.name} <{contact.email}>" if contact and contact.email else f"To: {name}",
        "",
        f"Dear {contact.name if contact else name},",
        "",
        f"This is the check of the return from {name} for {q.long_label}.",
        "",
    ]
    if files.empty:
        lines.append(f"No return from {code} has been received for {q.label}.")
    for rec in files.to_dict("records"):
        if rec["status"] == "rejected":
            lines.append(
                f"- {rec['source_file']}: the file was rejected, so nothing in it is used: "
                f"{rec['reason']}."
            )
        else:
            bad = errors[errors["source_file"] == rec["source_file"]]["source_row"].nunique()
            lines.append(
                f"- {rec['source_file']}: {int(rec['rows']) - bad} of {int(rec['rows'])} row(s) "
                f"accepted, {bad} rejected."
            )
    if len(errors):
        lines += ["", "Please correct these and send the return again:"]
        lines += [f"{k}. {m}" for k, m in enumerate(errors["message"], start=1)]
    if len(warns):
        lines += [
            "",
            "Please check these figures (they are accepted; a figure far outside its usual range "
            "is shown to the board as queried until you confirm it or send a correction):",
        ]
        lines += [f"{k}. {m}" for k, m in enumerate(warns["message"], start=1)]
    if len(chase):
        lines += ["", f"Indicators to chase for {q.label}:"]
        for rec in chase.to_dict("records"):
            lines.append(f"- {rec['indicator']} {rec.get('name', '')}: {rec['what_is_missing']}")
    if len(revs):
        lines += ["", "Figures your return revised for earlier quarters (please confirm):"]
        for rec in revs.to_dict("records"):
            lines.append(
                f"- {rec['indicator']} for {Quarter.parse(rec['period']).label}: "
                f"{_revision_side(rec, 'old')} -> {_revision_side(rec, 'new')} "
                f"({rec['source_file']}, row {_int(rec['source_row'])})"
            )
    lines += [
        "",
        "Rows are numbered as in a spreadsheet: the header is row 1. The return template "
        "for next quarter shows which column each indicator uses.",
        "",
        f"{catalogue.board_short_name} performance team",
        "",
    ]
    return show_controls("\n".join(lines))


def render_html(outcome, catalogue: Catalogue, quarter: Quarter, code: str) -> str:
    """One agency's own validation page (its section of the analyst's report, alone)."""
    q = Quarter.parse(quarter)
    name = catalogue.agencies[code].name if code in catalogue.agencies else code
    return validation_pages.page_html(
        f"{code}: validation of your return, {q.label}",
        f"{catalogue.board_short_name}: validation of {name}'s return, {q.long_label}",
        [
            validation_pages.HOW_TO_READ,
            validation_pages.agency_section(outcome, catalogue, q, code),
        ],
        catalogue,
    )


def agencies(outcome, catalogue: Catalogue) -> list[str]:
    """Every board agency, and any other agency a file in the folder is named for."""
    named = set(outcome.files["agency"].dropna()) if len(outcome.files) else set()
    return sorted(set(catalogue.agencies) | named)


def write(outcome, quarter: Quarter, paths: Paths) -> list[Path]:
    """Write each agency's page and text to ``data/processed/<Q>/feedback/``."""
    folder = paths.processed_dir(quarter) / FEEDBACK_DIR
    out = []
    for code in agencies(outcome, outcome.catalogue):
        out.append(
            write_text(
                render_html(outcome, outcome.catalogue, quarter, code), folder / f"{code}.html"
            )
        )
        out.append(
            write_text(
                render_text(outcome, outcome.catalogue, quarter, code), folder / f"{code}.txt"
            )
        )
    return out

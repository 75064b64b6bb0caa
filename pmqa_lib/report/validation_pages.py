"""The human-readable validation report: one section per agency, to send back to the agency.

Self-contained HTML (inline CSS, no scripts, no external links). Every piece of text from a return
is HTML-escaped, so a ``<script>`` in commentary is shown as text and never runs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmqa_lib.core.catalogue import Catalogue
from pmqa_lib.core.files import Paths, write_text
from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import accessibility
from pmqa_lib.report.html_blocks import esc

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:2em;color:#1b1b1b;max-width:75em}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:2px solid #1d70b8;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1em 0;width:100%}
th,td{border:1px solid #b1b4b6;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f3f2f1}.rejected{color:#d4351c;font-weight:bold}.ok{color:#00703c;font-weight:bold}
.warning{color:#8a4b00}.summary td{font-size:1em}code{white-space:pre-wrap;word-break:break-all}
"""


def _e(x) -> str:
    """:func:`pmqa_lib.report.html_blocks.esc` (the one escaper), with whole-number floats shown as integers
    (row 7, not 7.0)."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return esc(x)


def _table(df: pd.DataFrame, columns: dict[str, str], code: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{_e(label)}</th>" for label in columns.values())
    body = []
    for rec in df.to_dict("records"):
        cells = []
        for c in columns:
            v = _e(rec.get(c))
            cells.append(f"<td><code>{v}</code></td>" if c in code and v else f"<td>{v}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_FAIL_COLS = {
    "source_row": "Row",
    "column": "Column",
    "value": "Value sent",
    "indicator": "Indicator",
    "period": "Period",
    "rule_text": "Rule",
    "what_to_do": "What to do",
}


def render(outcome, catalogue: Catalogue, quarter: Quarter) -> str:
    """The report for ``outcome`` (a :class:`pmqa_lib.validate.stage.ValidationOutcome`)."""
    q = Quarter.parse(quarter)
    files, f = outcome.files, outcome.failures
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Validation of agency returns, {_e(q.label)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(catalogue.board_name)}: validation of agency returns, {_e(q.long_label)}</h1>",
        "<table class='summary'><tbody>",
        f"<tr><td>Files received</td><td>{outcome.files_received}</td></tr>",
        f"<tr><td>Files rejected whole</td><td>{outcome.files_rejected}</td></tr>",
        f"<tr><td>Rows accepted</td><td>{outcome.rows_accepted}</td></tr>",
        f"<tr><td>Rows rejected</td><td>{outcome.rows_rejected}</td></tr>",
        f"<tr><td>Warnings (reported, not rejected)</td><td>{outcome.warnings}</td></tr>",
        f"<tr><td>Indicators with no figure this quarter (chase list)</td><td>{len(outcome.missing)}</td></tr>",
        f"<tr><td>Revisions to earlier quarters</td><td>{len(outcome.revisions)}</td></tr>",
        "</tbody></table>",
        "<p>A file that cannot be read as a return is rejected whole. A row that breaks a rule is rejected, and "
        "its indicator shows &quot;no data: return rejected&quot; for the quarter. Warnings are for checking "
        "only. Rows are numbered as in a spreadsheet: the header is row 1.</p>",
        accessibility.statement_link(),
    ]
    agencies = sorted(
        set(catalogue.agencies) | set(files["agency"].dropna())
        if len(files)
        else set(catalogue.agencies)
    )
    for code in agencies:
        name = catalogue.agencies[code].name if code in catalogue.agencies else "not a board agency"
        parts.append(f"<h2 id='agency-{_e(code)}'>{_e(code)}: {_e(name)}</h2>")
        mine = files[files["agency"] == code] if len(files) else files
        if mine.empty:
            parts.append(f"<p class='rejected'>No return received for {_e(q.label)}.</p>")
        for rec in mine.to_dict("records"):
            fname = rec["source_file"]
            ff = f[f["source_file"] == fname] if len(f) else f
            errors, warns = ff[ff["severity"] == "error"], ff[ff["severity"] == "warning"]
            if rec["status"] == "rejected":
                status = f"<span class='rejected'>file rejected</span>: {_e(rec['reason'])}"
            elif len(errors):
                n = errors["source_row"].nunique()
                status = (
                    f"<span class='rejected'>{n} row(s) rejected</span>, the other rows accepted"
                )
            else:
                status = f"<span class='ok'>accepted</span> ({_e(rec['rows'])} rows)"
            parts.append(f"<h3>{_e(fname)}</h3><p>{status}</p>")
            if len(errors) and rec["status"] != "rejected":
                parts.append(
                    "<p>Problems to correct:</p>" + _table(errors, _FAIL_COLS, code=("value",))
                )
            elif rec["status"] == "rejected":
                parts.append(
                    _table(
                        errors,
                        {"source_row": "Row", "column": "Column", "what_to_do": "What to do"},
                    )
                )
            if len(warns):
                parts.append(
                    "<p class='warning'>Warnings (please check; the rows are accepted):</p>"
                )
                parts.append(_table(warns, _FAIL_COLS, code=("value",)))
        chase = (
            outcome.missing[outcome.missing["agency"] == code]
            if len(outcome.missing)
            else outcome.missing
        )
        if len(chase):
            parts.append(f"<p>Indicators with no figure for {_e(q.label)}:</p>")
            parts.append(
                _table(
                    chase,
                    {
                        "indicator": "Indicator",
                        "name": "Name",
                        "lead_officer": "Lead officer",
                        "what_is_missing": "What is missing",
                    },
                )
            )
        revs = (
            outcome.revisions[outcome.revisions["agency"] == code]
            if len(outcome.revisions)
            else outcome.revisions
        )
        if len(revs):
            parts.append("<p>Revisions to earlier quarters made by this return:</p>")
            parts.append(
                _table(
                    revs,
                    {
                        "indicator": "Indicator",
                        "period": "Period",
                        "old_numerator": "Old numerator",
                        "new_numerator": "New numerator",
                        "old_value": "Old value",
                        "new_value": "New value",
                        "old_source_file": "Replaces figure from",
                        "source_file": "Revised in",
                        "source_row": "Row",
                    },  # fmt: skip
                )
            )
    parts.append(accessibility.statement_section(catalogue))  # the file is sent on its own
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write(outcome, quarter: Quarter, paths: Paths) -> Path:
    """Write the analyst's validation report, ``data/processed/<Q>/validation_report.html``."""
    return write_text(
        render(outcome, outcome.catalogue, quarter),
        paths.processed_dir(quarter) / "validation_report.html",
    )

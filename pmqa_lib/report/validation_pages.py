"""The human-readable validation report: one section per agency, for the analyst.

Self-contained HTML (inline CSS, no scripts, no external links). Every piece of text from a return
is HTML-escaped (and its bidirectional controls shown, :func:`pmqa_lib.report.html_blocks.esc`), so
a ``<script>`` in commentary is shown as text and never runs. Each agency's own page and email
text, holding only its rows, are :mod:`pmqa_lib.report.agency_feedback`'s, built from the same
sections (:func:`agency_section`).
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
    "detail": "Rule",
    "what_to_do": "What to do",
}
_REVISION_COLS = {
    "indicator": "Indicator",
    "period": "Period",
    "old_numerator": "Old numerator",
    "new_numerator": "New numerator",
    "old_value": "Old value",
    "new_value": "New value",
    "old_source_file": "Replaces figure from",
    "source_file": "Revised in",
    "source_row": "Row",
}
_CHASE_COLS = {
    "indicator": "Indicator",
    "name": "Name",
    "lead_officer": "Lead officer",
    "status": "Status",
    "what_is_missing": "What is missing",
}


def page_html(title: str, heading: str, body: list[str], catalogue: Catalogue | None) -> str:
    """A validation page: sent to an agency on its own, so it carries the accessibility
    statement itself (linked from the top)."""
    return "\n".join(
        [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{_e(heading)}</h1>",
            accessibility.statement_link(),
            *body,
            accessibility.statement_section(catalogue),
            "</body></html>\n",
        ]
    )


def _failures(outcome) -> pd.DataFrame:
    f = outcome.failures
    if "detail" not in f and len(f):  # an outcome from before the column existed
        f = f.assign(detail=f["rule_text"])
    return f


def _mine(df: pd.DataFrame, code: str) -> pd.DataFrame:
    return df[df["agency"] == code] if len(df) else df


def agency_section(outcome, catalogue: Catalogue, quarter: Quarter, code: str) -> str:
    """One agency's section: each of its files with its rejections and warnings (file, row,
    column, the value sent, the rule in plain English, what to do), its indicators with no
    figure, and the revisions its return made. Holds that agency's rows only."""
    q = Quarter.parse(quarter)
    files, f = outcome.files, _failures(outcome)
    name = catalogue.agencies[code].name if code in catalogue.agencies else "not a board agency"
    parts = [f"<h2 id='agency-{_e(code)}'>{_e(code)}: {_e(name)}</h2>"]
    mine = _mine(files, code)
    if mine.empty:
        parts.append(f"<p class='rejected'>No return received for {_e(q.label)}.</p>")
    for rec in mine.to_dict("records"):
        parts += _file_block(rec, f)
    chase = _mine(outcome.missing, code)
    if len(chase):
        parts.append(f"<p>Indicators to chase for {_e(q.label)}:</p>")
        parts.append(_table(chase, {c: v for c, v in _CHASE_COLS.items() if c in chase}))
    revs = _mine(outcome.revisions, code)
    if len(revs):
        parts.append("<p>Revisions to earlier quarters made by this return:</p>")
        parts.append(_table(revs, _REVISION_COLS))
    return "\n".join(parts)


def _file_block(rec: dict, f: pd.DataFrame) -> list[str]:
    fname = rec["source_file"]
    ff = f[f["source_file"] == fname] if len(f) else f
    errors, warns = ff[ff["severity"] == "error"], ff[ff["severity"] == "warning"]
    if rec["status"] == "rejected":
        status = f"<span class='rejected'>file rejected</span>: {_e(rec['reason'])}"
    elif len(errors):
        n = errors["source_row"].nunique()
        status = f"<span class='rejected'>{n} row(s) rejected</span>, the other rows accepted"
    else:
        status = f"<span class='ok'>accepted</span> ({_e(rec['rows'])} rows)"
    parts = [f"<h3>{_e(fname)}</h3><p>{status}</p>"]
    if len(errors) and rec["status"] != "rejected":
        parts.append("<p>Problems to correct:</p>" + _table(errors, _FAIL_COLS, code=("value",)))
    elif rec["status"] == "rejected":
        parts.append(
            _table(errors, {"source_row": "Row", "column": "Column", "what_to_do": "What to do"})
        )
    if len(warns):
        parts.append(
            "<p class='warning'>Warnings (please check; the rows are accepted, and a figure "
            "far outside its usual range is shown to the board as queried until you confirm "
            "it):</p>"
        )
        parts.append(_table(warns, _FAIL_COLS, code=("value",)))
    return parts


def _summary_table(outcome) -> str:
    rows = [
        ("Files received", outcome.files_received),
        ("Files rejected whole", outcome.files_rejected),
        ("Rows accepted", outcome.rows_accepted),
        ("Rows rejected", outcome.rows_rejected),
        ("Warnings (reported, not rejected)", outcome.warnings),
        ("Indicators to chase this quarter (chase list)", len(outcome.missing)),
        ("Revisions to earlier quarters", len(outcome.revisions)),
    ]
    body = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table class='summary'><tbody>{body}</tbody></table>"


HOW_TO_READ = (
    "<p>A file that cannot be read as a return is rejected whole. A row that breaks a rule is "
    "rejected, and its indicator shows &quot;no data: return rejected&quot; for the quarter. "
    "Warnings are for checking. Rows are numbered as in a spreadsheet: the header is row 1.</p>"
)


def render(outcome, catalogue: Catalogue, quarter: Quarter) -> str:
    """The analyst's report for ``outcome`` (a :class:`pmqa_lib.validate.stage.ValidationOutcome`):
    every agency's section, and any file in the folder that is named for no agency."""
    q = Quarter.parse(quarter)
    files = outcome.files
    agencies = sorted(
        set(catalogue.agencies) | set(files["agency"].dropna())
        if len(files)
        else set(catalogue.agencies)
    )
    body = [_summary_table(outcome), HOW_TO_READ]
    body += [agency_section(outcome, catalogue, q, code) for code in agencies]
    unnamed = files[files["agency"].isna()] if len(files) else files
    if len(unnamed):
        body.append("<h2 id='no-agency'>Files named for no agency</h2>")
        body.append(
            "<p>These files are in the returns folder but their names do not say which agency "
            "sent them (or they are not files), so nothing in them is used:</p>"
        )
        for rec in unnamed.to_dict("records"):
            body += _file_block(rec, _failures(outcome))
    return page_html(
        f"Validation of agency returns, {q.label}",
        f"{catalogue.board_name}: validation of agency returns, {q.long_label}",
        body,
        catalogue,
    )


def write(outcome, quarter: Quarter, paths: Paths) -> Path:
    """Write the analyst's validation report, ``data/processed/<Q>/validation_report.html``."""
    return write_text(
        render(outcome, outcome.catalogue, quarter),
        paths.processed_dir(quarter) / "validation_report.html",
    )

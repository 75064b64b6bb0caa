"""Excel return templates: ``make templates Q=2015Q3`` writes one workbook per agency.

``reports/templates/<Q>/<AGENCY>_<Q>.xlsx`` (never ``data/raw``). The templates are built to
prevent the faults validation rejects:

- Sheet ``Return`` is exactly the layout the suites expect (docs/architecture.md), one row per
  indicator the agency leads on that is due in quarter Q (quarterly ones every quarter; annual ones
  in their reporting quarter), with ``agency``, ``indicator`` and ``period`` filled in and locked.
  Each indicator cell carries a note with the indicator's name and unit and which of numerator,
  denominator and value to fill (:func:`pmqa_lib.core.units.template_columns`); the cells to fill
  are white, unlocked, and accept only a number in range (Excel data validation, error style
  "stop"), with a prompt saying what goes in them; the others are grey, locked and must stay
  blank. ``proposed_rag`` accepts only Red, Amber or Green from a list; the text columns are
  limited to the lengths the suite allows. The header is frozen; the sheet is protected (without
  a password: it guards against slips, not people). Twenty blank rows below, unlocked, take
  revisions of earlier quarters.
- Sheet ``Guidance`` says how to fill the return, column by column and unit by unit.
- Sheet ``Last quarter`` shows the figures accepted for the previous quarter (from its
  ``observations.csv``), or says why there are none.
- Sheet ``Definitions`` gives each indicator's name, unit, frequency, polarity, what good looks
  like, the columns to fill, the plausible range and the lead officer.

Excel enforces data validation only for what is typed into a cell; pasted values and edits in
other programs are not checked, which is why every return is still validated when it comes back.
"""

from __future__ import annotations

import logging

import pandas as pd

from pmqa_lib.core import units
from pmqa_lib.core.catalogue import UNIT_LABELS, Catalogue, load_catalogue
from pmqa_lib.core.files import Paths, atomic_path, protect_cells
from pmqa_lib.core.format import RAGS
from pmqa_lib.core.periods import Quarter
from pmqa_lib.validate.ingest import NUMBER_COLUMNS, RETURN_COLUMNS, RETURN_SHEET
from pmqa_lib.validate.observations import REPORTING_QUARTER

log = logging.getLogger(__name__)

#: blank, unlocked rows below the indicators for revisions of earlier quarters
SPARE_ROWS = 20
#: the longest text each free-text column takes (expectations/agency_return.json)
TEXT_LIMITS = {"commentary": 4000, "actions": 4000, "action_timescale": 200}
COLUMN_WIDTHS = [8, 10, 9, 12, 13, 10, 13, 60, 40, 18]
GREY = "D9D9D9"
SHEETS = ["Return", "Guidance", "Last quarter", "Definitions"]


def due_indicators(catalogue: Catalogue, quarter: Quarter) -> pd.DataFrame:
    """The catalogue rows (agency, indicator, ...) due in ``quarter``'s returns."""
    cat = catalogue.to_frame()
    due = (cat["frequency"] == "quarterly") | (
        cat["reporting_period"].map(REPORTING_QUARTER) == quarter.q
    )
    return cat[due].reset_index(drop=True)


def _last_quarter(paths: Paths, quarter: Quarter) -> tuple[pd.DataFrame, str]:
    """The previous quarter's figures, and why there are none when there are none."""
    prev = quarter.previous()
    cols = ["indicator", "period", "numerator", "denominator", "value", "status"]
    try:
        from pmqa_lib.validate import observations

        obs = observations.load(prev, paths)
    except FileNotFoundError:
        why = (
            f"No figures: the returns for {prev.label} have not been validated yet (the analyst "
            f"runs `make validate Q={prev}`), so last quarter's accepted figures are not known."
        )
        return pd.DataFrame(columns=cols), why
    return obs[obs["period"] == prev.code][cols], ""


def fill_note(row: pd.Series) -> str:
    """The note on an indicator's cell: name, unit, and what goes where."""
    fill = units.template_columns(row["unit"])
    blank = [c for c in NUMBER_COLUMNS if c not in fill]
    return (
        f"{row['indicator']}: {row['name']}\n"
        f"Unit: {UNIT_LABELS[row['unit']]}\n"
        f"Fill: {', '.join(fill)}. Leave blank: {', '.join(blank)}.\n"
        f"For {row['indicator']}, {units.form_advice(row['unit'])}."
    )


def _number_rule(dv_class, low: float, high: float, prompt_title: str, prompt: str):
    dv = dv_class(
        type="decimal", operator="between", formula1=f"{low:.15g}", formula2=f"{high:.15g}",
        allow_blank=True, showErrorMessage=True, errorStyle="stop", showInputMessage=True,
    )  # fmt: skip
    dv.errorTitle = "A number is needed"
    dv.error = f"Type a number from {low:,g} to {high:,g} (digits 0-9, no text or units)."
    dv.promptTitle, dv.prompt = prompt_title[:32], prompt[:255]
    return dv


def write_template(
    agency: str, due: pd.DataFrame, last: pd.DataFrame, quarter: Quarter, path, why_no_last=""
) -> None:
    """Write one agency's template workbook to ``path`` (atomically)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = RETURN_SHEET
    ws.append(RETURN_COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    col = {name: k + 1 for k, name in enumerate(RETURN_COLUMNS)}
    letter = {name: get_column_letter(k) for name, k in col.items()}
    grey = PatternFill("solid", fgColor=GREY)
    unlocked = Protection(locked=False)
    last_row = len(due) + 1 + SPARE_ROWS

    rag = DataValidation(type="list", formula1='"' + ",".join(RAGS) + '"', allow_blank=True,
                         showErrorMessage=True, errorStyle="stop")  # fmt: skip
    rag.errorTitle, rag.error = (
        "Proposed RAG",
        "Choose Red, Amber or Green from the list (or leave blank).",
    )
    blank_only = DataValidation(type="textLength", operator="equal", formula1="0",
                                allow_blank=True, showErrorMessage=True, errorStyle="stop")  # fmt: skip
    blank_only.errorTitle = "Leave this cell blank"
    blank_only.error = "This indicator does not use this column: see the note on its reference."
    rules = [rag, blank_only]
    for k, row in enumerate(due.itertuples(index=False), start=2):
        rec = row._asdict()
        ws.append([agency, rec["indicator"], quarter.code] + [None] * (len(RETURN_COLUMNS) - 3))
        ws.cell(k, col["indicator"]).comment = Comment(fill_note(pd.Series(rec)), "pmqa", 160, 420)
        fill = units.template_columns(rec["unit"])
        for name in NUMBER_COLUMNS:
            cell = ws.cell(k, col[name])
            if name in fill:
                cell.protection = unlocked
                meaning = units.COLUMN_MEANING[rec["unit"]][name]
                low, high = (
                    (rec["plausible_min"], rec["plausible_max"])
                    if name == "value"
                    else (0, units.MAX_COUNT)
                )
                dv = _number_rule(DataValidation, low, high, f"{rec['indicator']} {name}", meaning)
                dv.add(cell.coordinate)
                rules.append(dv)
            else:
                cell.fill = grey
                blank_only.add(cell.coordinate)
    for k in range(2, last_row + 1):
        for name in ("proposed_rag", *TEXT_LIMITS):
            ws.cell(k, col[name]).protection = unlocked
        if k > len(due) + 1:  # spare rows for revisions: every cell open, numbers only
            for name in RETURN_COLUMNS:
                ws.cell(k, col[name]).protection = unlocked
    rag.add(f"{letter['proposed_rag']}2:{letter['proposed_rag']}{last_row}")
    if SPARE_ROWS:
        first_spare = len(due) + 2
        for name in NUMBER_COLUMNS:
            spare = _number_rule(DataValidation, 0, units.MAX_COUNT, f"Revision: {name}",
                                 "For a revision of an earlier quarter: the figure as the note on "
                                 "the indicator's reference says.")  # fmt: skip
            spare.add(f"{letter[name]}{first_spare}:{letter[name]}{last_row}")
            rules.append(spare)
    for name, limit in TEXT_LIMITS.items():
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit),
                            allow_blank=True, showErrorMessage=True, errorStyle="stop")  # fmt: skip
        dv.errorTitle, dv.error = "Too long", f"At most {limit} characters."
        dv.add(f"{letter[name]}2:{letter[name]}{last_row}")
        rules.append(dv)
    for dv in rules:
        ws.add_data_validation(dv)
    for k, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width
    for row in ws.iter_rows(min_row=2, max_row=len(due) + 1, max_col=3):
        for cell in row:
            cell.fill = grey
    for cell in ws[letter["commentary"]][1:] + ws[letter["actions"]][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.protection.sheet = True  # no password: against slips, not people
    ws.protection.formatColumns = False  # people may widen a column to read it

    _guidance(wb.create_sheet("Guidance"), agency, quarter, Font)
    _last_quarter_sheet(wb.create_sheet("Last quarter"), due, last, why_no_last, Font)
    _definitions(wb.create_sheet("Definitions"), due, Font)
    for sheet in wb.worksheets:
        protect_cells(sheet)
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _guidance(ws, agency: str, quarter: Quarter, font) -> None:
    lines = [
        f"How to fill in {agency}'s return for {quarter.label} ({quarter.months_label})",
        "",
        "One row per indicator is ready on the Return sheet. Agency, indicator and period are "
        "filled in; do not change them.",
        "White cells are to fill; grey cells stay blank. The note on each indicator's reference "
        "(hover over it) gives its name, its unit, and which columns to fill.",
        "Numbers only, typed with the digits 0-9: no units, no % sign, no words. A percentage "
        "indicator takes its two counts (numerator and denominator), never the percentage.",
        "By unit:",
        *(f"  {UNIT_LABELS[u]}: {units.form_advice(u)}." for u in units.FIGURE_FORMS),
        "proposed_rag: Red, Amber or Green from the list, or blank.",
        "commentary: why the figure is what it is (at most 4,000 characters); actions: actions "
        "to improve, separated by ';' (at most 4,000); action_timescale: when (at most 200).",
        "A figure for an earlier quarter (a revision or back-data): use a blank row below the "
        "indicators, with the agency, indicator and the earlier period, and say why in commentary.",
        "Annual indicators appear only in the quarter their figure is due.",
        "A suppressed figure (c, x, z, [c], [x], [z], -, :) cannot be typed in this template, "
        "which takes numbers only: send that return as CSV, or ask the performance team.",
        "Save as Excel Workbook (.xlsx) with the same file name and send it; do not add a "
        "password, rename the sheet or add columns.",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = font(bold=True)
    ws.column_dimensions["A"].width = 120


def _last_quarter_sheet(ws, due: pd.DataFrame, last: pd.DataFrame, why: str, font) -> None:
    ws.append(["indicator", "name", "period", "numerator", "denominator", "value", "status"])
    for c in ws[1]:
        c.font = font(bold=True)
    if why:
        ws.append([why])
        return
    merged = due[["indicator", "name"]].merge(last, on="indicator", how="left")
    if merged["status"].isna().all():
        ws.append(["No figures: none of these indicators had a figure accepted last quarter."])
    for rec in merged.itertuples():
        vals = [rec.numerator, rec.denominator, rec.value]
        vals = [None if pd.isna(v) else float(v) for v in vals]
        ws.append([rec.indicator, rec.name, None if pd.isna(rec.period) else rec.period, *vals,
                   "not returned" if pd.isna(rec.status) else rec.status])  # fmt: skip


def _definitions(ws, due: pd.DataFrame, font) -> None:
    cols = ["indicator", "name", "unit", "frequency", "polarity", "what_good_looks_like",
            "fill", "plausible_range", "lead_officer", "lead_email"]  # fmt: skip
    ws.append(cols)
    for c in ws[1]:
        c.font = font(bold=True)
    for rec in due.to_dict("records"):
        rec = {
            **rec,
            "unit": UNIT_LABELS[rec["unit"]],
            "fill": ", ".join(units.template_columns(rec["unit"])),
            "plausible_range": f"{rec['plausible_min']:,g} to {rec['plausible_max']:,g}",
        }
        ws.append([None if pd.isna(rec[c]) else rec[c] for c in cols])


def write_templates(quarter: Quarter | str, paths: Paths) -> int:
    """Write the templates for ``quarter``; return 0 (1 when the catalogue cannot be read)."""
    from pmqa_lib.core.catalogue import CatalogueError

    quarter = Quarter.parse(quarter)
    try:
        catalogue = load_catalogue(paths.catalogue_file)
    except CatalogueError as exc:
        log.error("cannot write templates: %s", exc)
        return 1
    due = due_indicators(catalogue, quarter)
    last, why = _last_quarter(paths, quarter)
    out = paths.reports_dir / "templates" / quarter.code
    for agency in sorted(catalogue.agencies):
        mine = due[due["agency"] == agency]
        if mine.empty:
            continue
        path = out / f"{agency}_{quarter.code}.xlsx"
        write_template(agency, mine, last, quarter, path, why)
        log.info("template %s: %d indicators", path, len(mine))
    return 0

"""Excel return templates: ``make templates Q=2015Q3`` writes one workbook per agency.

``reports/templates/<Q>/<AGENCY>_<Q>.xlsx`` (never ``data/raw``). Sheet ``Return`` is exactly the
layout the suites expect (docs/architecture.md), one row per indicator the agency leads on that is
due in quarter Q (quarterly ones every quarter; annual ones in their reporting quarter), with
``agency``, ``indicator`` and ``period`` filled in and a drop-down list (Red, Amber, Green) on
``proposed_rag``. Sheet ``Last quarter`` shows the figures accepted for the previous quarter (from
its ``observations.csv`` when that quarter has been validated), and sheet ``Definitions`` gives
each indicator's name, definition, unit, algorithm and lead officer.
"""

from __future__ import annotations

import logging

import pandas as pd

from pmqa_lib.core.catalogue import Catalogue, load_catalogue
from pmqa_lib.core.files import Paths, atomic_path
from pmqa_lib.core.periods import Quarter
from pmqa_lib.validate.ingest import RETURN_COLUMNS, RETURN_SHEET
from pmqa_lib.validate.observations import REPORTING_QUARTER

log = logging.getLogger(__name__)


def due_indicators(catalogue: Catalogue, quarter: Quarter) -> pd.DataFrame:
    """The catalogue rows (agency, indicator, ...) due in ``quarter``'s returns."""
    cat = catalogue.to_frame()
    due = (cat["frequency"] == "quarterly") | (
        cat["reporting_period"].map(REPORTING_QUARTER) == quarter.q
    )
    return cat[due].reset_index(drop=True)


def _last_quarter(paths: Paths, quarter: Quarter) -> pd.DataFrame:
    prev = quarter.previous()
    try:
        from pmqa_lib.validate import observations

        obs = observations.load(prev, paths)
    except FileNotFoundError:
        return pd.DataFrame(
            columns=["indicator", "period", "numerator", "denominator", "value", "status"]
        )
    return obs[obs["period"] == prev.code][
        ["indicator", "period", "numerator", "denominator", "value", "status"]
    ]


def write_template(
    agency: str, due: pd.DataFrame, last: pd.DataFrame, quarter: Quarter, path
) -> None:
    """Write one agency's template workbook to ``path`` (atomically)."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = RETURN_SHEET
    ws.append(RETURN_COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for ind in due["indicator"]:
        ws.append([agency, ind, quarter.code] + [None] * (len(RETURN_COLUMNS) - 3))
    n = len(due) + 1
    rag_col = openpyxl.utils.get_column_letter(RETURN_COLUMNS.index("proposed_rag") + 1)
    dv = DataValidation(type="list", formula1='"Red,Amber,Green"', allow_blank=True)
    dv.error, dv.errorTitle = "Choose Red, Amber or Green", "Proposed RAG"
    ws.add_data_validation(dv)
    dv.add(f"{rag_col}2:{rag_col}{max(n, 2)}")
    for k, width in enumerate([8, 10, 9, 11, 12, 9, 13, 60, 40, 18], start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(k)].width = width

    lq = wb.create_sheet("Last quarter")
    lq.append(["indicator", "name", "period", "numerator", "denominator", "value", "status"])
    merged = due[["indicator", "name"]].merge(last, on="indicator", how="left")
    for rec in merged.itertuples():
        vals = [rec.numerator, rec.denominator, rec.value]
        vals = [None if pd.isna(v) else float(v) for v in vals]
        lq.append([rec.indicator, rec.name, None if pd.isna(rec.period) else rec.period, *vals,
                   None if pd.isna(rec.status) else rec.status])  # fmt: skip

    d = wb.create_sheet("Definitions")
    cols = [
        "indicator",
        "name",
        "unit",
        "frequency",
        "polarity",
        "what_good_looks_like",
        "lead_officer",
        "lead_email",
    ]
    d.append(cols)
    for rec in due[cols].itertuples(index=False):
        d.append([None if pd.isna(v) else v for v in rec])
    with atomic_path(path) as tmp:
        wb.save(tmp)


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
    last = _last_quarter(paths, quarter)
    out = paths.reports_dir / "templates" / quarter.code
    for agency in sorted(catalogue.agencies):
        mine = due[due["agency"] == agency]
        if mine.empty:
            continue
        path = out / f"{agency}_{quarter.code}.xlsx"
        write_template(agency, mine, last, quarter, path)
        log.info("template %s: %d indicators", path, len(mine))
    return 0

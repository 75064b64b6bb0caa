"""Return templates: the layout the suites expect, the right indicators, and data validation
that refuses what the suites would reject (checked on the rules openpyxl writes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmqa_lib.core import units
from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.files import PROJECT_ROOT, Paths
from pmqa_lib.core.periods import Quarter
from pmqa_lib.validate import ingest
from pmqa_lib.validate import return_rules as validation
from pmqa_lib.validate import return_templates as templates
from tests import TESTS_DIR

CATALOGUE = TESTS_DIR / "fixtures" / "catalogue_small.yaml"


def _paths(tmp_path: Path) -> Paths:
    (tmp_path / "data" / "raw" / "reference").mkdir(parents=True)
    shutil.copyfile(CATALOGUE, tmp_path / "data" / "raw" / "reference" / "catalogue.yaml")
    return Paths(tmp_path / "data", tmp_path / "reports")


def test_due_indicators_follow_frequency():
    cat = load_catalogue(CATALOGUE)
    # 9.1 is annual, school year: due only in Q1 returns; the other six are quarterly
    assert "9.1" not in set(templates.due_indicators(cat, Quarter.parse("2015Q3"))["indicator"])
    assert "9.1" in set(templates.due_indicators(cat, Quarter.parse("2016Q1"))["indicator"])
    assert len(templates.due_indicators(cat, Quarter.parse("2015Q3"))) == 6


def test_templates_round_trip_through_validation(tmp_path):
    paths = _paths(tmp_path)
    assert templates.write_templates("2015Q3", paths) == 0
    out = paths.reports_dir / "templates" / "2015Q3"
    assert sorted(p.name for p in out.iterdir()) == ["CMBC_2015Q3.xlsx", "WYP_2015Q3.xlsx"]
    assert not (paths.raw / "2015Q3").exists()  # templates never go to data/raw
    wb = openpyxl.load_workbook(out / "CMBC_2015Q3.xlsx")
    assert wb.sheetnames == ["Return", "Guidance", "Last quarter", "Definitions"]
    ws = wb["Return"]
    assert [c.value for c in ws[1]] == ingest.RETURN_COLUMNS
    assert [[c.value for c in r[:3]] for r in ws.iter_rows(min_row=2) if r[0].value] == [
        ["CMBC", "1.1", "2015Q3"], ["CMBC", "1.1a", "2015Q3"], ["CMBC", "1.2", "2015Q3"],
    ]  # fmt: skip
    # an agency fills in the white cells and sends it back: it validates clean
    ws["D2"], ws["F3"], ws["D4"], ws["E4"], ws["G3"] = 80, 80, 30, 50, "Green"
    filled = tmp_path / "CMBC_2015Q3.xlsx"
    wb.save(filled)
    tidy, rec = ingest.read_file(filled, "2015Q3")
    assert rec["status"] == "read" and len(tidy) == 3  # the spare rows are blank, not rows
    failures = validation.validate_returns(tidy, load_catalogue(CATALOGUE))
    assert failures[failures["severity"] == "error"].empty
    defs = pd.DataFrame(
        list(wb["Definitions"].values)[1:], columns=list(wb["Definitions"].values)[0]
    )
    assert defs["lead_officer"].iloc[0] == "Parveen Akhtar"
    assert defs.set_index("indicator")["fill"].to_dict() == {
        "1.1": "numerator", "1.1a": "value", "1.2": "numerator, denominator",
    }  # fmt: skip


def _rules_for(ws, coordinate: str) -> list:
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


def _excel_accepts(dv, typed: object) -> bool:
    """What Excel does with a typed entry under one data validation rule (the types pmqa writes:
    a list, a decimal range, a text length): True if it is let in. With ``errorStyle="stop"`` and
    the error message on, anything else is refused."""
    assert dv.showErrorMessage is True and dv.errorStyle == "stop"
    if typed in (None, ""):
        return bool(dv.allow_blank)
    if dv.type == "list":
        return str(typed) in dv.formula1.strip('"').split(",")
    if dv.type == "decimal":
        if not isinstance(typed, int | float):
            return False  # Excel keeps "about 40" or "Gren" as text: a decimal rule refuses it
        assert dv.operator == "between"
        return float(dv.formula1) <= typed <= float(dv.formula2)
    if dv.type == "textLength":
        n = len(str(typed))
        return {"equal": n == int(dv.formula1), "lessThanOrEqual": n <= int(dv.formula1)}[
            dv.operator
        ]
    raise AssertionError(f"a rule pmqa does not write: {dv.type}")


@pytest.mark.parametrize("quarter", ["2015Q3", "2016Q1"])
def test_each_templates_rules_refuse_gren_and_text_in_number_cells(tmp_path, quarter):
    paths = Paths(PROJECT_ROOT / "data", tmp_path / "reports")  # the example board's catalogue
    assert templates.write_templates(quarter, paths) == 0
    cat = load_catalogue(paths.catalogue_file)
    books = sorted((paths.reports_dir / "templates" / quarter).glob("*.xlsx"))
    assert [b.stem.split("_")[0] for b in books] == sorted(cat.agencies)
    for book in books:
        wb = openpyxl.load_workbook(book)
        ws = wb["Return"]
        assert ws.freeze_panes == "A2" and ws.protection.sheet
        assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFGHIJ")
        rows = [r for r in ws.iter_rows(min_row=2) if r[1].value]
        assert rows, book.name
        for row in rows:
            ind = cat[row[1].value]
            n = row[0].row
            rag = _rules_for(ws, f"G{n}")
            assert len(rag) == 1 and rag[0].type == "list"
            assert _excel_accepts(rag[0], "Green") and not _excel_accepts(rag[0], "Gren")
            assert not _excel_accepts(rag[0], "green light")
            fill = units.template_columns(ind.unit)
            for col, letter in zip(ingest.NUMBER_COLUMNS, "DEF", strict=True):
                cell = ws[f"{letter}{n}"]
                (dv,) = _rules_for(ws, cell.coordinate)
                if col in fill:  # open, white, numbers only
                    assert cell.protection.locked is False, (book.name, cell.coordinate)
                    assert cell.fill.fgColor.rgb in ("00000000", None)
                    assert dv.type == "decimal"
                    assert not _excel_accepts(dv, "about 40") and not _excel_accepts(dv, "Gren")
                    assert not _excel_accepts(dv, -3) and _excel_accepts(dv, 12)
                else:  # grey, locked, and must stay blank
                    assert cell.protection.locked is True, (book.name, cell.coordinate)
                    assert cell.fill.fgColor.rgb.endswith(templates.GREY)
                    assert not _excel_accepts(dv, 12) and _excel_accepts(dv, None)
            note = ws[f"B{n}"].comment.text
            assert ind.name in note and f"Fill: {', '.join(fill)}." in note
        for sheet in wb.worksheets:  # nothing in a template runs as a formula
            assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)
        assert "How to fill in" in wb["Guidance"]["A1"].value


def test_a_blank_last_quarter_sheet_says_why(tmp_path):
    paths = _paths(tmp_path)
    assert templates.write_templates("2015Q3", paths) == 0
    wb = openpyxl.load_workbook(paths.reports_dir / "templates" / "2015Q3" / "WYP_2015Q3.xlsx")
    values = [r for r in wb["Last quarter"].values]
    assert values[1][0].startswith("No figures: the returns for Q2 2015/16 have not been validated")

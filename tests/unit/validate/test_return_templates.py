"""Return templates: the layout the suites expect, the right indicators, a RAG drop-down."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd

from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.files import Paths
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
    assert wb.sheetnames == ["Return", "Last quarter", "Definitions"]
    ws = wb["Return"]
    assert [c.value for c in ws[1]] == ingest.RETURN_COLUMNS
    assert [[c.value for c in r[:3]] for r in ws.iter_rows(min_row=2)] == [
        ["CMBC", "1.1", "2015Q3"], ["CMBC", "1.1a", "2015Q3"], ["CMBC", "1.2", "2015Q3"],
    ]  # fmt: skip
    dv = ws.data_validations.dataValidation[0]
    assert dv.formula1 == '"Red,Amber,Green"' and str(dv.sqref) == "G2:G4"
    # an agency fills it in and sends it back: it validates clean
    ws["D2"], ws["D3"], ws["D4"], ws["E4"], ws["G3"] = 80, 80, 30, 50, "Green"
    filled = tmp_path / "CMBC_2015Q3.xlsx"
    wb.save(filled)
    tidy, rec = ingest.read_file(filled, "2015Q3")
    assert rec["status"] == "read" and len(tidy) == 3
    failures = validation.validate_returns(tidy, load_catalogue(CATALOGUE))
    assert failures[failures["severity"] == "error"].empty
    defs = pd.DataFrame(
        list(wb["Definitions"].values)[1:], columns=list(wb["Definitions"].values)[0]
    )
    assert defs["lead_officer"].iloc[0] == "Parveen Akhtar"

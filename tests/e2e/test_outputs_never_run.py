"""Every CSV and XLSX pmqa writes, read back: no cell a spreadsheet would run as a formula.

A quarter of the shipped example is run end to end (validate, process, the board report and its
workbook, the reminders CSV, next quarter's return templates) after text that starts like a
formula has been put where an agency or a register clerk could type it: some of it is rejected
(and so written to returns_rejected.csv and registers_problems.csv, with messages quoting it), some
is accepted (a bullet list of actions), and all of it is written out somewhere. Then every CSV and
XLSX file under the data and reports folders is read as a spreadsheet would read it.
"""

from __future__ import annotations

import csv
import shutil

import pytest

from pmqa_lib import pipeline
from pmqa_lib.core.files import PROJECT_ROOT, Paths
from pmqa_lib.core.periods import Quarter
from pmqa_lib.registers import stage as registers
from pmqa_lib.validate import return_templates
from tests.e2e.spreadsheet_cells import formula_cells

pytestmark = pytest.mark.slow

Q2 = Quarter.parse("2015Q2")
HOSTILE = {
    # (file, indicator): {column: text}
    ("CMBC_2015Q2.csv", "2.1"): {"commentary": "-2+3+cmd|' /C calc'!A0"},  # rejected
    ("CMBC_2015Q2.csv", "1.1"): {"commentary": "@SUM(1) see the plan"},  # rejected
    ("CMBC_2015Q2.csv", "1.2"): {"actions": "- Appoint a coordinator\n- Review monthly"},  # kept
    ("WYP_2015Q2.csv", "CSCB03"): {"action_timescale": "+1+1"},  # rejected
    ("WYP_2015Q2.csv", "CSCB04"): {"commentary": '=HYPERLINK("http://x","y")'},  # rejected
}


def _edit(path, indicator, changes):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    for r in rows[1:]:
        if r[1] == indicator:
            for col, text in changes.items():
                r[head.index(col)] = text
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    raw = tmp / "data" / "raw"
    shutil.copytree(PROJECT_ROOT / "data" / "raw", raw)
    for (name, indicator), changes in HOSTILE.items():
        _edit(raw / "2015Q2" / name, indicator, changes)
    with open(raw / "registers" / "rolling_reports.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    for r in rows[1:]:
        if r[0] == "RR14":  # due within 30 days of the quarter end: in the reminders CSV
            r[head.index("report")] = "- Annual report (draft)"  # a bullet: accepted
        if r[0] == "RR05":  # formulas: the row is rejected
            r[head.index("report")] = '=HYPERLINK("http://x","LADO")'
            r[head.index("comment_next_steps")] = "@chair to agree"
    with open(raw / "registers" / "rolling_reports.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    paths = Paths(tmp / "data", tmp / "reports")
    assert pipeline.run_validate(Q2, paths) == 0
    assert pipeline.run_process(Q2, paths) == 0
    assert pipeline.run_report(Q2, paths, pdf=False) == 0
    assert registers.run_reminders(Q2, paths, days=30) == 0
    assert return_templates.write_templates(Q2.next(), paths) == 0
    return paths


def test_no_csv_or_xlsx_pmqa_writes_holds_a_formula(hostile_run):
    paths = hostile_run
    written = sorted(
        p
        for root in (paths.processed, paths.reports_dir)
        for p in root.rglob("*")
        if p.suffix in (".csv", ".xlsx")
    )
    names = {p.name for p in written}
    assert {"returns_rejected.csv", "returns_accepted.csv", "observations.csv", "measures.csv",
            "assurance.csv", "chase_list.csv", "registers_problems.csv",
            "registers_rolling_reports.csv", "reminders_next_30_days.csv", "board_tables.xlsx",
            "CMBC_2015Q3.xlsx"} <= names  # fmt: skip
    for path in written:
        assert formula_cells(path) == [], path


def test_the_hostile_text_was_written_neutralised_not_lost(hostile_run):
    proc = hostile_run.processed_dir(Q2)
    text = {p.name: p.read_text(encoding="utf-8") for p in proc.glob("*.csv")}
    assert "'-2+3+cmd|' /C calc'!A0" in text["returns_rejected.csv"]
    assert '\'=HYPERLINK(""http://x"",""y"")' in text["returns_rejected.csv"]
    assert "'- Appoint a coordinator" in text["returns_accepted.csv"]
    assert "'- Appoint a coordinator" in text["observations.csv"]
    assert "'- Annual report (draft)" in text["registers_rolling_reports.csv"]
    reminders = (hostile_run.report_dir(Q2) / "reminders_next_30_days.csv").read_text()
    assert "'- Annual report (draft)" in reminders
    problems = text["registers_problems.csv"]
    assert "@chair to agree" in problems and "HYPERLINK" in problems

"""The registers stage's entry points on the shipped registers (moved from
tests/unit/registers/test_status.py, issue 15: the unit tier runs no whole stage): every table and
the status JSON written, a bad register never stops the run, the reminders, status as at any date."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from pmqa_lib.core.files import PROJECT_ROOT, Paths
from pmqa_lib.core.periods import Quarter
from pmqa_lib.registers import stage
from pmqa_lib.report import register_tables
from tests import TESTS_DIR
from tests.unit.registers.test_status import _assurance_forced_red

pytestmark = pytest.mark.slow

Q2 = Quarter.parse("2015Q2")  # 1 July to 30 September 2015
SHIPPED = PROJECT_ROOT / "data" / "raw" / "registers"
CATALOGUE = PROJECT_ROOT / "data" / "raw" / "reference" / "catalogue.yaml"
BAD = TESTS_DIR / "fixtures" / "registers_bad"


@pytest.fixture
def paths(tmp_path):
    raw = tmp_path / "data" / "raw"
    shutil.copytree(SHIPPED, raw / "registers")
    (raw / "reference").mkdir(parents=True)
    shutil.copy(CATALOGUE, raw / "reference" / "catalogue.yaml")
    return Paths(tmp_path / "data", tmp_path / "reports")


def test_run_writes_every_table_and_the_status_json(paths):
    outcome = stage.write_status(Q2, paths, assurance=_assurance_forced_red())
    out = paths.processed_dir(Q2)
    for name in stage.OUTPUT_FILES.values():
        assert (out / name).exists(), name
    status = json.loads((out / stage.STATUS_FILE).read_text())
    assert status["as_at"] == "2015-09-30"
    assert status["rolling_reports_overdue"] == ["RR08", "RR32"]
    assert status["proposed_audits"] == ["2.2"]
    assert status["problems"]["errors"] == 1 and outcome.n_rejected == 1
    assert "2 report(s) overdue" in outcome.summary

    tables = register_tables.report_tables(Q2, paths)
    due = tables["Rolling reports due, overdue or deferred (Appendix 2)"]
    assert due["Status"].iloc[:2].tolist() == ["overdue", "overdue"]  # overdue first
    assert "Children Looked After" in due["Report"].tolist()
    assert list(tables)[-1] == "Register rows rejected or queried"
    overdue = tables["Audit actions past their target date (Appendix 4)"]
    assert overdue["Action"].str[:20].tolist() == ["Performance Manageme", "Brief duty inspector"]

    linked = register_tables.audits_for_indicator(Q2, paths, "2.2")
    assert linked["ref"].tolist() == ["MAA 1.", "MAA17", "PROPOSED 2.2"]
    assert linked["kind"].tolist() == ["scheduled", "scheduled", "proposed"]
    # the report's call order (quarter, ref, paths) works too
    assert (
        register_tables.audits_for_indicator(Q2, "2.2", paths)["ref"].tolist()
        == linked["ref"].tolist()
    )


def test_bad_register_never_stops_the_run(paths):
    shutil.copy(BAD / "bad_date.csv", paths.registers / "rolling_reports.csv")
    (paths.registers / "impact_log.csv").write_bytes(b"")
    outcome = stage.write_status(Q2, paths)
    problems = pd.read_csv(paths.processed_dir(Q2) / "registers_problems.csv")
    messages = problems.loc[problems["severity"] == "error", "message"].tolist()
    assert any(
        m.startswith("rolling_reports.csv row 3, column dates_due: cannot be read as a date: ")
        for m in messages
    )
    assert any(m.startswith("impact_log.csv: the file is empty") for m in messages)
    assert outcome.tables["rolling_reports"]["ref"].tolist() == ["RR01"]
    assert outcome.tables["impact"].empty
    assert len(outcome.tables["audits"]) == 12  # other registers unaffected


def test_reminders_in_the_next_30_days(paths, capsys):
    assert stage.run_reminders(Q2, paths, days=30) == 0
    path = paths.report_dir(Q2) / "reminders_next_30_days.csv"
    assert str(path) in capsys.readouterr().out
    rem = pd.read_csv(path)
    assert list(rem.columns[:5]) == ["lead", "report", "due_to", "due_date", "reminder_date"]
    # 30 Sep to 30 Oct 2015: School Advisor and Annual Report (30 Sep), eHNA (21 Oct), CME (26
    # Oct); the HWBB update's "October" reminder is 31 October, one day outside
    assert rem["report"].tolist() == [
        "Annual Report", "Safeguarding School Advisor", "eHNA",
        "Children Missing Education / Virtual School",
    ]  # fmt: skip
    assert (rem["reminder_date"] >= rem["request_date"]).all()
    assert (rem["reminder_date"] <= rem["due_date"]).all()


def test_status_as_at_any_date_from_the_shipped_registers():
    """Appendix 2: Private Fostering, due 10 June 2015, "Deferred to August 2015 Board": as at
    30 June 2015 it is deferred once, now due 31 August 2015 (month only -> last day)."""
    import datetime as dt

    from pmqa_lib.core.files import PROJECT_ROOT, Paths

    paths = Paths(PROJECT_ROOT / "data", PROJECT_ROOT / "reports")
    t = stage.as_at_status(paths, dt.date(2015, 6, 30))
    r = t["rolling_reports"]
    pf = r[r["report"] == "Private Fostering"].iloc[0]
    assert (pf["status"], int(pf["times_deferred"])) == ("deferred", 1)
    assert str(pd.Timestamp(pf["current_due_date"]).date()) == "2015-08-31"

"""Register status rules, the framework's own rows, closing the loop (the entry points, run on the
shipped registers, are in tests/e2e/test_registers_stage.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.files import PROJECT_ROOT, Paths
from pmqa_lib.core.periods import Quarter
from pmqa_lib.registers import stage
from pmqa_lib.registers import status as registers
from pmqa_lib.registers.reading import read_registers
from tests import TESTS_DIR

Q2 = Quarter.parse("2015Q2")  # 1 July to 30 September 2015
SHIPPED = PROJECT_ROOT / "data" / "raw" / "registers"
CATALOGUE = PROJECT_ROOT / "data" / "raw" / "reference" / "catalogue.yaml"
BAD = TESTS_DIR / "fixtures" / "registers_bad"


def _status(due, completed=None, new_due=None, times=0, as_at=Q2.end, quarter=Q2):
    s = lambda v: pd.Series([pd.Timestamp(v) if v else pd.NaT], dtype="datetime64[ns]")  # noqa: E731
    return registers.schedule_status(
        s(due), s(new_due), pd.Series([times]), s(completed), as_at, quarter
    ).iloc[0]


# --- status rules at the quarter's boundaries ------------------------------------------------
def test_due_on_the_last_day_of_the_quarter_is_due_not_overdue():
    row = _status("2015-09-30")
    assert row["status"] == "due this quarter" and bool(row["due_this_quarter"])
    assert pd.isna(row["days_overdue"])
    nxt = _status("2015-09-30", as_at=dt.date(2015, 10, 1), quarter=Q2.next())
    assert nxt["status"] == "overdue" and nxt["days_overdue"] == 1


def test_due_on_the_first_day_of_next_quarter_is_not_yet_due():
    assert _status("2015-10-01")["status"] == "not yet due"


def test_deferred_twice_keeps_the_latest_date_and_counts():
    row = _status("2015-07-16", new_due="2015-11-30", times=2)
    assert row["status"] == "deferred"
    assert row["current_due_date"] == pd.Timestamp("2015-11-30")
    assert row["slipped_days"] == 137  # 16 July -> 30 November: 15 + 31 + 30 + 31 + 30
    # at the end of Q3 (31 December) the deferred date has passed: overdue by 31 days
    late = _status("2015-07-16", new_due="2015-11-30", times=2, as_at=dt.date(2015, 12, 31))
    assert late["status"] == "overdue" and late["days_overdue"] == 31


def test_completed_late_and_not_known_before_it_happened():
    row = _status("2015-09-09", completed="2015-09-24")
    assert row["status"] == "completed late" and row["days_late"] == 15
    before = _status("2015-09-09", completed="2015-09-24", as_at=dt.date(2015, 9, 20))
    assert before["status"] == "overdue" and before["days_overdue"] == 11


def test_completed_on_the_due_date_is_on_time():
    assert _status("2015-09-30", completed="2015-09-30")["status"] == "completed on time"


def test_no_due_date_is_no_date():
    assert _status(None)["status"] == "no date"


# --- the framework's rows reproduce its statuses ----------------------------------------------
@pytest.fixture(scope="module")
def frames():
    reads = read_registers(SHIPPED, indicators=set(load_catalogue(CATALOGUE).indicators))
    return {k: r.frame for k, r in reads.items()}


@pytest.fixture(scope="module")
def q2(frames):
    return registers.status_tables(frames, Q2.end, Q2)


def _row(table: pd.DataFrame, col: str, value: str) -> pd.Series:
    hit = table.loc[table[col] == value]
    assert len(hit) == 1, f"{value!r} found {len(hit)} times"
    return hit.iloc[0]


def test_children_looked_after_deferred_to_december_2015(q2):
    cla = _row(q2["rolling_reports"], "report", "Children Looked After")
    assert cla["status"] == "deferred" and cla["times_deferred"] == 1
    assert cla["due_date"] == pd.Timestamp("2015-10-01")
    assert cla["current_due_date"] == pd.Timestamp("2015-12-31")  # "December 2015": last day
    # its reminder keeps its lead time: 1 Oct - 10 Sep = 21 days before 31 December = 10 December
    assert cla["reminder_in_force"] == pd.Timestamp("2015-12-10")


def test_private_fostering_deferred_to_august_2015_board(frames):
    q1 = registers.status_tables(frames, Q2.previous().end, Q2.previous())
    pf = _row(q1["rolling_reports"], "report", "Private Fostering")
    assert pf["status"] == "deferred"
    assert pf["current_due_date"] == pd.Timestamp("2015-08-31")  # "August 2015 Board"
    # presented to the Board on 6 August 2015: on time against the deferred date
    q2 = registers.status_tables(frames, Q2.end, Q2)
    assert (
        _row(q2["rolling_reports"], "report", "Private Fostering")["status"] == "completed on time"
    )


def test_framework_rows_as_at_2015q2(q2):
    rr, au = q2["rolling_reports"], q2["audits"]
    chairs = rr.loc[rr["ref"] == "RR08"].iloc[0]  # "Need EH+P": not all sub-groups reported
    assert chairs["status"] == "overdue" and chairs["days_overdue"] == 55  # 6 Aug -> 30 Sep
    assert bool(_row(rr, "ref", "RR02")["recurring"])  # "19 May 2015 and every IB"
    annual = _row(rr, "report", "Annual Report")
    assert annual["current_due_date"] == pd.Timestamp("2015-11-30")  # "October / November 2015"
    assert _row(au, "ref", "MAA 5.")["status"] == "reported"  # report challenged 21.9.15
    assert _row(au, "ref", "MAA 5.")["current_due_date"] == pd.Timestamp("2015-09-30")  # delayed
    maa3 = _row(au, "ref", "MAA 3.")
    assert maa3["status"] == "deferred" and maa3["current_due_date"] == pd.Timestamp("2016-06-30")
    assert _row(au, "ref", "MAA 2.")["status"] == "no date"  # "Audit Completed By" is blank
    # MAA 6's note "8.7.15 ..." is 23 + 31 + 30 = 84 days old on 30 September 2015
    assert _row(au, "ref", "MAA 6.")["next_steps_age_days"] == 84
    # MAA 2's note is dated 24.11.15: not yet written on 30 September, so no age
    assert pd.isna(_row(au, "ref", "MAA 2.")["next_steps_age_days"])


def test_every_status_occurs_in_the_shipped_example(q2):
    assert set(q2["rolling_reports"]["status"]) == {
        "completed on time", "completed late", "overdue", "deferred", "due this quarter",
        "not yet due",
    }  # fmt: skip
    assert set(q2["audits"]["status"]) == {
        "reported", "completed, no report", "overdue", "deferred", "due this quarter",
        "not yet due", "did not proceed", "no date",
    }  # fmt: skip
    assert set(q2["actions"]["status"]) == {
        "completed on time", "completed late", "overdue", "due this quarter", "not yet due"
    }  # fmt: skip
    assert set(q2["learning"]["status"]) == {"completed", "overdue", "open"}
    assert q2["audits"].loc[q2["audits"]["no_report"], "ref"].tolist() == ["MAA 10."]
    # the impact log as at 30 September holds the three entries dated by then
    assert q2["impact"]["ref"].tolist() == ["IL1", "IL2", "IL3"]
    assert q2["impact"]["this_quarter"].tolist() == [False, True, True]


def test_any_date_can_be_the_as_at_date(frames):
    mid = registers.status_tables(frames, dt.date(2015, 8, 15))  # quarter inferred: 2015Q2
    chairs = _row(mid["rolling_reports"], "ref", "RR08")
    assert chairs["status"] == "overdue" and chairs["days_overdue"] == 9  # 6 -> 15 August


# --- closing the loop ------------------------------------------------------------------------
def _assurance_forced_red():
    from pmqa_lib.analytics.assurance import continuum

    a = pd.DataFrame(
        {
            "indicator": ["2.2", "1.1"], "name": ["Re-referrals within 12 months", "EISAs"],
            "period": ["2015Q2", "2015Q2"], "value": [27.35, 65.0], "target": [24.0, 60.0],
            "trajectory": ["deteriorating", "improving"], "mk_p_value": [0.0213, 0.4],
            "band": ["Red", "Green"], "rag": ["Red", "Green"], "target_met": [False, True],
        }
    )  # fmt: skip
    # the continuum (section 4.1.2): 2.2 missed and deteriorating -> Red, audit; 1.1 met and
    # improving -> Green, none
    _, _, rag, trig, _ = continuum(a["target_met"].astype(float), a["trajectory"])
    a["rag"], a["trigger"] = rag, trig
    return a


def test_red_falling_indicator_becomes_a_proposed_audit(q2):
    a = _assurance_forced_red()
    assert a["trigger"].tolist() == ["audit", "none"]
    out = registers.proposed_audits(a, load_catalogue(CATALOGUE), q2["audits"])
    assert out["indicator"].tolist() == ["2.2"]
    p = out.iloc[0]
    assert p["lead_auditor"] == "Helen Barraclough"  # the indicator's lead officer
    # 27.35 to 1 decimal place, half away from zero, is 27.4
    assert "27.4 against a target of 24.0" in p["rationale"]
    assert "Q2 2015/16" in p["rationale"] and "Mann-Kendall p = 0.021" in p["rationale"]
    assert p["decision"] == "pending"
    assert p["already_scheduled"] == "MAA17"  # MAA 1 is reported; MAA17 is still to come


def test_no_audit_trigger_no_proposal():
    assert registers.proposed_audits(_assurance_forced_red().iloc[[1]], None).empty
    assert registers.proposed_audits(pd.DataFrame(), None).empty


# --- the entry points ------------------------------------------------------------------------
def test_a_new_board_s_empty_registers_give_empty_status_not_an_error(tmp_path):
    """make board writes each register with its header and no rows: every status table is empty
    and each register says it has no rows (a warning, nothing rejected)."""
    from pmqa_lib.registers.specs import SPECS

    folder = tmp_path / "data" / "raw" / "registers"
    folder.mkdir(parents=True)
    for spec in SPECS.values():
        (folder / f"{spec.name}.csv").write_text(",".join(spec.columns) + "\n", encoding="utf-8")
    paths = Paths(tmp_path / "data", tmp_path / "reports")
    tables, problems, _ = stage.read_and_status(paths, dt.date(2024, 3, 31), Quarter(2023, 4))
    assert all(len(df) == 0 for df in tables.values())
    assert sorted(problems["rule"]) == ["has_rows"] * len(SPECS)
    assert set(problems["severity"]) == {"warning"}

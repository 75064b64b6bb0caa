"""Reading and checking register files: dates, the bad-input corpus, the shipped registers."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from pmqa_lib.core import gx_runner
from pmqa_lib.core.files import PROJECT_ROOT
from pmqa_lib.registers.dates import (
    DateTextError,
    all_dates_in_text,
    leading_note_date,
    parse_date_text,
)
from pmqa_lib.registers.reading import read_register, read_registers, suite_path
from pmqa_lib.registers.specs import ROLLING_REPORTS, SPECS, normalise_heading
from tests import TESTS_DIR

BAD = TESTS_DIR / "fixtures" / "registers_bad"
SHIPPED = PROJECT_ROOT / "data" / "raw" / "registers"
NOV30 = dt.date(2015, 11, 30)


# --- the date rule, on the framework's own texts -------------------------------------------
@pytest.mark.parametrize(
    ("text", "reference", "expected", "recurring"),
    [
        ("2 July 2015", None, dt.date(2015, 7, 2), False),
        ("19 May 2015 and every IB", None, dt.date(2015, 5, 19), True),  # first date, recurring
        ("October / November 2015", None, dt.date(2015, 11, 30), False),  # range -> later month
        ("End of March 2016 (end of financial year)", None, dt.date(2016, 3, 31), False),
        ("August 2015 Board", None, dt.date(2015, 8, 31), False),  # month -> last day
        ("September", NOV30, dt.date(2015, 9, 30), False),  # no year: on or before due
        ("October", NOV30, dt.date(2015, 10, 31), False),
        ("9 Sept 2015", None, dt.date(2015, 9, 9), False),
        ("Sept 15 2.6.15 – implementation due in Sept 2015", None, dt.date(2015, 9, 30), False),
        ("July 2015 7.7.15 – MAAG agreement", None, dt.date(2015, 7, 31), False),
        ("Completed July 2014", None, dt.date(2014, 7, 31), False),
        ("2.12.14", None, dt.date(2014, 12, 2), False),
        ("2015-07-02", None, dt.date(2015, 7, 2), False),
        ("2 February", dt.date(2016, 1, 20), dt.date(2015, 2, 2), False),  # year before the due
    ],
)
def test_parse_date_text_follows_the_documented_rule(text, reference, expected, recurring):
    parsed = parse_date_text(text, reference)
    assert parsed.date == expected
    assert parsed.recurring is recurring


def test_excel_dates_and_blanks():
    assert parse_date_text(pd.Timestamp("2015-06-10 00:00")).date == dt.date(2015, 6, 10)
    assert parse_date_text(dt.date(2015, 6, 10)).rule == "Excel date"
    assert parse_date_text("") is None
    assert parse_date_text(float("nan")) is None


@pytest.mark.parametrize("text", ["TBC", "next meeting", "31 February 2015", "30.2.15"])
def test_unreadable_dates_raise_quoting_the_text(text):
    with pytest.raises(DateTextError, match="not a real date|no date found"):
        parse_date_text(text)


def test_year_less_date_without_reference_is_rejected():
    with pytest.raises(DateTextError, match="no year"):
        parse_date_text("September")


def test_learning_pathway_list_of_dates_and_note_dates():
    # Appendix 5's "Date Identified" cell: six months, the first May 2014, the last September 2015
    found = all_dates_in_text("May 14 Jul 14 Nov 14 Jan 15 May 15 Sept 15")
    assert found[0] == dt.date(2014, 5, 31) and found[-1] == dt.date(2015, 9, 30)
    assert len(found) == 6
    assert leading_note_date("24.11.15 Audit of current case completed.") == dt.date(2015, 11, 24)
    assert leading_note_date("Update provided") is None


def test_framework_headings_are_accepted():
    assert normalise_heading("Date(s) Due:") == "dates_due"
    assert normalise_heading("Progress (RAG)") == "progress_rag"
    assert normalise_heading("Comment / Next Steps") == "comment_next_steps"
    assert normalise_heading("Ref. No") == "ref"
    assert normalise_heading("No. of Audits Completed") == "number_completed"


# --- the bad-input corpus --------------------------------------------------------------------
def _read_as_rolling(tmp_path: Path, fixture: str):
    folder = tmp_path / "registers"
    folder.mkdir()
    shutil.copy(BAD / fixture, folder / "rolling_reports.csv")
    return read_register(folder, ROLLING_REPORTS, indicators={"1.1", "2.2"})


@pytest.mark.parametrize(
    ("fixture", "row", "column", "rule", "words"),
    [
        ("bad_date.csv", 3, "dates_due", "date_parses", "no date found in 'TBC'"),
        ("unknown_rag.csv", 3, "progress_rag", "rag_allowed", "RAG Purple is not one of"),
        ("due_before_request.csv", 3, "dates_due", "due_after_request",
         "due date 4 June 2015 is before the request date 9 July 2015"),
        ("reminder_after_due.csv", 3, "reminder_date", "reminder_between_request_and_due",
         "reminder 17 June 2015 is after the due date 4 June 2015"),
        ("html_in_text.csv", 3, "rationale", "plain_text", "contains HTML markup"),
        ("formula_in_text.csv", 3, "rationale", "no_formula", "spreadsheet formula"),
        ("deferral_without_date.csv", 3, "deferred_to", "deferral_has_new_date",
         "gives no new date"),
        ("deferral_before_due.csv", 3, "deferred_to", "deferral_later", "must each be later"),
    ],
)  # fmt: skip
def test_bad_row_is_rejected_with_file_row_column(tmp_path, fixture, row, column, rule, words):
    read = _read_as_rolling(tmp_path, fixture)
    errors = read.problems.loc[read.problems["severity"] == "error"]
    hit = errors.loc[(errors["rule"] == rule) & (errors["row"] == row)]
    assert len(hit) == 1, errors.to_string()
    message = hit["message"].iloc[0]
    assert message.startswith(f"rolling_reports.csv row {row}, column {column}: ")
    assert words in message
    # the good row (row 2) is kept, the bad one is not
    assert read.frame["source_row"].tolist() == [2]


def test_duplicate_reference_rejects_both_rows_and_names_them(tmp_path):
    # "RR01" and "RR01." are the same reference once punctuation is ignored
    read = _read_as_rolling(tmp_path, "duplicate_reference.csv")
    dup = read.problems.loc[read.problems["rule"] == "unique_reference"]
    assert sorted(dup["row"].tolist()) == [2, 3]
    assert "appears more than once (rows 2, 3)" in dup["message"].iloc[0]
    assert read.frame.empty


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        ("empty.csv", "the file is empty (0 bytes)"),
        ("missing_column.csv", "required column(s) dates_due, request_date, reminder_date"),
        ("binary_junk.csv", "not UTF-8"),
    ],
)
def test_bad_file_leaves_register_empty_with_one_message(tmp_path, fixture, words):
    read = _read_as_rolling(tmp_path, fixture)
    assert read.frame.empty
    errors = read.problems.loc[read.problems["severity"] == "error"]
    assert len(errors) == 1
    assert errors["message"].iloc[0].startswith("rolling_reports.csv: ")
    assert words in errors["message"].iloc[0]


def test_header_only_file_is_a_warning_not_a_failure(tmp_path):
    read = _read_as_rolling(tmp_path, "header_only.csv")
    assert read.frame.empty
    assert read.problems["severity"].tolist() == ["warning"]


def test_missing_register_is_a_warning(tmp_path):
    read = read_register(tmp_path, ROLLING_REPORTS)
    assert read.file is None and read.frame.empty
    assert "no Schedule of rolling reports" in read.problems["message"].iloc[0]


# --- the suites run through Great Expectations (core.gx_runner), as the return suites do -----
HEADER = (
    "ref,report,dates_due,due_to,named_lead,rationale,business_plan_link,request_date,"
    "reminder_date,comment_next_steps,progress_rag,deferred_to,date_completed,linked_indicators,"
    "source"
)
GOOD_ROW = (
    "RR01,CSCB Update,2 July 2015,HWBB,Richard Burrows,Bi-annual Update,P5,21 May 2015,"
    "11 June 2015,,G,,2 July 2015,,test"
)


def _rolling(tmp_path: Path, *rows: str, suites_dir: Path | None = None):
    folder = tmp_path / "registers"
    folder.mkdir(exist_ok=True)
    (folder / "rolling_reports.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return read_register(folder, ROLLING_REPORTS, indicators={"1.1"}, suites_dir=suites_dir)


def _row(n: int, rationale: str) -> str:
    """A well-formed row ``RR<n>`` whose rationale is ``rationale`` (quoted for CSV)."""
    quoted = '"' + rationale.replace('"', '""') + '"'
    dates = "P5,9 April 2015,7 May 2015,,G,,,,t"
    return f"RR{n:02d},Report {n},4 June 2015,CSCB,Keith Watson,{quoted},{dates}"


def test_hostile_text_is_rejected_and_harmless_text_kept(tmp_path):
    read = _rolling(
        tmp_path,
        GOOD_ROW,
        _row(3, "-2+3+cmd|' /C calc'!A0"),  # row 3: a DDE payload behind a minus
        _row(4, "@SUM(1)"),
        _row(5, "<img src=x onerror=alert(1)>"),
        _row(6, "-5"),  # a number is not a formula
        _row(7, "Q2 -> Q3 and a < b"),
        _row(8, "ask email@example.org"),
    )
    errors = read.problems.loc[read.problems["severity"] == "error"]
    assert errors[["row", "column", "rule"]].to_dict("records") == [
        {"row": 5, "column": "rationale", "rule": "plain_text"},
        {"row": 3, "column": "rationale", "rule": "no_formula"},
        {"row": 4, "column": "rationale", "rule": "no_formula"},
    ]  # in the suite's order: plain_text is checked before no_formula
    assert errors["message"].iloc[1] == (
        "rolling_reports.csv row 3, column rationale: starts like a spreadsheet formula "
        "(-2+3+cmd|' /C calc'!A0); write it as plain text"
    )
    assert read.frame["source_row"].tolist() == [2, 6, 7, 8]


def test_rules_sharing_an_id_keep_their_own_messages(tmp_path):
    # two expectations are rule reminder_between_request_and_due on column reminder_date, with
    # different messages: each failure must carry the message of the expectation that failed
    before = GOOD_ROW.replace("RR01", "RR02").replace("11 June 2015", "1 May 2015")
    after = GOOD_ROW.replace("RR01", "RR03").replace("11 June 2015", "3 July 2015")
    read = _rolling(tmp_path, GOOD_ROW, before, after)
    hits = read.problems.loc[read.problems["rule"] == "reminder_between_request_and_due"]
    assert hits["message"].tolist() == [
        "rolling_reports.csv row 3, column reminder_date: reminder 1 May 2015 is before the "
        "request date 21 May 2015; a reminder falls between request and due",
        "rolling_reports.csv row 4, column reminder_date: reminder 3 July 2015 is after the due "
        "date 2 July 2015; a reminder falls between request and due",
    ]
    assert read.frame["source_row"].tolist() == [2]


def test_deferral_rule_is_a_helper_column_not_a_string_row_condition(tmp_path):
    for spec in SPECS.values():
        for e in gx_runner.load_suite(suite_path(spec))["expectations"]:
            assert not {"row_condition", "condition_parser"} & set(e["kwargs"]), spec.name
    gx_runner._context()  # import GX first: its own import warns about modules it uses
    deferred = GOOD_ROW.replace("RR01", "RR02").replace(",,G,", ",Delayed to the autumn,A,")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read = _rolling(tmp_path, GOOD_ROW, deferred)
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []
    hit = read.problems.loc[read.problems["rule"] == "deferral_has_new_date"]
    assert hit["message"].tolist() == [
        "rolling_reports.csv row 3, column deferred_to: the row says it was deferred or delayed "
        "(Delayed to the autumn) but gives no new date; write the new date in deferred_to"
    ]
    assert read.frame["ref"].tolist() == ["RR01"]


def test_a_suite_may_use_any_great_expectations_rule(tmp_path):
    # the old hand-written evaluator knew 7 expectation types; GX knows them all
    suites = tmp_path / "suites"
    suites.mkdir()
    suite = json.loads(suite_path(ROLLING_REPORTS).read_text(encoding="utf-8"))
    suite["expectations"].append(
        {
            "type": "expect_column_value_lengths_to_be_between",
            "kwargs": {"column": "report", "max_value": 10},
            "meta": {"rule": "short_name", "column": "report", "severity": "warning",
                     "message": "report name {value} is longer than 10 characters"},
        }
    )  # fmt: skip
    (suites / "register_rolling_reports.json").write_text(json.dumps(suite), encoding="utf-8")
    read = _rolling(tmp_path, GOOD_ROW, _row(3, "fine"), suites_dir=suites)
    assert read.problems[["row", "rule", "severity", "message"]].to_dict("records") == [
        {"row": 2, "rule": "short_name", "severity": "warning",
         "message": "rolling_reports.csv row 2, column report: report name CSCB Update is longer "
                    "than 10 characters"},
    ]  # fmt: skip
    assert read.frame["source_row"].tolist() == [2, 3]  # a warning keeps the row


def test_a_rule_on_a_column_the_parsing_step_does_not_make_is_a_bug_not_a_problem(tmp_path):
    suites = tmp_path / "suites"
    suites.mkdir()
    suite = json.loads(suite_path(ROLLING_REPORTS).read_text(encoding="utf-8"))
    suite["expectations"].append(
        {"type": "expect_column_values_to_be_null", "kwargs": {"column": "no_such_helper"},
         "meta": {"rule": "helper", "column": "ref", "message": "x"}}
    )  # fmt: skip
    (suites / "register_rolling_reports.json").write_text(json.dumps(suite), encoding="utf-8")
    with pytest.raises(RuntimeError, match="register rules could not be checked.*helper"):
        _rolling(tmp_path, GOOD_ROW, suites_dir=suites)


# --- the shipped registers -----------------------------------------------------------------
def test_every_register_has_a_suite_with_known_rules():
    for spec in SPECS.values():
        suite = gx_runner.load_suite(suite_path(spec))  # SuiteError on an unknown severity
        assert suite["name"] == f"register_{spec.name}"
        assert all(e["meta"]["message"] for e in suite["expectations"])


def test_shipped_registers_read_with_only_the_framework_own_faults():
    reads = read_registers(
        SHIPPED, indicators={"1.1", "1.1a", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}
    )
    assert {r.file.suffix for r in reads.values()} == {".csv", ".xlsx"}  # both formats are read
    problems = pd.concat([r.problems for r in reads.values()], ignore_index=True)
    errors = problems.loc[problems["severity"] == "error"]
    # Appendix 2's last row has no report name (its "3.1 ... adoptive families" sits in Rationale)
    assert errors["message"].tolist() == [
        "rolling_reports.csv row 31, column report: is blank; every row needs a value here"
    ]
    warnings = problems.loc[problems["severity"] == "warning", "rule"].tolist()
    # Appendix 2 lists "MA Training, 8 June 2015, Allison Waddell" twice, and requests the April
    # 2016 MA Training report on "22 March 2015": 387 days before 12 April 2016 (366 + 21)
    assert sorted(warnings) == ["possible_duplicate", "request_within_a_year"]
    assert (
        "387 days" in problems.loc[problems["rule"] == "request_within_a_year", "message"].iloc[0]
    )
    assert len(reads["rolling_reports"].frame) == 33  # 30 framework rows - 1 rejected + 4 added
    assert len(reads["audit_schedule"].frame) == 12


def test_excel_number_cells_read_as_their_text():
    # audit_schedule.xlsx stores "2.5" and "20" as numbers; they must read as "2.5" and "20"
    sched = read_registers(SHIPPED)["audit_schedule"].frame.set_index("ref")
    assert sched.loc["MAA 2.", "linked_indicators"] == "2.5"
    assert sched.loc["MAA 5.", "number_completed"] == "20"
    assert sched.loc["MAA 5.", "number_completed_number"] == 20

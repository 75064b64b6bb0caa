"""Reading and checking register files: dates, the bad-input corpus, the shipped registers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pmqa_lib.core.files import PROJECT_ROOT
from pmqa_lib.registers.dates import (
    DateTextError,
    all_dates_in_text,
    leading_note_date,
    parse_date_text,
)
from pmqa_lib.registers.reading import load_suite, read_register, read_registers
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


def test_real_great_expectations_finds_the_same_failures(tmp_path):
    """The suites are real GX suites: GX 1.x flags the same rows as the pandas checker."""
    from pmqa_lib.validate import gx_runner as gx

    read = _read_as_rolling(tmp_path, "unknown_rag.csv")
    from pmqa_lib.registers.reading import _parse_helpers, _rename_columns, read_register_file

    raw = read_register_file(tmp_path / "registers" / "rolling_reports.csv")
    df, _ = _rename_columns(raw, ROLLING_REPORTS, "rolling_reports.csv")
    parsed = _parse_helpers(df, ROLLING_REPORTS, {"1.1"})
    failures = gx.run_suite(parsed, load_suite(ROLLING_REPORTS))
    ours = read.problems.loc[read.problems["severity"] == "error", ["rule", "row"]]
    theirs = failures.loc[failures["severity"] == "error"]
    assert set(theirs["rule"]) == set(ours["rule"]) == {"rag_allowed"}
    assert parsed.loc[theirs["row"], "source_row"].tolist() == ours["row"].tolist() == [3]


# --- the shipped registers -----------------------------------------------------------------
def test_every_register_has_a_suite_with_known_rules():
    for spec in SPECS.values():
        suite = load_suite(spec)
        assert suite["name"] == f"register_{spec.name}"
        assert all(e["meta"]["severity"] in {"error", "warning"} for e in suite["expectations"])


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

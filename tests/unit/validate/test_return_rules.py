"""Validation: the malformed-return corpus, outcome rules, quiet GX (whole quarters through
pipeline.validate are in tests/e2e/test_validate_quarter.py)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from pmqa_lib.core.catalogue import PUBLISHED_AGENCY, load_catalogue, parse_catalogue
from pmqa_lib.core.files import PROJECT_ROOT
from pmqa_lib.validate import ingest, stage
from pmqa_lib.validate import return_rules as validation
from tests import TESTS_DIR

HERE = TESTS_DIR
CORPUS = HERE / "bad_returns"
CATALOGUE = HERE / "fixtures" / "catalogue_small.yaml"
EXPECTED = list(csv.DictReader(open(CORPUS / "expected.csv", encoding="utf-8")))
HEADER = ",".join(ingest.RETURN_COLUMNS)
WYP_Q2 = [HEADER, "WYP,CSCB03,2015Q2,,,9,Green,,,", "WYP,CSCB04,2015Q2,,,444,Amber,,,"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE)


def _validate_file(path: Path, catalogue):
    tidy, rec = ingest.read_file(path, "2015Q2")
    files = pd.DataFrame([rec], columns=ingest.FILE_COLUMNS)
    failures = pd.concat(
        [validation.file_failures(files), validation.validate_returns(tidy, catalogue)],
        ignore_index=True,
    )
    accepted, rejected = validation.split(tidy, failures)
    return rec, failures, accepted, rejected


def test_corpus_has_at_least_30_faults():
    assert len(EXPECTED) >= 30
    assert all((CORPUS / e["file"]).exists() for e in EXPECTED)


@pytest.mark.parametrize("case", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_each_bad_return_gets_its_documented_outcome(case, catalogue, tmp_path):
    name = case["as_name"] or "CMBC_2015Q2" + Path(case["file"]).suffix
    path = tmp_path / name
    shutil.copyfile(CORPUS / case["file"], path)
    rec, failures, accepted, rejected = _validate_file(path, catalogue)
    errors = failures[failures["severity"] == "error"]
    if case["outcome"] == "file_rejected":
        assert rec["status"] == "rejected", rec
        assert len(accepted) == 0
        msg = errors["message"].iloc[0]
        assert msg.startswith(name) and rec["reason"] in msg
        if case["row"]:
            assert rec["source_row"] == int(case["row"])
        if case["column"]:
            assert rec["column"] == case["column"]
    elif case["outcome"] == "row_rejected":
        assert rec["status"] == "read"
        hit = errors[(errors["rule"] == case["rule"]) & (errors["source_row"] == int(case["row"]))]
        assert len(hit) >= 1, errors[["rule", "source_row", "column"]]
        assert hit["column"].iloc[0] == case["column"]
        assert f"{name}, row {case['row']}, column {case['column']}" in hit["message"].iloc[0]
        assert int(case["row"]) in set(rejected["source_row"])
        assert 2 in set(accepted["source_row"])  # the good row 2 is still used
    elif case["outcome"] == "warning":
        assert errors.empty, errors["message"].tolist()
        warn = failures[(failures["severity"] == "warning") & (failures["rule"] == case["rule"])]
        assert warn["source_row"].tolist() == [int(case["row"])]
        assert warn["column"].tolist() == [case["column"]]
    else:
        assert rec["status"] == "read" and errors.empty, errors["message"].tolist()
        assert len(accepted) == 2


def test_suppressed_value_is_missing_with_marker_never_zero(catalogue, tmp_path):
    path = tmp_path / "CMBC_2015Q2.csv"
    shutil.copyfile(CORPUS / "suppressed_value.csv", path)
    _, _, accepted, _ = _validate_file(path, catalogue)
    row = accepted[accepted["source_row"] == 3].iloc[0]
    assert pd.isna(row["numerator"]) and pd.isna(row["denominator"])
    assert row["numerator_marker"] == "[c]" and row["denominator_marker"] == "[c]"


@pytest.mark.parametrize(
    ("column", "text", "rule"),
    [
        ("commentary", "-2+3+cmd|' /C calc'!A0", "commentary_no_formula"),  # was let through
        ("actions", "@SUM(1)", "actions_no_formula"),
        ("commentary", "<img src=x onerror=alert(1)>", "commentary_no_markup"),
        ("actions", "<b>Chase</b> the audit", "actions_no_markup"),  # any tag, as in registers
        ("commentary", "-5", None),
        ("commentary", "Q2 -> Q3 and a < b", None),
        ("action_timescale", "email@example.org", None),
    ],
)
def test_return_text_is_checked_with_the_shared_patterns(column, text, rule, catalogue, tmp_path):
    path = tmp_path / "WYP_2015Q2.csv"
    rows = [r.split(",") for r in WYP_Q2]
    rows[2][ingest.RETURN_COLUMNS.index(column)] = text
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    _, failures, accepted, rejected = _validate_file(path, catalogue)
    errors = failures[failures["severity"] == "error"]
    if rule is None:
        assert errors.empty, errors["message"].tolist()
        assert accepted["source_row"].tolist() == [2, 3]
        assert accepted.loc[accepted["source_row"] == 3, column].iloc[0] == text
    else:
        assert errors[["source_row", "column", "rule"]].to_dict("records") == [
            {"source_row": 3, "column": column, "rule": rule}
        ]
        assert accepted["source_row"].tolist() == [2]
        assert rejected["source_row"].tolist() == [3]


def test_tolerated_quirks_are_read_as_meant(catalogue, tmp_path):
    # BOM, spaces, lower case, trailing blank rows
    p = tmp_path / "CMBC_2015Q2.csv"
    shutil.copyfile(CORPUS / "bom_spaces_blank_rows.csv", p)
    tidy, _ = ingest.read_file(p, "2015Q2")
    assert tidy[["agency", "indicator", "period", "proposed_rag"]].values.tolist() == [
        ["CMBC", "1.1a", "2015Q2", "Green"],
        ["CMBC", "1.2", "2015Q2", "Amber"],
    ]
    assert tidy["numerator"].tolist() == [91.0, 40.0]
    # Excel: a date in period is its quarter (30 Sep 2015 -> 2015Q2); 0.8 formatted 0% is 80
    x = tmp_path / "CMBC_2015Q2.xlsx"
    shutil.copyfile(CORPUS / "excel_formats.xlsx", x)
    tidy, rec = ingest.read_file(x, "2015Q2")
    assert rec["sheet"] == "Return"
    assert tidy["period"].tolist() == ["2015Q2", "2015Q2"]
    assert tidy["value"].iloc[1] == pytest.approx(80.0)
    # thousands separators: "1,040" -> 1040
    t = tmp_path / "t" / "CMBC_2015Q2.csv"
    t.parent.mkdir()
    shutil.copyfile(CORPUS / "thousands_separator.csv", t)
    tidy, _ = ingest.read_file(t, "2015Q2")
    assert tidy["numerator"].tolist() == [91.0, 1040.0] and tidy["denominator"].iloc[1] == 1050.0
    # Windows-1252 is decoded, and noted
    w = tmp_path / "w" / "CMBC_2015Q2.csv"
    w.parent.mkdir()
    shutil.copyfile(CORPUS / "windows1252_commentary.csv", w)
    tidy, rec = ingest.read_file(w, "2015Q2")
    assert (
        rec["encoding"] == "windows-1252"
        and tidy["commentary"].iloc[0] == "Spend £2k on \u2018outreach\u2019"
    )


def test_ten_megabyte_file_is_rejected_not_read(tmp_path):
    p = tmp_path / "CMBC_2015Q2.csv"
    with open(p, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        line = "CMBC,1.1a,2015Q2,91,,,Green,padding padding padding,,\n"
        fh.write(line * (10 * 2**20 // len(line) + 1))
    assert p.stat().st_size > 10 * 2**20
    tidy, rec = ingest.read_file(p, "2015Q2")
    assert rec["status"] == "rejected" and "10.5 MB" in rec["reason"] and tidy.empty


def test_suites_are_stable_files_without_ids():
    for p in stage.suite_files():
        text = p.read_text(encoding="utf-8")
        assert '"id"' not in text
        suite = json.loads(text)
        rules = [e["meta"]["rule"] for e in suite["expectations"]]
        assert len(rules) == len(set(rules)), p.name


def test_number_pattern_is_the_same_in_suite_and_ingest():
    layout = json.loads(validation.FILES_SUITE.read_text())
    assert "|".join(ingest.RETURN_COLUMNS) in layout["expectations"][0]["meta"]["text"].replace(
        ", ", "|"
    )


SHIPPED = PROJECT_ROOT / "data" / "raw"


def test_dfe_s_published_figures_may_carry_any_indicator_dfe_publishes(tmp_path):
    """A new board's history (make board): a DFE return carries the council's DfE-sourced
    indicators as DfE published them; an indicator DfE does not publish (1.1, local) is still
    another agency's."""
    with open(SHIPPED / "reference" / "catalogue.yaml", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    raw["agencies"].append({"code": PUBLISHED_AGENCY, "name": "Department for Education"})
    cat = parse_catalogue(raw)
    path = tmp_path / f"{PUBLISHED_AGENCY}_2014Q4.csv"
    path.write_text(
        "\n".join([HEADER, "DFE,2.1,2014Q4,3012,45585,,,,,", "DFE,1.1,2014Q4,60,,,,,,"]) + "\n",
        encoding="utf-8",
    )
    tidy, rec = ingest.read_file(path, "2014Q4")
    failures = validation.validate_returns(tidy, cat)
    accepted, rejected = validation.split(tidy, failures)
    assert accepted["indicator"].tolist() == ["2.1"]
    assert failures.loc[failures["indicator"] == "1.1", "rule"].tolist() == ["indicator_owned"]


# ------------------------------------------------------------------------------------------
# Plausible but wrong: the rules that catch a figure that looks like a figure

POPULATIONS = pd.DataFrame({"year": [2014, 2015], "population": [45585, 45659]})


def _rows(*lines: str, received_in: str = "2015Q2", name: str = "CMBC_2015Q2.csv"):
    """Tidy rows as ingest reads them, from CSV lines of the return layout."""
    path = Path(__import__("tempfile").mkdtemp()) / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    tidy, rec = ingest.read_file(path, received_in)
    assert rec["status"] == "read", rec["reason"]
    return tidy


def _errors(tidy, catalogue, populations=POPULATIONS):
    f = validation.validate_returns(tidy, catalogue, populations)
    return f[f["severity"] == "error"]


def test_a_rate_is_judged_after_the_population_step_over_its_rolling_window(catalogue):
    history = pd.concat(
        [
            _rows(f"CMBC,1.1,{p},{n},,,,,,", received_in=p, name=f"CMBC_{p}.csv")
            for p, n in [("2014Q3", 62), ("2014Q4", 67), ("2015Q1", 77)]
        ]
        + [_rows("CMBC,1.1,2015Q2,91000,,,,,,", "CMBC,1.1a,2015Q2,,,91,,,,")],
        ignore_index=True,
    )
    errors = _errors(history, catalogue)
    assert errors[["source_file", "source_row", "column", "rule"]].values.tolist() == [
        ["CMBC_2015Q2.csv", 2, "numerator", "result_below_plausible_max"]
    ]
    # (62 + 67 + 77 + 91,000) / 45,659 x 10,000: the four quarters to Q2, mid-2015 population
    assert errors["message"].iloc[0] == (
        "CMBC_2015Q2.csv, row 2, column numerator (value '91000'): 1.1: a count of 91,000 in "
        "Q2 2015/16 gives 19,975 per 10,000 children aged 0-17 over the 4 quarters to Q2 "
        "2015/16 (ONS mid-2015 population 45,659); the plausible maximum is 500. Check the "
        "figure and its unit (for example a rate per 10,000, not per 100,000)."
    )
    # 91 is a believable count: accepted; without populations no rate is judged here
    assert _errors(history.replace({"numerator": {91000.0: 91.0}}), catalogue).empty
    assert _errors(history, catalogue, None).empty


def test_a_count_that_is_implausible_alone_is_blamed_even_in_an_incomplete_window(catalogue):
    # no earlier quarters: the rate is unknown, but 91,000 alone is already 19,930 per 10,000
    errors = _errors(_rows("CMBC,1.1,2015Q2,91000,,,,,,"), catalogue)
    assert errors["rule"].tolist() == ["result_below_plausible_max"]
    assert _errors(_rows("CMBC,1.1,2015Q2,91,,,,,,"), catalogue).empty


@pytest.mark.parametrize(
    ("line", "rule", "column", "words"),
    [
        ("CMBC,1.1,2015Q2,,,65.0,,,,", "figure_in_right_column", "value",
         "1.1 is a rate per 10,000 children aged 0-17: a figure in value is not used. For 1.1, "
         "put the quarter's count in numerator, and leave denominator and value blank (pmqa "
         "divides it by the 0-17 population)"),
        ("CMBC,1.1,2015Q2,182,45659,,,,,", "figure_in_right_column", "denominator",
         "a figure in denominator is not used"),
        ("CMBC,1.2,2015Q2,53,,,,,,", "figure_in_right_column", "denominator",
         "1.2 is a percentage: denominator is missing"),
        ("CMBC,1.2,2015Q2,53,63,60,,,,", "figure_in_right_column", "value",
         "it gives both forms of the figure, and they differ, so pmqa cannot tell which"),
        ("CMBC,1.1a,2015Q2,91,,19,,,,", "figure_in_right_column", "numerator",
         "1.1a is a count"),
        ("CMBC,1.1,2015Q2,1e308,,,,,,", "numerator_count_believable", "numerator",
         "larger than any count for one area in one quarter"),
        ("CMBC,1.1a,2015Q2,,,\uff19\uff11,,,,", "value_is_number", "value",
         "typed with digits other than 0-9"),
    ],
)  # fmt: skip
def test_a_figure_in_the_wrong_column_is_rejected_naming_the_column(
    catalogue, line, rule, column, words
):
    errors = _errors(_rows(line), catalogue)
    assert errors[["rule", "column"]].values.tolist() == [[rule, column]], errors["message"]
    msg = errors["message"].iloc[0]
    assert msg.startswith(f"CMBC_2015Q2.csv, row 2, column {column}") and words in msg
    assert "(value 'denominator')" not in msg  # nothing sent is never quoted as sent


def test_both_forms_that_agree_are_one_figure(catalogue):
    # 53 / 63 = 84.13%: 84.1 agrees to the indicator's one decimal place; 91 in both columns too
    assert _errors(
        _rows("CMBC,1.2,2015Q2,53,63,84.1,,,,", "CMBC,1.1a,2015Q2,91,,91,,,,"), catalogue
    ).empty


def test_references_are_matched_without_regard_to_case_or_spaces(catalogue):
    tidy = validation.canonical_indicators(_rows("CMBC,1.1A,2015Q2,,,91,,,,"), catalogue)
    assert tidy["indicator"].tolist() == ["1.1a"]
    tidy = validation.canonical_indicators(_rows('CMBC," cscb04 ",2015Q2,,,4,,,,'), catalogue)
    assert tidy["indicator"].tolist() == ["CSCB04"]  # then rejected as WYP's, never "unknown"


def test_an_annual_indicator_outside_its_due_quarter_names_the_quarter(catalogue):
    errors = _errors(_rows("EDU,9.1,2015Q2,96,100,,,,,", name="EDU_2015Q2.csv"), catalogue)
    assert errors["rule"].tolist() == ["annual_in_due_quarter"]
    assert (
        "9.1 is annual (school year): it is returned once a year in the Q1 return, with period "
        "YYYYQ1, and 2015Q2 is not a Q1 quarter. The result due before it has period 2015Q1 "
        "(Q1 2015/16); the next is due with period 2016Q1 (Q1 2016/17)."
    ) in errors["message"].iloc[0]
    assert _errors(_rows("EDU,9.1,2015Q1,96,100,,,,,", name="EDU_2015Q1.csv",
                         received_in="2015Q1"), catalogue).empty  # fmt: skip


def test_a_return_with_no_row_for_its_own_quarter_is_rejected_whole(catalogue):
    wrong = _rows("CMBC,1.1a,2014Q2,,,45,,,,", "CMBC,1.2,2014Q2,49,70,,,,,")
    files = pd.DataFrame(
        [{c: None for c in ingest.FILE_COLUMNS} | {
            "source_file": "CMBC_2015Q2.csv", "agency": "CMBC", "received_in": "2015Q2",
            "status": "read", "rows": 2, "header": "|".join(ingest.RETURN_COLUMNS)}],
    )  # fmt: skip
    out = validation.check_files(files, wrong).iloc[0]
    assert (out["status"], out["rule"], out["source_row"], out["column"]) == (
        "rejected", "return_for_its_quarter", 2, "period",
    )  # fmt: skip
    assert out["reason"].startswith("every row is for 2014Q2, but the file is in the 2015Q2 folder")
    assert "it belongs in the 2014Q2 folder" in out["reason"]
    fail = validation.file_failures(pd.DataFrame([out]))
    assert fail["message"].iloc[0].startswith("CMBC_2015Q2.csv, row 2, column period: ")
    # one row for its own quarter is enough: the others are revisions
    right = pd.concat([wrong, _rows("CMBC,1.1a,2015Q2,,,91,,,,")], ignore_index=True)
    assert validation.check_files(files, right)["status"].tolist() == ["read"]


def test_long_values_are_named_not_copied_into_messages(catalogue):
    errors = _errors(_rows("CMBC,1.1a,2015Q2,,,91,," + "x" * 5000 + ",,"), catalogue)
    assert errors["rule"].tolist() == ["commentary_length"]
    assert len(errors["message"].iloc[0]) < 600 and "(5,000 characters)" in errors["value"].iloc[0]


def _history(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency": "WYP", "indicator": "CSCB04", "period": list(values),
            "numerator": np.nan, "denominator": np.nan, "value": list(values.values()),
            "source_file": [f"WYP_{p}.csv" for p in values], "source_row": 3,
            "received_in": list(values), "sheet": "", "status": "ok",
            **{c: None for c in ingest.MARKER_COLUMNS},
        }
    )  # fmt: skip


def test_warnings_quote_the_figure_sent_and_the_usual_range(catalogue):
    history = _history({"2014Q1": 300, "2014Q2": 310, "2014Q3": 305, "2014Q4": 315,
                        "2015Q1": 320})  # fmt: skip
    now = _rows(
        "WYP,CSCB04,2015Q2,,,3140,,,,", "WYP,CSCB04,2014Q1,,,900,,,,", name="WYP_2015Q2.csv"
    )
    revisions = pd.DataFrame(
        [{"agency": "WYP", "indicator": "CSCB04", "period": "2014Q1", "old_numerator": np.nan,
          "new_numerator": np.nan, "old_denominator": np.nan, "new_denominator": np.nan,
          "old_value": 300.0, "new_value": 900.0, "old_source_file": "WYP_2014Q1.csv",
          "old_received_in": "2014Q1", "source_file": "WYP_2015Q2.csv", "source_row": 3,
          "received_in": "2015Q2"}]
    )  # fmt: skip
    w = validation.warnings_for(now, history, revisions, catalogue)
    by_rule = w.set_index("rule")
    assert set(by_rule.index) == {"jump", "revision_far_back", "revision_jump"}
    assert (w["severity"] == "warning").all()
    # moving ranges 10, 5, 10, 5: a mean of 7.5; the usual step is 3.267 x that, 24.5
    assert by_rule.loc["jump", "message"] == (
        "WYP_2015Q2.csv, row 2, column value (value '3140'): CSCB04: the figure sent, 3,140, is "
        "far from the previous quarter's 320: it usually moves by up to 24.5 a quarter, so a "
        "figure between 295 and 345 would be usual. Check the figure; if it is right, explain "
        "the change in the commentary."
    )
    assert by_rule.loc["revision_far_back", "detail"] == (
        "CSCB04 for Q1 2014/15: this return revises 300 to 900, 5 quarters after the quarter it "
        "is for; the figure usually moves by up to 24.5 a quarter."
    )
    assert "Value sent" not in by_rule.loc["jump", "message"]
    assert by_rule.loc["revision_jump", "column"] == "value"


def test_malformed_periods_are_row_faults_not_a_return_for_another_quarter(catalogue):
    rows = _rows("CMBC,1.1a,Q2 2015,,,45,,,,", "CMBC,1.2,Q2 2015,49,70,,,,,")
    files = pd.DataFrame(
        [{c: None for c in ingest.FILE_COLUMNS} | {
            "source_file": "CMBC_2015Q2.csv", "agency": "CMBC", "received_in": "2015Q2",
            "status": "read", "rows": 2, "header": "|".join(ingest.RETURN_COLUMNS)}],
    )  # fmt: skip
    assert validation.check_files(files, rows)["status"].tolist() == ["read"]
    assert set(_errors(rows, catalogue)["rule"]) == {"period_form"}

"""pmqa_lib.core.gx_runner: suites from JSON, parameters, tidy failures, and quiet."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pmqa_lib.core import gx_runner as gx
from tests import TESTS_DIR

FIXTURE = TESTS_DIR / "fixtures" / "gx_demo_suite.json"


def test_failures_are_tidy_and_name_rows(capfd):
    df = pd.DataFrame(
        {"rag": ["Red", "Blue", None], "code": ["A", "Z", "A"], "n": [1.0, -2.0, 3.0]},
        index=[10, 11, 12],
    )
    out = gx.run_suite(df, FIXTURE, parameters={"codes": ["A", "B"]})
    assert list(out.columns) == gx.RESULT_COLUMNS
    by_rule = {r: g for r, g in out.groupby("rule")}
    # row 11 fails all three row rules; the RAG None is ignored by GX's in_set (missing is not a value)
    assert by_rule["rag_in_set"][["row", "value", "column"]].to_dict("records") == [
        {"row": 11, "value": "Blue", "column": "rag"}
    ]
    assert by_rule["code_known"]["value"].tolist() == ["Z"]
    assert by_rule["n_non_negative"]["value"].tolist() == ["-2"]
    assert by_rule["n_non_negative"]["severity"].tolist() == ["warning"]
    assert by_rule["rag_in_set"]["what_to_do"].iloc[0] == "Use one of the three words."
    assert "layout" not in by_rule  # columns are exactly rag, code, n
    err = capfd.readouterr().err
    assert "Calculating Metrics" not in err and "%|" not in err


def test_table_level_failure_reports_observed_columns():
    df = pd.DataFrame({"code": ["A"], "rag": ["Red"], "n": [1.0]})
    out = gx.run_suite(df, FIXTURE, parameters={"codes": ["A"]})
    layout = out[out["rule"] == "layout"]
    assert len(layout) == 1 and pd.isna(layout["row"].iloc[0])
    assert layout["value"].iloc[0] == "code, rag, n"


def test_missing_column_is_reported_not_raised():
    df = pd.DataFrame({"rag": ["Red"], "code": ["A"]})
    out = gx.run_suite(df, FIXTURE, parameters={"codes": ["A"]})
    assert "n_non_negative" in set(out["rule"])


def test_unknown_expectation_type_raises(tmp_path):
    bad = json.loads(FIXTURE.read_text())
    bad["expectations"][0]["type"] = "expect_column_pair_values_A_to_be_greater_than_B"
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad))
    with pytest.raises(gx.SuiteError, match="does not accept"):
        gx.run_suite(pd.DataFrame({"rag": ["Red"], "code": ["A"], "n": [1.0]}), p, {"codes": ["A"]})


def test_bad_suite_files(tmp_path):
    with pytest.raises(gx.SuiteError, match="not found"):
        gx.load_suite(tmp_path / "nope.json")
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(gx.SuiteError, match="not valid JSON"):
        gx.load_suite(tmp_path / "x.json")


def test_rule_catalogue_lists_rules():
    rules = gx.rule_catalogue(FIXTURE)
    assert rules["rule"].tolist() == ["rag_in_set", "code_known", "n_non_negative", "layout"]


def test_each_failure_maps_to_its_own_expectation_when_rule_ids_repeat():
    # register suites repeat rule ids ("required" on every required column): the failure must
    # name the expectation that failed, by its position in the suite
    suite = {
        "name": "repeats",
        "expectations": [
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": c},
                "meta": {"rule": "required", "column": c},
            }
            for c in ("a", "b", "c")
        ],
    }
    df = pd.DataFrame({"a": ["x", "y"], "b": ["x", None], "c": [None, None]}, index=[7, 8])
    out = gx.run_suite(df, suite)
    assert out[["expectation_index", "rule", "column", "row"]].to_dict("records") == [
        {"expectation_index": 1, "rule": "required", "column": "b", "row": 8},
        {"expectation_index": 2, "rule": "required", "column": "c", "row": 7},
        {"expectation_index": 2, "rule": "required", "column": "c", "row": 8},
    ]

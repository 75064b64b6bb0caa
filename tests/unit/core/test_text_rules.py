"""pmqa_lib.core.text_rules: the formula and markup patterns, on real hostile and harmless text."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from pmqa_lib.core import gx_runner as gx
from pmqa_lib.core import text_rules
from pmqa_lib.core.files import EXPECTATIONS_DIR

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",  # DDE: a minus, then a formula
    "\t=1",
    "\tplain after a tab",  # a leading tab or carriage return is itself refused (OWASP)
    "\r=1",
    "  =1+1",  # spaces before the formula
    "-SUM(A1:A2)",
    "- 1 + 1",
    "-cmd|' /C calc'!A0",
    "- cmd|' /C calc'!A0",  # a spaced minus and a DDE call
    "- 2+3+cmd|' /C calc'!A0",
    "-A1",
]
MARKUP = [
    "<script>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<b>bold</b>",
    "see <a href='http://x'>here</a>",
    "<!-- a comment -->",
    "<svg onload=alert(1)",  # a dangerous tag left unclosed
    "<SCRIPT>",
    "javascript:alert(1)",
    "< / p >",
]
HARMLESS = [
    "-5",
    "-0.5",
    "- 12",
    "Q2 -> Q3",
    "a < b",
    "email@example.org",
    "Rate fell 5% (from 12 to 7)",
    "5 < 6 and 7 >= 3",  # a number after <, so no tag
    "Plan: meet; review; report",
    "- Appoint an EISA coordinator\n- Review the single assessment (monthly)",  # a bullet list
    "- see the action plan",
    "",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_pattern_catches_spreadsheet_formulas(text):
    assert re.search(text_rules.FORMULA_PATTERN, text)


@pytest.mark.parametrize("text", MARKUP)
def test_markup_pattern_catches_tags_and_script(text):
    assert re.search(text_rules.MARKUP_PATTERN, text)


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_matches_neither_pattern(text):
    assert not re.search(text_rules.FORMULA_PATTERN, text)
    assert not re.search(text_rules.MARKUP_PATTERN, text)


def test_markup_pattern_is_the_union_of_both_old_rules():
    # the registers' "any tag" rule: text between < and > that starts like a tag name is a tag
    assert re.search(text_rules.MARKUP_PATTERN, "a < b and c > d")
    # the returns' rule: a dangerous tag needs no closing >, and handlers count inside any tag
    assert re.search(text_rules.MARKUP_PATTERN, "<iframe src=//x")
    assert re.search(text_rules.MARKUP_PATTERN, "<x onclick = go()>")


def test_great_expectations_substitutes_the_patterns_as_suite_parameters():
    texts = FORMULAS + MARKUP + HARMLESS
    df = pd.DataFrame({"text": texts}, index=range(100, 100 + len(texts)))
    suite = {
        "name": "text_rules",
        "expectations": [
            {
                "type": "expect_column_values_to_not_match_regex",
                "kwargs": {"column": "text", "regex": {"$PARAMETER": name}},
                "meta": {"rule": name},
            }
            for name in ("formula_pattern", "markup_pattern")
        ],
    }
    out = gx.run_suite(df, suite, text_rules.suite_parameters())
    flagged = {rule: df.loc[g["row"], "text"].tolist() for rule, g in out.groupby("rule")}
    assert flagged["formula_pattern"] == FORMULAS
    # no formula contains markup and no markup starts like a formula: each rule flags its own list
    assert flagged["markup_pattern"] == MARKUP


def test_every_suite_takes_the_shared_patterns_never_its_own():
    uses = {"formula_pattern": 0, "markup_pattern": 0}
    for path in sorted(EXPECTATIONS_DIR.glob("*.json")):
        for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            if e["type"] != "expect_column_values_to_not_match_regex":
                continue
            regex = e["kwargs"]["regex"]
            assert isinstance(regex, dict), f"{path.name}: {e['meta']['rule']} has its own regex"
            uses[regex["$PARAMETER"]] += 1
    # returns: 3 formula, 2 markup rules; registers: one of each per free-text column
    assert uses["formula_pattern"] == 3 + 8 + 12 + 8 + 12 + 9 + 9 + 11
    assert uses["markup_pattern"] == 2 + 8 + 12 + 8 + 12 + 9 + 9 + 11


# ------------------------------------------------------------------------------------------
# What pmqa writes: neutralised on the way out, restored by pmqa's own readers

RUNS_IN_A_SPREADSHEET = [
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "- Appoint a coordinator",  # accepted on input, still neutralised on output
    "-",  # the suppression marker: harmless, but it starts like one
    "\t=1",
    "\r=1",
    "'=already quoted",  # an apostrophe sent by the agency is kept through the round trip
]
STAYS = ["-5", "-0.25", "+3", "1e3", "-1e-3", "Plan: = later", "", "a - b", "2015Q2"]


@pytest.mark.parametrize("text", RUNS_IN_A_SPREADSHEET)
def test_text_that_a_spreadsheet_runs_gets_an_apostrophe_and_comes_back(text):
    out = text_rules.neutralise_cell(text)
    assert out == "'" + text and text_rules.restore_cell(out) == text


@pytest.mark.parametrize("text", STAYS)
def test_numbers_and_plain_text_are_written_as_they_are(text):
    assert text_rules.neutralise_cell(text) == text
    assert text_rules.restore_cell(text) == text


def test_frames_are_neutralised_column_by_column_and_numbers_untouched():
    df = pd.DataFrame(
        {
            "text": RUNS_IN_A_SPREADSHEET + STAYS,
            "n": range(len(RUNS_IN_A_SPREADSHEET) + len(STAYS)),
            "flag": [True] * (len(RUNS_IN_A_SPREADSHEET) + len(STAYS)),
        }
    )
    df.loc[0, "text"] = None
    out = text_rules.neutralise_frame(df)
    assert out["n"].tolist() == df["n"].tolist() and out["flag"].all()
    assert pd.isna(out["text"].iloc[0])
    assert out["text"].iloc[1:9].str.startswith("'").all()
    assert out["text"].iloc[9:].tolist() == STAYS
    pd.testing.assert_frame_equal(text_rules.restore_frame(out), df)


def test_bidirectional_controls_are_shown_not_obeyed():
    sent = "Audit done\u202e.exe\u2066 ok\u200f"
    assert text_rules.show_controls(sent) == "Audit done[U+202E].exe[U+2066] ok[U+200F]"
    assert text_rules.neutralise_cell(sent) == "Audit done[U+202E].exe[U+2066] ok[U+200F]"
    assert all(
        chr(c) in text_rules.BIDI_CONTROLS
        for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F]
    )

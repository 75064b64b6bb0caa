"""Sentences written from the numbers, checked against the numbers and the tables beside them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import narrative, tables
from tests.report_fixture import fixture_inputs

Q2 = Quarter.parse("2015Q2")
NUM = r"(\d[\d,]*(?:\.\d+)?)"  # 1,234.5 but not a full stop after it


def facts_row(**over) -> pd.Series:
    base = dict(
        indicator="1.1", unit="rate_per_10k", precision=1, polarity="high", name="x",
        value=65.04741671959526, previous_value=55.06197213995832, target=60.0,
        previous_target=60.0, target_met=True, previous_target_met=False, status="ok",
        previous_status="ok", mk_p_value=0.21, mk_n=8, sens_slope=1.2, trend_significant=False,
        trajectory="improving", trend_arrow="\u2191", trajectory_points=4, spc_variation="common cause", spc_assurance="hit and miss",
        spc_warning="", rag="Green", previous_rag="Amber", lead_rag="Green", disagreement=False,
        trigger="none", next_step="", assurance="Safe (Assured)", england=np.nan, sn=np.nan,
        region=np.nan, quarter_label="Q2 2015/16", previous_label="Q1 2015/16",
    )  # fmt: skip
    base.update(over)
    return pd.Series(base)


def test_the_brief_example_sentence_names_each_horizon():
    # 55.06 -> "55.1", 65.05 -> "65.0"; target 60 met now, missed before; the trajectory over the
    # latest 4 quarters; MK p = 0.21 over all 8 quarters
    first = narrative.sentences(facts_row())[0]
    assert first == (
        "This quarter the rate rose from 55.1 to 65.0 and now meets the target of 60. Over the "
        "last 4 quarters the trend is improving (\u2191: the rate is rising, and high is good). "
        "Over 8 quarters there is no statistically significant trend (Mann-Kendall, p = 0.21)."
    )


def test_fall_and_missed_target_low_is_good():
    f = facts_row(unit="number", precision=0, polarity="low", value=401.0, previous_value=444.0,
                  target=350.0, target_met=False, previous_target_met=False, mk_p_value=0.02,
                  trend_significant=True, sens_slope=8.5, mk_n=10)  # fmt: skip
    first = narrative.sentences(f)[0]
    # fell this quarter, but Sen's slope is upward: the sentence must not call the fall a trend
    assert first.startswith(
        "This quarter the number fell from 444 to 401 and still does not meet the target of 350."
    )
    assert "Over 10 quarters there is a statistically significant upward trend" in first


def test_equal_displayed_values_say_stayed():
    f = facts_row(value=65.04, previous_value=64.96)  # both show as 65.0
    assert narrative.sentences(f)[0].startswith("This quarter the rate stayed at 65.0")


def test_short_series_says_so_instead_of_a_p_value():
    f = facts_row(mk_p_value=np.nan, mk_n=3)
    first = narrative.sentences(f)[0]
    assert "too short to test for a statistically significant trend (3 quarters)" in first
    assert "p =" not in first


def test_constant_series_says_it_has_not_changed():
    # eight equal quarters: Mann-Kendall p = 1 with the note "no change over the window"
    f = facts_row(mk_p_value=1.0, mk_n=8, sens_slope=0.0, trend_significant=False,
                  mk_note="no change over the window")  # fmt: skip
    first = narrative.sentences(f)[0]
    assert (
        "Over 8 quarters the figure has not changed, so there is no trend (Mann-Kendall, "
        "p = 1.00)." in first
    )


def test_red_with_further_enquiry_states_the_trigger_once():
    f = facts_row(rag="Red", trigger="further enquiry", next_step=(
        "Further enquiry: Red, off target and not improving; ask the lead officer for an "
        "exception report and actions with timescales."))  # fmt: skip
    text = " ".join(narrative.sentences(f))
    assert (
        "Trigger: further enquiry; next step: Red, off target and not improving; ask the lead "
        "officer for an exception report and actions with timescales." in text
    )


def test_no_data_sentence_never_gives_a_number_for_this_quarter():
    f = facts_row(value=np.nan, status="rejected", target_met=np.nan, previous_target_met=True)
    first = narrative.sentences(f)[0]
    assert first.startswith("No data for Q2 2015/16: return rejected.")
    assert "The last value was 55.1 (Q1 2015/16), which met the target of 60." in first


def test_disagreement_is_named():
    f = facts_row(rag="Amber", lead_rag="Green", disagreement=True, trigger="watch next quarter",
                  next_step="Watch next quarter.")  # fmt: skip
    text = " ".join(narrative.sentences(f))
    assert "The lead officer proposed Green" in text
    assert "Trigger: watch next quarter; next step: Watch next quarter." in text


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.21, "p = 0.21"),
        (0.0491, "p = 0.049"),
        (0.0509, "p = 0.051"),
        (0.0024, "p = 0.002"),
        (0.0001, "p < 0.001"),
    ],
)
def test_format_p(p, text):
    assert narrative.format_p(p) == text


def test_sentences_never_contradict_the_page_table():
    """For every fixture indicator: the values quoted are the table's values, and "meets" /
    "does not meet" agree with the table's Target met? cell for the quarter."""
    inp = fixture_inputs()
    facts = narrative.indicator_facts(inp.measures, inp.assurance, inp.catalogue, Q2)
    for _, f in facts.iterrows():
        ind = inp.catalogue[f["indicator"]]
        table = tables.indicator_page_table(inp.measures, ind, Q2).set_index("")
        first = narrative.sentences(f)[0]
        now, before = table.loc["Actual", "2015/16 Q2"], table.loc["Actual", "2015/16 Q1"]
        met = table.loc["Target met?", "2015/16 Q2"]
        if now.startswith("no data"):
            assert first.startswith(f"No data for Q2 2015/16: {now[len('no data: ') :]}"), first
            continue
        m = re.match(rf"This quarter the [\w ]+? (?:rose|fell) from {NUM} to {NUM}", first)
        assert m, first
        assert (m.group(1), m.group(2)) == (before, now)
        if met == "Yes":
            assert " meets the target" in first and "not meet" not in first
        elif met == "No":
            assert "not meet" in first or "no longer meets" in first


def test_key_points_start_with_the_status():
    inp = fixture_inputs()
    facts = narrative.indicator_facts(inp.measures, inp.assurance, inp.catalogue, Q2)
    kp = narrative.key_points(facts)
    assert kp["1.1"] == (
        "The current status is GREEN. This quarter the rate rose from 55.1 to 65.0 and now meets "
        "the target of 60. Over the last 4 quarters the trend is improving (\u2191: the rate is "
        "rising, and high is good)."
    )
    assert kp["CSCB05a"].endswith("Trigger: audit.")


def test_annual_sentences_speak_of_the_annual_results():
    from pmqa_lib.core.catalogue import parse_catalogue
    from tests.unit.analytics.test_assurance import ANNUAL_CATALOGUE, annual_run

    m, a = annual_run("2015Q2")
    f = narrative.indicator_facts(m, a, parse_catalogue(ANNUAL_CATALOGUE), Q2)
    kp = narrative.key_points(f)
    # 9.1: 97/105 = 92.4 (school year 2013/14) -> 101/105 = 96.2 (2014/15), target 95
    assert kp["9.1"].startswith(
        "The current status is GREEN. The latest annual result, for the 2014/15 school year, is "
        "96.2, up from 92.4 for the 2013/14 school year, and now meets the target of 95 (next due "
        "in Q1 2016/17)"
    )
    assert "for calendar 2014, is 88.5, up from 76.9 for calendar 2013" in kp["8.2"]
    assert kp["CSCB24"].startswith(
        "No annual result: the annual return for 2014/15 (financial year) due in Q4 2014/15 was "
        "rejected; next due in Q4 2015/16. The last annual result was 85.7 for the 2013/14 "
        "financial year"
    )
    text = " ".join(narrative.sentences(f.set_index("indicator").loc["9.1"]))
    assert "too short to test for a statistically significant trend (3 annual results)" in text
    assert "Over the last 3 annual results the trend is improving" in kp["9.1"]
    assert "it was Green in Q1 2015/16" in text  # the RAG history stays by quarter
    # three points give no useful process limits: no "hit and miss" from them
    assert "too few points to judge the variation (3 annual results" in text
    assert "hit and missed" not in text


# ---------------------------------------------------------------------------------------
# Every indicator of the shipped 2015Q2 run: no key point contradicts the table beside it


def test_a_queried_figure_is_never_an_improvement_or_special_cause_without_saying_so():
    note = "3.1: the figure sent, 1 day (3 over 3), is far from the previous quarter's 547 days."
    f = facts_row(unit="days", precision=0, polarity="low", value=1.0, previous_value=547.0,
                  target=426.0, target_met=True, previous_target_met=False, queried=True,
                  query_note=note, trajectory="improving", trend_arrow="\u2193",
                  spc_variation="special cause improvement", spc_points=10)  # fmt: skip
    text = " ".join(narrative.sentences(f))
    assert text.startswith(f"Queried: {note[:-1]}. Until the agency confirms the figure")
    for claim in ("improving", "special cause", "would be Green"):
        for sentence in re.split(r"(?<=\.) ", text):
            if claim in sentence:
                assert "queried" in sentence, sentence
    assert "The computed RAG is Green" not in text
    kp = narrative.key_points(pd.DataFrame([f]))
    assert kp.iloc[0].startswith("Queried:") and "The current status is GREEN" not in kp.iloc[0]
    plain = " ".join(narrative.sentences(facts_row()))  # not queried: the usual wording
    assert "queried" not in plain.lower() and "The computed RAG is Green" in plain

"""Quarters, labels, years and the population year (pmqa_lib.core.periods)."""

import datetime as dt

import pytest

from pmqa_lib.core.periods import (
    PeriodError,
    Quarter,
    comparator_dfe_year,
    dfe_population_year,
    dfe_year_to_financial_year,
    financial_year_label,
    financial_year_labels,
    parse_financial_year,
    population_year,
    population_year_for_window,
    quarter_range,
)

D = dt.date


@pytest.mark.parametrize(
    ("code", "start", "end", "label", "months"),
    [
        ("2015Q1", D(2015, 4, 1), D(2015, 6, 30), "Q1 2015/16", "April to June 2015"),
        ("2015Q2", D(2015, 7, 1), D(2015, 9, 30), "Q2 2015/16", "July to September 2015"),
        ("2015Q3", D(2015, 10, 1), D(2015, 12, 31), "Q3 2015/16", "October to December 2015"),
        ("2015Q4", D(2016, 1, 1), D(2016, 3, 31), "Q4 2015/16", "January to March 2016"),
        ("2013Q1", D(2013, 4, 1), D(2013, 6, 30), "Q1 2013/14", "April to June 2013"),
        ("1999Q4", D(2000, 1, 1), D(2000, 3, 31), "Q4 1999/00", "January to March 2000"),
        (
            "2019Q4",
            D(2020, 1, 1),
            D(2020, 3, 31),
            "Q4 2019/20",
            "January to March 2020",
        ),  # leap year
    ],
)
def test_quarter_boundaries_and_labels(code, start, end, label, months):
    q = Quarter.parse(code)
    assert (q.start, q.end) == (start, end)
    assert q.label == label
    assert q.months_label == months
    assert q.code == str(q) == code
    assert q.contains(start) and q.contains(end)
    assert not q.contains(start - dt.timedelta(days=1)) and not q.contains(
        end + dt.timedelta(days=1)
    )
    assert Quarter.of_date(start) == q and Quarter.of_date(end) == q


def test_long_label():
    assert Quarter.parse("2015Q2").long_label == "Q2 2015/16, July to September 2015"
    assert Quarter.parse("2015Q4").long_label == "Q4 2015/16, January to March 2016"


def test_fy_label_and_year_end_rollover():
    assert Quarter.parse("2015Q4").fy_label == "2015/16"
    assert financial_year_label(1999) == "1999/00"
    assert Quarter.parse("2015Q4").next() == Quarter(2016, 1)
    assert Quarter.parse("2016Q1").previous() == Quarter(2015, 4)
    assert Quarter.parse("2015Q2").previous(5) == Quarter(2014, 1)


def test_previous_quarters_and_range():
    assert [q.code for q in Quarter.parse("2015Q2").previous_quarters(3)] == [
        "2014Q3",
        "2014Q4",
        "2015Q1",
    ]
    assert [q.code for q in quarter_range("2014Q3", "2015Q2")] == [
        "2014Q3",
        "2014Q4",
        "2015Q1",
        "2015Q2",
    ]
    assert quarter_range("2015Q2", "2015Q1") == []


def test_year_to_date_membership():
    assert [q.code for q in Quarter.parse("2015Q2").year_to_date()] == ["2015Q1", "2015Q2"]
    assert [q.code for q in Quarter.parse("2015Q4").year_to_date()] == [
        "2015Q1",
        "2015Q2",
        "2015Q3",
        "2015Q4",
    ]
    assert [q.code for q in Quarter.parse("2015Q1").year_to_date()] == ["2015Q1"]
    # January-March 2016 belongs to 2015/16, not 2016/17
    assert Quarter.of_date(D(2016, 2, 29)) in Quarter.parse("2015Q4").year_to_date()
    assert Quarter.parse("2014Q4") not in Quarter.parse("2015Q2").year_to_date()


def test_financial_year_labels_long_short_and_vectorised():
    assert financial_year_label(2015) == "2015/16"
    assert financial_year_label(1999) == "1999/00"
    assert financial_year_label(2015, short=True) == "15/16"
    assert financial_year_label(2009, short=True) == "09/10"
    assert list(financial_year_labels([2014, 2015, 2014])) == ["2014/15", "2015/16", "2014/15"]


def test_dfe_year_mapping():
    # DfE "2015" is the year ending 31 March 2015 = financial year 2014/15
    assert dfe_year_to_financial_year(2015) == 2014
    # the Q2 2015/16 scorecard compares with 2014/15 (Appendix 1), DfE year 2015
    assert comparator_dfe_year("2015Q2") == 2015 and comparator_dfe_year("2015Q4") == 2015
    assert comparator_dfe_year("2016Q1") == 2016
    assert Quarter.parse("2014Q4").dfe_year == 2015
    assert Quarter.parse("2015Q1").dfe_year == 2016
    # DfE 2024 rates divide by the mid-2023 population
    assert dfe_population_year(2024) == 2023


@pytest.mark.parametrize(
    ("first", "last", "year"),
    [
        # Appendix 1: Q1 2015/16's window July 2014-June 2015 is centred on 30 December 2014
        ("2014Q2", "2015Q1", 2014),
        # Q2 2015/16's window October 2014-September 2015 is centred on 31 March 2015
        ("2014Q3", "2015Q2", 2015),
        ("2014Q1", "2014Q4", 2014),  # a financial year: centred on 30 September 2014
        ("2015Q3", "2015Q3", 2015),  # one quarter: mid-November 2015
        ("2015Q4", "2015Q4", 2016),  # January-March 2016
    ],
)
def test_population_year_for_window(first, last, year):
    assert population_year_for_window(Quarter.parse(first), Quarter.parse(last)) == year


@pytest.mark.parametrize(
    ("last", "year"),
    [
        # a stock at 31 March (Q4) divides by DfE's mid-year: the previous calendar year's.
        # Calderdale's 205 child protection plans at 31 March 2015 / 45,585 (mid-2014) = 45.0
        ("2014Q4", 2014),
        ("2013Q4", 2013),
        ("2015Q4", 2015),
        # at 30 June, 30 September and 31 December: the calendar year holding the day
        ("2015Q1", 2015),
        ("2015Q2", 2015),
        ("2015Q3", 2015),
    ],
)
def test_population_year_of_a_stock_follows_dfe(last, year):
    q = Quarter.parse(last)
    assert population_year(q, q, stock=True) == year
    # the same as DfE's rule for the reporting year that holds the day
    assert population_year(q, q, stock=True) == dfe_population_year(q.dfe_year)


def test_population_year_of_a_count_over_a_window_is_its_midpoint():
    # Appendix 1: 1.1's rolling windows keep the midpoint rule (55.1 on mid-2014, 65.0 on mid-2015)
    assert population_year(Quarter.parse("2014Q2"), Quarter.parse("2015Q1")) == 2014
    assert population_year(Quarter.parse("2014Q3"), Quarter.parse("2015Q2")) == 2015
    # a year ending 31 March 2015 (DfE 2015): mid-2014, DfE's convention
    assert population_year(Quarter.parse("2014Q1"), Quarter.parse("2014Q4")) == 2014
    # events in one quarter, January to March 2016: mid-2016 (DfE publishes no such figure)
    assert population_year(Quarter.parse("2015Q4"), Quarter.parse("2015Q4")) == 2016


@pytest.mark.parametrize(
    "bad", ["2015Q5", "15Q2", "", "../x", "2015q2", "2015Q0", " 2015 Q2", None]
)
def test_bad_quarters_raise_with_expected_form(bad):
    with pytest.raises(PeriodError, match=r"expected YYYYQn, e\.g\. 2015Q2"):
        Quarter.parse(bad)


def test_parse_financial_year():
    assert parse_financial_year("2015/16") == 2015
    assert parse_financial_year("2015-2016") == 2015
    assert parse_financial_year("1999/00") == 1999


@pytest.mark.parametrize("bad", ["2015/17", "15/16", "", "2015"])
def test_bad_financial_years(bad):
    with pytest.raises(PeriodError, match="financial year"):
        parse_financial_year(bad)


def test_ordering_and_ordinals():
    qs = [Quarter.parse(c) for c in ("2015Q1", "2014Q4", "2015Q2")]
    assert [q.code for q in sorted(qs)] == ["2014Q4", "2015Q1", "2015Q2"]
    assert Quarter.parse("2015Q1").ordinal - Quarter.parse("2014Q4").ordinal == 1
    assert Quarter.from_ordinal(Quarter.parse("2015Q3").ordinal) == Quarter(2015, 3)


def test_quarter_ordinals_column_at_once_nan_for_non_quarters():
    import math

    from pmqa_lib.core.periods import Quarter, quarter_ordinals

    out = quarter_ordinals(["2015Q2", "2014Q4", "2015Q5", None, "15Q2", "2015Q2"])
    assert out[0] == Quarter(2015, 2).ordinal == out[5]
    assert out[1] == Quarter(2014, 4).ordinal == out[0] - 2  # Jan-Mar 2015 is two before Jul-Sep
    assert all(math.isnan(x) for x in out[2:5])

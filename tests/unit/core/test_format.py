"""pmqa_lib.core.format: the one rounding rule, number formats, no-data wording and RAG set."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pmqa_lib.core import format as fmt


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (2.5, 0, "3"),  # half away from zero, not banker's 2
        (-2.5, 0, "-3"),
        (0.125, 2, "0.13"),
        (55.05, 1, "55.1"),  # stored as 55.04999..., a report shows 55.1
        (60.0547, 1, "60.1"),
        (65.0474, 1, "65.0"),
        (1.005, 2, "1.01"),  # an earlier copy of the rule gave 1.0
        (626.545, 2, "626.55"),  # an earlier copy gave 626.54
        (2.675, 2, "2.68"),  # binary 2.67499999...
        (-0.04, 1, "0.0"),  # no "-0.0"
        (456.1671, 1, "456.2"),
    ],
)
def test_format_value_rounds_half_away_from_zero(value, places, shown):
    assert fmt.format_value([value], places)[0] == shown


def test_round_half_away_vectorised_with_precision_per_value_and_nan():
    out = fmt.round_half_away([np.nan, 0.5, 2.25, 1.005], [0, 0, 1, 2])
    assert np.isnan(out[0])
    assert out[1:].tolist() == [1.0, 2.3, 1.01]


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (2.25, 1, "2.3"),
        (-2.25, 1, "-2.3"),
        (0.125, 2, "0.13"),
        (60.05469442977679, 1, "60.1"),  # 1.1's YTD (55.06 + 65.05) / 2
        (1234.4, 0, "1,234"),
        (1234567.25, 1, "1,234,567.3"),
        (-0.04, 1, "0.0"),
        (float("nan"), 1, ""),
        (None, 1, ""),
        ("not a number", 1, ""),
    ],
)
def test_format_number_for_people(value, precision, expected):
    assert fmt.format_number(value, precision) == expected


def test_round_one_of_a_non_number_is_nan():
    assert math.isnan(fmt.round_one(float("nan"), 1))
    assert math.isnan(fmt.round_one("x", 1))
    assert fmt.round_one("2.25", 1) == 2.3


def test_no_data_wording_by_status():
    assert fmt.no_data_text("rejected") == "no data: return rejected"
    assert fmt.no_data_text("missing") == "no data: not returned"
    assert fmt.no_data_text("suppressed") == "no data: suppressed by the agency"
    assert fmt.no_data_text("other") == "no data: other"
    assert fmt.no_data_text(None) == fmt.no_data_text("ok") == "no data"
    assert all(v.startswith(fmt.NO_DATA_PREFIX) for k, v in fmt.NO_DATA.items() if k != "not_due")


def test_rag_set_worst_first():
    assert fmt.RAGS == ("Red", "Amber", "Green")
    assert (fmt.RED, fmt.AMBER, fmt.GREEN) == fmt.RAGS

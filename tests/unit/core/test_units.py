"""pmqa_lib.core.units: the columns each unit fills, and the plausible range on the headline's scale."""

from __future__ import annotations

import numpy as np
import pytest

from pmqa_lib.core import units
from pmqa_lib.core.catalogue import UNITS


def test_every_unit_has_its_forms_range_and_words():
    for unit in UNITS:
        assert units.FIGURE_FORMS[unit] and units.DEFAULT_RANGE[unit][0] == 0
        assert set(units.template_columns(unit)) <= set(units.FIGURE_COLUMNS)
        assert unit in units.UNIT_PHRASES and unit in units.FIGURE_SUFFIX
    assert units.default_range("percent") == (0.0, 100.0)
    assert units.default_range("rate_per_10k") == (0.0, 10_000.0)


def test_is_plausible_on_the_headline_scale():
    values = [19975.47, 65.0, np.inf, -np.inf, np.nan, 500.0, -0.1, 1e308]
    got = units.is_plausible(values, 0, 500).tolist()
    # a missing figure is the no-data rules' business: never "implausible" here
    assert got == [False, True, False, False, True, True, False, False]
    assert units.is_plausible([50, 50], [0, 60], [100, 100]).tolist() == [True, False]


def _filled(n=False, d=False, v=False):
    return {"numerator": np.array([n]), "denominator": np.array([d]), "value": np.array([v])}


@pytest.mark.parametrize(
    ("unit", "filled", "culprit"),
    [
        ("rate_per_10k", _filled(n=True), ""),
        ("rate_per_10k", _filled(v=True), "value"),  # the rate sent instead of the count
        ("rate_per_10k", _filled(n=True, d=True), "denominator"),  # the population sent
        ("percent", _filled(n=True, d=True), ""),
        ("percent", _filled(v=True), ""),  # the percentage itself is accepted
        ("percent", _filled(n=True), "denominator"),  # half the counts: denominator missing
        ("percent", _filled(n=True, d=True, v=True), "value"),  # both forms at once
        ("days", _filled(v=True), ""),
        ("number", _filled(v=True), ""),
        ("number", _filled(n=True), ""),
        ("number", _filled(n=True, v=True), "numerator"),
        ("number", _filled(d=True, v=True), "denominator"),
        ("number", _filled(), ""),  # no figure at all is the figure_present rule's business
    ],
)
def test_figure_form_problem_names_the_column(unit, filled, culprit):
    assert units.figure_form_problem(np.array([unit], dtype=object), filled).tolist() == [culprit]


def test_form_advice_in_the_templates_words():
    assert units.form_advice("rate_per_10k") == (
        "put the quarter's count in numerator, and leave denominator and value blank (pmqa "
        "divides it by the 0-17 population)"
    )
    assert units.form_advice("percent") == (
        "put the cases meeting the standard in numerator and all cases in denominator, and "
        "leave value blank; or give only value: the percentage itself, if the counts cannot be "
        "given"
    )

"""Which DfE year a value is compared with: the last year published before the quarter's own
financial year began (Appendix 1's Q2 2015/16 scorecard shows 2014/15), except DfE's own
published figure, which DfE published with England's and the neighbours' of the same year."""

from __future__ import annotations

import pandas as pd

from pmqa_lib.analytics.assessment import comparator_values, published_result_years
from pmqa_lib.core.periods import Quarter

# England's referral rate per 10,000: 2022/23 538.8, 2023/24 518.3 (c1, CIN 2024 release)
COMPS = pd.DataFrame(
    {
        "indicator": ["2.1", "2.1"],
        "comparator": ["England", "England"],
        "dfe_year": [2023, 2024],
        "value": [538.8, 518.3],
        "label": ["England 2022/23", "England 2023/24"],
    }
)


def test_a_local_figure_compares_with_the_year_before_its_own():
    c = comparator_values(COMPS, Quarter(2023, 4)).set_index("indicator")
    assert (c.loc["2.1", "england"], c.loc["2.1", "england_label"]) == (538.8, "England 2022/23")


def test_dfe_s_own_figure_compares_with_the_same_year():
    rows = pd.DataFrame(
        {
            "indicator": ["2.1", "4.1"],
            "source_file": ["DFE_2023Q4.csv", "COUNCIL_2023Q4.csv"],
            "result_period": ["2023Q4", "2023Q4"],
            "value": [456.2, 47.8],
        }
    )
    years = published_result_years(rows)
    assert years.to_dict() == {"2.1": 2024}  # the year ending 31 March 2024; 4.1 is local
    c = comparator_values(COMPS, Quarter(2023, 4), years).set_index("indicator")
    assert (c.loc["2.1", "england"], c.loc["2.1", "england_label"]) == (518.3, "England 2023/24")


def test_no_published_rows_no_change():
    rows = pd.DataFrame({"indicator": ["2.1"], "source_file": ["CMBC_2015Q2.csv"],
                         "result_period": ["2015Q2"], "value": [613.9]})  # fmt: skip
    assert published_result_years(rows).empty

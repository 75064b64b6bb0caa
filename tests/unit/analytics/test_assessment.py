"""pmqa_lib.analytics.assessment's guards: an implausible figure is never rated, and a queried
one carries its query into the assurance table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.analytics import assessment
from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.periods import Quarter
from tests import TESTS_DIR

CATALOGUE = load_catalogue(TESTS_DIR / "fixtures" / "catalogue_small.yaml")
POPULATIONS = pd.DataFrame({"year": [2013, 2014, 2015], "population": [45633, 45585, 45659]})


def _obs(values: list[float], query: str | None = None) -> pd.DataFrame:
    periods = [Quarter.parse("2014Q1").shift(k).code for k in range(len(values))]
    obs = pd.DataFrame(
        {
            "agency": "WYP", "indicator": "CSCB04", "period": periods, "numerator": np.nan,
            "denominator": np.nan, "value": values, "status": "ok", "proposed_rag": None,
            "query_note": None,
        }
    )  # fmt: skip
    obs.loc[obs.index[-1], "query_note"] = query
    return obs


def test_a_value_outside_the_plausible_range_is_never_rated():
    # an observations file edited by hand, or a catalogue range narrowed since validation
    obs = _obs([300, 310, 305, 315, 320, 5000])  # CSCB04: at most 2,000 a quarter
    q = Quarter.parse("2015Q2")
    measures, a = assessment.analyse_quarter(obs, CATALOGUE, POPULATIONS, None, q)
    row = a.set_index("indicator").loc["CSCB04"]
    assert np.isnan(row["value"]) and row["status"] == "rejected" and not row["rag"]
    assert row["display_value"] == assessment.IMPLAUSIBLE_NOTE
    m = measures[(measures["indicator"] == "CSCB04") & (measures["period"] == q.code)].iloc[0]
    assert np.isnan(m["value"]) and np.isnan(m["ytd"])


def test_a_queried_figure_keeps_its_value_and_carries_the_query():
    note = "CSCB04: the figure sent, 1,140, is far from the previous quarter's 320."
    obs = _obs([300, 310, 305, 315, 320, 1140], query=note)
    _, a = assessment.analyse_quarter(obs, CATALOGUE, POPULATIONS, None, Quarter.parse("2015Q2"))
    row = a.set_index("indicator").loc["CSCB04"]
    assert row["value"] == 1140 and bool(row["queried"]) and row["query_note"] == note
    others = a[a["indicator"] != "CSCB04"]
    assert not others["queried"].any() and others["query_note"].isna().all()

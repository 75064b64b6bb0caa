"""analytics.rag_history: every quarter assessed as run() assesses it, from one measures table."""

import pandas as pd
import pytest

from pmqa_lib.analytics import assessment as analytics
from pmqa_lib.core import reference
from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.periods import Quarter
from pmqa_lib.public import comparators
from pmqa_lib.validate import observations

Q2 = Quarter.parse("2015Q2")


@pytest.fixture(scope="module")
def inputs(example_processed):
    p = example_processed
    return (
        observations.load(Q2, p),
        load_catalogue(p.catalogue_file),
        reference.load_population(p),
        comparators.load_committed(p),
    )


def test_history_agrees_with_run_for_this_and_last_quarter(inputs):
    obs, cat, pops, comps = inputs
    hist = analytics.rag_history(obs, cat, pops, comps, Q2)
    _, a = analytics.analyse_quarter(obs, cat, pops, comps, Q2)
    a = a.set_index("indicator")
    now = hist[hist["period"] == "2015Q2"].set_index("indicator").reindex(a.index)
    before = hist[hist["period"] == "2015Q1"].set_index("indicator").reindex(a.index)
    pd.testing.assert_series_equal(now["rag"].fillna(""), a["rag"].fillna(""), check_names=False)
    pd.testing.assert_series_equal(
        before["rag"].fillna(""), a["previous_rag"].fillna(""), check_names=False
    )


def test_history_of_1_1_matches_appendix_1(inputs):
    """Q1 2015/16: 55.1 in the Amber band, target 60 missed and the trajectory steady: Red by
    the continuum (1.1's own trigger points: "missed and steady ... RAG of Red with further
    enquiry"); the lead officer's Green is a disagreement. Q2: 65.0, Green (Appendix 1)."""
    obs, cat, pops, comps = inputs
    h = analytics.rag_history(obs, cat, pops, comps, Q2, first="2015Q1")
    assert sorted(h["period"].unique()) == ["2015Q1", "2015Q2"]
    h = h[h["indicator"] == "1.1"].set_index("period")
    assert h.loc["2015Q1", ["display_value", "band", "trajectory", "rag", "lead_rag"]].tolist() == [
        "55.1",
        "Amber",
        "steady",
        "Red",
        "Green",
    ]
    assert h.loc["2015Q1", "trigger"] == "further enquiry"
    assert bool(h.loc["2015Q1", "disagreement"])
    assert h.loc["2015Q2", ["display_value", "rag"]].tolist() == ["65.0", "Green"]

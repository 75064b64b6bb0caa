"""Indicator pages: every indicator has one, the RAG strip, the same quarter last year, the
comparators read from the authority's side."""

from __future__ import annotations

import pandas as pd

from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import indicator_pages as ip
from tests.report_fixture import fixture_inputs

Q2 = Quarter.parse("2015Q2")


def test_every_indicator_is_on_a_page():
    inp = fixture_inputs()
    groups = ip.page_groups(inp)
    shown = [r for refs in groups.values() for r in refs]
    assert sorted(shown) == sorted(inp.catalogue.indicators)  # each once
    assert groups["1.1"] == ["1.1a", "1.1"]  # Appendix 1: new EISAs share the rate's page
    assert ip.page_of(inp)["1.1a"] == "1.1"


def test_rag_strip_is_the_eight_quarters_to_this_one():
    h = pd.DataFrame({
        "indicator": ["1.1"] * 3 + ["2.1"],
        "period": ["2015Q2", "2015Q1", "2013Q2", "2015Q2"],
        "rag": ["Green", "Amber", "Red", None],
        "status": ["ok", "ok", "ok", "rejected"],
    })  # fmt: skip
    strip = ip.rag_strip(h, Q2)
    assert list(strip.columns) == ["2013Q3", "2013Q4", "2014Q1", "2014Q2", "2014Q3", "2014Q4",
                                   "2015Q1", "2015Q2"]  # fmt: skip
    assert strip.loc["1.1", "2015Q2"] == "Green" and strip.loc["1.1", "2015Q1"] == "Amber"
    assert strip.loc["1.1", "2014Q1"] == "not assessed"  # 2013Q2 is older than the strip
    assert strip.loc["2.1", "2015Q2"] == "no data"


def test_year_ago_pairs_this_quarter_with_the_same_quarter_last_year():
    m = pd.DataFrame({"indicator": ["1.1", "1.1", "1.1"], "kind": "quarter",
                      "period": ["2015Q2", "2015Q1", "2014Q2"], "value": [65.0, 55.1, 57.7],
                      "status": "ok"})  # fmt: skip
    t = ip.year_ago_table(m, Q2)
    assert t.loc["1.1", "now"] == 65.0 and t.loc["1.1", "ago"] == 57.7


def test_comparators_read_from_the_authoritys_side():
    """The issue: "worse" sat on England's row as if England were worse. Each row now says how
    the authority compares with that comparator."""
    ind = fixture_inputs().catalogue["1.1"]
    arow = pd.Series({"england": 70.0, "england_status": "worse", "sn": 60.0,
                      "sn_status": "better", "region": None})  # fmt: skip
    df = ip.comparators_frame(arow, ind, "Calderdale")
    assert df["Comparator"].tolist() == ["England", "Statistical neighbours"]
    assert df["How Calderdale compares"].tolist() == [
        "worse than England", "better than Statistical neighbours"]  # fmt: skip
    assert df["Value"].tolist() == ["70.0", "60.0"]


def test_every_page_has_strip_year_ago_chart_and_a_way_back(tmp_path):
    inp = fixture_inputs()
    pages = ip.indicator_pages(inp, chart_dir=tmp_path)
    assert len(pages) == len(ip.page_groups(inp))
    for page in pages:
        assert 'class="rag-strip"' in page and 'href="#contents"' in page
        assert "data:image/svg+xml," in page or "No values to chart yet" in page
        assert '<details class="chart-data">' in page or "No values to chart yet" in page
    assert list(tmp_path.glob("*.svg"))  # the charts are stored for the drill-downs


def test_a_chart_is_drawn_once_and_reused_while_its_numbers_stay(tmp_path):
    import matplotlib.pyplot as plt

    from pmqa_lib.report.chart_store import ChartStore, chart_key

    def draw():
        fig, ax = plt.subplots()
        ax.plot([1, 2])
        return fig

    frame = pd.DataFrame({"value": [1.0, 2.0]})
    key = chart_key(frame, {"england": 1.5}, ["1.1", 2.9])
    board = ChartStore(tmp_path)
    first = board.svg("1.1", key, draw)
    assert board.drawn == 1 and (tmp_path / "1.1.svg").read_text() == first
    drilldown = ChartStore(tmp_path, write=False)
    assert drilldown.svg("1.1", key, draw) == first and drilldown.reused == 1
    changed = chart_key(frame.assign(value=[1.0, 2.5]), {"england": 1.5}, ["1.1", 2.9])
    assert changed != key
    drilldown.svg("1.1", changed, draw)  # other numbers: drawn again, the stored one kept
    assert drilldown.drawn == 1 and (tmp_path / "1.1.svg").read_text() == first

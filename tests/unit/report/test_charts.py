"""Charts: the series behind them, SPC rules marked, embedded PNG with alt text."""

from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import charts
from tests.report_fixture import fixture_inputs


def test_series_frame_is_ordered_and_cut_at_the_quarter():
    inp = fixture_inputs()
    s = charts.series_frame(inp.measures, "2.1", Quarter.parse("2015Q1"))
    assert s["period"].tolist()[-1] == "2015Q1"
    assert s["ordinal"].is_monotonic_increasing
    assert s["label"].iloc[-1] == "Q1\n15/16"
    full = charts.series_frame(inp.measures, "2.1")
    assert np.isnan(full["value"].iloc[-1])  # the rejected quarter keeps its row, as NaN


def test_spc_points_mark_a_point_outside_the_limits():
    # 20 points alternating 10/14, then 40: mean = (100 + 140 + 40) / 21 = 13.33; mean moving
    # range = (19 x 4 + 26) / 20 = 5.1; upper limit = 13.33 + 2.66 x 5.1 = 26.9 < 40. The
    # alternation never makes a shift or trend, and only 40 is beyond 2 sigma (22.4).
    values = [10, 14] * 10 + [40]
    series = pd.DataFrame({"ordinal": np.arange(21), "spc_value": np.array(values, float)})
    ind = fixture_inputs().catalogue["1.1a"]  # high is good
    pts = charts.spc_points(series, ind)
    assert "outside limits" in pts["rules"].iloc[-1]
    assert pts["variation"].iloc[-1] == "special cause improvement"
    assert pts["rules"].iloc[:20].eq("").all()
    assert pts["ucl"].iloc[-1] == pytest.approx(280 / 21 + 2.66 * 5.1)


def test_img_tag_embeds_png_with_escaped_alt():
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    tag = charts.img_tag(fig, 'rate "high" <5>')
    assert 'alt="rate &quot;high&quot; &lt;5&gt;"' in tag
    data = re.search(r'src="data:image/png;base64,([^"]+)"', tag).group(1)
    assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.get_fignums()  # the figure was closed


def test_indicator_chart_has_title_unit_and_target():
    inp = fixture_inputs()
    ind = inp.catalogue["1.1"]
    s = charts.series_frame(inp.measures, "1.1")
    fig = charts.indicator_chart(s, ind, {"England": 60.5}, charts.spc_points(s, ind))
    ax = fig.axes[0]
    assert ax.get_title().startswith("1.1 Number of Early Intervention")
    assert ax.get_ylabel() == "rate per 10,000 aged 0-17"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "target" in labels and "England (60.5)" in labels and "process limits" in labels
    plt.close(fig)


def test_alt_text_says_first_last_and_gaps():
    inp = fixture_inputs()
    ind = inp.catalogue["2.1"]
    alt = charts.chart_alt_text(charts.series_frame(inp.measures, "2.1"), ind)
    assert "from 78.0 to 85.2" in alt and "target 80.0" in alt
    assert "1 quarter(s) with no data" in alt

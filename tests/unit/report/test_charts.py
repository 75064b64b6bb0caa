"""Charts: the series behind them, SPC rules marked, embedded PNG with alt text."""

from __future__ import annotations

import re
import urllib.parse
from xml.etree import ElementTree

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


def test_img_tag_embeds_svg_with_escaped_alt():
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    tag = charts.img_tag(fig, 'rate "high" <5>')
    assert 'alt="rate &quot;high&quot; &lt;5&gt;"' in tag
    src = re.search(r'src="data:image/svg\+xml,([^"]+)"', tag).group(1)
    root = ElementTree.fromstring(urllib.parse.unquote(src))
    assert root.tag.endswith("svg")
    assert "<?xml" not in urllib.parse.unquote(src) and "<metadata" not in urllib.parse.unquote(src)
    assert not plt.get_fignums()  # the figure was closed


def _labels(ax) -> dict[str, float]:
    """The chart's direct labels: text -> its vertical offset in points."""
    return {t.get_text(): t.xyann[1] for t in ax.texts if hasattr(t, "xyann")}


def test_indicator_chart_labels_target_and_comparators_directly():
    inp = fixture_inputs()
    ind = inp.catalogue["1.1"]
    s = charts.series_frame(inp.measures, "1.1")
    fig = charts.indicator_chart(s, ind, {"england": 60.5, "sn": 52.0}, charts.spc_points(s, ind))
    ax = fig.axes[0]
    assert ax.get_title(loc="left").startswith("1.1 Number of Early Intervention")
    assert ax.get_ylabel() == "rate per 10,000 aged 0-17"
    labels = _labels(ax)
    assert {"England 60.5", "Stat. neighbours 52.0", "Target 60.0"} <= set(labels)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "process limits" in legend
    # England and the neighbours differ by dash pattern, not colour alone
    flat = [line for line in ax.get_lines() if len(set(line.get_ydata())) == 1]
    patterns = {str(line._unscaled_dash_pattern) for line in flat
                if line.get_ydata()[0] in (60.5, 52.0)}  # fmt: skip
    assert len(patterns) == 2
    plt.close(fig)


def test_direct_labels_at_one_value_are_pushed_apart():
    """2.4's England, neighbours and target sit on one line: every label must still be read."""
    inp = fixture_inputs()
    ind = inp.catalogue["1.1"]
    s = charts.series_frame(inp.measures, "1.1")
    target = float(s["target"].dropna().iloc[-1])
    fig = charts.indicator_chart(s, ind, {"england": target, "sn": target, "region": target})
    offsets = sorted(_labels(fig.axes[0]).values())
    assert len(offsets) == 4
    assert all(
        b - a >= 9 for a, b in zip(offsets, offsets[1:], strict=False)
    )  # 9 points apart at least
    plt.close(fig)


def test_value_intervals_use_the_rolling_counts_and_the_population():
    """1.1 in Q2 2015/16: 283 EISAs over four quarters, 43,547 aged 0-17 (65.0 per 10,000): the
    rate's Byar limits, as the assurance stage computes them; a quarter with no value has none."""
    from pmqa_lib.analytics import stats

    m = pd.DataFrame({
        "unit": ["rate_per_10k", "rate_per_10k", "percent", "number"],
        "rolling_quarters": [4, 4, 1, 1], "rolling_numerator": [283, np.nan, np.nan, np.nan],
        "numerator": [91, np.nan, 30, 7], "denominator": [np.nan, np.nan, 120, np.nan],
        "population": [43547, 43547, np.nan, np.nan], "value": [65.0, np.nan, 25.0, 7.0],
    })  # fmt: skip
    lower, upper = charts.value_intervals(m)
    lo, hi = stats.rate_interval(283, 43547, 10000)
    assert lower[0] == pytest.approx(float(lo)) and upper[0] == pytest.approx(float(hi))
    assert lower[0] < 65.0 < upper[0]
    assert np.isnan(lower[1]) and np.isnan(upper[3])  # no value; a plain number has no interval
    wl, wu = stats.wilson_interval(30, 120)
    assert lower[2] == pytest.approx(float(wl) * 100) and upper[2] == pytest.approx(float(wu) * 100)


def test_alt_text_says_first_last_and_gaps():
    inp = fixture_inputs()
    ind = inp.catalogue["2.1"]
    alt = charts.chart_alt_text(charts.series_frame(inp.measures, "2.1"), ind)
    assert "from 78.0 to 85.2" in alt and "target 80.0" in alt
    assert "1 quarter(s) with no data" in alt

"""The key points of every indicator of the shipped 2015Q2 run agree with the report tables."""

from __future__ import annotations

import re

import pytest

from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import narrative, tables

Q2 = Quarter.parse("2015Q2")
NUM = r"(\d[\d,]*(?:\.\d+)?)"  # 1,234.5 but not a full stop after it


MOVE = re.compile(
    rf"This quarter the [\w ]+? (?:(rose|fell) from {NUM}(?: \(queried\))? to {NUM}|(stayed) at {NUM})"
)
ANNUAL_MOVE = re.compile(
    rf"The latest annual result, for .+?, is {NUM}(?:, (up from|down from|the same as) {NUM} for )?"
)


def _num(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.mark.slow
def test_shipped_key_points_never_contradict_the_tables(example_processed):
    from pmqa_lib.report.inputs import load_report_inputs

    inp = load_report_inputs(Q2, example_processed)
    facts = narrative.indicator_facts(inp.measures, inp.assurance, inp.catalogue, Q2)
    kp = narrative.key_points(facts)
    tl = tables.traffic_light_summary(inp.assurance, inp.catalogue, Q2, kp).set_index("Reference")
    a = inp.assurance.set_index("indicator")
    checked = {"moves": 0, "trends": 0, "targets": 0, "no data": 0}
    for ref, row in tl.iterrows():
        point, rag = row["Key points / trend / action"], row["Q2 2015/16 RAG rating"]
        ind = inp.catalogue[ref]
        page = tables.indicator_page_table(inp.measures, ind, Q2).set_index("")
        # 1. the status named is the table's RAG
        if rag in ("Red", "Amber", "Green"):
            assert point.startswith(f"The current status is {rag.upper()}. "), (ref, point)
        else:
            assert "current status" not in point, (ref, point)
        # 2. the trend: the same word and arrow as the Trend column, and the arrow read right
        arrow, _, word = row["Trend"].partition(" ")
        if word in ("improving", "steady", "deteriorating"):
            assert f"the trend is {word} ({arrow}" in point, (ref, point)
            moving = {"\u2191": "rising", "\u2193": "falling"}.get(arrow)
            if moving:
                assert f"is {moving}, and {ind.polarity} is good)" in point, (ref, point)
            checked["trends"] += 1
        else:
            assert "the trend is" not in point, (ref, point)
        # 3. the values quoted are the page table's, and the direction word is their sign
        if ind.frequency == "annual":
            reported = [c for c in page.columns if not page.loc["Actual", c].startswith("not yet")]
            now_col, before_col = reported[-1], reported[-2]
        else:
            now_col, before_col = "2015/16 Q2", "2015/16 Q1"
        now, before = page.loc["Actual", now_col], page.loc["Actual", before_col]
        # a figure the page marks "(queried)" is quoted as the same number, marked too
        if before.endswith(" (queried)"):
            assert f"from {before} to" in point, (ref, point, before)
            before = before.removesuffix(" (queried)")
        if now.startswith("no data"):
            assert point.startswith("No data for Q2 2015/16: "), (ref, point)
            assert now[len("no data: ") :] in point, (ref, point)
            checked["no data"] += 1
            continue
        if ind.frequency == "annual":
            m = ANNUAL_MOVE.search(point)
            assert m and m.group(1) == now, (ref, point)
            word_, quoted = m.group(2), m.group(3)
            sign = {"up from": 1, "down from": -1, "the same as": 0}[word_]
        else:
            m = MOVE.search(point)
            assert m, (ref, point)
            if m.group(4):
                sign, quoted, shown = 0, before, m.group(5)
            else:
                sign = 1 if m.group(1) == "rose" else -1
                quoted, shown = m.group(2), m.group(3)
            assert shown == now, (ref, point, now)
        assert quoted == before, (ref, point, before)
        assert (_num(now) > _num(before)) - (_num(now) < _num(before)) == sign, (ref, point)
        checked["moves"] += 1
        # 4. meets / does not meet follows the table's Target met?
        met = page.loc["Target met?", now_col]
        if met == "Yes":
            assert "meets the target" in point and "not meet" not in point, (ref, point)
            assert "no longer meets" not in point, (ref, point)
            checked["targets"] += 1
        elif met == "No":
            assert "not meet" in point or "no longer meets" in point, (ref, point)
            checked["targets"] += 1
        # 5. the long narrative's Mann-Kendall direction is Sen's slope's sign
        text = " ".join(narrative.sentences(facts.set_index("indicator").loc[ref]))
        slope = a.loc[ref, "sens_slope"]
        if "significant upward trend" in text:
            assert slope > 0, (ref, text)
        if "significant downward trend" in text:
            assert slope < 0, (ref, text)
    # the shipped quarter exercises every branch: 35 indicators, 3 with no data this quarter
    assert checked["no data"] == 3 and checked["moves"] == len(tl) - 3
    assert checked["trends"] >= 25 and checked["targets"] >= 20

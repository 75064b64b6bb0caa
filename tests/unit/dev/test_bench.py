"""make bench's quarter entry: stage times read from make's output, the floor and the ratios (no
timings are asserted: the figures belong in the bench, not in tests)."""

import json

import pytest

from pmqa_lib.dev import bench

OUTPUT = """\
CMBC_2015Q2.csv: accepted (17 rows)
[validate ] 2015Q2: 5 files, 0 rejected whole, 30 rows accepted, 3 rejected (6.2 s)
[analyse  ] 2015Q2: 35 indicators: 8 Red, 7 Amber, 13 Green (1.7 s)
[registers] 2015Q2: 2 report(s) overdue (0.4 s)
report 2015Q2: execute 6.0 s
report 2015Q2: html 0.5 s
report 2015Q2: pdf 3.6 s
report 2015Q2: xlsx 0.2 s
[report   ] 2015Q2: board_report.html, board_report.pdf, board_tables.xlsx (10.4 s)
"""
FLOOR = {"gx_validation": 3.0, "papermill": 4.0, "weasyprint": 3.0}


def test_stage_seconds_reads_each_stage_and_report_step():
    assert bench.stage_seconds(OUTPUT) == {
        "validate": 6.2, "analyse": 1.7, "registers": 0.4, "report": 10.4,
        "report_execute": 6.0, "report_html": 0.5, "report_pdf": 3.6, "report_xlsx": 0.2,
    }  # fmt: skip


def test_quarter_result_has_the_floor_the_ratio_and_the_noop():
    r = bench.quarter_result(20.0, OUTPUT, [0.4, 0.3, 0.35], FLOOR)
    json.dumps(r)  # bench.json holds it as it is
    assert set(r) >= {"cold_seconds", "noop_seconds", "stages", "floor", "ratio", "per_stage"}
    assert r["floor"]["total"] == pytest.approx(10.0)
    assert r["ratio"] == pytest.approx(2.0)
    assert r["noop_seconds"] == pytest.approx(0.3)
    assert r["stages"]["outside_stages"] == pytest.approx(20.0 - 6.2 - 1.7 - 0.4 - 10.4)
    assert r["per_stage"] == {"validate": 2.07, "report_execute": 1.5, "report_pdf": 1.2}

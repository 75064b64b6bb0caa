"""The closing summary of a quarter, read back from the processed folder."""

import pandas as pd

from pmqa_lib import pipeline
from pmqa_lib.core.files import Paths
from pmqa_lib.core.periods import Quarter


def test_summary_separates_no_data_from_not_rated(tmp_path, capsys):
    paths = Paths(tmp_path / "data", tmp_path / "reports")
    q = Quarter.parse("2015Q2")
    proc = paths.processed_dir(q)
    proc.mkdir(parents=True)
    pd.DataFrame(
        {
            "indicator": ["1.1", "3.1", "CSCB03", "3.5", "9.1", "2.1"],
            "value": [65.0, 521.0, 9.0, None, None, None],
            "rag": ["Green", "Red", None, None, None, None],
            "status": ["ok", "ok", "ok", "rejected", "missing", "ok"],
            "note": [None, None, None, None, None, "no data: rolling window incomplete"],
            "disagreement": [False, False, False, False, True, False],
            "queried": [False, True, False, False, False, False],
            "query_note": [
                None,
                "3.1: the figure sent, 1 day, is far from 547 days.",
                None,
                None,
                None,
                None,
            ],
        }
    ).to_csv(proc / "assurance.csv", index=False)
    pd.DataFrame({"agency": ["HEALTH", "EDU"], "status": ["rejected", "missing"]}).to_csv(
        proc / "chase_list.csv", index=False
    )
    pd.DataFrame({"agency": ["HEALTH"]}).to_csv(proc / "returns_rejected.csv", index=False)

    s = pipeline.quarter_summary(q, paths)
    assert s["rag"] == {"Red": 1, "Amber": 0, "Green": 1}
    # 3.5 rejected, 9.1 missing, and 2.1 with no value (its rolling window is incomplete): no
    # data, never "monitored without a target"
    assert s["no_data"] == 3
    assert s["not_rated"] == 1  # CSCB03 has a value but no target
    assert s["disagreements"] == 1
    assert s["chase"] == {"missing": 1, "rejected": 1, "queried": 0, "agencies": ["EDU", "HEALTH"]}
    assert s["queried"] == [
        {"indicator": "3.1", "query_note": "3.1: the figure sent, 1 day, is far from 547 days."}
    ]
    assert s["rejected_rows"] == 1

    pipeline.print_summary(q, paths)
    out = capsys.readouterr().out
    assert "Q2 2015/16, July to September 2015" in out
    assert "1 Red, 0 Amber, 1 Green; 3 no data; 1 monitored without a target" in out
    assert "; 1 of the ratings on a queried figure" in out
    assert "queried:     3.1: the figure sent, 1 day, is far from 547 days." in out
    assert "1 not returned, 1 rejected, 0 queried (EDU, HEALTH)" in out


def test_stage_line_reports_time_and_detail(capsys):
    with pipeline.stage("validate", "2015Q2") as info:
        info["detail"] = "5 files"
    line = capsys.readouterr().out.strip()
    assert line.startswith("[validate ] 2015Q2: 5 files (") and line.endswith(" s)")

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
            "indicator": ["1.1", "3.1", "CSCB03", "3.5", "9.1"],
            "rag": ["Green", "Red", None, None, None],
            "status": ["ok", "ok", "ok", "rejected", "missing"],
            "disagreement": [False, False, False, False, True],
        }
    ).to_csv(proc / "assurance.csv", index=False)
    pd.DataFrame({"agency": ["HEALTH", "EDU"], "status": ["rejected", "missing"]}).to_csv(
        proc / "chase_list.csv", index=False
    )
    pd.DataFrame({"agency": ["HEALTH"]}).to_csv(proc / "returns_rejected.csv", index=False)

    s = pipeline.quarter_summary(q, paths)
    assert s["rag"] == {"Red": 1, "Amber": 0, "Green": 1}
    assert s["no_data"] == 2  # 3.5 rejected, 9.1 missing
    assert s["not_rated"] == 1  # CSCB03 has a value but no target
    assert s["disagreements"] == 1
    assert s["chase"] == {"missing": 1, "rejected": 1, "agencies": ["EDU", "HEALTH"]}
    assert s["rejected_rows"] == 1

    pipeline.print_summary(q, paths)
    out = capsys.readouterr().out
    assert "Q2 2015/16, July to September 2015" in out
    assert "1 Red, 0 Amber, 1 Green; 2 no data; 1 monitored without a target" in out
    assert "1 not returned, 1 rejected (EDU, HEALTH)" in out


def test_stage_line_reports_time_and_detail(capsys):
    with pipeline.stage("validate", "2015Q2") as info:
        info["detail"] = "5 files"
    line = capsys.readouterr().out.strip()
    assert line.startswith("[validate ] 2015Q2: 5 files (") and line.endswith(" s)")

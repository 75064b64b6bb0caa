"""reports/index.html: every published quarter, its RAG counts, its files, the RAG grid."""

from __future__ import annotations

import json
import re

from pmqa_lib.core.files import Paths
from pmqa_lib.report import archive_index


def _publish(reports, code, ratings, files=("board_report.html", "board_report.pdf")):
    folder = reports / code
    folder.mkdir(parents=True)
    for name in files:
        (folder / name).write_text("x")
    (folder / "manifest.json").write_text(json.dumps({"quarter": code, "ratings": ratings}))


def test_index_lists_every_published_quarter_and_links_each_rating(tmp_path):
    reports = tmp_path / "reports"
    _publish(reports, "2015Q1", [{"indicator": "1.1", "name": "EISAs", "theme": "Early Help",
                                  "rag": "Amber"}])  # fmt: skip
    _publish(reports, "2015Q2", [{"indicator": "1.1", "name": "EISAs", "theme": "Early Help",
                                  "rag": "Green"}, {"indicator": "2.4", "name": "S47",
                                  "theme": "Referrals", "rag": None}],
             files=("board_report.html", "board_report.pdf", "board_tables.xlsx"))  # fmt: skip
    (reports / "profiles").mkdir()  # not a quarter: ignored
    out = archive_index.write_index(Paths(tmp_path / "data", reports))
    html = out.read_text(encoding="utf-8")
    assert (reports / "accessibility.html").is_file() and 'href="accessibility.html"' in html
    for code in ("2015Q1", "2015Q2"):
        assert (
            f'href="{code}/board_report.html"' in html and f'href="{code}/board_report.pdf"' in html
        )
    assert (
        'href="2015Q2/board_tables.xlsx"' in html and 'href="2015Q1/board_tables.xlsx"' not in html
    )
    assert 'href="2015Q1/board_report.html#ind-1-1"' in html
    assert 'href="2015Q2/board_report.html#ind-2-4"' in html
    assert re.search(
        r"Q2 2015/16.*?<td class='num'>0</td><td class='num'>0</td>"
        r"<td class='num'>1</td><td class='num'>1</td>",
        html,
    )  # 1 Green, 1 not rated
    assert "2.4 Q1 2015/16" not in html and "not reported" in html  # 2.4 new in Q2


def test_index_without_published_quarters_says_so(tmp_path):
    out = archive_index.write_index(Paths(tmp_path / "data", tmp_path / "reports"))
    assert "No quarter has been published yet" in out.read_text(encoding="utf-8")

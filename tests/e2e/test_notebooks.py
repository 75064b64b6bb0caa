"""The report notebooks executed with papermill inside pytest.

On the synthetic fixture: escaping of hostile commentary, no-data wording, a failing run keeping
its partly executed notebook. On the shipped example returns (validated and processed in a
temporary folder): the board report HTML and PDF with Appendix 1's figures, the drill-down, and
the main tables against the golden CSVs in tests/golden/2015Q2/ (checked by hand against
Appendix 1: 1.1 48.1 / 56.7 / 55.1 / 65.0 / YTD 60.1; 1.1a 77 / 91 / YTD 168 against 150;
CSCB03 9 / 9 / 9 / 9; CSCB04 314 / 444 / 401 / 401; CSCB05a 22 / 7 / 30 / 37; CSCB05c 20 / 5 / 15 / 20)
and against the raw returns for the cumulative percentages, which pool numerators and denominators:
2.2 2014/15 (279+168+224+183)/(916+592+800+704) = 854/3012 = 28.4 (DfE's published 28.4), YTD
(163+104)/(682+451) = 267/1133 = 23.6 (Q1 as revised in the Q2 return); 4.2 2014/15
(11+13+15+12)/(64+62+61+59) = 51/246 = 20.7 (DfE's 20.7), YTD (11+11)/(56+54) = 22/110 = 20.0;
CSCB15 2014/15 (82+108+100+94)/(96+116+111+102) = 384/425 = 90.4, YTD 107/115 = 93.0 (1 of 2
quarters: Q2 rejected). The DfE-sourced rates agree with DfE's published Calderdale figures for
2014/15: 2.1 3,012 referrals / 45,585 = 660.7; 2.4 903 / 45,585 = 198.1; 4.1 205 plans at 31 March
2015 / 45,585 = 45.0; 4.5 1,240 / 45,585 = 272.0.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from pmqa_lib.core.files import PROJECT_ROOT, Paths
from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import publish, tables
from pmqa_lib.report.inputs import load_report_inputs
from tests import TESTS_DIR
from tests.e2e.test_nbval import DRILLDOWN
from tests.explore_checks import explore_kept_out
from tests.pdf_text import pdf_text
from tests.report_fixture import FIXTURE

pytestmark = pytest.mark.slow
Q2 = Quarter.parse("2015Q2")
GOLDEN = TESTS_DIR / "golden" / "2015Q2"
HOSTILE = (
    "<script>alert(1)</script> <b>raw html</b> **markdown** [link](javascript:alert(2)) "
    '<img src="https://evil.example/x.png">'
)


def golden_tables(inputs) -> dict[str, pd.DataFrame]:
    """The report's main tables, as the report shows them (display text)."""
    q, cat = inputs.quarter, inputs.catalogue
    out = {
        "scorecard": tables.scorecard(inputs.measures, inputs.assurance, cat, q),
        "traffic_light": tables.traffic_light_summary(inputs.assurance, cat, q),
        "exceptions": tables.exception_report(inputs.assurance, cat),
    }
    for ref in ("1.1", "1.1a", "3.1"):
        out[f"page_{ref}"] = tables.indicator_page_table(inputs.measures, cat[ref], q)
    return out


def _html_checks(html: str) -> None:
    """No code, no web, no script but pmqa's own filter (the board report's, inlined): returns'
    text is escaped, so once that one script is taken out no "<script" is left, not even as text."""
    from pmqa_lib.report import navigation

    own = navigation.filter_script()
    publish.check_self_contained(html, allowed_scripts=(own,))  # parsed: no other script, no web
    html = html.replace(f"<script>\n{own}\n</script>", "")
    assert "<script" not in html.lower()
    assert "Traceback" not in html
    assert 'class="jp-InputArea' not in html and "In&nbsp;[" not in html
    assert "require.js" not in html and "MathJax" not in html


# ---------------------------------------------------------------------------------------
# Synthetic fixture


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fixture")
    shutil.copytree(FIXTURE, tmp / "data")
    obs_path = tmp / "data" / "processed" / "2015Q2" / "observations.csv"
    obs = pd.read_csv(obs_path, dtype={"indicator": str})
    sel = (obs["indicator"] == "1.1") & (obs["period"] == "2015Q2")
    obs.loc[sel, "commentary"] = HOSTILE
    obs.loc[sel, "actions"] = "<script>bad()</script>; second action"
    obs.to_csv(obs_path, index=False)
    paths = Paths(tmp / "data", tmp / "reports")
    result = publish.build_board_report(Q2, paths, pdf=True)
    return paths, result


def test_fixture_report_outputs(fixture_report):
    paths, result = fixture_report
    rep = paths.report_dir(Q2)
    for name in ("board_report.html", "board_report.pdf", "board_tables.xlsx", "manifest.json",
                 "quarter_report.ipynb"):  # fmt: skip
        assert (rep / name).is_file(), name
    assert not list(paths.reports_dir.glob(".2015Q2.building.*"))  # temp folder removed
    assert set(result["seconds"]) == {"execute", "html", "pdf", "xlsx"}


def test_hostile_commentary_is_shown_literally(fixture_report):
    paths, result = fixture_report
    html = Path(result["html"]).read_text(encoding="utf-8")
    _html_checks(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;raw html&lt;/b&gt; **markdown**" in html
    assert "[link](javascript:alert(2))" in html
    # nbconvert re-serialises &quot; in text as ", which is still text: no <img> element exists
    assert re.search(r'&lt;img src=(?:&quot;|")https://evil\.example/x\.png(?:&quot;|")&gt;', html)
    assert "&lt;script&gt;bad()&lt;/script&gt;" in html


def test_fixture_no_data_wording(fixture_report):
    paths, result = fixture_report
    html = Path(result["html"]).read_text(encoding="utf-8")
    assert "no data: return rejected" in html and "no data: not returned" in html
    text = pdf_text(result["pdf"])
    assert "no data: return rejected" in text
    assert "Q2 2015/16" in text and "Calderdale Safeguarding Children Board" in text


def test_manifest_lists_inputs_and_parameters(fixture_report):
    paths, result = fixture_report
    m = json.loads(Path(result["manifest"]).read_text())
    files = {i["file"] for i in m["inputs"]}
    assert "processed/2015Q2/measures.csv" in files and "raw/reference/catalogue.yaml" in files
    assert m["parameters"]["quarter"] == "2015Q2"
    assert m["parameters"]["board_name"] == "Calderdale Safeguarding Children Board"
    assert {o["file"] for o in m["outputs"]} >= {"board_report.html", "board_report.pdf"}


def test_failing_notebook_is_kept_and_raises(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / "raw", data / "raw")
    (data / "processed" / "2015Q2").mkdir(parents=True)  # no measures.csv: the load cell fails
    paths = Paths(data, tmp_path / "reports")
    with pytest.raises(publish.ReportBuildError, match="measures.csv"):
        publish.build_board_report(Q2, paths, pdf=False)
    kept = paths.report_dir(Q2) / "failed" / "quarter_report.ipynb"
    assert kept.is_file()
    assert not (paths.report_dir(Q2) / "board_report.html").exists()


def test_source_notebooks_are_stripped_with_one_literal_parameters_cell():
    for name in ("quarter_report.ipynb", "indicator_drilldown.ipynb", "la_profile.ipynb"):
        nb = nbformat.read(PROJECT_ROOT / "notebooks" / name, as_version=4)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1, name
        for line in params[0].source.splitlines():
            assert re.fullmatch(r'\w+ = "[^"]*"', line), line  # literal strings only
        for c in nb.cells:
            if c.cell_type == "code":
                assert c.outputs == [] and c.execution_count is None, name


# ---------------------------------------------------------------------------------------
# Shipped example returns


# example_run: tests/conftest.py (one pipeline run per session, shared with test_browser.py)


def test_example_report_has_appendix_1_figures(example_run):
    paths, result = example_run
    html = Path(result["html"]).read_text(encoding="utf-8")
    _html_checks(html)
    text = pdf_text(result["pdf"])
    for doc in (html, text):
        assert "Q2 2015/16" in doc
        for figure in ("55.1", "65.0", "60.1", "314", "444", "401"):
            assert figure in doc, figure
    assert result["seconds"]["execute"] < 60


def test_example_report_leaves_explore_section_out(example_run):
    """The executed notebook keeps the Explore section (measures, assurance, RAG history and the
    key figures); the board's HTML and PDF do not have it."""
    paths, result = example_run
    html = Path(result["html"]).read_text(encoding="utf-8")
    printed = (
        "1.1: 2015/16 Q1 55.1; 2015/16 Q2 65.0; 2015/16 YTD 60.1\n"
        "1.1a: 2015/16 Q1 77; 2015/16 Q2 91; 2015/16 YTD 168\n"
    )
    columns = ("ytd_display", "spc_assurance", "ytd_quarters")
    explore_kept_out(result["notebook"], html, printed, columns)
    text = pdf_text(result["pdf"])
    for explore_only in ("ytd_display", "spc_assurance", "2015/16 YTD 60.1"):
        assert explore_only not in text, explore_only


@pytest.mark.parametrize("name", ["scorecard", "traffic_light", "exceptions", "page_1.1",
                                  "page_1.1a", "page_3.1"])  # fmt: skip
def test_example_tables_match_golden(example_run, name):
    paths, _ = example_run
    got = golden_tables(load_report_inputs(Q2, paths))[name]
    want = pd.read_csv(GOLDEN / f"{name}.csv", dtype=str, keep_default_na=False)
    got = got.astype(str).rename(columns=str)
    want.columns = got.columns  # the page tables' first column has an empty name
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)


def test_example_drilldown(example_run):
    paths, _ = example_run
    out = publish.build_drilldown(Q2, "1.1", paths)
    assert out.name == "drilldown_1.1.html"
    html = out.read_text(encoding="utf-8")
    _html_checks(html)
    for part in ("Full history", "Comparators with confidence intervals", "Linked indicators",
                 "Commentary and RAG history", "Triggers and audits", "1.1a"):  # fmt: skip
        assert part in html, part
    columns = ("ytd_display", "spc_assurance", "lead_rag", "old_numerator")
    explore_kept_out(out.with_suffix(".ipynb"), html, DRILLDOWN, columns)  # worked in test_nbval


def test_drilldown_rag_history_is_computed_for_every_quarter(example_run):
    """Appendix 1: 1.1 was in the Amber band in Q1 2015/16, missing its target with a steady
    trajectory, so Red by the continuum (lead officer Green), and Green in Q2; earlier quarters
    are assessed too, not left as 'not processed'."""
    from pmqa_lib.report import drilldown

    paths, _ = example_run
    inputs = load_report_inputs(Q2, paths)
    h = drilldown.rag_history_table(inputs, inputs.catalogue["1.1"]).set_index("Quarter")
    assert h.loc["Q1 2015/16", "RAG (computed)"] == "Red"
    assert h.loc["Q1 2015/16", "Value band"] == "Amber"  # 45 <= 55.1 < 60, beside the RAG
    assert h.loc["Q2 2015/16", "RAG (computed)"] == "Green"
    assert not h["RAG (computed)"].isin(["not assessed", "quarter not processed"]).any()


def test_example_annual_indicator_history_lists_its_annual_returns(example_processed):
    from pmqa_lib.report import drilldown

    inputs = load_report_inputs(Q2, example_processed)
    html = drilldown.history(inputs, inputs.catalogue["9.1"])
    # 9.1 is returned with each Q1 return: 88/105, 97/105, 101/105 for school years 2012/13 to
    # 2014/15; the quarters between are not rows of missing data
    for part in ("Result for", "Returned in", "2012/13 (school year)", "2014/15 (school year)",
                 "96.2", "Q1 2015/16"):  # fmt: skip
        assert part in html, part
    assert "no data: not returned" not in html and "Q2 2015/16" not in html

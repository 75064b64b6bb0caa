"""A whole quarter through the pipeline, in a temporary folder, on the shipped example data.

Runs the same stages `make quarter` runs (validate, process, report) with DATA_DIR and
REPORTS_DIR moved into tmp, once on the shipped returns and once with one agency's return broken.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pmqa_lib import pipeline
from pmqa_lib.core.files import PROJECT_ROOT, Paths, sha256_file
from pmqa_lib.core.periods import Quarter
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.slow

Q2 = Quarter.parse("2015Q2")


def _raw_hashes(root):
    return {p.relative_to(root): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}


def _run_quarter(tmp, quarter: Quarter, monkeypatch, pdf: bool = True) -> Paths:
    monkeypatch.setenv("DATA_DIR", str(tmp / "data"))
    monkeypatch.setenv("REPORTS_DIR", str(tmp / "reports"))
    paths = Paths.from_env()
    assert pipeline.run_validate(quarter, paths) == 0
    assert pipeline.run_process(quarter, paths) == 0
    assert pipeline.run_report(quarter, paths, pdf=pdf) == 0
    return paths


@pytest.fixture(scope="module")
def shipped_run(example_run):
    """The session's pipeline run of the shipped 2015Q2 (tests/conftest.py), with the hashes of
    the checkout's data/raw: the run's copy must still match them afterwards."""
    paths, _ = example_run
    return paths, _raw_hashes(PROJECT_ROOT / "data" / "raw"), paths.data_dir.parent


def test_outputs_exist(shipped_run):
    paths, _, _ = shipped_run
    proc, rep = paths.processed_dir(Q2), paths.report_dir(Q2)
    for name in (
        "validation.json",
        "validation_report.html",
        "chase_list.csv",
        "measures.csv",
        "assurance.csv",
    ):
        assert (proc / name).is_file(), name
    for name in ("board_report.html", "board_report.pdf", "board_tables.xlsx", "manifest.json"):
        assert (rep / name).is_file(), name


def test_raw_data_untouched(shipped_run):
    paths, before, _ = shipped_run
    assert _raw_hashes(paths.raw) == before


def test_assurance_for_1_1_is_green_and_agrees_with_lead_officer(shipped_run):
    paths, _, _ = shipped_run
    a = pd.read_csv(paths.processed_dir(Q2) / "assurance.csv", dtype={"indicator": str})
    row = a.set_index("indicator").loc["1.1"]
    assert row["rag"] == "Green"
    assert row["lead_rag"] == "Green"
    assert str(row["disagreement"]).lower() == "false"
    assert round(float(row["value"]), 1) == 65.0


def test_report_shows_what_the_board_saw(shipped_run):
    """Appendix 1: 1.1 at 55.1, 65.0, YTD 60.1; CSCB04 at 314, 444, 401; period label."""
    paths, _, _ = shipped_run
    rep = paths.report_dir(Q2)
    html = (rep / "board_report.html").read_text(encoding="utf-8")
    pdf = pdf_text(rep / "board_report.pdf")
    for text in (html, pdf):
        assert "Q2 2015/16" in text
        for figure in ("55.1", "65.0", "60.1", "314", "444", "401"):
            assert figure in text, figure


def test_html_is_self_contained_and_has_no_code(shipped_run):
    paths, _, _ = shipped_run
    html = (paths.report_dir(Q2) / "board_report.html").read_text(encoding="utf-8")
    assert "<script src" not in html
    assert "require.js" not in html and "mathjax" not in html.lower()
    assert "Traceback" not in html
    assert 'class="jp-InputArea' not in html and "In&nbsp;[" not in html


def test_broken_return_still_reports_and_says_so(tmp_path, monkeypatch):
    """One agency's return unreadable: outputs still produced; the report and chase list say what happened."""
    shutil.copytree(PROJECT_ROOT / "data" / "raw", tmp_path / "data" / "raw")
    folder = tmp_path / "data" / "raw" / "2015Q2"
    wyp = next(folder.glob("WYP_2015Q2.*"))
    wyp.unlink()
    (folder / "WYP_2015Q2.csv").write_bytes(b"\x00\x01\x02 this is not a return \xff\xfe")
    paths = _run_quarter(tmp_path, Q2, monkeypatch, pdf=False)

    report = (paths.processed_dir(Q2) / "validation_report.html").read_text(encoding="utf-8")
    assert "WYP_2015Q2.csv" in report
    html = (paths.report_dir(Q2) / "board_report.html").read_text(encoding="utf-8")
    assert "WYP_2015Q2.csv" in html
    assert "no data: return rejected" in html
    a = pd.read_csv(paths.processed_dir(Q2) / "assurance.csv", dtype={"indicator": str}).set_index(
        "indicator"
    )
    # CSCB04 is a police indicator: no number may be shown for it this quarter.
    assert pd.isna(a.loc["CSCB04", "value"])
    m = pd.read_csv(
        paths.processed_dir(Q2) / "measures.csv", dtype={"indicator": str, "period": str}
    )
    cell = m[(m["indicator"] == "CSCB04") & (m["period"] == "2015Q2")]
    assert (cell["display_value"] == "no data: return rejected").all() and len(cell) == 1


def test_report_has_the_register_sections(shipped_run):
    """Issue 6: reports due and overdue, audit schedule, actions overdue, impact log, proposed audits."""
    paths, _, _ = shipped_run
    rep = paths.report_dir(Q2)
    html = (rep / "board_report.html").read_text(encoding="utf-8")
    pdf = " ".join(pdf_text(rep / "board_report.pdf").split())
    for title in (
        "Rolling reports due, overdue or deferred (Appendix 2)",
        "Multi-agency audit schedule (Appendix 3)",
        "Audit actions past their target date (Appendix 4)",
        "Impact log (section 6.1)",
        "Audits proposed by indicator triggers (section 4.1.2)",
    ):
        assert title in html and title in pdf, title
    # Appendix 2's own row: Children Looked After, due 1 October 2015, deferred to December 2015
    assert "Deferred to December 2015" in html


def _process(tmp, quarter: str, monkeypatch) -> pd.DataFrame:
    monkeypatch.setenv("DATA_DIR", str(tmp / "data"))
    monkeypatch.setenv("REPORTS_DIR", str(tmp / "reports"))
    paths = Paths.from_env()
    q = Quarter.parse(quarter)
    assert pipeline.run_validate(q, paths) == 0
    assert pipeline.run_process(q, paths) == 0
    return pd.read_csv(
        paths.processed_dir(q) / "assurance.csv", dtype={"indicator": str, "display_value": str}
    )


def test_2015Q1_lead_officer_green_at_55_1_is_a_disagreement(tmp_path, monkeypatch):
    """Appendix 1: the lead officer rated 1.1 Green in Q1 at 55.1 against a target of 60. By
    the thresholds of section 4.1.3 (60+ Green, 45-60 Amber) the value is in the Amber band;
    the target is missed and the trajectory steady, so the continuum (and 1.1's own trigger
    points) make the computed RAG Red, with further enquiry."""
    shutil.copytree(PROJECT_ROOT / "data" / "raw", tmp_path / "data" / "raw")
    a = _process(tmp_path, "2015Q1", monkeypatch).set_index("indicator")
    row = a.loc["1.1"]
    assert row["display_value"] == "55.1"
    assert (row["band"], row["trajectory"], row["rag"], row["lead_rag"]) == (
        "Amber",
        "steady",
        "Red",
        "Green",
    )
    assert row["trigger"] == "further enquiry"
    assert str(row["disagreement"]).lower() == "true"


def test_2015Q3_differs_where_the_data_differ(tmp_path, monkeypatch):
    shutil.copytree(PROJECT_ROOT / "data" / "raw", tmp_path / "data" / "raw")
    q3 = _process(tmp_path, "2015Q3", monkeypatch).set_index("indicator")
    q2 = _process(tmp_path, "2015Q2", monkeypatch).set_index("indicator")
    assert q3.loc["1.1", "period"] == "2015Q3"
    # 1.1's rolling window moves on a quarter: a new value, and Q2's RAG becomes "previous"
    assert q3.loc["1.1", "value"] != q2.loc["1.1", "value"]
    assert q3.loc["1.1", "previous_rag"] == q2.loc["1.1", "rag"]
    changed = (q3["display_value"] != q2["display_value"]).sum()
    assert changed >= 20, changed


def test_manifest_hashes_every_raw_input(shipped_run):
    """The audit trail names every agency return up to the quarter (not later ones), the
    reference data, the registers and the suites, each with the SHA-256 of its bytes."""
    import json

    paths, _, _ = shipped_run
    m = json.loads((paths.report_dir(Q2) / "manifest.json").read_text(encoding="utf-8"))
    listed = {i["file"]: i["sha256"] for i in m["inputs"]}
    returns_ = sorted(p for p in listed if p.startswith("raw/20"))
    assert "raw/2015Q2/CMBC_2015Q2.csv" in returns_ and "raw/2013Q1/CMBC_2013Q1.csv" in returns_
    assert not any(p.startswith(("raw/2015Q3", "raw/2015Q4")) for p in returns_)
    assert listed["raw/2015Q2/CMBC_2015Q2.csv"] == sha256_file(paths.raw / "2015Q2/CMBC_2015Q2.csv")
    assert "raw/reference/catalogue.yaml" in listed
    assert "raw/reference/population_0_17.csv" in listed
    assert any(p.startswith("raw/registers/") for p in listed)
    assert "expectations/agency_return.json" in listed
    assert m["git"]["commit"] and m["versions"]["great_expectations"]

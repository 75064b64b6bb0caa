"""The LAIT-like profile: ranks, quartiles, intervals against published figures, and make profile."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir
from pmqa_lib.public import authorities, profile_data
from pmqa_lib.report import profile_pages as profile
from pmqa_lib.report import publish
from tests.explore_checks import explore_kept_out

needs_public = pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)


def test_rank_and_quartile_by_polarity_ties_and_missing():
    rows = pd.DataFrame(
        {
            "key": ["low"] * 5 + ["high"] * 5,
            "dfe_year": 2024,
            "area_code": ["a", "b", "c", "d", "e"] * 2,
            "value": [10.0, 20.0, 20.0, 40.0, np.nan] * 2,
        }
    )
    r = profile_data.rank_and_quartile(rows, pd.Series({"low": "low", "high": "high"})).set_index(
        ["key", "area_code"]
    )
    # low is good: 10 -> 1; the two 20s tie at 2 (lowest rank shared); 40 -> 4; missing not ranked
    assert r.loc["low", "rank"].tolist()[:4] == [1, 2, 2, 4]
    assert pd.isna(r.loc[("low", "e"), "rank"]) and r.loc[("low", "a"), "n_ranked"] == 4
    # high is good: 40 -> 1, 20s -> 2, 10 -> 4
    assert r.loc["high", "rank"].tolist()[:4] == [4, 2, 2, 1]
    # quartiles of 10, 20, 20, 40 (linear): q25 = 17.5, q50 = 20, q75 = 25
    assert r.loc["low", "quartile_band"].tolist() == ["A", "B", "B", "D", ""]
    assert r.loc["high", "quartile_band"].tolist() == ["D", "C", "C", "A", ""]


def test_rank_without_polarity_is_position():
    rows = pd.DataFrame(
        {"key": "n", "dfe_year": 2024, "area_code": ["a", "b"], "value": [5.0, 1.0]}
    )
    r = profile_data.rank_and_quartile(rows, pd.Series({"n": ""}))
    assert r["rank"].tolist() == [2, 1]
    assert r["quartile_band"].tolist() == ["4 (highest)", "1 (lowest)"]


@needs_public
def test_calderdale_profile_against_published_figures():
    d = profile_data.profile_data("Calderdale", model="2021")
    s = d.summary.set_index("key")
    ref = s.loc["referrals_rate"]
    assert (ref["dfe_year"], ref["text"], ref["England"], ref["Region"]) == (
        2024,
        "456.2",
        518.3,
        539.1,
    )
    assert ref["SN"] == pytest.approx(
        574.64
    )  # the ten neighbours' published rates, see test_comparators
    # Byar 95% on 2,053 referrals over 45,005 children: about 436.7 to 476.3 per 10,000
    assert ref["lower"] == pytest.approx(436.7, abs=0.05) and ref["upper"] == pytest.approx(
        476.3, abs=0.05
    )
    assert ref["vs_england"] == "lower"  # no polarity: a position, not a judgement
    rr = s.loc["rereferrals_pct"]
    assert (rr["dfe_year"], rr["text"], rr["England"]) == (2025, "20.4", 22.6)
    assert rr["vs_england"] == "better"  # low is good; interval (Wilson, 543 of 2,665) below 22.6
    two = s.loc["cpp_2years_pct"]
    assert (two["text"], two["rank"]) == ("0", 1)  # 0 of 233: best, tied with others at 0
    cin = s.loc["cin_rate"]
    assert cin["text"] == "357.5" and cin["England"] == 332.9
    assert s.loc["cpp_rate", "text"] == "47.8" and s.loc["s47_rate", "text"] == "190"
    assert s["n_ranked"].min() > 50 and d.skipped.empty


@needs_public
@pytest.mark.parametrize("la", ["Leeds", "Kirklees", "Devon"])
def test_other_authorities(la):
    d = profile_data.profile_data(la, model="2025")
    assert d.la.name == la and len(d.summary) == len(profile_data.PROFILE_MEASURES)
    assert d.summary["England"].notna().all()


@needs_public
def test_make_profile_writes_html_and_pdf(calderdale_profile):
    """One authority's profile, HTML and PDF (the session's build, shared with the axe test in
    test_publication.py); the other authorities' data are checked by test_other_authorities."""
    out = calderdale_profile
    reports = out["html"].parent.parent
    page = out["html"].read_text(encoding="utf-8")
    assert f"{out['la'].name}: children's social care benchmark profile" in page
    assert "<script" not in page and "profile_data(" not in page  # no code, no assets
    assert out["pdf"].read_bytes()[:5] == b"%PDF-"
    assert out["html"] == reports / "profiles" / f"{out['slug']}.html"
    assert len(out["summary"]) == len(profile_data.PROFILE_MEASURES)
    # the Explore section: in the notebook, not in the HTML or PDF
    printed = (
        "referrals_rate: Year 2023/24; Calderdale 456.2; 95% interval 436.7 to 476.3; "
        "England 518.3; Region 539.1; Neighbours (mean) 574.6 (10 of 10)\n"
        "cin_rate: Year 2023/24; Calderdale 357.5; 95% interval 340.3 to 375.4; "
        "England 332.9; Region 340.9; Neighbours (mean) 364.7 (10 of 10)\n"
    )
    explore_kept_out(out["notebook"], page, printed, ("quartile_band", "mk_p_value"))
    assert out["la"].name == "Calderdale" and out["slug"] == "calderdale"
    assert authorities.resolve_la("Devon").slug == "devon"


@needs_public
@pytest.mark.parametrize("where", ["notebooks", "elsewhere"])
def test_profile_notebook_writes_its_summary_under_the_configured_reports(
    where, tmp_path, monkeypatch
):
    """Run as JupyterLab runs it: the kernel's working directory is notebooks/ (or any other
    folder), the parameters left at their defaults. The summary goes to the configured reports
    folder, ``REPORTS_DIR`` (absolute, or relative to the project root as ``make lab`` exports
    it), never to a reports/ folder beside the notebook."""
    import papermill as pm

    configured = tmp_path / "configured"
    if where == "notebooks":
        cwd = PROJECT_ROOT / "notebooks"
        monkeypatch.setenv("REPORTS_DIR", str(configured))
    else:
        cwd = tmp_path / "lab" / "notebooks"
        cwd.mkdir(parents=True)
        monkeypatch.setenv("REPORTS_DIR", os.path.relpath(configured, PROJECT_ROOT))
    stray = cwd / "reports"
    assert not stray.exists()
    pm.execute_notebook(
        str(profile.NOTEBOOK), str(tmp_path / "run.ipynb"), parameters={"la": "Calderdale"},
        kernel_name=publish.KERNEL, cwd=str(cwd), progress_bar=False,
    )  # fmt: skip
    summary = configured / "profiles" / "calderdale_summary.csv"
    got = pd.read_csv(summary, dtype=str, keep_default_na=False).set_index("key")
    assert got.loc["referrals_rate", "text"] == "456.2"
    assert got.loc["referrals_rate", "dfe_year"] == "2024"
    assert not stray.exists()
    assert sorted(p.name for p in configured.rglob("*")) == [
        "calderdale_summary.csv",
        "calderdale_summary.xlsx",
        "profiles",
    ]  # the CSV for tools, the workbook to the government standard (issue 13)

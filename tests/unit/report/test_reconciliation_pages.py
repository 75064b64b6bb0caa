"""The reconciliation as the board reads it: the cover's data quality block and the drill-down's
table, built from reconciliation.csv rows (inline here)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import yaml

from pmqa_lib.analytics.reconciliation import RECONCILIATION_COLUMNS
from pmqa_lib.core.catalogue import PLACEHOLDER, load_catalogue, parse_catalogue
from pmqa_lib.core.files import PROJECT_ROOT
from pmqa_lib.report import reconciliation_pages as rp

CATALOGUE = PROJECT_ROOT / "data" / "raw" / "reference" / "catalogue.yaml"
CAT = load_catalogue(CATALOGUE)


def row(
    ref, fy, local, num, dfe, dfe_num, status, unit="rate_per_10k", source="the board's returns"
):
    diff = local - dfe if np.isfinite(local) and np.isfinite(dfe) else np.nan
    return {
        "indicator": ref, "fy_label": fy, "dfe_year": int(fy[:4]) + 1,
        "basis": "sum of the four quarters", "quarters": 4, "local_value": local,
        "local_numerator": num, "local_denominator": 45585.0, "local_source": source,
        "dfe_value": dfe, "dfe_text": "" if np.isnan(dfe) else str(dfe), "dfe_numerator": dfe_num,
        "dfe_denominator": 45585.0, "dfe_label": "", "difference": diff,
        "difference_percent": diff / dfe * 100 if np.isfinite(diff) else np.nan,
        "count_difference": num - dfe_num if np.isfinite(diff) else np.nan,
        "tolerance_percent": 1.0, "status": status, "flagged": status == "differs",
        "note": "" if status != "not published" else "DfE has not published a figure",
        "unit": unit, "precision": 1,
    }  # fmt: skip


RECON = pd.DataFrame(
    [
        row("2.1", "2014/15", 3092 / 45585 * 1e4, 3092, 660.7, 3012, "differs"),
        row("2.1", "2013/14", 4493 / 45633 * 1e4, 4493, 984.6, 4493, "agrees"),
        row("3.3", "2014/15", 63.0, 287, np.nan, np.nan, "not published"),
    ],
    columns=RECONCILIATION_COLUMNS,
)


def test_table_shows_both_figures_with_their_counts_and_the_signed_difference():
    t = rp.reconciliation_table(RECON, CAT, indicator="2.1").set_index("Year")
    # 3,092 / 45,585 x 10,000 = 678.29 -> 678.3; 17.59 above 660.7, 2.66% of it
    assert t.loc["2014/15", "Board's figure"] == "678.3 (3,092)"
    assert t.loc["2014/15", "DfE's figure"] == "660.7 (3,012)"
    assert t.loc["2014/15", "Difference"] == "+17.6"
    assert t.loc["2014/15", "Difference (% of DfE's)"] == "+2.7%"
    assert t.loc["2014/15", "Tolerance"] == "1.0%"
    assert t.loc["2013/14", "Status"] == "agrees"
    # 4,493 / 45,633 x 10,000 = 984.5944 against 984.6: a difference that rounds away, unsigned
    assert t.loc["2013/14", "Difference"] == "0.0"
    assert t.loc["2013/14", "Difference (% of DfE's)"] == "0.0%"
    assert t.loc["2014/15", "Indicator"] == CAT["2.1"].name


def test_not_published_says_so_instead_of_a_number():
    t = rp.reconciliation_table(RECON, CAT, indicator="3.3").iloc[0]
    assert t["DfE's figure"] == "not published"
    assert t["Difference"] == ""
    assert "DfE has not published a figure" in t["How compared"]


def test_cover_lists_only_the_differences_above_tolerance():
    html = rp.data_quality_block(RECON, CAT)
    assert "Of 2 indicator-year(s)" in html and "1 agree within rounding" in html
    assert "1 differ by more (listed below)" in html
    assert "1 not published by DfE (or suppressed)" in html
    assert html.count("<tr>") == 2  # the header and the one difference
    assert "678.3 (3,092)" in html and "Placeholders" not in html


def test_cover_says_when_there_is_nothing_to_reconcile():
    assert "nothing to reconcile" in rp.data_quality_block(pd.DataFrame(), CAT)


def test_dfe_s_own_figures_are_said_to_agree_by_construction():
    own = RECON.assign(local_source="DfE's published figure (DFE_2014Q4.csv)", status="agrees")
    assert "3 of them are DfE's own figures" in rp.summary_sentence(own)


def test_placeholders_are_listed_on_the_cover():
    with open(CATALOGUE, encoding="utf-8") as fh:
        raw = copy.deepcopy(yaml.safe_load(fh))
    raw["board"]["name"] = f"{PLACEHOLDER} Devon Safeguarding Children Partnership"
    html = rp.data_quality_block(RECON, parse_catalogue(raw))
    assert "Placeholders" in html
    assert "board name: [placeholder] Devon Safeguarding Children Partnership" in html


def test_drilldown_table_for_a_dfe_indicator_and_none_for_a_local_one():
    html = rp.drilldown_block(RECON, CAT, "2.1")
    assert "Reconciliation with DfE" in html and "above 1.0% of DfE" in html
    assert html.count("<tr>") == 3
    assert rp.drilldown_block(RECON, CAT, "1.1") == ""
    assert "No complete year" in rp.drilldown_block(RECON.iloc[0:0], CAT, "2.4")

"""Comparators: England, region, statistical-neighbour mean and the board's own figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.files import Paths, public_data_dir
from pmqa_lib.public import comparators

needs_public = pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)


def _series(rows):
    cols = ["dfe_year", "geographic_level", "area_code", "area_name", "value"]
    s = pd.DataFrame(rows, columns=cols)
    return s.assign(region_code="", region_name="", text=s["value"].astype(str), marker="",
                    numerator=np.nan, denominator=np.nan, denominator_kind="", source_file="c1_x_2013_to_2024.csv")  # fmt: skip


def test_comparator_rows_sn_mean_counts_only_published_values():
    s = _series(
        [
            (2024, "National", "E92000001", "England", 518.3),
            (2024, "Regional", "E12000003", "Yorkshire and The Humber", 539.1),
            (2024, "Regional", "E12000001", "North East", 598.8),
            (2024, "Local authority", "381", "Calderdale", 456.2),
            (2024, "Local authority", "382", "Kirklees", 331.1),
            (2024, "Local authority", "383", "Leeds", 569.3),
            (2024, "Local authority", "888", "Lancashire", np.nan),  # suppressed
            (2024, "Local authority", "999", "Not a neighbour", 10.0),
        ]
    )
    out = comparators.comparator_rows(
        s, "381", "E12000003", "Yorkshire and The Humber", ["382", "383", "888"]
    )
    by = out.set_index("comparator")
    assert by.loc["England", "value"] == 518.3
    assert by.loc["Region", "value"] == 539.1
    assert by.loc["LA", "value"] == 456.2
    # (331.1 + 569.3) / 2 = 450.2: Lancashire's suppressed value is left out, not read as zero
    assert by.loc["SN", "value"] == pytest.approx(450.2)
    assert by.loc["SN", "n_neighbours"] == 2 and by.loc["SN", "n_listed"] == 3
    assert out["comparator"].tolist() == ["England", "Region", "SN", "LA"]
    labelled = comparators.add_labels(out, "2021").set_index("comparator")
    assert labelled.loc["England", "fy_label"] == "2023/24"
    assert (
        labelled.loc["England", "label"]
        == "England 2023/24, DfE Characteristics of children in need 2024 release"
    )
    assert "mean of 2 of 3" in labelled.loc["SN", "label"]


def test_comparator_rows_no_neighbour_value_is_missing():
    s = _series(
        [
            (2015, "National", "E92000001", "England", 1.0),
            (2015, "Local authority", "888", "L", np.nan),
        ]
    )
    sn = (
        comparators.comparator_rows(s, "381", "E12000003", "Y", ["888"])
        .set_index("comparator")
        .loc["SN"]
    )
    assert (
        np.isnan(sn["value"])
        and sn["n_neighbours"] == 0
        and sn["marker"] == "no neighbour published a value"
    )


def test_committed_extract_loads_without_public_data():
    t = comparators.load_committed(Paths.from_env())
    assert list(t.columns) == comparators.COLUMNS
    cal = t[(t["indicator"] == "2.1") & (t["comparator"] == "LA") & (t["dfe_year"] == 2024)].iloc[0]
    assert (
        cal["text"] == "456.2" and cal["fy_label"] == "2023/24" and cal["area_name"] == "Calderdale"
    )
    eng = t[
        (t["indicator"] == "2.1") & (t["comparator"] == "England") & (t["dfe_year"] == 2024)
    ].iloc[0]
    assert eng["value"] == 518.3 and eng["numerator"] == 621880
    assert set(t["comparator"]) == set(comparators.COMPARATORS)


@needs_public
def test_build_comparators_for_the_catalogue_neighbour_means_by_hand():
    t = comparators.build_comparators(load_catalogue(), model="2021")
    get = t.set_index(["indicator", "comparator", "dfe_year"])
    # 2.1 referral rate 2024, Calderdale's 2021 neighbours, as published in c1 (2024 release):
    # Lancashire 250.7, Stockton-on-Tees 914.3, Bury 576.4, Darlington 686.7, Nottinghamshire 500.9,
    # Derbyshire 764.8, Sefton 621.5, Kirklees 331.1, Wigan 530.7, Leeds 569.3: sum 5746.4 / 10 = 574.64
    assert get.loc[("2.1", "SN", 2024), "value"] == pytest.approx(574.64)
    assert get.loc[("2.1", "SN", 2024), "n_neighbours"] == 10
    # 4.1 CPP rate at 31 March 2024: 25.8 + 54.7 + 50.7 + 64.7 + 30.2 + 52 + 51.5 + 42.8 + 43.2 + 38.7
    # = 454.3 / 10 = 45.43
    assert get.loc[("4.1", "SN", 2024), "value"] == pytest.approx(45.43)
    # 4.3 plans lasting 2+ years, 2024: Stockton, Darlington, Sefton and Wigan suppressed (c);
    # 0.9 + 3.1 + 1.6 + 1.4 + 0 + 3.1 = 10.1 / 6 = 1.6833
    assert get.loc[("4.3", "SN", 2024), "value"] == pytest.approx(10.1 / 6)
    assert get.loc[("4.3", "SN", 2024), "n_neighbours"] == 6
    assert "mean of 6 of 10" in get.loc[("4.3", "SN", 2024), "label"]
    assert get.loc[("2.1", "England", 2024), "text"] == "518.3"
    assert get.loc[("2.1", "Region", 2024), "text"] == "539.1"
    assert get.loc[("4.1", "LA", 2024), "numerator"] == 215
    assert get.loc[("2.1", "LA", 2015), "fy_label"] == "2014/15"


@needs_public
def test_build_comparators_2025_model():
    t = comparators.build_comparators(load_catalogue(), model="2025")
    sn = t[(t["indicator"] == "2.1") & (t["comparator"] == "SN") & (t["dfe_year"] == 2024)].iloc[0]
    # BCP 532.4, East Sussex 416.1, Devon 395.8, Isle of Wight 1867.9, Norfolk 368.3,
    # Southend-on-Sea 410.4, Bolton 512.9, Northumberland 510.3, Leeds 569.3, Stockport 537.7
    # sum 6121.1 / 10 = 612.11
    assert sn["value"] == pytest.approx(612.11) and sn["model"] == "2025"


@needs_public
def test_committed_extract_matches_public_files():
    """The committed extract is what the public files give today (refresh it if this fails)."""
    committed = comparators.load_committed(Paths.from_env())
    fresh = comparators.build_comparators(load_catalogue(), model=str(committed["model"].iloc[0]))
    key = ["indicator", "comparator", "dfe_year"]
    a = committed.set_index(key).sort_index()
    b = fresh.set_index(key).sort_index()
    assert a.index.equals(b.index)
    np.testing.assert_allclose(a["value"], b["value"], equal_nan=True)

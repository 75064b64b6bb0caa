"""Readers of DfE/ONS public files: published values read back exactly, markers kept, LAs resolved.

Tests marked ``needs_public`` read the real files in PUBLIC_DATA_DIR (see docs/public_data.md) and
run whenever that folder is present; the expected figures are DfE's published ones (SOURCES.md
section E), not our output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.core.files import public_data_dir
from pmqa_lib.public import authorities, downloads, ees, lait

needs_public = pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)

C1_2024 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv"
C1_2023 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2023.csv"
C1_2025 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
D1_2024 = "d1_child_protection_plans_2013_to_2024.csv"


# --- no public data needed ------------------------------------------------------------------


def test_parse_published_keeps_text_and_markers():
    s = pd.Series(["456.2", "c", " x ", "[z]", "", "-", "k", "low", "u", ":", "2,053", "0"])
    out = downloads.parse_published(s)
    assert out["text"].tolist()[:2] == ["456.2", "c"]
    assert out["value"].iloc[0] == 456.2
    assert out["value"].iloc[10] == 2053.0  # thousands separator
    assert out["value"].iloc[11] == 0.0  # a published zero stays zero
    assert out["value"].iloc[1:10].isna().all()  # every marker is missing, never zero
    assert out["marker"].tolist()[1:10] == ["c", "x", "[z]", "", "-", "k", "low", "u", ":"]
    assert out["marker"].iloc[0] == ""


def test_parse_published_flags_other_text():
    out = downloads.parse_published(pd.Series(["00:10"]))
    assert np.isnan(out["value"].iloc[0]) and out["marker"].iloc[0] == "unparsed"


def test_float_artefacts_back_to_published_decimal():
    s = pd.Series([536.79999999999995, 20.399999999999999, 0.1 + 0.2, np.nan])
    assert downloads.shortest_text(s).tolist() == ["536.8", "20.4", "0.30000000000000004", ""]


def test_release_of_file_names():
    assert downloads.release_of(C1_2024) == ("Characteristics of children in need", 2024)
    assert (
        downloads.release_label(C1_2024) == "DfE Characteristics of children in need 2024 release"
    )
    assert downloads.release_of("cla_number_and_rate_per_10k_children.csv") == (
        "Children looked after in England",
        2025,
    )


def test_missing_folder_names_public_data_dir(tmp_path):
    with pytest.raises(downloads.PublicDataError, match="PUBLIC_DATA_DIR"):
        downloads.require_public_dir(tmp_path / "absent")
    with pytest.raises(downloads.PublicDataError, match="PUBLIC_DATA_DIR"):
        downloads.public_file("c1.csv", tmp_path)


def test_ees_layout_with_markers(tmp_path):
    (tmp_path / "x_2013_to_2024.csv").write_text(
        "\ufefftime_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,old_la_code,new_la_code,la_name,Referrals,Referrals_rate\n"
        "2024,Reporting year,National,E92000001,England,,,,,,621880,518.3\n"
        "2024,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,"
        "381,E08000033,Calderdale,c,c\n",
        encoding="utf-8",
    )
    m = ees.ees_measure("x_2013_to_2024.csv", "referrals_RATE", public_dir=tmp_path)
    assert m["area_code"].tolist() == ["E92000001", "381"]
    assert m["text"].tolist() == ["518.3", "c"]
    assert m["value"].iloc[0] == 518.3 and np.isnan(m["value"].iloc[1])
    assert m["dfe_year"].tolist() == [2024, 2024]


# --- published figures (SOURCES.md section E) ---------------------------------------------


def _pick(df: pd.DataFrame, year: int, code: str) -> pd.Series:
    row = df[(df["dfe_year"] == year) & (df["area_code"] == code)]
    assert len(row) == 1, f"{len(row)} rows for {code} {year}"
    return row.iloc[0]


@needs_public
@pytest.mark.parametrize(
    "file, measure, year, code, text",
    [
        (C1_2024, "Referrals", 2024, "381", "2053"),
        (C1_2024, "Referrals_rate", 2024, "381", "456.2"),
        (C1_2024, "Referrals_rate", 2024, "E92000001", "518.3"),
        (C1_2024, "Referrals_rate", 2024, "E12000003", "539.1"),
        (C1_2024, "Referrals_rate", 2023, "381", "553.5"),  # 2024 release (revised population)
        (C1_2023, "Referrals_rate", 2023, "381", "553.6"),  # 2023 release
        (C1_2024, "Re_referrals_percent", 2022, "381", "20.4"),
        (C1_2024, "Re_referrals_percent", 2023, "381", "20.4"),
        (C1_2024, "Re_referrals_percent", 2024, "381", "22.1"),
        (C1_2025, "rereferral_percent", 2025, "381", "20.4"),
        (C1_2025, "rereferral_percent", 2025, "E92000001", "22.6"),
        (D1_2024, "CPP_At31", 2024, "381", "215"),
        (D1_2024, "CPP_At31_rate", 2024, "381", "47.8"),
        (D1_2024, "CPP_At31_rate", 2024, "E92000001", "41.6"),
        (D1_2024, "CPP_At31_rate", 2023, "381", "50.8"),
        ("b1_children_in_need_2013_to_2024.csv", "At31_episodes_rate", 2024, "381", "357.5"),
        ("b1_children_in_need_2013_to_2024.csv", "At31_episodes_rate", 2024, "E92000001", "332.9"),
        (
            "c4_children_in_need_section_47s_and_icpcs_2013_to_2024.csv",
            "Section47_rate",
            2024,
            "381",
            "190",
        ),
        (
            "c4_children_in_need_section_47s_and_icpcs_2013_to_2024.csv",
            "Section47",
            2024,
            "381",
            "855",
        ),
        ("d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_subsequent_percent", 2025, "381", "19.6"),
        (
            "d5_cpps_at31march_by_duration_2013_to_2024.csv",
            "2_years_or_more_percent",
            2024,
            "381",
            "4.2",
        ),
    ],
)
def test_published_values_read_back_exactly(file, measure, year, code, text):
    row = _pick(ees.ees_measure(file, measure), year, code)
    assert row["text"] == text
    assert row["value"] == float(text)


@needs_public
def test_suppressed_cells_are_missing_with_marker():
    d5 = ees.ees_measure(
        "d5_cpps_at31march_by_duration_2013_to_2024.csv", "2_years_or_more_percent"
    )
    row = _pick(d5, 2024, "808")  # Stockton-on-Tees: suppressed in the 2024 release
    assert row["marker"] == "c" and np.isnan(row["value"])


@needs_public
def test_counts_behind_rates_reproduce_published_rate():
    s = ees.measure_with_counts(C1_2024, "Referrals_rate")
    cal = _pick(s, 2024, "381")
    # DESIGN.md: 2,053 referrals / 45,005 (mid-2023, the 2024 release's population) x 10,000 = 456.2
    assert (cal["numerator"], cal["denominator"]) == (2053.0, 45005.0)
    assert round(cal["numerator"] / cal["denominator"] * 10_000, 1) == 456.2
    pct = _pick(ees.measure_with_counts(C1_2024, "Re_referrals_percent"), 2024, "381")
    assert (pct["numerator"], pct["denominator"]) == (454.0, 2053.0)  # 454 / 2053 = 22.1%


@needs_public
def test_ons_population():
    p = ees.read_populations()
    cal = p[(p["area_code"] == "381") & (p["population_year"] == 2024)].iloc[0]
    assert cal["population"] == 45130 and cal["dfe_year"] == 2025
    eng = p[(p["area_code"] == "E92000001") & (p["population_year"] == 2024)].iloc[0]
    assert eng["population"] == 12183016


@needs_public
def test_lait_values_and_dictionary():
    lt = lait.read_lait()
    cal = lt[(lt["area_name"] == "Calderdale") & (lt["measure_code"] == "CPP_Total_Rateper10,000")]
    by_year = dict(zip(cal["dfe_year"], cal["text"], strict=True))
    assert by_year[2016] == "536.8"  # stored as 536.79999999999995
    assert by_year[2025] == "590.5"  # SOURCES.md E: 2,665 / 45,130 x 10,000
    rr = lt[(lt["area_name"] == "Calderdale") & (lt["measure_code"] == "ReReferral")]
    assert dict(zip(rr["dfe_year"], rr["value"], strict=True))[2022] == 20.4
    two = lt[(lt["area_name"] == "Calderdale") & (lt["measure_code"] == "CPPlans2yrsActive")]
    assert two.set_index("dfe_year").loc[2017, "marker"] == "-"
    assert np.isnan(two.set_index("dfe_year").loc[2017, "value"])
    d = lait.read_lait_dictionary()
    assert (
        len(downloads.read_text_csv(lait.LAIT_DICTIONARY_FILE)) == 448
    )  # embedded newlines parsed
    pol = lait.lait_polarity()
    assert pol["ReReferral"] == "low" and pol["CareLeaverEET"] == "high" and pol["CIN"] == ""
    assert d["Measure_short"].is_unique


# --- local authorities ----------------------------------------------------------------------


@needs_public
@pytest.mark.parametrize(
    "query", ["Calderdale", "calderdale ", "  CALDERDALE", "381", 381, "E08000033"]
)
def test_resolve_calderdale(query):
    la = authorities.resolve_la(query)
    assert (la.old_code, la.new_code, la.name) == ("381", "E08000033", "Calderdale")
    assert la.region_code == "E12000003" and la.slug == "calderdale"


@needs_public
@pytest.mark.parametrize(
    "query, old",
    [
        ("Bournemouth Christchurch & Poole", "839"),
        ("Bournemouth, Christchurch and Poole", "839"),
        ("Dorset", "838"),  # the unitary from 2020, not the county (835) it replaced
        ("St Helens", "342"),
        ("Bristol", "801"),
        ("E10000023", "815"),  # North Yorkshire's former code
        ("E06000065", "815"),
    ],
)
def test_resolve_variants_and_recoded(query, old):
    assert authorities.resolve_la(query).old_code == old


@needs_public
@pytest.mark.parametrize(
    "query, message",
    [
        (
            "Poole",
            r"Poole \(836, E06000029\) no longer exists.*Bournemouth, Christchurch and Poole \(839\)",
        ),
        ("Bournemouth", r"merged into Bournemouth, Christchurch and Poole"),
        ("Northamptonshire", r"North Northamptonshire \(940\), West Northamptonshire \(941\)"),
        ("E10000021", r"Northamptonshire .* split"),
        ("Cumbria", r"Cumberland \(942\), Westmorland and Furness \(943\)"),
        ("Cherwell", r"lower-tier district.*Oxfordshire"),
        ("Cardiff", r"Wales"),
        ("Calderdal", r"did you mean Calderdale"),
        ("", r"no local authority given"),
    ],
)
def test_resolve_gives_clear_messages(query, message):
    with pytest.raises(authorities.LAResolutionError, match=message):
        authorities.resolve_la(query)


@needs_public
def test_historic_authority_on_request():
    poole = authorities.resolve_la("Poole", allow_historic=True)
    assert (poole.first_year, poole.last_year, poole.successors) == (2013, 2019, ("839",))


@needs_public
def test_neighbours_both_models():
    n21 = authorities.neighbours_of("Calderdale", "2021")
    assert n21["neighbour_code"].tolist() == [
        "888",
        "808",
        "351",
        "841",
        "891",
        "830",
        "343",
        "382",
        "359",
        "383",
    ]
    assert n21["neighbour_name"].iloc[0] == "Lancashire"
    n25 = authorities.neighbours_of("381", "2025")
    assert n25["neighbour_code"].tolist() == [
        "839",
        "845",
        "878",
        "921",
        "926",
        "882",
        "350",
        "929",
        "383",
        "356",
    ]
    with pytest.raises(authorities.LAResolutionError, match="try model 2025"):
        authorities.neighbours_of("Cumberland", "2021")
    with pytest.raises(ValueError, match="2021"):
        authorities.read_neighbours("2019")

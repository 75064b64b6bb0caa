"""DfE's published rates per 10,000 reproduced from DfE counts and ONS populations.

Each rate is recomputed with the library's population-year rule and display rounding, using the
population file of the SAME release (populations are revised between releases, so a published
rate is reproduced only with its own release's denominators; DESIGN.md "Periods"). The files are
the public DfE/ONS downloads in PUBLIC_DATA_DIR (see its SOURCES.md); nothing here is committed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.analytics.measures import population_years
from pmqa_lib.core.files import public_data_dir
from pmqa_lib.core.format import format_value
from pmqa_lib.core.periods import Quarter

PUBLIC = public_data_dir()
needs_public = pytest.mark.skipif(
    PUBLIC is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)
pytestmark = [needs_public, pytest.mark.public_data]

# The CIN 2024 release and the population file that came with it (both from data-to-insight).
POP_2024_RELEASE = "ons_mid-year_population_estimates_2012_to_2023.csv"
TABLES_2024_RELEASE = [
    ("c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv", "Referrals", "Referrals_rate"),
    ("d1_child_protection_plans_2013_to_2024.csv", "CPP_At31", "CPP_At31_rate"),
    ("d1_child_protection_plans_2013_to_2024.csv", "CPP_start", "CPP_start_rate"),
    ("c4_children_in_need_section_47s_and_icpcs_2013_to_2024.csv", "Section47", "Section47_rate"),
    ("b1_children_in_need_2013_to_2024.csv", "At31_episodes", "At31_episodes_rate"),
]  # fmt: skip


def _calderdale_and_england(df: pd.DataFrame) -> pd.DataFrame:
    keep = (df["geographic_level"] == "National") | (df["la_name"] == "Calderdale")
    out = df[keep].copy()
    out["area"] = np.where(out["geographic_level"] == "National", "England", "Calderdale")
    return out


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(PUBLIC / name, dtype=str, encoding="utf-8-sig")


def _population_year(dfe_year: pd.Series) -> np.ndarray:
    """The library's rule for a count over the financial year (Q1 to Q4) that DfE year Y covers."""
    fy = dfe_year.astype(int).to_numpy() - 1
    q1 = np.array([Quarter(int(y), 1).ordinal for y in fy])
    return population_years(q1, q1 + 3)


def test_library_population_year_is_dfe_convention():
    # DfE reporting year 2024 = April 2023 to March 2024, midpoint 30 September 2023 -> mid-2023
    assert list(_population_year(pd.Series(["2015", "2024"]))) == [2014, 2023]


@pytest.mark.parametrize(("table", "count", "rate"), TABLES_2024_RELEASE)
def test_dfe_2024_release_rates(table, count, rate):
    pop = _calderdale_and_england(_read(POP_2024_RELEASE))
    pop = pop.rename(columns={"time_period": "pop_year"})[
        ["area", "pop_year", "population_estimate"]
    ]
    pop["pop_year"] = pop["pop_year"].astype(int)
    t = _calderdale_and_england(_read(table))
    t["pop_year"] = _population_year(t["time_period"])
    m = t.merge(pop, on=["area", "pop_year"], how="inner", validate="one_to_one")
    m = m[~m[rate].isin(["c", "x", "z", "k", "low"])]
    assert set(m["area"]) == {"Calderdale", "England"}
    assert m["time_period"].nunique() >= 10  # reporting years 2013..2024
    value = m[count].astype(float) / m["population_estimate"].astype(float) * 10_000
    ours = format_value(value, 1)
    published = format_value(m[rate].astype(float), 1)
    mismatch = m.loc[ours != published, ["time_period", "area", count, rate]]
    assert mismatch.empty, f"rates not reproduced:\n{mismatch.assign(ours=ours[ours != published])}"


def test_calderdale_referrals_2024_worked_example():
    # 2,053 referrals / 45,005 (mid-2023, from the 2024 release's population file) x 10,000
    # = 456.17 -> 456.2 as published; LAIT's later 454.4 uses the revised 45,184.
    assert format_value([2053 / 45005 * 10_000], 1)[0] == "456.2"
    c1 = _read(TABLES_2024_RELEASE[0][0])
    row = c1[(c1["la_name"] == "Calderdale") & (c1["time_period"] == "2024")].iloc[0]
    assert (row["Referrals"], row["Referrals_rate"]) == ("2053", "456.2")


def test_cla_2025_release_rates_with_their_own_population():
    # The CLA file carries its own population_estimate (mid-2024 for 2025) and rounds rates to
    # whole numbers: Calderdale 355 / 45,130 x 10,000 = 78.66 -> 79.
    cla = _calderdale_and_england(_read("cla_number_and_rate_per_10k_children.csv"))
    cla = cla[~cla["rate_per_10000"].isin(["c", "x", "z", "k", "low"])]
    assert cla["time_period"].nunique() >= 3
    value = cla["children_count"].astype(float) / cla["population_estimate"].astype(float) * 1e4
    ours = format_value(value, 0)
    published = format_value(cla["rate_per_10000"].astype(float), 0)
    assert set(cla["area"]) == {"Calderdale", "England"}
    assert (ours == published).all()

"""The committed population table and its loader (pmqa_lib.core.reference)."""

import pytest

from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir
from pmqa_lib.core.reference import (
    POPULATION_COLUMNS,
    ReferenceDataError,
    load_population,
    read_population_table,
)
from pmqa_lib.dev.reference_refresh import extract_population

REF = PROJECT_ROOT / "data" / "raw" / "reference"


def test_table_columns_and_coverage():
    df = read_population_table(REF)
    assert list(df.columns) == POPULATION_COLUMNS
    for code in ("E08000033", "E92000001"):
        years = set(df.loc[df["la_code"] == code, "year"])
        assert years == set(range(2012, 2025)), code
    assert not df.duplicated(["la_code", "year", "release"]).any()


def test_load_population_defaults_to_the_board_and_latest_release():
    pop = load_population(REF)
    assert pop["year"].is_unique
    by_year = dict(zip(pop["year"], pop["population"], strict=True))
    assert by_year[2014] == 45585 and by_year[2015] == 45659
    assert by_year[2023] == 45184  # revised in the CIN 2025 release (45,005 in 2024's)
    assert set(pop["la_code"]) == {"E08000033"}


def test_load_population_for_one_release_reproduces_a_published_rate():
    pop = load_population(REF, release="CIN 2024 release")
    p2023 = int(pop.loc[pop["year"] == 2023, "population"].iloc[0])
    # DESIGN.md: Calderdale 2024 referrals 2,053 / 45,005 x 10,000 = 456.2
    assert p2023 == 45005
    assert round(2053 / p2023 * 10000, 1) == 456.2


def test_unknown_area_is_named():
    with pytest.raises(ReferenceDataError, match="E09999999"):
        load_population(REF, la_code="E09999999")


@pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)
def test_extract_matches_committed_table():
    df = extract_population(public_data_dir(), ("E08000033",))
    committed = read_population_table(REF)
    assert df.astype(str).values.tolist() == committed.astype(str).values.tolist()

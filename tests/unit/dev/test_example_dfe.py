"""The example board agrees with DfE: its DfE-sourced quarterly returns add up to DfE's published
Calderdale figures (issue 14), read here from the committed returns with the csv module."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir
from pmqa_lib.core.periods import Quarter
from pmqa_lib.dev import example_dfe

RAW = PROJECT_ROOT / "data" / "raw"
PUBLIC = public_data_dir()


def council(ref: str) -> dict[str, tuple[int, int | None]]:
    """CMBC's figures for ``ref`` as finally held: period -> (numerator, denominator), a later
    return's row replacing an earlier one (the 2015Q2 return restates 2015Q1's 2.2)."""
    out: dict[str, tuple[int, int | None]] = {}
    for folder in sorted(p for p in RAW.iterdir() if p.name[:4].isdigit()):
        path = folder / f"CMBC_{folder.name}.csv"
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["indicator"] == ref:
                    den = int(row["denominator"]) if row["denominator"] else None
                    out[row["period"]] = (int(row["numerator"]), den)
    return out


def year(ref: str, fy: int) -> list[tuple[int, int | None]]:
    figures = council(ref)
    return [figures[Quarter(fy, q).code] for q in (1, 2, 3, 4)]


def test_calderdale_2014_15_referrals_total_3012_and_plans_at_31_march_2015_are_205():
    # DfE, Characteristics of children in need 2024 release: Calderdale 2014/15 referrals 3,012
    # (660.7 per 10,000), re-referrals 854 (28.4%); child protection plans at 31 March 2015 205
    # (45.0 per 10,000)
    assert sum(n for n, _ in year("2.1", 2014)) == 3012
    assert round(3012 / 45585 * 10_000, 1) == 660.7
    assert year("4.1", 2014)[3][0] == 205
    rerefs = year("2.2", 2014)
    assert (sum(n for n, _ in rerefs), sum(d for _, d in rerefs)) == (854, 3012)
    # re-referrals are a percentage of the referrals, quarter by quarter
    assert [d for _, d in rerefs] == [n for n, _ in year("2.1", 2014)]


@pytest.mark.parametrize("fy", [2013, 2014, 2015])
def test_every_dfe_year_of_the_example_adds_up(fy):
    """Against the committed extract (LA rows): flows sum, stocks at Q4."""
    with open(RAW / "reference" / "comparators.csv", encoding="utf-8", newline="") as fh:
        la = {(r["indicator"], int(r["dfe_year"])): r for r in csv.DictReader(fh)
              if r["comparator"] == "LA"}  # fmt: skip
    pub = lambda ref, col: int(float(la[(ref, fy + 1)][col]))  # noqa: E731
    for ref in ("2.1", "2.4"):
        assert sum(n for n, _ in year(ref, fy)) == pub(ref, "numerator"), ref
    for ref in ("2.2", "4.2"):
        q = year(ref, fy)
        assert sum(n for n, _ in q) == pub(ref, "numerator"), ref
        assert sum(d for _, d in q) == pub(ref, "denominator"), ref
    for ref in ("4.1", "4.5"):
        assert year(ref, fy)[3][0] == pub(ref, "numerator"), ref
    assert year("4.3", fy)[3] == (pub("4.3", "numerator"), pub("4.3", "denominator"))


@pytest.mark.skipif(PUBLIC is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR")
def test_the_published_files_say_the_same():
    """The figures above as the DfE files give them, read with the csv module."""

    def published(name: str, column: str) -> str:
        with open(PUBLIC / name, encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["time_period"] == "2015" and r["old_la_code"] == "381":
                    return r[column]
        raise AssertionError(name)

    c1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv"
    d1 = "d1_child_protection_plans_2013_to_2024.csv"
    assert (published(c1, "Referrals"), published(c1, "Referrals_rate")) == ("3012", "660.7")
    assert published(c1, "Re_referrals_percent") == "28.4"
    assert (published(d1, "CPP_At31"), published(d1, "CPP_At31_rate")) == ("205", "45")


def test_split_total_adds_up_and_follows_the_weights():
    # 3,012 x w / 4 = 790.65, 564.75, 865.95, 790.65: floors 790, 564, 865, 790 (3,009); the 3
    # left go to the largest remainders, .95, .75 and the first .65
    assert example_dfe.split_total(3012, np.array([1.05, 0.75, 1.15, 1.05])).tolist() == [
        791, 565, 866, 790,
    ]  # fmt: skip
    assert example_dfe.split_total(7, np.array([1, 1, 1, 1])).tolist() == [2, 2, 2, 1]


def test_split_within_keeps_each_part_within_its_cap():
    out = example_dfe.split_within(10, np.array([10.0, 1, 1, 1]), np.array([4, 4, 4, 4]))
    assert out.tolist() == [4, 2, 2, 2] and out.sum() == 10
    with pytest.raises(ValueError, match="cannot be split"):
        example_dfe.split_within(17, np.ones(4), np.array([4, 4, 4, 4]))


def test_a_value_without_counts_moves_the_year_s_totals_onto_it():
    # LAIT's 84.1% for Calderdale 2015/16 (4.4): no whole number of 230 conferences gives 84.1%
    # (193 / 230 = 83.9%, 194 / 230 = 84.3%), so the denominator moves to 232: 195 / 232 = 84.05
    pub = {2015: example_dfe.Published(84.1, np.nan, np.nan, 1)}
    qs = [Quarter(2015, q) for q in (1, 2, 3, 4)]
    num, den = example_dfe.onto_published_percent(
        np.array([48, 40, 55, 50]), np.array([59, 48, 64, 59]), qs, pub
    )
    assert (num.sum(), den.sum()) == (195, 232)
    assert (num <= den).all()

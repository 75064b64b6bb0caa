"""Appendix 1's printed figures, reproduced from the shipped returns by a small independent sum.

Deliberately not using pmqa_lib.analytics.measures: the CSVs are read with the csv module, summed, divided
by the population of data/raw/reference/population_0_17.csv, and rounded half away from zero.
"""

import csv
import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest

from pmqa_lib.core.files import PROJECT_ROOT

RAW = PROJECT_ROOT / "data" / "raw"
QUARTERS = [f"{y}Q{q}" for y in (2012, 2013, 2014, 2015) for q in (1, 2, 3, 4)]


def rnd(x: float, places: int) -> float:
    """Half away from zero (positive figures here), via Decimal on the exact binary value."""
    return float(Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def rows(agency: str) -> list[dict]:
    """All rows an agency sent (CSV returns), in the order received; a later row restates an earlier one."""
    out = []
    for q in QUARTERS:
        path = RAW / q / f"{agency}_{q}.csv"
        if path.exists():
            with open(path, encoding="utf-8", newline="") as fh:
                out.extend(csv.DictReader(fh))
    return out


def series(agency: str, indicator: str, column: str) -> dict[str, float]:
    return {r["period"]: float(r[column]) for r in rows(agency) if r["indicator"] == indicator}


@pytest.fixture(scope="module")
def population() -> dict[int, int]:
    """Calderdale 0-17 mid-year estimates (latest release per year)."""
    with open(RAW / "reference" / "population_0_17.csv", encoding="utf-8", newline="") as fh:
        pops = {}
        for r in sorted(csv.DictReader(fh), key=lambda r: r["release"]):
            if r["la_code"] == "E08000033":
                pops[int(r["year"])] = int(r["population"])
    return pops


def quarter_dates(code: str) -> tuple[dt.date, dt.date]:
    fy, q = int(code[:4]), int(code[-1])
    start_month = 3 * q + 1
    year = fy + (start_month > 12)
    start = dt.date(year, (start_month - 1) % 12 + 1, 1)
    nxt = dt.date(year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def rolling_rate(counts: dict, q: str, pops: dict) -> float:
    """Four quarters ending in q, over the mid-year estimate of the year holding the window's midpoint."""
    i = QUARTERS.index(q)
    window = QUARTERS[i - 3 : i + 1]
    start, end = quarter_dates(window[0])[0], quarter_dates(window[-1])[1]
    mid = start + (end - start) / 2
    return sum(counts[w] for w in window) / pops[mid.year] * 10000


def test_population_years_used(population):
    # Q1 2015/16's window (Jul 2014-Jun 2015) centres in 2014; Q2's (Oct 2014-Sep 2015) in 2015
    assert (population[2014], population[2015]) == (45585, 45659)
    assert (population[2012], population[2013]) == (45552, 45633)


def test_1_1_eisa_rates(population):
    counts = series("CMBC", "1.1", "numerator")
    q1 = rolling_rate(counts, "2015Q1", population)  # (45+69+60+77) = 251 / 45,585 = 55.06
    q2 = rolling_rate(counts, "2015Q2", population)  # (69+60+77+91) = 297 / 45,659 = 65.05
    assert sum(counts[q] for q in ("2014Q2", "2014Q3", "2014Q4", "2015Q1")) == 251
    assert sum(counts[q] for q in ("2014Q3", "2014Q4", "2015Q1", "2015Q2")) == 297
    assert rnd(q1, 1) == 55.1
    assert rnd(q2, 1) == 65.0
    assert rnd((q1 + q2) / 2, 1) == 60.1  # YTD: mean of the unrounded quarterly rates, 60.05
    y13 = [rolling_rate(counts, f"2013Q{k}", population) for k in range(1, 5)]
    y14 = [rolling_rate(counts, f"2014Q{k}", population) for k in range(1, 5)]
    assert rnd(sum(y13) / 4, 1) == 48.1
    assert rnd(sum(y14) / 4, 1) == 56.7


def test_1_1a_new_eisas():
    counts = series("CMBC", "1.1a", "value")
    assert (counts["2015Q1"], counts["2015Q2"]) == (77, 91)
    assert counts["2015Q1"] + counts["2015Q2"] == 168
    assert rnd(sum(counts[f"2013Q{k}"] for k in range(1, 5)) / 4, 0) == 55  # "55*"
    assert rnd(sum(counts[f"2014Q{k}"] for k in range(1, 5)) / 4, 0) == 65  # "65*"
    # same counts as the numerator of 1.1
    assert counts == series("CMBC", "1.1", "numerator")


def test_1_1a_target_to_date():
    from pmqa_lib.core.catalogue import load_catalogue

    target = load_catalogue(RAW / "reference" / "catalogue.yaml")["1.1a"].target
    assert target * 2 == 150  # cumulative: 75 a quarter, 150 at Q2


def test_1_1_lead_officer_rated_green():
    r = {x["period"]: x for x in rows("CMBC") if x["indicator"] == "1.1"}
    assert r["2015Q1"]["proposed_rag"] == r["2015Q2"]["proposed_rag"] == "Green"
    assert r["2015Q2"]["commentary"].startswith("The current status is GREEN because of continued")
    assert r["2015Q2"]["action_timescale"] == "January 2016"


def test_3_1_adoption_red_above_426():
    r = {x["period"]: x for x in rows("CMBC") if x["indicator"] == "3.1"}
    for q, expected in (("2015Q1", 547), ("2015Q2", 521)):
        avg = float(r[q]["numerator"]) / float(r[q]["denominator"])  # 1094/2, 1563/3
        assert rnd(avg, 0) == expected and avg > 426
        assert r[q]["proposed_rag"] == "Red"
        assert "(426)" in r[q]["commentary"] and "legacy cases" in r[q]["commentary"]


def test_3_1_year_to_date_and_annual_pool_days_over_children():
    """An average over children, not over quarters (catalogue 3.1; DfE adoption scorecard A1)."""
    days = series("CMBC", "3.1", "numerator")
    children = series("CMBC", "3.1", "denominator")

    def pooled(quarters: list[str]) -> float:
        return sum(days[q] for q in quarters) / sum(children[q] for q in quarters)

    # 2015/16 to Q2: (1,094 + 1,563) / (2 + 3) = 2,657 / 5 = 531.4 -> 531 (the mean of the
    # quarterly averages, (547 + 521) / 2 = 534, is what the code showed before issue 11)
    assert rnd(pooled(["2015Q1", "2015Q2"]), 0) == 531
    # 2014/15: (2,279 + 3,028 + 2,444 + 3,166) / (4 + 6 + 5 + 7) = 10,917 / 22 = 496.2 -> 496
    # (the mean of the four quarterly averages was 503.9 -> 504)
    assert sum(days[f"2014Q{k}"] for k in range(1, 5)) == 10917
    assert sum(children[f"2014Q{k}"] for k in range(1, 5)) == 22
    assert rnd(pooled([f"2014Q{k}" for k in range(1, 5)]), 0) == 496
    # 2013/14: (3,504 + 4,170 + 2,753 + 1,555) / (6 + 6 + 5 + 3) = 11,982 / 20 = 599.1 -> 599
    assert rnd(pooled([f"2013Q{k}" for k in range(1, 5)]), 0) == 599


@pytest.mark.parametrize(
    ("ref", "kind", "result_1415", "q1", "q2", "ytd"),
    [
        ("CSCB03", "snapshot", 9, 9, 9, 9),
        ("CSCB04", "snapshot", 314, 444, 401, 401),
        ("CSCB05a", "cumulative", 22, 7, 30, 37),
        ("CSCB05c", "cumulative", 20, 5, 15, 20),
    ],
)
def test_scorecard_figures(ref, kind, result_1415, q1, q2, ytd):
    v = series("WYP", ref, "value")
    year = [v[f"2014Q{k}"] for k in range(1, 5) if f"2014Q{k}" in v]
    annual = year[-1] if kind == "snapshot" else sum(year)
    to_date = v["2015Q2"] if kind == "snapshot" else v["2015Q1"] + v["2015Q2"]
    assert (annual, v["2015Q1"], v["2015Q2"], to_date) == (result_1415, q1, q2, ytd)
    if kind == "cumulative":  # "All cumulative totals for 2014/2015 include Q2/Q3/Q4"
        assert "2014Q1" not in v and not math.isnan(v["2014Q2"])

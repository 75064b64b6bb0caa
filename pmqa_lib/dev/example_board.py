"""The seeded generator of the shipped example board's agency returns (``pmqa examples``).

A developer tool, not part of the pipeline. It writes:

* ``data/raw/<quarter>/<AGENCY>_<quarter>.csv`` (or ``.xlsx``, sheet ``Return``, for the agencies in
  :data:`XLSX_AGENCIES`), every quarter from 2013Q1 to 2015Q4, in the return layout of
  docs/architecture.md and docs/returns.md;
* ``data/raw/reference/planted_faults.csv``: the deliberate faults and the revision planted in the
  returns, for the validation tests;
* ``data/raw/reference/population_0_17.csv``: the population extract
  (:func:`pmqa_lib.dev.reference_refresh.extract_population`), only when the public files are available.

``data/raw/`` is read-only to library code and :func:`pmqa_lib.core.files.atomic_write` refuses to write
there on purpose. This module is the one exception: it is how the raw example data is made, so it
writes there with plain file writes (:func:`write_files`). Run it only to change the example board,
and commit the result with the change.

Everything is deterministic: one numpy ``default_rng`` per indicator, seeded from :data:`SEED` and
the indicator reference; fixed column order, ``\\n`` line ends, integers only in number columns;
Excel files re-zipped with fixed timestamps. ``pmqa examples --check`` rebuilds the files in a
temporary folder and compares them byte for byte with the committed ones.

The framework's own figures (Appendix 1) are not random: :data:`EISA_NEW` holds the new EISAs per
quarter found by :func:`search_eisa_counts`, and :data:`FIXED` the printed scorecard values.

The indicators with a DfE source agree with DfE's published Calderdale figures in every year of
the example DfE published them (:mod:`pmqa_lib.dev.example_dfe`, from the committed
``reference/comparators.csv``): 2014/15's 3,012 referrals are the four quarters of 2.1, the 205
children on a plan at 31 March 2015 are 4.1's Q4. No Appendix 1 figure is a DfE-sourced one, so
none had to give way; had one, the framework's printed figure would win and the reconciliation
would show the difference.

The lead officers propose the RAG the assurance continuum gives on the figures they send
(:func:`officer_assessments`), except where the framework prints theirs
(:data:`TEXT_OVERRIDES`): 1.1 in Q1 2015/16, rated Green at 55.1, which pmqa flags as a
disagreement.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import Catalogue, Indicator, load_catalogue
from pmqa_lib.core.files import Paths, atomic_write
from pmqa_lib.core.format import round_one
from pmqa_lib.core.periods import (
    Quarter,
    financial_year_label,
    population_year_for_window,
    quarter_range,
)
from pmqa_lib.dev import example_dfe
from pmqa_lib.validate.ingest import RETURN_COLUMNS

log = logging.getLogger(__name__)

SEED = 20151123  # the scorecard's "as at 23 November 2015"
FIRST_QUARTER, LAST_QUARTER = "2013Q1", "2015Q4"
XLSX_AGENCIES = ("HEALTH", "EDU")
SHEET = "Return"
FAULT_COLUMNS = ["file", "row", "column", "fault", "expected", "note"]
FAULTS_FILE = "planted_faults.csv"
XLSX_DATE = (2016, 4, 1, 0, 0, 0)
XLSX_DATETIME = dt.datetime(2016, 4, 1)

# Returns that were never sent (docs/returns.md): missing is missing, never zero.
MISSING_RETURNS = {("HEALTH", "2013Q3")}

# Populations used by the generator's own check of the Appendix 1 figures (ONS mid-year
# estimates of Calderdale's 0-17 population, as in population_0_17.csv).
CALDERDALE_0_17 = {2012: 45552, 2013: 45633, 2014: 45585, 2015: 45659, 2016: 45898}

# New EISAs per quarter (1.1a value, 1.1 numerator). 2014Q2 = 45, 2015Q1 = 77, 2015Q2 = 91 and
# 2014Q3 + 2014Q4 = 129 follow from the printed rates; the rest were chosen by
# search_eisa_counts() (see its docstring); 2015Q3 and 2015Q4 are the example's own.
EISA_NEW = {
    "2012Q2": 54, "2012Q3": 59, "2012Q4": 58,
    "2013Q1": 49, "2013Q2": 53, "2013Q3": 57, "2013Q4": 62,
    "2014Q1": 87, "2014Q2": 45, "2014Q3": 69, "2014Q4": 60,
    "2015Q1": 77, "2015Q2": 91, "2015Q3": 88, "2015Q4": 84,
}  # fmt: skip

# Printed values of Appendix 1 (period -> (numerator, denominator, value)).
FIXED: dict[str, dict[str, tuple]] = {
    # 3.1: children placed and total days; 2015Q1 1094/2 = 547, 2015Q2 1563/3 = 521 (both Red).
    "3.1": {"2015Q1": (1094, 2, None), "2015Q2": (1563, 3, None)},
    "CSCB03": {"2014Q4": (None, None, 9), "2015Q1": (None, None, 9), "2015Q2": (None, None, 9)},
    "CSCB04": {"2014Q4": (None, None, 314), "2015Q1": (None, None, 444), "2015Q2": (None, None, 401)},
    # 2014/15 totals are of Q2-Q4 (collection began in 2014Q2): 22 and 20.
    "CSCB05a": {
        "2014Q2": (None, None, 6), "2014Q3": (None, None, 9), "2014Q4": (None, None, 7),
        "2015Q1": (None, None, 7), "2015Q2": (None, None, 30),
    },
    "CSCB05c": {
        "2014Q2": (None, None, 5), "2014Q3": (None, None, 8), "2014Q4": (None, None, 7),
        "2015Q1": (None, None, 5), "2015Q2": (None, None, 15),
    },
}  # fmt: skip
FIRST_RETURNED = {"CSCB05a": "2014Q2", "CSCB05c": "2014Q2"}
#: figures first sent higher than the final one, and revised in a later return (planted faults):
#: CMBC's 2015Q1 re-referrals counted 4 duplicates, removed in its 2015Q2 return
FIRST_SENT_EXCESS = {("2.2", "2015Q1"): 4}
#: the quarter whose return carries each revision of FIRST_SENT_EXCESS
REVISED_IN = {("2.2", "2015Q1"): "2015Q2"}


@dataclass(frozen=True)
class Series:
    """How one indicator's example values are made.

    kind: ``count`` (Poisson count per quarter), ``level`` (a slowly moving count at the period
    end), ``pct`` (numerator ~ Binomial(denominator, p)), ``days`` (total days over children),
    ``annual`` (one numerator/denominator a year). ``levels`` and ``den`` give the level per
    financial year (interpolated between years); ``season`` multiplies Q1..Q4.
    """

    kind: str
    levels: dict[int, float]
    den: dict[int, float] = field(default_factory=dict)
    season: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    noise: float = 0.0


SUMMER = (1.0, 0.85, 1.1, 1.05)  # quieter July-September
SCHOOL_TERM = (1.05, 0.75, 1.15, 1.05)  # schools refer less over the summer holidays
SERIES: dict[str, Series] = {
    "1.2": Series("pct", {2013: 0.68, 2014: 0.74, 2015: 0.80}, {2013: 60, 2014: 65, 2015: 72}, noise=0.02),
    # Referrals: DfE 2014/2015/2016 counts 4,493 / 3,012 / 2,451 a year (Calderdale, c1).
    "2.1": Series("count", {2013: 1120, 2014: 755, 2015: 615}, season=SCHOOL_TERM, noise=0.04),
    "2.2": Series("pct", {2013: 0.34, 2014: 0.285, 2015: 0.235}, {2013: 1120, 2014: 755, 2015: 615}, noise=0.01),
    "2.3": Series("pct", {2013: 0.72, 2014: 0.80, 2015: 0.86}, {2013: 880, 2014: 880, 2015: 800}, noise=0.015),
    # Section 47: 1,129 / 903 / 1,106 a year: improving then deteriorating.
    "2.4": Series("count", {2013: 282, 2014: 226, 2015: 276}, season=SCHOOL_TERM, noise=0.05),
    "2.5": Series("count", {2013: 140, 2014: 150, 2015: 166}, season=(1.0, 1.1, 0.95, 0.95), noise=0.05),
    "3.1": Series("days", {2013: 610, 2014: 480, 2015: 430}, {2013: 4, 2014: 5, 2015: 5}, noise=0.08),
    "3.2": Series("pct", {2013: 0.82, 2014: 0.88, 2015: 0.93}, {2013: 225, 2014: 220, 2015: 230}, noise=0.015),
    "3.3": Series("level", {2013: 292, 2014: 281, 2015: 298}, noise=0.015),
    "3.4": Series("pct", {2013: 0.12, 2014: 0.105, 2015: 0.09}, {2013: 292, 2014: 281, 2015: 298}, noise=0.01),
    "3.5": Series("pct", {2013: 0.55, 2014: 0.68, 2015: 0.82}, {2013: 26, 2014: 24, 2015: 27}, noise=0.03),
    # Child protection plans at 31 March: 249 / 205 / 188.
    "4.1": Series("level", {2013: 262, 2014: 215, 2015: 190}, noise=0.03),
    "4.2": Series("pct", {2013: 0.167, 2014: 0.207, 2015: 0.17}, {2013: 69, 2014: 61, 2015: 55}, noise=0.02),
    "4.3": Series("pct", {2013: 0.085, 2014: 0.036, 2015: 0.032}, {2013: 262, 2014: 215, 2015: 190}, noise=0.006),
    "4.4": Series("pct", {2013: 0.70, 2014: 0.78, 2015: 0.84}, {2013: 78, 2014: 69, 2015: 60}, noise=0.03),
    # Children in need at 31 March: 1,252 / 1,240 / 1,381: deteriorating in 2015/16.
    "4.5": Series("level", {2013: 1255, 2014: 1238, 2015: 1375}, noise=0.012),
    "CSCB01": Series("count", {2013: 20, 2014: 28, 2015: 36}, noise=0.1),
    "CSCB03": Series("level", {2013: 14, 2014: 11, 2015: 9}, noise=0.08),
    "CSCB04": Series("level", {2013: 345, 2014: 330, 2015: 420}, season=(1.05, 1.0, 1.05, 0.9), noise=0.05),
    "CSCB05a": Series("count", {2014: 7, 2015: 14}, noise=0.1),
    "CSCB05c": Series("count", {2014: 6, 2015: 9}, noise=0.1),
    "6.1": Series("pct", {2013: 0.78, 2014: 0.86, 2015: 0.91}, {2013: 640, 2014: 655, 2015: 650}, noise=0.015),
    "CSCB02": Series("count", {2013: 142, 2014: 126, 2015: 112}, season=(1.05, 1.15, 0.9, 0.9), noise=0.06),
    "7.1": Series("level", {2013: 55, 2014: 46, 2015: 38}, season=(0.95, 1.25, 0.95, 0.9), noise=0.06),
    "7.2": Series("pct", {2013: 0.80, 2014: 0.90, 2015: 0.95}, {2013: 105, 2014: 96, 2015: 88}, noise=0.015),
    "CSCB14": Series("count", {2013: 140, 2014: 155, 2015: 165}, season=(1.05, 0.6, 1.2, 1.15), noise=0.05),
    "CSCB15": Series("pct", {2013: 0.88, 2014: 0.91, 2015: 0.93}, {2013: 100, 2014: 108, 2015: 115}, noise=0.015),
    "CSCB21": Series("count", {2013: 10, 2014: 12, 2015: 13}, noise=0.1),
    "CSCB24": Series("annual", {2013: 12, 2014: 13, 2015: 14}, {2013: 14, 2014: 14, 2015: 14}),
    "8.1": Series("pct", {2013: 0.74, 2014: 0.85, 2015: 0.93}, {2013: 176, 2014: 181, 2015: 184}, noise=0.015),
    "8.2": Series("annual", {2013: 20, 2014: 23, 2015: 25}, {2013: 26, 2014: 26, 2015: 26}),
    "9.1": Series("annual", {2012: 88, 2013: 97, 2014: 101}, {2012: 105, 2013: 105, 2014: 105}),
    "9.2": Series("pct", {2013: 0.86, 2014: 0.91, 2015: 0.88}, {2013: 105, 2014: 105, 2015: 105}, noise=0.01),
}  # fmt: skip

# ------------------------------------------------------------------------------------------
# Appendix 1 texts (the lead officers' own words)

APPX1_11_COMMENTARY = (
    "The current status is GREEN because of continued, sustained achievement of the monthly target "
    "for new EISA assessments. This improved performance is now showing the true position of new "
    "EISAs. The annual target for 2015/16 remains at 60.0 per 10,000 under 18 population equating to "
    "an annual number of 300 new EISAs (25 per month)."
)
APPX1_11_COMMENTARY_Q1 = (
    "The current status is green because of continued, sustained achievement of the monthly target "
    "for new EISA assessments. This improved performance is now showing the true position of new EISAs."
)
APPX1_11_ACTIONS = "\n".join(
    [
        "Information gathering to be accurate - to support partner agencies with providing a holistic "
        "assessment; assessment authors to be encouraged to have conversations with all statutory and "
        "voluntary agencies involved with the family at time of assessment, record this information and "
        "state the name of the information giver.",
        "EISA support to partner agencies needs to continue through EISA team attendance at locality and "
        "panel meetings.",
        "Clear guidance regarding the completion of the EISA from a Tier 3 perspective, needs to be "
        "circulated to all partner agencies.",
        "EISA newsletter needs to be distributed to all agencies and promoted at Panels, locality network meetings.",
        "Support practitioners across partner agencies to use of the e-system.",
        "Partner agencies receiving passwords etc. to access the e-system to improve.",
    ]
)
APPX1_31_COMMENTARY = (
    "The current status is RED because the average number of days it takes to place a child with "
    "adoptive parents is significantly above national target (426). However this year three children "
    "have been placed who are legacy cases, who have negatively skewed the overall improvements."
)
APPX1_31_ACTIONS = (
    "Monthly permanence tracking meeting for every child with a placement order; "
    "Fostering for adoption considered for every child with an adoption plan at the second review; "
    "Report on the legacy cases to the Performance Management sub-group (end of March 2016)"
)
TEXT_OVERRIDES: dict[tuple[str, str], dict[str, str]] = {
    ("1.1", "2015Q1"): {"proposed_rag": "Green", "commentary": APPX1_11_COMMENTARY_Q1,
                        "actions": APPX1_11_ACTIONS, "action_timescale": "January 2016"},
    ("1.1", "2015Q2"): {"proposed_rag": "Green", "commentary": APPX1_11_COMMENTARY,
                        "actions": APPX1_11_ACTIONS, "action_timescale": "January 2016"},
    ("3.1", "2015Q1"): {"proposed_rag": "Red", "commentary": APPX1_31_COMMENTARY,
                        "actions": APPX1_31_ACTIONS, "action_timescale": "March 2016"},
    ("3.1", "2015Q2"): {"proposed_rag": "Red", "commentary": APPX1_31_COMMENTARY,
                        "actions": APPX1_31_ACTIONS, "action_timescale": "March 2016"},
    ("CSCB04", "2015Q1"): {"commentary": (
        "444 repeat referrals in Q1, up from 314 in Q4 2014/15. Since April 2015 every repeat incident "
        "at the same address within 12 months is counted, not only those graded high risk."),
        "actions": "Review the recording change with the Domestic Abuse partnership; MARAC repeat rate to be "
        "reported alongside from Q2", "action_timescale": "October 2015"},
    ("CSCB04", "2015Q2"): {"commentary": (
        "401 repeat referrals in Q2, down from 444 in Q1 but above 2014/15 (314 in Q4) under the new "
        "counting rule."), "actions": "Domestic Abuse partnership to set a baseline under the new counting rule",
        "action_timescale": "January 2016"},
    ("CSCB05a", "2015Q2"): {"commentary": (
        "30 children recorded as perpetrators in Q2 (7 in Q1, 37 so far this year against 22 in Q2-Q4 "
        "2014/15). Most incidents are child-to-parent violence in families already known to early help."),
        "actions": "Referral pathway from police to the youth offending team for child perpetrators to be agreed",
        "action_timescale": "December 2015"},
}  # fmt: skip

GENERIC_ACTIONS = {
    "Early Help": "Early help panel to review the cases behind the figure; practice guidance to partners",
    "Referrals and Assessment": "Front door audit of a sample of cases; thresholds briefing to partner agencies",
    "Looked After Children and Adoption": "Monthly tracking of every child's plan; report to the Corporate Parenting panel",
    "Child Protection": "IRO service to review the cases; conference chairs' report to the sub-group",
    "Child Sexual Exploitation": "CSE sub-group to review the matrix and disruption plans",
    "Domestic Violence": "Domestic Abuse partnership to review the MARAC cases behind the figure",
    "Missing Children": "Missing children panel to review repeat episodes and return interviews",
    "Multi-agency Training": "Training pool to review the programme and the evaluations",
    "Safeguarding in Education": "Safeguarding School Adviser to follow up the schools concerned",
}

# ------------------------------------------------------------------------------------------
# The 1.1 arithmetic


def eisa_rolling_rates(counts: dict[str, int], populations: dict[int, int]) -> dict[str, float]:
    """1.1: the rolling four-quarter rate per 10,000 for every quarter with four quarters of counts."""
    qs = sorted(Quarter.parse(k) for k in counts)
    out = {}
    for q in qs:
        window = quarter_range(q.shift(-3), q)
        if all(w.code in counts for w in window):
            pop = populations[population_year_for_window(window[0], window[-1])]
            out[q.code] = sum(counts[w.code] for w in window) / pop * 1e4
    return out


def appendix1_eisa_figures(counts: dict[str, int], populations: dict[int, int]) -> dict[str, float]:
    """The figures Appendix 1 prints for 1.1 and 1.1a, unrounded (see docs/catalogue.md).

    Annual values of 1.1 are the mean of the four quarterly rolling rates of the year (result type
    average); the "55*" and "65*" are the mean new EISAs per quarter of the year.
    """
    r = eisa_rolling_rates(counts, populations)

    def mean(keys: Iterable[str], d: dict) -> float:
        return float(np.mean([d[k] for k in keys]))

    y13, y14 = [f"2013Q{i}" for i in range(1, 5)], [f"2014Q{i}" for i in range(1, 5)]
    return {
        "count_2013/14": mean(y13, counts),
        "count_2014/15": mean(y14, counts),
        "rate_2013/14": mean(y13, r),
        "rate_2014/15": mean(y14, r),
        "rate_2015Q1": r["2015Q1"],
        "rate_2015Q2": r["2015Q2"],
        "rate_ytd_2015Q2": mean(["2015Q1", "2015Q2"], r),
        "count_ytd_2015Q2": float(counts["2015Q1"] + counts["2015Q2"]),
    }


PRINTED_1_1 = {
    "count_2013/14": (55, 0), "count_2014/15": (65, 0), "rate_2013/14": (48.1, 1),
    "rate_2014/15": (56.7, 1), "rate_2015Q1": (55.1, 1), "rate_2015Q2": (65.0, 1),
    "rate_ytd_2015Q2": (60.1, 1), "count_ytd_2015Q2": (168, 0),
}  # fmt: skip


def check_eisa_counts(counts: dict[str, int] = EISA_NEW) -> None:
    """Raise ValueError unless ``counts`` reproduce every printed 1.1/1.1a figure of Appendix 1."""
    got = appendix1_eisa_figures(counts, CALDERDALE_0_17)
    bad = {k: (round_one(got[k], p), want) for k, (want, p) in PRINTED_1_1.items()}
    bad = {k: v for k, v in bad.items() if v[0] != v[1]}
    if bad:
        raise ValueError(f"EISA counts do not reproduce Appendix 1: {bad}")


def search_eisa_counts(spread: int = 12) -> dict[str, int]:
    """Find integer new-EISA counts 2012Q2..2014Q4 that reproduce the printed 1.1 figures.

    Fixed by the printed figures: 2015Q1 = 77 and 2015Q2 = 91 (Appendix 1). The Q1 2015/16 rate
    55.1 needs a rolling sum of exactly 251 over 2014Q2..2015Q1 (250 gives 54.8, 252 gives 55.3 over
    mid-2014's 45,585), the Q2 rate 65.0 exactly 297 over 2014Q3..2015Q2 (mid-2015, 45,659): so
    2014Q2 = 45 and 2014Q3 + 2014Q4 = 129. The "65*" (mean of 2014/15) needs 2014Q1 in 84..87 and
    the "55*" a 2013/14 total of 218..221. Among the counts that also give 56.7 (2014/15) and 48.1
    (2013/14) the search picks the one closest (least squares) to a smooth profile; ties go to
    the first found. Vectorised over three free quarters at a time.
    """
    pop = CALDERDALE_0_17
    prof = {"a": 50, "b": 53, "c": 49, "d1": 52, "d2": 54, "d3": 56, "d4": 58, "e1": 86, "e3": 68}

    def grid(*keys: str) -> list[np.ndarray]:
        return np.meshgrid(
            *(np.arange(prof[k] - spread, prof[k] + spread + 1) for k in keys), indexing="ij"
        )

    best = None
    d2, d3, d4 = grid("d2", "d3", "d4")
    for total in range(218, 222):
        d1 = total - d2 - d3 - d4
        for e1 in range(84, 88):
            for e3 in range(50, 90):
                e4 = 129 - e3
                r14 = (
                    (d2 + d3 + d4 + e1) / pop[2013] + (d3 + d4 + e1 + 45) / pop[2014]
                    + (d4 + e1 + 45 + e3) / pop[2014] + (e1 + 174) / pop[2014]
                ) * 1e4 / 4  # fmt: skip
                ok = (np.floor(r14 * 10 + 0.5) == 567) & (d1 >= 35)
                if not ok.any():
                    continue
                cost = (
                    (d1 - prof["d1"]) ** 2 + (d2 - prof["d2"]) ** 2 + (d3 - prof["d3"]) ** 2
                    + (d4 - prof["d4"]) ** 2 + (e3 - prof["e3"]) ** 2 + (e4 - 61) ** 2 + (e1 - prof["e1"]) ** 2
                )  # fmt: skip
                cost = np.where(ok, cost, np.inf)
                i = np.unravel_index(np.argmin(cost), cost.shape)
                if best is None or cost[i] < best[0]:
                    best = (cost[i], int(d1[i]), int(d2[i]), int(d3[i]), int(d4[i]), e1, e3)
    if best is None:
        raise ValueError("no counts reproduce the printed 2014/15 figures")
    _, d1, d2, d3, d4, e1, e3 = best
    a, b, c = grid("a", "b", "c")
    r13 = (
        (a + b + c + d1) / pop[2012] + (b + c + d1 + d2) / pop[2013]
        + (c + d1 + d2 + d3) / pop[2013] + (d1 + d2 + d3 + d4) / pop[2013]
    ) * 1e4 / 4  # fmt: skip
    ok = np.floor(r13 * 10 + 0.5) == 481
    cost = np.where(ok, (a - prof["a"]) ** 2 + (b - prof["b"]) ** 2 + (c - prof["c"]) ** 2, np.inf)
    i = np.unravel_index(np.argmin(cost), cost.shape)
    if not np.isfinite(cost[i]):
        raise ValueError("no counts reproduce the printed 2013/14 figure")
    found = [int(a[i]), int(b[i]), int(c[i]), d1, d2, d3, d4, e1, 45, e3, 129 - e3, 77, 91]
    codes = [q.code for q in quarter_range("2012Q2", "2015Q2")]
    return dict(zip(codes, found, strict=True))


# ------------------------------------------------------------------------------------------
# Series


def _rng(ref: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(ref.encode("utf-8"))])


def _interp(levels: dict[int, float], ordinals: np.ndarray) -> np.ndarray:
    """Level per quarter: each financial year's level sits at its middle, straight lines between."""
    years = np.array(sorted(levels))
    return np.interp(ordinals, years * 4 + 1.5, np.array([levels[y] for y in years], dtype=float))


def _quarterly(ref: str, s: Series, quarters: list[Quarter]) -> list[tuple]:
    """(period, numerator, denominator, value) rows for a quarterly indicator."""
    rng = _rng(ref)
    n = len(quarters)
    ords = np.array([q.ordinal for q in quarters], dtype=float)
    season = np.array([s.season[q.q - 1] for q in quarters])
    level = _interp(s.levels, ords) * season
    rows = []
    if s.kind == "count":
        mean = level * np.exp(rng.normal(0.0, s.noise, n))
        vals = rng.poisson(mean)
        rows = [(q.code, int(v), None, None) for q, v in zip(quarters, vals, strict=True)]
    elif s.kind == "level":
        ar = np.zeros(n)
        shocks = rng.normal(0.0, s.noise, n)
        for i in range(n):  # AR(1): period-end stocks move slowly
            ar[i] = (0.6 * ar[i - 1] if i else 0.0) + shocks[i]
        vals = np.maximum(0, np.rint(level * (1 + ar))).astype(int)
        rows = [(q.code, int(v), None, None) for q, v in zip(quarters, vals, strict=True)]
    elif s.kind == "pct":
        den = rng.poisson(_interp(s.den, ords) * season)
        p = np.clip(_interp(s.levels, ords) + rng.normal(0.0, s.noise, n), 0.0, 1.0)
        num = rng.binomial(den, p)
        rows = [(q.code, int(a), int(b), None) for q, a, b in zip(quarters, num, den, strict=True)]
    elif s.kind == "days":
        den = np.maximum(1, rng.poisson(_interp(s.den, ords)))
        avg = level * (1 + rng.normal(0.0, s.noise, n))
        num = np.rint(avg * den).astype(int)
        rows = [(q.code, int(a), int(b), None) for q, a, b in zip(quarters, num, den, strict=True)]
    else:
        raise ValueError(f"{ref}: unknown series kind {s.kind!r}")
    return rows


def _annual_period(ind: Indicator, year: int) -> str:
    """The return quarter that carries an annual figure (docs/returns.md)."""
    if ind.reporting_period == "school":
        return Quarter(year + 1, 1).code  # school year 2014/15 -> 2015Q1
    return Quarter(year, 4).code  # financial 2014/15 and calendar 2014 -> 2014Q4


def _dfe_quarterly(
    ind: Indicator,
    s: Series,
    quarters: list[Quarter],
    published: dict[int, example_dfe.Published],
    done: dict[str, list[tuple]],
) -> list[tuple]:
    """(period, numerator, denominator, value) rows of an indicator with a DfE source: the
    seeded series of :func:`_quarterly`'s kinds, made to add up to DfE's published figure in
    every year DfE published one (:mod:`pmqa_lib.dev.example_dfe`)."""
    rng = _rng(ind.ref)
    n = len(quarters)
    ords = np.array([q.ordinal for q in quarters], dtype=float)
    season = np.array([s.season[q.q - 1] for q in quarters])
    level = _interp(s.levels, ords) * season
    counted = {fy: f for fy, f in published.items() if np.isfinite(f.numerator)}
    value_only = {fy: f for fy, f in published.items() if not np.isfinite(f.numerator)}
    codes = [q.code for q in quarters]
    if s.kind == "count":
        mean = level * np.exp(rng.normal(0.0, s.noise, n))
        drawn = rng.poisson(mean).astype(float)
        for fy, pos in example_dfe.years_of(quarters).items():
            if fy in counted and len(pos) == 4:
                drawn[pos] = mean[pos]  # split the published total by the expected counts
        vals = example_dfe.flow_counts(drawn, quarters, counted, "numerator")
        return [(c, int(v), None, None) for c, v in zip(codes, vals, strict=True)]
    if s.kind == "level":
        shocks = rng.normal(0.0, s.noise, n)
        ar = np.zeros(n)
        for i in range(n):  # AR(1): period-end stocks move slowly
            ar[i] = (0.6 * ar[i - 1] if i else 0.0) + shocks[i]
        start_fy = quarters[0].fy - 1
        start = counted[start_fy].numerator if start_fy in published else level[0]
        vals = example_dfe.stock_path(start, quarters, counted, level, ar)
        return [(c, int(v), None, None) for c, v in zip(codes, vals, strict=True)]
    if s.kind != "pct":
        raise ValueError(f"{ind.ref}: no DfE reconciliation for series kind {s.kind!r}")
    other = example_dfe.DENOMINATOR_OF.get(ind.ref)
    if other is not None:
        by_period = {r[0]: r[1] for r in done[other]}
        den = np.array([by_period[c] for c in codes], dtype="int64")
    else:
        den_mean = _interp(s.den, ords) * season
        den = rng.poisson(den_mean).astype("int64")
        den = example_dfe.flow_counts(
            np.where([q.fy in counted for q in quarters], den_mean, den), quarters, counted,
            "denominator",
        )  # fmt: skip
    p = np.clip(_interp(s.levels, ords) + rng.normal(0.0, s.noise, n), 0.0, 1.0)
    if ind.is_stock:
        num = example_dfe.stock_numerators(p, den, quarters, counted)
    elif counted:
        num = example_dfe.flow_numerators(p, den, quarters, counted)
    else:
        num = rng.binomial(den, p)
    num, den = example_dfe.onto_published_percent(num, den, quarters, value_only)
    return [(c, int(a), int(b), None) for c, a, b in zip(codes, num, den, strict=True)]


def indicator_values(
    cat: Catalogue, published: dict[str, dict[int, example_dfe.Published]] | None = None
) -> dict[str, list[tuple]]:
    """Every indicator's (period, numerator, denominator, value) rows, 2013Q1..2015Q4 plus
    back-data, as their agencies finally hold them (a figure later revised is in its final form:
    :data:`FIRST_SENT_EXCESS` gives the first-sent difference).

    ``published`` (:func:`pmqa_lib.dev.example_dfe.published_figures`) makes the indicators with
    a DfE source add up to DfE's figures for Calderdale in every year DfE published them.
    """
    quarters = quarter_range(FIRST_QUARTER, LAST_QUARTER)
    out: dict[str, list[tuple]] = {}
    for ind in cat:
        ref = ind.ref
        if ref == "1.1":
            rows = [(k, v, None, None) for k, v in EISA_NEW.items()]
        elif ref == "1.1a":
            rows = [(k, None, None, v) for k, v in EISA_NEW.items()]
        elif ind.frequency == "annual":
            s = SERIES[ref]
            rows = [
                (_annual_period(ind, y), int(s.levels[y]), int(s.den[y]), None)
                for y in sorted(s.levels)
            ]
        else:
            first = Quarter.parse(FIRST_RETURNED.get(ref, FIRST_QUARTER))
            qs = [q for q in quarters if q >= first]
            years = {q.fy for q in qs}
            pub = {fy: f for fy, f in (published or {}).get(ref, {}).items() if fy in years}
            if ind.comparator.dfe is not None and pub:
                prior = (published or {}).get(ref, {}).get(min(years) - 1)
                pub = {**pub, **({min(years) - 1: prior} if prior is not None else {})}
                rows = _dfe_quarterly(ind, SERIES[ref], qs, pub, out)
            else:
                rows = _quarterly(ref, SERIES[ref], qs)
        fixed = FIXED.get(ref, {})
        rows = [(p, *fixed[p]) if p in fixed else (p, a, b, c) for p, a, b, c in rows]
        # units: numbers travel in `value`, everything else in numerator (and denominator)
        if ind.unit == "number":
            rows = [(p, None, None, c if c is not None else a) for p, a, b, c in rows]
        out[ref] = rows
    return out


def first_sent(values: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows as first sent: each of :data:`FIRST_SENT_EXCESS` with its excess added back."""
    out = {}
    for ref, rows in values.items():
        out[ref] = [
            (p, a + FIRST_SENT_EXCESS[(ref, p)], b, c) if (ref, p) in FIRST_SENT_EXCESS
            else (p, a, b, c)
            for p, a, b, c in rows
        ]  # fmt: skip
    return out


# ------------------------------------------------------------------------------------------
# Proposed RAG, commentary, actions


def _fmt(ind: Indicator, v: float) -> str:
    if ind.precision == 0:
        return f"{round_one(v, 0):,.0f}"
    return f"{round_one(v, ind.precision):,.{ind.precision}f}"


def _result_label(ind: Indicator, q: Quarter) -> str:
    """What a return's figure covers: the quarter, or for an annual indicator its year
    (school year 2014/15 in the 2015Q1 return; calendar 2014 and financial 2014/15 in 2014Q4)."""
    if ind.frequency != "annual":
        return q.label
    if ind.reporting_period == "school":
        return f"{financial_year_label(q.fy - 1)} school year"
    if ind.reporting_period == "calendar":
        return f"Calendar year {q.fy}"
    return f"Financial year {q.fy_label}"


def officer_assessments(
    cat: Catalogue, sent: dict[str, list[tuple]], reference: Path
) -> dict[tuple[str, str], dict]:
    """What the lead officers see in the figures they send: for each (indicator, quarter) the
    value and the RAG the assurance continuum gives (:func:`pmqa_lib.analytics.assessment.rag_history`,
    on the board's populations and comparators in ``reference``), each quarter on the figures
    as its return left them (a figure revised later, :data:`REVISED_IN`, as first sent until
    then). This is the RAG they propose, except where the framework prints another
    (:data:`TEXT_OVERRIDES`: 1.1 in Q1 2015/16 rated Green at 55.1, which pmqa flags)."""
    from pmqa_lib.analytics.assessment import rag_history
    from pmqa_lib.core.reference import POPULATION_FILE, load_population
    from pmqa_lib.public.comparators import COMMITTED_FILE, load_committed

    inputs = [reference / n for n in ("catalogue.yaml", POPULATION_FILE, COMMITTED_FILE)]
    key = hashlib.sha256(
        repr((sorted(sent.items()), [p.read_bytes() for p in inputs if p.exists()])).encode()
    ).hexdigest()
    if key in _SEEN:  # the same figures and reference tables: the same answer (tests rebuild often)
        return _SEEN[key]
    paths = Paths(reference.parents[1], reference.parents[1])
    pops, comps = load_population(paths), load_committed(paths)
    first, final = first_sent(sent), sent

    def history(values: dict[str, list[tuple]]) -> pd.DataFrame:
        obs = pd.DataFrame(
            [(ref, p, a, b, c) for ref, rows in values.items() for p, a, b, c in rows],
            columns=["indicator", "period", "numerator", "denominator", "value"],
        ).assign(status="ok")
        return rag_history(obs, cat, pops, comps, LAST_QUARTER, first=FIRST_QUARTER)

    h = history(first)
    if REVISED_IN:
        after = Quarter.parse(min(REVISED_IN.values()))
        h2 = history(final)
        later = h["period"].map(Quarter.parse) >= after
        h = pd.concat([h[~later], h2[h2["period"].map(Quarter.parse) >= after]])
    h = h.assign(rag=h["rag"].fillna("").astype(str), value=h["value"].astype(float))
    _SEEN[key] = {(r.indicator, r.period): {"value": r.value, "rag": r.rag} for r in h.itertuples()}
    return _SEEN[key]


_SEEN: dict[str, dict[tuple[str, str], dict]] = {}


def _texts(ind: Indicator, rows: list[tuple], seen: dict[tuple[str, str], dict]) -> list[dict]:
    out = []
    prev_v = None
    for row in rows:
        q = Quarter.parse(row[0])
        a = seen.get((ind.ref, row[0]), {})
        v = a.get("value")
        v = None if v is None or not np.isfinite(v) else float(v)
        rag = a.get("rag", "") if v is not None else ""
        target = ind.target_for_year(q.fy_label)
        unit = {"percent": "%", "days": " days", "rate_per_10k": " per 10,000", "number": ""}.get(
            ind.unit, ""
        )
        label, before = _result_label(ind, q), "the year before"
        if ind.frequency != "annual":
            before = "last quarter"
        if v is None:
            text = f"{label}: figure not yet available."
        else:
            text = f"{label}: {_fmt(ind, v)}{unit}"
            if ind.unit in ("percent", "days") and row[2]:
                text += f" ({row[1]:,} / {row[2]:,})"
            if prev_v is not None and prev_v != v:
                word = "up" if v > prev_v else "down"
                text += f", {word} from {_fmt(ind, prev_v)}{unit} {before}"
            text += "."
            if target is not None:
                met = (v >= target) if ind.high_is_good else (v <= target)
                text += f" Target {target:g}: {'met' if met else 'not met'}."
        actions, timescale = "", ""
        if rag in ("Amber", "Red"):
            actions = GENERIC_ACTIONS.get(
                ind.theme, "Lead officer to review the cases behind the figure"
            )
            end = q.shift(2).end
            timescale = end.strftime("%B %Y")
        out.append(
            {
                "proposed_rag": rag,
                "commentary": text,
                "actions": actions,
                "action_timescale": timescale,
            }
        )
        prev_v = v
    return out


# ------------------------------------------------------------------------------------------
# Files


@dataclass
class Return:
    agency: str
    quarter: str
    rows: list[dict]

    @property
    def name(self) -> str:
        ext = "xlsx" if self.agency in XLSX_AGENCIES else "csv"
        return f"{self.agency}_{self.quarter}.{ext}"

    @property
    def relpath(self) -> str:
        return f"{self.quarter}/{self.name}"


def _received(period: str) -> str:
    """The return that carries ``period``: its own quarter; back-data comes with the first return."""
    return max(Quarter.parse(period), Quarter.parse(FIRST_QUARTER)).code


def build_returns(cat: Catalogue, reference: Path | str | None = None) -> list[Return]:
    """Every agency return of the example board, as rows, before the planted faults.

    ``reference`` is the board's reference folder (default: the catalogue's): its committed
    comparators give DfE's published figures the DfE-sourced series add up to, and with its
    populations the RAG the lead officers propose (:func:`officer_assessments`).
    """
    reference = Path(reference) if reference is not None else Path(cat.source).parent
    from pmqa_lib.public.comparators import load_committed

    published = example_dfe.published_figures(
        load_committed(Paths(reference.parents[1], reference.parents[1]))
    )
    values = indicator_values(cat, published)
    sent = {
        ind.ref: [r for r in values[ind.ref]
                  if (ind.agency, _received(r[0])) not in MISSING_RETURNS]
        for ind in cat
    }  # fmt: skip
    seen = officer_assessments(cat, sent, reference)
    as_sent = first_sent(sent)
    by_key: dict[tuple[str, str], list[dict]] = {}
    for ind in cat:
        rows = as_sent[ind.ref]
        texts = _texts(ind, rows, seen)
        for (period, a, b, c), t in zip(rows, texts, strict=True):
            received = _received(period)
            t = {**t, **TEXT_OVERRIDES.get((ind.ref, period), {})}
            if Quarter.parse(period) < Quarter.parse(FIRST_QUARTER):
                t = {"proposed_rag": "", "commentary": "Back-data for the four-quarter rolling rate (1.1).",
                     "actions": "", "action_timescale": ""}  # fmt: skip
            row = {"agency": ind.agency, "indicator": ind.ref, "period": period,
                   "numerator": a, "denominator": b, "value": c, **t}  # fmt: skip
            by_key.setdefault((ind.agency, received), []).append(row)
    out = []
    for q in quarter_range(FIRST_QUARTER, LAST_QUARTER):
        for agency in cat.agencies:
            if (agency, q.code) in MISSING_RETURNS:
                continue
            out.append(Return(agency, q.code, by_key.get((agency, q.code), [])))
    return out


def plant_faults(returns: list[Return]) -> list[dict]:
    """Plant the deliberate faults and the revision; return their list (row = row in the file, header = 1)."""
    index = {r.relpath.split("/")[1]: r for r in returns}
    faults: list[dict] = []

    def find(file: str, indicator: str, period: str | None = None) -> int:
        rows = index[file].rows
        for i, row in enumerate(rows):
            if row["indicator"] == indicator and (period is None or row["period"] == period):
                return i
        raise KeyError(f"{file}: no row for {indicator} {period}")

    def note(file: str, i: int, column: str, fault: str, expected: str, text: str) -> None:
        faults.append(
            {
                "file": file,
                "row": i + 2,
                "column": column,
                "fault": fault,
                "expected": expected,
                "note": text,
            }
        )

    # 1. a misspelt RAG
    f = "CSCB_2015Q2.csv"
    i = find(f, "CSCB15", "2015Q2")
    index[f].rows[i]["proposed_rag"] = "Gren"
    note(f, i, "proposed_rag", "invalid_rag", "reject", "'Gren' is not Red, Amber, Green or blank")
    # 2. a negative count
    f = "HEALTH_2015Q2.xlsx"
    i = find(f, "3.5", "2015Q2")
    index[f].rows[i]["numerator"] = -3
    note(f, i, "numerator", "negative_count", "reject", "a count cannot be negative")
    # 3. numerator larger than denominator for a percentage
    f = "EDU_2015Q2.xlsx"
    i = find(f, "9.2", "2015Q2")
    row = index[f].rows[i]
    row["numerator"] = int(row["denominator"]) + 9
    note(
        f,
        i,
        "numerator",
        "numerator_exceeds_denominator",
        "reject",
        "more schools trained than schools",
    )
    # 4. a revision: CMBC restates 2015Q1's re-referrals in its 2015Q2 return
    f = "CMBC_2015Q2.csv"
    orig = next(
        r
        for r in index["CMBC_2015Q1.csv"].rows
        if r["indicator"] == "2.2" and r["period"] == "2015Q1"
    )
    i = find(f, "2.2", "2015Q2")
    excess = FIRST_SENT_EXCESS[("2.2", "2015Q1")]
    revised = {**orig, "numerator": int(orig["numerator"]) - excess, "proposed_rag": "",
               "commentary": f"Revised Q1 2015/16 figure: {excess} duplicate re-referrals removed "
               "after data cleansing.", "actions": "", "action_timescale": ""}  # fmt: skip
    index[f].rows.insert(i + 1, revised)
    note(
        f,
        i + 1,
        "numerator",
        "revision",
        "accept and record in revisions.csv",
        f"restates 2015Q1 numerator {orig['numerator']} as {revised['numerator']}",
    )
    # 5. an indicator that is not in the catalogue
    f = "WYP_2014Q3.csv"
    i = find(f, "CSCB04", "2014Q3")
    extra = {**index[f].rows[i], "indicator": "CSCB06", "value": 12, "proposed_rag": "",
             "commentary": "Q3 2014/15: 12.", "actions": "", "action_timescale": ""}  # fmt: skip
    index[f].rows.insert(i + 1, extra)
    note(f, i + 1, "indicator", "unknown_indicator", "reject", "CSCB06 is not in the catalogue")
    # 6. a period after the return's quarter (typed 2015Q1 in the 2014Q4 return)
    f = "EDU_2014Q4.xlsx"
    i = find(f, "7.1", "2014Q4")
    index[f].rows[i]["period"] = "2015Q1"
    note(
        f,
        i,
        "period",
        "period_after_return",
        "reject",
        "2015Q1 is later than the return's quarter 2014Q4",
    )
    # 7. the same indicator and period twice in one return, with different values
    f = "CMBC_2014Q2.csv"
    i = find(f, "4.4", "2014Q2")
    dup = {**index[f].rows[i], "numerator": int(index[f].rows[i]["numerator"]) - 5}
    index[f].rows.insert(i + 1, dup)
    note(
        f,
        i + 1,
        "period",
        "duplicate_row",
        "reject",
        "4.4 2014Q2 appears twice with different numerators",
    )
    return faults


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        raise TypeError("booleans are not allowed in a return")
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    return str(v)


def csv_bytes(header: list[str], rows: Iterable[Iterable]) -> bytes:
    """CSV with a fixed layout: minimal quoting, ``\\n`` line ends, UTF-8 without BOM."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def xlsx_bytes(header: list[str], rows: Iterable[Iterable], sheet: str = SHEET) -> bytes:
    """An Excel workbook whose bytes are the same every run.

    openpyxl stamps the save time into ``docProps/core.xml`` and into each zip entry; both are
    replaced by :data:`XLSX_DATETIME`, and the archive is rewritten entry by entry in order.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(
            [None if v is None else (int(v) if isinstance(v, int | np.integer) else v) for v in row]
        )
    wb.properties.creator = "pmqa example board"
    wb.properties.created = XLSX_DATETIME
    raw = io.BytesIO()
    wb.save(raw)
    stamp = XLSX_DATETIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            zi = zipfile.ZipInfo(info.filename, date_time=XLSX_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    return out.getvalue()


def return_bytes(ret: Return) -> bytes:
    rows = [[r[c] for c in RETURN_COLUMNS] for r in ret.rows]
    if ret.name.endswith(".xlsx"):
        return xlsx_bytes(RETURN_COLUMNS, rows)
    return csv_bytes(RETURN_COLUMNS, rows)


def build_files(
    catalogue_path: Path | str | None = None, public_dir: Path | str | None = None
) -> dict[str, bytes]:
    """Every generated file, keyed by its path relative to ``data/raw/``.

    Parameters
    ----------
    catalogue_path : path, optional
        The catalogue (default: the project's ``data/raw/reference/catalogue.yaml``).
    public_dir : path, optional
        Public DfE/ONS folder; when given, ``reference/population_0_17.csv`` is included.
    """
    check_eisa_counts()
    cat = load_catalogue(catalogue_path)
    returns = build_returns(cat)
    faults = plant_faults(returns)
    files = {r.relpath: return_bytes(r) for r in returns}
    files[f"reference/{FAULTS_FILE}"] = csv_bytes(
        FAULT_COLUMNS, ([f[c] for c in FAULT_COLUMNS] for f in faults)
    )
    if public_dir is not None:
        from pmqa_lib.core.reference import POPULATION_COLUMNS, POPULATION_FILE
        from pmqa_lib.public.reference_extracts import extract_population

        pop = extract_population(public_dir, (cat.la_code,))
        files[f"reference/{POPULATION_FILE}"] = csv_bytes(
            POPULATION_COLUMNS, pop.itertuples(index=False)
        )
    return files


def write_files(files: dict[str, bytes], raw_dir: Path | str) -> None:
    """Write the generated files under ``raw_dir``, each atomically.

    A developer tool, and so one of the explicit exceptions to ``data/raw/`` being read-only
    (see the module docstring).
    """
    raw_dir = Path(raw_dir)
    for rel, data in sorted(files.items()):
        with atomic_write(raw_dir / rel, "wb", allow_raw=True) as fh:
            fh.write(data)


def compare_files(files: dict[str, bytes], raw_dir: Path | str) -> list[str]:
    """Differences between the generated files and those under ``raw_dir`` (empty when identical).

    Also reports files in the example quarters' folders that the generator would not make.
    """
    raw_dir = Path(raw_dir)
    problems = []
    for rel, data in sorted(files.items()):
        path = raw_dir / rel
        if not path.exists():
            problems.append(f"missing: {rel}")
        elif path.read_bytes() != data:
            problems.append(f"differs: {rel}")
    for q in quarter_range(FIRST_QUARTER, LAST_QUARTER):
        folder = raw_dir / q.code
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                rel = f"{q.code}/{p.name}"
                if rel not in files:
                    problems.append(f"not made by the generator: {rel}")
    return problems


def plan_writes(files: dict[str, bytes], raw_dir: Path | str) -> dict[str, list[str]]:
    """What :func:`write_files` would do under ``raw_dir``: ``new`` files, files ``rewritten``
    (present with other bytes) and files ``unchanged``, each a sorted list of relative paths."""
    raw_dir = Path(raw_dir)
    plan: dict[str, list[str]] = {"new": [], "rewritten": [], "unchanged": []}
    for rel, data in sorted(files.items()):
        path = raw_dir / rel
        if not path.exists():
            plan["new"].append(rel)
        elif path.read_bytes() != data:
            plan["rewritten"].append(rel)
        else:
            plan["unchanged"].append(rel)
    return plan


def is_shipped_board(raw_dir: Path | str) -> bool:
    """Whether ``raw_dir`` is this checkout's own ``data/raw`` (the shipped example board)."""
    from pmqa_lib.core.files import PROJECT_ROOT

    return Path(raw_dir).resolve() == (PROJECT_ROOT / "data" / "raw").resolve()


def main(argv: list[str] | None = None) -> int:
    """``make examples [FORCE=1]``: rebuild the example returns, or ``--check`` that they rebuild
    byte for byte.

    Outside the shipped example board (a ``DATA_DIR`` elsewhere) it refuses to overwrite a file
    that exists with other content unless ``--force`` is given: a partnership's own returns are
    never replaced by surprise. It lists every file it wrote or rewrote.

    Returns 0 on success; 1 when ``--check`` finds a difference; 2 when it refuses.
    """
    import argparse

    from pmqa_lib.core.files import PROJECT_ROOT, Paths, public_data_dir

    ap = argparse.ArgumentParser(prog="python -m pmqa_lib.dev.example_board", description=__doc__)
    ap.add_argument(
        "--check", action="store_true", help="only check the files rebuild byte for byte"
    )
    ap.add_argument(
        "--force",
        action="store_true",
        help="overwrite files in a DATA_DIR that is not the shipped board",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    paths = Paths.from_env()
    public = public_data_dir()
    catalogue = paths.catalogue_file
    if not catalogue.exists():
        catalogue = PROJECT_ROOT / "data" / "raw" / "reference" / "catalogue.yaml"
    files = build_files(catalogue, public)
    if public is None:
        log.info("public DfE/ONS files not found: population_0_17.csv is left as committed")
    if args.check:
        with tempfile.TemporaryDirectory(prefix="pmqa-examples-") as tmp:
            write_files(files, tmp)
            rebuilt = {rel: (Path(tmp) / rel).read_bytes() for rel in files}
        problems = compare_files(rebuilt, paths.raw)
        for p in problems:
            log.error("examples: %s", p)
        if problems:
            log.error(
                "examples: %d file(s) do not match the generator; run `make examples`",
                len(problems),
            )
            return 1
        log.info("examples: %d files rebuilt byte for byte", len(files))
        return 0
    plan = plan_writes(files, paths.raw)
    if plan["rewritten"] and not args.force and not is_shipped_board(paths.raw):
        shown = ", ".join(plan["rewritten"][:5]) + (" ..." if len(plan["rewritten"]) > 5 else "")
        log.error(
            "examples: %s is not the shipped example board, and %d of its files would be "
            "overwritten (%s). Nothing was written. To replace them with the example data, run "
            "`make examples FORCE=1` (python -m pmqa_lib.dev.example_board --force).",
            paths.raw,
            len(plan["rewritten"]),
            shown,
        )
        return 2
    write_files({rel: files[rel] for rel in plan["new"] + plan["rewritten"]}, paths.raw)
    for rel in plan["rewritten"]:
        log.info("examples: rewrote %s", rel)
    for rel in plan["new"]:
        log.info("examples: wrote %s", rel)
    log.info(
        "examples: under %s, %d new, %d rewritten, %d unchanged",
        paths.raw,
        len(plan["new"]),
        len(plan["rewritten"]),
        len(plan["unchanged"]),
    )
    return 0


__all__ = [
    "EISA_NEW", "FIXED", "MISSING_RETURNS", "RETURN_COLUMNS", "SEED", "XLSX_AGENCIES",
    "appendix1_eisa_figures", "build_files", "check_eisa_counts", "compare_files", "csv_bytes",
    "main", "plan_writes", "search_eisa_counts", "write_files", "xlsx_bytes",
]  # fmt: skip


if __name__ == "__main__":
    import sys

    sys.exit(main())

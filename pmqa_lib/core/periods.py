"""UK financial-year quarters, school and calendar years, and DfE reporting years.

No I/O. A quarter is written ``2015Q2``: quarter 2 of financial year 2015/16, i.e. 1 July to
30 September 2015, shown to people as "Q2 2015/16". Q1 = April-June, Q2 = July-September,
Q3 = October-December, Q4 = January-March of the following calendar year.

DfE's annual statistics are labelled by the year in which the reporting year *ends* on 31 March:
DfE "2015" is financial year 2014/15.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and pandas are imported inside the functions that need them
    import numpy as np

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")
QUARTER_FORM = "YYYYQn, e.g. 2015Q2 (quarter 2 of financial year 2015/16); n is 1 to 4"

_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


class PeriodError(ValueError):
    """A period string that is not in the expected form."""


@total_ordering
@dataclass(frozen=True)
class Quarter:
    """A UK financial-year quarter.

    Parameters
    ----------
    fy : int
        The calendar year in which the financial year starts (2015 for 2015/16).
    q : int
        The quarter within the financial year, 1 to 4.
    """

    fy: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.q <= 4:
            raise PeriodError(f"quarter must be 1 to 4, got {self.q}")

    # --- parsing and labels -------------------------------------------------------------
    @classmethod
    def parse(cls, text: str | Quarter) -> Quarter:
        """Parse ``2015Q2``; anything else raises :class:`PeriodError` naming the form."""
        if isinstance(text, Quarter):
            return text
        m = QUARTER_PATTERN.match(str(text).strip()) if text is not None else None
        if not m:
            raise PeriodError(f"not a quarter: {text!r}; expected {QUARTER_FORM}")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def code(self) -> str:
        return f"{self.fy}Q{self.q}"

    def __str__(self) -> str:
        return self.code

    @property
    def fy_label(self) -> str:
        """``2015/16``."""
        return financial_year_label(self.fy)

    @property
    def label(self) -> str:
        """``Q2 2015/16``."""
        return f"Q{self.q} {self.fy_label}"

    @property
    def months_label(self) -> str:
        """``July to September 2015`` (``January to March 2016`` for Q4)."""
        start, end = self.start, self.end
        return f"{_MONTHS[start.month - 1]} to {_MONTHS[end.month - 1]} {end.year}"

    @property
    def long_label(self) -> str:
        """``Q2 2015/16, July to September 2015``."""
        return f"{self.label}, {self.months_label}"

    # --- dates ------------------------------------------------------------------------
    @property
    def start(self) -> dt.date:
        month = 3 * self.q + 1  # Q1 -> 4, Q2 -> 7, Q3 -> 10, Q4 -> 13
        year = self.fy + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        nxt = self.next().start
        return nxt - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def of_date(cls, day: dt.date) -> Quarter:
        """The financial-year quarter containing ``day``."""
        fy = day.year if day.month >= 4 else day.year - 1
        q = ((day.month - 4) % 12) // 3 + 1
        return cls(fy, q)

    # --- arithmetic -------------------------------------------------------------------
    @property
    def ordinal(self) -> int:
        """A running number: consecutive quarters differ by one."""
        return self.fy * 4 + (self.q - 1)

    @classmethod
    def from_ordinal(cls, n: int) -> Quarter:
        return cls(n // 4, n % 4 + 1)

    def shift(self, n: int) -> Quarter:
        return Quarter.from_ordinal(self.ordinal + n)

    def next(self) -> Quarter:
        return self.shift(1)

    def previous(self, n: int = 1) -> Quarter:
        return self.shift(-n)

    def previous_quarters(self, n: int) -> list[Quarter]:
        """The ``n`` quarters before this one, oldest first."""
        return [self.shift(-k) for k in range(n, 0, -1)]

    def year_to_date(self) -> list[Quarter]:
        """The quarters of this financial year up to and including this one."""
        return [Quarter(self.fy, k) for k in range(1, self.q + 1)]

    @property
    def dfe_year(self) -> int:
        """DfE's label for the reporting year that contains this quarter (year ending 31 March)."""
        return self.fy + 1

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Quarter):
            return NotImplemented
        return self.ordinal < other.ordinal


def quarter_ordinals(values) -> np.ndarray:
    """``"2015Q2"`` -> :attr:`Quarter.ordinal` for a whole column at once; NaN where a value is
    not a quarter of the form ``YYYYQn``. Each distinct value is parsed once.

    pandas and numpy are imported here, not at the top, so ``pmqa check`` stays instant.
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    parts = pd.Series(uniques, dtype="string").str.strip().str.extract(r"^(\d{4})Q([1-4])$")
    ords = (pd.to_numeric(parts[0]) * 4 + pd.to_numeric(parts[1]) - 1).astype(float).to_numpy()
    if not len(ords):
        return np.full(len(codes), np.nan)
    return np.where(codes >= 0, ords[np.clip(codes, 0, None)], np.nan)


def quarter_range(first: str | Quarter, last: str | Quarter) -> list[Quarter]:
    """All quarters from ``first`` to ``last`` inclusive."""
    a, b = Quarter.parse(first), Quarter.parse(last)
    return [Quarter.from_ordinal(n) for n in range(a.ordinal, b.ordinal + 1)]


def financial_year_label(fy: int, short: bool = False) -> str:
    """``2015`` -> ``2015/16`` (``15/16`` when ``short``): the one place the label is built."""
    start = int(fy) % 100 if short else int(fy)
    return f"{start:02d}/{(int(fy) + 1) % 100:02d}"


def financial_year_labels(fy) -> np.ndarray:
    """:func:`financial_year_label` for a whole column (object array), each distinct year once."""
    import numpy as np

    uniq, inverse = np.unique(np.asarray(fy, dtype="int64"), return_inverse=True)
    labels = np.array([financial_year_label(y) for y in uniq.tolist()], dtype=object)
    return labels[inverse.ravel()] if len(uniq) else np.array([], dtype=object)


def parse_financial_year(label: str) -> int:
    """``2015/16`` or ``2015-16`` -> 2015."""
    m = re.match(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$", str(label))
    if not m:
        raise PeriodError(f"not a financial year: {label!r}; expected e.g. 2015/16")
    start, end = int(m.group(1)), int(m.group(2))
    if end % 100 != (start + 1) % 100:
        raise PeriodError(f"not a financial year: {label!r}; the second year must follow the first")
    return start


def dfe_year_to_financial_year(dfe_year):
    """DfE "2015" (year ending 31 March 2015) is financial year 2014/15 -> 2014 (an int, or a
    whole column at once)."""
    return dfe_year - 1


def comparator_dfe_year(quarter: Quarter | str) -> int:
    """The latest DfE year a quarter's report compares with: the last financial year complete
    before the quarter's own began (DfE year <= the quarter's financial-year start). Appendix 1's
    Q2 2015/16 scorecard shows "2014/2015 All Eng Average", DfE year 2015."""
    return Quarter.parse(quarter).fy


def dfe_population_year(dfe_year: int) -> int:
    """The ONS mid-year estimate DfE divides by for reporting year ``dfe_year``: mid-(year - 1)."""
    return int(dfe_year) - 1


def midpoint(start: dt.date, end: dt.date) -> dt.date:
    return start + (end - start) // 2


def population_year_for_window(first: Quarter, last: Quarter) -> int:
    """The ONS mid-year estimate used as the denominator for counts over ``first``..``last``.

    The calendar year containing the window's midpoint: a mid-period population, as a
    person-years denominator would use. A single quarter uses its own midpoint; a 4-quarter
    rolling window ending in Q1 (July to June) is centred on 30 December, so it takes the
    estimate of the year it mostly covers. A whole financial year (Q1 to Q4, a DfE reporting
    year ending 31 March) is centred on 30 September of its first calendar year, which is
    DfE's convention (:func:`dfe_population_year`).
    """
    return midpoint(first.start, last.end).year


def population_year(first: Quarter, last: Quarter, stock: bool = False) -> int:
    """The ONS 0-17 mid-year estimate a rate per 10,000 divides by: the one rule.

    Parameters
    ----------
    first, last : Quarter
        The quarters the count covers (``first == last`` for one quarter or a stock).
    stock : bool
        True for a count of children on one day, the last day of ``last`` (a snapshot: children
        on a plan, looked after, in need at the quarter end); False for a count of events over
        the window (referrals, assessments started).

    Returns
    -------
    int
        * a stock: DfE's population for the reporting year that holds the day,
          ``dfe_population_year(last.dfe_year)`` = mid-``last.fy``. At 31 March this is how DfE
          publishes its rates at 31 March (Calderdale's 205 child protection plans at 31 March
          2015 / 45,585, mid-2014, = 45.0 per 10,000); at 30 June, 30 September and 31 December
          it is the estimate of the calendar year holding the day, as before.
        * a count over a window: :func:`population_year_for_window` (the window's midpoint). A
          year ending 31 March gives DfE's mid-(year - 1); a rolling window ending in another
          quarter, which DfE does not publish, keeps the midpoint rule (Appendix 1's 1.1: 55.1 on
          mid-2014 in Q1 2015/16, 65.0 on mid-2015 in Q2).
    """
    if stock:
        return dfe_population_year(last.dfe_year)
    return population_year_for_window(first, last)


# ---------------------------------------------------------------------------------------
# Annual indicators: the quarter whose return carries a year's result (vectorised)


def annual_slot(ordinal, due_quarter) -> np.ndarray:
    """The annual period a quarter belongs to: its due quarter and the three quarters before it.

    The slot number is the financial year (``Quarter.fy``) of the due quarter, so consecutive
    annual results have consecutive slots. A calendar-year indicator (due Q4) reported in
    2014Q4 is slot 2014 (calendar 2014); a school-year one (due Q1) reported in 2015Q1 is slot
    2015 (school year 2014/15); 2015Q2 to 2016Q1 all belong to school-year slot 2016.
    """
    import numpy as np

    o = np.asarray(ordinal, dtype="int64")
    d = np.asarray(due_quarter, dtype="int64")
    return (o + 4 - d) // 4


def annual_due_ordinal(slot, due_quarter) -> np.ndarray:
    """The quarter ordinal (``Quarter.ordinal``) whose return carries slot ``slot``'s result."""
    import numpy as np

    return 4 * np.asarray(slot, dtype="int64") + np.asarray(due_quarter, dtype="int64") - 1


def annual_period_label(slot, reporting_period) -> np.ndarray:
    """What an annual result covers, as people say it.

    ``financial`` slot 2014 -> "2014/15 (financial year)"; ``calendar`` slot 2014 ->
    "calendar 2014"; ``school`` slot 2015 -> "2014/15 (school year)".
    """
    import numpy as np
    import pandas as pd

    sl = pd.Series(np.asarray(slot, dtype="int64"))
    rp = np.asarray(reporting_period, dtype=object)
    out = np.select(
        [rp == "financial", rp == "calendar", rp == "school"],
        [
            financial_year_labels(sl) + " (financial year)",
            "calendar " + sl.astype(str).to_numpy(dtype=object),
            financial_year_labels(sl - 1) + " (school year)",
        ],
        default="",
    )
    return out.astype(object)


def quarter_labels(ordinal) -> np.ndarray:
    """``Q2 2015/16`` for each quarter ordinal."""
    import numpy as np

    o = np.asarray(ordinal, dtype="int64")
    q = np.char.add("Q", (o % 4 + 1).astype(str)).astype(object)
    return q + " " + financial_year_labels(o // 4)

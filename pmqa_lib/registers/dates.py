"""Dates as people write them in governance registers, read by one documented rule.

The framework's registers hold dates as free text: ``2 July 2015``, ``19 May 2015 and every IB``,
``October / November 2015``, ``End of March 2016 (end of financial year)``, ``September``,
``Sept 15``, ``2.6.15``, ``May 14 Jul 14 Nov 14``. The original text is always kept beside the
parsed date; this module turns the text into a :class:`datetime.date` by these rules, in order:

1. An Excel date cell (a ``datetime`` or ``date``) is taken as it is.
2. The first date phrase in the text is the date; later phrases are notes (``July 2015 7.7.15 -
   report delayed to September 2015`` is July 2015: a delay is recorded as a deferral, in its own
   column).
3. A phrase is one of: ``2015-07-02``; ``2.7.15`` / ``2/7/2015`` (day first, UK order; a two-digit
   year is 20yy); ``2 July 2015`` (``2nd``, ``Sept``, ``Jul.`` accepted); ``July 2015``;
   ``Jul 15`` (a month followed by two digits is month and year, as the framework writes
   ``Sept 15`` for September 2015); ``2 July``; ``July``.
4. A month without a day is the **last day** of that month (``August 2015`` -> 31 August 2015,
   ``End of March 2016`` -> 31 March 2016): a deadline given as a month is met by its end.
5. A range of months (``October / November 2015``, ``Oct - Nov 2015``, ``October to November
   2015``) is the **later** month, so its last day.
6. A phrase without a year (``September``, ``2 July``) takes the year that puts it on or before
   the row's reference date (a request or reminder date takes the due date as reference: the
   request for a November 2015 report made in "September" was made in September 2015). Without a
   reference date it cannot be read and is rejected.
7. ``every`` in the text (``19 May 2015 and every IB``) marks the date as recurring; the first
   date is the one scheduled.
8. Anything else (``TBC``, ``next meeting``, ``31 February 2015``) is rejected with a message
   that quotes the text and shows the forms accepted.
9. A four-digit year is taken as written (``01/01/0001`` is the year 1, never 2001), and a year
   outside :data:`EARLIEST_YEAR`-:data:`LATEST_YEAR` is impossible for a board's register and is
   rejected (a typing error such as ``2105`` or ``0001``), as is a day that does not exist.

No I/O; pure functions.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

DATE_FORMS = "e.g. 10 June 2015, June 2015, 10.6.15, 2015-06-10 or October / November 2015"
#: the years a register date can be in: safeguarding boards' registers start in the 1990s, and
#: a date this century is the furthest a schedule looks ahead
EARLIEST_YEAR, LATEST_YEAR = 1990, 2099

_MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b"),
    ("numeric", r"(?<![\d.])(?P<nd>\d{1,2})[./](?P<nm>\d{1,2})[./](?P<ny>\d{4}|\d{2})(?![\d.]*\d)"),
    (
        "day_month_year",
        rf"(?<!\d)(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm>{_MONTH}),?\s+(?P<dy>\d{{4}})\b",
    ),
    (
        "month_range",
        rf"\b(?P<rm1>{_MONTH})\s*(?:/|-|–|to|or|and)\s*(?P<rm2>{_MONTH})\s+(?P<ry>\d{{4}})\b",
    ),
    ("month_year", rf"\b(?P<mm>{_MONTH})\s+'?(?P<my>\d{{4}}|\d{{2}})(?![\d.])"),
    ("day_month", rf"(?<!\d)(?P<xd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<xm>{_MONTH})(?!\w)"),
    ("month", rf"\b(?P<om>{_MONTH})(?!\w)"),
]
_SCANNER = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in _PATTERNS), re.IGNORECASE)
_RECURRING = re.compile(r"\bevery\b", re.IGNORECASE)


class DateTextError(ValueError):
    """A register date that cannot be read; the message quotes the text and the forms accepted."""


@dataclass(frozen=True)
class ParsedDate:
    """A date read from text, and how it was read."""

    date: dt.date
    rule: str
    recurring: bool = False


def _month(token: str) -> int:
    return _MONTH_NAMES[token.strip(".").lower()[:3]]


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    """``15`` and ``'15`` are 2015; four digits are the year as written (``0001`` is 1)."""
    digits = text.lstrip("'")
    y = int(digits)
    return 2000 + y if len(digits) <= 2 else y


def _check_year(parsed: ParsedDate, text: object) -> ParsedDate:
    if not EARLIEST_YEAR <= parsed.date.year <= LATEST_YEAR:
        raise DateTextError(
            f"{text!r} is in the year {parsed.date.year}, which is not a possible date for this "
            f"register (years {EARLIEST_YEAR} to {LATEST_YEAR}); check the year, {DATE_FORMS}"
        )
    return parsed


def _on_or_before(month: int, day: int | None, reference: dt.date) -> dt.date:
    """The latest date with this month (and day; last day when None) on or before ``reference``."""
    for year in (reference.year, reference.year - 1):
        try:
            d = _last_day(year, month) if day is None else dt.date(year, month, day)
        except ValueError:
            continue
        if d <= reference:
            return d
    raise DateTextError(f"day {day} of month {month} is not a real date")


def _from_match(m: re.Match, text: str, reference: dt.date | None) -> ParsedDate:
    return _check_year(_match_date(m, text, reference), text)


def _match_date(m: re.Match, text: str, reference: dt.date | None) -> ParsedDate:
    kind = m.lastgroup
    g = m.groupdict()
    try:
        if kind == "iso":
            return ParsedDate(dt.date(int(g["iy"]), int(g["im"]), int(g["id"])), "date")
        if kind == "numeric":
            return ParsedDate(dt.date(_year(g["ny"]), int(g["nm"]), int(g["nd"])), "date")
        if kind == "day_month_year":
            return ParsedDate(dt.date(int(g["dy"]), _month(g["dm"]), int(g["dd"])), "date")
        if kind == "month_range":
            return ParsedDate(
                _last_day(int(g["ry"]), _month(g["rm2"])), "range: later month, last day"
            )
        if kind == "month_year":
            return ParsedDate(_last_day(_year(g["my"]), _month(g["mm"])), "month: last day")
    except ValueError as exc:
        raise DateTextError(f"{m.group(0)!r} in {text!r} is not a real date ({exc})") from None
    if reference is None:
        raise DateTextError(
            f"{text!r} has no year and there is no due date to take it from; write the year, "
            f"{DATE_FORMS}"
        )
    try:
        if kind == "day_month":
            return ParsedDate(
                _on_or_before(_month(g["xm"]), int(g["xd"]), reference),
                "no year: on or before the due date",
            )
        return ParsedDate(
            _on_or_before(_month(g["om"]), None, reference),
            "month, no year: last day, on or before the due date",
        )
    except DateTextError as exc:
        raise DateTextError(f"{m.group(0)!r} in {text!r}: {exc}") from None


def parse_date_text(value: object, reference: dt.date | None = None) -> ParsedDate | None:
    """Read one register date by the module's rules.

    Parameters
    ----------
    value : str, date, datetime or missing
        The cell as read from the register.
    reference : date, optional
        The date a year-less phrase must fall on or before (the row's due date).

    Returns
    -------
    ParsedDate or None
        None when the cell is blank.

    Raises
    ------
    DateTextError
        When the text holds no readable date, or an impossible one.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return _check_year(ParsedDate(pd.Timestamp(value).date(), "Excel date"), value)
    if isinstance(value, dt.date):
        return _check_year(ParsedDate(value, "Excel date"), value)
    text = " ".join(str(value).split())
    if not text:
        return None
    m = _SCANNER.search(text)
    if m is None:
        raise DateTextError(f"no date found in {text!r}; write a date, {DATE_FORMS}")
    parsed = _from_match(m, text, reference)
    if _RECURRING.search(text):
        return ParsedDate(parsed.date, parsed.rule + "; recurring", True)
    return parsed


def all_dates_in_text(value: object, reference: dt.date | None = None) -> list[dt.date]:
    """Every date phrase in the text, in order (``May 14 Jul 14 Nov 14`` -> three dates).

    Used where a register lists several dates in one cell (the learning pathway's "date
    identified"). Raises :class:`DateTextError` if the text is not blank but has no date.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    if not isinstance(value, str):
        first = parse_date_text(value, reference)
        return [first.date] if first else []
    text = " ".join(value.split())
    if not text:
        return []
    found = [_from_match(m, text, reference).date for m in _SCANNER.finditer(text)]
    if not found:
        raise DateTextError(f"no date found in {text!r}; write a date, {DATE_FORMS}")
    return found


_LEADING_NOTE_DATE = re.compile(r"^\s*(\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2}))(?![\d.]*\d)")


def leading_note_date(value: object) -> dt.date | None:
    """The date a "next steps" note starts with (``24.11.15 Audit of current case completed``).

    The framework dates each note by writing the meeting date first, day first. Returns None when
    the note does not start with such a date (its age is then unknown, not zero).
    """
    if not isinstance(value, str):
        return None
    m = _LEADING_NOTE_DATE.match(value)
    if m is None:
        return None
    try:
        parsed = parse_date_text(m.group(1))
    except DateTextError:
        return None
    return parsed.date if parsed else None

"""The example board's DfE-sourced quarterly returns, made to agree with DfE's published figures.

A developer tool, part of the example-board generator (:mod:`pmqa_lib.dev.example_board`). For
each indicator whose catalogue entry names a DfE source and each financial year of the example
(2013/14 to 2015/16) for which DfE published Calderdale's figure (the ``LA`` rows of the committed
``data/raw/reference/comparators.csv``), the seeded quarterly figures add up to it, as the
reconciliation (:mod:`pmqa_lib.analytics.reconciliation`) compares them:

- a **flow** (referrals 2.1, section 47s 2.4, plans starting 4.2): the year's published count is
  split over its four quarters by the seeded seasonal weights (largest remainders, so the four
  add up exactly: 2014/15's 3,012 referrals); a percentage's numerator is split the same way
  over its quarters' denominators (re-referrals 2.2 over 2.1's referrals: 854 of 3,012);
- a **stock** (children on a plan 4.1, in need 4.5): the 31 March quarter is DfE's figure (205
  plans at 31 March 2015), the quarters between move from one 31 March to the next with seeded
  noise; a percentage of a stock (plans lasting two years, 4.3) takes 4.1's count as its
  denominator and DfE's count as its Q4 numerator;
- a figure DfE publishes without counts (LAIT's 4.4, 84.1% in 2015/16): the year's pooled
  percentage is moved onto it by the fewest changes to the quarters' numerators.

Years DfE has not published (the looked-after figures start in 2020/21) keep the generator's own
series. Everything is deterministic: the random draws come from the generator's per-indicator
seeded streams, in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmqa_lib.core.format import round_half_away
from pmqa_lib.core.periods import Quarter

#: indicators whose denominator is another indicator's count, quarter by quarter
DENOMINATOR_OF = {"2.2": "2.1", "4.3": "4.1"}


@dataclass(frozen=True)
class Published:
    """DfE's published figure for one indicator and year: the value and its counts."""

    value: float
    numerator: float
    denominator: float
    decimals: int


def published_figures(comparators: pd.DataFrame) -> dict[str, dict[int, Published]]:
    """indicator -> financial year (2014 = 2014/15) -> DfE's figure for the authority (``LA``
    rows with a value)."""
    la = comparators[(comparators["comparator"] == "LA") & comparators["value"].notna()]
    text = la["text"].fillna("").astype(str)
    decimals = text.str.extract(r"\.(\d+)$", expand=False).str.len().fillna(0).astype(int)
    out: dict[str, dict[int, Published]] = {}
    for rec, d in zip(la.itertuples(index=False), decimals, strict=True):
        out.setdefault(str(rec.indicator), {})[int(rec.dfe_year) - 1] = Published(
            float(rec.value), float(rec.numerator), float(rec.denominator), min(int(d), 4)
        )
    return out


def split_total(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers in proportion to ``weights`` that add up to ``total`` exactly: the floors,
    then one more to the largest remainders (the earlier quarter first on a tie)."""
    w = np.asarray(weights, dtype="float64")
    raw = total * w / w.sum()
    out = np.floor(raw).astype("int64")
    short = int(total - out.sum())
    order = np.argsort(-(raw - out), kind="stable")
    out[order[:short]] += 1
    return out


def split_within(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """:func:`split_total`, no part above its cap (a numerator within its denominator): what a
    part cannot take goes to the others, in order of their room."""
    caps = np.asarray(caps, dtype="int64")
    if total > caps.sum():
        raise ValueError(f"{total} cannot be split within {caps.tolist()}")
    out = np.minimum(split_total(total, weights), caps)
    while out.sum() < total:
        room = caps - out
        out[int(np.argmax(room))] += 1
    return out


def years_of(quarters: list[Quarter]) -> dict[int, list[int]]:
    """Financial year -> positions of its quarters in ``quarters``."""
    out: dict[int, list[int]] = {}
    for i, q in enumerate(quarters):
        out.setdefault(q.fy, []).append(i)
    return out


def flow_counts(
    base: np.ndarray, quarters: list[Quarter], published: dict[int, Published], use: str
) -> np.ndarray:
    """Quarterly counts: each complete year DfE published is its published count (``use`` =
    "numerator" or "denominator") split by ``base`` (the seeded quarterly draws); other years
    keep ``base``."""
    out = np.rint(base).astype("int64")
    for fy, pos in years_of(quarters).items():
        if fy in published and len(pos) == 4:
            total = int(round(getattr(published[fy], use)))
            out[pos] = split_total(total, np.maximum(base[pos], 1e-9))
    return out


def flow_numerators(
    p: np.ndarray, den: np.ndarray, quarters: list[Quarter], published: dict[int, Published]
) -> np.ndarray:
    """A percentage's quarterly numerators: drawn as ``den * p`` (seeded), and in each year DfE
    published, its published numerator split in proportion to them, within the denominators."""
    out = np.minimum(np.rint(den * p).astype("int64"), den)
    for fy, pos in years_of(quarters).items():
        if fy in published and len(pos) == 4:
            total = int(round(published[fy].numerator))
            out[pos] = split_within(total, np.maximum(den[pos] * p[pos], 1e-9), den[pos])
    return out


def stock_path(
    start: float,
    quarters: list[Quarter],
    published: dict[int, Published],
    level: np.ndarray,
    shocks: np.ndarray,
) -> np.ndarray:
    """A stock at each quarter end: 31 March is DfE's count where published; the quarters
    between run in a straight line from the previous 31 March (``start`` before the first) to
    the next, plus ``shocks`` (relative, seeded) that vanish at each published 31 March. Years
    DfE has not published follow ``level``."""
    out = np.zeros(len(quarters))
    prev = float(start)
    for fy, pos in years_of(quarters).items():
        anchor = published[fy].numerator if fy in published and len(pos) == 4 else None
        for i in pos:
            k = quarters[i].q
            if anchor is None:
                out[i] = level[i] * (1 + shocks[i])
            else:
                base = prev + (anchor - prev) * k / 4
                out[i] = anchor if k == 4 else base * (1 + shocks[i])
        prev = out[pos[-1]]
    return np.maximum(np.rint(out), 0).astype("int64")


def stock_numerators(
    p: np.ndarray, den: np.ndarray, quarters: list[Quarter], published: dict[int, Published]
) -> np.ndarray:
    """A percentage of a stock: ``den * p`` (seeded) at each quarter end, DfE's count at each
    published 31 March."""
    out = np.minimum(np.rint(den * p).astype("int64"), den)
    for i, q in enumerate(quarters):
        if q.q == 4 and q.fy in published:
            out[i] = int(round(published[q.fy].numerator))
    return out


def onto_published_percent(
    num: np.ndarray, den: np.ndarray, quarters: list[Quarter], published: dict[int, Published]
) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators whose pooled percentage, for each year DfE published only as a
    value (no counts: LAIT), rounds to it at DfE's decimals. The year's totals move to the
    nearest pair that does (the denominator only when no numerator over it can: 84.1% has none
    over 230), one case at a time on the quarters with the most cases."""
    num, den = num.astype("int64").copy(), den.astype("int64").copy()
    for fy, pos in years_of(quarters).items():
        if fy not in published or len(pos) != 4:
            continue
        pub = published[fy]
        d0 = int(den[pos].sum())
        total_den, total_num = _nearest_pair(pub, d0)
        p = np.array(pos)
        while den[p].sum() != total_den:
            step = 1 if den[p].sum() < total_den else -1
            den[p[int(np.argmax(den[p]))]] += step
        num[p] = np.minimum(num[p], den[p])
        while num[p].sum() != total_num:
            if num[p].sum() < total_num:
                num[p[int(np.argmax(den[p] - num[p]))]] += 1
            else:
                num[p[int(np.argmax(num[p]))]] -= 1
    return num, den


def _nearest_pair(pub: Published, d0: int, reach: int = 50) -> tuple[int, int]:
    """The denominator nearest ``d0`` (and a numerator over it) whose percentage rounds to
    ``pub.value``."""
    for dd in sorted(range(-reach, reach + 1), key=lambda x: (abs(x), x)):
        d = d0 + dd
        want = int(round(pub.value / 100 * d))
        for n in (want, want - 1, want + 1):
            shown = round_half_away(np.array([n / d * 100]), pub.decimals)[0]
            if 0 <= n <= d and abs(shown - pub.value) < 1e-9:
                return d, n
    raise ValueError(f"no numerator and denominator near {d0} give {pub.value}%")

"""How figures and ratings are shown: the one home of each display rule.

* Rounding is half away from zero (2.5 -> 3, 0.125 -> 0.13), to the indicator's precision, and for
  display only: every computation keeps full precision. Python's and numpy's ``round`` use
  banker's rounding (2.5 -> 2), which public statistics do not.
* A missing figure is shown by why it is missing (:data:`NO_DATA`), never as zero or a blank.
* The RAG ratings are :data:`RAGS`, worst first.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

RED, AMBER, GREEN = "Red", "Amber", "Green"
#: the RAG ratings, worst first (the order of summaries and counts)
RAGS = (RED, AMBER, GREEN)

#: how a missing figure is shown, by its observation status
NO_DATA = {
    "rejected": "no data: return rejected",
    "missing": "no data: not returned",
    "suppressed": "no data: suppressed by the agency",
    "not_due": "not due this quarter (annual indicator)",
}
NO_DATA_PREFIX = "no data"
NO_DATA_WINDOW = "no data: rolling window incomplete"
NO_DATA_POPULATION = "no data: population missing"
NOT_DUE = NO_DATA["not_due"]


def round_half_away(values, precision) -> np.ndarray:
    """Round half away from zero (2.5 -> 3, -2.5 -> -3, 0.125 -> 0.13 at 2 places).

    Binary floating point stores 55.05 as 55.04999...; the scaled value is first rounded to 9
    decimal places so such representation noise does not decide the result (1.005 -> 1.01,
    626.545 -> 626.55 at 2 places).

    Parameters
    ----------
    values : array-like of float
    precision : int or array of int
        Decimal places (per value when an array).

    Returns
    -------
    numpy.ndarray of float, NaN where ``values`` is NaN.
    """
    x = np.asarray(values, dtype="float64")
    factor = np.power(10.0, np.asarray(precision, dtype="float64"))
    scaled = np.round(np.abs(x) * factor, 9)
    return np.sign(x) * np.floor(scaled + 0.5) / factor


def round_one(value: object, precision: int) -> float:
    """One value rounded by :func:`round_half_away`; NaN or a non-number gives NaN."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return float(round_half_away(v, int(precision)))


def format_value(values, precision) -> np.ndarray:
    """Display strings without thousands separators (for tables written as data): rounded half
    away from zero to ``precision`` places; NaN -> ``""``; ``-0.0`` is shown as ``0``.

    ``precision`` may be an int or an array (one per value).
    """
    codes, labels = format_codes(values, precision)
    labels = np.append(labels, "").astype(object)
    return labels[codes]  # code -1 (NaN) picks the trailing ""


def format_codes(values, precision) -> tuple[np.ndarray, np.ndarray]:
    """:func:`format_value` as codes into labels (code -1 where the value is NaN).

    Each distinct rounded value is formatted once (a national table repeats the same displayed
    figures many times), so the cost is one hash pass rather than a Python call per value.
    """
    x = np.asarray(values, dtype="float64")
    prec = np.broadcast_to(np.asarray(precision, dtype="int64"), x.shape).ravel()
    rounded = (round_half_away(x, prec.reshape(x.shape)) + 0.0).ravel()  # -0.0 -> 0.0
    codes = np.full(rounded.shape, -1, dtype="int64")
    labels: list[str] = []
    have = ~np.isnan(rounded)
    for p in pd.unique(prec):
        sel = (prec == p) & have
        if sel.any():
            c, uniq = pd.factorize(rounded[sel])
            codes[sel] = c + len(labels)
            labels.extend(map(f"{{:.{int(p)}f}}".format, uniq.tolist()))
    return codes.reshape(x.shape), np.array(labels, dtype=object)


def format_number(value: object, precision: int) -> str:
    """A figure for people: ``65 -> "65.0"`` at precision 1, ``1234 -> "1,234"`` at 0; missing
    or not a number gives ``""``."""
    if value is None:
        return ""
    r = round_one(value, precision)
    if math.isnan(r):
        return ""
    if r == 0:
        r = 0.0  # no "-0.0"
    return f"{r:,.{int(precision)}f}"


def no_data_text(status: object) -> str:
    """The wording of a missing figure by its status (``"no data: return rejected"``); a figure
    missing with no status (or status ``ok``) is plain ``"no data"``."""
    if status is None or (isinstance(status, float) and math.isnan(status)) or status == "ok":
        return NO_DATA_PREFIX
    return NO_DATA.get(str(status), f"{NO_DATA_PREFIX}: {status}")

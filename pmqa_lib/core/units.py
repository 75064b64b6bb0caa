"""What a figure of each unit is: the columns an agency fills, and the range a believable value
lies in. One definition, used by validation (which rejects what falls outside), analytics (which
never rates a value outside it) and the return templates (which lock the columns not to fill).

Columns to fill, by unit (docs/returns.md, "What goes where, by unit")
-----------------------------------------------------------------------
=============  ====================================  ===============================================
unit           fill                                  also accepted
=============  ====================================  ===============================================
rate_per_10k   numerator (the quarter's count)       nothing else: the population comes from the
                                                     reference table, and a rate sent in ``value``
                                                     cannot be rolled or recomputed
percent        numerator and denominator             value alone (the percentage itself)
days, ratio    numerator and denominator             value alone (the average or ratio itself)
number         value                                 numerator alone (the count)
=============  ====================================  ===============================================

A suppression marker in a column counts as that column filled. A figure in a column the unit does
not use, or both forms at once that disagree (numerator and denominator *and* a value that is not
their ratio to the indicator's precision; a count in numerator *and* a different one in value),
is rejected naming the column to use: pmqa never guesses which of two figures was meant. Both
forms that agree are one figure written twice, and accepted.

Plausible range: on the headline's own scale
--------------------------------------------
Each indicator's ``plausible_range`` in the catalogue is ``[min, max]`` of a believable *headline*
value, on the scale the board sees: a rate per 10,000 children (after the population step, over
the rolling window where the indicator rolls), a percentage, days, a ratio, or a count per
quarter. Where the catalogue gives none, the unit's default applies (:data:`DEFAULT_RANGE`):

=============  ===============  ========================================================
unit           default          why
=============  ===============  ========================================================
percent        0 to 100         a share of cases
rate_per_10k   0 to 10,000      every child in the population once
days           0 to 3,650       ten years
ratio          0 to 100         a ratio of two counts of the same kind of thing
number         0 to 100,000     a count for one local area in one quarter
=============  ===============  ========================================================

Counts sent as numerator or denominator must also be at most :data:`MAX_COUNT` (a million): no
count for one local authority in one quarter comes near it, so a larger figure is a typing or
unit error (``1e308``, a population in the wrong cell). Values that are not finite (``inf``, a
number too large to hold) are never plausible.
"""

from __future__ import annotations

import numpy as np

#: the columns an agency fills for each unit, first the form the template asks for, then any
#: other form accepted (docs/returns.md); each form is the tuple of columns it fills
FIGURE_FORMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "rate_per_10k": (("numerator",),),
    "percent": (("numerator", "denominator"), ("value",)),
    "days": (("numerator", "denominator"), ("value",)),
    "ratio": (("numerator", "denominator"), ("value",)),
    "number": (("value",), ("numerator",)),
}
FIGURE_COLUMNS = ("numerator", "denominator", "value")

#: a believable headline value by unit, where the catalogue gives no ``plausible_range``
DEFAULT_RANGE: dict[str, tuple[float, float]] = {
    "percent": (0.0, 100.0),
    "rate_per_10k": (0.0, 10_000.0),
    "days": (0.0, 3_650.0),
    "ratio": (0.0, 100.0),
    "number": (0.0, 100_000.0),
}
#: the largest believable count in a numerator or denominator
MAX_COUNT = 1_000_000

#: what a unit's figure is, in a sentence ("1.1 is a rate per 10,000 children aged 0-17")
UNIT_PHRASES = {
    "rate_per_10k": "a rate per 10,000 children aged 0-17",
    "percent": "a percentage",
    "days": "an average in days",
    "ratio": "a ratio",
    "number": "a count",
}

#: what follows a figure of the unit in a sentence ("26.6%", "521 days"; a rate says its scale)
FIGURE_SUFFIX = {
    "rate_per_10k": " per 10,000 children",
    "percent": "%",
    "days": " days",
    "ratio": "",
    "number": "",
}

#: what the numerator, denominator and value hold, by unit, in the words of the return template
COLUMN_MEANING = {
    "rate_per_10k": {"numerator": "the quarter's count"},
    "percent": {
        "numerator": "the cases meeting the standard",
        "denominator": "all cases",
        "value": "the percentage itself, if the counts cannot be given",
    },
    "days": {
        "numerator": "the total days",
        "denominator": "the number of children",
        "value": "the average itself, if the total cannot be given",
    },
    "ratio": {
        "numerator": "the first count",
        "denominator": "the second count",
        "value": "the ratio itself, if the counts cannot be given",
    },
    "number": {"value": "the count", "numerator": "the count, if not given in value"},
}
#: what pmqa adds to a unit's figure itself
ADDED_BY_PMQA = {"rate_per_10k": "pmqa divides it by the 0-17 population"}


def default_range(unit: str) -> tuple[float, float]:
    """The documented default plausible range of a unit (:data:`DEFAULT_RANGE`)."""
    return DEFAULT_RANGE[unit]


def template_columns(unit: str) -> tuple[str, ...]:
    """The columns the return template asks an agency to fill for this unit (its first form)."""
    return FIGURE_FORMS[unit][0]


def is_plausible(values, low, high) -> np.ndarray:
    """Whether each headline value is believable: finite and within ``[low, high]``.

    Vectorised; ``low`` and ``high`` may be scalars or one per value. A missing value (NaN) is
    neither plausible nor implausible: it is reported as plausible here, because a missing figure
    is handled by the no-data rules, never by this one. Infinity is implausible.
    """
    v = np.asarray(values, dtype="float64")
    lo = np.asarray(low, dtype="float64")
    hi = np.asarray(high, dtype="float64")
    with np.errstate(invalid="ignore"):
        inside = (v >= lo) & (v <= hi)
    return np.isnan(v) | (np.isfinite(v) & inside)


def figure_form_problem(unit, filled: dict[str, np.ndarray]) -> np.ndarray:
    """For each row, the column that breaks its unit's forms (:data:`FIGURE_FORMS`), or "".

    Parameters
    ----------
    unit : array of str
        Each row's unit (an unknown unit or a missing one is never a problem here).
    filled : dict of column -> array of bool
        Whether ``numerator``, ``denominator`` and ``value`` hold a figure (a number, a marker
        or text) in each row.

    Returns
    -------
    numpy.ndarray of str
        ``""`` where the row matches one of its unit's forms or gives no figure at all (that is
        the "figure present" rule's business); otherwise the first column that should not be
        filled, or the first column missing from the template's form.
    """
    unit = np.asarray(unit, dtype=object)
    n = np.asarray(filled["numerator"], dtype=bool)
    d = np.asarray(filled["denominator"], dtype=bool)
    v = np.asarray(filled["value"], dtype=bool)
    have = {"numerator": n, "denominator": d, "value": v}
    out = np.full(len(unit), "", dtype=object)
    anything = n | d | v
    for u, forms in FIGURE_FORMS.items():
        rows = (unit == u) & anything
        if not rows.any():
            continue
        ok = np.zeros(len(unit), dtype=bool)
        for form in forms:
            match = np.ones(len(unit), dtype=bool)
            for col in FIGURE_COLUMNS:
                match &= have[col] == (col in form)
            ok |= match
        bad = rows & ~ok
        if not bad.any():
            continue
        allowed = {c for form in forms for c in form}
        first = template_columns(u)
        # an extra column the unit never uses, else the template's column left out, else the
        # second form's column given beside the first form (both forms at once)
        culprit = np.full(len(unit), "", dtype=object)
        for col in reversed(FIGURE_COLUMNS):
            culprit = np.where(have[col] & (col not in allowed), col, culprit)
        for col in reversed(first):
            culprit = np.where((culprit == "") & ~have[col], col, culprit)
        for col in reversed(FIGURE_COLUMNS):
            culprit = np.where((culprit == "") & have[col] & (col not in first), col, culprit)
        out[bad] = culprit[bad]
    return out


def form_advice(unit: str) -> str:
    """What to put where for a unit, in the words of the return template.

    "put the quarter's count in numerator, and leave denominator and value blank (pmqa divides it
    by the 0-17 population)"
    """
    first = template_columns(unit)
    meaning = COLUMN_MEANING[unit]
    put = " and ".join(f"{meaning[c]} in {c}" for c in first)
    blank = [c for c in FIGURE_COLUMNS if c not in first]
    text = f"put {put}, and leave {' and '.join(blank)} blank"
    others = [form for form in FIGURE_FORMS[unit][1:]]
    if others:
        alt = " or ".join(" and ".join(f) for f in others)
        text += f"; or give only {alt}: {meaning[others[0][0]]}"
    if unit in ADDED_BY_PMQA:
        text += f" ({ADDED_BY_PMQA[unit]})"
    return text

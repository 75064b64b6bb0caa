"""Assurance (framework section 4.1.2): value band, the assurance continuum, RAG, triggers, and the
lead officer's proposed RAG beside the computed one.

1. Value band: from the catalogue's RAG thresholds where given (1.1: 60+ Green, 45-60 Amber,
   <45 Red; high is good: value >= green -> Green, value < red -> Red, otherwise Amber; mirrored for
   low is good); otherwise Green when the target is met and Red when it is missed; otherwise the
   comparator named by the target type (E, SN, R): Green when better or similar, Red when worse.
   The band says how far from the target the value is. It is shown beside the RAG, never
   instead of it.
2. The continuum decides the RAG. Its first axis is whether the target is met (by polarity);
   without a target, whether the value is better than or similar to the comparator the target
   type names (the framework's own wording: "better or equal to national comparator"); with
   neither, whether the value is in the Green band of its thresholds. Its second axis is the
   trajectory (by polarity). The default is the framework's (section 4.1.2 and indicator 1.1's
   trigger points, DESIGN.md Assurance rules 3 and 4):

   ==========  ============================  ==========================  ======  =================
   target      trajectory                    assurance                   RAG     trigger
   ==========  ============================  ==========================  ======  =================
   met         improving or steady           Safe (Assured)              Green   none
   met         deteriorating                 Trigger exception           Amber   watch next quarter
   missed      improving                     Trigger exception           Amber   watch next quarter
   missed      steady                        Unsafe (Not assured)        Red     further enquiry
   missed      deteriorating                 Unsafe (Not assured)        Red     audit
   ==========  ============================  ==========================  ======  =================

   An indicator's own trigger points in the catalogue (``trigger_points.continuum``) override
   any of these cells: its RAG and trigger. The assurance follows the RAG (Green: Safe, Amber:
   Trigger exception, Red: Unsafe). A trajectory that cannot be known yet (fewer than two
   points) is treated as steady, and the next step says so.
3. Further enquiry: conditions on the indicator's own series (``trigger_points.further_enquiry``:
   a rise of more than x% on the same quarter last year, a year to date above last year's, a
   rise for n quarters running, a fall together with a linked indicator) raise the trigger to
   "further enquiry" (never lower an audit), rated or not; the RAG is unchanged. For an annual
   indicator :func:`pmqa_lib.analytics.assessment.assess_quarter` writes "watch next annual
   result" instead of "watch next quarter" (its result changes once a year).
4. The lead officer's proposed RAG is shown beside the computed one; a difference is flagged for
   the Performance Management sub-group to scrutinise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.analytics.trend import DETERIORATING, IMPROVING, INSUFFICIENT, STEADY
from pmqa_lib.core.catalogue import (
    CONTINUUM_CELLS,
    TRIGGER_AUDIT,
    TRIGGER_ENQUIRY,
    TRIGGER_NONE,
    TRIGGER_WATCH,
    TRIGGERS,
    ContinuumCell,
)
from pmqa_lib.core.format import AMBER, GREEN, RAGS, RED, format_value

SAFE = "Safe (Assured)"
EXCEPTION = "Trigger exception"
UNSAFE = "Unsafe (Not assured)"
#: the assurance each RAG stands for on the continuum
ASSURANCE_OF_RAG = {GREEN: SAFE, AMBER: EXCEPTION, RED: UNSAFE}
#: the watch trigger of an annual indicator (its result changes once a year)
TRIGGER_WATCH_ANNUAL = "watch next annual result"

#: the framework's continuum (section 4.1.2; 1.1's trigger points; DESIGN.md Assurance 3 and 4)
DEFAULT_CONTINUUM: dict[str, ContinuumCell] = {
    "met_improving": ContinuumCell(GREEN, TRIGGER_NONE),
    "met_steady": ContinuumCell(GREEN, TRIGGER_NONE),
    "met_deteriorating": ContinuumCell(AMBER, TRIGGER_WATCH),
    "missed_improving": ContinuumCell(AMBER, TRIGGER_WATCH),
    "missed_steady": ContinuumCell(RED, TRIGGER_ENQUIRY),
    "missed_deteriorating": ContinuumCell(RED, TRIGGER_AUDIT),
}

#: what the continuum's first axis was judged on
BASIS_TARGET, BASIS_COMPARATOR, BASIS_THRESHOLDS = "target", "comparator", "thresholds"
_MET_WORDS = {
    BASIS_TARGET: ("on target", "off target", "target missed"),
    BASIS_COMPARATOR: (
        "not worse than the comparator", "worse than the comparator", "worse than the comparator",
    ),
    BASIS_THRESHOLDS: ("in the Green band", "outside the Green band", "outside the Green band"),
}  # fmt: skip


def value_band(
    value, polarity, green=None, red=None, target=None, comparator_status=None
) -> np.ndarray:
    """The value's band: Green / Amber / Red, or ``""`` when nothing can band it.

    Parameters
    ----------
    value, polarity, green, red, target : array-like
        ``green`` and ``red`` are the catalogue thresholds (NaN when the indicator has none).
    comparator_status : array-like, optional
        better / similar / worse / not comparable against the comparator the target type names;
        used only where there are neither thresholds nor a target.
    """
    v = np.asarray(value, dtype="float64")
    n = len(v)
    pol = np.asarray(polarity, dtype=object)
    g = np.asarray(green if green is not None else np.full(n, np.nan), dtype="float64")
    r = np.asarray(red if red is not None else np.full(n, np.nan), dtype="float64")
    t = np.asarray(target if target is not None else np.full(n, np.nan), dtype="float64")
    comp = np.asarray(
        comparator_status if comparator_status is not None else [""] * n, dtype=object
    )
    high = pol == "high"
    by_thr = np.where(
        high,
        np.where(v >= g, GREEN, np.where(v < r, RED, AMBER)),
        np.where(v <= g, GREEN, np.where(v > r, RED, AMBER)),
    )
    met = np.where(high, v >= t, v <= t)
    by_target = np.where(met, GREEN, RED)
    by_comp = np.where(
        np.isin(comp, ["better", "similar"]), GREEN, np.where(comp == "worse", RED, "")
    )
    has_thr = ~np.isnan(g) & ~np.isnan(r)
    has_target = ~np.isnan(t)
    band = np.where(has_thr, by_thr, np.where(has_target, by_target, by_comp)).astype(object)
    band[np.isnan(v) | ~np.isin(pol, ["high", "low"])] = ""
    return band


def target_axis(target_met, comparator_status=None, band=None) -> tuple[np.ndarray, np.ndarray]:
    """The continuum's first axis: is the target met?

    ``target_met`` (True / False / NA) where there is a target; otherwise the comparator the
    target type names (better or similar: met, worse: missed); otherwise the thresholds (Green
    band: met, Amber or Red: missed).

    Returns
    -------
    (met, basis) : ``met`` a float array (1.0 met, 0.0 missed, NaN cannot be judged) and
    ``basis`` ("target", "comparator", "thresholds" or "") saying what it was judged on.
    """
    tm = pd.array(target_met, dtype="boolean")
    n = len(tm)
    has_t = ~np.asarray(tm.isna())
    t_val = np.asarray(tm.fillna(False), dtype=bool)
    comp = np.asarray(comparator_status if comparator_status is not None else [""] * n, object)
    b = np.asarray(band if band is not None else [""] * n, dtype=object)
    has_c = np.isin(comp, ["better", "similar", "worse"])
    has_b = np.isin(b, list(RAGS))
    met = np.select(
        [has_t, has_c, has_b],
        [t_val.astype(float), (comp != "worse").astype(float), (b == GREEN).astype(float)],
        default=np.nan,
    )
    basis = np.select(
        [has_t, has_c, has_b], [BASIS_TARGET, BASIS_COMPARATOR, BASIS_THRESHOLDS], default=""
    ).astype(object)
    return met, basis


def continuum_cell(met, trajectory) -> np.ndarray:
    """The cell name (:data:`pmqa_lib.core.catalogue.CONTINUUM_CELLS`) of each row, ``""`` where
    the target axis cannot be judged. An unknown trajectory counts as steady."""
    m = np.asarray(met, dtype="float64")
    tr = np.asarray(trajectory, dtype=object)
    tr = np.where(np.isin(tr, [IMPROVING, STEADY, DETERIORATING]), tr, STEADY)
    side = np.where(m == 1.0, "met_", "missed_").astype(object)
    cell = (side + tr.astype(str)).astype(object)
    cell[np.isnan(m)] = ""
    return cell


def continuum(met, trajectory, own: pd.DataFrame | None = None) -> tuple[np.ndarray, ...]:
    """The assurance continuum: (cell, assurance, RAG, trigger, own) for each row.

    Parameters
    ----------
    met : array-like
        1.0 target met, 0.0 missed, NaN unknown (:func:`target_axis`).
    trajectory : array-like
        improving / steady / deteriorating / insufficient data (counted as steady).
    own : DataFrame, optional
        The indicator's own trigger points, one row per input row: ``<cell>_rag`` and
        ``<cell>_trigger`` for each cell ("" where the indicator follows the default), as
        :meth:`pmqa_lib.core.catalogue.Catalogue.trigger_points_frame` gives them.

    Returns
    -------
    (cell, assurance, rag, trigger, own_cell) : arrays; ``own_cell`` is True where the row's
    cell came from the indicator's own trigger points. Rows that cannot be judged get "".
    """
    cell = continuum_cell(met, trajectory)
    n = len(cell)
    number = {c: j for j, c in enumerate(CONTINUUM_CELLS)}
    pos = pd.Series(cell, dtype=object).map(number).fillna(-1).to_numpy(dtype="int64")
    rag_tab = np.tile(np.array([c.rag for c in DEFAULT_CONTINUUM.values()], object), (n, 1))
    trig_tab = np.tile(np.array([c.trigger for c in DEFAULT_CONTINUUM.values()], object), (n, 1))
    own_tab = np.zeros((n, len(CONTINUUM_CELLS)), dtype=bool)
    if own is not None:
        for j, c in enumerate(CONTINUUM_CELLS):  # six cells, not a loop over rows
            r = _text(own, f"{c}_rag", n)
            t = _text(own, f"{c}_trigger", n)
            has = np.isin(r, list(RAGS)) & np.isin(t, list(TRIGGERS))
            rag_tab[has, j] = r[has]
            trig_tab[has, j] = t[has]
            own_tab[has, j] = True
    rows = np.arange(n)
    safe_pos = np.clip(pos, 0, None)
    known = pos >= 0
    rag = np.where(known, rag_tab[rows, safe_pos], "").astype(object)
    trig = np.where(known, trig_tab[rows, safe_pos], "").astype(object)
    own_cell = known & own_tab[rows, safe_pos]
    assurance = pd.Series(rag, dtype=object).map(ASSURANCE_OF_RAG).fillna("").to_numpy(object)
    return cell, assurance, rag, trig, own_cell


def _text(frame: pd.DataFrame, col: str, n: int) -> np.ndarray:
    if col not in frame:
        return np.full(n, "", dtype=object)
    return frame[col].fillna("").astype(str).to_numpy(dtype=object)


def further_enquiry(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """An indicator's own further-enquiry conditions, evaluated on its latest values.

    ``frame`` needs, per row: ``value`` and ``precision``; ``value_lag_1`` ... ``value_lag_k``
    (the value 1..k quarters earlier, k the longest run any rule asks for); ``value_year_ago``
    and ``label_year_ago`` (the same quarter a year earlier); ``ytd`` and ``ytd_year_ago``;
    ``linked_value``, ``linked_lag_1`` and ``linked_precision`` (the ``falls_with`` indicator now
    and a quarter earlier); and the rules as :meth:`Catalogue.trigger_points_frame` gives them
    (``enquiry_rise_percent``, ``enquiry_ytd_above_last_year``, ``enquiry_rises_in_a_row``,
    ``enquiry_falls_with``). A missing column means the rule has nothing to look at.

    Returns
    -------
    (met, reason) : boolean array, and one sentence per row naming the condition and the
    figures (all that hold, joined), "" where none holds. A missing value never triggers.
    """
    n = len(frame)

    def col(name: str, default=np.nan) -> np.ndarray:
        if name not in frame:
            return np.full(n, default)
        return frame[name].to_numpy()

    def num(name: str) -> np.ndarray:
        return pd.to_numeric(pd.Series(col(name)), errors="coerce").to_numpy(dtype="float64")

    v = num("value")
    prec = np.nan_to_num(num("precision"), nan=1).astype("int64")
    shown = np.asarray(format_value(v, prec), dtype=object).astype(str)
    reasons = np.full(n, "", dtype=object)
    met = np.zeros(n, dtype=bool)

    def add(hit: np.ndarray, text: np.ndarray) -> None:
        nonlocal reasons
        hit = hit & ~np.isnan(v)
        sep = np.where(reasons != "", "; ", "")
        reasons = np.where(hit, reasons + sep + text, reasons)
        met[hit] = True

    # a rise of more than x% on the same quarter last year
    pct = num("enquiry_rise_percent")
    ago = num("value_year_ago")
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(ago != 0, (v - ago) / np.abs(ago) * 100, np.where(v > 0, np.inf, 0))
    hit = ~np.isnan(pct) & ~np.isnan(ago) & (change > pct)
    ago_s = np.asarray(format_value(ago, prec), dtype=object).astype(str)
    ch_s = np.asarray(format_value(change, np.ones(n, dtype="int64")), dtype=object).astype(str)
    pct_s = np.asarray(format_value(pct, np.zeros(n, dtype="int64")), dtype=object).astype(str)
    label = np.asarray(col("label_year_ago", ""), dtype=object).astype(str)
    add(hit, shown + " is " + ch_s + "% above " + label + " (" + ago_s + "), more than "
        + pct_s + "%")  # fmt: skip

    # a year to date above last year's at the same point
    ytd, ytd_ago = num("ytd"), num("ytd_year_ago")
    want = np.asarray(col("enquiry_ytd_above_last_year", False), dtype=object) == True  # noqa: E712
    hit = want & ~np.isnan(ytd) & ~np.isnan(ytd_ago) & (ytd > ytd_ago)
    y_s = np.asarray(format_value(ytd, prec), dtype=object).astype(str)
    ya_s = np.asarray(format_value(ytd_ago, prec), dtype=object).astype(str)
    add(hit, "the year to date, " + y_s + ", is above last year's at the same point (" + ya_s
        + " at " + label + ")")  # fmt: skip

    # a rise for n quarters running
    runs = np.nan_to_num(num("enquiry_rises_in_a_row"), nan=0).astype("int64")
    if runs.max(initial=0) > 0:
        k = int(runs.max())
        lags = np.column_stack([v] + [num(f"value_lag_{j}") for j in range(1, k + 1)])
        rising = lags[:, :-1] > lags[:, 1:]  # column j: the value j quarters ago rose to it
        streak = np.cumprod(rising, axis=1).sum(axis=1)
        hit = (runs > 0) & (streak >= runs)
        path = np.full(n, "", dtype=object)
        for j in range(k, -1, -1):  # a few lags, not a loop over rows
            part = np.asarray(format_value(lags[:, j], prec), dtype=object).astype(str)
            use = j <= runs
            path = np.where(use, np.where(path == "", "from " + part, path + " to " + part), path)
        add(hit, "it rose for " + runs.astype(str) + " quarters running (" + path + ")")

    # a fall while a linked indicator also falls
    other = np.asarray(col("enquiry_falls_with", ""), dtype=object).astype(str)
    other = np.where(other == "nan", "", other)
    prev, lv, lp = num("value_lag_1"), num("linked_value"), num("linked_lag_1")
    hit = (other != "") & (v < prev) & (lv < lp)
    l_prec = np.nan_to_num(num("linked_precision"), nan=1).astype("int64")
    prev_s = np.asarray(format_value(prev, prec), dtype=object).astype(str)
    lv_s = np.asarray(format_value(lv, l_prec), dtype=object).astype(str)
    lp_s = np.asarray(format_value(lp, l_prec), dtype=object).astype(str)
    add(hit, "it fell from " + prev_s + " to " + shown + " while " + other + " also fell, from "
        + lp_s + " to " + lv_s)  # fmt: skip
    return met, reasons


def raise_to_enquiry(trig, enquiry) -> np.ndarray:
    """The trigger raised to "further enquiry" where an enquiry condition holds (an audit stays
    an audit)."""
    t = np.asarray(trig, dtype=object).copy()
    e = np.asarray(enquiry, dtype=bool)
    t[e & (t != TRIGGER_AUDIT)] = TRIGGER_ENQUIRY
    return t


def next_step(
    assurance, trig, trajectory, status, cell=None, basis=None, own_cell=None, enquiry_reason=None
) -> np.ndarray:
    """One plain-English sentence per row saying what happens next."""
    a = np.asarray(assurance, dtype=object)
    t = np.asarray(trig, dtype=object)
    tr = np.asarray(trajectory, dtype=object)
    st = np.asarray(status, dtype=object)
    n = len(a)
    c = np.asarray(cell if cell is not None else [""] * n, dtype=object)
    bs = np.asarray(basis if basis is not None else [BASIS_TARGET] * n, dtype=object)
    bs = np.where(np.isin(bs, list(_MET_WORDS)), bs, BASIS_TARGET)
    own = np.asarray(own_cell if own_cell is not None else np.zeros(n, bool), dtype=bool)
    why = np.asarray(enquiry_reason if enquiry_reason is not None else [""] * n, dtype=object)
    why = np.where(pd.isna(why), "", why).astype(object)
    on = pd.Series(bs).map({k: w[0] for k, w in _MET_WORDS.items()}).to_numpy(object)
    off = pd.Series(bs).map({k: w[1] for k, w in _MET_WORDS.items()}).to_numpy(object)
    missed = pd.Series(bs).map({k: w[2] for k, w in _MET_WORDS.items()}).to_numpy(object)
    situation = np.select(
        [c == "met_improving", c == "met_steady", c == "met_deteriorating",
         c == "missed_improving", c == "missed_steady", c == "missed_deteriorating"],
        [on + " and improving", on + " and steady", on + " but getting worse",
         off + " but improving", off + " and not improving", off + " and getting worse"],
        default="",
    ).astype(object)  # fmt: skip
    action = pd.Series(t).map({
        TRIGGER_NONE: "no action beyond routine monitoring",
        TRIGGER_WATCH: "watch next quarter",
        TRIGGER_ENQUIRY: "further enquiry: ask the lead officer for an exception report and "
                         "actions with timescales",
        TRIGGER_AUDIT: "propose a multi-agency audit",
    }).fillna("").to_numpy(object)  # fmt: skip
    prefix = pd.Series(a).map({SAFE: "Assured", EXCEPTION: "Exception", UNSAFE: "Not assured"})
    own_text = (prefix.fillna("").to_numpy(object) + ": " + situation
                + " (this indicator's own trigger points); " + action + ".")  # fmt: skip
    enquiry_only = (a == "") & (t == TRIGGER_ENQUIRY) & (why != "")
    text = np.select(
        [
            st == "rejected",
            st == "missing",
            st == "suppressed",
            enquiry_only,
            a == "",
            own,
            t == TRIGGER_AUDIT,
            (c == "missed_steady") & (t == TRIGGER_ENQUIRY),
            c == "met_deteriorating",
            c == "missed_improving",
            a == SAFE,
        ],
        [
            "No data: the return was rejected; chase a corrected return before the sub-group meets.",
            "No data: the return is missing; chase the lead officer.",
            "No data: the agency suppressed the figure (small numbers); agree with the lead "
            "officer how the sub-group will see it.",
            "Further enquiry (the indicator's own trigger point): " + why.astype(str) + ".",
            "Cannot be rated: no thresholds, target or comparator; agree one with the lead officer.",
            own_text,
            "Propose a multi-agency audit: Red, " + missed + " and getting worse.",
            "Further enquiry: Red, " + off + " and not improving; ask the lead officer for an "
            "exception report and actions with timescales.",
            "Exception: " + on + " but getting worse; watch next quarter and ask why.",
            "Exception: " + off + " but improving; watch next quarter to confirm the improvement.",
            "Assured: no action beyond routine monitoring.",
        ],
        default="",
    ).astype(object)
    # an own further-enquiry condition on a rated indicator: say which
    extra = (why != "") & ~enquiry_only & np.isin(st, ["ok"]) & (a != "")
    text[extra] = (
        text[extra] + " Further enquiry (the indicator's own trigger point): " + why[extra] + "."
    )
    unknown = (tr == INSUFFICIENT) & (a != "")
    text[unknown] = text[unknown] + " The trajectory is not yet known (too few points)."
    return text


def reconcile(
    rag, lead_rag, value_display, band, target, precision, trajectory=None
) -> tuple[np.ndarray, np.ndarray]:
    """Flag where the lead officer's proposed RAG differs from the computed one.

    Returns
    -------
    (disagreement, note) : boolean array and a sentence for the sub-group, e.g. "Lead officer
    proposed Green; computed Red: 55.1 is in the Amber band against a target of 60.0, and the
    trajectory is steady." Where the RAG differs from the band (the continuum moved it), the
    note gives the trajectory that did: "... 300.1 is in the Green band against a target of
    330.0, but the trajectory is deteriorating."
    """
    rag = np.asarray(rag, dtype=object)
    lead = pd.Series(lead_rag, dtype=object).where(lambda s: s.isin(RAGS), "").to_numpy()
    disagree = (lead != "") & (rag != "") & (lead != rag)

    t_text = format_value(target, precision)
    vd = np.asarray(value_display, dtype=object)
    b = np.asarray(band, dtype=object)
    target_part = np.where(t_text != "", " against a target of " + t_text.astype(str), "")
    if trajectory is not None:
        tr = np.asarray(trajectory, dtype=object).astype(str)
        moved = (b != rag) & (b != "")
        # "but" where the trajectory pulls against the band, "and" where it adds to it
        against = ((b == GREEN) & (tr == DETERIORATING)) | ((b != GREEN) & (tr == IMPROVING))
        conj = np.where(against, ", but", ", and")
        words = np.where(tr == INSUFFICIENT, "not yet known (counted as steady)", tr)
        target_part = np.where(
            moved, target_part + conj + " the trajectory is " + words, target_part
        )
    note = np.where(
        disagree,
        "Lead officer proposed "
        + lead.astype(str)
        + "; computed "
        + rag.astype(str)
        + ": "
        + vd.astype(str)
        + " is in the "
        + b.astype(str)
        + " band"
        + target_part
        + ". For the Performance Management sub-group to agree.",
        "",
    ).astype(object)
    return disagree, note


def assess(frame: pd.DataFrame) -> pd.DataFrame:
    """Band, continuum, RAG, trigger, next step and reconciliation for each row.

    ``frame`` needs: value, polarity, green, red, target, target_met, trajectory, status,
    display_value, precision, lead_rag, and ``comparator_status`` (the status against the
    comparator the target type names; may be empty). Optional: the indicator's own trigger
    points (``<cell>_rag``, ``<cell>_trigger``; :meth:`Catalogue.trigger_points_frame`) and
    ``enquiry`` / ``enquiry_reason`` from :func:`further_enquiry`.
    """
    band = value_band(
        frame["value"], frame["polarity"], frame["green"], frame["red"], frame["target"],
        frame.get("comparator_status"),
    )  # fmt: skip
    met, basis = target_axis(frame["target_met"], frame.get("comparator_status"), band)
    met = np.where(np.isnan(frame["value"].to_numpy(dtype="float64")), np.nan, met)
    cell, assurance, rag, trig, own = continuum(met, frame["trajectory"], frame)
    n = len(frame)
    enquiry = (
        frame["enquiry"].fillna(False).to_numpy(dtype=bool)
        if "enquiry" in frame
        else np.zeros(n, dtype=bool)
    )
    reason = (
        frame["enquiry_reason"].fillna("").to_numpy(dtype=object)
        if "enquiry_reason" in frame
        else np.full(n, "", dtype=object)
    )
    trig = np.where(trig == "", TRIGGER_NONE, trig).astype(object)
    trig = raise_to_enquiry(trig, enquiry)
    out = pd.DataFrame(index=frame.index)
    out["band"] = band
    out["continuum_basis"] = basis
    out["continuum_cell"] = cell
    out["assurance"] = assurance
    out["rag"] = rag
    out["trigger"] = trig
    out["next_step"] = next_step(
        assurance, trig, frame["trajectory"], frame["status"], cell, basis, own,
        np.where(enquiry, reason, ""),
    )  # fmt: skip
    disagree, note = reconcile(
        rag, frame["lead_rag"], frame["display_value"], band, frame["target"], frame["precision"],
        frame["trajectory"],
    )  # fmt: skip
    out["disagreement"] = disagree
    out["disagreement_note"] = note
    return out

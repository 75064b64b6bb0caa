"""Assurance (framework section 4.1.2): value band, the assurance continuum, RAG, triggers, and the
lead officer's proposed RAG beside the computed one.

1. Value band: from the catalogue's RAG thresholds where given (1.1: 60+ Green, 45-60 Amber,
   <45 Red; high is good: value >= green -> Green, value < red -> Red, otherwise Amber; mirrored for
   low is good); otherwise Green when the target is met and Red when it is missed; otherwise the
   comparator named by the target type (E, SN, R): Green when better or similar, Red when worse.
2. The continuum (trajectory by polarity):

   ===========  ============================  ==========================  ======
   band         trajectory                    assurance                   RAG
   ===========  ============================  ==========================  ======
   Green        improving or steady           Safe (Assured)              Green
   Green        deteriorating                 Trigger exception           Amber
   Red          improving                     Trigger exception           Amber
   Red          deteriorating or steady       Unsafe (Not assured)        Red
   Amber        any                           Watch                       Amber
   ===========  ============================  ==========================  ======

   A trajectory that cannot be known yet (fewer than two points) is treated as steady, and the
   next step says so.
3. Triggers (section 4.1.2 examples): Amber -> "watch next quarter"; Red with a missed target and
   a deteriorating trajectory -> "audit" (proposed to the multi-agency audit group); other Red ->
   "watch next quarter"; Green -> "none". For an annual indicator :func:`pmqa_lib.analytics.assessment.run`
   writes "watch next annual result" instead (its result changes once a year).
4. The lead officer's proposed RAG is shown beside the computed one; a difference is flagged for
   the Performance Management sub-group to scrutinise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.analytics.trend import DETERIORATING, IMPROVING, INSUFFICIENT, STEADY
from pmqa_lib.core.format import AMBER, GREEN, RAGS, RED, format_value

SAFE = "Safe (Assured)"
EXCEPTION = "Trigger exception"
UNSAFE = "Unsafe (Not assured)"
WATCH = "Watch"
TRIGGER_NONE, TRIGGER_WATCH, TRIGGER_AUDIT = "none", "watch next quarter", "audit"
#: the watch trigger of an annual indicator (its result changes once a year)
TRIGGER_WATCH_ANNUAL = "watch next annual result"


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


def continuum(band, trajectory) -> tuple[np.ndarray, np.ndarray]:
    """The assurance continuum: (assurance, RAG) from band and trajectory (see module doc)."""
    b = np.asarray(band, dtype=object)
    tr = np.asarray(trajectory, dtype=object)
    tr = np.where(tr == INSUFFICIENT, STEADY, tr)
    good_or_steady = np.isin(tr, [IMPROVING, STEADY])
    bad_or_steady = np.isin(tr, [DETERIORATING, STEADY])
    assurance = np.select(
        [
            (b == GREEN) & good_or_steady,
            (b == GREEN) & (tr == DETERIORATING),
            (b == RED) & (tr == IMPROVING),
            (b == RED) & bad_or_steady,
            b == AMBER,
        ],
        [SAFE, EXCEPTION, EXCEPTION, UNSAFE, WATCH],
        default="",
    ).astype(object)
    rag = np.select(
        [assurance == SAFE, assurance == EXCEPTION, assurance == UNSAFE, assurance == WATCH],
        [GREEN, AMBER, RED, AMBER],
        default="",
    ).astype(object)
    return assurance, rag


def trigger(rag, target_met, trajectory) -> np.ndarray:
    """none / watch next quarter / audit (section 4.1.2 examples)."""
    rag = np.asarray(rag, dtype=object)
    met = pd.array(target_met, dtype="boolean")
    missed = np.asarray(met.fillna(True) == False)  # noqa: E712 -- NA is not "missed"
    tr = np.asarray(trajectory, dtype=object)
    audit = (rag == RED) & missed & (tr == DETERIORATING)
    watch = np.isin(rag, [AMBER, RED]) & ~audit
    return np.where(audit, TRIGGER_AUDIT, np.where(watch, TRIGGER_WATCH, TRIGGER_NONE)).astype(
        object
    )


def next_step(assurance, trig, trajectory, status) -> np.ndarray:
    """One plain-English sentence per row saying what happens next."""
    a = np.asarray(assurance, dtype=object)
    t = np.asarray(trig, dtype=object)
    tr = np.asarray(trajectory, dtype=object)
    st = np.asarray(status, dtype=object)
    text = np.select(
        [
            st == "rejected",
            st == "missing",
            st == "suppressed",
            a == "",
            t == TRIGGER_AUDIT,
            (a == UNSAFE),
            (a == EXCEPTION) & (tr == DETERIORATING),
            (a == EXCEPTION),
            a == WATCH,
            a == SAFE,
        ],
        [
            "No data: the return was rejected; chase a corrected return before the sub-group meets.",
            "No data: the return is missing; chase the lead officer.",
            "No data: the agency suppressed the figure (small numbers); agree with the lead "
            "officer how the sub-group will see it.",
            "Cannot be rated: no thresholds, target or comparator; agree one with the lead officer.",
            "Propose a multi-agency audit: Red, target missed and getting worse.",
            "Red: ask the lead officer for an exception report and actions with timescales.",
            "Exception: on target but getting worse; watch next quarter and ask why.",
            "Exception: off target but improving; watch next quarter to confirm the improvement.",
            "Amber: watch next quarter.",
            "Assured: no action beyond routine monitoring.",
        ],
        default="",
    ).astype(object)
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
    proposed Green; computed Amber: 55.1 is in the Amber band against a target of 60." Where the
    RAG differs from the band (the continuum moved it), the note gives the trajectory that did:
    "... 300.1 is in the Green band against a target of 330.0, but the trajectory is
    deteriorating."
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
        moved = (b != rag) & np.isin(tr, [IMPROVING, DETERIORATING])
        target_part = np.where(moved, target_part + ", but the trajectory is " + tr, target_part)
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
    comparator the target type names; may be empty).
    """
    band = value_band(
        frame["value"], frame["polarity"], frame["green"], frame["red"], frame["target"],
        frame.get("comparator_status"),
    )  # fmt: skip
    assurance, rag = continuum(band, frame["trajectory"])
    trig = trigger(rag, frame["target_met"], frame["trajectory"])
    out = pd.DataFrame(index=frame.index)
    out["band"] = band
    out["assurance"] = assurance
    out["rag"] = rag
    out["trigger"] = trig
    out["next_step"] = next_step(assurance, trig, frame["trajectory"], frame["status"])
    disagree, note = reconcile(
        rag, frame["lead_rag"], frame["display_value"], band, frame["target"], frame["precision"],
        frame["trajectory"],
    )  # fmt: skip
    out["disagreement"] = disagree
    out["disagreement_note"] = note
    return out

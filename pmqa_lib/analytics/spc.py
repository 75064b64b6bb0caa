"""Statistical process control: XmR charts as in NHS England's "Making Data Count" (MDC).

For each series (and each rebased segment of it):

* centre line = mean of the points; moving range = |x_i - x_(i-1)|; process limits =
  mean +/- 2.66 x mean moving range (2.66 = 3 / 1.128, i.e. 3 sigma); "near limits" at
  2 sigma = mean +/- (2/3) x 2.66 x mean moving range.
* optional screening (off by default, as the MDC Excel tools; on by default in NHSRplotthedots,
  after Nelson 1982): moving ranges above 3.267 x their mean are left out and the mean moving
  range recomputed before the limits.
* rules (special cause):
  1. a point outside the process limits;
  2. a shift: ``shift_points`` or more consecutive points on the same side of the mean (a point
     exactly on the mean breaks the run);
  3. a trend: ``trend_points`` or more consecutive points each higher (or each lower) than the
     one before; an equal neighbour neither adds to nor breaks a trend (NHS Improvement 2017,
     "A guide to creating and interpreting run and control charts", p. 24, as cited in
     NHSRplotthedots pull request #24);
  4. two of three consecutive points beyond 2 sigma, all three on the same side of the mean;
     points beyond the process limits count as beyond 2 sigma (the MDC tools' logic since
     November 2023, NHSRplotthedots issue #194); only the points beyond 2 sigma are flagged.
* variation icon from the latest point: common cause, special cause improvement, concern, or
  neutral when the indicator has no improvement direction. A flagged point is improvement or
  concern by its side of the mean, except a trend point, which goes by the trend's direction.
  When a point is both (e.g. above the mean in a falling trend), improvement is shown, as the
  MDC single chart tool does (NHSRplotthedots issue #194, comment of 21 December 2023).
* assurance icon from the target against the latest segment's limits: with high is good,
  target <= lower limit -> "consistently pass", target >= upper limit -> "consistently fail",
  otherwise "hit and miss" (mirrored for low is good); "no target" without one.
* a warning on a short series: fewer than ``min_points`` points in the latest segment (default 15;
  the MDC single chart tool shows limits and icons from 13 points, NHSRplotthedots issue #194).

Defaults follow NHS England's 2019 MDC guide and NHSRplotthedots: shift 7, trend 7. The MDC Excel
tool also offers 6 (NHSRplotthedots issue #202); set ``shift_points`` / ``trend_points`` to 6 to
match it.

Everything is vectorised over all series: run lengths are found with cumulative sums over a long
frame sorted by series and time, never with a loop per series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmqa_lib.core.methods import XMR_LIMIT as LIMIT
from pmqa_lib.core.methods import XMR_RANGE_LIMIT as SCREEN

COMMON = "common cause"
IMPROVEMENT = "special cause improvement"
CONCERN = "special cause concern"
NEUTRAL = "special cause neutral"
PASS, FAIL, HIT_MISS, NO_TARGET = (
    "consistently pass",
    "consistently fail",
    "hit and miss",
    "no target",
)
#: variation and assurance of a series with fewer than two points: an XmR chart needs a moving range
NOT_ASSESSED = "not assessed"
NO_POINTS = "no values to chart"


@dataclass(frozen=True)
class SPCSettings:
    """SPC settings (defaults: NHS England MDC 2019 guide / NHSRplotthedots).

    Attributes
    ----------
    shift_points : int
        Run length on one side of the mean that signals a shift (7).
    trend_points : int
        Number of consecutive rising or falling points that signals a trend (7).
    min_points : int
        Fewer points than this in the latest segment gives a short-series warning (15).
    screen_moving_ranges : bool
        Leave out moving ranges above 3.267 x their mean before computing the limits (False).
    rebase : mapping of indicator -> list of periods
        Start a new segment (new mean and limits) at each given period, e.g. {"1.1": ["2014Q3"]}.
    """

    shift_points: int = 7
    trend_points: int = 7
    min_points: int = 15
    screen_moving_ranges: bool = False
    rebase: Mapping[str, Sequence[str]] = field(default_factory=dict)


def _runs(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run id of each element (consecutive equal keys) and each element's run length."""
    if len(key) == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    start = np.ones(len(key), dtype=bool)
    start[1:] = key[1:] != key[:-1]
    rid = np.cumsum(start) - 1
    length = np.bincount(rid)
    return rid, length[rid]


def _group_mean(values: np.ndarray, gid: np.ndarray, n_groups: int) -> np.ndarray:
    have = ~np.isnan(values)
    total = np.bincount(gid[have], weights=values[have], minlength=n_groups)
    count = np.bincount(gid[have], minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / count, np.nan)


def xmr(
    frame: pd.DataFrame,
    keys: Sequence[str] = ("indicator",),
    time_col: str = "ordinal",
    value_col: str = "quarter_value",
    polarity_col: str = "polarity",
    rebase: pd.DataFrame | None = None,
    settings: SPCSettings | None = None,
) -> pd.DataFrame:
    """XmR chart values and rule flags for every point of every series.

    Parameters
    ----------
    frame : DataFrame
        Long: ``keys``, ``time_col`` (integer quarter ordinal), ``value_col``, ``polarity_col``
        ("high", "low" or anything else for no improvement direction). Missing points (NaN) are
        dropped: an XmR chart joins the points it has.
    rebase : DataFrame, optional
        ``keys`` plus ``time_col``: a new segment starts at each of these points.

    Returns
    -------
    DataFrame, one row per non-missing point: keys, time, value, segment, mean, mr, amr, lpl,
    upl, lower_2s, upper_2s, outside_limits, shift, trend, two_in_three, special_cause,
    point_type (common cause / special cause improvement / concern / neutral).
    """
    st = settings or SPCSettings()
    keys = list(keys)
    df = frame.loc[frame[value_col].notna(), keys + [time_col, value_col, polarity_col]]
    df = df.reset_index(drop=True)
    sid = df.groupby(keys, sort=False, observed=True).ngroup().to_numpy()
    tt = df[time_col].to_numpy()
    ds, dt = np.diff(sid), np.diff(tt)
    if not np.all((ds == 1) | ((ds == 0) & (dt > 0))):  # not already one block per series in time
        df = df.sort_values(keys + [time_col], kind="stable").reset_index(drop=True)
        sid = df.groupby(keys, sort=False, observed=True).ngroup().to_numpy()
    y = df[value_col].to_numpy(dtype="float64")
    n = len(df)

    # segments (rebasing)
    new_seg = np.ones(n, dtype=bool)
    new_seg[1:] = sid[1:] != sid[:-1]
    if rebase is not None and len(rebase):
        rb = rebase[keys + [time_col]].drop_duplicates().assign(_rb=True)
        hit = df[keys + [time_col]].merge(rb, on=keys + [time_col], how="left")["_rb"]
        new_seg |= hit.fillna(False).to_numpy(dtype=bool)
    seg = np.cumsum(new_seg) - 1
    n_seg = int(seg[-1]) + 1 if n else 0

    mean = _group_mean(y, seg, n_seg)[seg] if n else np.zeros(0)
    mr = np.full(n, np.nan)
    if n > 1:
        same = seg[1:] == seg[:-1]
        mr[1:] = np.where(same, np.abs(y[1:] - y[:-1]), np.nan)
    amr_g = _group_mean(mr, seg, n_seg) if n else np.zeros(0)
    if st.screen_moving_ranges and n:
        mr_kept = np.where(mr < SCREEN * amr_g[seg], mr, np.nan)
        amr_g = _group_mean(mr_kept, seg, n_seg)
    amr = amr_g[seg] if n else np.zeros(0)
    amr = np.where(np.isnan(amr), 0.0, amr)  # a one-point segment has no spread yet
    upl = mean + LIMIT * amr
    lpl = mean - LIMIT * amr
    up2 = mean + 2 / 3 * LIMIT * amr
    lo2 = mean - 2 / 3 * LIMIT * amr

    # rule 1: outside the process limits
    outside = (y > upl) | (y < lpl)

    # rule 2: shift -- runs of the same side of the mean within a segment
    side = np.sign(np.round(y - mean, 12)).astype("int64")
    rid, rlen = _runs(seg * 3 + (side + 1))
    shift = (side != 0) & (rlen >= st.shift_points)

    # rule 3: trend -- direction of each step, ties carry the previous direction
    step = np.zeros(n, dtype="int64")
    if n > 1:
        same = seg[1:] == seg[:-1]
        step[1:] = np.where(same, np.sign(y[1:] - y[:-1]).astype("int64"), 0)
    # forward-fill the last non-zero step; a segment starts afresh (0) at its first point
    known = (step != 0) | new_seg
    last_known = np.maximum.accumulate(np.where(known, np.arange(n), 0)) if n else step
    carried = step[last_known] if n else step
    trid, _ = _runs(seg * 3 + (carried + 1))
    moves = np.bincount(trid, weights=(step != 0).astype("float64"))
    in_trend_run = (carried != 0) & (moves[trid] >= st.trend_points - 1)
    trend = in_trend_run.copy()
    # the point a trend starts from belongs to it too
    run_start = np.ones(n, dtype=bool)
    run_start[1:] = trid[1:] != trid[:-1]
    starts = np.flatnonzero(run_start & in_trend_run)
    starts = starts[starts > 0]
    starts = starts[seg[starts - 1] == seg[starts]]
    trend[starts - 1] = True
    trend_dir = np.where(in_trend_run, carried, 0)
    trend_dir[starts - 1] = carried[starts]

    # rule 4: two of three beyond 2 sigma, all three on the same side of the mean
    beyond_hi = (y > up2).astype("int64")
    beyond_lo = (y < lo2).astype("int64")
    two3 = np.zeros(n, dtype=bool)
    if n >= 3:
        for side_sign, beyond in ((1, beyond_hi), (-1, beyond_lo)):
            on_side = side == side_sign
            w_ok = (seg[2:] == seg[:-2]) & on_side[2:] & on_side[1:-1] & on_side[:-2]
            w_cnt = beyond[2:] + beyond[1:-1] + beyond[:-2]
            win = w_ok & (w_cnt >= 2)  # window ending at index i+2
            for off in range(3):
                idx = np.flatnonzero(win) + off
                two3[idx] |= beyond[idx].astype(bool)

    special = outside | shift | trend | two3
    pol = df[polarity_col].astype("str").to_numpy()
    direction = np.where(pol == "high", 1, np.where(pol == "low", -1, 0))
    # improvement / concern by side of the mean; trend points by the trend's direction
    side_flags = outside | shift | two3
    improve = (side_flags & (side * direction > 0)) | (trend & (trend_dir * direction > 0))
    concern = (side_flags & (side * direction < 0)) | (trend & (trend_dir * direction < 0))
    code = np.where(
        ~special, 0, np.where(direction == 0, 3, np.where(improve, 1, np.where(concern, 2, 3)))
    )
    point_type = pd.Categorical.from_codes(code, [COMMON, IMPROVEMENT, CONCERN, NEUTRAL])
    out = df.copy()
    out["segment"] = seg
    out["segment_start"] = new_seg
    out["mean"] = mean
    out["mr"] = mr
    out["amr"] = amr
    out["lpl"] = lpl
    out["upl"] = upl
    out["lower_2s"] = lo2
    out["upper_2s"] = up2
    out["outside_limits"] = outside
    out["shift"] = shift
    out["trend"] = trend
    out["two_in_three"] = two3
    out["special_cause"] = special
    out["point_type"] = point_type
    return out


def spc_summary(
    points: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    keys: Sequence[str] = ("indicator",),
    time_col: str = "ordinal",
    settings: SPCSettings | None = None,
) -> pd.DataFrame:
    """Icons for each series from its latest point and latest segment.

    Parameters
    ----------
    points : DataFrame
        Output of :func:`xmr` (only points up to the quarter of interest).
    targets : DataFrame, optional
        ``keys`` and ``target`` (on the same scale as the charted values).

    Returns
    -------
    DataFrame, one row per series: keys, spc_variation, spc_assurance, spc_warning, spc_mean,
    spc_lpl, spc_upl, spc_points (in the latest segment), spc_latest_period_ordinal.
    """
    st = settings or SPCSettings()
    keys = list(keys)
    if points.empty:
        out = pd.DataFrame(columns=keys + ["spc_variation", "spc_assurance", "spc_warning"])
        return _without_points(out, targets, keys)
    last = points.sort_values(keys + [time_col]).groupby(keys, observed=True).tail(1)
    seg_sizes = points.groupby(keys + ["segment"], observed=True).size().rename("spc_points")
    last = last.merge(seg_sizes.reset_index(), on=keys + ["segment"], how="left")
    out = last[keys].copy()
    out["spc_variation"] = last["point_type"].to_numpy()
    out["spc_mean"] = last["mean"].to_numpy()
    out["spc_lpl"] = last["lpl"].to_numpy()
    out["spc_upl"] = last["upl"].to_numpy()
    out["spc_points"] = last["spc_points"].to_numpy()
    out["spc_latest_ordinal"] = last[time_col].to_numpy()
    if targets is not None and len(targets):
        tg = last[keys].merge(targets[keys + ["target"]], on=keys, how="left")["target"]
        target = tg.to_numpy(dtype="float64")
    else:
        target = np.full(len(out), np.nan)
    pol = last["polarity"].astype("str").to_numpy()
    lpl, upl = out["spc_lpl"].to_numpy(), out["spc_upl"].to_numpy()
    high_pass, high_fail = target <= lpl, target >= upl
    assurance = np.where(
        pol == "high",
        np.where(high_pass, PASS, np.where(high_fail, FAIL, HIT_MISS)),
        np.where(high_fail, PASS, np.where(high_pass, FAIL, HIT_MISS)),
    ).astype(object)
    assurance[np.isnan(target) | ~np.isin(pol, ["high", "low"])] = NO_TARGET
    out["spc_assurance"] = assurance
    n = out["spc_points"].to_numpy(dtype="int64")
    count = n.astype(str) + np.where(n == 1, " point", " points")
    one = n == 1
    equal = (n >= 2) & (last["amr"].to_numpy(dtype="float64") == 0)
    mean_text = np.full(len(out), "", dtype=object)
    if equal.any():  # the level of a flat series, as short as it reads ("5", "0.25")
        mean_text[equal] = np.char.mod("%g", out["spc_mean"].to_numpy(dtype="float64")[equal])
    parts = [
        np.where(n < st.min_points,
                 "short series: " + count + f" (limits are provisional below {st.min_points})",
                 ""),
        np.where(one, "one point only: no moving range, so no process limits", ""),
        np.where(equal, "no variation: all " + count + " equal " + mean_text
                 + ", so the limits have no width", ""),
    ]  # fmt: skip
    warning = parts[0].astype(object)
    for extra in parts[1:]:
        warning = np.where(
            extra == "", warning, np.where(warning == "", extra, warning + "; " + extra)
        )
    out["spc_warning"] = warning
    # one point has no moving range: neither its variation nor the target can be judged
    out.loc[one, ["spc_variation", "spc_assurance"]] = NOT_ASSESSED
    return _without_points(out, targets, keys)


def _without_points(out: pd.DataFrame, targets: pd.DataFrame | None, keys: list[str]):
    """Series named in ``targets`` with no point at all (every value missing): a row saying so,
    never a blank."""
    if targets is None or not len(targets):
        return out
    have = out[keys].drop_duplicates().assign(_has=True)
    absent = targets[keys].drop_duplicates().merge(have, on=keys, how="left")
    absent = absent[absent["_has"].isna()].drop(columns="_has")
    if absent.empty:
        return out
    absent = absent.assign(
        spc_variation=NOT_ASSESSED, spc_assurance=NOT_ASSESSED, spc_warning=NO_POINTS, spc_points=0
    )
    if out.empty:
        return absent.reset_index(drop=True)
    out = out.astype({"spc_variation": object})
    return pd.concat([out, absent], ignore_index=True, sort=False)


def rebase_frame(rebase: Mapping[str, Sequence[str]], time_col: str = "ordinal") -> pd.DataFrame:
    """``{"1.1": ["2014Q3"]}`` -> DataFrame(indicator, ordinal) for :func:`xmr`."""
    from pmqa_lib.analytics.measures import period_ordinal

    rows = [(str(ind), str(p)) for ind, periods in rebase.items() for p in periods]
    df = pd.DataFrame(rows, columns=["indicator", "period"])
    if df.empty:
        return pd.DataFrame(columns=["indicator", time_col])
    df[time_col] = period_ordinal(df["period"])
    return df[["indicator", time_col]]

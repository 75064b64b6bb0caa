"""Trend: the trajectory (improving / steady / deteriorating) and its significance.

Significance is the Mann-Kendall test with Sen's slope, computed on scipy/numpy for many series at
once. It follows ``pymannkendall.original_test`` (Hussain and Mahmud 2019), which we test against:

* S = sum over pairs i < j of sign(x_j - x_i), over the non-missing points;
* Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18, t running over groups of tied values;
* Z = (S - 1)/sqrt(Var S) if S > 0, (S + 1)/sqrt(Var S) if S < 0, else 0;
  p = 2 (1 - Phi(|Z|)) (normal approximation, two-sided);
* Sen's slope = median over pairs of (x_j - x_i) / (j - i), j and i being the points' positions in
  time (a missing quarter leaves a gap rather than closing up), as pymannkendall's ``sens_slope``.

A series with fewer than ``min_points`` non-missing points is not tested: its p-value is NaN and
``mk_note`` says why. With the normal approximation, 5 points is the shortest series that can
reach p < 0.05 (n = 4 gives at best p = 0.089), hence the default. A series whose points are
all equal (all zero included) has S = 0 and Var(S) = 0 once ties are corrected for: like
pymannkendall it is reported as no trend, p = 1, Z = 0, Sen's slope 0, with ``mk_note`` "no
change over the window".

Caveat shown in the docs: Mann-Kendall assumes independent points. Overlapping rolling windows
are not independent, so for rolling indicators the caller passes the single-quarter figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

IMPROVING, STEADY, DETERIORATING, INSUFFICIENT = (
    "improving",
    "steady",
    "deteriorating",
    "insufficient data",
)
ARROW_UP, ARROW_DOWN, ARROW_FLAT = "↑", "↓", "→"
TREND_COLUMNS = [
    "trajectory", "trend_arrow", "trajectory_change", "trajectory_points", "mk_n", "mk_s",
    "mk_z", "mk_p_value", "sens_slope", "trend_significant", "mk_note",
]  # fmt: skip


@dataclass(frozen=True)
class TrendSettings:
    """Settings for trajectory and Mann-Kendall.

    Attributes
    ----------
    trajectory_points : int
        How many of the latest points the trajectory looks at (default 4: a year of quarters).
    steady_band : float
        Relative change (as a fraction of the window's median level) inside which the trajectory is
        "steady" (default 0.05, i.e. a change of less than 5% over the window).
    mk_min_points : int
        Shortest series Mann-Kendall is run on (default 5).
    mk_alpha : float
        Significance level for ``trend_significant`` (default 0.05).
    mk_window : int or None
        Use only the latest ``mk_window`` points (None: the whole history up to the quarter).
    """

    trajectory_points: int = 4
    steady_band: float = 0.05
    mk_min_points: int = 5
    mk_alpha: float = 0.05
    mk_window: int | None = None


# ---------------------------------------------------------------------------------------------
# Long <-> wide


def to_wide(
    frame: pd.DataFrame, keys: Sequence[str], time_col: str, value_col: str | Sequence[str]
) -> tuple[pd.DataFrame, np.ndarray | list[np.ndarray]]:
    """Series as rows of a matrix: column j is the j-th quarter after the series' first one.

    Returns
    -------
    (index, matrix) : the keys of each row (sorted), and a float matrix with NaN where a point is
    missing (series of different lengths are padded with NaN on the right). With a list of value
    columns, a list of matrices.
    """
    keys = list(keys)
    t = frame[time_col].to_numpy().astype("int64")
    gid = frame.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
    n_series = int(gid.max()) + 1 if len(gid) else 0
    first_row = np.zeros(n_series, dtype="int64")
    first_row[gid[::-1]] = np.arange(len(gid))[::-1]
    index = frame[keys].iloc[first_row].reset_index(drop=True)
    start = np.full(n_series, np.iinfo("int64").max)
    np.minimum.at(start, gid, t)
    pos = t - start[gid]
    width = int(pos.max()) + 1 if len(pos) else 0
    cols = [value_col] if isinstance(value_col, str) else list(value_col)
    mats = []
    for col in cols:
        mat = np.full((n_series, width), np.nan)
        mat[gid, pos] = frame[col].to_numpy(dtype="float64")
        mats.append(mat)
    return index, (mats[0] if isinstance(value_col, str) else mats)


def last_points(mat: np.ndarray, n: int | None) -> np.ndarray:
    """Each row's last ``n`` columns up to its last non-missing value, as an ``n``-wide matrix.

    Gaps stay where they are (as NaN), so positions in time are kept.
    """
    if n is None or mat.size == 0:
        return mat
    have = ~np.isnan(mat)
    last = np.where(have.any(axis=1), mat.shape[1] - 1 - np.argmax(have[:, ::-1], axis=1), -1)
    cols = last[:, None] - (n - 1) + np.arange(n)[None, :]
    ok = cols >= 0
    rows = np.arange(mat.shape[0])[:, None]
    return np.where(ok, mat[rows, np.clip(cols, 0, None)], np.nan)


# ---------------------------------------------------------------------------------------------
# Mann-Kendall and Sen's slope on a matrix


def _sorted_median(values: np.ndarray, inplace: bool = False) -> np.ndarray:
    """Row-wise median ignoring NaN (much faster than np.nanmedian on wide matrices).

    Rows are grouped by their number of valid values m; NaN becomes +inf so it sorts last. For
    each group one ``np.partition`` puts the lower middle value in place and the upper middle is
    the minimum of what lies above it.
    """
    rows_n, width = values.shape
    out = np.full(rows_n, np.nan)
    if width == 0 or rows_n == 0:
        return out
    missing = np.isnan(values)
    m = width - missing.sum(axis=1)
    filled = values if inplace else values.copy()
    np.copyto(filled, np.inf, where=missing)
    for count in np.unique(m):
        if count == 0:
            continue
        sel = m == count
        lo, hi = (count - 1) // 2, count // 2
        sub = filled if sel.all() else filled[sel]
        part = np.partition(sub, lo, axis=1)
        upper = part[:, lo] if hi == lo else part[:, lo + 1 :].min(axis=1)
        out[sel] = (part[:, lo] + upper) / 2
    return out


def _pairwise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Differences x_j - x_i and slopes (x_j - x_i) / (j - i) over all pairs i < j, lag by lag."""
    rows_n, width = x.shape
    n_pairs = width * (width - 1) // 2
    diff = np.empty((rows_n, n_pairs))
    slope = np.empty((rows_n, n_pairs))
    a = 0
    for lag in range(1, width):  # loop over lags (<= the series length), not over series
        b = a + width - lag
        np.subtract(x[:, lag:], x[:, :-lag], out=diff[:, a:b])
        np.divide(diff[:, a:b], lag, out=slope[:, a:b])
        a = b
    return diff, slope


def mann_kendall_matrix(mat: np.ndarray, chunk: int = 4096) -> dict[str, np.ndarray]:
    """Mann-Kendall S, Var(S), Z, p, n and Sen's slope for each row of ``mat`` (NaN = missing).

    Works in chunks of rows so memory stays bounded (a chunk of 4,096 series of 40 points uses
    about 60 MB).
    """
    n_rows, width = mat.shape
    out = {k: np.full(n_rows, np.nan) for k in ("s", "var_s", "z", "p", "slope")}
    out["n"] = np.zeros(n_rows, dtype="int64")
    if width < 2:
        out["n"] = (~np.isnan(mat)).sum(axis=1) if width else out["n"]
        return out
    for a in range(0, n_rows, chunk):
        x = mat[a : a + chunk]
        valid = ~np.isnan(x)
        n = valid.sum(axis=1)
        diff, slope = _pairwise(x)  # NaN where either point is missing
        s = np.nansum(np.sign(diff), axis=1)
        # ties: for each valid point, how many valid points share its value
        t_each = (x[:, :, None] == x[:, None, :]).sum(axis=2).astype("float64")
        # sum over points of (t-1)(2t+5) = sum over tie groups of t(t-1)(2t+5)
        tie_term = np.where(valid, (t_each - 1) * (2 * t_each + 5), 0.0).sum(axis=1)
        var_s = (n * (n - 1) * (2 * n + 5) - tie_term) / 18.0
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(
                s > 0, (s - 1) / np.sqrt(var_s), np.where(s < 0, (s + 1) / np.sqrt(var_s), 0.0)
            )
        # every point equal (the tie correction takes the whole variance): no trend, as
        # pymannkendall reports it (S = 0, Z = 0, p = 1; Sen's slope 0)
        z = np.where(var_s > 0, z, np.where(n >= 2, 0.0, np.nan))
        sl = slice(a, a + chunk)
        out["s"][sl] = s
        out["var_s"][sl] = var_s
        out["z"][sl] = z
        out["p"][sl] = 2 * sps.norm.sf(np.abs(z))
        out["slope"][sl] = _sorted_median(slope, inplace=True)
        out["n"][sl] = n
    return out


NO_VALUES = "no values to test"
NO_CHANGE = "no change over the window"


def mk_notes(mk: dict[str, np.ndarray], min_points: int) -> np.ndarray:
    """Why a Mann-Kendall result is what it is, in words, for every series that is not an
    ordinary test: ``no values to test`` (every point missing), ``too short to test: 1 point
    (needs 5)``, ``no change over the window`` (every point equal, zero included: p = 1, S = 0,
    Sen's slope 0). An ordinary test has no note ("")."""
    n = mk["n"]
    count = n.astype(str) + np.where(n == 1, " point", " points")
    return np.select(
        [n == 0, n < min_points, (mk["var_s"] == 0) & (mk["s"] == 0)],
        [NO_VALUES, "too short to test: " + count + f" (needs {min_points})", NO_CHANGE],
        default="",
    ).astype(object)


# ---------------------------------------------------------------------------------------------
# Frames


def trend_table(
    frame: pd.DataFrame,
    keys: Sequence[str] = ("indicator",),
    time_col: str = "ordinal",
    headline_col: str = "value",
    test_col: str = "quarter_value",
    polarity_col: str = "polarity",
    settings: TrendSettings | None = None,
) -> pd.DataFrame:
    """Trajectory and Mann-Kendall for every series, using the points up to the last row given.

    Parameters
    ----------
    frame : DataFrame
        Long: ``keys``, ``time_col`` (integer quarter ordinal), ``headline_col`` (the value the
        trajectory describes), ``test_col`` (the independent points Mann-Kendall tests; for a
        non-rolling indicator the same as the headline), ``polarity_col``.
    settings : TrendSettings, optional

    Returns
    -------
    DataFrame, one row per series: keys, trajectory, trend_arrow, trajectory_change (relative
    change over the window), trajectory_points, mk_n, mk_s, mk_z, mk_p_value, sens_slope,
    trend_significant (nullable boolean), mk_note.
    """
    st = settings or TrendSettings()
    keys = list(keys)
    if frame.empty:
        return pd.DataFrame(columns=keys + TREND_COLUMNS)
    if test_col == headline_col:
        index, head = to_wide(frame, keys, time_col, headline_col)
        test = head
    else:
        index, (head, test) = to_wide(frame, keys, time_col, [headline_col, test_col])
    pol = frame.groupby(keys, sort=True, observed=True)[polarity_col].first().to_numpy()

    # trajectory: Sen's slope over the window x (points - 1) relative to the window's median level
    win = last_points(head, st.trajectory_points)
    mk_w = mann_kendall_matrix(win)
    level = np.abs(_sorted_median(win))
    have = ~np.isnan(win)
    first = np.where(have.any(axis=1), np.argmax(have, axis=1), 0)
    last = np.where(have.any(axis=1), win.shape[1] - 1 - np.argmax(have[:, ::-1], axis=1), 0)
    span = (last - first).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        change = mk_w["slope"] * span
        rel = np.where(level > 0, change / level, np.where(change == 0, 0.0, np.sign(change)))
    enough = mk_w["n"] >= 2
    rising = rel > st.steady_band
    falling = rel < -st.steady_band
    good_up = pol == "high"
    traj = np.where(
        ~enough,
        INSUFFICIENT,
        np.where(
            rising,
            np.where(good_up, IMPROVING, DETERIORATING),
            np.where(falling, np.where(good_up, DETERIORATING, IMPROVING), STEADY),
        ),
    ).astype(object)
    traj[enough & ~np.isin(pol, ["high", "low"]) & (rising | falling)] = STEADY
    arrow = np.where(rising, ARROW_UP, np.where(falling, ARROW_DOWN, ARROW_FLAT)).astype(object)
    arrow[~enough] = ""

    # significance: Mann-Kendall on the test points
    mk = mann_kendall_matrix(last_points(test, st.mk_window))
    short = mk["n"] < st.mk_min_points
    p = np.where(short, np.nan, mk["p"])
    sig = pd.array(p < st.mk_alpha, dtype="boolean")
    sig[short | np.isnan(p)] = pd.NA
    note = mk_notes(mk, st.mk_min_points)
    out = index.copy()
    out["trajectory"] = traj
    out["trend_arrow"] = arrow
    out["trajectory_change"] = np.where(enough, rel, np.nan)
    out["trajectory_points"] = mk_w["n"]
    out["mk_n"] = mk["n"]
    out["mk_s"] = np.where(short, np.nan, mk["s"])
    out["mk_z"] = np.where(short, np.nan, mk["z"])
    out["mk_p_value"] = p
    out["sens_slope"] = np.where(short, np.nan, mk["slope"])
    out["trend_significant"] = sig
    out["mk_note"] = note
    return out

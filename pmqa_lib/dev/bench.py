"""Benchmark of the analytics at national scale (``make bench``; not a test).

``python -m pmqa_lib.dev.bench`` runs, each in its own process so peak memory is measured per run:

1. a synthetic national table of 152 local authorities x 100 indicators x 40 quarters
   (608,000 rows) through every analytics step: quarterly and annual measures, intervals and
   comparator significance, trajectory and Mann-Kendall, XmR SPC and icons, assurance;
2. the same at 10x (1,520 local authorities: 6,080,000 rows), to show how cost grows;
3. the reference: Mann-Kendall with pymannkendall and a plain per-series XmR loop over all 15,200
   series, against the vectorised trend and SPC steps on the same series.

4. validating a synthetic 1,000,000-row return (:func:`bench_million_rows`);
5. the quarter against its floor (:func:`quarter_bench`; alone with ``--quarter-only``): each part
   of what a quarter must do once, in a fresh process of its own (import Great Expectations and
   validate the shipped 2015Q2 returns; start a kernel and run papermill on the report notebook;
   WeasyPrint laying out the board report), then a cold ``make quarter Q=2015Q2`` into a temporary
   copy of ``data/raw`` (``data/raw`` itself is never written), its stages as they log their
   times, the quarter as a multiple of the floor, and a no-op re-run (best of three).

It prints a table and writes ``reports/bench.json`` (through :mod:`pmqa_lib.core.files`);
``--quarter-only`` replaces only the file's ``quarter`` entry.

Targets (2-core machine): <= 5 s and <= 2 GB at 608,000 rows; linear growth; >= 20x faster than
the per-series loop.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.format import RAGS
from pmqa_lib.core.methods import XMR_LIMIT

N_LA, N_IND, N_Q = 152, 100, 40
FIRST_QUARTER = 2010 * 4  # 2010Q1


# ---------------------------------------------------------------------------------------------
# Synthetic national data


def synthetic_catalogue(n_ind: int = N_IND) -> pd.DataFrame:
    """A catalogue frame with a realistic mix: rates (some 4-quarter rolling), percentages,
    averages in days and numbers; both polarities; thresholds on half of them."""
    i = np.arange(n_ind)
    unit = np.array(["rate_per_10k", "percent", "days", "number"])[i % 4]
    mult = np.select([unit == "rate_per_10k", unit == "percent"], [10_000.0, 100.0], 1.0)
    rolling = np.where((unit == "rate_per_10k") & (i % 8 == 0), 4, 1)
    result = np.array(["average", "snapshot", "cumulative"])[i % 3]
    result = np.where(unit == "number", "cumulative", result)
    polarity = np.where(i % 2 == 0, "high", "low")
    target = np.select(
        [unit == "rate_per_10k", unit == "percent", unit == "days"],
        [np.where(rolling > 1, 60.0, 15.0), 20.0, 30.0],
        25.0,
    )
    green = np.where(i % 2 == 0, target, np.nan)
    red = np.where(i % 2 == 0, target * 0.75, np.nan)
    green = np.where(polarity == "low", target, green)
    red = np.where((polarity == "low") & (i % 2 == 0), target * 1.25, red)
    return pd.DataFrame(
        {
            "indicator": [f"I{k:03d}" for k in i],
            "name": [f"Indicator {k}" for k in i],
            "agency": "CMBC",
            "lead_officer": "Lead",
            "polarity": polarity,
            "unit": unit,
            "precision": 1,
            "result_type": result,
            "multiplier": mult,
            "rolling_quarters": rolling,
            "target": target,
            "target_type": np.where(i % 3 == 0, "E", "L"),
            "green": green,
            "red": red,
        }
    )


def synthetic_observations(n_la: int, cat: pd.DataFrame, n_q: int = N_Q, seed: int = 1):
    """Observations (la, indicator, period, numerator, denominator, value, status) and
    populations (la, year, population), with 1% missing and 0.5% rejected rows."""
    rng = np.random.default_rng(seed)
    n_ind = len(cat)
    la = np.repeat(np.arange(n_la), n_ind * n_q)
    ind = np.tile(np.repeat(np.arange(n_ind), n_q), n_la)
    qn = np.tile(np.arange(n_q), n_la * n_ind)
    n = len(la)
    unit = cat["unit"].to_numpy()[ind]
    drift = rng.normal(0, 0.01, size=n_la * n_ind).repeat(n_q) * qn
    base = rng.uniform(20, 200, size=n_la * n_ind).repeat(n_q)
    numerator = rng.poisson(np.clip(base * (1 + drift), 1, None)).astype("float64")
    denominator = np.where(
        unit == "percent",
        numerator + rng.poisson(base * 4),
        np.where(unit == "days", rng.poisson(10, n) + 1, np.nan),
    )
    numerator = np.where(unit == "days", numerator * denominator / 4, numerator)
    value = np.where(unit == "number", numerator, np.nan)
    status = np.full(n, "ok", dtype=object)
    r = rng.random(n)
    status[r < 0.005] = "rejected"
    keep = r >= 0.015  # 1% of rows never returned
    period_ord = FIRST_QUARTER + qn
    fy, q = period_ord // 4, period_ord % 4 + 1
    periods = np.char.add(np.char.add(fy.astype(str), "Q"), q.astype(str))
    obs = pd.DataFrame(
        {
            "la": la,
            "indicator": cat["indicator"].to_numpy()[ind],
            "period": periods,
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "status": status,
        }
    )[keep]
    years = np.arange(2005, 2025)
    pops = pd.DataFrame(
        {
            "la": np.repeat(np.arange(n_la), len(years)),
            "year": np.tile(years, n_la),
            "population": rng.integers(20_000, 250_000, n_la).repeat(len(years)),
        }
    )
    return obs.reset_index(drop=True), pops


# ---------------------------------------------------------------------------------------------
# The national run


def national_run(obs: pd.DataFrame, pops: pd.DataFrame, cat: pd.DataFrame) -> dict[str, float]:
    """Every analytics step over all series, in blocks (:mod:`pmqa_lib.analytics.national`);
    returns seconds per step and in total."""
    from pmqa_lib.analytics.national import analyse_national

    t0 = time.perf_counter()
    result = analyse_national(obs, cat, pops, ["la", "indicator"])
    timings = dict(result.seconds)
    timings["total"] = time.perf_counter() - t0
    return timings


# ---------------------------------------------------------------------------------------------
# Per-series reference (the loop to beat)


def reference_xmr_special(y: np.ndarray, high_is_good: bool, run: int = 7) -> list[str]:
    """A plain per-point loop of the same XmR rules, one series at a time (the reference).

    Returns each point's type (common cause / special cause improvement / concern).
    """
    m = len(y)
    mean = sum(y) / m
    mrs = [abs(y[i] - y[i - 1]) for i in range(1, m)]
    amr = sum(mrs) / len(mrs) if mrs else 0.0
    upl, lpl = mean + XMR_LIMIT * amr, mean - XMR_LIMIT * amr
    up2, lo2 = mean + 2 / 3 * XMR_LIMIT * amr, mean - 2 / 3 * XMR_LIMIT * amr
    side = [(v > mean) - (v < mean) for v in y]
    flags = [0] * m  # +1 high-side signal, -1 low-side signal
    for i in range(m):
        if y[i] > upl:
            flags[i] = 1
        elif y[i] < lpl:
            flags[i] = -1
    i = 0
    while i < m:  # shifts
        j = i
        while j + 1 < m and side[j + 1] == side[i]:
            j += 1
        if side[i] != 0 and j - i + 1 >= run:
            for k in range(i, j + 1):
                flags[k] = flags[k] or side[i]
        i = j + 1
    i = 0
    while i < m - 1:  # trends (equal neighbours carry on)
        d = 0
        j = i
        moves = 0
        while j + 1 < m:
            s = (y[j + 1] > y[j]) - (y[j + 1] < y[j])
            if s != 0 and d != 0 and s != d:
                break
            if s != 0:
                d = s
                moves += 1
            j += 1
        if moves >= run - 1:
            for k in range(i, j + 1):
                flags[k] = flags[k] or d
            i = j
        else:
            i += 1
    for i in range(m - 2):  # two of three beyond 2 sigma, same side
        w = range(i, i + 3)
        for sgn, beyond in ((1, lambda v: v > up2), (-1, lambda v: v < lo2)):
            if all(side[k] == sgn for k in w) and sum(beyond(y[k]) for k in w) >= 2:
                for k in w:
                    if beyond(y[k]):
                        flags[k] = flags[k] or sgn
    good = 1 if high_is_good else -1
    return [
        "common cause"
        if f == 0
        else ("special cause improvement" if f == good else "special cause concern")
        for f in flags
    ]


def reference_loop(obs_wide: np.ndarray, high: np.ndarray) -> float:
    """Seconds to run pymannkendall and the per-series XmR over every row of ``obs_wide``."""
    import pymannkendall as mk

    t = time.perf_counter()
    for row, h in zip(obs_wide, high, strict=True):
        y = row[~np.isnan(row)]
        mk.original_test(y)
        reference_xmr_special(y.tolist(), bool(h))
    return time.perf_counter() - t


def vectorised_trend_spc(qm: pd.DataFrame, keys: list[str]) -> float:
    """Seconds for the vectorised Mann-Kendall with Sen's slope and XmR rules and icons over the
    same series as the reference: the same work, from the long frame (reshaping included).

    Series are identified by one integer column, as a national run would key them; modules are
    imported before the clock starts, as the reference's pymannkendall is.
    """
    from pmqa_lib.analytics.spc import spc_summary, xmr
    from pmqa_lib.analytics.trend import mann_kendall_matrix, to_wide

    frame = qm[["ordinal", "quarter_value", "polarity"]].copy()
    frame["series"] = qm.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
    t = time.perf_counter()
    _, wide = to_wide(frame, ["series"], "ordinal", "quarter_value")
    mann_kendall_matrix(wide)
    pts = xmr(frame, ["series"], "ordinal", "quarter_value", "polarity")
    spc_summary(pts, None, ["series"], "ordinal")
    return time.perf_counter() - t


# ---------------------------------------------------------------------------------------------
# Child processes, one per measurement


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(kind: str, scale: int) -> dict:
    cat = synthetic_catalogue()
    if kind == "national":
        # warm-up on 2 LAs: one-off imports and first-call costs are reported, not timed
        w_obs, w_pops = synthetic_observations(2, cat, seed=2)
        warm = national_run(w_obs, w_pops, cat)["total"]
    obs, pops = synthetic_observations(N_LA * scale, cat)
    before = _peak_mb()
    if kind == "national":
        timings = national_run(obs, pops, cat)
        return {
            "warm_up_seconds_2_las": warm,
            "kind": kind,
            "rows": int(N_LA * scale * N_IND * N_Q),
            "series": int(N_LA * scale * N_IND),
            "seconds": timings["total"],
            "steps": timings,
            "peak_mb": _peak_mb(),
            "input_mb": before,
        }
    # reference comparison on the same series (one chart value per quarter)
    from pmqa_lib.analytics.measures import quarterly_measures
    from pmqa_lib.analytics.trend import to_wide

    keys = ["la", "indicator"]
    qm = quarterly_measures(obs, cat, pops, None, keys)
    qm["ordinal"] = qm["fy"] * 4 + qm["quarter_in_year"] - 1
    vec = vectorised_trend_spc(qm, keys)
    _, wide = to_wide(qm, keys, "ordinal", "quarter_value")
    high = qm.groupby(keys, sort=True)["polarity"].first().to_numpy() == "high"
    ref = reference_loop(wide, high)
    return {
        "kind": kind,
        "series": int(wide.shape[0]),
        "vectorised_seconds": vec,
        "reference_seconds": ref,
        "speedup": ref / vec,
        "peak_mb": _peak_mb(),
    }


def _spawn(kind: str, scale: int, timeout: int | None = None) -> dict:
    cmd = [sys.executable, "-m", "pmqa_lib.dev.bench", "--child", kind, "--scale", str(scale)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _validation_child() -> dict:
    """Validate a 1,000,000-row return (:func:`bench_million_rows`)."""
    return {"kind": "validation", **bench_million_rows()}


def _validation_row(timeout: int = 900) -> dict | None:
    try:
        row = _spawn("validation", 1, timeout)
    except subprocess.TimeoutExpired:
        return {"kind": "validation", "error": f"bench_million_rows took over {timeout} s"}
    except subprocess.CalledProcessError as exc:
        tail = (exc.stderr or "").strip().splitlines()[-1:] or [""]
        return {"kind": "validation", "error": f"bench_million_rows failed: {tail[0]}"}
    return row


# ---------------------------------------------------------------------------------------------
# The quarter against its floor

QUARTER = "2015Q2"
#: ``[validate ] 2015Q2: ... (6.2 s)``: a stage's closing line (:func:`pmqa_lib.pipeline.stage`)
_STAGE_LINE = re.compile(r"^\[(\w+)\s*\] \S+:.* \((\d+(?:\.\d+)?) s\)$", re.M)
#: ``report 2015Q2: pdf 3.6 s``: a step of the report stage (:mod:`pmqa_lib.report.publish`)
_REPORT_STEP = re.compile(r"^report \S+: (\w+) (\d+(?:\.\d+)?) s$", re.M)
#: which floor part each stage (or report step) is measured against
_STAGE_FLOOR = {
    "validate": "gx_validation",
    "report_execute": "papermill",
    "report_pdf": "weasyprint",
}
QUARTER_TARGETS = {"ratio": 1.6, "cold_seconds": 10.0, "noop_seconds": 0.5}


def stage_seconds(output: str) -> dict[str, float]:
    """The stages' times as ``make quarter`` logs them (stdout and stderr together): ``validate``,
    ``analyse``, ``registers``, ``report``, and the report's steps as ``report_<step>``."""
    out = {name: float(sec) for name, sec in _STAGE_LINE.findall(output)}
    out.update({f"report_{step}": float(sec) for step, sec in _REPORT_STEP.findall(output)})
    return out


def quarter_result(
    cold_seconds: float, output: str, noop_runs: list[float], floor: dict[str, float]
) -> dict:
    """The quarter entry of ``bench.json`` from what :func:`quarter_bench` measured.

    ``floor`` holds the seconds of each floor part (fresh processes); ``stages`` the quarter's
    stages as logged, with ``outside_stages`` the rest of the wall time (processes, imports before
    a stage starts, make); ``per_stage`` divides a stage by its floor part where it has one (the
    stage's own time over the floor part's whole process).
    """
    stages = stage_seconds(output)
    top = ("validate", "analyse", "registers", "report")
    stages["outside_stages"] = round(cold_seconds - sum(stages.get(k, 0.0) for k in top), 2)
    total = sum(floor.values())
    per_stage = {
        k: round(stages[k] / floor[f], 2)
        for k, f in _STAGE_FLOOR.items()
        if k in stages and floor.get(f)
    }
    return {
        "quarter": QUARTER,
        "cold_seconds": round(cold_seconds, 2),
        "noop_seconds": round(min(noop_runs), 3) if noop_runs else None,
        "noop_runs": [round(t, 3) for t in noop_runs],
        "stages": stages,
        "floor": {**{k: round(v, 2) for k, v in floor.items()}, "total": round(total, 2)},
        "ratio": round(cold_seconds / total, 2) if total else None,
        "per_stage": per_stage,
        "targets": QUARTER_TARGETS,
    }


def _make_env(data_dir: Path, reports_dir: Path) -> dict[str, str]:
    """The environment of a top-level ``make`` on the copy (not a sub-make of ``make bench``)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return {**env, "DATA_DIR": str(data_dir), "REPORTS_DIR": str(reports_dir)}


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    from pmqa_lib.core.files import PROJECT_ROOT

    t0 = time.perf_counter()
    run = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if run.returncode != 0:
        tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-5:])
        raise RuntimeError(f"{' '.join(cmd[:4])} failed ({run.returncode}):\n{tail}")
    return seconds, run.stdout + run.stderr


def floor_child(part: str) -> None:
    """One part of the floor, on the quarter in ``DATA_DIR``/``REPORTS_DIR`` (a fresh process)."""
    from pmqa_lib.core.files import Paths
    from pmqa_lib.core.periods import Quarter

    q, paths = Quarter.parse(QUARTER), Paths.from_env()
    if part == "gx_validation":
        from pmqa_lib.core.catalogue import load_catalogue
        from pmqa_lib.validate import ingest
        from pmqa_lib.validate.return_rules import validate_returns
        from pmqa_lib.validate.stage import populations_for

        catalogue = load_catalogue(paths.catalogue_file)
        read = ingest.read_quarter(paths.returns_dir(q), q)
        validate_returns(read.returns, catalogue, populations_for(paths, catalogue))
    elif part == "papermill":
        from pmqa_lib.core.catalogue import load_catalogue
        from pmqa_lib.report import publish

        out = Path(tempfile.mkdtemp(prefix="pmqa-floor-"))
        try:
            params = {
                "quarter": q.code,
                "data_dir": str(paths.data_dir),
                "reports_dir": str(paths.reports_dir),
                "board_name": load_catalogue(paths.catalogue_file).board_name,
                "chart_dir": str(out / "charts"),
            }
            nb = out / "quarter_report.ipynb"
            publish.execute_notebook(publish.REPORT_NOTEBOOK, nb, params, out / "failed")
        finally:
            shutil.rmtree(out, ignore_errors=True)
    elif part == "weasyprint":
        from pmqa_lib.report import publish

        html = (paths.report_dir(q) / "board_report.html").read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="pmqa-floor-") as out:
            publish.html_to_pdf(publish.print_html(html), Path(out) / "board_report.pdf")
    else:
        raise ValueError(f"unknown floor part {part!r}")


def quarter_bench(noop_repeats: int = 3) -> dict:
    """A cold ``make quarter Q=2015Q2`` on a temporary copy of the raw data, its no-op re-runs,
    then each part of the floor in a fresh process on the same copy; see :func:`quarter_result`."""
    from pmqa_lib.core.files import Paths

    raw = Paths.from_env().raw
    with tempfile.TemporaryDirectory(prefix="pmqa-bench-") as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        shutil.copytree(raw, data / "raw", symlinks=True)
        (data / "processed").mkdir()
        reports.mkdir()
        env = _make_env(data, reports)
        make = ["make", "--no-print-directory", "quarter", f"Q={QUARTER}"]
        cold, output = _timed(make, env)
        noop = [_timed(make, env)[0] for _ in range(noop_repeats)]
        floor = {}
        for part in ("gx_validation", "papermill", "weasyprint"):
            cmd = [sys.executable, "-m", "pmqa_lib.dev.bench", "--floor", part]
            floor[part] = _timed(cmd, env)[0]
    return quarter_result(cold, output, noop, floor)


def print_quarter(r: dict) -> None:
    t = r["targets"]
    print(f"{'quarter ' + r['quarter'] + ', cold make quarter':<34}{'':>12}{r['cold_seconds']:>10.2f}"
          f"{'':>10}  < {t['cold_seconds']:.0f} s quiet; {r['ratio']:.2f}x floor "
          f"(<= {t['ratio']}x)")  # fmt: skip
    for k, sec in r["stages"].items():
        vs = f"{r['per_stage'][k]:.2f}x its floor part" if k in r["per_stage"] else ""
        print(f"  {k:<32}{'':>12}{sec:>10.2f}{'':>10}  {vs}")
    for k, sec in r["floor"].items():
        print(f"  {'floor: ' + k:<32}{'':>12}{sec:>10.2f}{'':>10}  fresh process")
    print(f"{'no-op re-run (best of ' + str(len(r['noop_runs'])) + ')':<34}{'':>12}"
          f"{r['noop_seconds']:>10.2f}{'':>10}  < {t['noop_seconds']} s", flush=True)  # fmt: skip


def _write_quarter_only(result: dict) -> Path:
    from pmqa_lib.core.files import Paths, write_json

    path = Paths.from_env().reports_dir / "bench.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {"machine": {"python": platform.python_version(), "platform": platform.platform()}}
    kept["quarter"] = result
    write_json(kept, path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", choices=["national", "reference", "validation"])
    ap.add_argument("--floor", choices=["gx_validation", "papermill", "weasyprint"])
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--no-10x", action="store_true", help="skip the 10x run (about a minute)")
    ap.add_argument(
        "--quarter-only", action="store_true", help="only the quarter against its floor"
    )
    args = ap.parse_args(argv)
    if args.floor:
        floor_child(args.floor)
        return 0
    if args.child == "validation":
        print(json.dumps(_validation_child(), default=str))
        return 0
    if args.child:
        print(json.dumps(child(args.child, args.scale)))
        return 0
    if args.quarter_only:
        quarter = quarter_bench()
        print_quarter(quarter)
        print(f"written {_write_quarter_only(quarter)}")
        return 0

    from pmqa_lib.core.files import Paths, write_json

    runs = [_spawn("national", 1)]
    if not args.no_10x:
        runs.append(_spawn("national", 10))
    ref = _spawn("reference", 1)

    base = runs[0]
    print(f"{'run':<34}{'rows':>12}{'seconds':>10}{'peak MB':>10}  target")
    for r in runs:
        label = f"national x{r['rows'] // base['rows']}"
        tgt = "<= 5 s, <= 2048 MB" if r is base else f"linear: {r['rows'] / base['rows']:.0f}x rows"
        print(f"{label:<34}{r['rows']:>12,}{r['seconds']:>10.2f}{r['peak_mb']:>10.0f}  {tgt}")
    for step, sec in base["steps"].items():
        if step != "total":
            print(f"  {step:<32}{'':>12}{sec:>10.2f}")
    if len(runs) > 1:
        growth = runs[1]["seconds"] / base["seconds"]
        print(f"{'growth at 10x rows':<34}{'':>12}{growth:>9.1f}x{'':>10}  ~10x = linear")
    print(
        f"{'trend + SPC, vectorised':<34}{ref['series']:>12,}{ref['vectorised_seconds']:>10.2f}"
        f"{'':>10}  series"
    )
    print(
        f"{'trend + SPC, per-series loop':<34}{ref['series']:>12,}{ref['reference_seconds']:>10.2f}"
        f"{'':>10}  pymannkendall + XmR loop"
    )
    print(f"{'speed-up':<34}{'':>12}{ref['speedup']:>9.0f}x{'':>10}  >= 20x", flush=True)
    val = _validation_row()
    if "error" in val:
        print(f"{'validate 1,000,000-row return':<34} {val['error']}")
    else:
        print(
            f"{'validate 1,000,000-row return':<34}{val['rows']:>12,}{val['seconds']:>10.2f}"
            f"{val['peak_rss_mb']:>10.0f}  peak RSS; {val.get('rows_rejected', '?')} rows rejected"
        )
    quarter = quarter_bench()
    print_quarter(quarter)
    result = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "targets": {"seconds": 5, "peak_mb": 2048, "speedup": 20},
        "national": runs,
        "reference": ref,
        "validation": val,
        "quarter": quarter,
    }
    if len(runs) > 1:
        result["growth_10x"] = runs[1]["seconds"] / base["seconds"]
    path = Paths.from_env().reports_dir / "bench.json"
    write_json(result, path)
    print(f"written {path}")
    return 0


def bench_million_rows(n: int = 1_000_000, catalogue=None) -> dict:
    """Validate an ``n``-row return (synthetic, seeded) and report time and peak memory.

    Returns
    -------
    dict
        ``rows``, ``seconds``, ``peak_rss_mb`` (the process's peak resident memory, from
        ``resource``; tracemalloc would slow pandas several-fold), ``rss_before_mb`` (the same
        just before validating, with the frame built and GX started), ``rows_rejected`` (the
        synthetic frame plants a negative numerator in about 1 row in 1,000), ``rows_accepted``.
    """
    from pmqa_lib.core import gx_runner as gx
    from pmqa_lib.core.catalogue import load_catalogue
    from pmqa_lib.core.files import Paths
    from pmqa_lib.validate import ingest
    from pmqa_lib.validate.return_rules import split, validate_returns

    catalogue = catalogue or load_catalogue(Paths.from_env().catalogue_file)
    gx._context()  # exclude GX's import and start-up from the timing
    rng = np.random.default_rng(20151)
    cat = catalogue.to_frame()
    inds = cat[cat["frequency"] == "quarterly"].reset_index(drop=True)  # every quarter is due
    k = np.arange(n)
    pick = inds.iloc[k % len(inds)].reset_index(drop=True)
    # one row per (indicator, period): periods run back from 9999Q4, the quarter "being run"
    ords = 9999 * 4 + 3 - k // len(inds)
    periods = pd.Series(ords // 4).astype(str) + "Q" + pd.Series(ords % 4 + 1).astype(str)
    num = rng.integers(0, 50, n).astype(float)
    # each unit's figure in the columns its template fills (pmqa_lib.core.units.FIGURE_FORMS)
    unit = pick["unit"].to_numpy()
    has_den = np.isin(unit, ["percent", "days", "ratio"])
    is_number = unit == "number"
    df = pd.DataFrame(
        {
            "agency": pick["agency"].to_numpy(),
            "indicator": pick["indicator"].to_numpy(),
            "period": periods.to_numpy(),
            "numerator": np.where(is_number, np.nan, num),
            "denominator": np.where(has_den, num + rng.integers(1, 50, n), np.nan),
            "value": np.where(is_number, num, np.nan),
            "proposed_rag": rng.choice(list(RAGS), n),
            "commentary": "Commentary as an agency would write it.",
            "actions": None,
            "action_timescale": None,
            "source_file": pick["agency"].to_numpy() + "_9999Q4.csv",
            "sheet": "",
            "source_row": k + 2,
            "received_in": "9999Q4",
        }
    )
    bad = rng.random(n) < 0.001
    df.loc[bad & ~is_number, "numerator"] = -1.0
    df.loc[bad & is_number, "value"] = -1.0
    for c in ingest.MARKER_COLUMNS + ingest.RAW_COLUMNS:
        df[c] = None
    df["_extra_cells"] = 0
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    failures = validate_returns(df, catalogue)
    accepted, rejected = split(df, failures)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": n,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "rss_before_mb": round(before_mb, 1),
        "rows_rejected": len(rejected),
        "rows_accepted": len(accepted),
    }


if __name__ == "__main__":
    raise SystemExit(main())

"""The Makefile's plan: each stage reruns when, and only when, what it reads or runs changes; and
STRICT=1 fails a cached quarter that has rejections. Runs against the session's example run."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from pmqa_lib.core.files import PROJECT_ROOT
from tests.conftest import EXAMPLE_QUARTER

pytestmark = pytest.mark.slow
STAGE_COMMAND = re.compile(r"pmqa_lib\.cli (validate|process|report) ")


def _make(paths, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATA_DIR=str(paths.data_dir), REPORTS_DIR=str(paths.reports_dir))
    return subprocess.run(
        ["make", "--no-print-directory", *args, f"Q={EXAMPLE_QUARTER}"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _planned(paths, changed: str | None = None) -> list[str]:
    """The stages `make -n` would run for the quarter if ``changed`` were newer than every output
    (make's -W: nothing is touched). -W does not reach a sub-make, so this asks the sub-make that
    `make quarter` runs."""
    args = ["-n", *(["-W", changed] if changed else []), "_quarter"]
    run = _make(paths, *args)
    assert run.returncode == 0, run.stderr
    return STAGE_COMMAND.findall(run.stdout)


@pytest.mark.parametrize(
    ("changed", "stages"),
    [
        (None, []),  # nothing changed: nothing to do
        ("pmqa_lib/report/templates/pmqa/report.css", ["report"]),
        ("pmqa_lib/report/templates/pmqa/index.html.j2", ["report"]),
        ("notebooks/quarter_report.ipynb", ["report"]),
        ("pmqa_lib/report/tables.py", ["report"]),  # a report module never re-runs validation
        ("pmqa_lib/analytics/measures.py", ["process", "report"]),
        ("pmqa_lib/registers/status.py", ["process", "report"]),
        ("pmqa_lib/validate/ingest.py", ["validate", "process", "report"]),
    ],
)
def test_each_change_replans_only_the_stages_after_it(example_run, changed, stages):
    paths, _ = example_run
    assert _planned(paths, changed) == stages


def test_raw_files_with_spaces_added_and_removed_replan_from_validation(example_run):
    paths, _ = example_run
    folder = paths.returns_dir(EXAMPLE_QUARTER)
    prints = sorted((paths.processed_dir(EXAMPLE_QUARTER) / ".inputs").iterdir())
    kept = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in prints}
    extra = folder / "WYP_2015Q2 (copy é).csv"
    try:
        extra.write_bytes((folder / "WYP_2015Q2.csv").read_bytes())
        assert _planned(paths) == ["validate", "process", "report"]
        extra.unlink()
        # back as it was, but the fingerprint was rewritten in between: make rebuilds once more
        # rather than risk skipping a change
        assert _planned(paths) == ["validate", "process", "report"]
    finally:
        extra.unlink(missing_ok=True)
        for p, (data, mtime) in kept.items():  # leave the session's run up to date for others
            p.write_bytes(data)
            os.utime(p, ns=(mtime, mtime))
    assert _planned(paths) == []


def test_a_new_register_file_replans_from_process(example_run):
    paths, _ = example_run
    prints = sorted((paths.processed_dir(EXAMPLE_QUARTER) / ".inputs").iterdir())
    kept = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in prints}
    extra = paths.registers / "impact log (draft).csv"
    try:
        extra.write_text("date,pmqa_activity\n")
        assert _planned(paths) == ["process", "report"]
    finally:
        extra.unlink(missing_ok=True)
        for p, (data, mtime) in kept.items():
            p.write_bytes(data)
            os.utime(p, ns=(mtime, mtime))


def test_strict_fails_a_cached_quarter_with_rejections(example_run):
    paths, _ = example_run
    assert _planned(paths) == []  # cached: STRICT must not depend on validation re-running
    strict = _make(paths, "quarter", "STRICT=1")
    assert strict.returncode == 2
    assert "STRICT=1 and 0 file(s), 3 row(s) were rejected for Q2 2015/16" in strict.stderr
    assert "[validate" not in strict.stdout  # it was not re-run
    relaxed = _make(paths, "quarter")
    assert relaxed.returncode == 0, relaxed.stderr


def test_make_clean_removes_a_killed_runs_build_folders_and_never_raw(tmp_path):
    data, reports = tmp_path / "data", tmp_path / "reports"
    (data / "raw" / "2015Q2").mkdir(parents=True)
    (data / "raw" / "2015Q2" / "CMBC_2015Q2.csv").write_text("kept\n")
    (data / "processed" / "2015Q2").mkdir(parents=True)
    left = [
        reports / ".2015Q2.building.4242.abc",  # a killed board report build
        reports / ".2015Q2.building.4242.drilldown_1.1.xyz",
        data / "processed" / "2015Q2",
    ]
    for p in left:
        p.mkdir(parents=True, exist_ok=True)
        (p / "half.html").write_text("half written")
    env = dict(os.environ, DATA_DIR=str(data), REPORTS_DIR=str(reports))
    run = subprocess.run(["make", "--no-print-directory", "clean"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert not any(p.exists() for p in left)
    assert sorted(p.name for p in reports.iterdir()) == [".gitkeep"]
    assert (data / "raw" / "2015Q2" / "CMBC_2015Q2.csv").read_text() == "kept\n"

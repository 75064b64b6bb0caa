"""The import contracts between pmqa_lib's stages (pyproject.toml, [tool.importlinter]) hold, and
they can fail: a copy of the package with one upward import breaks the layers contract."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pmqa_lib.core.files import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_stage_contracts_hold():
    run = _lint_imports(PROJECT_ROOT)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "BROKEN" not in run.stdout and run.stdout.count("KEPT") >= 3


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    shutil.copytree(
        PROJECT_ROOT / "pmqa_lib",
        tmp_path / "pmqa_lib",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    periods = tmp_path / "pmqa_lib" / "core" / "periods.py"
    periods.write_text(periods.read_text() + "\nfrom pmqa_lib.report import tables  # noqa\n")
    run = _lint_imports(tmp_path)
    assert run.returncode != 0
    assert "pmqa_lib.core is not allowed to import pmqa_lib.report" in run.stdout


def test_analytics_may_not_touch_files(tmp_path):
    shutil.copytree(
        PROJECT_ROOT / "pmqa_lib",
        tmp_path / "pmqa_lib",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    stats = tmp_path / "pmqa_lib" / "analytics" / "stats.py"
    stats.write_text(stats.read_text() + "\nfrom pmqa_lib.core.files import write_csv  # noqa\n")
    run = _lint_imports(tmp_path)
    assert run.returncode != 0 and "Analytics is pure" in run.stdout

"""Shared fixtures: one pipeline run of the shipped example returns for the whole test session.

``example_processed`` validates and processes 2015Q2 in a temporary folder (DATA_DIR and
REPORTS_DIR there, so the checkout is never written); ``example_run`` adds the board report (HTML
and PDF). Each runs at most once per session, however many test files use it.
``calderdale_profile`` is one authority's profile, built once per run and shared by the workers.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil

import pytest

from pmqa_lib.core.files import PROJECT_ROOT, Paths
from pmqa_lib.core.periods import Quarter
from pmqa_lib.core.stage_inputs import STAGES, refresh_fingerprint

EXAMPLE_QUARTER = Quarter.parse("2015Q2")


@pytest.fixture(scope="session")
def example_processed(tmp_path_factory) -> Paths:
    """The shipped example's 2015Q2 validated and processed (``data/processed/2015Q2``)."""
    from pmqa_lib import pipeline

    tmp = tmp_path_factory.mktemp("example")
    shutil.copytree(PROJECT_ROOT / "data" / "raw", tmp / "data" / "raw")
    paths = Paths(tmp / "data", tmp / "reports")
    # the fingerprints `make` keeps of each stage's inputs, taken before the stages run (as make
    # does), so `make` on these folders sees the run as up to date (tests/e2e/test_make.py)
    for stage in STAGES:
        refresh_fingerprint(stage, EXAMPLE_QUARTER, paths)
    assert pipeline.run_validate(EXAMPLE_QUARTER, paths) == 0
    assert pipeline.run_process(EXAMPLE_QUARTER, paths) == 0
    return paths


@pytest.fixture(scope="session")
def example_run(example_processed):
    """``(paths, result)``: the board report of the shipped 2015Q2 built from
    :func:`example_processed` (``result`` is :func:`pmqa_lib.report.publish.build_board_report`'s)."""
    from pmqa_lib.report import publish

    result = publish.build_board_report(EXAMPLE_QUARTER, example_processed, pdf=True)
    return example_processed, result


@pytest.fixture(scope="session")
def calderdale_profile(tmp_path_factory) -> dict:
    """``make profile LA=Calderdale`` (model 2021) built once per test run into a temporary reports
    folder: :func:`pmqa_lib.report.profile_pages.build_profile`'s result. The profile tests share
    this one build (issue 15: profile one authority, not four). Under pytest-xdist the first
    worker that needs it builds it, under a lock, in the run's base folder that all workers share;
    the others read its result (xdist's ``loadgroup`` does not group tests with pytest 9 here)."""
    from pmqa_lib.core.files import public_data_dir
    from pmqa_lib.report import profile_pages

    if public_data_dir() is None:
        pytest.skip("public DfE/ONS files not found: set PUBLIC_DATA_DIR")
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's base folder, shared by its workers
    folder = root / "calderdale_profile"
    with open(root / "calderdale_profile.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        done = folder / "result.pickle"
        if not done.exists():
            paths = Paths(PROJECT_ROOT / "data", folder / "reports", public_data_dir())
            out = profile_pages.build_profile("Calderdale", paths, model="2021")
            done.write_bytes(pickle.dumps(out))
        return pickle.loads(done.read_bytes())

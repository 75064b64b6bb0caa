"""Shared helpers for the report tests: the synthetic processed quarter in tests/fixtures/report."""

from __future__ import annotations

from pathlib import Path

from pmqa_lib.core.files import Paths
from pmqa_lib.report.inputs import ReportInputs, load_report_inputs

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "report" / "data"


def fixture_paths(reports: Path | None = None) -> Paths:
    return Paths(FIXTURE, reports or FIXTURE.parent / "reports-not-written")


def fixture_inputs() -> ReportInputs:
    return load_report_inputs("2015Q2", fixture_paths())

"""core.stage_inputs: what each stage reads, and a fingerprint that changes only when it does."""

from __future__ import annotations

import os
import shutil

from pmqa_lib.core import stage_inputs
from pmqa_lib.core.files import PROJECT_ROOT, Paths
from pmqa_lib.core.stage_inputs import (
    fingerprint_file,
    process_inputs,
    raw_inputs,
    refresh_fingerprint,
    validate_inputs,
)


def _board(tmp_path) -> Paths:
    raw = tmp_path / "data" / "raw"
    for q in ("2015Q1", "2015Q2", "2015Q3"):
        shutil.copytree(PROJECT_ROOT / "data" / "raw" / q, raw / q)
    shutil.copytree(PROJECT_ROOT / "data" / "raw" / "reference", raw / "reference")
    shutil.copytree(PROJECT_ROOT / "data" / "raw" / "registers", raw / "registers")
    return Paths(tmp_path / "data", tmp_path / "reports")


def test_validation_reads_returns_up_to_the_quarter_and_the_return_suites(tmp_path):
    paths = _board(tmp_path)
    names = [p.relative_to(paths.raw).as_posix() if p.is_relative_to(paths.raw) else p.name
             for p in validate_inputs("2015Q2", paths)]  # fmt: skip
    assert "2015Q1/WYP_2015Q1.csv" in names and "2015Q2/HEALTH_2015Q2.xlsx" in names
    assert not any(n.startswith("2015Q3/") for n in names)  # a later quarter is not read
    assert "reference/catalogue.yaml" in names and "agency_return.json" in names
    assert not any(n.startswith("register_") for n in names)
    process = {p.name for p in process_inputs("2015Q2", paths)}
    assert {"population_0_17.csv", "comparators.csv", "rolling_reports.csv"} <= process
    assert "register_rolling_reports.json" in process
    every = raw_inputs("2015Q2", paths)
    assert len(every) == len(set(every))  # the catalogue is listed once


def test_fingerprint_changes_with_any_input_and_only_then(tmp_path):
    paths = _board(tmp_path)
    assert refresh_fingerprint("validate", "2015Q2", paths) is True  # first time
    assert refresh_fingerprint("process", "2015Q2", paths) is True
    assert refresh_fingerprint("process", "2015Q2", paths) is False
    path = fingerprint_file("validate", "2015Q2", paths)
    os.utime(path, ns=(1, 1))
    assert refresh_fingerprint("validate", "2015Q2", paths) is False
    assert path.stat().st_mtime_ns == 1  # untouched: make sees the stage as up to date
    folder = paths.returns_dir("2015Q2")
    odd = folder / "CMBC return (v2) é.csv"  # spaces and non-ASCII in a name
    odd.write_text("x\n")
    assert refresh_fingerprint("validate", "2015Q2", paths) is True
    odd.unlink()
    assert refresh_fingerprint("validate", "2015Q2", paths) is True  # a removal counts too
    assert refresh_fingerprint("validate", "2015Q2", paths) is False
    (paths.registers / "impact_log.csv").write_text("changed\n")
    assert refresh_fingerprint("validate", "2015Q2", paths) is False  # not a validation input
    assert refresh_fingerprint("process", "2015Q2", paths) is True
    assert refresh_fingerprint("process", "2015Q2", paths) is False


def test_a_stamp_holds_its_result_until_a_file_it_read_changes(tmp_path):
    read = tmp_path / "assurance.csv"
    read.write_text("indicator,rag\n1.1,Red\n")
    stamp = tmp_path / ".inputs" / "summary"
    digest = stage_inputs.stamp_digest([read, tmp_path / "missing.pdf"])
    assert stage_inputs.read_stamp(stamp, digest) is None  # never written
    stage_inputs.write_stamp(stamp, digest, '{"rag": 1}')
    assert stage_inputs.read_stamp(stamp, digest) == '{"rag": 1}'
    read.write_text("indicator,rag\n1.1,Green\n")  # edited (size and time)
    assert stage_inputs.read_stamp(stamp, stage_inputs.stamp_digest([read])) is None
    assert stage_inputs.stamp_digest([read], "2026-12-02") != stage_inputs.stamp_digest([read])

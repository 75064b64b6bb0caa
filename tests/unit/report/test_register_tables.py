"""Register tables for the report: a register that could not be read is said so, never "None."."""

from __future__ import annotations

import pandas as pd

from pmqa_lib.core.files import Paths, write_csv
from pmqa_lib.core.periods import Quarter
from pmqa_lib.registers.reading import PROBLEM_COLUMNS
from pmqa_lib.report import register_tables

Q2 = Quarter.parse("2015Q2")


def test_an_unreadable_register_is_named_in_place_of_its_table(tmp_path):
    paths = Paths(tmp_path / "data", tmp_path / "reports")
    problems = pd.DataFrame(
        [
            ["audit_actions", "audit_actions.csv", None, "", "", "file_readable", "error",
             "audit_actions.csv: the file is not UTF-8 text; save it as CSV UTF-8; the register "
             "is left out of the report"],
            ["rolling_reports", "rolling_reports.csv", 31, "report", "", "required", "error",
             "rolling_reports.csv row 31, column report: is blank"],
        ],
        columns=PROBLEM_COLUMNS,
    )  # fmt: skip
    write_csv(problems, paths.processed_dir(Q2) / "registers_problems.csv")
    out = register_tables.unreadable_tables(Q2, paths)
    assert list(out) == ["Audit actions past their target date (Appendix 4)"]
    text = out["Audit actions past their target date (Appendix 4)"]
    assert text.startswith("Not shown: the register could not be read, so this list is unknown")
    assert "audit_actions.csv: the file is not UTF-8 text" in text
    assert "registers_problems.csv" in text

"""Ingest: tidy table shape, row numbers, markers, structural faults never raise."""

from __future__ import annotations

import pandas as pd

from pmqa_lib.validate import ingest

HEADER = ",".join(ingest.RETURN_COLUMNS)


def test_rows_numbered_as_a_person_sees_them(tmp_path):
    p = tmp_path / "WYP_2015Q2.csv"
    # row 1 header, row 2 data, row 3 blank, row 4 data with a quoted newline, row 5 data
    p.write_text(
        HEADER
        + '\nWYP,CSCB03,2015Q2,,,9,,,,\n,,,,,,,,,\nWYP,CSCB04,2015Q2,,,4,,"two\nlines",,\nWYP,CSCB05a,2015Q2,:,,-,,,,\n'
    )
    tidy, rec = ingest.read_file(p, "2015Q2")
    assert tidy["source_row"].tolist() == [2, 4, 5]
    assert list(tidy.columns[: len(ingest.TIDY_COLUMNS)]) == ingest.TIDY_COLUMNS
    assert tidy["commentary"].iloc[1] == "two\nlines"
    assert tidy["numerator_marker"].iloc[2] == ":" and tidy["value_marker"].iloc[2] == "-"
    assert pd.isna(tidy["value"].iloc[2]) and rec["rows"] == 3


def test_every_marker_is_missing_not_zero(tmp_path):
    lines = [HEADER] + [f"WYP,CSCB03,2015Q2,,,{m},,,," for m in ingest.SUPPRESSION_MARKERS]
    p = tmp_path / "WYP_2015Q2.csv"
    p.write_text("\n".join(lines) + "\n")
    tidy, _ = ingest.read_file(p, "2015Q2")
    assert tidy["value"].isna().all()
    assert tidy["value_marker"].tolist() == list(ingest.SUPPRESSION_MARKERS)
    assert tidy["value_raw"].isna().all()


def test_read_quarter_ignores_lock_files_and_keeps_going(tmp_path):
    (tmp_path / "~$CMBC_2015Q2.xlsx").write_bytes(b"lock")
    (tmp_path / "CMBC_2015Q2.csv").write_bytes(b"\x00\x01junk")
    (tmp_path / "WYP_2015Q2.csv").write_text(HEADER + "\nWYP,CSCB03,2015Q2,,,9,,,,\n")
    r = ingest.read_quarter(tmp_path, "2015Q2")
    assert r.files.set_index("source_file")["status"].to_dict() == {
        "CMBC_2015Q2.csv": "rejected", "WYP_2015Q2.csv": "read", "~$CMBC_2015Q2.xlsx": "ignored",
    }  # fmt: skip
    assert r.returns["source_file"].tolist() == ["WYP_2015Q2.csv"]

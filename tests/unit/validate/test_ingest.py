"""Ingest: tidy table shape, row numbers, markers, structural faults never raise."""

from __future__ import annotations

import os
import time
import zipfile

import pandas as pd
import pytest

from pmqa_lib.validate import ingest
from tests import TESTS_DIR

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


def test_links_pipes_and_folders_are_reported_never_opened(tmp_path):
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("SECRET first line\n")
    folder = tmp_path / "2015Q2"
    folder.mkdir()
    (folder / "CMBC_2015Q2.csv").symlink_to(secret)
    os.mkfifo(folder / "WYP_2015Q2.csv")  # reading it would wait for ever
    (folder / "EDU").mkdir()
    r = ingest.read_quarter(folder, "2015Q2")
    files = r.files.set_index("source_file")
    assert (files["status"] == "rejected").all()
    assert "link" in files.loc["CMBC_2015Q2.csv", "reason"]
    assert "pipe" in files.loc["WYP_2015Q2.csv", "reason"]
    assert "folder" in files.loc["EDU", "reason"]
    assert files["sha256"].isna().all() and r.returns.empty
    assert not any("SECRET" in str(v) for v in r.files.to_numpy().ravel())


def test_a_zip_bomb_is_rejected_before_it_is_parsed(tmp_path):
    p = tmp_path / "EDU_2015Q2.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (3 * 1024 * 1024))  # 18 MB
    assert p.stat().st_size < 200_000
    t0 = time.perf_counter()
    tidy, rec = ingest.read_file(p, "2015Q2")
    assert time.perf_counter() - t0 < 2
    assert rec["status"] == "rejected" and "unpacks to 19 MB" in rec["reason"] and tidy.empty


def test_a_workbook_stating_too_many_rows_is_rejected_unread(tmp_path):
    p = tmp_path / "EDU_2015Q2.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:J160000"/>')
    tidy, rec = ingest.read_file(p, "2015Q2")
    assert rec["status"] == "rejected" and "160,000 rows" in rec["reason"]


def test_password_protected_and_old_workbooks_are_named(tmp_path):
    encrypted = TESTS_DIR / "plausible_but_wrong" / "password_protected" / "2015Q2"
    p = tmp_path / "EDU_2015Q2.xlsx"
    p.write_bytes((encrypted / "EDU_2015Q2.xlsx").read_bytes())
    _, rec = ingest.read_file(p, "2015Q2")
    assert rec["status"] == "rejected" and "password-protected" in rec["reason"]
    assert "BadZipFile" not in rec["reason"]
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") * 64)
    _, rec = ingest.read_file(p, "2015Q2")
    assert "97-2003" in rec["reason"]


def test_a_nul_byte_names_its_row_and_column(tmp_path):
    p = tmp_path / "WYP_2015Q2.csv"
    p.write_bytes(
        (HEADER + "\nWYP,CSCB03,2015Q2,,,9,,ok,,\nWYP,CSCB04,2015Q2,,,4,,bad\x00,,\n").encode()
    )
    _, rec = ingest.read_file(p, "2015Q2")
    assert rec["status"] == "rejected"
    assert (rec["source_row"], rec["column"]) == (3, "commentary")
    assert rec["reason"].startswith("row 3, column commentary holds a NUL byte")


def test_a_cell_longer_than_the_csv_default_is_read_for_the_rules(tmp_path):
    p = tmp_path / "WYP_2015Q2.csv"
    p.write_text(HEADER + '\nWYP,CSCB03,2015Q2,,,9,,"' + "x" * 300_000 + '",,\n')
    tidy, rec = ingest.read_file(p, "2015Q2")
    assert rec["status"] == "read" and len(tidy["commentary"].iloc[0]) == 300_000


@pytest.mark.parametrize("text", ["\uff14\uff10\uff11", "\u0664\u0660\u0661", "1e400", "inf"])
def test_other_digits_and_numbers_too_large_are_text_never_a_figure(tmp_path, text):
    p = tmp_path / "WYP_2015Q2.csv"
    p.write_text(HEADER + f"\nWYP,CSCB04,2015Q2,,,{text},,,,\n", encoding="utf-8")
    tidy, _ = ingest.read_file(p, "2015Q2")
    assert pd.isna(tidy["value"].iloc[0]) and tidy["value_raw"].iloc[0] == text

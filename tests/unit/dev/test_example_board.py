"""The seeded example board generator rebuilds the committed returns byte for byte."""

import csv
import io

import pytest
from openpyxl import load_workbook

from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir
from pmqa_lib.core.periods import quarter_range
from pmqa_lib.dev import example_board as eb

RAW = PROJECT_ROOT / "data" / "raw"
AGENCIES = ("CMBC", "WYP", "HEALTH", "EDU", "CSCB")


@pytest.fixture(scope="module")
def files():
    return eb.build_files(RAW / "reference" / "catalogue.yaml", public_data_dir())


def test_rebuilds_committed_files_byte_for_byte(files, tmp_path):
    eb.write_files(files, tmp_path)  # the real writing path, into a temporary folder
    rebuilt = {rel: (tmp_path / rel).read_bytes() for rel in files}
    assert eb.compare_files(rebuilt, RAW) == []


def test_generator_is_deterministic(files):
    again = eb.build_files(RAW / "reference" / "catalogue.yaml", public_data_dir())
    assert again == files


def test_xlsx_bytes_do_not_depend_on_the_clock():
    a = eb.xlsx_bytes(["a", "b"], [[1, "x"]])
    b = eb.xlsx_bytes(["a", "b"], [[1, "x"]])
    assert a == b
    wb = load_workbook(io.BytesIO(a))
    assert wb.properties.modified.year == 2016


def test_one_file_per_agency_per_quarter_except_missing():
    for q in quarter_range("2013Q1", "2015Q4"):
        names = sorted(p.name for p in (RAW / q.code).iterdir())
        expected = sorted(
            f"{a}_{q.code}.{'xlsx' if a in eb.XLSX_AGENCIES else 'csv'}"
            for a in AGENCIES
            if (a, q.code) not in eb.MISSING_RETURNS
        )
        assert names == expected, q.code
    assert not (RAW / "2013Q3" / "HEALTH_2013Q3.xlsx").exists()  # never sent


def _read(path):
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        assert wb.sheetnames == ["Return"]
        rows = [
            ["" if v is None else str(v) for v in r]
            for r in wb["Return"].iter_rows(values_only=True)
        ]
        return rows[0], rows[1:]
    raw = path.read_bytes()
    assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    return rows[0], rows[1:]


def test_every_return_has_the_exact_columns():
    returns = sorted(RAW.glob("20??Q?/*"))
    assert len(returns) == 12 * 5 - len(eb.MISSING_RETURNS)
    for path in returns:
        header, rows = _read(path)
        assert header == eb.RETURN_COLUMNS, path.name
        agency, quarter = path.stem.split("_")
        assert rows, path.name
        assert {r[0] for r in rows} == {agency}, path.name
        for r in rows:
            assert len(r) == len(eb.RETURN_COLUMNS)
            # a period is the return's quarter or earlier, except the planted fault
            if r[2] > quarter:
                assert (path.name, r[2]) == ("EDU_2014Q4.xlsx", "2015Q1")


def test_planted_faults_point_at_real_rows():
    with open(RAW / "reference" / "planted_faults.csv", encoding="utf-8") as fh:
        faults = list(csv.DictReader(fh))
    assert {f["fault"] for f in faults} >= {
        "invalid_rag",
        "negative_count",
        "revision",
        "unknown_indicator",
    }
    for f in faults:
        quarter = f["file"].split("_")[1].split(".")[0]
        header, rows = _read(RAW / quarter / f["file"])
        row = rows[int(f["row"]) - 2]  # row 1 is the header
        cell = row[header.index(f["column"])]
        if f["fault"] == "invalid_rag":
            assert cell == "Gren"
        elif f["fault"] == "negative_count":
            assert int(cell) < 0
        elif f["fault"] == "numerator_exceeds_denominator":
            assert int(cell) > int(row[header.index("denominator")])
        elif f["fault"] == "unknown_indicator":
            assert cell == "CSCB06"
        elif f["fault"] == "period_after_return":
            assert cell > quarter
        elif f["fault"] == "revision":
            assert row[header.index("period")] < quarter
    # no fault on a figure Appendix 1 prints
    printed = {"1.1", "1.1a", "3.1", "CSCB03", "CSCB04", "CSCB05a", "CSCB05c"}
    for f in faults:
        quarter = f["file"].split("_")[1].split(".")[0]
        header, rows = _read(RAW / quarter / f["file"])
        assert rows[int(f["row"]) - 2][1] not in printed


def test_search_finds_the_shipped_eisa_counts():
    found = eb.search_eisa_counts()
    assert found == {k: eb.EISA_NEW[k] for k in found}
    eb.check_eisa_counts()


def test_check_rejects_counts_that_miss_a_printed_figure():
    bad = dict(eb.EISA_NEW, **{"2015Q1": 78})  # 252 over 2014Q2-2015Q1 gives 55.3, not 55.1
    with pytest.raises(ValueError, match="rate_2015Q1"):
        eb.check_eisa_counts(bad)


def test_main_check_fails_on_a_changed_file(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(RAW, tmp_path / "raw")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert eb.main(["--check"]) == 0
    target = tmp_path / "raw" / "2015Q2" / "WYP_2015Q2.csv"
    target.write_bytes(target.read_bytes().replace(b",401,", b",402,"))
    assert eb.main(["--check"]) == 1


def test_examples_never_overwrite_another_boards_data_without_force(tmp_path, monkeypatch, caplog):
    """A DATA_DIR that is not the shipped board: new files are written, changed ones only with
    --force, and every file written or rewritten is named."""
    import logging
    import shutil

    shutil.copytree(RAW, tmp_path / "raw")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    theirs = tmp_path / "raw" / "2015Q2" / "WYP_2015Q2.csv"
    own = theirs.read_bytes().replace(b",401,", b",402,")  # the partnership's own figure
    theirs.write_bytes(own)
    (tmp_path / "raw" / "2014Q1" / "CMBC_2014Q1.csv").unlink()
    before = {p: p.read_bytes() for p in (tmp_path / "raw").rglob("*") if p.is_file()}
    with caplog.at_level(logging.INFO):
        assert eb.main([]) == 2
    assert "2015Q2/WYP_2015Q2.csv" in caplog.text and "FORCE=1" in caplog.text
    after = {p: p.read_bytes() for p in (tmp_path / "raw").rglob("*") if p.is_file()}
    assert after == before  # refused: nothing written, not even the missing file
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert eb.main(["--force"]) == 0
    assert "rewrote 2015Q2/WYP_2015Q2.csv" in caplog.text
    assert "wrote 2014Q1/CMBC_2014Q1.csv" in caplog.text
    assert "1 new, 1 rewritten" in caplog.text
    assert theirs.read_bytes() != own
    assert eb.main(["--check"]) == 0


def test_examples_on_the_shipped_board_need_no_force(tmp_path):
    assert eb.is_shipped_board(RAW)
    assert not eb.is_shipped_board(tmp_path)

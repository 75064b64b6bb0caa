"""pmqa_lib.core.files: atomic writes, data/raw/ read-only, paths from the environment."""

import csv
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from pmqa_lib.core import files as io
from pmqa_lib.core.files import (
    NotARegularFile,
    protect_cells,
    read_csv,
    read_regular_file,
    sha256_file,
    write_csv,
)
from pmqa_lib.core.periods import Quarter


def test_atomic_write_leaves_old_file_when_block_fails(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with io.atomic_write(target) as fh:
            fh.write("half a fi")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old\n"
    # and no temporary file is left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_atomic_path_renames_only_on_success(tmp_path):
    target = tmp_path / "book.xlsx"
    with io.atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_bytes(b"PK")
        assert not target.exists()
    assert target.read_bytes() == b"PK"


def test_write_csv_round_trip(tmp_path):
    df = pd.DataFrame({"indicator": ["1.1", "CSCB04"], "value": [55.1, 401.0]})
    path = io.write_csv(df, tmp_path / "sub" / "m.csv")
    assert path.read_text(encoding="utf-8") == "indicator,value\n1.1,55.1\nCSCB04,401.0\n"


@pytest.mark.parametrize("sub", ["raw/2015Q2/x.csv", "raw/reference/catalogue.yaml"])
def test_writing_into_raw_is_refused(sub):
    target = io.PROJECT_ROOT / "data" / sub
    with pytest.raises(io.RawDataWriteError, match="read-only"):
        with io.atomic_write(target) as fh:
            fh.write("x")


def test_writing_into_raw_of_a_moved_data_dir_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    with pytest.raises(io.RawDataWriteError):
        io.write_text("x", tmp_path / "raw" / "2015Q2" / "a.csv")
    assert not (tmp_path / "raw").exists()


def test_paths_follow_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("REPORTS_DIR", str(tmp_path / "r"))
    p = io.Paths.from_env()
    q = Quarter.parse("2015Q2")
    assert p.returns_dir(q) == tmp_path / "d" / "raw" / "2015Q2"
    assert p.processed_dir(q) == tmp_path / "d" / "processed" / "2015Q2"
    assert p.report_dir(q) == tmp_path / "r" / "2015Q2"
    assert p.catalogue_file == tmp_path / "d" / "raw" / "reference" / "catalogue.yaml"


def test_public_data_dir_absent_is_none(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLIC_DATA_DIR", str(tmp_path / "nowhere"))
    assert io.public_data_dir() is None
    monkeypatch.setenv("PUBLIC_DATA_DIR", str(tmp_path))
    assert io.public_data_dir() == tmp_path


def test_configured_public_dir_is_named_even_before_it_exists(tmp_path, monkeypatch):
    """`make fetch-public` downloads into the configured folder, creating it."""
    monkeypatch.setenv("PUBLIC_DATA_DIR", str(tmp_path / "not-yet"))
    assert io.configured_public_dir() == tmp_path / "not-yet"
    assert io.public_data_dir() is None
    monkeypatch.setenv("PUBLIC_DATA_DIR", "relative/public")  # from the project root
    assert io.configured_public_dir() == io.PROJECT_ROOT / "relative" / "public"
    monkeypatch.delenv("PUBLIC_DATA_DIR")
    assert io.configured_public_dir() == io.PROJECT_ROOT.parent / "shared" / "data" / "public"


def test_sha256_of_known_bytes(tmp_path):
    f = tmp_path / "abc"
    f.write_bytes(b"abc")
    # FIPS 180-2 test vector for "abc"
    assert io.sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_project_root_is_the_checkout():
    assert (io.PROJECT_ROOT / "pyproject.toml").exists()
    assert isinstance(io.PROJECT_ROOT, Path)


def test_outputs_are_readable_by_others_like_a_plain_open(tmp_path):
    """mkstemp creates 0600 files; a shared report folder needs the usual umask mode."""
    mask = os.umask(0o022)
    try:
        path = io.write_text("x", tmp_path / "report.html")
        with io.atomic_path(tmp_path / "report.pdf") as tmp:
            tmp.write_bytes(b"%PDF")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "report.pdf").stat().st_mode) == 0o644


def test_allow_raw_is_the_explicit_exception_for_developer_tools(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    target = tmp_path / "raw" / "reference" / "comparators.csv"
    with io.atomic_write(target, allow_raw=True) as fh:
        fh.write("indicator\n")
    assert target.read_text(encoding="utf-8") == "indicator\n"


# ---------------------------------------------------------------------------------------
# Paths.resolve: the notebooks' folder parameters, one rule with Paths.from_env


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """Run from another working directory (JupyterLab starts kernels in notebooks/), with no
    folder variables set."""
    for name in ("DATA_DIR", "REPORTS_DIR", "PUBLIC_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "notebooks"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_resolve_reads_relative_parameters_from_the_project_root(elsewhere):
    p = io.Paths.resolve("data", "reports")
    assert p.data_dir == io.PROJECT_ROOT / "data"
    assert p.reports_dir == io.PROJECT_ROOT / "reports"
    assert not str(p.reports_dir).startswith(str(elsewhere))
    # ".." is taken from the root too, and comes out normalised
    assert io.Paths.resolve("data/../other", "out/q").data_dir == io.PROJECT_ROOT / "other"
    assert io.Paths.resolve("data", "out/q").reports_dir == io.PROJECT_ROOT / "out" / "q"


def test_resolve_keeps_absolute_parameters(elsewhere, tmp_path):
    p = io.Paths.resolve(str(tmp_path / "d"), tmp_path / "r", str(tmp_path / "pub"))
    assert (p.data_dir, p.reports_dir, p.public_dir) == (
        tmp_path / "d",
        tmp_path / "r",
        tmp_path / "pub",
    )
    q = Quarter.parse("2015Q2")
    assert p.processed_dir(q) == tmp_path / "d" / "processed" / "2015Q2"


@pytest.mark.parametrize("empty", ["", None, "  "])
def test_resolve_empty_parameters_fall_back_to_the_defaults(elsewhere, empty):
    p = io.Paths.resolve(empty, empty)
    assert p.data_dir == io.PROJECT_ROOT / "data"
    assert p.reports_dir == io.PROJECT_ROOT / "reports"
    assert p == io.Paths.from_env()


def test_resolve_empty_parameters_fall_back_to_the_environment(elsewhere, tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("REPORTS_DIR", str(tmp_path / "r"))
    monkeypatch.setenv("PUBLIC_DATA_DIR", str(tmp_path))
    p = io.Paths.resolve("", "", "")
    assert (p.data_dir, p.reports_dir, p.public_dir) == (tmp_path / "d", tmp_path / "r", tmp_path)
    # a parameter that is given wins over the environment
    assert io.Paths.resolve("", "reports").reports_dir == io.PROJECT_ROOT / "reports"


def test_relative_environment_values_are_read_from_the_project_root(elsewhere, monkeypatch):
    """``make lab`` exports DATA_DIR=data and REPORTS_DIR=reports, and the kernel runs in
    notebooks/: the folders must still be the project's, not notebooks/data and notebooks/reports."""
    monkeypatch.setenv("DATA_DIR", "data")
    monkeypatch.setenv("REPORTS_DIR", "reports")
    for p in (io.Paths.resolve(), io.Paths.resolve("", ""), io.Paths.from_env()):
        assert p.data_dir == io.PROJECT_ROOT / "data"
        assert p.reports_dir == io.PROJECT_ROOT / "reports"


def test_resolve_public_folder(elsewhere, tmp_path, monkeypatch):
    # empty: public_data_dir(), None where that folder is absent
    monkeypatch.setenv("PUBLIC_DATA_DIR", str(tmp_path / "nowhere"))
    assert io.Paths.resolve(public_dir="").public_dir is None
    # named: resolved from the root and kept even when missing, so the profile can name it
    named = io.Paths.resolve(public_dir="missing/public").public_dir
    assert named == io.PROJECT_ROOT / "missing" / "public"
    assert io.Paths.resolve(public_dir=str(tmp_path)).public_dir == tmp_path


def test_writes_with_relative_paths_still_go_to_the_working_directory(elsewhere):
    """Only configured folders are read from the root; a file path handed to write_text is
    where open() puts it, and the data/raw check looks at that same file."""
    out = io.write_text("x", "note.txt")
    assert out.resolve() == elsewhere / "note.txt" and (elsewhere / "note.txt").is_file()


def test_write_csv_neutralises_formulas_and_read_csv_restores_them(tmp_path):
    df = pd.DataFrame(
        {
            "commentary": [
                '=HYPERLINK("http://x")',
                "- a bullet",
                "plain",
                "-2+3+cmd|' /C calc'!A0",
            ],
            "numerator": [-5.0, 3.0, 1.0, 2.0],
            "marker": ["-", None, "c", None],
        }
    )
    path = write_csv(df, tmp_path / "out.csv")
    raw = list(csv.reader(open(path, encoding="utf-8")))
    cells = [c for row in raw[1:] for c in row]
    assert "-5.0" in cells  # a negative number stays a number
    assert not [c for c in cells if c and c[0] in "=+-@\t\r" and c != "-5.0"], cells
    back = read_csv(path, dtype={"commentary": str, "marker": str})
    pd.testing.assert_frame_equal(back, df)


def test_protect_cells_stores_text_as_text(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["=1+1", "-5", -5, "- bullet", "ok", "a\u202eb"])
    protect_cells(ws)
    wb.save(tmp_path / "t.xlsx")
    row = openpyxl.load_workbook(tmp_path / "t.xlsx").active[1]
    assert [c.data_type for c in row] == ["s", "s", "n", "s", "s", "s"]
    assert [c.value for c in row] == ["=1+1", "-5", -5, "- bullet", "ok", "a[U+202E]b"]
    assert [c.quotePrefix for c in row] == [True, False, False, True, False, False]


def test_read_regular_file_never_follows_links_pipes_or_folders(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET\n")
    (tmp_path / "link.csv").symlink_to(secret)
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "folder").mkdir()
    for name, words in [("link.csv", "link"), ("pipe.csv", "pipe"), ("folder", "folder")]:
        with pytest.raises(NotARegularFile) as exc:
            read_regular_file(tmp_path / name, 1000)
        assert words in exc.value.reason and "SECRET" not in exc.value.reason
    data, size, digest = read_regular_file(secret, 1000)
    assert (data, size) == (b"SECRET\n", 7) and digest == sha256_file(secret)
    assert read_regular_file(secret, 3)[0] is None  # over the limit: hashed, not kept

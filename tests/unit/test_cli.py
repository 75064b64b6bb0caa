"""The command line's fail-fast checks: one line naming the expected form or the folder."""

import subprocess
import sys

import pytest

from pmqa_lib.cli import main
from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir


@pytest.mark.parametrize("bad", ["2015Q5", "15Q2", "", "../x", "2015q2x", "2015Q0"])
def test_bad_quarter_names_the_expected_form(bad, capsys):
    assert main(["check", bad]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, "one line only"
    assert "2015Q2" in err and "YYYYQn" in err


def test_quarter_without_returns_names_the_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(["check", "2019Q1"]) == 2
    err = capsys.readouterr().err.strip()
    assert str(tmp_path / "raw" / "2019Q1") in err
    assert "Q1 2019/20" in err


def test_quarter_with_returns_passes(tmp_path, monkeypatch):
    (tmp_path / "raw" / "2015Q2").mkdir(parents=True)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(["check", "2015Q2"]) == 0


@pytest.mark.parametrize("q", ["2015Q5", "2019Q1"])
def test_make_quarter_fails_fast(q, tmp_path):
    """`make quarter` stops at once, before any stage runs, with the one-line message."""
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "REPORTS_DIR": str(tmp_path / "r")}
    r = subprocess.run(
        ["make", "--no-print-directory", "quarter", f"Q={q}", f"PYTHON={sys.executable}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert r.returncode != 0
    assert "pmqa:" in r.stderr
    assert ("YYYYQn" in r.stderr) if q == "2015Q5" else ("no returns folder" in r.stderr)
    assert not (tmp_path / "processed").exists()


@pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)
def test_unknown_local_authority_is_one_line_not_a_traceback(capsys):
    assert main(["profile", "Atlantis"]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and err.startswith("pmqa:") and "Atlantis" in err


@pytest.mark.parametrize("ind, words", [("9.9", "not in the catalogue"), ("", "IND is empty")])
def test_make_drilldown_bad_indicator_is_one_line(ind, words):
    """Run as `python -m pmqa_lib.cli` (as make does): the error is one line, no traceback."""
    r = subprocess.run(
        [sys.executable, "-m", "pmqa_lib.cli", "drilldown", "2015Q2", ind],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("pmqa:") and words in r.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["board", "Kirklees", ""], "DIR is empty: give the folder for the new board"),
        (["board", "", "../x"], "LA is empty: give the local authority"),
        (["board", "Kirklees", "data"], "is this checkout or its data folder"),
        (["board", "Kirklees", "{tmp}/x", "--board-file", "{tmp}/none.yaml"],
         "board file not found"),
    ],
)  # fmt: skip
def test_make_board_refusals_are_one_line_before_any_work(args, words, tmp_path, capsys):
    assert main([a.format(tmp=tmp_path) for a in args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("pmqa:") and words in err, err
    assert not (tmp_path / "x").exists()


@pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)
def test_make_board_names_a_merged_authority_as_make_profile_does(tmp_path, capsys):
    assert main(["board", "Poole", str(tmp_path / "poole")]) == 2
    board_err = capsys.readouterr().err.strip().splitlines()[-1]
    assert main(["profile", "Poole"]) == 2
    profile_err = capsys.readouterr().err.strip().splitlines()[-1]
    assert board_err == profile_err
    assert "merged into Bournemouth, Christchurch and Poole (839)" in board_err
    assert not (tmp_path / "poole").exists()

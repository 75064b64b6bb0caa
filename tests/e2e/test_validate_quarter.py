"""Validation of whole quarters through ``pipeline.validate`` (moved from
tests/unit/validate/test_return_rules.py, issue 15: the unit tier runs no whole stage): a quarter
with a broken return still reports, strict mode and a broken catalogue fail, the shipped example
quarters are clean apart from their planted faults, and the shipped 2015Q2 revision is recorded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pmqa_lib import pipeline
from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.files import PROJECT_ROOT, Paths, sha256_file
from pmqa_lib.core.periods import Quarter
from pmqa_lib.validate import ingest, stage
from tests import TESTS_DIR

pytestmark = pytest.mark.slow

CORPUS = TESTS_DIR / "bad_returns"
CATALOGUE = TESTS_DIR / "fixtures" / "catalogue_small.yaml"
HEADER = ",".join(ingest.RETURN_COLUMNS)
WYP_Q2 = [HEADER, "WYP,CSCB03,2015Q2,,,9,Green,,,", "WYP,CSCB04,2015Q2,,,444,Amber,,,"]
SHIPPED = PROJECT_ROOT / "data" / "raw"


def _quarter_dir(tmp_path: Path) -> Paths:
    data = tmp_path / "data"
    (data / "raw" / "reference").mkdir(parents=True)
    shutil.copyfile(CATALOGUE, data / "raw" / "reference" / "catalogue.yaml")
    q1, q2 = data / "raw" / "2015Q1", data / "raw" / "2015Q2"
    q1.mkdir()
    q2.mkdir()
    (q1 / "WYP_2015Q1.csv").write_text(
        "\n".join([HEADER, "WYP,CSCB03,2015Q1,,,9,Green,,,", "WYP,CSCB04,2015Q1,,,314,Amber,,,"])
        + "\n"
    )
    (q1 / "CMBC_2015Q1.csv").write_text(
        "\n".join(
            [
                HEADER,
                "CMBC,1.1,2015Q1,77,,,Green,,,",
                "CMBC,1.1a,2015Q1,77,,,Green,,,",
                "CMBC,1.2,2015Q1,30,50,,Amber,,,",
            ]
        )
        + "\n"
    )
    # 2015Q2: WYP revises CSCB04 for Q1 (314 -> 320); CMBC's return is broken (binary junk)
    (q2 / "WYP_2015Q2.csv").write_text(
        "\n".join([*WYP_Q2, "WYP,CSCB04,2015Q1,,,320,Amber,revised,,"]) + "\n"
    )
    shutil.copyfile(CORPUS / "binary_junk.csv", q2 / "CMBC_2015Q2.csv")
    return Paths(data, tmp_path / "reports")


def _hashes(*folders: Path) -> dict[str, str]:
    return {str(p): sha256_file(p) for f in folders for p in sorted(f.rglob("*")) if p.is_file()}


def test_quarter_with_one_broken_return_still_reports(tmp_path, capfd):
    paths = _quarter_dir(tmp_path)
    before = _hashes(paths.raw, CORPUS, PROJECT_ROOT / "data" / "raw")
    outcome = pipeline.validate(Quarter.parse("2015Q2"), paths)
    assert (
        _hashes(paths.raw, CORPUS, PROJECT_ROOT / "data" / "raw") == before
    )  # no raw file changed
    assert outcome.exit_code == 0
    assert (outcome.files_received, outcome.files_rejected) == (2, 1)
    assert (outcome.rows_accepted, outcome.rows_rejected) == (3, 0)  # WYP's 3 rows
    out = paths.processed_dir("2015Q2")
    for name in ("returns_accepted.csv", "returns_rejected.csv", "validation.json", "validation_report.html",
                 "chase_list.csv", "observations.csv", "revisions.csv"):  # fmt: skip
        assert (out / name).exists(), name
    # chase list: CMBC's three indicators, rejected with the file's reason; WYP's CSCB05a is not in
    # its return; EDU's annual 9.1 is expected only in Q1 returns (school year), so not chased in Q2
    chase = pd.read_csv(out / "chase_list.csv", dtype=str)
    assert chase[["indicator", "status"]].values.tolist() == [
        ["1.1", "rejected"], ["1.1a", "rejected"], ["1.2", "rejected"], ["CSCB05a", "missing"],
    ]  # fmt: skip
    assert chase["what_is_missing"].iloc[:3].str.contains("binary").all()
    assert (
        chase["what_is_missing"].iloc[3]
        == "indicator CSCB05a is not in WYP's return for Q2 2015/16"
    )
    # the report says what happened, escaped
    html = (out / "validation_report.html").read_text(encoding="utf-8")
    assert "CMBC_2015Q2.csv" in html and "file rejected" in html and "<script" not in html
    # observations: Q1 CSCB04 revised 314 -> 320 by the Q2 return; CMBC's Q2 figures "no data: return rejected"
    from pmqa_lib.validate import observations

    obs = observations.load("2015Q2", paths)
    cscb04 = obs[(obs["indicator"] == "CSCB04") & (obs["period"] == "2015Q1")].iloc[0]
    assert cscb04["value"] == 320.0 and cscb04["received_in"] == "2015Q2"
    cmbc = obs[(obs["agency"] == "CMBC") & (obs["period"] == "2015Q2")]
    assert set(cmbc["status"]) == {"rejected"} and cmbc["value"].isna().all()
    assert cmbc["note"].str.startswith("no data: return rejected").all()
    assert obs.loc[obs["indicator"] == "1.1a", "value"].isna().all()  # 1.1a sent as numerator only
    rev = pd.read_csv(out / "revisions.csv", dtype={"period": str})
    assert rev[
        ["indicator", "period", "old_value", "new_value", "source_file"]
    ].values.tolist() == [["CSCB04", "2015Q1", 314.0, 320.0, "WYP_2015Q2.csv"]]
    v = json.loads((out / "validation.json").read_text())
    assert v["summary"]["files_rejected"] == 1 and v["summary"]["missing"] == 4
    assert "Calculating Metrics" not in capfd.readouterr().err


def test_strict_fails_on_rejection_and_no_returns_fail(tmp_path):
    paths = _quarter_dir(tmp_path)
    assert pipeline.validate(Quarter.parse("2015Q2"), paths, strict=True).exit_code == 1
    (paths.raw / "2015Q3").mkdir()
    assert pipeline.validate(Quarter.parse("2015Q3"), paths).exit_code == 1  # no returns at all


def test_broken_catalogue_is_non_zero(tmp_path):
    paths = _quarter_dir(tmp_path)
    paths.catalogue_file.write_text("board: [")
    assert pipeline.validate(Quarter.parse("2015Q2"), paths).exit_code == 1


@pytest.mark.skipif(
    not (SHIPPED / "reference" / "planted_faults.csv").exists(), reason="example returns not built"
)
def test_shipped_example_quarters_are_clean_apart_from_planted_faults(tmp_path):
    """Every shipped return 2013Q1-2015Q4 validates clean except the faults the generator planted."""
    paths = Paths(PROJECT_ROOT / "data", tmp_path / "reports")
    catalogue = load_catalogue(paths.catalogue_file)
    before = _hashes(SHIPPED)
    _, files, failures, accepted, rejected = stage._validate_history(
        paths, Quarter.parse("2015Q4"), catalogue
    )
    assert _hashes(SHIPPED) == before
    planted = pd.read_csv(SHIPPED / "reference" / "planted_faults.csv", dtype=str)
    rejects = planted[planted["expected"] == "reject"]
    assert (files["status"] == "read").all(), files.loc[
        files["status"] != "read", ["source_file", "reason"]
    ]
    errors = failures[failures["severity"] == "error"]
    found = set(zip(errors["source_file"], errors["source_row"].astype(int), strict=True))
    want = set(zip(rejects["file"], rejects["row"].astype(int), strict=True))
    # a duplicated (indicator, period) rejects every copy: neither can be trusted (docs/validation.md)
    for f in rejects[rejects["fault"] == "duplicate_row"].itertuples():
        raw = pd.read_csv(
            SHIPPED / f.file[f.file.index("_") + 1 : f.file.index(".")] / f.file, dtype=str
        )
        key = raw.iloc[int(f.row) - 2][["indicator", "period"]]
        same = (raw["indicator"] == key["indicator"]) & (raw["period"] == key["period"])
        want |= {(f.file, k + 2) for k in raw.index[same]}
    assert found == want
    for f in rejects[rejects["fault"] != "duplicate_row"].itertuples():  # planted column is named
        cols = set(
            errors.loc[
                (errors["source_file"] == f.file) & (errors["source_row"] == int(f.row)), "column"
            ]
        )
        assert f.column in cols, (f.file, f.row, cols)
    assert len(rejected) == len(want)


@pytest.mark.skipif(not (SHIPPED / "2015Q2").exists(), reason="example returns not built")
def test_shipped_2015Q2_revision_is_recorded(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data / "raw")
    paths = Paths(data, tmp_path / "reports")
    outcome = pipeline.validate(Quarter.parse("2015Q2"), paths)
    assert outcome.exit_code == 0
    planted = pd.read_csv(SHIPPED / "reference" / "planted_faults.csv", dtype=str)
    rev = planted[(planted["fault"] == "revision") & planted["file"].str.contains("2015Q2")].iloc[0]
    r = outcome.revisions
    hit = r[(r["source_file"] == rev["file"]) & (r["source_row"] == int(rev["row"]))]
    assert len(hit) == 1
    # "restates 2015Q1 numerator 167 as 163": 163 + 104 + 163 + 141 = 571, DfE's re-referrals
    # for 2015/16 (c1, Calderdale); the first-sent 167 counted 4 duplicates
    assert hit[["period", "old_numerator", "new_numerator"]].values.tolist() == [
        ["2015Q1", 167.0, 163.0]
    ]
    # the lowered year-to-date total is a warning that names the numerator as sent
    w = outcome.failures[outcome.failures["rule"] == "cumulative_falls"]
    assert w[["source_file", "source_row", "column", "value"]].astype(str).values.tolist() == [
        [rev["file"], str(rev["row"]), "numerator", "163"]
    ]

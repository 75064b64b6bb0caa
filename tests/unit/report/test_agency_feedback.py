"""Each agency's feedback (a page and an email text) holds that agency's rows only."""

from __future__ import annotations

import re
import shutil

import pytest

from pmqa_lib import pipeline
from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.files import PROJECT_ROOT, Paths
from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import agency_feedback

Q2 = Quarter.parse("2015Q2")
RETURN_FILE = re.compile(r"\b([A-Z]+)_\d{4}Q\d\.(?:csv|xlsx)\b")


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feedback")
    shutil.copytree(PROJECT_ROOT / "data" / "raw", tmp / "data" / "raw")
    wyp = tmp / "data" / "raw" / "2015Q2" / "WYP_2015Q2.csv"
    with open(wyp, "a", encoding="utf-8") as fh:  # WYP sends a row for CMBC's indicator
        fh.write("WYP,3.1,2015Q2,1563,3,,,,,\n")
    paths = Paths(tmp / "data", tmp / "reports")
    outcome = pipeline.validate(Q2, paths)
    return paths, outcome


def test_every_agency_gets_a_page_and_an_email_text(feedback):
    paths, outcome = feedback
    folder = paths.processed_dir(Q2) / agency_feedback.FEEDBACK_DIR
    codes = sorted(outcome.catalogue.agencies)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{c}.html" for c in codes] + [f"{c}.txt" for c in codes]
    )
    text = (folder / "CSCB.txt").read_text(encoding="utf-8")
    assert text.startswith("Subject: CSCB performance return, Q2 2015/16: 1 row(s) to correct")
    assert "CSCB_2015Q2.csv, row 3, column proposed_rag (value 'Gren')" in text


def test_each_agencys_feedback_holds_only_its_own_rows(feedback):
    paths, outcome = feedback
    cat = load_catalogue(paths.catalogue_file)
    folder = paths.processed_dir(Q2) / agency_feedback.FEEDBACK_DIR
    for code in cat.agencies:
        for suffix in ("html", "txt"):
            body = (folder / f"{code}.{suffix}").read_text(encoding="utf-8")
            named = set(RETURN_FILE.findall(body))
            assert named <= {code}, (code, suffix, named)
            others = {i.ref for i in cat if i.agency != code}
            chased = re.findall(r"^- (\S+) ", body, flags=re.M) if suffix == "txt" else []
            assert not set(chased) & others, (code, chased)
    wyp = (folder / "WYP.txt").read_text(encoding="utf-8")
    # the row WYP sent for CMBC's indicator is WYP's to correct, and only WYP hears of it
    assert "WYP_2015Q2.csv, row 9, column indicator (value '3.1')" in wyp
    assert "row 9" not in (folder / "CMBC.txt").read_text(encoding="utf-8")
    combined = (paths.processed_dir(Q2) / "validation_report.html").read_text(encoding="utf-8")
    assert all(f"{c}_2015Q2" in combined for c in cat.agencies)  # the analyst sees them all

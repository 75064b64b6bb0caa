"""nbval on the three report notebooks, Explore sections included, against the shipped example.

The notebooks are committed without outputs (nbstripout), so the outputs nbval compares cannot come
from git. Instead each notebook is copied to a temporary folder with

- the parameters for the example board injected as papermill injects them (the shipped 2015Q2
  returns validated and processed in a temporary folder by ``example_processed``, reports to a
  temporary folder; the profile from the public DfE files), and
- the expected output of its one cell marked ``# NBVAL_CHECK_OUTPUT`` written in, from the
  figures below, worked by hand,

then ``pytest --nbval-lax`` runs the copies in a subprocess: every cell must run without error
and the marked cells must print exactly the expected text. A copy whose expected figure is changed
by one digit must fail on that cell, which shows the comparison is real.

Figures worked by hand
----------------------
Board report (Appendix 1): 1.1, EISAs per 10,000 under-18s over four quarters: Q1 2015/16
(45 + 69 + 60 + 77) / 45,585 = 55.1, Q2 (69 + 60 + 77 + 91) / 45,659 = 65.0, YTD the mean of the
two, 60.1; 1.1a, new EISAs: 77, 91, YTD 77 + 91 = 168 (CMBC's returns in data/raw/2014Q2 to
2015Q2; ONS populations of 2014 and 2015 in data/raw/reference/population_0_17.csv).

Drill-down of 1.1: the rates above and Q3 2014/15 (62 + 87 + 45 + 69) / 45,585 = 57.7,
Q4 2014/15 (87 + 45 + 69 + 60) / 45,585 = 57.3; against the target of 60 the assurance continuum
(section 4.1.2; 1.1's trigger points in 4.1.3; the trajectory is Sen's slope over the latest four
values, steady within 5% of their median) gives, newest first: Q2 65.0 met and improving, Green;
Q1 55.1 missed, window 55.1, 57.7, 57.3, 55.1 steady, Red; Q4 57.3 missed and steady, Red; Q3
57.7 missed but improving, Amber. The lead officer's proposed RAG as sent (CMBC's returns): Green,
Green, Red, Amber: the continuum's own rating, except Q1's Green at 55.1 (Appendix 1).

Profile of Calderdale (DfE's published files, 2021 neighbour list): referrals 2023/24 456.2 per
10,000 (2,053 referrals; Byar 95% interval 436.7 to 476.3 over 45,005 children), England 518.3,
Yorkshire and The Humber 539.1, the ten neighbours' mean 574.6; children in need at 31 March 2024
357.5 (1,609 children; Byar 340.3 to 375.4), England 332.9, the region 340.9, the neighbours'
mean (304.2 + 543.2 + 337.1 + 495.3 + 247.0 + 345.0 + 452.7 + 220.9 + 369.4 + 332.4) / 10 = 364.7
(b1_children_in_need_2013_to_2024.csv, New_Statistical_Neighbour_Groupings_April_2021.csv).
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_output

from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir

pytestmark = pytest.mark.slow

NOTEBOOKS = PROJECT_ROOT / "notebooks"
MARKER = "# NBVAL_CHECK_OUTPUT"

BOARD = (
    "1.1: 2015/16 Q1 55.1; 2015/16 Q2 65.0; 2015/16 YTD 60.1\n"
    "1.1a: 2015/16 Q1 77; 2015/16 Q2 91; 2015/16 YTD 168\n"
)
DRILLDOWN = (
    "Q2 2015/16: Value 65.0; RAG (computed) Green; RAG (lead officer) Green\n"
    "Q1 2015/16: Value 55.1; RAG (computed) Red; RAG (lead officer) Green\n"
    "Q4 2014/15: Value 57.3; RAG (computed) Red; RAG (lead officer) Red\n"
    "Q3 2014/15: Value 57.7; RAG (computed) Amber; RAG (lead officer) Amber\n"
)
PROFILE = (
    "referrals_rate: Year 2023/24; Calderdale 456.2; 95% interval 436.7 to 476.3; England 518.3; "
    "Region 539.1; Neighbours (mean) 574.6 (10 of 10)\n"
    "cin_rate: Year 2023/24; Calderdale 357.5; 95% interval 340.3 to 375.4; England 332.9; "
    "Region 340.9; Neighbours (mean) 364.7 (10 of 10)\n"
)
#: a copy whose expected output is one digit off: nbval must fail on its checked cell
TAMPERED = {
    "quarter_report": BOARD.replace("Q2 65.0", "Q2 65.1"),
    "indicator_drilldown": DRILLDOWN.replace("Value 57.3", "Value 57.4"),
    "la_profile": PROFILE.replace("Calderdale 456.2", "Calderdale 456.3"),
}


def checked_cell(nb) -> nbformat.NotebookNode:
    """The notebook's one cell marked ``# NBVAL_CHECK_OUTPUT`` (on a line of its own, as nbval
    reads it)."""
    cells = [
        c for c in nb.cells
        if c.cell_type == "code" and MARKER in (line.strip() for line in c.source.splitlines())
    ]  # fmt: skip
    assert len(cells) == 1, f"expected one {MARKER} cell, found {len(cells)}"
    return cells[0]


def nbval_copy(name: str, dest: Path, parameters: dict, expected: str) -> Path:
    """Copy ``notebooks/<name>.ipynb`` to ``dest`` with ``parameters`` injected (papermill's own
    parameterisation: an ``injected-parameters`` cell after the ``parameters`` cell) and
    ``expected`` stored as the output of its checked cell, as if the notebook had been run."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(NOTEBOOKS / f"{name}.ipynb")), parameters)
    cell = checked_cell(nb)
    cell.outputs = [new_output("stream", name="stdout", text=expected)]
    cell.execution_count = 1  # nbval compares only cells with a stored run
    nbformat.write(nb, dest)
    return dest


def run_nbval(
    folder: Path,
) -> tuple[subprocess.CompletedProcess, dict[str, dict[str, tuple[str, str]]]]:
    """``pytest --nbval-lax`` on every notebook in ``folder`` (a kernel from this environment, no
    configuration but an empty pytest.ini). Returns the process and, per notebook and cell
    ("Cell 9": the tenth code cell), the outcome ("passed", "failure", "error" or "skipped") and
    nbval's message, from the JUnit report."""
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    report = folder / "nbval.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
         "--nbval-cell-timeout=600", "-p", "no:cacheprovider", "-q", "-rfE",
         f"--junitxml={report}", "-c", str(folder / "pytest.ini"), str(folder)],
        cwd=folder, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    outcomes: dict[str, dict[str, tuple[str, str]]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        found = [c for c in case if c.tag in ("failure", "error", "skipped")]
        outcome = (found[0].tag, found[0].text or "") if found else ("passed", "")
        outcomes.setdefault(case.get("classname"), {})[case.get("name")] = outcome
    return proc, outcomes


@pytest.fixture(scope="module")
def nbval_run(example_processed, tmp_path_factory):
    """One nbval session over the example board's notebooks, each with its expected figures and
    once more with one figure changed; the profile only where the public DfE files are present."""
    folder = tmp_path_factory.mktemp("nbval")
    reports = tmp_path_factory.mktemp("nbval-reports")
    board = {"quarter": "2015Q2", "data_dir": str(example_processed.data_dir),
             "reports_dir": str(reports)}  # fmt: skip
    runs = {
        "quarter_report": ({**board, "key_indicators": "1.1 1.1a"}, BOARD),
        "indicator_drilldown": ({**board, "indicator": "1.1"}, DRILLDOWN),
    }
    public = public_data_dir()
    if public is not None:
        runs["la_profile"] = (
            {"la": "Calderdale", "model": "2021", "public_dir": str(public),
             "reports_dir": str(reports), "key_measures": "referrals_rate cin_rate"},
            PROFILE,
        )  # fmt: skip
    copies = {}
    for name, (params, expected) in runs.items():
        copies[name] = nbval_copy(name, folder / f"{name}.ipynb", params, expected)
        nbval_copy(name, folder / f"{name}_tampered.ipynb", params, TAMPERED[name])
    proc, outcomes = run_nbval(folder)
    return {"proc": proc, "outcomes": outcomes, "copies": copies, "reports": reports}


def _code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _check_index(path: Path) -> int:
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"].index(checked_cell(nb))


def _assert_notebook_passes(nbval_run, name: str) -> None:
    copy = nbval_run["copies"][name]
    got = nbval_run["outcomes"].get(copy.name)
    assert got is not None, nbval_run["proc"].stdout[-3000:]
    n = len(_code_cells(copy))
    assert len(got) == n, (len(got), n)  # every code cell ran, Explore cells included
    bad = {cell: outcome for cell, (outcome, _) in got.items() if outcome != "passed"}
    assert not bad, f"{bad}\n{nbval_run['proc'].stdout[-3000:]}"
    # the checked cell is in the Explore section, after the published content
    nb = nbformat.read(copy, as_version=4)
    assert "explore" in checked_cell(nb).metadata.get("tags", [])


def test_nbval_board_report_with_appendix_1_figures(nbval_run):
    _assert_notebook_passes(nbval_run, "quarter_report")


def test_nbval_drilldown_of_1_1(nbval_run):
    _assert_notebook_passes(nbval_run, "indicator_drilldown")


needs_public = pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)


@needs_public
def test_nbval_profile_of_calderdale(nbval_run):
    _assert_notebook_passes(nbval_run, "la_profile")
    # the profile notebook wrote its summary where its reports_dir parameter said
    assert (nbval_run["reports"] / "profiles" / "calderdale_summary.csv").is_file()


def test_nbval_fails_when_an_expected_figure_changes(nbval_run):
    """Each tampered copy fails on its checked cell, and only there, with nbval's "Cell outputs
    differ" and the changed figure in its diff; so the whole session fails."""
    proc, outcomes = nbval_run["proc"], nbval_run["outcomes"]
    assert proc.returncode == 1, proc.stdout[-3000:]
    wrong = {"quarter_report": "65.1", "indicator_drilldown": "57.4", "la_profile": "456.3"}
    for name, copy in nbval_run["copies"].items():
        tampered = copy.with_name(f"{name}_tampered.ipynb")
        got = outcomes[tampered.name]
        assert len(got) == len(_code_cells(tampered))
        failed = {cell: text for cell, (outcome, text) in got.items() if outcome != "passed"}
        assert list(failed) == [f"Cell {_check_index(tampered)}"], (name, list(failed))
        text = next(iter(failed.values()))
        assert "Cell outputs differ" in text and wrong[name] in text, text

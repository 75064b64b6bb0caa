"""Two partnerships other than Calderdale start their boards from DfE's published data (issue 14).

For each authority, ``make board`` then ``make quarter`` on its latest year, as the README's
"Start your own board" says, and the report must show the authority's published referral rate,
re-referral percentage and child protection plans at 31 March (and plans lasting two years or
more, where a neighbour's figure is suppressed) for that year, with England's figure and the mean
of its statistical neighbours' published figures, suppressed neighbours left out. The expected
figures are read here from the public CSV files with the csv module, not with pmqa's code:

- Kirklees (382) starts from an empty public folder: ``make board`` downloads only the files it
  needs, from the real public folder served as a mirror on 127.0.0.1 (never the internet), and
  without DfE's LAIT extract (made by hand, never downloaded) its LAIT indicators stay templates;
- Devon (878) uses the full public folder, LAIT extract included.

Each board is one test (make board, make quarter, the checks), so that pytest-xdist can run the
two side by side without building either twice.
"""

from __future__ import annotations

import csv
import html as htmllib
import os
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir
from tests.local_server import serve_folder

PUBLIC = public_data_dir()
pytestmark = [
    pytest.mark.skipif(
        PUBLIC is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
    ),
    pytest.mark.public_data,
    pytest.mark.slow,
]

YEAR = "2024"  # DfE's latest year in the children in need 2024 release: 2023/24
QUARTER = "2023Q4"
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv"
D1 = "d1_child_protection_plans_2013_to_2024.csv"
D5 = "d5_cpps_at31march_by_duration_2013_to_2024.csv"
NEIGHBOURS = "New_Statistical_Neighbour_Groupings_April_2021.csv"
#: indicator -> (file, column) of the figure the report must show
CHECKED = {
    "2.1": (C1, "Referrals_rate"),
    "2.2": (C1, "Re_referrals_percent"),
    "4.1": (D1, "CPP_At31_rate"),
    "4.3": (D5, "2_years_or_more_percent"),
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(PUBLIC / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _one_decimal(x: Decimal) -> str:
    return str(x.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def published(code: str, name: str, column: str) -> dict[str, object]:
    """The authority's, England's and the neighbours' mean figure for YEAR, from the file."""
    rows = [r for r in _rows(name) if r["time_period"] == YEAR]
    la = next(
        r for r in rows if r["geographic_level"] == "Local authority" and r["old_la_code"] == code
    )
    england = next(r for r in rows if r["geographic_level"] == "National")
    sn = next(r for r in _rows(NEIGHBOURS) if r["LA num"].strip() == code)
    codes = [sn[f"SN{k}"].strip() for k in range(1, 11)]
    values = {
        r["old_la_code"]: r[column].strip()
        for r in rows
        if r["geographic_level"] == "Local authority" and r["old_la_code"] in codes
    }
    numbers = [Decimal(v) for v in values.values() if re.fullmatch(r"\d+(\.\d+)?", v)]
    return {
        "la": la[column].strip(),
        "england": england[column].strip(),
        "sn": _one_decimal(sum(numbers) / len(numbers)),
        "suppressed_neighbours": 10 - len(numbers),
    }


def _make(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def indicator_page_text(report: Path, ref: str) -> str:
    """The text of the report's page for ``ref`` (tags stripped, entities decoded)."""
    html = report.read_text(encoding="utf-8")
    anchor = "ind-" + ref.replace(".", "-")
    m = re.search(
        rf'<section class="indicator-page[^"]*"[^>]*\sid="{anchor}"[^>]*>(.*?)</section>',
        html,
        re.S,
    )
    assert m, f"no page for {ref}"
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1))))


def build_and_report(la: str, folder: Path, public: Path, mirror: str | None) -> Path:
    env = dict(os.environ, PUBLIC_DATA_DIR=str(public))
    if mirror:
        env["PUBLIC_DATA_MIRROR"] = mirror
    board = _make("board", f"LA={la}", f"DIR={folder}", env=env)
    assert board.returncode == 0, board.stderr
    assert f"next: make quarter Q={QUARTER} DATA_DIR={folder}/data" in board.stdout
    quarter = _make(
        "quarter", f"Q={QUARTER}", f"DATA_DIR={folder}/data", f"REPORTS_DIR={folder}/reports",
        env=env,
    )  # fmt: skip
    assert quarter.returncode == 0, quarter.stdout + quarter.stderr
    return board.stdout


@pytest.mark.parametrize("la, code, fresh", [("Kirklees", "382", True), ("Devon", "878", False)])
def test_a_new_board_reports_dfe_s_published_figures_with_england_and_its_neighbours(
    la, code, fresh, tmp_path
):
    folder = tmp_path / la.lower()
    if fresh:  # an empty public folder, filled from a mirror of the real one
        with serve_folder(PUBLIC) as server:
            out = build_and_report(la, folder, tmp_path / "public", server.url)
        fetched = sorted(p.name for p in (tmp_path / "public").iterdir())
        assert "bds_long_0_csc_subset.csv" not in fetched
        assert "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv" in fetched
        assert "left as templates (no LAIT extract" in out
        assert "# The first ones are DfE's, from the LAIT extract" in (
            folder / "data" / "raw" / "reference" / "catalogue.yaml"
        ).read_text(encoding="utf-8")
    else:
        out = build_and_report(la, folder, PUBLIC, None)
        assert "left as templates" not in out
    report = folder / "reports" / QUARTER / "board_report.html"
    assert (folder / "reports" / QUARTER / "board_report.pdf").is_file()
    suppressed = 0
    for ref, (name, column) in CHECKED.items():
        want = published(code, name, column)
        page = indicator_page_text(report, ref)
        if want["la"] in ("c", "x", "z"):  # DfE suppressed it (Devon's 4.3): never a number
            assert (
                "No annual result: the annual return for 2023/24 (financial year) due in Q4 "
                "2023/24 was suppressed" in page
            ), (ref, want)
            continue
        assert f"The latest annual result, for the 2023/24 financial year, is {want['la']}" in page, (
            ref, want, page[:600],
        )  # fmt: skip
        assert f"the England average ({want['england']})" in page, (ref, want)
        assert f"the statistical neighbours' average ({want['sn']})" in page, (ref, want)
        suppressed += want["suppressed_neighbours"]
    if la == "Kirklees":  # one of its neighbours' 2+ year plan percentage is suppressed (c)
        assert suppressed >= 1
    # the cover names the history as DfE's and the names still to replace
    cover = htmllib.unescape(report.read_text(encoding="utf-8"))
    assert "DFE_2023Q4.csv" in cover and "Placeholders" in cover
    assert "they agree by construction" in cover

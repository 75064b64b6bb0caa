"""The board report as a publication (issue 13), on the shipped 2015Q2 run: in Debian's Chromium
every internal link resolves and the filter leaves exactly the indicators asked for; axe-core's
WCAG 2.2 A and AA rules find nothing on any output (and do find the faults of a control page);
the PDF is tagged, bookmarked and its exception report's cells do not overlap; the workbook holds
numbers; reports/index.html lists every quarter `make quarter` published.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir
from pmqa_lib.core.format import RED
from pmqa_lib.report import archive_index, indicator_pages, narrative, publish, tables
from pmqa_lib.report.inputs import load_report_inputs
from tests import pdf_layout
from tests.browser import CHROMIUM, Browser
from tests.conftest import EXAMPLE_QUARTER

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); CI installs it",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); CI installs it")
    with Browser(tmp_path_factory.mktemp("cdp")) as b:
        yield b


@pytest.fixture(scope="module")
def report(example_run):
    paths, result = example_run
    return paths, Path(result["html"]), load_report_inputs(EXAMPLE_QUARTER, paths)


# ---------------------------------------------------------------------------------------
# Navigation and filtering, in the browser


@needs_chromium
def test_every_internal_link_resolves(report, browser):
    _, html, inputs = report
    browser.open(html)
    links = browser.evaluate(
        "Array.from(document.querySelectorAll('a[href^=\"#\"]')).map(a => a.getAttribute('href'))"
    )
    missing = browser.evaluate(
        "Array.from(document.querySelectorAll('a[href^=\"#\"]')).map(a => a.getAttribute('href'))"
        ".filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))"
    )
    assert missing == []
    # every indicator of the catalogue is reached from the contents list and the traffic light
    for ref in inputs.catalogue.indicators:
        assert links.count(f"#ind-{re.sub(r'[^A-Za-z0-9]+', '-', ref)}") >= 2, ref
    pages = browser.evaluate("document.querySelectorAll('section.indicator-page').length")
    assert pages == len(indicator_pages.page_groups(inputs))
    backs = browser.evaluate("document.querySelectorAll('section.indicator-page p.back a').length")
    assert backs == pages


def _visible(browser, selector: str, attr: str = "id") -> list[str]:
    return browser.evaluate(
        f"Array.from(document.querySelectorAll('{selector}'))"
        f".filter(e => e.offsetParent !== null).map(e => e.getAttribute('{attr}'))"
    )


@needs_chromium
def test_filtering_by_red_leaves_exactly_the_red_indicators(report, browser):
    _, html, inputs = report
    a = inputs.assurance.set_index("indicator")
    red = sorted(a.index[a["rag"] == RED])
    assert red and len(red) < len(a)  # some Reds, and not all of them: the filter must choose
    browser.open(html)
    assert _visible(browser, "form.filters") == ["filters"]  # the script shows the form
    browser.evaluate(
        "(() => { const s = document.getElementById('filter-rag'); s.value = 'Red';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    pages = _visible(browser, "section.indicator-page")
    page_of = indicator_pages.page_of(inputs)
    assert sorted(pages) == sorted(
        {f"ind-{re.sub(r'[^A-Za-z0-9]+', '-', page_of[r])}" for r in red}
    )
    rows = browser.evaluate(
        "Array.from(document.querySelectorAll('table.summary tr[data-rag], table.scorecard "
        "tr[data-rag], table.exceptions tr[data-rag]')).filter(e => e.offsetParent !== null)"
        ".map(e => e.getAttribute('data-rag'))"
    )
    assert rows and set(rows) == {RED}
    status = browser.evaluate("document.querySelector('.filter-status').textContent")
    assert status == f"Showing {len(red)} of {len(inputs.catalogue.indicators)} indicators."
    # the same view from the address, as a bookmark or a link in an email opens it
    browser.open(f"{html.resolve().as_uri()}?rag=Red")
    assert _visible(browser, "section.indicator-page") == pages
    assert browser.console_errors() == []


@needs_chromium
def test_the_page_is_complete_with_javascript_off(report, browser):
    _, html, inputs = report
    browser.send("Emulation.setScriptExecutionDisabled", session=True, value=True)
    try:
        browser.open(f"{html.resolve().as_uri()}?rag=Red")
        n_pages = len(_visible(browser, "section.indicator-page"))
        no_form = _visible(browser, "form.filters")
    finally:
        browser.send("Emulation.setScriptExecutionDisabled", session=True, value=False)
    assert n_pages == len(indicator_pages.page_groups(inputs))  # nothing filtered away
    assert no_form == []  # no control that cannot work


# ---------------------------------------------------------------------------------------
# axe-core, WCAG 2.2 A and AA


def _axe(browser, page: Path) -> list[dict]:
    browser.open(page)
    return browser.axe()


@needs_chromium
def test_axe_sees_the_faults_of_a_control_page(browser, tmp_path):
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><html><head><title>control</title></head><body>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#999;background:#fff">grey on white</p>'
        "<table><tr><th></th><td>1</td></tr></table></body></html>",
        encoding="utf-8",
    )
    found = {v["id"] for v in _axe(browser, control)}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= found


def _assert_no_violations(violations: list[dict], page: Path) -> None:
    assert violations == [], f"{page.name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations
    )


@needs_chromium
def test_axe_board_report_index_and_statement(report, browser, example_run):
    paths, html, _ = report
    index = archive_index.write_index(paths)
    for page in (html, index, paths.reports_dir / "accessibility.html"):
        _assert_no_violations(_axe(browser, page), page)


@needs_chromium
def test_axe_drilldowns(example_run, browser):
    paths, _ = example_run
    for ref in ("2.4", "CSCB04"):  # a Red indicator's, and a compact scorecard one's
        page = publish.build_drilldown(EXAMPLE_QUARTER, ref, paths)
        _assert_no_violations(_axe(browser, page), page)


def test_a_drilldown_reuses_the_board_reports_chart(example_run):
    """Each chart is drawn once: the drill-down of 2.4 embeds the very SVG the board report stored
    in reports/<Q>/charts/ (same numbers, same key)."""
    import urllib.parse

    from pmqa_lib.report import charts

    paths, result = example_run
    stored = (paths.report_dir(EXAMPLE_QUARTER) / "charts" / "2.4.svg").read_text(encoding="utf-8")
    encoded = urllib.parse.quote(stored, safe=charts._URL_SAFE)
    board = Path(result["html"]).read_text(encoding="utf-8")
    drill = publish.build_drilldown(EXAMPLE_QUARTER, "2.4", paths).read_text(encoding="utf-8")
    assert encoded in drill and encoded in board


@needs_chromium
def test_axe_validation_reports(example_processed, browser):
    pages = sorted(example_processed.processed_dir(EXAMPLE_QUARTER).glob("validation_report*.html"))
    assert pages
    for page in pages:
        _assert_no_violations(_axe(browser, page), page)


@needs_chromium
@pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)
def test_axe_profile(browser, calderdale_profile):
    out = calderdale_profile  # the session's one Calderdale profile (tests/conftest.py)
    _assert_no_violations(_axe(browser, out["html"]), out["html"])
    book = load_workbook(out["html"].with_name(f"{out['slug']}_summary.xlsx"))
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]


# ---------------------------------------------------------------------------------------
# PDF


def test_pdf_is_tagged_with_bookmarks_and_language(example_run):
    from pypdf import PdfReader

    _, result = example_run
    info = subprocess.run(["pdfinfo", str(result["pdf"])], capture_output=True, text=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M), info.stdout
    reader = PdfReader(str(result["pdf"]))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"

    def flat(items):
        for o in items:
            yield from flat(o) if isinstance(o, list) else [o.title]

    titles = list(flat(reader.outline))
    # every chart is a Figure of the structure tree with its alt text (PDF/UA)
    alts = _figure_alts(reader.trailer["/Root"]["/StructTreeRoot"])
    inputs = load_report_inputs(EXAMPLE_QUARTER, example_run[0])
    assert len(alts) == len(indicator_pages.page_groups(inputs)) and all(alts)
    assert str(alts[0]).startswith("Line chart of 1.1 Number of Early Intervention")
    assert (
        "1.1 CMBC - Number of Early Intervention Single Assessments (EISAs) per 10,000 under 18 population (4 quarter rolling)"
        in titles
    )
    for section in ("Traffic-light summary", "Exception report", "Indicator pages", "Registers",
                    "Accessibility statement"):  # fmt: skip
        assert section in titles, titles


def _figure_alts(element) -> list[str]:
    """The /Alt of every /Figure under a structure element, in reading order."""
    e = element.get_object() if hasattr(element, "get_object") else element
    out = []
    if isinstance(e, dict):
        if e.get("/S") == "/Figure":
            out.append(str(e.get("/Alt") or ""))
        kids = e.get("/K")
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            out += _figure_alts(kid)
    return out


def test_pdf_exception_report_cells_do_not_overlap(example_run):
    _, result = example_run
    pages = pdf_layout.pages_with(result["pdf"], "Why listed")
    assert pages, "the exception report's table was not found in the PDF"
    assert pdf_layout.overlaps(result["pdf"], pages) == []
    import pdfplumber

    with pdfplumber.open(str(result["pdf"])) as pdf:
        words = {w["text"] for n in pages for w in pdf.pages[n].extract_words()}
    for name in ("Barraclough", "Whitworth", "Hellowell", "(computed)", "(lead"):
        assert name in words, name  # names and headings are never broken inside a word


def test_pdf_indicator_pages_break_between_blocks(example_run):
    """A long indicator page goes on to a second sheet between its blocks: every figures table
    (Actual, Target, Target met?) is whole on one page, and every chart's data-free figure too."""
    import pdfplumber

    _, result = example_run
    tables_seen = 0
    with pdfplumber.open(str(result["pdf"])) as pdf:
        for n, page in enumerate(pdf.pages):
            words = [w["text"] for w in page.extract_words()]
            actual, met = words.count("Actual"), words.count("met?")
            assert actual == met, f"page {n + 1}: a figures table is split ({actual} vs {met})"
            tables_seen += actual
    inputs = load_report_inputs(EXAMPLE_QUARTER, example_run[0])
    assert tables_seen == len(inputs.catalogue.indicators)  # one figures table per indicator


def test_overlap_check_sees_a_cell_that_spills(tmp_path):
    """The control: a badge wider than its column runs over the next cell, as "none proposed"
    did; the check must report it."""
    html = (
        "<html><body><table style='table-layout:fixed;width:60mm;border-collapse:collapse'>"
        "<colgroup><col style='width:15mm'><col style='width:45mm'></colgroup><tr>"
        "<td style='border:1px solid #000'><span style='white-space:nowrap'>none proposed</span>"
        "</td><td style='border:1px solid #000'>Computed RAG is Amber.</td></tr></table>"
        "</body></html>"
    )
    pdf = publish.html_to_pdf(html, tmp_path / "control.pdf")
    assert pdf_layout.overlaps(pdf, [0]) != []


# ---------------------------------------------------------------------------------------
# Workbook


def test_workbook_numbers_key_points_and_notes(report, example_run):
    _, result = example_run
    _, _, inputs = report
    wb = load_workbook(result["xlsx"])
    assert wb.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert {"Scorecard", "Traffic light", "Exceptions", "Figures"} <= set(wb.sheetnames)
    rows = _sheet_rows(wb["Scorecard"], "Ind ref")
    shown = tables.scorecard(inputs.measures, inputs.assurance, inputs.catalogue, EXAMPLE_QUARTER)
    q2 = "2015/16 Q2 Result"
    assert rows.loc["CSCB04", q2].value == 401 and rows.loc["CSCB04", q2].data_type == "n"
    assert list(rows.index) == shown["Ind ref"].tolist()
    n_numbers = 0
    for col in [c for c in shown.columns if c.endswith(("Result", "average", "neighbours"))]:
        for text, cell in zip(shown[col], rows[col], strict=True):
            if re.fullmatch(r"-?[\d,]+(\.\d+)?", text):
                assert cell.data_type == "n" and cell.value == float(text.replace(",", ""))
                decimals = len(text.split(".")[1]) if "." in text else 0
                assert cell.number_format == ("#,##0." + "0" * decimals if decimals else "#,##0")
                n_numbers += 1
            else:
                assert cell.value in ("[x]", "[z]") or cell.data_type == "n", (col, text)
    assert n_numbers == 93  # every figure of the shipped scorecard (golden scorecard.csv)
    tl = _sheet_rows(wb["Traffic light"], "Reference")
    f = narrative.indicator_facts(inputs.measures, inputs.assurance, inputs.catalogue,
                                  EXAMPLE_QUARTER)  # fmt: skip
    key = narrative.key_points(f)
    assert len(tl) == len(inputs.catalogue.indicators)
    for ref, cell in tl["Key points / trend / action"].items():
        assert cell.value == key[ref] and cell.value.strip()
    ws = wb["Scorecard"]
    table = next(iter(ws.tables.values()))
    assert table.autoFilter is not None and ws.freeze_panes
    links = [c.hyperlink.target for r in wb["Cover"].iter_rows() for c in r if c.hyperlink]
    assert "../accessibility.html" in [t.replace("\\", "/") for t in links]  # the statement


def _sheet_rows(ws, key: str) -> pd.DataFrame:
    """The sheet's table as cells (openpyxl), columns its header row, index the ``key`` column's
    values."""
    rows = list(ws.iter_rows())
    top = next(i for i, r in enumerate(rows) if key in [c.value for c in r])
    header = [c.value for c in rows[top]]
    df = pd.DataFrame([list(r) for r in rows[top + 1 :]], columns=header)
    return df.set_index(pd.Index([c.value for c in df[key]]))


# ---------------------------------------------------------------------------------------
# The index of published quarters


def test_make_quarter_indexes_every_published_quarter(example_run, tmp_path):
    paths, _ = example_run
    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(paths.data_dir, data, symlinks=True)
    shutil.copytree(paths.reports_dir, reports, symlinks=True)
    env = dict(os.environ, DATA_DIR=str(data), REPORTS_DIR=str(reports))
    for q in ("2015Q1", "2015Q2"):  # 2015Q1 built here; 2015Q2 already built, so cached
        run = subprocess.run(["make", "--no-print-directory", "quarter", f"Q={q}"],
                             cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                             timeout=600)  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
    html = (reports / "index.html").read_text(encoding="utf-8")
    for q in ("2015Q1", "2015Q2"):
        for name in ("board_report.html", "board_report.pdf", "board_tables.xlsx"):
            assert f'href="{q}/{name}"' in html, (q, name)
        assert f'href="{q}/board_report.html#ind-1-1"' in html
    assert "Q1 2015/16" in html and "Q2 2015/16" in html

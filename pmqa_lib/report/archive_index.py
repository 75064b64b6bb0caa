"""``reports/index.html``: every published quarter, rebuilt by every ``make quarter``.

A quarter is published when ``reports/<Q>/manifest.json`` exists (the report stage writes it
last). Its manifest carries the quarter's ratings (:func:`ratings`), so the index is built from
the reports folder alone: it still lists a quarter whose processed tables were cleared. The page
lists each quarter with its RAG counts and links to its HTML, PDF and workbook, then a grid of
indicators by quarter whose every cell links to that indicator's page in that quarter's report.
It is written atomically beside ``accessibility.html``, the accessibility statement.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from pmqa_lib.core.catalogue import Catalogue, load_catalogue
from pmqa_lib.core.files import Paths, write_text
from pmqa_lib.core.format import RAGS
from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import accessibility, html_blocks, palette
from pmqa_lib.report.html_blocks import esc
from pmqa_lib.report.inputs import ReportInputs

log = logging.getLogger(__name__)

INDEX_NAME = "index.html"
OUTPUTS = (("board_report.html", "HTML"), ("board_report.pdf", "PDF"),
           ("board_tables.xlsx", "Workbook"))  # fmt: skip


def ratings(inputs: ReportInputs) -> list[dict]:
    """Each indicator's computed RAG this quarter (``null`` when not rated), its name and theme,
    in report order: what the index needs of a published quarter."""
    from pmqa_lib.report import navigation

    a = navigation.indicator_attributes(inputs.assurance, inputs.catalogue)
    order = [r for r in inputs.catalogue.report_order() if r in a.index]
    return [
        {"indicator": r, "name": a.loc[r, "name"], "theme": a.loc[r, "theme"],
         "rag": a.loc[r, "rag"] if a.loc[r, "rag"] in RAGS else None}
        for r in order
    ]  # fmt: skip


def published_quarters(reports_dir: Path) -> pd.DataFrame:
    """One row per published quarter, oldest first: quarter, label, generated_at, ratings
    (the manifest's list; empty for a report built before the manifest carried them)."""
    rows = []
    for man in sorted(Path(reports_dir).glob("*/manifest.json")):
        try:
            q = Quarter.parse(man.parent.name)
            data = json.loads(man.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            log.warning("index: %s skipped (%s)", man, exc)
            continue
        rows.append({"quarter": q, "label": q.long_label, "generated_at":
                     data.get("generated_at", ""), "ratings": data.get("ratings") or []})  # fmt: skip
    rows.sort(key=lambda r: r["quarter"].ordinal)
    return pd.DataFrame(rows, columns=["quarter", "label", "generated_at", "ratings"])


def _badge_link(href: str, rag: str | None, label: str) -> str:
    text = rag or "not rated"
    return f'<a href="{esc(href)}" aria-label="{esc(label)}">{html_blocks.rag_badge(text)}</a>'


def quarters_table(pub: pd.DataFrame, reports_dir: Path) -> str:
    head = ("<tr><th scope='col'>Quarter</th>" + "".join(f"<th scope='col' class='num'>{r}</th>"
            for r in (*RAGS, "Not rated")) + "<th scope='col'>Published</th>"
            "<th scope='col'>Files</th></tr>")  # fmt: skip
    rows = []
    for rec in pub.iloc[::-1].itertuples():
        q: Quarter = rec.quarter
        counts = pd.Series([r.get("rag") for r in rec.ratings], dtype=object).value_counts()
        nums = "".join(f"<td class='num'>{int(counts.get(r, 0))}</td>" for r in RAGS)
        unrated = len(rec.ratings) - int(sum(counts.get(r, 0) for r in RAGS))
        links = []
        for name, kind in OUTPUTS:
            if (Path(reports_dir) / q.code / name).is_file():
                links.append(f'<a href="{esc(q.code)}/{esc(name)}">{esc(kind)}<span '
                             f'class="visually-hidden"> for {esc(q.label)}</span></a>')  # fmt: skip
        rows.append(
            f"<tr><th scope='row'>{esc(q.label)}</th>{nums}<td class='num'>{unrated}</td>"
            f"<td>{esc(str(rec.generated_at)[:10])}</td><td>{' | '.join(links)}</td></tr>"
        )
    return (
        "<table><caption>Published quarters, newest first, with the count of indicators at each "
        f"computed RAG</caption><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def rag_grid(pub: pd.DataFrame, catalogue: Catalogue | None) -> str:
    """Indicators (rows, in the current catalogue's order, then any no longer in it) by published
    quarter (columns, oldest first): each cell the RAG as text, linked to the indicator's page."""
    per_q: dict[str, dict[str, dict]] = {
        rec.quarter.code: {r["indicator"]: r for r in rec.ratings} for rec in pub.itertuples()
    }
    names: dict[str, str] = {}
    for rec in pub.itertuples():
        for r in rec.ratings:
            names[r["indicator"]] = r.get("name", "")
    order = catalogue.report_order() if catalogue is not None else []
    refs = [r for r in order if r in names] + [r for r in names if r not in order]
    quarters = [rec.quarter for rec in pub.itertuples()]
    head = "<tr><th scope='col'>Indicator</th>" + "".join(
        f"<th scope='col'>{esc(q.label)}</th>" for q in quarters
    ) + "</tr>"  # fmt: skip
    rows = []
    for ref in refs:
        cells = []
        for q in quarters:
            rec = per_q[q.code].get(ref)
            if rec is None:
                cells.append("<td>not reported</td>")
                continue
            href = f"{q.code}/board_report.html#{html_blocks.anchor_id(ref)}"
            label = f"{ref} {q.label}: {rec.get('rag') or 'not rated'}"
            cells.append(f"<td>{_badge_link(href, rec.get('rag'), label)}</td>")
        rows.append(
            f"<tr><th scope='row'>{esc(ref)} <span class='small'>{esc(names[ref])}</span></th>"
            f"{''.join(cells)}</tr>"
        )
    return (
        "<div class='grid-wrap'><table class='grid'><caption>Computed RAG of each indicator in "
        "each published quarter; every rating links to the indicator's page in that quarter's "
        f"report</caption><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def index_page(pub: pd.DataFrame, reports_dir: Path, catalogue: Catalogue | None) -> str:
    board = catalogue.board_name if catalogue is not None else "pmqa"
    title = f"{board}: published performance reports"
    body = (
        f"<h1>{esc(title)}</h1>"
        "<p>Each quarter's Performance Indicator Report and Scorecard: the report to read (HTML), "
        "the same report to print (PDF) and its tables for analysis (workbook).</p>"
    )
    if pub.empty:
        body += "<p>No quarter has been published yet: run <code>make quarter Q=2015Q2</code>.</p>"
    else:
        body += "<h2>Quarters</h2>" + quarters_table(pub, reports_dir)
        body += "<h2>Indicators by quarter</h2>" + rag_grid(pub, catalogue)
    body += accessibility.statement_link(accessibility.PAGE_NAME)
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{palette.css_variables()}{accessibility.PAGE_CSS}"
        ".small { font-weight: normal; color: var(--muted); font-size: 0.85em; }"
        f"</style></head><body><main>{body}</main></body></html>\n"
    )


def write_index(paths: Paths) -> Path:
    """Rebuild ``reports/index.html`` and ``reports/accessibility.html`` (atomic writes)."""
    try:
        catalogue = load_catalogue(paths.catalogue_file)
    except Exception as exc:  # an index without catalogue order still lists every quarter
        log.warning("index: catalogue not read (%s); indicators in published order", exc)
        catalogue = None
    pub = published_quarters(paths.reports_dir)
    write_text(accessibility.statement_page(catalogue), paths.reports_dir / accessibility.PAGE_NAME)
    return write_text(index_page(pub, paths.reports_dir, catalogue), paths.reports_dir / INDEX_NAME)

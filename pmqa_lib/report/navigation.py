"""Finding one's way in the board report: the contents list, links from every indicator reference
to its page, "back to contents" links, and the filter by RAG, theme and agency.

The filter is progressive enhancement: every indicator row and page carries ``data-rag``,
``data-theme`` and ``data-agency``; the controls are written ``hidden`` and shown by the script
inlined in the page (``templates/pmqa/filter.js``), so with JavaScript off the page is complete
and nothing offers a control that does not work. ``?rag=Red`` (also ``theme``, ``agency``) in the
address opens the page filtered.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmqa_lib.core.catalogue import Catalogue
from pmqa_lib.core.format import RAGS
from pmqa_lib.report import html_blocks
from pmqa_lib.report.html_blocks import esc

CONTENTS_ID = "contents"
#: the script that filters, inlined in the board report (no file, no network)
FILTER_JS = Path(__file__).resolve().parent / "templates" / "pmqa" / "filter.js"
#: the filter's value for an indicator with no RAG this quarter
NOT_RATED = "not rated"


def indicator_attributes(assurance: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Per indicator (index: reference): ``rag`` (Red, Amber, Green or "not rated"), ``theme``,
    ``agency`` (short name) and ``name``, the values the filter and the contents list use."""
    cat = catalogue.to_frame().set_index("indicator")
    short = {c: (a.short_name or a.name) for c, a in catalogue.agencies.items()}
    rag = assurance.drop_duplicates("indicator").set_index("indicator")["rag"]
    rag = rag.reindex(cat.index)
    return pd.DataFrame(
        {
            "rag": rag.where(rag.isin(RAGS), NOT_RATED).to_numpy(),
            "theme": cat["theme"].to_numpy(),
            "agency": cat["agency"].map(short).to_numpy(),
            "name": cat["name"].to_numpy(),
        },
        index=cat.index,
    )


def data_attrs(attrs: pd.DataFrame, ref: object) -> str:
    """`` data-rag="Red" data-theme="..." data-agency="..."`` for ``ref`` (``""`` if unknown)."""
    if ref not in attrs.index:
        return ""
    r = attrs.loc[ref]
    return f' data-rag="{esc(r["rag"])}" data-theme="{esc(r["theme"])}" data-agency="{esc(r["agency"])}"'


def row_attrs(attrs: pd.DataFrame, refs) -> list[str]:
    """:func:`data_attrs` for each row's reference, for :func:`pmqa_lib.report.html_blocks.table`."""
    return [data_attrs(attrs, r) for r in refs]


def ref_link(ref: object) -> str:
    """``<a href="#ind-1-1">1.1</a>``: an indicator reference linked to its page."""
    return f'<a href="#{html_blocks.anchor_id(ref)}">{esc(ref)}</a>'


def back_link() -> str:
    return f'<p class="back"><a href="#{CONTENTS_ID}">Back to contents</a></p>'


def contents(sections: list[tuple[str, str]], attrs: pd.DataFrame, order: list[str]) -> str:
    """The contents list: each section (anchor, title), and under "Indicator pages" every
    indicator by theme with its RAG as text."""
    items = []
    for anchor, title in sections:
        sub = ""
        if anchor == "indicators":
            sub = _indicator_list(attrs, order)
        items.append(f'<li><a href="#{esc(anchor)}">{esc(title)}</a>{sub}</li>')
    return (
        f'<nav class="contents" id="{CONTENTS_ID}" aria-labelledby="{CONTENTS_ID}-title">'
        f'<h2 id="{CONTENTS_ID}-title">Contents</h2><ol>{"".join(items)}</ol></nav>'
    )


def _indicator_list(attrs: pd.DataFrame, order: list[str]) -> str:
    a = attrs.loc[[r for r in order if r in attrs.index]]
    out = []
    for theme, group in a.groupby("theme", sort=False):
        lis = "".join(
            f"<li{data_attrs(attrs, ref)}>{ref_link(ref)} {esc(r['name'])} "
            f'<span class="rag-text">({esc(r["rag"])})</span></li>'
            for ref, r in group.iterrows()
        )
        out.append(f'<li class="theme">{esc(theme)}<ul>{lis}</ul></li>')
    return f'<ul class="indicator-index">{"".join(out)}</ul>'


def filter_controls(attrs: pd.DataFrame) -> str:
    """The filter form, ``hidden`` until the script shows it (nothing to see with JavaScript off)."""

    def select(name: str, label: str, values: list[str]) -> str:
        opts = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
        return (
            f'<label for="filter-{name}">{esc(label)}</label>'
            f'<select id="filter-{name}" name="{name}" data-filter="{name}">'
            f'<option value="">All</option>{opts}</select>'
        )

    rags = [r for r in (*RAGS, NOT_RATED) if r in set(attrs["rag"])]
    return (
        '<form class="filters" id="filters" hidden aria-label="Filter the indicators">'
        "<p>Show only the indicators that match (tables, contents and pages):</p>"
        + select("rag", "RAG this quarter", rags)
        + select("theme", "Theme", list(dict.fromkeys(attrs["theme"])))
        + select("agency", "Agency", sorted(set(attrs["agency"])))
        + '<button type="reset">Show all</button>'
        '<p class="filter-status" role="status" aria-live="polite"></p></form>'
    )


def filter_script() -> str:
    """The filter's JavaScript, to inline in the page."""
    return FILTER_JS.read_text(encoding="utf-8")

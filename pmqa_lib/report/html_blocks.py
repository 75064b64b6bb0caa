"""HTML building blocks for the report notebooks: escaped text, RAG badges, tables.

Every free-text value (commentary, actions, names from returns) goes through :func:`esc`, so a
return that contains ``<script>`` or markdown is shown literally, never interpreted. RAG ratings are
written as text and coloured, so the report reads the same in black and white.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from pmqa_lib.core.format import NO_DATA_PREFIX, RAGS
from pmqa_lib.core.text_rules import show_controls


def esc(value: object) -> str:
    """Escape any value for HTML; missing (None/NaN/NA) becomes an empty string.

    Bidirectional controls, which would reorder the text on the page and in the PDF, are shown as
    visible tags (``[U+202E]``, :func:`pmqa_lib.core.text_rules.show_controls`)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(show_controls(str(value)), quote=True)


def text_block(text: object, css_class: str = "text") -> str:
    """A paragraph of free text: escaped, with the author's line breaks kept."""
    body = esc(text)
    if not body:
        return ""
    body = re.sub(r"\r\n?|\n", "<br>", body)
    return f'<p class="{esc(css_class)}">{body}</p>'


def split_actions(text: object) -> list[str]:
    """Split an actions cell on ``;`` or new lines into trimmed items (bullets removed)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    items = re.split(r";|\r\n?|\n", str(text))
    out = []
    for item in items:
        item = re.sub(r"^\s*[-*\u2022]\s*", "", item).strip()
        if item:
            out.append(item)
    return out


def rag_badge(rag: object) -> str:
    """A RAG rating as coloured text: ``<span class="rag rag-green">Green</span>``.

    Anything that is not Red, Amber or Green is shown as grey text (e.g. "no data: not returned").
    """
    text = esc(rag)
    if not text:
        return '<span class="rag rag-none">not rated</span>'
    key = text.strip().capitalize()
    css = f"rag-{key.lower()}" if key in RAGS else "rag-none"
    return f'<span class="rag {css}">{text}</span>'


def heading(text: object, level: int = 2, anchor: str | None = None, css_class: str = "") -> str:
    ident = f' id="{esc(anchor)}"' if anchor else ""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return f"<h{level}{ident}{cls}>{esc(text)}</h{level}>"


def anchor_id(ref: object) -> str:
    """A safe HTML id for an indicator reference: ``1.1`` -> ``ind-1-1``."""
    return "ind-" + re.sub(r"[^A-Za-z0-9]+", "-", str(ref)).strip("-")


def table(
    df: pd.DataFrame,
    rag_columns: Sequence[str] = (),
    caption: str | None = None,
    css_class: str = "data",
    numeric_columns: Sequence[str] = (),
    row_header: str | None = None,
    group_column: str | None = None,
    col_widths: Sequence[float] | None = None,
    row_attrs: Sequence[str] | None = None,
    link_column: str | None = None,
    link_targets: Iterable[object] | None = None,
    empty_header: str = "Row",
) -> str:
    """Render a DataFrame as an escaped HTML table.

    Parameters
    ----------
    df : DataFrame
        Cells are shown as they are (format numbers before calling); NaN shows as an empty cell,
        so callers put an explicit "no data: ..." text where a value is missing.
    rag_columns : columns whose cells are RAG ratings, shown with :func:`rag_badge`.
    numeric_columns : columns right-aligned.
    row_header : a column rendered as ``<th scope="row">``.
    group_column : a column shown as a full-width heading row each time its value changes (as
        Appendix 1 prints "1 Early Help" above its indicators), and not as a column.
    col_widths : relative widths of the shown columns (after ``group_column`` is dropped), written
        as a ``<colgroup>`` in percent; use with a ``table-layout: fixed`` class so long words wrap
        instead of pushing the table past the page.
    row_attrs : per row, attributes already escaped (``' data-rag="Red"'``) for its ``<tr>``.
    link_column : a column of indicator references, each linked to its page (``#ind-1-1``);
        only those in ``link_targets`` when that is given.
    empty_header : the words, hidden from sight but read by screen readers, of a column whose
        name is empty (a table header is never empty).
    """
    groups = None
    if group_column is not None and group_column in df.columns:
        groups = df[group_column].tolist()
        df = df.drop(columns=group_column)
    rag_set, num_set = set(rag_columns), set(numeric_columns)
    num_attr = ' class="num"'
    head = "".join(
        f'<th scope="col"{num_attr if c in num_set else ""}>'
        f"{esc(c) if str(c).strip() else _hidden(empty_header)}</th>"
        for c in df.columns
    )
    targets = None if link_targets is None else {str(t) for t in link_targets}
    if row_attrs is not None and len(row_attrs) != len(df):
        raise ValueError(f"row_attrs has {len(row_attrs)} entries for {len(df)} rows")
    rows = []
    last_group = object()
    for i, rec in enumerate(df.itertuples(index=False, name=None)):
        if groups is not None and groups[i] != last_group:
            last_group = groups[i]
            rows.append(
                f'<tr class="group"><th colspan="{len(df.columns)}" scope="rowgroup">'
                f"{esc(groups[i])}</th></tr>"
            )
        cells = []
        for col, val in zip(df.columns, rec, strict=True):
            content = rag_badge(val) if col in rag_set else esc(val)
            if col == link_column and (targets is None or str(val) in targets):
                content = f'<a href="#{anchor_id(val)}">{content}</a>'
            if isinstance(val, str) and val.startswith(NO_DATA_PREFIX):
                content = f'<span class="nodata">{esc(val)}</span>'
            cls = num_attr if col in num_set else ""
            tag = "th" if col == row_header else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cells.append(f"<{tag}{scope}{cls}>{content}</{tag}>")
        attrs = row_attrs[i] if row_attrs is not None else ""
        rows.append(f"<tr{attrs}>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    cols = ""
    if col_widths is not None:
        if len(col_widths) != len(df.columns):
            raise ValueError(
                f"col_widths has {len(col_widths)} widths for {len(df.columns)} columns"
            )
        total = float(sum(col_widths))
        cols = (
            "<colgroup>"
            + "".join(f'<col style="width: {100 * w / total:.2f}%">' for w in col_widths)
            + "</colgroup>"
        )
    return (
        f'<table class="{esc(css_class)}">{cap}{cols}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _hidden(text: str) -> str:
    """Text for screen readers only (``.visually-hidden`` in report.css)."""
    return f'<span class="visually-hidden">{esc(text)}</span>'


def definition_list(pairs: Iterable[tuple[object, object]], css_class: str = "meta") -> str:
    """``<dl>`` of label/value pairs, both escaped."""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in pairs)
    return f'<dl class="{esc(css_class)}">{items}</dl>'


def section(title: object, body: str, css_class: str = "section", anchor: str | None = None) -> str:
    """A ``<section>`` with a heading; ``body`` is HTML already built with these helpers."""
    return f'<section class="{esc(css_class)}">{heading(title, 2, anchor)}{body}</section>'

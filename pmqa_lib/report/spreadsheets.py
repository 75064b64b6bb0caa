"""Workbooks to the Analysis Function's standard for releasing statistics in spreadsheets, made
with ``gptables`` (the cross-government package that implements it): a cover, a contents sheet,
a notes sheet, then one table per sheet, each an Excel table with a title, its source, an
autofilter, a frozen header row and columns sized to fit (long text wrapped).

Figures are stored as numbers, formatted to the indicator's precision; a cell that has no figure
holds a shorthand in square brackets ([x] not available, [z] not applicable) and the row's
``Notes`` column says why, as the guidance on symbols in tables asks. RAG columns hold the words
Red, Amber, Green with a conditional fill in the report's colours (:mod:`palette`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.format import RAGS, round_half_away
from pmqa_lib.report import palette

NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
#: widest column (characters); longer text wraps
MAX_WIDTH = 60
_NUMBER = re.compile(r"^(-?[\d,]*\.?\d+)(?:\s+(\(.*\)))?$")


@dataclass
class Sheet:
    """One table for :func:`write_workbook`."""

    name: str  # the sheet's tab, at most 31 characters
    title: str
    table: pd.DataFrame
    source: str = ""
    subtitles: list[str] = field(default_factory=list)
    #: decimal places of each row's numbers (None: numbers keep Excel's general format)
    row_precision: Sequence[int] | None = None
    rag_columns: Sequence[str] = ()


def number_cells(texts: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """Display texts of one column as workbook cells: a number where the text is a number
    ("1,234" -> 1234.0), the number where a qualifier follows it ("93.0 (1 of 2 quarters)"), else a
    shorthand ([z] for "NA", [x] otherwise). Returns (cells, notes): the note names the column and
    says what the report says ("Q2 Result: no data: return rejected")."""
    cells, notes = [], []
    for t in texts.fillna("").astype(str):
        m = _NUMBER.match(t.strip())
        if m:
            cells.append(float(m.group(1).replace(",", "")))
            notes.append(f"{column}: {m.group(2)[1:-1]}" if m.group(2) else "")
        elif t.strip() in ("", "NA"):
            cells.append(NOT_APPLICABLE)
            notes.append("")
        else:
            cells.append(NOT_AVAILABLE)
            notes.append(f"{column}: {t.strip()}")
    return pd.Series(cells, index=texts.index, dtype=object), pd.Series(notes, index=texts.index)


def numeric_table(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``df`` with ``columns`` turned into numbers (:func:`number_cells`) and a ``Notes`` column
    gathering every qualifier of the row."""
    out = df.copy()
    found = []
    for c in columns:
        out[c], n = number_cells(df[c], c)
        found.append(n)
    joined = [
        "; ".join(x for x in row if x) for row in zip(*found, strict=True)
    ] if found else [""] * len(df)  # fmt: skip
    out["Notes"] = [j or "none" for j in joined]
    return out


def rounded(values, precision) -> np.ndarray:
    """Figures as published: rounded half away from zero to each row's precision."""
    return round_half_away(pd.to_numeric(values, errors="coerce"), precision)


def fill_missing(df: pd.DataFrame) -> pd.DataFrame:
    """Every empty cell as [x] (the standard has no blank cells) and text of symbols only
    (a trend arrow) kept readable."""
    out = df.astype(object).where(df.notna(), NOT_AVAILABLE)
    out = out.map(lambda v: NOT_AVAILABLE if isinstance(v, str) and not v.strip() else v)
    return out.map(
        lambda v: f"{v} (arrow)" if isinstance(v, str) and not re.search(r"[A-Za-z0-9]", v) else v
    )


def _table_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_").lower() or "table"


def write_workbook(
    dest: Path | str,
    sheets: list[Sheet],
    cover_title: str,
    intro: list[str],
    about: list[str],
    contact: list[str],
    notes: pd.DataFrame,
) -> Path:
    """Write the workbook: cover, contents, notes (``notes``: "Note number", "Note text"), then
    each :class:`Sheet`. A table with no rows this quarter (a new board's scorecard, say) gets no
    sheet, as the standard asks: the cover names it instead."""
    import gptables as gpt

    empty = [sh.title for sh in sheets if sh.table.empty]
    sheets = [sh for sh in sheets if not sh.table.empty]
    if empty:
        intro = [*intro, "Tables with nothing to show this quarter, so not included: "
                 + "; ".join(empty) + "."]  # fmt: skip
    gptables = {}
    for sh in sheets:
        table = fill_missing(sh.table.reset_index(drop=True))
        formatting = []
        if sh.row_precision is not None:
            prec = pd.Series(list(sh.row_precision))
            for p, rows in prec.groupby(prec).groups.items():
                fmt = "#,##0" if int(p) == 0 else "#,##0." + "0" * int(p)
                formatting.append({"row": {"rows": [int(r) + 1 for r in rows],
                                           "format": {"num_format": fmt}}})  # fmt: skip
        wide = [c for c in table.columns if _longest(table[c], c) > MAX_WIDTH]
        if wide:
            formatting.append({"column": {"columns": wide, "format": {"text_wrap": True}}})
        gptables[sh.name] = gpt.GPTable(
            table=table, table_name=_table_name(sh.name), title=sh.title,
            subtitles=list(sh.subtitles), source=sh.source or None,
            instructions="This worksheet contains one table. Some cells refer to notes which can "
            "be found on the notes worksheet.",
            additional_formatting=formatting,
        )  # fmt: skip
    cover = gpt.Cover(cover_label="Cover", title=cover_title, intro=intro, about=about,
                      contact=contact)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gptables warns of empty cells: there are none left
        wb = gpt.produce_workbook(
            filename=str(dest), sheets=gptables, cover=cover, notes_table=notes, auto_width=True,
            contentsheet_label="Contents",
            # text from returns that starts like a formula stays text (OWASP CSV injection)
            workbook_options={"strings_to_formulas": False},
        )  # fmt: skip
    fills = {r: wb.add_format({"bg_color": palette.RAG[r].fill, "font_color": palette.RAG[r].text,
                               "bold": True}) for r in RAGS}  # fmt: skip
    for sh in sheets:
        ws = wb.get_worksheet_by_name(sh.name)
        table = gptables[sh.name]
        top, left, bottom, right = table.data_range
        ws.freeze_panes(top + 1, 0)
        for t in ws.tables:  # gptables writes the table without its filter buttons: add them
            t["autofilter"] = t["a_range"]
        cols = list(table.table.columns)
        for c in sh.rag_columns:
            j = cols.index(c)
            for rag, fmt in fills.items():
                ws.conditional_format(top + 1, j, bottom, j, {"type": "cell", "criteria": "==",
                                      "value": f'"{rag}"', "format": fmt})  # fmt: skip
        for j, c in enumerate(cols):
            if _longest(table.table[c], c) > MAX_WIDTH:
                ws.set_column(j, j, MAX_WIDTH)
    wb.close()
    return Path(dest)


def _longest(values: pd.Series, name: object) -> int:
    return max([len(str(name))] + [len(str(v)) for v in values.head(500)])

"""What a spreadsheet would run: the cells of a CSV or XLSX file that it would treat as a formula.

A CSV cell runs when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return and is
not simply a number (OWASP, "CSV Injection"); pmqa writes such text with a leading apostrophe. An
XLSX cell runs when it is stored as a formula, or is text starting like one without Excel's quote
prefix (it would run as soon as someone edits it).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

STARTS_LIKE_A_FORMULA = re.compile(r"^[=+\-@\t\r]")
A_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def formula_cells(path: Path) -> list[tuple[int, int, str]]:
    """(row, column, text) of every cell of ``path`` a spreadsheet would run (1-based)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _xlsx(path)
    out = []
    limit = csv.field_size_limit(1 << 30)  # a rejected row may hold a cell of megabytes
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    csv.field_size_limit(limit)
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            if STARTS_LIKE_A_FORMULA.match(cell) and not A_NUMBER.match(cell):
                out.append((r, c, cell))
    return out


def _xlsx(path: Path) -> list[tuple[int, int, str]]:
    import openpyxl

    out = []
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if cell.data_type == "f":
                    out.append((cell.row, cell.column, f"{ws.title}!{v}"))
                elif (
                    isinstance(v, str)
                    and STARTS_LIKE_A_FORMULA.match(v)
                    and not A_NUMBER.match(v)
                    and not cell.quotePrefix
                ):
                    out.append((cell.row, cell.column, f"{ws.title}!{v}"))
    return out

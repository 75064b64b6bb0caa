"""Read every agency return of a quarter (CSV and XLSX) into the tidy returns table.

A return is ``data/raw/<quarter>/<AGENCY>_<quarter>.csv`` or ``.xlsx`` (sheet ``Return``) with the
columns of :data:`RETURN_COLUMNS` in that order (docs/architecture.md). This module only reads: it
never writes, and it never raises on a bad file. A file that cannot be read as a return (a
*structural* fault) becomes one row of the files table with ``status == "rejected"`` and a reason
an agency can act on; its rows are not used.

What is tolerated (real returns contain it):

- a UTF-8 byte-order mark; UTF-16 text *with* a byte-order mark is decoded and accepted (Excel's
  "Unicode text" export), noted in ``encoding``; text that is not UTF-8 is read as Windows-1252
  (Excel's "CSV" export) and noted;
- blank rows anywhere (skipped; row numbers still count them), spaces around every cell, header
  names in any letter case;
- Excel number formats (a cell formatted as a percentage, 0.5 shown as 50%, is read as 50),
  thousands separators and a trailing ``%`` in number cells, Excel dates in ``period`` (read as the
  financial-year quarter containing the date), formulas (their saved result is used in number
  columns; in text columns the formula text itself is kept, so it can be flagged);
- agency codes in lower case, ``period`` in lower case, RAG in any case (``green`` -> ``Green``).

Suppression markers (:data:`SUPPRESSION_MARKERS`) in a number column are read as missing, with the
marker kept in ``<column>_marker``; never as zero. Any other text in a number column is kept in
``<column>_raw`` so that validation rejects the row naming the value.

Structural faults (the file is rejected): not a file format we read; empty; larger than
:data:`MAX_FILE_BYTES`; binary content (NUL bytes, a workbook or other binary named ``.csv``);
UTF-16 without a byte-order mark (undecodable); an ``.xlsx`` that cannot be opened or has no
``Return`` sheet; merged cells or title rows above the header; a header that is not exactly the
documented columns (missing, extra, renamed or reordered: the reason lists which); a file name
that is not ``<AGENCY>_<quarter>`` for this folder's quarter.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pmqa_lib.core.files import sha256_file
from pmqa_lib.core.periods import QUARTER_PATTERN, Quarter

log = logging.getLogger(__name__)

RETURN_COLUMNS = [
    "agency", "indicator", "period", "numerator", "denominator", "value", "proposed_rag",
    "commentary", "actions", "action_timescale",
]  # fmt: skip
NUMBER_COLUMNS = ["numerator", "denominator", "value"]
TEXT_COLUMNS = ["commentary", "actions", "action_timescale"]
MARKER_COLUMNS = [f"{c}_marker" for c in NUMBER_COLUMNS]
RAW_COLUMNS = [f"{c}_raw" for c in NUMBER_COLUMNS]
TIDY_COLUMNS = (
    RETURN_COLUMNS + ["source_file", "sheet", "source_row", "received_in"] + MARKER_COLUMNS
)
FILE_COLUMNS = [
    "source_file", "agency", "received_in", "format", "sheet", "status", "reason", "column",
    "source_row", "rows", "bytes", "sha256", "encoding", "header",
]  # fmt: skip
SUPPRESSION_MARKERS = ("c", "x", "z", "[c]", "[x]", "[z]", "-", ":")
#: A number as an agency may type it: optional sign, thousands separators, decimals, exponent, %.
NUMBER_PATTERN = r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?%?$"
RETURN_SHEET = "Return"
MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_NAME = re.compile(r"^(?P<agency>[A-Za-z0-9]+)_(?P<quarter>\d{4}[Qq][1-4])\.(?P<ext>csv|xlsx)$")
IGNORED_PREFIXES = (".", "~$")
_NUMBER_RE = re.compile(NUMBER_PATTERN)
_BLANKS = "\ufeff\u00a0\u200b"


class StructuralFault(Exception):
    """A return file that cannot be read as a return; ``column``/``row`` locate it where known."""

    def __init__(self, reason: str, column: str | None = None, row: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.column = column
        self.row = row


@dataclass
class IngestResult:
    """What ingest found.

    Attributes
    ----------
    returns : DataFrame
        The tidy returns table (:data:`TIDY_COLUMNS`) plus :data:`RAW_COLUMNS` (text that did
        not read as a number or a marker, else missing), one row per non-blank data row of every
        readable file.
    files : DataFrame
        One row per file in the folder (:data:`FILE_COLUMNS`): ``status`` is ``read``,
        ``rejected`` (with ``reason``) or ``ignored`` (hidden and lock files).
    """

    returns: pd.DataFrame
    files: pd.DataFrame


# ---------------------------------------------------------------------------------------
# Reading one file into rows of text


def _decode(data: bytes) -> tuple[str, str]:
    """Bytes of a CSV -> (text, encoding) or :class:`StructuralFault`."""
    if data.startswith(b"PK\x03\x04"):
        raise StructuralFault(
            "this is an Excel workbook (or other zip file) named .csv: send it as .xlsx"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise StructuralFault("the file says it is UTF-16 but cannot be decoded") from None
    if b"\x00" in data[:4096]:
        raise StructuralFault(
            "the file is binary or UTF-16 without a byte-order mark, not CSV text: "
            "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = data.decode("cp1252", errors="replace"), "windows-1252"
    control = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\r\n\t")
    if control > max(2, len(text[:20000]) // 200) or text[:20000].count("\ufffd") > 10:
        raise StructuralFault("the file is not CSV text (it contains binary data)")
    return text, enc


def _csv_rows(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise StructuralFault(f"the CSV cannot be parsed: {exc}") from None


def _cell_text(value, number_format: str | None, column: str | None) -> str:
    """An Excel cell value as the text a person would mean by it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return Quarter.of_date(day).code if column == "period" else day.isoformat()
    if isinstance(value, int | float):
        v = float(value)
        if column in NUMBER_COLUMNS and number_format and "%" in number_format:
            v *= 100.0
        return f"{v:.15g}"
    return str(value)


def _xlsx_rows(path: Path) -> tuple[list[list[str]], str]:
    import openpyxl

    try:
        wb_values = openpyxl.load_workbook(path, data_only=True)
        wb_formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise StructuralFault(
            f"cannot be opened as an Excel workbook ({type(exc).__name__})"
        ) from None
    names = {n.strip().lower(): n for n in wb_values.sheetnames}
    if RETURN_SHEET.lower() not in names:
        raise StructuralFault(
            f"the workbook has no sheet named '{RETURN_SHEET}' (it has: {', '.join(wb_values.sheetnames)}); "
            f"put the return on a sheet named '{RETURN_SHEET}'"
        )
    sheet = names[RETURN_SHEET.lower()]
    ws, wf = wb_values[sheet], wb_formulas[sheet]
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= 1:
            raise StructuralFault(
                f"merged cells in the header row ({rng.coord}): the first row must be the "
                "column names, one per cell, with no merged title above",
                row=1,
            )
    header = [
        _cell_text(c.value, None, None).strip().lower() for c in next(ws.iter_rows(max_row=1), [])
    ]
    columns = [h if h in RETURN_COLUMNS else None for h in header]
    rows: list[list[str]] = []
    for vrow, frow in zip(ws.iter_rows(), wf.iter_rows(), strict=False):
        out = []
        for k, (vc, fc) in enumerate(zip(vrow, frow, strict=False)):
            col = columns[k] if k < len(columns) else None
            formula = isinstance(fc.value, str) and fc.value.startswith("=")
            if formula and (col in TEXT_COLUMNS or col is None or vc.value is None):
                out.append(fc.value if col not in NUMBER_COLUMNS else "#FORMULA " + fc.value)
            else:
                out.append(_cell_text(vc.value, vc.number_format, col))
        rows.append(out)
    return rows, sheet


def read_rows(path: Path) -> tuple[list[list[str]], str, str]:
    """All rows of a return file as text: (rows, sheet name or "", encoding).

    Raises
    ------
    StructuralFault
        When the file cannot be read as a return.
    """
    size = path.stat().st_size
    if size == 0:
        raise StructuralFault("the file is empty")
    if size > MAX_FILE_BYTES:
        raise StructuralFault(
            f"the file is {size / 1e6:.1f} MB; a quarterly return is a few kilobytes and the limit "
            f"is {MAX_FILE_BYTES / 1e6:.0f} MB: send only this quarter's rows"
        )
    ext = path.suffix.lower()
    if ext == ".xlsx":
        rows, sheet = _xlsx_rows(path)
        return rows, sheet, "xlsx"
    if ext == ".csv":
        text, enc = _decode(path.read_bytes())
        return _csv_rows(text), "", enc
    raise StructuralFault(
        f"'{ext or 'no extension'}' files are not read: send the return as .csv or .xlsx"
    )


# ---------------------------------------------------------------------------------------
# Header and rows


def layout_problem(header: list[str]) -> tuple[str, str | None] | None:
    """Why a header row is not exactly :data:`RETURN_COLUMNS` (reason, first column), or None."""
    if header == RETURN_COLUMNS:
        return None
    missing = [c for c in RETURN_COLUMNS if c not in header]
    extra = [h or "(blank)" for h in header if h not in RETURN_COLUMNS]
    parts = []
    if missing:
        parts.append(f"missing column(s): {', '.join(missing)}")
    if extra:
        parts.append(f"unexpected column(s): {', '.join(extra)}")
    dupes = sorted({h for h in header if header.count(h) > 1 and h in RETURN_COLUMNS})
    if dupes:
        parts.append(f"repeated column(s): {', '.join(dupes)}")
    if not parts:
        parts.append("the columns are in the wrong order")
    first = (missing or extra or dupes or [None])[0]
    expected = ", ".join(RETURN_COLUMNS)
    return (
        f"the header row is not the return layout ({'; '.join(parts)}); it must be: {expected}",
        first,
    )


def _clean(cell: str) -> str:
    return cell.strip().strip(_BLANKS).strip()


def tidy_rows(
    rows: list[list[str]], source_file: str, sheet: str, received_in: str
) -> pd.DataFrame:
    """Header-checked text rows -> tidy returns table (vectorised column by column).

    Parameters
    ----------
    rows : list of list of str
        Row 1 is the header; every row as read.
    """
    header = [_clean(h).lower() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    problem = layout_problem(header)
    if problem is not None:
        raise StructuralFault(problem[0], column=problem[1], row=1)
    width = len(RETURN_COLUMNS)
    body = rows[1:]
    records, numbers, extra = [], [], []
    for k, r in enumerate(body, start=2):
        cells = [_clean(c) for c in r]
        if not any(cells):
            continue  # blank row (trailing or interior)
        filled = max((i + 1 for i, c in enumerate(cells) if c), default=0)
        records.append((cells + [""] * width)[:width])
        numbers.append(k)
        extra.append(max(0, filled - width))
    df = pd.DataFrame(records, columns=RETURN_COLUMNS, dtype=object)
    out = pd.DataFrame(index=range(len(df)))
    out["agency"] = df["agency"].str.upper()
    out["indicator"] = df["indicator"]
    out["period"] = df["period"].str.upper()
    markers = {m.lower() for m in SUPPRESSION_MARKERS}
    for col in NUMBER_COLUMNS:
        s = df[col].astype(str)
        is_marker = s.str.lower().isin(markers)
        is_number = s.str.match(_NUMBER_RE) & s.str.contains(r"\d", regex=True)
        cleaned = s.where(is_number, "").str.replace(",", "", regex=False).str.rstrip("%")
        out[col] = pd.to_numeric(cleaned.where(is_number), errors="coerce").astype(float)
        out[f"{col}_marker"] = s.where(is_marker).str.lower()
        out[f"{col}_raw"] = s.where((s != "") & ~is_marker & ~is_number)
    rag = df["proposed_rag"].str.strip()
    out["proposed_rag"] = rag.where(
        ~rag.str.lower().isin(["red", "amber", "green"]), rag.str.title()
    )
    for col in TEXT_COLUMNS:
        out[col] = df[col]
    for col in ["agency", "indicator", "period", "proposed_rag", *TEXT_COLUMNS]:
        out[col] = out[col].where(out[col].astype(str) != "").astype(object)
    out["source_file"] = source_file
    out["sheet"] = sheet
    out["source_row"] = pd.Series(numbers, dtype="int64")
    out["received_in"] = received_in
    out["_extra_cells"] = pd.Series(extra, dtype="int64")
    return out[TIDY_COLUMNS + RAW_COLUMNS + ["_extra_cells"]]


def empty_returns() -> pd.DataFrame:
    cols = TIDY_COLUMNS + RAW_COLUMNS + ["_extra_cells"]
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    for c in NUMBER_COLUMNS:
        df[c] = df[c].astype(float)
    df["source_row"] = df["source_row"].astype("int64")
    df["_extra_cells"] = df["_extra_cells"].astype("int64")
    return df


# ---------------------------------------------------------------------------------------
# A file, a folder, a history


def read_file(path: Path, received_in: Quarter | str) -> tuple[pd.DataFrame, dict]:
    """Read one return file: (tidy rows, file record). Never raises for a bad file."""
    received_in = str(received_in)
    name = path.name
    m = FILE_NAME.match(name)
    rec = {
        "source_file": name,
        "agency": m.group("agency").upper() if m else None,
        "received_in": received_in,
        "format": path.suffix.lower().lstrip("."),
        "sheet": "",
        "status": "read",
        "reason": None,
        "column": None,
        "source_row": None,
        "rows": 0,
        "bytes": path.stat().st_size,
        "sha256": sha256_file(path),
        "encoding": None,
        "header": None,
    }
    try:
        if m is None:
            raise StructuralFault(
                f"the file name is not <AGENCY>_<quarter>.csv or .xlsx (e.g. CMBC_{received_in}.csv)"
            )
        if m.group("quarter").upper() != received_in:
            raise StructuralFault(
                f"the file name says {m.group('quarter').upper()} but it is in the {received_in} folder: "
                f"a return for {received_in} is named {m.group('agency').upper()}_{received_in}"
            )
        rows, sheet, enc = read_rows(path)
        rec["sheet"], rec["encoding"] = sheet, enc
        rows = [r for r in rows]
        if not rows or not any(_clean(c) for r in rows for c in r):
            raise StructuralFault("the file has no rows (it is empty apart from blank cells)")
        rec["header"] = "|".join(_clean(h).lower() for h in rows[0])
        first = [_clean(h).lower() for h in rows[0]]
        if layout_problem([h for h in first if h]) is not None:
            for k, r in enumerate(rows[1:11], start=2):
                if [_clean(c).lower() for c in r if _clean(c)] == RETURN_COLUMNS:
                    raise StructuralFault(
                        f"the column names are on row {k}, not row 1: delete the title rows above them",
                        row=k,
                    )
        tidy = tidy_rows(rows, name, sheet, received_in)
        rec["rows"] = len(tidy)
        return tidy, rec
    except StructuralFault as fault:
        rec.update(
            status="rejected", reason=fault.reason, column=fault.column, source_row=fault.row
        )
        return empty_returns(), rec
    except Exception as exc:  # a reader bug must not stop the other agencies' returns
        log.exception("unexpected error reading %s", path)
        rec.update(
            status="rejected", reason=f"the file could not be read ({type(exc).__name__}: {exc})"
        )
        return empty_returns(), rec


def read_quarter(folder: Path, quarter: Quarter | str) -> IngestResult:
    """Read every return in ``folder`` (the ``data/raw/<quarter>/`` folder), sorted by name."""
    quarter = str(quarter)
    frames, records = [], []
    if folder.is_dir():
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            if path.name.startswith(IGNORED_PREFIXES):
                records.append(
                    {c: None for c in FILE_COLUMNS}
                    | {
                        "source_file": path.name,
                        "received_in": quarter,
                        "status": "ignored",
                        "reason": "hidden or Excel lock file",
                        "rows": 0,
                    }  # fmt: skip
                )
                continue
            tidy, rec = read_file(path, quarter)
            frames.append(tidy)
            records.append(rec)
    returns = (
        pd.concat([empty_returns(), *frames], ignore_index=True) if frames else empty_returns()
    )
    files = pd.DataFrame(records, columns=FILE_COLUMNS)
    return IngestResult(returns=returns, files=files)


def quarter_folders(raw: Path, up_to: Quarter | str) -> list[Quarter]:
    """The quarter folders in ``raw`` (named ``YYYYQn``) up to and including ``up_to``, oldest first."""
    last = Quarter.parse(up_to)
    found = []
    if raw.is_dir():
        for p in raw.iterdir():
            if p.is_dir() and QUARTER_PATTERN.match(p.name) and Quarter.parse(p.name) <= last:
                found.append(Quarter.parse(p.name))
    return sorted(found)

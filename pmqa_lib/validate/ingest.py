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
:data:`MAX_FILE_BYTES`; more than :data:`MAX_ROWS` rows; binary content (a workbook or other
binary named ``.csv``); UTF-16 without a byte-order mark (undecodable); a NUL byte (the row and
column are named); an ``.xlsx`` that cannot be opened, is password-protected, unpacks to more than
:data:`MAX_XLSX_UNPACKED_BYTES` (checked before it is parsed, so a "zip bomb" costs nothing) or has
no ``Return`` sheet; merged cells or title rows above the header; a header that is not exactly the
documented columns (missing, extra, renamed or reordered: the reason lists which); a file name
that is not ``<AGENCY>_<quarter>`` for this folder's quarter.

Only regular files are read. A link (symlink), a named pipe, a device or a subfolder in a returns
folder is reported as rejected with a reason and never opened or followed: a link could point
anywhere on the computer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.files import NotARegularFile, read_regular_file
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
    "source_file", "agency", "received_in", "format", "sheet", "status", "rule", "reason", "column",
    "source_row", "rows", "bytes", "sha256", "encoding", "header",
]  # fmt: skip
SUPPRESSION_MARKERS = ("c", "x", "z", "[c]", "[x]", "[z]", "-", ":")
#: A number as an agency may type it: optional sign, thousands separators, decimals, exponent, %.
#: Digits are 0-9 only: full-width or other scripts' digits are text, and rejected naming them.
NUMBER_PATTERN = r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?%?$"
RETURN_SHEET = "Return"
#: a quarterly return is a few kilobytes: a bigger file is rejected unread
MAX_FILE_BYTES = 5 * 1024 * 1024
#: what an ``.xlsx`` may unpack to (its parts' declared sizes, read before parsing): a return
#: workbook unpacks to well under a megabyte; far more is a "zip bomb" or not a return
MAX_XLSX_UNPACKED_BYTES = 10 * 1024 * 1024
#: rows a return may have (one per indicator and period: a few dozen, a few hundred with back-data)
MAX_ROWS = 10_000
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls and of encrypted workbooks
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+[0-9]+(?::[A-Z]+([0-9]+))?"')
FILE_NAME = re.compile(
    r"^(?P<agency>[A-Za-z0-9]+)_(?P<quarter>[0-9]{4}[Qq][1-4])\.(?P<ext>csv|xlsx)$"
)
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


def _office_container(data: bytes) -> str | None:
    """What an Office binary container holds: "password-protected", "xls" or None (not one)."""
    if not data.startswith(_OLE2):
        return None
    return "password-protected" if _ENCRYPTED in data else "xls"


def _decode(data: bytes) -> tuple[str, str]:
    """Bytes of a CSV -> (text, encoding) or :class:`StructuralFault`."""
    if data.startswith(b"PK\x03\x04"):
        raise StructuralFault(
            "this is an Excel workbook (or other zip file) named .csv: send it as .xlsx"
        )
    office = _office_container(data)
    if office == "password-protected":
        raise StructuralFault(
            "this is a password-protected Excel workbook named .csv: remove the password "
            "(File > Info > Protect Workbook) and save it as CSV UTF-8 or .xlsx"
        )
    if office == "xls":
        raise StructuralFault(
            "this is an Excel 97-2003 workbook (.xls) named .csv: save it as CSV UTF-8 or .xlsx"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise StructuralFault("the file says it is UTF-16 but cannot be decoded") from None
    if b"\x00" in data[:4096] and data[:4096].count(b"\x00") * 8 > len(data[:4096]):
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
    control = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\r\n\t\x00")
    if control > max(2, len(text[:20000]) // 200) or text[:20000].count("\ufffd") > 10:
        raise StructuralFault("the file is not CSV text (it contains binary data)")
    return text, enc


def _csv_rows(text: str) -> list[list[str]]:
    """The CSV's rows. A cell of any length up to the file limit is read (the length rules then
    reject the row, naming it); a fault that stops the parser names the line it is on."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise StructuralFault(
            f"the CSV cannot be parsed at line {reader.line_num}: {exc}", row=reader.line_num
        ) from None
    finally:
        csv.field_size_limit(limit)
    if "\x00" in text:
        _no_nul(rows)
    return rows


def _no_nul(rows: list[list[str]]) -> None:
    """A NUL byte (an invisible control character, left by a broken export) names its cell."""
    for k, r in enumerate(rows, start=1):
        for j, cell in enumerate(r):
            if "\x00" in cell:
                header = [_clean(h).lower() for h in rows[0]] if rows else []
                column = header[j] if j < len(header) and header[j] else f"column {j + 1}"
                raise StructuralFault(
                    f"row {k}, column {column} holds a NUL byte (an invisible control character "
                    "left by a broken export): delete the cell's content, type it again and save",
                    column=column if column in RETURN_COLUMNS else None,
                    row=k,
                )


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


def _check_workbook(data: bytes) -> None:
    """Reject a workbook that is not an .xlsx return before anything parses it: password-protected,
    an old .xls, not a zip, or one that unpacks to more than :data:`MAX_XLSX_UNPACKED_BYTES`
    (its parts' sizes are read from the zip's directory, so a "zip bomb" is never unpacked)."""
    if data.startswith(_OLE2):
        office = _office_container(data)
        if office == "password-protected":
            raise StructuralFault(
                "the workbook is password-protected, so it cannot be read: remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password, clear it) and send it again"
            )
        raise StructuralFault(
            "this is an Excel 97-2003 workbook (.xls) named .xlsx: open it in Excel and save it as "
            "Excel Workbook (.xlsx)"
        )
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise StructuralFault(
            "cannot be opened as an Excel workbook (it is not an .xlsx file, or it is damaged): "
            "save it from Excel as Excel Workbook (.xlsx)"
        ) from None
    with z:
        infos = z.infolist()
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise StructuralFault(
                f"the workbook unpacks to {unpacked / 1e6:,.0f} MB (the limit is "
                f"{MAX_XLSX_UNPACKED_BYTES / 1e6:.0f} MB; a return unpacks to well under 1 MB): it "
                "holds far more than a quarterly return, so it was not opened; send only the "
                "Return sheet's rows"
            )
        for info in infos:  # each sheet states its extent near its start: read only that
            if _SHEET_PART.match(info.filename):
                with z.open(info) as part:
                    m = _DIMENSION.search(part.read(4096))
                if m and m.group(1):
                    _check_row_count(int(m.group(1)))


def _xlsx_rows(data: bytes) -> tuple[list[list[str]], str]:
    import openpyxl

    _check_workbook(data)
    try:
        wb_values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        wb_formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
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
    _check_row_count(ws.max_row)
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


def _check_row_count(n: int) -> None:
    if n > MAX_ROWS:
        raise StructuralFault(
            f"the file has {n:,} rows; a return has one row per indicator and period (a few dozen) "
            f"and the limit is {MAX_ROWS:,}: send only this quarter's rows and any revisions"
        )


def read_regular(path: Path) -> tuple[bytes | None, int, str]:
    """:func:`pmqa_lib.core.files.read_regular_file` with the return's size limit; a link,
    folder, pipe or device is a :class:`StructuralFault` and is never read."""
    try:
        return read_regular_file(path, MAX_FILE_BYTES)
    except NotARegularFile as exc:
        raise StructuralFault(exc.reason) from None


def rows_from_bytes(data: bytes | None, size: int, ext: str) -> tuple[list[list[str]], str, str]:
    """All rows of a return file's content as text: (rows, sheet name or "", encoding).

    Raises
    ------
    StructuralFault
        When the file cannot be read as a return.
    """
    if size == 0:
        raise StructuralFault("the file is empty")
    if data is None or size > MAX_FILE_BYTES:
        raise StructuralFault(
            f"the file is {size / 1e6:.1f} MB; a quarterly return is a few kilobytes and the limit "
            f"is {MAX_FILE_BYTES / 1e6:.0f} MB: send only this quarter's rows"
        )
    ext = ext.lower()
    if ext == ".xlsx":
        rows, sheet = _xlsx_rows(data)
        return rows, sheet, "xlsx"
    if ext == ".csv":
        text, enc = _decode(data)
        rows = _csv_rows(text)
        _check_row_count(len(rows))
        return rows, "", enc
    raise StructuralFault(
        f"'{ext or 'no extension'}' files are not read: send the return as .csv or .xlsx"
    )


def read_rows(path: Path) -> tuple[list[list[str]], str, str]:
    """All rows of a return file as text: (rows, sheet name or "", encoding); see
    :func:`rows_from_bytes`. Raises :class:`StructuralFault` for a file that is not a return."""
    data, size, _ = read_regular(path)
    return rows_from_bytes(data, size, path.suffix)


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
        is_number = s.str.match(_NUMBER_RE) & s.str.contains(r"[0-9]", regex=True)
        cleaned = s.where(is_number, "").str.replace(",", "", regex=False).str.rstrip("%")
        number = pd.to_numeric(cleaned.where(is_number), errors="coerce").astype(float)
        # a figure too large to hold (1e400 reads as infinity) is text to reject, never a number
        is_number &= np.isfinite(number.to_numpy())
        out[col] = number.where(is_number)
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
        "rule": None,
        "reason": None,
        "column": None,
        "source_row": None,
        "rows": 0,
        "bytes": None,
        "sha256": None,
        "encoding": None,
        "header": None,
    }
    try:
        data, rec["bytes"], rec["sha256"] = read_regular(path)
        if m is None:
            raise StructuralFault(
                f"the file name is not <AGENCY>_<quarter>.csv or .xlsx (e.g. CMBC_{received_in}.csv)"
            )
        if m.group("quarter").upper() != received_in:
            raise StructuralFault(
                f"the file name says {m.group('quarter').upper()} but it is in the {received_in} folder: "
                f"a return for {received_in} is named {m.group('agency').upper()}_{received_in}"
            )
        rows, sheet, enc = rows_from_bytes(data, rec["bytes"], path.suffix)
        rec["sheet"], rec["encoding"] = sheet, enc
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
    """Read every return in ``folder`` (the ``data/raw/<quarter>/`` folder), sorted by name.

    Hidden files and Excel lock files are ignored. Anything else that is not a regular file (a
    link, a subfolder, a pipe) is reported as rejected with its reason and never opened.
    """
    quarter = str(quarter)
    frames, records = [], []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
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

"""Rebuild the plausible-but-wrong corpus in this folder: ``python tests/plausible_but_wrong/make_corpus.py``.

Each case is a copy of one or more of the shipped example's raw files (``data/raw``) with one
mistake an agency officer could make on a tired afternoon, or an attacker on purpose: a figure
1,000 times too high, a rate in the count's column, a whole return for the wrong quarter, a
formula in a register, a link to a file elsewhere on the computer. ``<case>/`` holds the changed
files at their place under ``data/raw`` (``<case>/2015Q2/CMBC_2015Q2.csv``); ``expected.csv`` gives
each case's outcome, the rule, the file, row and column its message must name, the indicator it
concerns and what the board must see for it (``tests/e2e/test_plausible_but_wrong.py``).

Four cases are not committed as files but made when the test runs (:data:`SPECIAL`): a symbolic
link to a file outside the data folder, a 1.4 MB workbook that unpacks to 160 MB, a named pipe,
and a return with a 4.9 MB cell (too big for git). The password-protected workbook (``password_protected/2015Q2/EDU_2015Q2.xlsx``, the
shipped EDU return encrypted with the password ``board2015`` by msoffcrypto-tool) is committed as it
is: it is not rebuilt here.

Outcomes: ``row_rejected`` (the row is rejected: rule, row, column), ``file_rejected`` (the whole
file), ``queried`` (accepted with a warning; the board sees "queried", never a confident RAG),
``warning`` (accepted with a warning on a revision, shown on the cover), ``accepted`` (a quirk
read as meant), ``register_row_rejected`` and ``register_unreadable`` (registers).
"""

from __future__ import annotations

import csv
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
RAW = HERE.parents[1] / "data" / "raw"
EXPECTED_COLUMNS = [
    "case", "quarter", "outcome", "rule", "file", "row", "column", "indicator", "board_shows",
    "chase", "why",
]  # fmt: skip
#: committed by hand, never rebuilt (see the module docstring)
KEPT = {"password_protected"}
CASES: list[dict] = []


# ---------------------------------------------------------------------------------------
# Editing copies of the shipped files


def _read_csv(rel: str) -> list[list[str]]:
    with open(RAW / rel, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write_csv(case: str, rel: str, rows: list[list[str]]) -> None:
    path = HERE / case / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _row_of(rows: list[list[str]], indicator: str, period: str | None = None) -> int:
    """The spreadsheet row number (header = 1) of an indicator's row."""
    for k, r in enumerate(rows[1:], start=2):
        if r[1] == indicator and (period is None or r[2] == period):
            return k
    raise KeyError(indicator)


COLUMNS = [
    "agency", "indicator", "period", "numerator", "denominator", "value", "proposed_rag",
    "commentary", "actions", "action_timescale",
]  # fmt: skip


def edit(case, rel, indicator, changes, expect, period=None):
    """A copy of ``rel`` with the cells of ``indicator``'s row changed; ``expect`` gets the row."""
    rows = _read_csv(rel)
    k = _row_of(rows, indicator, period)
    for col, value in changes.items():
        rows[k - 1][COLUMNS.index(col)] = value
    _write_csv(case, rel, rows)
    add(case, row=k, file=Path(rel).name, indicator=indicator, **expect)


def add(case, **fields):
    CASES.append({"case": case, "quarter": "2015Q2", **fields})


def _edit_xlsx(case: str, rel: str, fn) -> None:
    wb = openpyxl.load_workbook(RAW / rel)
    fn(wb["Return"])
    path = HERE / case / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


# ---------------------------------------------------------------------------------------
# Made when the test runs


def make_symlink(raw: Path, outside: Path) -> None:
    """CMBC's return replaced by a link to a file outside the data folder."""
    secret = outside / "not_a_return.txt"
    secret.write_text("SECRET-FIRST-LINE must never be shown\nsecond line\n", encoding="utf-8")
    target = raw / "2015Q2" / "CMBC_2015Q2.csv"
    target.unlink()
    target.symlink_to(secret)


def make_zip_bomb(raw: Path, outside: Path) -> None:
    """EDU's workbook replaced by one whose sheet unpacks to 160 MB (1.4 MB as sent)."""
    target = raw / "2015Q2" / "EDU_2015Q2.xlsx"
    with zipfile.ZipFile(RAW / "2015Q2" / "EDU_2015Q2.xlsx") as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    head = parts[sheet].split(b"<sheetData>")[0] + b"<sheetData>"
    body = row * (160 * 1024 * 1024 // len(row))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in parts.items():
            if name == sheet:
                out.writestr(name, head + body + b"</sheetData></worksheet>")
            else:
                out.writestr(name, data)


def make_fifo(raw: Path, outside: Path) -> None:
    """A named pipe where WYP's return should be: reading it would wait for ever."""
    target = raw / "2015Q2" / "WYP_2015Q2.csv"
    target.unlink()
    os.mkfifo(target)


def make_big_field(raw: Path, outside: Path) -> None:
    """WYP's CSCB02 commentary 4.9 MB long: the file is under the 5 MB limit, the cell is not."""
    path = raw / "2015Q2" / "WYP_2015Q2.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    k = _row_of(rows, "CSCB02")
    rows[k - 1][COLUMNS.index("commentary")] = "Missing episodes. " * 270_000
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


SPECIAL = {
    "symlink_outside": make_symlink,
    "zip_bomb": make_zip_bomb,
    "named_pipe": make_fifo,
    "five_megabyte_field": make_big_field,
}


def apply_case(case: dict, raw: Path, outside: Path) -> None:
    """Put a case's files in place in a copy of ``data/raw`` (``raw``); ``outside`` is a folder
    outside the data folder, for the file a link points to."""
    folder = HERE / case["case"]
    if folder.is_dir():
        for p in folder.rglob("*"):
            if p.is_file():
                dest = raw / p.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(p, dest)
    if case["case"] in SPECIAL:
        SPECIAL[case["case"]](raw, outside)


# ---------------------------------------------------------------------------------------
# The cases

REJECTED = "no data: return rejected"


def main() -> None:
    for p in HERE.iterdir():
        if p.is_dir() and p.name not in KEPT:
            shutil.rmtree(p)
    cmbc, wyp = "2015Q2/CMBC_2015Q2.csv", "2015Q2/WYP_2015Q2.csv"

    # --- the cases the issue saw -----------------------------------------------------------
    edit("count_1000_times_too_high", cmbc, "1.1", {"numerator": "91000"},
         dict(outcome="row_rejected", rule="result_below_plausible_max", column="numerator",
              board_shows=REJECTED, chase="rejected",
              why="1.1's count 91 typed as 91000: 19,975 per 10,000 children"))  # fmt: skip
    edit("count_overflows", cmbc, "1.1", {"numerator": "1e308"},
         dict(outcome="row_rejected", rule="numerator_count_believable", column="numerator",
              board_shows=REJECTED, chase="rejected",
              why="1.1's count as 1e308: the rate would be infinite"))  # fmt: skip
    edit("rate_in_value_column", cmbc, "1.1", {"numerator": "", "value": "65.0"},
         dict(outcome="row_rejected", rule="figure_in_right_column", column="value",
              board_shows=REJECTED, chase="rejected",
              why="1.1's rate sent in value instead of the count in numerator"))  # fmt: skip
    rows = _read_csv(cmbc)
    for r in rows[1:]:
        r[2] = "2014Q2"
    _write_csv("whole_return_for_another_quarter", cmbc, rows)
    add("whole_return_for_another_quarter", outcome="file_rejected",
        rule="return_for_its_quarter", file="CMBC_2015Q2.csv", row=2, column="period",
        indicator="3.1", board_shows=REJECTED, chase="rejected",
        why="every period in CMBC's 2015Q2 return set to 2014Q2")  # fmt: skip
    rows = _read_csv("2015Q4/CSCB_2015Q4.csv")
    new = [rows[0]] + [[r[0], r[1], "2016Q1", *r[3:]] for r in rows[1:]]
    _write_csv("annual_in_wrong_quarter", "2016Q1/CSCB_2016Q1.csv", new)
    add("annual_in_wrong_quarter", quarter="2016Q1", outcome="row_rejected",
        rule="annual_in_due_quarter", file="CSCB_2016Q1.csv", row=_row_of(new, "CSCB24"),
        column="period", indicator="CSCB24", board_shows="latest annual result (2015/16",
        chase="", why="CSCB24 (annual, due in Q4) sent with period 2016Q1")  # fmt: skip
    edit("days_drop_to_one", cmbc, "3.1", {"numerator": "3", "denominator": "3"},
         dict(outcome="queried", rule="jump", column="numerator", board_shows="queried",
              chase="queried", why="3.1's 1,563 days over 3 children sent as 3 over 3: 1 day"))  # fmt: skip
    edit("lower_case_reference", wyp, "CSCB01", {"indicator": " cscb01 "},
         dict(outcome="accepted", rule="", column="indicator", board_shows="43", chase="",
              why="CSCB01 written in lower case with spaces around it"))  # fmt: skip
    edit("minus_formula_in_commentary", cmbc, "2.1",
         {"commentary": "-2+3+cmd|' /C calc'!A0"},
         dict(outcome="row_rejected", rule="commentary_no_formula", column="commentary",
              board_shows=REJECTED, chase="rejected",
              why="a DDE formula behind a leading minus in the commentary"))  # fmt: skip
    edit("hyperlink_in_actions", cmbc, "2.3",
         {"actions": '=HYPERLINK("http://example.org/x","Click for the action plan")'},
         dict(outcome="row_rejected", rule="actions_no_formula", column="actions",
              board_shows=REJECTED, chase="rejected", why="=HYPERLINK(...) in actions"))  # fmt: skip
    reg = _read_csv("registers/rolling_reports.csv")
    reg[3][1] = '=HYPERLINK("http://example.org/x","CSCB Annual Report")'
    _write_csv("formula_in_register", "registers/rolling_reports.csv", reg)
    add("formula_in_register", outcome="register_row_rejected", rule="no_formula",
        file="rolling_reports.csv", row=4, column="report", indicator="", board_shows="",
        chase="", why="a rolling report's name is a =HYPERLINK formula")  # fmt: skip
    add("zip_bomb", outcome="file_rejected", rule="structure", file="EDU_2015Q2.xlsx", row="",
        column="", indicator="9.2", board_shows=REJECTED, chase="rejected",
        why="a 1.4 MB workbook whose sheet unpacks to 160 MB")  # fmt: skip
    add("symlink_outside", outcome="file_rejected", rule="structure", file="CMBC_2015Q2.csv",
        row="", column="", indicator="1.1", board_shows=REJECTED, chase="rejected",
        why="CMBC's return is a link to a file outside the data folder")  # fmt: skip
    junk = HERE / "unreadable_register" / "registers" / "audit_actions.csv"
    junk.parent.mkdir(parents=True)
    junk.write_bytes(b"\xff\xfe\x00\x00" + bytes(range(256)) * 4)
    add("unreadable_register", outcome="register_unreadable", rule="file_readable",
        file="audit_actions.csv", row="", column="", indicator="",
        board_shows="could not be read", chase="",
        why="the audit actions register is not text (saved in another format)")  # fmt: skip
    reg = _read_csv("registers/rolling_reports.csv")
    reg[2][2] = "01/01/0001"
    _write_csv("register_date_year_one", "registers/rolling_reports.csv", reg)
    add("register_date_year_one", outcome="register_row_rejected", rule="date_parses",
        file="rolling_reports.csv", row=3, column="dates_due", indicator="", board_shows="",
        chase="", why="a due date of 01/01/0001, once read as 2001")  # fmt: skip
    edit("fullwidth_digits", wyp, "CSCB04", {"value": "\uff14\uff10\uff11"},
         dict(outcome="row_rejected", rule="value_is_number", column="value",
              board_shows=REJECTED, chase="rejected",
              why="CSCB04's 401 typed with full-width digits"))  # fmt: skip
    add("password_protected", outcome="file_rejected", rule="structure",
        file="EDU_2015Q2.xlsx", row="", column="", indicator="9.2", board_shows=REJECTED,
        chase="rejected", why="EDU's workbook saved with a password")  # fmt: skip
    edit("nul_byte", cmbc, "4.2", {"commentary": "Q2 2015/16: 15.0%\x00 (6 / 40)"},
         dict(outcome="file_rejected", rule="structure", column="commentary",
              board_shows=REJECTED, chase="rejected",
              why="a NUL byte left in a commentary by a broken export"))  # fmt: skip
    rows = _read_csv(wyp)
    add("five_megabyte_field", outcome="row_rejected", rule="commentary_length",
        file="WYP_2015Q2.csv", row=_row_of(rows, "CSCB02"), column="commentary",
        indicator="CSCB02", board_shows=REJECTED, chase="rejected",
        why="a 4.9 MB commentary (a whole case file pasted in)")  # fmt: skip
    edit("bidi_override", cmbc, "1.2",
         {"commentary": "Figures checked \u202egniknil on era sthgir lla\u202c by the team"},
         dict(outcome="accepted", rule="", column="commentary", board_shows="[U+202E]",
              chase="", why="a right-to-left override that reverses the commentary on the page"))  # fmt: skip

    # --- our own ---------------------------------------------------------------------------
    edit("percentage_as_a_proportion", cmbc, "2.2",
         {"numerator": "", "denominator": "", "value": "0.266"},
         dict(outcome="queried", rule="jump", column="value", board_shows="queried",
              chase="queried", why="2.2's 26.6% sent as the proportion 0.266"))  # fmt: skip
    edit("population_in_denominator", cmbc, "4.1", {"denominator": "45659"},
         dict(outcome="row_rejected", rule="figure_in_right_column", column="denominator",
              board_shows=REJECTED, chase="rejected",
              why="4.1's count sent with the 0-17 population as its denominator"))  # fmt: skip
    edit("two_different_counts", wyp, "CSCB04", {"numerator": "401", "value": "40"},
         dict(outcome="row_rejected", rule="figure_in_right_column", column="numerator",
              board_shows=REJECTED, chase="rejected",
              why="CSCB04 given as 401 in numerator and 40 in value"))  # fmt: skip
    edit("numerator_only_percentage", cmbc, "1.2", {"denominator": ""},
         dict(outcome="row_rejected", rule="figure_in_right_column", column="denominator",
              board_shows=REJECTED, chase="rejected",
              why="1.2's denominator left out: it once vanished as 'not returned'"))  # fmt: skip
    edit("european_decimal_count", cmbc, "4.5", {"numerator": "1.370"},
         dict(outcome="queried", rule="jump", column="numerator", board_shows="queried",
              chase="queried", why="4.5's 1,370 children written 1.370 (a decimal point)"))  # fmt: skip
    _edit_xlsx(
        "school_year_indicator_in_q2", "2015Q2/EDU_2015Q2.xlsx",
        lambda ws: ws.append(["EDU", "9.1", "2015Q2", 96, 100, None, "Green", None, None, None]),
    )  # fmt: skip
    add("school_year_indicator_in_q2", outcome="row_rejected", rule="annual_in_due_quarter",
        file="EDU_2015Q2.xlsx", row=4, column="period", indicator="9.1",
        board_shows="latest annual result", chase="",
        why="9.1 (school year, due in Q1) sent in the Q2 return")  # fmt: skip
    rows = _read_csv(cmbc)
    rows.append(["CMBC", "2.2", "2013Q3", "41", "690", "", "", "Restated after the audit", "", ""])
    _write_csv("revision_far_back", cmbc, rows)
    add("revision_far_back", outcome="warning", rule="revision_far_back",
        file="CMBC_2015Q2.csv", row=len(rows), column="period", indicator="2.2",
        board_shows="", chase="", why="a 2013Q3 figure restated in 2015Q2, seven quarters on")  # fmt: skip
    rows = _read_csv(wyp)
    rows.append(["WYP", "CSCB04", "2015Q1", "", "", "1440", "", "Corrected count", "", ""])
    _write_csv("revision_beyond_usual_movement", wyp, rows)
    add("revision_beyond_usual_movement", outcome="warning", rule="revision_jump",
        file="WYP_2015Q2.csv", row=len(rows), column="value", indicator="CSCB04",
        board_shows="", chase="", why="CSCB04 for 2015Q1 restated from 444 to 1,440")  # fmt: skip
    reg = _read_csv("registers/rolling_reports.csv")
    reg[5][2] = "31/02/2016"
    _write_csv("impossible_register_date", "registers/rolling_reports.csv", reg)
    add("impossible_register_date", outcome="register_row_rejected", rule="date_parses",
        file="rolling_reports.csv", row=6, column="dates_due", indicator="", board_shows="",
        chase="", why="a due date of 31 February 2016")  # fmt: skip
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Return"
    for r in _read_csv(wyp):
        ws.append([float(c) if c.replace(".", "", 1).isdigit() else (c or None) for c in r])
    (HERE / "two_returns_from_one_agency" / "2015Q2").mkdir(parents=True)
    wb.save(HERE / "two_returns_from_one_agency" / "2015Q2" / "WYP_2015Q2.xlsx")
    add("two_returns_from_one_agency", outcome="row_rejected",
        rule="one_row_per_indicator_period", file="WYP_2015Q2.xlsx", row=5, column="indicator",
        indicator="CSCB04", board_shows=REJECTED, chase="rejected",
        why="WYP's return sent twice, as CSV and as a workbook, into one folder")  # fmt: skip
    add("named_pipe", outcome="file_rejected", rule="structure", file="WYP_2015Q2.csv", row="",
        column="", indicator="CSCB04", board_shows=REJECTED, chase="rejected",
        why="a named pipe where WYP's return should be (reading it would hang the run)")  # fmt: skip
    edit("ytd_total_sent_as_the_quarter", cmbc, "1.1a", {"value": "168"},
         dict(outcome="queried", rule="jump", column="value", board_shows="queried",
              chase="queried", why="1.1a's year-to-date 168 sent instead of the quarter's 91"))  # fmt: skip

    with open(HERE / "expected.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=EXPECTED_COLUMNS, lineterminator="\n")
        w.writeheader()
        for c in CASES:
            w.writerow({k: c.get(k, "") for k in EXPECTED_COLUMNS})
    print(f"{len(CASES)} cases written to {HERE}")


if __name__ == "__main__":
    main()

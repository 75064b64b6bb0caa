"""Rebuild the malformed-return corpus in this folder: ``python tests/bad_returns/make_corpus.py``.

Each file is named for its fault; ``expected.csv`` gives its documented outcome (docs/validation.md):
``file_rejected``, ``row_rejected`` (with the rule, row and column), ``warning`` (accepted, warned)
or ``accepted`` (a tolerated quirk). The 10 MB file is made by the test itself (too big for git).
Every file is a CMBC return for 2015Q2 unless ``name`` says otherwise.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
HEADER = "agency,indicator,period,numerator,denominator,value,proposed_rag,commentary,actions,action_timescale"
GOOD = [
    "CMBC,1.1a,2015Q2,91,,,Green,New EISAs rose again.,Keep promoting EISAs,March 2016",
    "CMBC,1.2,2015Q2,40,50,,Amber,,,",
]
EXPECTED: list[dict] = []


def text(name, lines, outcome, rule="", row="", column="", encoding="utf-8", as_name=""):
    (HERE / name).write_bytes(("\n".join(lines) + "\n").encode(encoding))
    EXPECTED.append(
        dict(file=name, as_name=as_name, outcome=outcome, rule=rule, row=row, column=column)
    )


def raw(name, data: bytes, outcome, rule="", row="", column="", as_name=""):
    (HERE / name).write_bytes(data)
    EXPECTED.append(
        dict(file=name, as_name=as_name, outcome=outcome, rule=rule, row=row, column=column)
    )


def row(bad: str, name, rule, column, outcome="row_rejected"):
    text(name, [HEADER, GOOD[0], bad], outcome, rule, 3, column)


def workbook(
    name, rows, outcome, sheet="Return", merge=None, formats=None, rule="", r="", column=""
):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for values in rows:
        ws.append(values)
    if merge:
        ws.merge_cells(merge)
    for cell, fmt in (formats or {}).items():
        ws[cell].number_format = fmt
    wb.save(HERE / name)
    EXPECTED.append(dict(file=name, as_name="", outcome=outcome, rule=rule, row=r, column=column))


def main() -> None:
    cols = HEADER.split(",")
    # --- structural: the whole file is rejected
    text(
        "wrong_header.csv",
        [HEADER.replace("indicator", "Indicator Ref", 1), *GOOD],
        "file_rejected",
        "structure",
        1,
        "indicator",
    )
    text(
        "missing_column.csv",
        [HEADER.rsplit(",", 1)[0], *(g.rsplit(",", 1)[0] for g in GOOD)],
        "file_rejected",
        "structure",
        1,
        "action_timescale",
    )
    text(
        "extra_column.csv",
        [HEADER + ",notes", *(g + ",x" for g in GOOD)],
        "file_rejected",
        "structure",
        1,
        "notes",
    )
    swapped = cols[:]
    swapped[3], swapped[4] = swapped[4], swapped[3]
    text("columns_reordered.csv", [",".join(swapped), *GOOD], "file_rejected", "structure", 1, "")
    text(
        "semicolon_delimited.csv",
        [HEADER.replace(",", ";"), *(g.replace(",", ";") for g in GOOD)],
        "file_rejected",
        "structure",
        1,
        "agency",
    )
    text(
        "title_row_above_header.csv",
        ["CMBC quarterly return Q2 2015/16,,,,,,,,,", HEADER, *GOOD],
        "file_rejected",
        "structure",
        2,
        "",
    )
    raw("empty_file.csv", b"", "file_rejected", "structure")
    raw("blank_cells_only.csv", b",,,,,,,,,\n,,,,,,,,,\n\n", "file_rejected", "structure")
    raw("binary_junk.csv", bytes(range(256)) * 8, "file_rejected", "structure")
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(cols)
    wb.save(buf)
    raw("xlsx_named_csv.csv", buf.getvalue(), "file_rejected", "structure")
    raw(
        "utf16_no_bom.csv",
        ("\n".join([HEADER, *GOOD]) + "\n").encode("utf-16-le"),
        "file_rejected",
        "structure",
    )
    raw("corrupt_workbook.xlsx", buf.getvalue()[:400], "file_rejected", "structure")
    raw(
        "unsupported_format.ods",
        b"PK\x03\x04 not read",
        "file_rejected",
        "structure",
        as_name="CMBC_2015Q2.ods",
    )
    text(
        "wrong_file_name.csv",
        [HEADER, *GOOD],
        "file_rejected",
        "structure",
        as_name="CMBC return Q2.csv",
    )
    text(
        "wrong_quarter_in_name.csv",
        [HEADER, *GOOD],
        "file_rejected",
        "structure",
        as_name="CMBC_2015Q1.csv",
    )
    good_rows = [g.split(",") for g in GOOD]
    workbook(
        "wrong_sheet.xlsx", [cols, *good_rows], "file_rejected", sheet="Sheet1", rule="structure"
    )
    workbook(
        "merged_header_rows.xlsx", [["CMBC return, Q2 2015/16"], cols, *good_rows], "file_rejected",
        merge="A1:J1", rule="structure", r=1,
    )  # fmt: skip
    # --- row faults: that row is rejected, the rest accepted
    row(
        "CMBC,1.2,2015Q2,about 40,50,,Amber,,,",
        "text_in_number.csv",
        "numerator_is_number",
        "numerator",
    )
    row(
        "CMBC,1.2,2015Q2,-4,50,,Amber,,,",
        "negative_count.csv",
        "numerator_non_negative",
        "numerator",
    )
    row(
        "CMBC,1.2,2015Q2,60,50,,Amber,,,",
        "numerator_greater_than_denominator.csv",
        "numerator_le_denominator",
        "numerator",
    )
    row("CMBC,9.99,2015Q2,4,,,Amber,,,", "unknown_indicator.csv", "indicator_known", "indicator")
    row(
        "CMBC,CSCB03,2015Q2,,,9,Amber,,,",
        "another_agencys_indicator.csv",
        "indicator_owned",
        "indicator",
    )
    row("CMBC,1.2,2015Q3,40,50,,Amber,,,", "future_quarter.csv", "period_not_future", "period")
    row("CMBC,1.2,Q2 2015/16,40,50,,Amber,,,", "period_not_a_quarter.csv", "period_form", "period")
    row(
        'CMBC,1.2,2015Q2,40,50,,Amber,"=HYPERLINK(""http://x.example"",""click"")",,',
        "formula_in_commentary.csv",
        "commentary_no_formula",
        "commentary",
    )
    row(
        "CMBC,1.2,2015Q2,40,50,,Amber,<script>alert('x')</script>,,",
        "script_in_commentary.csv",
        "commentary_no_markup",
        "commentary",
    )
    row("CMBC,1.2,2015Q2,40,50,,G,,,", "rag_not_in_set.csv", "rag_in_set", "proposed_rag")
    row(
        "WYP,1.2,2015Q2,40,50,,Amber,,,",
        "agency_not_the_file_agency.csv",
        "agency_matches_file",
        "agency",
    )
    row(",1.2,2015Q2,40,50,,Amber,,,", "missing_agency.csv", "agency_present", "agency")
    row("CMBC,,2015Q2,40,50,,Amber,,,", "missing_indicator.csv", "indicator_present", "indicator")
    row(
        "CMBC,1.2,2015Q2,,,150,Amber,,,",
        "percentage_above_100.csv",
        "result_below_plausible_max",
        "value",
    )
    row(
        "CMBC,1.2,2015Q2,40,50,,Amber,Better, but not yet,Review,March 2016",
        "unquoted_comma_in_commentary.csv",
        "row_width",
        "commentary",
    )
    row("CMBC,1.2,2015Q2,,,,Amber,Figures to follow,,", "no_figure.csv", "figure_present", "value")
    row(
        "CMBC,1.2,2015Q2,40,50,,Amber," + "x" * 4001 + ",,",
        "commentary_too_long.csv",
        "commentary_length",
        "commentary",
    )
    text(
        "duplicate_rows.csv",
        [HEADER, *GOOD, GOOD[1].replace("40", "41")],
        "row_rejected",
        "one_row_per_indicator_period",
        3,
        "indicator",
    )
    # --- accepted with a warning
    row(
        "CMBC,1.2,2015Q2,[c],[c],,Amber,Suppressed: fewer than 6 children,,",
        "suppressed_value.csv",
        "suppressed",
        "value",
        outcome="warning",
    )
    # --- tolerated quirks: accepted
    raw(
        "bom_spaces_blank_rows.csv",
        (
            "\ufeff"
            + HEADER
            + "\n cmbc , 1.1a ,2015q2, 91 ,,,green,,,\n CMBC,1.2 , 2015Q2,40,50,,AMBER,,,\n,,,,,,,,,\n\n\n"
        ).encode("utf-8"),
        "accepted",
    )
    raw("utf16_with_bom.csv", ("\n".join([HEADER, *GOOD]) + "\n").encode("utf-16"), "accepted")
    text(
        "windows1252_commentary.csv",
        [HEADER, "CMBC,1.1a,2015Q2,91,,,Green,Spend £2k on \u2018outreach\u2019,,", GOOD[1]],
        "accepted",
        encoding="cp1252",
    )
    text(
        "thousands_separator.csv",
        [
            HEADER,
            'CMBC,1.1a,2015Q2,"1,091",,,Green,,,'.replace("1,091", "91"),
            'CMBC,1.2,2015Q2,"1,040","1,050",,Amber,,,',
        ],
        "accepted",
    )
    workbook(
        "excel_formats.xlsx",
        [cols, ["CMBC", "1.1a", "2015Q2", 91, None, None, "Green", None, None, None],
         ["CMBC", "1.2", __import__("datetime").date(2015, 9, 30), 40, 50, 0.8, "Amber", None, None, None]],
        "accepted", formats={"F3": "0%", "C3": "dd/mm/yyyy"},
    )  # fmt: skip
    with open(HERE / "expected.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(
            fh,
            fieldnames=["file", "as_name", "outcome", "rule", "row", "column"],
            lineterminator="\n",
        )
        w.writeheader()
        w.writerows(EXPECTED)


if __name__ == "__main__":
    main()

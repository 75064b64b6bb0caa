"""Workbooks to the government standard: numbers as numbers, notes, filters, frozen headers."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from pmqa_lib.report import spreadsheets as ss


def test_number_cells_keep_numbers_and_say_why_others_are_missing():
    texts = pd.Series(["1,234", "65.0", "93.0 (1 of 2 quarters)", "NA", "no data: return rejected"])
    cells, notes = ss.number_cells(texts, "Q2 Result")
    assert cells.tolist() == [1234.0, 65.0, 93.0, "[z]", "[x]"]
    assert notes.tolist() == ["", "", "Q2 Result: 1 of 2 quarters", "",
                              "Q2 Result: no data: return rejected"]  # fmt: skip


def test_numeric_table_gathers_the_notes_of_a_row():
    df = pd.DataFrame({"Ref": ["a", "b"], "Q1": ["1.5", "no data: not returned"],
                       "YTD": ["3.0 (1 of 2 quarters)", "2.0"]})  # fmt: skip
    out = ss.numeric_table(df, ["Q1", "YTD"])
    assert out["Notes"].tolist() == ["YTD: 1 of 2 quarters", "Q1: no data: not returned"]


def test_workbook_has_cover_contents_notes_and_typed_filtered_tables(tmp_path):
    df = pd.DataFrame({"Ref": ["1.1", "1.1a", "9.9"], "Value": [65.0, 91.0, "[x]"],
                       "RAG": ["Green", "Red", "not rated"], "Notes": ["none", "none", "no data"]})  # fmt: skip
    sheet = ss.Sheet(name="Figures", title="Figures [note 1]", table=df, source="pmqa",
                     row_precision=[1, 0, 0], rag_columns=["RAG"])  # fmt: skip
    notes = pd.DataFrame({"Note number": ["note 1"], "Note text": ["Rounded."]})
    out = ss.write_workbook(tmp_path / "t.xlsx", [sheet], "Title", ["intro"], ["about"],
                            ["contact"], notes)  # fmt: skip
    wb = load_workbook(out)
    assert wb.sheetnames == ["Cover", "Contents", "Notes", "Figures"]
    ws = wb["Figures"]
    header = next(r for r in ws.iter_rows() if r[0].value == "Ref")
    top = header[0].row
    value = ws.cell(top + 1, 2)
    assert value.value == 65.0 and value.data_type == "n" and value.number_format == "#,##0.0"
    assert ws.cell(top + 2, 2).number_format == "#,##0"
    assert ws.cell(top + 3, 2).value == "[x]"
    assert ws.freeze_panes == f"A{top + 1}"
    table = next(iter(ws.tables.values()))
    assert table.autoFilter is not None and table.autoFilter.ref == table.ref
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert sorted(r.formula[0] for r in rules) == ['"Amber"', '"Green"', '"Red"']


def test_a_table_with_no_rows_gets_no_sheet_and_the_cover_says_so(tmp_path):
    full = ss.Sheet(
        name="Figures", title="Figures", table=pd.DataFrame({"Ref": ["1.1"], "V": [1.0]})
    )
    empty = ss.Sheet(name="Scorecard", title="Scorecard (Appendix 1)",
                     table=pd.DataFrame({"Ref": [], "V": []}))  # fmt: skip
    notes = pd.DataFrame({"Note number": ["note 1"], "Note text": ["Rounded."]})
    out = ss.write_workbook(tmp_path / "t.xlsx", [full, empty], "Title", ["intro"], ["about"],
                            ["contact"], notes)  # fmt: skip
    wb = load_workbook(out)
    assert wb.sheetnames == ["Cover", "Contents", "Notes", "Figures"]
    cover = " ".join(str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value)
    assert "not included: Scorecard (Appendix 1)." in cover


def test_workbook_never_stores_a_formula(tmp_path):
    """Text from returns that a spreadsheet would run is stored as text (OWASP), numbers stay
    numbers: the board's workbook goes to partners who open it in Excel."""
    df = pd.DataFrame({"Key points": ['=HYPERLINK("http://x")', "- bullet", "ok"], "n": [-5, 1, 2]})
    sheet = ss.Sheet(name="Sheet", title="Sheet", table=df)
    notes = pd.DataFrame({"Note number": ["note 1"], "Note text": ["Rounded."]})
    out = ss.write_workbook(tmp_path / "t.xlsx", [sheet], "Title", ["intro"], ["about"],
                            ["contact"], notes)  # fmt: skip
    ws = load_workbook(out)["Sheet"]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    link = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert link.data_type == "s" and link.value == '=HYPERLINK("http://x")'
    assert next(c for c in cells if c.value == -5).data_type == "n"

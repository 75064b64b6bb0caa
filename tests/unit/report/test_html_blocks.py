"""HTML helpers: every free-text value escaped, RAG as text and colour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmqa_lib.report import html_blocks


def test_esc_escapes_markup_and_quotes():
    assert html_blocks.esc('<script>alert("x")</script>') == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    )


def test_esc_missing_is_empty():
    assert html_blocks.esc(None) == ""
    assert html_blocks.esc(np.nan) == ""
    assert html_blocks.esc(pd.NA) == ""


def test_text_block_keeps_line_breaks_and_markdown_literally():
    out = html_blocks.text_block("**GREEN**\n<b>bold</b>")
    assert out == '<p class="text">**GREEN**<br>&lt;b&gt;bold&lt;/b&gt;</p>'


def test_split_actions_on_semicolons_and_lines():
    assert html_blocks.split_actions("a; b\n- c\n\n• d") == ["a", "b", "c", "d"]
    assert html_blocks.split_actions(np.nan) == []


def test_rag_badge_text_and_class():
    assert html_blocks.rag_badge("Green") == '<span class="rag rag-green">Green</span>'
    assert html_blocks.rag_badge("Red") == '<span class="rag rag-red">Red</span>'
    assert "rag-none" in html_blocks.rag_badge("no data: return rejected")
    assert ">not rated<" in html_blocks.rag_badge(None)


def test_table_escapes_cells_headers_and_marks_no_data():
    df = pd.DataFrame({"<h>": ["<i>x</i>", "no data: return rejected"], "RAG": ["Amber", "Red"]})
    out = html_blocks.table(df, rag_columns=["RAG"], caption="<c>")
    assert "<i>" not in out and "&lt;i&gt;x&lt;/i&gt;" in out
    assert "&lt;h&gt;" in out and "&lt;c&gt;" in out
    assert '<span class="nodata">no data: return rejected</span>' in out
    assert '<span class="rag rag-amber">Amber</span>' in out


def test_table_group_rows_replace_the_column():
    df = pd.DataFrame({"Theme": ["A", "A", "B"], "Ref": ["1", "2", "3"]})
    out = html_blocks.table(df, group_column="Theme")
    assert out.count('class="group"') == 2
    assert ">Theme<" not in out


def test_anchor_id():
    assert html_blocks.anchor_id("1.1") == "ind-1-1"
    assert html_blocks.anchor_id("CSCB 05a") == "ind-CSCB-05a"


def test_table_col_widths_as_percent_colgroup():
    df = pd.DataFrame({"Theme": ["A"], "Ref": ["1"], "Description": ["x"], "Q1": ["2"]})
    out = html_blocks.table(df, group_column="Theme", col_widths=[1, 2, 1])
    # widths are relative to the shown columns (Theme is a group row): 1/4, 2/4, 1/4
    assert (
        '<colgroup><col style="width: 25.00%"><col style="width: 50.00%">'
        '<col style="width: 25.00%"></colgroup>'
    ) in out
    with pytest.raises(ValueError, match="2 widths for 3 columns"):
        html_blocks.table(df, group_column="Theme", col_widths=[1, 2])


def test_scorecard_widths_fit_one_to_four_quarters():
    from pmqa_lib.report.board_pages import scorecard_widths

    text = ["Objective description", "Lead partner", "Ind ref", "Ind description",
            "Responsible officer", "What is good performance?"]  # fmt: skip
    for quarters in range(1, 5):
        nums = [f"n{i}" for i in range(3 + quarters + 1)]
        w = scorecard_widths(text + nums, nums)
        share = w[3] / sum(w)  # the description is the widest column at every quarter
        assert max(w) == w[3] and share > 0.2


def test_commentary_of_na_is_read_as_words_not_blank(tmp_path):
    """A lead officer who writes "N/A" or "None" said so; it is not a missing cell."""
    from pmqa_lib.report.inputs import read_table

    f = tmp_path / "observations.csv"
    f.write_text(
        "indicator,period,value,commentary,actions\n1.10,2015Q2,,N/A,None\n1.1,2015Q2,65.0,,\n",
        encoding="utf-8",
    )
    t = read_table(f)
    assert t["indicator"].tolist() == ["1.10", "1.1"]
    assert t.loc[0, "commentary"] == "N/A" and t.loc[0, "actions"] == "None"
    assert pd.isna(t.loc[1, "commentary"]) and pd.isna(t.loc[0, "value"])
    assert t.loc[1, "value"] == 65.0


def test_table_links_references_and_carries_row_attributes():
    df = pd.DataFrame({"Reference": ["1.1", "X"], "": ["a", "b"]})
    html = html_blocks.table(df, link_column="Reference", link_targets=["1.1"],
                             row_attrs=[' data-rag="Red"', ' data-rag="Green"'])  # fmt: skip
    assert '<a href="#ind-1-1">1.1</a>' in html and ">X<" in html and 'href="#ind-X"' not in html
    assert '<tr data-rag="Red">' in html and '<tr data-rag="Green">' in html
    # no empty header: the blank column is named for screen readers
    assert '<th scope="col"><span class="visually-hidden">Row</span></th>' in html

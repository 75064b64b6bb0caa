"""Export helpers: self-containment check, file names, workbook, manifest."""

from __future__ import annotations

import os

import pytest

from pmqa_lib.core.files import Paths, sha256_file
from pmqa_lib.core.periods import Quarter
from pmqa_lib.report import publish


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.example/require.js"></script>',
        "<script>alert(1)</script>",
        '<link href="https://fonts.googleapis.com/css">',
        '<img src="//example.org/x.png">',
        "<style>@import url(x.css)</style>",
        "<pre>Traceback (most recent call last):</pre>",
        '<a href="javascript:alert(1)">x</a>',
        '<img src="data:," onerror="alert(1)">',
    ],
)
def test_check_self_contained_rejects(html):
    with pytest.raises(publish.ReportBuildError):
        publish.check_self_contained(f"<html><body>{html}</body></html>")


def test_check_self_contained_accepts_escaped_text_and_data_uris():
    publish.check_self_contained(
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; see https://example.org</p>"
        '<p>&lt;img src="https://evil.example/x.png"&gt;</p>'
        '<img alt="x" src="data:image/png;base64,AAAA">'
    )


@pytest.mark.parametrize(
    ("ref", "name"), [("1.1", "1.1"), ("CSCB05a", "CSCB05a"), ("A/B c", "A_B_c")]
)
def test_safe_name(ref, name):
    assert publish.safe_name(ref) == name


def test_safe_name_refuses_empty():
    with pytest.raises(ValueError):
        publish.safe_name("..")


def test_the_filter_script_is_the_one_script_let_through():
    from pmqa_lib.report import navigation

    js = navigation.filter_script()
    page = f"<html><body><p>x</p><script>\n{js}\n</script></body></html>"
    publish.check_self_contained(page, allowed_scripts=(js,))  # pmqa's own filter: fine
    with pytest.raises(publish.ReportBuildError, match="script"):
        publish.check_self_contained(page)  # not allowed unless named
    with pytest.raises(publish.ReportBuildError, match="script"):
        publish.check_self_contained(
            f"<html><body><script>{js}</script><script>alert(1)</script></body></html>",
            allowed_scripts=(js,),
        )
    with pytest.raises(publish.ReportBuildError, match="script"):
        publish.check_self_contained(
            f'<html><body><script src="x.js">{js}</script></body></html>', allowed_scripts=(js,)
        )


def test_print_html_leaves_out_what_only_a_screen_uses():
    html = (
        '<p>keep</p><details class="chart-data"><summary>Chart data</summary><table></table>'
        '</details><form class="filters" hidden><select></select></form><script>f()</script>'
        "<p>&lt;script&gt;shown&lt;/script&gt;</p>"
    )
    assert publish.print_html(html) == "<p>keep</p><p>&lt;script&gt;shown&lt;/script&gt;</p>"


def test_manifest_hashes_inputs(tmp_path):
    data = tmp_path / "data"
    f = data / "processed" / "2015Q2" / "measures.csv"
    f.parent.mkdir(parents=True)
    f.write_text("a\n1\n")
    paths = Paths(data, tmp_path / "reports")
    m = publish.manifest(Quarter.parse("2015Q2"), paths, [f], [], {"quarter": "2015Q2"}, {"x": 1.0})
    assert m["inputs"] == [
        {"file": "processed/2015Q2/measures.csv", "sha256": sha256_file(f), "bytes": 4}
    ]
    assert m["label"] == "Q2 2015/16, July to September 2015"
    assert {"pandas", "papermill", "weasyprint", "pmqa"} <= set(m["versions"])
    assert set(m["git"]) == {"commit", "uncommitted_changes"}


@pytest.mark.slow
def test_kernel_runs_without_the_tcp_warning_and_errors_stay_visible(tmp_path, capfd):
    """The kernel gets CurveZMQ keys, so ipykernel's "running over TCP without encryption"
    warning is never printed; a failing cell still stops the run with its error."""
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell('raise ValueError("the quarter has no measures.csv")')]
    )
    src = tmp_path / "fails.ipynb"
    nbformat.write(nb, src)
    with pytest.raises(publish.ReportBuildError, match="ValueError: the quarter has no measures"):
        publish.execute_notebook(src, tmp_path / "out.ipynb", {}, tmp_path / "failed", timeout=60)
    assert (tmp_path / "failed" / "out.ipynb").is_file()
    err = capfd.readouterr().err
    assert "without encryption" not in err


def test_notebook_to_html_leaves_out_explore_cells(tmp_path):
    """Cells tagged ``explore`` (the notebooks' Explore sections) never reach the published page:
    not their outputs, not their DataFrames; untagged outputs do."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    def html_output(html: str):
        return new_output("display_data", data={"text/html": html, "text/plain": "x"})

    tag = {"tags": [publish.EXPLORE_TAG]}
    nb = new_notebook(cells=[
        new_code_cell("display(HTML(page))", outputs=[html_output("<p>published 65.0</p>")]),
        new_markdown_cell("## Explore", metadata=tag),
        new_code_cell("explore.quarter_measures(inputs)", metadata=tag, outputs=[
            new_output("execute_result", execution_count=2, data={
                "text/html": '<table class="dataframe"><td>ytd_display</td></table>',
                "text/plain": "ytd_display"})]),
        new_code_cell("display(HTML(more))", metadata=tag,
                      outputs=[html_output("<p>explore only 60.1</p>")]),
        new_code_cell("display(HTML(footer))", outputs=[html_output("<p>footer text</p>")]),
    ])  # fmt: skip
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    html = publish.notebook_to_html(path, "t")
    assert "<p>published 65.0</p>" in html and "<p>footer text</p>" in html
    assert "ytd_display" not in html and 'class="dataframe"' not in html
    assert "explore only" not in html and "Explore" not in html
    # the same notebook without the tag publishes them: the tag is what keeps them out
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    nbformat.write(nb, path)
    assert "explore only 60.1" in publish.notebook_to_html(path, "t")


def test_a_killed_runs_build_folders_are_removed_by_the_next_run(tmp_path):
    gone_pid = 2**22 + 12345  # above Linux's pid_max default: no such process
    left = [
        tmp_path / f".2015Q2.building.{gone_pid}.abc123",
        tmp_path / ".2015Q2.building.xyz",  # a folder from before the pid was in the name
    ]
    running = tmp_path / f".2015Q2.building.{os.getpid()}.live"
    other_quarter = tmp_path / f".2015Q3.building.{gone_pid}.abc"
    for p in [*left, running, other_quarter]:
        p.mkdir()
        (p / "board_report.html").write_text("half written")
    removed = publish.clean_stale_builds(tmp_path, "2015Q2")
    assert sorted(removed) == sorted(left)
    assert running.is_dir() and other_quarter.is_dir()
    new = publish._building_dir(tmp_path, Quarter.parse("2015Q2"))
    assert new.name.startswith(f".2015Q2.building.{os.getpid()}.") and new.is_dir()

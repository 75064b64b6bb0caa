"""A check shared by the notebook tests: an executed notebook keeps its Explore section, and the
page published from it has none of it."""

from __future__ import annotations

from pathlib import Path

import nbformat

from pmqa_lib.report.publish import EXPLORE_TAG


def explore_kept_out(notebook: Path, html: str, printed: str, columns: tuple[str, ...]) -> None:
    """The executed ``notebook`` has its Explore section after the published content, with
    every cell's output: the checked cell printed ``printed``, each frame shows ``columns`` and
    at most 60 rows (50 for the tables, one line per field for an assurance row; pandas' own
    limit). None of it, not even a pandas table, is in the published ``html``."""
    nb = nbformat.read(notebook, as_version=4)
    tagged = [EXPLORE_TAG in c.metadata.get("tags", []) for c in nb.cells]
    first = tagged.index(True)
    heading = nb.cells[first]
    assert heading.cell_type == "markdown" and heading.source.startswith("## Explore")
    assert all(tagged[first:]) and not any(tagged[:first])  # the section runs to the end
    code = [c for c in nb.cells[first:] if c.cell_type == "code"]
    streams = "".join(o.text for c in code for o in c.outputs if o.output_type == "stream")
    assert streams == printed
    frames = [o.data["text/html"] for c in code for o in c.outputs if "data" in o
              and "text/html" in o.data]  # fmt: skip
    assert len(frames) == len(code) - 1 and all('class="dataframe"' in f for f in frames)
    shown = "".join(frames)
    for col in columns:
        assert col in shown, col
    for f in frames:
        body = f.split("<tbody>", 1)[1]
        assert body.count("<tr") <= 60  # DataFrames stay small in the executed notebook
    assert 'class="dataframe"' not in html
    for col in columns:
        assert col not in html, col
    assert printed.splitlines()[0] not in html

"""Each chart rendered once: the board report stores its indicator charts as SVG files in
``reports/<Q>/charts/``, and a drill-down built later for the same quarter reuses the file when it
was drawn from the same numbers.

A chart's key is a SHA-256 of everything it is drawn from (the series, comparators, SPC limits,
the indicator's fields, its size and :data:`pmqa_lib.report.charts.CHART_VERSION`), written into
the SVG as ``data-pmqa-key``; a stored chart whose key differs (the data or the drawing changed)
is drawn again, never reused stale. The files are also there for partners who want the charts on
their own.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pmqa_lib.core.files import write_text
from pmqa_lib.report import charts

log = logging.getLogger(__name__)

_KEY = re.compile(r'data-pmqa-key="([0-9a-f]+)"')


def chart_key(*parts: object) -> str:
    """A stable key of the chart's inputs (frames by their values, the rest by their JSON)."""
    h = hashlib.sha256(charts.CHART_VERSION.encode())
    for part in parts:
        if isinstance(part, pd.DataFrame):
            text = part.to_json(orient="split", double_precision=10, date_format="iso")
        else:
            text = json.dumps(part, sort_keys=True, default=str)
        h.update(text.encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


class ChartStore:
    """SVG charts by name in ``folder``; ``write=False`` only reads (a drill-down)."""

    def __init__(self, folder: Path | str | None, write: bool = True) -> None:
        self.folder = Path(folder) if folder else None
        self.write = write
        self.reused = 0
        self.drawn = 0

    def svg(self, name: str, key: str, draw: Callable[[], object]) -> str:
        """The SVG of chart ``name``: the stored one when its key is ``key``, else ``draw()``
        (a matplotlib figure), keyed, and stored when writing."""
        path = self.folder / f"{name}.svg" if self.folder else None
        if path is not None and path.is_file():
            text = path.read_text(encoding="utf-8")
            m = _KEY.search(text[:400])
            if m and m.group(1) == key:
                self.reused += 1
                return text
        svg = charts.svg_text(draw()).replace("<svg ", f'<svg data-pmqa-key="{key}" ', 1)
        self.drawn += 1
        if path is not None and self.write:
            write_text(svg, path)
        return svg

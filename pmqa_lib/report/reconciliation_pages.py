"""The reconciliation with DfE as the board reads it: the data quality block of the report's
cover and the table of the drill-down (``reconciliation.csv``,
:mod:`pmqa_lib.analytics.reconciliation`), and the names ``make board`` left as placeholders.

A table builder and two blocks of HTML; every value passes through :mod:`pmqa_lib.report.html_blocks`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.analytics.reconciliation import AGREES, DIFFERS, INCOMPLETE, NOT_PUBLISHED, WITHIN
from pmqa_lib.core.catalogue import PLACEHOLDER, Catalogue
from pmqa_lib.core.format import format_number
from pmqa_lib.report import html_blocks
from pmqa_lib.report.html_blocks import esc

TABLE_COLUMNS = [
    "Reference", "Indicator", "Year", "Board's figure", "DfE's figure", "Difference",
    "Difference (% of DfE's)", "Tolerance", "Status", "How compared",
]  # fmt: skip


def _figure(value: object, count: object, precision: int, unit: str) -> str:
    """``660.7 (3,012)``: the figure, with the count behind a rate or percentage."""
    text = format_number(value, precision)
    if not text:
        return ""
    if unit in ("rate_per_10k", "percent") and pd.notna(count):
        text += f" ({format_number(count, 0)})"
    return text


def _signed(value: object, precision: int) -> str:
    """``+17.6``, ``-0.4``; ``0.0`` unsigned (a difference that rounds away)."""
    text = format_number(value, precision)
    if text and not text.startswith("-") and float(text.replace(",", "")) != 0:
        text = "+" + text
    return text


def reconciliation_table(
    recon: pd.DataFrame,
    catalogue: Catalogue,
    indicator: str | None = None,
    statuses: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Display text of the reconciliation rows, one per indicator and year.

    Parameters
    ----------
    recon : DataFrame
        ``reconciliation.csv``.
    indicator : str, optional
        Only this indicator's rows (the drill-down).
    statuses : tuple of str, optional
        Only rows with these statuses (the cover lists the differences above tolerance).

    Returns
    -------
    DataFrame
        :data:`TABLE_COLUMNS`. Figures at the indicator's precision with the count behind them in
        brackets (``660.7 (3,012)``); the difference signed, as the board's figure minus DfE's;
        "not published" or the local gap in words where there is nothing to compare.
    """
    if recon is None or recon.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    r = recon.copy()
    r["indicator"] = r["indicator"].astype(str)
    if indicator is not None:
        r = r[r["indicator"] == str(indicator)]
    if statuses is not None:
        r = r[r["status"].isin(statuses)]
    rows = []
    for rec in r.to_dict("records"):
        p = int(rec["precision"]) if pd.notna(rec.get("precision")) else 1
        unit = str(rec.get("unit", ""))
        ind = catalogue.indicators.get(rec["indicator"])
        pct = rec.get("difference_percent")
        rows.append(
            {
                "Reference": rec["indicator"],
                "Indicator": ind.name if ind is not None else "",
                "Year": rec["fy_label"],
                "Board's figure": _figure(rec["local_value"], rec["local_numerator"], p, unit)
                or str(rec.get("note") or "no figure"),
                "DfE's figure": _figure(rec["dfe_value"], rec["dfe_numerator"], p, unit)
                or "not published",
                "Difference": _signed(rec["difference"], p),
                "Difference (% of DfE's)": (
                    _signed(pct, 1) + "%" if pd.notna(pct) and np.isfinite(pct) else ""
                ),
                "Tolerance": f"{format_number(rec['tolerance_percent'], 1)}%",
                "Status": rec["status"],
                "How compared": f"{rec['basis']}; {rec['local_source']}"
                + (
                    f"; {rec['note']}" if rec.get("note") and rec["status"] == NOT_PUBLISHED else ""
                ),
            }
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def summary_sentence(recon: pd.DataFrame) -> str:
    """ "Of 14 indicator-years DfE has published, 13 agree with the board's figures within
    rounding, 0 are within tolerance and 1 differs by more (listed below); ..."."""
    if recon is None or recon.empty:
        return (
            "No indicator names a DfE source (comparator.dfe in the catalogue), so there is "
            "nothing to reconcile with DfE's published figures."
        )
    n = recon["status"].value_counts()
    compared = int(n.get(AGREES, 0) + n.get(WITHIN, 0) + n.get(DIFFERS, 0))
    text = (
        f"Of {compared} indicator-year(s) where DfE has published the authority's figure and the "
        f"board's year is complete, {int(n.get(AGREES, 0))} agree within rounding, "
        f"{int(n.get(WITHIN, 0))} differ within the indicator's tolerance and "
        f"{int(n.get(DIFFERS, 0))} differ by more"
    )
    text += " (listed below)." if n.get(DIFFERS, 0) else "."
    own = int(recon["local_source"].astype(str).str.startswith("DfE's published figure").sum())
    if own:
        text += (
            f" {own} of them are DfE's own figures, entered as the board's history by make "
            "board: they agree by construction, and show that pmqa reproduces DfE's published "
            "figures from its counts."
        )
    extra = []
    if n.get(NOT_PUBLISHED, 0):
        extra.append(f"{int(n[NOT_PUBLISHED])} not published by DfE (or suppressed)")
    if n.get(INCOMPLETE, 0):
        extra.append(f"{int(n[INCOMPLETE])} with the board's year incomplete")
    if extra:
        text += " Not compared: " + "; ".join(extra) + "."
    return text


def data_quality_block(recon: pd.DataFrame, catalogue: Catalogue) -> str:
    """The cover's data quality block: the reconciliation in one sentence, the differences above
    tolerance as a table, and the names still marked as placeholders."""
    parts = [
        "<h3>Reconciliation with DfE's published figures</h3>",
        "<p>Each year's figure of every indicator with a DfE source, set beside the figure DfE "
        "published for the authority: the sum of the four quarters for a flow, the 31 March "
        "quarter for a stock. A difference above the indicator's tolerance is listed here and in "
        "its drill-down.</p>",
        f"<p>{esc(summary_sentence(recon))}</p>",
    ]
    flagged = reconciliation_table(recon, catalogue, statuses=(DIFFERS,))
    if len(flagged):
        parts.append(
            html_blocks.table(
                flagged.drop(columns=["How compared"]),
                numeric_columns=(
                    "Board's figure",
                    "DfE's figure",
                    "Difference",
                    "Difference (% of DfE's)",
                ),
                caption="Differences from DfE's published figures above tolerance",
            )  # fmt: skip
        )
    parts.append(placeholder_block(catalogue))
    return "".join(parts)


def placeholder_block(catalogue: Catalogue) -> str:
    """A note listing the names ``make board`` left as placeholders ("" when there are none)."""
    found = catalogue.placeholders()
    if not found:
        return ""
    items = "".join(f"<li>{esc(where)}: {esc(text)}</li>" for where, text in found)
    return (
        f'<div class="placeholders"><h3>Placeholders</h3><p>These names are placeholders, marked '
        f"{esc(PLACEHOLDER)}: give the real ones in the board file (board.yaml) and run "
        f"<code>make board</code> again with FORCE=1, or edit the catalogue.</p><ul>{items}</ul></div>"
    )


def drilldown_block(recon: pd.DataFrame, catalogue: Catalogue, indicator: str) -> str:
    """The drill-down's reconciliation table for one indicator (every year compared)."""
    ind = catalogue.indicators.get(str(indicator))
    if ind is None or ind.comparator.dfe is None:
        return ""
    df = reconciliation_table(recon, catalogue, indicator=str(indicator))
    head = "<h3>Reconciliation with DfE's published figures</h3>"
    if df.empty:
        return head + "<p>No complete year to reconcile yet.</p>"
    tol = format_number(ind.comparator.dfe.tolerance_percent, 1)
    return (
        head + f"<p>The board's figure for each complete year against DfE's for the authority; a "
        f"difference above {esc(tol)}% of DfE's figure (this indicator's tolerance) is flagged "
        f"\u201cdiffers\u201d.</p>"
        + html_blocks.table(
            df.drop(columns=["Reference", "Indicator"]),
            numeric_columns=(
                "Board's figure",
                "DfE's figure",
                "Difference",
                "Difference (% of DfE's)",
            ),
        )  # fmt: skip
    )

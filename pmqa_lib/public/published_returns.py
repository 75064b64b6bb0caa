"""DfE's published figures for one authority as annual returns: a new board's history.

For each indicator with a DfE source and each year DfE has published the authority's figure (the
``LA`` rows of the comparators table), one row in the return layout (docs/returns.md), from the
agency :data:`pmqa_lib.core.catalogue.PUBLISHED_AGENCY` (``DFE``), in the return of the quarter
that carries an annual financial-year figure (Q4): DfE's 2024 (the year ending 31 March 2024) is
``DFE_2023Q4.csv`` in ``data/raw/2023Q4/``. The rows give what DfE published:

- the counts behind the figure where DfE publishes both: the numerator and the denominator (the
  population DfE divided a rate by, the count a percentage is of), so pmqa's figure is DfE's to
  the last decimal (checked over every authority and year of the files) and its confidence
  interval can be drawn;
- otherwise the published value itself (LAIT's figures, a median, a percentage whose counts are
  suppressed);
- where DfE suppressed the figure, its marker (``c``, ``x``, ``z``, ``-``; others as ``x``), so
  the year shows as suppressed, never as 0.

Each row's commentary says it is DfE's published figure, from which release and file. Pure:
frames in, frames out; :mod:`pmqa_lib.public.board` writes the files.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import PUBLISHED_AGENCY, Catalogue
from pmqa_lib.core.format import format_number
from pmqa_lib.core.periods import Quarter, financial_year_labels

#: the return layout (the same as :data:`pmqa_lib.validate.ingest.RETURN_COLUMNS`)
RETURN_COLUMNS = [
    "agency", "indicator", "period", "numerator", "denominator", "value", "proposed_rag",
    "commentary", "actions", "action_timescale",
]  # fmt: skip
#: DfE's markers a return can carry as they are; any other becomes "x" (not available)
RETURN_MARKERS = ("c", "x", "z", "-", ":")


def published_returns(comparators: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One return row per indicator and DfE year of the authority's published figures.

    Parameters
    ----------
    comparators : DataFrame
        :func:`pmqa_lib.public.comparators.build_comparators` for the board (``LA`` rows used).
    catalogue : Catalogue
        The board's catalogue: only its indicators with a DfE source get rows.

    Returns
    -------
    DataFrame
        :data:`RETURN_COLUMNS` plus ``quarter`` (the return's quarter, ``2023Q4``), sorted by
        quarter and catalogue order. Numbers are floats (NaN blank); a marker is text in
        ``value``.
    """
    refs = [i.ref for i in catalogue if i.comparator.dfe is not None]
    la = comparators[(comparators["comparator"] == "LA") & comparators["indicator"].isin(refs)]
    la = la.copy()
    unit = la["indicator"].map({i.ref: i.unit for i in catalogue})
    precision = la["indicator"].map({i.ref: i.precision for i in catalogue})
    value = pd.to_numeric(la["value"], errors="coerce")
    num = pd.to_numeric(la["numerator"], errors="coerce")
    den = pd.to_numeric(la["denominator"], errors="coerce")
    counts = num.notna() & den.notna() & value.notna() & unit.isin(["rate_per_10k", "percent"])
    marker = la["marker"].fillna("").astype(str).str.strip("[]").str.lower()
    marker = marker.where(marker.isin(RETURN_MARKERS), "x")
    fy = la["dfe_year"].astype("int64") - 1
    out = pd.DataFrame(
        {
            "agency": PUBLISHED_AGENCY,
            "indicator": la["indicator"].astype(str),
            "period": [Quarter(int(y), 4).code for y in fy],
            "numerator": num.where(counts),
            "denominator": den.where(counts),
            "value": value.where(~counts & value.notna()).astype(object),
            "proposed_rag": "",
            "commentary": _commentary(la, value, num, den, counts, unit, precision, fy),
            "actions": "",
            "action_timescale": "",
        }
    )
    out.loc[value.isna().to_numpy(), "value"] = marker[value.isna()].to_numpy()
    out["quarter"] = out["period"]
    order = {r: i for i, r in enumerate(refs)}
    out = out.sort_values(
        ["quarter", "indicator"], key=lambda c: c.map(order) if c.name == "indicator" else c
    )
    return out.reset_index(drop=True)


def _commentary(la, value, num, den, counts, unit, precision, fy) -> np.ndarray:
    """ "DfE's published figure for 2023/24: 456.2 (2,053 over 45,005). DfE Characteristics of
    children in need 2024 release, c1_..._2013_to_2024.csv. Entered by make board." """
    years = financial_year_labels(fy.to_numpy())
    shown = la["text"].fillna("").astype(str)
    prec = precision.fillna(1).astype("int64").to_numpy()
    shown = np.where(value.notna(), [format_number(v, p) for v, p in zip(value, prec, strict=True)],
                     "suppressed (" + la["marker"].fillna("").astype(str) + ")")  # fmt: skip
    suffix = np.where(unit.eq("percent"), "%", "")
    parts = np.where(
        counts,
        " ("
        + np.array([format_number(x, 0) for x in num], dtype=object)
        + np.where(unit.eq("rate_per_10k"), " over a population of ", " of ")
        + np.array([format_number(x, 0) for x in den], dtype=object)
        + ")",
        "",
    )
    source = la["label"].fillna("").astype(str).str.rsplit(", ", n=1).str[-1]
    return (
        "DfE's published figure for "
        + years.astype(str)
        + ": "
        + shown.astype(str)
        + suffix
        + parts
        + ". "
        + source.to_numpy(dtype=object)
        + ", "
        + la["source_file"].astype(str).to_numpy(dtype=object)
        + ". Entered by make board; not a partner's return."
    ).astype(object)


def return_file_bytes(rows: pd.DataFrame) -> bytes:
    """One return file (CSV, the layout of docs/returns.md): whole numbers without decimals,
    blanks for missing, ``\\n`` line ends, UTF-8."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RETURN_COLUMNS)
    for rec in rows[RETURN_COLUMNS].itertuples(index=False):
        w.writerow([_cell(v) for v in rec])
    return buf.getvalue().encode("utf-8")


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v)

"""England, regional and statistical-neighbour comparators from DfE's published statistics.

A catalogue indicator whose ``comparator`` names a DfE source (``comparator.dfe``: file, measure,
filters, lait_code) gets, for every published year, four rows:

- ``England``: the national figure;
- ``Region``: the figure for the board's region (Inner or Outer London for a London borough, as
  DfE publishes it);
- ``SN``: the **mean of the statistical neighbours' published values** (DfE's 2021 groupings or
  2025 model), with ``n_neighbours`` saying how many of the ten had a value that year;
- ``LA``: the board's own published figure.

DfE's year "2015" is the reporting year ending 31 March 2015, financial year 2014/15
(``fy_label``). Counts (``numerator``, ``denominator``) come with England, region and LA rows
where DfE publishes them, for confidence intervals; the SN mean has none.

The pipeline does not need the public folder: it reads the board's extract
``data/raw/reference/comparators.csv`` with :func:`load_committed`. ``make board`` writes it for a
new board (:mod:`pmqa_lib.public.board`); a developer refreshes the example board's committed copy
with :mod:`pmqa_lib.dev.reference_refresh` (see ``docs/public_data.md``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import Catalogue
from pmqa_lib.core.files import Paths
from pmqa_lib.core.periods import dfe_year_to_financial_year, financial_year_labels
from pmqa_lib.public import authorities, downloads, lait, series

log = logging.getLogger(__name__)

COMPARATORS = ("England", "Region", "SN", "LA")
COLUMNS = [
    "indicator", "comparator", "dfe_year", "fy_label", "value", "text", "marker", "numerator",
    "denominator", "denominator_kind", "n_neighbours", "area_code", "area_name", "label",
    "source_file", "model",
]  # fmt: skip
COMMITTED_FILE = "comparators.csv"
PROVENANCE_FILE = "comparators_PROVENANCE.md"


# ---------------------------------------------------------------------------------------------
# Pure: comparator rows from published series


def comparator_rows(
    series: pd.DataFrame,
    la_code: str,
    region_code: str,
    region_name: str,
    neighbour_codes: list[str] | tuple[str, ...],
) -> pd.DataFrame:
    """England, Region, SN-mean and LA rows for every year of one or more published series.

    Parameters
    ----------
    series : DataFrame
        :func:`pmqa_lib.public.published_series` output, optionally with a ``key`` column
        (indicator or measure) when several series are stacked.
    la_code : str
        The authority's old LA code (``381``).
    region_code, region_name : str
        Its region (the name is used for LAIT series, which have no region codes).
    neighbour_codes : sequence of str
        Old LA codes of its statistical neighbours.

    Returns
    -------
    DataFrame
        key, comparator, dfe_year, value, text, marker, numerator, denominator,
        denominator_kind, n_neighbours (SN rows: neighbours with a value; NA elsewhere),
        n_listed (SN rows: neighbours in the list), area_code, area_name, source_file.
    """
    s = series if "key" in series.columns else series.assign(key="")
    level = s["geographic_level"]
    region = level.eq("Regional") & (
        s["area_code"].eq(region_code)
        | (s["region_code"].eq("") & authorities.same_region(s["area_name"], region_name))
    )
    parts = [
        s[level.eq("National")].assign(comparator="England"),
        s[region].assign(comparator="Region"),
        s[level.eq("Local authority") & s["area_code"].eq(str(la_code))].assign(comparator="LA"),
    ]
    n_listed = len(neighbour_codes)
    sn = s[level.eq("Local authority") & s["area_code"].isin([str(c) for c in neighbour_codes])]
    years = s[["key", "dfe_year", "source_file"]].drop_duplicates(["key", "dfe_year"])
    agg = (
        sn.groupby(["key", "dfe_year"], sort=False)["value"]
        .agg(value="mean", n_neighbours="count")
        .reset_index()
    )
    sn_rows = years.merge(agg, on=["key", "dfe_year"], how="left")
    sn_rows["n_neighbours"] = sn_rows["n_neighbours"].fillna(0).astype("int64")
    sn_rows["value"] = sn_rows["value"].where(sn_rows["n_neighbours"] > 0)
    sn_rows = sn_rows.assign(
        comparator="SN",
        text="",
        marker=np.where(sn_rows["n_neighbours"] > 0, "", "no neighbour published a value"),
        numerator=np.nan,
        denominator=np.nan,
        denominator_kind="",
        area_code="SN",
        area_name=f"Statistical neighbours (mean of {n_listed})",
    )
    out = pd.concat(parts + [sn_rows], ignore_index=True)
    out["n_neighbours"] = out["n_neighbours"].astype("Int64") if "n_neighbours" in out else pd.NA
    out["n_listed"] = pd.array(np.where(out["comparator"].eq("SN"), n_listed, pd.NA), dtype="Int64")
    cols = ["key", "comparator", "dfe_year", "value", "text", "marker", "numerator", "denominator",
            "denominator_kind", "n_neighbours", "n_listed", "area_code", "area_name", "source_file"]  # fmt: skip
    order = {c: i for i, c in enumerate(COMPARATORS)}
    out = out[cols].sort_values(
        ["key", "dfe_year", "comparator"],
        key=lambda c: c.map(order) if c.name == "comparator" else c,
    )
    return out.reset_index(drop=True)


def add_labels(rows: pd.DataFrame, model: str) -> pd.DataFrame:
    """Add ``fy_label`` and a human ``label``: "England 2014/15, DfE Characteristics of children
    in need 2024 release"; SN rows say which list and how many neighbours had a value."""
    out = rows.copy()
    out["fy_label"] = financial_year_labels(dfe_year_to_financial_year(out["dfe_year"]))
    source = out["source_file"].map(
        lambda f: (
            "DfE LAIT (Local Authority Interactive Tool)"
            if f == lait.LAIT_FILE
            else downloads.release_label(f)
        )
    )
    who = out["area_name"].astype("str")
    sn = out["comparator"].eq("SN")
    who = who.mask(
        sn,
        "Statistical neighbours (DfE " + str(model) + " list; mean of "
        + out["n_neighbours"].astype("str") + " of " + out["n_listed"].astype("str") + ")",
    )  # fmt: skip
    out["label"] = who + " " + out["fy_label"] + ", " + source
    out["model"] = str(model)
    return out


# ---------------------------------------------------------------------------------------------
# The board's catalogue


def build_comparators(
    catalogue: Catalogue, public_dir: Path | str | None = None, model: str | None = None
) -> pd.DataFrame:
    """The comparators table for every catalogue indicator with a DfE source.

    Parameters
    ----------
    catalogue : Catalogue
        The board's catalogue; its ``la_old_code`` names the authority.
    public_dir : path, optional
        The public data folder (default: ``PUBLIC_DATA_DIR``).
    model : {"2021", "2025"}, optional
        Which DfE statistical neighbour list; defaults to the catalogue's
        ``board.neighbour_model``, else 2021. The neighbours are the catalogue's own list
        (``board.neighbours``) when it gives one for that model, else DfE's list for the
        authority.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, one row per indicator, comparator (England, Region, SN, LA) and DfE year.

    Raises
    ------
    PublicDataError
        When the public folder or a named file is absent (the message names PUBLIC_DATA_DIR).
    """
    auth = authorities.resolve_la(catalogue.la_old_code or catalogue.la_name, public_dir)
    model = str(model or catalogue.neighbour_model or "2021")
    if catalogue.neighbours and catalogue.neighbour_model in ("", model):
        neighbours = [n.code for n in catalogue.neighbours]
    else:
        neighbours = authorities.neighbours_of(auth, model, public_dir)["neighbour_code"].tolist()
    frames = []
    for ind in catalogue:
        src = ind.comparator.dfe
        if src is None:
            continue
        s = series.published_series(src.file, src.measure, src.filters, src.lait_code, public_dir)
        frames.append(s.assign(key=ind.ref))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    rows = comparator_rows(pd.concat(frames, ignore_index=True), auth.old_code, auth.region_code,
                           auth.region_name, neighbours)  # fmt: skip
    out = add_labels(rows, model).rename(columns={"key": "indicator"})
    log.info("comparators: %d rows for %d indicators (%s, SN model %s)",
             len(out), out["indicator"].nunique(), auth.name, model)  # fmt: skip
    return out[COLUMNS]


# ---------------------------------------------------------------------------------------------
# The committed extract


def load_committed(paths: Paths) -> pd.DataFrame:
    """Read the committed extract ``data/raw/reference/comparators.csv`` (published text kept).

    Raises
    ------
    FileNotFoundError
        Naming the file and how to make it.
    """
    path = paths.reference / COMMITTED_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: it is made from the public DfE files by `make board` for a new "
            "board, or `python -m pmqa_lib.dev.reference_refresh` for the example (see "
            "docs/public_data.md)"
        )
    df = pd.read_csv(path, dtype={"indicator": "str", "text": "str", "marker": "str", "area_code": "str"},
                     keep_default_na=False, na_values={"value": [""], "numerator": [""],
                     "denominator": [""], "n_neighbours": [""]})  # fmt: skip
    for c in ("value", "numerator", "denominator"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df["dfe_year"] = df["dfe_year"].astype("int64")
    df["n_neighbours"] = pd.to_numeric(df["n_neighbours"], errors="coerce").astype("Int64")
    return df

"""Committed reference tables in ``data/raw/reference/``: the ONS 0-17 population.

``population_0_17.csv`` is a small extract of the ONS mid-year estimates of children aged 0-17 that
DfE ships with its children-in-need releases (the public files live outside the repository, see
DEVELOPERS.md). It holds Calderdale and England, mid-2012 to mid-2024, one row per area, year and
release, with the file each figure came from:

=============  ==========================================================================
column         meaning
=============  ==========================================================================
la_code        ONS code: ``E08000033`` (Calderdale), ``E92000001`` (England)
old_la_code    DfE's three-digit LA number (``381``); blank for England
la_name        area name
year           the ONS mid-year (30 June) the estimate is for
population     children aged 0-17
release        the DfE release the population file came with (``CIN 2024 release``)
source_file    the public file name
=============  ==========================================================================

Populations are revised between releases (Calderdale mid-2023: 45,005 in the CIN 2024 release,
45,184 in the 2025 one), so :func:`load_population` picks one release per year: by default the
latest that has the year.

:func:`pmqa_lib.dev.reference_refresh.extract_population` rebuilds the table from the public files
(a developer step run by ``make examples``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

POPULATION_FILE = "population_0_17.csv"
POPULATION_COLUMNS = [
    "la_code",
    "old_la_code",
    "la_name",
    "year",
    "population",
    "release",
    "source_file",
]
#: ONS code of England, the national comparator in every DfE and ONS file
ENGLAND_CODE = "E92000001"


class ReferenceDataError(ValueError):
    """A committed reference table is missing or malformed; the message names the file."""


def _reference_dir(paths=None) -> Path:
    if paths is None:
        from pmqa_lib.core.files import Paths

        paths = Paths.from_env()
    return Path(paths.reference) if hasattr(paths, "reference") else Path(paths)


def read_population_table(paths=None) -> pd.DataFrame:
    """The whole committed table (every area, year and release), typed.

    Parameters
    ----------
    paths : pmqa_lib.core.files.Paths or path, optional
        A ``Paths`` (its ``reference`` folder is used) or the reference folder itself.
    """
    path = _reference_dir(paths) / POPULATION_FILE
    if not path.exists():
        raise ReferenceDataError(f"population table not found: {path}")
    df = pd.read_csv(
        path, dtype={"la_code": str, "old_la_code": str, "la_name": str, "release": str}
    )
    missing = [c for c in POPULATION_COLUMNS if c not in df.columns]
    if missing:
        raise ReferenceDataError(f"{path}: missing column(s) {', '.join(missing)}")
    df["old_la_code"] = df["old_la_code"].fillna("")
    df["year"] = df["year"].astype("int64")
    df["population"] = df["population"].astype("int64")
    return df[POPULATION_COLUMNS]


def load_population(
    paths=None, *, la_code: str | None = None, release: str | None = None
) -> pd.DataFrame:
    """ONS 0-17 mid-year populations of one area, one row per year.

    Parameters
    ----------
    paths : pmqa_lib.core.files.Paths or path, optional
        Where the reference folder is (default: ``Paths.from_env()``).
    la_code : str, optional
        ONS area code; defaults to the board's local authority (``la_code`` in the catalogue).
    release : str, optional
        Use only this release (e.g. ``"CIN 2024 release"``) to reproduce a published rate;
        by default, for each year, the latest release that has it.

    Returns
    -------
    DataFrame
        ``year`` (int), ``population`` (int), ``la_code``, ``la_name``, ``release``,
        ``source_file``, sorted by year.
    """
    if la_code is None:
        from pmqa_lib.core.catalogue import load_catalogue

        base = _reference_dir(paths)
        la_code = load_catalogue(base / "catalogue.yaml").la_code
    df = read_population_table(paths)
    df = df[df["la_code"] == la_code]
    if release is not None:
        df = df[df["release"] == release]
    if df.empty:
        raise ReferenceDataError(
            f"no population rows for la_code {la_code!r}"
            + (f" in release {release!r}" if release else "")
        )
    df = df.sort_values(["year", "release"]).drop_duplicates("year", keep="last")
    cols = ["year", "population", "la_code", "la_name", "release", "source_file"]
    return df[cols].reset_index(drop=True)

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

:func:`extract_population` rebuilds the table from the public files; ``pmqa examples`` (a developer
tool, :mod:`pmqa_lib.dev.example_board`) calls it to refresh the committed file.
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
ENGLAND_CODE = "E92000001"

# The public ONS files and the DfE release each came with (see the public folder's SOURCES.md).
POPULATION_SOURCES = {
    "ons_mid-year_population_estimates_2012_to_2023.csv": "CIN 2024 release",
    "ons_mid-year_population_estimates_2012_to_2024.csv": "CIN 2025 release",
}
AGE_GROUP = "Children aged 0 to 17 years"


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


def extract_population(
    public_dir: Path | str, la_codes: tuple[str, ...] = ("E08000033",)
) -> pd.DataFrame:
    """Build the committed population table from the public ONS files.

    Parameters
    ----------
    public_dir : path
        The folder of public DfE/ONS files (``pmqa_lib.core.files.public_data_dir()``).
    la_codes : tuple of str
        Local authorities to keep (ONS codes); England is always kept.

    Returns
    -------
    DataFrame
        :data:`POPULATION_COLUMNS`, sorted by area (England last), year and release.
    """
    frames = []
    for name, release in POPULATION_SOURCES.items():
        path = Path(public_dir) / name
        if not path.exists():
            raise ReferenceDataError(f"public population file not found: {path}")
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        raw = raw[raw["age_group"] == AGE_GROUP]
        england = raw["geographic_level"] == "National"
        la = (raw["geographic_level"] == "Local authority") & raw["new_la_code"].isin(la_codes)
        part = raw[england | la]
        frames.append(
            pd.DataFrame(
                {
                    "la_code": part["new_la_code"].where(~england[england | la], ENGLAND_CODE),
                    "old_la_code": part["old_la_code"],
                    "la_name": part["la_name"].where(~england[england | la], "England"),
                    "year": part["time_period"].astype("int64"),
                    "population": part["population_estimate"].astype("int64"),
                    "release": release,
                    "source_file": name,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["_england"] = out["la_code"] == ENGLAND_CODE
    out = out.sort_values(["_england", "la_code", "year", "release"]).drop(columns="_england")
    return out[POPULATION_COLUMNS].reset_index(drop=True)

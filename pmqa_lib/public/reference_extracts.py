"""A board's reference extracts from the public DfE/ONS files: its ONS 0-17 populations, its
comparators table and the provenance page that goes with it.

``make board`` (:mod:`pmqa_lib.public.board`) writes them into a new board's
``data/raw/reference/``; the developer tool :mod:`pmqa_lib.dev.reference_refresh` refreshes the
example board's committed copies. Everything here builds tables and text; the callers write.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pandas as pd

from pmqa_lib.core.catalogue import Catalogue
from pmqa_lib.core.files import sha256_file
from pmqa_lib.core.reference import ENGLAND_CODE, POPULATION_COLUMNS, ReferenceDataError
from pmqa_lib.public import authorities, ees, lait

log = logging.getLogger(__name__)

#: The public ONS files and the DfE release each came with (see the public folder's SOURCES.md).
POPULATION_SOURCES = {
    "ons_mid-year_population_estimates_2012_to_2023.csv": "CIN 2024 release",
    "ons_mid-year_population_estimates_2012_to_2024.csv": "CIN 2025 release",
}
AGE_GROUP = "Children aged 0 to 17 years"
SOURCES_FILE = "SOURCES.md"


def extract_population(
    public_dir: Path | str,
    la_codes: tuple[str, ...] = ("E08000033",),
    old_la_code: str | None = None,
) -> pd.DataFrame:
    """The population table (:data:`pmqa_lib.core.reference.POPULATION_COLUMNS`) from the public
    ONS files: every release of every year, England and the authority.

    Parameters
    ----------
    public_dir : path
        The folder of public DfE/ONS files (``pmqa_lib.core.files.public_data_dir()``).
    la_codes : tuple of str
        The authority's ONS code(s) to keep; England is always kept. With ``old_la_code`` the
        first is the code written for every row.
    old_la_code : str, optional
        Keep the authority by DfE's old code instead, which is stable when ONS recodes it
        (North Yorkshire: E10000023, then E06000065; both are written as ``la_codes[0]``).

    Returns
    -------
    DataFrame
        Sorted by area (England last), year and release.
    """
    frames = []
    for name, release in POPULATION_SOURCES.items():
        path = Path(public_dir) / name
        if not path.exists():
            raise ReferenceDataError(f"public population file not found: {path}")
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        raw = raw[raw["age_group"] == AGE_GROUP]
        england = raw["geographic_level"] == "National"
        is_la = raw["geographic_level"] == "Local authority"
        la = is_la & (
            raw["old_la_code"].eq(str(old_la_code))
            if old_la_code is not None
            else raw["new_la_code"].isin(la_codes)
        )
        part = raw[england | la]
        code = part["new_la_code"] if old_la_code is None else la_codes[0]
        frames.append(
            pd.DataFrame(
                {
                    "la_code": pd.Series(code, index=part.index).where(
                        ~england[england | la], ENGLAND_CODE
                    ),
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


def provenance_markdown(
    cat: Catalogue, table: pd.DataFrame, folder: Path, model: str, made_by: str
) -> str:
    """The provenance page of a comparators extract: files with repository, commit and blob from
    SOURCES.md (when the public folder has it), sha256, the filters of each indicator, and the
    neighbour list used. ``made_by`` names the command that made it."""
    sources = sources_table(folder / SOURCES_FILE)
    files = sorted(set(table["source_file"]))
    auth = authorities.resolve_la(cat.la_old_code or cat.la_name, folder)
    nb = authorities.neighbours_of(auth, model, folder)
    lines = [
        "# Provenance of `comparators.csv`",
        "",
        f"Made by {made_by} on {dt.date.today().isoformat()} from the public DfE/ONS files "
        f"(PUBLIC_DATA_DIR); {len(table)} rows, {table['indicator'].nunique()} indicators, DfE "
        f"years {table['dfe_year'].min()} to {table['dfe_year'].max()}. Refresh: see "
        "`docs/public_data.md`.",
        "",
        f"Authority: {auth.name} (old code {auth.old_code}, new code {auth.new_code}), region "
        f"{auth.region_name} ({auth.region_code}).",
        "",
        "Comparators: `England` (national row), `Region` (the authority's region row), `LA` (the "
        "authority's own published figure), `SN` (mean of the statistical neighbours' published "
        "values; `n_neighbours` = how many of the ten had a value that year). `dfe_year` 2015 = "
        "year ending 31 March 2015 = `fy_label` 2014/15. `text` is the value exactly as published; "
        "`marker` keeps DfE's suppression code where there is no value.",
        "",
        f"Statistical neighbours (DfE {model} list, `{authorities.NEIGHBOUR_FILES[str(model)]}`): "
        + ", ".join(f"{r.neighbour_name} ({r.neighbour_code})" for r in nb.itertuples())
        + ".",
        "",
        "## Files",
        "",
        "| file | repository | path | commit | blob | sha256 |",
        "|---|---|---|---|---|---|",
    ]
    for f in files + [authorities.NEIGHBOUR_FILES[str(model)]] + population_files(files, folder):
        src = sources.get(f, {})
        lines.append(
            f"| `{f}` | {src.get('repository', '')} | `{src.get('path', '')}` | {src.get('commit', '')} "
            f"| {src.get('blob', '')} | {sha256_file(folder / f)} |"
        )
    lines += [
        "",
        "## Indicators",
        "",
        "| indicator | file | measure | filters | LAIT code |",
        "|---|---|---|---|---|",
    ]
    for ind in cat:
        d = ind.comparator.dfe
        if d is None:
            continue
        filt = "; ".join(f"{k} = {v}" for k, v in d.filters.items())
        lines.append(f"| {ind.ref} | `{d.file}` | `{d.measure}` | {filt} | {d.lait_code} |")
    return "\n".join(lines) + "\n"


def population_files(files: list[str], folder: Path) -> list[str]:
    """The ONS population files released with ``files`` that are in ``folder``."""
    out = {ees.population_file_for(f, folder) for f in files if f != lait.LAIT_FILE}
    return sorted(x for x in out if x)


def sources_table(path: Path) -> dict[str, dict[str, str]]:
    """SOURCES.md's provenance table: file -> repository, path, commit, blob ({} without it)."""
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and cells[0].startswith("`"):
            name = re.sub(r"`|\(.*\)", "", cells[0]).strip()
            if re.fullmatch(r"[0-9a-f]{40}", cells[3] or ""):
                out[name] = {"repository": cells[1], "path": cells[2].strip("`"), "commit": cells[3],
                             "blob": cells[4].split()[0]}  # fmt: skip
    return out


def csv_text(df: pd.DataFrame) -> str:
    """A reference table as CSV text: no index, ``\\n`` line ends (the committed layout)."""
    return df.to_csv(index=False, lineterminator="\n")

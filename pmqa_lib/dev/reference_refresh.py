"""Developer step: refresh the committed reference extracts from the public DfE/ONS files.

``data/raw/reference/comparators.csv`` (with ``comparators_PROVENANCE.md``) and
``population_0_17.csv`` are small extracts of the public files that the example board needs, so
``make quarter`` runs without them. When DfE publishes, a developer reruns this and commits the
result (``python -m pmqa_lib.dev.reference_refresh [2021|2025]``; ``make examples`` refreshes the
population). This is the one deliberate exception to "code never writes data/raw": the files are
reference *input*, written atomically with ``atomic_write(allow_raw=True)``. The pipeline never
imports this module.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pandas as pd

from pmqa_lib.core.catalogue import Catalogue, load_catalogue
from pmqa_lib.core.files import atomic_write, sha256_file
from pmqa_lib.core.reference import ENGLAND_CODE, POPULATION_COLUMNS, ReferenceDataError
from pmqa_lib.public import authorities, downloads, ees, lait
from pmqa_lib.public.comparators import COMMITTED_FILE, PROVENANCE_FILE, build_comparators

log = logging.getLogger(__name__)

# The public ONS files and the DfE release each came with (see the public folder's SOURCES.md).
POPULATION_SOURCES = {
    "ons_mid-year_population_estimates_2012_to_2023.csv": "CIN 2024 release",
    "ons_mid-year_population_estimates_2012_to_2024.csv": "CIN 2025 release",
}
AGE_GROUP = "Children aged 0 to 17 years"


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


def extract_example_comparators(
    catalogue_path: Path | str | None = None,
    public_dir: Path | str | None = None,
    model: str = "2021",
    out_dir: Path | str | None = None,
) -> Path:
    """DEVELOPER STEP: write ``data/raw/reference/comparators.csv`` and its provenance.

    This is the one deliberate exception to "code never writes data/raw": the committed extract
    is reference *input* that a developer refreshes from the public files when DfE publishes, and
    then commits (run ``python -m pmqa_lib.dev.reference_refresh``). The pipeline never calls it. Files are
    written atomically (temporary file, then rename).

    Parameters
    ----------
    catalogue_path : path, optional
        Defaults to the project's ``data/raw/reference/catalogue.yaml``.
    out_dir : path, optional
        Defaults to the catalogue's folder.

    Returns
    -------
    Path
        The CSV written.
    """
    cat = load_catalogue(catalogue_path)
    folder = downloads.require_public_dir(public_dir)
    table = build_comparators(cat, folder, model)
    out = Path(out_dir) if out_dir is not None else Path(cat.source).parent
    csv_path = out / COMMITTED_FILE
    _write_reference(table.to_csv(index=False, lineterminator="\n"), csv_path)
    _write_reference(provenance_markdown(cat, table, folder, model), out / PROVENANCE_FILE)
    return csv_path


def provenance_markdown(cat: Catalogue, table: pd.DataFrame, folder: Path, model: str) -> str:
    """The provenance page of the committed extract: files with repository, commit and blob from
    SOURCES.md, sha256, the filters of each indicator, and the neighbour list used."""
    sources = _sources_table(folder / "SOURCES.md")
    files = sorted(set(table["source_file"]))
    auth = authorities.resolve_la(cat.la_old_code or cat.la_name, folder)
    nb = authorities.neighbours_of(auth, model, folder)
    lines = [
        "# Provenance of `comparators.csv`",
        "",
        f"Made by `pmqa_lib.dev.reference_refresh.extract_example_comparators` on {dt.date.today().isoformat()} "
        f"from the public DfE/ONS files (PUBLIC_DATA_DIR); {len(table)} rows, "
        f"{table['indicator'].nunique()} indicators, DfE years {table['dfe_year'].min()} to "
        f"{table['dfe_year'].max()}. Refresh: see `docs/public_data.md`.",
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
    for f in files + [authorities.NEIGHBOUR_FILES[str(model)]] + _population_files(files, folder):
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


def _population_files(files: list[str], folder: Path) -> list[str]:
    out = {ees.population_file_for(f, folder) for f in files if f != lait.LAIT_FILE}
    return sorted(x for x in out if x)


def _sources_table(path: Path) -> dict[str, dict[str, str]]:
    """SOURCES.md's provenance table: file -> repository, path, commit, blob."""
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


def _write_reference(text: str, path: Path) -> None:
    """Atomic write for the developer step above, the one explicit exception to data/raw/ being
    read-only (io.atomic_write refuses it unless told)."""
    with atomic_write(path, allow_raw=True) as fh:
        fh.write(text)


if __name__ == "__main__":  # developer step: python -m pmqa_lib.dev.reference_refresh [2021|2025]
    import sys

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    written = extract_example_comparators(model=sys.argv[1] if len(sys.argv) > 1 else "2021")
    print(f"wrote {written} and {written.parent / PROVENANCE_FILE}")

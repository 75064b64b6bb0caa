"""DfE's Local Authority Interactive Tool (LAIT): the long extract and its data dictionary
(polarity and published decimal places of each measure)."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.format import round_half_away
from pmqa_lib.public.downloads import (
    file_stamp,
    parse_published,
    public_file,
    read_text_cached,
    read_text_csv,
    shortest_text,
)

log = logging.getLogger(__name__)


LAIT_FILE = "bds_long_0_csc_subset.csv"


LAIT_DICTIONARY_FILE = "lait_data_dictionary.csv"


def read_lait_dictionary(public_dir: Path | str | None = None) -> pd.DataFrame:
    """The LAIT data dictionary (fields hold embedded newlines: read with a real CSV parser).

    Adds ``polarity`` ("high", "low" or "" when LAIT gives none: ``-`` or ``NA``) and ``dps``
    (published decimal places, float; NaN when not given). One row per ``Measure_short``.
    """
    d = read_text_csv(LAIT_DICTIONARY_FILE, public_dir).copy()
    pol = d["Polarity"].str.strip().str.lower()
    d["polarity"] = pol.where(pol.isin(["high", "low"]), "")
    d["dps"] = pd.to_numeric(d["dps"], errors="coerce")
    d["Measure_short"] = d["Measure_short"].str.strip()
    return d.drop_duplicates("Measure_short").reset_index(drop=True)


def lait_polarity(public_dir: Path | str | None = None) -> dict[str, str]:
    """LAIT measure code -> "high" / "low" / "" (no direction is better)."""
    d = read_lait_dictionary(public_dir)
    return dict(zip(d["Measure_short"], d["polarity"], strict=True))


@lru_cache(maxsize=4)
def _lait_cached(stamp: tuple[str, int, int], dict_stamp: tuple[str, int, int]) -> pd.DataFrame:
    raw = read_text_cached(stamp)
    folder = Path(dict_stamp[0]).parent
    dps = read_lait_dictionary(folder).set_index("Measure_short")["dps"]
    parsed = parse_published(raw["Values"])
    out = pd.DataFrame(
        {
            "measure_code": raw["Short Desc"].str.strip(),
            "measure_name": raw["Data item"],
            "years": raw["Years"].str.strip(),
            "area_name": raw["LA and Regions"].str.strip(),
            "old_la_code": pd.to_numeric(raw["LA Number"], errors="coerce").astype("Int64"),
            "region": raw["Region"].str.strip(),
            "raw_text": parsed["text"],
            "marker": parsed["marker"],
        }
    )
    year = out["years"].where(out["years"].str.fullmatch(r"\d{4}"))
    out["dfe_year"] = pd.to_numeric(year, errors="coerce").astype("Int64")
    # float artefacts (536.79999999999995) back to the published decimal: the shortest text that
    # reads back as the same float, then LAIT's own decimal places where the dictionary gives them
    value = parsed["value"]
    d = out["measure_code"].map(dps)
    value = pd.Series(
        np.where(d.notna(), round_half_away(value, d.fillna(0)), value), index=out.index
    )
    out["value"] = value
    out["text"] = shortest_text(value).mask(value.isna(), out["raw_text"])
    code = out["old_la_code"]
    out["geographic_level"] = np.select(
        [out["area_name"].eq("England"), code.ge(900).fillna(False) & out["region"].eq("NA")],
        ["National", "Regional"],
        default="Local authority",
    )
    out["source_file"] = LAIT_FILE
    return out


def read_lait(public_dir: Path | str | None = None) -> pd.DataFrame:
    """The LAIT long extract (cached; do not modify the result).

    Returns
    -------
    DataFrame
        measure_code (``Short Desc``), measure_name, years (as published), dfe_year (int for
        four-digit years, else NA), area_name, old_la_code (Int64; England 970, regions 9xx),
        region, geographic_level, raw_text (the cell as stored), text (published decimal),
        value (float, artefacts removed), marker (``-`` = missing or suppressed), source_file.
    """
    return _lait_cached(
        file_stamp(public_file(LAIT_FILE, public_dir)),
        file_stamp(public_file(LAIT_DICTIONARY_FILE, public_dir)),
    )

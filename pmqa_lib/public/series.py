"""One published series of a measure for every year and area, whichever file holds it (an EES
CSV or the LAIT extract)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.reference import ENGLAND_CODE
from pmqa_lib.public.ees import measure_with_counts
from pmqa_lib.public.lait import LAIT_FILE, read_lait

log = logging.getLogger(__name__)


SERIES_COLUMNS = [
    "dfe_year", "geographic_level", "area_code", "area_name", "region_code", "region_name",
    "text", "value", "marker", "numerator", "denominator", "denominator_kind", "source_file",
]  # fmt: skip


def published_series(
    file: str,
    measure: str,
    filters: dict[str, str] | None = None,
    lait_code: str = "",
    public_dir: Path | str | None = None,
) -> pd.DataFrame:
    """One measure for every year and area, from an EES file or from the LAIT extract.

    For the LAIT extract (``file`` = ``bds_long_0_csc_subset.csv``) the measure is the
    ``Short Desc`` filter or ``lait_code``; only four-digit years are kept, and LAIT publishes
    no counts. Regional rows carry the LAIT region name in ``region_name`` (``region_code`` "").

    Returns
    -------
    DataFrame
        :data:`SERIES_COLUMNS`; ``area_code`` is the old LA code for authorities, the region code
        (EES) or LAIT number (LAIT) for regions, and ``E92000001`` for England.
    """
    if Path(file).name == LAIT_FILE:
        code = (filters or {}).get("Short Desc") or lait_code
        if not code:
            raise ValueError("a LAIT series needs filters {'Short Desc': <code>} or a lait_code")
        lait = read_lait(public_dir)
        s = lait[(lait["measure_code"] == code) & lait["dfe_year"].notna()]
        if s.empty:
            raise KeyError(f"the LAIT extract has no yearly rows for measure code {code!r}")
        out = pd.DataFrame(
            {
                "dfe_year": s["dfe_year"].astype("int64"),
                "geographic_level": s["geographic_level"],
                "area_code": np.where(
                    s["geographic_level"].eq("National"),
                    ENGLAND_CODE,
                    s["old_la_code"].astype("str"),
                ),
                "area_name": s["area_name"],
                "region_code": "",
                "region_name": np.where(
                    s["geographic_level"].eq("Regional"), s["area_name"], s["region"]
                ),
                "text": s["text"],
                "value": s["value"],
                "marker": s["marker"],
                "numerator": np.nan,
                "denominator": np.nan,
                "denominator_kind": "",
                "source_file": LAIT_FILE,
            }
        )
        return out.reset_index(drop=True)
    s = measure_with_counts(file, measure, filters, public_dir)
    s["dfe_year"] = s["dfe_year"].astype("int64")
    return s[SERIES_COLUMNS]

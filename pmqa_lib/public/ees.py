"""Explore Education Statistics (EES) open-data CSVs: one measure by year and area, with the
counts behind a rate or percentage where DfE publishes them, and the ONS 0-17 populations that
DfE ships with its children-in-need releases."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.public.downloads import (
    PublicDataError,
    file_stamp,
    parse_published,
    public_file,
    read_text_cached,
    release_of,
    require_public_dir,
)

log = logging.getLogger(__name__)


#: Columns of the EES layout that describe time and place rather than a measure.
EES_KEY_COLUMNS = (
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name",
)  # fmt: skip


DERIVED_COLUMNS = ("dfe_year", "area_code", "area_name", "source_file")


def _col(df: pd.DataFrame, name: str) -> str | None:
    """The column called ``name``, compared case-insensitively (``Category`` vs ``category``)."""
    lower = {c.lower(): c for c in df.columns}
    return lower.get(name.lower())


@lru_cache(maxsize=64)
def _ees_cached(stamp: tuple[str, int, int]) -> pd.DataFrame:
    raw = read_text_cached(stamp)
    df = raw.rename(columns={c: c.lower() for c in raw.columns if c.lower() in EES_KEY_COLUMNS})
    missing = {"time_period", "geographic_level"} - set(df.columns)
    if missing:
        raise PublicDataError(
            f"{Path(stamp[0]).name} is not in the EES layout: no {sorted(missing)}"
        )
    for c in EES_KEY_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df["dfe_year"] = pd.to_numeric(df["time_period"].str[:4], errors="coerce").astype("Int64")
    level = df["geographic_level"].str.strip()
    df["area_code"] = np.select(
        [level.eq("National"), level.eq("Regional"), level.eq("Local authority")],
        [df["country_code"], df["region_code"], df["old_la_code"]],
        default="",
    )
    df["area_name"] = np.select(
        [level.eq("National"), level.eq("Regional"), level.eq("Local authority")],
        [df["country_name"], df["region_name"], df["la_name"]],
        default="",
    )
    df["source_file"] = Path(stamp[0]).name
    return df


def read_ees(name: str, public_dir: Path | str | None = None) -> pd.DataFrame:
    """An EES open-data CSV, all measure columns as published text (cached; do not modify).

    Adds ``dfe_year`` (int: the reporting year ending 31 March, e.g. 2015 = 2014/15),
    ``area_code`` (country code for National, region code for Regional, **old** LA code for
    Local authority: the old code is stable through recodings such as North Yorkshire's),
    ``area_name`` and ``source_file``. Geography columns are lower-cased names; absent ones are "".
    """
    return _ees_cached(file_stamp(public_file(name, public_dir)))


def ees_measure(
    name: str,
    measure: str,
    filters: dict[str, str] | None = None,
    public_dir: Path | str | None = None,
    extra: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One measure of an EES file, long: a row per year and area.

    Parameters
    ----------
    name : str
        File name in the public folder.
    measure : str
        Measure column (case-insensitive), e.g. ``Referrals_rate``.
    filters : dict, optional
        Column -> published value, e.g. ``{"population_type": "Children looked after on 31
        March each year"}``; values compared after stripping spaces.
    extra : tuple of str
        More measure columns to carry as numbers (e.g. the count behind a rate), named as given.

    Returns
    -------
    DataFrame
        dfe_year, geographic_level, area_code, area_name, region_code, region_name,
        new_la_code, text, value, marker, source_file, measure, and one float column per ``extra``.
    """
    df = read_ees(name, public_dir)
    rows = df
    for col, want in (filters or {}).items():
        c = _col(df, col)
        if c is None:
            raise KeyError(
                f"{name} has no column {col!r} to filter on; columns: {list(df.columns)}"
            )
        rows = rows[rows[c].str.strip() == str(want).strip()]
    if rows.empty and filters:
        raise ValueError(f"{name}: no rows match the filters {filters}")
    mcol = _col(df, measure)
    if mcol is None:
        raise KeyError(f"{name} has no measure column {measure!r}")
    parsed = parse_published(rows[mcol])
    out = pd.concat(
        [
            rows[["dfe_year", "geographic_level", "area_code", "area_name", "region_code",
                  "region_name", "new_la_code"]],
            parsed,
        ],
        axis=1,
    )  # fmt: skip
    for e in extra:
        ec = _col(df, e)
        out[e] = parse_published(rows[ec])["value"] if ec is not None else np.nan
    out["source_file"] = name
    out["measure"] = measure
    dup = out.duplicated(["dfe_year", "geographic_level", "area_code"])
    if dup.any():
        raise ValueError(
            f"{name}: {measure} has {int(dup.sum())} duplicate rows per year and area; "
            f"add filters (e.g. on category columns) to pick one"
        )
    return out.reset_index(drop=True)


def read_populations(
    name: str = "ons_mid-year_population_estimates_2012_to_2024.csv",
    public_dir: Path | str | None = None,
) -> pd.DataFrame:
    """ONS mid-year estimates of children aged 0 to 17 (DfE's copy, as used in its rates).

    Returns
    -------
    DataFrame
        population_year (the mid-year), dfe_year (= population_year + 1: DfE's rates for reporting
        year Y divide by the mid-(Y-1) estimate), geographic_level, area_code, area_name,
        region_code, new_la_code, population (float; NaN when suppressed), source_file.
    """
    m = ees_measure(name, "population_estimate", public_dir=public_dir)
    out = m.rename(columns={"dfe_year": "population_year", "value": "population"})
    out["dfe_year"] = out["population_year"] + 1
    cols = ["population_year", "dfe_year", "geographic_level", "area_code", "area_name",
            "region_code", "new_la_code", "population", "source_file"]  # fmt: skip
    return out[cols]


def population_file_name(file: str) -> str | None:
    """The name of the ONS population file released with ``file`` (None without a release year).

    The CIN release of year R divides by the population file covering mid-2012 to mid-(R-1)
    (``c1_..._2013_to_2024.csv`` -> ``ons_mid-year_population_estimates_2012_to_2023.csv``).
    """
    _, year = release_of(file)
    return None if year is None else f"ons_mid-year_population_estimates_2012_to_{year - 1}.csv"


def population_file_for(file: str, public_dir: Path | str | None = None) -> str | None:
    """:func:`population_file_name` of ``file``, if that file is in the folder."""
    name = population_file_name(file)
    if name is None:
        return None
    folder = require_public_dir(public_dir)
    return name if (folder / name).is_file() else None


#: Denominator column of each published percentage whose numerator is ``<measure minus _percent>``.
PERCENT_DENOMINATORS: dict[str, str] = {
    "re_referrals_percent": "Referrals",
    "no_further_action_percent": "Referrals",
    "not_in_need_percent": "Referrals",
    "re_referrals_child_percent": "Referrals_child",
    "rereferral_percent": "referral_count",
    "no_further_action_percent_2025": "referral_count",
    "rereferral_child_percent": "referral_child_count",
    "cpp_subsequent_percent": "CPP_start",
    "reviewed_within_timescales_percent": "CPP_At31_3Months",
    "3_months_or_less_percent": "CPP_At31",
    "more_than_3_months_6_months_percent": "CPP_At31",
    "more_than_6_months_less_than_1_year_percent": "CPP_At31",
    "1_year_less_than_2_years_percent": "CPP_At31",
    "2_years_or_more_percent": "CPP_At31",
}


def _numerator_column(df: pd.DataFrame, measure: str) -> str | None:
    m = measure.lower()
    for suffix, repl in (("_rate", ""), ("_percent", ""), ("_percent", "_count")):
        if m.endswith(suffix):
            c = _col(df, m[: -len(suffix)] + repl)
            if c is not None:
                return c
    return None


def measure_with_counts(
    name: str,
    measure: str,
    filters: dict[str, str] | None = None,
    public_dir: Path | str | None = None,
) -> pd.DataFrame:
    """:func:`ees_measure` plus the published counts behind the value, where they exist.

    Adds ``numerator`` and ``denominator`` (floats, NaN where not published or suppressed) and
    ``denominator_kind``: ``"population"`` for a rate per 10,000 (the ONS 0-17 estimate DfE
    used: the file's own ``population_estimate`` column, else the population file released
    with it, see :func:`population_file_for`), ``"count"`` for a percentage (e.g. re-referrals
    over referrals; ``children_percent`` over the matching ``Total ...`` row), ``""`` when none.
    """
    df = read_ees(name, public_dir)
    out = ees_measure(name, measure, filters, public_dir)
    key = ["dfe_year", "geographic_level", "area_code"]
    m = measure.lower()
    num_col = _numerator_column(df, measure)
    out["numerator"] = np.nan
    out["denominator"] = np.nan
    out["denominator_kind"] = ""
    if m == "rate_per_10000":
        c = ees_measure(name, "children_count", filters, public_dir, extra=("population_estimate",))
        out = out.drop(columns=["numerator", "denominator"]).merge(
            c[key + ["value", "population_estimate"]].rename(
                columns={"value": "numerator", "population_estimate": "denominator"}
            ),
            on=key, how="left",
        )  # fmt: skip
        out["denominator_kind"] = "population"
    elif m == "children_percent" and filters:
        c = ees_measure(name, "children_count", filters, public_dir)
        out["numerator"] = (
            out[key].merge(c[key + ["value"]], on=key, how="left")["value"].to_numpy()
        )
        total = _total_row_filters(df, filters)
        if total is not None:
            t = ees_measure(name, "children_count", total, public_dir)
            out["denominator"] = (
                out[key].merge(t[key + ["value"]], on=key, how="left")["value"].to_numpy()
            )
            out["denominator_kind"] = "count"
    elif m.endswith("_rate") and num_col is not None:
        c = ees_measure(name, num_col, filters, public_dir)
        out["numerator"] = (
            out[key].merge(c[key + ["value"]], on=key, how="left")["value"].to_numpy()
        )
        pop_file = population_file_for(name, public_dir)
        if pop_file is not None:
            p = read_populations(pop_file, public_dir)
            pop = out[key].merge(p[key + ["population"]], on=key, how="left")["population"]
            out["denominator"] = pop.to_numpy()
            out["denominator_kind"] = "population"
    elif m.endswith("_percent") and num_col is not None and m in PERCENT_DENOMINATORS:
        den_col = _col(df, PERCENT_DENOMINATORS[m])
        c = ees_measure(name, num_col, filters, public_dir, extra=(den_col,) if den_col else ())
        merged = out[key].merge(
            c[key + ["value"] + ([den_col] if den_col else [])], on=key, how="left"
        )
        out["numerator"] = merged["value"].to_numpy()
        if den_col:
            out["denominator"] = merged[den_col].to_numpy()
            out["denominator_kind"] = "count"
    return out


def _total_row_filters(df: pd.DataFrame, filters: dict[str, str]) -> dict[str, str] | None:
    """The filters of the ``Total ...`` row that is the denominator of a ``children_percent``."""
    for col in reversed(list(filters)):
        c = _col(df, col)
        rows = df
        for other, want in filters.items():
            if other != col:
                rows = rows[rows[_col(df, other)].str.strip() == str(want).strip()]
        totals = rows[c][rows[c].str.strip().str.startswith("Total")].unique()
        if len(totals) == 1:
            return {**filters, col: totals[0]}
    return None

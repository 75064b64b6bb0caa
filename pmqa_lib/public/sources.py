"""Readers for DfE's and ONS's published children's social care statistics.

Everything here reads from the public data folder (``PUBLIC_DATA_DIR``, see
:func:`pmqa_lib.core.files.public_data_dir` and ``docs/public_data.md``); nothing is written. Each file is
read once per process and cached (keyed on its path, size and modification time).

Published values are kept exactly: every measure column is read as text, the published text is
kept in ``text`` and the number beside it in ``value``. DfE's suppression and missing markers
(:data:`MISSING_MARKERS`: ``c`` suppressed, ``x`` not available, ``z`` not applicable, ``k``/``low``
fewer than 0.5, ``u`` low reliability, ``:`` and ``-`` missing, bracketed forms, and the empty
field) become ``value`` NaN with the marker kept in ``marker``: never zero.

Readers
-------
- :func:`read_ees` / :func:`ees_measure`: Explore Education Statistics open-data CSVs
  (``time_period``, ``time_identifier``, ``geographic_level``, country/region/LA codes, measures).
- :func:`read_lait` / :func:`read_lait_dictionary`: the LAIT long extract and its dictionary.
- :func:`read_populations`: ONS mid-year estimates of children aged 0 to 17.
- :func:`read_neighbours` / :func:`neighbours_of`: DfE statistical neighbours, 2021 groupings or
  the 2025 model.
- :func:`la_register` / :func:`resolve_la`: every local authority in the files, and resolution of
  a name or code (old ``381`` or new ``E08000033``), with clear messages for merged, split,
  recoded and lower-tier authorities.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.files import public_data_dir
from pmqa_lib.core.format import round_half_away
from pmqa_lib.core.reference import ENGLAND_CODE

log = logging.getLogger(__name__)

#: DfE and ONS markers read as missing (compared case-insensitively, after stripping spaces).
MISSING_MARKERS: tuple[str, ...] = (
    "c", "x", "z", "k", "low", ":", "[c]", "[x]", "[z]", "[k]", "[low]", "u", "[u]", "-", "",
)  # fmt: skip
_MARKERS = frozenset(MISSING_MARKERS)

#: Columns of the EES layout that describe time and place rather than a measure.
EES_KEY_COLUMNS = (
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name",
)  # fmt: skip

_DERIVED = ("dfe_year", "area_code", "area_name", "source_file")
MODELS = ("2021", "2025")
NEIGHBOUR_FILES = {
    "2021": "New_Statistical_Neighbour_Groupings_April_2021.csv",
    "2025": "sn_model_2025_wide.csv",
}
LAIT_FILE = "bds_long_0_csc_subset.csv"
LAIT_DICTIONARY_FILE = "lait_data_dictionary.csv"
LTLA_UTLA_FILE = "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"
#: EES files whose LA rows make up the register of authorities (first one found wins a name).
REGISTER_FILES = (
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv",
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2023.csv",
    "cla_number_and_rate_per_10k_children.csv",
)

#: Local government reorganisations seen in the files: old LA code -> (successor codes, note).
#: Source: the LA rows of the DfE files themselves (which codes stop and start, and when) and the
#: ONS LTLA-UTLA lookup; the notes say what happened.
REORGANISATIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "835": (("838", "839"), "Dorset county council was replaced in April 2019 by Dorset (838) and, for "
            "Christchurch, by Bournemouth, Christchurch and Poole (839)"),
    "836": (("839",), "Poole merged into Bournemouth, Christchurch and Poole (839) in April 2019"),
    "837": (("839",), "Bournemouth merged into Bournemouth, Christchurch and Poole (839) in April 2019"),
    "928": (("940", "941"), "Northamptonshire was split in April 2021 into North Northamptonshire (940) "
            "and West Northamptonshire (941)"),
    "909": (("942", "943"), "Cumbria was split in April 2023 into Cumberland (942) and Westmorland and "
            "Furness (943)"),
}  # fmt: skip

_PUBLICATIONS = {
    "cla_number_and_rate_per_10k_children.csv": ("Children looked after in England", 2025),
    "la_cla_placement_stability.csv": ("Children looked after in England", 2025),
    "la_conviction_health_outcome_cla.csv": ("Children looked after in England", 2025),
    "national_cla_adopted_average_time_between_adoption_process_stages.csv": (
        "Children looked after in England", 2025,
    ),
}  # fmt: skip


class PublicDataError(FileNotFoundError):
    """The public data folder or one of its files is absent; the message names PUBLIC_DATA_DIR."""


class LAResolutionError(LookupError):
    """A name or code that does not resolve to one current English local authority."""


# ---------------------------------------------------------------------------------------------
# The folder and the cache


def require_public_dir(public_dir: Path | str | None = None) -> Path:
    """The public data folder, or a clear :class:`PublicDataError`.

    Parameters
    ----------
    public_dir : path, optional
        Defaults to :func:`pmqa_lib.core.files.public_data_dir` (``PUBLIC_DATA_DIR``, else
        ``../shared/data/public``).
    """
    folder = Path(public_dir) if public_dir is not None else public_data_dir()
    if folder is None or not Path(folder).is_dir():
        raise PublicDataError(
            "public DfE/ONS data folder not found"
            + (f" ({folder})" if folder is not None else "")
            + ": set PUBLIC_DATA_DIR to the folder holding the downloads listed in docs/public_data.md"
        )
    return Path(folder).resolve()


def public_file(name: str, public_dir: Path | str | None = None) -> Path:
    """Path of one public file, or :class:`PublicDataError` naming the file and PUBLIC_DATA_DIR."""
    path = require_public_dir(public_dir) / name
    if not path.is_file():
        raise PublicDataError(
            f"{name} is not in the public data folder {path.parent} (PUBLIC_DATA_DIR); "
            "see docs/public_data.md for where to download it"
        )
    return path


def _stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path), st.st_size, st.st_mtime_ns


@lru_cache(maxsize=64)
def _read_text_csv(stamp: tuple[str, int, int]) -> pd.DataFrame:
    """Every column as text, nothing converted: "" stays "", "NA" stays "NA", BOMs removed."""
    df = pd.read_csv(stamp[0], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def read_text_csv(name: str, public_dir: Path | str | None = None) -> pd.DataFrame:
    """One public CSV with every column as published text (cached; do not modify the result)."""
    return _read_text_csv(_stamp(public_file(name, public_dir)))


def clear_cache() -> None:
    """Forget every cached file (tests use this after changing PUBLIC_DATA_DIR)."""
    _read_text_csv.cache_clear()
    _ees_cached.cache_clear()
    _lait_cached.cache_clear()
    _register_cached.cache_clear()


# ---------------------------------------------------------------------------------------------
# Published values


def parse_published(text: pd.Series) -> pd.DataFrame:
    """Split published text into ``text``, ``value`` (float) and ``marker``.

    Parameters
    ----------
    text : Series of str
        Published cells, as text.

    Returns
    -------
    DataFrame
        Same index; ``text`` (stripped), ``value`` (NaN for markers and anything not a number),
        ``marker`` ("" for a number; the marker, lower-cased, for a suppression or missing code;
        ``"unparsed"`` for other text, which is logged).
    """
    t = text.astype("str").str.strip()
    low = t.str.lower()
    is_marker = low.isin(_MARKERS)
    value = pd.to_numeric(t.str.replace(",", "", regex=False).where(~is_marker), errors="coerce")
    marker = pd.Series("", index=t.index, dtype="str")
    marker = marker.mask(is_marker, low)
    unparsed = value.isna() & ~is_marker
    if unparsed.any():
        log.warning("%d published cells are neither numbers nor known markers, e.g. %r",
                    int(unparsed.sum()), t[unparsed].iloc[0])  # fmt: skip
        marker = marker.mask(unparsed, "unparsed")
    return pd.DataFrame({"text": t, "value": value.astype("float64"), "marker": marker})


def shortest_text(values: pd.Series) -> pd.Series:
    """Shortest decimal text that reads back as the same float: ``536.79999999999995`` -> ``536.8``."""
    out = [
        "" if not np.isfinite(v) else np.format_float_positional(v, trim="-")
        for v in values.to_numpy(dtype="float64")
    ]
    return pd.Series(out, index=values.index, dtype="str")


# ---------------------------------------------------------------------------------------------
# Explore Education Statistics


def release_of(file: str) -> tuple[str, int | None]:
    """The DfE publication and release year a file comes from.

    ``c1_..._2013_to_2024.csv`` -> ("Characteristics of children in need", 2024): the CIN files
    are named by the years they cover, the last being the release. Files of the children looked
    after release are listed in ``_PUBLICATIONS``.
    """
    name = Path(file).name
    if name in _PUBLICATIONS:
        return _PUBLICATIONS[name]
    m = re.search(r"_(\d{4})_to_(\d{4})\.csv$", name)
    year = int(m.group(2)) if m else None
    if re.match(r"^(headline_figures|[a-d]\d+_)", name):
        return "Characteristics of children in need", year
    if name.startswith("ons_mid-year_population"):
        return "ONS mid-year population estimates (DfE copy)", year
    return "DfE", year


def release_label(file: str) -> str:
    """``DfE Characteristics of children in need 2024 release``."""
    title, year = release_of(file)
    return (
        f"DfE {title}" + (f" {year} release" if year else "") if title != "DfE" else f"DfE {file}"
    )


def _col(df: pd.DataFrame, name: str) -> str | None:
    """The column called ``name``, compared case-insensitively (``Category`` vs ``category``)."""
    lower = {c.lower(): c for c in df.columns}
    return lower.get(name.lower())


@lru_cache(maxsize=64)
def _ees_cached(stamp: tuple[str, int, int]) -> pd.DataFrame:
    raw = _read_text_csv(stamp)
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
    return _ees_cached(_stamp(public_file(name, public_dir)))


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


# ---------------------------------------------------------------------------------------------
# ONS populations


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


def population_file_for(file: str, public_dir: Path | str | None = None) -> str | None:
    """The ONS population file released with ``file``, if it is in the folder.

    The CIN release of year R divides by the population file covering mid-2012 to mid-(R-1)
    (``c1_..._2013_to_2024.csv`` -> ``ons_mid-year_population_estimates_2012_to_2023.csv``).
    """
    _, year = release_of(file)
    if year is None:
        return None
    name = f"ons_mid-year_population_estimates_2012_to_{year - 1}.csv"
    folder = require_public_dir(public_dir)
    return name if (folder / name).is_file() else None


# ---------------------------------------------------------------------------------------------
# LAIT


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
    raw = _read_text_csv(stamp)
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
        _stamp(public_file(LAIT_FILE, public_dir)),
        _stamp(public_file(LAIT_DICTIONARY_FILE, public_dir)),
    )


# ---------------------------------------------------------------------------------------------
# Statistical neighbours


def read_neighbours(model: str = "2021", public_dir: Path | str | None = None) -> pd.DataFrame:
    """DfE statistical neighbours, long: one row per authority and neighbour.

    Parameters
    ----------
    model : {"2021", "2025"}
        ``2021``: the April 2021 groupings LAIT uses; ``2025``: DfE's 2025 model.

    Returns
    -------
    DataFrame
        old_la_code, la_name, sn_rank (1 = closest), neighbour_code (old LA code), closeness
        (DfE's label, e.g. "Very Close"), model.
    """
    model = str(model)
    if model not in NEIGHBOUR_FILES:
        raise ValueError(f"statistical neighbour model must be one of {MODELS}, got {model!r}")
    raw = read_text_csv(NEIGHBOUR_FILES[model], public_dir)
    if model == "2021":
        code, name = raw["LA num"], raw["LA Name"]
        sn_cols = [f"SN{k}" for k in range(1, 11)]
        p_cols = ["SNP"] + [f"SNP.{k}" for k in range(1, 10)]
    else:
        code, name = raw["old_la_code"], raw["la_name"]
        sn_cols = [f"SN_{k}" for k in range(1, 11)]
        p_cols = [f"SN_{k}P" for k in range(1, 11)]
    frames = [
        pd.DataFrame(
            {
                "old_la_code": code.str.strip(),
                "la_name": name.str.strip(),
                "sn_rank": k,
                "neighbour_code": raw[s].str.strip(),
                "closeness": raw[p].str.strip(),
            }
        )
        for k, (s, p) in enumerate(zip(sn_cols, p_cols, strict=True), start=1)
    ]
    out = pd.concat(frames, ignore_index=True)
    out = out[
        out["old_la_code"].str.fullmatch(r"\d+") & out["neighbour_code"].str.fullmatch(r"\d+")
    ]
    out["model"] = model
    return out.sort_values(["old_la_code", "sn_rank"]).reset_index(drop=True)


def neighbours_of(
    la: str | LocalAuthority, model: str = "2021", public_dir: Path | str | None = None
) -> pd.DataFrame:
    """The ten neighbours of one authority, with their current names.

    Raises
    ------
    LAResolutionError
        When the model has no list for the authority (e.g. Cumberland in the 2021 groupings,
        which predate it), naming the model to use instead.
    """
    auth = la if isinstance(la, LocalAuthority) else resolve_la(la, public_dir)
    sn = read_neighbours(model, public_dir)
    mine = sn[sn["old_la_code"] == auth.old_code]
    if mine.empty:
        other = [m for m in MODELS if m != str(model)]
        raise LAResolutionError(
            f"the {model} statistical neighbour list has no entry for {auth.name} ({auth.old_code}); "
            f"it was drawn up before the authority existed or left it out: try model {other[0]}"
        )
    names = la_register(public_dir).set_index("old_la_code")["la_name"]
    out = mine.copy()
    out["neighbour_name"] = out["neighbour_code"].map(names).fillna("")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Local authorities


@dataclass(frozen=True)
class LocalAuthority:
    """One local authority as DfE publishes it."""

    old_code: str
    new_code: str
    name: str
    region_code: str
    region_name: str
    first_year: int
    last_year: int
    former_new_codes: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    note: str = ""
    aliases: tuple[str, ...] = field(default=(), repr=False)

    @property
    def current(self) -> bool:
        return not self.successors

    @property
    def slug(self) -> str:
        """File-name form: ``calderdale``, ``bournemouth-christchurch-and-poole``."""
        return re.sub(r"[^a-z0-9]+", "-", _norm(self.name)).strip("-")


def _norm(name: str) -> str:
    s = str(name).casefold().replace("&", " and ")
    s = re.sub(r"\(pre lg\)", " ", s)
    s = re.sub(r"[.,'’()]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _aliases(name: str) -> set[str]:
    n = _norm(name)
    out = {n}
    m = re.fullmatch(r"(.+) (city|county) of", n)
    if m:  # "Bristol, City of" -> "bristol", "city of bristol"
        out |= {m.group(1), f"{m.group(2)} of {m.group(1)}"}
    if n == "county durham":
        out.add("durham")
    if n == "kingston upon hull city of" or n == "kingston upon hull":
        out |= {"hull", "kingston upon hull"}
    if n == "bedford":
        out.add("bedford borough")
    if n.startswith("london ") or n.endswith(" london"):
        pass
    return out


@lru_cache(maxsize=4)
def _register_cached(folder: str) -> pd.DataFrame:
    frames = []
    for f in REGISTER_FILES:
        if (Path(folder) / f).is_file():
            e = read_ees(f, folder)
            # a row counts only if it publishes a number: defunct authorities keep rows of x/z
            measures = [c for c in e.columns if c not in _DERIVED and c not in EES_KEY_COLUMNS]
            has_data = np.column_stack(
                [e[c].str.strip().str.fullmatch(r"-?[\d,]*\.?\d+").to_numpy(bool) for c in measures]
            ).any(axis=1)
            e = e[has_data]
            frames.append(e.loc[e["geographic_level"] == "Local authority",
                                ["area_code", "area_name", "new_la_code", "region_code",
                                 "region_name", "dfe_year"]])  # fmt: skip
    if not frames:
        raise PublicDataError(
            f"none of {REGISTER_FILES} is in {folder} (PUBLIC_DATA_DIR): cannot list local authorities"
        )
    la = pd.concat(frames, ignore_index=True)
    la = la[la["area_code"].str.fullmatch(r"\d+")]
    la = la.sort_values("dfe_year")
    g = la.groupby("area_code", sort=True)
    reg = g.agg(
        la_name=("area_name", "last"),
        new_la_code=("new_la_code", "last"),
        region_code=("region_code", "last"),
        region_name=("region_name", "last"),
        first_year=("dfe_year", "min"),
        last_year=("dfe_year", "max"),
        new_codes=("new_la_code", lambda s: tuple(dict.fromkeys(s))),
        names=("area_name", lambda s: tuple(dict.fromkeys(s))),
    ).reset_index(names="old_la_code")
    reg["successors"] = reg["old_la_code"].map(lambda c: REORGANISATIONS.get(c, ((), ""))[0])
    reg["note"] = reg["old_la_code"].map(lambda c: REORGANISATIONS.get(c, ((), ""))[1])
    return reg


def la_register(public_dir: Path | str | None = None) -> pd.DataFrame:
    """Every local authority in the DfE files: old code, latest name and new code, region, years.

    Columns: old_la_code, la_name, new_la_code (latest), region_code, region_name, first_year,
    last_year, new_codes (every new code seen, oldest first), names, successors (old codes of the
    authorities that replaced it; empty while it exists), note.
    """
    return _register_cached(str(require_public_dir(public_dir)))


def _authority(row: pd.Series) -> LocalAuthority:
    return LocalAuthority(
        old_code=row["old_la_code"],
        new_code=row["new_la_code"],
        name=row["la_name"],
        region_code=row["region_code"],
        region_name=row["region_name"],
        first_year=int(row["first_year"]),
        last_year=int(row["last_year"]),
        former_new_codes=tuple(c for c in row["new_codes"] if c != row["new_la_code"]),
        successors=tuple(row["successors"]),
        note=row["note"],
        aliases=tuple(sorted(set().union(*(_aliases(n) for n in row["names"])))),
    )


def resolve_la(
    query: str | int, public_dir: Path | str | None = None, allow_historic: bool = False
) -> LocalAuthority:
    """Resolve a name or code to one English local authority (children's services authority).

    Accepts the name in any case and spacing (``"calderdale "``), common variants ("Bristol",
    "St Helens", "Bournemouth Christchurch & Poole", "Durham", "Hull"), the old three-digit DfE code
    (``381`` or ``"381"``) and the new ONS code, current or former (``E08000033``; North Yorkshire's
    ``E10000023`` resolves to the same authority as ``E06000065``, with a note in the log).

    Parameters
    ----------
    allow_historic : bool
        Return an authority that no longer exists (Poole, Northamptonshire, Cumbria, ...) instead
        of raising; its series ends the year before the reorganisation.

    Raises
    ------
    LAResolutionError
        Unknown names and codes (with close matches), lower-tier districts (naming the county
        that runs children's services), Welsh codes, and authorities that were merged or split
        (naming the successors), each with a message saying what to ask for instead.
    """
    reg = la_register(public_dir)
    q = str(query).strip()
    if not q:
        raise LAResolutionError(
            "no local authority given: use a name (Calderdale) or code (381, E08000033)"
        )
    hits: pd.DataFrame
    if re.fullmatch(r"\d{1,3}(\.0)?", q):
        code = str(int(float(q)))
        hits = reg[reg["old_la_code"] == code]
        what = f"old LA code {code}"
    elif re.fullmatch(r"[EWSN]\d{8}", q.upper()):
        code = q.upper()
        if code[0] != "E":
            raise LAResolutionError(
                f"{code} is not an English authority: DfE's statistics cover England only"
            )
        hits = reg[reg["new_codes"].map(lambda cs: code in cs)]
        what = f"new LA code {code}"
        if not hits.empty and hits.iloc[0]["new_la_code"] != code:
            log.info(
                "%s is a former code of %s (now %s)",
                code,
                hits.iloc[0]["la_name"],
                hits.iloc[0]["new_la_code"],
            )
    else:
        n = _norm(q)
        hits = reg[reg["names"].map(lambda ns: any(n in _aliases(x) for x in ns))]
        what = f"name {q!r}"
    if hits.empty:
        raise LAResolutionError(_not_found_message(q, what, reg, public_dir))
    if len(hits) > 1:  # e.g. "Dorset": the county (835, to 2019) and the unitary (838, from 2020)
        current = hits[hits["successors"].map(len) == 0]
        if len(current) == 1 and not allow_historic:
            old = hits[hits["successors"].map(len) > 0].iloc[0]
            log.info("%s also matches %s (%s, to %d); using the current authority %s (%s)",
                     q, old["la_name"], old["old_la_code"], old["last_year"],
                     current.iloc[0]["la_name"], current.iloc[0]["old_la_code"])  # fmt: skip
            hits = current
        else:
            hits = hits.sort_values("last_year").tail(1)
    auth = _authority(hits.iloc[0])
    if auth.successors and not allow_historic:
        names = reg.set_index("old_la_code")["la_name"]
        succ = ", ".join(f"{names.get(c, c)} ({c})" for c in auth.successors)
        raise LAResolutionError(
            f"{auth.name} ({auth.old_code}, {auth.new_code}) no longer exists: DfE publishes it for "
            f"{auth.first_year} to {auth.last_year} only. {auth.note}. Ask for {succ} instead "
            f"(or pass allow_historic=True for its series to {auth.last_year})."
        )
    return auth


def _not_found_message(q: str, what: str, reg: pd.DataFrame, public_dir) -> str:
    msg = f"no English local authority with {what} in the DfE files"
    try:
        lk = read_text_csv(LTLA_UTLA_FILE, public_dir)
    except PublicDataError:
        lk = None
    if lk is not None:
        n = _norm(q)
        hit = lk[(lk["LTLA23CD"].str.upper() == q.upper()) | (lk["LTLA23NM"].map(_norm) == n)]
        if not hit.empty:
            h = hit.iloc[0]
            if h["LTLA23CD"].startswith("W"):
                return f"{h['LTLA23NM']} ({h['LTLA23CD']}) is in Wales: DfE's statistics cover England only"
            if h["LTLA23CD"] != h["UTLA23CD"]:
                return (
                    f"{h['LTLA23NM']} ({h['LTLA23CD']}) is a lower-tier district council; children's "
                    f"services there are run by {h['UTLA23NM']} ({h['UTLA23CD']}): ask for that authority"
                )
    import difflib

    names = sorted(reg["la_name"])
    close = difflib.get_close_matches(q, names, n=3, cutoff=0.6)
    if not close:
        low = _norm(q)
        close = [x for x in names if low and low in _norm(x)][:3]
    return msg + (
        f"; did you mean {', '.join(close)}?"
        if close
        else "; use a name (Calderdale) or code (381, E08000033)"
    )


# ---------------------------------------------------------------------------------------------
# Counts behind published rates and percentages (for confidence intervals)

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


# ---------------------------------------------------------------------------------------------
# One published series, whichever file it is in

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


def same_region(a: pd.Series, b: str) -> pd.Series:
    """Region names compared loosely: "Yorkshire and the Humber" = "Yorkshire and The Humber",
    "London (Inner)" = "Inner London"."""
    key = " ".join(sorted(_norm(b).split()))
    return a.map(lambda x: " ".join(sorted(_norm(x).split())) == key)

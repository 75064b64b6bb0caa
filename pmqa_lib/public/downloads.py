"""The public data folder (``PUBLIC_DATA_DIR``): finding it and its files, reading each file once
per process, DfE's suppression markers, and which release a file belongs to.

Everything under :mod:`pmqa_lib.public` reads from this folder (see
:func:`pmqa_lib.core.files.public_data_dir` and ``docs/public_data.md``); nothing is written. Each
file is read once per process and cached (keyed on its path, size and modification time).

Published values are kept exactly: every measure column is read as text, the published text is
kept in ``text`` and the number beside it in ``value``. DfE's suppression and missing markers
(:data:`MISSING_MARKERS`: ``c`` suppressed, ``x`` not available, ``z`` not applicable, ``k``/``low``
fewer than 0.5, ``u`` low reliability, ``:`` and ``-`` missing, bracketed forms, and the empty
field) become ``value`` NaN with the marker kept in ``marker``: never zero.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.files import public_data_dir

log = logging.getLogger(__name__)


#: DfE and ONS markers read as missing (compared case-insensitively, after stripping spaces).
MISSING_MARKERS: tuple[str, ...] = (
    "c", "x", "z", "k", "low", ":", "[c]", "[x]", "[z]", "[k]", "[low]", "u", "[u]", "-", "",
)  # fmt: skip


_MARKERS = frozenset(MISSING_MARKERS)


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


def file_stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path), st.st_size, st.st_mtime_ns


@lru_cache(maxsize=64)
def read_text_cached(stamp: tuple[str, int, int]) -> pd.DataFrame:
    """Every column as text, nothing converted: "" stays "", "NA" stays "NA", BOMs removed."""
    df = pd.read_csv(stamp[0], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def read_text_csv(name: str, public_dir: Path | str | None = None) -> pd.DataFrame:
    """One public CSV with every column as published text (cached; do not modify the result)."""
    return read_text_cached(file_stamp(public_file(name, public_dir)))


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

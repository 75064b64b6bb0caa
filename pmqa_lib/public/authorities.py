"""English local authorities and their statistical neighbours: every authority in the public files,
resolution of a name or code (old ``381`` or new ``E08000033``) with clear messages for merged,
split, recoded and lower-tier authorities, and DfE's neighbour lists (2021 groupings, 2025 model).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.public.downloads import PublicDataError, read_text_csv, require_public_dir
from pmqa_lib.public.ees import DERIVED_COLUMNS, EES_KEY_COLUMNS, read_ees

log = logging.getLogger(__name__)


MODELS = ("2021", "2025")


NEIGHBOUR_FILES = {
    "2021": "New_Statistical_Neighbour_Groupings_April_2021.csv",
    "2025": "sn_model_2025_wide.csv",
}


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


class LAResolutionError(LookupError):
    """A name or code that does not resolve to one current English local authority."""


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
            measures = [
                c for c in e.columns if c not in DERIVED_COLUMNS and c not in EES_KEY_COLUMNS
            ]
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


def same_region(a: pd.Series, b: str) -> pd.Series:
    """Region names compared loosely: "Yorkshire and the Humber" = "Yorkshire and The Humber",
    "London (Inner)" = "Inner London"."""
    key = " ".join(sorted(_norm(b).split()))
    return a.map(lambda x: " ".join(sorted(_norm(x).split())) == key)

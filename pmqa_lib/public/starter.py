"""A new board's starter indicators: every indicator pmqa can source from DfE, and the framework's
local indicators as templates.

- :func:`dfe_indicators` reads the library ``dfe_indicators.yaml`` (package data beside this
  module): complete catalogue entries, annual, with DfE's provenance (``comparator.dfe``), less
  the board's own agency and lead officer, which :func:`board_entry` fills in from the board file.
- :func:`local_templates` takes the example board's other indicators (the framework's own and the
  example's local ones, those without a DfE source) as templates for the partnership to adopt or
  drop: the example's agency codes become the new board's by role (:data:`EXAMPLE_ROLES`), the
  example's lead officers and year-by-year targets are left out.

Both return plain mappings in the catalogue's field order, ready to write as YAML.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import yaml

from pmqa_lib.core.catalogue import parse_catalogue
from pmqa_lib.core.files import PROJECT_ROOT
from pmqa_lib.public.lait import LAIT_FILE

#: the library of DfE-sourced indicators (package data)
LIBRARY_FILE = Path(__file__).with_name("dfe_indicators.yaml")
#: the example board's catalogue, where the framework's local indicators are defined once
EXAMPLE_CATALOGUE = PROJECT_ROOT / "data" / "raw" / "reference" / "catalogue.yaml"
#: the roles a board's agencies play, in the order the board file lists them
ROLES = ("council", "police", "health", "education", "partnership")
#: which role each of the example board's agencies plays
EXAMPLE_ROLES = {
    "CMBC": "council", "WYP": "police", "HEALTH": "health", "EDU": "education",
    "CSCB": "partnership",
}  # fmt: skip
#: the catalogue's field order, as the example board writes it
FIELD_ORDER = (
    "ref", "name", "description", "report", "theme", "focus_area", "objective", "agency",
    "lead_officer", "polarity", "what_good_looks_like", "target", "targets_by_year",
    "target_type", "frequency", "reporting_period", "result_type", "unit", "precision",
    "comparator", "rag_thresholds", "further_assurance", "trigger_points", "algorithm", "linked",
    "how_safer", "why_monitored", "plausible_range",
)  # fmt: skip
#: fields of the library that are not catalogue fields
_LIBRARY_ONLY = ("role",)


@lru_cache(maxsize=1)
def _library() -> dict:
    with open(LIBRARY_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def dfe_indicators() -> list[dict]:
    """The library's entries with its defaults applied (``role`` says which agency leads), in
    the library's order. Each entry is a fresh copy."""
    lib = _library()
    return [{**copy.deepcopy(lib["defaults"]), **copy.deepcopy(e)} for e in lib["indicators"]]


def needs_lait(entry: dict) -> bool:
    """Whether the entry's DfE figures come from the LAIT extract (made, not downloaded)."""
    return entry["comparator"]["dfe"]["file"] == LAIT_FILE


def public_files(entries: list[dict]) -> list[str]:
    """The public files the entries' DfE sources name, in order, each once."""
    return list(dict.fromkeys(e["comparator"]["dfe"]["file"] for e in entries))


def ordered(entry: dict) -> dict:
    """``entry`` with the catalogue's field order (unknown fields last) and no library-only
    fields."""
    known = [k for k in FIELD_ORDER if k in entry]
    rest = [k for k in entry if k not in FIELD_ORDER and k not in _LIBRARY_ONLY]
    return {k: entry[k] for k in known + rest}


def board_entry(entry: dict, agency: str, lead_officer: dict) -> dict:
    """A library or template entry for a board: its agency code and lead officer filled in."""
    out = dict(entry)
    out["agency"] = agency
    out["lead_officer"] = dict(lead_officer)
    return ordered(out)


def local_templates(example: Path | str = EXAMPLE_CATALOGUE) -> list[dict]:
    """The example board's indicators without a DfE source, as templates for a new board.

    Each keeps its definition, polarity, algorithm, thresholds, trigger points and narrative (the
    framework's texts where it has them), with ``role`` (from :data:`EXAMPLE_ROLES`) in place of
    the example's agency; the example's lead officer, its year-by-year targets and links to
    indicators a new board may not have are dropped. ``target`` stays as the example set it,
    for the partnership to replace.
    """
    with open(example, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    parse_catalogue(raw)  # the example is checked as a catalogue before anything is taken from it
    out = []
    for e in raw["indicators"]:
        if (e.get("comparator") or {}).get("dfe"):
            continue
        t = copy.deepcopy(e)
        t["role"] = EXAMPLE_ROLES.get(str(t.pop("agency")), "partnership")
        t.pop("lead_officer", None)
        t.pop("targets_by_year", None)
        out.append(t)
    refs = {t["ref"] for t in out}
    for t in out:  # a link to a DfE indicator stays only if the board has it (checked on write)
        t["linked"] = [r for r in t.get("linked") or [] if r in refs]
        if not t["linked"]:
            t.pop("linked")
        fe = (t.get("trigger_points") or {}) if isinstance(t.get("trigger_points"), dict) else {}
        falls = (fe.get("further_enquiry") or {}).get("falls_with")
        if falls and falls not in refs:
            fe["further_enquiry"].pop("falls_with")
    return out

"""The indicator catalogue: the framework's "compendium of data" (section 4.1.3).

One YAML file, ``data/raw/reference/catalogue.yaml``, holds the board, its agencies and one entry per
indicator with every field of section 4.1.3. :func:`load_catalogue` reads it into typed objects and
checks it: an unknown or missing field, a bad polarity or unit, thresholds that contradict the
polarity, a linked indicator that does not exist, each raise :class:`CatalogueError` naming the
indicator and the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pmqa_lib.core.format import RAGS
from pmqa_lib.core.units import default_range

POLARITIES = ("high", "low")
UNITS = ("number", "percent", "rate_per_10k", "ratio", "days")
RESULT_TYPES = ("cumulative", "average", "snapshot")
TARGET_TYPES = ("E", "SN", "R", "L")
#: the published comparators: the row name in DfE's figures -> the column that carries it
COMPARATOR_COLUMNS = {"England": "england", "SN": "sn", "Region": "region"}
#: each comparator column as the report names it, in the order the report shows them
COMPARATOR_LABELS = {"england": "England", "sn": "Statistical neighbours", "region": "Region"}
#: the comparator a target type measures against (L, a local target, has none)
TARGET_TYPE_COMPARATOR = {"E": "england", "SN": "sn", "R": "region"}
FREQUENCIES = ("quarterly", "annual")
REPORTING_PERIODS = ("financial", "school", "calendar")
REPORTS = ("indicator", "scorecard")
# The quarter whose return carries an annual indicator's figure: Q4 for financial and calendar
# years (the year has ended), Q1 for school years (after the summer deadline).
ANNUAL_DUE_QUARTER = {"financial": 4, "calendar": 4, "school": 1}
#: the cells of the assurance continuum (section 4.1.2): target met or missed, by trajectory
CONTINUUM_CELLS = (
    "met_improving", "met_steady", "met_deteriorating",
    "missed_improving", "missed_steady", "missed_deteriorating",
)  # fmt: skip
#: what a rating sets in motion (section 4.1.2 and 1.1's trigger points), least to most
TRIGGER_NONE, TRIGGER_WATCH, TRIGGER_ENQUIRY, TRIGGER_AUDIT = (
    "none", "watch next quarter", "further enquiry", "audit",
)  # fmt: skip
TRIGGERS = (TRIGGER_NONE, TRIGGER_WATCH, TRIGGER_ENQUIRY, TRIGGER_AUDIT)
#: the further-enquiry conditions an indicator's own trigger points can state
ENQUIRY_RULES = (
    "rise_on_same_quarter_last_year_percent", "ytd_above_last_year", "rises_in_a_row",
    "falls_with",
)  # fmt: skip
#: the agency code of DfE's own published figures: a return from it may carry any indicator whose
#: comparator names a DfE source (``comparator.dfe``), as DfE published it (a new board's history,
#: ``make board``); its rows are the published record, not a partner's return
PUBLISHED_AGENCY = "DFE"
#: a name or text ``make board`` filled in for the partnership to replace (board.yaml); the
#: report shows it as written, so a placeholder is never mistaken for a real name
PLACEHOLDER = "[placeholder]"
#: reconciliation with DfE (docs/analytics.md): a difference from DfE's published figure larger than
#: this percentage of it is shown, unless the indicator's ``comparator.dfe.tolerance_percent`` says
DEFAULT_RECONCILIATION_TOLERANCE = 1.0
#: the statistical neighbour lists a board can name (DfE's 2021 groupings, its 2025 model)
NEIGHBOUR_MODELS = ("2021", "2025")
UNIT_LABELS = {
    "number": "number",
    "percent": "%",
    "rate_per_10k": "rate per 10,000 aged 0-17",
    "ratio": "ratio",
    "days": "days",
}


def counts_a_stock(result_type, rolling_quarters):
    """Whether an indicator's count is a stock: children on one day, the quarter's last day.

    A ``snapshot`` (section 4.1.3: "a snapshot at a point in time") that does not roll is a
    count on the last day of the quarter (3.3 children looked after, 4.1 children on a plan,
    4.5 children in need "at the end of the period"). A rolling snapshot (2.1, 2.4) counts events
    over its window; its year to date is the latest window, which is why it is a snapshot.
    Cumulative and average indicators count events or cases over their quarters. Works on
    scalars and on whole columns (numpy arrays) alike.
    """
    import numpy as np

    out = (np.asarray(result_type, dtype=object) == "snapshot") & (
        np.asarray(rolling_quarters, dtype="float64") == 1
    )
    return bool(out) if out.ndim == 0 else out


class CatalogueError(ValueError):
    """The catalogue is not valid; the message names the indicator and the field."""

    def __init__(self, message: str, indicator: str | None = None, field: str | None = None):
        where = []
        if indicator is not None:
            where.append(f"indicator {indicator}")
        if field is not None:
            where.append(f"field '{field}'")
        prefix = f"catalogue: {', '.join(where)}: " if where else "catalogue: "
        super().__init__(prefix + message)
        self.indicator = indicator
        self.field = field


@dataclass(frozen=True)
class Person:
    name: str
    email: str = ""
    phone: str = ""
    preferred_contact: str = ""


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    short_name: str = ""
    contact: Person | None = None


@dataclass(frozen=True)
class Thresholds:
    """RAG bands on the value. ``green`` and ``red`` are the boundaries.

    For high-is-good: value >= green is Green, value < red is Red, otherwise Amber
    (so ``green`` must be >= ``red``). For low-is-good: value <= green is Green,
    value > red is Red, otherwise Amber (so ``green`` must be <= ``red``).
    """

    green: float
    red: float
    text: str = ""


@dataclass(frozen=True)
class ContinuumCell:
    """What one cell of the continuum gives: the RAG and the trigger (section 4.1.2)."""

    rag: str
    trigger: str


@dataclass(frozen=True)
class FurtherEnquiry:
    """Conditions on the indicator's own series that trigger further enquiry (its trigger
    points), whatever its RAG; each is off unless set.

    Attributes
    ----------
    rise_on_same_quarter_last_year_percent : float or None
        The value is more than this many per cent above the same quarter a year earlier
        (CSCB04: "An increase of more than 10% on the same quarter last year").
    ytd_above_last_year : bool
        The year to date is above last year's year to date at the same quarter (CSCB05a).
    rises_in_a_row : int or None
        The value has risen this many quarters running (CSCB03: "a rise for two quarters
        running").
    falls_with : str
        The value fell this quarter while this linked indicator's value fell too (CSCB03: "a
        fall while CSE referrals also fall"); "" when not set.
    """

    rise_on_same_quarter_last_year_percent: float | None = None
    ytd_above_last_year: bool = False
    rises_in_a_row: int | None = None
    falls_with: str = ""

    @property
    def any(self) -> bool:
        return (
            self.rise_on_same_quarter_last_year_percent is not None
            or self.ytd_above_last_year
            or self.rises_in_a_row is not None
            or bool(self.falls_with)
        )


@dataclass(frozen=True)
class TriggerPoints:
    """An indicator's trigger points (section 4.1.3, "Trigger points for exception / further
    enquiry for this Indicator?").

    ``text`` is the compendium's wording, shown in the report. ``continuum`` holds the cells
    this indicator sets differently from the framework's default continuum
    (:data:`pmqa_lib.analytics.assurance.DEFAULT_CONTINUUM`), by cell name
    (:data:`CONTINUUM_CELLS`); empty when the indicator follows the default. ``further_enquiry``
    holds conditions on its series that trigger further enquiry.
    """

    text: str
    continuum: dict[str, ContinuumCell] = field(default_factory=dict)
    further_enquiry: FurtherEnquiry = field(default_factory=FurtherEnquiry)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Algorithm:
    formula: str
    numerator: str
    denominator: str = ""
    multiplier: float = 1.0
    rolling_quarters: int = 1
    notes: str = ""


@dataclass(frozen=True)
class DfeSource:
    """Where the England / statistical-neighbour / regional comparator is published (issue 7).

    ``tolerance_percent``: how far (as a percentage of DfE's figure) the board's own annual figure
    may differ from DfE's published one before the reconciliation shows the difference
    (:data:`DEFAULT_RECONCILIATION_TOLERANCE` when not given).
    """

    file: str
    measure: str
    filters: dict[str, str] = field(default_factory=dict)
    lait_code: str = ""
    tolerance_percent: float = DEFAULT_RECONCILIATION_TOLERANCE


@dataclass(frozen=True)
class Comparator:
    type: str  # E, SN, R or L
    source: str  # e.g. "DfE LAIT", "Local"
    dfe: DfeSource | None = None


@dataclass(frozen=True)
class Indicator:
    """One indicator of the compendium (section 4.1.3)."""

    ref: str
    name: str
    report: str
    theme: str
    focus_area: str
    objective: str
    agency: str
    lead_officer: Person
    polarity: str
    what_good_looks_like: str
    target: float | None
    target_type: str
    targets_by_year: dict[str, float]
    frequency: str
    reporting_period: str
    result_type: str
    unit: str
    precision: int
    comparator: Comparator
    thresholds: Thresholds | None
    further_assurance: str
    trigger_points: TriggerPoints
    algorithm: Algorithm
    linked: tuple[str, ...]
    how_safer: str
    why_monitored: str
    plausible_min: float
    plausible_max: float
    description: str = ""

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS[self.unit]

    @property
    def is_stock(self) -> bool:
        """A count of children on the quarter's last day (:func:`counts_a_stock`)."""
        return counts_a_stock(self.result_type, self.algorithm.rolling_quarters)

    @property
    def high_is_good(self) -> bool:
        return self.polarity == "high"

    @property
    def annual_due_quarter(self) -> int | None:
        """For an annual indicator, the quarter (1-4) whose return carries its figure."""
        if self.frequency != "annual":
            return None
        return ANNUAL_DUE_QUARTER[self.reporting_period]

    def target_for_year(self, fy_label: str) -> float | None:
        """The target for a financial year label such as ``2015/16`` (falls back to ``target``)."""
        return self.targets_by_year.get(fy_label, self.target)


@dataclass(frozen=True)
class Neighbour:
    """One of the board's statistical neighbours (DfE's old LA code and name)."""

    code: str
    name: str


@dataclass(frozen=True)
class Catalogue:
    """The board (its authority, region and statistical neighbours), its agencies and
    indicators. ``region_*``, ``neighbour_model`` and ``neighbours`` are optional in the file
    (``make board`` writes them); empty when not given."""

    board_name: str
    board_short_name: str
    la_name: str
    la_code: str
    la_old_code: str
    agencies: dict[str, Agency]
    indicators: dict[str, Indicator]
    source: Path | None = None
    region_code: str = ""
    region_name: str = ""
    neighbour_model: str = ""
    neighbours: tuple[Neighbour, ...] = ()

    def placeholders(self) -> list[tuple[str, str]]:
        """Every name still marked :data:`PLACEHOLDER`: (where, text), e.g. ("board name",
        "[placeholder] Kirklees Safeguarding Children Partnership"), in catalogue order; the
        same lead officer is listed once."""
        found: list[tuple[str, str]] = []

        def check(where: str, text: str) -> None:
            if PLACEHOLDER in str(text) and (where, text) not in found:
                found.append((where, text))

        check("board name", self.board_name)
        check("board short name", self.board_short_name)
        for a in self.agencies.values():
            check(f"agency {a.code}", a.name)
            if a.contact is not None:
                check(f"agency {a.code} contact", a.contact.name)
        for i in self.indicators.values():
            check("lead officer", i.lead_officer.name)
        return found

    def __getitem__(self, ref: str) -> Indicator:
        try:
            return self.indicators[str(ref)]
        except KeyError:
            raise KeyError(f"indicator {ref!r} is not in the catalogue") from None

    def __iter__(self):
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def report_order(self) -> list[str]:
        """References in catalogue order, each theme's indicators kept together (themes in order
        of first appearance), so a report prints each theme heading once."""
        themes = list(dict.fromkeys(i.theme for i in self.indicators.values()))
        return [i.ref for t in themes for i in self.indicators.values() if i.theme == t]

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator with the scalar fields, for vectorised joins."""
        rows = []
        for i in self.indicators.values():
            rows.append(
                {
                    "indicator": i.ref,
                    "name": i.name,
                    "report": i.report,
                    "theme": i.theme,
                    "focus_area": i.focus_area,
                    "objective": i.objective,
                    "agency": i.agency,
                    "agency_name": self.agencies[i.agency].name,
                    "lead_officer": i.lead_officer.name,
                    "lead_email": i.lead_officer.email,
                    "polarity": i.polarity,
                    "what_good_looks_like": i.what_good_looks_like,
                    "target": i.target,
                    "target_type": i.target_type,
                    "frequency": i.frequency,
                    "reporting_period": i.reporting_period,
                    "result_type": i.result_type,
                    "unit": i.unit,
                    "precision": i.precision,
                    "multiplier": i.algorithm.multiplier,
                    "rolling_quarters": i.algorithm.rolling_quarters,
                    "green": i.thresholds.green if i.thresholds else None,
                    "red": i.thresholds.red if i.thresholds else None,
                    "comparator_type": i.comparator.type,
                    "comparator_source": i.comparator.source,
                    "dfe_file": i.comparator.dfe.file if i.comparator.dfe else "",
                    "reconcile_tolerance": (
                        i.comparator.dfe.tolerance_percent if i.comparator.dfe else float("nan")
                    ),
                    "plausible_min": i.plausible_min,
                    "plausible_max": i.plausible_max,
                }
            )
        return pd.DataFrame(rows)

    def trigger_points_frame(self) -> pd.DataFrame:
        """One row per indicator with its own trigger points, for vectorised joins.

        Columns: indicator; ``<cell>_rag`` and ``<cell>_trigger`` for each continuum cell (""
        where the indicator follows the default continuum); and the further-enquiry conditions
        ``enquiry_rise_percent`` (NaN when not set), ``enquiry_ytd_above_last_year``,
        ``enquiry_rises_in_a_row`` (0 when not set) and ``enquiry_falls_with`` ("").
        """
        rows = []
        for i in self.indicators.values():
            tp, fe = i.trigger_points, i.trigger_points.further_enquiry
            row: dict[str, object] = {"indicator": i.ref}
            for cell in CONTINUUM_CELLS:
                own = tp.continuum.get(cell)
                row[f"{cell}_rag"] = own.rag if own else ""
                row[f"{cell}_trigger"] = own.trigger if own else ""
            pct = fe.rise_on_same_quarter_last_year_percent
            row["enquiry_rise_percent"] = float("nan") if pct is None else pct
            row["enquiry_ytd_above_last_year"] = fe.ytd_above_last_year
            row["enquiry_rises_in_a_row"] = fe.rises_in_a_row or 0
            row["enquiry_falls_with"] = fe.falls_with
            rows.append(row)
        return pd.DataFrame(rows)

    def targets_frame(self) -> pd.DataFrame:
        """Long table: indicator, financial year label, target (year-specific or default)."""
        rows = []
        for i in self.indicators.values():
            for fy, t in i.targets_by_year.items():
                rows.append({"indicator": i.ref, "fy_label": fy, "target": float(t)})
        return pd.DataFrame(rows, columns=["indicator", "fy_label", "target"])


# ---------------------------------------------------------------------------------------
# Loading and checking

_INDICATOR_REQUIRED = {
    "ref", "name", "report", "theme", "focus_area", "agency", "lead_officer", "polarity",
    "what_good_looks_like", "target_type", "frequency", "reporting_period", "result_type",
    "unit", "precision", "comparator", "further_assurance", "trigger_points", "algorithm",
    "how_safer", "why_monitored",
}  # fmt: skip
_INDICATOR_OPTIONAL = {
    "objective",
    "target",
    "targets_by_year",
    "rag_thresholds",
    "linked",
    "description",
    "plausible_range",
}
_INDICATOR_FIELDS = _INDICATOR_REQUIRED | _INDICATOR_OPTIONAL
_TOP_FIELDS = {"board", "agencies", "indicators"}
_BOARD_REQUIRED = {"name", "short_name", "la_name", "la_code", "la_old_code"}
_BOARD_FIELDS = _BOARD_REQUIRED | {"region_code", "region_name", "neighbour_model", "neighbours"}


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and check the catalogue YAML.

    Parameters
    ----------
    path : path, optional
        Defaults to ``catalogue.yaml`` under the reference folder of :class:`pmqa_lib.core.files.Paths`.

    Raises
    ------
    CatalogueError
        On any structural or semantic fault, naming the indicator and field.
    """
    if path is None:
        from pmqa_lib.core.files import Paths

        path = Paths.from_env().catalogue_file
    path = Path(path)
    if not path.exists():
        raise CatalogueError(f"file not found: {path}")
    try:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path} is not valid YAML: {exc}") from None
    return parse_catalogue(raw, source=path)


def parse_catalogue(raw: Any, source: Path | None = None) -> Catalogue:
    """Build a :class:`Catalogue` from the parsed YAML mapping, checking every field."""
    if not isinstance(raw, dict):
        raise CatalogueError("the file must be a mapping with board, agencies and indicators")
    _check_keys(raw, _TOP_FIELDS, _TOP_FIELDS, None, "")
    board = raw["board"]
    if not isinstance(board, dict):
        raise CatalogueError("must be a mapping", field="board")
    _check_keys(board, _BOARD_REQUIRED, _BOARD_FIELDS, None, "board.")
    neighbours = _neighbours(board)

    agencies: dict[str, Agency] = {}
    for a in raw["agencies"] or []:
        if not isinstance(a, dict) or "code" not in a or "name" not in a:
            raise CatalogueError("each agency needs a code and a name", field="agencies")
        code = str(a["code"])
        if code in agencies:
            raise CatalogueError(f"agency code {code!r} appears twice", field="agencies")
        contact = _person(a["contact"], None, "agencies.contact") if a.get("contact") else None
        agencies[code] = Agency(code, str(a["name"]), str(a.get("short_name", "")), contact)

    indicators: dict[str, Indicator] = {}
    for entry in raw["indicators"] or []:
        ind = _indicator(entry, agencies)
        if ind.ref in indicators:
            raise CatalogueError("reference appears twice", indicator=ind.ref, field="ref")
        same = [r for r in indicators if r.strip().lower() == ind.ref.strip().lower()]
        if same:  # returns match references without regard to case or surrounding spaces
            raise CatalogueError(
                f"reference differs from {same[0]!r} only in letter case or spaces, so a "
                "return could not say which is meant",
                indicator=ind.ref,
                field="ref",
            )
        indicators[ind.ref] = ind
    if not indicators:
        raise CatalogueError("no indicators", field="indicators")

    for ind in indicators.values():
        for other in ind.linked:
            if other not in indicators:
                raise CatalogueError(
                    f"linked indicator {other!r} does not exist", indicator=ind.ref, field="linked"
                )
        other = ind.trigger_points.further_enquiry.falls_with
        if other and (other not in indicators or other == ind.ref):
            raise CatalogueError(
                f"{other!r} is not another indicator of the catalogue",
                indicator=ind.ref,
                field="trigger_points.further_enquiry.falls_with",
            )
    return Catalogue(
        board_name=str(board["name"]),
        board_short_name=str(board["short_name"]),
        la_name=str(board["la_name"]),
        la_code=str(board["la_code"]),
        la_old_code=str(board["la_old_code"]),
        agencies=agencies,
        indicators=indicators,
        source=source,
        region_code=str(board.get("region_code", "") or ""),
        region_name=str(board.get("region_name", "") or ""),
        neighbour_model=str(board.get("neighbour_model", "") or ""),
        neighbours=neighbours,
    )


def _neighbours(board: dict) -> tuple[Neighbour, ...]:
    """The board section's statistical neighbours: a list of ``{code, name}`` (DfE's old LA
    codes), with the list they come from in ``neighbour_model`` (2021 or 2025)."""
    model = board.get("neighbour_model")
    if model is not None and str(model) not in NEIGHBOUR_MODELS:
        raise CatalogueError(
            f"{model!r} is not one of {', '.join(NEIGHBOUR_MODELS)}", field="board.neighbour_model"
        )
    raw = board.get("neighbours") or []
    if not isinstance(raw, list):
        raise CatalogueError("must be a list of {code, name}", field="board.neighbours")
    out = []
    for n in raw:
        if not isinstance(n, dict) or "code" not in n:
            raise CatalogueError(
                "each neighbour needs a code (and a name)", field="board.neighbours"
            )
        _check_keys(n, {"code"}, {"code", "name"}, None, "board.neighbours.")
        out.append(Neighbour(str(n["code"]), str(n.get("name", ""))))
    return tuple(out)


def _check_keys(d: dict, required: set, allowed: set, ref: str | None, prefix: str) -> None:
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise CatalogueError(
            f"unknown field (allowed: {', '.join(sorted(allowed))})", ref, prefix + unknown[0]
        )
    missing = sorted(required - set(d))
    if missing:
        raise CatalogueError("missing field", ref, prefix + missing[0])


def _choice(value: Any, allowed: tuple, ref: str, name: str) -> str:
    v = str(value).strip()
    if v not in allowed:
        raise CatalogueError(f"{value!r} is not one of {', '.join(allowed)}", ref, name)
    return v


def _number(value: Any, ref: str, name: str) -> float:
    if isinstance(value, bool):
        raise CatalogueError(f"{value!r} is not a number", ref, name)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CatalogueError(f"{value!r} is not a number", ref, name) from None


def _person(value: Any, ref: str | None, name: str) -> Person:
    if isinstance(value, str):
        return Person(value)
    if not isinstance(value, dict) or "name" not in value:
        raise CatalogueError("needs at least a name", ref, name)
    _check_keys(value, {"name"}, {f.name for f in fields(Person)}, ref, name + ".")
    return Person(**{k: str(v) for k, v in value.items()})


def _whole(value: Any, ref: str, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CatalogueError(f"{value!r} must be a whole number >= {minimum}", ref, name)
    return value


def _trigger_points(value: Any, ref: str) -> TriggerPoints:
    """The compendium's trigger points: text alone (the default continuum), or a mapping with
    ``text`` and the structured points that override the default (docs/catalogue.md)."""
    name = "trigger_points"
    if isinstance(value, str):
        return TriggerPoints(value)
    if not isinstance(value, dict):
        raise CatalogueError(
            "must be text, or a mapping with text, continuum and further_enquiry", ref, name
        )
    _check_keys(value, {"text"}, {"text", "continuum", "further_enquiry"}, ref, name + ".")
    cells: dict[str, ContinuumCell] = {}
    cont = value.get("continuum") or {}
    if not isinstance(cont, dict):
        raise CatalogueError(
            f"must be a mapping of cells ({', '.join(CONTINUUM_CELLS)})", ref, name + ".continuum"
        )
    _check_keys(cont, set(), set(CONTINUUM_CELLS), ref, name + ".continuum.")
    for cell, spec in cont.items():
        where = f"{name}.continuum.{cell}"
        if not isinstance(spec, dict):
            raise CatalogueError("must be a mapping with rag and trigger", ref, where)
        _check_keys(spec, {"rag", "trigger"}, {"rag", "trigger"}, ref, where + ".")
        cells[cell] = ContinuumCell(
            _choice(spec["rag"], RAGS, ref, where + ".rag"),
            _choice(spec["trigger"], TRIGGERS, ref, where + ".trigger"),
        )
    fe_raw = value.get("further_enquiry") or {}
    where = name + ".further_enquiry"
    if not isinstance(fe_raw, dict):
        raise CatalogueError(f"must be a mapping of conditions ({', '.join(ENQUIRY_RULES)})",
                             ref, where)  # fmt: skip
    _check_keys(fe_raw, set(), set(ENQUIRY_RULES), ref, where + ".")
    pct = fe_raw.get("rise_on_same_quarter_last_year_percent")
    if pct is not None:
        pct = _number(pct, ref, where + ".rise_on_same_quarter_last_year_percent")
        if pct < 0:
            raise CatalogueError(
                f"{pct:g} must be a percentage >= 0", ref,
                where + ".rise_on_same_quarter_last_year_percent",
            )  # fmt: skip
    ytd = fe_raw.get("ytd_above_last_year", False)
    if not isinstance(ytd, bool):
        raise CatalogueError(f"{ytd!r} must be true or false", ref, where + ".ytd_above_last_year")
    rises = fe_raw.get("rises_in_a_row")
    if rises is not None:
        rises = _whole(rises, ref, where + ".rises_in_a_row", 1)
    falls = fe_raw.get("falls_with")
    falls = "" if falls is None else str(falls)
    return TriggerPoints(str(value["text"]), cells, FurtherEnquiry(pct, ytd, rises, falls))


def _indicator(entry: Any, agencies: dict[str, Agency]) -> Indicator:
    if not isinstance(entry, dict):
        raise CatalogueError("each indicator must be a mapping", field="indicators")
    ref = str(entry.get("ref", "?"))
    _check_keys(entry, _INDICATOR_REQUIRED, _INDICATOR_FIELDS, ref, "")

    agency = str(entry["agency"])
    if agency not in agencies:
        raise CatalogueError(f"agency {agency!r} is not in the agencies list", ref, "agency")
    polarity = _choice(entry["polarity"], POLARITIES, ref, "polarity")
    unit = _choice(entry["unit"], UNITS, ref, "unit")
    precision = entry["precision"]
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 4:
        raise CatalogueError(f"{precision!r} must be a whole number from 0 to 4", ref, "precision")

    target = entry.get("target")
    target = None if target is None else _number(target, ref, "target")
    targets_by_year = {
        str(k): _number(v, ref, f"targets_by_year.{k}")
        for k, v in (entry.get("targets_by_year") or {}).items()
    }

    thresholds = None
    if entry.get("rag_thresholds") is not None:
        t = entry["rag_thresholds"]
        if not isinstance(t, dict):
            raise CatalogueError("must be a mapping with green and red", ref, "rag_thresholds")
        _check_keys(t, {"green", "red"}, {"green", "red", "text"}, ref, "rag_thresholds.")
        green = _number(t["green"], ref, "rag_thresholds.green")
        red = _number(t["red"], ref, "rag_thresholds.red")
        if polarity == "high" and green < red:
            raise CatalogueError(
                f"green boundary {green:g} is below red boundary {red:g}, but high is good",
                ref, "rag_thresholds",
            )  # fmt: skip
        if polarity == "low" and green > red:
            raise CatalogueError(
                f"green boundary {green:g} is above red boundary {red:g}, but low is good",
                ref, "rag_thresholds",
            )  # fmt: skip
        thresholds = Thresholds(green, red, str(t.get("text", "")))

    comp = entry["comparator"]
    if not isinstance(comp, dict):
        raise CatalogueError("must be a mapping with type and source", ref, "comparator")
    _check_keys(comp, {"type", "source"}, {"type", "source", "dfe"}, ref, "comparator.")
    dfe = None
    if comp.get("dfe"):
        d = comp["dfe"]
        _check_keys(
            d,
            {"file", "measure"},
            {"file", "measure", "filters", "lait_code", "tolerance_percent"},
            ref,
            "comparator.dfe.",
        )
        tol = d.get("tolerance_percent", DEFAULT_RECONCILIATION_TOLERANCE)
        tol = _number(tol, ref, "comparator.dfe.tolerance_percent")
        if tol < 0:
            raise CatalogueError(
                f"{tol:g} must be a percentage >= 0", ref, "comparator.dfe.tolerance_percent"
            )
        dfe = DfeSource(
            str(d["file"]), str(d["measure"]),
            {str(k): str(v) for k, v in (d.get("filters") or {}).items()}, str(d.get("lait_code", "")),
            tol,
        )  # fmt: skip
    comparator = Comparator(
        _choice(comp["type"], TARGET_TYPES, ref, "comparator.type"), str(comp["source"]), dfe
    )

    alg = entry["algorithm"]
    if not isinstance(alg, dict):
        raise CatalogueError("must be a mapping", ref, "algorithm")
    _check_keys(
        alg, {"formula", "numerator"}, {f.name for f in fields(Algorithm)}, ref, "algorithm."
    )
    rolling = alg.get("rolling_quarters", 1)
    if isinstance(rolling, bool) or not isinstance(rolling, int) or rolling < 1:
        raise CatalogueError(
            f"{rolling!r} must be a whole number of quarters >= 1",
            ref,
            "algorithm.rolling_quarters",
        )
    multiplier = _number(alg.get("multiplier", 1), ref, "algorithm.multiplier")
    if unit == "rate_per_10k" and multiplier != 10000:
        raise CatalogueError(
            "a rate per 10,000 needs multiplier 10000", ref, "algorithm.multiplier"
        )
    if unit == "percent" and multiplier != 100:
        raise CatalogueError("a percentage needs multiplier 100", ref, "algorithm.multiplier")
    algorithm = Algorithm(
        str(alg["formula"]), str(alg["numerator"]), str(alg.get("denominator", "")), multiplier,
        rolling, str(alg.get("notes", "")),
    )  # fmt: skip

    pr = entry.get("plausible_range")
    if pr is None:  # the unit's documented default (pmqa_lib.core.units.DEFAULT_RANGE)
        pr = list(default_range(unit))
    if not (isinstance(pr, list | tuple) and len(pr) == 2):
        raise CatalogueError("must be [min, max]", ref, "plausible_range")
    pmin, pmax = _number(pr[0], ref, "plausible_range"), _number(pr[1], ref, "plausible_range")
    if not (math.isfinite(pmin) and math.isfinite(pmax)):
        raise CatalogueError("min and max must be finite numbers", ref, "plausible_range")
    if pmin > pmax:
        raise CatalogueError(f"min {pmin:g} is above max {pmax:g}", ref, "plausible_range")

    linked = entry.get("linked") or []
    if not isinstance(linked, list):
        raise CatalogueError("must be a list of references", ref, "linked")

    return Indicator(
        ref=ref,
        name=str(entry["name"]),
        report=_choice(entry["report"], REPORTS, ref, "report"),
        theme=str(entry["theme"]),
        focus_area=str(entry["focus_area"]),
        objective=str(entry.get("objective", entry["theme"])),
        agency=agency,
        lead_officer=_person(entry["lead_officer"], ref, "lead_officer"),
        polarity=polarity,
        what_good_looks_like=str(entry["what_good_looks_like"]),
        target=target,
        target_type=_choice(entry["target_type"], TARGET_TYPES, ref, "target_type"),
        targets_by_year=targets_by_year,
        frequency=_choice(entry["frequency"], FREQUENCIES, ref, "frequency"),
        reporting_period=_choice(
            entry["reporting_period"], REPORTING_PERIODS, ref, "reporting_period"
        ),
        result_type=_choice(entry["result_type"], RESULT_TYPES, ref, "result_type"),
        unit=unit,
        precision=precision,
        comparator=comparator,
        thresholds=thresholds,
        further_assurance=str(entry["further_assurance"]),
        trigger_points=_trigger_points(entry["trigger_points"], ref),
        algorithm=algorithm,
        linked=tuple(str(x) for x in linked),
        how_safer=str(entry["how_safer"]),
        why_monitored=str(entry["why_monitored"]),
        plausible_min=pmin,
        plausible_max=pmax,
        description=str(entry.get("description", "")),
    )

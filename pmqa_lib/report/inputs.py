"""Read one quarter's processed tables for the report notebooks.

The notebooks stay thin: one call, :func:`load_report_inputs`, gives them every table they show.
Files written by earlier stages (``data/processed/<Q>/``) are read here; nothing is written.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pmqa_lib.analytics.assessment import RAG_HISTORY_COLUMNS
from pmqa_lib.core.catalogue import Catalogue, load_catalogue
from pmqa_lib.core.files import Paths, read_csv
from pmqa_lib.core.periods import Quarter
from pmqa_lib.core.stage_inputs import raw_inputs

log = logging.getLogger(__name__)

#: files the report needs; the report cannot be built without them
REQUIRED = ("measures.csv", "assurance.csv")
#: files the report uses when present (validation and registers stages)
OPTIONAL = (
    "observations.csv",
    "returns_accepted.csv",
    "returns_rejected.csv",
    "chase_list.csv",
    "revisions.csv",
    "reconciliation.csv",
    "validation.json",
)
_TEXT_COLUMNS = ("indicator", "period", "agency", "fy_label", "population_year", "dfe_text")
_FREE_TEXT_COLUMNS = ("commentary", "actions", "action_timescale", "proposed_rag", "note")


class ReportInputError(FileNotFoundError):
    """A processed table the report needs is missing."""


@dataclass
class ReportInputs:
    """Everything one quarter's report shows, as read from ``data/processed/<Q>/``."""

    quarter: Quarter
    catalogue: Catalogue
    measures: pd.DataFrame
    assurance: pd.DataFrame
    observations: pd.DataFrame
    returns_accepted: pd.DataFrame
    returns_rejected: pd.DataFrame
    chase_list: pd.DataFrame
    revisions: pd.DataFrame
    validation: dict
    reconciliation: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list[Path] = field(default_factory=list)
    paths: Paths | None = None
    board: str = ""

    @property
    def board_name(self) -> str:
        """The board name given as a parameter, else the catalogue's."""
        return self.board or self.catalogue.board_name


def read_table(path: Path) -> pd.DataFrame:
    """Read a processed CSV keeping references and periods as text (``1.10`` stays ``1.10``).

    Only an empty cell is missing: a lead officer's commentary of "N/A" or "None" is their
    words, shown as sent, not a blank.
    """
    head = pd.read_csv(path, nrows=0)
    dtypes = {c: "str" for c in head.columns if c in _TEXT_COLUMNS or c in _FREE_TEXT_COLUMNS}
    return read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])


def read_rag_history(inputs: ReportInputs) -> pd.DataFrame:
    """``rag_history.csv`` of the quarter: every quarter up to this one assessed on the value
    history as now held, one row per indicator and quarter (:data:`RAG_HISTORY_COLUMNS`). Empty,
    with those columns, when the file is absent."""
    paths = inputs.paths
    f = paths.processed_dir(inputs.quarter) / "rag_history.csv" if paths is not None else None
    if f is None or not f.is_file() or f.stat().st_size == 0:
        return pd.DataFrame(columns=list(RAG_HISTORY_COLUMNS))
    return read_table(f)


def input_files(quarter: Quarter | str, paths: Paths) -> list[Path]:
    """The files a report for ``quarter`` reads (those that exist), for the manifest: the raw
    inputs (:func:`pmqa_lib.core.stage_inputs.raw_inputs`) and the processed tables."""
    proc = paths.processed_dir(quarter)
    names = [*REQUIRED, *OPTIONAL]
    files = [proc / n for n in names if (proc / n).is_file()]
    files += sorted(p for p in proc.glob("registers_*.csv"))
    return raw_inputs(quarter, paths) + files


def load_report_inputs(quarter: Quarter | str, paths: Paths, board_name: str = "") -> ReportInputs:
    """Load the processed tables of ``quarter``.

    Raises
    ------
    ReportInputError
        When ``measures.csv`` or ``assurance.csv`` is missing: run ``make quarter`` (the process
        stage) first.
    """
    q = Quarter.parse(quarter)
    proc = paths.processed_dir(q)
    for name in REQUIRED:
        if not (proc / name).is_file():
            raise ReportInputError(
                f"{proc / name} not found: the report for {q.label} needs the processed tables; "
                f"run `make quarter Q={q}` (or `python -m pmqa_lib.cli process {q}`) first"
            )

    def optional(name: str) -> pd.DataFrame:
        p = proc / name
        if not p.is_file() or p.stat().st_size == 0:
            log.info("%s not found; the report shows that section as empty", p)
            return pd.DataFrame()
        return read_table(p)

    validation: dict = {}
    vpath = proc / "validation.json"
    if vpath.is_file():
        with open(vpath, encoding="utf-8") as fh:
            validation = json.load(fh)
    return ReportInputs(
        quarter=q,
        catalogue=load_catalogue(paths.catalogue_file),
        measures=read_table(proc / "measures.csv"),
        assurance=read_table(proc / "assurance.csv"),
        observations=optional("observations.csv"),
        returns_accepted=optional("returns_accepted.csv"),
        returns_rejected=optional("returns_rejected.csv"),
        chase_list=optional("chase_list.csv"),
        revisions=optional("revisions.csv"),
        validation=validation,
        reconciliation=optional("reconciliation.csv"),
        files=input_files(q, paths),
        paths=paths,
        board=board_name,
    )

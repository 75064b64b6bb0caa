"""The registers stage of a quarter: read and check every register, compute status as at the
quarter end, and write the status tables to ``data/processed/<Q>/``; ``make reminders``.

The rules themselves are pure and live in :mod:`pmqa_lib.registers.status`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pmqa_lib.core.files import Paths, read_csv, write_csv, write_json
from pmqa_lib.core.periods import Quarter
from pmqa_lib.registers.reading import RegisterRead, problems_frame, read_registers
from pmqa_lib.registers.status import proposed_audits, reminders, status_tables

log = logging.getLogger(__name__)


OUTPUT_FILES = {
    "rolling_reports": "registers_rolling_reports.csv",
    "audits": "registers_audits.csv",
    "proposals": "registers_proposals.csv",
    "actions": "registers_actions.csv",
    "learning": "registers_learning.csv",
    "impact": "registers_impact.csv",
    "problems": "registers_problems.csv",
    "proposed_audits": "proposed_audits.csv",
}


STATUS_FILE = "registers_status.json"


@dataclass
class RegisterOutcome:
    """What :func:`run` did for one quarter."""

    quarter: Quarter
    as_at: dt.date
    tables: dict[str, pd.DataFrame]
    problems: pd.DataFrame
    files: list[Path] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line for the pipeline's stage log."""
        counts = self.tables["rolling_reports"]["status"].value_counts()
        return (
            f"{counts.get('overdue', 0)} report(s) overdue, {counts.get('deferred', 0)} deferred, "
            f"{int(self.tables['audits']['no_report'].sum())} audit(s) with no report, "
            f"{int(self.tables['actions']['past_target_date'].sum())} action(s) past target, "
            f"{len(self.tables['proposed_audits'])} proposed audit(s), "
            f"{self.n_rejected} register row(s) rejected"
        )

    @property
    def n_rejected(self) -> int:
        return int((self.problems["severity"] == "error").sum()) if len(self.problems) else 0


def _indicators(paths: Paths):
    from pmqa_lib.core.catalogue import CatalogueError, load_catalogue

    try:
        cat = load_catalogue(paths.catalogue_file)
    except (CatalogueError, OSError) as exc:
        log.warning("registers: catalogue not read (%s); linked indicators not checked", exc)
        return None
    return cat


def read_and_status(paths: Paths, as_at: dt.date, quarter: Quarter | None = None,
                    catalogue=None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, dict[str, RegisterRead]]:  # fmt: skip
    """Read every register under ``paths.registers`` and compute status as at ``as_at``."""
    refs = set(catalogue.indicators) if catalogue is not None else None
    reads = read_registers(paths.registers, refs)
    tables = status_tables({k: r.frame for k, r in reads.items()}, as_at, quarter)
    return tables, problems_frame(reads), reads


def _for_csv(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    return out


def _counts(df: pd.DataFrame) -> dict[str, int]:
    return (
        {str(k): int(v) for k, v in df["status"].value_counts().sort_index().items()}
        if len(df)
        else {}
    )


def write_status(
    quarter: Quarter, paths: Paths, assurance: pd.DataFrame | None = None
) -> RegisterOutcome:
    """Read and check every register, compute status as at the quarter end, write the tables.

    Bad rows are rejected with messages (``registers_problems.csv``); nothing here stops the
    quarter's report. ``assurance`` defaults to ``data/processed/<Q>/assurance.csv`` when it
    exists; its ``audit`` triggers become ``proposed_audits.csv``.
    """
    quarter = Quarter.parse(quarter)
    as_at = quarter.end
    catalogue = _indicators(paths)
    tables, problems, _ = read_and_status(paths, as_at, quarter, catalogue)
    out_dir = paths.processed_dir(quarter)
    if assurance is None and (out_dir / "assurance.csv").exists():
        assurance = read_csv(out_dir / "assurance.csv", dtype={"indicator": str})
    tables["proposed_audits"] = proposed_audits(assurance, catalogue, tables["audits"])
    tables["problems"] = problems
    files = [write_csv(_for_csv(df), out_dir / OUTPUT_FILES[name]) for name, df in tables.items()]
    summary = {
        "quarter": quarter.code, "label": quarter.label, "as_at": as_at.isoformat(),
        "status_counts": {k: _counts(v) for k, v in tables.items() if "status" in v.columns},
        "rolling_reports_overdue": tables["rolling_reports"].loc[lambda t: t["status"] == "overdue", "ref"].tolist(),
        "audits_no_report": tables["audits"].loc[lambda t: t["no_report"], "ref"].tolist(),
        "actions_past_target_date": int(tables["actions"]["past_target_date"].sum()),
        "proposed_audits": tables["proposed_audits"]["indicator"].tolist(),
        "problems": {"errors": int((problems["severity"] == "error").sum()),
                     "warnings": int((problems["severity"] == "warning").sum()),
                     "messages": problems["message"].tolist()},
        "files": {k: OUTPUT_FILES[k] for k in tables},
    }  # fmt: skip
    files.append(write_json(summary, out_dir / STATUS_FILE))
    outcome = RegisterOutcome(quarter, as_at, tables, problems, files)
    log.debug("registers %s: %d rolling reports, %d audits, %d actions; %d row(s) rejected",
             quarter.code, len(tables["rolling_reports"]), len(tables["audits"]),
             len(tables["actions"]), outcome.n_rejected)  # fmt: skip
    return outcome


def read_processed(paths: Paths, quarter: Quarter, name: str) -> pd.DataFrame:
    path = paths.processed_dir(quarter) / OUTPUT_FILES[name]
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: run the registers step for {quarter.code} first"
        )
    return read_csv(path, dtype={"indicator": str, "linked_indicators": str}, keep_default_na=True)


def run_reminders(quarter: Quarter, paths: Paths, days: int = 30) -> int:
    """``make reminders Q=... DAYS=30``: reminders due in the N days from the quarter end, as CSV.

    Writes ``reports/<Q>/reminders_next_<N>_days.csv`` (lead, report, due to, due date, reminder
    date, request date, status, ref) for a mail merge and prints its path. Returns 0.
    """
    quarter = Quarter.parse(quarter)
    if days < 0:
        raise ValueError(f"DAYS must be 0 or more, got {days}")
    tables, problems, _ = read_and_status(paths, quarter.end, quarter, _indicators(paths))
    rem = reminders(tables["rolling_reports"], quarter.end, days)
    path = write_csv(_for_csv(rem), paths.report_dir(quarter) / f"reminders_next_{days}_days.csv")
    n_err = int((problems["severity"] == "error").sum()) if len(problems) else 0
    note = (
        f"; {n_err} register row(s) rejected (listed in registers_problems.csv by make quarter)"
        if n_err
        else ""
    )
    print(f"{len(rem)} reminder(s) from {quarter.end:%d %B %Y} to "
          f"{quarter.end + dt.timedelta(days=days):%d %B %Y}{note}: {path}")  # fmt: skip
    return 0


def as_at_status(paths: Paths, as_at: dt.date) -> dict[str, pd.DataFrame]:
    """Status of every register as at any date (not only a quarter end), without writing."""
    tables, problems, _ = read_and_status(paths, as_at, Quarter.of_date(as_at), _indicators(paths))
    tables["problems"] = problems
    return tables

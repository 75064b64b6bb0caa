"""The validation stage of a quarter (``make validate Q=...``): ingest every return up to the
quarter, apply the return rules, resolve the value history, and write the outputs an analyst and
the later stages read to ``data/processed/<Q>/``.

The rules themselves are in :mod:`pmqa_lib.validate.return_rules`; the HTML reports made from the
outcome are presentation (:mod:`pmqa_lib.report.validation_pages`), written by the pipeline between
:func:`validate_quarter` and :func:`write_result`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core.catalogue import Catalogue, CatalogueError, load_catalogue
from pmqa_lib.core.files import Paths, write_csv, write_json
from pmqa_lib.core.periods import Quarter
from pmqa_lib.validate import ingest, observations
from pmqa_lib.validate.return_rules import (
    FILES_SUITE,
    QUERY_RULES,
    RETURN_SUITE,
    WARNING_SUITE,
    canonical_indicators,
    check_files,
    file_failures,
    split,
    validate_returns,
    warnings_for,
)

log = logging.getLogger(__name__)


@dataclass
class ValidationOutcome:
    """What :func:`validate_quarter` found for the quarter (frames hold this quarter's rows only)."""

    quarter: str
    files_received: int = 0
    files_rejected: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    warnings: int = 0
    missing: pd.DataFrame = field(default_factory=pd.DataFrame)
    revisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    exit_code: int = 0
    files: pd.DataFrame = field(default_factory=pd.DataFrame)
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)
    strict: bool = False
    catalogue: Catalogue | None = None


def populations_for(paths: Paths, catalogue: Catalogue) -> pd.DataFrame | None:
    """The board area's 0-17 populations (year, population) for the rates' plausibility, or None
    (logged) when the reference table cannot be read: rates are then not range-checked."""
    from pmqa_lib.core.reference import ReferenceDataError, load_population

    try:
        return load_population(paths, la_code=catalogue.la_code)[["year", "population"]]
    except (ReferenceDataError, OSError, ValueError) as exc:
        log.warning("populations not read (%s): rates are not checked for plausibility", exc)
        return None


_LOAD = object()


def _validate_history(paths: Paths, quarter: Quarter, catalogue: Catalogue, populations=_LOAD):
    """Ingest and validate every quarter folder up to ``quarter`` (one vectorised GX run);
    ``populations`` (year, population) are read from the reference folder unless given."""
    folders = ingest.quarter_folders(paths.raw, quarter)
    if quarter not in folders and paths.returns_dir(quarter).is_dir():
        folders.append(quarter)
    results = [ingest.read_quarter(paths.returns_dir(q), q) for q in folders]
    returns = (
        pd.concat([r.returns for r in results], ignore_index=True)
        if results
        else ingest.empty_returns()
    )
    files = (
        pd.concat([r.files for r in results], ignore_index=True)
        if results
        else pd.DataFrame(columns=ingest.FILE_COLUMNS)
    )
    returns = canonical_indicators(returns, catalogue)
    files = check_files(files, returns)  # the layout, and a return for its own quarter
    gone = files.loc[files["status"] == "rejected", ["source_file", "received_in"]]
    keep = ~pd.MultiIndex.from_frame(returns[["source_file", "received_in"]]).isin(
        pd.MultiIndex.from_frame(gone)
    )
    returns = returns[keep].reset_index(drop=True)  # a rejected file's rows are not used
    if populations is _LOAD:
        populations = populations_for(paths, catalogue)
    failures = pd.concat(
        [file_failures(files), validate_returns(returns, catalogue, populations)],
        ignore_index=True,
    )
    accepted, rejected = split(returns, failures)
    return folders, files, failures, accepted, rejected


def validate_quarter(
    quarter: Quarter | str, paths: Paths, strict: bool = False
) -> ValidationOutcome:
    """Ingest and validate ``quarter``'s returns; write the validation outputs and observations.

    Writes ``returns_accepted.csv``, ``returns_rejected.csv``, ``chase_list.csv``,
    ``observations.csv`` and ``revisions.csv`` to ``data/processed/<Q>/`` (each atomically).
    :func:`write_result` then writes ``validation.json``, the stage's last output (the Makefile's
    target). Never raises for a bad return.

    Returns
    -------
    ValidationOutcome
        ``exit_code`` 0 when the quarter can be reported (rejections included); 1 when there are
        no returns at all or the catalogue is broken; with ``strict``, 1 on any rejection.
    """
    quarter = Quarter.parse(quarter)
    q = quarter.code
    try:
        catalogue = load_catalogue(paths.catalogue_file)
    except CatalogueError as exc:
        log.error("cannot validate %s: %s", q, exc)
        return ValidationOutcome(q, exit_code=1, strict=strict)

    populations = populations_for(paths, catalogue)
    folders, files, failures, accepted, rejected = _validate_history(
        paths, quarter, catalogue, populations
    )
    first = folders[0] if folders else quarter
    rejected_files = files[files["status"] == "rejected"]
    obs, revisions = observations.build(
        accepted, rejected, rejected_files, catalogue, first, quarter
    )

    in_q = lambda df: df[df["received_in"] == q]  # noqa: E731
    files_q, failures_q, accepted_q, rejected_q, revisions_q = map(
        in_q, (files, failures, accepted, rejected, revisions)
    )
    # the figures as earlier returns left them (a period this quarter revises keeps its old figure)
    history = observations.resolve(accepted[accepted["received_in"] != q])[0]
    warn = warnings_for(accepted_q, history, revisions_q, catalogue, populations)
    failures_q = pd.concat([failures_q, warn], ignore_index=True)
    obs = observations.mark_queried(obs, warn[warn["rule"].isin(QUERY_RULES)])
    chase = chase_list(obs, files_q, catalogue, quarter)

    received = files_q[files_q["status"] != "ignored"]
    outcome = ValidationOutcome(
        quarter=q,
        files_received=len(received),
        files_rejected=int((received["status"] == "rejected").sum()),
        rows_accepted=len(accepted_q),
        rows_rejected=len(rejected_q),
        warnings=int((failures_q["severity"] == "warning").sum()),
        missing=chase,
        revisions=revisions_q.reset_index(drop=True),
        files=received.reset_index(drop=True),
        failures=failures_q,
        strict=strict,
        catalogue=catalogue,
    )
    if outcome.files_received == 0:
        log.error(
            "no returns for %s in %s: the quarter cannot be reported", q, paths.returns_dir(q)
        )
        outcome.exit_code = 1
    elif strict and (outcome.files_rejected or outcome.rows_rejected):
        outcome.exit_code = 1
    _log_files(received, accepted_q, rejected_q)

    out = paths.processed_dir(q)
    write_csv(accepted_q, out / "returns_accepted.csv")
    write_csv(rejected_q, out / "returns_rejected.csv")
    write_csv(obs, out / "observations.csv")
    write_csv(revisions, out / "revisions.csv")
    write_csv(chase, out / "chase_list.csv")
    return outcome


def write_result(outcome: ValidationOutcome, paths: Paths) -> None:
    """Write ``validation.json``, the machine-readable result and the stage's last output."""
    write_json(
        result_json(outcome, outcome.strict),
        paths.processed_dir(outcome.quarter) / "validation.json",
    )


def chase_list(
    obs: pd.DataFrame, files_q: pd.DataFrame, catalogue: Catalogue, quarter: Quarter
) -> pd.DataFrame:
    """Agencies and indicators to chase for the quarter: no usable figure (``missing`` or
    ``rejected``), or a figure the board sees as ``queried`` until the agency confirms it."""
    cols = [
        "agency",
        "agency_name",
        "indicator",
        "name",
        "lead_officer",
        "lead_email",
        "period",
        "status",
        "what_is_missing",
    ]
    now = obs[obs["period"] == quarter.code]
    queried = now["query_note"].notna() & now["status"].eq("ok")
    gaps = now[now["status"].isin(["missing", "rejected"]) | queried].copy()
    gaps.loc[queried[queried].index, "status"] = "queried"
    cat = catalogue.to_frame()[["indicator", "name", "agency_name", "lead_officer", "lead_email"]]
    c = gaps.merge(cat, on="indicator", how="left")
    sent = set(files_q.loc[files_q["status"] != "ignored", "agency"].dropna())
    no_return = ~c["agency"].isin(sent)
    c["what_is_missing"] = np.select(
        [c["status"] == "rejected", c["status"] == "queried", no_return],
        [
            c["note"].astype(str) + "; send a corrected return",
            "the figure is queried: "
            + c["query_note"].astype(str).str.rstrip(".")
            + ". Confirm it or send a correction",
            "no return received from " + c["agency"].astype(str) + " for " + quarter.label,
        ],
        "indicator "
        + c["indicator"].astype(str)
        + " is not in "
        + c["agency"].astype(str)
        + "'s return for "
        + quarter.label,
    )
    return c[cols].sort_values(["agency", "indicator"], kind="stable").reset_index(drop=True)


def _log_files(files: pd.DataFrame, accepted: pd.DataFrame, rejected: pd.DataFrame) -> None:
    n_acc = accepted.groupby("source_file").size()
    n_rej = rejected.groupby("source_file").size()
    for rec in files.itertuples():
        if rec.status == "rejected":
            log.info("%s: file rejected: %s", rec.source_file, rec.reason)
        elif n_rej.get(rec.source_file, 0):
            total = n_acc.get(rec.source_file, 0) + n_rej.get(rec.source_file, 0)
            log.info("%s: %d of %d rows rejected", rec.source_file, n_rej[rec.source_file], total)
        else:
            log.info("%s: accepted (%d rows)", rec.source_file, n_acc.get(rec.source_file, 0))


def _records(df: pd.DataFrame) -> list[dict]:
    return [
        {
            k: (None if (v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA) else v)
            for k, v in r.items()
        }
        for r in df.to_dict("records")
    ]


def result_json(outcome: ValidationOutcome, strict: bool) -> dict:
    """The machine-readable validation result: summary, then per file status, failures, warnings."""
    f = outcome.failures
    per_file = []
    for rec in _records(outcome.files):
        mine = f[f["source_file"] == rec["source_file"]]
        per_file.append(
            {
                "file": rec["source_file"],
                "agency": rec["agency"],
                "status": rec["status"],
                "reason": rec["reason"],
                "sha256": rec["sha256"],
                "rows": rec["rows"],
                "failures": _records(mine[mine["severity"] == "error"].drop(columns=["severity"])),
                "warnings": _records(
                    mine[mine["severity"] == "warning"].drop(columns=["severity"])
                ),
            }
        )
    return {
        "quarter": outcome.quarter,
        "strict": strict,
        "summary": {
            "files_received": outcome.files_received,
            "files_rejected": outcome.files_rejected,
            "rows_accepted": outcome.rows_accepted,
            "rows_rejected": outcome.rows_rejected,
            "warnings": outcome.warnings,
            "missing": len(outcome.missing),
            "revisions": len(outcome.revisions),
            "exit_code": outcome.exit_code,
        },
        "suites": [p.name for p in suite_files()],
        "files": per_file,
    }


def suite_files() -> list[Path]:
    """The Great Expectations suites a return passes through, in the order they run."""
    return [FILES_SUITE, RETURN_SUITE, WARNING_SUITE]

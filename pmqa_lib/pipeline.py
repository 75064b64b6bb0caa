"""One quarter end to end, stage by stage, as the Makefile runs it.

Each stage reads what the stage before wrote in ``data/processed/<Q>/`` and writes its own
outputs atomically, so ``make`` can skip any stage whose inputs have not changed. Each stage
prints one progress line with its time; :func:`print_summary` closes a run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pmqa_lib.core.files import Paths, read_csv, write_csv
from pmqa_lib.core.periods import Quarter

if TYPE_CHECKING:  # imported where used: `pmqa index` and `pmqa summary` often need no pandas
    import pandas as pd

log = logging.getLogger(__name__)


@contextlib.contextmanager
def stage(name: str, quarter: Quarter | str) -> Iterator[dict]:
    """Print ``[stage] Q ... detail (1.2 s)`` when the block ends; the block may set ``info['detail']``."""
    info: dict = {"detail": ""}
    t0 = time.perf_counter()
    try:
        yield info
    except Exception:
        print(f"[{name:<9}] {quarter}: FAILED after {time.perf_counter() - t0:.1f} s", flush=True)
        raise
    detail = f" {info['detail']}" if info["detail"] else ""
    print(f"[{name:<9}] {quarter}:{detail} ({time.perf_counter() - t0:.1f} s)", flush=True)


def validate(quarter: Quarter, paths: Paths, strict: bool = False):
    """Validate the quarter's returns and write every validation output; return the outcome.

    The data tables first (:func:`pmqa_lib.validate.stage.validate_quarter`), then the analyst's
    HTML report and each agency's own page and email text (presentation), then
    ``validation.json``, the Makefile's target, last.
    """
    from pmqa_lib.report import agency_feedback, validation_pages
    from pmqa_lib.validate import stage as validation

    outcome = validation.validate_quarter(quarter, paths, strict=strict)
    if outcome.catalogue is not None:
        validation_pages.write(outcome, quarter, paths)
        agency_feedback.write(outcome, quarter, paths)
    validation.write_result(outcome, paths)
    return outcome


def run_validate(quarter: Quarter, paths: Paths, strict: bool = False) -> int:
    """Ingest and validate the quarter's returns; build the value history."""
    with stage("validate", quarter) as info:
        outcome = validate(quarter, paths, strict=strict)
        info["detail"] = (
            f"{outcome.files_received} files, {outcome.files_rejected} rejected whole, "
            f"{outcome.rows_accepted} rows accepted, {outcome.rows_rejected} rejected, "
            f"{len(outcome.missing)} on the chase list, {len(outcome.revisions)} revisions"
        )
    return outcome.exit_code


def run_process(quarter: Quarter, paths: Paths) -> int:
    """Measures, assurance and registers for the quarter."""
    assurance = run_analyse(quarter, paths)
    run_registers(quarter, paths, assurance)
    # assurance.csv is the Makefile's target for this stage: write it last.
    write_csv(assurance, paths.processed_dir(quarter) / "assurance.csv")
    return 0


def run_analyse(quarter: Quarter, paths: Paths) -> pd.DataFrame:
    """Measures (``measures.csv``, ``rag_history.csv``) and the quarter's assurance, returned:
    :func:`run_process` writes it as ``assurance.csv`` once the registers are done."""
    from pmqa_lib.analytics import assessment as analytics
    from pmqa_lib.analytics import reconciliation
    from pmqa_lib.core import reference
    from pmqa_lib.core.catalogue import load_catalogue
    from pmqa_lib.public import comparators
    from pmqa_lib.validate import observations

    out = paths.processed_dir(quarter)
    with stage("analyse", quarter) as info:
        catalogue = load_catalogue(paths.catalogue_file)
        obs = observations.load(quarter, paths)
        pops = reference.load_population(paths)
        comps = comparators.load_committed(paths)
        measures, assurance = analytics.analyse_quarter(obs, catalogue, pops, comps, quarter)
        write_csv(measures, out / "measures.csv")
        history = analytics.rag_history(obs, catalogue, pops, comps, quarter)
        write_csv(history, out / "rag_history.csv")
        recon = reconciliation.reconcile(measures, comps, catalogue.to_frame(), quarter)
        write_csv(recon, out / "reconciliation.csv")
        rag = assurance["rag"].value_counts()
        flagged = int(recon["flagged"].sum())
        info["detail"] = (
            f"{len(assurance)} indicators: {rag.get('Red', 0)} Red, {rag.get('Amber', 0)} Amber, "
            f"{rag.get('Green', 0)} Green; reconciliation with DfE: "
            f"{int((recon['status'] == reconciliation.AGREES).sum())} agree, {flagged} differ"
        )
    return assurance


def run_registers(quarter: Quarter, paths: Paths, assurance: pd.DataFrame | None = None):
    """The governance registers' status as at the quarter end (``registers_*.csv``)."""
    from pmqa_lib.registers import stage as registers

    with stage("registers", quarter) as info:
        outcome = registers.write_status(quarter, paths, assurance=assurance)
        info["detail"] = getattr(outcome, "summary", "") or ""
    return outcome


def run_report(quarter: Quarter, paths: Paths, pdf: bool = True) -> int:
    """Execute the board report notebook and export HTML, PDF, Excel and the manifest."""
    from pmqa_lib.report import publish

    with stage("report", quarter) as info:
        result = publish.build_board_report(quarter, paths, pdf=pdf)
        info["detail"] = ", ".join(
            Path(result[k]).name for k in ("html", "pdf", "xlsx") if result.get(k)
        )
    run_index(paths)
    return 0


#: in ``reports/``: the fingerprint of what the index was last built from (:func:`run_index`)
INDEX_STAMP = ".index.inputs"


def run_index(paths: Paths) -> Path:
    """Rebuild ``reports/index.html``: every published quarter (``make quarter`` runs it each time,
    even when the report stage had nothing to do).

    The rebuild is skipped, without importing pandas, when nothing it reads has changed since the
    last one: the catalogue, each published quarter's folder, the index and accessibility pages
    themselves, pmqa's code, and the date (the accessibility page says when it was made).
    """
    import datetime as dt

    from pmqa_lib.core import stage_inputs

    reports = paths.reports_dir
    stamp = reports / INDEX_STAMP
    index = reports / "index.html"

    def inputs() -> list[Path]:
        published = sorted(reports.glob("*/manifest.json"))
        in_quarters = [p for m in published for p in sorted(m.parent.iterdir()) if p.is_file()]
        pages = [index, reports / "accessibility.html"]
        return [paths.catalogue_file, *published, *in_quarters, *pages]

    today = dt.date.today().isoformat()
    if stage_inputs.read_stamp(stamp, stage_inputs.stamp_digest(inputs(), today)) is not None:
        return index
    from pmqa_lib.report import archive_index

    written = archive_index.write_index(paths)
    stage_inputs.write_stamp(stamp, stage_inputs.stamp_digest(inputs(), today))
    return written


def run_drilldown(quarter: Quarter, indicator: str, paths: Paths) -> int:
    from pmqa_lib.core.catalogue import load_catalogue
    from pmqa_lib.core.errors import UsageError
    from pmqa_lib.report import publish

    if not indicator:
        raise UsageError("IND is empty: give an indicator reference, e.g. IND=1.1")
    catalogue = load_catalogue(paths.catalogue_file)
    if str(indicator) not in catalogue.indicators:
        known = ", ".join(sorted(catalogue.indicators))
        raise UsageError(f"IND={indicator!r} is not in the catalogue; known: {known}")
    with stage("drilldown", quarter) as info:
        path = publish.build_drilldown(quarter, str(indicator), paths)
        info["detail"] = str(path)
    return 0


def run_profile(la: str, paths: Paths, model: str = "2021") -> int:
    from pmqa_lib.report import profile_pages as profile

    with stage("profile", la) as info:
        result = profile.build_profile(la, paths, model=model)
        info["detail"] = ", ".join(str(v) for k, v in result.items() if k in ("html", "pdf"))
    return 0


def quarter_summary(quarter: Quarter, paths: Paths) -> dict:
    """What a run produced, read back from the processed and report folders."""
    import pandas as pd

    from pmqa_lib.core.format import RAGS

    proc, rep = paths.processed_dir(quarter), paths.report_dir(quarter)
    summary: dict = {"quarter": quarter.label, "report": None, "pdf": None}
    for key, name in (("report", "board_report.html"), ("pdf", "board_report.pdf")):
        if (rep / name).exists():
            summary[key] = str(rep / name)
    if (proc / "assurance.csv").exists():
        a = read_csv(proc / "assurance.csv", dtype={"indicator": str})
        counts = a["rag"].value_counts()
        summary["rag"] = {k: int(counts.get(k, 0)) for k in RAGS}
        unrated = a["rag"].isna()
        # no value this quarter, whatever the reason (a rejected return, or a rolling window
        # that a missing quarter leaves incomplete): no data, never "without a target"
        value = a["value"] if "value" in a else pd.Series(0.0, index=a.index)
        no_data = unrated & (a["status"].ne("ok") | value.isna())
        summary["no_data"] = int(no_data.sum())
        if "queried" in a:
            queried = a["queried"].astype(str).str.lower().eq("true")
            summary["queried"] = a.loc[queried, ["indicator", "query_note"]].to_dict("records")
        # an indicator with a value but no target or thresholds (e.g. CSCB03) is monitored, not rated
        summary["not_rated"] = int((unrated & ~no_data).sum())
        summary["disagreements"] = int(a["disagreement"].astype(str).str.lower().eq("true").sum())
    if (proc / "validation.json").exists():
        with open(proc / "validation.json", encoding="utf-8") as fh:
            result = json.load(fh)
        summary["files_rejected"] = int(result["summary"]["files_rejected"])
        summary["warnings"] = int(result["summary"].get("warnings", 0))
    if (proc / "returns_rejected.csv").exists():
        summary["rejected_rows"] = len(read_csv(proc / "returns_rejected.csv", dtype=str))
    if (proc / "chase_list.csv").exists():
        chase = read_csv(proc / "chase_list.csv", dtype=str)
        status = chase["status"] if "status" in chase else pd.Series("missing", index=chase.index)
        summary["chase"] = {
            "missing": int(status.eq("missing").sum()),
            "rejected": int(status.eq("rejected").sum()),
            "queried": int(status.eq("queried").sum()),
            "agencies": sorted(chase["agency"].dropna().unique()),
        }
    return summary


def _cached_summary(quarter: Quarter, paths: Paths) -> dict:
    """:func:`quarter_summary`, kept in ``<processed>/.inputs/summary`` with the fingerprint of the
    files it reads: a re-run with nothing changed prints it without importing pandas."""
    from pmqa_lib.core import stage_inputs

    proc, rep = paths.processed_dir(quarter), paths.report_dir(quarter)
    if not proc.is_dir():
        return quarter_summary(quarter, paths)
    read = [rep / "board_report.html", rep / "board_report.pdf"] + [
        proc / name
        for name in ("assurance.csv", "validation.json", "returns_rejected.csv", "chase_list.csv")
    ]
    stamp = stage_inputs.fingerprint_file("summary", quarter, paths)
    digest = stage_inputs.stamp_digest(read)
    kept = stage_inputs.read_stamp(stamp, digest)
    if kept is not None:
        with contextlib.suppress(ValueError):
            return json.loads(kept)
    summary = quarter_summary(quarter, paths)
    try:
        body = json.dumps(summary)
    except (TypeError, ValueError):  # not plain JSON: not kept, computed again next time
        return summary
    stage_inputs.write_stamp(stamp, digest, body)
    return summary


def print_summary(quarter: Quarter, paths: Paths, strict: bool = False) -> int:
    """Print the closing summary of a run. With ``strict``, return 2 when any return or row was
    rejected, read from the quarter's outputs, so a cached run fails as a fresh one does."""
    s = _cached_summary(quarter, paths)
    print(f"\n{quarter.long_label}")
    if s.get("report"):
        print(f"  report:      {s['report']}")
    if s.get("pdf"):
        print(f"  pdf:         {s['pdf']}")
    if "rag" in s:
        r = s["rag"]
        print(
            f"  RAG:         {r['Red']} Red, {r['Amber']} Amber, {r['Green']} Green; "
            f"{s['no_data']} no data; {s['not_rated']} monitored without a target"
            + (
                f"; {len(s['queried'])} of the ratings on a queried figure"
                if s.get("queried")
                else ""
            )
        )
        print(f"  lead officer RAG disagreements: {s['disagreements']}")
    print(f"  rows rejected by validation: {s.get('rejected_rows', 0)}")
    print(f"  warnings:    {s.get('warnings', 0)} (validation_report.html lists them)")
    for q in s.get("queried", []):
        note = str(q["query_note"])
        print(
            f"  queried:     {note if note.startswith(q['indicator']) else q['indicator'] + ': ' + note}"
        )
    chase = s.get("chase")
    if chase:
        print(
            f"  chase list:  {chase['missing']} not returned, {chase['rejected']} rejected, "
            f"{chase['queried']} queried"
            + (f" ({', '.join(chase['agencies'])})" if chase["agencies"] else "")
        )
    print(f"  validation:  {paths.processed_dir(quarter) / 'validation_report.html'}")
    if strict and (s.get("files_rejected", 0) or s.get("rejected_rows", 0)):
        print(
            f"pmqa: STRICT=1 and {s.get('files_rejected', 0)} file(s), "
            f"{s.get('rejected_rows', 0)} row(s) were rejected for {quarter.label}",
            file=sys.stderr,
        )
        return 2
    return 0

"""The command line the Makefile calls: ``python -m pmqa_lib.cli <command> ...``.

Each command imports only what it needs, so ``check`` answers in milliseconds and nothing pays
for Great Expectations' import unless it validates.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from pmqa_lib.core.errors import UsageError
from pmqa_lib.core.periods import QUARTER_FORM, PeriodError, Quarter

log = logging.getLogger("pmqa")


# Raised by library modules for input the user can fix (names, so that cli imports nothing heavy).
_USER_ERRORS = {
    "CatalogueError", "LAResolutionError", "PublicDataError", "PeriodError", "ManifestError",
    "ServerUnreachable", "PublicFolderNotWritable", "BoardFileError", "BoardFolderError",
}  # fmt: skip


def _quarter(text: str | None) -> Quarter:
    if not text:
        raise UsageError(f"Q is empty: give a quarter as Q=2015Q2 (form {QUARTER_FORM})")
    try:
        return Quarter.parse(text)
    except PeriodError:
        raise UsageError(f"Q={text!r} is not a quarter: expected {QUARTER_FORM}") from None


def _paths():
    from pmqa_lib.core.files import Paths

    return Paths.from_env()


def cmd_check(args) -> int:
    """Fail fast on a bad quarter or a missing returns folder."""
    q = _quarter(args.quarter)
    paths = _paths()
    folder = paths.returns_dir(q)
    if not folder.is_dir():
        raise UsageError(f"no returns folder for {q.label}: looked for {folder}")
    if args.inputs:
        _refresh_inputs(q, paths)
    return 0


def cmd_validate(args) -> int:
    from pmqa_lib import pipeline

    q = _quarter(args.quarter)
    return pipeline.run_validate(q, _paths(), strict=args.strict)


def cmd_process(args) -> int:
    from pmqa_lib import pipeline

    return pipeline.run_process(_quarter(args.quarter), _paths())


def cmd_report(args) -> int:
    from pmqa_lib import pipeline

    return pipeline.run_report(_quarter(args.quarter), _paths(), pdf=not args.no_pdf)


def cmd_index(args) -> int:
    from pmqa_lib import pipeline

    pipeline.run_index(_paths())
    return 0


def cmd_drilldown(args) -> int:
    from pmqa_lib import pipeline

    return pipeline.run_drilldown(_quarter(args.quarter), args.indicator, _paths())


def cmd_summary(args) -> int:
    from pmqa_lib import pipeline

    q, paths = _quarter(args.quarter), _paths()
    if args.index:
        pipeline.run_index(paths)
    return pipeline.print_summary(q, paths, strict=args.strict)


def cmd_inputs(args) -> int:
    """Refresh the fingerprints of each stage's raw inputs (the Makefile's rebuild rule)."""
    _refresh_inputs(_quarter(args.quarter), _paths())
    return 0


def _refresh_inputs(q: Quarter, paths) -> None:
    from pmqa_lib.core.stage_inputs import STAGES, refresh_fingerprint

    for stage in STAGES:
        refresh_fingerprint(stage, q, paths)


def cmd_templates(args) -> int:
    from pmqa_lib.validate import return_templates as templates

    return templates.write_templates(_quarter(args.quarter), _paths())


def cmd_reminders(args) -> int:
    from pmqa_lib.registers import stage as registers

    return registers.run_reminders(_quarter(args.quarter), _paths(), days=args.days)


def cmd_profile(args) -> int:
    from pmqa_lib import pipeline

    return pipeline.run_profile(args.la, _paths(), model=args.model)


def cmd_fetch_public(args) -> int:
    """Download the manifest's public files into PUBLIC_DATA_DIR (or only check them)."""
    from pmqa_lib.core.files import configured_public_dir
    from pmqa_lib.public import fetch

    folder = configured_public_dir()
    if args.check:
        outcomes = fetch.verify_public(args.files, folder)
        for outcome in outcomes:
            _print_outcome(outcome)
    else:
        outcomes = fetch.fetch_public(
            args.files,
            folder,
            mirror=args.mirror,
            timeout=args.timeout if args.timeout is not None else fetch.DEFAULT_TIMEOUT,
            report=_print_outcome,
        )
    bad = [o for o in outcomes if not o.ok]
    if bad:
        listed = ", ".join(f"{o.name} ({o.status})" for o in bad)
        print(
            f"pmqa: {len(bad)} of {len(outcomes)} public files are not present and verified in "
            f"{folder}: {listed}",
            file=sys.stderr,
        )
        return 1
    print(f"[fetch] all {len(outcomes)} public files present and verified in {folder}")
    return 0


def cmd_board(args) -> int:
    """``make board``: a new partnership's board folder from DfE's published data."""
    from pmqa_lib.core.files import configured_public_dir, from_root
    from pmqa_lib.public import board as boards
    from pmqa_lib.public.board_file import load_board_file

    if not (args.la or "").strip():
        raise UsageError("LA is empty: give the local authority, e.g. LA=Kirklees or LA=382")
    if not (args.dir or "").strip():
        raise UsageError("DIR is empty: give the folder for the new board, e.g. DIR=../kirklees")
    folder = from_root(args.dir)
    boards.check_folder(folder, force=args.force)  # before any download or work
    board_file = load_board_file(from_root(args.board_file)) if args.board_file else None
    public = configured_public_dir()
    boards.ensure_public_files(boards.required_files(args.model), public, report=_print_outcome)
    plan = boards.plan_board(args.la, public, model=args.model, board=board_file)
    done = boards.write_board(plan, folder, force=args.force)
    first, tq = plan.first_quarter, plan.template_quarter
    print(
        f"[board] {plan.la.name} ({plan.la.old_code}, {plan.la.new_code}): {done.folder}\n"
        f"  written: {len(done.new)} new, {len(done.rewritten)} rewritten, "
        f"{len(done.unchanged)} unchanged\n"
        f"  indicators from DfE: {', '.join(plan.active)}; {len(plan.templates)} templates\n"
        f"  DfE's published figures as annual returns: {plan.years[0]} to {plan.years[1]}\n"
        f"  return templates for {tq.label}: {', '.join(done.templates) or 'none due'}"
        + (
            f"\n  left as templates (no LAIT extract in {public}): {', '.join(plan.lait_left_out)}"
            if plan.lait_left_out
            else ""
        )
        + (
            f"\n  placeholders: {len(plan.catalogue.placeholders())} names; edit "
            f"{done.folder / 'board.yaml'} and run make board again with BOARD= and FORCE=1"
            if plan.catalogue.placeholders()
            else ""
        )
        + f"\nnext: make quarter Q={first.code} DATA_DIR={args.dir.rstrip('/')}/data "
        f"REPORTS_DIR={args.dir.rstrip('/')}/reports"
    )
    return 0


def _print_outcome(outcome) -> None:
    print(f"[fetch] {outcome.line()}", file=sys.stdout if outcome.ok else sys.stderr, flush=True)


def cmd_public_checksums(args) -> int:
    """Manifest rows (CSV) for the files of a folder: their size and SHA-256, and what the
    manifest already says of each (blank for a new file), to paste into the manifest."""
    import csv

    from pmqa_lib.core.files import configured_public_dir
    from pmqa_lib.public.manifest import MANIFEST_COLUMNS, file_checksums, load_manifest

    folder = args.folder or configured_public_dir()
    if not os.path.isdir(folder):
        raise UsageError(f"no such folder: {folder}")
    known = {f.name: f for f in load_manifest()}
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for name, size, sha256 in file_checksums(folder):
        entry = known.get(name)
        row = {c: getattr(entry, c) if entry else "" for c in MANIFEST_COLUMNS}
        row.update(name=name, bytes=size, sha256=sha256)
        writer.writerow([row[c] for c in MANIFEST_COLUMNS])
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pmqa", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("index", help="rebuild reports/index.html from the published quarters")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("check", help="check the quarter and its returns folder")
    s.add_argument("quarter")
    s.add_argument(
        "--inputs", action="store_true", help="then refresh the stages' input fingerprints (make)"
    )
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("validate", help="ingest and validate a quarter's returns")
    s.add_argument("quarter")
    s.add_argument("--strict", action="store_true", help="any rejection fails")
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("process", help="observations, measures, assurance, registers")
    s.add_argument("quarter")
    s.set_defaults(func=cmd_process)

    s = sub.add_parser("report", help="board report: notebooks, HTML, PDF, Excel, manifest")
    s.add_argument("quarter")
    s.add_argument("--no-pdf", action="store_true")
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("drilldown", help="one indicator's drill-down")
    s.add_argument("quarter")
    s.add_argument("indicator")
    s.set_defaults(func=cmd_drilldown)

    s = sub.add_parser("summary", help="print the closing summary of a quarter")
    s.add_argument("quarter")
    s.add_argument("--strict", action="store_true", help="exit 2 if any return was rejected")
    s.add_argument("--index", action="store_true", help="first rebuild reports/index.html")
    s.set_defaults(func=cmd_summary)

    s = sub.add_parser("inputs", help="refresh the fingerprints of each stage's inputs (make)")
    s.add_argument("quarter")
    s.set_defaults(func=cmd_inputs)

    s = sub.add_parser("templates", help="Excel return templates for the quarter after Q")
    s.add_argument("quarter")
    s.set_defaults(func=cmd_templates)

    s = sub.add_parser("reminders", help="rolling-report reminders due in the next N days")
    s.add_argument("quarter")
    s.add_argument("--days", type=int, default=30)
    s.set_defaults(func=cmd_reminders)

    s = sub.add_parser("profile", help="LAIT-like benchmark profile for a local authority")
    s.add_argument("la", help="name or code, e.g. Calderdale, 381, E08000033")
    s.add_argument(
        "--model", default="2021", choices=["2021", "2025"], help="statistical neighbour model"
    )
    s.set_defaults(func=cmd_profile)

    s = sub.add_parser(
        "board", help="a new partnership's board folder from DfE's published data (make board)"
    )
    s.add_argument("la", help="name or code, e.g. Kirklees, 382, E08000034")
    s.add_argument("dir", help="the new board's folder (relative to the project root)")
    s.add_argument("--board-file", help="the partnership's names (board.yaml); else placeholders")
    s.add_argument(
        "--model", default="2021", choices=["2021", "2025"], help="statistical neighbour list"
    )
    s.add_argument("--force", action="store_true", help="rebuild make board's files in DIR")
    s.set_defaults(func=cmd_board)

    s = sub.add_parser(
        "fetch-public",
        help="download the public DfE/ONS files of the manifest into PUBLIC_DATA_DIR, verified",
    )
    s.add_argument("files", nargs="*", help="only these files (names in the manifest)")
    s.add_argument("--check", action="store_true", help="only check the folder (no network)")
    s.add_argument(
        "--mirror",
        help="download every file from <MIRROR>/<name> instead (default: $PUBLIC_DATA_MIRROR)",
    )
    s.add_argument("--timeout", type=float, help="seconds to wait for the server to answer")
    s.set_defaults(func=cmd_fetch_public)

    s = sub.add_parser(
        "public-checksums",
        help="manifest rows (CSV) with the size and SHA-256 of every file in a folder",
    )
    s.add_argument("folder", nargs="?", help="default: PUBLIC_DATA_DIR")
    s.set_defaults(func=cmd_public_checksums)

    return p


def configure_logging(verbose: bool = False) -> None:
    level = logging.DEBUG if verbose or os.environ.get("PMQA_DEBUG") else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    for noisy in (
        "great_expectations",
        "papermill",
        "traitlets",
        "matplotlib",
        "fontTools",
        "weasyprint",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"pmqa: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # errors the user can act on are printed as one line, not a traceback
        if type(exc).__name__ in _USER_ERRORS:
            print(f"pmqa: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())

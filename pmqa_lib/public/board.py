"""``make board LA=<name or code> DIR=<folder>``: a new partnership's board, from DfE's published data.

:func:`plan_board` builds every file of the new board in memory from the public files; nothing
is written until :func:`write_board`, which lays the folder out beside its destination and moves
it into place, so an interrupted run never leaves half a board. The folder holds::

    board.yaml                         the partnership's names (placeholders until edited)
    README.md                          what is here and the next commands
    data/raw/reference/catalogue.yaml  the board (authority, codes, region, statistical
                                       neighbours), its agencies, every indicator pmqa can source
                                       from DfE, and the framework's local indicators as
                                       commented templates
    data/raw/reference/population_0_17.csv           the authority's and England's ONS 0-17
    data/raw/reference/comparators.csv (+ _PROVENANCE.md)  England, region, neighbours and the
                                       authority, every year in the public files
    data/raw/<YYYY>Q4/DFE_<YYYY>Q4.csv DfE's published figures for the year, as annual returns
    data/raw/registers/*.csv           the governance registers, empty, with their headers
    reports/templates/<Q>/*.xlsx       the agencies' return templates for the next return due

so that ``make quarter Q=<the latest year's Q4> DATA_DIR=<folder>/data REPORTS_DIR=<folder>/reports``
reports on real figures before any agency has sent anything.

The folder must not be this checkout or its ``data/`` (the example board), and an existing
folder with files in it is refused unless ``force`` (``FORCE=1``): then the files ``make board``
makes are rewritten, each atomically, and every other file (an agency's returns, your notes) is
left as it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from pmqa_lib.core.catalogue import (
    PLACEHOLDER,
    PUBLISHED_AGENCY,
    Catalogue,
    parse_catalogue,
)
from pmqa_lib.core.files import PROJECT_ROOT, atomic_write
from pmqa_lib.core.periods import Quarter
from pmqa_lib.core.reference import POPULATION_COLUMNS, POPULATION_FILE
from pmqa_lib.public import authorities, downloads, ees, fetch, lait, starter
from pmqa_lib.public.board_file import (
    BOARD_FILE,
    BoardFile,
    board_file_text,
    placeholder_board,
)
from pmqa_lib.public.comparators import COMMITTED_FILE, PROVENANCE_FILE, build_comparators
from pmqa_lib.public.published_returns import published_returns, return_file_bytes
from pmqa_lib.public.reference_extracts import (
    POPULATION_SOURCES,
    csv_text,
    extract_population,
    provenance_markdown,
)
from pmqa_lib.registers.specs import SPECS

log = logging.getLogger(__name__)

#: DfE's own agency in a new board's catalogue
PUBLISHED_AGENCY_ENTRY = {
    "code": PUBLISHED_AGENCY,
    "name": "Department for Education (published statistics)",
    "short_name": "DfE",
}


class BoardFolderError(FileExistsError):
    """The folder cannot take a new board: it is the checkout's own, or holds files already."""


@dataclass
class BoardPlan:
    """Everything ``make board`` would write, before anything is written."""

    la: authorities.LocalAuthority
    model: str
    catalogue: Catalogue
    files: dict[str, bytes]
    first_quarter: Quarter
    template_quarter: Quarter
    active: list[str]
    templates: list[str]
    lait_left_out: list[str] = field(default_factory=list)
    years: tuple[str, str] = ("", "")


@dataclass
class WriteOutcome:
    folder: Path
    new: list[str]
    rewritten: list[str]
    unchanged: list[str]
    templates: list[str]


# ---------------------------------------------------------------------------------------------
# The public files a board needs


def required_files(model: str = "2021") -> list[str]:
    """The public files ``make board`` reads, all downloadable (the manifest has URLs for them):
    the starter indicators' DfE files (not LAIT's, which is made by hand), the population files
    their rates divide by and the ONS files of the population table, the neighbour list, the
    files that list the authorities and the ONS lookup its messages use."""
    lib = [e for e in starter.dfe_indicators() if not starter.needs_lait(e)]
    files = starter.public_files(lib)
    files += [ees.population_file_name(f) for f in files]
    files += list(POPULATION_SOURCES)
    files += [authorities.NEIGHBOUR_FILES[str(model)], authorities.LTLA_UTLA_FILE]
    files += list(authorities.REGISTER_FILES)
    return [f for f in dict.fromkeys(files) if f]


def lait_available(public_dir: Path | str | None = None) -> bool:
    """Whether the LAIT extract and its dictionary are in the public folder (then the starter's
    LAIT indicators are active; the extract is made by hand, docs/public_data.md)."""
    folder = downloads.require_public_dir(public_dir)
    return all((folder / f).is_file() for f in (lait.LAIT_FILE, lait.LAIT_DICTIONARY_FILE))


def ensure_public_files(
    names: list[str], folder: Path, report=None, mirror: str | None = None
) -> list[fetch.FileOutcome]:
    """Download the files of ``names`` that are missing from ``folder`` (verified against the
    manifest); a copy already there is used as it is, and one that differs from the manifest is
    reported (a newer download, or one made by hand). Returns one outcome per file.

    Raises
    ------
    fetch.ServerUnreachable
        When a missing file cannot be downloaded because the server cannot be reached.
    downloads.PublicDataError
        When a missing file could not be downloaded (its outcome says why).
    """
    checked = fetch.verify_public(names, folder)
    missing = [o.name for o in checked if o.status == fetch.MISSING]
    fetched = (
        {o.name: o for o in fetch.fetch_public(missing, folder, mirror=mirror)} if missing else {}
    )
    out = [fetched.get(o.name, o) for o in checked]
    if report is not None:
        for o in out:
            report(o)
    failed = [o for o in out if o.status not in (fetch.PRESENT, fetch.DOWNLOADED, fetch.DIFFERS)]
    if failed:
        raise downloads.PublicDataError(
            "make board needs "
            + ", ".join(
                f"{o.name} ({o.status}{': ' + o.detail if o.detail else ''})" for o in failed
            )
            + f" in {folder} (PUBLIC_DATA_DIR): see docs/public_data.md for downloading by hand"
        )
    return out


# ---------------------------------------------------------------------------------------------
# Building the board in memory


def plan_board(
    la_query: str,
    public_dir: Path | str | None = None,
    model: str = "2021",
    board: BoardFile | None = None,
    example_catalogue: Path | str = starter.EXAMPLE_CATALOGUE,
) -> BoardPlan:
    """Every file of a new board for ``la_query`` (a name or code, resolved as ``make profile``
    resolves it, with the same messages).

    Parameters
    ----------
    model : {"2021", "2025"}
        DfE's statistical neighbour list (the 2021 list has no entry for authorities created
        later, such as Cumberland: the message says to use 2025).
    board : BoardFile, optional
        The partnership's names; placeholders when None.

    Raises
    ------
    pmqa_lib.public.authorities.LAResolutionError
        For a name or code that is not one current English authority.
    """
    folder = downloads.require_public_dir(public_dir)
    model = str(model)
    la = authorities.resolve_la(la_query, folder)
    nb = authorities.neighbours_of(la, model, folder)
    board = board or placeholder_board(la.name)
    with_lait = lait_available(folder)
    library = starter.dfe_indicators()
    active = [e for e in library if with_lait or not starter.needs_lait(e)]
    left_out = [e for e in library if e not in active]
    templates = left_out + starter.local_templates(example_catalogue)

    raw = catalogue_mapping(la, nb, model, board, active)
    text = catalogue_text(raw, templates, board, la, left_out)
    cat = parse_catalogue(yaml.safe_load(text))
    comps = build_comparators(cat, folder, model)
    pop = extract_population(folder, (la.new_code,), old_la_code=la.old_code)
    returns = published_returns(comps, cat)
    first = first_report_quarter(comps)
    files: dict[str, bytes] = {
        BOARD_FILE: board_file_text(board, la.name).encode("utf-8"),
        "data/raw/reference/catalogue.yaml": text.encode("utf-8"),
        f"data/raw/reference/{POPULATION_FILE}": csv_text(pop[POPULATION_COLUMNS]).encode(),
        f"data/raw/reference/{COMMITTED_FILE}": csv_text(comps).encode("utf-8"),
        f"data/raw/reference/{PROVENANCE_FILE}": provenance_markdown(
            cat, comps, folder, model, "`make board`"
        ).encode("utf-8"),
    }
    for q, rows in returns.groupby("quarter", sort=True):
        files[f"data/raw/{q}/{PUBLISHED_AGENCY}_{q}.csv"] = return_file_bytes(rows)
    for spec in SPECS.values():
        files[f"data/raw/registers/{spec.name}.csv"] = (",".join(spec.columns) + "\n").encode()
    years = sorted(returns["period"].unique())
    span = (
        (Quarter.parse(years[0]).fy_label, Quarter.parse(years[-1]).fy_label) if years else ("", "")
    )
    plan = BoardPlan(
        la=la, model=model, catalogue=cat, files=files, first_quarter=first,
        template_quarter=next_return_due(cat, first), active=[e["ref"] for e in active],
        templates=[t["ref"] for t in templates], lait_left_out=[e["ref"] for e in left_out],
        years=span,
    )  # fmt: skip
    files["README.md"] = readme_text(plan).encode("utf-8")
    return plan


def catalogue_mapping(
    la: authorities.LocalAuthority,
    neighbours: pd.DataFrame,
    model: str,
    board: BoardFile,
    entries: list[dict],
) -> dict:
    """The catalogue of a new board as a mapping: board section, agencies (the board file's and
    DfE's), and the DfE indicators, each led by the agency of its role."""
    officers = {a.role: (a.code, a.lead_officer) for a in board.agencies}
    council = officers["council"]
    indicators = [
        starter.board_entry(e, *officers.get(e.get("role", "council"), council)) for e in entries
    ]
    return {
        "board": {
            "name": board.name,
            "short_name": board.short_name,
            "la_name": la.name,
            "la_code": la.new_code,
            "la_old_code": la.old_code,
            "region_code": la.region_code,
            "region_name": la.region_name,
            "neighbour_model": str(model),
            "neighbours": [
                {"code": r.neighbour_code, "name": r.neighbour_name}
                for r in neighbours.itertuples()
            ],
        },
        "agencies": [a.catalogue_entry() for a in board.agencies] + [dict(PUBLISHED_AGENCY_ENTRY)],
        "indicators": indicators,
    }


def _dump(obj: object) -> str:
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, width=100)


def catalogue_text(
    raw: dict,
    templates: list[dict],
    board: BoardFile,
    la: authorities.LocalAuthority,
    lait_left_out: list[dict],
) -> str:
    """The catalogue file: a header, the active catalogue, then every template commented out."""
    officers = {a.role: (a.code, a.lead_officer) for a in board.agencies}
    council = officers["council"]
    head = [
        f"# The indicator catalogue of the {la.name} board (docs/catalogue.md), written by make board",
        f"# on {dt.date.today().isoformat()} from DfE's published statistics (PUBLIC_DATA_DIR).",
        "#",
        "# Active: every indicator pmqa can source from DfE, annual (the year ending 31 March),",
        "# rated against England or the statistical neighbours as target_type says; its history is",
        f"# DfE's published figures, in the {PUBLISHED_AGENCY}_<YYYY>Q4.csv returns. To set a local target, add",
        "# target (and rag_thresholds); to collect the council's own figures before DfE publishes,",
        "# ask it for the annual return (the template is under reports/templates/).",
        f"# Names marked {PLACEHOLDER} come from board.yaml: the report lists any left.",
        "",
    ]
    body = _dump(raw)
    tail = [
        "",
        "# ---------------------------------------------------------------------------------------",
        "# Templates: the framework's local indicators (Calderdale's PMQA framework and the example",
        "# board; their texts and targets are the example's: rewrite them for the partnership).",
        "# To adopt one, uncomment it under `indicators:` above (remove the leading '# '), set its",
        "# target, and ask its agency for it each quarter (make templates Q=...); adopt linked",
        "# indicators together or remove the link.",
    ]
    if lait_left_out:
        tail += [
            "# The first ones are DfE's, from the LAIT extract, which is not in the public folder:",
            "# make it as docs/public_data.md says, then adopt them (or run make board again).",
        ]
    tail.append("")
    for t in templates:
        code, officer = officers.get(t.get("role", "council"), council)
        entry = starter.board_entry(t, code, officer)
        dumped = _dump([entry]).rstrip("\n").splitlines()
        tail += ["# " + line if line else "#" for line in ["  " + x for x in dumped]]
        tail.append("")
    return "\n".join(head) + body + "\n".join(tail)


def first_report_quarter(comparators: pd.DataFrame) -> Quarter:
    """The Q4 of the latest year DfE has published most of the board's indicators for: the
    quarter of the first report. (Each indicator's latest published year for the authority;
    the most common, the later on a tie: the children in need release's year, even when the
    looked-after release is a year ahead.)"""
    la = comparators[(comparators["comparator"] == "LA") & comparators["value"].notna()]
    latest = la.groupby("indicator")["dfe_year"].max()
    counts = latest.value_counts()
    year = int(max(counts[counts == counts.max()].index))
    return Quarter(year - 1, 4)


def next_return_due(catalogue: Catalogue, after: Quarter) -> Quarter:
    """The first quarter after ``after`` in which a partner agency (not DfE) has a return due."""
    from pmqa_lib.validate.return_templates import due_indicators

    q = after
    for _ in range(8):
        q = q.shift(1)
        due = due_indicators(catalogue, q)
        if (due["agency"] != PUBLISHED_AGENCY).any():
            return q
    return after.shift(1)


def readme_text(plan: BoardPlan) -> str:
    first, tq = plan.first_quarter, plan.template_quarter
    lait_note = (
        f"\nLeft as templates: {', '.join(plan.lait_left_out)} (DfE's LAIT extract is not in the "
        "public folder; docs/public_data.md says how to make it).\n"
        if plan.lait_left_out
        else ""
    )
    return f"""# {plan.catalogue.board_name}

A pmqa board for {plan.la.name} (DfE code {plan.la.old_code}, {plan.la.new_code}; region
{plan.la.region_name}; DfE {plan.model} statistical neighbours), made by `make board` on
{dt.date.today().isoformat()} from DfE's published statistics.

## First report

From the pmqa checkout:

```
make quarter Q={first.code} DATA_DIR=<this folder>/data REPORTS_DIR=<this folder>/reports
```

{first.long_label}: DfE's published figures for the year ending 31 March {first.fy + 1} and every
year before it ({plan.years[0]} to {plan.years[1]}), with England, the region and the statistical
neighbours, trend, SPC and the RAG of each indicator.

## What is here

| path | what |
|---|---|
| `board.yaml` | the partnership's names: replace every `{PLACEHOLDER}`, then `make board ... BOARD=<this folder>/board.yaml FORCE=1` |
| `data/raw/reference/catalogue.yaml` | the board and its indicators: {len(plan.active)} from DfE ({", ".join(plan.active)}), and {len(plan.templates)} commented templates to adopt or drop |
| `data/raw/reference/population_0_17.csv` | ONS 0-17 populations of {plan.la.name} and England |
| `data/raw/reference/comparators.csv` | England, region, neighbours and {plan.la.name}, every published year (provenance beside it) |
| `data/raw/<YYYY>Q4/{PUBLISHED_AGENCY}_<YYYY>Q4.csv` | DfE's published figures for each year, as annual returns (agency {PUBLISHED_AGENCY}) |
| `data/raw/registers/` | the governance registers (Appendices 2-5, impact log), empty |
| `reports/templates/{tq.code}/` | the agencies' return templates for the next return due, {tq.label} |
{lait_note}
Agencies' returns go in `data/raw/<quarter>/` as `<AGENCY>_<quarter>.csv` (docs/returns.md).
When DfE publishes a new year, run `make board` again with FORCE=1: DfE's files are rewritten,
the agencies' returns and anything else here are kept.
"""


# ---------------------------------------------------------------------------------------------
# Writing


def check_folder(folder: Path, force: bool = False) -> None:
    """Refuse the checkout itself or its ``data/`` (the example board), and, without ``force``,
    a folder that holds files already.

    Raises
    ------
    BoardFolderError
    """
    folder = folder.resolve()
    own_data = (PROJECT_ROOT / "data").resolve()
    if folder == PROJECT_ROOT.resolve() or folder == own_data or own_data in folder.parents:
        raise BoardFolderError(
            f"{folder} is this checkout or its data folder (the example board): give a folder "
            "outside it for the new board, e.g. DIR=../kirklees-board"
        )
    if folder.exists() and not folder.is_dir():
        raise BoardFolderError(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        n = sum(1 for p in folder.rglob("*") if p.is_file())
        raise BoardFolderError(
            f"{folder} already holds {n} file(s); nothing was written. To rebuild the files "
            "make board makes there, run it again with FORCE=1 (the agencies' returns and any "
            "other file are kept)"
        )


def write_board(plan: BoardPlan, folder: Path | str, force: bool = False) -> WriteOutcome:
    """Write ``plan`` into ``folder`` (see the module docstring for the rules).

    The board is laid out in a hidden folder beside ``folder`` (the templates are made there from
    its catalogue); a new folder is then moved into place in one step; with ``force`` into an
    existing one, each file is moved over its old copy atomically.
    """
    folder = Path(folder).resolve()
    check_folder(folder, force)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for rel, data in sorted(plan.files.items()):
            # a new board's raw inputs: written on purpose (check_folder refused this checkout)
            with atomic_write(tmp / rel, "wb", allow_raw=True) as fh:
                fh.write(data)
        templates = _write_templates(plan, tmp)
        made = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        new, rewritten, unchanged = [], [], []
        for rel in made:
            old = folder / rel
            if not old.exists():
                new.append(rel)
            elif old.read_bytes() != (tmp / rel).read_bytes():
                rewritten.append(rel)
            else:
                unchanged.append(rel)
        if not folder.exists() or not any(folder.iterdir()):
            if folder.exists():
                folder.rmdir()
            os.replace(tmp, folder)
        else:
            for rel in made:
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp / rel, folder / rel)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    log.info("board: %s: %d new, %d rewritten, %d unchanged", folder, len(new), len(rewritten),
             len(unchanged))  # fmt: skip
    return WriteOutcome(folder, new, rewritten, unchanged, templates)


def _write_templates(plan: BoardPlan, root: Path) -> list[str]:
    """The agencies' return templates for the next return due (``make templates``' workbooks),
    made from the board's own catalogue: one per agency with indicators due, DfE's left out."""
    from pmqa_lib.validate.return_templates import due_indicators, write_template

    q = plan.template_quarter
    due = due_indicators(plan.catalogue, q)
    due = due[due["agency"] != PUBLISHED_AGENCY]
    last = pd.DataFrame(columns=["indicator", "period", "numerator", "denominator", "value",
                                 "status"])  # fmt: skip  # a new board has no last quarter
    names = []
    for agency, mine in due.groupby("agency", sort=True):
        name = f"{agency}_{q.code}.xlsx"
        write_template(str(agency), mine.reset_index(drop=True), last, q,
                       root / "reports" / "templates" / q.code / name)  # fmt: skip
        names.append(name)
    return names

"""Run the report notebooks and publish the quarter's board report.

:func:`build_board_report` executes ``notebooks/quarter_report.ipynb`` with papermill (kernel
``pmqa``, the project's venv, registered by ``make setup``), converts it to one self-contained
HTML file with pmqa's own nbconvert template (no code, prompts, scripts, web fonts or tracebacks,
and no cell tagged ``explore``: the notebooks' Explore sections stay in the executed notebook),
prints the same HTML to an A4 PDF with WeasyPrint, writes the scorecard and assurance tables to an
Excel workbook and a manifest of inputs (SHA-256), software versions and parameters.

Everything is rendered in a temporary folder beside ``reports/<Q>/`` and moved in only when every
step succeeded; a failing notebook is kept, partly executed, under ``reports/<Q>/failed/`` and the
error is raised.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import logging
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd

from pmqa_lib import __version__
from pmqa_lib.core.files import PROJECT_ROOT, Paths, protect_cells, sha256_file, write_json
from pmqa_lib.core.periods import Quarter

log = logging.getLogger(__name__)

KERNEL = "pmqa"
#: seconds one cell may run before papermill stops it
CELL_TIMEOUT = int(os.environ.get("PMQA_CELL_TIMEOUT", "600"))
NOTEBOOKS = PROJECT_ROOT / "notebooks"
REPORT_NOTEBOOK = NOTEBOOKS / "quarter_report.ipynb"
DRILLDOWN_NOTEBOOK = NOTEBOOKS / "indicator_drilldown.ipynb"
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "pmqa"
CSS_FILE = TEMPLATES / TEMPLATE_NAME / "report.css"
#: the cell tag of the notebooks' Explore sections (tables for an analyst in JupyterLab): those
#: cells and their outputs are left out of every published HTML and PDF
EXPLORE_TAG = "explore"
PACKAGES = (
    "pandas", "numpy", "scipy", "matplotlib", "seaborn", "papermill", "nbconvert", "nbformat",
    "ipykernel", "weasyprint", "openpyxl", "great_expectations", "pymannkendall", "pyyaml",
)  # fmt: skip


class ReportBuildError(RuntimeError):
    """A report could not be built; the message says which step and where the evidence is."""


# ---------------------------------------------------------------------------------------
# Steps


def _kernel_manager_class():
    """A kernel manager that provisions CurveZMQ keys when the kernelspec supports them.

    ipykernel 7 warns on every start ("[IPKernelApp] WARNING | Kernel is running over TCP
    without encryption ...") unless the manager gives it keys. jupyter_client 8.10 can
    (``transport_encryption="auto"``: only where the kernelspec declares ``supported_encryption:
    ["curve"]``, as ``make setup``'s ipykernel writes it). So the warning is not hidden but its
    cause removed, and every other kernel message, errors included, still reaches the terminal.
    With an older jupyter_client or a libzmq without Curve, the default manager is used.
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager

    if not zmq.has("curve") or not AsyncKernelManager.class_traits().get("transport_encryption"):
        return None

    class EncryptedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self.transport_encryption = "auto"

    return EncryptedKernelManager


def execute_notebook(
    source: Path,
    dest: Path,
    parameters: dict,
    failed_dir: Path,
    timeout: int = CELL_TIMEOUT,
    kernel: str = KERNEL,
) -> Path:
    """Execute ``source`` with papermill into ``dest``.

    On failure the partly executed notebook is moved to ``failed_dir`` and
    :class:`ReportBuildError` is raised naming the cell's error and that file.
    """
    import papermill as pm

    manager = _kernel_manager_class()
    extra = {"kernel_manager_class": manager} if manager is not None else {}
    try:
        pm.execute_notebook(
            str(source), str(dest), parameters=parameters, kernel_name=kernel,
            execution_timeout=timeout, progress_bar=False, log_output=False, cwd=str(PROJECT_ROOT),
            **extra,
        )  # fmt: skip
    except Exception as exc:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / dest.name
        if dest.exists():
            shutil.move(str(dest), str(kept))
        reason = _short_error(exc)
        raise ReportBuildError(
            f"{source.name} failed ({reason}); the partly executed notebook is kept at {kept}"
        ) from exc
    return dest


def _short_error(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__


def notebook_to_html(notebook: Path, title: str) -> str:
    """One self-contained HTML page of the notebook's outputs, with pmqa's template and CSS.

    Cells tagged :data:`EXPLORE_TAG` are removed first (nbconvert's ``TagRemovePreprocessor``), so
    an Explore section's tables never reach the published page or the PDF printed from it.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    nb = nbformat.read(str(notebook), as_version=4)
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {EXPLORE_TAG}
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
        exclude_raw=True,
        exclude_unknown=True,
    )
    resources = {
        "pmqa_css": CSS_FILE.read_text(encoding="utf-8"),
        "pmqa_title": title,
        "pmqa_version": __version__,
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    check_self_contained(body)
    return body


class _Scanner(HTMLParser):
    """Finds real elements and attributes (not escaped text) that would run or fetch something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            self.problems.append(f"a <{tag}> element")
        for name, value in attrs:
            v = (value or "").strip().lower()
            if name in ("src", "href", "srcset", "data", "action") and (
                v.startswith(("http:", "https:", "//", "javascript:"))
            ):
                self.problems.append(f"{tag} {name}={value!r} (fetches from the web)")
            if name.startswith("on"):
                self.problems.append(f"an event handler {name} on <{tag}>")

    def handle_data(self, data: str) -> None:
        if "Traceback (most recent call last)" in data:
            self.problems.append("a Python traceback")


_CSS_FETCH = re.compile(r"@import|@font-face|url\(\s*[\"']?\s*(?:https?:)?//", re.I)


def check_self_contained(html: str) -> None:
    """Raise :class:`ReportBuildError` if the HTML would run scripts, fetch from the web or show a
    traceback. Escaped text from returns (``&lt;script&gt;``) is fine: it is shown, not run."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    for style in re.findall(r"<style[^>]*>(.*?)</style>", html, re.S | re.I):
        if _CSS_FETCH.search(style):
            scanner.problems.append("a stylesheet import, web font or remote url()")
    if scanner.problems:
        raise ReportBuildError(f"the HTML is not self-contained: {'; '.join(scanner.problems[:5])}")


def html_to_pdf(html: str, dest: Path) -> Path:
    """Print the HTML to an A4 PDF with WeasyPrint (the stylesheet's print rules apply)."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint.urls import URLFetcher

    # data: URIs only (the embedded charts): the PDF never fetches anything from the web
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    weasyprint.HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher).write_pdf(str(dest))
    return dest


def write_workbook(sheets: dict[str, pd.DataFrame], dest: Path) -> Path:
    """An Excel workbook, one sheet per table, header bold and frozen, columns sized to fit."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(dest, engine="openpyxl") as xl:
        for name, df in sheets.items():
            sheet = name[:31]
            df.to_excel(xl, sheet_name=sheet, index=False)
            ws = xl.sheets[sheet]
            protect_cells(ws)  # text stays text: never a formula (OWASP)
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for i, col in enumerate(df.columns, start=1):
                longest = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
                ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    return dest


def git_commit() -> dict:
    """The checkout's commit and whether it has uncommitted changes ("unknown" outside git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
            check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
        return {"commit": head, "uncommitted_changes": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "uncommitted_changes": None}


def package_versions() -> dict[str, str]:
    out = {"pmqa": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(
    quarter: Quarter,
    paths: Paths,
    inputs: list[Path],
    outputs: list[Path],
    parameters: dict,
    seconds: dict,
) -> dict:
    """The audit trail: input files with SHA-256, outputs, commit, versions, parameters, time."""

    def rel(p: Path) -> str:
        for root in (paths.data_dir, paths.reports_dir, PROJECT_ROOT):
            try:
                return str(Path(p).relative_to(root))
            except ValueError:
                continue
        return str(p)

    return {
        "quarter": quarter.code,
        "label": quarter.long_label,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "parameters": parameters,
        "inputs": [
            {"file": rel(p), "sha256": sha256_file(p), "bytes": Path(p).stat().st_size}
            for p in inputs
        ],
        "outputs": [
            {"file": Path(p).name, "sha256": sha256_file(p), "bytes": Path(p).stat().st_size}
            for p in outputs
        ],
        "git": git_commit(),
        "versions": package_versions(),
        "seconds": seconds,
    }


# ---------------------------------------------------------------------------------------
# Entry points


class _Timer:
    def __init__(self, label: str) -> None:
        self.label, self.seconds = label, {}

    def run(self, stage: str, fn: Callable, *args, **kwargs):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        self.seconds[stage] = round(time.perf_counter() - t0, 2)
        log.info("%s: %s %.1f s", self.label, stage, self.seconds[stage])
        return result


def _publish(tmp: Path, dest_dir: Path, names: list[str]) -> None:
    """Move finished files from the temporary folder into place, one atomic rename each."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(tmp / name, dest_dir / name)


#: a build's temporary folder: ``reports/.<Q>.building.<pid>.<random>``, removed when the build
#: ends; one left by a run that was killed is removed by the next build (and by ``make clean``)
BUILDING = "building"


def _building_dir(reports_dir: Path, quarter: Quarter, stem: str = "") -> Path:
    """A new temporary build folder, named for the quarter and this process."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    clean_stale_builds(reports_dir, quarter)
    prefix = f".{quarter}.{BUILDING}.{os.getpid()}." + (f"{stem}." if stem else "")
    return Path(tempfile.mkdtemp(prefix=prefix, dir=reports_dir))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clean_stale_builds(reports_dir: Path, quarter: Quarter | str) -> list[Path]:
    """Remove the quarter's temporary build folders whose process has ended (a killed run's
    leftovers); a build still running (its process alive) is left alone. Returns what went."""
    removed = []
    for p in Path(reports_dir).glob(f".{quarter}.{BUILDING}.*"):
        parts = p.name.split(".")
        pid = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else None
        if p.is_dir() and not p.is_symlink() and (pid is None or not _alive(pid)):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
            log.info("removed %s, left by a run that did not finish", p)
    return removed


def _abs(p: Path) -> str:
    return str(Path(p).resolve())


def build_board_report(quarter: Quarter | str, paths: Paths, pdf: bool = True) -> dict:
    """Execute the board report notebook and publish HTML, PDF, Excel and the manifest.

    Returns
    -------
    dict
        ``html``, ``pdf`` (None when ``pdf`` is False), ``xlsx``, ``notebook``, ``manifest`` paths
        and ``seconds`` per stage.

    Raises
    ------
    ReportBuildError
        A cell failed (the partly executed notebook is kept in ``reports/<Q>/failed/``), or the HTML
        is not self-contained.
    """
    from pmqa_lib.core.catalogue import load_catalogue
    from pmqa_lib.report import tables
    from pmqa_lib.report.inputs import input_files, load_report_inputs

    q = Quarter.parse(quarter)
    rep = paths.report_dir(q)
    paths.reports_dir.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue(paths.catalogue_file)
    params = {
        "quarter": q.code,
        "data_dir": _abs(paths.data_dir),
        "reports_dir": _abs(paths.reports_dir),
        "board_name": catalogue.board_name,
    }
    timer = _Timer(f"report {q}")
    tmp = _building_dir(paths.reports_dir, q)
    try:
        nb = timer.run("execute", execute_notebook, REPORT_NOTEBOOK, tmp / "quarter_report.ipynb",
                       params, rep / "failed")  # fmt: skip
        title = f"{catalogue.board_name}: Performance Indicator Report and Scorecard, {q.label}"
        html = timer.run("html", notebook_to_html, nb, title)
        (tmp / "board_report.html").write_text(html, encoding="utf-8")
        names = ["quarter_report.ipynb", "board_report.html"]
        if pdf:
            timer.run("pdf", html_to_pdf, html, tmp / "board_report.pdf")
            names.append("board_report.pdf")

        def workbook() -> None:
            inp = load_report_inputs(q, paths)
            sheets = {
                "Scorecard": tables.scorecard(inp.measures, inp.assurance, inp.catalogue, q),
                "Traffic-light summary": tables.traffic_light_summary(
                    inp.assurance, inp.catalogue, q
                ),
                "Exceptions": tables.exception_report(inp.assurance, inp.catalogue),
                "Assurance": inp.assurance,
            }
            write_workbook(sheets, tmp / "board_tables.xlsx")

        timer.run("xlsx", workbook)
        names.append("board_tables.xlsx")
        man = manifest(
            q, paths, input_files(q, paths), [tmp / n for n in names], params, timer.seconds
        )
        write_json(man, tmp / "manifest.json")
        names.append("manifest.json")  # last: the Makefile's target for the report stage
        _publish(tmp, rep, names)
        failed = rep / "failed" / "quarter_report.ipynb"
        if failed.exists():
            failed.unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "html": rep / "board_report.html",
        "pdf": rep / "board_report.pdf" if pdf else None,
        "xlsx": rep / "board_tables.xlsx",
        "notebook": rep / "quarter_report.ipynb",
        "manifest": rep / "manifest.json",
        "seconds": timer.seconds,
    }


def safe_name(ref: str) -> str:
    """An indicator reference as a file-name part: ``1.1 -> 1.1``, ``CSCB 05/a -> CSCB_05_a``."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", str(ref)).strip("._")
    if not name:
        raise ValueError(f"indicator reference {ref!r} gives an empty file name")
    return name


def build_drilldown(quarter: Quarter | str, indicator: str, paths: Paths) -> Path:
    """Execute the drill-down notebook for one indicator; publish ``drilldown_<ref>.html`` (and
    the executed notebook beside it) in ``reports/<Q>/``."""
    from pmqa_lib.core.catalogue import load_catalogue

    q = Quarter.parse(quarter)
    catalogue = load_catalogue(paths.catalogue_file)
    ind = catalogue[str(indicator)]
    rep = paths.report_dir(q)
    stem = f"drilldown_{safe_name(ind.ref)}"
    params = {
        "quarter": q.code,
        "indicator": ind.ref,
        "data_dir": _abs(paths.data_dir),
        "reports_dir": _abs(paths.reports_dir),
    }
    paths.reports_dir.mkdir(parents=True, exist_ok=True)
    timer = _Timer(f"drilldown {q} {ind.ref}")
    tmp = _building_dir(paths.reports_dir, q, stem)
    try:
        nb = timer.run("execute", execute_notebook, DRILLDOWN_NOTEBOOK, tmp / f"{stem}.ipynb",
                       params, rep / "failed")  # fmt: skip
        title = f"{catalogue.board_name}: drill-down of {ind.ref}, {q.label}"
        html = timer.run("html", notebook_to_html, nb, title)
        (tmp / f"{stem}.html").write_text(html, encoding="utf-8")
        _publish(tmp, rep, [f"{stem}.ipynb", f"{stem}.html"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rep / f"{stem}.html"

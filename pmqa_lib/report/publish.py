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

from pmqa_lib import __version__
from pmqa_lib.core.files import PROJECT_ROOT, Paths, sha256_file, write_json
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
#: the quarter's stored charts (:mod:`pmqa_lib.report.chart_store`), in ``reports/<Q>/``
CHARTS_FOLDER = "charts"
#: the cell tag of the notebooks' Explore sections (tables for an analyst in JupyterLab): those
#: cells and their outputs are left out of every published HTML and PDF
EXPLORE_TAG = "explore"
PACKAGES = (
    "pandas", "numpy", "scipy", "matplotlib", "seaborn", "papermill", "nbconvert", "nbformat",
    "ipykernel", "weasyprint", "openpyxl", "gptables", "great_expectations", "pymannkendall",
    "pyyaml",
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


def report_css() -> str:
    """The stylesheet every report page inlines: the palette's colours, then ``report.css``."""
    from pmqa_lib.report import palette

    return palette.css_variables() + CSS_FILE.read_text(encoding="utf-8")


def notebook_to_html(notebook: Path, title: str, script: str = "") -> str:
    """One self-contained HTML page of the notebook's outputs, with pmqa's template and CSS.

    Cells tagged :data:`EXPLORE_TAG` are removed first (nbconvert's ``TagRemovePreprocessor``), so
    an Explore section's tables never reach the published page or the PDF printed from it.
    ``script`` (the board report's filter, :func:`pmqa_lib.report.navigation.filter_script`) is
    inlined before ``</body>``; it is the one script :func:`check_self_contained` lets through.
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
        "pmqa_css": report_css(),
        "pmqa_title": title,
        "pmqa_version": __version__,
        "pmqa_js": script,
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    check_self_contained(body, allowed_scripts=(script,) if script else ())
    return body


class _Scanner(HTMLParser):
    """Finds real elements and attributes (not escaped text) that would run or fetch something.

    A ``<script>`` with no attributes whose text is one of ``allowed`` (pmqa's own filter, inlined
    by the template) is let through; any other script element is a problem.
    """

    def __init__(self, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.allowed = {a.strip() for a in allowed if a.strip()}
        self._script: list[str] | None = None
        self._script_attrs = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            text = "".join(self._script).strip()
            if self._script_attrs or text not in self.allowed:
                self.problems.append("a <script> element")
            self._script = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._script, self._script_attrs = [], bool(attrs)
        elif tag in ("iframe", "object", "embed"):
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
        if self._script is not None:
            self._script.append(data)
            return
        if "Traceback (most recent call last)" in data:
            self.problems.append("a Python traceback")


_CSS_FETCH = re.compile(r"@import|@font-face|url\(\s*[\"']?\s*(?:https?:)?//", re.I)


def check_self_contained(html: str, allowed_scripts: tuple[str, ...] = ()) -> None:
    """Raise :class:`ReportBuildError` if the HTML would run scripts (other than the inline
    ``allowed_scripts``), fetch from the web or show a traceback. Escaped text from returns
    (``&lt;script&gt;``) is fine: it is shown, not run."""
    scanner = _Scanner(allowed_scripts)
    scanner.feed(html)
    scanner.close()
    if scanner._script is not None:
        scanner.problems.append("an unclosed <script> element")
    for style in re.findall(r"<style[^>]*>(.*?)</style>", html, re.S | re.I):
        if _CSS_FETCH.search(style):
            scanner.problems.append("a stylesheet import, web font or remote url()")
    if scanner.problems:
        raise ReportBuildError(f"the HTML is not self-contained: {'; '.join(scanner.problems[:5])}")


#: what the printed page leaves out: the charts' data tables (the page's tables carry the figures),
#: the filter and its script (nothing to click on paper). Only pmqa's own markup matches: text
#: from a return is escaped and can never contain these tags.
_SCREEN_ONLY = re.compile(
    r'<details class="chart-data">.*?</details>|<form class="filters".*?</form>|<script>.*?</script>',
    re.S,
)


def print_html(html: str) -> str:
    """The HTML as the PDF prints it (:data:`_SCREEN_ONLY` removed: less for WeasyPrint to lay out)."""
    return _SCREEN_ONLY.sub("", html)


#: WeasyPrint's PDF variant: PDF/UA-1 makes a tagged PDF (structure tree, alt text of images,
#: the document language from ``<html lang>``, the title shown), as the accessibility
#: regulations ask of published PDFs; the headings give the bookmarks
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str, dest: Path) -> Path:
    """Print the HTML to a tagged A4 PDF with WeasyPrint (the stylesheet's print rules apply)."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint.urls import URLFetcher

    # data: URIs only (the embedded charts): the PDF never fetches anything from the web
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    weasyprint.HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher).write_pdf(
        str(dest), pdf_variant=PDF_VARIANT
    )
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


def _draw_charts(quarter: Quarter, paths: Paths, folder: Path) -> None:
    from pmqa_lib.report import indicator_pages
    from pmqa_lib.report.inputs import load_report_inputs

    try:
        indicator_pages.draw_charts(load_report_inputs(quarter, paths), folder)
    except Exception as exc:  # the notebook draws whatever is missing, and reports any error
        log.warning("charts not drawn ahead of the notebook: %s", exc)


def _start_drawing_charts(quarter: Quarter, paths: Paths, folder: Path):
    """Draw the indicator charts in a second process while the notebook's kernel starts (the
    machine's other core); the notebook then reuses them from the store. Both write each chart
    atomically under one name and key, so whichever finishes a chart first, the result is the
    same. None where processes cannot be forked."""
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        return None
    proc = mp.get_context("fork").Process(
        target=_draw_charts, args=(quarter, paths, folder), daemon=True
    )
    proc.start()
    return proc


def _keep_only(folder: Path, names: set[str]) -> None:
    """Remove from ``folder`` every file not named in ``names`` (charts of indicators no longer
    in the catalogue, a temporary file left by a stopped writer)."""
    if folder.is_dir():
        for f in folder.iterdir():
            if f.name not in names:
                f.unlink()


def _publish_folder(src: Path, dest: Path) -> None:
    """Put the folder ``src`` in place of ``dest``: two renames, the old one removed after."""
    if not src.is_dir():
        return
    old = dest.with_name(f".{dest.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        os.replace(dest, old)
    os.replace(src, dest)
    shutil.rmtree(old, ignore_errors=True)


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
    from pmqa_lib.report import archive_index, board_workbook, indicator_pages, navigation
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
        # the charts are drawn into the new report's folder; the previous quarter build's are
        # copied in first, so a chart drawn from the same numbers is reused, not drawn again
        charts_tmp = tmp / CHARTS_FOLDER
        if (rep / CHARTS_FOLDER).is_dir():
            shutil.copytree(rep / CHARTS_FOLDER, charts_tmp)
        run_params = {**params, "chart_dir": str(charts_tmp)}
        drawing = _start_drawing_charts(q, paths, charts_tmp)
        try:
            nb = timer.run("execute", execute_notebook, REPORT_NOTEBOOK,
                           tmp / "quarter_report.ipynb", run_params, rep / "failed")  # fmt: skip
        finally:
            if drawing is not None:
                drawing.join(timeout=CELL_TIMEOUT)
                if drawing.is_alive():  # never wait on it longer than on a cell
                    drawing.terminate()
                    drawing.join()
        title = f"{catalogue.board_name}: Performance Indicator Report and Scorecard, {q.label}"
        html = timer.run("html", notebook_to_html, nb, title, navigation.filter_script())
        (tmp / "board_report.html").write_text(html, encoding="utf-8")
        names = ["quarter_report.ipynb", "board_report.html"]
        if pdf:
            timer.run("pdf", html_to_pdf, print_html(html), tmp / "board_report.pdf")
            names.append("board_report.pdf")

        def workbook() -> None:
            board_workbook.write_board_workbook(
                load_report_inputs(q, paths), tmp / "board_tables.xlsx"
            )

        timer.run("xlsx", workbook)
        names.append("board_tables.xlsx")
        man = manifest(
            q, paths, input_files(q, paths), [tmp / n for n in names], params, timer.seconds
        )
        final = load_report_inputs(q, paths)
        man["ratings"] = archive_index.ratings(final)
        write_json(man, tmp / "manifest.json")
        _keep_only(charts_tmp, indicator_pages.chart_names(final))
        _publish_folder(charts_tmp, rep / CHARTS_FOLDER)
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
    }  # the notebook reads the board report's charts from reports/<Q>/charts/
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

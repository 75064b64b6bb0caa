"""Where files live, and how they are written.

Paths are resolved from the project root (never the working directory), and can be moved with
the ``DATA_DIR``, ``REPORTS_DIR`` and ``PUBLIC_DATA_DIR`` environment variables, which the Makefile
passes through (a relative value is read from the project root too, so a notebook kernel started
in ``notebooks/`` finds the same folders as ``make``). The notebooks' folder parameters go through
:meth:`Paths.resolve`, the same rule. ``data/raw/`` is read-only to the code: :func:`atomic_write`
refuses to write there. Every output is written to a temporary file in the same folder and then
renamed into place, so a failed run never leaves half a file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmqa_lib.core.periods import Quarter

if TYPE_CHECKING:  # pandas (and text_rules, which needs it) are imported by the writers that use
    # them, so the light commands (``pmqa check``, ``pmqa inputs``) start without pandas
    import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: the Great Expectations suites (JSON) for returns and registers
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


class RawDataWriteError(PermissionError):
    """Code tried to write inside data/raw/, which is read-only by rule."""


@dataclass(frozen=True)
class Paths:
    """Every folder the pipeline reads or writes.

    Parameters
    ----------
    data_dir : Path
        Holds ``raw/`` (inputs, never written) and ``processed/`` (outputs).
    reports_dir : Path
        Holds ``<quarter>/`` report folders.
    public_dir : Path or None
        DfE/ONS downloads (see README); None when not available.
    """

    data_dir: Path
    reports_dir: Path
    public_dir: Path | None = None

    @classmethod
    def from_env(cls) -> Paths:
        """The folders named by ``DATA_DIR``, ``REPORTS_DIR`` and ``PUBLIC_DATA_DIR``, else the
        project's ``data/``, ``reports/`` and :func:`public_data_dir`'s default."""
        return cls.resolve()

    @classmethod
    def resolve(
        cls,
        data_dir: str | os.PathLike | None = None,
        reports_dir: str | os.PathLike | None = None,
        public_dir: str | os.PathLike | None = None,
    ) -> Paths:
        """The folders a notebook's parameters name, resolved the one way the pipeline does.

        Parameters
        ----------
        data_dir, reports_dir, public_dir : str or path, optional
            A relative path is taken from the project root, never the working directory (a
            kernel started by JupyterLab runs in ``notebooks/``). Empty or None falls back to
            the environment and defaults, as :meth:`from_env`: ``DATA_DIR`` else ``data/``,
            ``REPORTS_DIR`` else ``reports/``, :func:`public_data_dir` (None when absent). A
            public folder that is named but does not exist is kept, so the profile can say
            which folder is missing.
        """
        data = from_root(_given(data_dir) or os.environ.get("DATA_DIR") or "data")
        reports = from_root(_given(reports_dir) or os.environ.get("REPORTS_DIR") or "reports")
        public = _given(public_dir)
        return cls(data, reports, from_root(public) if public else public_data_dir())

    # inputs
    @property
    def raw(self) -> Path:
        return self.data_dir / "raw"

    @property
    def reference(self) -> Path:
        return self.raw / "reference"

    @property
    def registers(self) -> Path:
        return self.raw / "registers"

    @property
    def catalogue_file(self) -> Path:
        return self.reference / "catalogue.yaml"

    def returns_dir(self, quarter: Quarter | str) -> Path:
        return self.raw / str(quarter)

    # outputs
    @property
    def processed(self) -> Path:
        return self.data_dir / "processed"

    def processed_dir(self, quarter: Quarter | str) -> Path:
        return self.processed / str(quarter)

    def report_dir(self, quarter: Quarter | str) -> Path:
        return self.reports_dir / str(quarter)


def _given(p: str | os.PathLike | None) -> str:
    """A folder parameter as text; "" when empty or None (papermill passes strings)."""
    return "" if p is None else str(p).strip()


def from_root(p: str | os.PathLike) -> Path:
    """A configured folder as an absolute path: relative ones from the project root (the folder
    ``make`` runs in), never from the working directory."""
    p = Path(p).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()


def configured_public_dir() -> Path:
    """The folder the public DfE/ONS files belong in, whether or not it exists yet:
    ``PUBLIC_DATA_DIR`` (a relative value from the project root), else ``../shared/data/public``
    beside the checkout. ``make fetch-public`` downloads into it."""
    env = os.environ.get("PUBLIC_DATA_DIR")
    if env:
        return from_root(env)
    return (PROJECT_ROOT.parent / "shared" / "data" / "public").resolve()


def public_data_dir() -> Path | None:
    """The folder of public DfE/ONS files (:func:`configured_public_dir`) when it exists.

    Returns None when it does not, so callers can say plainly that the public data is absent.
    """
    folder = configured_public_dir()
    return folder if folder.is_dir() else None


def _umask_mode() -> int:
    """The mode a plain ``open()`` would give a new file (mkstemp's own 0600 is too private for reports)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _check_not_raw(path: Path) -> None:
    # the file open() will write: a relative path is in the working directory here
    path = Path(path).resolve()
    for root in {PROJECT_ROOT / "data" / "raw", Paths.from_env().raw}:
        try:
            path.relative_to(root.resolve())
        except ValueError:
            continue
        raise RawDataWriteError(f"refusing to write {path}: data/raw/ is read-only")


@contextlib.contextmanager
def atomic_write(
    path: Path | str, mode: str = "w", encoding: str | None = "utf-8", *, allow_raw: bool = False
) -> Iterator:
    """Open a temporary file beside ``path``; rename it over ``path`` only if the block succeeds.

    ``allow_raw=True`` is for the developer tools that build the shipped example and reference
    extracts (``make examples``, ``python -m pmqa_lib.dev.reference_refresh``); the pipeline never sets it.
    """
    path = Path(path)
    if not allow_raw:
        _check_not_raw(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with open(tmp, mode, **kwargs) as fh:
            yield fh
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path for a library that writes files itself (Excel, PDF); rename on success."""
    path = Path(path)
    _check_not_raw(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_csv(df: pd.DataFrame, path: Path | str, **kwargs) -> Path:
    """Write ``df`` as CSV atomically (no index, ``\\n`` line ends).

    Every text cell a spreadsheet would run as a formula is neutralised on the way out, and
    bidirectional controls are shown (:func:`pmqa_lib.core.text_rules.neutralise_frame`): the one
    writer of pmqa's CSV files is the one place this happens. Read pmqa's own CSV files back with
    :func:`read_csv`, which restores the text.
    """
    from pmqa_lib.core import text_rules

    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    safe = text_rules.neutralise_frame(df)
    with atomic_write(path) as fh:
        safe.to_csv(fh, **kwargs)
    return Path(path)


def read_csv(path: Path | str, **kwargs) -> pd.DataFrame:
    """Read a CSV file pmqa wrote (:func:`write_csv`), with its text as it was before writing
    (:func:`pmqa_lib.core.text_rules.restore_frame`); ``kwargs`` go to :func:`pandas.read_csv`."""
    import pandas as pd

    from pmqa_lib.core import text_rules

    return text_rules.restore_frame(pd.read_csv(path, **kwargs))


def protect_cells(worksheet) -> None:
    """Make every text cell of an openpyxl worksheet safe to open: never a formula.

    openpyxl stores any text starting with ``=`` as a formula; here every text cell becomes a
    text cell, its bidirectional controls shown, and one a spreadsheet would run
    (:func:`pmqa_lib.core.text_rules.needs_neutralising`) also gets Excel's quote prefix, so it
    stays text when someone edits it (OWASP: "the text stored as a string cell"). Numbers are
    left as numbers. Every workbook pmqa writes passes its sheets through here.
    """
    from pmqa_lib.core import text_rules

    for row in worksheet.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str):
                continue
            shown = text_rules.show_controls(value)
            if shown != value or cell.data_type == "f":
                cell.value = shown
            cell.data_type = "s"
            if text_rules.needs_neutralising(shown):
                cell.quotePrefix = True


def write_text(text: str, path: Path | str) -> Path:
    with atomic_write(path) as fh:
        fh.write(text)
    return Path(path)


def write_json(obj, path: Path | str) -> Path:
    with atomic_write(path) as fh:
        json.dump(obj, fh, indent=2, sort_keys=False, default=str, ensure_ascii=False)
        fh.write("\n")
    return Path(path)


class NotARegularFile(OSError):
    """An input that is a link, folder, pipe or device, or cannot be opened; ``reason`` says
    which, in words for the person who put it there."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def not_a_file_reason(mode: int) -> str | None:
    """Why an input (by its ``lstat`` mode) is not read, or None for a regular file. A link is
    never followed: it could point anywhere on the computer."""
    if stat.S_ISLNK(mode):
        return (
            "it is a link (shortcut) to a file elsewhere, and links are not followed: put the "
            "file itself in the folder"
        )
    if stat.S_ISDIR(mode):
        return (
            "it is a folder: files in subfolders are not read; put each file directly in the "
            "folder it belongs to"
        )
    if not stat.S_ISREG(mode):
        return "it is not an ordinary file (a pipe, socket or device): put the file itself in the folder"
    return None


def read_regular_file(path: Path | str, max_bytes: int) -> tuple[bytes | None, int, str]:
    """A regular file's content, size and SHA-256, opened without following a link.

    The content is None when the file is larger than ``max_bytes`` (it is still hashed, never
    kept). A link, folder, pipe or device raises :class:`NotARegularFile` and is never read: the
    file is opened with ``O_NOFOLLOW`` and ``O_NONBLOCK`` (a pipe cannot block the run) and
    checked with ``fstat`` on the open descriptor, so it cannot be swapped for a link in between.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotARegularFile(not_a_file_reason(stat.S_IFLNK)) from None
        raise NotARegularFile(f"it cannot be opened ({exc.strerror})") from None
    reason = not_a_file_reason(os.fstat(fd).st_mode)
    if reason:
        os.close(fd)
        raise NotARegularFile(reason)
    with os.fdopen(fd, "rb") as fh:
        digest, chunks, size = hashlib.sha256(), [], 0
        while block := fh.read(1 << 20):
            digest.update(block)
            size += len(block)
            if size <= max_bytes:
                chunks.append(block)
    return (b"".join(chunks) if size <= max_bytes else None), size, digest.hexdigest()


def sha256_file(path: Path | str, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()

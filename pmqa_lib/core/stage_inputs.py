"""What each stage of a quarter reads, and a fingerprint of it for ``make``.

The Makefile rebuilds a stage when one of its inputs changes. Raw file names may hold spaces and
files may be added, edited or removed, which make's own file lists cannot follow; so each stage's
raw inputs are listed here, once, and :func:`refresh_fingerprint` rewrites a small fingerprint file
only when the list or any file's size or modification time changed. The Makefile makes each stage
depend on its fingerprint (and on the code it runs), so an unchanged quarter rebuilds nothing.

The same lists give the manifest's inputs (:func:`raw_inputs`), so the audit trail and the
rebuild rule agree on what a quarter's figures come from.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pmqa_lib.core.files import EXPECTATIONS_DIR, Paths, atomic_write
from pmqa_lib.core.periods import Quarter

STAGES = ("validate", "process")


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.is_dir()) if folder.is_dir() else []


def return_folders(quarter: Quarter | str, paths: Paths) -> list[Path]:
    """The returns folders of ``quarter`` and every earlier quarter (revisions and history)."""
    q = Quarter.parse(quarter)
    out = []
    if paths.raw.is_dir():
        for folder in sorted(paths.raw.iterdir()):
            try:
                if folder.is_dir() and Quarter.parse(folder.name) <= q:
                    out.append(folder)
            except ValueError:
                continue
    return out


def validate_inputs(quarter: Quarter | str, paths: Paths) -> list[Path]:
    """The validation stage reads every return up to the quarter, the catalogue and the return
    suites. Anything in a returns folder counts, a subfolder or a link included: validation
    reports those, so adding one must re-run it."""
    files = [p for f in return_folders(quarter, paths) for p in sorted(f.iterdir())]
    files.append(paths.catalogue_file)
    files += [p for p in sorted(EXPECTATIONS_DIR.glob("*.json")) if not _register_suite(p)]
    return files


def _register_suite(path: Path) -> bool:
    return path.name.startswith("register_")


def process_inputs(quarter: Quarter | str, paths: Paths) -> list[Path]:
    """The analyse and registers stages read the reference tables, the registers and the register
    suites (and the validation stage's outputs, which the Makefile names itself)."""
    suites = [p for p in sorted(EXPECTATIONS_DIR.glob("*.json")) if _register_suite(p)]
    return _files_in(paths.reference) + _files_in(paths.registers) + suites


def raw_inputs(quarter: Quarter | str, paths: Paths) -> list[Path]:
    """Every raw file behind a quarter's figures, once each (the manifest's inputs)."""
    seen: dict[Path, None] = {}
    for p in validate_inputs(quarter, paths) + process_inputs(quarter, paths):
        if p.is_file() and not p.is_symlink():  # a link is rejected by validation, never hashed
            seen.setdefault(p, None)
    return list(seen)


def fingerprint(files: list[Path]) -> str:
    """A digest of the file list with each file's size and modification time (a missing file
    counts as such), so adding, removing, renaming or editing any of them changes it."""
    h = hashlib.sha256()
    for p in files:
        try:
            st = p.lstat()
            h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_mode}\n".encode())
        except FileNotFoundError:
            h.update(f"{p}\0missing\n".encode())
    return h.hexdigest()


def fingerprint_file(stage: str, quarter: Quarter | str, paths: Paths) -> Path:
    """Where the Makefile finds the fingerprint of a stage's inputs."""
    return paths.processed_dir(quarter) / ".inputs" / stage


def refresh_fingerprint(stage: str, quarter: Quarter | str, paths: Paths) -> bool:
    """Rewrite the stage's fingerprint file if its inputs changed; return whether it changed.

    An unchanged fingerprint keeps its modification time, so make sees the stage as up to date.
    """
    lists = {"validate": validate_inputs, "process": process_inputs}
    if stage not in lists:
        raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")
    digest = fingerprint(lists[stage](quarter, paths)) + "\n"
    path = fingerprint_file(stage, quarter, paths)
    if path.is_file() and path.read_text(encoding="utf-8") == digest:
        return False
    with atomic_write(path) as fh:
        fh.write(digest)
    return True


def code_files() -> list[Path]:
    """pmqa's own code and templates (every file of the package): a change to any of them makes a
    result kept by :func:`write_stamp` stale."""
    package = Path(__file__).resolve().parents[1]
    return sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts and p.is_file())


def stamp_digest(files: list[Path], extra: str = "") -> str:
    """The fingerprint of ``files``, of pmqa's code and of ``extra`` (one line of text)."""
    return fingerprint(files + code_files()) + (f" {extra}" if extra else "")


def read_stamp(stamp: Path, digest: str) -> str | None:
    """What :func:`write_stamp` stored with ``digest`` in ``stamp``; None when the stamp is
    missing or was written for other inputs.

    The light commands that close every ``make quarter`` (the index and the summary) use it to
    skip their work, and pandas' import, when nothing they read has changed.
    """
    try:
        first, _, body = stamp.read_text(encoding="utf-8").partition("\n")
    except OSError:
        return None
    return body if first == digest else None


def write_stamp(stamp: Path, digest: str, body: str = "") -> None:
    """Record ``digest`` and ``body`` (what was computed from those inputs) in ``stamp``."""
    with atomic_write(stamp) as fh:
        fh.write(f"{digest}\n{body}")

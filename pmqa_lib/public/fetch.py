"""Download the public files of the manifest into ``PUBLIC_DATA_DIR``, each checked against its
size and SHA-256 (``make fetch-public``).

- A file already present with the manifest's size and SHA-256 is not downloaded again.
- A download is streamed into a temporary file beside its target (:func:`core.files.atomic_write`)
  and renamed into place only when its size and SHA-256 match, so an interrupted run or a bad
  download never leaves a half or wrong file under the real name.
- A file the manifest lists as derived (the LAIT extract) has no download: it is reported as one to
  make by hand, unless a mirror serves it.
- A mirror (``PUBLIC_DATA_MIRROR`` or ``mirror=``) is a web folder holding the files under their
  own names: ``<mirror>/<name>``. The checksums are the manifest's whatever the source.
- When the server cannot be reached, :class:`ServerUnreachable` stops the run: every other file
  would fail the same way. Other failures (HTTP errors, checksum mismatches, interrupted
  downloads) are reported per file and the run goes on to the next one.

:func:`fetch_public` and :func:`verify_public` take the file names to work on, so a caller can
fetch only what it needs (``fetch_public(["c1_..._2013_to_2024.csv"])``).
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from pmqa_lib import __version__
from pmqa_lib.core.files import atomic_write, configured_public_dir, sha256_file
from pmqa_lib.public.manifest import PublicFile, select

log = logging.getLogger(__name__)

#: environment variable naming a mirror: a web folder serving the files as ``<mirror>/<name>``
MIRROR_ENV = "PUBLIC_DATA_MIRROR"

#: seconds to wait for the server to connect or send more data
DEFAULT_TIMEOUT = 30.0

#: where a person reads how to download the files by hand
HAND_DOWNLOAD_DOC = "docs/public_data.md"

_CHUNK = 1 << 16

# statuses of a file after a run
PRESENT = "present, verified"
DOWNLOADED = "downloaded, verified"
FAILED = "FAILED"
BY_HAND = "to make by hand"
MISSING = "missing"
DIFFERS = "differs from the manifest"
_OK = frozenset({PRESENT, DOWNLOADED})


class ServerUnreachable(ConnectionError):
    """The download server could not be reached (no network, refused, no answer in time)."""


class PublicFolderNotWritable(PermissionError):
    """The public folder cannot be created or written: no file could be saved."""


class _FileFailed(Exception):
    """One file could not be downloaded and checked; the run goes on to the next file."""


@dataclass(frozen=True)
class FileOutcome:
    """What a run found or did for one file."""

    name: str
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True when the file is in the folder with the manifest's size and SHA-256."""
        return self.status in _OK

    def line(self) -> str:
        return f"{self.name}: {self.status}" + (f": {self.detail}" if self.detail else "")


def mismatch(path: Path, entry: PublicFile) -> str | None:
    """None when ``path`` has the manifest's size and SHA-256; otherwise what differs."""
    if not path.is_file():
        return MISSING
    size = path.stat().st_size
    if size != entry.bytes:
        return f"{size:,} bytes, expected {entry.bytes:,}"
    digest = sha256_file(path)
    if digest != entry.sha256:
        return f"sha256 {digest}, expected {entry.sha256}"
    return None


def download_url(entry: PublicFile, mirror: str | None = None) -> str | None:
    """Where to download ``entry`` from: ``<mirror>/<name>``, else the manifest's URL (None for a
    derived file, which no URL gives)."""
    if mirror:
        return f"{mirror.rstrip('/')}/{quote(entry.name)}"
    return entry.url or None


def verify_public(
    names: Iterable[str] | None = None,
    folder: Path | str | None = None,
    manifest: tuple[PublicFile, ...] | None = None,
) -> list[FileOutcome]:
    """Check the files in ``folder`` against the manifest, without the network.

    Parameters
    ----------
    names : file names, optional
        Only these (all the manifest's files when None).
    folder : path, optional
        Defaults to :func:`pmqa_lib.core.files.configured_public_dir`.
    """
    folder = Path(folder) if folder is not None else configured_public_dir()
    out = []
    for entry in select(list(names or ()), manifest):
        problem = mismatch(folder / entry.name, entry)
        if problem is None:
            out.append(FileOutcome(entry.name, PRESENT, f"{entry.bytes:,} bytes"))
        elif problem == MISSING:
            out.append(FileOutcome(entry.name, MISSING))
        else:
            out.append(FileOutcome(entry.name, DIFFERS, problem))
    return out


def fetch_public(
    names: Iterable[str] | None = None,
    folder: Path | str | None = None,
    *,
    mirror: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    manifest: tuple[PublicFile, ...] | None = None,
    report: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Make ``folder`` hold the manifest's files, verified: download what is missing or differs.

    Parameters
    ----------
    names : file names, optional
        Only these (all the manifest's files when None); an unknown name raises
        :class:`~pmqa_lib.public.manifest.ManifestError` before anything is downloaded.
    folder : path, optional
        Defaults to :func:`pmqa_lib.core.files.configured_public_dir` (``PUBLIC_DATA_DIR``);
        created when absent.
    mirror : str, optional
        A web folder serving the files under their names; defaults to ``PUBLIC_DATA_MIRROR``,
        else each file's manifest URL.
    timeout : float
        Seconds to wait for a connection or for more data.
    manifest : tuple of PublicFile, optional
        Defaults to the committed manifest.
    report : callable, optional
        Called with each file's :class:`FileOutcome` as soon as it is known (progress lines).

    Returns
    -------
    list of FileOutcome
        One per file, in manifest order; every file is tried.

    Raises
    ------
    ServerUnreachable
        When a download cannot reach its server: the run stops there (files already fetched
        are kept; they are complete and verified).
    """
    entries = select(list(names or ()), manifest)
    folder = Path(folder) if folder is not None else configured_public_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _not_writable(folder, exc) from None
    mirror = mirror if mirror is not None else os.environ.get(MIRROR_ENV) or None
    outcomes = []
    for entry in entries:
        outcome = _fetch_one(entry, folder, mirror, timeout)
        if report is not None:
            report(outcome)
        outcomes.append(outcome)
    return outcomes


def _fetch_one(entry: PublicFile, folder: Path, mirror: str | None, timeout: float) -> FileOutcome:
    target = folder / entry.name
    problem = mismatch(target, entry)
    if problem is None:
        return FileOutcome(entry.name, PRESENT, f"{entry.bytes:,} bytes")
    url = download_url(entry, mirror)
    if url is None:
        found = MISSING if problem == MISSING else f"the copy here differs ({problem})"
        source = entry.derived_from.rsplit("/", 1)[-1]
        return FileOutcome(
            entry.name,
            BY_HAND,
            f"{found}; no download gives it (it is derived from {source}): make it as "
            f"{HAND_DOWNLOAD_DOC} says, or fetch it from a mirror ({MIRROR_ENV})",
        )
    if not os.access(folder, os.W_OK):
        raise _not_writable(folder, "permission denied")
    t0 = time.perf_counter()
    try:
        _download(url, target, entry, timeout)
    except _FileFailed as exc:
        return FileOutcome(entry.name, FAILED, str(exc))
    replaced = "" if problem == MISSING else f", replacing a copy that differed ({problem})"
    took = time.perf_counter() - t0
    return FileOutcome(entry.name, DOWNLOADED, f"{entry.bytes:,} bytes in {took:.1f} s{replaced}")


def _not_writable(folder: Path, reason: object) -> PublicFolderNotWritable:
    return PublicFolderNotWritable(
        f"cannot write the public files in {folder} ({reason}): set PUBLIC_DATA_DIR to a folder "
        "you can write"
    )


def _download(url: str, target: Path, entry: PublicFile, timeout: float) -> None:
    """Stream ``url`` into ``target`` through a temporary file, kept only when it matches."""
    request = urllib.request.Request(
        url, headers={"User-Agent": f"pmqa/{__version__} (make fetch-public)"}
    )
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise _FileFailed(f"HTTP {exc.code} {exc.reason} from {url}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ServerUnreachable(
            f"could not reach the server {urlsplit(url).netloc} ({reason}): download the files "
            f"by hand as {HAND_DOWNLOAD_DOC} says, or try again when the network is back"
        ) from None
    with response, atomic_write(target, "wb") as fh:
        digest, received = hashlib.sha256(), 0
        announced = response.headers.get("Content-Length")
        try:
            while chunk := response.read(_CHUNK):
                fh.write(chunk)
                digest.update(chunk)
                received += len(chunk)
        except (OSError, http.client.HTTPException) as exc:
            raise _FileFailed(
                f"download interrupted after {received:,} bytes ({exc}); nothing was kept"
            ) from None
        if announced is not None and announced.isdigit() and received < int(announced):
            raise _FileFailed(
                f"download interrupted: {received:,} of {int(announced):,} bytes arrived; "
                "nothing was kept"
            )
        got = digest.hexdigest()
        if received != entry.bytes or got != entry.sha256:
            raise _FileFailed(
                f"checksum mismatch: expected {entry.bytes:,} bytes, sha256 {entry.sha256}; "
                f"got {received:,} bytes, sha256 {got}; the download was not kept"
            )

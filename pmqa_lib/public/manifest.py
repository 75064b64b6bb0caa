"""The manifest of public files: the one list of the DfE and ONS files pmqa reads.

``public_files.csv`` (package data beside this module) has one row per file of the public folder
(``PUBLIC_DATA_DIR``), with :data:`MANIFEST_COLUMNS`:

- ``name``: the file name the code reads (DfE's own name);
- ``publication`` and ``release``: where the figures are published (``Characteristics of children
  in need``, ``2024``);
- ``source_page``: the page a person would visit (the Explore Education Statistics release, the
  LAIT page, ONS, or the DfE repository);
- ``url``: a download that gives exactly these bytes (a file of a public GitHub repository at a
  pinned commit: ``https://raw.githubusercontent.com/<owner>/<repo>/<commit>/<path>``);
- ``bytes`` and ``sha256``: what :mod:`pmqa_lib.public.fetch` checks every copy against;
- ``derived_from``: for a file made from another one (the LAIT extract is a row filter of LAIT's
  parquet file), that file's URL; ``url`` is then empty, because no download gives these bytes.

``make fetch-public`` downloads from it, and ``docs/public_data.md`` says how to add a release.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pmqa_lib.core.files import sha256_file

#: the committed manifest (package data)
MANIFEST_FILE = Path(__file__).with_name("public_files.csv")

MANIFEST_COLUMNS = (
    "name", "publication", "release", "source_page", "url", "bytes", "sha256", "derived_from",
)  # fmt: skip

#: the host of the pinned download URLs
RAW_GITHUB_HOST = "raw.githubusercontent.com"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_COMMIT = re.compile(r"[0-9a-f]{40}")


class ManifestError(ValueError):
    """The manifest is malformed, or a file name is not in it."""


@dataclass(frozen=True)
class PublicFile:
    """One file of the public folder, as the manifest records it."""

    name: str
    publication: str
    release: str
    source_page: str
    url: str
    bytes: int
    sha256: str
    derived_from: str = ""

    @property
    def derived(self) -> bool:
        """True when no URL gives the file's bytes: it is made from ``derived_from``."""
        return bool(self.derived_from)


@dataclass(frozen=True)
class GitHubSource:
    """A file of a public GitHub repository at one commit, read from a raw download URL."""

    repository: str  # owner/name
    commit: str
    path: str  # inside the repository, decoded


def github_source(url: str) -> GitHubSource | None:
    """The repository, commit and path a ``raw.githubusercontent.com`` URL names.

    None for any other URL, or when the second part after the repository is not a full commit
    id (a branch name is not pinned, so its bytes can change).
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != RAW_GITHUB_HOST or parts.query:
        return None
    segments = parts.path.lstrip("/").split("/", 3)
    if len(segments) != 4 or not _COMMIT.fullmatch(segments[2]) or not segments[3]:
        return None
    owner, repo, commit, path = segments
    return GitHubSource(f"{owner}/{repo}", commit, unquote(path))


def read_manifest(path: Path | str = MANIFEST_FILE) -> tuple[PublicFile, ...]:
    """Read and check a manifest CSV.

    Raises
    ------
    ManifestError
        On a wrong header, a repeated or non-plain file name, a size that is not a positive
        whole number, a SHA-256 that is not 64 lower-case hex digits, or a row without exactly
        one of ``url`` and ``derived_from``. The message names the row.
    """
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != MANIFEST_COLUMNS:
            raise ManifestError(
                f"{path.name}: columns must be {', '.join(MANIFEST_COLUMNS)}; "
                f"found {', '.join(reader.fieldnames or ())}"
            )
        files = [_entry(row, path.name, reader.line_num) for row in reader]
    seen: set[str] = set()
    for f in files:
        if f.name in seen:
            raise ManifestError(f"{path.name}: {f.name} is listed twice")
        seen.add(f.name)
    return tuple(files)


def _entry(row: dict[str, str], source: str, line: int) -> PublicFile:
    where = f"{source} line {line}"
    if None in row:
        raise ManifestError(f"{where}: more cells than the {len(MANIFEST_COLUMNS)} columns")
    values = {k: (v or "").strip() for k, v in row.items()}
    name = values["name"]
    if not name or Path(name).name != name or name.startswith("."):
        raise ManifestError(f"{where}: {name!r} is not a plain file name")
    if not values["bytes"].isdigit() or int(values["bytes"]) == 0:
        raise ManifestError(f"{where}: {name}: bytes {values['bytes']!r} is not a positive number")
    if not _SHA256.fullmatch(values["sha256"]):
        raise ManifestError(f"{where}: {name}: sha256 must be 64 lower-case hex digits")
    if bool(values["url"]) == bool(values["derived_from"]):
        raise ManifestError(f"{where}: {name}: give exactly one of url and derived_from")
    return PublicFile(**{**values, "bytes": int(values["bytes"])})


@lru_cache(maxsize=1)
def load_manifest() -> tuple[PublicFile, ...]:
    """The committed manifest, read once per process."""
    return read_manifest(MANIFEST_FILE)


def manifest_names(manifest: tuple[PublicFile, ...] | None = None) -> tuple[str, ...]:
    """Every file name of the manifest, in its order."""
    return tuple(f.name for f in (manifest if manifest is not None else load_manifest()))


def select(
    names: list[str] | tuple[str, ...] | None = None,
    manifest: tuple[PublicFile, ...] | None = None,
) -> tuple[PublicFile, ...]:
    """The manifest's entries for ``names`` (all of them when None or empty), in manifest order.

    Raises
    ------
    ManifestError
        Naming every requested file that the manifest does not list.
    """
    files = manifest if manifest is not None else load_manifest()
    if not names:
        return tuple(files)
    wanted = set(names)
    unknown = sorted(wanted - {f.name for f in files})
    if unknown:
        raise ManifestError(
            f"not in the manifest of public files: {', '.join(unknown)} "
            f"(the list is pmqa_lib/public/{MANIFEST_FILE.name})"
        )
    return tuple(f for f in files if f.name in wanted)


def file_checksums(folder: Path | str) -> list[tuple[str, int, str]]:
    """``(name, bytes, sha256)`` of every visible file in ``folder``, sorted by name: what a new
    manifest row needs (``pmqa public-checksums``)."""
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return [(p.name, p.stat().st_size, sha256_file(p)) for p in files]

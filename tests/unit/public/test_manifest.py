"""The manifest of public files: well-formed, the one list the code's file names come from, and
(when the public folder is present) exactly the bytes of that folder and of SOURCES.md's blobs.

The network is never used: the URLs are checked by their form and against SOURCES.md, and the
local files' git blob ids show that the pinned URLs serve exactly these bytes.
"""

from __future__ import annotations

import hashlib
import inspect
from urllib.parse import urlsplit

import pytest

from pmqa_lib.cli import main
from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.files import public_data_dir, sha256_file
from pmqa_lib.public import (
    authorities,
    downloads,
    ees,
    lait,
    manifest,
    profile_data,
    reference_extracts,
    starter,
)
from pmqa_lib.public.manifest import MANIFEST_COLUMNS, ManifestError, github_source, read_manifest

PUBLIC = public_data_dir()
needs_public = pytest.mark.skipif(
    PUBLIC is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)

HEADER = ",".join(MANIFEST_COLUMNS)
SHA = "a" * 64
URL = "https://raw.githubusercontent.com/o/r/" + "1" * 40 + "/data/x.csv"
GOOD = f"x.csv,P,2024,https://example.org,{URL},12,{SHA},"


# --- the manifest's form ---------------------------------------------------------------------


def test_a_good_row_reads(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    [entry] = read_manifest(path)
    assert (entry.name, entry.bytes, entry.sha256, entry.derived) == ("x.csv", 12, SHA, False)


@pytest.mark.parametrize(
    "text, message",
    [
        ("name,url\nx.csv,u\n", "columns must be"),
        (f"{HEADER}\n{GOOD}\n{GOOD}\n", "x.csv is listed twice"),
        (f"{HEADER}\nsub/x.csv,P,2024,p,{URL},12,{SHA},\n", "not a plain file name"),
        (f"{HEADER}\n.x.csv,P,2024,p,{URL},12,{SHA},\n", "not a plain file name"),
        (f"{HEADER}\nx.csv,P,2024,p,{URL},0,{SHA},\n", "not a positive number"),
        (f"{HEADER}\nx.csv,P,2024,p,{URL},1.5,{SHA},\n", "not a positive number"),
        (f"{HEADER}\nx.csv,P,2024,p,{URL},12,{SHA.upper()},\n", "64 lower-case hex"),
        (f"{HEADER}\nx.csv,P,2024,p,{URL},12,{SHA},{URL}\n", "exactly one of url and derived_from"),
        (f"{HEADER}\nx.csv,P,2024,p,,12,{SHA},\n", "exactly one of url and derived_from"),
        (f"{HEADER}\n{GOOD},extra\n", "more cells than"),
    ],
)
def test_malformed_manifests_are_refused_naming_the_line(tmp_path, text, message):
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match=message):
        read_manifest(path)


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://raw.githubusercontent.com/data-to-insight/ERN-sessions/"
            "8dbdf2b08a165b7e6ad02bea38a2c18866c0caa4/No%20Local%20Python/data/a.csv",
            (
                "data-to-insight/ERN-sessions",
                "8dbdf2b08a165b7e6ad02bea38a2c18866c0caa4",
                "No Local Python/data/a.csv",
            ),
        ),  # fmt: skip
        ("https://raw.githubusercontent.com/o/r/main/data/a.csv", None),  # a branch is not pinned
        ("http://raw.githubusercontent.com/o/r/" + "1" * 40 + "/a.csv", None),
        ("https://example.org/o/r/" + "1" * 40 + "/a.csv", None),
        ("https://raw.githubusercontent.com/o/r/" + "1" * 40 + "/a.csv?token=x", None),
    ],
)
def test_github_source_reads_only_pinned_raw_urls(url, expected):
    src = github_source(url)
    assert (None if src is None else (src.repository, src.commit, src.path)) == expected


# --- the committed manifest, without the network or the public folder ------------------------


def test_every_committed_url_is_pinned_and_names_its_file():
    for f in manifest.load_manifest():
        src = github_source(f.derived_from or f.url)
        assert src is not None, f"{f.name}: {f.derived_from or f.url} is not a pinned raw URL"
        if not f.derived:
            assert src.path.rsplit("/", 1)[-1] == f.name, f.name
        page = urlsplit(f.source_page)
        assert page.scheme == "https" and page.netloc, f"{f.name}: source page {f.source_page}"
        assert f.publication and f.release, f.name


def test_the_only_derived_file_is_the_lait_extract():
    derived = [f for f in manifest.load_manifest() if f.derived]
    assert [f.name for f in derived] == [lait.LAIT_FILE]
    assert github_source(derived[0].derived_from).path == "01_data/02_prod/bds_long_0.parquet"


def _files_the_code_reads() -> set[str]:
    """Every public file name the code holds: module constants, the profile's measures, the
    catalogue's and the new-board library's DfE sources, and the population files their rates
    divide by."""
    names = set(authorities.NEIGHBOUR_FILES.values()) | set(authorities.REGISTER_FILES)
    names |= {authorities.LTLA_UTLA_FILE, lait.LAIT_FILE, lait.LAIT_DICTIONARY_FILE}
    names |= set(reference_extracts.POPULATION_SOURCES)
    names.add(inspect.signature(ees.read_populations).parameters["name"].default)
    with_rates = {m.file for m in profile_data.PROFILE_MEASURES}
    with_rates |= {i.comparator.dfe.file for i in load_catalogue() if i.comparator.dfe}
    with_rates |= set(starter.public_files(starter.dfe_indicators()))  # a new board's (make board)
    names |= with_rates
    names |= {ees.population_file_name(f) for f in with_rates - {lait.LAIT_FILE}}
    return names - {None}


def test_every_file_the_code_reads_is_in_the_manifest():
    missing = _files_the_code_reads() - set(manifest.manifest_names())
    assert not missing, f"named in the code but not in the manifest: {sorted(missing)}"


def test_release_of_agrees_with_the_manifest():
    """The comparator labels (``release_label``) name the release the manifest records."""
    publications = {"Characteristics of children in need", "Children looked after in England"}
    checked = 0
    for f in manifest.load_manifest():
        if f.publication in publications and not f.name.startswith("ons_"):
            assert downloads.release_of(f.name) == (f.publication, int(f.release)), f.name
            checked += 1
    # CIN tables: 18 of the 2024 release, 5 of 2025, 2 of 2023; 4 files of CLA 2025
    assert checked == 18 + 5 + 2 + 4


def test_public_checksums_prints_manifest_rows_for_a_folder(tmp_path, capsys):
    known = manifest.load_manifest()[0]
    (tmp_path / known.name).write_bytes(b"a newer release\n")
    (tmp_path / "new_table_2013_to_2026.csv").write_bytes(b"abc")
    (tmp_path / ".partial.tmp").write_bytes(b"ignored")
    assert main(["public-checksums", str(tmp_path)]) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == list(MANIFEST_COLUMNS)
    by_name = {r[0]: dict(zip(MANIFEST_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {known.name, "new_table_2013_to_2026.csv"}
    new = by_name["new_table_2013_to_2026.csv"]
    # FIPS 180-2 test vector for "abc"
    assert (new["bytes"], new["sha256"]) == (
        "3", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )  # fmt: skip
    assert new["publication"] == new["url"] == ""  # to fill in by hand
    old = by_name[known.name]
    assert (old["publication"], old["url"]) == (known.publication, known.url)
    assert old["bytes"] == str(len(b"a newer release\n")) != str(known.bytes)


# --- the committed manifest against the public folder ----------------------------------------


def _git_blob_id(data: bytes) -> str:
    """The id git gives a file's bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@needs_public
def test_the_public_folder_matches_the_manifest_byte_for_byte():
    for f in manifest.load_manifest():
        path = PUBLIC / f.name
        assert path.is_file(), f"{f.name} is in the manifest but not in {PUBLIC}"
        assert (path.stat().st_size, sha256_file(path)) == (f.bytes, f.sha256), f.name


@needs_public
def test_urls_name_the_commit_and_path_of_sources_md_and_serve_these_bytes():
    """SOURCES.md records the repository, commit, path and git blob of each file. The manifest's
    URL must name the same repository, commit and path, and the local file's git blob id must be
    SOURCES.md's: then the URL serves exactly the bytes the manifest's SHA-256 describes."""
    sources = reference_extracts.sources_table(PUBLIC / "SOURCES.md")
    files = manifest.load_manifest()
    assert set(sources) == {f.name for f in files}
    for f in files:
        src, recorded = github_source(f.derived_from or f.url), sources[f.name]
        assert (src.repository, src.commit, src.path) == (
            recorded["repository"], recorded["commit"], recorded["path"],
        ), f.name  # fmt: skip
        if not f.derived:  # the derived file's blob is the parquet's, not the CSV's
            assert _git_blob_id((PUBLIC / f.name).read_bytes()) == recorded["blob"], f.name

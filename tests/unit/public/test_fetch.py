"""``make fetch-public`` against a local web server on 127.0.0.1 serving small fixture files.

The test manifest is built from the fixtures' own bytes (size and SHA-256), with URLs on the local
server; the committed manifest is checked against the real public folder in test_manifest.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest

from pmqa_lib.cli import main
from pmqa_lib.public import fetch, manifest
from pmqa_lib.public.manifest import ManifestError, PublicFile
from tests.local_server import refused_url, serve_folder

FIXTURES = {
    "c1_referrals_2013_to_2024.csv": b"time_period,la_name,Referrals\n2024,Calderdale,2053\n",
    "ons population 2012_to_2023.csv": b"time_period,population_estimate\n2023,45005\n",
    "neighbours.csv": b"\xef\xbb\xbfold_la_code,SN_1\n381,888\n",
}
DERIVED = "lait_subset.csv"
DERIVED_BYTES = b"Short Desc,Values\nReReferral,20.4\n"


@pytest.fixture
def served(tmp_path):
    """(server, manifest): the fixtures served from a folder, and their manifest."""
    root = tmp_path / "served"
    root.mkdir()
    for name, data in {**FIXTURES, DERIVED: DERIVED_BYTES}.items():
        (root / name).write_bytes(data)
    with serve_folder(root) as server:
        entries = [
            _entry(name, data, f"{server.url}/{quote(name)}") for name, data in FIXTURES.items()
        ]
        entries.append(
            _entry(DERIVED, DERIVED_BYTES, "", derived_from="https://example.org/x.parquet")
        )
        yield server, tuple(entries)


def _entry(name: str, data: bytes, url: str, derived_from: str = "") -> PublicFile:
    return PublicFile(
        name=name,
        publication="Characteristics of children in need",
        release="2024",
        source_page="https://explore-education-statistics.service.gov.uk/find-statistics/children-in-need/2024",
        url=url,
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        derived_from=derived_from,
    )


def _leftovers(folder: Path) -> list[str]:
    """Hidden temporary files a download might have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_fresh_fetch_downloads_and_verifies_every_file(served, tmp_path):
    server, files = served
    target = tmp_path / "new" / "public"  # created by the fetch
    seen = []
    outcomes = fetch.fetch_public(folder=target, manifest=files, report=seen.append)
    assert seen == outcomes  # one progress report per file, as it happens
    assert [o.name for o in outcomes] == [f.name for f in files]
    assert [o.status for o in outcomes[:3]] == [fetch.DOWNLOADED] * 3
    for name, data in FIXTURES.items():
        assert (target / name).read_bytes() == data
    # the derived file has no download: it is reported, not fetched, and the run is not ok
    derived = outcomes[3]
    assert derived.status == fetch.BY_HAND and not derived.ok
    assert "docs/public_data.md" in derived.detail and "x.parquet" in derived.detail
    assert not (target / DERIVED).exists()
    assert sorted(server.requests) == sorted(FIXTURES)  # the file name with a space was quoted
    assert _leftovers(target) == []


def test_rerun_skips_verified_files_without_asking_the_server(served, tmp_path):
    server, files = served
    fetch.fetch_public(folder=tmp_path, manifest=files[:3])
    asked = len(server.requests)
    again = fetch.fetch_public(folder=tmp_path, manifest=files[:3])
    assert [o.status for o in again] == [fetch.PRESENT] * 3
    assert all(o.ok for o in again)
    assert len(server.requests) == asked  # nothing downloaded again


def test_a_copy_that_differs_is_downloaded_again(served, tmp_path):
    server, files = served
    name = files[0].name
    (tmp_path / name).write_bytes(FIXTURES[name].replace(b"2053", b"2054"))  # same size
    [outcome] = fetch.fetch_public([name], tmp_path, manifest=files)
    assert outcome.status == fetch.DOWNLOADED and "replacing a copy that differed" in outcome.detail
    assert "sha256" in outcome.detail
    assert (tmp_path / name).read_bytes() == FIXTURES[name]


def test_checksum_mismatch_names_the_file_expected_and_got_and_keeps_nothing(served, tmp_path):
    server, files = served
    bad = files[1]
    served_root = tmp_path / "served"
    (served_root / bad.name).write_bytes(b"time_period,population_estimate\n2023,99999\n")
    got = hashlib.sha256((served_root / bad.name).read_bytes()).hexdigest()
    outcomes = fetch.fetch_public(folder=tmp_path / "out", manifest=files[:3])
    by_name = {o.name: o for o in outcomes}
    failed = by_name[bad.name]
    assert failed.status == fetch.FAILED and not failed.ok
    assert "checksum mismatch" in failed.detail
    assert f"expected {bad.bytes:,} bytes, sha256 {bad.sha256}" in failed.detail
    assert f"sha256 {got}" in failed.detail and "not kept" in failed.detail
    assert bad.name in failed.line()
    assert not (tmp_path / "out" / bad.name).exists()
    assert _leftovers(tmp_path / "out") == []
    # the run went on: the other files were downloaded
    assert [by_name[f.name].status for f in (files[0], files[2])] == [fetch.DOWNLOADED] * 2


def test_interrupted_download_leaves_no_file(served, tmp_path):
    server, files = served
    name = files[0].name
    server.cut_short[name] = 10  # the full length announced, 10 bytes sent, connection closed
    [outcome] = fetch.fetch_public([name], tmp_path / "out", manifest=files)
    assert outcome.status == fetch.FAILED
    assert (
        f"10 of {len(FIXTURES[name])} bytes" in outcome.detail
        and "nothing was kept" in outcome.detail
    )
    assert list((tmp_path / "out").iterdir()) == []


def test_interrupted_download_keeps_the_previous_copy(served, tmp_path):
    server, files = served
    name = files[0].name
    old = b"an older copy\n"
    (tmp_path / name).write_bytes(old)
    server.cut_short[name] = 5
    [outcome] = fetch.fetch_public([name], tmp_path, manifest=files)
    assert outcome.status == fetch.FAILED
    assert (tmp_path / name).read_bytes() == old  # renamed over only when complete and verified
    assert _leftovers(tmp_path) == []


def test_interrupted_run_ctrl_c_leaves_no_file(served, tmp_path, monkeypatch):
    """Ctrl-C in the middle of a file: the partial temporary file is removed."""
    server, files = served
    real_urlopen = fetch.urllib.request.urlopen

    class StopsAfterOneChunk:
        def __init__(self, response):
            self.response, self.headers, self.calls = response, response.headers, 0

        def read(self, n):
            self.calls += 1
            if self.calls > 1:
                raise KeyboardInterrupt
            return self.response.read(5)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.response.close()

    monkeypatch.setattr(
        fetch.urllib.request, "urlopen", lambda *a, **k: StopsAfterOneChunk(real_urlopen(*a, **k))
    )
    with pytest.raises(KeyboardInterrupt):
        fetch.fetch_public([files[0].name], tmp_path / "out", manifest=files)
    assert list((tmp_path / "out").iterdir()) == []


def test_http_error_is_reported_and_the_run_goes_on(served, tmp_path):
    server, files = served
    missing = _entry("not_served.csv", b"x\n", f"{server.url}/not_served.csv")
    outcomes = fetch.fetch_public(folder=tmp_path, manifest=(missing, files[0]))
    assert outcomes[0].status == fetch.FAILED and "HTTP 404" in outcomes[0].detail
    assert outcomes[1].status == fetch.DOWNLOADED


def test_a_mirror_serves_every_file_by_name_derived_included(served, tmp_path, monkeypatch):
    server, files = served
    # the manifest's own URLs point nowhere: only the mirror can answer
    nowhere = refused_url()
    elsewhere = tuple(replace(f, url=f"{nowhere}/{f.name}" if f.url else "") for f in files)
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url + "/")
    outcomes = fetch.fetch_public(folder=tmp_path, manifest=elsewhere)
    assert [o.status for o in outcomes] == [fetch.DOWNLOADED] * 4
    assert (tmp_path / DERIVED).read_bytes() == DERIVED_BYTES


def test_server_down_stops_with_server_unreachable(served, tmp_path):
    server, files = served
    with pytest.raises(fetch.ServerUnreachable, match="could not reach the server 127.0.0.1"):
        fetch.fetch_public(folder=tmp_path / "out", manifest=files, mirror=refused_url())
    assert list((tmp_path / "out").iterdir()) == []


def test_cli_server_down_is_one_line_and_non_zero(tmp_path, monkeypatch, capsys):
    """The committed manifest, a server that refuses: one line, no traceback, nothing written."""
    monkeypatch.setenv("PUBLIC_DATA_DIR", str(tmp_path / "public"))
    assert main(["fetch-public", "--mirror", refused_url()]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("pmqa: could not reach the server 127.0.0.1")
    assert "by hand" in err and "docs/public_data.md" in err
    assert list((tmp_path / "public").iterdir()) == []


def test_cli_exit_codes_and_progress_lines(served, tmp_path, monkeypatch, capsys):
    server, files = served
    monkeypatch.setattr(manifest, "load_manifest", lambda: files)
    monkeypatch.setenv("PUBLIC_DATA_DIR", str(tmp_path))
    downloadable = [f.name for f in files[:3]]
    assert main(["fetch-public", *downloadable]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4  # a line per file, then the summary
    assert all(line.startswith("[fetch] ") for line in out)
    assert out[-1] == f"[fetch] all 3 public files present and verified in {tmp_path}"
    # all four: the derived file is missing, so the exit code is 1, after trying every file
    assert main(["fetch-public"]) == 1
    out, err = capsys.readouterr()
    assert out.count("present, verified") == 3
    assert f"{DERIVED}: {fetch.BY_HAND}" in err
    assert err.splitlines()[-1].startswith("pmqa: 1 of 4 public files are not present and verified")


def test_cli_check_reads_the_folder_only(served, tmp_path, monkeypatch, capsys):
    server, files = served
    monkeypatch.setattr(manifest, "load_manifest", lambda: files)
    monkeypatch.setenv("PUBLIC_DATA_DIR", str(tmp_path))
    first, second = files[0].name, files[1].name
    (tmp_path / first).write_bytes(FIXTURES[first])
    (tmp_path / second).write_bytes(b"truncated")
    assert main(["fetch-public", "--check", first, second, files[2].name]) == 1
    out, err = capsys.readouterr()
    assert f"{first}: present, verified" in out
    assert f"{second}: differs from the manifest: 9 bytes, expected" in err
    assert f"{files[2].name}: missing" in err
    assert server.requests == []  # no network


def test_unknown_file_name_is_refused_before_any_download(served, tmp_path, capsys):
    server, files = served
    with pytest.raises(ManifestError, match="not in the manifest of public files: nope.csv"):
        fetch.fetch_public(["nope.csv", files[0].name], tmp_path, manifest=files)
    assert server.requests == []
    assert main(["fetch-public", "--check", "nope.csv"]) == 2
    assert capsys.readouterr().err.startswith("pmqa: not in the manifest of public files: nope.csv")


def test_a_folder_that_cannot_be_made_is_one_clear_error(served, tmp_path):
    server, files = served
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(fetch.PublicFolderNotWritable, match="set PUBLIC_DATA_DIR"):
        fetch.fetch_public(folder=tmp_path / "a-file" / "public", manifest=files)

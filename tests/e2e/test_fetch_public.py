"""`make fetch-public` end to end with the committed manifest: the real public folder is served as a
mirror on 127.0.0.1 (never the internet), fetched into an empty folder, checked byte for byte, and
fetched again with nothing downloaded."""

from __future__ import annotations

import filecmp
import os
import subprocess

import pytest

from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir
from pmqa_lib.public.manifest import manifest_names
from tests.local_server import serve_folder

PUBLIC = public_data_dir()
pytestmark = [
    pytest.mark.skipif(
        PUBLIC is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
    ),
    pytest.mark.public_data,
]


def _make_fetch(target, mirror) -> subprocess.CompletedProcess:
    env = dict(os.environ, PUBLIC_DATA_DIR=str(target), PUBLIC_DATA_MIRROR=mirror)
    return subprocess.run(
        ["make", "--no-print-directory", "fetch-public"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_make_fetch_public_from_a_mirror_of_the_public_folder(tmp_path):
    names = manifest_names()
    target = tmp_path / "public"
    with serve_folder(PUBLIC) as server:
        first = _make_fetch(target, server.url)
        assert first.returncode == 0, first.stderr
        lines = first.stdout.splitlines()
        assert len(lines) == len(names) + 1  # one progress line per file, then the summary
        assert sum("downloaded, verified" in line for line in lines) == len(names)
        assert (
            lines[-1] == f"[fetch] all {len(names)} public files present and verified in {target}"
        )
        match, mismatch, errors = filecmp.cmpfiles(PUBLIC, target, names, shallow=False)
        assert (len(match), mismatch, errors) == (len(names), [], [])
        assert sorted(p.name for p in target.iterdir()) == sorted(names)  # no temporary files

        asked = len(server.requests)
        again = _make_fetch(target, server.url)
        assert again.returncode == 0, again.stderr
        assert again.stdout.count("present, verified") == len(names)
        assert len(server.requests) == asked  # nothing downloaded twice

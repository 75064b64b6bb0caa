"""The board report opened in headless Chromium (Debian's package), as issue 5's acceptance asks:
it renders, logs no console error and makes no network request.

Chromium is run with its own throw-away profile and HOME, ``--dump-dom`` for what it rendered,
``--enable-logging=stderr --log-level=0`` so every console message appears in its log as an
``INFO:CONSOLE`` line, and ``--log-net-log`` so every URL request is recorded. A request made for
the page carries the page's network isolation key (``file://``); Chromium's own background calls
(component updates, time, accounts) carry another and are not the report's doing. A control page
with a script error and two web resources is opened first, so the test proves it can see both.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pmqa_lib.report import navigation, publish
from tests.conftest import EXAMPLE_QUARTER

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (/usr/bin/chromium); CI installs it",
    ),
]
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr",
    "--v=0", "--log-level=0",
]  # fmt: skip


def open_in_chromium(page: Path, work: Path) -> dict:
    """Open ``page`` once; return its rendered DOM, console lines and the page's web requests."""
    work.mkdir(parents=True, exist_ok=True)
    netlog = work / "netlog.json"
    env = {**os.environ, "HOME": str(work)}
    run = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={work / 'profile'}",
         f"--log-net-log={netlog}", "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return {"dom": run.stdout, "console": console, "requests": page_requests(netlog)}


def page_requests(netlog: Path) -> list[str]:
    """http(s) URLs Chromium started to fetch on behalf of a ``file://`` page, from its NetLog."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = str(params.get("url", ""))
        if (
            event.get("type") == start_job
            and url.startswith(("http://", "https://"))
            and "file://" in str(params.get("network_isolation_key", ""))
        ):
            urls.append(url)
    return urls


@pytest.fixture(scope="module")
def rendered(example_run, tmp_path_factory):
    paths, result = example_run
    html = Path(result["html"])
    assert html == paths.report_dir(EXAMPLE_QUARTER) / "board_report.html"
    return html, open_in_chromium(html, tmp_path_factory.mktemp("chromium"))


def test_the_check_sees_console_errors_and_web_requests(tmp_path):
    control = tmp_path / "control.html"
    control.write_text(
        "<html><body><p>control</p><script>console.error('boom'); missing();</script>"
        '<img src="http://example.invalid/x.png">'
        '<link rel="stylesheet" href="https://fonts.example.invalid/a.css"></body></html>',
        encoding="utf-8",
    )
    seen = open_in_chromium(control, tmp_path / "chromium")
    assert "<p>control</p>" in seen["dom"]
    assert any('"boom"' in line for line in seen["console"])
    assert any("missing is not defined" in line for line in seen["console"])
    assert set(seen["requests"]) == {
        "http://example.invalid/x.png",
        "https://fonts.example.invalid/a.css",
    }


def test_board_report_renders_with_the_quarters_figures(rendered):
    _, seen = rendered
    dom = seen["dom"]
    assert "Q2 2015/16" in dom and "65.0" in dom  # 1.1's rolling rate, Appendix 1
    assert "Traffic-light summary" in dom and "Scorecard Q2 2015/16" in dom
    # what the browser built is as self-contained as the file (its one script pmqa's filter)
    publish.check_self_contained(dom, allowed_scripts=(navigation.filter_script(),))


def test_board_report_logs_no_console_message(rendered):
    _, seen = rendered
    assert seen["console"] == []


def test_board_report_makes_no_network_request(rendered):
    html, seen = rendered
    assert seen["requests"] == []
    publish.check_self_contained(
        html.read_text(encoding="utf-8"), allowed_scripts=(navigation.filter_script(),)
    )

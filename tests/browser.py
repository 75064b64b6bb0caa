"""Debian's Chromium driven from Python over the DevTools protocol, for the browser tests.

Chromium is started headless with ``--remote-debugging-pipe``: it reads protocol commands on file
descriptor 3 and writes replies and events on 4, each a JSON object ended by a NUL byte. That is
the transport Playwright and Puppeteer use; no websocket, no Node at test time and no browser
download. :class:`Browser` opens a page, evaluates JavaScript in it (awaiting promises) and
returns the result, which is all the link, filter and axe-core checks need.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from pathlib import Path

from pmqa_lib.core.files import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
#: axe-core, installed from the npm registry by ``npm ci`` (package.json pins the version)
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--mute-audio",
    "--disable-extensions", "--remote-debugging-pipe",
]  # fmt: skip


def _high(fd: int) -> int:
    """``fd`` moved to a descriptor number of 10 or more (the original closed)."""
    import fcntl

    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class BrowserError(RuntimeError):
    """Chromium reported an error, or did not answer in time."""


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, work: Path, timeout: float = 120.0, width: int = 1280) -> None:
        work.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        # pipe ends numbered above 9, so placing them on 3 and 4 can never overwrite one another
        to_child_r, self._to_child = (_high(fd) for fd in os.pipe())
        self._from_child, from_child_w = (_high(fd) for fd in os.pipe())
        args = [str(CHROMIUM), *FLAGS, f"--user-data-dir={work / 'profile'}",
                f"--window-size={width},900", "about:blank"]  # fmt: skip
        # bash places the pipe ends on the descriptors Chromium expects (3 in, 4 out; dash cannot
        # redirect descriptors above 9)
        cmd = f"exec {shlex.join(args)} 3<&{to_child_r} 4>&{from_child_w}"
        self.proc = subprocess.Popen(
            ["/bin/bash", "-c", cmd], pass_fds=(to_child_r, from_child_w),
            env={**os.environ, "HOME": str(work)}, stdout=subprocess.DEVNULL,
            stderr=open(work / "chromium.log", "wb"),  # noqa: SIM115 (closed with the process)
        )  # fmt: skip
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._id = 0
        self._events: list[dict] = []
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)[
            "sessionId"
        ]
        self.send("Page.enable", session=True)
        self.send("Runtime.enable", session=True)

    # --- transport --------------------------------------------------------------------------

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, session: bool = False, **params) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def wait_for(self, event: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, e in enumerate(self._events):
                if e.get("method") == event:
                    return self._events.pop(i)
            self._events.append(self._read_message(deadline))

    # --- pages ------------------------------------------------------------------------------

    def open(self, page: Path | str) -> None:
        """Load a file (or URL) and wait for its load event."""
        url = Path(page).resolve().as_uri() if isinstance(page, Path) else page
        self._events.clear()
        self.send("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.send(
            "Runtime.evaluate", session=True, expression=expression, awaitPromise=True,
            returnByValue=True,
        )  # fmt: skip
        if "exceptionDetails" in result:
            detail = result["exceptionDetails"]
            text = detail.get("exception", {}).get("description") or detail.get("text")
            raise BrowserError(f"JavaScript error: {text}")
        return result["result"].get("value")

    def console_errors(self) -> list[str]:
        """Exceptions and console errors reported since the page was opened."""
        out = []
        for e in self._events:
            if e.get("method") == "Runtime.exceptionThrown":
                out.append(e["params"]["exceptionDetails"].get("text", "exception"))
            elif e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error":
                out.append(" ".join(str(a.get("value")) for a in e["params"]["args"]))
        return out

    def axe(self, tags: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                           "wcag22aa")) -> list[dict]:  # fmt: skip
        """axe-core's violations of the WCAG rules ``tags`` on the open page: one dict per rule
        (id, impact, help, and the failing nodes' selectors)."""
        if not AXE_JS.is_file():
            raise BrowserError(f"{AXE_JS} not found: run `npm ci` (make setup does)")
        self.evaluate(AXE_JS.read_text(encoding="utf-8"))
        run = (
            f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(list(tags))}}}, resultTypes: ['violations']}})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))"
        )
        return self.evaluate(run)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

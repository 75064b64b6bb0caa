"""A web server on 127.0.0.1 for the fetch tests: it serves one folder on an ephemeral port from a
thread, records the paths asked for, and can cut chosen files short (it announces the full length,
sends part of the body and closes the connection). Tests never touch the internet."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote


@dataclass
class LocalServer:
    """What a test sees of the running server."""

    url: str
    requests: list[str] = field(default_factory=list)
    #: file name -> bytes to send before closing the connection
    cut_short: dict[str, int] = field(default_factory=dict)


class _Handler(SimpleHTTPRequestHandler):
    server_state: LocalServer

    def do_GET(self):
        name = unquote(self.path.lstrip("/"))
        self.server_state.requests.append(name)
        if name in self.server_state.cut_short:
            body = (Path(self.directory) / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: self.server_state.cut_short[name]])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, format, *args):  # quiet: the tests read the outcome, not the log
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[LocalServer]:
    """Serve ``folder`` at ``http://127.0.0.1:<free port>`` until the block ends."""
    state = LocalServer(url="")
    handler = type("Handler", (_Handler,), {"server_state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: a port the system gave out and took back."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"

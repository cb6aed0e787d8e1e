"""A local web server for files by URL: it serves a folder with HTTP Range requests (206 Partial Content),
redirects ``/redirect/<name>`` to ``/files/<name>`` (as DANDI's asset URLs redirect to S3), and counts the
bytes it sends. Used by the tests and by ``benchmarks/bench_remote.py``."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Handler(BaseHTTPRequestHandler):
    def __init__(self, *args, server_state, **kwargs):
        self.state = server_state
        super().__init__(*args, **kwargs)

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self.do_GET(body=False)

    def do_GET(self, body: bool = True):
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "/files/" + self.path[len("/redirect/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        name = self.path[len("/files/"):] if self.path.startswith("/files/") else ""
        path = self.state["folder"] / name
        if not name or "/" in name or not path.is_file():
            self.send_error(404)
            return
        size = path.stat().st_size
        start, end = 0, size - 1
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match:
            start = int(match.group(1))
            end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        if not body:
            return
        with open(path, "rb") as file:
            file.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                piece = file.read(min(remaining, 1 << 20))
                if not piece:
                    break
                try:
                    self.wfile.write(piece)
                except (BrokenPipeError, ConnectionResetError):  # a client that read the length and left
                    break
                with self.state["lock"]:
                    self.state["bytes_sent"] += len(piece)
                remaining -= len(piece)


class RangeServer:
    """The running server: ``url(name)``, ``redirect_url(name)``, ``bytes_sent`` (and ``reset()``)."""

    def __init__(self, folder: Path):
        self.state = {"folder": Path(folder), "bytes_sent": 0, "lock": threading.Lock()}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, server_state=self.state))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base}/files/{name}"

    def redirect_url(self, name: str) -> str:
        return f"{self.base}/redirect/{name}"

    @property
    def bytes_sent(self) -> int:
        return self.state["bytes_sent"]

    def reset(self) -> None:
        with self.state["lock"]:
            self.state["bytes_sent"] = 0


@contextmanager
def serving(folder: Path):
    """A `RangeServer` on a free port of 127.0.0.1 serving ``folder``, stopped on exit."""
    server = RangeServer(folder)
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()

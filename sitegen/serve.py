"""``sitegen serve``: build, serve on 127.0.0.1, rebuild on change, reload the open page.

The dev server sits beside the build: it only runs ``sitegen build`` into a private
folder. Live reload is an external script (``/__sitegen/reload.js``) that this server
adds to the HTML it serves, never to the built files, so pages keep working under a
Content-Security-Policy with ``script-src 'self'``. A broken file never stops the server:
its error is printed and served as the page until the file is fixed.
"""

from __future__ import annotations

import html
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from .errors import SitegenError

HOST = "127.0.0.1"
PREFIX = "/__sitegen/"
RELOAD_TAG = f'<script src="{PREFIX}reload.js" defer></script>'
# Polls the build number; a new number means a new build (or a new error): reload.
RELOAD_JS = """\
(function () {
  "use strict";
  var seen = null;
  function poll() {
    fetch("PREFIXbuild", { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (n) {
        if (seen !== null && n !== seen) { window.location.reload(); return; }
        seen = n;
        setTimeout(poll, 700);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
""".replace("PREFIX", PREFIX)


class State:
    """What the handler shows: the output folder, the build number, the last error."""

    def __init__(self, out: Path):
        self.out = out
        self.number = 0
        self.error: list[str] = []
        self.lock = threading.Lock()

    def finished(self, error: list[str]) -> None:
        with self.lock:
            self.number += 1
            self.error = error

    def snapshot(self) -> tuple[int, list[str]]:
        with self.lock:
            return self.number, list(self.error)


def error_page(lines: list[str]) -> bytes:
    """The build's messages as a page; every line escaped, it is contributor text."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Build failed · sitegen serve</title></head>\n<body>\n"
        "<h1>Build failed</h1>\n<p>Fix the file and save it; this page reloads by itself.</p>\n"
        f"<ul class=\"sitegen-errors\">\n{items}\n</ul>\n{RELOAD_TAG}\n</body></html>\n"
    ).encode()


def inject(page: bytes) -> bytes:
    """Add the reload script just before </body> (or at the end)."""
    at = page.lower().rfind(b"</body>")
    tag = RELOAD_TAG.encode()
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


class Handler(SimpleHTTPRequestHandler):
    """Static files from the output folder; HTML gets the reload script; errors win."""

    def __init__(self, *args, state: State, **kwargs):
        self.state = state
        super().__init__(*args, directory=str(state.out), **kwargs)

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for build messages
        pass

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._respond(super().do_HEAD)

    def do_GET(self) -> None:
        self._respond(super().do_GET)

    def _respond(self, plain: Callable[[], None]) -> None:
        """Dev-server paths, the error page, HTML with the reload script; else ``plain``."""
        number, error = self.state.snapshot()
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == PREFIX + "reload.js":
            return self._send(200, RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        if path == PREFIX + "build":
            return self._send(200, str(number).encode(), "text/plain; charset=utf-8")
        file = Path(self.translate_path(path))
        if file.is_dir():
            if not path.endswith("/"):
                return plain()  # the standard redirect to the slash URL
            file = file / "index.html"
        is_page = file.suffix == ".html" or not file.suffix
        if error and is_page:
            return self._send(500, error_page(error), "text/html; charset=utf-8")
        if file.suffix == ".html" and file.is_file():
            return self._send(200, inject(file.read_bytes()), "text/html; charset=utf-8")
        if not file.exists() and is_page and (self.state.out / "404.html").is_file():
            return self._send(404, inject((self.state.out / "404.html").read_bytes()), "text/html; charset=utf-8")
        return plain()


def rebuild(options, state: State, log: TextIO) -> None:
    """One build into the private folder; any failure becomes the served error.

    The build runs as ``sitegen build`` in a process of its own: this one has server
    threads, beside which a build must not fork, and a forked build uses every core
    (page workers, the search index in the background).
    """
    started = time.perf_counter()
    done = subprocess.run(build_command(options), capture_output=True, text=True, check=False)
    lines = [line for line in done.stderr.splitlines() if line.strip()]  # warnings, or what failed
    if done.returncode != 0:
        lines = lines or [f"error: the build ended with status {done.returncode}"]
    for line in lines:
        print(line, file=log)
    if done.returncode == 0:
        print(f"built in {time.perf_counter() - started:.2f} s", file=log)
        lines = []
    log.flush()
    state.finished(lines)


def build_command(options) -> list[str]:
    """``sitegen build`` with the serve command's options, run by this Python."""
    command = [sys.executable, "-m", "sitegen.cli", "build", "--quiet", "-s", str(options.root), "-o", str(options.out), "--base-url", options.base_url]
    flags = {"--drafts": options.drafts, "--no-search": not options.search, "--no-cache": not options.cache, "--strict": options.strict, "--noindex": options.noindex}
    command += [flag for flag, wanted in flags.items() if wanted]
    return command + (["-j", str(options.workers)] if options.workers else [])


def watched(root: Path) -> list[Path]:
    """What a rebuild depends on: content, the archive's templates, translations and themes,
    the config files that exist."""
    names = ("content", "templates", "translations", "themes", "sitegen.toml", "pyproject.toml")
    return [root / n for n in names if (root / n).exists()] or [root]


def serve(
    options,  # build.Options
    port: int = 8000,
    log: TextIO | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Serve until interrupted (or ``stop`` is set); rebuild on every change under ``watched``."""
    from watchfiles import watch

    from .config import archive_root

    archive_root(options.root)  # before serving anything: a typo in -s is no empty site
    log, stop = log or sys.stderr, stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # clean up the folder, like Ctrl+C
    with tempfile.TemporaryDirectory(prefix="sitegen-serve-") as tmp:
        out = Path(tmp) / "site"
        state = State(out)
        try:
            server = ThreadingHTTPServer((HOST, port), partial(Handler, state=state))
        except OSError as exc:
            raise SitegenError(f"cannot serve on {HOST}:{port}: {exc.strerror}; choose another port with -p") from None
        url = f"http://{HOST}:{server.server_address[1]}/"
        options = replace(options, out=out, base_url=url)
        rebuild(options, state, log)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        print(f"serving {url} (Ctrl+C to stop)", file=log, flush=True)
        try:
            for changes in watch(*watched(options.root), stop_event=stop, debounce=200):
                names = sorted({Path(p).name for _, p in changes})
                print(f"changed: {', '.join(names)}; rebuilding", file=log, flush=True)
                rebuild(options, state, log)
        finally:
            server.shutdown()
            server.server_close()
    return 0

"""``sitegen serve``: a real server in a subprocess, edited files, pages read over HTTP."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
import pytest

from sitegen import serve

ARTICLE = "content/articles/2021/03/quillby-lanterns.md"
URL = "/articles/2021/03/quillby-lanterns/"


def article(title: str) -> str:
    return f"---\ntitle: {title}\ndate: 2021-03-04\n---\n\nThe fictional council of Quillby voted on lanterns.\n"


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def wait_for(probe: Callable[[], object], what: str, timeout: float = 30) -> object:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        result = probe()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """``sitegen serve -p 0`` on a one-article archive; yields (base URL, root, terminal lines)."""
    root = tmp_path / "archive"
    (root / ARTICLE).parent.mkdir(parents=True)
    (root / ARTICLE).write_text(article("Quillby votes on lanterns"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen.cli", "serve", "-p", "0", "-s", str(root)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    lines: list[str] = []
    first: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            lines.append(line.rstrip("\n"))
            if line.startswith("serving "):
                first.put(line.split()[1])

    threading.Thread(target=read, daemon=True).start()
    try:
        base = first.get(timeout=60)
        yield base.rstrip("/"), root, lines
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0  # SIGTERM stops it cleanly
    assert not any("sitegen-serve-" in p.name for p in Path(tmp_path).iterdir())


def h1(page: str) -> str:
    return lxml.html.fromstring(page).findtext(".//h1").strip()


def test_rebuilds_on_change_and_shows_errors(server) -> None:
    base, root, terminal = server
    status, page, _ = get(base + URL)
    assert status == 200 and h1(page) == "Quillby votes on lanterns"
    scripts = lxml.html.fromstring(page).xpath("//script/@src")
    assert scripts[-1] == "/__sitegen/reload.js"
    js_status, js, js_headers = get(base + "/__sitegen/reload.js")
    assert js_status == 200 and js_headers["Content-Type"].startswith("text/javascript") and "location.reload" in js
    _, number, _ = get(base + "/__sitegen/build")

    (root / ARTICLE).write_text(article("Quillby postpones the lantern vote"))
    wait_for(lambda: h1(get(base + URL)[1]) == "Quillby postpones the lantern vote", "the rebuilt page")
    # The new site is swapped in a moment before the build is counted as finished: the
    # reload script, polling the number, reloads once it moves.
    wait_for(lambda: int(get(base + "/__sitegen/build")[1]) > int(number), "the build number to move on")

    broken = root / "content/articles/2021/03/broken.md"
    broken.write_text("---\ntitle: [unclosed\ndate: 2021-03-05\n---\nText.\n")

    def error_page() -> str | None:
        status, page, _ = get(base + URL)
        return page if status == 500 else None

    page = wait_for(error_page, "the error page")
    doc = lxml.html.fromstring(page)
    assert doc.findtext(".//h1") == "Build failed"
    messages = [li.text_content() for li in doc.xpath("//ul[@class='sitegen-errors']/li")]
    assert any(m.startswith("error: content/articles/2021/03/broken.md:") and "invalid YAML" in m for m in messages)
    assert doc.xpath("//script/@src") == ["/__sitegen/reload.js"]
    assert any("broken.md" in line and "invalid YAML" in line for line in terminal)
    assert get(base + "/static/style.css")[0] == 200  # the server is still up, assets still served

    broken.unlink()
    wait_for(lambda: get(base + URL)[0] == 200, "recovery after the fix")
    assert h1(get(base + URL)[1]) == "Quillby postpones the lantern vote"


def test_unknown_page_gets_the_404_page(server) -> None:
    base, _, _ = server
    status, page, _ = get(base + "/no/such/page/")
    assert status == 404
    assert lxml.html.fromstring(page).xpath("//script/@src")[-1] == "/__sitegen/reload.js"


def test_contributor_text_is_escaped_on_the_error_page() -> None:
    page = serve.error_page(["error: x.md:2: title: <script>alert(1)</script>"]).decode()
    doc = lxml.html.fromstring(page)
    assert doc.xpath("//script/@src") == ["/__sitegen/reload.js"]  # the only script
    assert doc.xpath("//li")[0].text_content() == "error: x.md:2: title: <script>alert(1)</script>"


def test_reload_script_never_in_built_output(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / ARTICLE).parent.mkdir(parents=True)
    (root / ARTICLE).write_text(article("Quillby votes on lanterns"))
    from sitegen.cli import main

    assert main(["build", "-s", str(root), "--quiet", "--no-search"]) == 0
    built = [p for p in (root / "public").rglob("*") if p.is_file()]
    assert built and not [p for p in built if b"__sitegen" in p.read_bytes()]


def test_inject_places_script_before_body_end() -> None:
    assert serve.inject(b"<html><body><p>x</p></BODY></html>") == (
        b'<html><body><p>x</p><script src="/__sitegen/reload.js" defer></script></BODY></html>'
    )
    assert serve.inject(b"<p>no body</p>").endswith(b"</script>")


@pytest.mark.browser
def test_open_page_reloads_itself(server, chromium) -> None:
    """The external reload script notices a rebuild and reloads the page in the browser."""
    base, root, _ = server
    page = chromium.new_page()
    try:
        page.goto(base + URL)
        assert page.text_content("h1").strip() == "Quillby votes on lanterns"
        page.wait_for_timeout(1000)  # the script has read the current build number
        (root / ARTICLE).write_text(article("Quillby relights the lanterns"))
        page.wait_for_function("document.querySelector('h1').textContent.trim() === 'Quillby relights the lanterns'", timeout=30_000)
        (root / ARTICLE).write_text("---\ntitle: [unclosed\n---\n")
        page.wait_for_function("document.querySelector('h1').textContent === 'Build failed'", timeout=30_000)
    finally:
        page.close()


def test_head_requests_send_no_body(server) -> None:
    base, _, _ = server
    for path in (URL, "/static/style.css", "/__sitegen/reload.js"):
        request = urllib.request.Request(base + path, method="HEAD")
        with urllib.request.urlopen(request, timeout=5) as r:
            assert r.status == 200 and int(r.headers["Content-Length"]) > 0 and r.read() == b""


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    (tmp_path / "content").mkdir()  # an archive, with nothing in it yet
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "sitegen.cli", "serve", "-p", str(port), "-s", str(tmp_path)],
            capture_output=True, text=True, timeout=60, check=False,
        )
    assert done.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr and "choose another port with -p" in done.stderr
    assert "Traceback" not in done.stderr


def test_rebuilds_run_sitegen_build_with_the_serve_options(tmp_path: Path) -> None:
    """A process of its own, without the server's threads, may fork onto every core."""
    from sitegen.build import Options
    from sitegen.serve import build_command

    options = Options(root=tmp_path, out=tmp_path / "site", base_url="http://127.0.0.1:8000/", drafts=True, search=False, workers=3)
    command = build_command(options)
    assert command[:4] == [sys.executable, "-m", "sitegen.cli", "build"]
    assert command[4:] == ["--quiet", "-s", str(tmp_path), "-o", str(tmp_path / "site"), "--base-url", "http://127.0.0.1:8000/", "--drafts", "--no-search", "-j", "3"]


def test_a_folder_that_is_no_archive_is_not_served(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sitegen.cli", "serve", "-p", "0", "-s", str(tmp_path / "typo")],
        capture_output=True, text=True, timeout=20, check=False,
    )
    assert done.returncode == 1 and done.stderr == f"error: {tmp_path / 'typo'}: no such folder\n"

"""The bundled archive in Chromium under netlify.toml's headers: no CSP violation anywhere."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.search import OUTPUT_DIR

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def netlify_headers(path: str) -> dict[str, str]:
    """The headers netlify.toml gives a path: every matching rule ('*' any text, ':x' a segment)."""
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for rule in config.get("headers", []):
        pattern = "".join(".*" if p == "*" else "[^/]+" if p.startswith(":") else re.escape(p)
                          for p in re.split(r"(\*|:[A-Za-z]+)", rule["for"]))
        if re.fullmatch(pattern, path):
            out.update(rule["values"])
    return out


class NetlifyLike(http.server.SimpleHTTPRequestHandler):
    """A static server sending netlify.toml's headers; a missing file gets /404.html, as on Netlify."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        for name, value in netlify_headers(self.path.split("?", 1)[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@pytest.fixture(scope="module")
def base_url(bundled_site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(NetlifyLike, directory=str(bundled_site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def page_urls(site: Path) -> list[str]:
    urls = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        urls.append("/" + (rel.removesuffix("index.html")))
    return urls


def visit(chromium, url: str, action=None) -> list[str]:
    """Load a page (and do ``action``); return every CSP complaint and script error seen."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        problems: list[str] = []
        origin = "/".join(url.split("/", 3)[:3])
        # CSP reports and script errors; a failed same-origin file is a broken page too.
        # (Lead images come from other sites, allowed by img-src https:, and may be offline here.)
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if "Content Security Policy" in m.text or "Refused to" in m.text else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 and r.url.startswith(origin + "/") and r.url != url else None)
        response = page.goto(url, wait_until="load")
        assert response is not None and "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        if action:
            action(page)
        page.wait_for_timeout(150)  # late reports (workers, fetches) arrive asynchronously
        return problems + [f"violation: {v}" for v in page.evaluate("window.__violations")]
    finally:
        context.close()


def test_headers_under_test_are_strict() -> None:
    csp = netlify_headers("/")["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_every_page_loads_without_violations(chromium, bundled_site: Path, base_url: str, proof_figures) -> None:
    urls = page_urls(bundled_site)
    assert len(urls) >= 10 and "/search/" in urls and "/404.html" in urls
    found = {url: problems for url in urls if (problems := visit(chromium, base_url + url))}
    proof_figures["csp: pages loaded under the Netlify headers"] = len(urls)
    assert not found, found


def test_search_runs_under_the_csp(chromium, bundled_site: Path, base_url: str) -> None:
    assert any((bundled_site / OUTPUT_DIR).glob("manifest-*.json"))

    def search(page) -> None:
        page.fill("#search-query", "Shoigu")
        page.press("#search-query", "Enter")
        page.wait_for_selector("#search-results li a", timeout=15_000)
        assert page.locator("#search-results li").count() >= 1

    assert visit(chromium, base_url + "/search/", search) == []


def test_missing_page_gets_404_page_without_violations(chromium, base_url: str) -> None:
    assert visit(chromium, base_url + "/no/such/page/") == []


def test_inline_script_would_be_reported(chromium, tmp_path: Path) -> None:
    """The harness can fail: an inline script under the same headers is caught."""
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title><p>x</p><script>document.title='ran'</script>")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(NetlifyLike, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        problems = visit(chromium, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
    assert any(p.startswith("violation: script-src") for p in problems), problems

"""Shared fixtures: one Chromium, a static file server, and the two sites the proofs run on.

Builds are session-scoped (each site is built once per run), the browser is launched once,
and every proof adds its figures to ``proof_figures`` so the run ends with one summary of
what was actually checked (pages validated, payloads tried, violations found).
"""

from __future__ import annotations

import functools
import http.server
import io
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FICTIONAL_ARTICLES = 200

_FIGURES = pytest.StashKey[dict[str, object]]()


# ---- the run as a whole -------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_FIGURES] = {}


def pytest_collection_finish(session: pytest.Session) -> None:
    """A run that collects nothing would pass silently; make it fail loudly instead."""
    session.config.stash[_FIGURES]["collected"] = len(session.items)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.config.stash[_FIGURES].get("collected") == 0 and not session.config.option.collectonly:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print what the proofs checked: counts, not just green dots."""
    figures = config.stash.get(_FIGURES, {})
    if figures.get("collected") == 0:
        terminalreporter.write_line("no tests were collected: failing the run", red=True)
        return
    shown = {k: v for k, v in figures.items() if k != "collected"}  # the rest come from proofs
    if not shown:
        return
    terminalreporter.section("proof figures")
    for key in sorted(shown):
        terminalreporter.write_line(f"{key}: {shown[key]}")


@pytest.fixture(scope="session")
def proof_figures(pytestconfig: pytest.Config) -> dict[str, object]:
    """A dict the proofs write their figures into; printed at the end of the run."""
    return pytestconfig.stash[_FIGURES]


# ---- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; a missing browser is a failure, never a skip."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does it)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ---- serving a folder ---------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def serve_dir() -> Iterator[Callable[[Path], str]]:
    """``serve_dir(folder) -> base_url``: the folder over HTTP on 127.0.0.1, one thread per folder."""
    servers: dict[Path, http.server.ThreadingHTTPServer] = {}

    def serve(folder: Path) -> str:
        folder = Path(folder).resolve()
        if folder not in servers:
            handler = functools.partial(_QuietHandler, directory=str(folder))
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers[folder] = server
        host, port = servers[folder].server_address[:2]
        return f"http://{host}:{port}/"

    yield serve
    for server in servers.values():
        server.shutdown()
        server.server_close()


# ---- the sites ----------------------------------------------------------------------------


def build_site(root: Path, out: Path) -> Path:
    """Build an archive in-process (as ``sitegen build -s root -o out``), cold, and return ``out``.

    No build cache: the proofs check what a fresh build makes, and never write into the repo.
    """
    from sitegen.build import Options, build

    build(Options(root=root, out=out, cache=False))
    return out


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own archive, built once per run."""
    return build_site(REPO, tmp_path_factory.mktemp("bundled") / "public")


@pytest.fixture(scope="session")
def fictional_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated, clearly fictional archive of 200 articles (bench.corpus)."""
    from bench.corpus import generate

    root = tmp_path_factory.mktemp("fictional")
    generate(root, FICTIONAL_ARTICLES, seed=1)
    # Pages at earlier addresses too (moved_from), for the proofs to check.
    first_article = min((root / "content/articles").rglob("*.md"))
    first_person = min((root / "content/people").glob("*.md"))
    for path, address in ((first_article, "/old/first-article/"), (first_person, "/people/old-first-person.html")):
        path.write_text(path.read_text("utf-8").replace("---\n", f"---\nmoved_from: [{address}]\n", 1), "utf-8")
    with (root / "sitegen.toml").open("a", encoding="utf-8") as config:  # its line on every page, its links in feeds
        config.write('license = "CC-BY-4.0"\n')
    return root


@pytest.fixture(scope="session")
def claims_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An invented archive of fact-checks whose claimants are found or not, a note updated,
    and a licence: what neither other site has, for the proofs to check."""
    from claimsarchive import archive

    root = archive(tmp_path_factory.mktemp("claims"), 'license = "CC-BY-4.0"\n')
    light = root / "content/articles/2030/04/light.md"
    light.write_text(light.read_text("utf-8").replace("    note: Two invented", "    date: 2030-04-03\n    updated: 2030-04-09\n    note: Two invented"), "utf-8")
    return build_site(root, root / "public")


@pytest.fixture(scope="session")
def fictional_site(fictional_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 200-article fictional archive, built once per run."""
    return build_site(fictional_root, tmp_path_factory.mktemp("fictional-out") / "public")


class Terminal(io.StringIO):
    """An output stream that says it is a terminal: progress bars show on it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch) -> Iterator[Terminal]:
    """A terminal, and tqdm as in a fresh process: its monitor thread (started by a bar
    unless turned off) not yet running. A monitor the test started is stopped after."""
    from tqdm import tqdm

    monkeypatch.setattr(tqdm, "monitor", None)
    monkeypatch.setattr(tqdm, "monitor_interval", 10)  # tqdm's default
    yield Terminal()
    if tqdm.monitor is not None:
        tqdm.monitor.exit()

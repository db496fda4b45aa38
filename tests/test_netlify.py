"""netlify.toml: validated offline by @netlify/config, its build command run on this repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

REPO = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
pytestmark = pytest.mark.node
if NODE is None or not (REPO / "node_modules/@netlify/config").is_dir():  # make test installs both
    pytest.fail("needs node and node_modules/@netlify/config: run npm ci", pytrace=False)

# resolveConfig as Netlify's build runs it, but offline and with its log lines returned.
RESOLVE = """
const { resolveConfig } = await import("@netlify/config");
const [cwd, context] = process.argv.slice(1);
const r = await resolveConfig({ cwd, repositoryRoot: cwd, context, branch: "a-branch", offline: true, buffer: true });
console.log(JSON.stringify({ config: r.config, logs: r.logs }));
"""
PREVIEW_URL = "https://deploy-preview-7--fictional-archive.netlify.app"


def resolve(folder: Path, context: str) -> dict:
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", RESOLVE, str(folder), context],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    messages = [line for line in result["logs"]["stdout"] + result["logs"]["stderr"] if line.strip()]
    assert not messages, "@netlify/config warned:\n" + "\n".join(messages)  # warnings are failures
    return result["config"]


@pytest.fixture(scope="module")
def production() -> dict:
    return resolve(REPO, "production")


def test_production_build_settings(production: dict) -> None:
    build = production["build"]
    assert build["publish"] == str(REPO / "public")
    assert build["environment"]["PYTHON_VERSION"] == "3.11"
    steps = build["command"].split(" && ")
    assert steps[-1] == 'python -m sitegen.cli build --strict --no-cache --base-url "$URL/"'
    assert any(s.startswith("python -m pip install") for s in steps)
    assert any(s.startswith("npm ci") for s in steps)


@pytest.mark.parametrize("context", ["deploy-preview", "branch-deploy"])
def test_preview_contexts(context: str) -> None:
    command = resolve(REPO, context)["build"]["command"]
    build = command.split(" && ")[-1]
    assert build == 'python -m sitegen.cli build --strict --no-cache --drafts --noindex --base-url "$DEPLOY_PRIME_URL/"'


def test_warnings_are_caught(tmp_path: Path) -> None:
    """The validator's warnings reach this test: a header set twice with different cases."""
    text = (REPO / "netlify.toml").read_text()
    text += '\n[[headers]]\n  for = "/*"\n  [headers.values]\n    x-content-type-options = "nosniff"\n'
    (tmp_path / "netlify.toml").write_text(text)
    with pytest.raises(AssertionError, match="same header is set twice with different cases"):
        resolve(tmp_path, "production")


def headers_for(config: dict, path: str) -> dict[str, str]:
    """Netlify's matching: every rule whose pattern matches applies ('*' any text, ':x' a segment)."""
    out: dict[str, str] = {}
    for rule in config["headers"]:
        pattern = "".join(".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
                          for part in re.split(r"(\*|:[A-Za-z]+)", rule["for"]))
        if re.fullmatch(pattern, path):
            out.update(rule["values"])
    return out


def test_security_headers_on_every_page(production: dict) -> None:
    for path in ("/", "/articles/2022/02/x/", "/search/", "/static/search.js"):
        h = headers_for(production, path)
        csp = dict(d.strip().split(" ", 1) for d in h["Content-Security-Policy"].split(";"))
        assert csp["script-src"] == "'self'" and csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
        assert "unsafe" not in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] and h["Permissions-Policy"]


def copy_repository(target: Path) -> None:
    """The files Netlify would get: tracked and new files, without ignored ones (venv, node_modules)."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)


def offline(command: str) -> str:
    """The build command with its two install steps swapped for offline equivalents.

    pip: the venv running these tests already has the dependencies and is first on
    PATH; npm: lunr (the only runtime npm package) is copied from this checkout.
    Any other step, and the build step itself, runs exactly as written.
    """
    out = []
    for step in command.split(" && "):
        if step.startswith("python -m pip install"):
            out.append("python -c 'import jinja2, lunr, markdown_it, slugify, watchfiles, yaml'")
        elif step.startswith("npm ci"):
            out.append(f"mkdir -p node_modules && cp -R '{REPO}/node_modules/lunr' node_modules/")
        else:
            out.append(step)
    return " && ".join(out)


def run_build(tmp_path: Path, command: str, env: dict[str, str]) -> Path:
    site = tmp_path / "repo"
    copy_repository(site)
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(
        ["bash", "-c", offline(command)], cwd=site, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, **env, "PATH": bin_dir + os.pathsep + os.environ["PATH"], "PYTHONPATH": ""},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return site / "public"


def test_build_command_builds_this_repository(production: dict, tmp_path: Path) -> None:
    public = run_build(tmp_path, production["build"]["command"], {"URL": "https://fictional-archive.example.org"})
    assert (public / "index.html").is_file() and (public / "404.html").is_file()
    leftovers = sorted(p.name for p in public.parent.iterdir() if p.name.startswith(".sitegen-cache") or p.name.startswith(".public"))
    assert leftovers == [], "a clean checkout builds once: no cache, no spare output"
    index = lxml.html.parse(str(public / "index.html")).getroot()
    assert index.xpath("//link[@rel='canonical']/@href") == ["https://fictional-archive.example.org/"]
    schema = json.loads((public / "schemas/article.schema.json").read_text())
    assert schema["$id"].endswith("/schemas/article.schema.json") and "title" in schema["properties"]
    hashed = [p for p in (public / "search").iterdir() if p.suffix == ".json"]
    assert hashed
    for file in hashed:  # every content-hashed search file is cached for good ...
        assert headers_for(production, f"/search/{file.name}")["Cache-Control"].endswith("immutable")
    for page in ("/search/", "/search/index.html", "/", "/static/style.css"):  # ... and nothing else
        assert "Cache-Control" not in headers_for(production, page)
    assert production["redirects"][-1] == {**production["redirects"][-1], "from": "/*", "to": "/404.html", "status": 404}


def test_preview_command_builds_noindex_site_at_preview_url(tmp_path: Path) -> None:
    command = resolve(REPO, "deploy-preview")["build"]["command"]
    public = run_build(tmp_path, command, {"DEPLOY_PRIME_URL": PREVIEW_URL})
    assert "Disallow: /" in (public / "robots.txt").read_text()
    index = lxml.html.parse(str(public / "index.html")).getroot()
    assert index.xpath("//link[@rel='canonical']/@href") == [PREVIEW_URL + "/"]
    assert index.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_earlier_addresses_are_forced_redirects_before_the_not_found_rule(tmp_path: Path) -> None:
    """The _redirects file a build writes for moved_from, read by Netlify's own parser from the
    publish folder: each a forced 301 (the page sitegen writes there would shadow a plain one),
    ahead of netlify.toml's catch-all 404, and no line it cannot parse (a warning fails resolve)."""
    from sitegen.build import Options, build

    archive = tmp_path / "archive"
    shutil.copytree(REPO / "tests/fixtures/archive", archive)
    article = archive / "content/articles/2031/04/harbour-opens.md"
    article.write_text(article.read_text().replace("section: Local\n", "section: Local\nmoved_from: [/old/harbour, /café/hafen.html]\n"))
    person = archive / "content/people/orla-venn.md"
    person.write_text(person.read_text().replace("name: Orla Venn\n", "name: Orla Venn\nmoved_from: [/people/o-venn/]\n"))
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "netlify.toml", site)
    build(Options(root=archive, out=site / "public", search=False, cache=False))
    rules = [(r["from"], r["to"], r["status"], r["force"]) for r in resolve(site, "production")["redirects"]]
    new = "/articles/2031/04/harbour-opens/"
    person = "/people/orla-venn/"
    assert rules == [
        ("/old/harbour/", new, 301, True), ("/caf%C3%A9/hafen.html", new, 301, True),
        ("/people/o-venn/", person, 301, True), ("/people/o-venn/feed.xml", person + "feed.xml", 301, True),  # a listing's feed and pages
        ("/people/o-venn/page/*", person + "page/:splat", 301, True), ("/*", "/404.html", 404, False),
    ]

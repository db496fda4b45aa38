"""Small helpers shared by the build tests: read a built site as parsed documents."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree, html

ATOM = "{http://www.w3.org/2005/Atom}"


def page(out: Path, url: str) -> html.HtmlElement:
    """Parse the page a URL path serves (pretty URLs: .../index.html)."""
    rel = url.lstrip("/")
    file = out / rel / "index.html" if not rel or rel.endswith("/") else out / rel
    return html.fromstring(file.read_bytes())


def xml(out: Path, rel: str) -> etree._Element:
    return etree.fromstring((out / rel).read_bytes())


def snapshot(out: Path) -> dict[str, str]:
    """Every file of a folder with its sha256, to compare two trees."""
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def axe_violations(page) -> list[str]:
    """Run axe-core (injected from node_modules) on a Playwright page: WCAG 2 A and AA failures."""
    axe = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.is_file(), "axe-core is missing: run npm ci"
    page.add_script_tag(path=str(axe))
    return page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))"
    )

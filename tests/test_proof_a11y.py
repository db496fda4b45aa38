"""axe-core finds no serious or critical violation on any kind of page, in light and dark
colour schemes and at a phone-sized viewport, on both sites, and on an invented archive of
fact-checks with claimants, an updated note and a licence, which neither site has.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
MODES = {
    "light": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "light"},
    "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}
BAD = ("serious", "critical")

pytestmark = pytest.mark.browser


def first_page(out: Path, folder: str) -> str:
    """URL of the first item page under a listing folder, e.g. the first tag."""
    pages = sorted(p for p in (out / folder).glob("*/index.html") if p.parent.name != "page")
    assert pages, f"no pages under /{folder}/"
    return f"/{folder}/{pages[0].parent.name}/"


def annotated_article(out: Path) -> str:
    """An article page with annotation markers if the site has one, else the first article."""
    pages = sorted((out / "articles").glob("*/*/*/index.html"))
    assert pages, "no article pages"
    for p in pages:
        if html.fromstring(p.read_bytes()).xpath("//*[contains(@class, 'annotation-marker')]"):
            return "/" + p.parent.relative_to(out).as_posix() + "/"
    return "/" + pages[0].parent.relative_to(out).as_posix() + "/"


def search_word(out: Path, article_url: str) -> str:
    """A word from an article's headline, so the search page shows results."""
    doc = html.fromstring((out / article_url.strip("/") / "index.html").read_bytes())
    words = re.findall(r"[A-Za-z]{4,}", doc.findtext(".//h1") or "")
    assert words, f"no word to search for in the headline of {article_url}"
    return max(words, key=len).lower()


def pages_to_check(out: Path) -> dict[str, str]:
    article = annotated_article(out)
    return {
        "home": "/",
        "article": article,
        "person": first_page(out, "people"),
        "people index": "/people/",
        "tag": first_page(out, "tags"),
        "outlet": first_page(out, "sources"),  # the bundled one's, with its entry's text and links
        "archive": "/archive/",
        "annotations": "/annotations/",
        "fact-checks": "/annotations/fact-check/",
        "data": "/data/",
        "search": f"/search/?q={search_word(out, article)}",
        "404": "/404.html",
    }


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


# Every mode on the bundled archive (annotations, real text); the large fictional one in light mode.
COMBINATIONS = [("bundled_site", mode) for mode in MODES] + [("fictional_site", "light")]


@pytest.mark.parametrize(("site", "mode"), COMBINATIONS)
def test_no_serious_accessibility_violations(
    site: str, mode: str, request: pytest.FixtureRequest, chromium, serve_dir, proof_figures: dict
) -> None:
    out: Path = request.getfixturevalue(site)
    found = violations(out, pages_to_check(out), mode, chromium, serve_dir, proof_figures)
    assert not found, f"{site}, {mode}:\n" + "\n".join(found)


@pytest.mark.parametrize("mode", MODES)
def test_fact_checks_claimants_and_terms_are_accessible(mode: str, claims_site: Path, chromium, serve_dir, proof_figures: dict) -> None:
    targets = {"article": "/articles/2030/04/light/", "claimant": "/people/ives-marlo/", "fact-checks": "/annotations/fact-check/", "data": "/data/"}
    assert "Claims fact-checked" in html.fromstring((claims_site / "people/ives-marlo/index.html").read_bytes()).text_content()
    found = violations(claims_site, targets, mode, chromium, serve_dir, proof_figures)
    assert not found, f"claims, {mode}:\n" + "\n".join(found)


def violations(out: Path, targets: dict[str, str], mode: str, chromium, serve_dir, proof_figures: dict) -> list[str]:
    """The serious and critical violations axe finds on each of ``targets`` (name: URL) of a
    site, counted in the proof's figures."""
    base = serve_dir(out).rstrip("/")
    context = chromium.new_context(**MODES[mode])
    found: list[str] = []
    try:
        page = context.new_page()
        for name, url in targets.items():
            page.goto(base + url, wait_until="load")
            if name == "search":
                page.wait_for_selector("#search-results li", timeout=15_000)
            if name == "article" and "annotation-marker" in page.content():
                page.locator(".annotation-marker").first.click()  # a note opened, as a reader would
            for v in axe_violations(page):
                if v["impact"] in BAD:
                    targets_hit = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
                    found.append(f"{name} {url}: {v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes: {targets_hit})")
    finally:
        context.close()
    key = "accessibility (axe-core, serious+critical)"
    tally = proof_figures.setdefault(key, {"page views": 0, "violations": 0})
    tally["page views"] += len(targets)
    tally["violations"] += len(found)
    return found


def test_axe_reports_what_it_should(chromium) -> None:
    """The harness itself: an image without alt text and low-contrast text are found."""
    page = chromium.new_page()
    try:
        page.set_content(
            '<!doctype html><html lang="en"><title>t</title><main><img src="data:,">'
            '<p style="color:#777;background:#888">faint</p></main></html>'
        )
        found = {v["id"]: v["impact"] for v in axe_violations(page)}
    finally:
        page.close()
    assert found.get("image-alt") in BAD
    assert found.get("color-contrast") in BAD

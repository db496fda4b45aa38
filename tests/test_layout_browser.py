"""What a reader sees in Debian's Chromium: nothing widens the page on a phone, charts legible, nothing missing."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import build_site
from sitehelpers import page as parsed_page

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}}  # not is_mobile: it widens innerWidth to the content
LONG_WORD = "Quarnelvistobrandexifulmorathequinzalopterivandusk" * 2
LONG_URL = "https://archive.example/" + "/".join(f"segment{n:02d}" for n in range(20))
CODE = "call_the_fictional_ministry_of_lanterns(" + ", ".join(f"argument_{n}" for n in range(12)) + ")"
ARTICLE = f"""---
title: The lantern council counts its lanterns
date: 2031-03-04T10:00:00+00:00
source:
  name: The Fictional Ledger
  url: https://ledger.example/lanterns
summary: A fictional article with everything that can be wider than a phone.
revisions:
- date: 2031-03-04T09:00:00+00:00
  body: |
    An earlier paragraph with {LONG_WORD}.
---

The council met at dawn and counted {LONG_WORD} lanterns.

See {LONG_URL} for the minutes.

| Year | Lanterns lit | Lanterns dimmed | Lanterns stolen | Change on the previous year (percent) | Remarks |
|---|---|---|---|---|---|
| 2030 | 1,204 | 311 | 17 | 4.5 | counted twice by the fictional lamplighters' guild |

```
{CODE}
```
"""


SURNAME = "Vanderquillenbrattsworthington-Hollowmere"  # a fictional double-barrelled name
PERSON = f"""---
name: Wenna {SURNAME}
description: Fictional lamplighter and keeper of the {LONG_WORD[:30]} ledgers
---
{"Wenna kept the fictional lantern ledgers for forty years and wrote them in a hand nobody else could read. " * 6}
"""


def built(root: Path, config: str, files: dict[str, str]) -> Path:
    """An archive of ``files`` (paths under content/) with ``config``, built into root/public."""
    (root / "sitegen.toml").write_text(config)
    for rel, text in files.items():
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_text(text, encoding="utf-8")
    return build_site(root, root / "public")


@pytest.fixture(scope="module")
def wide_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory.mktemp("wide"), 'title = "Lantern Archive"\nbase_url = "https://lanterns.example/"\n',
                 {"articles/2031/03/lanterns.md": ARTICLE, "people/wenna-quill.md": PERSON,
                  "pages/methods.md": f"---\ntitle: How the {LONG_WORD} ledgers are kept\n---\nFictional methods.\n"})


def overflow(chromium, url: str, width: int = 375, ready: str = "body") -> dict:
    context = chromium.new_context(**{**PHONE, "viewport": {"width": width, "height": 740}})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(ready)
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true })")  # closed: not laid out
        return page.evaluate("""() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: innerWidth,
            text: document.querySelector('main').textContent})""")
    finally:
        context.close()


def test_an_article_with_code_a_table_long_words_and_a_diff_fits_a_phone(chromium, wide_site: Path, serve_dir) -> None:
    got = overflow(chromium, serve_dir(wide_site) + "articles/2031/03/lanterns/")
    for wide in (LONG_WORD, LONG_URL, CODE, "Lanterns stolen", "An earlier paragraph"):
        assert wide in got["text"]  # each is on the page, so each was measured
    assert got["scrollWidth"] <= got["innerWidth"]


def test_a_long_page_title_in_every_footer_fits_a_phone(chromium, wide_site: Path, serve_dir) -> None:
    got = overflow(chromium, serve_dir(wide_site))
    assert got["scrollWidth"] <= got["innerWidth"], "the footer's link to the archive's own page widens the page"


def test_a_long_query_fits_the_search_page_on_a_phone(chromium, wide_site: Path, serve_dir) -> None:
    query = "lanterns.example/" + "x" * 300
    got = overflow(chromium, serve_dir(wide_site) + "search/?q=" + query, ready="#search-status:not(:empty)")
    assert query in got["text"]
    assert got["scrollWidth"] <= got["innerWidth"]


def test_the_people_index_fits_320_px(chromium, fictional_site: Path, serve_dir) -> None:
    """400% zoom of a 1280 px window: the sparkline column must not push the table out."""
    got = overflow(chromium, serve_dir(fictional_site) + "people/", width=320)
    assert got["scrollWidth"] <= got["innerWidth"]


@pytest.mark.parametrize("listing", ["people/", "people/by-mentions/"])
def test_a_long_name_does_not_widen_the_people_index_at_320_px(chromium, wide_site: Path, serve_dir, listing: str) -> None:
    """320 px is a phone at 400% zoom (WCAG reflow): the table of people must not widen the page,
    whatever the length of a name or description."""
    got = overflow(chromium, serve_dir(wide_site) + listing, width=320)
    assert SURNAME in got["text"]
    assert got["scrollWidth"] <= got["innerWidth"]


def test_a_bio_keeps_to_the_reading_measure_on_a_desktop(chromium, wide_site: Path, serve_dir) -> None:
    """Lines of a bio as wide as the window (~120 characters) are hard to follow back."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(serve_dir(wide_site) + "people/wenna-quill/")
        widths = page.evaluate("""() => {
            const em = parseFloat(getComputedStyle(document.documentElement).fontSize);
            return {bio: document.querySelector('.person__bio p').getBoundingClientRect().width, measure: 42 * em}}""")
    finally:
        context.close()
    assert 0 < widths["bio"] <= widths["measure"]


def test_a_first_visit_asks_for_nothing_missing(chromium, wide_site: Path, serve_dir) -> None:
    """No "Failed to load resource: 404" in the console: the icon included."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    missing, asked = [], []
    try:
        page = context.new_page()
        page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
        page.on("request", lambda r: asked.append(r.url))
        page.goto(serve_dir(wide_site))
        page.wait_for_timeout(300)  # the icon is fetched after the load event
    finally:
        context.close()
    assert missing == []
    assert any(url.endswith("/static/favicon.svg") for url in asked)



def test_chromium_reads_each_sparkline_by_its_figures(chromium, wide_site: Path, serve_dir) -> None:
    """The "Mentions over time" cell has a name in Chromium's own accessibility tree
    (not an empty cell): the one person of the archive, whom no article names."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(serve_dir(wide_site) + "people/")
        cdp = context.new_cdp_session(page)
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        context.close()
    images = [n.get("name", {}).get("value") for n in nodes if n.get("role", {}).get("value") == "image"]
    assert images == ["No mentions."]


def _axis_labels(chromium, url: str, width: int) -> list[dict]:
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        return page.evaluate("""() => [...document.querySelectorAll('.chart--timeline text')]
            .map((t) => ({text: t.textContent, box: t.getBoundingClientRect().toJSON()}))
            .filter((l) => l.box.height > 0)""")
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_timelines_axis_labels_are_legible_on_a_phone_and_apart(chromium, fictional_site: Path, serve_dir, width: int) -> None:
    """Shrunk to a phone's width, the 640-unit chart's labels were 6 px tall."""
    busiest = parsed_page(fictional_site, "/people/by-mentions/").cssselect("tbody th a")[0].get("href")
    labels = _axis_labels(chromium, serve_dir(fictional_site) + busiest.lstrip("/"), width)
    years = [label for label in labels if label["text"].isdigit() and len(label["text"]) == 4]
    assert len(years) >= 2  # the axis is labelled (by years: the fictional archive spans several)
    assert min(label["box"]["height"] for label in labels) >= 10  # px: 11 px type or larger
    boxes = sorted((label["box"] for label in years), key=lambda b: b["left"])
    assert all(a["right"] <= b["left"] for a, b in itertools.pairwise(boxes))  # no two overlap


def test_earlier_versions_are_printed_without_script(chromium, wide_site: Path, serve_dir) -> None:
    """A printout of a changed article has its earlier text, though the <details> is closed."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(serve_dir(wide_site) + "articles/2031/03/lanterns/")
        diff = page.locator("#revisions .diff li").first
        on_screen = diff.is_visible()
        page.emulate_media(media="print")
        printed = diff.is_visible()
        still_closed = page.evaluate("document.querySelector('#revisions details').open") is False
    finally:
        context.close()
    assert (on_screen, printed, still_closed) == (False, True, True)


@pytest.mark.parametrize("script", [True, False])
def test_the_header_search_box_is_offered_only_where_it_can_search(chromium, wide_site: Path, serve_dir, script: bool) -> None:
    """Search needs JavaScript: without it, no box in the header, and the pages to browse stay."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=script)
    try:
        page = context.new_page()
        page.goto(serve_dir(wide_site) + "articles/2031/03/lanterns/")
        box = page.locator("#site-search").is_visible()
        browse = [a.inner_text() for a in page.locator(".site-nav a").all() if a.is_visible()]
    finally:
        context.close()
    assert box is script
    assert {"People", "Tags", "Archive"} <= set(browse)


@pytest.fixture(scope="module")
def french_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory.mktemp("french"), 'title = "Archive des lanternes"\nlanguage = "fr"\nbase_url = "https://lanternes.example/"\n',
                 {"articles/2031/03/lanterns.md": ARTICLE})


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_the_header_search_box_sits_at_the_right_and_its_placeholder_fits(
    chromium, request, serve_dir, language: str, width: int,
) -> None:
    """At 1280 px the form wrapped with a 130 px gap on its right, and its placeholder was cut
    mid-word ("Search articles, people,"): now at the header's right edge, and the hint whole."""
    site = request.getfixturevalue({"en": "wide_site", "de": "german_long_words", "fr": "french_site"}[language])
    context = chromium.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(serve_dir(site))
        got = page.evaluate("""() => {
            const box = document.getElementById('site-search'), style = getComputedStyle(box);
            const inner = document.querySelector('.site-header__inner');
            const pen = document.createElement('canvas').getContext('2d');
            pen.font = style.font;
            return {
                hint: pen.measureText(box.placeholder).width,
                room: box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
                form: document.querySelector('.site-search').getBoundingClientRect().right,
                button: document.querySelector('.site-search button').getBoundingClientRect().right,
                edge: inner.getBoundingClientRect().right - parseFloat(getComputedStyle(inner).paddingRight)}}""")
    finally:
        context.close()
    assert 0 < got["hint"] <= got["room"]
    assert abs(got["form"] - got["edge"]) < 1 and abs(got["button"] - got["edge"]) < 1


# German makes long words of names: a fictional tag, outlet and person, each one word.
TAG = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"
OUTLET = "Landeshauptstadtnachrichtenrundfunkanstaltsarchiv"
PERSON_NAME = "Wenzeslausine Oberbürgermeisterstellvertreterinnenwahl"
GERMAN = f"""---
title: Der erfundene Hafen zählt seine Laternen
date: 2031-03-04T10:00:00+00:00
source:
  name: {OUTLET}
  url: https://rundfunk.example/laternen
tags: [{TAG}]
people: [{PERSON_NAME}]
summary: Ein erfundener Artikel über erfundene Laternen.
---

Der Rat zählte die Laternen des Hafens.
"""


@pytest.fixture(scope="module")
def german_long_words(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory.mktemp("german-long"), 'title = "Laternenarchiv"\nlanguage = "de"\nbase_url = "https://laternen.example/"\n',
                 {"articles/2031/03/laternen.md": GERMAN})


@pytest.mark.parametrize("path", [
    "", "tags/", "tags/donaudampfschifffahrtsgesellschaftskapitansmutzenabzeichen/", "sources/",
    "sources/landeshauptstadtnachrichtenrundfunkanstaltsarchiv/", "articles/2031/03/laternen/", "people/",
    "people/wenzeslausine-oberburgermeisterstellvertreterinnenwahl/", "search/?q=laternen",
])
def test_long_german_words_in_names_wrap_at_320_px(chromium, german_long_words: Path, serve_dir, path: str) -> None:
    """A tag, an outlet or a person named by one long compound wraps in headings, pills,
    listings and the search page's results and filters, rather than widen the page."""
    ready = ".search-facet" if path.startswith("search/") else "body"
    got = overflow(chromium, serve_dir(german_long_words) + path, width=320, ready=ready)
    assert TAG in got["text"] or OUTLET in got["text"] or PERSON_NAME in got["text"]
    assert got["scrollWidth"] <= got["innerWidth"]


def test_a_long_people_index_offers_a_link_to_each_initial(chromium, fictional_site: Path, serve_dir, bundled_site: Path) -> None:
    """Each initial's link leads to the first person under it (A-Z), on a phone too; the
    list by mentions and a short index (the bundled archive's five people) have none."""
    page = chromium.new_page(viewport={"width": 360, "height": 740})
    page.goto(serve_dir(fictional_site) + "people/")
    names = page.eval_on_selector_all(".people-index tbody th a", "as => as.map(a => a.textContent)")
    links = page.eval_on_selector_all(".letter-links a", "as => as.map(a => [a.textContent, a.getAttribute('href')])")
    assert len(names) >= 40 and [letter for letter, _ in links] == list(dict.fromkeys(n[0].upper() for n in names))
    for letter, href in links:
        first = page.eval_on_selector(href, "tr => tr.querySelector('th a').textContent")
        assert first == next(n for n in names if n[0].upper() == letter)
    sizes = page.eval_on_selector_all(".letter-links a", "as => as.map(a => a.getBoundingClientRect()).map(r => [r.width, r.height])")
    assert min(min(size) for size in sizes) >= 24
    letter, href = links[len(links) // 2]
    page.click(f'.letter-links a[href="{href}"]')
    assert 0 <= page.eval_on_selector(href, "tr => tr.getBoundingClientRect().top") < 40
    page.goto(serve_dir(fictional_site) + "people/by-mentions/")
    assert page.locator(".letter-links").count() == 0
    page.goto(serve_dir(bundled_site) + "people/")
    assert page.locator(".letter-links").count() == 0
    page.close()

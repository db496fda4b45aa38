"""What a reader does on /search/, in Debian's Chromium: find, filter, type, mistype."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic
from urllib.parse import parse_qs, urlencode, urlparse

import lxml.html
import pytest
from conftest import build_site
from sitehelpers import axe_violations

pytestmark = pytest.mark.browser
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@pytest.fixture
def page(chromium):
    """A page that records console errors and uncaught exceptions; none may happen."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # Failed loads by URL; the browser's own favicon probe is not the page's doing.
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    page.problems = problems
    yield page
    context.close()
    assert problems == []


def wait_for_status(page, pattern: str = r"\S") -> str:
    page.wait_for_function(
        "re => new RegExp(re).test(document.getElementById('search-status').textContent)",
        arg=pattern,
    )
    return page.text_content("#search-status")


def titles(page) -> list[str]:
    return page.locator(".search-hit__title a").all_text_contents()


def test_shoigu_finds_the_seed_article_first(page, bundled_site: Path, serve_dir) -> None:
    base = serve_dir(bundled_site)
    article = next((bundled_site / "articles").rglob("index.html")).parent
    page.goto(base + "search/?q=shoigu")
    status = wait_for_status(page, "result")
    assert status.startswith("1 result for “shoigu”")
    first = page.locator(".search-hit__title a").first
    assert first.get_attribute("href") == "/" + article.relative_to(bundled_site).as_posix() + "/"
    assert "Shoigu" in page.locator(".search-hit__title mark").all_text_contents()
    assert page.input_value("#search-query") == "shoigu"
    assert page.is_hidden("#search-nojs")
    # Fields and prefixes reach the same article.
    for query in ("people:wallace", "shoi*", "+moscow -zzzzunknown"):
        page.fill("#search-query", query)
        page.press("#search-query", "Enter")
        assert wait_for_status(page, "result").startswith("1 result"), query


def test_the_search_page_has_one_search_box(chromium, bundled_site: Path, serve_dir) -> None:
    """Not the header's too: on a phone two boxes pushed the results down and doubled the Tab stops.
    Other pages keep the header's."""
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(serve_dir(bundled_site) + "search/")
        boxes = page.locator("input[type=search]").evaluate_all("nodes => nodes.map(n => n.id)")
        page.goto(serve_dir(bundled_site))
        elsewhere = page.locator("input[type=search]").evaluate_all("nodes => nodes.map(n => n.id)")
    finally:
        context.close()
    assert (boxes, elsewhere) == (["search-query"], ["site-search"])


# Layout shifts as Chromium reports them (CLS), from the start of the page's load.
LAYOUT_SHIFTS = """window.shifts = []
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.shifts.push(e.value)
}).observe({type: 'layout-shift', buffered: true})"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}])
def test_results_arriving_move_nothing_already_on_screen(chromium, fictional_site: Path, serve_dir, viewport) -> None:
    """The results area keeps room for them from the first paint: the footer was pushed down
    when they came (CLS 0.104 on a desktop)."""
    context = chromium.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.add_init_script(LAYOUT_SHIFTS)
        page.goto(serve_dir(fictional_site) + "search/?q=quarrow")
        wait_for_status(page, "result")
        page.wait_for_timeout(300)  # the facets, and any shift they make, are reported
        shifts = page.evaluate("window.shifts")
    finally:
        context.close()
    assert sum(shifts) < 0.01, shifts


def test_typing_then_enter_puts_the_query_in_the_url(page, bundled_site: Path, serve_dir) -> None:
    page.goto(serve_dir(bundled_site) + "search/")
    assert page.text_content("#search-status") == ""
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-query"
    page.keyboard.type("wallace")  # results as you type: the last query's, not a stale one
    assert wait_for_status(page, "for “wallace”").startswith("1 result for “wallace”")
    assert urlparse(page.url).query == "q=wallace"
    page.keyboard.press("Enter")
    wait_for_status(page, "result")
    assert parse_qs(urlparse(page.url).query) == {"q": ["wallace"]}
    assert len(titles(page)) == 1
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('.search-hit') !== null")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-query"


def test_results_arriving_after_more_typing_say_what_they_are_for(page, bundled_site: Path, serve_dir) -> None:
    """On a slow machine the answer to "walla" can come after "ce" was typed, before that
    query is sent (debounce): it must not be labelled as the answer to "wallace"."""
    page.clock.install(time=datetime(2031, 1, 1, tzinfo=UTC))
    page.goto(serve_dir(bundled_site) + "search/")
    page.clock.pause_at(datetime(2031, 1, 2, tzinfo=UTC))  # the page's timers (the debounce) fire only when told
    page.fill("#search-query", "walla")
    page.clock.run_for(100)  # "walla" sent
    page.fill("#search-query", "wallace")  # typed, not yet sent
    wait_for_status(page, "walla")
    status = "document.getElementById('search-status').firstChild.data"  # its notes follow: a retry with walla~1
    assert page.evaluate(status) == "No results for “walla”. Try fewer or shorter words, or a prefix like negotiat*."
    page.clock.run_for(100)
    assert wait_for_status(page, "result for").startswith("1 result for “wallace”")


@pytest.mark.parametrize(
    ("query", "message"),
    [("+", "search term is missing"), ('"shoigu', "unbalanced quote"),
     ("title:", "search term is missing")],
)
def test_unparseable_queries_say_why(page, bundled_site: Path, serve_dir, query, message) -> None:
    page.goto(serve_dir(bundled_site) + "search/")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    status = wait_for_status(page, message)
    assert "search-status--error" in page.get_attribute("#search-status", "class")
    assert titles(page) == [], status


@pytest.mark.parametrize(
    ("query", "status", "note"),
    [("US", '"US" is too common a word to search for on its own; add another word.', None),
     ("the US and NATO", "1 result for “the US and NATO”.", 'Left out as too common to search for: "the", "US", "and".'),
     ("Ben Wallace: Moscow talks", "1 result for “Ben Wallace: Moscow talks”.", None),
     ('"Moscow talks"', "1 result for “\"Moscow talks\"”.", "Phrases are searched as separate words: quotes are ignored."),
     ("+the NATO", "No results for “+the NATO”. Try fewer or shorter words, or a prefix like negotiat*.",
      '"the" is too common to search for, so + cannot require it: search without the +.')],
)
def test_the_status_says_how_the_query_was_read(page, bundled_site: Path, serve_dir, query, status, note) -> None:
    """Stop words, a headline's colon and quotes: no silent "No results", no field error."""
    page.goto(serve_dir(bundled_site) + "search/")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    wait_for_status(page, "result|common")
    notes = page.locator("#search-status .search-status__note").all_text_contents()
    assert page.evaluate("document.getElementById('search-status').firstChild.data") == status
    assert notes == ([note] if note else [])
    assert "search-status--error" not in page.get_attribute("#search-status", "class")


def test_a_typo_offers_the_words_spelt_one_letter_differently(page, bundled_site: Path, serve_dir) -> None:
    page.goto(serve_dir(bundled_site) + "search/?q=shoigo")
    wait_for_status(page, "No results")
    offer = page.locator("#search-status .search-retry")
    assert offer.text_content().startswith("Search for shoigo~1? It finds words that differ by up to one letter,"
                                           " and loads the whole index (about ")
    offer.locator("a").click()
    assert wait_for_status(page, "result for").startswith("1 result for “shoigo~1”")
    assert parse_qs(urlparse(page.url).query) == {"q": ["shoigo~1"]}
    assert page.input_value("#search-query") == "shoigo~1"
    assert "Shoigu" in page.locator(".search-hit__title mark").all_text_contents()
    page.go_back()  # the link made a history entry
    wait_for_status(page, "No results for “shoigo”")


def test_a_pasted_url_is_searched_not_refused(page, bundled_site: Path, serve_dir) -> None:
    page.goto(serve_dir(bundled_site) + "search/")
    page.fill("#search-query", "https://news.example/2022/02/11/story-1234.html")
    page.press("#search-query", "Enter")
    assert wait_for_status(page, "result").startswith("No results for “https://news.example")


def test_facets_filter_count_and_clear(page, fictional_site: Path, serve_dir) -> None:
    base = serve_dir(fictional_site)
    page.goto(base + "search/?q=quarrow")  # the outlet "The Quarrow Ledger": about 1 in 6
    status = wait_for_status(page, "result")
    total = int(status.split()[0])
    assert total > 20
    assert len(titles(page)) == 10
    page.click("#search-more")
    page.wait_for_function("document.querySelectorAll('.search-hit').length > 10")
    assert len(titles(page)) == min(total, 20)
    tag_box = page.locator("#search-facets fieldset").filter(has_text="Tags").locator("label").first
    tag_name = tag_box.locator("input").get_attribute("value")
    count = int(tag_box.locator(".search-facet__count").text_content().strip("()"))
    assert 0 < count <= total
    tag_box.locator("input").check()
    status = wait_for_status(page, rf"^{count} results? for “quarrow” filtered by {re.escape(tag_name)}\.$")
    assert parse_qs(urlparse(page.url).query)["tag"] == [tag_name]
    for hit in page.locator(".search-hit__tags").all_text_contents()[:20]:
        assert tag_name in hit.split(", ")
    # Year facet combines with it; its counts are within the filtered results.
    year_counts = page.locator("#search-facets fieldset").filter(has_text="Year").locator(
        ".search-facet__count").all_text_contents()
    assert year_counts and sum(int(c.strip("()")) for c in year_counts) <= count
    # Back undoes the facet (it was a history entry), with the 20 results that entry showed;
    # Clear filters removes it too.
    page.go_back()
    wait_for_status(page, rf"^Showing 20 of {total} results")
    assert len(titles(page)) == 20
    assert "tag" not in parse_qs(urlparse(page.url).query)
    page.go_forward()
    wait_for_status(page, rf"^{count} results? ")
    page.click("#search-clear")
    wait_for_status(page, rf"^{total} results")
    assert page.locator("#search-facets input:checked").count() == 0
    assert page.is_visible("#search-more") == (total > 10)


def test_keyboard_focus_survives_filters_and_more_results(page, fictional_site: Path, serve_dir) -> None:
    """Toggling a checkbox re-renders every facet; "More results" may hide itself."""
    page.goto(serve_dir(fictional_site) + "search/?q=quarrow")
    total = int(wait_for_status(page, "result").split()[0])
    box = page.locator("#search-facets fieldset").filter(has_text="Tags").locator("input").nth(2)
    value = box.get_attribute("value")
    box.focus()
    page.keyboard.press("Space")
    wait_for_status(page, " filtered by ")
    focused = "[document.activeElement.name, document.activeElement.value, document.activeElement.checked]"
    assert page.evaluate(focused) == ["tag", value, True]
    page.keyboard.press("Space")
    wait_for_status(page, rf"^{total} results")
    assert page.evaluate(focused) == ["tag", value, False]
    page.focus("#search-more")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.search-hit').length > 10")
    assert page.evaluate("document.activeElement.getAttribute('data-n')") == "10"
    assert page.evaluate("document.activeElement.closest('.search-hit') !== null")
    # The live status says what was added; at the last page, the button hides without losing focus.
    assert wait_for_status(page, "Showing") == f"Showing 20 of {total} results for “quarrow”."
    while page.is_visible("#search-more"):
        shown = page.locator(".search-hit").count()
        page.focus("#search-more")
        page.keyboard.press("Enter")
        wait_for_status(page, f"^Showing {min(shown + 10, total)} of")
        assert page.evaluate("document.activeElement.getAttribute('data-n')") == str(shown)
    assert page.text_content("#search-status") == f"Showing {total} of {total} results for “quarrow”."


def test_back_from_a_result_restores_the_results_shown_and_the_place(page, fictional_site: Path, serve_dir) -> None:
    page.goto(serve_dir(fictional_site) + "search/?q=quarrow")
    total = int(wait_for_status(page, "result").split()[0])
    assert total > 20
    page.click("#search-more")
    wait_for_status(page, "^Showing 20 of")
    link = page.locator(".search-hit__title a").nth(12)
    link.scroll_into_view_if_needed()
    # Scrolled at once: a wheel's scroll is animated, and read while it moves (a busy
    # machine) the place differs from the one the page keeps when it is left.
    y = page.evaluate("window.scrollBy(0, 150), window.scrollY")
    assert y > 500
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url("**" + href)
    page.go_back()
    assert wait_for_status(page, "result") == f"Showing 20 of {total} results for “quarrow”."
    assert len(titles(page)) == 20
    page.wait_for_function(f"Math.abs(window.scrollY - {y}) < 2")
    # Focus is on the result opened (not the page's body), without scrolling to it.
    focused = "document.activeElement.getAttribute('data-n')"
    page.wait_for_function(f"{focused} === '12'")
    assert abs(page.evaluate("window.scrollY") - y) < 2
    page.reload()  # a reload keeps the entry's state too
    wait_for_status(page, "^Showing 20 of")
    page.wait_for_function(f"Math.abs(window.scrollY - {y}) < 2")
    page.wait_for_function(f"{focused} === '12'")


def test_facets_show_all_on_request_years_newest_first_dates_in_words(page, fictional_site: Path, serve_dir) -> None:
    page.goto(serve_dir(fictional_site) + "search/?q=quarrow")
    wait_for_status(page, "result")
    people = page.locator("#search-facets fieldset").filter(has_text="People")
    assert people.locator("input").count() == 12
    toggle = people.locator("button.search-facet__more")
    label = toggle.text_content()
    assert label.startswith("Show all ") and int(label.split()[-1]) > 12
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert people.locator("input").count() == int(label.split()[-1])
    assert page.evaluate("[document.activeElement.textContent, document.activeElement.getAttribute('aria-expanded')]") == \
        ["Show fewer", "true"]
    page.keyboard.press("Enter")
    assert people.locator("input").count() == 12
    years = page.locator("#search-facets fieldset").filter(has_text="Year").locator("input").evaluate_all(
        "boxes => boxes.map(b => b.value)")
    assert len(years) > 2 and years == sorted(years, reverse=True)
    for time in page.locator(".search-hit__meta time").all():
        iso = time.get_attribute("datetime")
        assert time.text_content() == f"{int(iso[8:])} {MONTHS[int(iso[5:7]) - 1]} {iso[:4]}"


def test_a_match_only_in_the_text_says_so_under_the_summary(page, bundled_site: Path, serve_dir) -> None:
    page.goto(serve_dir(bundled_site) + "search/?q=temperature")
    wait_for_status(page, "1 result")
    hit = page.locator(".search-hit").first
    assert hit.locator("mark").count() == 0  # the word is in the body only
    assert hit.locator(".search-hit__where").text_content() == "Found in the article’s text."
    page.fill("#search-query", "shoigu")
    page.press("#search-query", "Enter")
    wait_for_status(page, "for “shoigu”")
    assert page.locator(".search-hit__where").count() == 0  # marked where it shows


def test_without_javascript_the_page_says_so(chromium, bundled_site: Path, serve_dir) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(serve_dir(bundled_site) + "search/?q=shoigu")
    note = page.locator("#search-nojs")
    assert note.is_visible()
    assert "needs JavaScript" in note.text_content()
    hrefs = note.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/people/" in hrefs and "/tags/" in hrefs
    # No box, button or help that cannot search: submitting would only reload the page.
    assert page.locator("main").locator("input, button, summary").evaluate_all(
        "nodes => nodes.filter(n => n.checkVisibility()).map(n => n.outerHTML)") == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_and_facets_pass_axe(chromium, fictional_site: Path, serve_dir, scheme) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(serve_dir(fictional_site) + "search/?q=quarrow&year=2020")
    wait_for_status(page, "result")
    assert axe_violations(page) == []
    context.close()


def test_a_slow_index_says_searching(page, bundled_site: Path, serve_dir) -> None:
    def late(route):
        page.wait_for_timeout(1500)  # the index parts arrive late, as on a slow connection
        route.continue_()

    page.route("**/search/part-*.json", late)
    page.goto(serve_dir(bundled_site) + "search/?q=shoigu")
    assert wait_for_status(page, "Searching") == "Searching…"
    assert wait_for_status(page, "result").startswith("1 result for “shoigu”")


def test_the_index_s_manifest_is_fetched_while_lunr_loads(page, bundled_site: Path, serve_dir) -> None:
    """On a slow connection the manifest waited for lunr.min.js (importScripts blocks the
    worker): the worker now asks for it first, so the two downloads overlap."""
    asked: dict[str, float] = {}

    def lunr(route):
        asked["lunr"] = monotonic()
        page.wait_for_timeout(1500)  # lunr.js arrives late
        route.continue_()

    def manifest(route):
        asked.setdefault("manifest", monotonic())
        route.continue_()

    page.route("**/static/vendor/lunr.min.js", lunr)
    page.route("**/search/manifest-*.json", manifest)
    page.goto(serve_dir(bundled_site) + "search/?q=shoigu")
    assert wait_for_status(page, "result").startswith("1 result for “shoigu”")
    assert asked["manifest"] - asked["lunr"] < 1.0  # asked for while lunr.js was on its way


def test_a_worker_that_cannot_start_leaves_links_to_browse(chromium, bundled_site: Path, serve_dir) -> None:
    page = chromium.new_page()
    page.route("**/static/search-worker.js", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(serve_dir(bundled_site) + "search/?q=shoigu")
    assert wait_for_status(page, "could not start") == "Search could not start in this browser."
    hrefs = page.locator("#search-nojs a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert page.is_visible("#search-nojs") and "/people/" in hrefs and "/tags/" in hrefs
    page.close()


def test_a_browser_without_workers_shows_the_links_to_browse(chromium, bundled_site: Path, serve_dir) -> None:
    """The notice is hidden in the page (no flash of it where search runs): it shows where it cannot."""
    page = chromium.new_page()
    page.add_init_script("delete window.Worker")
    page.goto(serve_dir(bundled_site) + "search/?q=shoigu")
    page.wait_for_selector("#search-nojs", state="visible")
    assert "needs JavaScript" in page.text_content("#search-nojs")
    page.close()


def test_a_missing_index_file_gives_a_message(chromium, bundled_site: Path, serve_dir,
                                              tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(bundled_site, site)
    for part in (site / "search").glob("part-*.json"):
        part.unlink()
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(serve_dir(site) + "search/?q=shoigu")
    status = wait_for_status(page, "could not be loaded")
    assert "404" in status and "Try reloading" in status
    assert errors == [] and titles(page) == []
    page.close()


# A fictional archive in German: the archive's own catalog words some of the page's search
# texts (one and other forms) and the date; the rest stays the theme's English.
GERMAN = """\
search_js_for = "für „{query}“"
search_js_no_results = "Keine Treffer {what}."
search_js_results = { one = "{count} Treffer {what}.", other = "{count} Treffer insgesamt {what}." }
date_day = "d. MMMM y"
"""


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench.corpus import generate

    root = tmp_path_factory.mktemp("german")
    generate(root, 40, seed=3)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as config:
        config.write('language = "de"\n')
    (root / "translations").mkdir()
    (root / "translations" / "de.toml").write_text(GERMAN, "utf-8")
    (root / "content" / "articles" / "fischerei.md").write_text(GERMAN_ARTICLE, "utf-8")
    return build_site(root, root / "public")


# One article in German, invented, among the corpus's (also invented, in English).
GERMAN_ARTICLE = """\
---
title: "Die Verhandlungen über den Fischereivertrag der Inselstaaten"
date: 2031-04-02
summary: "Die Regierungen der erfundenen Inselstaaten vertagten ihre Gespräche."
language: de
---

Die Ausschüsse verhandelten bis in die Nacht; Zölle auf Trockenfisch blieben strittig.
"""


def test_a_german_site_is_searched_in_german(page, german_site: Path, serve_dir) -> None:
    """The index was made with German's stemmer and stop words, and the page's worker loads
    lunr-languages' German (under the same CSP): another form of a word finds the article,
    and is marked in its title; a German stop word is said to be one."""
    base = serve_dir(german_site)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for query in ("Verhandlung", "Fischereiverträge", "zoll"):
        page.goto(base + "search/?q=" + query)
        assert wait_for_status(page, "Treffer").startswith("1 Treffer"), query
        assert titles(page) == ["Die Verhandlungen über den Fischereivertrag der Inselstaaten"]
    page.goto(base + "search/?q=Verhandlung")
    wait_for_status(page, "Treffer")
    assert page.locator(".search-hit__title mark").all_text_contents() == ["Verhandlungen"]
    page.goto(base + "search/?q=über")
    status = wait_for_status(page, "über")
    assert titles(page) == [] and "über" in status
    assert errors == []


def test_the_search_page_speaks_the_site_s_language(page, german_site: Path, serve_dir) -> None:
    """Its script's texts come from the site's catalog, plural forms by the language's rules;
    a text the archive's catalog does not give is sitegen's German."""
    base = serve_dir(german_site)
    page.goto(base + "search/?q=zzzqqq")
    status = wait_for_status(page, "Treffer")
    no_results = page.evaluate("document.getElementById('search-status').firstChild.data")
    assert no_results == "Keine Treffer für „zzzqqq“."
    assert status.startswith(no_results + "Nach zzzqqq~1 suchen? Das findet Wörter")  # the retry offer: not given, sitegen's
    page.goto(base + "search/?q=quarrow")
    status = wait_for_status(page, "Treffer")
    assert re.fullmatch(r"\d+ Treffer insgesamt für „quarrow“\.", status) and int(status.split()[0]) > 1
    assert "Personen" in page.locator("#search-facets legend").all_text_contents()  # not given: sitegen's
    once = next(name for name, refs in facet_refs(german_site, "person").items() if len(refs) == 1)
    page.goto(base + "search/?" + urlencode({"person": once}))
    assert wait_for_status(page, "Treffer") == f"1 Treffer gefiltert nach {once}."  # "gefiltert nach {filters}": sitegen's


def test_search_results_write_dates_as_the_article_pages_do(page, german_site: Path, serve_dir) -> None:
    """In the site's language and its catalog's date pattern ("5. Oktober 2024"), from the
    same CLDR data as the pages (Babel), not month names pieced together in the page."""
    page.goto(serve_dir(german_site) + "search/?q=quarrow")
    wait_for_status(page, "Treffer")
    hits = page.locator(".search-hit").all()
    assert len(hits) >= 3
    for hit in hits:
        href = hit.locator(".search-hit__title a").get_attribute("href")
        article = lxml.html.parse(str(german_site / href.strip("/") / "index.html")).getroot()
        (written,) = article.xpath('//header[@class="article__header"]//p[@class="meta"]/time')
        assert hit.locator("time").text_content() == written.text_content(), href
        assert re.fullmatch(r"\d+\. [A-ZÄÖÜ][a-zäöü]+ \d{4}", written.text_content())  # German, as the catalog says


def test_an_article_in_another_language_is_marked_so_in_the_results(page, german_site: Path, bundled_site: Path, serve_dir) -> None:
    """The German site's articles are in English (the corpus says language: en): a result's
    title and summary carry lang="en", as the article's own page marks them, so a screen
    reader reads them in English. An article in the site's language gets no lang of its own."""
    page.goto(serve_dir(german_site) + "search/?q=quarrow")
    wait_for_status(page, "Treffer")
    hits = page.locator(".search-hit").all()
    assert len(hits) >= 3
    for hit in hits:
        assert hit.locator(".search-hit__title a").get_attribute("lang") == "en"
        assert hit.locator(".search-hit__snippet").get_attribute("lang") == "en"
    page.goto(serve_dir(bundled_site) + "search/?q=shoigu")
    wait_for_status(page)
    assert page.locator(".search-hit__title a").count() >= 1
    assert page.locator(".search-hit [lang]").count() == 0


def facet_refs(site: Path, facet: str) -> dict[str, list[int]]:
    """A facet's values and the refs of their articles, from the built search index."""
    (manifest,) = (site / "search").glob("manifest-*.json")
    facets = json.loads((site / "search" / f"facets-{json.loads(manifest.read_text())['facets']}.json").read_text())
    out = {}
    for name, gaps in facets[facet]:
        refs, ref = [], -1
        for gap in gaps.split(","):
            ref += int(gap, 36)
            refs.append(ref)
        out[name] = refs
    return out


# A worker answering any search with 12,345 results, none on this page, and one facet row.
BIG_ANSWER = """self.onmessage = function (event) {
  var m = event.data
  if (m.type === 'search') self.postMessage({ type: 'results', id: m.id, total: 12345, from: 0, results: [],
    facets: { year: [['2031', 1234, false]] }, notes: [], notice: null, retry: null })
}"""


def test_the_search_page_writes_counts_as_the_language_does(page, german_site: Path, serve_dir) -> None:
    """"12.345 Treffer", "(1.234)" in German, as the site's pages write numbers (Babel's CLDR
    digits), through Intl.NumberFormat in the page's language."""
    page.route("**/static/search-worker.js", lambda route: route.fulfill(body=BIG_ANSWER, content_type="text/javascript"))
    page.goto(serve_dir(german_site) + "search/?q=quarrow")
    assert wait_for_status(page, "Treffer") == "12.345 Treffer insgesamt für „quarrow“."
    assert page.locator(".search-facet__count").all_text_contents() == ["(1.234)"]


def test_on_a_phone_the_filters_below_the_results_have_a_way_there_and_back(page, fictional_site: Path, serve_dir) -> None:
    """Below twenty results the filters are 2,700 px down a phone: a link under the status
    leads there, and one under the filters leads back, saying how many results a filter
    left. On a desktop, where the filters are beside the results, neither shows."""
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(serve_dir(fictional_site) + "search/?q=quarrow")
    total = int(wait_for_status(page, "result").split()[0])
    jump, back = page.locator("#search-jump a"), page.locator(".search-facets__back a")
    assert jump.is_visible() and jump.text_content().strip() == "Filter the results ↓"
    jump.click()
    assert 0 <= page.eval_on_selector("#search-facets", "e => e.getBoundingClientRect().top") < 100
    assert back.text_content().strip() == f"Back to the {total} results ↑"
    page.locator("#search-facets fieldset").first.locator("input").first.check()
    status = wait_for_status(page, "filtered by")
    narrowed = int(status.split()[0])
    assert narrowed < total
    page.wait_for_function(f"document.querySelector('.search-facets__back a').textContent.includes('{narrowed} result')")
    back.click()
    assert 0 <= page.eval_on_selector("#search-status", "e => e.getBoundingClientRect().top") < 100
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not jump.is_visible() and not back.is_visible()

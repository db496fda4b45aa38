"""The annotations' own pages: every note, and each kind's (a corrections log, the fact-checks),
paginated, each with its feed. Built from an invented archive and read as parsed HTML and XML."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from lxml import etree
from sitehelpers import page

from sitegen.build import Options, build

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://news.example.org/"
BODY = "Beside the pier, the ferry waited under the lamp at the quay.\n"
# (article day, quoted word, kind, rating): note N is written on 2024-04-0N, so newest first is 7 to 1.
NOTES = [
    (1, "pier", "context", None),
    (1, "ferry", "fact-check", "false"),
    (2, "pier", "fact-check", "true"),
    (2, "lamp", "correction", None),
    (3, "pier", "context", None),
    (3, "quay", "fact-check", "misleading"),
    (3, "lamp", "translation", None),
]


def invented_archive(root: Path, paginate: int = 2, config: str = "") -> Path:
    """Three invented articles with the NOTES, ``paginate`` a listing page; built, its output."""
    for day in (1, 2, 3):
        notes = "".join(
            f"  - quote: the {word}\n    kind: {kind}\n    note: Invented note {n}.\n    date: 2024-04-0{n}\n"
            + (f"    rating: {rating}\n" if rating else "")
            for n, (on, word, kind, rating) in enumerate(NOTES, start=1) if on == day
        )
        article = root / "content" / "articles" / "2024" / "03" / f"harbour-{day}.md"
        article.parent.mkdir(parents=True, exist_ok=True)
        article.write_text(f"---\ntitle: Invented harbour day {day}\ndate: 2024-03-0{day}\nannotations:\n{notes}---\n{BODY}", encoding="utf-8")
    (root / "sitegen.toml").write_text(f'paginate = {paginate}\nbase_url = "{BASE}"\n{config}', encoding="utf-8")
    build(Options(root=root, out=root / "public", search=False))
    return root / "public"


def listed(out: Path, url: str) -> list[tuple[str, str]]:
    """(kind, note text) of each note a listing shows, following its pages' rel=next links."""
    seen = []
    while url:
        doc = page(out, url)
        for entry in doc.xpath("//li[contains(@class, 'annotation-entry')]"):
            kind = entry.get("class").split("annotation-entry--")[1]
            seen.append((kind, entry.xpath("string(.//div[@class='annotation-body'])").strip()))
        nexts = doc.xpath("//nav[@class='pagination']/a[@rel='next']/@href")
        url = nexts[0] if nexts else ""
    return seen


def note(n: int) -> str:
    return f"Invented note {n}."


def test_every_note_and_each_kind_are_listed_newest_first_a_page_at_a_time(tmp_path: Path) -> None:
    out = invented_archive(tmp_path)
    newest_first = [(NOTES[n - 1][2], note(n)) for n in range(7, 0, -1)]
    assert listed(out, "/annotations/") == newest_first
    assert (out / "annotations" / "page" / "4" / "index.html").is_file() and not (out / "annotations" / "page" / "5").exists()
    for kind in ("context", "fact-check", "correction", "translation"):
        assert listed(out, f"/annotations/{kind}/") == [entry for entry in newest_first if entry[0] == kind], kind
    second = page(out, "/annotations/fact-check/page/2/")
    assert second.xpath("//nav[@class='pagination']/a[@rel='prev']/@href") == ["/annotations/fact-check/"]
    assert second.findtext(".//title") == "Fact-checks · Annotations · page 2 · News archive"


def test_a_kind_without_notes_has_its_page_and_feed_already(tmp_path: Path) -> None:
    """Readers can follow a corrections log before its first correction; it says there is none."""
    out = invented_archive(tmp_path)
    empty = page(out, "/annotations/note/")
    assert empty.findtext(".//h1") == "Editor's notes"
    assert not empty.xpath("//li[contains(@class, 'annotation-entry')]") and "None yet." in empty.text_content()
    feed = etree.parse(str(out / "annotations" / "note" / "feed.xml")).getroot()
    assert feed.findtext("{http://www.w3.org/2005/Atom}title") == "Editor's notes · News archive"
    assert feed.findall("{http://www.w3.org/2005/Atom}entry") == []


def test_each_page_links_every_kind_and_marks_its_own(tmp_path: Path) -> None:
    out = invented_archive(tmp_path)
    for url, current, which in (("/annotations/", "All (7)", "page"), ("/annotations/page/3/", "All (7)", "true"),
                                ("/annotations/fact-check/", "Fact-checks (3)", "page"), ("/annotations/fact-check/page/2/", "Fact-checks (3)", "true"),
                                ("/annotations/note/", "Editor's notes (0)", "page")):
        nav = page(out, url).xpath("//nav[contains(@class, 'annotation-kinds')]")[0]
        links = [(a.text, a.get("href")) for a in nav.xpath("a")]
        assert links == [("All (7)", "/annotations/"), ("Context (2)", "/annotations/context/"), ("Fact-checks (3)", "/annotations/fact-check/"),
                         ("Corrections (1)", "/annotations/correction/"), ("Translations (1)", "/annotations/translation/"),
                         ("Editor's notes (0)", "/annotations/note/")]
        # The link to a kind's first page is the current one on its later pages too, but not this page.
        assert [(a.text, a.get("aria-current")) for a in nav.xpath("a[@aria-current]")] == [(current, which)], url


def test_an_archive_without_notes_links_each_kinds_page_all_the_same(tmp_path: Path) -> None:
    """How a reader finds the corrections log to follow before its first correction."""
    (tmp_path / "content" / "articles" / "2024" / "03").mkdir(parents=True)
    (tmp_path / "content" / "articles" / "2024" / "03" / "one.md").write_text("---\ntitle: Invented pier\ndate: 2024-03-01\n---\n" + BODY)
    build(Options(root=tmp_path, out=tmp_path / "public", search=False))
    index = page(tmp_path / "public", "/annotations/")
    assert "No annotations yet." in index.text_content()
    assert "/annotations/correction/" in index.xpath("//nav[contains(@class, 'annotation-kinds')]/a/@href")


def test_the_fact_checks_page_tallies_their_ratings(tmp_path: Path) -> None:
    out = invented_archive(tmp_path)
    text = page(out, "/annotations/fact-check/").text_content()
    assert "Fact-checks: False 1, Misleading 1, True 1." in text  # worst first, every page of them
    assert "Fact-checks: False" in page(out, "/annotations/fact-check/page/2/").text_content()
    assert "Fact-checks: False" not in page(out, "/annotations/").text_content()


def test_each_kind_has_its_feed_named_by_its_pages(tmp_path: Path) -> None:
    out = invented_archive(tmp_path)
    for kind, label, title in (("fact-check", "Fact-check", "Fact-checks"), ("correction", "Correction", "Corrections"), ("context", "Context", "Context")):
        feed = feedparser.parse((out / "annotations" / kind / "feed.xml").read_bytes())
        assert not feed.bozo and feed.feed.title == f"{title} · News archive"
        assert [e.title.split(":")[0].split(" (")[0] for e in feed.entries] == [label] * sum(k == kind for _, _, k, _ in NOTES)
        assert [link.href for link in feed.feed.links if link.rel == "alternate"] == [f"{BASE}annotations/{kind}/"]
        head = page(out, f"/annotations/{kind}/").xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href")
        assert f"/annotations/{kind}/feed.xml" in head
    everything = feedparser.parse((out / "annotations" / "feed.xml").read_bytes())
    assert len(everything.entries) == len(NOTES)


def many_notes(root: Path, word: str, count: int, kind: str, people: str = "[]") -> Path:
    """One invented article with ``count`` notes of ``kind``, on the words word0, word1…, note
    N written on 2024-04-(N+1); built, its output."""
    words = [f"{word}{n}" for n in range(count)]
    notes = "".join(f"  - quote: {w}\n    kind: {kind}\n    note: Invented {w}.\n    date: 2024-04-{n + 1:02}\n" for n, w in enumerate(words))
    (root / "content" / "articles" / "2024" / "03").mkdir(parents=True)
    (root / "content" / "articles" / "2024" / "03" / "one.md").write_text(
        f"---\ntitle: Invented {word}s\ndate: 2024-03-01\npeople: {people}\nannotations:\n{notes}---\n{' '.join(words)}\n")
    build(Options(root=root, out=root / "public", search=False))
    return root / "public"


def test_a_kinds_feed_holds_its_newest_twenty(tmp_path: Path) -> None:
    out = many_notes(tmp_path, "wharf", 22, "correction")
    feed = feedparser.parse((out / "annotations" / "correction" / "feed.xml").read_bytes())
    assert [e.updated[:10] for e in feed.entries] == [f"2024-04-{n:02}" for n in range(22, 2, -1)]


@pytest.mark.parametrize(("language", "heading", "feed_title", "none_yet"), [
    ("de", "Faktenchecks", "Korrekturen · News archive", "Noch keine."),
    ("fr", "Vérifications", "Corrections · News archive", "Aucune pour l’instant."),
])
def test_the_pages_of_notes_speak_the_sites_language(tmp_path: Path, language: str, heading: str, feed_title: str, none_yet: str) -> None:
    out = invented_archive(tmp_path, config=f'language = "{language}"\n')
    assert page(out, "/annotations/fact-check/").findtext(".//h1") == heading
    assert feedparser.parse((out / "annotations" / "correction" / "feed.xml").read_bytes()).feed.title == feed_title
    assert none_yet in page(out, "/annotations/note/").text_content()


def test_the_sitemap_lists_every_page_of_notes_dated_by_its_newest(tmp_path: Path) -> None:
    out = invented_archive(tmp_path)
    sitemap = etree.parse(str(out / "sitemap.xml")).getroot()
    dated = {u.findtext(f"{SITEMAP}loc"): (u.findtext(f"{SITEMAP}lastmod") or "")[:10] for u in sitemap}
    assert dated[BASE + "annotations/"] == "2024-04-07" and dated[BASE + "annotations/page/4/"] == "2024-04-01"
    assert dated[BASE + "annotations/fact-check/"] == "2024-04-06" and dated[BASE + "annotations/fact-check/page/2/"] == "2024-04-02"
    assert dated[BASE + "annotations/note/"] == ""  # no note: no date to give


@pytest.mark.parametrize("pattern", ["/notes/{slug}/", "/checks/{slug}/index/"])
def test_a_kind_pages_address_follows_its_permalink(tmp_path: Path, pattern: str) -> None:
    root = tmp_path / "archive"
    (root / "content" / "articles" / "2024" / "03").mkdir(parents=True)
    (root / "content" / "articles" / "2024" / "03" / "one.md").write_text(
        "---\ntitle: Invented pier\ndate: 2024-03-01\nannotations:\n  - quote: the pier\n    kind: correction\n    note: Invented.\n---\n" + BODY,
        encoding="utf-8")
    (root / "sitegen.toml").write_text(f'[permalinks]\nannotation_kind = "{pattern}"\n', encoding="utf-8")
    build(Options(root=root, out=root / "public", search=False))
    url = pattern.format(slug="correction")
    assert listed(root / "public", url) == [("correction", "Invented.")]
    assert (root / "public" / url.strip("/") / "feed.xml").is_file()
    assert url in page(root / "public", "/annotations/").xpath("//nav[contains(@class, 'annotation-kinds')]/a/@href")


def test_an_earlier_address_of_a_kinds_page_brings_its_feed_and_later_pages(tmp_path: Path) -> None:
    out = invented_archive(tmp_path, config='[moved_from]\n"/annotations/correction/" = ["/corrections/"]\n')
    rules = (out / "_redirects").read_text("utf-8").splitlines()
    assert {"/corrections/ /annotations/correction/ 301!", "/corrections/feed.xml /annotations/correction/feed.xml 301!",
            "/corrections/page/* /annotations/correction/page/:splat 301!"} <= set(rules)


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("old", "new"), [
    ("under the lamp at the quay.", "under the lamp at the quay, as it did."),  # a body edit: the notes stay
    ("kind: correction", "kind: fact-check\n    rating: unproven"),  # a note changes kind: two kinds' pages and feeds
    ("Invented note 7.", "Invented note seven."),  # a note's text: on every page and feed listing it
])
def test_an_edit_rebuilds_the_pages_of_notes_as_a_cold_build_makes_them(tmp_path: Path, old: str, new: str) -> None:
    out = invented_archive(tmp_path)
    article = tmp_path / "content" / "articles" / "2024" / "03" / ("harbour-2.md" if "correction" in old else "harbour-3.md")
    article.write_text(article.read_text("utf-8").replace(old, new), encoding="utf-8")
    build(Options(root=tmp_path, out=out, search=False))
    cold = tmp_path / "cold"
    build(Options(root=tmp_path, out=cold, search=False, cache=False))
    assert tree(out) == tree(cold)
    kinds = {kind: entry for kind, entry in listed(out, "/annotations/")}
    assert ("Unproven" in (out / "annotations" / "fact-check" / "feed.xml").read_text("utf-8")) == ("correction" in old)
    assert ("correction" in kinds) != ("correction" in old) and ("Invented note seven." in kinds.values()) == ("note 7" in old)


def test_a_persons_page_shows_the_newest_notes_and_counts_the_rest(tmp_path: Path) -> None:
    """One mentioned for years has hundreds of notes on their articles: the page shows the newest 20."""
    person = page(many_notes(tmp_path, "jetty", 23, "context", "[Ida Quill]"), "/people/ida-quill/")
    quoted = person.xpath("//ul[@class='note-list']//q/a/text()")
    assert quoted == [f"jetty{n}" for n in range(22, 2, -1)]  # the newest 20
    assert "And 3 older notes on these articles." in person.text_content()

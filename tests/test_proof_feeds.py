"""Atom feeds meet RFC 4287; the sitemap meets the sitemaps.org schema and lists every page.

The feed checker is our own reading of RFC 4287 section 4 (required elements, absolute
IRIs, RFC 3339 dates); feedparser is a second, independent reader.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from lxml import etree
from sitehelpers import html_pages

REPO = Path(__file__).resolve().parent.parent
SITEMAP_XSD = REPO / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SITES = ["bundled_site", "fictional_site", "claims_site"]  # claims_site: notes updated, rights


def is_absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def atom_problems(feed: etree._Element) -> list[str]:
    """What an Atom feed document lacks against RFC 4287 §4.1; empty when it complies."""
    problems: list[str] = []
    if feed.tag != f"{ATOM}feed":
        return [f"root element is {feed.tag}, not atom:feed"]

    def check_common(el: etree._Element, where: str, need_self: bool) -> None:
        for name in ("id", "title", "updated"):
            found = el.findall(f"{ATOM}{name}")
            if len(found) != 1:
                problems.append(f"{where}: {len(found)} atom:{name} elements, need exactly one")
        ident = el.findtext(f"{ATOM}id")
        if ident is not None and not is_absolute(ident.strip()):
            problems.append(f"{where}: atom:id is not an absolute IRI: {ident!r}")
        if not (el.findtext(f"{ATOM}title") or "").strip():
            problems.append(f"{where}: atom:title is empty")
        for name in ("updated", "published"):
            stamp = el.findtext(f"{ATOM}{name}")
            if stamp is not None and not RFC3339.match(stamp.strip()):
                problems.append(f"{where}: atom:{name} is not an RFC 3339 date-time: {stamp!r}")
        links = el.findall(f"{ATOM}link")
        for link in links:
            if not is_absolute(link.get("href")):
                problems.append(f"{where}: link rel={link.get('rel')} href is not absolute: {link.get('href')!r}")
        rels = [link.get("rel", "alternate") for link in links]
        if "alternate" not in rels:
            problems.append(f"{where}: no link rel=alternate")
        if need_self and "self" not in rels:
            problems.append(f"{where}: no link rel=self")
        alternates = [(link.get("type"), link.get("hreflang")) for link in links if link.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            problems.append(f"{where}: two link rel=alternate with the same type and hreflang")

    check_common(feed, "feed", need_self=True)
    feed_has_author = feed.find(f"{ATOM}author") is not None
    for i, entry in enumerate(feed.findall(f"{ATOM}entry")):
        where = f"entry {i + 1} ({entry.findtext(f'{ATOM}id')})"
        check_common(entry, where, need_self=False)
        if not feed_has_author and entry.find(f"{ATOM}author") is None:
            problems.append(f"{where}: no atom:author here nor on the feed")
        for author in entry.findall(f"{ATOM}author") + feed.findall(f"{ATOM}author"):
            if not (author.findtext(f"{ATOM}name") or "").strip():
                problems.append(f"{where}: atom:author without a name")
        content = entry.find(f"{ATOM}content")
        if content is None and entry.find(f"{ATOM}summary") is None:
            problems.append(f"{where}: neither atom:content nor atom:summary")
    return problems


def url_of(out: Path, page: Path, base_url: str) -> str:
    rel = page.relative_to(out).as_posix()
    rel = rel.removesuffix("index.html")
    return base_url + rel


def base_url_of(out: Path) -> str:
    """The site's base URL, as its home feed states it (the link rel=alternate of the home page)."""
    home = etree.parse(str(out / "feed.xml")).getroot()
    return next(link.get("href") for link in home.findall(f"{ATOM}link") if link.get("rel") == "alternate")


@pytest.mark.parametrize("site", SITES)
def test_every_feed_meets_rfc_4287(site: str, request: pytest.FixtureRequest, proof_figures: dict) -> None:
    out: Path = request.getfixturevalue(site)
    feeds = sorted(out.rglob("feed.xml"))
    assert feeds, f"{site}: no feeds"
    found: list[str] = []
    entries = 0
    for path in feeds:
        rel = path.relative_to(out).as_posix()
        root = etree.parse(str(path)).getroot()
        entries += len(root.findall(f"{ATOM}entry"))
        found += [f"{rel}: {p}" for p in atom_problems(root)]
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            found.append(f"{rel}: feedparser: {parsed.bozo_exception}")
        if parsed.version != "atom10":
            found.append(f"{rel}: feedparser reads it as {parsed.version!r}, not atom10")
        if len(parsed.entries) != len(root.findall(f"{ATOM}entry")):
            found.append(f"{rel}: feedparser saw {len(parsed.entries)} entries")
    proof_figures[f"feeds ({site})"] = f"{len(feeds)} feeds, {entries} entries, {len(found)} problems"
    assert not found, "\n".join(found[:40])


def test_the_atom_checker_catches_what_it_claims() -> None:
    """The checker itself: a feed missing its self link, with a relative id, fails."""
    bad = etree.fromstring(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>/feed.xml</id><title>t</title>'
        b"<updated>2030-01-01</updated><author><name>n</name></author>"
        b'<link rel="alternate" href="https://example.org/"/>'
        b"<entry><id>https://example.org/a/</id><updated>2030-01-01T00:00:00Z</updated>"
        b'<link href="/a/"/><summary>s</summary></entry></feed>'
    )
    problems = "\n".join(atom_problems(bad))
    assert "feed: atom:id is not an absolute IRI" in problems
    assert "feed: no link rel=self" in problems
    assert "feed: atom:updated is not an RFC 3339" in problems
    assert "0 atom:title elements" in problems
    assert "href is not absolute: '/a/'" in problems


@pytest.mark.parametrize("site", SITES)
def test_sitemap_is_valid_and_lists_every_page(site: str, request: pytest.FixtureRequest, proof_figures: dict) -> None:
    out: Path = request.getfixturevalue(site)
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    doc = etree.parse(str(out / "sitemap.xml"))
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)
    locs = [loc.text.strip() for loc in doc.getroot().iter(f"{SITEMAP}loc")]
    relative = [u for u in locs if not is_absolute(u)]
    assert not relative, f"relative URLs in the sitemap: {relative[:10]}"
    assert len(locs) == len(set(locs)), "a URL is listed twice"
    base = base_url_of(out)
    # Not the 404 page, nor a page at an earlier address (moved_from), which leads to another.
    moved = {p for p in html_pages(out) if lxml.html.fromstring(p.read_bytes()).xpath("//meta[@http-equiv='refresh']")}
    assert moved or site != "fictional_site", "the fictional site has pages at earlier addresses (conftest)"
    expected = {url_of(out, p, base) for p in html_pages(out) if p.name != "404.html" and p not in moved}
    missing, extra = sorted(expected - set(locs)), sorted(set(locs) - expected)
    proof_figures[f"sitemap ({site})"] = f"{len(locs)} URLs, valid against sitemap.xsd"
    assert not missing, f"pages missing from the sitemap: {missing[:10]}"
    assert not extra, f"sitemap URLs with no page: {extra[:10]}"


NOTED = """---
title: Fictional harbour toll rises
date: 2021-03-04
updated: 2030-01-15
annotations:
  - quote: "rose by half"
    kind: fact-check
    rating: mostly-true
    note: "The fictional toll went from 4 to 5.90 crowns."
    date: 2030-05-01
  - quote: "the harbour board"
    kind: context
    note: "An invented body of five members."
---
The toll rose by half, said the harbour board. See [the note](#annotation-1).
"""
LATER = """---
title: Fictional ferry adds a sailing
date: 2031-01-02
annotations:
  - quote: "one more sailing"
    kind: correction
    note: "First reported as two sailings."
    date: 2031-06-01
---
The ferry adds one more sailing.
"""


def test_the_annotations_feed_holds_the_notes_newest_first(tmp_path: Path) -> None:
    from sitegen.build import Options, build

    articles = tmp_path / "content" / "articles"
    for name, text in (("2021/03/toll.md", NOTED), ("2031/01/ferry.md", LATER)):
        (articles / name).parent.mkdir(parents=True, exist_ok=True)
        (articles / name).write_text(text)
    out = tmp_path / "public"
    build(Options(root=tmp_path, out=out, search=False, base_url="https://news.example.org/"))
    feed = feedparser.parse((out / "annotations" / "feed.xml").read_bytes())
    assert not feed.bozo
    toll, ferry = "https://news.example.org/articles/2021/03/toll/", "https://news.example.org/articles/2031/01/ferry/"
    assert [(e.title, e.link, e.updated[:10]) for e in feed.entries] == [
        ("Correction: Fictional ferry adds a sailing", ferry + "#annotation-1", "2031-06-01"),  # dated by the note
        ("Fact-check (Mostly true): Fictional harbour toll rises", toll + "#annotation-1", "2030-05-01"),
        ("Context: Fictional harbour toll rises", toll + "#annotation-2", "2021-03-04"),  # undated: the article's date, as ordered
    ]
    assert feed.feed.updated[:10] == "2031-06-01"
    assert "from 4 to 5.90 crowns" in feed.entries[1].content[0].value
    assert "The toll rose by half" not in feed.entries[1].content[0].value  # the note, not the article
    assert len({e.id for e in feed.entries}) == 3
    # The sitemap dates the pages by their newest note too: search engines see them change.
    sitemap = etree.parse(str(out / "sitemap.xml")).getroot()
    dated = {u.findtext(f"{SITEMAP}loc"): (u.findtext(f"{SITEMAP}lastmod") or "")[:10] for u in sitemap}
    assert (dated[toll], dated[ferry]) == ("2030-05-01", "2031-06-01")
    assert dated["https://news.example.org/annotations/"] == "2031-06-01"
    # In an article's feed entry, the body's links to its notes lead to the article (xml:base).
    home = feedparser.parse((out / "feed.xml").read_bytes())
    body = next(e for e in home.entries if e.link == toll).content[0].value
    assert f'href="{toll}#annotation-1"' in body


def test_a_note_with_an_id_keeps_its_feed_entry_when_its_quote_is_corrected(tmp_path: Path) -> None:
    """A feed reader knows an entry by its id: a typo fixed in a quote (and the body) must
    not show it a new note. Without an id the entry's id is what it always was."""
    from sitegen.build import Options, build

    def entry_ids(typo: str, corrected: str) -> list[str]:
        root = tmp_path / corrected
        name = root / "content" / "articles" / "2021" / "03" / "toll.md"
        name.parent.mkdir(parents=True)
        name.write_text(NOTED.replace('"rose by half"', f'"{typo}"\n    id: toll-rise').replace("rose by half,", f"{typo},")
                        .replace('"the harbour board"', f'"{corrected}"').replace("the harbour board.", f"{corrected}."))
        build(Options(root=root, out=root / "public", search=False, base_url="https://news.example.org/"))
        feed = etree.parse(str(root / "public" / "annotations" / "feed.xml")).getroot()
        assert atom_problems(feed) == []
        return [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")]

    toll = "https://news.example.org/articles/2021/03/toll/"
    before = entry_ids("rose by hafl", "the harbour board")
    after = entry_ids("rose by half", "the harbour bord")
    assert before[0] == after[0] == toll + "#note-toll-rise"
    assert before[1] == toll + "#note-facdbd24deff3825"  # as before ids existed: a hash of quote, prefix, suffix
    assert after[1] != before[1]


def test_a_note_with_an_id_keeps_its_address_on_the_page_when_a_note_comes_before_it(tmp_path: Path) -> None:
    """A fact-checker links to a note: numbered, the link led to another note once one was
    added before it. A note with an id is at #note-<id>, its passage at #quote-<id>, on the
    page, in the feeds, the notes index, the person pages and the Web Annotation export."""
    from sitegen.build import Options, build

    def anchors(text: str) -> dict[str, list[str]]:
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        (root / "content" / "articles" / "2021" / "03").mkdir(parents=True)
        (root / "content" / "articles" / "2021" / "03" / "toll.md").write_text(text)
        out = root / "public"
        build(Options(root=root, out=out, search=False, base_url="https://news.example.org/"))
        article = lxml.html.parse(str(out / "articles" / "2021" / "03" / "toll" / "index.html")).getroot()
        feed = etree.parse(str(out / "annotations" / "feed.xml")).getroot()
        index = lxml.html.parse(str(out / "annotations" / "index.html")).getroot()
        export = json.loads((out / "articles" / "2021" / "03" / "toll" / "annotations.jsonld").read_text())
        return {
            "notes": article.xpath("//li[contains(@class, 'annotation-note')]/@id"),
            "marks": article.xpath("//mark[@id]/@id"),
            "markers": article.xpath("//a[@class='annotation-marker']/@href"),
            "back": article.xpath("//p[@class='annotation-back']/a/@href"),
            "feed": sorted(link.get("href").split("#")[1] for link in feed.iter(f"{ATOM}link") if "#" in link.get("href", "")),
            "index": sorted(h.split("#")[1] for h in index.xpath("//main//a/@href") if "/toll/#" in h),
            "export": [item["id"].split("#")[1] for item in export["first"]["items"]],
        }

    with_id = NOTED.replace('    rating: mostly-true\n', '    rating: mostly-true\n    id: toll-rise\n')
    before = anchors(with_id)
    assert before["notes"] == ["note-toll-rise", "annotation-2"] and before["marks"] == ["quote-toll-rise", "passage-2"]
    assert before["markers"] == ["#note-toll-rise", "#annotation-2"] and before["back"] == ["#quote-toll-rise", "#passage-2"]
    assert before["feed"] == ["annotation-2", "note-toll-rise"] and before["export"] == ["note-toll-rise", "annotation-2"]
    assert before["index"] == ["annotation-2", "note-toll-rise", "passage-2", "quote-toll-rise"]
    earlier = with_id.replace("annotations:\n", 'annotations:\n  - quote: "The toll"\n    kind: note\n    note: "Fictional."\n')
    after = anchors(earlier)
    assert after["notes"] == ["annotation-1", "note-toll-rise", "annotation-3"]  # the numbered one moved on; the named one stayed
    assert after["markers"] == ["#annotation-1", "#note-toll-rise", "#annotation-3"]


def test_a_note_dated_to_the_minute_keeps_its_time(tmp_path: Path) -> None:
    """A fact-check published at 14:30 is not announced at midnight: a note's date with a
    time of day dates its feed entry, its export and its page's <time> to that instant. A
    bare day stays the day (midnight UTC in the feed)."""
    from sitegen.build import Options, build

    articles = tmp_path / "content" / "articles" / "2021" / "03"
    articles.mkdir(parents=True)
    (articles / "toll.md").write_text(NOTED.replace("    date: 2030-05-01\n", "    date: 2030-05-01T14:30:00+02:00\n")
                                      .replace('    note: "An invented body of five members."\n', '    note: "An invented body of five members."\n    date: "2030-05-01"\n'))
    out = tmp_path / "public"
    build(Options(root=tmp_path, out=out, search=False, base_url="https://news.example.org/"))
    feed = etree.parse(str(out / "annotations" / "feed.xml")).getroot()
    assert atom_problems(feed) == []
    assert [e.findtext(f"{ATOM}updated") for e in feed.iter(f"{ATOM}entry")] == ["2030-05-01T14:30:00+02:00", "2030-05-01T00:00:00+00:00"]
    export = json.loads((out / "articles" / "2021" / "03" / "toll" / "annotations.jsonld").read_text())
    assert [item.get("created") for item in export["first"]["items"]] == ["2030-05-01T12:30:00Z", "2030-05-01T00:00:00Z"]  # xsd:dateTime, UTC
    page = lxml.html.parse(str(out / "articles" / "2021" / "03" / "toll" / "index.html")).getroot()
    assert page.xpath("//li[contains(@class, 'annotation-note')]//time/@datetime") == ["2030-05-01T14:30:00+02:00", "2030-05-01"]


def test_an_entry_is_in_its_articles_language(tmp_path: Path) -> None:
    """A reader (or its screen reader) reads a Russian article's entry as Russian, as on its page."""
    from sitegen.build import Options, build

    articles = tmp_path / "content" / "articles" / "2021" / "03"
    articles.mkdir(parents=True)
    (articles / "toll.md").write_text(NOTED)
    (articles / "paromy.md").write_text("---\ntitle: Вымышленный паром\ndate: 2021-03-05\nlanguage: ru\n---\nПаром ходит чаще.\n")
    build(Options(root=tmp_path, out=tmp_path / "public", search=False, base_url="https://news.example.org/"))
    feed = etree.parse(str(tmp_path / "public" / "feed.xml")).getroot()
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert feed.get(lang) == "en"
    assert [(e.findtext(f"{ATOM}title"), e.get(lang)) for e in feed.iter(f"{ATOM}entry")] == [
        ("Вымышленный паром", "ru"),
        ("Fictional harbour toll rises", None),  # the feed's language
    ]

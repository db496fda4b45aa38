"""The build of a small fictional archive, checked by parsing what it writes."""

from __future__ import annotations

import io
import json
import shutil
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html
from sitehelpers import ATOM, html_pages, page, snapshot, xml

from sitegen import cli
from sitegen import site as site_module
from sitegen.build import Options, build
from sitegen.errors import BuildFailed
from sitegen.markdown import render
from sitegen.render import SiteEnvironment

FIXTURE = Path(__file__).parent / "fixtures" / "archive"
REPO = Path(__file__).resolve().parent.parent  # the bundled archive
BASE = "https://archive.example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    report = build(Options(root=FIXTURE, out=out, cache=False))
    assert report.articles == 3  # the draft is left out
    return out


def test_every_kind_of_page_is_written(site: Path):
    expected = [
        "index.html", "page/2/index.html", "404.html", "robots.txt", "sitemap.xml", "feed.xml",
        "articles/2031/04/harbour-opens/index.html", "articles/2031/04/ferry-timetable/index.html",
        "articles/2031/05/treaty-signed/index.html",
        "people/index.html", "people/orla-venn/index.html", "people/tamsin-arlo/index.html",
        "people/pell-marrow/index.html", "people/orla-venn/feed.xml",
        "tags/index.html", "tags/harbour/index.html", "tags/treaty/index.html", "tags/treaty/feed.xml",
        "sources/index.html", "sources/the-lindmoor-ledger/index.html", "sources/coastline-weekly/index.html",
        "archive/index.html", "archive/2031/index.html", "archive/2031/04/index.html", "archive/2031/05/index.html",
        "search/index.html", "annotations/index.html", "annotations/feed.xml",
        "articles/2031/04/ferry-timetable/annotations.jsonld",
        "static/style.css", "humans.txt",
    ]
    missing = [p for p in expected if not (site / p).is_file()]
    assert missing == []
    assert not (site / "articles/2031/05/unfinished").exists()


def test_home_is_newest_first_and_paginated(site: Path):
    titles = [a.text_content() for a in page(site, "/").cssselect(".article-card__title a")]
    assert titles == ["Twin-town treaty signed with an invented neighbour", "Ferry timetable changes for the summer"]
    second = page(site, "/page/2/")
    assert [a.text_content() for a in second.cssselect(".article-card__title a")] == ["Lindmoor harbour reopens after repairs"]
    assert second.cssselect('a[rel="prev"]')[0].get("href") == "/"


def test_internal_links_and_assets_all_resolve(site: Path):
    broken = []
    for file in html_pages(site):
        doc = page(site, "/" + file.relative_to(site).as_posix())
        here = "/" + file.relative_to(site).as_posix()
        for el, attr in [(e, "href") for e in doc.xpath("//*[@href]")] + [(e, "src") for e in doc.xpath("//*[@src]")]:
            url = urljoin(BASE + here.lstrip("/"), el.get(attr))
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" != BASE:
                continue
            target = site / parts.path.lstrip("/")
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{here} -> {url}")
            elif parts.fragment and target.suffix == ".html":
                ids = page(site, parts.path).xpath(f'//*[@id="{parts.fragment}"]')
                if not ids:
                    broken.append(f"{here} -> {url} (no #{parts.fragment})")
    assert broken == []


def test_an_update_says_its_day_or_on_the_day_published_its_time(site: Path, tmp_path: Path):
    """"updated 8 May 2031" for a later day; the bundled article, updated 27 minutes after it
    was published, says "updated at 2:58 PM" (its time, in its own offset), not the same day twice."""
    meta = page(site, "/articles/2031/05/treaty-signed/").cssselect(".article__header .meta")[0]
    assert "updated 8 May 2031" in " ".join(meta.text_content().split())
    build(Options(root=REPO, out=tmp_path / "bundled", cache=False, search=False))
    (article,) = (tmp_path / "bundled" / "articles").glob("*/*/*/index.html")
    meta = html.parse(str(article)).getroot().cssselect(".article__header .meta")[0]
    said = " ".join(meta.text_content().split())
    assert said.startswith("11 February 2022 · updated at 2:58 PM ·")
    assert meta.cssselect("time")[1].get("datetime") == "2022-02-11T14:58:00+00:00"


def test_article_page_has_metadata_and_structured_data(site: Path):
    doc = page(site, "/articles/2031/04/harbour-opens/")
    assert doc.get("lang") == "en"
    assert doc.cssselect('link[rel="canonical"]')[0].get("href") == BASE + "articles/2031/04/harbour-opens/"
    assert doc.cssselect('meta[property="og:title"]')[0].get("content") == "Lindmoor harbour reopens after repairs"
    time = doc.cssselect("article time")[0]
    assert time.get("datetime") == "2031-04-02T09:15:00+02:00" and time.text_content() == "2 April 2031"
    data = json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)
    assert data["@type"] == "NewsArticle"
    assert data["isBasedOn"] == "https://ledger.example.org/2031/04/harbour-opens"  # no archived copy: the original's address
    person = json.loads(page(site, "/people/orla-venn/").xpath('//script[@type="application/ld+json"]')[0].text)
    assert person["@type"] == "ProfilePage"
    assert person["mainEntity"]["@id"] in [m["@id"] for m in data["mentions"]]
    assert [a.text_content() for a in doc.cssselect(".people-list a")] == ["Orla Venn", "Tamsin Arlo"]
    person_page = page(site, "/people/orla-venn/")
    (tags_link,) = [a.text_content() for a in person_page.cssselect("header nav a") if a.get("href") == "/tags/"]
    tag_list = person_page.xpath('//h3[following-sibling::*[1][self::ul[@class="count-list"]]//a[starts-with(@href, "/tags/")]]')
    assert [h.text_content() for h in tag_list] == [tags_link]  # called what the menu calls them
    notes = person_page.cssselect(".note-list li")
    assert notes and all(n.cssselect(".annotation-badge") for n in notes)  # styled as on the notes index, not an unstyled "badge"
    for note in notes:  # the quote set off as one, leading to the note; the article named by a link to it
        (quote,) = note.cssselect("q > a")
        article = note.cssselect(".muted a")[0].get("href")
        assert quote.get("href").startswith(article + "#")
        page(site, article)  # the article it names is a page (parsing a missing one raises)
    assert doc.cssselect(".article__body table") and doc.cssselect(".footnotes")
    assert doc.cssselect(".article__body em")[0].text_content() == "new sea wall"


ORIGINAL = "https://ledger.example.org/2031/04/harbour-opens"


@pytest.mark.parametrize(("source", "shown"), [
    ({"url": ORIGINAL, "archived": f"https://web.archive.org/web/20310402101500/{ORIGINAL}"}, f"Original: {ORIGINAL} · archived on 2 April 2031"),
    ({"url": ORIGINAL, "archived": f"https://web.archive.org/web/20310402101500id_/{ORIGINAL}"}, f"Original: {ORIGINAL} · archived on 2 April 2031"),
    ({"url": ORIGINAL, "archived": f"https://archive.ph/2031.04.03-080000/{ORIGINAL}"}, f"Original: {ORIGINAL} · archived on 3 April 2031"),
    ({"url": ORIGINAL, "archived": "https://archive.ph/AbCdE"}, f"Original: {ORIGINAL} · archived copy"),
    ({"url": ORIGINAL, "archived": f"https://web.archive.org/web/20311399000000/{ORIGINAL}"}, f"Original: {ORIGINAL} · archived copy"),  # no 99th day
    ({"url": ORIGINAL, "archived": f"https://web.archive.org/web/2031040210150001/{ORIGINAL}"}, f"Original: {ORIGINAL} · archived copy"),  # 16 digits
    ({"archived": f"https://web.archive.org/web/20310402101500/{ORIGINAL}"}, "Original: archived on 2 April 2031"),
])
def test_an_archived_copy_of_the_original_is_linked_with_its_date_when_its_address_says(tmp_path: Path, source: dict, shown: str, capsys):
    """Outlets change and remove articles; a web archive's snapshot keeps the original readable."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    path = root / "content/articles/2031/04/harbour-opens.md"
    text = path.read_text()
    assert f"  url: {ORIGINAL}\n" in text
    path.write_text(text.replace(f"  url: {ORIGINAL}\n", "".join(f"  {k}: {v}\n" for k, v in source.items())))
    build(Options(root=root, out=tmp_path / "out", cache=False, search=False))
    doc = page(tmp_path / "out", "/articles/2031/04/harbour-opens/")
    (line,) = doc.cssselect(".article__original")
    assert " ".join(line.text_content().split()) == shown
    assert [a.get("href") for a in line.cssselect("a")] == [u for u in (source.get("url"), source["archived"]) if u]
    data = json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)
    assert data["isBasedOn"] == {"@type": "CreativeWork", "archivedAt": source["archived"], "url": ORIGINAL}  # given, or named by the copy
    entry = next(e for e in xml(tmp_path / "out", "feed.xml").iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "Lindmoor harbour reopens after repairs")
    related = [(link.get("href"), link.get("title")) for link in entry.iter(f"{ATOM}link") if link.get("rel") == "related"]
    assert related == [*([(ORIGINAL, "The Lindmoor Ledger")] if "url" in source else []), (source["archived"], "The Lindmoor Ledger (archived copy)")]
    if "on" in shown:  # the date as a machine reads it too
        assert line.cssselect("time")[0].get("datetime").endswith("+00:00")
    cli.main(["check", "-s", str(root)])
    assert "source.archived" not in capsys.readouterr().out  # a copy of this original, made after it


@pytest.mark.parametrize("base", [BASE, "https://example.org/archive/"])
def test_a_lead_image_kept_under_content_static_is_served_from_the_site(tmp_path: Path, base: str, capsys):
    """An outlet's image vanishes with its article, and each reader's browser asking the
    outlet for it tells the outlet who reads the archive: a copy can be the site's own. Its
    path is from the root of the site as published (below a base path, where the output is)."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "content/static/images").mkdir(parents=True)
    (root / "content/static/images/treaty.jpg").write_bytes(b"\xff\xd8\xff\xe0 a fictional JPEG")
    path = root / "content/articles/2031/05/treaty-signed.md"
    path.write_text(path.read_text().replace("image: https://coastline.example.net/image.jpg\n", "image: /images/treaty.jpg\n"))
    build(Options(root=root, out=tmp_path / "out", cache=False, search=False, base_url=base))
    doc = page(tmp_path / "out", "/articles/2031/05/treaty-signed/")
    src = base.split("/", 3)[3]
    assert doc.cssselect(".article__image img")[0].get("src") == f"/{src}images/treaty.jpg"
    assert (tmp_path / "out/images/treaty.jpg").is_file()
    assert doc.cssselect('meta[property="og:image"]')[0].get("content") == base + "images/treaty.jpg"  # absolute, for other sites
    assert doc.cssselect('meta[name="twitter:image"]')[0].get("content") == base + "images/treaty.jpg"
    assert json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)["image"] == base + "images/treaty.jpg"
    config = root / "sitegen.toml"
    config.write_text(config.read_text().replace(BASE, base))
    assert cli.main(["check", "-s", str(root)]) == 0
    assert "image" not in capsys.readouterr().out  # found where it is


def test_people_resolve_by_alias_and_slug_and_unknown_names_get_a_page(site: Path):
    ferry = page(site, "/articles/2031/04/ferry-timetable/")
    assert [a.get("href") for a in ferry.cssselect(".people-list a")] == ["/people/orla-venn/", "/people/pell-marrow/"]
    treaty = page(site, "/articles/2031/05/treaty-signed/")
    assert treaty.get("lang") == "en"  # the site's, for its chrome; the article's text says its own
    assert treaty.cssselect(".article__body")[0].get("lang") == "en-GB"
    assert [a.text_content() for a in treaty.cssselect(".people-list a")] == ["Tamsin Arlo"]
    index = page(site, "/people/")
    rows = {r.cssselect("th a")[0].text_content(): r.cssselect("td")[0].text_content() for r in index.cssselect("tbody tr")}
    assert rows == {"Orla Venn": "2", "Pell Marrow": "1", "Tamsin Arlo": "2"}
    together = page(site, "/people/orla-venn/").cssselect(".story .count-list")[0]
    assert "Tamsin Arlo" in together.text_content()


def test_tags_are_case_insensitive(site: Path):
    tags = page(site, "/tags/")
    assert [a.get("href") for a in tags.cssselect(".term-index a")] == ["/tags/harbour/", "/tags/treaty/"]
    harbour = page(site, "/tags/harbour/")
    assert len(harbour.cssselect(".article-card")) == 2


def test_feeds_are_atom_with_absolute_links(site: Path):
    for rel in ["feed.xml", "tags/treaty/feed.xml", "people/tamsin-arlo/feed.xml", "annotations/feed.xml"]:
        feed = xml(site, rel)
        assert feed.tag == f"{ATOM}feed"
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == BASE + rel
        for entry in feed.findall(f"{ATOM}entry"):
            assert entry.find(f"{ATOM}id").text.startswith(BASE)
    home = xml(site, "feed.xml")
    assert home.find(f"{ATOM}updated").text == "2031-05-08T08:00:00+00:00"
    assert len(home.findall(f"{ATOM}entry")) == 3


def test_each_outlet_has_a_feed_of_its_articles(site: Path):
    """A reader following one outlet's archived articles, as a tag's or a person's."""
    outlet = page(site, "/sources/the-lindmoor-ledger/")
    assert outlet.xpath("//link[@rel='alternate' and @type='application/atom+xml']/@href")[-1] == "/sources/the-lindmoor-ledger/feed.xml"
    assert "/sources/the-lindmoor-ledger/feed.xml" in outlet.xpath("//main//a/@href")
    feed = xml(site, "sources/the-lindmoor-ledger/feed.xml")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == BASE + "sources/the-lindmoor-ledger/feed.xml"
    assert feed.findtext(f"{ATOM}title") == "The Lindmoor Ledger · Fictional Test Archive"
    linked = sorted(e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in feed.findall(f"{ATOM}entry"))
    assert linked == [BASE + "articles/2031/04/ferry-timetable/", BASE + "articles/2031/04/harbour-opens/"]  # not Coastline Weekly's


def test_an_empty_feed_is_dated_as_of_the_archives_newest_article(tmp_path: Path):
    """Atom requires ``updated``; an empty feed (a person no article names, no annotations
    yet) is as the archive was when it last changed, not from 1970 nor from the clock."""
    root = tmp_path / "archive"
    (root / "content" / "articles" / "2031" / "03").mkdir(parents=True)
    (root / "content" / "people").mkdir(parents=True)
    (root / "sitegen.toml").write_text(f'title = "Lindmoor"\nbase_url = "{BASE}"\n')
    (root / "content" / "articles" / "2031" / "03" / "one.md").write_text(
        "---\ntitle: One fictional article\ndate: 2031-03-04T10:00:00+00:00\nupdated: 2031-03-09T12:00:00+00:00\n---\n\nText.\n")
    (root / "content" / "articles" / "2031" / "03" / "two.md").write_text(
        "---\ntitle: Two fictional article\ndate: 2031-03-05T10:00:00+00:00\n---\n\nText.\n")
    (root / "content" / "people" / "wenna-quill.md").write_text("---\nname: Wenna Quill\n---\n")
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False, cache=False))
    for rel in ("people/wenna-quill/feed.xml", "annotations/feed.xml"):
        feed = xml(out, rel)
        assert feed.findall(f"{ATOM}entry") == []
        assert feed.find(f"{ATOM}updated").text == "2031-03-09T12:00:00+00:00", rel


def test_every_page_has_an_icon_and_favicon_ico_is_at_the_root(site: Path, tmp_path: Path):
    """Browsers ask for /favicon.ico when they cannot use the page's SVG icon: no 404."""
    for rel in ("index.html", "people/index.html", "articles/2031/04/harbour-opens/index.html", "404.html"):
        icons = page(site, "/" + rel).cssselect('link[rel="icon"]')
        assert [(i.get("href"), i.get("type")) for i in icons] == [("/static/favicon.svg", "image/svg+xml")], rel
    assert (site / "static/favicon.svg").read_bytes().startswith(b"<svg")
    ico = (site / "favicon.ico").read_bytes()
    assert ico[:6] == b"\0\0\1\0\1\0" and ico[22:30] == b"\x89PNG\r\n\x1a\n"  # one image, a PNG
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "content/static/favicon.ico").write_bytes(b"the archive's own icon")
    build(Options(root=root, out=tmp_path / "out", search=False, cache=False))
    assert (tmp_path / "out/favicon.ico").read_bytes() == b"the archive's own icon"


def test_archive_pages_read_newest_first_and_link_their_neighbours(tmp_path: Path):
    """Years, months and articles newest first at every level; a year or month links the
    next one with articles either way, over gaps."""
    root = tmp_path / "archive"
    (root / "sitegen.toml").parent.mkdir(parents=True)
    (root / "sitegen.toml").write_text(f'title = "Lindmoor"\nbase_url = "{BASE}"\n')
    for day in ("2029-11-02", "2031-04-03", "2031-04-20", "2031-05-07"):
        folder = root / "content" / "articles" / day[:4] / day[5:7]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"day-{day[8:]}.md").write_text(f"---\ntitle: Fictional news of {day}\ndate: {day}T10:00:00+00:00\n---\n\nText.\n")
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False, cache=False))

    def nav(url: str) -> list[tuple[str | None, str, str]]:
        return [(a.get("rel"), a.get("href"), a.text_content()) for a in page(out, url).cssselect("nav.prev-next a")]

    assert [a.text_content() for a in page(out, "/archive/").cssselect(".term-index a")] == ["2031", "2029"]
    assert [a.text_content() for a in page(out, "/archive/2031/").cssselect(".term-index a")] == ["May 2031", "April 2031"]
    assert [a.text_content() for a in page(out, "/archive/2031/04/").cssselect(".article-card__title a")] == [
        "Fictional news of 2031-04-20", "Fictional news of 2031-04-03"]
    assert nav("/archive/2031/") == [("next", "/archive/2029/", "Older: 2029 →")]
    assert nav("/archive/2029/") == [("prev", "/archive/2031/", "← Newer: 2031")]
    assert nav("/archive/2031/05/") == [(None, "/archive/2031/04/", "Older: April 2031 →")]
    assert nav("/archive/2031/04/") == [(None, "/archive/2031/05/", "← Newer: May 2031"),
                                        (None, "/archive/2029/11/", "Older: November 2029 →")]
    assert nav("/archive/2029/11/") == [(None, "/archive/2031/04/", "← Newer: April 2031")]


def test_sitemap_lists_every_html_page_but_404(site: Path):
    sitemap = xml(site, "sitemap.xml")
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    listed = {loc.text for loc in sitemap.iter(f"{ns}loc")}
    pages = set()
    for file in html_pages(site):
        rel = file.relative_to(site).as_posix()
        if rel != "404.html":
            pages.add(BASE + rel.removesuffix("index.html"))
    assert listed == pages
    robots = (site / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_the_404_page_is_canonical_for_no_address_and_asks_not_to_be_indexed(site: Path):
    """It is served at every missing address: a canonical link would name /404.html for all."""
    missing = html.fromstring((site / "404.html").read_bytes())
    assert missing.cssselect('link[rel="canonical"]') == []
    assert [m.get("content") for m in missing.cssselect('meta[name="robots"]')] == ["noindex"]
    home = html.fromstring((site / "index.html").read_bytes())
    assert home.cssselect('link[rel="canonical"]') and not home.cssselect('meta[name="robots"]')


def test_two_builds_are_byte_identical(tmp_path: Path, site: Path):
    again = tmp_path / "again"
    build(Options(root=FIXTURE, out=again, cache=False))
    assert snapshot(again) == snapshot(site)


def test_drafts_only_with_the_flag(tmp_path: Path):
    out = tmp_path / "drafts"
    report = build(Options(root=FIXTURE, out=out, drafts=True, cache=False))
    assert report.articles == 4
    assert (out / "articles/2031/05/unfinished/index.html").is_file()


def test_base_url_with_a_path(tmp_path: Path):
    out = tmp_path / "sub"
    build(Options(root=FIXTURE, out=out, base_url="https://example.org/archive/", cache=False))
    home = page(out, "/")
    assert home.cssselect(".site-title")[0].get("href") == "/archive/"
    assert home.cssselect('link[rel="canonical"]')[0].get("href") == "https://example.org/archive/"


def test_contributor_html_stays_text(tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    story = root / "content/articles/2031/04/harbour-opens.md"
    story.write_text(story.read_text() + '\n<script>window.__xss = 1</script>\n')
    out = tmp_path / "out"
    build(Options(root=root, out=out))
    doc = page(out, "/articles/2031/04/harbour-opens/")
    body = doc.cssselect(".article__body")[0]
    assert not body.cssselect("script")
    assert "<script>window.__xss = 1</script>" in body.text_content()


def test_a_script_link_in_a_body_stays_text_and_fails_the_build(tmp_path: Path):
    """markdown-it leaves it as text; the build says so instead of losing the link silently."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    story = root / "content/articles/2031/04/harbour-opens.md"
    story.write_text(story.read_text() + "\n[x](javascript:alert(1))\n")
    with pytest.raises(BuildFailed) as failed:
        build(Options(root=root, out=tmp_path / "out"))
    assert [(p.path, p.field, p.message.split(":")[0]) for p in failed.value.problems if p.is_error] == [
        ("content/articles/2031/04/harbour-opens.md", "body", "link scheme 'javascript' is not allowed")
    ]
    assert 'href="javascript' not in render("[x](javascript:alert(1))").html


def test_bom_and_crlf_simply_work(tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    story = root / "content/articles/2031/04/harbour-opens.md"
    story.write_bytes(b"\xef\xbb\xbf" + story.read_bytes().replace(b"\n", b"\r\n"))
    out = tmp_path / "out"
    build(Options(root=root, out=out))
    assert page(out, "/articles/2031/04/harbour-opens/").cssselect("h1")[0].text_content() == "Lindmoor harbour reopens after repairs"


INVALID = sorted(p for p in (Path(__file__).parent / "fixtures" / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_bad_input_reports_its_message_and_leaves_the_previous_output(case: Path, tmp_path: Path, capsys):
    root = tmp_path / "archive"
    shutil.copytree(case, root)
    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").write_text("<!doctype html><title>previous</title>")
    before = snapshot(out)
    code = cli.main(["build", "-s", str(root), "-o", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    expected = (case / "expected.txt").read_text().strip()
    assert expected in err
    assert "Traceback" not in err
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []


def test_every_problem_in_every_file_in_one_run(tmp_path: Path, capsys):
    root = tmp_path / "archive"
    for case in INVALID:
        for file in (case / "content/articles").rglob("*.md"):
            target = root / "content/articles" / case.name / file.relative_to(case / "content/articles")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.read_bytes())
    code = cli.main(["check", "-s", str(root)])
    out = capsys.readouterr().out
    assert code == 1
    for case in INVALID:
        if case.name.startswith("duplicate"):
            continue  # their folders differ here, so they are not duplicates
        assert f"content/articles/{case.name}/" in out, case.name


def test_unknown_people_are_one_grouped_warning(tmp_path: Path, capsys):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    for i in range(6):
        (root / f"content/articles/2031/04/extra-{i}.md").write_text(
            f"---\ntitle: Fictional extra {i}\ndate: 2031-04-0{i + 1}\npeople: [Quill Ambry]\n---\nBody.\n"
        )
    assert cli.main(["build", "-s", str(root), "-o", str(tmp_path / "out"), "--quiet"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "Quill Ambry" in line]
    assert len(lines) == 1 and "6 places" in lines[0]
    assert cli.main(["build", "-s", str(root), "-o", str(tmp_path / "out"), "--quiet", "--strict"]) == 1


def test_strict_build_fails_on_the_link_and_image_warnings_check_gives(tmp_path: Path, capsys):
    """check --strict and build --strict (the production build) agree; a plain build only warns of
    what it checks anyway, so it leaves the links unchecked."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    story = root / "content/articles/2031/04/harbour-opens.md"
    story.write_text(story.read_text() + "\nSee [the plans](/nowhere/) and ![a map](/maps/none.png).\n")
    assert cli.main(["build", "-s", str(root), "-o", str(tmp_path / "out"), "--quiet"]) == 0
    capsys.readouterr()
    for command in ("check", "build"):
        assert cli.main([command, "-s", str(root), *(("-o", str(tmp_path / "out"), "--quiet") if command == "build" else ()), "--strict"]) == 1
        out = capsys.readouterr()
        assert "links to '/nowhere/', which is no page of this site" in out.out + out.err, command
        assert "image '/maps/none.png' not found" in out.out + out.err, command


def test_a_strict_build_plans_the_site_once_for_its_checks_and_its_pages(tmp_path: Path, monkeypatch):
    """The plan the link checks make is the one the pages are made from: the same output,
    not a second plan of every page (~0.8 s at 10k articles in the production build)."""
    from sitegen import build as build_module

    plans = []
    real_plan = build_module.pages.plan
    monkeypatch.setattr(build_module.pages, "plan", lambda *a, **k: plans.append(1) or real_plan(*a, **k))
    for strict in (False, True):
        plans.clear()
        build(Options(root=FIXTURE.parents[2], out=tmp_path / f"out-{strict}", strict=strict, cache=False))  # passes --strict
        assert len(plans) == 1, strict
    assert snapshot(tmp_path / "out-True") == snapshot(tmp_path / "out-False")


def test_an_override_can_extend_the_template_it_replaces(tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text(
        '{% extends "theme:article.html" %}\n'
        '{% block title %}Overridden: {{ article.title }}{% endblock %}\n'
    )
    (root / "templates/person-orla-venn.html").write_text(
        '{% extends "person.html" %}{% block content %}<p id="special">Only Orla</p>{% endblock %}'
    )
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False))
    doc = page(out, "/articles/2031/04/harbour-opens/")
    assert doc.findtext(".//title") == "Overridden: Lindmoor harbour reopens after repairs"
    assert doc.cssselect(".article__body")  # the rest of the theme's page is still there
    assert page(out, "/people/orla-venn/").cssselect("#special")
    assert not page(out, "/people/tamsin-arlo/").cssselect("#special")


def test_a_listing_joined_by_cards_is_the_loop_over_card_it_replaces(site: Path, tmp_path: Path):
    """``cards(articles, level)`` is a shortcut: a theme that loops over ``card`` gets the same pages."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/article_list.html").write_text(
        '{% if articles %}\n<ol class="article-list">\n{% for a in articles %}\n{{ card(a, level | default(2)) }}\n{% endfor %}\n</ol>\n'
        '{% else %}\n<p class="muted">No articles yet.</p>\n{% endif %}\n'
    )
    out = tmp_path / "out"
    build(Options(root=root, out=out, cache=False))
    for listing in ("index.html", "tags/harbour/index.html", "people/orla-venn/index.html", "archive/2031/04/index.html"):
        assert (out / listing).read_bytes() == (site / listing).read_bytes(), listing
    assert len(page(out, "/people/orla-venn/").cssselect(".article-card h3")) == 2

def test_a_global_set_after_a_template_is_loaded_reaches_it(tmp_path: Path):
    """Each template's globals are its own dict (not Jinja's ChainMap): ``set_global`` updates them."""
    from jinja2 import DictLoader

    env = SiteEnvironment(loader=DictLoader({"page.html": "{{ where }}", "own.html": "{{ where }}"}), autoescape=True)
    env.set_global("where", "before")
    page, own = env.get_template("page.html"), env.get_template("own.html", globals={"where": "its own"})
    assert (page.render(), own.render()) == ("before", "its own")
    env.set_global("where", "<after>")
    assert (page.render(), own.render()) == ("&lt;after&gt;", "its own")
    overlay = env.overlay()
    overlay.set_global("where", "overlay")
    assert page.render() == "&lt;after&gt;" and env.globals["where"] == "<after>"


def test_the_builds_helpers_are_called_directly_and_others_as_jinja_calls_them():
    """``set_direct`` helpers skip Jinja's look for a context to pass (it would find this
    one's request), in loops and blocks too; any other callable is called as Jinja does."""
    from jinja2 import DictLoader, pass_context

    @pass_context
    def asks(context):
        return f"context {context.get('who')}"

    template = "{% for x in [1] %}{% set y = x %}{{ direct(y) }} {{ jinja() }}{% endfor %} {% block b %}{% set z = 2 %}{{ direct(z) }}{% endblock %}"
    env = SiteEnvironment(loader=DictLoader({"page.html": template}), autoescape=True)
    env.globals["jinja"] = asks
    env.set_direct(direct=pass_context(lambda value: f"direct {value}"))
    assert env.get_template("page.html").render(who="reader") == "direct 1 context reader direct 2"


def test_a_template_typo_is_an_error_naming_the_template_line(tmp_path: Path, capsys):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "templates").mkdir()
    (root / "templates/404.html").write_text('{% extends "base.html" %}\n{% block content %}\n{{ sitee.title }}\n{% endblock %}\n')
    code = cli.main(["build", "-s", str(root), "-o", str(tmp_path / "out"), "--quiet", "--no-search"])
    err = capsys.readouterr().err
    assert code == 1
    assert "templates/404.html:3: 'sitee' is undefined" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_an_archive_without_config_builds(tmp_path: Path):
    root = tmp_path / "bare"
    (root / "content/articles").mkdir(parents=True)
    (root / "content/articles/only.md").write_text("---\ntitle: A fictional only article\ndate: 2031-01-01\n---\nText.\n")
    report = build(Options(root=root, search=False))
    assert report.articles == 1 and (root / "public/index.html").is_file()


def test_people_sort_by_name_or_by_mentions(site: Path):
    def names(url: str) -> list[str]:
        return [a.text_content() for a in page(site, url).cssselect("tbody th a")]

    assert names("/people/") == ["Orla Venn", "Pell Marrow", "Tamsin Arlo"]
    assert names("/people/by-mentions/") == ["Orla Venn", "Tamsin Arlo", "Pell Marrow"]
    current = page(site, "/people/by-mentions/").cssselect('.sort-links [aria-current="page"]')
    assert [a.get("href") for a in current] == ["/people/by-mentions/"]


def test_each_sparkline_says_its_figures_to_a_screen_reader(site: Path, tmp_path: Path):
    """The "Mentions over time" cell is not empty to assistive technology, and a person
    with one mention is a peak in their month of the archive's span, not a line along the top."""
    rows = {row.cssselect("th a")[0].text_content(): row.cssselect("svg")[0] for row in page(site, "/people/").cssselect("tbody tr")}
    said = {name: (svg.get("role"), svg.get("aria-hidden"), svg.cssselect("title")[0].text_content()) for name, svg in rows.items()}
    assert said == {
        "Orla Venn": ("img", None, "2 mentions, in April 2031."),
        "Pell Marrow": ("img", None, "1 mention, in April 2031."),
        "Tamsin Arlo": ("img", None, "2 mentions from April 2031 to May 2031; at most 1 a month."),
    }
    points = rows["Pell Marrow"].cssselect("polyline")[0].get("points").split()
    assert points == ["0,1", "80,15"]  # the archive spans April and May: April at the top, May at zero
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "content/people/wenna-quill.md").write_text("---\nname: Wenna Quill\n---\n")
    build(Options(root=root, out=tmp_path / "out", search=False, cache=False))
    nobody = next(r for r in page(tmp_path / "out", "/people/").cssselect("tbody tr") if "Wenna" in r.text_content())
    assert nobody.cssselect("svg title")[0].text_content() == "No mentions."
    assert nobody.cssselect("svg polyline")[0].get("points") == "0,15 80,15"


def test_two_pages_wanting_one_url_fail_the_build(tmp_path: Path, capsys):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "content/people/by-mentions.md").write_text("---\nname: By Mentions\n---\nA fictional person whose slug is a page's name.\n")
    out = tmp_path / "out"
    assert cli.main(["build", "-s", str(root), "-o", str(out), "--quiet", "--no-search"]) == 1
    assert (
        "error: content/people/by-mentions.md:1: url: /people/by-mentions/ is wanted by two pages: "
        "the site's page people.html and the person content/people/by-mentions.md; rename one"
    ) in capsys.readouterr().err
    assert not out.exists()


def test_an_outlet_spelled_two_ways_is_one_outlet_with_one_name(tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    story = root / "content/articles/2031/05/treaty-signed.md"
    story.write_text(story.read_text().replace("name: Coastline Weekly", "name: the lindmoor ledger"))
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False, cache=False))
    outlets = [a.text_content() for a in page(out, "/sources/").cssselect(".term-index a")]
    assert outlets == ["The Lindmoor Ledger"]
    shown = page(out, "/articles/2031/05/treaty-signed/").cssselect(".meta a")[0].text_content()
    assert shown == "The Lindmoor Ledger"
    assert page(out, "/sources/the-lindmoor-ledger/").cssselect(".lede")[0].text_content().startswith("3 articles")


@pytest.mark.parametrize("command", [["-m", "sitegen.cli"], ["-c", "from sitegen.cli import run; run()"]])
def test_the_command_prints_everything_before_its_quick_exit(command: list[str], tmp_path: Path) -> None:
    """``run`` ends with os._exit: output piped (so block-buffered) must still arrive."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # piped output stays buffered
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    done = subprocess.run([sys.executable, *command, "build", "-s", str(root), "--no-search"], capture_output=True, text=True, timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{len(list((root / 'public').rglob('*.html')))} pages, ") and done.stdout.endswith(" s\n")
    assert "warning: content/articles/2031/04/ferry-timetable.md:9: people:" in done.stderr
    (root / "content/articles/2031/04/broken.md").write_text("---\ntitle: [unclosed\n---\n")
    broken = subprocess.run([sys.executable, *command, "build", "-s", str(root), "--no-search"], capture_output=True, text=True, timeout=120, check=False, env=env)
    assert broken.returncode == 1 and broken.stderr.startswith("error: content/articles/2031/04/broken.md:3: invalid YAML")
    assert broken.stderr.endswith("the previous output is untouched\n")


def test_the_progress_bar_on_a_terminal_starts_no_thread(monkeypatch, terminal):
    """A thread (tqdm's monitor) keeps a build from forking its workers (see parallel.fork):
    on a terminal, cold builds ran in one process."""
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    before = set(threading.enumerate())
    started = [set(threading.enumerate()) - before for _ in cli._progress(False)(iter(range(3)))]
    assert started == [set()] * 3
    assert "rendering:" in terminal.getvalue()  # the bar was shown


def _ignores_third_threshold() -> bool:
    """An incremental collector (no full passes to hold off) ignores it."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], 12345)
    ignored = gc.get_threshold()[2] != 12345
    gc.set_threshold(*before)
    return ignored


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, monkeypatch):
    """The third threshold (full collections) is raised while a build runs, the thresholds
    restored after, also after a failure. (The threshold is what is checked: a build this
    small would not reach a full collection anyway.)"""
    import gc

    from sitegen import build as build_module

    before = gc.get_threshold()
    incremental = _ignores_third_threshold()
    during = []
    real_load = build_module.load_planned
    monkeypatch.setattr(build_module, "load_planned", lambda *a, **k: (during.append(gc.get_threshold()), real_load(*a, **k))[1])
    build(Options(root=FIXTURE, out=tmp_path / "out", search=False, cache=False))
    assert during[0][:2] == before[:2] and (incremental or during[0][2] > 1_000_000)
    assert gc.get_threshold() == before
    root = tmp_path / "broken"
    shutil.copytree(FIXTURE, root)
    (root / "content/people/by-mentions.md").write_text("---\nname: By Mentions\n---\nA fictional person whose slug is a page's name.\n")
    with pytest.raises(BuildFailed):
        build(Options(root=root, out=tmp_path / "out2", search=False, cache=False))
    assert gc.get_threshold() == before
    from sitegen import report

    monkeypatch.setattr(report, "load", build_module.load)  # the recording one
    report.run(Options(root=FIXTURE, cache=False), out=io.StringIO(), err=io.StringIO())  # sitegen check
    assert len(during) == 3 and (incremental or during[2][2] > 1_000_000)
    assert gc.get_threshold() == before


def test_overlapping_builds_restore_the_collector_when_the_last_ends():
    """Two builds in threads of one process: the first to end must not restore the
    thresholds under the other, nor the last leave them raised."""
    import gc

    from sitegen.build import no_full_collections

    before = gc.get_threshold()
    first, second = no_full_collections(), no_full_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    raised = gc.get_threshold()
    second.__exit__(None, None, None)
    assert _ignores_third_threshold() or raised[2] > 1_000_000
    assert gc.get_threshold() == before


def test_a_build_without_search_never_loads_numpy(tmp_path: Path) -> None:
    """Only the search index needs numpy (~60 ms to import): an edit without search skips it."""
    import subprocess
    import sys

    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    script = "import sys; from sitegen.cli import main; code = main(sys.argv[1:]); print('numpy' in sys.modules)"
    for flags, loaded in ((["--no-search"], "False"), ([], "True")):
        done = subprocess.run([sys.executable, "-c", script, "build", "-s", str(root), "--quiet", *flags], capture_output=True, text=True, timeout=120, check=False)
        assert (done.returncode, done.stdout.strip().splitlines()[-1]) == (0, loaded), done.stderr


_ZONES = st.builds(timezone, st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)).map(lambda d: timedelta(minutes=d // timedelta(minutes=1))))


@given(st.lists(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=_ZONES), min_size=2, max_size=2))
def test_articles_sort_by_their_instant_as_the_times_compare(pair: list[datetime]):
    """Sorted by a number, not by comparing times: the same order, in any zones."""
    a, b = pair
    assert (site_module._instant(a) < site_module._instant(b)) == (a < b)
    assert (site_module._instant(a) == site_module._instant(b)) == (a == b)


def test_pages_link_their_file_in_the_repositorys_editor_when_the_config_says_where(tmp_path: Path):
    """Readers who spot a mistake can suggest a correction as a pull request, where contributors send articles."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "sitegen.toml").write_text((root / "sitegen.toml").read_text() + 'edit_url = "https://github.com/example/archive/edit/main/{path}"\n')
    out = tmp_path / "out"
    build(Options(root=root, out=out, cache=False, search=False))
    editor = "https://github.com/example/archive/edit/main/"

    def links(url: str) -> list[str]:
        return [a.get("href") for a in page(out, url).cssselect(".edit-link a")]

    assert links("/articles/2031/04/harbour-opens/") == [editor + "content/articles/2031/04/harbour-opens.md"]
    assert links("/people/orla-venn/") == [editor + "content/people/orla-venn.md"]
    assert links("/people/pell-marrow/") == []  # named in an article, with no file to correct
    assert " ".join(page(out, "/people/orla-venn/").cssselect(".edit-link")[0].text_content().split()) == "Suggest a correction (github.com)"
    plain = tmp_path / "plain"
    build(Options(root=FIXTURE, out=plain, cache=False, search=False))
    assert not any(html.parse(str(p)).getroot().cssselect(".edit-link") for p in html_pages(plain))


def test_browsers_are_offered_the_archives_search(site: Path):
    """OpenSearch: a browser's address bar can search the archive (its search page reads ?q=)."""
    (link,) = page(site, "/people/orla-venn/").cssselect('head link[rel="search"]')
    assert (link.get("type"), link.get("href"), link.get("title")) == ("application/opensearchdescription+xml", "/opensearch.xml", "Fictional Test Archive")
    root = xml(site, "opensearch.xml")
    os_ = "{http://a9.com/-/spec/opensearch/1.1/}"
    assert root.tag == f"{os_}OpenSearchDescription"
    assert root.findtext(f"{os_}ShortName") == "Fictional Test"  # at most 16 characters, a whole word
    assert root.findtext(f"{os_}Description") == "Search Fictional Test Archive: articles, people and notes"
    urls = {u.get("type"): u.get("template") for u in root.iter(f"{os_}Url")}
    assert urls == {"text/html": BASE + "search/?q={searchTerms}", "application/opensearchdescription+xml": BASE + "opensearch.xml"}
    page(site, urlsplit(urls["text/html"]).path)  # the search page is there
    assert (site / urlsplit(root.findtext(f"{os_}Image")).path.lstrip("/")).is_file()


def test_the_opensearch_description_is_linked_at_the_root_of_a_site_below_a_path(tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    config = (root / "sitegen.toml").read_text().replace(f'base_url = "{BASE}"', 'base_url = "https://example.org/archive/"')
    (root / "sitegen.toml").write_text(config + '[permalinks]\nhome = "/front/"\n')
    out = tmp_path / "out"
    build(Options(root=root, out=out, cache=False, search=False))
    (link,) = page(out, "/front/").cssselect('head link[rel="search"]')
    assert link.get("href") == "/archive/opensearch.xml" and (out / "opensearch.xml").is_file()

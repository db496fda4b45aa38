"""A note's ``updated``: when an editor last changed it (new evidence, another rating). Shown
after its byline; its feeds bring it back to the top, its first date kept as published; its
exports say when it changed. The pages of notes keep their order, by when each was written.
Built from invented archives, read as parsed HTML, XML, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import feedparser
import pytest
from frictionless import validate
from sitehelpers import page, xml

from sitegen.build import Options, build
from sitegen.cli import main

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
UPDATED = "2024-05-02T10:00:00+02:00"


def archive(root: Path, count: int = 3, updated: str = UPDATED) -> Path:
    """One invented article with ``count`` notes on the words w0, w1…, note N written on
    2024-04-(N+1); the first, a fact-check, ``updated`` (none when empty)."""
    words = [f"w{n}" for n in range(count)]
    notes = "".join(f"  - quote: {w}\n    kind: context\n    note: Invented {w}.\n    date: 2024-04-{n + 1:02}\n" for n, w in enumerate(words[1:], 1))
    first = "  - quote: w0\n    kind: fact-check\n    rating: misleading\n    note: Invented w0, now with the second invented source.\n    date: 2024-04-01\n"
    first += f"    updated: {updated}\n" if updated else ""
    path = root / "content" / "articles" / "2024" / "03" / "one.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: Invented wharf\ndate: 2024-03-01\nannotations:\n{first}{notes}---\n{' '.join(words)}\n", encoding="utf-8")
    (root / "sitegen.toml").write_text('base_url = "https://notes.example.org/"\n', encoding="utf-8")
    return root


def built(root: Path) -> Path:
    build(Options(root=root, out=root / "public", search=False))
    return root / "public"


def test_the_page_says_when_a_note_was_updated(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    (byline,) = page(out, "/articles/2024/03/one/").xpath("//li[@id='annotation-1']//p[@class='annotation-byline']")
    assert byline.text_content() == "Written 1 April 2024 · updated 2 May 2024"
    assert byline.xpath(".//time/@datetime") == ["2024-04-01", UPDATED]
    listed = page(out, "/annotations/").xpath("//li[contains(@class, 'annotation-entry')]//p[@class='annotation-byline']")
    assert [p.text_content() for p in listed] == ["Written 3 April 2024", "Written 2 April 2024", "Written 1 April 2024 · updated 2 May 2024"]  # by when written


def test_an_updated_note_comes_back_to_the_top_of_its_feeds(tmp_path: Path) -> None:
    out = built(archive(tmp_path, count=21))  # the fact-check, written first, would be the 21st: out of the feed
    for rel in ("annotations/feed.xml", "annotations/fact-check/feed.xml"):
        feed = xml(out, rel)
        first = feed.find("a:entry", ATOM)
        assert first.findtext("a:updated", namespaces=ATOM) == UPDATED == feed.findtext("a:updated", namespaces=ATOM), rel
        assert first.findtext("a:published", namespaces=ATOM) == "2024-04-01T00:00:00+00:00"
        assert "<p>Updated 2 May 2024.</p>" in first.findtext("a:content", namespaces=ATOM)  # why it is back on top
    entries = feedparser.parse((out / "annotations" / "feed.xml").read_bytes()).entries
    assert len(entries) == 20 and entries[0].title.startswith("Fact-check (Misleading)")
    assert [e.updated[:10] for e in entries[1:]] == [f"2024-04-{n:02}" for n in range(21, 2, -1)]  # the 2nd written drops out
    assert all("published" not in e for e in entries[1:])  # never updated: updated is when written


def test_the_exports_say_when_a_note_changed(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    rows = list(csv.DictReader(io.StringIO((out / "data" / "annotations.csv").read_text("utf-8"), newline="")))
    assert [(r["written"], r["updated"]) for r in rows] == [("2024-04-03T00:00:00Z", ""), ("2024-04-02T00:00:00Z", ""), ("2024-04-01T00:00:00Z", "2024-05-02T08:00:00Z")]
    report = validate(str(out / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    assert json.loads((out / "data" / "datapackage.json").read_text("utf-8"))["created"] == "2024-05-02T08:00:00Z"
    items = json.loads((out / "articles/2024/03/one/annotations.jsonld").read_text("utf-8"))["first"]["items"]
    assert [(i["created"], i.get("modified")) for i in items] == [("2024-04-01T00:00:00Z", "2024-05-02T08:00:00Z"), ("2024-04-02T00:00:00Z", None), ("2024-04-03T00:00:00Z", None)]
    (ld,) = page(out, "/articles/2024/03/one/").xpath('//script[@type="application/ld+json"]/text()')
    (review,) = [n for n in json.loads(ld)["@graph"] if n["@type"] == "ClaimReview"]
    assert (review["datePublished"], review["dateModified"]) == ("2024-04-01", UPDATED)


def test_an_update_of_a_day_alone_is_never_before_the_note(tmp_path: Path) -> None:
    root = archive(tmp_path, updated="2024-04-01")  # the day it was written, at 15:00 UTC: its midnight is before that
    note = root / "content/articles/2024/03/one.md"
    note.write_text(note.read_text("utf-8").replace("    date: 2024-04-01\n", "    date: 2024-04-01T17:00:00+02:00\n", 1), "utf-8")
    out = built(root)
    feed = xml(out, "annotations/fact-check/feed.xml").find("a:entry", ATOM)
    assert feed.findtext("a:updated", namespaces=ATOM) == feed.findtext("a:published", namespaces=ATOM) == "2024-04-01T17:00:00+02:00"
    (ld,) = page(out, "/articles/2024/03/one/").xpath('//script[@type="application/ld+json"]/text()')
    (review,) = [n for n in json.loads(ld)["@graph"] if n["@type"] == "ClaimReview"]
    assert (review["datePublished"], review["dateModified"]) == ("2024-04-01T17:00:00+02:00", "2024-04-01")  # the day given: not before it


def two_notes(root: Path, first: str, second: str) -> Path:
    """Two invented articles with a note each, given its dates (YAML lines)."""
    for slug, dates in (("a", first), ("b", second)):
        path = root / "content" / "articles" / "2024" / "03" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Invented {slug}\ndate: 2024-03-01\nannotations:\n  - quote: pier\n    kind: context\n    note: Invented.\n{dates}---\nThe pier.\n", "utf-8")
    return root


def test_a_feed_orders_its_entries_by_the_moment_of_their_change(tmp_path: Path) -> None:
    """An update at 01:00 in UTC+5 is 20:00 UTC the day before: older than a note written at 22:00 UTC."""
    out = built(two_notes(tmp_path, "    date: 2024-04-01\n    updated: 2024-05-02T01:00:00+05:00\n", "    date: 2024-05-01T22:00:00+00:00\n"))
    feed = xml(out, "annotations/feed.xml")
    assert [e.findtext("a:updated", namespaces=ATOM) for e in feed.findall("a:entry", ATOM)] == ["2024-05-01T22:00:00+00:00", "2024-05-02T01:00:00+05:00"]


@pytest.mark.parametrize(("dates", "message"), [
    ("    date: 2024-04-02T10:00:00+00:00\n    updated: 2024-04-02T09:00:00+00:00\n", "is before the note's date (2024-04-02T09:00:00+00:00 < 2024-04-02T10:00:00+00:00)"),
    ("    date: 2024-04-02T01:00:00+03:00\n    updated: 2024-04-01T23:30:00+00:00\n", None),  # 90 minutes later, the day before where written
    ("    date: 2024-04-31\n    updated: 2024-05-01\n", None),  # the date's own message, and no other
])
def test_an_update_is_compared_with_the_note_by_the_moment(tmp_path: Path, capsys, dates: str, message: str | None) -> None:
    two_notes(tmp_path, dates, "    date: 2024-04-01\n")
    code = main(["check", "-s", str(tmp_path)])
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if "updated" in line] == ([f"content/articles/2024/03/a.md:9:1: error: annotations[0].updated: {message}"] if message else [])
    assert code == (1 if message or "04-31" in dates else 0)


def test_the_sitemap_dates_pages_by_a_notes_update(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    lastmod = {u.findtext("s:loc", namespaces=SITEMAP): u.findtext("s:lastmod", namespaces=SITEMAP) for u in xml(out, "sitemap.xml").findall("s:url", SITEMAP)}
    for address in ("articles/2024/03/one/", "annotations/", "annotations/fact-check/", "data/"):
        assert lastmod["https://notes.example.org/" + address] == UPDATED, address


def test_an_updated_note_rebuilds_as_a_cold_build_makes_it(tmp_path: Path) -> None:
    root = archive(tmp_path, count=21, updated="")  # the note to update is not in the feeds' 20
    out = built(root)
    archive(tmp_path, count=21)  # the editor adds updated:
    build(Options(root=root, out=out, search=False))
    cold = tmp_path / "cold"
    build(Options(root=root, out=cold, search=False, cache=False))
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(cold).as_posix() for p in cold.rglob("*") if p.is_file())
    assert all((out / f).read_bytes() == (cold / f).read_bytes() for f in files)
    assert UPDATED in (out / "annotations" / "feed.xml").read_text("utf-8")


def test_an_update_in_the_future_is_a_warning(tmp_path: Path, capsys) -> None:
    archive(tmp_path, updated="2999-01-01")
    assert main(["check", "-s", str(tmp_path)]) == 0
    assert "content/articles/2024/03/one.md:10:1: warning: annotations[0].updated: is in the future (2999-01-01)" in capsys.readouterr().out

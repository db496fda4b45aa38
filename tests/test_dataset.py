"""The archive as data: CSV tables described by a Frictionless Data Package, validated with
the frictionless library as researchers' tools read them, and read back as CSV. Invented
archives in temporary folders."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from frictionless import validate
from sitehelpers import page

from sitegen.build import Options, build

BASE = "https://news.example.org/"
FERRY = """---
title: Invented ferry adds a sailing
date: 2031-01-05T09:30:00+01:00
updated: 2031-01-06T08:00:00+01:00
summary: The invented ferry sails twice a day.
source:
  name: Harbour Gazette
  url: https://gazette.example.org/ferry
  archived: https://web.archive.org/web/20310105120000/https://gazette.example.org/ferry
section: Transport
tags: [ferry, harbour]
people: [Orla Venn, Tam Reed]
annotations:
  - quote: twice a day
    place: summary
    kind: fact-check
    rating: mostly-true
    note: "The timetable says **twice**, on weekdays only."
    sources: [https://example.org/timetable, https://example.org/notice]
    author: Invented Editor
    date: 2031-02-01
  - quote: the quay
    kind: context
    note: An invented quay.
---
The ferry leaves from the quay.
"""
TOLL = """---
title: "=HYPERLINK(\\"https://evil.example\\")"
date: 2030-03-04
summary: "-5% for residents, says the invented board."
tags: ["@home"]
language: de
---
Die Maut sinkt.
"""
GAZETTE = "---\nname: Harbour Gazette\naliases: [The Gazette]\ndescription: An invented weekly\n---\n"
ORLA = '---\nname: Orla Venn\naliases: [O. Venn, "Orla; V."]\ndescription: An invented harbour master\n---\nInvented.\n'


def invented(root: Path) -> Path:
    for rel, text in (("content/articles/2031/01/ferry.md", FERRY), ("content/articles/2030/03/toll.md", TOLL), ("content/people/orla-venn.md", ORLA),
                      ("content/outlets/harbour-gazette.md", GAZETTE)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "sitegen.toml").write_text(f'base_url = "{BASE}"\ntitle = "Invented Harbour Archive"\n', encoding="utf-8")
    build(Options(root=root, out=root / "public", search=False))
    return root / "public"


def rows(out: Path, file: str) -> list[dict[str, str]]:
    data = (out / "data" / file).read_bytes()
    assert b"\r\n" in data and not data.startswith(b"\xef\xbb\xbf")  # RFC 4180 line ends, UTF-8 without a BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_the_tables_are_valid_against_their_data_package(tmp_path: Path) -> None:
    out = invented(tmp_path)
    report = validate(str(out / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    assert [task.name for task in report.tasks] == ["articles", "tags", "mentions", "people", "outlets", "annotations"]
    package = json.loads((out / "data" / "datapackage.json").read_text("utf-8"))
    assert package["name"] == "invented-harbour-archive"
    assert package["created"] == "2031-02-01T00:00:00Z"  # the newest of articles and notes: no build time


@pytest.mark.parametrize(("file", "old", "new", "error"), [
    ("articles.csv", "2030-03-04,", "4 March 2030,", "type-error"),  # a date frictionless cannot read
    ("mentions.csv", ",tam-reed", ",nobody", "foreign-key"),  # a person people.csv has not
    ("annotations.csv", "#annotation-2,", "#annotation-1,", "primary-key"),  # one note's address twice
    ("tags.csv", "tags/harbour/\n", "tags/harbour/\nhttps://news.example.org/articles/2031/01/ferry/,ferry,https://news.example.org/tags/ferry/\n", "primary-key"),
    ("people.csv", '"[""O. Venn"", ""Orla; V.""]"', '"O. Venn; Orla; V."', "type-error"),  # aliases: a JSON array
    ("outlets.csv", ',true,', ',yes please,', "type-error"),  # entry: a boolean
    ("articles.csv", ",Harbour Gazette,", ",Nowhere Gazette,", "foreign-key"),  # an outlet outlets.csv has not
])
def test_the_validator_sees_what_the_package_promises(tmp_path: Path, file: str, old: str, new: str, error: str) -> None:
    """The validation above can fail: the package's types and keys are checked against the data."""
    out = invented(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(out / "data", broken)
    text = (broken / file).read_text("utf-8")
    assert old in text
    (broken / file).write_text(text.replace(old, new), "utf-8", newline="")
    report = validate(str(broken / "datapackage.json"))
    assert not report.valid and error in {e.type for task in report.tasks for e in task.errors}


def test_each_article_is_a_row_with_what_a_researcher_needs(tmp_path: Path) -> None:
    out = invented(tmp_path)
    ferry, toll = rows(out, "articles.csv")  # newest first
    assert ferry == {
        "url": BASE + "articles/2031/01/ferry/", "title": "Invented ferry adds a sailing", "date": "2031-01-05",
        "published": "2031-01-05T08:30:00Z", "updated": "2031-01-06T07:00:00Z", "outlet": "Harbour Gazette", "section": "Transport",
        "language": "en", "original_url": "https://gazette.example.org/ferry",
        "archived_url": "https://web.archive.org/web/20310105120000/https://gazette.example.org/ferry",
        "summary": "The invented ferry sails twice a day.", "notes": "2",
    }
    assert (toll["updated"], toll["outlet"], toll["language"], toll["notes"]) == ("", "", "de", "0")
    assert rows(out, "tags.csv") == [
        {"article": ferry["url"], "tag": "ferry", "tag_url": BASE + "tags/ferry/"},
        {"article": ferry["url"], "tag": "harbour", "tag_url": BASE + "tags/harbour/"},
        {"article": toll["url"], "tag": "@home", "tag_url": BASE + "tags/home/"},
    ]
    assert rows(out, "mentions.csv") == [{"article": ferry["url"], "person": "orla-venn"}, {"article": ferry["url"], "person": "tam-reed"}]
    people = {p["slug"]: p for p in rows(out, "people.csv")}
    assert people["orla-venn"] == {"slug": "orla-venn", "name": "Orla Venn", "aliases": '["O. Venn", "Orla; V."]', "description": "An invented harbour master",
                                   "in_registry": "true", "url": BASE + "people/orla-venn/", "articles": "1", "type": "person"}
    assert json.loads(people["orla-venn"]["aliases"]) == ["O. Venn", "Orla; V."]  # a list in a cell: nothing to split wrongly
    assert (people["tam-reed"]["in_registry"], people["tam-reed"]["articles"]) == ("false", "1")  # named in an article alone
    assert rows(out, "outlets.csv") == [{"slug": "harbour-gazette", "name": "Harbour Gazette", "aliases": '["The Gazette"]', "description": "An invented weekly",
                                         "entry": "true", "url": BASE + "sources/harbour-gazette/", "articles": "1"}]


def test_each_text_is_as_the_archive_has_it(tmp_path: Path) -> None:
    """Not altered against formula injection ("+972 Magazine" is an outlet's name): the page
    says to open a table through a spreadsheet's import of text files instead."""
    out = invented(tmp_path)
    toll = rows(out, "articles.csv")[1]
    assert toll["title"] == "=HYPERLINK(\"https://evil.example\")"
    assert toll["summary"] == "-5% for residents, says the invented board."
    assert "From Text/CSV" in page(out, "/data/").text_content()


def test_each_note_is_a_row_with_its_text_and_sources(tmp_path: Path) -> None:
    out = invented(tmp_path)
    check, context = rows(out, "annotations.csv")  # newest first: the dated fact-check, then the undated note
    article = BASE + "articles/2031/01/ferry/"
    assert check == {"url": article + "#annotation-1", "article": article, "kind": "fact-check", "rating": "mostly-true", "quote": "twice a day",
                     "note": "The timetable says **twice**, on weekdays only.", "sources": '["https://example.org/timetable", "https://example.org/notice"]',
                     "author": "Invented Editor", "claimant": "", "claimant_person": "", "written": "2031-02-01T00:00:00Z", "updated": ""}
    assert (context["kind"], context["rating"], context["written"], context["url"]) == ("context", "", "", article + "#annotation-2")
    ids = [n.get("id") for n in page(out, "/articles/2031/01/ferry/").xpath("//li[contains(@class, 'annotation-note')]")]
    assert ids == ["annotation-1", "annotation-2"]  # the addresses the rows give are the notes' on the page


def test_the_data_page_lists_each_table_and_every_page_links_it(tmp_path: Path) -> None:
    out = invented(tmp_path)
    doc = page(out, "/data/")
    listed = {a.get("href"): a.getparent().xpath("string(span[@class='count'])") for a in doc.xpath("//dl[@class='data-tables']/dt/a")}
    assert listed == {"articles.csv": "2 rows", "tags.csv": "3 rows", "mentions.csv": "2 rows", "people.csv": "2 rows", "outlets.csv": "1 row", "annotations.csv": "2 rows",
                      "datapackage.json": ""}
    assert all((out / "data" / href).is_file() for href in listed)
    for url in ("/", "/articles/2031/01/ferry/", "/annotations/", "/people/orla-venn/"):
        assert "/data/" in page(out, url).xpath("//footer//a/@href"), url


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("old", "new", "remade"), [
    ("The ferry leaves from the quay.", "The ferry leaves from the quay at nine.", False),  # a body edit: the data as it was
    ("url: https://gazette.example.org/ferry\n", "url: https://gazette.example.org/ferry-2\n", True),  # front matter no listing shows
    ("section: Transport", "section: Ferries", True),
])
def test_a_rebuild_writes_the_data_a_cold_build_writes(tmp_path: Path, old: str, new: str, remade: bool) -> None:
    out = invented(tmp_path)
    before = (out / "data" / "articles.csv").stat().st_ino
    ferry = tmp_path / "content" / "articles" / "2031" / "01" / "ferry.md"
    ferry.write_text(ferry.read_text("utf-8").replace(old, new), "utf-8")
    build(Options(root=tmp_path, out=out, search=False))
    cold = tmp_path / "cold"
    build(Options(root=tmp_path, out=cold, search=False, cache=False))
    assert tree(out) == tree(cold)
    assert ((out / "data" / "articles.csv").stat().st_ino != before) == remade
    assert (new.split(": ")[-1].strip() in (out / "data" / "articles.csv").read_text("utf-8")) == remade


def test_an_archive_may_keep_its_texts_from_bulk_download(tmp_path: Path) -> None:
    """data = false: an archive whose texts may not be redistributed in bulk writes no tables."""
    root = tmp_path / "archive"
    root.mkdir()
    invented(root)
    (root / "sitegen.toml").write_text(f'base_url = "{BASE}"\ndata = false\n', encoding="utf-8")
    out = tmp_path / "public"
    build(Options(root=root, out=out, search=False, cache=False))
    assert not (out / "data").exists() and (out / "404.html").is_file()
    assert "/data/" not in page(out, "/").xpath("//footer//a/@href")
    assert "data/" not in (out / "sitemap.xml").read_text("utf-8")


@pytest.mark.parametrize("data", [True, False])
def test_a_link_to_a_table_is_known_to_the_link_checks(tmp_path: Path, capsys, data: bool) -> None:
    """A methods page links the tables it describes: a link to one is a link into the site."""
    from sitegen.cli import main

    root = tmp_path / "archive"
    root.mkdir()
    invented(root)
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "methods.md").write_text("---\ntitle: Methods\n---\nSee [the articles](/data/articles.csv) and [the package](/data/datapackage.json).\n")
    (root / "sitegen.toml").write_text(f'data = {str(data).lower()}\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "-s", str(root)]) == 0
    said = capsys.readouterr().out
    assert ("links to '/data/articles.csv', which is no page of this site" in said) != data
    assert ("links to '/data/datapackage.json', which is no page of this site" in said) != data


def test_moving_the_data_brings_its_tables(tmp_path: Path) -> None:
    """Researchers' scripts fetch /data/articles.csv: an earlier address of the data page
    leads to the tables too."""
    root = tmp_path / "archive"
    root.mkdir()
    invented(root)
    (root / "sitegen.toml").write_text('[permalinks]\ndata = "/export/"\n[moved_from]\n"/export/" = ["/data/"]\n', encoding="utf-8")
    build(Options(root=root, out=root / "public", search=False))
    rules = (root / "public" / "_redirects").read_text("utf-8").splitlines()
    assert {"/data/ /export/ 301!", "/data/articles.csv /export/articles.csv 301!", "/data/datapackage.json /export/datapackage.json 301!"} <= set(rules)
    assert (root / "public" / "export" / "articles.csv").is_file()


@pytest.mark.parametrize("own", [
    "/data/ /export/ 301!\n",  # the page alone: its tables' rules are wanting
    "/data/ /export/ 301!\n/data/* /export/:splat 301!\n",  # a splat rule gives them all
])
def test_an_archives_own_redirects_are_held_to_the_tables_rules(tmp_path: Path, capsys, own: str) -> None:
    from sitegen.cli import main

    root = tmp_path / "archive"
    root.mkdir()
    invented(root)
    (root / "sitegen.toml").write_text('[permalinks]\ndata = "/export/"\n[moved_from]\n"/export/" = ["/data/"]\n', encoding="utf-8")
    (root / "content" / "static").mkdir()
    (root / "content" / "static" / "_redirects").write_text(own)
    capsys.readouterr()
    assert main(["check", "-s", str(root)]) == 0
    told = [line for line in capsys.readouterr().out.splitlines() if line.startswith("content/static/_redirects")]
    if "*" in own:
        assert told == []
    else:
        (line,) = told
        assert "lacks the rules for /data/" in line and "`/data/articles.csv /export/articles.csv 301!`" in line and "`/data/ /export/ 301!`" not in line


def test_a_file_below_the_datas_earlier_address_is_an_error(tmp_path: Path, capsys) -> None:
    """The rules for its tables would send the requests for that file elsewhere."""
    from sitegen.cli import main

    root = tmp_path / "archive"
    root.mkdir()
    invented(root)
    (root / "sitegen.toml").write_text('[permalinks]\ndata = "/export/"\n[moved_from]\n"/export/" = ["/data/"]\n', encoding="utf-8")
    (root / "content" / "static" / "data").mkdir(parents=True)
    (root / "content" / "static" / "data" / "articles.csv").write_text("an old table\n")
    (root / "content" / "static" / "data" / "notes.txt").write_text("no table's name: no rule hides it\n")
    capsys.readouterr()
    assert main(["check", "-s", str(root)]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if line.startswith("sitegen.toml:")] == [
        ("sitegen.toml:4:1: error: moved_from: /data/ has the site's file data/articles.csv below it, which the redirect of its tables would hide: "
        "move that file, or give another address"),
    ]


def test_the_row_counts_the_page_gives_are_the_tables(tmp_path: Path) -> None:
    from sitegen import dataset, pages
    from sitegen.build import configure, load

    root = tmp_path / "archive"
    (root / "content" / "articles" / "2031" / "02").mkdir(parents=True)
    (root / "content" / "articles" / "2031" / "02" / "crews.md").write_text(  # so that no two tables have as many rows
        "---\ntitle: Invented crews\ndate: 2031-02-02\npeople: [Ada Lund, Bo Sten, Cy Marr]\n---\nThree crews.\n", encoding="utf-8")
    (root / "content" / "people").mkdir()
    (root / "content" / "people" / "dag-holm.md").write_text("---\nname: Dag Holm\n---\nNamed by no article.\n", encoding="utf-8")
    out = invented(root)
    options = Options(root=root, out=out, search=False, cache=False)
    site, _ = load(options, configure(options))
    counts = dataset.row_counts(site, pages.cards_of(site))
    assert counts == {t.name: len(rows(out, t.file)) for t in dataset.TABLES}
    assert len(set(counts.values())) == len(counts) - 1  # only articles and tags alike (3): a swap shows

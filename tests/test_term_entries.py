"""The tags' and outlets' entries (content/tags/, content/outlets/): the name a term's page
and every article show, the other names articles give it by, and what it is. Built from the
fictional fixture archive and read as parsed HTML and XML; every problem on its line;
incremental builds equal to cold ones when an entry comes, changes or goes."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from sitehelpers import page, xml
from test_incremental import incremental_equals_cold
from test_textpages import changed, git

from sitegen.build import Options, build, read
from sitegen.cache import FOLDER, Cache
from sitegen.cli import main
from sitegen.content import parse_term
from sitegen.report import affected

FIXTURE = Path(__file__).parent / "fixtures" / "archive"
TREATY = """---
name: Twin-town treaty
aliases: [Pact]
description: The invented treaty between two invented towns.
links:
  wikidata: https://www.wikidata.org/wiki/Q4115189
---
An invented **topic**, for the tests. <script>alert(1)</script>

See [the outlet](/sources/coastline-weekly/).
"""
LEDGER = """---
name: The Lindmoor Ledger
aliases: [Ledger, Lindmoor Ledger]
description: An invented daily of an invented town.
---
"""


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(FOLDER))
    for rel, text in (("tags/treaty.md", TREATY), ("outlets/the-lindmoor-ledger.md", LEDGER)):
        (root / "content" / rel).parent.mkdir(exist_ok=True)
        (root / "content" / rel).write_text(text, "utf-8")
    return root


def built(root: Path, out: Path, **options) -> Path:
    build(Options(root=root, out=out, cache=False, search=False, **options))
    return out


def retag(root: Path, rel: str, old: str, new: str) -> None:
    path = root / "content/articles" / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_terms_page_says_what_its_entry_says(archive: Path, tmp_path: Path) -> None:
    (archive / "sitegen.toml").write_text((archive / "sitegen.toml").read_text("utf-8") + 'edit_url = "https://github.com/you/archive/edit/main/{path}"\n', "utf-8")
    retag(archive, "2031/04/ferry-timetable.md", "tags: [harbour]", "tags: [harbour, Pact]")
    out = built(archive, tmp_path / "out")
    doc = page(out, "/tags/treaty/")
    assert doc.cssselect("h1")[0].text_content() == "Tag: Twin-town treaty"
    assert doc.cssselect('meta[name="description"]')[0].get("content") == "The invented treaty between two invented towns."
    assert doc.cssselect("main .lede")[0].text_content() == "The invented treaty between two invented towns."
    assert "Also written: Pact" in [p.text_content() for p in doc.cssselect("main p.muted")]
    text = doc.cssselect(".term__text")[0]
    assert text.cssselect("strong")[0].text_content() == "topic"
    assert not doc.cssselect("main script") and "<script>alert(1)</script>" in text.text_content()  # raw HTML stays text
    assert [(a.get("href"), a.text_content()) for a in doc.cssselect("main .link-list a")] == [("https://www.wikidata.org/wiki/Q4115189", "Wikidata")]
    assert doc.cssselect(".edit-link a")[0].get("href") == "https://github.com/you/archive/edit/main/content/tags/treaty.md"
    second = page(out, "/tags/treaty/page/2/")  # the text once, on the first page
    assert second.cssselect("h1")[0].text_content() == "Tag: Twin-town treaty" and not second.cssselect(".term__text")


def test_every_page_shows_the_entrys_name_and_an_alias_is_listed_under_it(archive: Path, tmp_path: Path) -> None:
    retag(archive, "2031/04/harbour-opens.md", "tags: [Harbour, Treaty]", "tags: [Harbour, pact]")
    retag(archive, "2031/04/harbour-opens.md", "name: The Lindmoor Ledger", "name: LEDGER")
    out = built(archive, tmp_path / "out")
    assert not (out / "tags/pact").exists() and not (out / "sources/ledger").exists()
    listed = [a.get("href") for a in page(out, "/tags/treaty/").cssselect(".article-card__title a")]
    assert listed == ["/articles/2031/05/treaty-signed/", "/articles/2031/04/harbour-opens/"]
    assert "2 articles" in page(out, "/tags/treaty/").cssselect("main p.muted")[-1].text_content()
    index = [_flat(li.text_content()) for li in page(out, "/tags/").cssselect(".term-index li")]
    assert index == ["Harbour 2 articles", "Twin-town treaty 2 articles · The invented treaty between two invented towns."]
    article = page(out, "/articles/2031/04/harbour-opens/")
    assert "Twin-town treaty" in [a.text_content() for a in article.cssselect("a[href='/tags/treaty/']")]
    assert [a.text_content() for a in article.cssselect("a[href='/sources/the-lindmoor-ledger/']")][:1] == ["The Lindmoor Ledger"]
    feed = xml(out, "tags/treaty/feed.xml")
    assert feed.findtext("{http://www.w3.org/2005/Atom}title").startswith("Twin-town treaty · ")
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 2
    subtitles = {rel: xml(out, rel).findtext("{http://www.w3.org/2005/Atom}subtitle") for rel in
                 ("tags/treaty/feed.xml", "sources/the-lindmoor-ledger/feed.xml", "tags/harbour/feed.xml", "people/orla-venn/feed.xml")}
    assert subtitles == {  # what its page is about, else the archive's description
        "tags/treaty/feed.xml": "The invented treaty between two invented towns.",
        "sources/the-lindmoor-ledger/feed.xml": "An invented daily of an invented town.",
        "tags/harbour/feed.xml": "Invented articles about an invented town, for sitegen's tests.",
        "people/orla-venn/feed.xml": "Fictional harbour master of the invented town of Lindmoor",
    }


def test_an_entry_on_no_article_yet_has_its_page(archive: Path, tmp_path: Path) -> None:
    (archive / "content/tags/lighthouse.md").write_text("---\nname: Lighthouse\n---\nNo article yet.\n", "utf-8")
    out = built(archive, tmp_path / "out")
    doc = page(out, "/tags/lighthouse/")
    assert "0 articles" in doc.cssselect("main p.lede")[0].text_content()
    feed = xml(out, "tags/lighthouse/feed.xml")
    assert feed.findall("{http://www.w3.org/2005/Atom}entry") == []
    sitemap = [loc.text for loc in xml(out, "sitemap.xml").iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://archive.example.org/tags/lighthouse/" in sitemap


def test_names_that_make_an_entrys_address_are_its_names(archive: Path, tmp_path: Path, capsys) -> None:
    """'Treaty' and 'TREATY!' make /tags/treaty/, the entry's page: one tag, named by the entry,
    where two spellings alone are an error (see test_site)."""
    retag(archive, "2031/04/harbour-opens.md", "tags: [Harbour, Treaty]", "tags: [Harbour, 'TREATY!']")
    assert main(["check", "-s", str(archive)]) == 0
    assert "make one tag" not in capsys.readouterr().out
    (archive / "content/tags/treaty.md").unlink()
    assert main(["check", "-s", str(archive)]) == 1
    assert "'TREATY!' and 'treaty' (content/articles/2031/05/treaty-signed.md) make one tag, /tags/treaty/" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("rel", "text", "expected"),
    [
        ("tags/pact.md", "---\nname: Pact\n---\n", [
            "content/tags/pact.md:1:1: error: slug: 'pact' also means content/tags/treaty.md (aliases 'Pact'); a name or alias must mean one tag only",
            "content/tags/treaty.md:3:1: error: aliases: 'Pact' also means content/tags/pact.md (slug 'pact'); a name or alias must mean one tag only",
        ]),
        ("tags/Treaty.md", "---\nname: Treaties\n---\n", [
            "content/tags/Treaty.md:1:1: error: slug: duplicate slug 'treaty': content/tags/treaty.md has the same URL; rename or merge one",
            "content/tags/treaty.md:1:1: error: slug: duplicate slug 'treaty': content/tags/Treaty.md has the same URL; rename or merge one",
        ]),
        ("outlets/coastline.md", "---\nname: Coastline Weekly\nmoved_from: [/sources/coast/]\nbio: x\n---\n", [
            "content/outlets/coastline.md:3:1: error: moved_from: give a tag's or an outlet's earlier addresses in the config's moved_from table, under its page's address",
            "content/outlets/coastline.md:4:1: error: bio: unknown field; known fields: name, aliases, description, links (an entry has a name, aliases, a description and links; the rest is its text, below the front matter)",
        ]),
        ("outlets/coastline.md", "---\ndescription: An invented weekly.\n---\nSee [it](javascript:alert(1)).\n", [
            "content/outlets/coastline.md:1:1: error: name: required",
        ]),
        ("outlets/coastline.md", "---\nname: Coastline Weekly\n---\n\nSee [it](javascript:alert(1)).\n", [
            "content/outlets/coastline.md:5:1: error: body: link scheme 'javascript' is not allowed: 'javascript:alert(1)' shows as plain text; link with http(s), mailto or a path on this site",
        ]),
        ("tags/deep/treaty.md", TREATY, ["content/tags/deep/treaty.md: error: not read: an entry is a file right in content/tags/, not in a folder below it"]),
        ("outlets/logo.png", "", ["content/outlets/logo.png: error: not read: outlet files end in .md"]),
    ],
    ids=["alias-clash", "duplicate-slug", "not-its-fields", "name-required", "link-scheme", "in-a-folder", "not-markdown"],
)
def test_a_wrong_entry_is_an_error_on_its_line(archive: Path, capsys, rel: str, text: str, expected: list[str]) -> None:
    (archive / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
    (archive / "content" / rel).write_text(text, "utf-8")
    assert main(["check", "-s", str(archive)]) == 1
    told = [line for line in capsys.readouterr().out.splitlines() if ": error: " in line]
    assert told == expected


def test_links_in_an_entrys_text_are_checked(archive: Path, capsys) -> None:
    (archive / "content/tags/treaty.md").write_text(TREATY.replace("/sources/coastline-weekly/", "/sources/coastline/"), "utf-8")
    assert main(["check", "-s", str(archive)]) == 0
    assert "content/tags/treaty.md:10:1: warning: body: links to '/sources/coastline/', which is no page of this site" in capsys.readouterr().out
    assert main(["build", "-s", str(archive), "--strict", "--quiet", "--no-search"]) == 1


@pytest.mark.parametrize("change", ["add", "rename", "alias", "text", "remove"])
def test_an_entry_changed_rebuilds_as_a_cold_build_makes_it(archive: Path, tmp_path: Path, change: str) -> None:
    build(Options(root=archive, out=archive / "public", search=False))
    entry = archive / "content/tags/treaty.md"
    if change == "add":
        (archive / "content/tags/harbour.md").write_text("---\nname: The harbour\naliases: [Port]\n---\nInvented.\n", "utf-8")
    elif change == "rename":
        entry.write_text(TREATY.replace("name: Twin-town treaty", "name: Twin-town pact"), "utf-8")
    elif change == "alias":  # 'harbour' taken in by the treaty's page: two tags become one
        entry.write_text(TREATY.replace("aliases: [Pact]", "aliases: [Pact, Harbour]"), "utf-8")
    elif change == "text":
        entry.write_text(TREATY.replace("An invented **topic**", "An invented *subject*"), "utf-8")
    else:
        entry.unlink()
    out = incremental_equals_cold(archive, tmp_path)
    names = {"rename": "Tag: Twin-town pact", "remove": "Tag: Treaty"}  # without its entry, the most used spelling, ties A-Z
    assert page(out, "/tags/treaty/").cssselect("h1")[0].text_content() == names.get(change, "Tag: Twin-town treaty")
    assert (out / "tags/harbour/index.html").exists() == (change != "alias")


def test_check_changed_since_tells_where_an_entrys_address_went(archive: Path, capsys) -> None:
    (archive / "content/tags/lighthouse.md").write_text("---\nname: Lighthouse\n---\n", "utf-8")  # on no article
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", "fictional archive")
    git(archive, "checkout", "-q", "-b", "pr")
    git(archive, "mv", "content/tags/treaty.md", "content/tags/twin-town-treaty.md")
    (archive / "content/tags/twin-town-treaty.md").write_text(TREATY.replace("[Pact]", "[Pact, treaty]"), "utf-8")  # as the file was
    git(archive, "rm", "-q", "content/tags/lighthouse.md")
    git(archive, "rm", "-q", "content/outlets/the-lindmoor-ledger.md")  # its articles still make its page
    assert changed(archive, capsys) == [
        ("content/tags/lighthouse.md: warning: removed: its page /tags/lighthouse/ (at main) will answer 'page not found'; if it moved, give that address "
        "in the [moved_from] of sitegen.toml, under the page it leads to now: \"/…/new-name/\" = [\"/tags/lighthouse/\"]"),
        ("content/tags/twin-town-treaty.md:3:1: warning: aliases: the tag 'Treaty' is at /tags/twin-town-treaty/ now: its page /tags/treaty/ "
        "(at main) will answer 'page not found'; give that address in the [moved_from] of sitegen.toml: \"/tags/twin-town-treaty/\" = [\"/tags/treaty/\"]"),
    ]


def test_check_changed_since_tells_of_an_entry_that_let_a_name_go(archive: Path, capsys) -> None:
    """An entry removed whose alias an unchanged article uses: the article now makes a page
    of its own, and the entry's page is gone. Told on the entry's file, which changed."""
    (archive / "content/tags/accord.md").write_text("---\nname: Accord\naliases:\n  - Lantern\n---\n", "utf-8")
    retag(archive, "2031/04/ferry-timetable.md", "tags: [harbour]", "tags: [harbour, Lantern]")
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", "fictional archive")
    git(archive, "checkout", "-q", "-b", "pr")
    git(archive, "rm", "-q", "content/tags/accord.md")
    assert changed(archive, capsys) == [
        ("content/tags/accord.md: warning: the tag 'Lantern' is at /tags/lantern/ now: its page /tags/accord/ (at main) will answer 'page not found'; "
        'give that address in the [moved_from] of sitegen.toml: "/tags/lantern/" = ["/tags/accord/"]'),
    ]


def test_the_structured_data_names_the_outlet_and_the_tag_as_their_entries_do(archive: Path, tmp_path: Path) -> None:
    (archive / "content/outlets/the-lindmoor-ledger.md").write_text(LEDGER.replace("\n---\n", "\nlinks:\n  website: https://ledger.example.net/\n---\n"), "utf-8")
    out = built(archive, tmp_path / "out")
    outlet = {"@type": "NewsMediaOrganization", "@id": "https://archive.example.org/sources/the-lindmoor-ledger/#outlet",
              "name": "The Lindmoor Ledger", "sameAs": ["https://ledger.example.net/"]}
    (ld,) = page(out, "/articles/2031/04/harbour-opens/").xpath('//script[@type="application/ld+json"]/text()')
    assert json.loads(ld)["publisher"] == outlet
    (ld,) = page(out, "/sources/the-lindmoor-ledger/").xpath('//script[@type="application/ld+json"]/text()')
    assert json.loads(ld) == {"@context": "https://schema.org", "@type": "CollectionPage", "url": "https://archive.example.org/sources/the-lindmoor-ledger/",
                              "name": "The Lindmoor Ledger",
                              "about": {**outlet, "alternateName": ["Ledger", "Lindmoor Ledger"], "description": "An invented daily of an invented town."}}
    (ld,) = page(out, "/tags/treaty/").xpath('//script[@type="application/ld+json"]/text()')
    assert json.loads(ld)["about"] == {"@type": "Thing", "name": "Twin-town treaty", "alternateName": ["Pact"],
                                       "description": "The invented treaty between two invented towns.", "sameAs": ["https://www.wikidata.org/wiki/Q4115189"]}
    (ld,) = page(out, "/tags/harbour/").xpath('//script[@type="application/ld+json"]/text()')  # no entry: its name alone
    assert json.loads(ld)["about"] == {"@type": "Thing", "name": "Harbour"}


def indexed(out: Path, term: str, field: str) -> set[str]:
    """The URLs of the articles whose ``field`` holds ``term``, from the search index's parts."""
    manifest = json.loads(next((out / "search").glob("manifest-*.json")).read_text("utf-8"))
    urls = [record[0] for chunk in manifest["meta"] for record in json.loads((out / f"search/meta-{chunk}.json").read_text("utf-8"))]
    found = set()
    for part in (out / "search").glob("part-*.json"):
        for name, fields in json.loads(part.read_text("utf-8"))["invertedIndex"]:
            if name == term:
                found |= {urls[int(ref)] for ref in fields[field]}
    return found


def test_an_entrys_aliases_are_searched_as_its_name(archive: Path, tmp_path: Path) -> None:
    build(Options(root=archive, out=archive / "public", search=True))
    treaty = {"/articles/2031/05/treaty-signed/", "/articles/2031/04/harbour-opens/"}
    assert indexed(archive / "public", "pact", "tags") == treaty
    assert indexed(archive / "public", "ledger", "source") == {"/articles/2031/04/harbour-opens/", "/articles/2031/04/ferry-timetable/"}
    (archive / "content/tags/treaty.md").write_text(TREATY.replace("[Pact]", "[Accord]"), "utf-8")  # the terms counted before are not kept
    out = incremental_equals_cold(archive, tmp_path, search=True)
    assert indexed(out, "pact", "tags") == set() and indexed(out, "accord", "tags") == treaty


def test_the_outlets_table_gives_each_outlet_with_its_entry(archive: Path, tmp_path: Path) -> None:
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    table = lambda: list(csv.DictReader(io.StringIO((out / "data/outlets.csv").read_text("utf-8"), newline="")))
    assert table() == [
        {"slug": "coastline-weekly", "name": "Coastline Weekly", "aliases": "", "description": "", "entry": "false",
         "url": "https://archive.example.org/sources/coastline-weekly/", "articles": "1"},  # named in an article alone
        {"slug": "the-lindmoor-ledger", "name": "The Lindmoor Ledger", "aliases": '["Ledger", "Lindmoor Ledger"]', "description": "An invented daily of an invented town.",
         "entry": "true", "url": "https://archive.example.org/sources/the-lindmoor-ledger/", "articles": "2"},
    ]
    (archive / "content/outlets/the-lindmoor-ledger.md").write_text(LEDGER.replace("An invented daily", "An invented weekly"), "utf-8")
    incremental_equals_cold(archive, tmp_path)  # the entry alone changed: the data made again
    assert table()[1]["description"] == "An invented weekly of an invented town."


def pr_branch(archive: Path) -> None:
    """The archive committed as main, and a branch ``pr`` checked out from it."""
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", "fictional archive")
    git(archive, "checkout", "-q", "-b", "pr")


def test_check_changed_since_shows_what_an_entry_change_does_to_unchanged_files(archive: Path, capsys) -> None:
    """An entry removed: the two spellings it held together are an error on their articles,
    and an entry's link to an article removed, a warning on the entry."""
    retag(archive, "2031/04/harbour-opens.md", "tags: [Harbour, Treaty]", "tags: [Harbour, 'TREATY!']")
    (archive / "content/tags/harbour.md").write_text("---\nname: Harbour\n---\nSee [the reopening](/articles/2031/04/harbour-opens/).\n", "utf-8")
    pr_branch(archive)
    git(archive, "rm", "-q", "content/tags/treaty.md")
    merged = [line for line in changed(archive, capsys) if ": error: " in line]
    assert [line.split(": error: ")[0] for line in merged] == ["content/articles/2031/04/harbour-opens.md:7:1", "content/articles/2031/05/treaty-signed.md:8:1"]
    assert all("make one tag, /tags/treaty/" in line for line in merged)
    git(archive, "checkout", "-q", "-f", "main")
    git(archive, "checkout", "-q", "-b", "removed")
    git(archive, "rm", "-q", "content/articles/2031/04/harbour-opens.md")
    assert "content/tags/harbour.md:4:1: warning: body: links to '/articles/2031/04/harbour-opens/', which is no page of this site" in changed(archive, capsys)


def test_a_tags_alias_is_no_typo(archive: Path, capsys) -> None:
    retag(archive, "2031/05/treaty-signed.md", "tags: [treaty]", "tags: [treaty, Harbor]")
    hint = "content/articles/2031/05/treaty-signed.md:8:1: warning: tags: 'Harbor' is used by no other article; did you mean 'harbour'?"
    assert main(["check", "-s", str(archive)]) == 0
    assert hint in capsys.readouterr().out
    (archive / "content/tags/harbour.md").write_text("---\nname: Harbour\naliases: [Harbor]\n---\n", "utf-8")
    assert main(["check", "-s", str(archive)]) == 0
    assert "is used by no other article" not in capsys.readouterr().out


def hints(archive: Path, capsys) -> list[str]:
    main(["check", "-s", str(archive)])
    return [line.split(": warning: tags: ")[1] for line in capsys.readouterr().out.splitlines() if "used by no other article" in line]


def test_a_likely_typo_is_told_with_the_entrys_name(archive: Path, capsys) -> None:
    """The names of an entry are one tag, compared as any tag's are, and suggested by its name."""
    retag(archive, "2031/04/harbour-opens.md", "tags: [Harbour, Treaty]", "tags: [Harbour, Pact]")
    retag(archive, "2031/05/treaty-signed.md", "tags: [treaty]", "tags: [Pact]")
    retag(archive, "2031/04/ferry-timetable.md", "tags: [harbour]", "tags: [harbour, Twin-twon treaty]")
    assert hints(archive, capsys) == ["'Twin-twon treaty' is used by no other article; did you mean 'Twin-town treaty'?"]
    retag(archive, "2031/04/ferry-timetable.md", "Twin-twon treaty", "Treatys")
    assert hints(archive, capsys) == ["'Treatys' is used by no other article; did you mean 'Twin-town treaty'?"]
    (archive / "content/tags/treaty.md").write_text(TREATY.replace("[Pact]", "[Pact, Treatys]").replace("aliases:", "bio: x\naliases:"), "utf-8")
    assert hints(archive, capsys) == []  # the entry's errors first: its names are not known


def test_a_name_is_the_entrys_whatever_its_spacing(archive: Path, tmp_path: Path) -> None:
    retag(archive, "2031/04/harbour-opens.md", "name: The Lindmoor Ledger", "name: '  lindmoor   LEDGER '")
    out = built(archive, tmp_path / "out")
    assert sorted(p.name for p in (out / "sources").iterdir() if p.is_dir()) == ["coastline-weekly", "the-lindmoor-ledger"]
    assert len(page(out, "/sources/the-lindmoor-ledger/").cssselect(".article-card__title a")) == 2


def test_an_entry_with_errors_is_told_alone(archive: Path, capsys) -> None:
    """Its errors, not what its page's names do without it (they make one tag again once it is fixed)."""
    retag(archive, "2031/04/harbour-opens.md", "tags: [Harbour, Treaty]", "tags: [Harbour, 'TREATY!']")
    retag(archive, "2031/04/harbour-opens.md", "Mayor Tamsin Arlo thanked", "See [the lighthouse](/tags/lighthouse/). Mayor Tamsin Arlo thanked")
    (archive / "content/tags/treaty.md").write_text(TREATY.replace("aliases:", "bio: x\naliases:"), "utf-8")
    (archive / "content/tags/lighthouse.md").write_text("---\nname: Lighthouse\nbio: x\n---\n", "utf-8")  # its page, linked, would be there
    assert main(["check", "-s", str(archive)]) == 1
    told = [line for line in capsys.readouterr().out.splitlines() if "content/tags/" in line or "make one tag" in line or "no page of this site" in line]
    assert [line.split(": ")[0] for line in told] == ["content/tags/lighthouse.md:3:1", "content/tags/treaty.md:3:1"]


@pytest.mark.parametrize("added", [False, True], ids=["alone", "with-an-article"])
@pytest.mark.parametrize("change", ["links", "name"])
def test_an_outlet_entry_changed_rebuilds_its_articles_as_a_cold_build_makes_them(archive: Path, tmp_path: Path, change: str, added: bool) -> None:
    """Each article's JSON-LD names its outlet as the entry does: an entry changed alone, or
    with an article added (when the other article pages are taken over if made around the same)."""
    build(Options(root=archive, out=archive / "public", search=False))
    entry = archive / "content/outlets/the-lindmoor-ledger.md"
    if change == "links":
        entry.write_text(LEDGER.replace("\n---\n", "\nlinks:\n  website: https://ledger.example.net/\n---\n"), "utf-8")
    else:
        entry.write_text(LEDGER.replace("name: The Lindmoor Ledger", "name: Lindmoor Daily Ledger"), "utf-8")
    if added:
        new = archive / "content/articles/2031/06/quay.md"
        new.parent.mkdir()
        new.write_text("---\ntitle: An invented quay is painted\ndate: 2031-06-01\nsource:\n  name: Coastline Weekly\n---\nInvented.\n", "utf-8")
    out = incremental_equals_cold(archive, tmp_path)
    (ld,) = page(out, "/articles/2031/04/ferry-timetable/").xpath('//script[@type="application/ld+json"]/text()')
    data = json.loads(ld)
    publisher = (data["@graph"][0] if "@graph" in data else data)["publisher"]  # with its notes' ClaimReviews, a graph
    assert (publisher.get("sameAs"), publisher["name"]) == ((["https://ledger.example.net/"], "The Lindmoor Ledger") if change == "links" else (None, "Lindmoor Daily Ledger"))


def test_an_entry_on_no_article_is_no_keyword_of_the_data(archive: Path, tmp_path: Path) -> None:
    (archive / "content/tags/lighthouse.md").write_text("---\nname: Lighthouse\n---\n", "utf-8")
    out = built(archive, tmp_path / "out")
    (ld,) = page(out, "/data/").xpath('//script[@type="application/ld+json"]/text()')
    assert json.loads(ld)["keywords"] == ["Harbour", "Twin-town treaty"]  # most used first


def test_check_changed_since_tells_what_an_entrys_change_concerns_and_no_more(archive: Path, capsys) -> None:
    retag(archive, "2031/04/harbour-opens.md", "Mayor Tamsin Arlo thanked", "See [the lighthouse](/tags/lighthouse/). Mayor Tamsin Arlo thanked")
    retag(archive, "2031/04/harbour-opens.md", "tags: [Harbour, Treaty]", "tags: [Harbour, Pact]")
    retag(archive, "2031/05/treaty-signed.md", "tags: [treaty]", "tags: [Pact]")  # the treaty's page by its alias alone
    (archive / "content/tags/lighthouse.md").write_text("---\nname: Lighthouse\n---\n", "utf-8")
    pr_branch(archive)
    (archive / "content/outlets/the-lindmoor-ledger.md").write_text(LEDGER.replace("An invented daily", "An invented weekly"), "utf-8")
    assert changed(archive, capsys) == []  # a description alone: not its articles' own warnings
    (archive / "content/tags/treaty.md").write_text(TREATY.replace("aliases:", "bio: x\naliases:"), "utf-8")
    told = changed(archive, capsys)
    assert [line.split(": ")[0:3] for line in told] == [["content/tags/treaty.md:3:1", "error", "bio"]]  # its error alone, no page moved
    git(archive, "checkout", "-q", "-f", "pr")
    git(archive, "rm", "-q", "content/tags/lighthouse.md")
    assert changed(archive, capsys) == [
        "content/articles/2031/04/harbour-opens.md:14:1: warning: body: links to '/tags/lighthouse/', which is no page of this site",
        ("content/tags/lighthouse.md: warning: removed: its page /tags/lighthouse/ (at main) will answer 'page not found'; if it moved, give that address "
        'in the [moved_from] of sitegen.toml, under the page it leads to now: "/…/new-name/" = ["/tags/lighthouse/"]'),
    ]


@pytest.mark.parametrize(("old", "new", "brought"), [
    ("description: An invented daily", "description: An invented weekly", False),  # its articles' problems are as they were
    ("aliases: [Ledger, Lindmoor Ledger]", "aliases: [Ledger]", True),  # a name let go: their pages may change
])
def test_an_entry_changed_brings_its_articles_only_when_its_names_change(archive: Path, old: str, new: str, brought: bool) -> None:
    path = "content/outlets/the-lindmoor-ledger.md"
    then = parse_term(path, LEDGER)
    (archive / path).write_text(LEDGER.replace(old, new), "utf-8")
    now = read(Options(root=archive), Cache.disabled())
    ledger = {"content/articles/2031/04/harbour-opens.md", "content/articles/2031/04/ferry-timetable.md"}
    assert affected(now, {path}, (), [then]) == {path, *(ledger if brought else ())}

"""The terms of the archive's own work (config ``license``): read from an SPDX identifier or
given whole, refused on its line when wrong, and stated where readers and their tools look:
every footer, the notes' feeds, their W3C annotations and ClaimReviews, the data package and
the data page's Dataset. Never on an article's text, which is its outlet's. Invented archives
in temporary folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from frictionless import validate
from lxml import etree, html
from sitehelpers import html_pages, page, snapshot, xml

from sitegen.build import Options, build
from sitegen.config import load_config
from sitegen.errors import Invalid
from sitegen.license import License, parse

ATOM = {"a": "http://www.w3.org/2005/Atom"}
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ARTICLE = """---
title: Invented lighthouse relit
date: 2031-04-02
summary: The invented lighthouse shines again.
source: {name: Cape Courier, url: "https://courier.example.org/light"}
tags: [lighthouse]
people: [Ives Marlo]
annotations:
  - quote: shines again
    place: summary
    kind: fact-check
    rating: "true"
    note: The invented keeper confirmed it.
    date: 2031-04-03
---
The lamp was mended by the invented keeper.
"""
ABOUT = "---\ntitle: About this invented archive\n---\nWe annotate invented news.\n"


def archive(root: Path, config: str = 'license = "CC-BY-4.0"\n') -> Path:
    for rel, text in (("content/articles/2031/04/light.md", ARTICLE), ("content/pages/about.md", ABOUT)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "sitegen.toml").write_text('base_url = "https://light.example.org/"\ntitle = "Invented Cape Archive"\n' + config, encoding="utf-8")
    return root


def built(root: Path) -> Path:
    build(Options(root=root, out=root / "public", search=False))
    return root / "public"


@pytest.mark.parametrize(("value", "expected"), [
    ("CC-BY-4.0", License("Creative Commons Attribution 4.0 International", CC_BY, "CC-BY-4.0")),
    ("CC0-1.0", License("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0")),
    ("CC-BY-NC-SA-2.0-UK", License("Creative Commons Attribution Non Commercial Share Alike 2.0 England and Wales",
                                   "https://creativecommons.org/licenses/by-nc-sa/2.0/uk/", "CC-BY-NC-SA-2.0-UK")),
    ("CC-BY-NC-ND-1.0", License("Creative Commons Attribution Non Commercial No Derivatives 1.0 Generic",
                                "https://creativecommons.org/licenses/by-nd-nc/1.0/", "CC-BY-NC-ND-1.0")),  # 1.0 put ND first
    ("CC-SA-1.0", License("Creative Commons Share Alike 1.0 Generic", "https://creativecommons.org/licenses/sa/1.0/", "CC-SA-1.0")),
    ("CC-BY-3.0-IGO", License("Creative Commons Attribution 3.0 IGO", "https://creativecommons.org/licenses/by/3.0/igo/", "CC-BY-3.0-IGO")),
    ("ODbL-1.0", License("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/", "ODbL-1.0")),
    ("PDDL-1.0", License("Open Data Commons Public Domain Dedication & License 1.0", "https://opendatacommons.org/licenses/pddl/1-0/", "PDDL-1.0")),
    ("MIT", License("MIT License", "https://spdx.org/licenses/MIT.html", "MIT")),  # no licensor's page known: SPDX's
    ("cc-by-4.0", License("Creative Commons Attribution 4.0 International", CC_BY, "CC-BY-4.0")),  # SPDX matches ids whatever their case
    ("OPL-UK-3.0", License("United Kingdom Open Parliament Licence v3.0", "https://spdx.org/licenses/OPL-UK-3.0.html", "OPL-UK-3.0")),  # its name's runs of spaces closed
    ({"title": "Invented terms of use", "url": "https://light.example.org/terms/"}, License("Invented terms of use", "https://light.example.org/terms/")),
    ({"spdx": "CC-BY-SA-4.0", "url": "https://light.example.org/cc/"},
     License("Creative Commons Attribution Share Alike 4.0 International", "https://light.example.org/cc/", "CC-BY-SA-4.0")),
])
def test_a_licence_is_read_from_its_spdx_identifier_or_given_whole(value: object, expected: License) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("CC-PDM-1.0", "CC-PDM-1.0 marks a work already free of copyright, not terms for the archive's own: CC0-1.0"),
    ("", "license is empty"),
    ("CC-BY-4", "'CC-BY-4' is not an SPDX licence identifier; did you mean CC-BY-4.0"),
    ("Invented Licence", "'Invented Licence' is not an SPDX licence identifier (see https://spdx.org/licenses/)"),
    ("GPL-3.0+", "'GPL-3.0+' is a deprecated SPDX identifier; use GPL-3.0-or-later"),
    ("GPL-2.0", "'GPL-2.0' is a deprecated SPDX identifier; use GPL-2.0-only or GPL-2.0-or-later"),
    ({"title": "Invented terms"}, "url is missing"),
    ({"url": "https://light.example.org/terms/"}, "title is missing"),
    ({"spdx": "CC-BY-4.0", "url": "ftp://light.example.org/"}, "url must be an http(s) address"),
    ({"spdx": "CC-BY-4.0", "link": "https://light.example.org/"}, "unknown key 'link'; known: spdx, title, url"),
    ({"spdx": ""}, "spdx is empty"),
    ({"title": 4, "url": "https://light.example.org/"}, "title must be text in quotes, not 4"),
    ({"title": "Terms\x07", "url": "https://light.example.org/"}, "title: "),
    (True, "must be an SPDX identifier"),
])
def test_a_wrong_licence_says_what_is_wrong(value: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse(value)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(("config", "problem"), [
    ('license = "CC-BY-4"\n', "sitegen.toml:3: license: 'CC-BY-4' is not an SPDX licence identifier; did you mean CC-BY-4.0 or CC-BY-3.0 or CC-BY-2.5?"),
    ('\n[license]\ntitle = "Invented terms"\nurl = "ftp://light.example.org/"\n', "sitegen.toml:6: license.url: url must be an http(s) address without spaces, not 'ftp://light.example.org/'"),
    ('\n[license]\ntitle = "Invented terms"\n', "sitegen.toml:4: license: url is missing: terms of the archive's own need a title and the address of their text"),
])
def test_a_wrong_licence_is_an_error_on_its_line(tmp_path: Path, config: str, problem: str) -> None:
    archive(tmp_path, config)
    with pytest.raises(Invalid) as raised:
        load_config(tmp_path)
    assert [str(p) for p in raised.value.problems] == [problem]


def test_every_footer_states_the_terms_and_claims_only_the_archives_own_pages(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    own = {"/about/", "/data/", "/annotations/", *(f"/annotations/{kind}/" for kind in ("context", "fact-check", "correction", "translation", "note"))}
    claimed = set()
    for file in html_pages(out):
        url = "/" + "".join(f"{part}/" for part in file.parent.relative_to(out).parts)
        doc = html.fromstring(file.read_bytes())
        if doc.find(".//footer") is None:
            continue  # a page at an earlier address, which only leads on
        (line,) = doc.xpath('//footer//p[@class="license"]')
        (link,) = line.xpath(".//a")
        assert (link.get("href"), link.text_content()) == (CC_BY, "Creative Commons Attribution 4.0 International"), url
        assert line.text_content().endswith("The articles' texts are not covered.")
        if doc.xpath('//a[@rel="license"]'):
            claimed.add(url)
    assert claimed == own  # the archive's own writing, and only it: rel=license says it is the page's main content


def test_the_notes_carry_their_licence_and_the_articles_do_not(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    for rel in ("annotations/feed.xml", "annotations/fact-check/feed.xml"):
        feed = xml(out, rel)
        assert feed.findtext("a:rights", namespaces=ATOM) == "Notes: Creative Commons Attribution 4.0 International. The passages they quote are not covered."
        assert feed.find('a:link[@rel="license"]', ATOM) is None  # RFC 4946's link would claim the entries' quotes too
    for rel in ("feed.xml", "tags/lighthouse/feed.xml", "sources/cape-courier/feed.xml"):  # the articles' texts
        feed = xml(out, rel)
        assert feed.find("a:rights", ATOM) is None and feed.find('a:link[@rel="license"]', ATOM) is None
    collection = json.loads((out / "articles/2031/04/light/annotations.jsonld").read_text("utf-8"))
    (note,) = collection["first"]["items"]
    assert "rights" not in note and note["body"][0]["rights"] == CC_BY  # W3C Web Annotation: the note, not its target, the passage
    (ld,) = page(out, "/articles/2031/04/light/").xpath('//script[@type="application/ld+json"]/text()')
    graph = json.loads(ld)["@graph"]
    assert [node.get("license") for node in graph if node["@type"] == "ClaimReview"] == [CC_BY]
    assert [node.get("license") for node in graph if node["@type"] == "NewsArticle"] == [None]


def test_the_data_states_its_licence_to_frictionless_and_dataset_search(tmp_path: Path) -> None:
    root = archive(tmp_path)
    older = root / "content/articles/2029/12/beacon.md"
    older.parent.mkdir(parents=True)
    older.write_text("---\ntitle: Invented beacon lit\ndate: 2029-12-30T23:30:00-05:00\ntags: [Harbour, lighthouse]\n---\nLit.\n", "utf-8")
    out = built(root)
    package = json.loads((out / "data/datapackage.json").read_text("utf-8"))
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": CC_BY, "title": "Creative Commons Attribution 4.0 International"}]
    report = validate(str(out / "data/datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    doc = page(out, "/data/")
    (ld,) = doc.xpath('//script[@type="application/ld+json"]/text()')
    dataset = json.loads(ld)
    assert (dataset["@type"], dataset["license"], dataset["url"]) == ("Dataset", CC_BY, "https://light.example.org/data/")
    assert dataset["name"] == "The archive as data · Invented Cape Archive" and len(dataset["description"]) >= 50  # Google's minimum
    assert dataset["description"].endswith("The licence does not cover the outlets' texts the tables hold: headlines, summaries taken from the articles, and quoted passages.")
    assert package["description"].endswith("Creative Commons Attribution 4.0 International covers the archive's own work in them, not the outlets' texts they hold: "
                                           "headlines, summaries taken from the articles, and quoted passages.")
    assert dataset["temporalCoverage"] == "2029-12-30/2031-04-02"  # each day where it was published
    assert dataset["keywords"] == ["lighthouse", "Harbour"]  # most used first
    assert dataset["dateModified"] == "2031-04-03T00:00:00+00:00"  # the newest note
    files = {d["contentUrl"].removeprefix("https://light.example.org/data/"): d["encodingFormat"] for d in dataset["distribution"]}
    assert files == {**{f: "text/csv" for f in ("articles.csv", "tags.csv", "mentions.csv", "people.csv", "outlets.csv", "annotations.csv")}, "datapackage.json": "application/json"}
    assert all((out / "data" / f).is_file() for f in files)
    (said,) = [p for p in doc.xpath("//main//p") if "Licence of the tables:" in p.text_content()]
    assert said.xpath(".//a/@href") == [CC_BY] and "summaries taken from the articles" in said.text_content()


def test_terms_of_the_archives_own_in_german(tmp_path: Path) -> None:
    out = built(archive(tmp_path, 'language = "de"\nlicense = { title = "Erfundene Nutzungsbedingungen", url = "https://light.example.org/agb/" }\n'))
    (line,) = page(out, "/").xpath('//footer//p[@class="license"]')
    assert line.text_content() == "Anmerkungen, Seiten und Daten dieses Archivs: Erfundene Nutzungsbedingungen. Die Texte der Artikel sind davon ausgenommen."
    (ld,) = page(out, "/data/").xpath('//script[@type="application/ld+json"]/text()')
    assert json.loads(ld)["license"] == "https://light.example.org/agb/"
    package = json.loads((out / "data/datapackage.json").read_text("utf-8"))
    assert package["licenses"] == [{"path": "https://light.example.org/agb/", "title": "Erfundene Nutzungsbedingungen"}]  # no SPDX name
    assert validate(str(out / "data/datapackage.json")).valid


def test_without_a_licence_nothing_claims_one(tmp_path: Path) -> None:
    out = built(archive(tmp_path, ""))
    assert not page(out, "/about/").xpath('//footer//p[@class="license"] | //a[@rel="license"]')
    assert xml(out, "annotations/feed.xml").find("a:rights", ATOM) is None
    assert "licenses" not in json.loads((out / "data/datapackage.json").read_text("utf-8"))
    assert "rights" not in (out / "articles/2031/04/light/annotations.jsonld").read_text("utf-8")
    assert '"license"' not in etree.tostring(page(out, "/data/")).decode() + etree.tostring(page(out, "/articles/2031/04/light/")).decode()


def test_a_changed_licence_rebuilds_every_page_as_a_cold_build_would(tmp_path: Path) -> None:
    root = archive(tmp_path)
    build(Options(root=root, out=root / "public", search=False))
    (root / "sitegen.toml").write_text((root / "sitegen.toml").read_text("utf-8").replace("CC-BY-4.0", "CC-BY-SA-4.0"), "utf-8")
    build(Options(root=root, out=root / "public", search=False))
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
    build(Options(root=cold, out=cold / "public", search=False))
    assert snapshot(root / "public") == snapshot(cold / "public")
    assert "by-sa/4.0" in (root / "public/index.html").read_text("utf-8")


def test_without_the_data_the_footer_does_not_name_it(tmp_path: Path) -> None:
    out = built(archive(tmp_path, 'data = false\nlicense = "CC0-1.0"\n'))
    (line,) = page(out, "/").xpath('//footer//p[@class="license"]')
    assert line.text_content() == "This archive's notes and pages: Creative Commons Zero v1.0 Universal. The articles' texts are not covered."

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
    ("ODbL-1.0", License("Open Data Commons Open Database License v1.0", "https://spdx.org/licenses/ODbL-1.0.html", "ODbL-1.0")),
    ({"title": "Invented terms of use", "url": "https://light.example.org/terms/"}, License("Invented terms of use", "https://light.example.org/terms/")),
    ({"spdx": "CC-BY-SA-4.0", "url": "https://light.example.org/cc/"},
     License("Creative Commons Attribution Share Alike 4.0 International", "https://light.example.org/cc/", "CC-BY-SA-4.0")),
])
def test_a_licence_is_read_from_its_spdx_identifier_or_given_whole(value: object, expected: License) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("cc-by-4.0", "'cc-by-4.0' is not an SPDX licence identifier; did you mean CC-BY-4.0?"),
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


def test_a_wrong_licence_is_an_error_on_its_line(tmp_path: Path) -> None:
    archive(tmp_path, '\n[license]\nspdx = "CC-BY-4"\n')
    with pytest.raises(Invalid) as raised:
        load_config(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "sitegen.toml:4: license: 'CC-BY-4' is not an SPDX licence identifier; did you mean CC-BY-4.0 or CC-BY-3.0 or CC-BY-2.5?"]


def test_every_footer_states_the_terms_and_claims_only_the_archives_own_pages(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    own = {"/about/", "/data/", "/annotations/", "/annotations/fact-check/", "/annotations/correction/"}
    claimed = set()
    for file in html_pages(out):
        url = "/" + "".join(f"{part}/" for part in file.parent.relative_to(out).parts)
        doc = html.fromstring(file.read_bytes())
        if doc.find(".//footer") is None:
            continue  # a page at an earlier address, which only leads on
        (line,) = doc.xpath('//footer//p[@class="license"]')
        (link,) = line.xpath(".//a")
        assert (link.get("href"), link.text_content()) == (CC_BY, "Creative Commons Attribution 4.0 International"), url
        assert "The articles' texts remain their outlets'." in line.text_content()
        if doc.xpath('//a[@rel="license"]'):
            claimed.add(url)
    assert own <= claimed, own - claimed  # the archive's own writing: rel=license says so
    assert "/articles/2031/04/light/" not in claimed and "/" not in claimed and "/people/ives-marlo/" not in claimed


def test_the_notes_carry_their_licence_and_the_articles_do_not(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    for rel in ("annotations/feed.xml", "annotations/fact-check/feed.xml"):
        feed = xml(out, rel)
        assert feed.findtext("a:rights", namespaces=ATOM) == "Creative Commons Attribution 4.0 International"
        assert [link.get("href") for link in feed.findall('a:link[@rel="license"]', ATOM)] == [CC_BY]  # RFC 4946
    for rel in ("feed.xml", "tags/lighthouse/feed.xml", "sources/cape-courier/feed.xml"):  # the articles' texts
        feed = xml(out, rel)
        assert feed.find("a:rights", ATOM) is None and feed.find('a:link[@rel="license"]', ATOM) is None
    collection = json.loads((out / "articles/2031/04/light/annotations.jsonld").read_text("utf-8"))
    assert [note["rights"] for note in collection["first"]["items"]] == [CC_BY]  # W3C Web Annotation
    (ld,) = page(out, "/articles/2031/04/light/").xpath('//script[@type="application/ld+json"]/text()')
    graph = json.loads(ld)["@graph"]
    assert [node.get("license") for node in graph if node["@type"] == "ClaimReview"] == [CC_BY]
    assert [node.get("license") for node in graph if node["@type"] == "NewsArticle"] == [None]


def test_the_data_states_its_licence_to_frictionless_and_dataset_search(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    package = json.loads((out / "data/datapackage.json").read_text("utf-8"))
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": CC_BY, "title": "Creative Commons Attribution 4.0 International"}]
    report = validate(str(out / "data/datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    doc = page(out, "/data/")
    (ld,) = doc.xpath('//script[@type="application/ld+json"]/text()')
    dataset = json.loads(ld)
    assert (dataset["@type"], dataset["license"], dataset["url"]) == ("Dataset", CC_BY, "https://light.example.org/data/")
    assert dataset["name"] == "Invented Cape Archive: The archive as data" and len(dataset["description"]) >= 50  # Google's minimum
    assert dataset["dateModified"] == "2031-04-03T00:00:00+00:00"  # the newest note
    files = {d["contentUrl"].removeprefix("https://light.example.org/data/"): d["encodingFormat"] for d in dataset["distribution"]}
    assert files == {**{f: "text/csv" for f in ("articles.csv", "tags.csv", "mentions.csv", "people.csv", "annotations.csv")}, "datapackage.json": "application/json"}
    assert all((out / "data" / f).is_file() for f in files)
    (said,) = [p for p in doc.xpath("//main//p") if "The tables are published under" in p.text_content()]
    assert said.xpath(".//a/@href") == [CC_BY]


def test_terms_of_the_archives_own_in_german(tmp_path: Path) -> None:
    out = built(archive(tmp_path, 'language = "de"\nlicense = { title = "Erfundene Nutzungsbedingungen", url = "https://light.example.org/agb/" }\n'))
    (line,) = page(out, "/").xpath('//footer//p[@class="license"]')
    assert line.text_content() == "Eigene Inhalte dieses Archivs: Erfundene Nutzungsbedingungen. Die Rechte an den Artikeltexten liegen bei ihren Medien."
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

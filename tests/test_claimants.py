"""A fact-check's claimant: who made the claim, found among the article's people, shown
"Claim by …" with a link to their page, named as the claim's author in its ClaimReview, and
exported. Built from an invented archive, read as parsed HTML, XML, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from claimsarchive import BASE, LIGHT, archive
from frictionless import validate
from lxml import html
from sitehelpers import page, snapshot, xml

from sitegen.build import Options, build
from sitegen.cli import main

ATOM = {"a": "http://www.w3.org/2005/Atom"}
COURIER = {"@type": "NewsMediaOrganization", "@id": f"{BASE}sources/cape-courier/#outlet", "name": "Cape Courier"}  # by its page here
def built(root: Path) -> Path:
    build(Options(root=root, out=root / "public", search=False))
    return root / "public"


def claims(doc) -> list[tuple[str, list[str]]]:
    return [(p.text_content(), p.xpath(".//a/@href")) for p in doc.xpath("//p[@class='annotation-claimant']")]


def test_a_claim_links_to_who_made_it_among_the_articles_people(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    shown = [("Claim by Ives Marlo", ["/people/ives-marlo/"]),  # an alias of the registry's
             ("Claim by Invented Harbour Board", []),  # not one of the article's people: as written
             ("Claim by Oona Pell", ["/people/oona-pell/"])]  # a name-only person of the article
    assert claims(page(out, "/articles/2030/04/light/")) == shown  # in the order of their passages
    assert sorted(claims(page(out, "/annotations/fact-check/"))) == sorted(shown)
    feed = xml(out, "annotations/fact-check/feed.xml")
    contents = [html.fragment_fromstring(e.findtext("a:content", namespaces=ATOM), create_parent="div") for e in feed.findall("a:entry", ATOM)]
    said = sorted((p.text_content(), p.xpath("a/@href")) for content in contents for p in content.xpath("p[starts-with(., 'Claim by')]"))
    assert said == [("Claim by Invented Harbour Board", []), ("Claim by Ives Marlo", [f"{BASE}people/ives-marlo/"]),  # absolute, in a feed
                    ("Claim by Oona Pell", [f"{BASE}people/oona-pell/"])]


def test_a_claimant_not_among_the_articles_people_is_a_warning_on_its_line(tmp_path: Path, capsys) -> None:
    archive(tmp_path)
    assert main(["check", "-s", str(tmp_path)]) == 0
    warned = [line for line in capsys.readouterr().out.splitlines() if "claimant" in line]
    assert warned == [("content/articles/2030/04/light.md:19:1: warning: annotations[2].claimant: 'Invented Harbour Board' is not one of "
                       "the article's people: add them to people, so the claim links to their page")]


def test_a_claimant_is_found_only_among_the_articles_people(tmp_path: Path, capsys) -> None:
    """Una Fenn is in the registry, not in the article: the claim in it cannot be hers."""
    archive(tmp_path)
    light = tmp_path / "content/articles/2030/04/light.md"
    light.write_text(light.read_text("utf-8").replace("claimant: Invented Harbour Board", "claimant: Una Fenn").replace("claimant: Oona Pell", "claimant: Ona Pell"), "utf-8")
    draft = tmp_path / "content/articles/2030/05/draft.md"
    draft.parent.mkdir(parents=True)
    draft.write_text(LIGHT.replace("date: 2030-04-02", "date: 2030-05-02\ndraft: true").replace("claimant: I. Marlo", "claimant: Una Fenn"), "utf-8")
    assert main(["check", "-s", str(tmp_path)]) == 0
    warned = sorted(line.split(":1: warning: ") for line in capsys.readouterr().out.splitlines() if "claimant" in line)
    tail = "is not one of the article's people"
    assert warned == [
        ["content/articles/2030/04/light.md:14", f"annotations[1].claimant: 'Ona Pell' {tail}; did you mean 'Oona Pell'?: add them to people, so the claim links to their page"],
        ["content/articles/2030/04/light.md:19", f"annotations[2].claimant: 'Una Fenn' {tail}: add them to people, so the claim links to their page"],
        ["content/articles/2030/05/draft.md:10", f"annotations[0].claimant: 'Una Fenn' {tail}: add them to people, so the claim links to their page"],  # a draft's too
        ["content/articles/2030/05/draft.md:20", f"annotations[2].claimant: 'Invented Harbour Board' {tail}: add them to people, so the claim links to their page"],
    ]
    out = built(tmp_path)
    assert claims(page(out, "/articles/2030/04/light/"))[1:] == [("Claim by Una Fenn", []), ("Claim by Ona Pell", [])]
    assert "Claims fact-checked" not in page(out, "/people/una-fenn/").text_content()


def test_the_claimreview_names_the_claims_author(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    (ld,) = page(out, "/articles/2030/04/light/").xpath('//script[@type="application/ld+json"]/text()')
    authors = [n["itemReviewed"].get("author") for n in json.loads(ld)["@graph"] if n["@type"] == "ClaimReview"]
    assert authors == [
        {"@type": "Person", "name": "Ives Marlo", "@id": f"{BASE}people/ives-marlo/#person", "url": f"{BASE}people/ives-marlo/",
         "sameAs": ["https://www.wikidata.org/wiki/Q4115189"]},
        None,  # the Invented Harbour Board's: a person or a body, not said
        {"@type": "Person", "name": "Oona Pell", "@id": f"{BASE}people/oona-pell/#person", "url": f"{BASE}people/oona-pell/"},
    ]
    (profile,) = page(out, "/people/ives-marlo/").xpath('//script[@type="application/ld+json"]/text()')
    assert json.loads(profile)["mainEntity"]["@id"] == authors[0]["@id"]  # one node: the person's page


def test_the_claimants_are_exported_and_join_the_people(tmp_path: Path) -> None:
    out = built(archive(tmp_path))
    rows = list(csv.DictReader(io.StringIO((out / "data" / "annotations.csv").read_text("utf-8"), newline="")))
    assert sorted((r["claimant"], r["claimant_person"]) for r in rows) == [("I. Marlo", "ives-marlo"), ("Invented Harbour Board", ""), ("Oona Pell", "oona-pell")]
    report = validate(str(out / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    package = json.loads((out / "data" / "datapackage.json").read_text("utf-8"))
    (notes,) = [r for r in package["resources"] if r["name"] == "annotations"]
    assert {"fields": "claimant_person", "reference": {"resource": "people", "fields": "slug"}} in notes["schema"]["foreignKeys"]


@pytest.mark.parametrize(("file", "old", "new", "first"), [
    ("content/people/ives-marlo.md", "name: Ives Marlo", "name: Ives T. Marlo", ("Claim by Ives T. Marlo", ["/people/ives-marlo/"])),
    ("content/people/ives-marlo.md", "aliases: [I. Marlo]", "aliases: []", ("Claim by I. Marlo", [])),
    # an alias given to someone not in the article: the claim found as oona-pell is no longer Oona Pell's
    ("content/people/una-fenn.md", "name: Una Fenn", "name: Una Fenn\naliases: [oona-pell]", ("Claim by Ives Marlo", ["/people/ives-marlo/"])),
])
def test_a_claimant_found_otherwise_rebuilds_as_a_cold_build_makes_it(tmp_path: Path, file: str, old: str, new: str, first: tuple) -> None:
    root = archive(tmp_path)
    light = root / "content/articles/2030/04/light.md"
    light.write_text(light.read_text("utf-8").replace("claimant: Oona Pell", "claimant: oona-pell"), "utf-8")
    out = built(root)
    changed = root / file
    changed.write_text(changed.read_text("utf-8").replace(old, new), "utf-8")
    build(Options(root=root, out=out, search=False))
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
    build(Options(root=cold, out=cold / "public", search=False))
    assert snapshot(out) == snapshot(cold / "public")
    assert claims(page(out, "/articles/2030/04/light/"))[0] == first


def test_the_claim_is_said_in_the_sites_language(tmp_path: Path) -> None:
    out = built(archive(tmp_path, 'language = "de"\n'))
    assert claims(page(out, "/articles/2030/04/light/"))[0][0] == "Behauptung von Ives Marlo"


def test_a_persons_page_lists_the_fact_checks_of_their_claims(tmp_path: Path) -> None:
    root = archive(tmp_path)
    second = root / "content/articles/2030/05/lamp.md"
    second.parent.mkdir(parents=True)
    second.write_text(LIGHT.replace("2030-04-02", "2030-05-02").replace("claimant: Oona Pell", "claimant: ives-marlo"), "utf-8")
    out = built(root)
    story = page(out, "/people/ives-marlo/").xpath("//section[@class='story']")[0]
    (heading,) = [h for h in story.xpath(".//h3") if h.text_content() == "Claims fact-checked"]
    tally, listed = heading.getnext(), heading.getnext().getnext()
    assert tally.text_content() == "Ratings: False 1, Misleading 2."  # worst first
    assert [(li.xpath("string(strong)"), li.xpath("string(q)"), li.xpath("q/a/@href")[0]) for li in listed.xpath("li")] == [
        ("Misleading", "mended in a day", "/articles/2030/05/lamp/#annotation-1"),  # newest first
        ("False", "brightest on the coast", "/articles/2030/05/lamp/#annotation-3"),
        ("Misleading", "mended in a day", "/articles/2030/04/light/#annotation-1"),
    ]
    oona = page(out, "/people/oona-pell/").xpath("//section[@class='story']//h3/text()")
    assert "Claims fact-checked" in oona  # a name-only person's claims too
    assert "Claims fact-checked" not in page(out, "/people/").text_content()


def test_a_persons_page_lists_their_newest_twenty_claims_and_counts_the_rest(tmp_path: Path) -> None:
    words = [f"claim{n}" for n in range(23)]
    notes = "".join(f"  - quote: {w}\n    kind: fact-check\n    rating: unproven\n    claimant: Ives Marlo\n    note: Invented.\n    date: 2030-06-{n + 1:02}\n"
                    for n, w in enumerate(words))
    archive(tmp_path)
    many = tmp_path / "content/articles/2030/05/many.md"
    many.parent.mkdir(parents=True)
    many.write_text(f"---\ntitle: Invented claims\ndate: 2030-05-01\npeople: [Ives Marlo]\nannotations:\n{notes}---\n{' '.join(words)}\n", "utf-8")
    story = page(built(tmp_path), "/people/ives-marlo/").xpath("//section[@class='story']")[0]
    (heading,) = [h for h in story.xpath(".//h3") if h.text_content() == "Claims fact-checked"]
    assert heading.getnext().text_content() == "Ratings: Misleading 1, Unproven 23."  # all of them
    assert [li.xpath("string(q)") for li in heading.getnext().getnext().xpath("li")] == [f"claim{n}" for n in range(22, 2, -1)]
    assert heading.getnext().getnext().getnext().text_content() == "And 4 older fact-checked claims."


def test_a_body_in_the_registry_is_typed_as_an_organization(tmp_path: Path, capsys) -> None:
    """A claim made by a ministry or a port authority: its ClaimReview author, its profile and
    the article's mentions say Organization; people.csv says organization."""
    root = archive(tmp_path)
    board = root / "content/people/invented-harbour-board.md"
    board.write_text("---\nname: Invented Harbour Board\ntype: organization\n---\nAn invented port authority.\n", "utf-8")
    light = root / "content/articles/2030/04/light.md"
    light.write_text(light.read_text("utf-8").replace("people: [Ives Marlo, Oona Pell]", "people: [Ives Marlo, Oona Pell, Invented Harbour Board]"), "utf-8")
    out = built(root)
    (ld,) = page(out, "/articles/2030/04/light/").xpath('//script[@type="application/ld+json"]/text()')
    graph = json.loads(ld)["@graph"]
    authors = [n["itemReviewed"]["author"]["@type"] for n in graph if n["@type"] == "ClaimReview"]
    assert authors == ["Person", "Organization", "Person"]
    (article,) = [n for n in graph if n["@type"] == "NewsArticle"]
    assert [m["@type"] for m in article["mentions"]] == ["Person", "Person", "Organization"]
    (profile,) = page(out, "/people/invented-harbour-board/").xpath('//script[@type="application/ld+json"]/text()')
    assert json.loads(profile)["mainEntity"]["@type"] == "Organization"
    rows = {r["slug"]: r["type"] for r in csv.DictReader(io.StringIO((out / "data" / "people.csv").read_text("utf-8"), newline=""))}
    assert rows == {"invented-harbour-board": "organization", "ives-marlo": "person", "oona-pell": "person", "una-fenn": "person"}
    assert '"@type":"Organization"' in (out / "people/invented-harbour-board/index.html").read_text("utf-8")
    cold = tmp_path / "cold"  # a type changed alone: pages and data made again, as a cold build makes them
    board.write_text(board.read_text("utf-8").replace("type: organization\n", ""), "utf-8")
    build(Options(root=root, out=out, search=False))
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
    build(Options(root=cold, out=cold / "public", search=False))
    assert snapshot(out) == snapshot(cold / "public") and '"@type":"Organization"' not in (out / "people/invented-harbour-board/index.html").read_text("utf-8")
    board.write_text("---\nname: Invented Harbour Board\ntype: organisation\n---\n", "utf-8")
    assert main(["check", "-s", str(root)]) == 1
    assert "content/people/invented-harbour-board.md:3:1: error: type: must be one of person, organization, not 'organisation'" in capsys.readouterr().out


def test_a_claim_appears_first_in_the_outlets_article_then_in_this_archive(tmp_path: Path) -> None:
    root = archive(tmp_path)
    light = root / "content/articles/2030/04/light.md"
    light.write_text(light.read_text("utf-8").replace("date: 2030-04-02\n", "date: 2030-04-02\nsource: {name: Cape Courier, url: \"https://courier.example.org/light\"}\n"), "utf-8")
    out = built(root)
    (ld,) = page(out, "/articles/2030/04/light/").xpath('//script[@type="application/ld+json"]/text()')
    (first, *_) = [n["itemReviewed"]["appearance"] for n in json.loads(ld)["@graph"] if n["@type"] == "ClaimReview"]
    assert first == [
        {"@type": "NewsArticle", "url": "https://courier.example.org/light", "headline": "Invented lighthouse relit",
         "datePublished": "2030-04-02T00:00:00+00:00", "publisher": COURIER},
        {"@type": "CreativeWork", "url": f"{BASE}articles/2030/04/light/"},
    ]
    here = {"@type": "CreativeWork", "url": f"{BASE}articles/2030/04/light/"}
    outlet = {"headline": "Invented lighthouse relit", "datePublished": "2030-04-02T00:00:00+00:00", "publisher": COURIER}
    copy = "https://web.archive.org/web/20300402120000/https://courier.example.org/light"
    for folder, source, expected in (
        ("archived", f'{{name: Cape Courier, archived: "{copy}"}}',  # the original, as the copy's address names it
         [{"@type": "NewsArticle", "url": "https://courier.example.org/light", "archivedAt": copy, **outlet}, here]),
        ("short", '{name: Cape Courier, archived: "https://archive.ph/AbCd1"}', [{"@type": "NewsArticle", "archivedAt": "https://archive.ph/AbCd1", **outlet}, here]),
        ("named", "{name: Cape Courier}", [here]),  # nothing to read it at but this archive's copy
    ):
        other = archive(tmp_path / folder)
        light = other / "content/articles/2030/04/light.md"
        light.write_text(light.read_text("utf-8").replace("date: 2030-04-02\n", f"date: 2030-04-02\nsource: {source}\n"), "utf-8")
        (ld,) = page(built(other), "/articles/2030/04/light/").xpath('//script[@type="application/ld+json"]/text()')
        assert next(n["itemReviewed"]["appearance"] for n in json.loads(ld)["@graph"] if n["@type"] == "ClaimReview") == expected, folder

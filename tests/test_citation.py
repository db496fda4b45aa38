"""Citing an article: the suggested citation and the RIS reference its page shows, read back
with rispy as a reference manager would, and the head's tags Zotero's connector reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rispy
from sitehelpers import page

from sitegen.build import Options, build

FIXTURE = Path(__file__).parent / "fixtures" / "archive"
PAGE = "https://archive.example.org/articles/2031/04/harbour-opens/"
ORIGINAL = "https://ledger.example.org/2031/04/harbour-opens"
ARCHIVED = f"https://web.archive.org/web/20310402101500/{ORIGINAL}"


def _built(tmp_path: Path, edit=lambda text: text, config: str = "") -> Path:
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    article = root / "content/articles/2031/04/harbour-opens.md"
    article.write_text(edit(article.read_text()))
    (root / "sitegen.toml").write_text((root / "sitegen.toml").read_text() + config)
    build(Options(root=root, out=tmp_path / "out", cache=False, search=False))
    return tmp_path / "out"


def _reference(out: Path) -> dict:
    (pre,) = page(out, "/articles/2031/04/harbour-opens/").cssselect("#cite .cite__ris pre")
    (reference,) = rispy.loads(pre.text_content())
    return reference


def _citation(out: Path) -> str:
    (text,) = page(out, "/articles/2031/04/harbour-opens/").cssselect("#cite .cite__text")
    return " ".join(text.text_content().split())


def test_the_reference_gives_the_article_as_its_outlet_published_it(tmp_path: Path):
    out = _built(tmp_path)
    assert _reference(out) == {
        "type_of_reference": "NEWS",
        "title": "Lindmoor harbour reopens after repairs",
        "secondary_title": "The Lindmoor Ledger",
        "section": "Local",
        "date": "2031/04/02",  # the day in the article's own offset (09:15 +02:00)
        "year": "2031",
        "language": "en",
        "keywords": ["Harbour", "Treaty"],
        "urls": [ORIGINAL],
        "name_of_database": "Fictional Test Archive",
        "notes": [f"Annotated copy in Fictional Test Archive: {PAGE}"],
    }
    assert _citation(out) == (f"“Lindmoor harbour reopens after repairs.” The Lindmoor Ledger, 2 April 2031. {ORIGINAL}. "
                              f"Annotated copy: Fictional Test Archive, {PAGE}.")


def test_the_abstract_is_the_editors_summary_never_a_trimmed_first_paragraph(tmp_path: Path):
    out = _built(tmp_path, lambda t: t.replace("section: Local\n", "section: Local\nsummary: The invented harbour reopens.\n"))
    assert _reference(out)["abstract"] == "The invented harbour reopens."
    assert "abstract" not in _reference(_built(tmp_path / "none"))  # no summary given: the first paragraph is no abstract


def test_a_title_ending_in_its_own_mark_gets_no_second_one(tmp_path: Path):
    out = _built(tmp_path, lambda t: t.replace("title: Lindmoor harbour reopens after repairs", "title: Will Lindmoor harbour hold?"))
    assert _citation(out).startswith("“Will Lindmoor harbour hold?” The Lindmoor Ledger, 2 April 2031.")


@pytest.mark.parametrize(("title", "cited"), [
    ('\'Venn: "It will hold."\'', '“Venn: "It will hold."” The Lindmoor Ledger'),  # its mark inside its own quotes
    ("港は再開するか？", "“港は再開するか？” The Lindmoor Ledger"),
    ("Lindmoor (updated?)", "“Lindmoor (updated?).” The Lindmoor Ledger"),  # a mark inside brackets closes no title
])
def test_the_titles_own_closing_mark_is_seen_through_quotes(tmp_path: Path, title: str, cited: str):
    out = _built(tmp_path, lambda t: t.replace("title: Lindmoor harbour reopens after repairs", f"title: {title}"))
    assert _citation(out).startswith(cited)


def test_german_and_french_citations_drop_the_period_after_a_titles_mark_too(tmp_path: Path):
    edit = lambda t: t.replace("title: Lindmoor harbour reopens after repairs", "title: Will Lindmoor harbour hold?")
    assert _citation(_built(tmp_path / "de", edit, 'language = "de"\n')).startswith("„Will Lindmoor harbour hold?“ The Lindmoor Ledger")
    assert _citation(_built(tmp_path / "fr", edit, 'language = "fr"\n')).startswith("« Will Lindmoor harbour hold? » The Lindmoor Ledger")  # U+202F, a space to split()


def test_a_title_in_another_language_than_the_sites_is_marked_so(tmp_path: Path):
    doc = page(_built(tmp_path), "/articles/2031/05/treaty-signed/")  # language: en-GB, on an English site
    (title,) = doc.cssselect("#cite .cite__text span[lang]")
    assert (title.get("lang"), title.text_content()) == ("en-GB", "Twin-town treaty signed with an invented neighbour")
    meta = {m.get("name"): m.get("content") for m in doc.cssselect("head meta[name]")}
    assert meta["DC.language"] == "en-GB"


def test_an_archived_copy_is_cited_beside_the_original_or_for_it(tmp_path: Path):
    out = _built(tmp_path / "both", lambda t: t.replace(f"  url: {ORIGINAL}\n", f"  url: {ORIGINAL}\n  archived: {ARCHIVED}\n"))
    reference = _reference(out)
    assert reference["urls"] == [ORIGINAL]
    assert reference["notes"] == [f"Annotated copy in Fictional Test Archive: {PAGE}", f"Archived copy: {ARCHIVED}"]
    out = _built(tmp_path / "copy", lambda t: t.replace(f"  url: {ORIGINAL}\n", f"  archived: {ARCHIVED}\n"))
    assert _reference(out)["urls"] == [ARCHIVED]  # the outlet's address is gone: the copy is where to read it
    assert f"2 April 2031. {ARCHIVED}. Annotated copy:" in _citation(out)


def test_an_article_without_an_outlet_is_cited_by_its_title_and_day(tmp_path: Path):
    out = _built(tmp_path, lambda t: t.replace(f"source:\n  name: The Lindmoor Ledger\n  url: {ORIGINAL}\n", "").replace("section: Local\n", ""))
    reference = _reference(out)
    assert "secondary_title" not in reference and "section" not in reference
    meta = {m.get("name") for m in page(out, "/articles/2031/04/harbour-opens/").cssselect("head meta[name]")}
    assert "DC.type" not in meta and "prism.publicationName" not in meta  # Zotero would take this archive for its newspaper
    assert reference["urls"] == [PAGE]  # nothing else to read it at
    assert _citation(out) == f"“Lindmoor harbour reopens after repairs.” 2 April 2031. Annotated copy: Fictional Test Archive, {PAGE}."


@pytest.mark.parametrize("title", [
    '"Harbour\\nER  - \\nTY  - JOUR\\nTI  - Forged"',  # a line break would end the title and start a second reference
    '"<script>alert(1)</script> & {braces}"',
])
def test_a_title_stays_one_value_of_one_reference(tmp_path: Path, title: str):
    out = _built(tmp_path, lambda t: t.replace("title: Lindmoor harbour reopens after repairs", f"title: {title}"))
    doc = page(out, "/articles/2031/04/harbour-opens/")
    assert not doc.cssselect("#cite script")  # text, never markup
    reference = _reference(out)
    assert reference["type_of_reference"] == "NEWS"
    assert reference["title"] == " ".join(doc.cssselect("h1")[0].text_content().split())


def test_a_line_break_ending_a_value_leaves_no_empty_line_in_the_reference(tmp_path: Path):
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    config = root / "sitegen.toml"
    config.write_text(config.read_text().replace('title = "Fictional Test Archive"', 'title = "Fictional Test Archive\\n"'))
    build(Options(root=root, out=tmp_path / "out", cache=False, search=False))
    (pre,) = page(tmp_path / "out", "/articles/2031/04/harbour-opens/").cssselect("#cite .cite__ris pre")
    assert "" not in pre.text_content().splitlines()
    assert _reference(tmp_path / "out")["name_of_database"] == "Fictional Test Archive"


def test_the_page_names_itself_a_newspaper_article_of_its_outlet_for_zotero(tmp_path: Path):
    doc = page(_built(tmp_path), "/articles/2031/04/harbour-opens/")
    meta = {m.get("name"): m.get("content") for m in doc.cssselect("head meta[name]")}
    assert meta["DC.type"] == "NewsItem"  # Zotero's eprints type for a newspaper article; og:type alone reads as a journal's
    assert meta["prism.publicationName"] == "The Lindmoor Ledger"  # read before og:site_name, this archive's title
    assert meta["DC.language"] == "en"


def test_the_citation_is_in_the_sites_language(tmp_path: Path):
    out = _built(tmp_path, config='language = "de"\n')
    doc = page(out, "/articles/2031/04/harbour-opens/")
    assert doc.cssselect("#cite-title")[0].text_content() == "Diesen Artikel zitieren"
    assert _citation(out).startswith("„Lindmoor harbour reopens after repairs“. The Lindmoor Ledger, 2. April 2031.")
    assert _reference(out)["notes"] == [f"Annotierte Kopie in Fictional Test Archive: {PAGE}"]


def test_a_reader_copies_the_citation_and_saves_the_reference(tmp_path: Path, chromium, serve_dir):
    out = _built(tmp_path)
    base = serve_dir(out)
    context = chromium.new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    errors: list[str] = []
    try:
        tab = context.new_page()
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(base + "articles/2031/04/harbour-opens/")
        tab.get_by_role("button", name="Copy citation").click()
        tab.wait_for_function("document.querySelector('#cite [role=status]').textContent === 'Copied.'")
        assert tab.evaluate("navigator.clipboard.readText()") == _citation(out)  # one line, as shown
        tab.locator("#cite summary").click()
        with tab.expect_download() as saving:
            tab.get_by_role("link", name="Save as a .ris file").click()
        saved = saving.value
        assert saved.suggested_filename == "harbour-opens.ris"
        assert rispy.loads(Path(saved.path()).read_text(encoding="utf-8")) == [_reference(out)]
        tab.get_by_role("button", name="Copy reference").click()
        tab.wait_for_function("navigator.clipboard.readText().then(t => t.startsWith('TY  - NEWS'))", polling=100)
        assert rispy.loads(tab.evaluate("navigator.clipboard.readText()")) == [_reference(out)]
    finally:
        context.close()
    assert errors == []


def test_without_script_the_texts_are_there_to_select_and_no_button_shows(tmp_path: Path, chromium, serve_dir):
    out = _built(tmp_path)
    context = chromium.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(serve_dir(out) + "articles/2031/04/harbour-opens/")
        tab.locator("#cite summary").click()
        assert tab.locator("#cite .cite__ris pre").is_visible() and tab.locator("#cite .cite__text").is_visible()
        assert tab.locator("#cite button, #cite a[download], #cite .cite__actions").evaluate_all(
            "els => els.filter(e => e.checkVisibility()).length") == 0
    finally:
        context.close()

"""What the default theme writes for a reader's tools: languages, landmarks (parsed HTML)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitehelpers import page

from sitegen.build import Options, build

ARTICLES = {
    "2031/03/lanterns.md": "title: Lantern council meets\ndate: 2031-03-04T10:00:00+00:00\n",
    "2031/03/fonari.md": "title: Совет фонарей собрался\ndate: 2031-03-05T10:00:00+00:00\nlanguage: ru\n"
                         "summary: Вымышленная статья.\n",
}
ARTICLE_ALONE = ("2031/03/lanterns.md", f"---\n{ARTICLES['2031/03/lanterns.md']}---\n\nFictional text.\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("theme")
    (root / "sitegen.toml").write_text('title = "Lantern Archive"\nbase_url = "https://lanterns.example/"\n')
    for rel, front in ARTICLES.items():
        path = root / "content" / "articles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\n\nFictional text of the article.\n", encoding="utf-8")
    build(Options(root=root, out=root / "public", search=False, cache=False))
    return root / "public"


def test_an_article_in_another_language_marks_its_text_not_the_page(site: Path) -> None:
    """The English navigation and notes stay English to a screen reader."""
    doc = page(site, "/articles/2031/03/fonari/")
    assert doc.get("lang") == "en"
    assert doc.cssselect("h1")[0].get("lang") == "ru"
    assert doc.cssselect(".article__summary")[0].get("lang") == "ru"
    assert doc.cssselect(".article__body")[0].get("lang") == "ru"
    assert doc.cssselect(".site-nav")[0].get("lang") is None
    english = page(site, "/articles/2031/03/lanterns/")
    assert english.get("lang") == "en"
    assert [(e.getparent().get("rel"), e.get("lang")) for e in english.cssselect("main [lang]")] == [("prev", "ru")]  # only its Russian neighbour's title


def test_a_card_in_another_language_says_so_on_listings(site: Path) -> None:
    cards = page(site, "/").cssselect(".article-card")
    langs = {c.cssselect(".article-card__title")[0].text_content(): c.cssselect(".article-card__title")[0].get("lang")
             for c in cards}
    assert langs == {"Совет фонарей собрался": "ru", "Lantern council meets": None}
    ru = next(c for c in cards if c.cssselect("[lang]"))
    assert ru.cssselect(".article-card__summary")[0].get("lang") == "ru"


def test_the_newer_older_landmark_is_there_only_with_a_neighbour(site: Path, tmp_path: Path) -> None:
    """An empty <nav> is a landmark a screen reader lists with nothing in it."""
    links = page(site, "/articles/2031/03/lanterns/").cssselect("nav.prev-next a")
    assert [a.get("rel") for a in links] == ["prev"]  # the newer one, as page 1 is to page 2 of a listing
    root = tmp_path / "alone"
    (root / "content" / "articles" / "2031" / "03").mkdir(parents=True)
    (root / "sitegen.toml").write_text('title = "Lantern Archive"\nbase_url = "https://lanterns.example/"\n')
    (root / "content" / "articles" / ARTICLE_ALONE[0]).write_text(ARTICLE_ALONE[1], encoding="utf-8")
    build(Options(root=root, out=root / "public", search=False, cache=False))
    assert page(root / "public", "/articles/2031/03/lanterns/").cssselect("nav.prev-next") == []


def test_next_means_older_on_articles_as_on_listings(site: Path) -> None:
    """One series, read as the listings read it (newest first): rel="next" is always the older."""
    newest = page(site, "/articles/2031/03/fonari/").cssselect("nav.prev-next a")
    assert [(a.get("rel"), a.get("href")) for a in newest] == [("next", "/articles/2031/03/lanterns/")]


def test_a_person_without_articles_gets_a_sentence_not_a_list_item(tmp_path: Path) -> None:
    """An <ol> of one "No articles yet." item is announced as a list of one article."""
    root = tmp_path / "arch"
    (root / "content" / "people").mkdir(parents=True)
    (root / "sitegen.toml").write_text('title = "Lantern Archive"\nbase_url = "https://lanterns.example/"\n')
    (root / "content" / "people" / "wenna-quill.md").write_text("---\nname: Wenna Quill\n---\n", encoding="utf-8")
    build(Options(root=root, out=root / "public", search=False, cache=False))
    doc = page(root / "public", "/people/wenna-quill/")
    assert doc.cssselect("ol.article-list") == []
    assert [p.text_content() for p in doc.cssselect("main p") if "No articles" in p.text_content()] == ["No articles yet."]


def test_an_article_without_a_summary_has_no_lede_repeating_its_first_paragraph(site: Path) -> None:
    """The card still shows the first paragraph as the summary; the article page shows it once."""
    doc = page(site, "/articles/2031/03/lanterns/")
    assert doc.cssselect(".article__summary") == []
    assert doc.cssselect(".article__body p")[0].text_content() == "Fictional text of the article."
    assert doc.cssselect('meta[name="description"]')[0].get("content") == "Fictional text of the article."
    card = next(c for c in page(site, "/").cssselect(".article-card") if "Lantern council" in c.text_content())
    assert card.cssselect(".article-card__summary")[0].text_content() == "Fictional text of the article."
    assert page(site, "/articles/2031/03/fonari/").cssselect(".article__summary")[0].text_content() == "Вымышленная статья."

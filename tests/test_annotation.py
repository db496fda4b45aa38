"""Anchoring notes to passages, the marks they leave, and the JSON-LD they become.

Bodies are rendered with markdown-it-py as the build does (raw HTML off, typographer on), and
results are checked by parsing the HTML with lxml, not by comparing strings.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin
from playwright.sync_api import expect
from sitehelpers import axe_violations

from sitegen.annotation import anchor, index_entries, rating_tally
from sitegen.jsonld import claim_reviews, web_annotation_collection
from sitegen.model import AnchoredAnnotation, Annotation, Article, ArticleFile, Body
from sitegen.render import MARKUP
from sitegen.translation import english

MD = (
    MarkdownIt("commonmark", {"html": False, "typographer": True})
    .enable(["replacements", "smartquotes"])
    .use(footnote_plugin)
)
PATH = "content/articles/2030/01/fictional.md"
REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "themes" / "default"


def note(quote: str, kind: str = "context", line: int = 7, **extra: object) -> Annotation:
    return Annotation(
        quote=quote, kind=kind, note=extra.pop("text", "A *note*."), line=line, **extra
    )


def run(markdown: str, *items: Annotation, heads: dict[str, str] | None = None):
    """The body's marked HTML, the notes placed and the problems (and the heads, if given)."""
    placed = anchor(PATH, MD.render(markdown), items, MD.render, heads)
    return (placed.html, placed.notes, placed.problems) + ((placed.heads,) if heads is not None else ())


def tree(body_html: str):
    return lxml_html.fragment_fromstring(body_html, create_parent="div")


def passage_text(body_html: str, number: int) -> str:
    marks = tree(body_html).xpath(f'//mark[@data-annotation="{number}"]')
    return "".join(m.text_content() for m in marks)


def text_without_markers(body_html: str) -> str:
    root = tree(body_html)
    for marker in root.xpath('//a[@class="annotation-marker"]'):
        marker.drop_tree()
    return root.text_content()


def test_exact_quote_is_marked_and_numbered():
    body, anchored, problems = run(
        "The mayor of Quillby opened the fictional bridge on Tuesday.",
        note("opened the fictional bridge"),
    )
    assert problems == []
    assert [a.number for a in anchored] == [1]
    root = tree(body)
    (mark,) = root.xpath("//mark")
    assert mark.get("id") == "passage-1"
    assert mark.get("class") == "annotation annotation--context"
    assert mark.text_content() == "opened the fictional bridge"
    marker = mark.getnext()
    assert marker.tag == "a" and marker.get("href") == "#annotation-1"
    assert marker.text_content() == "[1]"
    assert marker.get("aria-labelledby") == "annotation-1-title annotation-1-kind"  # the note's heading and kind, in the page's words
    assert anchored[0].note_html == MD.render("A *note*.")
    assert isinstance(anchored[0].note_html, Markup)  # safe HTML: templates must not escape it


def test_quote_across_emphasis_splits_the_mark_and_ids_only_the_first():
    body, _, problems = run(
        "Officials said the *entirely invented* scheme would cost nothing.",
        note("said the entirely invented scheme"),
    )
    assert problems == []
    root = tree(body)
    marks = root.xpath('//mark[@data-annotation="1"]')
    assert len(marks) == 3
    assert [m.get("id") for m in marks] == ["passage-1", None, None]
    assert marks[1].getparent().tag == "em"
    assert passage_text(body, 1) == "said the entirely invented scheme"
    assert len(root.xpath('//a[@class="annotation-marker"]')) == 1


def test_marker_never_nests_inside_a_link():
    body, _, problems = run(
        "Read [the made-up report](https://example.org/report) today.",
        note("the made-up"),
    )
    assert problems == []
    root = tree(body)
    (marker,) = root.xpath('//a[@class="annotation-marker"]')
    assert marker.getparent().tag == "p"
    assert marker.getprevious().tag == "a" and marker.getprevious().get("href").startswith("https")
    assert passage_text(body, 1) == "the made-up"


def test_whitespace_and_typographic_quotes_are_ignored():
    markdown = 'The council\'s "plan"\nwas  called "bold" by residents.'
    body, _, problems = run(markdown, note('council’s “plan” was called\n "bold"'))
    assert problems == []
    assert "\u201cplan\u201d" in passage_text(body, 1)  # the body keeps its own typography
    assert text_without_markers(body) == tree(MD.render(markdown)).text_content()


@pytest.mark.parametrize(
    ("written", "quoted"),
    [("Caf\u00e9 Zo\u00eb", "Cafe\u0301 Zoe\u0308"), ("Cafe\u0301 Zoe\u0308", "Caf\u00e9 Zo\u00eb")],
    ids=["nfc-body-nfd-quote", "nfd-body-nfc-quote"],
)
def test_accents_match_however_unicode_composes_them(written, quoted):
    body, _, problems = run(f"The {written} opened late.", note(f"{quoted} opened"))
    assert problems == []
    assert passage_text(body, 1) == f"{written} opened"  # the body's own characters, accents whole


def test_a_bare_letter_is_not_its_accented_form():
    _, _, problems = run("The Cafe\u0301 opened.", note("The Cafe"))
    assert [p.message for p in problems] == ['not found in body: "The Cafe" (found only as part of a longer word)']


@pytest.mark.parametrize(("body", "quote"), [("यह कमाल है", "कम"), ("ที่นี่ ทั้งหมด", "ท")], ids=["devanagari", "thai"])
def test_a_word_goes_on_through_its_vowel_signs(body, quote):
    """A vowel sign is a mark of class 0 (spacing in Devanagari, not in Thai): part of the word."""
    _, _, problems = run(body, note(quote))
    assert [p.message for p in problems] == [f'not found in body: "{quote}" (found only as part of a longer word)']


@pytest.mark.parametrize(
    ("body", "quote"),
    [("市议会昨天批准了新的渡轮时刻表。", "批准了新的渡轮时刻表"), ("市議会は新しい時刻表を承認した。", "新しい時刻表"), ("สภาอนุมัติตารางเรือใหม่", "ตารางเรือ")],
    ids=["chinese", "japanese", "thai"],
)
def test_a_quote_in_a_script_without_spaces_begins_and_ends_beside_letters(body, quote):
    """Chinese, Japanese and Thai write no space between words: a quote there has letters on both sides."""
    html, _, problems = run(body, note(quote))
    assert problems == []
    assert passage_text(html, 1) == quote


def test_invisible_soft_hyphens_and_zero_width_spaces_are_skipped():
    body, _, problems = run("An inter\u00adnational\u200b deal.", note("international deal"))
    assert problems == []
    assert passage_text(body, 1) == "inter\u00adnational\u200b deal"


def test_quote_reads_past_a_footnote_number():
    body, _, problems = run(
        "Officials said it cost nothing[^1] at all.\n\n[^1]: An invented remark.",
        note("cost nothing at all"),
    )
    assert problems == []
    root = tree(body)
    assert passage_text(body, 1) == "cost nothing at all"
    (ref,) = root.xpath('//sup[@class="footnote-ref"]')
    assert ref.xpath(".//mark") == [] and ref.text_content() == "[1]"
    marker = root.xpath('//a[@class="annotation-marker"]')[0]
    assert marker.getprevious().text_content() == " at all"


def test_quote_is_never_found_inside_a_word():
    body, anchored, problems = run("The carpet was red.", note("car"))
    assert anchored == ()
    assert [str(p) for p in problems] == [
        f'{PATH}:7: annotations[0].quote: not found in body: "car" (found only as part of a longer word)'
    ]
    assert tree(body).xpath("//mark") == []


def test_quote_does_not_span_paragraphs():
    _, _, problems = run("First paragraph ends.\n\nSecond one starts.", note("ends. Second"))
    assert [p.message for p in problems] == ['not found in body: "ends. Second"']


def test_not_found_reports_path_line_field_and_quote():
    _, anchored, problems = run(
        "Nothing to see.",
        note("opened the bridge"),
        note("nothing", line=12),  # case matters
    )
    assert anchored == ()
    assert [str(p) for p in problems] == [
        f'{PATH}:7: annotations[0].quote: not found in body: "opened the bridge"',
        f'{PATH}:12: annotations[1].quote: not found in body: "nothing" (found only with different capitals)',
    ]
    assert all(p.is_error for p in problems)


def test_ambiguous_quote_asks_for_prefix_or_suffix():
    _, anchored, problems = run(
        "A goat ate a hat. Then a goat ate a boot. Later a goat ate a coat.",
        note("the first", line=3),
        note("goat ate", line=9),
    )
    assert anchored == ()
    assert [str(p) for p in problems] == [
        f'{PATH}:3: annotations[0].quote: not found in body: "the first"',
        f"{PATH}:9: annotations[1].quote: matches 3 places; add prefix or suffix",
    ]


@pytest.mark.parametrize(
    ("prefix", "suffix", "expected"),
    [("Then ", "", "boot"), ("", " a coat", "coat"), ("Later", " a coat", "coat")],
)
def test_prefix_and_suffix_pick_one_place(prefix, suffix, expected):
    markdown = "A goat ate a hat. Then a goat ate a boot. Later a goat ate a coat."
    body, _, problems = run(markdown, note("a goat ate", prefix=prefix, suffix=suffix))
    assert problems == []
    (mark,) = tree(body).xpath("//mark")
    following = mark.getnext().tail  # the marker sits between the mark and the rest
    assert following.startswith(f" a {expected}")


def test_prefix_that_matches_two_places_is_still_ambiguous():
    _, _, problems = run(
        "A goat ate a hat. Then a goat ate a boot. Later a goat ate a coat.",
        note("goat ate", prefix="a "),  # case matters: not the first "A goat"
    )
    assert [p.message for p in problems] == ["matches 2 places; add prefix or suffix"]


def test_prefix_that_matches_nowhere_is_reported():
    _, _, problems = run("A goat ate a hat.", note("goat ate", prefix="sheep "))
    assert [p.message for p in problems] == [
        'not found in body with the given prefix/suffix: "goat ate"'
    ]


def test_numbers_follow_the_passages_not_the_list():
    body, anchored, problems = run(
        "Alpha comes first, beta second and gamma third.",
        note("gamma third", kind="note"),
        note("Alpha", kind="fact-check", rating="false"),
        note("beta second", kind="correction"),
    )
    assert problems == []
    assert [(a.number, a.annotation.quote) for a in anchored] == [
        (1, "Alpha"),
        (2, "beta second"),
        (3, "gamma third"),
    ]
    root = tree(body)
    assert [m.get("id") for m in root.xpath("//mark")] == ["passage-1", "passage-2", "passage-3"]
    assert root.xpath('//a[@href="#annotation-1"]')[0].get("aria-labelledby").split() == ["annotation-1-title", "annotation-1-kind", "annotation-1-rating"]


def test_overlapping_passages_are_refused():
    _, anchored, problems = run(
        "The invented river flooded the imaginary town.",
        note("river flooded"),
        note("flooded the imaginary town", line=11),
    )
    assert len(anchored) == 1
    assert [str(p) for p in problems] == [
        f"{PATH}:11: annotations[1].quote: "
        + "overlaps the passage of annotations[0]; passages may not overlap"
    ]


def test_a_note_on_the_headline_or_summary_is_marked_there_and_numbered_first():
    """Fact-checkers note headlines: a note with place title (or summary) is anchored in
    it, not the body, which may say the same words; numbers run down the page."""
    heads = {"title": "Invented bridge 'cost nothing'", "summary": "The council says the bridge cost nothing."}
    body, anchored, problems, marked = run(
        "The council says the bridge cost nothing, and the bridge opened.",
        note("the bridge opened", kind="note"),
        note("cost nothing", kind="fact-check", rating="misleading", place="title"),
        note("cost nothing", kind="context", place="summary"),
        heads=heads,
    )
    assert problems == []
    assert [(a.number, a.annotation.place) for a in anchored] == [(1, "title"), (2, "summary"), (3, "body")]
    title, summary = tree(marked["title"]), tree(marked["summary"])
    assert [m.text for m in title.xpath("//mark")] == ["cost nothing"] and title.xpath("//mark/@id") == ["passage-1"]
    assert title.xpath("//a[@class='annotation-marker']/@href") == ["#annotation-1"]
    assert summary.xpath("//mark/@id") == ["passage-2"] and tree(body).xpath("//mark/@id") == ["passage-3"]
    assert text_without_markers(marked["title"]) == heads["title"]  # the headline's text, escaped: '
    assert "cost nothing" not in [m.text for m in tree(body).xpath("//mark")]  # the body's words are not the title's


def test_a_headline_note_is_told_where_it_was_looked_for():
    _, _, problems, _ = run(
        "The bridge cost nothing.",
        note("cost a lot", place="title", line=9),
        note("a summary's words", place="summary", line=12),
        heads={"title": "Bridge cost nothing", "summary": ""},
    )
    assert [str(p) for p in problems] == [
        f'{PATH}:9: annotations[0].quote: not found in title: "cost a lot"',
        f"{PATH}:12: annotations[1].place: the article has no summary of its own (summary: in the front matter) to quote",
    ]


def test_contributor_text_stays_text():
    markdown = 'The sign read <script>alert(1)</script> & "more".'
    body, _, problems = run(markdown, note("<script>alert(1)</script> &", kind='x" onclick="y'))
    assert problems == []
    root = tree(body)
    assert root.xpath("//script") == []
    (mark,) = root.xpath("//mark")
    assert mark.get("onclick") is None
    assert mark.text_content() == "<script>alert(1)</script> &"


words = st.sampled_from(["alpha", "beta", "*gamma*", "delta", "[eps](https://example.org)", "zeta"])


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=2, max_size=12), st.data())
def test_marking_never_changes_the_text(tokens, data):
    markdown = " ".join(tokens)
    plain = tree(MD.render(markdown)).text_content().split()
    i = data.draw(st.integers(0, len(plain) - 1))
    j = data.draw(st.integers(i + 1, len(plain)))
    quote = " ".join(plain[i:j])
    body, _, problems = run(markdown, note(quote))
    assert text_without_markers(body) == tree(MD.render(markdown)).text_content()
    if problems:
        assert "matches" in problems[0].message
    else:
        assert passage_text(body, 1) == quote


ODD = 'A *fictional* "quoted" line\u00a0with [a link](https://example.org) & more, a line.'
ODD_TEXT = tree(MD.render(ODD)).text_content()
slices = st.tuples(st.integers(0, len(ODD_TEXT)), st.integers(0, len(ODD_TEXT))).map(
    lambda ij: ODD_TEXT[min(ij) : max(ij)]
)


@settings(max_examples=120, deadline=None)
@given(st.one_of(st.text(max_size=30), slices), st.text(max_size=6), st.text(max_size=6))
def test_any_quote_gives_a_mark_or_a_message_never_an_exception(quote, prefix, suffix):
    body, anchored, problems = run(ODD, note(quote, prefix=prefix, suffix=suffix))
    assert len(anchored) + len(problems) == 1
    assert text_without_markers(body) == ODD_TEXT
    if problems:
        assert problems[0].field == "annotations[0].quote"
    else:
        straight = str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''")
        marked = " ".join(passage_text(body, 1).translate(straight).split())
        assert marked == " ".join(quote.translate(straight).split())


def sample(kind: str = "fact-check", rating: str | None = "misleading") -> AnchoredAnnotation:
    item = Annotation(
        quote="the bridge cost nothing",
        kind=kind,
        note="It cost *plenty*.",
        line=4,
        prefix="said ",
        suffix=".",
        rating=rating,
        sources=("https://example.org/budget",),
        author="Fictional Editor",
        date=date(2030, 1, 5),
    )
    return AnchoredAnnotation(1, item, Markup(MD.render(item.note)))  # as anchor() gives


def test_web_annotation_collection_has_the_required_properties():
    url = "https://archive.example/articles/2030/01/fictional/"
    doc = json.loads(
        json.dumps(web_annotation_collection(url, [sample(), sample("context", None)]))
    )
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection"
    assert doc["id"] == url + "annotations.jsonld"
    assert doc["total"] == 2
    items = doc["first"]["items"]
    assert doc["first"]["type"] == "AnnotationPage" and len(items) == 2
    first = items[0]
    assert first["type"] == "Annotation" and first["id"] == url + "#annotation-1"
    assert first["motivation"] == "assessing"
    assert first["target"]["source"] == url
    assert first["target"]["selector"] == {
        "type": "TextQuoteSelector",
        "exact": "the bridge cost nothing",
        "prefix": "said ",
        "suffix": ".",
    }
    text_body = first["body"][0]
    assert text_body["type"] == "TextualBody" and "<em>plenty</em>" in text_body["value"]
    assert {
        "type": "SpecificResource",
        "source": "https://example.org/budget",
        "purpose": "linking",
    } in first["body"]
    assert first["creator"]["name"] == "Fictional Editor"
    assert first["created"] == "2030-01-05T00:00:00Z"  # xsd:dateTime in UTC, as the model asks
    assert items[1]["motivation"] == "commenting"


def test_claim_reviews_only_for_rated_fact_checks():
    url = "https://archive.example/articles/2030/01/fictional/"
    publisher = {"@type": "Organization", "name": "Fictional Archive"}
    reviews = claim_reviews(url, [sample(), sample("context", None)], publisher, person=lambda slug: {})
    assert len(reviews) == 1
    (review,) = json.loads(json.dumps(reviews))
    assert review["@type"] == "ClaimReview" and review["@context"] == "https://schema.org"
    assert review["claimReviewed"] == "the bridge cost nothing"
    assert review["url"] == url + "#annotation-1"
    assert review["author"] == publisher
    assert review["reviewRating"]["ratingValue"] == 2
    assert review["reviewRating"]["alternateName"] == "misleading"
    assert review["reviewBody"] == "It cost plenty."


@pytest.mark.parametrize(
    ("rating", "value"),
    [("false", 1), ("misleading", 2), ("unproven", 3), ("mostly-true", 4), ("true", 5)],
)
def test_rating_scale(rating, value):
    (review,) = claim_reviews("https://x.example/a/", [sample(rating=rating)], {}, person=lambda slug: {})
    assert review["reviewRating"]["ratingValue"] == value


def test_rating_tally_counts_fact_checks_only():
    items = [sample(), sample(rating="false"), sample(), sample("context", None)]
    assert rating_tally(items) == (("false", 1), ("misleading", 2))


def article(slug: str, day: int, *items: AnchoredAnnotation) -> Article:
    when = datetime(2030, 1, day, tzinfo=UTC)
    file = ArticleFile(path=f"{slug}.md", slug=slug, title=slug, date=when, body="", body_line=1)
    return Article(file, f"/articles/{slug}/", "", Body.of("", ""), (), None, (), items)


def test_bundled_seed_article_is_annotated_with_sources():
    from sitegen.build import Options, configure, load

    options = Options(root=REPO)
    site, _ = load(options, configure(options))
    (seed,) = [a for a in site.articles if a.date.date() == date(2022, 2, 11)]
    assert len(seed.annotations) >= 3
    root = tree(seed.body_html)
    for item in seed.annotations:
        a = item.annotation
        assert a.sources and all(url.startswith("https://") for url in a.sources)
        assert " ".join(passage_text(seed.body_html, item.number).split()) == a.quote
        assert root.xpath(f'//a[@class="annotation-marker"][@href="#annotation-{item.number}"]')
    notes = " ".join(item.note_html for item in seed.annotations)
    assert "24 February 2022" in notes and "Rossiya Segodnya" in notes


def test_index_entries_newest_first():
    older = AnchoredAnnotation(1, note("x", date=date(2030, 1, 2)), "")
    undated = AnchoredAnnotation(2, note("y"), "")
    newest = AnchoredAnnotation(1, note("z", date=date(2030, 2, 1)), "")
    entries = index_entries([article("one", 1, older, undated), article("two", 9, newest)])
    assert [(a.slug, n.number) for a, n in entries] == [("two", 1), ("one", 1), ("one", 2)]


def theme_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(THEME / "templates")),
        autoescape=True,
        undefined=StrictUndefined,
    )
    words = english()  # as sitegen's environment has them, for an English site
    env.globals.update(text=words.markup, **MARKUP)
    env.filters.update(human_date=words.date, number=words.number)
    return env


def test_notes_partial_lists_each_note_with_its_anchor_rating_sources_and_way_back():
    hostile = Annotation(
        quote='<img src=x onerror="alert(1)">',
        kind="context",
        note="n",
        line=9,
        sources=('https://example.org/a?b=1&c="2"',),
    )
    items = [sample(), AnchoredAnnotation(2, hostile, Markup("<p>Plain <em>note</em>.</p>"))]
    page = theme_env().get_template("partials/annotations.html").render(annotations=items)
    root = lxml_html.fragment_fromstring(page, create_parent="div")
    notes = root.xpath("//aside[@class='annotations']/ol/li")
    assert [li.get("id") for li in notes] == ["annotation-1", "annotation-2"]
    first, second = notes
    assert (
        first.xpath(".//*[contains(@class,'annotation-badge')]")[0].text_content() == "Fact-check"
    )
    rating = first.xpath(".//*[contains(@class,'annotation-rating')]")[0]
    assert "annotation-rating--misleading" in rating.get("class")
    assert rating.xpath("strong")[0].text_content() == "Misleading"
    assert first.xpath(".//div[@class='annotation-body']/p/em")[0].text == "plenty"
    assert [a.get("href") for a in first.xpath(".//*[@class='annotation-sources']//a")] == [
        "https://example.org/budget"
    ]
    assert first.xpath(".//time")[0].get("datetime") == "2030-01-05"
    assert "Fictional Editor" in first.xpath(".//*[@class='annotation-byline']")[0].text_content()
    back = [li.xpath(".//p[@class='annotation-back']/a")[0].get("href") for li in notes]
    assert back == ["#passage-1", "#passage-2"]
    assert second.xpath(".//*[contains(@class,'annotation-rating')]") == []
    assert root.xpath("//img") == [] and root.xpath("//@onerror") == []
    assert second.xpath(".//blockquote")[0].text_content() == hostile.quote
    assert second.xpath(".//*[@class='annotation-sources']//a")[0].get("href") == hostile.sources[0]


def test_notes_partial_is_silent_without_notes():
    assert (
        theme_env().get_template("partials/annotations.html").render(annotations=()).strip() == ""
    )




def reader_page(folder: Path) -> Path:
    """An article page as a reader gets it: marked body, notes, both style sheets."""
    filler = "\n\n".join(
        f"Paragraph {i} of the invented council minutes, kept long so the page scrolls."
        for i in range(30)
    )
    markdown = (
        "The mayor of Quillby *opened* the bridge on Tuesday.\n\n"
        f"{filler}\n\n"
        "Officials said it cost nothing, according to [a made-up report](https://example.org/r)."
    )
    body, anchored, problems = run(
        markdown,
        note("opened the bridge"),
        note(
            "it cost nothing", kind="fact-check", rating="false", sources=("https://example.org/b",)
        ),
    )
    assert problems == []
    notes = theme_env().get_template("partials/annotations.html").render(annotations=anchored)
    for name in ("style.css", "annotations.css"):
        (folder / name).write_bytes((THEME / "static" / name).read_bytes())
    page = folder / "article.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fictional</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="style.css"><link rel="stylesheet" href="annotations.css">'
        '</head><body><main id="main"><article class="article"><h1>A fictional bridge</h1>'
        f'<div class="article__body">{body}</div>{notes}</article></main></body></html>',
        encoding="utf-8",
    )
    return page


def in_view(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect();"
        " return r.bottom > 0 && r.top < window.innerHeight; }",
    )


@pytest.mark.browser
def test_reader_follows_a_marker_to_its_note_and_back(chromium, tmp_path):
    page = chromium.new_page(viewport={"width": 1280, "height": 700})
    page.goto(reader_page(tmp_path).as_uri())
    page.click('a.annotation-marker[href="#annotation-2"]')
    assert page.evaluate("location.hash") == "#annotation-2"
    assert page.evaluate("document.querySelector(':target').id") == "annotation-2"
    assert in_view(page, "#annotation-2")
    assert page.text_content("#annotation-2 .annotation-rating strong") == "False"
    page.click("#annotation-2 .annotation-back a")
    assert page.evaluate("location.hash") == "#passage-2"
    assert in_view(page, "#passage-2")
    # wide screen: the notes sit beside the text, not under it
    body = page.eval_on_selector(".article__body", "el => el.getBoundingClientRect().right")
    notes = page.eval_on_selector(".annotations", "el => el.getBoundingClientRect().left")
    assert notes >= body
    page.close()


@pytest.mark.browser
def test_phone_reader_uses_the_keyboard_and_gets_notes_after_the_text(chromium, tmp_path):
    page = chromium.new_page(viewport={"width": 390, "height": 700})
    page.goto(reader_page(tmp_path).as_uri())
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "#annotation-1":
            break
    expect(page.locator('a[href="#annotation-1"]')).to_have_accessible_name("Note 1 Context")  # the note's own heading and kind
    expect(page.locator('a[href="#annotation-2"]')).to_have_accessible_name("Note 2 Fact-check Rating: False")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#annotation-1"
    assert in_view(page, "#annotation-1")
    body = page.eval_on_selector(".article__body", "el => el.getBoundingClientRect().bottom")
    notes = page.eval_on_selector(".annotations", "el => el.getBoundingClientRect().top")
    assert notes >= body
    page.click("#annotation-1 .annotation-back a")  # back: the passage and its outline below the top edge
    assert page.eval_on_selector("#passage-1", "el => el.getBoundingClientRect().top") >= 12
    page.close()


@pytest.mark.browser
def test_a_marker_is_a_target_a_finger_can_hit(chromium, tmp_path):
    """Drawn small (a superscript number), but a tap 24 px wide and tall around it lands on it
    (WCAG 2.2 target size)."""
    page = chromium.new_page(viewport={"width": 390, "height": 700}, has_touch=True)
    page.goto(reader_page(tmp_path).as_uri())
    box = page.locator('a[href="#annotation-1"]').bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hits = [page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('a.annotation-marker')", [x + dx, y + dy])
            for dx, dy in ((0, -11), (0, 11), (-11, 0), (11, 0))]
    assert box["height"] < 24 and hits == [True] * 4
    page.close()


@pytest.mark.browser
def test_the_notes_index_keeps_to_the_reading_measure_on_a_desktop(chromium, bundled_site, serve_dir):
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    page.goto(serve_dir(bundled_site) + "annotations/")
    widths = page.eval_on_selector_all(".annotation-entry", "es => es.map(e => e.getBoundingClientRect().width)")
    measure = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize) * 42")  # --measure: 42rem
    assert widths and max(widths) <= measure
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_annotations_pass_axe_in_light_and_dark(chromium, tmp_path, scheme):
    page = chromium.new_page(viewport={"width": 1280, "height": 700}, color_scheme=scheme)
    page.goto(reader_page(tmp_path).as_uri() + "#annotation-2")
    assert axe_violations(page) == []
    page.close()


def test_check_reports_detached_notes_with_the_line_of_each_item(tmp_path, capsys):
    from sitegen import cli

    article = tmp_path / "content" / "articles" / "2030" / "01" / "ferry.md"
    article.parent.mkdir(parents=True)
    article.write_text(
        "---\n"
        "title: An invented ferry\n"
        "date: 2030-01-02\n"
        "annotations:\n"
        "- quote: the ferry sank\n"
        "  kind: correction\n"
        "  note: It did not.\n"
        "- quote: the ferry\n"
        "  kind: context\n"
        "  note: Which one?\n"
        "---\n"
        "The ferry left. Later the ferry came back, and the ferry docked.\n",
        encoding="utf-8",
    )
    code = cli.main(["check", "-s", str(tmp_path)])
    out = capsys.readouterr()
    lines = (out.out + out.err).splitlines()
    path = "content/articles/2030/01/ferry.md"
    expected = [
        (f"{path}:5", 'annotations[0].quote: not found in body: "the ferry sank"'),
        (f"{path}:8", "annotations[1].quote: matches 2 places; add prefix or suffix"),
    ]
    assert code != 0
    for where, message in expected:
        assert any(line.startswith(where) and message in line for line in lines), (where, lines)


def test_a_headline_fact_check_is_marked_in_the_page_s_heading(tmp_path, capsys):
    """Built: the h1 holds the passage and its marker, whose note is the page's first; the
    page's <title> and the feeds keep the plain headline. check and import --update read
    the note's place too (a file with another error; an update that keeps the headline)."""
    from sitegen import cli
    from sitegen.reconciliation import detached

    article = tmp_path / "content" / "articles" / "2030" / "01" / "bridge.md"
    article.parent.mkdir(parents=True)
    text = (
        "---\n"
        "title: Invented bridge cost nothing, says council\n"
        "date: 2030-01-02\n"
        "summary: An invented council and its invented bridge.\n"
        "annotations:\n"
        "- quote: cost nothing\n"
        "  place: title\n"
        "  kind: fact-check\n"
        "  rating: false\n"
        "  note: The invented minutes give a cost.\n"
        "- quote: the bridge opened\n"
        "  kind: context\n"
        "  note: On a Tuesday.\n"
        "---\n"
        "The council said the bridge opened.\n"
    )
    article.write_text(text, encoding="utf-8")
    assert cli.main(["build", "-s", str(tmp_path), "--no-search", "--quiet"]) == 0
    page = lxml_html.parse(str(tmp_path / "public" / "articles" / "2030" / "01" / "bridge" / "index.html")).getroot()
    (h1,) = page.xpath("//h1[@id='article-title']")
    assert h1.xpath(".//mark/@id") == ["passage-1"] and h1.xpath(".//mark")[0].text == "cost nothing"
    assert h1.xpath(".//a[@class='annotation-marker']/@href") == ["#annotation-1"]
    assert page.xpath("//*[@id='annotation-1']//*[contains(@class, 'annotation-rating--false')]")  # the note, first
    assert page.findtext(".//title").startswith("Invented bridge cost nothing, says council ·")
    feed = (tmp_path / "public" / "feed.xml").read_text("utf-8")
    assert "<title>Invented bridge cost nothing, says council</title>" in feed
    assert detached(article.relative_to(tmp_path).as_posix(), text) == []
    article.write_text(text.replace("date: 2030-01-02", "date: someday").replace("quote: cost nothing", "quote: costs nothing"), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["check", "-s", str(tmp_path)]) == 1
    said = "".join(capsys.readouterr())
    assert 'bridge.md:6:1: error: annotations[0].quote: not found in title: "costs nothing"' in said and "date: not a date" in said


def filter_archive(root: Path, kinds: tuple[str, ...]) -> Path:
    """A one-article invented archive with a note of each of ``kinds``, dated by day only."""
    article = root / "content" / "articles" / "2024" / "03" / "pier.md"
    article.parent.mkdir(parents=True)
    words = ["pier", "ferry", "lamp"]
    notes = "".join(f"- quote: the {w}\n  kind: {k}\n  note: An invented note.\n  date: 2024-03-09\n"
                    + ("  rating: false\n" if k == "fact-check" else "") for w, k in zip(words, kinds))
    article.write_text(f"---\ntitle: An invented harbour\ndate: 2024-03-08\nannotations:\n{notes}---\n"
                       "Beside the pier, the ferry waited under the lamp.\n", encoding="utf-8")
    from sitegen.cli import main

    assert main(["build", "-s", str(root), "--no-search", "--quiet"]) == 0
    return root / "public"


def test_the_notes_index_dates_a_note_by_day_and_says_what_the_date_is(tmp_path):
    """Filtering by kind is its own pages now (tests/test_annotation_pages.py)."""
    out = filter_archive(tmp_path / "one", ("context", "context"))
    index = lxml_html.parse(str(out / "annotations" / "index.html")).getroot()
    assert [b.text_content().strip() for b in index.xpath("//*[contains(@class, 'annotation-byline')]")] == ["Written 9 March 2024"] * 2

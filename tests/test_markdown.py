"""The Markdown parser's trimmed rules give what markdown-it-py's stock rules give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from sitegen import markdown
from sitegen.slugs import slugify


def stock_parser() -> MarkdownIt:
    """The same options and plugins, every rule left on."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table").enable("strikethrough")
    md.use(footnote_plugin).use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
    md.validateLink = markdown._validate_link  # type: ignore[method-assign]
    return md


MARKUP = st.sampled_from(["\r\n", "\r", "\n", "\n\n", "\0", "<b>", "</div>", "<!-- x -->", "<div>\n", "<?php ?>", "<a href=x>",
                          "# ", "## ", "- ", "1. ", "> ", "```\n", "    ", "| a | b |\n|---|---|\n", "[^1]", "[^1]: ", "~~",
                          "*", "_", "`", "[l](http://x.org/a b)", "<http://x.org>", "&amp;", "&#0;", "\\", "x", " "])


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKUP | st.text(max_size=5), max_size=30).map("".join))
def test_rendering_matches_markdown_it_with_every_rule(source: str) -> None:
    stock = stock_parser()
    assert markdown.render(source).html == stock.render(source)
    assert markdown.render_inline(source) == stock.renderInline(source)


URL_PIECES = st.sampled_from(["http://", "https://", "mailto:", "//", "HTTP://", "javascript:", "urn:", "9:", "x.org", "Ex.ORG", "[::1]",
                               ":8080", ":", "::", "@", "user:pw@", "/", "?", "#", "&", "=", "%", "%4", "%41", "%zz", "%E9", "é",
                               "münchen.example", " ", "<", '"', "\\", "^", "`", "{", "|", "~", "'", "(", ")", "*", "+", ",", ";", "!",
                               "$", "-", "_", ".", "a", "Z", "9", "a" * 64, ("label." * 43)[:-1]])
# Made only of characters mdurl keeps, yet reworked by its parsing: each must take the slow path.
REWORKED = ["http://@example.org/x", "//@host", "mailto:@host", "http://host::/p", "http://a:1:2/", "urn:ietf:rfc:2648",
            "http://" + ".".join(["label"] * 43) + "/x"]
# Kept by mdurl, but left to it all the same: a scheme the regex does not know, a label over 63.
LEFT_TO_MARKDOWN_IT = ["http://" + "a" * 64 + ".org/", "9:x", "http:/x", "HTTP://X.ORG"]


@settings(max_examples=500, deadline=None)
@given(st.lists(URL_PIECES | st.text(max_size=3), max_size=12).map("".join))
def test_link_urls_are_normalised_as_markdown_it_does(url: str) -> None:
    """A URL the regex finds normal is one markdown-it's normalizeLink leaves as it is."""
    md = markdown._parser()
    assert md.normalizeLink(url) == MarkdownIt.normalizeLink(md, url)
    assert markdown.render(f"[a]({url}) [b](<{url}>)").html == stock_parser().render(f"[a]({url}) [b](<{url}>)")


@pytest.mark.parametrize("url", REWORKED + LEFT_TO_MARKDOWN_IT)
def test_urls_mdurl_reworks_are_normalised_by_markdown_it(url: str) -> None:
    md = markdown._parser()
    assert markdown._NORMAL_URL.fullmatch(url) is None  # the slow path
    assert md.normalizeLink(url) == MarkdownIt.normalizeLink(md, url)
    assert (MarkdownIt.normalizeLink(md, url) != url) == (url in REWORKED)  # each list says what it holds


def test_raw_html_stays_text() -> None:
    html = markdown.render("<script>alert(1)</script>\r\n\r\n<img src=x onerror=alert(1)>").html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html


def test_the_links_to_this_site_are_noted_by_the_render_itself() -> None:
    """What check and build --strict check, without parsing a body twice: links and images to
    this site with their paragraph's lines; not other sites, mail or fragments."""
    rendered = markdown.render(
        "Intro.\n\nSee [a](/articles/x/) and\n![map](../map.png) [b][ref].\n\n"
        "[c](https://example.org/) [d](mailto:a@example.org) [e](#fn) [f](//cdn.example.org/x)\n\n[ref]: other/\n"
    )
    assert rendered.links == (("link", "/articles/x/", 2, 4), ("image", "../map.png", 2, 4), ("link", "other/", 2, 4))


def test_links_refused_for_their_scheme_are_told_once_each_and_others_not() -> None:
    rendered = markdown.render(
        "[a](https://example.org) [b](/x/) [c](mailto:a@example.org) [d](#n)\n\n"
        "[x](JavaScript:alert(1)) ![i](data:image/png;base64,AA) <vbscript:y> [r] [r]\n\n[r]: javascript:z\n"
    )
    assert rendered.refused == (("javascript", "javascript:z"), ("javascript", "JavaScript:alert(1)"), ("data", "data:image/png;base64,AA"), ("vbscript", "vbscript:y"))
    assert "href=\"javascript" not in rendered.html.lower() and markdown.render("[a](https://example.org)").refused == ()


@pytest.mark.parametrize("source", [
    "The council voted\nseven to six.",  # a soft break: a wrapped line
    "The council voted  \nseven to six.",  # a hard break, by two spaces
    "The council voted\\\nseven to six.",  # a hard break, by a backslash
    "The council *voted*\n`seven` to six.",
])
def test_words_either_side_of_a_line_break_stay_apart(source: str) -> None:
    """The plain text feeds the search index, summaries and snippets: "votedseven" would
    hide the article from a search for either word."""
    rendered = markdown.render(source + "\n\nNext paragraph.")
    assert rendered.first_paragraph == "The council voted seven to six."
    assert rendered.text == "The council voted seven to six.\n\nNext paragraph."

"""Markdown to safe HTML with markdown-it-py.

Contributors are outsiders: raw HTML is off, and links may only be http(s),
mailto or relative, so their text can never become markup or script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .slugs import slugify

_SAFE_SCHEMES = {"http", "https", "mailto", ""}
# URLs markdown-it's normalizeLink gives back as they are (it parses them with mdurl and
# encodes them, in Python, a character at a time): made of the characters mdurl's encode
# keeps and whole %XX escapes, and either relative, with no scheme mdurl would take and no
# leading "//", or http(s) with a plain host of labels and a port (mdurl would rework an
# empty user, a bare or doubled ":", a host over 255 characters; a label is held to DNS's 63).
_NORMAL_URL = re.compile(
    r"(?:https?://(?=[^/?#]{1,253}(?:[/?#]|$))[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*(?::[0-9]{1,5})?(?=[/?#]|$)"
    r"|(?![A-Za-z0-9.+-]*:)(?!//))"
    r"(?:[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]|%[0-9A-Fa-f]{2})*"
)
_TEXT = frozenset(("text", "code_inline"))  # the inline tokens whose content is plain text
_LINE_BREAKS = frozenset(("softbreak", "hardbreak"))  # their content is empty: a space keeps words apart
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?(?=\s|$)")


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str  # plain text, paragraphs separated by blank lines
    first_paragraph: str


def _normalize_link(md: MarkdownIt, url: str) -> str:
    """markdown-it's own, but a URL already normal (most are) is known so by a regex in C."""
    return url if _NORMAL_URL.fullmatch(url) else MarkdownIt.normalizeLink(md, url)


def _validate_link(url: str) -> bool:
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in _SAFE_SCHEMES


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    # With html off, the HTML rules only say no, at each block and '<'. The normalize rule
    # substitutes each newline with a regex (0.25 s at 10k articles); _normal does it in C.
    md.disable(["html_block", "html_inline", "normalize"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.normalizeLink = partial(_normalize_link, md)  # type: ignore[method-assign]
    return md


def render(source: str) -> Rendered:
    """Render Markdown; also return its plain text for search, snippets and summaries."""
    md = _parser()
    tokens = md.parse(_normal(source))
    html = md.renderer.render(tokens, md.options, {})
    paragraphs: list[str] = []
    first = ""
    for i, tok in enumerate(tokens):
        if tok.type != "inline":
            continue
        text = "".join(c.content if c.type in _TEXT else " " if c.type in _LINE_BREAKS else "" for c in tok.children or ())
        text = text.replace("\n", " ").strip()
        if text:
            paragraphs.append(text)
            if not first and i > 0 and tokens[i - 1].type == "paragraph_open":
                first = text
    return Rendered(html, "\n\n".join(paragraphs), first)


def block_texts(source: str) -> list[str]:
    """The plain text of each top-level block (paragraph, heading, list, table, code,
    quote, footnotes) as a reader sees it rendered: what a revision diff compares and shows.
    A list item, table row, footnote or code line is a line of its block; cells are
    separated by " · "; list items and footnotes keep their bullet or number."""
    blocks: list[str] = []
    lines: list[str] = []
    line: list[str] = []
    prefix = ""

    def end_line() -> None:
        if line:
            lines.append(" · ".join(line))
            line.clear()

    for tok in _parser().parse(_normal(source)):
        if tok.type == "inline":
            text = " ".join(_inline_text(tok).split())
            if text:
                line.append(prefix + text)
                prefix = ""
        elif tok.type in ("fence", "code_block"):
            end_line()
            lines.append(tok.content.rstrip("\n"))  # code keeps its lines and spaces
        elif tok.type == "list_item_open":
            prefix = f"{tok.info}{tok.markup} " if tok.info else "• "
        elif tok.type == "footnote_open":
            prefix = f"[{tok.meta['id'] + 1}] "
        elif tok.type in ("paragraph_close", "heading_close", "tr_close"):
            end_line()
        if tok.level == 0 and tok.nesting != 1:  # a top-level block closed, or one with no children
            end_line()
            if lines:
                blocks.append("\n".join(lines))
            lines = []
    return blocks


def _inline_text(tok: Token) -> str:
    """An inline token's text as rendered: a footnote reference as its [n] marker."""
    return "".join(
        c.content if c.type in _TEXT
        else " " if c.type in _LINE_BREAKS
        else f"[{c.meta['id'] + 1}]" if c.type == "footnote_ref"
        else ""
        for c in tok.children or ()
    )


def render_inline(source: str) -> str:
    """A one-paragraph note or bio line, without the wrapping <p>."""
    return _parser().renderInline(_normal(source))


def _normal(source: str) -> str:
    """What markdown-it's normalize rule does: line ends as LF, NUL as U+FFFD."""
    return source.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def summarise(text: str, limit: int = 300) -> str:
    """Trim to the last sentence end within ``limit`` characters (a word end if none)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] > limit // 3:
        return window[: ends[-1]]
    return window.rsplit(" ", 1)[0].rstrip(",;:") + "…"

"""Markdown to safe HTML with markdown-it-py.

Contributors are outsiders: raw HTML is off, and links may only be http(s),
mailto or relative, so their text can never become markup or script.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
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
_LINKS = {"link_open": ("link", "href"), "image": ("image", "src")}
_ELSEWHERE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//|#")  # another site, mail, a fragment of this page: not checked
_LINE_BREAKS = frozenset(("softbreak", "hardbreak"))  # their content is empty: a space keeps words apart
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?(?=\s|$)")


Link = tuple[str, str, int, int]  # "link" or "image", the URL, the lines (from 0) of its paragraph: first, after the last


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str  # plain text, paragraphs separated by blank lines
    first_paragraph: str
    refused: tuple[tuple[str, str], ...] = ()  # (scheme, URL) of each link or image left as text: see _validate_link
    links: tuple[Link, ...] = ()  # the links and images to this site, for check and build --strict


# The links the render under way refused: markdown-it asks _validate_link of each while it
# parses, so they are known without walking the tokens again (bodies are the hot path).
_refused: ContextVar[list[tuple[str, str]] | None] = ContextVar("refused", default=None)


def _normalize_link(md: MarkdownIt, url: str) -> str:
    """markdown-it's own, but a URL already normal (most are) is known so by a regex in C."""
    return url if _NORMAL_URL.fullmatch(url) else MarkdownIt.normalizeLink(md, url)


def _validate_link(url: str) -> bool:
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    if scheme in _SAFE_SCHEMES:
        return True
    refused = _refused.get()
    if refused is not None:
        refused.append((scheme, url))
    return False


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
    refused: list[tuple[str, str]] = []
    told = _refused.set(refused)
    try:
        tokens = md.parse(_normal(source))
    finally:
        _refused.reset(told)
    html = md.renderer.render(tokens, md.options, {})
    paragraphs: list[str] = []
    links: list[Link] = []
    first = ""
    for i, tok in enumerate(tokens):
        if tok.type != "inline":
            continue
        # The links are noted in the walk the text needs: only tokens that are no text pay for it.
        text = "".join(
            c.content if c.type in _TEXT else " " if c.type in _LINE_BREAKS else _note_link(c, tok.map, links) if c.type in _LINKS else ""
            for c in tok.children or ()
        )
        text = text.replace("\n", " ").strip()
        if text:
            paragraphs.append(text)
            if not first and i > 0 and tokens[i - 1].type == "paragraph_open":
                first = text
    return Rendered(html, "\n\n".join(paragraphs), first, tuple(dict.fromkeys(refused)), tuple(links))  # a link may be asked about twice


def _note_link(tok: Token, lines: list[int] | None, links: list[Link]) -> str:
    kind, attr = _LINKS[tok.type]
    target = str(tok.attrGet(attr) or "")
    if target and not _ELSEWHERE.match(target):
        first, end = lines or (0, 1)
        links.append((kind, target, first, end))
    return ""


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

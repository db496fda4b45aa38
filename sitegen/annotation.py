"""Annotations: anchor each note to its passage in a rendered body, and describe them as data.

Anchoring works on the *text* of the rendered HTML, so a quote may run across inline markup
(emphasis, links) and ignores whitespace and typographic-quote differences, and how Unicode
writes an accent (one character, or a letter and a combining mark: NFC and NFD). A note that does
not anchor to exactly one place is a ``Problem``, never a silently detached note.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache
from html.parser import HTMLParser
from typing import TypeVar

from markupsafe import Markup

from sitegen import markdown
from sitegen.errors import Problem
from sitegen.model import AnchoredAnnotation, Annotation, Article, Card
from sitegen.schema import PLACES, RATINGS  # ratings worst to best

A = TypeVar("A", Article, Card)

RATING_VALUES = {rating: value for value, rating in enumerate(RATINGS, start=1)}
MOTIVATIONS = {"fact-check": "assessing", "correction": "editing"}  # others: commenting


def written(item: AnchoredAnnotation) -> datetime | None:
    """When the note was written, for feeds, exports and the sitemap: its date's time, if it
    gave one, else the day at midnight UTC."""
    note = item.annotation
    if note.written_at:
        return note.written_at
    return datetime.combine(note.date, time(), UTC) if note.date else None


def changed(item: AnchoredAnnotation) -> datetime | None:
    """When the note last changed: its ``updated`` (its time, else the day at midnight UTC,
    never before it was written), else when it was written."""
    note, first = item.annotation, written(item)
    if note.updated is None:
        return first
    at = note.updated_at or datetime.combine(note.updated, time(), UTC)
    return max(at, first) if first else at


# Elements whose boundaries end a run of text: a quote never spans two paragraphs.
_BLOCKS = frozenset(
    ("address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
     "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
     "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
     "tfoot", "th", "thead", "tr", "ul")
)  # fmt: skip
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr")
)  # fmt: skip
_FOLD = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u02bc": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2026": "...",
}
_MARKUP = re.compile(r"[*_`\[\]\\]")  # Markdown a quote copied from the file, not the page, may hold
_NUMBERED = re.compile(r"\[\d+\]")  # a footnote's or a note's number, as a page shows it
_BREAK = "\u2029"  # block boundary in the searchable text; never part of a quote


def _fold(text: str) -> str:
    """Straight quotes, collapsed whitespace: the form both quote and body are compared in."""
    return _searchable([_Token("text", "", text)]).text.strip()


@cache
def _fold_char(ch: str) -> str:
    """One character as it is compared. Decomposed (NFD), so a quote pasted from a page
    (NFC) finds a body written with combining accents and the reverse; each piece keeps the
    character's place, so a mark never splits a letter from its accent. Invisible format
    characters (a soft hyphen, a zero-width space) are dropped: a copied quote lacks them."""
    if ch.isspace():
        return " "
    if ch in _FOLD or ch.isascii():
        return _FOLD.get(ch, ch)
    if unicodedata.category(ch) == "Cf":
        return ""
    return unicodedata.normalize("NFD", ch)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar):
# there a quote may begin or end beside a letter, where a space would be in other scripts.
_UNSPACED = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF), (0x31F0, 0x31FF),
             (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3FFFF))


def _unspaced(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _UNSPACED)


def _joined(left: str, right: str) -> bool:
    """Whether a quote may not begin or end between these two characters: inside a word."""
    # A mark belongs to its letter: "Cafe" is no whole word of "Cafe\u0301", nor "कम" of "कमाल"
    # (a Devanagari or Thai vowel sign is a mark, spacing or not, of combining class 0).
    if unicodedata.category(right)[0] == "M":
        return True
    return _is_word(left) and _is_word(right) and not (_unspaced(left) or _unspaced(right))


@dataclass(frozen=True)
class _Token:
    kind: str  # "start" | "end" | "void" | "text" | "ref" (a footnote number: never quoted)
    name: str  # the tag name; "" for text
    raw: str  # start/void: the tag exactly as written; text: decoded text; end: ""


class _Tokens(HTMLParser):
    """Splits safe HTML into tags and decoded text, keeping each tag exactly as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[_Token] = []
        self.in_ref = False  # inside markdown-it's <sup class="footnote-ref">

    def handle_starttag(self, tag: str, attrs: list) -> None:
        kind = "void" if tag in _VOID else "start"
        if tag == "sup" and "footnote-ref" in (dict(attrs).get("class") or "").split():
            self.in_ref = True
        self.tokens.append(_Token(kind, tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.tokens.append(_Token("void", tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(_Token("end", tag, ""))
        self.in_ref = self.in_ref and tag != "sup"

    def handle_data(self, data: str) -> None:
        self.tokens.append(_Token("ref" if self.in_ref else "text", "", data))


def _tokenize(fragment: str) -> list[_Token]:
    parser = _Tokens()
    parser.feed(fragment)
    parser.close()
    return parser.tokens


@dataclass(frozen=True)
class _Text:
    """The folded text of a body, with each folded character's (token, offset) of origin."""

    text: str
    origin: tuple[tuple[int, int], ...]


def _searchable(tokens: Sequence[_Token]) -> _Text:
    chars: list[str] = []
    origin: list[tuple[int, int]] = []

    def push(ch: str, where: tuple[int, int]) -> None:
        if ch == " " and (not chars or chars[-1] in " " + _BREAK):
            return
        if ch == _BREAK and chars and chars[-1] == " ":
            chars.pop()
            origin.pop()
        if ch == _BREAK and chars and chars[-1] == _BREAK:
            return
        chars.append(ch)
        origin.append(where)

    for i, token in enumerate(tokens):
        if token.kind == "text":
            if token.raw.isascii():  # most text: nothing to fold but spaces
                for j, ch in enumerate(token.raw):
                    push(" " if ch.isspace() else ch, (i, j))
                continue
            for j, ch in enumerate(token.raw):
                for folded in _fold_char(ch):
                    push(folded, (i, j))
        elif token.name in _BLOCKS:
            push(_BREAK, (i, 0))
        elif token.name == "br":
            push(" ", (i, 0))
    return _Text("".join(chars), tuple(origin))


def _find(body: _Text, item: Annotation, place: str = "body") -> tuple[list[tuple[int, int]], str]:
    """Every whole-word place of the quote that its prefix and suffix allow, and a reason if not one."""
    quote = _fold(item.quote)
    if not quote:
        return [], "is empty"
    text = body.text
    places: list[tuple[int, int]] = []
    start = text.find(quote)
    while start != -1:
        end = start + len(quote)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        whole = not _joined(before, quote[0]) and not _joined(quote[-1], after)
        if whole:
            places.append((start, end))
        start = text.find(quote, start + 1)
    shown = item.quote if len(item.quote) <= 80 else item.quote[:77] + "..."
    if not places:
        if text.find(quote) != -1:
            hint = " (found only as part of a longer word)"
        elif quote.casefold() in text.casefold():
            hint = " (found only with different capitals)"
        elif _NUMBERED.search(quote) and _fold(_NUMBERED.sub("", item.quote)) in text:  # copied from the page
            hint = " (found without the numbers in brackets: leave out footnote and note numbers such as [1])"
        elif _MARKUP.search(quote) and (read := _fold(markdown.render(item.quote).text)) and read in text:  # copied from the file
            hint = f" (found as the page reads it, without its Markdown: quote {_show(read)})"
        else:
            hint = ""
        return [], f"not found in {place}: {_show(shown)}{hint}"
    prefix, suffix = _fold(item.prefix), _fold(item.suffix)
    plain = text.replace(_BREAK, " ")
    fitting = [
        (s, e)
        for s, e in places
        if plain[:s].rstrip().endswith(prefix) and plain[e:].lstrip().startswith(suffix)
    ]
    if not fitting:
        return [], f"not found in {place} with the given prefix/suffix: {_show(shown)}"
    if len(fitting) > 1:
        return fitting, f"matches {len(fitting)} places; add prefix or suffix"
    return fitting, ""


def _show(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Anchored:
    """An article's notes placed: the body's HTML and the headline's and summary's (escaped
    text) with each passage marked, the notes numbered in the page's order, and problems."""

    html: str
    notes: tuple[AnchoredAnnotation, ...]
    problems: list[Problem]
    heads: Mapping[str, str]  # "title" / "summary" -> its marked HTML, for those that hold a passage


def anchor(
    path: str,
    body_html: str,
    annotations: Sequence[Annotation],
    render_note: Callable[[str], str],
    heads: Mapping[str, str] | None = None,
) -> Anchored:
    """Mark each annotation's passage in its place (the body; or the headline or summary of
    ``heads``, plain text); numbers follow the passages' order down the page."""
    texts = {**{name: html.escape(text, quote=False) for name, text in (heads or {}).items() if text}, "body": body_html}
    parsed: dict[str, tuple[list[_Token], _Text]] = {}
    problems: list[Problem] = []
    found: list[tuple[int, int, int, int]] = []  # (place, start, end, index in annotations)
    for i, item in enumerate(annotations):
        place = item.place
        if place not in texts:
            missing = "no summary of its own (summary: in the front matter)" if place == "summary" else f"no {place}"
            problems.append(Problem(path, item.line, f"annotations[{i}].place", f"the article has {missing} to quote"))
            continue
        if place not in parsed:
            tokens = _tokenize(texts[place])
            parsed[place] = (tokens, _searchable(tokens))
        places, reason = _find(parsed[place][1], item, place)
        if reason:
            problems.append(Problem(path, item.line, f"annotations[{i}].quote", reason))
            continue
        start, end = places[0]
        at = PLACES.index(place)
        clash = next((j for p, s, e, j in found if p == at and s < end and start < e), None)
        if clash is not None:
            problems.append(
                Problem(
                    path,
                    item.line,
                    f"annotations[{i}].quote",
                    f"overlaps the passage of annotations[{clash}]; passages may not overlap",
                )
            )
            continue
        found.append((at, start, end, i))
    found.sort()
    anchored = tuple(  # render_note gives safe HTML: Markup keeps templates from escaping it
        AnchoredAnnotation(n, annotations[i], Markup(render_note(annotations[i].note)))
        for n, (_, _, _, i) in enumerate(found, start=1)
    )
    marked = {}
    for place, (tokens, text) in parsed.items():
        spans = [(text.origin[s], text.origin[e - 1], a) for (p, s, e, _), a in zip(found, anchored) if PLACES[p] == place]
        marked[place] = _mark(tokens, spans)
    return Anchored(marked.pop("body", body_html), anchored, problems, marked)


def _mark(
    tokens: Sequence[_Token],
    spans: Sequence[tuple[tuple[int, int], tuple[int, int], AnchoredAnnotation]],
) -> str:
    """Serialise the tokens again, wrapping each passage's text pieces in marks."""
    cuts: dict[int, list[tuple[int, int, AnchoredAnnotation, bool, bool]]] = {}
    for (ti, to), (ui, uo), item in spans:
        for t in range(ti, ui + 1):
            if tokens[t].kind != "text":
                continue
            lo = to if t == ti else 0
            hi = uo + 1 if t == ui else len(tokens[t].raw)
            cuts.setdefault(t, []).append((lo, hi, item, t == ti, t == ui))
    out: list[str] = []
    links = 0  # open <a> elements: a marker link must not sit inside another link
    waiting: list[AnchoredAnnotation] = []
    for t, token in enumerate(tokens):
        if token.kind == "start":
            out.append(token.raw)
            links += token.name == "a"
        elif token.kind == "void":
            out.append(token.raw)
        elif token.kind == "ref":
            out.append(html.escape(token.raw, quote=False))
        elif token.kind == "end":
            out.append(f"</{token.name}>")
            if token.name == "a" and links:
                links -= 1
                if not links:
                    out.extend(_marker(item) for item in waiting)
                    waiting.clear()
        else:
            at = 0
            for lo, hi, item, first, last in sorted(cuts.get(t, []), key=lambda c: c[0]):
                out.append(html.escape(token.raw[at:lo], quote=False))
                out.append(_mark_open(item, first))
                out.append(html.escape(token.raw[lo:hi], quote=False) + "</mark>")
                at = hi
                if last:
                    if links:
                        waiting.append(item)
                    else:
                        out.append(_marker(item))
            out.append(html.escape(token.raw[at:], quote=False))
    out.extend(_marker(item) for item in waiting)
    return "".join(out)


def _mark_open(item: AnchoredAnnotation, first: bool) -> str:
    kind = html.escape(item.annotation.kind)
    ident = f' id="{item.passage}"' if first else ""
    return f'<mark class="annotation annotation--{kind}"{ident} data-annotation="{item.number}">'


def _marker(item: AnchoredAnnotation) -> str:
    """The note's number in the text. Its name for a screen reader is the note's own heading,
    kind and rating, in the page's list of notes (in the site's language, where the body's
    HTML, made once for every page, has no language of its own)."""
    n = item.number
    named = f"annotation-{n}-title annotation-{n}-kind" + (f" annotation-{n}-rating" if item.annotation.rating else "")
    return f'<a class="annotation-marker" href="#{item.anchor}" aria-labelledby="{named}">[{n}]</a>'


def note_text(note_html: str) -> str:
    """The plain text of a rendered note, for JSON-LD and search."""
    text = "".join(t.raw for t in _tokenize(note_html) if t.kind == "text")
    return " ".join(text.split())


def rating_tally(anchored: Iterable[AnchoredAnnotation]) -> tuple[tuple[str, int], ...]:
    """How many fact-checks got each rating, worst first; ratings never given are left out."""
    counts = dict.fromkeys(RATINGS, 0)
    for item in anchored:
        if item.annotation.kind == "fact-check" and item.annotation.rating in counts:
            counts[item.annotation.rating] += 1
    return tuple((rating, n) for rating, n in counts.items() if n)


def index_entries(articles: Iterable[A]) -> list[tuple[A, AnchoredAnnotation]]:
    """Every annotation of ``articles`` (or their cards), newest first, in a stable order."""
    entries = [(article, item) for article in articles for item in article.annotations]
    return sorted(entries, key=_newest)


def latest_changes(articles: Iterable[A]) -> list[tuple[A, AnchoredAnnotation]]:
    """Every annotation of ``articles``, last changed (``last_change``) first: the feeds'
    order, whose every entry is dated so; a note updated since comes up as if written then."""
    entries = [(article, item) for article in articles for item in article.annotations]
    return sorted(entries, key=lambda entry: (-last_change(*entry).timestamp(), entry[0].url, entry[1].number))


def last_change(article: Article | Card, item: AnchoredAnnotation) -> datetime:
    """When the note last changed, else when its article was written (a note without a date)."""
    return changed(item) or article.date


def _newest(entry: tuple[Article | Card, AnchoredAnnotation]) -> tuple:
    article, item = entry
    when = item.annotation.date or article.date.date()
    at = item.annotation.written_at  # within a day, a note written at a known time by its time
    return (-when.toordinal(), -(at or article.date).timestamp(), article.url, item.number)

"""Moved pages: the earlier addresses of an article or a person (their ``moved_from``), or of
any page (the config's). Each keeps working: a page there leads to the new one, without
script, on any host, and Netlify answers it with a permanent redirect (``_redirects``). Links
in papers and other sites do not break when an editor corrects a slug or a date, or renames a
tag. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from .config import Config
from .errors import WARNING, Problem
from .model import Article, Person
from .routes import Routes

# What an address from the root may not hold: what a static host cannot tell apart (a query,
# a fragment), what _redirects or a file name cannot carry (spaces, controls), and escapes,
# which a server decodes before it looks a file up (write the address as it reads).
_REFUSED = {
    "?": "a query (?…) is not part of a static page's address",
    "#": "a fragment (#…) is never sent to the server",
    "%": "write the address decoded, as it reads (é, not %C3%A9)",
    "\\": "use / between the parts",
    "*": "'*' means any text to Netlify, whose rule would then take in other pages' addresses",
}
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f\"<>`{}|^]")
_PAGE_FILE = re.compile(r"\.html?$", re.IGNORECASE)


def address(text: str) -> str:
    """An earlier address as the site's pages are addressed: /a/b/ (a folder's index) or
    /a/b.html. A last part without .html is a folder: /a/b becomes /a/b/, which every static
    host serves for /a/b too. Raise ValueError with what is wrong."""
    if re.match(r"https?://", text, re.IGNORECASE):
        raise ValueError(f"give the path from the site's root, without the scheme and host: {text!r}")
    if not text.startswith("/") or text.startswith("//"):
        raise ValueError(f"must be a path from the site's root, e.g. /articles/2022/01/old-slug/, not {text!r}")
    for ch, why in _REFUSED.items():
        if ch in text:
            raise ValueError(f"{why}: {text!r}")
    if found := _UNSAFE.search(text):
        raise ValueError(f"may not hold {found.group()!r}: {text!r}")
    parts = text[1:].split("/")
    if any(p in ("", ".", "..") for p in parts[:-1]) or parts[-1] in (".", ".."):
        raise ValueError(f"has an empty, '.' or '..' part: {text!r}")
    if any(p.startswith(":") for p in parts):
        raise ValueError(f"a part starting with ':' is a placeholder to Netlify, whose rule would then take in other pages' addresses: {text!r}")
    if any(len(p.encode()) > 255 for p in parts):
        raise ValueError(f"has a part longer than a file name can be (255 bytes): {text[:60]!r}…")
    if parts[-1].lower() in ("index.html", "index.htm"):  # the folder's page, as the site's own pages are addressed
        return text[: -len(parts[-1])]
    return text if text.endswith("/") or _PAGE_FILE.search(text) else text + "/"


@dataclass(frozen=True)
class Move:
    """An earlier address (``url``, site-absolute) of the page now at ``to``."""

    url: str
    to: str
    title: str  # what the page says moved: the article's headline, the person's name, else the address
    language: str | None  # the title's, when an article's own
    path: str  # the file whose moved_from gives it, and the line there
    line: int
    # An article's outlet and day, which tell a reader whose browser does not go on that the
    # link leads to the article they were looking for.
    outlet: str = ""
    date: datetime | None = None


def moves(
    routes: Routes, articles: Sequence[Article], people: Iterable[Person], config: Config | None = None, titles: Mapping[str, str] | None = None,
) -> Iterator[Move]:
    """Every earlier address, in the site's order: articles (newest first), people (A-Z),
    then those of the config (of a tag's page, say: a page no file can give them for; its
    title from ``titles`` by URL, else its address). Not the page's own address, nor one its
    file gives twice: ``problems`` tells of those."""
    for a in articles:
        if a.file.moved_from:  # few do: tens of thousands of articles are looked at twice a build
            lines = [a.file.field_lines.get(f"moved_from[{i}]", 1) for i in range(len(a.file.moved_from))]
            yield from _own(routes, a.url, zip(a.file.moved_from, lines), a.title, a.file.language, a.file.path, a.source.name if a.source else "", a.date)
    for p in people:
        if p.moved_from:
            yield from _own(routes, routes.url_for("person", slug=p.slug), p.moved_from, p.name, None, p.path)
    for page, earlier in (config.moved_from if config else {}).items():
        to = routes.published(page)
        yield from _own(routes, to, earlier, (titles or {}).get(to, page), None, config.file or "sitegen.toml")


def _own(routes: Routes, to: str, given: Iterable[tuple[str, int]], title: str, language: str | None, path: str,
         outlet: str = "", date: datetime | None = None) -> Iterator[Move]:
    seen = {to}
    for address, line in given:
        url = routes.published(address)
        if url not in seen:
            seen.add(url)
            yield Move(url, to, title, language, path, line, outlet, date)


def problems(routes: Routes, path: str, own: str, given: Sequence[str], lines: Mapping[str, int]) -> list[Problem]:
    """What is wrong with one file's moved_from in this site (the syntax is checked as it is
    read): the page's own address, one given twice."""
    out = []
    seen: dict[str, int] = {}
    for i, address in enumerate(given):
        field = f"moved_from[{i}]"
        line = lines.get(field, 1)
        if routes.published(address) == own:
            out.append(Problem(path, line, field, f"{address} is the page's own address"))
        elif address in seen:
            out.append(Problem(path, line, field, f"{address} is already moved_from[{seen[address]}]"))
        seen.setdefault(address, i)
    return out


LISTING = ("feed.xml", "page/*")  # what moves with a listing's page: its feed and later pages


def clashes(routes: Routes, moved: Sequence[Move], files: Iterable[str], pages: Iterable[str], listings: Mapping[str, Sequence[str]] = {}) -> list[Problem]:
    """An earlier address where the build writes another file than a page (a feed, the
    sitemap, a static file), or below one (/feed.xml/): it is no page's earlier address, and
    its page would be written over that file or fail to be. (A page's address is told by
    pages.collisions.) Also one differing from another file or page only in capitals or in
    how an accent is encoded: a disk that does not tell them apart (macOS's, Windows's)
    would keep one of the two. And a listing's earlier address with files below it that the
    rules for what moves with it (``listings``: its feed and later pages) would hide."""
    taken = set(files)
    every = sorted({*taken, *pages})
    folded = {_folded(f): f for f in every}
    out = []
    for m in moved:
        rel = routes.output_path(m.url)
        parts = rel.split("/")
        over = rel if rel in taken else next(("/".join(parts[:i]) for i in range(1, len(parts)) if "/".join(parts[:i]) in taken), None)
        if over is not None:
            out.append(Problem(m.path, m.line, "moved_from", f"{m.url} is where the site has its file {over}: no page's earlier address; remove it"))
        elif (alike := folded.setdefault(_folded(rel), rel)) != rel:
            out.append(Problem(m.path, m.line, "moved_from", f"{m.url} differs from the site's file {alike} only in capitals or accents: on a disk that does not tell them apart (macOS, Windows) one would be written over the other"))
        elif m.to in listings and rel.endswith("/index.html"):
            below = rel[: -len("index.html")]
            names = listings[m.to]
            if hidden := [f for f in every if any(f.startswith(below + n[:-1]) if n.endswith("*") else f == below + n for n in names)]:
                out.append(Problem(m.path, m.line, "moved_from", f"{m.url} has the site's file {hidden[0]} below it, which the redirect of {'its feed and later pages' if names == LISTING else 'its tables'} would hide: move that file, or give another address"))
    return out


def _folded(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


def netlify_rules(routes: Routes, moved: Sequence[Move], listings: Mapping[str, Sequence[str]] = {}) -> bytes:
    """Netlify's ``_redirects``: a forced 301 from each earlier address (forced, since the page
    sitegen writes there would otherwise be served). One of a listing (``listings``: a tag's,
    an outlet's, a person's, the annotations' page) brings its feed, which feed readers follow to the new one
    and remember, and its later pages; the data page brings its tables."""
    lines = ["# Made by sitegen from the moved_from of articles, people and the config: one earlier address a line,"]
    lines += ["# and for a listing's, its feed and later pages; for the data page's, its tables."]
    lines += [f"{old} {new} 301!" for m in moved for old, new in _rules(routes, m, listings)]
    return ("\n".join(lines) + "\n").encode()


def _rules(routes: Routes, move: Move, listings: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """(from, to) of each rule a move needs, as Netlify reads them."""
    old, new = _served(routes, move.url), _served(routes, move.to)
    if move.to in listings and move.url.endswith("/"):
        return [(old, new), *((old + n, new + (n[:-1] + ":splat" if n.endswith("*") else n)) for n in listings[move.to])]
    return [(old, new)]


def _served(routes: Routes, url: str) -> str:
    """A site address as Netlify matches it: from the publish folder's root, escaped."""
    return quote("/" + url[len(routes.base_path):], safe="/-._~!$&'()*+,;=:@")


OWN_RULES = "content/static/_redirects"  # an archive's own, copied over the one sitegen writes


def own_rules_problems(routes: Routes, moved: Sequence[Move], own: str, listings: Mapping[str, Sequence[str]] = {}) -> list[Problem]:
    """An archive's own _redirects stands over sitegen's (a static file wins): a warning for
    each earlier address it lacks forced rules to the page for (and for a listing's feed and
    later pages, the data page's tables), giving the rules to add; a forced splat rule
    (``/old/* /new/:splat 301!``) gives those below its address. (The page there still leads
    on, but with no 301; an unforced rule is never reached, as sitegen's page is at its address.)"""
    rules: dict[str, tuple[str, str]] = {}  # from -> (to, status), /x and /x/ alike, as Netlify matches them
    for line in own.splitlines():
        words = line.split()
        if len(words) >= 2 and not words[0].startswith("#"):
            rules.setdefault(words[0].rstrip("/"), (urlsplit(words[1]).path.rstrip("/"), words[2] if len(words) > 2 else "301"))
    out = []
    for m in moved:
        needed = _rules(routes, m, listings)
        lacking = [(old, new) for old, new in needed if not _forced_to(rules.get(old.rstrip("/")), new) and not _splat_to(rules, old, new)]
        if not lacking:
            continue
        first = rules.get(needed[0][0].rstrip("/"))
        told = f"has a rule for {m.url} that is not a forced redirect to its page" if first and lacking[0] == needed[0] else f"lacks {'the rule' if len(lacking) == 1 else 'the rules'} for {m.url}"
        add = "; ".join(f"`{old} {new} 301!`" for old, new in lacking)
        out.append(Problem(OWN_RULES, 0, "", f"stands over the _redirects sitegen writes, and {told} (moved_from in {m.path}): add {add}", WARNING))
    return out


def _splat_to(rules: Mapping[str, tuple[str, str]], old: str, new: str) -> bool:
    """Whether a forced ``/x/* /y/:splat`` rule leads ``old`` to ``new``, as Netlify matches
    it (``/x/*`` matches ``/x/`` too)."""
    for source, (to, status) in rules.items():
        if source.endswith("/*") and to.endswith(":splat") and status.endswith("!") and old.startswith(source[:-1]):
            led = to[: -len(":splat")] + old[len(source) - 1 :]
            if (led[:-1] + ":splat" if led.endswith("*") else led).rstrip("/") == new.rstrip("/"):
                return True
    return False


def _forced_to(rule: tuple[str, str] | None, new: str) -> bool:
    return rule is not None and rule[0] == new.rstrip("/") and rule[1].endswith("!")

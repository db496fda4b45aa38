"""Links and images in article bodies that lead nowhere on this site: warnings.

``sitegen check`` runs these always, a build only under ``--strict`` (where a warning
fails it), so the two agree. Files that did not parse are missing from the site: a link
to a page one of them may make is not called broken (see ``maybe_made_by``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from .errors import WARNING, Problem
from .pages import Page
from .routes import Routes
from .schema import TERM_FOLDERS
from .site import Site
from .slugs import slugify


def maybe_made_by(failed: Sequence[str], routes: Routes) -> Callable[[str], bool]:
    """Whether a URL may be a page that a file which did not parse would make; pure.

    A person file makes its own page, as a file of content/pages/ does, and a tag's or an
    outlet's entry its term's page. An article makes its
    own page (its slug is its file name; its date may be what failed), and may add a tag,
    outlet, person, year or month page, or one more page to any listing: with one failed,
    any such address may be real.
    """
    article_slugs = [slugify(PurePosixPath(p).stem) for p in failed if p.startswith("content/articles/")]
    person_slugs = [slugify(PurePosixPath(p).stem) for p in failed if p.startswith("content/people/")]
    page_slugs = [slugify(PurePosixPath(p).stem) for p in failed if p.startswith("content/pages/")]
    entry_slugs = {kind: [slugify(PurePosixPath(p).stem) for p in failed if p.startswith(f"content/{folder}/")] for folder, kind in TERM_FOLDERS.items()}
    shapes = []
    for kind, pattern in routes.patterns.items():
        if kind == "article":
            slugs = article_slugs
        elif kind == "text_page":  # one of the archive's own pages makes its own page only
            slugs = page_slugs
        elif article_slugs:
            slugs = None  # any value
        elif kind == "person":
            slugs = person_slugs
        elif kind in entry_slugs:
            slugs = entry_slugs[kind]
        else:
            continue
        if slugs == []:
            continue
        slug = "[^/]+" if slugs is None else "(?:" + "|".join(map(re.escape, slugs)) + ")"
        parts = re.split(r"\{(\w+)\}", routes.base_path + pattern.lstrip("/"))  # text, placeholder, text...
        shapes.append("".join(re.escape(part) if i % 2 == 0 else slug if part == "slug" else "[^/]+" for i, part in enumerate(parts)) + "(?:page/[0-9]+/)?")
    if not shapes:
        return lambda url: False
    fits = re.compile("|".join(shapes)).fullmatch
    return lambda url: fits(url) is not None


def link_problems(site: Site, planned: Iterable[Page], static: Iterable[str], failed: Sequence[str] = ()) -> list[Problem]:
    """Links to pages this site does not have, and local images that do not exist; pure.
    The links are those the body's render noted (``Article.links``): no body is parsed again.
    ``failed``: the files that did not parse."""
    pages = {p.url for p in planned}
    files = {site.routes.base_path + rel for rel in static}
    unsure = maybe_made_by(failed, site.routes)

    def why(kind: str, target: str, base: str, note: bool = False) -> str | None:
        try:
            parts = urlsplit(target)
        except ValueError:
            return None  # markdown-it refused to make it a link
        if note and not (parts.scheme or parts.netloc or parts.path.startswith("/")) and (parts.path or parts.fragment):
            # The note is shown on the annotations index (and in feeds) too, where "../x/" or
            # "#passage-2" leads elsewhere.
            return f"{'image' if kind == 'image' else 'link'} {target!r} is relative to the article, and a note is also shown on other pages: give its path from the site root, {urljoin(base, target)!r}"
        if parts.scheme or parts.netloc or not parts.path:
            return None  # another site, or a #fragment of this page
        path = urljoin(base, parts.path)
        if kind == "image":
            return None if path in files else f"image {target!r} not found: put the file under content/static/ and give its path from the site root"
        if path.endswith(".md"):
            return f"links to the file {target!r}: link to the article's address on the site instead, e.g. /articles/2022/02/its-slug/"
        if ({path, path + "/", path.removesuffix("feed.xml")} & pages or path in files) or any(map(unsure, (path, path + "/", path.removesuffix("feed.xml")))):
            return None
        return f"links to {target!r}, which is no page of this site"

    out = []
    for a in site.articles:
        if a.file.image and a.file.image.startswith("/") and a.image not in files:  # a copy of its own, not there
            out.append(Problem(a.file.path, a.file.field_lines.get("image", 1), "image", f"{a.file.image!r} not found: put the file at content/static{a.file.image}", WARNING))
        for kind, target, first, end in a.links:
            if message := why(kind, target, a.url):
                out.append(Problem(a.file.path, a.file.body_line + _line(a.file.body, target, first, end), "body", message, WARNING))
        for item in a.annotations:  # few: their rendered HTML is at hand, read for its links
            field = f"annotations[{a.file.annotations.index(item.annotation)}].note"
            line = a.file.field_lines.get(field, item.annotation.line)
            for kind, target in _note_links(item.note_html):
                if message := why(kind, target, a.url, note=True):
                    out.append(Problem(a.file.path, line, field, message, WARNING))
    # The archive's own pages, and the texts of the tags' and outlets' entries, link into it as articles do.
    texts = [(own.path, own.url, own.links, own.body, own.body_line) for own in site.text_pages]
    texts += [(e.path, site.routes.url_for(kind, slug=slug), e.site_links, e.text, e.text_line) for (kind, slug), e in site.entries.items()]
    for path, url, links, body, body_line in texts:
        for kind, target, first, end in links:
            if message := why(kind, target, url):
                out.append(Problem(path, body_line + _line(body, target, first, end), "body", message, WARNING))
    return out


# A note's HTML is markdown-it's, with raw HTML off: every attribute is written as name="value".
_NOTE_LINK = re.compile(r'<(a|img) [^>]*?\b(?:href|src)="([^"]*)"')


def _note_links(note_html: str) -> list[tuple[str, str]]:
    """(kind, target) of each link and image of a rendered note; kind "link" or "image"."""
    return [("image" if tag == "img" else "link", html.unescape(target)) for tag, target in _NOTE_LINK.findall(note_html)]


def _line(body: str, target: str, first: int, end: int) -> int:
    """The line (from 0) of its paragraph's lines ``first`` to ``end`` that holds ``target``, else the first."""
    lines = body.split("\n")[first:end]
    return first + next((i for i, line in enumerate(lines) if target in line), 0)

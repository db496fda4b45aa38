"""Links and images in article bodies that lead nowhere on this site: warnings.

``sitegen check`` runs these always, a build only under ``--strict`` (where a warning
fails it), so the two agree. Files that did not parse are missing from the site: a link
to a page one of them may make is not called broken (see ``maybe_made_by``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt

from .cache import Memo, digest, no_memo
from .errors import WARNING, Problem
from .pages import Page
from .routes import Routes
from .site import Site
from .slugs import slugify


def references(body: str) -> list[tuple[str, str, int]]:
    """Every link and image of a Markdown body as (kind, target, line in the body from 0); pure."""
    if "](" not in body and "]:" not in body:
        return []  # no inline or reference link or image: skip the parse (most articles)
    lines = body.split("\n")
    found = []
    for block in MarkdownIt("commonmark").enable("table").parse(body):
        if block.type != "inline" or not block.map:
            continue
        for tok in block.children or ():
            kind = {"link_open": "link", "image": "image"}.get(tok.type)
            target = str(tok.attrGet("href" if kind == "link" else "src") or "") if kind else ""
            if target:
                first, end = block.map
                found.append((kind, target, next((i for i in range(first, end) if target in lines[i]), first)))
    return found


def maybe_made_by(failed: Sequence[str], routes: Routes) -> Callable[[str], bool]:
    """Whether a URL may be a page that a file which did not parse would make; pure.

    A person file makes its own page. An article makes its own page (its slug is its file
    name; its date may be what failed), and may add a tag, outlet, person, year or month
    page, or one more page to any listing: with one failed, any such address may be real.
    """
    article_slugs = [slugify(PurePosixPath(p).stem) for p in failed if p.startswith("content/articles/")]
    person_slugs = [slugify(PurePosixPath(p).stem) for p in failed if p.startswith("content/people/")]
    shapes = []
    for kind, pattern in routes.patterns.items():
        if kind == "article":
            slugs = article_slugs
        elif article_slugs:
            slugs = None  # any value
        elif kind == "person":
            slugs = person_slugs
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


def link_problems(site: Site, planned: Iterable[Page], static: Iterable[str], memo: Memo = no_memo, failed: Sequence[str] = ()) -> list[Problem]:
    """Links to pages this site does not have, and local images that do not exist; pure.
    ``memo`` may answer a body's links from a cache; ``failed``: the files that did not parse."""
    pages = {p.url for p in planned}
    files = {site.routes.base_path + rel for rel in static}
    unsure = maybe_made_by(failed, site.routes)
    out = []
    for a in site.articles:
        body = a.file.body
        for kind, target, at in memo("links", digest(body), partial(references, body)):
            line = a.file.body_line + at
            try:
                parts = urlsplit(target)
            except ValueError:
                continue  # markdown-it refused to make it a link
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, or a #fragment of this page
            path = urljoin(a.url, parts.path)
            if kind == "image":
                if path not in files:
                    out.append(Problem(a.file.path, line, "body", f"image {target!r} not found: put the file under content/static/ and give its path from the site root", WARNING))
            elif path.endswith(".md"):
                out.append(Problem(a.file.path, line, "body", f"links to the file {target!r}: link to the article's address on the site instead, e.g. /articles/2022/02/its-slug/", WARNING))
            elif not ({path, path + "/", path.removesuffix("feed.xml")} & pages or path in files) and not any(map(unsure, (path, path + "/", path.removesuffix("feed.xml")))):
                out.append(Problem(a.file.path, line, "body", f"links to {target!r}, which is no page of this site", WARNING))
    return out

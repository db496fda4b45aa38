"""Articles and people the cache lacks, parsed (and their bodies and bios rendered) by forked
workers before loading, which then finds them in the cache.

Apart from ``parallel``, so that it shares work among processes knowing nothing of
articles, people, the cache or rendering.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import partial

from .cache import Cache
from .content import parse_article, parse_person
from .errors import Problem
from .model import ArticleFile, PersonFile
from .parallel import map_in_workers
from .site import (
    BIOS,
    OUTLINES,
    Anchorer,
    bio_key,
    body_key,
    keep_rendered,
    render_bio,
    render_body,
)
from .sourcefiles import TABLES, SourceFile

PREPARE_MIN = 500  # files to parse before forking for them pays off


def prepare(articles: Sequence[SourceFile], people: Sequence[SourceFile], drafts: bool, anchor: Anchorer | None, cache: Cache, count: int) -> None:
    """Articles and people missing from the cache parsed, and their bodies and bios rendered,
    by ``count`` processes when there are many; the results go into the cache, where loading
    finds them. (A cached article whose body is not, say a draft now shown, is rendered by loading.)"""
    if count < 2:
        return  # loading parses and renders what is missing, in this process
    articles = [f for f in articles if not cache.known(TABLES["articles"], f.key)]
    people = [f for f in people if not cache.known(TABLES["people"], f.key)]
    if len(articles) + len(people) < PREPARE_MIN:
        return
    jobs = [partial(_prepare_article, f, anchor, cache) for f in articles]
    jobs += [partial(_prepare_person, f, cache) for f in people]
    done = map_in_workers(operator.call, jobs, count)
    for f, (parsed, body) in zip(articles, done[: len(articles)], strict=True):
        cache.memo(TABLES["articles"], f.key, lambda parsed=parsed: parsed)
        if body is not None and parsed.draft and not drafts:  # only checked: its HTML is never asked for
            cache.memo(OUTLINES, body_key(parsed, anchor), lambda body=body: body[0])
        elif body is not None:
            keep_rendered(cache.memo, body_key(parsed, anchor), body)
    for f, (parsed, bio) in zip(people, done[len(articles) :], strict=True):
        cache.memo(TABLES["people"], f.key, lambda parsed=parsed: parsed)
        if bio is not None:
            cache.memo(BIOS, bio_key(parsed), lambda bio=bio: bio)


def _prepare_article(f: SourceFile, anchor: Anchorer | None, cache: Cache) -> tuple[ArticleFile | list[Problem], object]:
    parsed = parse_article(f.path, f.data, f.key)
    if not isinstance(parsed, ArticleFile) or cache.known(OUTLINES, body_key(parsed, anchor)):  # drafts too: they are checked
        return parsed, None
    return parsed, render_body(parsed, anchor)


def _prepare_person(f: SourceFile, cache: Cache) -> tuple[PersonFile | list[Problem], str | None]:
    parsed = parse_person(f.path, f.data)
    if not isinstance(parsed, PersonFile) or not parsed.bio or cache.known(BIOS, bio_key(parsed)):
        return parsed, None
    return parsed, render_bio(parsed)

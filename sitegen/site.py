"""Resolution: validated files become one frozen ``Site`` with relations by slug."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from markupsafe import Markup

from . import markdown, redirects
from .cache import Later, Memo, digest, no_later, no_memo
from .config import Config
from .content import Archive, link_scheme_problems
from .errors import WARNING, Problem
from .model import (
    AnchoredAnnotation,
    Annotation,
    Article,
    ArticleFile,
    Body,
    PageFile,
    Person,
    PersonFile,
    Term,
    TermEntry,
    TermFile,
    TextPage,
)
from .routes import Routes
from .schema import KINDS, TERM_FOLDERS
from .slugs import slugify

if TYPE_CHECKING:
    from .annotation import Anchored
    from .translation import Catalog

# anchor(path, body_html, annotations, render_note, heads) -> the notes placed (annotation.Anchored)
Anchorer = Callable[[str, str, Sequence[Annotation], Callable[[str], str], Mapping[str, str]], "Anchored"]


@dataclass(frozen=True)
class Site:
    config: Config
    routes: Routes
    articles: tuple[Article, ...]  # newest first
    people: dict[str, Person]  # by slug, A-Z by name
    tags: dict[str, Term]
    sources: dict[str, Term]
    by_person: dict[str, tuple[int, ...]] = field(default_factory=dict)  # indexes into articles
    by_tag: dict[str, tuple[int, ...]] = field(default_factory=dict)
    by_source: dict[str, tuple[int, ...]] = field(default_factory=dict)
    words: Catalog = field(default_factory=lambda: _english())  # the theme's texts in the site's language
    text_pages: tuple[TextPage, ...] = ()  # the archive's own pages (content/pages/), by their order, then A-Z by title
    entries: dict[tuple[str, str], TermEntry] = field(default_factory=dict)  # (kind, slug) -> a tag's or an outlet's entry (content/tags/, content/outlets/)

    def own_language(self, article: Article) -> str:
        """The article's language where it is not the site's (its title, summary and text are
        marked with it, on its page, in feeds and in search results); else ""."""
        language = article.file.language
        return language if language and language != self.config.language else ""


def _english() -> Catalog:
    from .translation import english  # translation reads the theme's folders, through render

    return english()


class Registry:
    """Looks people up by name, alias or slug, whatever their capitals and spacing (or tags,
    or outlets: ``what`` the entries are)."""

    def __init__(self, files: Sequence[PersonFile | TermFile], what: str = "person"):
        self.files = {p.slug: p for p in files}
        self.keys: dict[str, str] = {}
        claims: dict[str, dict[str, tuple[PersonFile | TermFile, str, str]]] = defaultdict(dict)  # key -> slug -> (file, field, spelling)
        for p in files:
            for where, key in (("slug", p.slug), ("name", p.name), *(("aliases", a) for a in p.aliases)):
                self.keys.setdefault(name_key(key), p.slug)
                claims[name_key(key)].setdefault(p.slug, (p, where, key))  # one slug of two files: a duplicate slug, reported apart
        self.names = [p.name for p in files]
        self._pages: dict[str, str] = {}  # name -> slug_for's answer: a few names, each on many articles
        self.clashes = [problem for both in claims.values() if len(both) > 1 for problem in _clash(list(both.values()), what)]

    def find(self, name: str) -> str | None:
        return self.keys.get(name_key(name))

    def slug_for(self, name: str) -> str:
        """The page a name has: its entry's (a registry person's, a tag's or an outlet's), else
        one of the name's own (a name-only person, a tag no entry describes)."""
        if (page := self._pages.get(name)) is None:
            page = self._pages[name] = self.find(name) or slugify(name)
        return page

    def suggest(self, name: str) -> str:
        close = difflib.get_close_matches(name, self.names, n=1, cutoff=0.75)
        return f"; did you mean {close[0]!r}?" if close else ""


def _clash(claims: list[tuple[PersonFile | TermFile, str, str]], what: str) -> list[Problem]:
    """A name or alias of two people: lookups would give the first file's person, silently.
    Put on every file claiming it, so check --changed-since shows it whichever one changed."""
    out = []
    for person, where, spelling in claims:
        others = ", ".join(f"{o.path} ({w} {s!r})" for o, w, s in claims if o is not person)
        message = f"{spelling!r} also means {others}; a name or alias must mean one {what} only"
        key = f"aliases[{person.aliases.index(spelling)}]" if where == "aliases" else where  # the slug is the file's name: its first line
        out.append(Problem(person.path, person.field_lines.get(key, 1), where, message))
    return out


def resolve(
    archive: Archive, config: Config, *, drafts: bool = False, anchor: Anchorer | None = None, memo: Memo = no_memo,
    later: Later = no_later, words: Catalog | None = None,
) -> tuple[Site, list[Problem]]:
    """Resolve people, tags and outlets, render bodies, anchor annotations; pure.

    ``memo`` may answer a body rendered before (same text, same notes) from a cache, and
    ``later`` read its HTML and text (``Body``) only once they are asked for.
    """
    routes = Routes.from_config(config)
    registry = Registry(archive.people)
    problems: list[Problem] = list(registry.clashes)
    people: dict[str, Person] = {p.slug: _person(p, memo) for p in archive.people}
    unknown: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for file in archive.articles:  # drafts left out are checked all the same: check and build agree with a preview
        if file.draft and not drafts:
            for i, name in enumerate(file.people):
                if registry.find(name) is None:
                    unknown[name].append((file.path, file.field_lines.get(f"people[{i}]", 1)))
            if any(note.claimant for note in file.annotations):  # as a built article's would be
                named = {registry.slug_for(name): name for name in file.people}
                problems.extend(_claimants(file, list(named), registry, {**{s: Person(s, n, in_registry=False) for s, n in named.items()}, **people})[1])
            # Only the outline (its notes' problems) is kept: a left-out draft's HTML is never asked for.
            problems.extend(memo(OUTLINES, body_key(file, anchor), lambda file=file: render_body(file, anchor)[0])[2])
    chosen = [a for a in archive.articles if drafts or not a.draft]
    chosen.sort(key=lambda a: (_instant(a.date), a.slug), reverse=True)
    registries = term_registries(archive.terms)
    problems.extend(problem for r in registries.values() for problem in r.clashes)
    unparsed_entries = {(TERM_FOLDERS[path.split("/")[1]], slugify(PurePosixPath(path).stem)) for path in archive.failed if path.split("/")[1] in TERM_FOLDERS}
    problems.extend(_merged_spellings(archive.articles, routes, registries, unparsed_entries))
    tag_terms = _terms((name for f in chosen for name in f.tags), registries["tag"])
    source_terms = _terms((f.source.name for f in chosen if f.source), registries["source"])
    articles = []
    for file in chosen:
        slugs = []
        for i, name in enumerate(file.people):
            slug = registry.find(name)
            if slug is None:
                slug = slugify(name)
                unknown[name].append((file.path, file.field_lines.get(f"people[{i}]", 1)))
                people.setdefault(slug, Person(slug, name, in_registry=False))
            if slug not in slugs:
                slugs.append(slug)
        tags = tuple(dict.fromkeys(tag_terms[registries["tag"].slug_for(name)] for name in file.tags))
        source = source_terms[registries["source"].slug_for(file.source.name)] if file.source else None
        claimants, unnamed = _claimants(file, slugs, registry, people) if file.annotations else ({}, [])
        problems.extend(unnamed)
        article, article_problems = _article(file, routes, tuple(slugs), tags, source, anchor, memo, later, claimants)
        problems.extend(article_problems)
        if file.moved_from:
            problems.extend(redirects.problems(routes, file.path, article.url, file.moved_from, file.field_lines))
        articles.append(article)
    for p in archive.people:
        if p.moved_from:
            problems.extend(redirects.problems(routes, p.path, routes.url_for("person", slug=p.slug), p.moved_from, p.field_lines))
    unparsed = {slugify(PurePosixPath(p).stem) for p in archive.failed if p.startswith("content/people/")}
    for name, places in sorted(unknown.items()):
        if slugify(name) in unparsed:
            continue  # its person file did not parse: that error says why, not one here per article
        hint = registry.suggest(name)
        for path, line in places:
            problems.append(Problem(path, line, "people", f"{name!r} is not in the registry (content/people/){hint}; a page is built from the name", WARNING))
    by_person, by_tag, by_source = defaultdict(list), defaultdict(list), defaultdict(list)
    for i, a in enumerate(articles):
        for slug in a.people:
            by_person[slug].append(i)
        for t in a.tags:
            by_tag[t.slug].append(i)
        if a.source:
            by_source[a.source.slug].append(i)
    text_pages = []
    for page in sorted(archive.pages, key=lambda p: (p.order is None, p.order or 0, p.title.casefold(), p.slug)):
        text_page, page_problems = _text_page(page, routes)
        text_pages.append(text_page)
        problems.extend(page_problems)
    entries = {}
    for entry_file in archive.terms:
        entries[entry_file.kind, entry_file.slug], entry_problems = _entry(entry_file)
        problems.extend(entry_problems)
    site = Site(
        config=config,
        routes=routes,
        articles=tuple(articles),
        people=dict(sorted(people.items(), key=lambda kv: (kv[1].name.casefold(), kv[0]))),
        tags=dict(sorted(tag_terms.items())),
        sources=dict(sorted(source_terms.items())),
        by_person={k: tuple(v) for k, v in sorted(by_person.items())},
        by_tag={k: tuple(v) for k, v in sorted(by_tag.items())},
        by_source={k: tuple(v) for k, v in sorted(by_source.items())},
        words=words or _english(),
        text_pages=tuple(text_pages),
        entries=dict(sorted(entries.items())),
    )
    return site, problems


def _claimants(file: ArticleFile, slugs: Sequence[str], registry: Registry, people: Mapping[str, Person]) -> tuple[dict[str, Term], list[Problem]]:
    """Each fact-check's claimant, found among the article's people (the claim is in the
    article: who made it is named there), by name, alias or slug; a warning for one who is
    not, with the nearest of the article's people's names."""
    found: dict[str, Term] = {}
    problems = []
    for i, note in enumerate(file.annotations):
        if not note.claimant or note.claimant in found:
            continue
        slug = registry.slug_for(note.claimant)
        if slug in slugs:
            found[note.claimant] = Term(slug, people[slug].name)
            continue
        names = [spelling for s in slugs if s in people for spelling in (people[s].name, *people[s].aliases)]
        near = difflib.get_close_matches(note.claimant, names, n=1, cutoff=0.6)
        key = f"annotations[{i}].claimant"
        why = f"{note.claimant!r} is not one of the article's people{f'; did you mean {near[0]!r}?' if near else ''}: add them to people, so the claim links to their page"
        problems.append(Problem(file.path, file.field_lines.get(key, note.line), key, why, WARNING))
    return found, problems


def _text_page(page: PageFile, routes: Routes) -> tuple[TextPage, list[Problem]]:
    """One of the archive's own pages, its Markdown rendered as an article's is (raw HTML off,
    a link of a refused scheme an error on its line)."""
    rendered = markdown.render(page.body)
    problems = link_scheme_problems(page.path, page.body, page.body_line, rendered.refused)
    url = routes.url_for("text_page", slug=page.slug)
    return TextPage(page.slug, page.title, url, rendered.html, page.summary or "", page.path, rendered.links, page.body, page.body_line), problems


def term_registries(files: Iterable[TermFile]) -> dict[str, Registry]:
    """The tags' and the outlets' entries, each kind looked up apart ("source" is an outlet's page kind)."""
    files = list(files)
    return {kind: Registry([f for f in files if f.kind == kind], what) for kind, what in (("tag", "tag"), ("source", "outlet"))}


def _entry(file: TermFile) -> tuple[TermEntry, list[Problem]]:
    """A tag's or an outlet's entry, its text rendered as an article's is (raw HTML off, a
    link of a refused scheme an error on its line)."""
    rendered = markdown.render(file.text)
    problems = link_scheme_problems(file.path, file.text, file.text_line, rendered.refused)
    entry = TermEntry(file.slug, file.name, file.aliases, file.description, file.links, rendered.html, file.path, rendered.links, file.text, file.text_line)
    return entry, problems


_EPOCH, _MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)


def _instant(moment: datetime) -> int:
    """Microseconds since 1970 of a time with a zone: sorted as the times are, four times
    as fast as comparing them (each comparison asks both for their offsets)."""
    return (moment - _EPOCH) // _MICROSECOND


def _person(p: PersonFile, memo: Memo) -> Person:
    bio = memo(BIOS, bio_key(p), partial(render_bio, p)) if p.bio else ""
    moved = tuple((url, p.field_lines.get(f"moved_from[{i}]", 1)) for i, url in enumerate(p.moved_from))
    return Person(p.slug, p.name, p.aliases, p.description, p.links, bio, path=p.path, moved_from=moved, type=p.type)


def render_bio(p: PersonFile) -> str:
    return markdown.render(p.bio).html


def bio_key(p: PersonFile) -> bytes:
    return digest(p.bio)


# first paragraph, anchored notes, problems, links to this site, and the headline and summary with their notes' passages marked ("" if none)
Outline = tuple[str, tuple[AnchoredAnnotation, ...], list[Problem], tuple[markdown.Link, ...], tuple[str, str]]
OUTLINES, BODIES = "body", "html"  # the cache's tables of a rendered body's two parts (see render_body)
BIOS = "bio"  # the cache's table of rendered bios


def render_body(file: ArticleFile, anchor: Anchorer | None) -> tuple[Outline, tuple[str, str]]:
    """The rendered body with its notes anchored, the costly part of an article, in two
    parts the cache keeps apart: what resolving needs (``Outline``), and the HTML and
    plain text, which only pages, feeds and the search index read (``Body``)."""
    rendered = markdown.render(file.body)
    html, anchored, problems = rendered.html, (), link_scheme_problems(file.path, file.body, file.body_line, rendered.refused)
    heads = ("", "")
    if file.annotations and anchor is not None:
        placed = anchor(file.path, html, file.annotations, _note_html, {"title": file.title, "summary": file.summary or ""})
        html, anchored = placed.html, placed.notes
        problems += placed.problems
        heads = (placed.heads.get("title", ""), placed.heads.get("summary", ""))
    return (rendered.first_paragraph, tuple(anchored), problems, rendered.links, heads), (html, rendered.text)


def keep_rendered(memo: Memo, key: bytes, rendered: tuple[Outline, tuple[str, str]]) -> None:
    """A body rendered elsewhere (a worker process), put where ``_article`` looks for it."""
    outline, both = rendered
    memo(OUTLINES, key, lambda: outline)
    memo(BODIES, key, lambda: both)


def body_key(file: ArticleFile, anchor: Anchorer | None) -> bytes:
    """What a rendered body depends on: the memo key of ``render_body``. The file's own
    key (its path and bytes) covers the body and notes without hashing them again."""
    anchorer = f"{anchor.__module__}.{anchor.__qualname__}" if anchor else ""
    if file.source_key:
        return digest(b"file", file.source_key, anchorer)
    return digest(file.path, file.body, repr(file.annotations), anchorer)


def _article(
    file: ArticleFile,
    routes: Routes,
    people: tuple[str, ...],
    tags: tuple[Term, ...],
    source: Term | None,
    anchor: Anchorer | None,
    memo: Memo = no_memo,
    later: Later = no_later,
    claimants: Mapping[str, Term] | None = None,
) -> tuple[Article, list[Problem]]:
    key = body_key(file, anchor)
    made: list[tuple[str, str]] = []

    def render() -> Outline:
        outline, both = render_body(file, anchor)
        made.append(memo(BODIES, key, lambda: both))
        return outline

    first, anchored, problems, links, (title_html, summary_html) = memo(OUTLINES, key, render)
    if claimants:  # found in the registry, not the file: after the cache, which the file alone keys
        anchored = tuple(replace(item, annotation=replace(item.annotation, claimant_person=claimants.get(item.annotation.claimant or "")))
                         for item in anchored)
    body = Body.of(*made[0]) if made else Body(later(BODIES, key, lambda: render_body(file, anchor)[1]))
    url = article_url(routes, file)
    summary = file.summary or markdown.summarise(first)
    made_from = _made_from(key, url, tags, source, people, claimants) if file.source_key else b""
    marked = {"title_html": Markup(title_html), "summary_html": Markup(summary_html)}  # anchor's HTML: escaped text and marks
    image = routes.published(file.image) if file.image and file.image.startswith("/") else file.image or ""
    return Article(file, url, summary, body, tags, source, people, anchored, made_from, links, **marked, image=image), problems


def article_url(routes: Routes, file: ArticleFile) -> str:
    return routes.url_for("article", yyyy=f"{file.date.year:04d}", mm=f"{file.date.month:02d}", slug=file.slug)


def addresses(archive: Archive, routes: Routes, drafts: bool = False, config: Config | None = None) -> set[str]:
    """The addresses of the site's article, person, tag and outlet pages, and their earlier
    ones (which lead to them; and the config's), of its own pages, of the annotations' and
    of the data (which are always there), from the files alone: nothing rendered."""
    chosen = [a for a in archive.articles if drafts or not a.draft]
    registry, registries = Registry(archive.people), term_registries(archive.terms)
    slugs = {p.slug for p in archive.people} | {registry.slug_for(n) for a in chosen for n in a.people}
    return {
        *(article_url(routes, a) for a in chosen),
        *(routes.url_for("person", slug=s) for s in slugs),
        *(routes.url_for(kind, slug=registries[kind].slug_for(name)) for a in chosen for kind, name in terms_of(a)),
        *(routes.url_for(t.kind, slug=t.slug) for t in archive.terms),
        *(routes.published(a) for f in (*chosen, *archive.people) for a in f.moved_from),
        *(routes.published(a) for earlier in (config.moved_from.values() if config else ()) for a, _ in earlier),
        *(routes.url_for("text_page", slug=p.slug) for p in archive.pages),
        routes.url_for("annotations"),
        *(routes.url_for("annotation_kind", slug=kind) for kind in KINDS),
        *((routes.url_for("data"),) if config is None or config.data else ()),
    }


def terms_of(file: ArticleFile) -> list[tuple[str, str]]:
    """(page kind, name) of the tags and the outlet an article is listed under."""
    return [*(("tag", t) for t in file.tags), *((("source", file.source.name),) if file.source else ())]


def _made_from(body: bytes, url: str, tags: tuple[Term, ...], source: Term | None, people: tuple[str, ...],
               claimants: Mapping[str, Term] | None = None) -> bytes:
    """An article's ``content_key``: its body's key (which covers its file's bytes) and what
    resolution added: URL, terms as named across the site, people's slugs, the claimants
    found (an alias given elsewhere in the registry may find another)."""
    terms = [f"{t.slug}\0{t.name}" for t in (*tags, *([source] if source else []))]
    found = [f"{name}\0{t.slug}\0{t.name}" for name, t in sorted((claimants or {}).items())]
    return digest(body, url, str(len(tags)), *terms, *people, str(len(people)), *found)


def _note_html(note: str) -> Markup:
    # markdown-it output with raw HTML off: safe to mark as such.
    return Markup(markdown.render(note).html)


def _terms(names: Iterable[str], registry: Registry) -> dict[str, Term]:
    """One term per slug ('Treaty' and 'treaty' are one tag), named as its entry names it,
    else by its most used spelling, ties broken alphabetically, so every page shows the
    same name. Every entry has its page, on an article or not yet (as a person's)."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    for name in names:
        spellings[registry.slug_for(name)][name] += 1
    terms = {slug: Term(slug, min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]) for slug, c in spellings.items()}
    return terms | {slug: Term(slug, entry.name) for slug, entry in registry.files.items()}


def _entry_name(registry: Registry, slug: str, name: str) -> str:
    """The name of the entry at a name's page (its file's name is the page's: any name making
    that address means it); else the name."""
    entry = registry.files.get(slug)
    return entry.name if entry else name


def name_key(name: str) -> str:
    """A name as written, but for capitals and spacing, which make no other name or term."""
    return " ".join(name.casefold().split())


def _merged_spellings(
    articles: Sequence[ArticleFile], routes: Routes, registries: Mapping[str, Registry],
    unparsed: Collection[tuple[str, str]] = (),
) -> list[Problem]:
    """Tags (or outlets) written differently beyond capitals and spacing that make one
    address ('C++' and 'C#' -> /tags/c/): an error, since the merged term would show
    one spelling on every article. Reported where each spelling is first used. Every name
    given to an entry's page is one spelling: the entry's name; none is told of the page of
    an entry whose file did not parse (its errors say why)."""
    spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
    names = (("tag", set().union(*(a.tags for a in articles))), ("source", {a.source.name for a in articles if a.source}))
    for kind, distinct in names:
        for name in distinct:
            slug = registries[kind].slug_for(name)
            spellings[kind, slug].add(name_key(_entry_name(registries[kind], slug, name)))
    if all(len(found) < 2 for found in spellings.values()):
        return []  # as nearly always: the places are not looked up (~13 ms at 10k articles)
    used: dict[tuple[str, str], tuple[str, int]] = {}  # (kind, name as written) -> where first: a lookup an article's term
    for a in articles:
        for i, name in enumerate(a.tags):
            if ("tag", name) not in used:
                used["tag", name] = (a.path, a.field_lines.get(f"tags[{i}]", a.field_lines.get("tags", 1)))
        if a.source and ("source", a.source.name) not in used:
            used["source", a.source.name] = (a.path, a.field_lines.get("source.name", a.field_lines.get("source", 1)))
    first: dict[tuple[str, str], dict[str, tuple[str, int, str]]] = defaultdict(dict)  # (kind, slug) -> spelling -> place
    for (kind, name), (path, line) in used.items():  # in order of first use
        slug = registries[kind].slug_for(name)
        first[kind, slug].setdefault(name_key(_entry_name(registries[kind], slug, name)), (path, line, name))
    out = []
    for (kind, slug), places in first.items():
        if len(places) < 2 or (kind, slug) in unparsed:
            continue
        url = routes.url_for(kind, slug=slug)
        for path, line, name in places.values():
            others = ", ".join(f"{n!r} ({p})" for p, _, n in places.values() if n != name)
            what = "tag" if kind == "tag" else "outlet"
            out.append(Problem(path, line, "tags" if kind == "tag" else "source.name", f"{name!r} and {others} make one {what}, {url}; write them the same, or rename one"))
    return out

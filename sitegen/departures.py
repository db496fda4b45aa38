"""Departures: the addresses a change leaves to nothing (``check --changed-since``); pure.

An article renamed, or dated in another month, a person renamed, an earlier address taken
out of ``moved_from``, the last article taken off a tag: each was a page at the ref, which
links in papers and on other sites still lead to. The files as they were come from git
(``report.before``); this module compares them with the archive now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .config import Config
from .content import Archive
from .errors import WARNING, Problem
from .model import ArticleFile, PageFile, PersonFile, TermFile
from .routes import Routes
from .schema import KINDS
from .site import Registry, addresses, article_url, name_key, term_registries, terms_of
from .slugs import slugify


@dataclass(frozen=True)
class Before:
    """The changed articles and people as they were where this branch left the ref, the
    files git finds renamed since (old path -> new path), and the article permalinks then."""

    ref: str
    articles: tuple[ArticleFile, ...]
    people: tuple[PersonFile, ...]
    renamed: dict[str, str]
    permalinks: dict[str, str] | None = None  # None: the config did not change
    added: frozenset[str] = frozenset()  # changed files the ref did not have
    pages: tuple[PageFile, ...] = ()  # the archive's own pages, changed
    data: bool | None = None  # whether the config wrote the data then; None: it did not change
    terms: tuple[TermFile, ...] = ()  # the tags' and outlets' entries, changed


@dataclass(frozen=True)
class _Compared:
    """What every check of departures reads: the routes now and at the ref, the addresses now."""

    routes: Routes
    then: Routes
    now: set[str]
    old: Before
    drafts: bool


def departures(archive: Archive, config: Config, old: Before, drafts: bool = False) -> list[Problem]:
    """The addresses published at the ref that no page has now (an error or a warning each,
    on the file to mend); pure."""
    routes = Routes.from_config(config)
    then = routes if old.permalinks is None else replace(routes, patterns=old.permalinks)
    seen = _Compared(routes, then, addresses(archive, routes, drafts, config), old, drafts)
    return [*_files(archive, seen), *_pages(archive, seen), *_terms(archive, config, seen), *_permalinks(archive, config, seen), *_data(config, seen)]


def _pages(archive: Archive, seen: _Compared) -> list[Problem]:
    """The archive's own pages removed or renamed: a warning on the file (they take no
    moved_from), pointing to a rule of the archive's own _redirects."""
    old = seen.old
    files = {p.path for p in archive.pages}
    out = []
    for was in old.pages:
        url = seen.then.url_for("text_page", slug=was.slug)
        now_at = old.renamed.get(was.path, was.path)
        if url in seen.now or now_at in archive.failed:
            continue
        state = "renamed" if now_at in files and now_at != was.path else "removed"
        where = now_at if state == "renamed" else was.path
        out.append(Problem(where, 0, "", f"{state}: its address {url} (at {old.ref}) will answer 'page not found'; if it moved, add a rule to content/static/_redirects: \"{url} /its/new/address/ 301!\"", WARNING))
    return out


def _files(archive: Archive, seen: _Compared) -> list[Problem]:
    """Articles and people, and their moved_from: an error on the file now there (renamed, or
    another date), which must give the address in its moved_from; a warning on a file
    removed or made a draft."""
    old, then, now = seen.old, seen.then, seen.now
    files: dict[str, ArticleFile | PersonFile] = {f.path: f for f in (*archive.articles, *archive.people)}
    by_source = {a.source.identity: a for a in archive.articles if a.source and a.source.identity}
    out = []
    for was in (*(a for a in old.articles if seen.drafts or not a.draft), *old.people):
        own = article_url(then, was) if isinstance(was, ArticleFile) else then.url_for("person", slug=was.slug)
        gone = [url for url in (own, *(then.published(a) for a in was.moved_from)) if url not in now]
        now_at = old.renamed.get(was.path, was.path)
        if not gone or now_at in archive.failed:  # a file with errors: they are told, and its addresses are known once fixed
            continue
        there = files.get(now_at)
        if there is None and isinstance(was, ArticleFile) and was.source:
            there = by_source.get(was.source.identity)  # renamed, but not yet added to git
        if there is None or (isinstance(there, ArticleFile) and there.draft):
            state = "a draft now" if there is not None else "removed"
            out.append(Problem(there.path if there else was.path, 0, "", f"{state}: {_addresses(gone)} (at {old.ref}) will answer 'page not found'; if it moved, give the {'address' if len(gone) == 1 else 'addresses'} in moved_from where it is now", WARNING))
            continue
        for url in gone:  # on the file's moved_from, else on the date that moved it (when the path did not)
            line = there.field_lines.get("moved_from") or (there.field_lines.get("date", 1) if url == own and there.path == was.path else 1)
            what = "its address" if url == own else "one of its earlier addresses (moved_from)"
            out.append(Problem(there.path, line, "moved_from", f"{url} was {what} at {old.ref}, and no page is there now: {'add it to' if url == own else 'keep it in'} moved_from, so that links to it keep working"))
    return out


def _terms(archive: Archive, config: Config, seen: _Compared) -> list[Problem]:
    """Tag, outlet and name-only person pages that no article is listed on now (its last
    article retagged, an outlet renamed, a name dropped or now a registry person's): a warning
    on the changed file that had it, saying where a renamed one's earlier address goes. (A
    registry person's page goes with their file: ``_files`` tells.)"""
    old = seen.old
    changed = {a.path for a in old.articles} | set(old.renamed.values())
    people_changed = {p.path for p in old.people} | set(old.renamed.values()) | old.added
    registry = Registry([*old.people, *(p for p in archive.people if p.path not in people_changed)])  # as at the ref
    entries_changed = {t.path for t in old.terms} | set(old.renamed.values()) | old.added
    registries = term_registries([*old.terms, *(t for t in archive.terms if t.path not in entries_changed)])  # as at the ref
    had: dict[tuple[str, str], tuple[str, ArticleFile]] = {}  # (kind, slug) -> a name, and an article it was on
    for a in (*old.articles, *(a for a in archive.articles if a.path not in changed)):
        if seen.drafts or not a.draft:
            for kind, name in terms_of(a):
                had.setdefault((kind, registries[kind].slug_for(name)), (name, a))
            for name in a.people:
                if registry.find(name) is None:
                    had.setdefault(("person", slugify(name)), (name, a))
    files = {a.path: a for a in archive.articles}
    table = "[tool.sitegen.moved_from] of pyproject.toml" if config.file == "pyproject.toml" else f"[moved_from] of {config.file or 'sitegen.toml'}"
    out = []
    now_registries = term_registries(archive.terms)

    def in_config(url: str) -> str:
        return f'in the {table}, under the page it leads to now: "/…/new-name/" = ["{url}"]'

    for (kind, slug), (name, was) in sorted(had.items()):
        now_at = old.renamed.get(was.path, was.path)
        if (url := seen.then.url_for(kind, slug=slug)) in seen.now or seen.routes.url_for(kind, slug=slug) in seen.now or now_at in archive.failed:
            continue  # still there (moved by new permalinks, if at all: _permalinks tells), or its file has errors to fix first
        if kind != "person" and (gone := registries[kind].files.get(slug)) and old.renamed.get(gone.path, gone.path) in archive.failed:
            continue  # the page's entry has errors to fix first
        what = {"tag": "the tag", "source": "the outlet", "person": "the person"}[kind]
        if kind != "person" and (moved := _moved_by_entry(kind, name, slug, (registries[kind], now_registries[kind]), seen, f"{what} {name!r}", table)):
            out.append(moved)  # an entry's doing: told on it
            continue
        there = files.get(now_at)
        field = {"tag": "tags", "source": "source.name", "person": "people"}[kind]
        line = there.field_lines.get(field, there.field_lines.get(field.split(".")[0], 1)) if there else 0
        config_line = in_config(url)
        if kind == "person":
            where = f"if they are in content/people/ now, give that address in their file's moved_from; if the name was respelt, {config_line}"
        else:
            where = f"if it was renamed, give that address {config_line}"
        message = f"{what} {name!r} is on no article now: {'their' if kind == 'person' else 'its'} page {url} (at {old.ref}) will answer 'page not found'; {where}"
        out.append(Problem(there.path if there else was.path, line, field, message, WARNING))
    for entry in old.terms:  # an entry's page, on no article yet, goes with its file
        url, now_at = seen.then.url_for(entry.kind, slug=entry.slug), old.renamed.get(entry.path, entry.path)
        if url in seen.now or (entry.kind, entry.slug) in had or now_at in archive.failed:
            continue
        state = "renamed" if any(t.path == now_at for t in archive.terms) and now_at != entry.path else "removed"
        out.append(Problem(now_at if state == "renamed" else entry.path, 0, "", f"{state}: its page {url} (at {old.ref}) will answer 'page not found'; if it moved, give that address {in_config(url)}", WARNING))
    return out


def _moved_by_entry(kind: str, name: str, slug: str, registries: tuple[Registry, Registry], seen: _Compared, what: str, table: str) -> Problem | None:
    """A tag's or an outlet's name that makes another page now than at the ref, since an
    entry took it (as its name or alias now) or let it go (removed, or it gave it then): a
    warning on that entry's file, the one that changed, with the config's line that keeps the
    page's address."""
    then, now_registry = registries
    now = seen.routes.url_for(kind, slug=now_registry.slug_for(name))
    if now not in seen.now:
        return None
    url = seen.then.url_for(kind, slug=slug)
    message = f"{what} is at {now} now: its page {url} (at {seen.old.ref}) will answer 'page not found'; give that address in the {table}: \"{now}\" = [\"{url}\"]"
    if entry := now_registry.files.get(now_registry.find(name) or ""):
        key = name_key(name)
        at = [f"aliases[{i}]" for i, alias in enumerate(entry.aliases) if name_key(alias) == key]
        field = "name" if name_key(entry.name) == key else "aliases" if at else ""
        return Problem(entry.path, entry.field_lines.get(at[0] if at else field, 0), field, message, WARNING)
    if gone := then.files.get(slug):  # the entry whose page it was
        return Problem(seen.old.renamed.get(gone.path, gone.path), 0, "", message, WARNING)
    return None


def _permalinks(archive: Archive, config: Config, seen: _Compared) -> list[Problem]:
    """New permalinks move every page they concern: one warning on the config, with the count."""
    if seen.then is seen.routes:
        return []
    old = seen.old
    changed = {f.path for f in (*old.articles, *old.people, *old.pages)} | set(old.renamed)
    chosen = [a for a in archive.articles if a.path not in changed and (seen.drafts or not a.draft)]
    urls = {article_url(seen.then, a) for a in chosen} | {seen.then.url_for(kind, slug=slugify(name)) for a in chosen for kind, name in terms_of(a)}
    urls |= {seen.then.url_for("text_page", slug=p.slug) for p in archive.pages if p.path not in changed}
    # Always there, and followed: the notes' feeds, and the data researchers' scripts fetch
    # (turned off, _data tells).
    urls |= {seen.then.url_for("annotations"), *(seen.then.url_for("annotation_kind", slug=kind) for kind in KINDS)}
    if config.data and _had_data(config, seen):
        urls.add(seen.then.url_for("data"))
    left = sorted(url for url in urls if url not in seen.now)
    if not left:
        return []
    many = len(left) > 1
    return [Problem(config.file or "sitegen.toml", 0, "permalinks", f"the permalinks changed since {old.ref}: {len(left)} published address{'es' if many else ''} of articles, tags, outlets or pages no page has now ({left[0]}{', …' if many else ''}); give each in moved_from, or redirect them in content/static/_redirects", WARNING)]


def _had_data(config: Config, seen: _Compared) -> bool:
    return config.data if seen.old.data is None else seen.old.data


def _data(config: Config, seen: _Compared) -> list[Problem]:
    """The data turned off: the tables researchers' scripts fetch are gone (a warning: it may be meant)."""
    if config.data or not _had_data(config, seen):
        return []
    at = seen.then.url_for("data")
    return [Problem(config.file or "sitegen.toml", 0, "data", f"data = false: the tables at {at} (at {seen.old.ref}) will answer 'page not found', and the scripts that fetch them fail; if that is meant, nothing is to be done", WARNING)]


def _addresses(urls: Sequence[str]) -> str:
    return f"its address {urls[0]}" if len(urls) == 1 else f"its addresses {', '.join(urls)}"

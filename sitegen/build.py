"""The build, as a table of contents. ``sitegen check`` is the same without the last step."""

from __future__ import annotations

import gc
import itertools
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import (
    annotation,
    content,
    dataset,
    destination,
    feeds,
    incremental,
    jsonld,
    output,
    pages,
    parallel,
    preparation,
    redirects,
    render,
    schema,
    sourcefiles,
    translation,
)
from .cache import Cache, Shard
from .config import (
    Config,
    archive_root,
    base_url_problem,
    config_file,
    config_warnings,
    load_config,
    setting_line,
)
from .errors import BuildFailed, Invalid, Problem, strict
from .incremental import Product
from .links import link_problems
from .model import Article, Card
from .schema import KINDS, TERM_FOLDERS
from .site import Site, resolve

if TYPE_CHECKING:
    from . import indexer


@dataclass(frozen=True)
class Options:
    root: Path
    out: Path | None = None  # default: the config's output folder under root
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    search: bool = True
    today: date | None = None  # for "date in the future" warnings; None skips them
    noindex: bool = False  # deploy previews: ask search engines to stay away
    cache: bool = True  # keep parsed files, rendered bodies and page fingerprints in <root>/.sitegen-cache/
    workers: int = 0  # processes rendering a cold build; 0: as ``workers`` decides (one per core for a big site)


@dataclass(frozen=True)
class Report:
    files: int
    made: int  # files this build made; the others were taken over from the last one, or copied
    pages: int
    articles: int
    people: int
    tags: int
    seconds: float
    warnings: tuple[Problem, ...]


def configure(options: Options) -> Config:
    """The archive's config, checked with what only the file system can say (I/O)."""
    archive_root(options.root)
    config = load_config(options.root)
    problems = []
    if options.base_url:
        config = replace(config, base_url=options.base_url)
        if why := base_url_problem(options.base_url):
            problems.append(Problem("--base-url", 0, "", why))
    themes = render.themes(options.root)
    if config.theme not in themes:
        problems.append(Problem(config_file(options.root), setting_line(options.root, "theme"), "theme", f"no theme {config.theme!r}; found: {', '.join(themes)} (under themes/, then sitegen's own)"))
    if not options.out and (why := destination.location_problem(options.root, output_folder(options, config), [render.theme_dir(options.root, config.theme)])):
        problems.append(Problem(config_file(options.root), setting_line(options.root, "output"), "output", f"{config.output!r} {why}"))
    if problems:
        raise Invalid(problems)
    return replace(config, noindex=True) if options.noindex else config


def output_folder(options: Options, config: Config) -> Path:
    return (options.out or options.root / config.output).resolve()


def read(options: Options, cache: Cache) -> content.Archive:
    """Every file of the archive, parsed and validated; the costly part shared among processes."""
    sources = incremental.SourceRecord(cache)  # files unchanged since the last build are not read
    unread = sourcefiles.stray_files(options.root)  # files no rule reads: reported, so none is lost unseen
    articles, people = (sourcefiles.read_sources(options.root, folder, partial(sources.known, sourcefiles.TABLES[folder]), unread) for folder in ("articles", "people"))
    preparation.prepare(articles, people, options.drafts, annotation.anchor, cache, options.workers or parallel.workers())
    own_pages = sourcefiles.read_sources(options.root, "pages", unread=unread)
    entries = [f for folder in TERM_FOLDERS for f in sourcefiles.read_sources(options.root, folder, unread=unread)]
    archive = content.parse_archive(articles, people, options.today, cache.memo, sorted(unread, key=lambda rel: rel.split("/")), own_pages, entries)
    sources.remember([*articles, *people])
    return archive


@dataclass(frozen=True)
class Loaded:
    """A resolved site and its problems, and the plan the link checks made of it (with the
    cards it shows), for the build to use rather than plan the site again (~0.8 s at 10k)."""

    site: Site
    problems: list[Problem]
    cards: list[Card] | None = None
    plan: list[pages.Page] | None = None


def load(
    options: Options, config: Config, cache: Cache | None = None, archive: content.Archive | None = None, links: bool = False,
) -> tuple[Site, list[Problem]]:
    """Read (unless given the archive), validate and resolve everything; raise BuildFailed listing every error.

    ``links``: check the links and images of the bodies too, as ``check`` does, and a build
    under ``--strict``, where their warnings count (a plain build plans the site once, later).
    """
    loaded = load_planned(options, config, cache, archive, links)
    return loaded.site, loaded.problems


def load_planned(
    options: Options, config: Config, cache: Cache | None = None, archive: content.Archive | None = None, links: bool = False,
) -> Loaded:
    """``load``, keeping the plan of the whole site its checks made, if they made one."""
    cache = cache or Cache.disabled()
    archive = archive or read(options, cache)
    words, untranslated = translation.catalog(options.root, config.theme, config.language)
    site, problems = resolve(archive, config, drafts=options.drafts, anchor=annotation.anchor, memo=cache.memo, later=cache.later, words=words)
    problems = [*archive.problems, *problems, *config_warnings(options.root), *untranslated, *own_rules_problems(options.root, site)]
    # The site holds every file that parsed: its URL clashes and broken links are told now, not after the fixes.
    cards = pages.cards_of(site) if links or any(p.is_error for p in problems) else None
    planned = list(pages.plan(site, cards)) if cards is not None else []
    if links:
        static = [rel for rel, _ in static_files(options, config)]
        static += data_names(site)  # files a page may link, as static ones
        problems += [*pages.collisions(planned), *moved_clashes(options, config, site, planned), *link_problems(site, planned, static, archive.failed)]
    if options.strict:
        problems = strict(problems)
    if any(p.is_error for p in problems):
        raise BuildFailed(problems if links else [*problems, *pages.collisions(planned)])
    return Loaded(site, problems, cards, planned if cards is not None else None)


def own_rules_problems(root: Path, site: Site) -> list[Problem]:
    """The archive's own _redirects (I/O), without the rules for the earlier addresses it hides."""
    own = root / redirects.OWN_RULES
    moved = list(redirects.moves(site.routes, site.articles, site.people.values(), site.config)) if own.is_file() else []
    return redirects.own_rules_problems(site.routes, moved, own.read_text("utf-8", errors="replace"), listing_urls(site)) if moved else []


def listing_urls(site: Site) -> dict[str, tuple[str, ...]]:
    """The pages with files below them that move with them (redirects.py): a tag's, an
    outlet's, a person's, the annotations' and each kind of note's feed and later pages; the
    data page's tables."""
    r = site.routes
    named = (("tag", site.tags), ("source", site.sources), ("person", site.people), ("annotation_kind", KINDS))
    listings = dict.fromkeys([r.url_for("annotations"), *(r.url_for(kind, slug=slug) for kind, slugs in named for slug in slugs)], redirects.LISTING)
    if site.config.data:
        listings[r.url_for("data")] = dataset.FILES
    return listings


def moved_clashes(options: Options, config: Config, site: Site, plan: list[pages.Page]) -> list[Problem]:
    """Earlier addresses (moved_from) where the build writes another file, or a folder of one,
    and the config's that lead to no page. Only pages' URLs are in the plan, for
    pages.collisions: the other files are named here, made by no one (a feed is a Product,
    made when written)."""
    moved = [p.context["move"] for p in plan if "move" in p.context]
    if not moved:
        return []
    r = site.routes
    files = ["sitemap.xml", *(rel for rel, _ in other_files(site)), *data_names(site), *(rel for rel, _ in static_files(options, config))]
    urls = {p.url for p in plan if "move" not in p.context}
    nowhere = [  # the config's: an article's or person's page is always there
        Problem(path, line, "moved_from", f"{to} is no page of the site: give the address of a page as it is now, then its earlier ones")
        for path, line, to in dict.fromkeys((m.path, m.line, m.to) for m in moved if m.to not in urls)
    ]
    return [*nowhere, *redirects.clashes(r, moved, files, [r.output_path(u) for u in urls], listing_urls(site))]


def outputs(
    options: Options, site: Site, plan: list[pages.Page], index: indexer.SearchIndex | None, progress: Callable[[Iterator], Iterator] = iter,
    edited: frozenset[str] | None = None, unchanged: Collection[str] = frozenset(), compiled: render.CompiledTemplates | None = None,
    cards: list[Card] | None = None,
) -> Iterator[tuple[str, bytes | Product] | output.Last]:
    """Every generated file as (output path, bytes or a Product to make them), in a fixed order; pure but for template reads.

    Every file that does not read the search ``index`` (None: no search) comes first, made
    while a forked child builds it; the index's files and the pages that read its address
    come ``Last``. Given ``edited`` (the URLs of articles whose own text alone changed), only
    their pages (and, with the index, the pages reading its address) are made, and only the
    other files showing them follow: the rest is carried over from the last output. The
    pages of ``unchanged`` URLs are left out, for the caller to carry over.
    """
    env = render.environment(options.root, site, compiled)
    r = site.routes
    env.set_global("search_manifest_url", "")
    shared: dict[str, object] = {"search_manifest_url": "", "people_by_slug": site.people, "text_pages": site.text_pages}
    reads = render.GlobalReads(env, shared)  # a page depends on these only if its templates read them

    made_reads: dict[frozenset[str], tuple[tuple[str, object], ...]] = {}  # see product

    def search_files(index: indexer.SearchIndex) -> Iterator[tuple[str, bytes]]:
        found = index.get()
        shared["search_manifest_url"] = r.base_path + found.manifest_url.lstrip("/")
        env.set_global("search_manifest_url", shared["search_manifest_url"])
        made_reads.clear()  # made before, they hold the address unknown then
        yield from sorted(found.files.items())
        yield from sorted(index.vendor.items())

    def product(page: pages.Page) -> Product:
        names = reads.of(page.templates)
        read = made_reads.get(names)  # one tuple per names while the values stay: hashed once
        if read is None:
            read = made_reads[names] = tuple((name, shared[name]) for name in sorted(names))
        return Product((page, read), partial(render.render_page, env, page))

    later = []

    def page_files() -> Iterator[tuple[str, Product]]:
        for page in progress(plan):
            if index and "search_manifest_url" in reads.of(page.templates):
                later.append(page)  # made once the index is known
            elif (edited is None or page.url in edited) and page.url not in unchanged:
                yield r.output_path(page.url), product(page)

    made = page_files()
    yield from itertools.islice(made, 1)  # it loads what all pages share (the templates) before any fork
    if edited is None:
        yield sitemap(site, plan)  # the largest file (~0.2 s at 10k): early, so no process makes it alone at the end
        if site.config.data:  # as large, and early for the same reason; it reads cards alone, which body edits leave
            yield from data_files(site, pages.cards_of(site) if cards is None else cards)
    yield from made
    if edited is None:
        yield from other_files(site)
    else:
        yield from feeds.all_feeds(site, edited)
        yield from annotation_files(site, edited)
    if index:
        from .search import index_file  # loaded with the index

        made_later = frozenset(r.output_path(page.url) for page in later)
        yield output.Last(
            lambda: [*search_files(index), *((r.output_path(page.url), product(page)) for page in later)],
            replaces=lambda rel: rel in made_later or index_file(rel),  # the last index's files go
        )


def sitemap(site: Site, plan: list[pages.Page]) -> tuple[str, Product]:
    listed = tuple((p.url, p.lastmod) for p in plan if p.in_sitemap)
    return "sitemap.xml", Product(("sitemap", listed), partial(feeds.sitemap, site, plan))


def other_files(site: Site) -> Iterator[tuple[str, bytes | Product]]:
    """Feeds, annotations, robots.txt, the OpenSearch description, schemas: nothing here
    reads the search index. (The data, data_files, comes early, with the sitemap.)"""
    r = site.routes
    yield from feeds.all_feeds(site)
    yield from annotation_files(site)
    yield "robots.txt", feeds.robots(site)
    yield "opensearch.xml", feeds.opensearch(site)
    if moved := list(redirects.moves(r, site.articles, site.people.values(), site.config)):
        yield "_redirects", redirects.netlify_rules(r, moved, listing_urls(site))
    yield "schemas/article.schema.json", render.jsonld(schema.article_json_schema(r.absolute(r.base_path + "schemas/article.schema.json")), indent=1).encode() + b"\n"


def annotation_files(site: Site, showing: Collection[str] | None = None) -> Iterator[tuple[str, bytes | Product]]:
    """Per annotated article a W3C Web Annotation collection; the annotations feed. Given
    ``showing`` (article URLs), only the feed, if it shows one of them: a collection is
    made from what the article's card holds (its URL and annotations), not its text."""
    r = site.routes
    annotated = [a for a in site.articles if a.annotations]
    for a in annotated if showing is None else ():
        yield r.output_path(a.url).rsplit("/", 1)[0] + "/annotations.jsonld", Product(("annotations", a.url, a.annotations), partial(_collection, site, a))
    everything = site.words.text("annotations_feed_title", site=site.config.title)
    for kind, permalink, values, listed in pages.notes_listings(annotation.latest_changes(annotated)):  # updated today: news today
        feed = r.feed_for(permalink, **values)
        newest = listed[: feeds.FEED_SIZE]
        title = site.words.text("annotations_kind_feed_title", kind=site.words.text(f"annotations_{kind}"), site=site.config.title) if kind else everything
        if showing is None or any(a.url in showing for a, _ in newest):
            yield r.output_path(feed), feeds.annotation_product(site, title, feed, r.url_for(permalink, **values), newest, feeds.as_of(site))


def data_files(site: Site, cards: list[Card]) -> Iterator[tuple[str, Product]]:
    """The archive as data (dataset.py): its tables and their description, beside the data
    page; they read the cards, the people and the outlets alone."""
    outlets = tuple((slug, site.entries.get(("source", slug))) for slug in site.sources)
    read = ("data", cards, tuple(site.people.values()), outlets)
    makers = [*(partial(dataset.table, site, cards, table.name) for table in dataset.TABLES), partial(_package, site, cards)]
    for rel, name, make in zip(data_names(site), dataset.FILES, makers, strict=True):
        yield rel, Product((*read, name), make)


def data_names(site: Site) -> list[str]:
    """The data's files (data_files), beside the data page in the output; none without data."""
    folder = site.routes.output_path(site.routes.url_for("data")).rsplit("/", 1)[0]
    return [f"{folder}/{name}" for name in dataset.FILES] if site.config.data else []


def _package(site: Site, cards: list[Card]) -> bytes:
    return render.jsonld(dataset.descriptor(site, cards), indent=1).encode() + b"\n"


def _collection(site: Site, a: Article) -> bytes:
    collection = jsonld.web_annotation_collection(site.routes.absolute(a.url), a.annotations, site.config.license_url)
    return render.jsonld(collection, indent=1).encode() + b"\n"


def whole_output(options: Options, site: Site, cards: list[Card]) -> Callable[[str], bytes]:
    """Any one file of the whole output, all of it planned on first use: for a file that a
    build after body edits carries over from the last output but finds gone (removed by hand)."""

    files: dict[str, bytes | Product] = {}

    def one(rel: str) -> bytes:
        if not files:
            files.update(outputs(options, site, list(pages.plan(site, cards)), None, cards=cards))  # type: ignore[arg-type]  # no index: no Last
        data = files[rel]
        return data.make() if isinstance(data, Product) else data

    return one


def static_files(options: Options, config: Config) -> list[tuple[str, Path]]:
    """Theme static files under static/, the theme's root/ (favicon.ico: browsers and feed
    readers ask for it there) and then the archive's content/static/ at the root, so an
    archive's own favicon.ico stands over the theme's."""
    found = []
    theme = render.theme_dir(options.root, config.theme)
    for base, prefix in ((theme / "static", "static/"), (theme / "root", ""), (options.root / "content" / "static", "")):
        if base.is_dir():
            found += [(prefix + p.relative_to(base).as_posix(), p) for p in sorted(base.rglob("*")) if p.is_file()]
    return found


FORK_MIN_PAGES = 2000  # below this, forking costs more than sharing the pages saves


def workers(options: Options, plan: list[pages.Page], before: incremental.Previous, under: bytes, searching: bool) -> int:
    """Forked workers pay off when most pages of a big site are made or hashed again: in a
    cold build, or after a change any page may show (an article added, a title, a template),
    unless a search child has the other core of two. (Then one worker joins once the child
    is done: ``late_worker``. With three processes on two cores, a cold build at 10k
    articles took ~0.25-0.6 s longer.)"""
    if options.workers:
        return options.workers
    if len(plan) < FORK_MIN_PAGES:
        return 1
    cold = not before.out and before.spare is None
    if not (cold or under != before.under) or (searching and parallel.workers() <= 2):
        return 1
    return parallel.workers()


def late_worker(options: Options, plan: list[pages.Page], processes: int, edited: frozenset[str] | None, index: indexer.SearchIndex | None) -> Callable[[], bool] | None:
    """When a forked search child kept this process making the pages alone (it had the
    other core of two while most pages may be made again: a cold build, an article added): what
    says that the child is done, when a worker may take a share of the pages left
    (``output._fill``)."""
    if options.workers or processes > 1 or edited is not None or len(plan) < FORK_MIN_PAGES:
        return None
    child = index.child if index else None
    return child.done if child is not None and child.forked and parallel.workers() > 1 else None


class EarlySave:
    """What reading put in the cache, written by a forked child while the site is resolved
    (which leaves the other core idle), when there is much of it: for a cold build at 10k
    articles, the parsed articles and bodies (~95 MB, ~0.3 s on one core at the end before)."""

    SHARDS = 64  # at least; reading a cold build's 10k articles makes ~300 due

    def __init__(self, cache: Cache, due: frozenset[Shard]):
        self.cache, self.due = cache, due
        self.child = parallel.background(partial(cache.save, only=due))

    @classmethod
    def start(cls, cache: Cache) -> EarlySave | None:
        due = frozenset(cache.due())
        return cls(cache, due) if len(due) >= cls.SHARDS else None

    def wait(self) -> None:
        """Tell the cache what the child wrote, for its own save to skip."""
        try:
            wrote = self.child.result()
        except Exception:  # noqa: BLE001 - the cache is only an accelerator: its save writes them all
            wrote = {}
        self.cache.saved(self.due, wrote)


_collections = threading.Lock()
_builds: list[tuple[int, int, int]] = []  # per build running in this process, the thresholds the first one found


@contextmanager
def no_full_collections() -> Iterator[None]:
    """The collector's young generations only. A build's millions of objects (the parsed
    archive, the site, the plan) live until it ends, and a full pass walks them all to find
    next to nothing: at 10k articles, ~0.6 s of passes in a 3 s rebuild. The thresholds come
    back when the last of the process's builds ends. (An incremental collector, which ignores
    the third threshold, is left to itself.)"""
    with _collections:
        found = _builds[0] if _builds else gc.get_threshold()
        _builds.append(found)
        gc.set_threshold(found[0], found[1], 1 << 30)
    try:
        yield
    finally:
        with _collections:
            _builds.pop()
            if not _builds:
                gc.set_threshold(*found)


def build(options: Options, progress: Callable[[Iterator], Iterator] = iter) -> Report:
    with no_full_collections():
        return _build(options, progress)


def _build(options: Options, progress: Callable[[Iterator], Iterator]) -> Report:
    started = time.perf_counter()
    config = configure(options)
    out = output_folder(options, config)
    destination.refuse(options.root, out, [render.theme_dir(options.root, config.theme)])  # before anything is written: it is replaced whole
    cache = Cache.open(options.root) if options.cache else Cache.disabled()
    archive = read(options, cache)
    early = EarlySave.start(cache) if options.cache else None
    try:
        report = _make(options, progress, config, cache, archive, out)
    finally:
        if early:
            early.wait()  # a failed build's too: the child ends the files it writes
    cache.save()
    return replace(report, seconds=time.perf_counter() - started)


def _make(options: Options, progress: Callable[[Iterator], Iterator], config: Config, cache: Cache, archive: content.Archive, out: Path) -> Report:
    """The site resolved, planned and written; the cache told what to keep for the next build."""
    loaded = load_planned(options, config, cache, archive, links=options.strict)  # what check warns of fails a strict build too
    site, problems = loaded.site, loaded.problems
    index = None
    body_edit = parallel.Flag()  # set once this build is known to be one: it leaves a core idle
    try:
        if options.search:
            from . import indexer  # here: a build without search never loads numpy (~60 ms)

            # Built while the build goes on; after a body edit, on the core this process leaves idle too.
            index = indexer.start(options.root, site, cache, out, quiet=body_edit.is_set)
        cards = loaded.cards if loaded.cards is not None else pages.cards_of(site)
        before = incremental.previous(cache, out) if options.cache else incremental.Previous({}, None)
        key = incremental.build_key(options.root, site.config, options.drafts, options.search) if options.cache else b""
        prints = incremental.Fingerprints(cache.memo)  # hashes the basis here, before any page worker is forked
        # The pages at articles' earlier addresses are made from them too, and every page's
        # footer names the archive's own pages: a change to either is no body edit.
        moves = tuple((a.url, a.file.moved_from) for a in site.articles if a.file.moved_from)
        under = incremental.made_under(prints, key, (cards, site.people, site.tags, site.sources, site.entries, moves, site.text_pages)) if options.cache else b""
        outlets = tuple(entry for (kind, _), entry in site.entries.items() if kind == "source")  # an article's publisher in its JSON-LD
        around = incremental.made_under(prints, key, (site.people, site.text_pages, outlets)) if options.cache else b""  # what article pages read besides articles and cards (the footer names the own pages)
        copies = static_files(options, config)
        copied = {rel for rel, _ in copies}
        edited = before.edited(under, site.articles, copied)
        if edited is not None:
            body_edit.set()
        # With search, every page is planned: those reading the new index's address are made again.
        if edited is None or index:
            plan = loaded.plan if loaded.plan is not None else list(pages.plan(site, cards))
        else:
            plan = list(pages.article_pages(site, cards, edited))
        if clashes := [*pages.collisions(plan), *moved_clashes(options, config, site, plan)]:
            raise BuildFailed(clashes)
        made: dict[str, bytes] = {}  # output path -> note (its fingerprint), for the next build
        unchanged = before.unchanged_pages(around, site.articles, site.routes.output_path) if edited is None else frozenset()
        files = outputs(options, site, plan, index, progress, edited, unchanged, render.compiled_templates(cache.folder, site), cards)
        held: dict[str, bytes] = {}  # files the spare holds as they must be
        if edited is not None or unchanged:  # every other file, or the unchanged article pages, are the last output's
            only = None if edited is not None else {site.routes.output_path(url) for url in unchanged}
            files, held = incremental.carry(files, before, out, remake=whole_output(options, site, cards), only=only)
            made.update(held)
        files = incremental.reuse(files, before, out, key, prints) if options.cache else incremental.fresh(files)
        processes = workers(options, plan, before, under, searching=bool(index and index.child and index.child.forked))
        if processes > 1:  # most pages may be made again: read every body once, for the workers to share
            for a in site.articles:
                a.body.read()
        spare = before.spare.keys() if before.spare is not None else None
        twin = before.spare is None and not before.out  # no old output to keep as the spare: make one
        if options.cache:
            incremental.claim_spare(cache, out, before)
        written = output.write_site(
            out, files, copies, notes=made, spare=options.cache, spare_files=spare, twin=twin, workers=processes,
            late=late_worker(options, plan, processes, edited, index), held=held.keys(),
        )
        if index:
            index.finish()
    finally:
        if index:
            index.stop()
    made.update((rel, b"") for rel in copied)  # always copied again
    count = len(plan) if edited is None else before.pages
    if options.cache:
        order = tuple(a.content_key for a in site.articles)
        incremental.remember(cache, out, incremental.Previous(made, made if twin else before.out, under, count, order, around))
    return Report(written.files, written.made, count, len(site.articles), len(site.people), len(site.tags), 0.0, tuple(problems))


def check(options: Options) -> list[Problem]:
    """Everything the build validates, writing nothing."""
    config = configure(options)
    try:
        site, problems = load(options, config)
    except BuildFailed as failed:
        return list(failed.problems)
    return [*pages.collisions(pages.plan(site)), *problems]

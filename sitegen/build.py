"""The build, as a table of contents. ``sitegen check`` is the same without the last step."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from . import annotation, content, feeds, output, pages, render, schema, search
from .config import Config, load_config
from .errors import BuildFailed, Problem, strict
from .site import Site, resolve, search_documents


@dataclass(frozen=True)
class Options:
    root: Path
    out: Path | None = None  # default: the config's output folder under root
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    search: bool = True
    today: date | None = None  # for "date in the future" warnings; None skips them


@dataclass(frozen=True)
class Report:
    files: int
    pages: int
    articles: int
    people: int
    tags: int
    seconds: float
    warnings: tuple[Problem, ...]


def configure(options: Options) -> Config:
    config = load_config(options.root)
    return replace(config, base_url=options.base_url) if options.base_url else config


def load(options: Options, config: Config) -> tuple[Site, list[Problem]]:
    """Read, validate and resolve everything; raise BuildFailed listing every error."""
    archive = content.load_archive(options.root, options.today)
    site, problems = resolve(archive, config, drafts=options.drafts, anchor=annotation.anchor)
    problems = [*archive.problems, *problems]
    if options.strict:
        problems = strict(problems)
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)
    return site, problems


def outputs(options: Options, site: Site, progress: Callable[[Iterator], Iterator] = iter) -> Iterator[tuple[str, bytes]]:
    """Every generated file as (output path, bytes), in a fixed order; pure but for template reads."""
    env = render.environment(options.root, site)
    plan = list(pages.plan(site))
    r = site.routes
    if options.search:
        index = search.build_search(search_documents(site))
        env.globals["search_manifest_url"] = r.base_path + index.manifest_url.lstrip("/")
        yield from sorted(index.files.items())
        yield from sorted(search.vendor_files(options.root).items())
    else:
        env.globals["search_manifest_url"] = ""
    for page in progress(plan):
        yield r.output_path(page.url), render.render_page(env, page)
    yield from feeds_of(site)
    yield from annotation_files(site)
    yield "sitemap.xml", feeds.sitemap(site, plan)
    yield "robots.txt", feeds.robots(site)
    yield "schemas/article.schema.json", render.jsonld(schema.article_json_schema(r.absolute(r.base_path + "schemas/article.schema.json"))).encode() + b"\n"


def feeds_of(site: Site) -> Iterator[tuple[str, bytes]]:
    r, arts, title = site.routes, site.articles, site.config.title
    yield r.output_path(r.feed_for("home")), feeds.atom(site, title, r.feed_for("home"), r.url_for("home"), arts)
    for slug, tag in site.tags.items():
        members = [arts[i] for i in site.by_tag.get(slug, ())]
        yield r.output_path(r.feed_for("tag", slug=slug)), feeds.atom(site, f"{tag.name} · {title}", r.feed_for("tag", slug=slug), r.url_for("tag", slug=slug), members)
    for slug, person in site.people.items():
        members = [arts[i] for i in site.by_person.get(slug, ())]
        yield r.output_path(r.feed_for("person", slug=slug)), feeds.atom(site, f"{person.name} · {title}", r.feed_for("person", slug=slug), r.url_for("person", slug=slug), members)


def annotation_files(site: Site) -> Iterator[tuple[str, bytes]]:
    """Per annotated article a W3C Web Annotation collection; the annotations feed."""
    r = site.routes
    for a in site.articles:
        if a.annotations:
            data = annotation.web_annotation_collection(r.absolute(a.url), a.annotations)
            yield r.output_path(a.url) .rsplit("/", 1)[0] + "/annotations.jsonld", render.jsonld(data).encode() + b"\n"
    annotated = [a for a in site.articles if a.annotations]
    feed = r.url_for("annotations") + "feed.xml"
    yield r.output_path(feed), feeds.atom(site, f"Annotations · {site.config.title}", feed, r.url_for("annotations"), annotated)


def static_files(options: Options, config: Config) -> list[tuple[str, Path]]:
    """Theme static files under static/, then the archive's content/static/ at the root."""
    found = []
    theme_static = render.theme_dir(options.root, config.theme) / "static"
    for base, prefix in ((theme_static, "static/"), (options.root / "content" / "static", "")):
        if base.is_dir():
            found += [(prefix + p.relative_to(base).as_posix(), p) for p in sorted(base.rglob("*")) if p.is_file()]
    return found


def build(options: Options, progress: Callable[[Iterator], Iterator] = iter) -> Report:
    started = time.perf_counter()
    config = configure(options)
    site, problems = load(options, config)
    out = options.out or options.root / config.output
    files = output.write_site(out, outputs(options, site, progress), static_files(options, config))
    n_pages = sum(1 for _ in pages.plan(site))
    return Report(files, n_pages, len(site.articles), len(site.people), len(site.tags), time.perf_counter() - started, tuple(problems))


def check(options: Options) -> list[Problem]:
    """Everything the build validates, writing nothing."""
    config = configure(options)
    try:
        _, problems = load(options, config)
    except BuildFailed as failed:
        return list(failed.problems)
    return problems

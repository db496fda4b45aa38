"""The page plan: every HTML page of the site as (URL, template candidates, context); pure."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property, partial
from typing import NamedTuple

from markupsafe import Markup

from . import annotation, chart, citation, dataset, history, jsonld, redirects
from .errors import Problem
from .model import AnchoredAnnotation, Article, Card, Person
from .schema import KINDS
from .site import Site


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    prev_url: str | None
    next_url: str | None
    first_url: str


@dataclass(frozen=True)
class Page:
    url: str  # site-absolute path
    templates: tuple[str, ...]  # most specific first
    context: dict = field(compare=False)
    lastmod: datetime | None = None
    in_sitemap: bool = True


@dataclass(frozen=True)
class Derived:
    """A context value made only when its page is rendered, from what the page's
    fingerprint already covers (its other context values, the config): it is left out
    of the fingerprint, and a page taken over from the last build never makes it."""

    make: Callable[[], object]


@dataclass(frozen=True)
class Chart:
    """A chart drawn only when a template shows it (most pages of a person do not)."""

    kind: str  # "timeline" (bars with a title and axes) or "sparkline"
    months: Sequence[int]  # per article counted, its chart.month_number (cheap to fingerprint)
    words: chart.Words = field(compare=False, repr=False)  # the site's: see __reduce__
    title: str = ""
    span: tuple[int, int] | None = None  # first and last month drawn, when not the counts' own

    @cached_property
    def svg(self) -> Markup:
        # The counts per month are not kept: over the archive's span, ~120 (month, count) pairs a
        # chart, they held ~20 MB in each process of a build at 10k articles, once drawn.
        counts = chart.counts_by_month(self.months, self.span)
        if self.kind == "sparkline":  # read in a table row: its figures are its text alternative
            return Markup(chart.sparkline_svg(counts, chart.describe(self.words, counts)))
        return Markup(chart.timeline_svg(self.words, counts, self.title) if counts else "")

    def __reduce__(self) -> tuple:
        # Pickled for a page's fingerprint: without the words, which are the site's (the
        # build's key covers them), not the chart's; with them, every sparkline of the people
        # index pickled the catalog and Babel's locale data (~1 s at 120 articles).
        return (Chart, (self.kind, self.months, None, self.title, self.span))

    def __html__(self) -> Markup:
        return self.svg

    def __str__(self) -> str:
        return str(self.svg)

    def __bool__(self) -> bool:
        return bool(self.svg)


def lastmod(articles: Sequence[Article | Card]) -> datetime | None:
    return max((a.lastmod for a in articles), default=None)


def noted(article: Article | Card) -> datetime:
    """When the article's page last changed: the article, or a note on it written or updated since."""
    if not article.annotations:  # most articles: no note to date
        return article.lastmod
    return max([article.lastmod, *filter(None, map(annotation.changed, article.annotations))])


def paginate(
    site: Site, kind: str, articles: Sequence, templates: tuple[str, ...], context: dict,
    *, key: str = "articles", when: Callable[[Sequence], datetime | None] = lastmod, **values: str,
) -> Iterator[Page]:
    """Listing pages of ``paginate`` articles (or other items: ``key`` names them in the
    context, ``when`` dates a page of them) each: the first at the kind's URL, then /page/N/."""
    size = site.config.paginate
    pages = max(1, -(-len(articles) // size))
    for n in range(1, pages + 1):
        chunk = articles[(n - 1) * size : n * size]
        url = site.routes.url_for(kind, page=n, **values)
        pagination = Pagination(
            page=n,
            pages=pages,
            prev_url=site.routes.url_for(kind, page=n - 1, **values) if n > 1 else None,
            next_url=site.routes.url_for(kind, page=n + 1, **values) if n < pages else None,
            first_url=site.routes.url_for(kind, **values),
        )
        yield Page(url, templates, {**context, key: chunk, "pagination": pagination}, when(chunk))


def cards_of(site: Site) -> list[Card]:
    """What listings show of each article, in the site's order."""
    return [Card.of(a) for a in site.articles]


def plan(site: Site, cards: list[Card] | None = None) -> Iterator[Page]:
    """Every page, in a fixed order; ``cards`` are the site's, when already made. The
    listings come before the article pages: a build that makes its pages alone until the
    search child is done renders every card once, before a worker joins it (which then
    takes a share of the article pages, with the cards it inherits)."""
    cards = cards_of(site) if cards is None else cards
    yield from paginate(site, "home", cards, ("index.html",), {"feed_url": site.routes.feed_for("home")})
    yield from _listings(site, cards)
    for text_page in site.text_pages:
        yield Page(text_page.url, (f"text_page-{text_page.slug}.html", "text_page.html"), {"text_page": text_page}, None)
    yield from article_pages(site, cards)
    named = [("tag", t) for t in site.tags.values()] + [("source", t) for t in site.sources.values()] if site.config.moved_from else []
    titles = {site.routes.url_for(kind, slug=term.slug): term.name for kind, term in named}  # for the config's moves
    for move in redirects.moves(site.routes, site.articles, site.people.values(), site.config, titles):
        yield Page(move.url, ("moved.html",), {"move": move}, None, in_sitemap=False)


def article_pages(site: Site, cards: list[Card], only: Collection[str] | None = None) -> Iterator[Page]:
    """Each article's own page, newest first, or only those of the ``only`` URLs: the only
    pages an edited body changes (see ``Card``), so a build after body edits alone plans no others."""
    arts = site.articles
    for i, a in enumerate(arts):
        if only is not None and a.url not in only:
            continue
        yield Page(
            a.url,
            (f"article-{a.slug}.html", "article.html"),
            {
                "article": a,
                "people": [site.people[s] for s in a.people],
                "outlet": site.entries.get(("source", a.source.slug)) if a.source else None,  # its JSON-LD's publisher reads it
                "newer": cards[i - 1] if i > 0 else None,
                "older": cards[i + 1] if i + 1 < len(arts) else None,
                "jsonld_data": Derived(partial(_news_article, site, a)),  # from the article, its people, the config
                "revisions": Derived(partial(history.revisions, a.file)),
                "citation": Derived(partial(citation.cite, site, a)),  # from the article and the config
            },
            noted(a),
        )


def _listings(site: Site, cards: list[Card]) -> Iterator[Page]:
    newest = lastmod(cards)
    r = site.routes
    yield from _people(site, cards, newest)
    for kind, index_kind, terms, groups in (
        ("tag", "tags", site.tags, site.by_tag),
        ("source", "sources", site.sources, site.by_source),
    ):
        counts = [(t, len(groups.get(slug, ()))) for slug, t in terms.items()]
        described = {slug: entry.description for (of, slug), entry in site.entries.items() if of == kind and entry.description}
        yield Page(r.url_for(index_kind), (f"{index_kind}.html", "terms.html"), {"kind": kind, "terms": counts, "descriptions": described}, newest)
        for slug, term in terms.items():
            members = [cards[i] for i in groups.get(slug, ())]
            feed = r.feed_for(kind, slug=slug)
            title = site.words.text("chart_tag" if kind == "tag" else "chart_outlet", name=term.name)
            timeline = Derived(cache(partial(_timeline, site, members, title)))  # from the cards the context holds
            entry = site.entries.get((kind, slug))  # what the archive says of it, if it has its file
            jsonld_data = Derived(partial(jsonld.term_page, site, kind, term))  # from the term and its entry
            ctx = {"kind": kind, "term": term, "entry": entry, "all_articles": members, "feed_url": feed, "timeline": timeline, "jsonld_data": jsonld_data}
            yield from paginate(site, kind, members, (f"{kind}-{slug}.html", f"{kind}.html", "term.html"), ctx, slug=slug)
    yield from _archive(site, cards, newest)
    yield Page(r.url_for("search"), ("search.html",), {}, None)
    yield from _annotations(site, cards)
    if site.config.data:
        yield _data(site, cards, newest)
    yield Page(r.base_path + "404.html", ("404.html",), {}, None, in_sitemap=False)


def _data(site: Site, cards: Sequence[Card], newest: datetime | None) -> Page:
    """The page of the archive's data (dataset.py): its tables, with how many rows each holds."""
    rows = dataset.row_counts(site, cards)
    tables = [(t.name, t.file, rows[t.name]) for t in dataset.TABLES]
    changed = dataset.last_changed(cards, newest)
    return Page(site.routes.url_for("data"), ("data.html",), {"tables": tables, "package": dataset.PACKAGE, "jsonld_data": jsonld.dataset(site, cards, changed)}, changed)


def _annotations(site: Site, cards: Sequence[Card]) -> Iterator[Page]:
    """Every note, newest first, at /annotations/, and those of each kind at
    /annotations/<kind>/: paginated as any listing (years of notes are thousands), each
    with its feed. A kind's page is there before its first note, so readers can follow a
    corrections log that has nothing to correct yet."""
    r = site.routes
    entries = annotation.index_entries(c for c in cards if c.annotations)
    listings = notes_listings(entries)
    kinds = tuple((kind, len(listed), r.url_for(permalink, **values)) for kind, permalink, values, listed in listings[1:])
    for kind, permalink, values, listed in listings:
        tally = annotation.rating_tally(item for _, item in listed) if kind == "fact-check" else ()
        ctx = {"kind": kind, "kinds": kinds, "total": len(entries), "tally": tally, "feed_url": r.feed_for(permalink, **values)}
        templates = (f"annotations-{kind}.html", "annotations.html") if kind else ("annotations.html",)
        yield from paginate(site, permalink, listed, templates, ctx, key="entries", when=_newest_noted, **values)


def notes_listings(entries: Sequence[tuple[object, AnchoredAnnotation]]) -> list[tuple[str | None, str, dict[str, str], list]]:
    """The listings of notes, every note's first, then each kind's: (the kind, none for every
    note; its permalink kind and values; its entries, in the order given). Their pages here,
    their feeds in build.annotation_files."""
    every: list = [(None, "annotations", {}, list(entries))]
    return every + [(kind, "annotation_kind", {"slug": kind}, [e for e in entries if e[1].annotation.kind == kind]) for kind in KINDS]


def _newest_noted(entries: Sequence[tuple[Card, AnchoredAnnotation]]) -> datetime | None:
    """When a page of notes last changed: its newest note, or an article it names if changed later."""
    return max((max(card.lastmod, annotation.changed(item) or card.lastmod) for card, item in entries), default=None)


def collisions(pages: Iterable[Page]) -> list[Problem]:
    """Two pages wanting one URL (say a person whose slug is a fixed page's name): an error, never an overwrite,
    on the file each page is made from (both, so check --changed-since keeps it), naming the other."""
    pages = list(pages)
    files = {p.url: p.context["article"].file for p in pages if "article" in p.context}
    owner: dict[str, Page] = {}
    problems = []
    for page in pages:
        first = owner.setdefault(page.url, page)
        if first is page:
            continue
        sides = sorted([_made_from(first, files), _made_from(page, files)])
        moved = ("move" in first.context) + ("move" in page.context)
        fix = ("rename one", "a page is there now: remove it from moved_from", "keep it in one moved_from")[moved]
        message = f"{page.url} is wanted by two pages: {sides[0][2]} and {sides[1][2]}; {fix}"
        problems += [Problem(path, line, "url", message) for path, line, _ in sides if path]
        if not any(path for path, _, _ in sides):  # two of the site's own pages: the config's permalinks
            problems.append(Problem("site", 0, "url", message))
    return problems


def _made_from(page: Page, files: dict) -> tuple[str, int, str]:
    """The file (path, line; none for the site's own pages) a page comes from, and its description."""
    ctx = page.context
    if "article" in ctx:
        path = ctx["article"].file.path
        return path, 1, f"the article {path}"
    if "move" in ctx:
        move = ctx["move"]
        return move.path, move.line, f"the moved_from of {move.path} (line {move.line})"  # the line tells two entries of one file apart
    if "text_page" in ctx:
        path = ctx["text_page"].path
        return path, 1, f"the page {path}"
    person, term, entry = ctx.get("person"), ctx.get("term"), ctx.get("entry")
    if person is not None and person.path:
        return person.path, 1, f"the person {person.path}"
    if entry is not None:
        return entry.path, 1, f"the {'tag' if ctx['kind'] == 'tag' else 'outlet'} {entry.path}"
    members = ctx.get("all_articles") or ()
    used = files.get(members[0].url) if members else None
    if used is not None and (person is not None or term is not None):
        field = "people" if person is not None else "tags" if ctx["kind"] == "tag" else "source.name"
        what = f"the person {person.name!r}" if person is not None else f"the {'tag' if ctx['kind'] == 'tag' else 'outlet'} {term.name!r}"
        line = used.field_lines.get(field, used.field_lines.get(field.split(".")[0], 1))
        return used.path, line, f"{what} of {used.path}"
    return "", 0, f"the site's page {page.templates[-1]}"


LETTER_LINKS_FROM = 40  # people on the A-Z index before it offers a link to each initial


def initials(rows: Sequence[tuple[Person, int]]) -> dict[str, str]:
    """The slug of the first person (A-Z) under each initial, and the initial ("Ö", "Ш"): a
    long index's jump links. None for a short one, which a phone scrolls through quickly."""
    if len(rows) < LETTER_LINKS_FROM:
        return {}
    first: dict[str, str] = {}  # initial -> slug
    for person, _ in rows:
        if letter := unicodedata.normalize("NFC", person.name.strip()[:1]).upper():
            first.setdefault(letter, person.slug)
    return {slug: letter for letter, slug in first.items()}


def _people(site: Site, cards: Sequence[Card], newest: datetime | None) -> Iterator[Page]:
    r = site.routes
    rows = [(p, len(site.by_person.get(slug, ()))) for slug, p in site.people.items()]
    months = [chart.month_number(c.date) for c in cards]
    # Every sparkline over the archive's months: one mention is a peak in its month, not a
    # line along the top, and the rows can be compared in time.
    span = (min(months), max(months)) if months else None
    sparklines = {slug: Chart("sparkline", [months[i] for i in site.by_person.get(slug, ())], site.words, span=span) for slug in site.people}
    by_mentions = sorted(rows, key=lambda row: (-row[1], row[0].name.casefold(), row[0].slug))
    for kind, ordered in (("people", rows), ("people_by_mentions", by_mentions)):
        ctx = {"rows": ordered, "sparklines": sparklines, "sort": kind, "initials": initials(ordered) if kind == "people" else {}}
        yield Page(r.url_for(kind), ("people.html",), ctx, newest)
    for slug, person in site.people.items():
        members = [cards[i] for i in site.by_person.get(slug, ())]
        # The Derived values come from the person and the cards of their articles (and the
        # config), so a page's fingerprint need not hash them; each is made once, if a
        # page of the person is rendered. ``together`` shows other people: it stays.
        title = site.words.text("chart_person", name=person.name)
        noted = cache(partial(annotation.index_entries, members))  # sorted once, for the notes and the claims, if shown
        ctx = {
            "person": person,
            "all_articles": members,
            "together": _together(site, slug, members),
            "top_tags": Derived(cache(partial(_top_tags, site, members))),
            "feed_url": r.feed_for("person", slug=slug),
            "jsonld_data": Derived(cache(partial(jsonld.profile_page, site, person))),
            "timeline": Derived(cache(partial(Chart, "timeline", sparklines[slug].months, site.words, title))),
            "notes": Derived(cache(partial(_newest_notes, noted))),
            "notes_total": Derived(cache(partial(_notes_total, members))),
            "tally": Derived(cache(partial(_tally, members))),
            "claims": Derived(cache(partial(_claims, slug, noted))),
        }
        yield from paginate(site, "person", members, (f"person-{slug}.html", "person.html"), ctx, slug=slug)


def _together(site: Site, slug: str, members: Sequence[Card]) -> list[tuple[object, int]]:
    """The ten people most often in the same articles as ``slug``."""
    together = Counter(s for a in members for s in a.people if s != slug)
    return [(site.people[s], n) for s, n in sorted(together.items(), key=lambda kv: (-kv[1], kv[0]))[:10]]


def _top_tags(site: Site, members: Sequence[Card]) -> list[tuple[object, int]]:
    tags = Counter(t.slug for a in members for t in a.tags)
    return [(site.tags[s], n) for s, n in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:10]]


PERSON_NOTES = 20  # the newest notes on a person's page: one mentioned for years has hundreds


def _newest_notes(noted: Callable[[], list]) -> list:
    return noted()[:PERSON_NOTES]


def _notes_total(members: Sequence[Card]) -> int:
    return sum(len(a.annotations) for a in members)


def _tally(members: Sequence[Card]) -> object:
    return annotation.rating_tally(n for a in members for n in a.annotations)


class Claims(NamedTuple):
    """The fact-checks of a person's own claims (those naming them as claimant)."""

    newest: list[tuple[Card, AnchoredAnnotation]]  # the newest PERSON_NOTES
    total: int
    tally: tuple[tuple[str, int], ...]  # of all their ratings, worst first


def _claims(slug: str, noted: Callable[[], list]) -> Claims:
    """A person's claims, fact-checked: a claimant is one of the article's people, so each is
    among the notes on the articles naming them (``noted``, newest first)."""
    theirs = [(card, item) for card, item in noted() if item.annotation.claimant_person and item.annotation.claimant_person.slug == slug]
    return Claims(theirs[:PERSON_NOTES], len(theirs), annotation.rating_tally(item for _, item in theirs))


def _archive(site: Site, cards: Sequence[Card], newest: datetime | None) -> Iterator[Page]:
    r = site.routes
    years: dict[int, dict[int, list[Card]]] = defaultdict(lambda: defaultdict(list))
    for c in cards:
        years[c.date.year][c.date.month].append(c)
    summary = [(y, sum(len(m) for m in months.values())) for y, months in sorted(years.items(), reverse=True)]
    yield Page(r.url_for("archive"), ("archive.html",), {"years": summary}, newest)
    # Newest first at every level, as the archive index and every listing; each year and
    # month links the next one with articles either way (a gap is skipped, not a dead end).
    in_order = [y for y, _ in summary]
    all_months = [(y, m) for y in in_order for m in sorted(years[y], reverse=True)]
    place = {ym: j for j, ym in enumerate(all_months)}
    for i, y in enumerate(in_order):
        months = years[y]
        yyyy = f"{y:04d}"
        month_rows = [(m, len(months[m])) for m in sorted(months, reverse=True)]
        all_year = [a for m in sorted(months, reverse=True) for a in months[m]]
        ctx = {"year": y, "months": month_rows, "newer": _at(in_order, i - 1), "older": _at(in_order, i + 1)}
        yield Page(r.url_for("year", yyyy=yyyy), ("year.html",), ctx, lastmod(all_year))
        for m in sorted(months):  # the plan (and the sitemap) keeps its order: oldest month first
            j = place[y, m]
            ctx = {"year": y, "month": m, "newer": _at(all_months, j - 1), "older": _at(all_months, j + 1)}
            yield from paginate(site, "month", months[m], ("month.html",), ctx, yyyy=yyyy, mm=f"{m:02d}")


def _at(items: Sequence, i: int) -> object:
    return items[i] if 0 <= i < len(items) else None


def _timeline(site: Site, articles: Sequence[Card], title: str) -> Chart:
    return Chart("timeline", [chart.month_number(a.date) for a in articles], site.words, title)


def _news_article(site: Site, article: Article) -> dict:
    publisher = {"@type": "Organization", "name": site.config.title, "url": site.config.base_url}
    claims = jsonld.claim_reviews(site.routes.absolute(article.url), article.annotations, publisher, site.config.license_url,
                                  person=partial(jsonld.person_node, site), appearances=jsonld.original(site, article))
    return jsonld.news_article(site, article, claims)

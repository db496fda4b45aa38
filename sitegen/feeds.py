"""Atom feeds (RFC 4287) and the sitemap, written with ElementTree so they are always well-formed
(the characters XML cannot hold at all are refused when the files are read: ``frontmatter.CONTROL``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime
from functools import partial

from markupsafe import Markup, escape

from . import annotation
from .cache import digest
from .incremental import Product
from .model import AnchoredAnnotation, Annotation, Article
from .pages import Page
from .site import Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # an archive without a single dated article: no truer date exists


def as_of(site: Site) -> datetime:
    """The archive's newest date: the ``updated`` of a feed with no entries (Atom requires one),
    which is as it was when the archive last changed. Never the clock: builds are reproducible."""
    return max((a.lastmod for a in site.articles), default=_EPOCH)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _feed(site: Site, title: str, feed_url: str, page_url: str, updated: datetime, subtitle: str = "") -> ET.Element:
    """A feed's head; ``subtitle``, what its page is about (a person's or an entry's description), else the site's."""
    r = site.routes
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": site.config.language})
    _sub(feed, "id", r.absolute(feed_url))
    _sub(feed, "title", title)
    if subtitle := subtitle or site.config.description:
        _sub(feed, "subtitle", subtitle)
    _sub(feed, "updated", updated.isoformat())
    _sub(feed, "link", rel="self", type="application/atom+xml", href=r.absolute(feed_url))
    _sub(feed, "link", rel="alternate", type="text/html", href=r.absolute(page_url))
    _sub(_sub(feed, "author"), "name", site.config.title)
    _sub(feed, "generator", "sitegen")
    return feed


def atom(site: Site, title: str, feed_url: str, page_url: str, articles: Sequence[Article], empty: datetime = _EPOCH, subtitle: str = "") -> bytes:
    """A feed of the newest articles; ``updated`` comes from the content (``empty`` when it
    has none: see ``as_of``), never the clock."""
    r = site.routes
    entries = list(articles[:FEED_SIZE])
    feed = _feed(site, title, feed_url, page_url, max((a.lastmod for a in entries), default=empty), subtitle)
    for a in entries:
        url = r.absolute(a.url)
        entry = _sub(feed, "entry", **{"xml:base": url})  # the body's "#annotation-1" is the article's
        if language := site.own_language(a):  # its title, summary and text: as on its page
            entry.set("xml:lang", language)
        _sub(entry, "id", url)
        _sub(entry, "title", a.title)
        _sub(entry, "updated", a.lastmod.isoformat())
        _sub(entry, "published", a.date.isoformat())
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        if a.source and a.file.source and a.file.source.url:
            _sub(entry, "link", rel="related", href=a.file.source.url, title=a.source.name)
        if a.source and a.file.source and a.file.source.archived:  # where the original can still be read
            _sub(entry, "link", rel="related", href=a.file.source.archived, title=f"{a.source.name} ({site.words.text('archived_copy')})")
        _sub(_sub(entry, "author"), "name", a.source.name if a.source else site.config.title)
        for t in a.tags:
            _sub(entry, "category", term=t.slug, label=t.name)
        _sub(entry, "summary", a.summary, type="text")
        _sub(entry, "content", a.body_html, type="html")
    ET.indent(feed)
    return _xml(feed)


def annotation_atom(site: Site, title: str, feed_url: str, page_url: str, entries: Sequence[tuple[Article, AnchoredAnnotation]], empty: datetime = _EPOCH) -> bytes:
    """A feed of the notes last written or updated (``annotation.latest_changes`` gives them
    newest first), one entry each, dated by the note: a fact-check added to an old article, or
    updated today, is news."""
    r = site.routes
    entries = entries[:FEED_SIZE]
    feed = _feed(site, title, feed_url, page_url, max((annotation.last_change(a, item) for a, item in entries), default=empty))
    if terms := site.config.license:  # the notes are the archive's; an article feed's texts are their outlets'
        # In words, not RFC 4946's link: each entry quotes its outlet, which a link would claim too.
        _sub(feed, "rights", site.words.text("license_rights", license=terms.title))
    for a, item in entries:
        note = item.annotation
        url = r.absolute(a.url)
        label = site.words.text(f"kind_{note.kind}")
        rating = f" ({site.words.text(f'rating_{note.rating}')})" if note.rating else ""
        entry = _sub(feed, "entry", **{"xml:base": url})
        _sub(entry, "id", f"{url}#note-{entry_name(note)}")
        _sub(entry, "title", f"{label}{rating}: {a.title}")
        _sub(entry, "updated", annotation.last_change(a, item).isoformat())
        if note.updated and (first := annotation.written(item)):
            _sub(entry, "published", first.isoformat())
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{url}#{item.anchor}")
        _sub(_sub(entry, "author"), "name", note.author or site.config.title)
        _sub(entry, "category", term=note.kind, label=label)
        _sub(entry, "summary", site.words.text("quoted", quote=note.quote), type="text")
        _sub(entry, "content", _note_html(site, a, item, label + rating), type="html")
    ET.indent(feed)
    return _xml(feed)


def entry_name(note: Annotation) -> str:
    """What names a note's feed entry in its article: its ``id`` if the editor gave one, which
    outlives a corrected quote; else a hash of its quote and context. Not its number, which
    an earlier note added to the article would change."""
    return note.id or digest(note.quote.encode(), note.prefix.encode(), note.suffix.encode()).hex()[:16]


def _note_html(site: Site, a: Article, item: AnchoredAnnotation, label: str) -> str:
    note = item.annotation
    article = Markup('<a href="#{}">{}</a>').format(item.passage, a.title)
    html = [
        f"<p>{site.words.markup('note_on', label=Markup('<strong>{}</strong>').format(label), article=article)}</p>",
        f"<blockquote><p>{escape(note.quote)}</p></blockquote>",
        *([f"<p>{site.words.markup('claim_by', name=_claimant(site, note))}</p>"] if note.claimant else []),
        item.note_html,  # rendered from Markdown, raw HTML off
    ]
    if note.updated:  # the entry is back on top: say why
        html.append(f"<p>{escape(site.words.text('note_updated', date=site.words.date(note.updated)))}</p>")
    if note.sources:
        html.append(f"<p>{escape(site.words.text('sources', count=len(note.sources)))}</p><ul>" + "".join(f'<li><a href="{escape(u)}">{escape(u)}</a></li>' for u in note.sources) + "</ul>")
    return "".join(html)


def _claimant(site: Site, note: Annotation) -> str | Markup:
    """Who made a fact-checked claim: a link to their page, if the article names them."""
    if person := note.claimant_person:
        return Markup('<a href="{}">{}</a>').format(site.routes.absolute(site.routes.url_for("person", slug=person.slug)), person.name)
    return note.claimant or ""


def sitemap(site: Site, pages: Sequence[Page]) -> bytes:
    urlset = ET.Element("urlset", {"xmlns": SITEMAP})
    for page in pages:
        if not page.in_sitemap:
            continue
        url = _sub(urlset, "url")
        _sub(url, "loc", site.routes.absolute(page.url))
        if page.lastmod:
            _sub(url, "lastmod", page.lastmod.isoformat())
    ET.indent(urlset)
    return _xml(urlset)


def _xml(root: ET.Element) -> bytes:
    """The document as UTF-8 with its declaration. Serialized as text, then encoded once:
    with an encoding, ElementTree encodes each of its (a million at 10k articles) writes."""
    text = ET.tostring(root, encoding="unicode")
    return _DECLARATION + text.encode("utf-8", "xmlcharrefreplace") + b"\n"  # as ElementTree's own encoder


_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"


def robots(site: Site) -> bytes:
    lines = ["User-agent: *", "Disallow: /" if site.config.noindex else "Allow: /"]
    lines.append(f"Sitemap: {site.routes.absolute(site.routes.base_path + 'sitemap.xml')}")
    return ("\n".join(lines) + "\n").encode()


OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


def opensearch(site: Site) -> bytes:
    """An OpenSearch description: browsers offer the archive's search from their address bar."""
    r, config = site.routes, site.config
    root = ET.Element("OpenSearchDescription", {"xmlns": OPENSEARCH})
    _sub(root, "ShortName", short_name(config.title))
    _sub(root, "Description", site.words.text("opensearch_description", site=config.title))
    _sub(root, "InputEncoding", "UTF-8")
    _sub(root, "Image", r.absolute(r.base_path + "favicon.ico"), width="16", height="16", type="image/x-icon")
    _sub(root, "Url", type="text/html", method="get", template=r.absolute(r.url_for("search")) + "?q={searchTerms}")
    _sub(root, "Url", type="application/opensearchdescription+xml", rel="self", template=r.absolute(r.base_path + "opensearch.xml"))
    ET.indent(root)
    return _xml(root)


def short_name(title: str) -> str:
    """The title within OpenSearch's 16 characters, cut after a whole word where one fits."""
    if len(title) <= 16:
        return title
    cut = title[:17].rsplit(" ", 1)[0].rstrip(" ,;:·–—-")
    return cut if 0 < len(cut) <= 16 else title[:16]


def all_feeds(site: Site, showing: Collection[str] | None = None) -> Iterator[tuple[str, Product]]:
    """The home feed, then one per tag, per outlet and per person; given ``showing`` (article
    URLs), only the feeds with one of those articles among their entries."""
    r, arts, title = site.routes, site.articles, site.config.title
    empty = as_of(site)
    about = {key: entry.description for key, entry in site.entries.items() if entry.description}
    feeds = [("home", {}, title, arts[:FEED_SIZE], "")]
    feeds += [("tag", {"slug": slug}, f"{tag.name} · {title}", [arts[i] for i in site.by_tag.get(slug, ())[:FEED_SIZE]], about.get(("tag", slug), ""))
              for slug, tag in site.tags.items()]
    feeds += [("source", {"slug": slug}, f"{outlet.name} · {title}", [arts[i] for i in site.by_source.get(slug, ())[:FEED_SIZE]], about.get(("source", slug), ""))
              for slug, outlet in site.sources.items()]
    feeds += [("person", {"slug": slug}, f"{p.name} · {title}", [arts[i] for i in site.by_person.get(slug, ())[:FEED_SIZE]], p.description)
              for slug, p in site.people.items()]
    for kind, values, name, members, subtitle in feeds:
        if showing is None or any(a.url in showing for a in members):
            yield r.output_path(r.feed_for(kind, **values)), product(site, name, r.feed_for(kind, **values), r.url_for(kind, **values), members, empty, subtitle)


def annotation_product(site: Site, title: str, feed_url: str, page_url: str, entries: Sequence[tuple[Article, AnchoredAnnotation]], empty: datetime = _EPOCH) -> Product:
    newest = tuple(entries[:FEED_SIZE])
    read = tuple((a.url, a.title, a.date, item) for a, item in newest)  # not the articles' bodies
    since = () if newest else (empty,)
    return Product(("annotation atom", title, feed_url, page_url, read, *since), partial(annotation_atom, site, title, feed_url, page_url, newest, empty))


def product(site: Site, title: str, feed_url: str, page_url: str, articles: Sequence[Article], empty: datetime = _EPOCH, subtitle: str = "") -> Product:
    """A feed reads only its newest entries and its subtitle (and the config, in the build's
    key); an empty one, the archive's newest date (only then: a new article leaves the
    others' keys alone)."""
    newest = tuple(articles[: FEED_SIZE])
    since = () if newest else (empty,)
    return Product(("atom", title, subtitle, feed_url, page_url, newest, *since), partial(atom, site, title, feed_url, page_url, newest, empty, subtitle))

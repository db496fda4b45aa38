"""JSON-LD: schema.org for article, person, tag, outlet and data pages (with each
fact-check's ClaimReview), and the W3C Web Annotation collection of an article's notes; pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from urllib.parse import urljoin

from . import annotation
from . import dataset as data_tables
from .model import AnchoredAnnotation, Article, Card, Person, Term
from .schema import RATINGS
from .site import Site


def person_id(site: Site, slug: str) -> str:
    return site.routes.absolute(site.routes.url_for("person", slug=slug)) + "#person"


def news_article(site: Site, article: Article, claim_reviews: list[dict] | None = None) -> dict:
    """NewsArticle whose about/mentions point at the person pages' @ids."""
    f = article.file
    url = site.routes.absolute(article.url)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url + "#article",
        "url": url,
        "mainEntityOfPage": url,
        "headline": f.title,
        "description": article.summary,
        "datePublished": f.date.isoformat(),
        "dateModified": (f.updated or f.date).isoformat(),
        "inLanguage": f.language or site.config.language,
        "keywords": [t.name for t in article.tags],
        "mentions": [{"@id": person_id(site, s), "@type": site.people[s].schema_type, "name": site.people[s].name} for s in article.people],
    }
    if article.people:
        data["about"] = {"@id": person_id(site, article.people[0])}
    if article.image:
        data["image"] = site.routes.absolute(article.image)
    if f.source and article.source:
        data["publisher"] = outlet_node(site, article.source)
        if f.source.archived:  # the original, and where it can still be read
            original = f.source.original
            data["isBasedOn"] = {"@type": "CreativeWork", "archivedAt": f.source.archived, **({"url": original} if original else {})}
        elif f.source.url:
            data["isBasedOn"] = f.source.url
    if f.section:
        data["articleSection"] = f.section
    graph = [data, *(claim_reviews or [])]
    return {"@context": "https://schema.org", "@graph": graph} if claim_reviews else data


def outlet_node(site: Site, outlet: Term) -> dict:
    """An outlet, by its page here (its @id), as its entry names it, and what identifies it
    elsewhere (its entry's links), for search engines to tell it from another of its name."""
    page = site.routes.absolute(site.routes.url_for("source", slug=outlet.slug))
    node: dict = {"@type": "NewsMediaOrganization", "@id": page + "#outlet", "name": outlet.name}
    entry = site.entries.get(("source", outlet.slug))
    if entry and entry.links:
        node["sameAs"] = [u for _, u in entry.links]
    return node


def term_page(site: Site, kind: str, term: Term) -> dict:
    """A tag's or an outlet's page: a collection of the articles about it (or from it)."""
    entry = site.entries.get((kind, term.slug))
    url = site.routes.absolute(site.routes.url_for(kind, slug=term.slug))
    about = outlet_node(site, term) if kind == "source" else {"@type": "Thing", "name": term.name}
    if entry and entry.aliases:
        about["alternateName"] = list(entry.aliases)
    if entry and entry.description:
        about["description"] = entry.description
    if entry and entry.links:  # an outlet's node has them already: the same list
        about["sameAs"] = [u for _, u in entry.links]
    return {"@context": "https://schema.org", "@type": "CollectionPage", "url": url, "name": term.name, "about": about}


def original(site: Site, article: Article) -> list[dict]:
    """The outlet's article a fact-checked claim appeared in, where the archive knows its
    address or has a copy of it: the claim's first appearance, before this archive's copy."""
    source = article.file.source
    if not source or not article.source or not (source.original or source.archived):
        return []
    node: dict = {"@type": "NewsArticle", "headline": article.file.title, "datePublished": article.file.date.isoformat(),
                  "publisher": outlet_node(site, article.source)}
    if source.original:
        node["url"] = source.original
    if source.archived:  # where it can still be read, as the article's isBasedOn says
        node["archivedAt"] = source.archived
    return [node]


def person_node(site: Site, slug: str) -> dict:
    """A person, by their page: its @id, and what identifies them on a page of another (a
    claim's author), since a search engine does not follow the @id there."""
    who = site.people[slug]
    node: dict = {"@type": who.schema_type, "@id": person_id(site, slug), "name": who.name, "url": site.routes.absolute(site.routes.url_for("person", slug=slug))}
    if who.links:
        node["sameAs"] = [u for _, u in who.links]
    return node


def profile_page(site: Site, person: Person) -> dict:
    entity = person_node(site, person.slug)
    if person.aliases:
        entity["alternateName"] = list(person.aliases)
    if person.description:
        entity["description"] = person.description
    return {"@context": "https://schema.org", "@type": "ProfilePage", "url": entity["url"], "mainEntity": entity}


DATASET_KEYWORDS = 20


def dataset(site: Site, cards: Sequence[Card], changed: datetime | None) -> dict:
    """The data page's Dataset: how dataset search engines (Google's) find the tables and
    their terms. ``cards``: newest first; ``changed``: when the data last changed (dataset.last_changed)."""
    r, config, words = site.routes, site.config, site.words
    folder = r.url_for("data")
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{words.text('data_title')} · {config.title}",  # as the page's title
        "description": words.text("data_description") + (" " + words.text("data_license_exception") if config.license else ""),
        "url": r.absolute(folder),
        "inLanguage": config.language,
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": config.title, "url": r.absolute(r.url_for("home"))},
        "distribution": [
            *({"@type": "DataDownload", "name": t.file, "encodingFormat": "text/csv", "contentUrl": r.absolute(folder + t.file)} for t in data_tables.TABLES),
            {"@type": "DataDownload", "name": data_tables.PACKAGE, "encodingFormat": "application/json", "contentUrl": r.absolute(folder + data_tables.PACKAGE)},
        ],
    }
    if changed:
        data["dateModified"] = changed.isoformat()
    if cards:  # the days the first and the last article were published
        data["temporalCoverage"] = f"{cards[-1].date.date()}/{cards[0].date.date()}"
    if site.by_tag:  # what the archive is about: its most used tags, most first (not an entry on no article yet)
        most = sorted(site.by_tag, key=lambda slug: (-len(site.by_tag[slug]), slug))[:DATASET_KEYWORDS]
        data["keywords"] = [site.tags[slug].name for slug in most]
    if config.license:
        data["license"] = config.license.url
    return data


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def web_annotation_collection(article_url_abs: str, anchored: Sequence[AnchoredAnnotation], license_url: str = "") -> dict:
    """A W3C Web Annotation collection, so other tools can re-anchor our notes on the article;
    ``license_url``: the address of the notes' licence, if the archive gives one, on each note's body."""
    items = []
    for item in anchored:
        a = item.annotation
        selector = {"type": "TextQuoteSelector", "exact": a.quote}
        if a.prefix:
            selector["prefix"] = a.prefix
        if a.suffix:
            selector["suffix"] = a.suffix
        motivation = annotation.MOTIVATIONS.get(a.kind, "commenting")
        bodies: list[dict] = [
            {
                "type": "TextualBody",
                "value": item.note_html,
                "format": "text/html",
                "purpose": motivation,
                **({"rights": license_url} if license_url else {}),  # the note, not its target: the passage is its outlet's
            }
        ]
        if a.rating:
            bodies.append(
                {
                    "type": "TextualBody",
                    "value": a.rating,
                    "format": "text/plain",
                    "purpose": "assessing",
                }
            )
        bodies.extend(
            {"type": "SpecificResource", "source": url, "purpose": "linking"} for url in a.sources
        )
        entry: dict = {
            "id": f"{article_url_abs}#{item.anchor}",
            "type": "Annotation",
            "motivation": motivation,
            "body": bodies,
            "target": {"source": article_url_abs, "selector": selector},
        }
        if a.author:
            entry["creator"] = {"type": "Person", "name": a.author}
        if first := annotation.written(item):  # the model's xsd:dateTime in UTC: a day alone is its midnight
            entry["created"] = _utc(first)
        if a.updated and (last := annotation.changed(item)):
            entry["modified"] = _utc(last)
        items.append(entry)
    collection_id = urljoin(article_url_abs, "annotations.jsonld")
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Annotations on {article_url_abs}",
        "total": len(items),
        "first": {
            "id": f"{collection_id}#page-1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def claim_reviews(
    article_url_abs: str, anchored: Sequence[AnchoredAnnotation], publisher: dict, license_url: str = "", *,
    person: Callable[[str], dict], appearances: Sequence[dict] = (),
) -> list[dict]:
    """schema.org ClaimReview for each rated fact-check, for the article page's JSON-LD
    (``license_url``: the notes' licence, if the archive gives one; ``person``: what names a
    person by their page, for a claimant the article names; ``appearances``: where else the
    claim appears, the outlet's original first)."""
    reviews = []
    for item in anchored:
        a = item.annotation
        if a.kind != "fact-check" or a.rating not in annotation.RATING_VALUES:
            continue
        review: dict = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{article_url_abs}#{item.anchor}",
            "claimReviewed": a.quote,
            "itemReviewed": {
                "@type": "Claim",
                "appearance": [*appearances, {"@type": "CreativeWork", "url": article_url_abs}],
            },
            "author": publisher,
            "reviewBody": annotation.note_text(item.note_html),
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": annotation.RATING_VALUES[a.rating],
                "bestRating": len(RATINGS),
                "worstRating": 1,
                "alternateName": a.rating,
            },
        }
        if a.date:
            review["datePublished"] = _iso(a.written_at or a.date)
        if a.claimant_person:  # who made the claim (one not found among the article's people: a name of unknown kind, left out)
            review["itemReviewed"]["author"] = person(a.claimant_person.slug)
        if a.updated and (last := annotation.changed(item)):  # never before it was written (a day alone: that day)
            review["dateModified"] = last.isoformat() if a.updated_at else _iso(a.updated)
        if license_url:
            review["license"] = license_url
        reviews.append(review)
    return reviews

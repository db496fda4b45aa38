"""schema.org JSON-LD for article and person pages; pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from . import dataset as data_tables
from .model import Article, Card, Person
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
        "mentions": [{"@id": person_id(site, s), "@type": "Person", "name": site.people[s].name} for s in article.people],
    }
    if article.people:
        data["about"] = {"@id": person_id(site, article.people[0])}
    if article.image:
        data["image"] = site.routes.absolute(article.image)
    if f.source:
        publisher = {"@type": "NewsMediaOrganization", "name": f.source.name}
        data["publisher"] = publisher
        if f.source.archived:  # the original, and where it can still be read
            original = f.source.original
            data["isBasedOn"] = {"@type": "CreativeWork", "archivedAt": f.source.archived, **({"url": original} if original else {})}
        elif f.source.url:
            data["isBasedOn"] = f.source.url
    if f.section:
        data["articleSection"] = f.section
    graph = [data, *(claim_reviews or [])]
    return {"@context": "https://schema.org", "@graph": graph} if claim_reviews else data


def person(site: Site, slug: str) -> dict:
    """A person named on another page (a claim's author): their page's @id, and what
    identifies them without it (a search engine does not follow the @id to their page)."""
    who = site.people[slug]
    url = site.routes.absolute(site.routes.url_for("person", slug=slug))
    node: dict = {"@type": "Person", "@id": url + "#person", "name": who.name, "url": url}
    if who.links:
        node["sameAs"] = [u for _, u in who.links]
    return node


def profile_page(site: Site, person: Person) -> dict:
    url = site.routes.absolute(site.routes.url_for("person", slug=person.slug))
    entity: dict = {"@type": "Person", "@id": url + "#person", "name": person.name, "url": url}
    if person.aliases:
        entity["alternateName"] = list(person.aliases)
    if person.description:
        entity["description"] = person.description
    if person.links:
        entity["sameAs"] = [u for _, u in person.links]
    return {"@context": "https://schema.org", "@type": "ProfilePage", "url": url, "mainEntity": entity}


DATASET_KEYWORDS = 20


def dataset(site: Site, cards: Sequence[Card], changed: datetime | None) -> dict:
    """The data page's Dataset: how dataset search engines (Google's) find the tables and
    their terms. ``cards``: newest first; ``changed``: when the data last changed."""
    r, config, words = site.routes, site.config, site.words
    folder = r.url_for("data")
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{config.title}: {words.text('data_title')}",
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
    if site.tags:  # what the archive is about: its most used tags, most first
        most = sorted(site.tags, key=lambda slug: (-len(site.by_tag.get(slug, ())), slug))[:DATASET_KEYWORDS]
        data["keywords"] = [site.tags[slug].name for slug in most]
    if config.license:
        data["license"] = config.license.url
    return data

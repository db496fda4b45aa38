"""The archive as data, for researchers: its articles, notes, people and outlets as CSV
tables, and their description as a Frictionless Data Package (``datapackage.json``), which
R, Python and spreadsheet tools read with each column's type; pure.

Made from the cards, the people, the outlets (with their entries) and the config alone (see
``Card``): an edited body leaves every table as it was, so a build after body edits need not
make them.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from . import annotation
from .model import Card
from .site import Site
from .slugs import slugify

PACKAGE = "datapackage.json"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, date, datetime, boolean, array (JSON in the cell)
    description: str
    required: bool = False
    format: str = ""  # "uri" for an address

    def schema(self) -> dict:
        field = {"name": self.name, "type": self.type, "description": self.description}
        if self.format:
            field["format"] = self.format
        if self.required:
            field["constraints"] = {"required": True}
        return field


@dataclass(frozen=True)
class Table:
    name: str  # the resource's name; its file is <name>.csv
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[tuple[str, str, str], ...] = ()  # (column, table, its column)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


ARTICLE = Column("article", "string", "The article's page in this archive (articles.url).", True, "uri")
TABLES = (
    Table("articles", "One row per published article, newest first.", (
        Column("url", "string", "The article's page in this archive.", True, "uri"),
        Column("title", "string", "Headline, as published.", True),
        Column("date", "date", "Day of publication, where the article was published (its own time zone).", True),
        Column("published", "datetime", "Time of publication, in UTC; midnight UTC where the article gives a day alone.", True),
        Column("updated", "datetime", "When the outlet last changed the article, in UTC; empty if it did not say."),
        Column("outlet", "string", "The outlet that published it, by its name (outlets.name)."),
        Column("section", "string", "The outlet's section."),
        Column("language", "string", "Its language, a BCP 47 tag.", True),
        Column("original_url", "string", "The original article at its outlet.", False, "uri"),
        Column("archived_url", "string", "An archived copy of the original (a web archive's snapshot).", False, "uri"),
        Column("summary", "string", "The editor's summary, else the article's first sentences."),
        Column("notes", "integer", "How many notes editors have attached to it (annotations.csv).", True),
    ), ("url",), (("outlet", "outlets", "name"),)),
    Table("tags", "One row per tag of each article.", (
        ARTICLE,
        Column("tag", "string", "The tag, as the archive names it.", True),
        Column("tag_url", "string", "The tag's page in this archive.", True, "uri"),
    ), ("article", "tag"), (("article", "articles", "url"),)),
    Table("mentions", "One row per person (or organization) an article names.", (
        ARTICLE,
        Column("person", "string", "The person's slug (people.slug).", True),
    ), ("article", "person"), (("article", "articles", "url"), ("person", "people", "slug"))),
    Table("people", "One row per person (or organization) with a page: the people registry's, and names found in articles alone.", (
        Column("slug", "string", "The person's identifier in this archive.", True),
        Column("name", "string", "Name, as the archive writes it.", True),
        Column("aliases", "array", "Other spellings, a JSON array."),
        Column("description", "string", "Who they are, in one line."),
        Column("in_registry", "boolean", "Whether the people registry describes them (else: named in articles alone).", True),
        Column("url", "string", "Their page in this archive.", True, "uri"),
        Column("articles", "integer", "How many articles name them.", True),
        Column("type", "string", "person, or organization for a body the registry describes as one.", True),
    ), ("slug",)),
    Table("outlets", "One row per outlet with a page: those an entry describes (content/outlets/), and names found in articles alone.", (
        Column("slug", "string", "The outlet's identifier in this archive.", True),
        Column("name", "string", "Name, as the archive writes it (as articles.csv's outlet).", True),
        Column("aliases", "array", "Other names articles give it, a JSON array."),
        Column("description", "string", "What it is, in one line."),
        Column("entry", "boolean", "Whether the archive describes it, in content/outlets/ (else: named in articles alone).", True),
        Column("url", "string", "Its page in this archive.", True, "uri"),
        Column("articles", "integer", "How many of the archive's articles it published.", True),
    ), ("slug",)),
    Table("annotations", "One row per editor's note on a passage of an article, newest first.", (
        Column("url", "string", "The note's address, on its article's page.", True, "uri"),
        ARTICLE,
        Column("kind", "string", "context, fact-check, correction, translation or note.", True),
        Column("rating", "string", "A fact-check's rating: false, misleading, unproven, mostly-true or true."),
        Column("quote", "string", "The passage it is about, exactly as the article has it.", True),
        Column("note", "string", "The note in Markdown, as the editor wrote it: its links as [text](address).", True),
        Column("sources", "array", "Its sources' addresses, a JSON array."),
        Column("author", "string", "Who wrote it."),
        Column("written", "datetime", "When it was written, in UTC (midnight for a day alone); empty if it does not say."),
        Column("updated", "datetime", "When the editor last changed it, in UTC (midnight for a day alone); empty if never."),
        Column("claimant", "string", "A fact-check's: who made the claim, as the editor wrote it."),
        Column("claimant_person", "string", "The claimant's identifier in people.csv, when the article names them."),
    ), ("url",), (("article", "articles", "url"), ("claimant_person", "people", "slug"))),
)
FILES = (*(t.file for t in TABLES), PACKAGE)  # in the data page's folder


def table(site: Site, cards: Sequence[Card], name: str) -> bytes:
    """One table's CSV (RFC 4180, UTF-8, a header row): each is made on its own, by the
    process that writes it."""
    rows = {  # generators: only the table asked for is made
        "articles": _articles(site, cards),
        "tags": _tags(site, cards),
        "mentions": _mentions(site, cards),
        "people": _people(site),
        "outlets": _outlets(site),
        "annotations": _notes(site, cards),
    }
    (columns,) = [t.columns for t in TABLES if t.name == name]
    return _csv(columns, rows[name])


def row_counts(site: Site, cards: Sequence[Card]) -> dict[str, int]:
    """How many rows each table has, without making it (the data page says)."""
    return {"articles": len(cards), "tags": sum(len(c.tags) for c in cards), "mentions": sum(len(c.people) for c in cards),
            "people": len(site.people), "outlets": len(site.sources), "annotations": sum(len(c.annotations) for c in cards)}


def descriptor(site: Site, cards: Sequence[Card]) -> dict:
    """The Data Package describing the tables: their columns' types, keys and references."""
    config = site.config
    newest = last_changed(cards)
    about = config.description.strip()
    package: dict = {
        "profile": "tabular-data-package",
        "name": slugify(config.title),
        "title": config.title,
        "description": (about + ("" if unicodedata.category(about[-1]) in ("Po", "Pe", "Pf") else ".") + " " if about else "") + _ABOUT,
        "homepage": site.routes.absolute(site.routes.url_for("home")),
    }
    if newest:
        package["created"] = _utc(newest)
    if terms := config.license:  # the archive's own; Frictionless names a licence by its SPDX id
        package["licenses"] = [{**({"name": terms.spdx} if terms.spdx else {}), "path": terms.url, "title": terms.title}]
        package["description"] += f" {terms.title} covers the archive's own work in them, not {_OUTLETS}."
    package["resources"] = [
        {
            "name": table.name,
            "path": table.file,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": table.description,
            "schema": {
                "fields": [column.schema() for column in table.columns],
                **({"primaryKey": list(table.key)} if table.key else {}),
                **({"foreignKeys": [{"fields": column, "reference": {"resource": other, "fields": its}} for column, other, its in table.references]}
                   if table.references else {}),
            },
        }
        for table in TABLES
    ]
    return package


def last_changed(cards: Sequence[Card], newest: datetime | None = None) -> datetime | None:
    """The newest article, or note written or updated: when the data last changed. The same
    content, the same files (never the build's time). ``newest``: the cards' newest lastmod,
    when the caller has it."""
    articles = (newest,) if newest else tuple(c.lastmod for c in cards)
    notes = (when for c in cards for item in c.annotations if (when := annotation.changed(item)))
    return max((*filter(None, articles), *notes), default=None)


_OUTLETS = "the outlets' texts they hold: headlines, summaries taken from the articles, and quoted passages"
_ABOUT = (
    "Made by sitegen from the archive's files. CSV as RFC 4180 writes it, in UTF-8; dates and "
    "times in ISO 8601; a list in one cell as a JSON array. Each text is as the archive has it: "
    "open the tables in a spreadsheet through its import of text files, set to read each column "
    "as text, not by opening the file, which may run a text starting with =, +, - or @ as a formula."
)


def _articles(site: Site, cards: Sequence[Card]) -> Iterable[tuple]:
    language = site.config.language
    for c in cards:
        updated = _utc(c.lastmod) if c.lastmod != c.date else ""
        yield (_url(site, c.url), c.title, c.date.date().isoformat(), _utc(c.date), updated, c.source.name if c.source else "",
               c.section, c.language or language, c.original, c.archived, c.summary, len(c.annotations))


def _tags(site: Site, cards: Sequence[Card]) -> Iterable[tuple]:
    pages = {slug: _url(site, site.routes.url_for("tag", slug=slug)) for slug in site.tags}
    for c in cards:
        page = _url(site, c.url)
        for t in c.tags:
            yield page, t.name, pages[t.slug]


def _mentions(site: Site, cards: Sequence[Card]) -> Iterable[tuple]:
    for c in cards:
        page = _url(site, c.url)
        for slug in c.people:
            yield page, slug


def _people(site: Site) -> Iterable[tuple]:
    for slug, person in sorted(site.people.items()):
        yield (slug, person.name, _array(person.aliases), person.description, "true" if person.in_registry else "false",
               _url(site, site.routes.url_for("person", slug=slug)), len(site.by_person.get(slug, ())), person.type)


def _outlets(site: Site) -> Iterable[tuple]:
    for slug, outlet in site.sources.items():  # A-Z by slug
        entry = site.entries.get(("source", slug))
        yield (slug, outlet.name, _array(entry.aliases if entry else ()), entry.description if entry else "", "true" if entry else "false",
               _url(site, site.routes.url_for("source", slug=slug)), len(site.by_source.get(slug, ())))


def _notes(site: Site, cards: Sequence[Card]) -> Iterable[tuple]:
    for card, item in annotation.index_entries(c for c in cards if c.annotations):
        note = item.annotation
        written = annotation.written(item)
        updated = annotation.changed(item) if note.updated else None
        yield (_url(site, card.url) + "#" + item.anchor, _url(site, card.url), note.kind, note.rating or "", note.quote,
               note.note, _array(note.sources), note.author or "", _utc(written) if written else "", _utc(updated) if updated else "",
               note.claimant or "", note.claimant_person.slug if note.claimant_person else "")


def _csv(columns: Sequence[Column], rows: Iterable[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow([column.name for column in columns])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _array(items: Sequence[str]) -> str:
    """A list in one cell, as Table Schema's array type reads it: no separator to mistake."""
    return json.dumps(list(items), ensure_ascii=False) if items else ""


def _url(site: Site, url: str) -> str:
    return site.routes.absolute(url)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"  # strftime: twice the time

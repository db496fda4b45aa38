"""The front-matter schema: one table that the checker uses and the JSON Schema is made from."""

from __future__ import annotations

from dataclasses import dataclass

PLACEHOLDER = "Write the article text here, in Markdown."  # `sitegen new`'s body: check warns while it is there
KINDS = ("context", "fact-check", "correction", "translation", "note")
RATINGS = ("false", "misleading", "unproven", "mostly-true", "true")
PLACES = ("title", "summary", "body")  # where a note's quote may be, in the page's order
PERSON_TYPES = ("person", "organization")  # what a registry entry is, as schema.org types them


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # one of the keys of _JSON_TYPES, or "choice" / "annotations"
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()


ARTICLE_FIELDS = (
    Field("title", "text", "Headline, as published.", required=True),
    Field("date", "datetime", "Publication date or date-time, ISO 8601; an offset is kept, none means UTC.", required=True),
    Field("updated", "datetime", "When the outlet last changed the article (ISO 8601)."),
    Field("summary", "text", "One or two sentences; otherwise the first paragraph is used."),
    Field("source", "source", "The outlet: name, the http(s) url of the original article, and archived: the http(s) URL of an archived copy of it (a web archive's snapshot)."),
    Field("tags", "list", "Topics; 'Treaty' and 'treaty' are the same tag."),
    Field("people", "list", "People named in the article: registry names, aliases or slugs."),
    Field("image", "image", "The lead image: its path from the site's root when a copy is under content/static/ (e.g. /images/harbour.jpg), else its http(s) URL."),
    Field("language", "language", "BCP 47 language tag, e.g. en or ru; default from the site config."),
    Field("section", "text", "The outlet's section, e.g. News."),
    Field("related", "urls", "http(s) URLs of related articles."),
    Field("moved_from", "paths", "Earlier addresses of this page on the site, as paths from its root (e.g. /articles/2022/01/old-slug/): each keeps working and leads here."),
    Field("draft", "bool", "true keeps the article out of the site unless built with --drafts."),
    Field("annotations", "annotations", "Editors' notes anchored to exact passages of the body, headline or summary."),
    Field("imported", "provenance", "Written by sitegen import: the raw record's file, sha256 and importer."),
    Field("revisions", "revisions", "Earlier texts, kept by sitegen import --update."),
    Field("extra", "mapping", "Anything else, free-form; never an error."),
)

ANNOTATION_FIELDS = (
    Field("quote", "text", "Exact passage the note is about: of the body, unless place says otherwise.", required=True),
    Field("prefix", "text", "Text just before the quote, when the quote occurs more than once."),
    Field("suffix", "text", "Text just after the quote, when the quote occurs more than once."),
    Field("place", "choice", "Where the quote is: body (the default), title (the headline), or summary (one given in the front matter).", choices=PLACES),
    Field("kind", "choice", "What the note is.", required=True, choices=KINDS),
    Field("note", "text", "The note, in Markdown.", required=True),
    Field("rating", "choice", "Fact-checks only, and required there.", choices=RATINGS),
    Field("sources", "urls", "http(s) URLs supporting the note."),
    Field("claimant", "text", "Fact-checks: who made the claim, one of the article's people (a name, an alias or a registry slug): the note links to their page."),
    Field("author", "text", "Who wrote the note."),
    Field("date", "datetime", "When the note was written."),
    Field("updated", "datetime", "When the note was last changed (new evidence, another rating): not before its date, which it needs."),
    Field("id", "name", "Optional, unique in the article (lowercase letters, digits, hyphens): keeps the note's feed entry when its quote is corrected, and its address on the page (#note-<id>) when notes are added before it."),
)

PERSON_FIELDS = (
    Field("name", "text", "The person's name as most often written.", required=True),
    Field("aliases", "list", "Other spellings and names that mean this person."),
    Field("description", "text", "One line, e.g. 'UK Secretary of State for Defence 2019–2023'."),
    Field("links", "links", "Label to http(s) URL, e.g. wikipedia, wikidata."),
    Field("moved_from", "paths", "Earlier addresses of this page on the site, as paths from its root (e.g. /articles/2022/01/old-slug/): each keeps working and leads here."),
    Field("type", "choice", "organization for a body that articles name and claims come from (a ministry, a party, a company); person, the default, otherwise.", choices=PERSON_TYPES),
)

TERM_FIELDS = (
    Field("name", "text", "The name its page and every article show, e.g. 'Russo-Ukrainian War'.", required=True),
    Field("aliases", "list", "Other names articles give it by (in tags, or source.name for an outlet): each is listed under this one."),
    Field("description", "text", "One line about it, under its name and as its page's description."),
    Field("links", "links", "Label to http(s) URL, e.g. website, wikipedia, wikidata."),
)
TERM_FOLDERS = {"tags": "tag", "outlets": "source"}  # content folder -> the kind of page its entries describe

PAGE_FIELDS = (
    Field("title", "text", "The page's title, e.g. 'About this archive'.", required=True),
    Field("summary", "text", "One sentence about the page, for its description."),
    Field("order", "number", "Where the page stands in the footer's list, lowest first (e.g. 1); pages without one follow, A to Z by title."),
)

_JSON_TYPES: dict[str, dict] = {
    "text": {"type": "string", "minLength": 1},
    "datetime": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([T ].*)?$"},
    "url": {"type": "string", "pattern": "^https?://"},
    "image": {"type": "string", "pattern": "^(https?://|/[^/])"},
    "urls": {"type": "array", "items": {"type": "string", "pattern": "^https?://"}},
    "list": {"type": "array", "items": {"type": "string", "minLength": 1}},
    "paths": {"type": "array", "items": {"type": "string", "pattern": "^/[^/]"}},
    "bool": {"type": "boolean"},
    "name": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 64},
    "language": {"type": "string", "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
    "mapping": {"type": "object"},
    "number": {"type": "integer"},
    "links": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^https?://"}},
    "source": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "url": {"type": "string", "pattern": "^https?://"},
            "archived": {"type": "string", "pattern": "^https?://"},
        },
    },
    "provenance": {
        "type": "object",
        "required": ["file", "sha256", "importer"],
        "additionalProperties": False,
        "properties": {k: {"type": "string"} for k in ("file", "sha256", "importer")},
    },
    "revisions": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["date", "body"],
            "additionalProperties": False,
            "properties": {"date": {"type": "string"}, "body": {"type": "string"}, "sha256": {"type": "string"}},
        },
    },
}


def _object(fields: tuple[Field, ...]) -> dict:
    props = {}
    for f in fields:
        if f.type == "annotations":
            spec = {"type": "array", "items": _object(ANNOTATION_FIELDS)}
        elif f.type == "choice":
            spec = {"enum": list(f.choices)}
        else:
            spec = dict(_JSON_TYPES[f.type])
        if not f.required:  # `sitegen new` leaves optional fields empty: null means absent
            spec = {"anyOf": [spec, {"type": "null"}]}
        props[f.name] = {"description": f.doc, **spec}
    return {
        "type": "object",
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
        "properties": props,
    }


def article_json_schema(schema_id: str) -> dict:
    """JSON Schema (draft 2020-12) of article front matter, for editors' YAML support."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": "sitegen article front matter",
        **_object(ARTICLE_FIELDS),
    }

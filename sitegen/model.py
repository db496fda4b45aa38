"""The content model: frozen records that each pipeline stage returns anew.

Relations are held by slug, never by object, so each stage can be tested alone
and a type tells which stage a value comes from:
``ArticleFile`` / ``PersonFile`` (read and validated) -> ``Article`` / ``Person``
(resolved, rendered body) -> ``Site`` (everything the routes and templates need).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from . import snapshots


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    identity: str = ""  # content.source_identity(url), made with the parse and cached with it: for the duplicate check
    archived: str = ""  # an archived copy of the original (a web archive's snapshot), read when the outlet's is gone

    @property
    def original(self) -> str:
        """The original's address: its url, else the one its archived copy's address names."""
        return self.url or (snapshots.original(self.archived) if self.archived else "")

    @property
    def archived_at(self) -> datetime | None:
        """When the archived copy was made, where its address says; else None."""
        return snapshots.read(self.archived).at if self.archived else None


@dataclass(frozen=True)
class Annotation:
    """An editor's note anchored to an exact passage (a W3C TextQuoteSelector)."""

    quote: str
    kind: str  # context | fact-check | correction | translation | note
    note: str  # Markdown
    line: int  # line of its quote in the front matter (not of the item's first key), for messages
    prefix: str = ""
    suffix: str = ""
    rating: str | None = None  # fact-checks only
    sources: tuple[str, ...] = ()
    author: str | None = None
    date: date | None = None
    id: str = ""  # the editor's name for the note, unique in its article: its feed entry's id
    written_at: datetime | None = None  # its date's instant, when the date gave a time of day
    place: str = "body"  # where its quote is: the body, or the headline or summary ("title", "summary")
    updated: date | None = None  # when the editor last changed it
    updated_at: datetime | None = None  # that instant, when it gave a time of day
    claimant: str | None = None  # a fact-check's: who made the claim, as written
    # That person (slug, name), found among the article's people by site.resolve: derived, so
    # not part of what makes the note the file's (links find it in the file by equality).
    claimant_person: Term | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Provenance:
    """Where an imported article came from (written by ``sitegen import``)."""

    file: str
    sha256: str
    importer: str


@dataclass(frozen=True)
class Revision:
    """An earlier text of an article, kept when an import updates it."""

    date: datetime
    body: str
    sha256: str = ""


@dataclass(frozen=True)
class ArticleFile:
    """An article as read from ``content/articles/**.md`` and validated."""

    path: str  # posix path relative to the archive root, as shown in messages
    slug: str
    title: str
    date: datetime  # always timezone-aware; a naive value means UTC
    body: str  # Markdown source
    body_line: int  # 1-based line where the body starts
    updated: datetime | None = None
    summary: str | None = None
    source: Source | None = None
    tags: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # names, aliases or registry slugs, as written
    image: str | None = None
    language: str | None = None
    section: str | None = None
    related: tuple[str, ...] = ()
    moved_from: tuple[str, ...] = ()  # earlier addresses on the site (redirects.address), each leading here
    draft: bool = False
    annotations: tuple[Annotation, ...] = ()
    imported: Provenance | None = None
    revisions: tuple[Revision, ...] = ()
    extra: tuple[tuple[str, object], ...] = ()
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    source_key: bytes = field(default=b"", compare=False, repr=False)  # digest of its path and bytes


@dataclass(frozen=True)
class PageFile:
    """A page of the archive's own, as read from ``content/pages/<slug>.md``: what the archive
    is, its methods, its corrections policy."""

    path: str
    slug: str
    title: str
    body: str  # Markdown
    body_line: int
    summary: str = ""
    order: int | None = None  # its place in the footer's list, lowest first; None: after those with one
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class TextPage:
    """A page of the archive's own, resolved: its body rendered to safe HTML."""

    slug: str
    title: str
    url: str
    html: str
    summary: str = ""
    path: str = ""  # its file, for messages
    links: tuple[tuple[str, str, int, int], ...] = field(default=(), compare=False, repr=False)  # markdown.Link: to this site, for the link checks
    body: str = field(default="", repr=False)  # Markdown, and its first line in the file: where a link is told
    body_line: int = 1


@dataclass(frozen=True)
class TermFile:
    """A tag's or an outlet's entry, as read from ``content/tags/<slug>.md`` or
    ``content/outlets/<slug>.md``: the name its page shows, the other names articles give it
    by, and what it is."""

    path: str
    slug: str
    kind: str  # its pages' kind: "tag" or "source"
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, url), in file order
    text: str = ""  # Markdown, and its first line in the file
    text_line: int = 1
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class TermEntry:
    """A tag's or an outlet's entry, resolved: what its page says about it, its text rendered to safe HTML."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    links: tuple[tuple[str, str], ...] = ()
    html: str = ""
    path: str = ""  # its file, for messages and the edit link
    site_links: tuple[tuple[str, str, int, int], ...] = field(default=(), compare=False, repr=False)  # markdown.Link: to this site, for the link checks
    text: str = field(default="", repr=False)  # Markdown, and its first line in the file: where a link is told
    text_line: int = 1


@dataclass(frozen=True)
class PersonFile:
    """A registry entry as read from ``content/people/<slug>.md``."""

    path: str
    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, url), in file order
    moved_from: tuple[str, ...] = ()
    bio: str = ""  # Markdown
    type: str = "person"  # or "organization": a body the registry describes
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Person:
    """A person with a page: from the registry, or built from a name alone."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    links: tuple[tuple[str, str], ...] = ()
    bio_html: str = ""
    in_registry: bool = True
    path: str = ""  # its file in content/people/, if in the registry: what to rename when its URL is taken
    moved_from: tuple[tuple[str, int], ...] = ()  # earlier addresses, each with its line in the file
    type: str = "person"  # or "organization"; a name alone is taken for a person's

    @property
    def schema_type(self) -> str:
        """Its schema.org type, for JSON-LD."""
        return "Organization" if self.type == "organization" else "Person"


@dataclass(frozen=True)
class Term:
    """A tag or an outlet: something articles are grouped by (or a fact-check's claimant: a person's page)."""

    slug: str
    name: str


@dataclass(frozen=True)
class AnchoredAnnotation:
    """An annotation placed in the rendered body; ``number`` is its 1-based marker."""

    number: int
    annotation: Annotation
    note_html: str

    @property
    def anchor(self) -> str:
        """The note's id on its article's page: from the editor's ``id`` (a link to it outlives
        a note added before it), else from its number."""
        return f"note-{self.annotation.id}" if self.annotation.id else f"annotation-{self.number}"

    @property
    def passage(self) -> str:
        """The id of the passage it marks (not ``passage-{id}``: an id of digits would be a number's)."""
        return f"quote-{self.annotation.id}" if self.annotation.id else f"passage-{self.number}"


class Body:
    """An article's rendered body, its HTML and its plain text: most of an archive's
    memory, so made or read from the cache only once a page, feed or index asks for it
    (an edit at 10k articles needs a few dozen of them)."""

    __slots__ = ("_both", "_get")

    def __init__(self, get: Callable[[], tuple[str, str]]):
        self._get = get
        self._both: tuple[str, str] | None = None

    @classmethod
    def of(cls, html: str, text: str) -> Body:
        both = (html, text)
        return cls(lambda: both)

    def read(self) -> tuple[str, str]:
        """The HTML and text, read now if not yet."""
        if self._both is None:
            self._both = self._get()
        return self._both

    @property
    def html(self) -> str:
        return self.read()[0]

    @property
    def text(self) -> str:
        return self.read()[1]

    def __eq__(self, other: object) -> bool:
        return self.read() == other.read() if isinstance(other, Body) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.read())

    def __reduce__(self) -> tuple[Any, ...]:
        return (Body.of, self.read())

    def __repr__(self) -> str:
        return "Body(...)"


@dataclass(frozen=True)
class Article:
    """A resolved article: relations by slug, body rendered to safe HTML."""

    file: ArticleFile
    url: str  # site-relative, e.g. /articles/2022/02/some-slug/
    summary: str  # given, or derived from the first paragraph
    body: Body
    tags: tuple[Term, ...]
    source: Term | None
    people: tuple[str, ...]  # person slugs
    annotations: tuple[AnchoredAnnotation, ...] = ()
    # A digest of everything it is made from (its file's bytes, URL, terms, people):
    # fingerprints use it instead of hashing its texts. Empty when the bytes are unknown.
    content_key: bytes = field(default=b"", compare=False, repr=False)
    links: tuple[tuple[str, str, int, int], ...] = field(default=(), compare=False, repr=False)  # markdown.Link: to this site, for the link checks
    title_html: str = ""  # the headline with its notes' passages marked (Markup), "" if it has none
    summary_html: str = ""  # the given summary so, "" if it has none
    image: str = ""  # the lead image's URL: a copy under content/static/ below the base path, else as given

    @property
    def body_html(self) -> str:
        return self.body.html

    @property
    def body_text(self) -> str:
        """Plain text of the body, for search and snippets."""
        return self.body.text

    @property
    def slug(self) -> str:
        return self.file.slug

    @property
    def title(self) -> str:
        return self.file.title

    @property
    def date(self) -> datetime:
        return self.file.date

    @property
    def lastmod(self) -> datetime:
        return self.file.updated or self.file.date


@dataclass(frozen=True)
class Card:
    """What a listing shows of an article. Listings get cards, not articles, so a page
    that lists an article depends on these fields only: an edited body re-renders the
    article's own page and feeds, not every tag, person and date page it is listed on."""

    url: str
    slug: str
    title: str
    date: datetime
    lastmod: datetime
    summary: str
    source: Term | None
    tags: tuple[Term, ...]
    people: tuple[str, ...]  # person slugs
    annotations: tuple[AnchoredAnnotation, ...]
    language: str | None = None  # the article's own, when set: a listing marks its title and summary
    # For the archive as data (dataset.py), which reads cards alone: what else a researcher
    # needs of an article, kept here so a body edit leaves the data as it was.
    original: str = ""  # the original's address (Source.original)
    archived: str = ""
    section: str = ""
    # Its article's ``content_key``, which determines every field above: fingerprints may
    # keep what they hashed of a card under it, for the next build.
    content_key: bytes = field(default=b"", compare=False, repr=False)

    @classmethod
    def of(cls, a: Article) -> Card:
        source = a.file.source
        return cls(a.url, a.slug, a.title, a.date, a.lastmod, a.summary, a.source, a.tags, a.people, a.annotations,
                   a.file.language, source.original if source else "", source.archived if source else "", a.file.section or "",
                   a.content_key)

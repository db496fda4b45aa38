"""Parsing the archive: its files (``sourcefiles``) in, validated ``ArticleFile``/``PersonFile``
records out. Pure: every problem found is returned, none stops the rest.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from . import annotation, frontmatter, markdown, redirects, snapshots
from .cache import Memo, digest, no_memo
from .errors import WARNING, Problem
from .model import (
    Annotation,
    ArticleFile,
    PageFile,
    PersonFile,
    Provenance,
    Revision,
    Source,
    TermFile,
)
from .schema import (
    ANNOTATION_FIELDS,
    ARTICLE_FIELDS,
    PAGE_FIELDS,
    PERSON_FIELDS,
    PLACEHOLDER,
    PLACES,
    RATINGS,
    TERM_FIELDS,
    TERM_FOLDERS,
    Field,
)
from .slugs import slugify
from .sourcefiles import TABLES, SourceFile, unread_problems

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Markdown that may hold a link (](, ]:, ][, <scheme:) or a heading (#, or a line of = or - under text)
_RENDERED = re.compile(r"\]\s*[(:\[]|<[A-Za-z]|^ {0,3}(#{1,6}(\s|$)|=+\s*$|-+\s*$)", re.MULTILINE)
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # as the JSON Schema's "name" type
_SITE_FILE = re.compile(r"/[^/\s?#\\][^\s?#\\]*")  # a path from the site's root: no host, query or fragment
_TEXTUAL = frozenset({"text", "choice", "language", "name"})  # field types that take a plain scalar as written


@dataclass(frozen=True)
class Archive:
    articles: tuple[ArticleFile, ...]
    people: tuple[PersonFile, ...]
    problems: tuple[Problem, ...]
    failed: tuple[str, ...] = ()  # files that did not parse: the site lacks what they would add
    pages: tuple[PageFile, ...] = ()  # the archive's own pages (content/pages/), by file name
    terms: tuple[TermFile, ...] = ()  # the tags' and outlets' entries (content/tags/, content/outlets/), by file name


def parse_archive(
    article_files: Iterable[SourceFile], person_files: Iterable[SourceFile], today: date | None = None,
    memo: Memo = no_memo, unread: Iterable[str] = (), page_files: Iterable[SourceFile] = (),
    term_files: Iterable[SourceFile] = (),
) -> Archive:
    """``memo`` may answer a file it has parsed before (same path, same bytes) from a cache;
    ``unread``: the files under content/ that no rule reads. A few pages, and the tags' and
    outlets' entries, are parsed each build, uncached."""
    problems: list[Problem] = unread_problems(unread)
    articles: list[ArticleFile] = []
    people: list[PersonFile] = []
    failed: list[str] = []
    for f in article_files:
        result = memo(TABLES["articles"], f.key, lambda f=f: parse_article(f.path, f.data, f.key))
        if isinstance(result, ArticleFile):
            articles.append(result)
            problems.extend(_date_warnings(result, today))
            if result.source and result.source.archived:
                problems.extend(_snapshot_warnings(result, result.source))
            if result.body.lstrip().startswith(PLACEHOLDER):  # `sitegen new`'s body, never written over
                line = result.body_line + result.body[: result.body.index(PLACEHOLDER)].count("\n")
                problems.append(Problem(result.path, line, "body", "still the placeholder `sitegen new` wrote: write the article", WARNING))
        else:
            problems.extend(result)
            failed.append(f.path)
    for f in person_files:
        result = memo(TABLES["people"], f.key, lambda f=f: parse_person(f.path, f.data))
        if isinstance(result, PersonFile):
            people.append(result)
        else:
            problems.extend(result)
            failed.append(f.path)
    problems.extend(_duplicates(articles, people))
    pages: list[PageFile] = _each(page_files, parse_page, problems, failed)
    terms: list[TermFile] = _each(term_files, parse_term, problems, failed)
    problems.extend(_duplicate_slugs(terms))
    return Archive(tuple(articles), tuple(people), tuple(problems), tuple(failed), tuple(pages), tuple(terms))


def _each(files: Iterable[SourceFile], parse: Callable[[str, bytes], object], problems: list[Problem], failed: list[str]) -> list:
    """What ``parse`` makes of each of a few files, uncached; the problems of those it
    refuses go to ``problems``, their paths to ``failed``."""
    out = []
    for f in files:
        result = parse(f.path, f.data or b"")
        if isinstance(result, list):
            problems.extend(result)
            failed.append(f.path)
        else:
            out.append(result)
    return out


def decode(path: str, data: bytes | str) -> str | Problem:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Problem(path, line, "", f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded; save the file as UTF-8")


def _front_matter(path: str, data: bytes | str) -> frontmatter.FrontMatter | list[Problem]:
    text = decode(path, data)
    if isinstance(text, Problem):
        return [text]
    try:
        fm = frontmatter.parse(text)
    except frontmatter.FrontMatterError as exc:
        return [Problem(path, exc.line, exc.field, exc.message, col=exc.col)]
    if not isinstance(fm.data, dict):
        return [Problem(path, 2, "", "front matter must be a mapping of field: value")]
    return fm


class _Checker:
    """Collects problems while converting one file's fields."""

    def __init__(self, fm: frontmatter.FrontMatter, path: str):
        self.path = path
        self.lines = fm.lines
        self.written = fm.written  # a plain true, no or 007 as written, for text fields
        self.problems: list[Problem] = []
        self.notes: list[tuple[int, Annotation]] = []  # the annotations that validated, by their index in the file
        # A repeated key is a slip like a misspelt one: YAML would silently keep the last.
        firsts: set[tuple[str, int]] = set()
        for name, line, col, first in fm.duplicates:
            again = (name, first) in firsts
            firsts.add((name, first))
            self.problems.append(Problem(path, line, name, f"given {'again' if again else 'twice'} (first on line {first})", col=col))
        for name, ch in fm.controls:  # not in what no feed shows: extra, kept revisions, provenance
            if re.split(r"[.\[]", name, maxsplit=1)[0] not in ("extra", "revisions", "imported"):
                self.problems.append(Problem(path, self._line(name), name, frontmatter.control_message(ch)))  # an inline item: its parent's line

    def fail(self, key: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.path, self._line(key), key, message, severity))

    def _line(self, key: str) -> int:
        """The key's own line, else its nearest parent's (a missing key has no line)."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", key) if re.search(r"[.\[]", key) else ""
        return 1

    def fields(self, data: dict, schema: tuple[Field, ...], prefix: str = "", elsewhere: str | None = None) -> dict:
        """``elsewhere``: where to put data the schema has no field for (by default: under
        extra:, if the schema has it)."""
        known = {f.name: f for f in schema}
        if elsewhere is None:
            elsewhere = " (put custom data under extra:)" if "extra" in known else ""
        out: dict = {}
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"known fields: {', '.join(known)}"
                self.fail(f"{prefix}{key}", f"unknown field; {hint}{elsewhere}")
        for f in schema:
            key = f"{prefix}{f.name}"
            value = data.get(f.name)
            if self.written and f.type in _TEXTUAL:
                value = self.written.get(key, value)
            if value is None or (isinstance(value, str) and not value.strip()):
                if f.required:
                    self.fail(key, "required" if f.name not in data else "must not be empty")
                continue
            converted = self.value(key, f, value)
            if converted is not None:
                out[f.name] = converted
        return out

    def value(self, key: str, f: Field, value: object) -> object:
        kind = f.type
        if kind == "text":
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return str(value).strip()
            return self._bad(key, "must be text")
        if kind == "datetime":
            return self.datetime(key, value)
        if kind == "url":
            return self.url(key, value)
        if kind == "image":  # a copy in content/static/ (link_problems checks it is there), or elsewhere
            if not (isinstance(value, str) and re.match(r"/[^/]", value.strip())):
                return self.url(key, value)
            if _SITE_FILE.fullmatch(value.strip()):
                return value.strip()
            return self._bad(key, f"a path on the site may not hold spaces, '?', '#' or '\\': {value.strip()!r} (rename the file)")
        if kind == "urls":
            items = self.list(key, value)
            return tuple(u for i, v in enumerate(items) if (u := self.url(f"{key}[{i}]", v))) if items is not None else None
        if kind == "paths":
            items = self.list(key, value)
            return tuple(p for i, v in enumerate(items) if (p := self.address(f"{key}[{i}]", v))) if items is not None else None
        if kind == "list":
            items = self.list(key, value)
            if items is None:
                return None
            texts = []
            for i, item in enumerate(items):
                if self.written:
                    item = self.written.get(f"{key}[{i}]", item)
                if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
                    texts.append(str(item).strip())
                else:
                    self.fail(f"{key}[{i}]", "must be non-empty text")
            return tuple(texts)
        if kind == "bool":
            return value if isinstance(value, bool) else self._bad(key, "must be true or false")
        if kind == "number":
            return value if isinstance(value, int) and not isinstance(value, bool) else self._bad(key, f"must be a whole number, e.g. 1, not {value!r}")
        if kind == "choice":
            if value in f.choices:
                return value
            return self._bad(key, f"must be one of {', '.join(f.choices)}, not {value!r}")
        if kind == "name":
            text = str(value).strip() if not isinstance(value, bool) else ""
            if isinstance(value, (str, int)) and len(text) <= 64 and _NAME.fullmatch(text):
                return text
            return self._bad(key, f"must be lowercase letters, digits and single hyphens (at most 64), e.g. toll-figure, not {value!r}")
        if kind == "language":
            if isinstance(value, str) and _LANGUAGE.match(value):
                return value
            return self._bad(key, f"not a BCP 47 language tag: {value!r}")
        if kind == "mapping":
            return tuple(sorted(value.items(), key=lambda kv: str(kv[0]))) if isinstance(value, dict) else self._bad(key, "must be a mapping")
        return _CONVERTERS[kind](self, key, value)

    def _bad(self, key: str, message: str) -> None:
        self.fail(key, message)

    def list(self, key: str, value: object) -> list | None:
        if isinstance(value, list):
            return value
        return self._bad(key, f"must be a list (one '- item' per line), not {type(value).__name__}")

    def datetime(self, key: str, value: object) -> datetime | None:
        text = str(value).strip()
        try:
            if isinstance(value, (int, float)) or not re.match(r"^\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            parsed = datetime.fromisoformat(text)  # 3.11 reads Z and +0000 too
        except ValueError:
            return self._bad(key, f"not a date: {text!r} (use ISO 8601: 2022-02-11 or 2022-02-11T14:31:00+00:00)")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def url(self, key: str, value: object) -> str | None:
        if not isinstance(value, str):
            return self._bad(key, "must be a URL")
        try:
            parts = urlsplit(value.strip())
        except ValueError:  # e.g. an unbalanced IPv6 bracket
            return self._bad(key, f"not a valid URL: {value!r}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return self._bad(key, f"must be an http(s) URL, not {value!r}")
        return value.strip()

    def address(self, key: str, value: object) -> str | None:
        if not isinstance(value, str):
            return self._bad(key, "must be a path from the site's root, e.g. /articles/2022/01/old-slug/")
        try:
            return redirects.address(value.strip())
        except ValueError as exc:
            return self._bad(key, str(exc))

    def source(self, key: str, value: object) -> Source | None:
        if not isinstance(value, dict):
            return self._bad(key, "must be a mapping with name and url")
        for extra in sorted(set(value) - {"name", "url", "archived"}, key=str):  # YAML keys may be null or numbers
            self.fail(f"{key}.{extra}", "unknown field; known fields: name, url, archived")
        name = self.written.get(f"{key}.name", value.get("name"))
        if not isinstance(name, str) or not name.strip():
            return self._bad(f"{key}.name", "required")
        url = self.url(f"{key}.url", value["url"]) if value.get("url") else ""
        archived = self.url(f"{key}.archived", value["archived"]) if value.get("archived") else ""
        source = Source(name.strip(), url or "", archived=archived or "")
        return replace(source, identity=source_identity(source.original)) if source.original else source

    def annotations(self, key: str, value: object) -> tuple[Annotation, ...] | None:
        items = self.list(key, value)
        if items is None:
            return None
        out = []
        named: dict[str, int] = {}  # id -> index of the note that has it
        for i, item in enumerate(items):
            k = f"{key}[{i}]"
            if not isinstance(item, dict):
                self.fail(k, "must be a mapping with quote, kind and note")
                continue
            before = len(self.problems)
            fields = self.fields(item, ANNOTATION_FIELDS, prefix=f"{k}.")
            if fields.get("kind") == "fact-check" and "rating" not in fields and "rating" not in item:
                self.fail(f"{k}.rating", f"required for a fact-check: one of {', '.join(RATINGS)}")
            elif "rating" in fields and fields.get("kind") != "fact-check":
                self.fail(f"{k}.rating", "only a fact-check has a rating")
            if "claimant" in fields and fields.get("kind") != "fact-check":
                self.fail(f"{k}.claimant", "only a fact-check has a claimant: who made the claim it checks")
            if _RENDERED.search(fields.get("note", "")):  # few notes may hold a link or a heading: only those are rendered here
                rendered = markdown.render(fields["note"])
                for message in dict.fromkeys(p.message for p in link_scheme_problems(self.path, fields["note"], 0, rendered.refused)):
                    self.fail(f"{k}.note", message)  # on the note's line, once (not per line of it)
                if 'class="footnote-ref"' in rendered.html:  # its fn1 is the body's id too: [1] would lead there
                    self.fail(f"{k}.note", "has a footnote, but its number would lead to the article's footnotes: put the source in sources: or link it in the note")
                if re.search(r"<h[1-6]", rendered.html):  # a heading of the page's outline, with an id a body heading may have
                    self.fail(f"{k}.note", "has a heading, which would be one of the article page's own headings: write it as a paragraph (**bold** for emphasis)")
            if "id" in fields:  # two entries with one id: a feed reader would keep only one
                if fields["id"] in named:
                    self.fail(f"{k}.id", f"{fields['id']!r} is already the id of annotations[{named[fields['id']]}]; each note needs its own")
                else:
                    named[fields["id"]] = i
            note_date, changed = fields.pop("date", None), fields.pop("updated", None)
            both_timed = _timed(item, "date") and _timed(item, "updated")  # else one is a day: compared as days
            if changed and "date" not in item:  # (a date given but wrong has its own message)
                self.fail(f"{k}.updated", "needs the note's date, when it was first written")
            elif changed and note_date and (changed < note_date if both_timed else changed.date() < note_date.date()):
                self.fail(f"{k}.updated", f"is before the note's date ({_shown(item, 'updated')} < {_shown(item, 'date')})")
            if len(self.problems) > before:
                continue
            out.append(Annotation(
                line=self.lines.get(f"{k}.quote", 1),  # its problems are the quote's: not found, found twice
                date=note_date.date() if note_date else None,
                written_at=note_date if note_date and _timed(item, "date") else None,  # the feeds' and exports' instant
                updated=changed.date() if changed else None,
                updated_at=changed if changed and _timed(item, "updated") else None,
                **fields,
            ))
            self.notes.append((i, out[-1]))
        return tuple(out)

    def provenance(self, key: str, value: object) -> Provenance | None:
        if not isinstance(value, dict) or set(value) != {"file", "sha256", "importer"}:
            return self._bad(key, "must be a mapping of exactly file, sha256 and importer")
        return Provenance(**{k: self.written.get(f"{key}.{k}", str(v)) for k, v in value.items()})

    def revisions(self, key: str, value: object) -> tuple[Revision, ...] | None:
        items = self.list(key, value)
        if items is None:
            return None
        out = []
        for i, item in enumerate(items):
            k = f"{key}[{i}]"
            if not isinstance(item, dict) or not {"date", "body"} <= set(item) <= {"date", "body", "sha256"}:
                self.fail(k, "must be a mapping of date, body and sha256")
                continue
            when = self.datetime(f"{k}.date", item["date"])
            if when:
                body, sha = self.written.get(f"{k}.body", item["body"]), self.written.get(f"{k}.sha256", item.get("sha256", ""))
                out.append(Revision(when, str(body), str(sha)))
        return tuple(out)

    def links(self, key: str, value: object) -> tuple[tuple[str, str], ...] | None:
        if not isinstance(value, dict):
            return self._bad(key, "must be a mapping of label: URL")
        out = []
        for label, url in value.items():
            checked = self.url(f"{key}.{label}", url)
            if checked:
                out.append((str(label), checked))
        return tuple(out)


_CONVERTERS = {
    "source": _Checker.source,
    "annotations": _Checker.annotations,
    "provenance": _Checker.provenance,
    "revisions": _Checker.revisions,
    "links": _Checker.links,
}


def _timed(item: dict, key: str) -> bool:
    """Whether a note's date gives a time of day, not a bare day."""
    return isinstance(item.get(key), datetime) or len(str(item.get(key) or "").strip()) > 10


def _shown(item: dict, key: str) -> str:
    value = item[key]
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value).strip()


def parse_article(path: str, data: bytes | str, key: bytes = b"") -> ArticleFile | list[Problem]:
    """Validate one article file; every problem is reported, with its line. ``key``: its
    ``SourceFile.key``, when the caller has it (else it is hashed here)."""
    fm = _front_matter(path, data)
    if isinstance(fm, list):
        return fm
    check = _Checker(fm, path)
    fields = check.fields(fm.data, ARTICLE_FIELDS)
    if fields.get("updated") and fields.get("date") and fields["updated"] < fields["date"]:  # beside other problems
        check.fail("updated", f"is before date ({fields['updated'].isoformat()} < {fields['date'].isoformat()})")
    check.problems += _control_problems(path, fm.body, fm.body_line)
    if check.problems:
        return check.problems + _body_problems(path, fm, check.notes)
    return ArticleFile(
        path=path,
        slug=slugify(PurePosixPath(path).stem),
        body=fm.body,
        body_line=fm.body_line,
        field_lines=fm.lines,
        source_key=key or digest(path, data),  # as SourceFile.key
        **fields,
    )





def _control_problems(path: str, body: str, body_line: int) -> list[Problem]:
    """Each line of the body holding a character XML cannot (scraped text may): one would
    leave every feed the article is in unreadable."""
    if not frontmatter.has_control(body):
        return []  # nearly every body
    out: dict[int, Problem] = {}
    for i, line in enumerate(body.split("\n")):
        if found := frontmatter.CONTROL.search(line):
            out[i] = Problem(path, body_line + i, "body", frontmatter.control_message(found.group()), col=found.start() + 1)
    return list(out.values())


def _body_problems(path: str, fm: frontmatter.FrontMatter, notes: list[tuple[int, Annotation]]) -> list[Problem]:
    """What the site stage finds in a body, for a file with other errors: its links refused
    and the quotes of the notes that validated, numbered as in the file. Told in this run,
    not after the other fixes. (Only files with errors get here: the site stage renders
    the others.)"""
    rendered = markdown.render(fm.body)
    problems = link_scheme_problems(path, fm.body, fm.body_line, rendered.refused)
    if not notes:
        return problems
    heads = {place: text for place in PLACES if place != "body" and isinstance(text := fm.data.get(place), str)}
    found = annotation.anchor(path, rendered.html, [note for _, note in notes], str, heads).problems
    index = {f"annotations[{j}]": f"annotations[{i}]" for j, (i, _) in enumerate(notes)}
    renumber = partial(re.sub, r"^annotations\[\d+\]", lambda m: index[m[0]])
    # In a message, only the other note's name: the rest may quote the quote, "annotations[5]" and all.
    other = partial(re.sub, r"^(overlaps the passage of )(annotations\[\d+\])", lambda m: m[1] + index[m[2]])
    return problems + [replace(p, field=renumber(p.field), message=other(p.message)) for p in found]


def link_scheme_problems(path: str, body: str, body_line: int, refused: tuple[tuple[str, str], ...]) -> list[Problem]:
    """Links and images that markdown-it left as text for their scheme (``markdown.Rendered.refused``):
    an error, as the same URL in source.url is, not a link lost without a word. On each
    line holding the URL as written (markdown-it percent-encodes it), else the first with its scheme."""
    if not refused:
        return []  # nearly every body: not split into lines
    out = []
    lines = body.split("\n")
    for scheme, url in refused:
        written = unquote(url)
        at = [i for i, line in enumerate(lines) if url in line or written in line]
        at = at or [next((i for i, line in enumerate(lines) if f"{scheme}:" in line.lower()), 0)]
        shown = written if len(written) <= 60 else written[:59] + "…"
        message = f"link scheme {scheme!r} is not allowed: {shown!r} shows as plain text; link with http(s), mailto or a path on this site"
        out += [Problem(path, body_line + i, "body", message) for i in at]
    return out


def parse_person(path: str, data: bytes | str) -> PersonFile | list[Problem]:
    fm = _front_matter(path, data)
    if isinstance(fm, list):
        return fm
    check = _Checker(fm, path)
    fields = check.fields(fm.data, PERSON_FIELDS, elsewhere=" (a person file has no extra:; write other facts in the bio, below the front matter)")
    if check.problems:
        return check.problems
    return PersonFile(path=path, slug=slugify(PurePosixPath(path).stem), bio=fm.body.strip(), field_lines=fm.lines, **fields)


_NOT_FOR_PAGES = {
    "moved_from": "a page takes no moved_from: keep its file name, or redirect its old address in content/static/_redirects",
    "draft": "a page has no drafts: keep the file out of content/pages/ until it is ready",
}


def parse_page(path: str, data: bytes | str) -> PageFile | list[Problem]:
    """One of the archive's own pages: a title, a summary, a Markdown body."""
    if path.count("/") > 2:  # content/pages/<name>.md: a page's address is its file's name
        return [Problem(path, 0, "", "not read: a page is a file right in content/pages/, not in a folder below it")]
    fm = _front_matter(path, data)
    if isinstance(fm, list):
        return fm
    check = _Checker(fm, path)
    for key, why in _NOT_FOR_PAGES.items():  # what an article has, said plainly
        if key in fm.data:
            check.fail(key, why)
    data = {k: v for k, v in fm.data.items() if k not in _NOT_FOR_PAGES}
    fields = check.fields(data, PAGE_FIELDS, elsewhere=" (a page has a title and a summary; the rest is its text, below the front matter)")
    check.problems += _control_problems(path, fm.body, fm.body_line)
    if check.problems:
        return check.problems
    return PageFile(path=path, slug=slugify(PurePosixPath(path).stem), body=fm.body, body_line=fm.body_line, field_lines=fm.lines, **fields)


def parse_term(path: str, data: bytes | str) -> TermFile | list[Problem]:
    """A tag's or an outlet's entry: its name, the other names it goes by, a Markdown text."""
    folder = path.split("/")[1]
    if path.count("/") > 2:  # its page's address is its file's name
        return [Problem(path, 0, "", f"not read: an entry is a file right in content/{folder}/, not in a folder below it")]
    fm = _front_matter(path, data)
    if isinstance(fm, list):
        return fm
    check = _Checker(fm, path)
    if "moved_from" in fm.data:  # a person's file has it; a term's page is not its file's alone
        check.fail("moved_from", "give a tag's or an outlet's earlier addresses in the config's moved_from table, under its page's address")
    data = {k: v for k, v in fm.data.items() if k != "moved_from"}
    fields = check.fields(data, TERM_FIELDS, elsewhere=" (an entry has a name, aliases, a description and links; the rest is its text, below the front matter)")
    check.problems += _control_problems(path, fm.body, fm.body_line)
    if check.problems:
        return check.problems
    return TermFile(path=path, slug=slugify(PurePosixPath(path).stem), kind=TERM_FOLDERS[folder], text=fm.body, text_line=fm.body_line, field_lines=fm.lines, **fields)


_TRACKING = re.compile(r"utm_[^=&]*|fbclid|gclid", re.IGNORECASE)


# Most sources: http(s), a plain host, a path; no user, query or fragment, a default port if any.
_PLAIN_URL = re.compile(r"https?://([A-Za-z0-9.-]+)(?::(?:80|443))?(/[^?#@\s\\]*)?", re.IGNORECASE)


def source_identity(url: str) -> str:
    """Two articles with this equal archive the same original: the import and duplicate checks agree.

    Links to one page differ in scheme, ``www.``, a default port, a trailing slash, a
    ``#fragment`` or tracking parameters; other query parameters may name another page.
    """
    url = url.strip()
    plain = _PLAIN_URL.fullmatch(url)  # as _identity gives, without urlsplit (10k articles a build)
    if plain:
        return f"//{plain[1].lower().removeprefix('www.')}{(plain[2] or '').rstrip('/')}"
    return _identity(url)


def _identity(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url.strip().rstrip("/")
    host = (parts.hostname or "").removeprefix("www.")
    if port and port not in (80, 443):
        host += f":{port}"
    query = "&".join(q for q in parts.query.split("&") if q and not _TRACKING.fullmatch(q.split("=", 1)[0]))
    return f"//{host}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")


def _date_warnings(article: ArticleFile, today: date | None) -> list[Problem]:
    out = []
    line = article.field_lines.get("date", 1)
    if today and article.date.date() > today:
        out.append(Problem(article.path, line, "date", f"is in the future ({article.date.date()})", WARNING))
    folders = [p for p in article.path.split("/")[2:-1] if p.isdigit()]  # content/articles/<these>/<file>
    expected = [f"{article.date.year:04d}", f"{article.date.month:02d}"]
    if folders and folders != expected[: len(folders)]:
        out.append(Problem(article.path, line, "date", f"{article.date.date()} disagrees with the folder {'/'.join(folders)}", WARNING))
    for i, note in enumerate(article.annotations):  # a mistyped year would date its feed entry, and order it, wrongly
        key = f"annotations[{i}].date"
        if note.date and today and note.date > today:
            out.append(Problem(article.path, article.field_lines.get(key, note.line), key, f"is in the future ({note.date})", WARNING))
        elif note.date and note.date < article.date.date():
            why = f"{note.date} is before the article's date ({article.date.date()}): a note is written after the article"
            out.append(Problem(article.path, article.field_lines.get(key, note.line), key, why, WARNING))
        if note.updated and today and note.updated > today:  # it would stay on top of the feeds until then
            key = f"annotations[{i}].updated"
            out.append(Problem(article.path, article.field_lines.get(key, note.line), key, f"is in the future ({note.updated})", WARNING))
    return out


def _snapshot_warnings(article: ArticleFile, source: Source) -> list[Problem]:
    """An archived copy that its address shows is no copy of this article's original: a list
    of captures, a copy of another address, or one made (a day and more) before it was published."""
    shot = snapshots.read(source.archived)
    line = article.field_lines.get("source.archived", 1)
    out = []
    if shot.listing:
        out.append("is a list of the web archive's captures, not one copy: open the capture to keep and give its address")
    elif shot.of and source.url and source_identity(shot.of) != source.identity:
        out.append(f"is a copy of {shot.of}, not of source.url")
    if shot.at and shot.at < article.date - timedelta(days=1):
        out.append(f"was made on {shot.at.date()}, before the article's date ({article.date.date()}): check the copy, or the date")
    return [Problem(article.path, line, "source.archived", message, WARNING) for message in out]


def _duplicate_slugs(files: Iterable[PersonFile | TermFile]) -> list[Problem]:
    """Ada_Quill.md and ada-quill.md in one folder: one page, one of them lost. On each file:
    check --changed-since keeps the one changed."""
    out = []
    by_slug: dict[tuple[str, str], list[PersonFile | TermFile]] = {}
    for f in files:
        by_slug.setdefault((f.path.split("/")[1], f.slug), []).append(f)
    for (_, slug), same in by_slug.items():
        for f in same if len(same) > 1 else ():
            others = ", ".join(o.path for o in same if o is not f)
            out.append(Problem(f.path, 1, "slug", f"duplicate slug {slug!r}: {others} has the same URL; rename or merge one"))
    return out


def _duplicates(articles: list[ArticleFile], people: Iterable[PersonFile] = ()) -> list[Problem]:
    out: list[Problem] = _duplicate_slugs(people)
    seen_slug: dict[tuple[int, int, str], ArticleFile] = {}
    seen_url: dict[str, ArticleFile] = {}
    for a in articles:
        key = (a.date.year, a.date.month, a.slug)
        if key in seen_slug:
            out.append(Problem(a.path, 1, "slug", f"duplicate slug {a.slug!r}: {seen_slug[key].path} has the same URL"))
        else:
            seen_slug[key] = a
        if a.source and a.source.identity:  # its url, else the original its archived copy names
            url = a.source.identity
            if url in seen_url:
                field = "source.url" if a.source.url else "source.archived"
                out.append(Problem(a.path, a.field_lines.get(field, 1), field, f"duplicate source URL: already archived in {seen_url[url].path}"))
            else:
                seen_url[url] = a
    return out

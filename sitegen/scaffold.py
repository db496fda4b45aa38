"""``sitegen new``: a new article file with every field of the schema, each explained.

The template is generated from ``schema.ARTICLE_FIELDS``, so a field added to the
schema appears in new files (and in the checker, and in the JSON Schema) at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .config import load_config
from .content import source_identity
from .errors import SitegenError
from .frontmatter import CONTROL, control_message
from .schema import ARTICLE_FIELDS, KINDS, PLACEHOLDER, Field
from .slugs import slugify

SCHEMA_PATH = "schemas/article.schema.json"
BODY = f"{PLACEHOLDER} Leave one empty line between paragraphs.\n"

# What an empty field looks like, by schema type: YAML that the checker treats as absent.
_EMPTY = {"list": "[]", "urls": "[]", "paths": "[]", "annotations": "[]", "revisions": "[]", "mapping": "{}", "bool": "false"}

_EXAMPLES = {
    "tags": ["- Treaty", "- Diplomacy"],
    "people": ["- A Name From content/people/"],
    "related": ["- https://example.org/another-article"],
    "annotations": [
        "- quote: exact words copied from the body",
        f"  kind: context    (one of {', '.join(KINDS)})",
        "  note: Your note, in Markdown.",
    ],
}


def parse_date(text: str) -> datetime:
    """``--date``: an ISO date or date-time; a naive value means UTC, as in front matter."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SitegenError(f"--date: not a date: {text!r} (use ISO 8601: 2022-02-11 or 2022-02-11T14:31:00+00:00)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _scalar(name: str, value: object) -> str:
    """One ``name: value`` line, quoted by YAML itself so no title can break the file.

    Readable Unicode where it round-trips; escapes where YAML would fold a character
    such as U+0085 (a line break to YAML) into a space.
    """
    for readable in (True, False):
        line = yaml.safe_dump({name: value}, allow_unicode=readable, sort_keys=False, width=2**31 - 1).rstrip("\n")
        if yaml.safe_load(line) == {name: value} and "\n" not in line:
            break
    return line


def _comment(f: Field) -> list[str]:
    head = f"# {f.name}{' (required)' if f.required else ''}: {f.doc}"
    examples = _EXAMPLES.get(f.name, [])
    return [head, *(f"#   e.g. {examples[0]}" if i == 0 else f"#        {line}" for i, line in enumerate(examples))]


def render(title: str, when: datetime | date, schema_url: str, source_url: str | None = None) -> str:
    """The whole new file: front matter with every field and its comment, then a body; pure."""
    if not title.strip():
        raise SitegenError("the title must not be empty")
    if found := CONTROL.search(title):  # check would refuse the file: refuse it here, before writing
        raise SitegenError(f"the title {control_message(found.group())}")
    shown = when.isoformat() if isinstance(when, datetime) and (when.hour, when.minute, when.second) != (0, 0, 0) else f"{when:%Y-%m-%d}"
    values: dict[str, str] = {"title": _scalar("title", title.strip()), "date": f"date: {shown}"}
    if source_url:
        parts = urlsplit(source_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SitegenError(f"--source-url: must be an http(s) URL, not {source_url!r}")
        outlet = parts.hostname.removeprefix("www.") if parts.hostname else parts.netloc
        values["source"] = "\n".join(["source:", "  " + _scalar("name", outlet), "  " + _scalar("url", source_url.strip())])
    lines = ["---", f"# yaml-language-server: $schema={schema_url}"]
    for f in ARTICLE_FIELDS:
        lines += _comment(f)
        lines.append(values.get(f.name) or f"{f.name}: {_EMPTY.get(f.type, '')}".rstrip())
    lines += ["---", "", BODY]
    return "\n".join(lines)


def article_path(title: str, when: datetime | date) -> str:
    """Where an article lives: content/articles/<yyyy>/<mm>/<slug>.md, as the checker expects."""
    return f"content/articles/{when:%Y}/{when:%m}/{slugify(title)}.md"


def _refuse_archived(root: Path, source_url: str) -> None:
    """A second article of one original would fail check: name the one there is."""
    from .importer import archived_urls  # here: the importer loads the Markdown parser

    archived = archived_urls(root)
    found = archived.index.get(source_identity(source_url))
    if found:
        raise SitegenError(f"--source-url: already archived in {found}; edit that article instead")
    unreadable = archived.unreadable_with(source_url)
    if unreadable:
        raise SitegenError(f"--source-url: may be archived in {unreadable}")


def create(root: Path, title: str, when: datetime | date, source_url: str | None = None) -> Path:
    """Write the new file under ``root``; refuse to overwrite anything (I/O)."""
    config = load_config(root)
    base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    text = render(title, when, base + SCHEMA_PATH, source_url)
    if source_url:
        _refuse_archived(root, source_url)
    target = root / article_path(title, when)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise SitegenError(f"{target.relative_to(root).as_posix()}: already exists; not overwritten (choose another title)") from None
    return target

"""``sitegen import``: scraped records in, reviewable Markdown articles out.

The importer sits beside the build: it only writes ``content/articles/**.md``.
Turning a record into an article, and deciding what an existing article becomes
(``reconciliation``), are pure functions; ``run`` does the reading, writing and
reporting around them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from tqdm import tqdm

from . import __version__, frontmatter, snapshots
from .articlefile import iso, render_article
from .content import parse_person, source_identity
from .model import PersonFile
from .names import find_people, people_matcher, ranked_suggestions, unknown_names
from .reconciliation import at_lines, detached, reconcile
from .record import Record, RecordError, decode_record, parse_record
from .slugs import slugify
from .sourcefiles import read_sources

IMPORTER = f"sitegen {__version__}"


# --- one record -> one article (pure) -------------------------------------------------


def article_slug(record: Record) -> str:
    """The URL's last path segment without extension; the title when the URL has none."""
    segment = unquote(urlsplit(record.url).path.rstrip("/").rsplit("/", 1)[-1])
    stem = segment.rsplit(".", 1)[0] if "." in segment else segment
    return slugify(stem or record.title, fallback=slugify(record.title))


def article_path(record: Record) -> str:
    """``content/articles/<yyyy>/<mm>/<slug>.md``, dated by the published time in its offset."""
    when = record.published
    return f"content/articles/{when.year:04d}/{when.month:02d}/{article_slug(record)}.md"


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>~|])|&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^([-+=#]|\d{1,9}(?=[.)](?:\s|$)))")


def markdown_paragraph(text: str) -> str:
    """Backslash-escape what Markdown would read as markup, so the words render as scraped."""
    text = _MARKDOWN_PUNCTUATION.sub(lambda m: "\\" + (m.group(1) or "&"), text)
    start = _BLOCK_START.match(text)
    if start:
        marker = start.group()
        if marker[0].isdigit():  # "2022. A year" would start an ordered list
            end = len(marker)
            return text[:end] + "\\" + text[end:]
        return "\\" + text
    return text


def markdown_body(record: Record) -> str:
    """The restored paragraphs, one Markdown paragraph each."""
    return "\n\n".join(markdown_paragraph(p) for p in record.paragraphs)


def front_matter(
    record: Record,
    people: Sequence[str],
    *,
    file: str,
    sha256: str,
    source_name: str | None = None,
) -> dict[str, object]:
    """The article's front matter, keys in schema order; empty fields are left out."""
    front: dict[str, object] = {"title": record.title, "date": iso(record.published)}
    if record.modified and record.modified != record.published:
        front["updated"] = iso(record.modified)
    if record.summary:
        front["summary"] = record.summary
    name = source_name or record.publisher or urlsplit(record.url).hostname or record.url
    front["source"] = {"name": name, "url": record.url}
    optional = {
        "tags": list(record.keywords),
        "people": list(people),
        "image": record.image,
        "language": record.language,
        "section": record.section,
        "related": list(record.related),
    }
    front.update((k, v) for k, v in optional.items() if v)
    front["imported"] = {"file": file, "sha256": sha256, "importer": IMPORTER}
    return front


# --- the batch (I/O at the edges) --------------------------------------------------------


def record_files(paths: Iterable[Path]) -> list[Path]:
    """Each file as given, and every ``*.txt`` under each folder, in sorted order."""
    files: list[Path] = []
    for path in paths:
        files.extend(
            sorted(p for p in path.rglob("*.txt") if p.is_file()) if path.is_dir() else [path]
        )
    return files


def read_registry(root: Path) -> tuple[list[PersonFile], list[str]]:
    """The people registry, and a message for each entry that could not be read."""
    people: list[PersonFile] = []
    problems: list[str] = []
    for source in read_sources(root, "people"):
        result = parse_person(source.path, source.data)
        if isinstance(result, PersonFile):
            people.append(result)
        else:
            problems.extend(str(p) for p in result)
    return people, problems


@dataclass(frozen=True)
class Archived:
    """The identity of every archived article's source, and the articles that cannot be read."""

    index: dict[str, str]  # source identity -> article path (relative to root)
    unreadable: dict[str, str]  # article path -> why it cannot be read, as path:line: message
    unreadable_urls: dict[str, frozenset[str]]  # article path -> identities of every URL in its text

    def unreadable_with(self, url: str) -> str | None:
        """Why an article that cannot be read, and may archive ``url``, cannot be read."""
        identity = source_identity(url)
        return next((self.unreadable[p] for p, urls in self.unreadable_urls.items() if identity in urls), None)


_ANY_URL = re.compile(r"https?://[^\s'\"<>]+")


def archived_urls(root: Path) -> Archived:
    """Every archived article's source identity. An article whose front matter cannot be
    read may hold any URL: a record of one of the URLs in its text must not be imported
    beside it as a second copy."""
    index: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    urls: dict[str, frozenset[str]] = {}
    for source in read_sources(root, "articles"):
        data = source.data or b""
        try:
            front = frontmatter.parse(data.decode("utf-8")).data
        except (UnicodeDecodeError, frontmatter.FrontMatterError) as exc:
            line, message = (exc.line, exc.message) if isinstance(exc, frontmatter.FrontMatterError) else (1, "not UTF-8")
            unreadable[source.path] = f"{source.path}:{line}: cannot read the archived article: {message}; fix it first"
            text = data.decode("utf-8", errors="replace")
            found = _ANY_URL.findall(text)
            urls[source.path] = frozenset(source_identity(u) for u in (*found, *filter(None, map(snapshots.original, found))))
            continue
        source_field = front.get("source") if isinstance(front, dict) else None
        url = source_field.get("url") if isinstance(source_field, dict) else None
        if not url and isinstance(source_field, dict) and isinstance(copy := source_field.get("archived"), str):
            url = snapshots.original(copy)  # an original known by its archived copy alone, as check reads it
        if isinstance(url, str) and url:
            index.setdefault(source_identity(url), source.path)
    return Archived(index, unreadable, urls)


def _write(path: Path, text: str) -> str | None:
    """Whole file or nothing: a crash never leaves half an article. Returns why it failed."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return exc.strerror or str(exc)
    return None


def _free_path(root: Path, record: Record, taken: set[str]) -> str:
    """The article's path; a slug already used by another URL gets the URL's hash appended."""
    path = article_path(record)
    if path not in taken and not (root / path).exists():
        return path
    digest = hashlib.sha256(record.url.encode()).hexdigest()[:8]
    return path.removesuffix(".md") + f"-{digest}.md"


@dataclass
class _Batch:
    """What one ``run`` knows while it goes: the archive's URLs and paths grow as it writes."""

    root: Path
    update: bool
    force: bool  # update even when notes would no longer anchor
    dry_run: bool
    outlet: str | None
    matcher: tuple[re.Pattern[str] | None, dict[str, str]]
    archived: Archived
    index: dict[str, str]  # source identity -> article path, as it grows
    taken: set[str]
    now: datetime


def _import_one(batch: _Batch, path: Path, data: bytes, record: Record) -> tuple[str, str]:
    """Write (or not) one parsed record; returns its status and the line that reports it."""
    would = "would " if batch.dry_run else ""
    texts = (record.title, record.summary or "", *record.paragraphs)
    front = front_matter(
        record,
        find_people(texts, batch.matcher),
        file=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        source_name=batch.outlet,
    )
    body = markdown_body(record)
    existing = batch.index.get(source_identity(record.url))
    if existing is None and (unreadable := batch.archived.unreadable_with(record.url)):
        return "failed", f"failed: {path}: {unreadable}"
    if existing is None:
        target = _free_path(batch.root, record, batch.taken)
        if not batch.dry_run and (
            failure := _write(batch.root / target, render_article(front, body))
        ):
            return "failed", f"failed: {path}: cannot write {target}: {failure}"
        batch.index[source_identity(record.url)] = target
        batch.taken.add(target)
        return "imported", f"{would}import {path} -> {target}"
    try:
        old_text = (batch.root / existing).read_text(encoding="utf-8")
        outcome = reconcile(
            old_text,
            front,
            body,
            update=batch.update,
            modified=record.modified if record.modified != record.published else None,
            now=batch.now,
        )
    except (OSError, UnicodeDecodeError, frontmatter.FrontMatterError) as exc:
        return "failed", f"failed: {path}: cannot read the archived {existing}: {exc}"
    if outcome.status == "unchanged":
        return "unchanged", f"unchanged {path} = {existing}"
    if outcome.status == "edited here":
        return "unchanged", f"unchanged {path} = {existing} (edited here; the record is the one it was imported from)"
    assert outcome.text is not None
    broken = detached(existing, outcome.text)
    written = outcome.status == "updated" and (batch.force or not broken)
    # Lines of the file as it will be: the new text if written, else the one on disk.
    broken_lines = [f"  {p}" for p in at_lines(broken, outcome.text if written else old_text)]
    # A note detached, or the article already failing check (say, a field broken by hand).
    harm = "detach these notes" if all(p.field.startswith("annotations[") for p in broken) else "not pass check"
    if outcome.status == "changed":
        fields = ", ".join(outcome.notes)
        message = (
            f"changed upstream: {path}: differs from {existing} in {fields};"
            " --update takes the record's text and keeps what was edited here"
        )
        if broken:
            message += f"\n  the record's text would {harm}:"
        return "changed upstream", "\n".join((message, *broken_lines))
    if not written:
        refused = (
            f"failed: {path}: {existing} not updated: the record's text would {harm}"
            " (fix each, or update with --force and fix them after; check fails until then):"
        )
        return "failed", "\n".join((refused, *broken_lines))
    if not batch.dry_run and (failure := _write(batch.root / existing, outcome.text)):
        return "failed", f"failed: {path}: cannot write {existing}: {failure}"
    if broken:
        broken_lines.insert(0, "  notes detached (--force; check fails until each quote is fixed):")
    notes = (f"  {n}" for n in outcome.notes)
    return "updated", "\n".join((f"{would}update {existing} from {path}:", *notes, *broken_lines))


def run(
    paths: list[Path],
    root: Path,
    *,
    update: bool = False,
    force: bool = False,
    dry_run: bool = False,
    suggest_people: bool = False,
    out: TextIO = sys.stdout,
    outlet: str | None = None,
) -> int:
    """Import every record under ``paths`` into ``root``; 1 when any record failed.

    ``outlet`` names the source for every record, over what the records say. An update
    that would detach an annotation is refused unless ``force``.
    """
    tty = bool(getattr(out, "isatty", lambda: False)())

    def say(message: str) -> None:
        (tqdm.write(message, file=out) if tty else print(message, file=out))

    people, registry_problems = read_registry(root)
    for problem in registry_problems:
        say(f"warning: {problem}")
    archived = archived_urls(root)
    for reason in archived.unreadable.values():
        say(f"warning: {reason}")
    index = dict(archived.index)
    batch = _Batch(
        root,
        update,
        force,
        dry_run,
        outlet,
        people_matcher(people),
        archived,
        index,
        set(index.values()),
        datetime.now(UTC).replace(microsecond=0),
    )
    counts: Counter[str] = Counter()
    names: Counter[str] = Counter()
    if tty:
        tqdm.monitor_interval = 0  # its monitor thread outlives the bar: a build later in this process could not fork
    for path in tqdm(record_files(paths), file=out, disable=not tty, unit="record", desc="import"):
        try:
            data = path.read_bytes()
        except OSError as exc:
            counts["failed"] += 1
            say(f"failed: {path}: cannot read: {exc.strerror or exc}")
            continue
        text = decode_record(data)
        record = parse_record(text) if isinstance(text, str) else text
        if isinstance(record, RecordError):
            counts["failed"] += 1
            say(f"failed: {path}:{record.line}: {record.reason}")
            continue
        for warning in record.warnings:
            say(f"warning: {path}:{warning.line}: {warning.message}")
        if suggest_people:  # not the title: Title Case Makes Every Word Look Like A Name
            names.update(unknown_names((record.summary or "", *record.paragraphs), batch.matcher))
        status, message = _import_one(batch, path, data, record)
        counts[status] += 1
        if status == "updated":
            counts["changed upstream"] += 1
        if not tty or status not in ("imported", "unchanged"):  # the bar shows those
            say(message)
    if suggest_people:
        say(
            "names not in the registry (add the people to content/people/):"
            if names
            else "no names outside the registry"
        )
        for name, count in ranked_suggestions(names):
            say(f"{count:6d}  {name}")
    summary = ", ".join(
        f"{k} {counts[k]}" for k in ("imported", "unchanged", "changed upstream", "failed")
    )
    if update:
        summary += f", updated {counts['updated']}"
    say(("dry run, nothing written: " if dry_run else "") + summary)
    return 1 if counts["failed"] else 0

"""``sitegen import``: scraped records in, reviewable Markdown articles out.

The importer sits beside the build: it only writes ``content/articles/**.md``.
Turning a record into an article, and deciding what an existing article becomes,
are pure functions; ``run`` does the reading, writing and reporting around them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

import yaml
from tqdm import tqdm

from . import __version__, frontmatter, markdown
from .annotation import anchor
from .articlefile import iso, key_rank, render_article, yaml_lines
from .content import parse_article, parse_person, read_sources, source_identity
from .errors import Problem
from .model import PersonFile
from .names import find_people, people_matcher, ranked_suggestions, unknown_names
from .record import Record, RecordError, decode_record, parse_record
from .schema import ARTICLE_FIELDS
from .slugs import slugify

IMPORTER = f"sitegen {__version__}"
# Fields an import writes. The article may have corrected them since: --update keeps
# what the article says and reports what the record says (the previous import's values
# are not kept, so an editor's correction cannot be told from an older record's text).
_OWNED = ("title", "date", "updated", "summary", "source", "image", "language", "section")
_MERGED_LISTS = ("tags", "people", "related")  # --update adds the record's new items


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


# --- an existing article meets its record again (pure) ----------------------------------


@dataclass(frozen=True)
class Reconciled:
    status: str  # "unchanged" | "edited here" | "changed" | "updated"
    text: str | None = None  # the new file text: written when updated, what --update writes when changed
    notes: tuple[str, ...] = ()  # what differs (changed), or what became of each field (updated)


def reconcile(
    old_text: str,
    front: dict[str, object],
    body: str,
    *,
    update: bool,
    modified: datetime | None,
    now: datetime,
) -> Reconciled:
    """The record that made the article -> unchanged, however the article was edited since;
    another record with other words -> changed upstream, or with update merged.

    What the previous import wrote is not kept, so a field that differs from the record
    may be an editor's correction: on update it stays and the record's value is reported.
    Only what the article lacks is filled in, lists gain the record's new items, the
    body is the record's and the old body becomes a revision dated when it was
    superseded: the record's modified time if that is news, else now.
    """
    old = frontmatter.parse(old_text)
    old_front = as_written(old.data, old.written) if isinstance(old.data, dict) else {}
    old_body = old.body.strip("\n")
    provenance = old_front.get("imported")
    previous = str(provenance.get("sha256", "")) if isinstance(provenance, dict) else ""
    differs = _differences(old_front, old_body, front, body)
    record_sha = front["imported"]["sha256"]  # type: ignore[index]
    if previous and previous == record_sha:
        return Reconciled("edited here" if differs else "unchanged")
    if not differs:
        return Reconciled("unchanged")
    last_seen = _as_datetime(old_front.get("updated")) or _as_datetime(old_front.get("date"))
    if modified and (last_seen is None or modified > last_seen):
        superseded = modified
    else:  # never before the dates the article already has
        superseded = max(now, last_seen) if last_seen else now
    merged, notes = _merge(old_front, front)
    if old_body != body:
        revisions = [*_as_list(old_front.get("revisions")), {"date": iso(superseded), "body": old_body, "sha256": previous}]
        merged["revisions"] = revisions
        notes.append("body: the record's text; the previous text is kept as a revision")
    # updated only moves on: the later of the article's, the record's and the revision's
    times = [_as_datetime(old_front.get("updated")), _as_datetime(front.get("updated"))]
    times.append(superseded if old_body != body else None)
    newest = max((t for t in times if t), default=superseded)
    if _as_datetime(old_front.get("updated")) != newest:
        merged["updated"] = iso(newest)
        notes.append(f"updated: {_shown(old_front.get('updated'))} -> {iso(newest)!r}")
    text = splice(old_text, merged, body)
    return Reconciled("updated", text, tuple(notes)) if update else Reconciled("changed", text, tuple(differs))


def splice(old_text: str, front: dict[str, object], body: str) -> str:
    """The old file with only the front-matter keys whose values changed written anew:
    notes stay folded and dates unquoted as the editor wrote them, so the diff shows
    only what the import changed. The whole file is rendered anew if that cannot be done."""
    old = frontmatter.parse(old_text)
    old_front = as_written(old.data, old.written) if isinstance(old.data, dict) else {}
    lines = frontmatter.normalise(old_text).split("\n")[1 : old.body_line - 2]
    starts = sorted((n - 2, k) for k, n in old.lines.items() if k in old_front)
    if len(starts) != len(old_front):  # a key that is not plain text, or one given twice
        return render_article(front, body)
    blocks: list[tuple[str | None, list[str]]] = [(None, lines[: starts[0][0]] if starts else lines)]
    for (at, key), (stop, _) in zip(starts, [*starts[1:], (len(lines), "")]):
        block = lines[at:stop]
        keep = len(block)
        while keep > 1 and (not block[keep - 1].strip() or block[keep - 1].startswith("#")):
            keep -= 1  # comments and blank lines before the next key stay where they are
        blocks += [(key, block[:keep]), (None, block[keep:])]
    out: list[tuple[str | None, list[str]]] = []
    for key, block in blocks:
        if key is None or old_front.get(key) == front.get(key) and key in front:
            out.append((key, block))
        elif key in front:
            out.append((key, yaml_lines({key: front[key]})))
    for key in sorted(set(front) - set(old_front), key=key_rank):
        after = [i for i, (k, _) in enumerate(out) if k is not None and key_rank(k) <= key_rank(key)]
        out.insert(after[-1] + 1 if after else 0, (key, yaml_lines({key: front[key]})))
    text = "\n".join(["---", *(line for _, block in out for line in block), "---", "", body, ""])
    again = frontmatter.parse(text)
    if again.data != front or again.body.strip("\n") != body:
        return render_article(front, body)
    return text


_TEXT_KEYS = frozenset(f.name for f in ARTICLE_FIELDS if f.type in ("text", "choice", "language", "list"))
_WRITTEN = re.compile(r"([^.\[]+)(?:\[(\d+)\])?")  # "language", "tags[0]": a text field, a list's item


def as_written(front: dict, written: dict[str, str]) -> dict:
    """The front matter with each plain boolean or number of a text field as written, as
    the checker reads it (007 is "007", language: no is "no"): an update compares and
    writes those, never YAML's 7 or False. Deeper values stay as YAML made them."""
    out = dict(front)
    for path, text in written.items():
        found = _WRITTEN.fullmatch(path)
        if not found or found[1] not in _TEXT_KEYS:
            continue
        key, index = found[1], found[2]
        if index is None:
            out[key] = text
        elif isinstance(out.get(key), list) and int(index) < len(out[key]):
            out[key] = [*out[key][: int(index)], text, *out[key][int(index) + 1 :]]
    return out


def _same(key: str, a: object, b: object) -> bool:
    if key in ("date", "updated"):  # 2022-02-11 and '2022-02-11T00:00:00+00:00' are one date
        return a == b or (_as_datetime(a) is not None and _as_datetime(a) == _as_datetime(b))
    if key == "source" and isinstance(a, dict) and isinstance(b, dict):  # http://, www., ?utm_: one original
        return a.get("name") == b.get("name") and source_identity(str(a.get("url", ""))) == source_identity(str(b.get("url", "")))
    return a == b


def _differences(old_front: dict, old_body: str, front: dict, body: str) -> list[str]:
    """The fields (and body) where the article and the record's import disagree."""
    out = ["body"] if old_body != body else []
    out += [k for k in _OWNED if not _same(k, old_front.get(k), front.get(k))]
    out += [k for k in _MERGED_LISTS if set(map(str, _as_list(front.get(k)))) - set(map(str, _as_list(old_front.get(k))))]
    return out


def _merge(old_front: dict, front: dict) -> tuple[dict[str, object], list[str]]:
    """The article's front matter with what the record adds; a note on each field touched."""
    merged = dict(old_front)
    notes: list[str] = []
    for key in _OWNED:
        old, new = old_front.get(key), front.get(key)
        if _same(key, old, new) or key == "updated":  # updated follows the revisions
            continue
        if old in (None, "") and new is not None:
            merged[key] = new
            notes.append(f"{key}: set from the record: {_shown(new)}")
        else:
            notes.append(f"{key}: kept {_shown(old)}; the record has {_shown(new)}")
    for key in _MERGED_LISTS:
        old_items = _as_list(old_front.get(key))
        added = [v for v in _as_list(front.get(key)) if str(v) not in set(map(str, old_items))]
        if added:
            merged[key] = old_items + added
            notes.append(f"{key}: added {', '.join(map(str, added))}")
    merged["imported"] = front["imported"]
    return merged, notes


def _shown(value: object) -> str:
    if value is None or value == "":
        return "nothing"
    text = value if isinstance(value, str) else yaml.safe_dump(value, default_flow_style=True, width=1 << 20).strip()
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _as_list(value: object) -> list:
    return list(value) if isinstance(value, list) else []


def _as_datetime(value: object) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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
            urls[source.path] = frozenset(source_identity(u) for u in _ANY_URL.findall(text))
            continue
        source_field = front.get("source") if isinstance(front, dict) else None
        url = source_field.get("url") if isinstance(source_field, dict) else None
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


def detached(path: str, text: str) -> list[Problem]:
    """The article's errors, and each note that would not anchor in its body as the build
    anchors it: an import must never leave a note silently detached."""
    article = parse_article(path, text)
    if isinstance(article, list):
        return [p for p in article if p.is_error]
    if not article.annotations:
        return []
    _, _, problems = anchor(path, markdown.render(article.body).html, article.annotations, lambda note: "")
    return problems


def at_lines(problems: list[Problem], text: str) -> list[Problem]:
    """The problems with the lines of ``text``'s fields, the quote's own line if it has one."""
    lines = frontmatter.parse(text).lines
    out = []
    for p in problems:
        item = p.field.rsplit(".", 1)[0]
        line = lines.get(p.field, lines.get(item, p.line)) if p.field else p.line
        out.append(replace(p, line=line))
    return out


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

"""An existing article meets its record again: what ``sitegen import --update`` decides.

Pure: from the article's text and the record's front matter and body, whether the
article is unchanged, edited here, changed upstream or updated, and the text an update
writes; and what that text would break. ``importer`` reads and writes around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import yaml

from . import frontmatter, markdown
from .annotation import anchor
from .articlefile import iso, key_rank, render_article, yaml_lines
from .content import parse_article, source_identity
from .errors import Problem
from .schema import ARTICLE_FIELDS

# Fields an import writes. The article may have corrected them since: --update keeps
# what the article says and reports what the record says (the previous import's values
# are not kept, so an editor's correction cannot be told from an older record's text).
_OWNED = ("title", "date", "updated", "summary", "source", "image", "language", "section")
_MERGED_LISTS = ("tags", "people", "related")  # --update adds the record's new items


@dataclass(frozen=True)
class Reconciled:
    """What an archived article becomes when a record of its source is imported again."""

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


# --- what the new text would break (pure) ----------------------------------------------


def detached(path: str, text: str) -> list[Problem]:
    """The article's errors, and each note that would not anchor in its body as the build
    anchors it: an import must never leave a note silently detached."""
    article = parse_article(path, text)
    if isinstance(article, list):
        return [p for p in article if p.is_error]
    if not article.annotations:
        return []
    heads = {"title": article.title, "summary": article.summary}
    return anchor(path, markdown.render(article.body).html, article.annotations, lambda note: "", heads).problems


def at_lines(problems: list[Problem], text: str) -> list[Problem]:
    """The problems with the lines of ``text``'s fields, the quote's own line if it has one."""
    lines = frontmatter.parse(text).lines
    out = []
    for p in problems:
        item = p.field.rsplit(".", 1)[0]
        line = lines.get(p.field, lines.get(item, p.line)) if p.field else p.line
        out.append(replace(p, line=line))
    return out

"""The archive's files: the Markdown under ``content/articles``, ``content/people``,
``content/pages``, ``content/tags`` and ``content/outlets`` that a build reads, and the
files under ``content/`` that no rule reads (I/O: the only reading of ``content/``;
parsing is ``content``'s).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .cache import digest
from .errors import Problem

TABLES = {"articles": "article", "people": "person"}  # content folder -> the cache table of its parsed files
Signature = tuple[int, int, int, int, int]  # a file's modification and change times, size, inode, device


@dataclass(frozen=True)
class SourceFile:
    path: str  # posix, relative to the archive root
    data: bytes | None  # None: not read, known unchanged since a build that parsed it (``known``)
    signature: Signature = (0, 0, 0, 0, 0)  # zeros: not to be trusted (changed while it was read)
    known: bytes = b""  # the key, when not read

    @cached_property
    def key(self) -> bytes:
        """What parsing it depends on: its cache key (hashed once, asked for twice a build)."""
        return self.known or digest(self.path, self.data or b"")


def read_sources(
    root: Path, folder: str, known: Callable[[str, Signature], bytes | None] = lambda path, sig: None,
    unread: list[str] | None = None,
) -> list[SourceFile]:
    """Every ``*.md`` under ``root/content/<folder>``, in sorted order (I/O).

    ``known`` gives the key of a file whose signature shows it unchanged since it was
    parsed; such a file is not read. ``unread`` is given the other files the walk saw.
    """
    base = root / "content" / folder
    if not base.is_dir():
        return []
    found = []
    for rel in _markdown_files(base, f"content/{folder}/", unread):
        path = os.path.join(root, rel)
        try:
            st = os.stat(path)
        except FileNotFoundError:  # a dangling symlink, or a file removed meanwhile
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        signature = _signature(st)
        key = known(rel, signature)
        if key:
            found.append(SourceFile(rel, None, signature, key))
            continue
        with open(path, "rb") as f:
            data = f.read()
            if _signature(os.fstat(f.fileno())) != signature:
                signature = (0, 0, 0, 0, 0)  # changed between the stat and the read
        found.append(SourceFile(rel, data, signature))
    return found


def _signature(st: os.stat_result) -> Signature:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def _markdown_files(base: Path, prefix: str, unread: list[str] | None = None) -> list[str]:
    """Relative paths of the ``*.md`` names under ``base`` (as ``Path.rglob``: symlinked
    folders not entered), sorted by their parts; as text, since pathlib per file is slow.
    The other names, but hidden ones (``.gitkeep``, ``.DS_Store``), go to ``unread``."""
    found = []
    for folder, _, names in os.walk(base):
        under = prefix + os.path.relpath(folder, base).replace(os.sep, "/") + "/" if folder != str(base) else prefix
        found += [under + name for name in names if name.endswith(".md") and not name.startswith(".")]  # not .#story.md
        if unread is not None and "/." not in "/" + under:
            unread += [under + name for name in names if not name.endswith(".md") and not _left_alone(name)]
    return sorted(found, key=lambda rel: rel.split("/"))


CONTENT_FOLDERS = ("articles", "people", "pages", "tags", "outlets", "static")  # static/ is copied as it is: every file there is used
# What editors and systems leave beside a file (story.md~, #story.md#, Thumbs.db): not a
# contributor's misnamed article, and an autosave must not fail `sitegen serve`'s rebuild.
_LEFT_BY_TOOLS = re.compile(r"\..*|.*~|#.*#|Thumbs\.db|desktop\.ini|Icon\r", re.IGNORECASE)


def _left_alone(name: str) -> bool:
    return _LEFT_BY_TOOLS.fullmatch(name) is not None


def stray_files(root: Path) -> list[str]:
    """Files under ``content/`` outside the folders sitegen reads (I/O: lists ``content/``,
    and walks only such folders, say a mistyped ``content/article/``)."""
    base = root / "content"
    if not base.is_dir():
        return []
    out: list[str] = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        if _left_alone(entry.name) or entry.name in CONTENT_FOLDERS:
            continue
        if entry.is_dir():
            for folder, _, names in os.walk(entry.path):
                under = "content/" + os.path.relpath(folder, base).replace(os.sep, "/") + "/"
                if "/." not in under:
                    out += [under + name for name in names if not _left_alone(name)]
        else:
            out.append(f"content/{entry.name}")
    return sorted(out, key=lambda rel: rel.split("/"))


def unread_problems(paths: Iterable[str]) -> list[Problem]:
    """A file under content/ that no rule reads is an error: an article with a mistyped
    name or folder would otherwise pass ``check`` and never be published."""
    out = []
    for path in paths:
        folder = path.split("/")[1] if path.count("/") > 1 else ""
        name = path.rsplit("/", 1)[-1]
        spaced = " (the name begins or ends with a space)" if name != name.strip() else ""
        if folder == "articles":
            why = f"article files end in .md{spaced or ' (other files belong under content/static/)'}"
        elif folder == "people":
            why = f"person files end in .md{spaced}"
        elif folder == "pages":
            why = f"page files end in .md{spaced} (other files belong under content/static/)"
        elif folder in ("tags", "outlets"):
            why = f"{folder[:-1]} files end in .md{spaced}"
        else:
            why = f"content/ holds only the folders {', '.join(f + '/' for f in CONTENT_FOLDERS)}"
        out.append(Problem(path, 0, "", f"not read: {why}"))
    return out

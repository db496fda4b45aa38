"""A persistent build cache under ``<archive>/.sitegen-cache/``: work a build need not redo.

Every entry is keyed by a hash of what it was computed from, and the whole cache by a
fingerprint of sitegen's own code, so an edit to sitegen (or an upgrade of a library it
renders with) starts afresh. The cache is only ever an accelerator: a missing, corrupt or
unwritable cache gives a cold build, never an error, and never different output.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Collection, Hashable
from functools import cache, lru_cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from . import __version__

FOLDER = ".sitegen-cache"
_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "Jinja2", "MarkupSafe", "PyYAML", "lunr", "nltk", "numpy", "python-slugify", "Babel")
T = TypeVar("T")
Memo = Callable[[str, Hashable, Callable[[], Any]], Any]  # (table, key, compute) -> value
Later = Callable[[str, bytes, Callable[[], Any]], Callable[[], Any]]  # (table, key, compute) -> what gives the value
Shard = tuple[str, int]  # (table, number)


def no_memo(table: str, key: Hashable, compute: Callable[[], T]) -> T:
    """The ``Memo`` of a build without a cache."""
    return compute()


def no_later(table: str, key: bytes, compute: Callable[[], T]) -> Callable[[], T]:
    """The ``Later`` of a build without a cache: what gives the value computes it, once."""
    return cache(compute)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sitegen's version and source, Python's version and the libraries whose output we keep."""
    h = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-".encode())
    return h.hexdigest()


def digest(*parts: str | bytes) -> bytes:
    """A short, stable key for texts too long to keep as keys."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.digest()


def _is_hex(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdef" for c in text)


class Cache:
    """Tables of digest -> value, each in 16 shard files (256 for a table read a few
    entries at a time) read on first use and written back by ``save`` only when they
    changed (an edit rewrites one shard, not the whole table); some may be written sooner
    by a forked child (see ``saved``). A disabled cache (no folder) keeps its tables in
    memory for one build.

    Only entries used (or put off, see ``later``) by this build are written back, so
    entries of deleted or edited files do not pile up.
    """

    SHARDS = 16
    # Tables read a few entries at a time (see ``later``): smaller shards. (site.BODIES)
    FINER: ClassVar[dict[str, int]] = {"html": 256}

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.fingerprint = code_fingerprint() if folder else ""
        self._old: dict[tuple[str, int], dict] = {}
        self._used: dict[tuple[str, int], dict] = {}
        self._changed: set[tuple[str, int]] = set()
        self._wanted: dict[str, set[bytes]] = {}  # per table, keys put off (see ``later``)
        self._latest: dict[str, tuple[str, object]] = {}  # name -> (file, value) to write
        self._saved: dict[Shard, int] = {}  # shards written by another process, with their entry counts

    @classmethod
    def open(cls, root: Path) -> Cache:
        return cls(root / FOLDER)

    @classmethod
    def disabled(cls) -> Cache:
        return cls(None)

    def memo(self, table: str, key: bytes, compute: Callable[[], T]) -> T:
        """The value stored under ``key`` (a digest), else ``compute()`` (and store it)."""
        used, old = self._shard(table, key)
        if key in used:
            return used[key]
        if key in old:
            value = old[key]
        else:
            value = compute()
            self._changed.add(self._shard_of(table, key))
        used[key] = value
        return value

    def later(self, table: str, key: bytes, compute: Callable[[], T]) -> Callable[[], T]:
        """``memo`` put off until the value is asked for: its shard is not even read before.
        Meanwhile the entry counts as used, so ``save`` keeps it."""
        self._wanted.setdefault(table, set()).add(key)
        return partial(self.memo, table, key, compute)

    def found_latest(self, name: str, key: bytes) -> Any:
        """One big value kept alone (see ``keep_latest``), or None. Its key is in the file
        name: a stale one is never even read."""
        return self.read(self._latest_file(name, key))

    def keep_latest(self, name: str, key: bytes, value: T) -> T:
        """Keep ``value`` as the one value under ``name``; ``save`` writes it and forgets
        the others."""
        self._latest[name] = (self._latest_file(name, key), value)
        return value

    def _latest_file(self, name: str, key: bytes) -> str:
        """The file name holds sitegen's code fingerprint too: after an upgrade, no file
        claims to hold a value that reading it would refuse."""
        return f"{name}-{digest(self.fingerprint, key).hex()[:40]}.pickle"

    def known(self, table: str, key: bytes) -> bool:
        """Whether ``memo`` would answer without computing."""
        used, old = self._shard(table, key)
        return key in used or key in old

    def _shard_of(self, table: str, key: bytes) -> tuple[str, int]:
        return table, key[0] * self.FINER.get(table, self.SHARDS) // 256

    def _shard(self, table: str, key: bytes) -> tuple[dict, dict]:
        shard = self._shard_of(table, key)
        used = self._used.get(shard)
        if used is None:
            used = self._used[shard] = {}
            found = self.read(f"{table}-{shard[1]:x}.pickle")  # None without a folder: in memory only
            self._old[shard] = found if isinstance(found, dict) else {}
        return used, self._old[shard]

    def save(self, only: Collection[Shard] | None = None) -> dict[Shard, int]:
        """Write back every shard that changed (or ``only`` those) and was not written
        already as it is (see ``saved``); silently skipped where the folder is not writable.
        Returns how many entries it wrote of each shard."""
        wrote = {}
        for shard, entries in self._due().items():
            if (only is not None and shard not in only) or self._saved.get(shard) == len(entries):
                continue
            if self.write(f"{shard[0]}-{shard[1]:x}.pickle", entries):
                wrote[shard] = len(entries)
        if only is not None:
            return wrote
        for name, (file, value) in self._latest.items():
            self.write(file, value)
            for other in self.names(f"{name}-*.pickle"):
                if other != file and _is_hex(other[len(name) + 1 : -len(".pickle")]):  # not a "<name>-<table>" shard
                    self.forget(other)
        return wrote

    def due(self) -> list[Shard]:
        """The shards ``save`` would write now."""
        return list(self._due())

    def saved(self, due: Collection[Shard], wrote: dict[Shard, int]) -> None:
        """Of the shards ``due`` when a forked child saved them, those it ``wrote``: ``save``
        writes one again only if it has more entries now (entries are only ever added, so as
        many means the same), and every other one (the child failed) whatever it holds: the
        files need no longer be what they were when this build began."""
        self._changed.update(due)
        self._saved.update(wrote)

    def _due(self) -> dict[Shard, dict]:
        due = {}
        for shard, entries in self._used.items():
            if wanted := self._wanted.get(shard[0]):  # entries put off and never asked for: kept
                entries = {**{k: v for k, v in self._old[shard].items() if k in wanted}, **entries}
            if shard in self._changed or len(entries) != len(self._old[shard]):
                due[shard] = entries
        return due

    def read(self, name: str) -> Any:
        """One pickled value, or None when missing, corrupt or from other code."""
        if self.folder is None:
            return None
        try:
            with open(self.folder / name, "rb") as f:
                fingerprint, value = pickle.load(f)
        except Exception:  # noqa: BLE001 - any unreadable cache is a cold build
            return None
        return value if fingerprint == self.fingerprint else None

    def write(self, name: str, value: object) -> bool:
        """Atomically replace one cache file: a concurrent or killed build never sees half of it.
        Whether it did."""
        if self.folder is None:
            return False
        try:
            self.folder.mkdir(exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# written by sitegen: the whole build cache stays out of git\n*\n")
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump((self.fingerprint, value), f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.folder / name)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            return False
        return True

    def names(self, pattern: str) -> list[str]:
        """Cache files matching ``pattern``, oldest first."""
        if self.folder is None:
            return []
        found = []
        for path in self.folder.glob(pattern):
            try:
                found.append((path.stat().st_mtime_ns, path.name))
            except OSError:
                continue
        return [name for _, name in sorted(found)]

    def forget(self, name: str) -> None:
        if self.folder is not None:
            try:
                (self.folder / name).unlink()
            except OSError:
                pass

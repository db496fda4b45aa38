"""Writing the site: into a fresh folder beside the output, swapped in at the very end.

A build that fails, or is killed at any moment, leaves the previous output
folder complete and unchanged. On Linux the swap is one atomic
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames with a short gap.
An unchanged file of the previous output is hard-linked into the staging folder
(``Link``), which only adds a name to it: the previous output stays untouched.

Incremental builds keep the replaced output beside the new one as a *spare*
(``.<name>.spare``) and use it as the next staging folder: only the files that
changed are written (each unlinked first, as the spare shares files with the
live output through hard links), so an edit costs a few writes, not a whole tree.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import parallel
from .errors import SitegenError
from .leftovers import BACKGROUND_FILES, discard, spare_of, sweep

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class Link:
    """A file to take over from the previous output; ``make`` gives its bytes if that file is gone."""

    source: Path
    make: Callable[[], bytes]


@dataclass(frozen=True)
class Pending:
    """A file whose bytes are made only by the process that writes it (see sitegen/parallel.py)."""

    make: Callable[[], bytes]


@dataclass(frozen=True)
class Keep:
    """A file the reused spare already holds with the right bytes; ``make`` them if it is gone."""

    make: Callable[[], bytes]


@dataclass(frozen=True)
class Stored:
    """A file another process already wrote (into the build's cache), named by a hash of its
    bytes: linked into place, not copied, so its bytes never pass through this process."""

    path: Path


@dataclass(frozen=True)
class Decide:
    """A file decided on by the process that writes it: ``decide`` gives a note for the
    caller (the file's fingerprint) and what to write. With worker processes, each one
    decides only its own files, and the notes come back to the build's process."""

    decide: Callable[[], tuple[bytes, Link | Keep | Pending | Stored]]


@dataclass(frozen=True)
class Last:
    """The files that come after all others, made by the build's own process alone: those
    waiting for a value another process computes meanwhile (the search index), which
    forked workers must not wait for. Their names are known only once ``produce`` runs;
    ``replaces`` tells the last output's files they stand for, which a build carrying the
    others over must leave to them."""

    produce: Callable[[], Iterable[tuple[str, object]]]
    replaces: Callable[[str], bool] = lambda rel: False


@dataclass(frozen=True)
class Written:
    files: int  # in the new output
    made: int  # of them, made by this build (the rest: taken over from the previous output, or copied)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def write_site(
    out: Path,
    files: Iterable[tuple[str, bytes | Link | Keep | Pending | Stored | Decide] | Last],
    copies: Iterable[tuple[str, Path]] = (),
    *,
    notes: dict[str, bytes] | None = None,
    spare: bool = False,
    spare_files: Collection[str] | None = None,
    twin: bool = False,
    workers: int = 1,
    late: Callable[[], bool] | None = None,
    held: Collection[str] = (),
) -> Written:
    """Write every file into a staging folder, then swap it with ``out``; say how many.

    With ``spare``, the replaced output is kept at ``spare_of(out)`` instead of removed. Given
    ``spare_files`` (what that spare holds, as recorded by the build that wrote it), the spare
    is the staging folder: ``Keep`` files stay, the others are replaced, the rest removed.
    With ``twin`` (and no spare to reuse), every file is also hard-linked into a second
    folder that becomes the spare, so even the build after a cold one writes only changes.
    With ``workers`` > 1, forked processes make and write the files, taking them in chunks
    (``parallel.Turns``); with one, ``late`` may say when to fork a worker partway (``_fill``).
    ``notes`` receives the note of every ``Decide`` file, from whichever process wrote it.
    ``held`` names files of the reused spare the caller found as they must be: kept, unseen.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep(out)
    in_place = spare_files is not None and spare_of(out).is_dir()
    if held and not in_place:
        raise SitegenError(f"{spare_of(out)} went away during the build (another build of the same output?); build again")
    if in_place:
        stage = out.parent / f".{out.name}.new-{os.urandom(6).hex()}"
        os.rename(spare_of(out), stage)
    else:
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    second = Path(tempfile.mkdtemp(prefix=f".{out.name}.twin-", dir=out.parent)) if twin and spare and not in_place else None
    try:
        written, made = _fill(stage, files, copies, in_place, workers, second, notes if notes is not None else {}, late)
        written.update(held)
        if in_place:
            _prune(stage, set(spare_files or ()) - written)
    except BaseException:
        discard(stage, BACKGROUND_FILES if in_place else 0)
        if second:
            discard(second, BACKGROUND_FILES)
        raise
    count = len(written)
    if out.exists() and _exchange(stage, out):
        _retire(stage, out, spare, count, second)  # stage now holds the previous site
        return Written(count, made)
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.rename(out, old)
        os.rename(stage, out)
        _retire(old, out, spare, count, second)
    else:
        os.rename(stage, out)
        _retire(None, out, spare, count, second)
    return Written(count, made)


def _retire(old: Path | None, out: Path, spare: bool, count: int, second: Path | None) -> None:
    """The twin, else the replaced output, becomes the spare; what is left is removed."""
    keep = second or (old if spare else None)
    for folder in (old, spare_of(out) if keep else None):
        if folder is not None and folder != keep and folder.exists():
            discard(folder, count)  # the replaced output, or an older spare nobody can vouch for
    if keep is not None:
        os.rename(keep, spare_of(out))


def _prune(stage: Path, stale: set[str]) -> None:
    """Remove files the reused spare held but this build does not, and folders left empty."""
    for rel in sorted(stale, reverse=True):
        target = Path(_inside(stage, rel))
        try:
            os.unlink(target)
        except OSError:
            continue
        parent = target.parent
        while parent != stage:
            try:
                os.rmdir(parent)
            except OSError:
                break
            parent = parent.parent


def _fill(
    stage: Path,
    files: Iterable[tuple[str, bytes | Link | Keep | Pending | Decide] | Last],
    copies: Iterable[tuple[str, Path]],
    in_place: bool,
    workers: int,
    second: Path | None,
    notes: dict[str, bytes],
    late: Callable[[], bool] | None = None,
) -> tuple[set[str], int]:
    """Make and write every file; with ``workers``, each process its share. Alone, given
    ``late``, one worker is forked at the first chunk where it says a core is free (the
    search child's, say), to take a share of the chunks after.

    Each process writes its own files as it makes them. (A writer thread, to overlap the
    syscalls with rendering, cost more in contention for the GIL than it saved: measured at
    10k articles, 2 workers, ~3 s of CPU more in a cold build.)"""
    items = iter(files)
    first = next(items, None)  # what all files share (templates, plan) is made before forking
    share = parallel.fork(workers)
    writer = _Writer(str(stage), in_place, str(second) if second else None)
    written: set[str] = set()
    made = 0
    try:
        for position, item in enumerate(itertools.chain([first] if first else [], items)):
            if isinstance(item, Last):
                if share.worker:
                    break  # the build's process makes them alone
                for rel, data in item.produce():
                    written.add(rel)
                    made += _make_file(stage, writer, notes, rel, data)
                continue
            if late is not None and share.count == 1 and position % parallel.CHUNK == 0 and late():
                late, share = None, _fork_late(position // parallel.CHUNK)
                if share.worker:
                    notes, made = {}, 0  # it reports what it makes from here on
            rel, data = item
            written.add(rel)
            if share.mine(position):
                made += _make_file(stage, writer, notes, rel, data)
    except BaseException as exc:
        if share.worker:
            parallel.leave(share, exc)
        parallel.stop(share)
        raise
    if share.worker:
        parallel.leave(share, None, (notes, made))
    for their_notes, their_made in parallel.join(share):
        notes.update(their_notes)
        made += their_made
    for rel, source in copies:  # once the workers are done: a static file stands over a generated one
        writer.write(_inside(stage, rel), source, again=rel in written)
        written.add(rel)
    os.chmod(stage, 0o755)
    return written, made


def _fork_late(first_chunk: int) -> parallel.Share:
    """A worker for the chunks from ``first_chunk``; none if the system has no process to
    spare: it only saves time."""
    try:
        return parallel.fork(2, first_chunk=first_chunk)
    except SitegenError:
        return parallel.Share()


def _make_file(stage: Path, writer: _Writer, notes: dict[str, bytes], rel: str, data: object) -> int:
    """Write one file of this process's; 1 if it was made, not linked or kept."""
    target = _inside(stage, rel)
    if isinstance(data, Decide):
        notes[rel], data = data.decide()
    if isinstance(data, Keep) and os.path.lexists(target):
        return 0  # the spare already holds it
    made = 0 if isinstance(data, Link) else 1
    if isinstance(data, Stored):  # made by another process: linked like a file taken over
        data = Link(data.path, data.path.read_bytes)
    writer.write(target, data.make() if isinstance(data, (Pending, Keep)) else data)
    return made


class _Writer:
    """Creates folders and writes, links or copies files."""

    def __init__(self, stage: str, in_place: bool, second: str | None = None):
        self.stage = stage
        self.made = {stage}
        self.in_place = in_place
        self.second = second  # a folder each file is also linked into
        if second:
            self.made.add(second)

    def write(self, target: str, data: bytes | Link | Path, again: bool = False) -> None:
        """``again``: this build wrote ``target`` already (and linked it into the twin)."""
        parent = os.path.dirname(target)
        if parent not in self.made:
            self._folder(parent)
        twin = self.second + target[len(self.stage) :] if self.second else None
        if self.in_place or again:
            _remove(target)  # never write through: the spare shares files with the live output
            if again and twin:
                _remove(twin)
        if isinstance(data, Link):
            _link(data, Path(target))
        elif isinstance(data, Path):
            shutil.copyfile(data, target)
        else:
            _write_bytes(target, data)
        if twin:
            if os.path.dirname(twin) not in self.made:
                self._folder(os.path.dirname(twin))
            os.link(target, twin)

    def _folder(self, path: str) -> None:
        """Most folders (one per article) are new, under one that exists: one mkdir, where
        os.makedirs first stats the parent (~0.2 s of a cold build's 40k folders at 10k articles)."""
        try:
            os.mkdir(path)
        except FileNotFoundError:
            os.makedirs(path, exist_ok=True)
        except OSError:  # as os.makedirs(exist_ok=True): any error, if the folder is there
            if not os.path.isdir(path):
                raise
        self.made.add(path)


def _write_bytes(path: str, data: bytes) -> None:
    """As ``open(path, "wb").write(data)``, without a file object (~3.5 µs a file, 20k files at 10k articles)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]  # a write may take less than all
    finally:
        os.close(fd)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path)


def _link(link: Link, target: Path) -> None:
    """Hard link, else copy (another filesystem), else make the bytes again."""
    try:
        os.link(link.source, target)
        return
    except FileNotFoundError:
        target.write_bytes(link.make())
        return
    except OSError:
        pass
    try:
        shutil.copyfile(link.source, target)
    except OSError:
        target.write_bytes(link.make())


def _inside(root: Path | str, rel: str) -> str:
    """``root/rel``, refusing absolute paths and '..' (checked on the text: no per-file resolve)."""
    clean = posixpath.normpath(rel) if rel else "."
    if clean == "." or rel.startswith("/") or "\x00" in rel or "/../" in f"/{rel}/":
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return os.path.join(root, clean)

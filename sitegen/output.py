"""Writing the site: into a fresh folder beside the output, swapped in at the very end.

A build that fails, or is killed at any moment, leaves the previous output
folder complete and unchanged. On Linux the swap is one atomic
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames with a short gap.
An unchanged file of the previous output is hard-linked into the staging folder
(``Link``), which only adds a name to it: the previous output stays untouched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
BACKGROUND_FILES = 2000  # a previous output this big is removed by a detached child process


@dataclass(frozen=True)
class Link:
    """A file to take over from the previous output; ``make`` gives its bytes if that file is gone."""

    source: Path
    make: Callable[[], bytes]


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


def sweep(out: Path) -> None:
    """Remove folders left by builds that were killed before they finished."""
    for stale in out.parent.glob(f".{out.name}.*"):
        if ".trash-" in stale.name and _busy(stale):
            continue  # a previous build's child is removing it
        shutil.rmtree(stale, ignore_errors=True)


def _busy(folder: Path) -> bool:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def discard(folder: Path, files: int) -> None:
    """Remove a previous output: a big one in a detached child, so the new site is served at once.

    The child holds a lock on the folder while it works; ``sweep`` leaves a locked folder
    alone and removes one whose child was killed.
    """
    if files < BACKGROUND_FILES or threading.active_count() > 1:
        shutil.rmtree(folder, ignore_errors=True)
        return
    trash = folder.with_name(f"{folder.name.split('.new-')[0].split('.old-')[0]}.trash-{os.urandom(6).hex()}")
    try:
        os.rename(folder, trash)
        fd = os.open(trash, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_EX)  # inherited by the child: held until it exits
        pid = os.fork()
    except OSError:
        shutil.rmtree(trash if trash.exists() else folder, ignore_errors=True)
        return
    if pid:
        os.close(fd)
        os.waitpid(pid, 0)  # the child forks the remover and exits at once
        return
    try:  # the child: detached from the terminal and from the build's pipes
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(null, std)
        if os.fork():  # the grandchild does the work, so nobody need wait for it
            os._exit(0)
        shutil.rmtree(trash, ignore_errors=True)
    finally:
        os._exit(0)


def write_site(out: Path, files: Iterable[tuple[str, bytes | Link]], copies: Iterable[tuple[str, Path]] = ()) -> int:
    """Write every file into a staging folder, then swap it with ``out``; return the file count."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep(out)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        count = _fill(stage, files, copies)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if out.exists() and _exchange(stage, out):
        discard(stage, count)  # now holds the previous site
        return count
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.rename(out, old)
        os.rename(stage, out)
        discard(old, count)
    else:
        os.rename(stage, out)
    return count


def _fill(stage: Path, files: Iterable[tuple[str, bytes | Link]], copies: Iterable[tuple[str, Path]]) -> int:
    count = 0
    made: set[Path] = {stage}
    for rel, data in files:
        target = _inside(stage, rel)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if isinstance(data, Link):
            _link(data, target)
        else:
            target.write_bytes(data)
        count += 1
    for rel, source in copies:
        target = _inside(stage, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        count += 1
    os.chmod(stage, 0o755)
    return count


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


def _inside(root: Path, rel: str) -> Path:
    """``root/rel``, refusing absolute paths and '..' (checked on the text: no per-file resolve)."""
    parts = PurePosixPath(rel).parts
    if not parts or rel.startswith("/") or "\x00" in rel or any(p in ("..", "/") for p in parts):
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return root.joinpath(*parts)

"""The folders a build leaves beside its output: the spare an incremental build updates in
place (``.<name>.spare``), and what a killed build left behind (a staging folder, a twin,
the output it replaced, a scratch search store, trash a detached child was removing).

``output`` sweeps before each write and discards what the swap replaced; ``incremental``
finds the spare here.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from pathlib import Path

BACKGROUND_FILES = 2000  # a previous output this big is removed by a detached child process


def spare_of(out: Path) -> Path:
    """Where the output before the current one is kept, for the next build to update in place."""
    return out.parent / f".{out.name}.spare"


# The folders a build makes beside ``out`` (staging, twin, the one replaced, a scratch search
# store, trash of any): ``sweep`` removes only these, never another file named after the output.
_LEFT_BY_BUILDS = ("new-", "twin-", "old-", "search-", "spare.trash-")


def sweep(out: Path) -> None:
    """Remove folders left by builds that were killed before they finished."""
    for stale in out.parent.glob(f".{out.name}.*"):
        if not stale.name[len(out.name) + 2 :].startswith(_LEFT_BY_BUILDS) or not stale.is_dir():
            continue
        if (".trash-" in stale.name or ".search-" in stale.name) and _busy(stale):
            continue  # a build's child is removing it, or a running build makes its search index in it
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
    trash = folder.with_name(f"{folder.name}.trash-{os.urandom(6).hex()}")
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
        os.closerange(3, fd)  # nor may it hold the build's other files and locks (the search store's)
        os.closerange(fd + 1, os.sysconf("SC_OPEN_MAX"))
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(null, std)
        if os.fork():  # the grandchild does the work, so nobody need wait for it
            os._exit(0)
        shutil.rmtree(trash, ignore_errors=True)
    finally:
        os._exit(0)

"""Writing the site: into a fresh folder beside the output, swapped in at the very end.

A build that fails, or is killed at any moment, leaves the previous output
folder complete and unchanged. On Linux the swap is one atomic
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames with a short gap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


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
        shutil.rmtree(stale, ignore_errors=True)


def write_site(out: Path, files: Iterable[tuple[str, bytes]], copies: Iterable[tuple[str, Path]] = ()) -> int:
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
        shutil.rmtree(stage)  # now holds the previous site
        return count
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.rename(out, old)
        os.rename(stage, out)
        shutil.rmtree(old)
    else:
        os.rename(stage, out)
    return count


def _fill(stage: Path, files: Iterable[tuple[str, bytes]], copies: Iterable[tuple[str, Path]]) -> int:
    count = 0
    for rel, data in files:
        target = _inside(stage, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    for rel, source in copies:
        target = _inside(stage, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        count += 1
    os.chmod(stage, 0o755)
    return count


def _inside(root: Path, rel: str) -> Path:
    target = (root / rel).resolve()
    if root.resolve() not in target.parents:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return target

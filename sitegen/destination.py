"""Where a build may write. The output folder is replaced whole (``output.write_site``), and
folders beside it named after it are made and removed, so a wrong ``-o`` or ``output``
must be refused before anything is touched: it could hold the archive's own sources.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .cache import FOLDER as CACHE_FOLDER
from .errors import SitegenError

# What the build reads under the archive root (or keeps there, the cache): no output in or over them.
READ = ("content", "themes", "templates", CACHE_FOLDER, ".git", "node_modules")
# Any site has one at its top (sitegen writes both): a folder holding neither is no site to replace.
SITE_MARKS = ("index.html", "sitemap.xml")


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def location_problem(root: Path, out: Path, read_also: Iterable[Path] = ()) -> str | None:
    """Why ``out`` (resolved) may not be an output folder of the archive at ``root``, from
    where it lies alone; None if it may. ``read_also``: other folders the build reads (the
    theme's); pure."""
    root = root.resolve()
    if out == root:
        return "is the archive itself: a build replaces its output folder whole, sources and all"
    if out in root.parents:
        return f"contains the archive ({root}): a build replaces its output folder whole, sources and all"
    for folder in [*((root / name).resolve() for name in READ), *(f.resolve() for f in read_also)]:  # a symlinked content/ too
        if _within(out, folder):
            return f"{'is' if out == folder else 'lies inside'} {folder}, which the build reads: choose a folder outside it (the default is public/)"
        if _within(folder, out):
            return f"contains {folder}, which the build reads: a build replaces its output folder whole"
    if out == Path.home():
        return "is your home folder: a build replaces its output folder whole"
    return None


def contents_problem(out: Path) -> str | None:
    """Why the folder now at ``out`` may not be replaced; None if it may: it is absent or
    empty, or holds a site (``SITE_MARKS``), and no git repository (a gh-pages checkout, say).
    (The cache's record of the last output is no help: it knows a folder by its change time,
    which removing a file changes.)"""
    if not os.path.lexists(out):
        return None
    if not out.is_dir():
        return "exists and is not a folder"
    if (out / ".git").exists():
        return "holds a .git repository, which replacing the folder would delete: build elsewhere and copy the site in"
    with os.scandir(out) as entries:
        if next(entries, None) is None:
            return None
    if any((out / mark).is_file() for mark in SITE_MARKS):
        return None
    return (
        f"is not empty and holds no site (no {' or '.join(SITE_MARKS)} at its top): a build replaces "
        "its output folder whole, so it will not build over other files. Empty or remove the folder, or choose another"
    )


def refuse(root: Path, out: Path, read_also: Iterable[Path] = ()) -> None:
    """Raise, naming ``out``, if a build may not replace it; touches nothing."""
    why = location_problem(root, out, read_also) or contents_problem(out)
    if why:
        raise SitegenError(f"{out}: output folder {why}")

"""Slugs: the one place where text becomes a URL segment and a file name."""

from __future__ import annotations

from slugify import slugify as _slugify

MAX_LENGTH = 80
# Names Windows refuses as files, whatever the extension: never a slug on its own.
_APOSTROPHES = [["'", ""], ["\u2019", ""]]
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(text: str, fallback: str = "untitled") -> str:
    """ASCII, lower case, hyphenated, at most 80 characters; never empty, never reserved.

    Because every slug passes through here, no content can name a path outside
    the output folder (no dots, slashes or NUL survive).
    """
    slug = _slugify(
        text, max_length=MAX_LENGTH, word_boundary=True, save_order=True, replacements=_APOSTROPHES
    ) or fallback
    return f"{slug}-1" if slug in _RESERVED else slug

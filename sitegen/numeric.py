"""numpy, imported with sitegen's settings. Only the search index uses it (a build
without search never imports it)."""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable

# numpy asks for transparent huge pages for arrays of 4 MB and up. Where the kernel honours
# that by compacting memory at the fault (THP defrag "madvise", as on the machine measured),
# an edit's index build spent ~0.25 s more in the kernel, for arrays that live a moment.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")  # read when numpy is first imported
import numpy as np

__all__ = ["give_back", "np"]


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim = ctypes.CDLL(None).malloc_trim  # among the symbols loaded already: glibc's, if it is glibc
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes, trim.restype = (ctypes.c_size_t,), ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def give_back() -> None:
    """Hand the memory of freed arrays back to the system. glibc keeps an array of a few
    MB, once freed, in its heap for the next one (its mmap threshold rises with each
    freed array): the index's short-lived arrays held the search child ~80 MB larger at
    10k articles, for as long as it lived."""
    if _TRIM is not None:
        _TRIM(0)

"""numpy, imported with sitegen's settings. Only the search index uses it (a build
without search never imports it)."""

from __future__ import annotations

import os

# numpy asks for transparent huge pages for arrays of 4 MB and up. Where the kernel honours
# that by compacting memory at the fault (THP defrag "madvise", as on the machine measured),
# an edit's index build spent ~0.25 s more in the kernel, for arrays that live a moment.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")  # read when numpy is first imported
import numpy as np

__all__ = ["np"]

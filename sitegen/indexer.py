"""The search index as a build makes it: from the cache, or built by a forked child while
the build renders the pages (see ``output.Last``), or in this process. The index itself is
``search``'s; this module only decides where and when it is made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import incremental, parallel, search
from .cache import Cache
from .site import Site, search_documents


@dataclass(frozen=True)
class SearchIndex:
    """The search index to come: from the cache, a forked ``child`` building it, or this process."""

    get: Callable[[], search.SearchOutput]
    child: parallel.Background | None
    vendor: dict[str, bytes]  # lunr.js for the output, read before any other work

    def stop(self) -> None:
        if self.child:
            self.child.stop()  # a no-op once collected; else the build failed


def start(root: Path, site: Site, cache: Cache, background: bool) -> SearchIndex:
    """With ``background``, unless the cache holds it, a forked child starts building the index now."""
    vendor = search.vendor_files(root)  # lunr.js missing: fail before any work
    docs = search_documents(site)
    key = incremental.Fingerprints().of(docs)
    compute = partial(_build_search, docs, cache.folder)
    child = None
    if background and not cache.holds_latest("search", key):
        # The child shares the machine with this process, which renders meanwhile: on two cores
        # more processes writing the parts cost CPU (~0.5 s at 10k articles) and save no time.
        child = parallel.background(partial(compute, processes=1 if parallel.workers() <= 2 else 0))
    return SearchIndex(partial(cache.latest, "search", key, child.result if child else compute), child, vendor)


def _build_search(docs: list[search.SearchDoc], folder: Path | None, processes: int = 0) -> search.SearchOutput:
    """Each document's counted terms are kept for the next build, by the process that counted them."""
    terms = Cache(folder)  # of its own: the build's cache may be in another process
    found = search.build_search(docs, processes=processes, memo=terms.memo)
    terms.save()
    return found

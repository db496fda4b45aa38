"""The search index as a build makes it: from the cache, or built by a forked child while
the build renders the pages (see ``output.Last``), or in this process. The index itself is
``search``'s; this module only decides where and when it is made."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import incremental, parallel, search
from .cache import Cache, digest
from .model import Article
from .output import Stored
from .searchlanguage import SearchLanguage
from .site import Site
from .termcounts import TermCounts

STORE = "search-files"  # in the cache folder: the index's files, each named by its hash
TERMS = "search-terms.pickle"  # in the cache folder: the last index's TermCounts
LOCK = ".lock"  # in the store: held shared by every build using it, exclusively by one pruning it


@dataclass(frozen=True)
class SearchIndex:
    """The search index to come: from the cache, a forked ``child`` building it, or this process."""

    get: Callable[[], search.SearchOutput]
    child: parallel.Background | None
    vendor: dict[str, bytes]  # lunr.js for the output, read before any other work
    hold: StoreHold | ScratchStore | None = None

    def stop(self) -> None:
        if self.child:
            self.child.stop()  # a no-op once collected; else the build failed
        if self.hold:
            self.hold.release()

    def finish(self) -> None:
        """Once the output links the index's files: the cache's store keeps those alone,
        unless another build is using it (then a later build prunes it); a scratch store goes."""
        if self.hold:
            self.hold.prune(self.get())
            self.hold.release()


class StoreHold:
    """A build's shared lock on the index store, from before its child writes files there
    until its output has linked them. Pruning takes the lock exclusively, so it never
    removes a file another build (say ``sitegen serve``'s, with drafts) is about to link."""

    def __init__(self, store: Path):
        self.store = store
        self.fd: int | None = None
        try:
            store.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(store / LOCK, os.O_RDONLY | os.O_CREAT, 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_SH)  # waits only while another build prunes
        except OSError:  # an unwritable cache: nothing is stored to prune
            self.release()

    def prune(self, found: search.SearchOutput) -> None:
        if self.fd is None:
            return
        # Released, then taken anew: a forked process holding a copy of this descriptor
        # would otherwise keep the lock exclusive, and stall every other build, until it exits.
        self.release()
        named = {data.path.name for data in found.files.values() if isinstance(data, Stored)}
        with contextlib.suppress(OSError):  # another build holds the store, or it is gone
            fd = os.open(self.store / LOCK, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                for old in self.store.iterdir():
                    if old.name not in named and old.name != LOCK:  # other indexes' files, a killed build's half files
                        with contextlib.suppress(OSError):
                            old.unlink()
            finally:
                os.close(fd)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the lock
            self.fd = None


class ScratchStore:
    """A build without a cache (``--no-cache``, as on Netlify) has its child write the index's
    files into a folder beside the output, as into the cache's store, for the output to link:
    sent back through a pipe, the ~100 MB of a 10k-article index cost the child ~180 MB more
    (570 MB at its peak) and both processes the pickling. The folder is locked while in use,
    so ``leftovers.sweep`` leaves it (and removes one a killed build left), and removed after."""

    def __init__(self, store: Path):
        self.store: Path | None = store
        self.fd: int | None = os.open(store, os.O_RDONLY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)  # the forked child shares it: held until both are done
        except OSError:
            self.release()
            raise

    @classmethod
    def beside(cls, out: Path) -> ScratchStore | None:
        store = None
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            store = Path(tempfile.mkdtemp(prefix=f".{out.name}.search-", dir=out.parent))
            return cls(store)
        except OSError:  # the files' bytes travel back instead
            if store is not None:
                shutil.rmtree(store, ignore_errors=True)
            return None

    def prune(self, found: search.SearchOutput) -> None:
        """Nothing to keep: the output has linked the files."""

    def release(self) -> None:
        if self.store is not None:
            shutil.rmtree(self.store, ignore_errors=True)
            self.store = None
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def start(root: Path, site: Site, cache: Cache, out: Path, quiet: Callable[[], bool] = lambda: False) -> SearchIndex:
    """Unless the cache holds a usable index, a forked child starts building it now; the
    build holds the store (the cache's, else a scratch one beside ``out``) until ``finish``
    or ``stop``. ``quiet``, asked when the parts are written: whether this process has
    little to do meanwhile (only a body edit's files to make), which it may learn after
    the child has started."""
    language = search.reading(root, site.config.language)  # lunr.js or lunr-languages missing: fail before any work
    vendor = search.vendor_files(root, language=language)
    keys = _document_keys(site)
    # The results' metadata has the dates as the site writes them: the keys cover the dates,
    # the language and its date pattern how they are written (not formatting 10k dates here).
    written = (site.words.language, str(site.words.texts["date_day"]))
    read = (language.code, *sorted(language.stop_words))
    documents = keys if keys else [incremental.Fingerprints().of(search_documents(site))]
    key = digest(b"search documents", *documents, *written, *read)
    hold: StoreHold | ScratchStore | None = StoreHold(cache.folder / STORE) if cache.folder else None  # before looking: nobody prunes what is found
    child: parallel.Background | None = None
    try:
        found = cache.found_latest("search", key)
        if found is not None and _usable(found):  # not one whose files another build pruned
            return SearchIndex(lambda: found, None, vendor, hold)

        def writers() -> int:
            # The child shares the machine with this process. While it renders most pages, more
            # processes writing the parts cost CPU on two cores (~0.5 s at 10k articles) and save
            # no time; when it is quiet, they take the core it leaves idle.
            return 0 if quiet() or parallel.workers() > 2 else 1

        if cache.folder is None:
            hold = ScratchStore.beside(out)
        build = partial(_build_search, site, cache.folder, hold.store if hold else None, keys, language)
        child = parallel.background(partial(build, writers=writers))
        if not child.forked:  # made here, at the end, maybe while page workers still run: no more forks
            child = parallel.Background(partial(build, writers=lambda: 1))
    except BaseException:  # say, interrupted right after the fork
        if child is not None:
            child.stop()
        if hold:
            hold.release()
        raise
    return SearchIndex(functools.cache(lambda: cache.keep_latest("search", key, child.result())), child, vendor, hold)


def _document_keys(site: Site) -> list[bytes] | None:
    """Per search document, what its texts are made from: its article (the content key covers
    all of it), its people's names and aliases, and its tags' and outlet's aliases. Hashing
    these, not the documents' texts (~60 MB at 10k articles), saves ~0.2 s before the child
    starts and as much in it."""
    if not all(a.content_key for a in site.articles):
        return None  # articles not read from files: their documents are hashed
    people, aliases = site.people, _aliases(site)
    return [
        digest(b"search document", a.content_key, *(n for s in a.people for n in (people[s].name, *people[s].aliases)),
               *((b"aliases", *_term_aliases(a, aliases)) if aliases else ()))
        for a in site.articles
    ]


def _aliases(site: Site) -> dict[tuple[str, str], tuple[str, ...]]:
    """The other names of the tags and outlets whose entries give some: searched as their names are."""
    return {key: entry.aliases for key, entry in site.entries.items() if entry.aliases}


def _term_aliases(article: Article, aliases: dict[tuple[str, str], tuple[str, ...]]) -> list[str]:
    """The aliases of an article's tags, then a separator, then its outlet's."""
    tags = [n for t in article.tags for n in aliases.get(("tag", t.slug), ())]
    return [*tags, "\0", *(aliases.get(("source", article.source.slug), ()) if article.source else ())]


def _build_search(
    site: Site, folder: Path | None, store: Path | None, keys: list[bytes] | None, language: SearchLanguage,
    writers: Callable[[], int] = lambda: 0,
) -> search.SearchOutput:
    """The documents' counted terms are kept for the next build (in the cache ``folder``),
    by the process that counted them; the index's files go into ``store`` as they are made."""
    cache = Cache(folder)  # of its own: the build's cache may be in another process
    docs = search_documents(site)
    keep = None
    if store:
        with contextlib.suppress(OSError):  # an unwritable store: the files' bytes travel back
            store.mkdir(parents=True, exist_ok=True)
            keep = partial(_store, store)
    # The counts are handed over, not kept here: build_search lets them go once the index is made.
    return search.build_search(docs, processes=writers, counts=_counts(cache, docs, keys, language), keep=keep, language=language)


def _counts(cache: Cache, docs: list[search.SearchDoc], keys: list[bytes] | None, language: SearchLanguage) -> TermCounts:
    """The documents' counted terms, those the last build counted (under the same keys, in
    the same language) taken over; kept for the next build."""
    previous = cache.read(TERMS)
    counts = search.count(docs, keys, previous if isinstance(previous, TermCounts) else None, language)
    if counts != previous:
        cache.write(TERMS, counts)
        for stale in cache.names("terms-*.pickle"):  # the per-document table sitegen kept before
            cache.forget(stale)
    return counts


def _store(store: Path, rel: str, data: bytes) -> bytes | Stored:
    """An index file written into the store (the cache's, or a scratch one) as it is made,
    once (its name is a hash of its bytes), by whichever process made it, and given as
    ``Stored``: the output links it, so the index (~100 MB at 10k articles) is never held
    whole nor sent between processes."""
    path = store / rel.rsplit("/", 1)[-1]
    try:
        if not path.is_file():
            part = path.with_name(f".{path.name}.{os.getpid()}")
            part.write_bytes(data)
            os.replace(part, path)  # a killed build leaves no half file under a hash's name
    except OSError:
        return data
    return Stored(path)


def _usable(found: search.SearchOutput) -> bool:
    """A cached index whose stored files are all still there."""
    return all(not isinstance(data, Stored) or data.path.is_file() for data in found.files.values())


def search_documents(site: Site) -> list[search.SearchDoc]:
    """What the search index knows of each article, newest first."""
    docs = []
    aliases = _aliases(site)
    for a in site.articles:
        people = [site.people[s] for s in a.people]
        docs.append(search.SearchDoc(
            url=a.url,
            title=a.title,
            date=a.date.date().isoformat(),
            summary=a.summary,
            body=a.body,  # its text is read only if its terms are not in the cache
            people=tuple(p.name for p in people),
            people_terms=tuple(n for p in people for n in (p.name, *p.aliases)),
            tags=tuple(t.name for t in a.tags),
            source=a.source.name if a.source else "",
            tag_terms=tuple(n for t in a.tags for n in (t.name, *aliases.get(("tag", t.slug), ()))),
            source_terms=(a.source.name, *aliases.get(("source", a.source.slug), ())) if a.source else (),
            notes=tuple(n.annotation.note for n in a.annotations),
            day=site.words.date(a.date),
            lang=site.own_language(a),
        ))
    return docs

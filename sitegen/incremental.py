"""Incremental builds: each output file is fingerprinted by what it is made from, and a
file whose fingerprint is the same as in the previous output is taken over from it
instead of being made again.

A fingerprint covers a ``Product``'s own inputs (a page's URL, templates and whole
context: the articles, people and terms it shows, and the globals its templates read)
plus one key for everything every page reads (sitegen's code, the templates, the
config, the build options). Equal
fingerprints mean equal bytes, so an incremental build writes exactly what a cold
build would. The fingerprints of the files in an output folder are kept in the cache
after that folder was swapped in, together with the folder's identity; so are those of
the spare (the output before), which the next build updates in place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import os
import pickle
import time as clock
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property, partial
from pathlib import Path

from . import render, translation
from .cache import Cache, Memo, code_fingerprint, digest, no_memo
from .config import Config
from .leftovers import spare_of
from .model import Article, Card
from .output import Decide, Keep, Last, Link, Pending, Stored
from .pages import Derived, Page
from .sourcefiles import Signature, SourceFile

_ATOMS = frozenset((int, float, bool, type(None), date, datetime, time))


@dataclass(frozen=True)
class Product:
    """An output file described by what it is made from; ``make`` runs only when that changed."""

    inputs: object
    make: Callable[[], bytes]


@dataclass(frozen=True)
class Carried:
    """A file of the last output taken over as it was, noted as it was; ``make`` gives its
    bytes if it is gone from the output (see ``carry``)."""

    make: Callable[[], bytes]


@dataclass(frozen=True)
class Previous:
    """What the last builds left: the fingerprints of the files of the output and of its spare."""

    out: dict[str, bytes]  # output path -> note (its fingerprint; empty for a copied file); empty when unknown
    spare: dict[str, bytes] | None  # None when there is no spare anyone can vouch for
    under: bytes = b""  # what ``out`` was made under (see ``made_under``); empty when unknown
    pages: int = 0  # of its files, pages
    order: tuple[bytes, ...] = ()  # the content keys of the articles it shows, in the site's order
    around: bytes = b""  # what its article pages were made under besides their articles (see ``unchanged_pages``)

    @cached_property
    def articles(self) -> frozenset[bytes]:
        return frozenset(self.order)

    def edited(self, under: bytes, articles: Sequence[Article], copied: Collection[str]) -> frozenset[str] | None:
        """The URLs of the ``articles`` whose own text changed, when nothing else did: the
        last output was made under ``under``, so it has the same files, and only those made
        from an article's own text (its page, the feeds and annotations showing it) can
        differ; unless a static file it copied over a generated one is gone (not among those
        ``copied`` now). Else None."""
        if not (self.out and under and under == self.under) or any(not a.content_key for a in articles):
            return None
        if any(not note and rel not in copied for rel, note in self.out.items()):
            return None
        return frozenset(a.url for a in articles if a.content_key not in self.articles)

    def unchanged_pages(self, around: bytes, articles: Sequence[Article], path_of: Callable[[str], str]) -> frozenset[str]:
        """The URLs of the ``articles`` whose own page the last output holds (at ``path_of``
        its URL, made, not copied over) as this build would make it. Such a page is made
        from its article and the cards of its newer and older neighbours, each determined by
        a content key, and from nothing else but what ``around`` covers (the build's key and
        the people): made around the same, the same three keys give the same page. After an
        article is added, all but three; a page's fingerprint would say the same, at ~18 µs
        a page to hash (measured at 10k) before it is checked."""
        if not (self.out and self.order and around and around == self.around) or any(not a.content_key for a in articles):
            return frozenset()
        before, now = (None, *self.order, None), (None, *(a.content_key for a in articles), None)
        shown = {before[i - 1 : i + 2] for i in range(1, len(before) - 1)}
        return frozenset(a.url for i, a in enumerate(articles, 1) if now[i - 1 : i + 2] in shown and self.out.get(path_of(a.url)))


class Fingerprints:
    """Content digests of values; each list, dict or record is hashed once per build.

    A record (a frozen dataclass: a person, a term) or a dict (JSON-LD data) is hashed by
    its whole state (``_state``), one with a ``content_key`` (an article) by that digest of
    what it is made from; only ``Page`` and its context are walked, since contexts share big
    lists of cards between pages. A card is hashed by its fields (``card_fields``) once per
    content key while ``memo`` (a cache's) keeps it: an edit need not hash 10k cards.
    """

    WALKED: tuple[type, ...] = (Page,)  # records walked field by field

    def __init__(self, memo: Memo = no_memo) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._texts: dict[str, bytes] = {}
        self._cards = memo

    def of(self, value: object) -> bytes:
        """A self-delimiting encoding: the bytes of a short text or number, else a digest."""
        kind = type(value)
        if kind is str and len(value) < 64:
            found = self._texts.get(value)
            if found is None:
                data = value.encode("utf-8", "surrogatepass")
                found = self._texts[value] = b"s" + len(data).to_bytes(2, "little") + data
            return found
        hit = self._memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        if kind in _ATOMS:  # by identity, not equality: equal datetimes may differ in zone, and so in repr
            data = repr(value).encode()
            result = b"a" + len(data).to_bytes(2, "little") + data
            self._memo[id(value)] = (value, result)
            return result
        h = hashlib.blake2b(kind.__qualname__.encode(), digest_size=16)
        if isinstance(value, str):
            h.update(value.encode("utf-8", "surrogatepass"))
        elif kind is list or kind is tuple:
            memo, parts = self._memo, []
            for item in value:  # most items (articles in a listing) were seen before: no call
                hit = memo.get(id(item))
                parts.append(hit[1] if hit is not None and hit[0] is item else self.of(item))
            h.update(b"".join(parts))
        elif isinstance(value, self.WALKED):
            for f in dataclasses.fields(value):
                field = getattr(value, f.name)
                if type(field) is dict:  # a page's context: walked, it holds shared lists of cards
                    memo, parts = self._memo, []
                    for k, v in field.items():
                        hit = memo.get(id(v))
                        parts += (self.of(k), hit[1] if hit is not None and hit[0] is v else b"derived" if type(v) is Derived else self.of(v))
                    h.update(b"".join(parts))
                else:
                    h.update(self.of(field))
        elif kind is Article and value.content_key:  # what it is made from: its texts need not be hashed
            h.update(value.content_key)
        elif kind is Card and value.content_key:
            h.update(self._cards("card", value.content_key, partial(self.card_fields, value)))
        else:
            h.update(_state(value))
        result = b"d" + h.digest()
        self._memo[id(value)] = (value, result)  # the value is kept alive, so its id stays its own
        return result

    def card_fields(self, card: Card) -> bytes:
        """A digest of a card's fields but the content key, which changes with an article's
        body; each field encoded as ``of`` does, so the terms every card shares are hashed
        once (0.13 s for 10k cards, where pickling each card whole took 0.23 s)."""
        return hashlib.blake2b(b"".join([self.of(getattr(card, name)) for name in _CARD_FIELDS]), digest_size=16).digest()


_CARD_FIELDS = tuple(f.name for f in dataclasses.fields(Card) if f.name != "content_key")


def _state(value: object) -> bytes:
    """A value's whole state as bytes: for records and dicts their pickle (C, twice as
    fast as a dataclass's ``repr``), else the ``repr``. Equal bytes mean equal values.
    A ``repr`` that shows an identity (`` at 0x``) instead of a content gets random
    bytes: never equal to another build's."""
    if dataclasses.is_dataclass(value) or type(value) is dict:  # the values sitegen makes
        with contextlib.suppress(Exception):  # holds something unpicklable: its repr then
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, protocol=5)
            pickler.fast = True  # no memo: a value shared twice is written twice, so bytes follow values only
            pickler.dump(value)
            return buffer.getvalue()
    text = repr(value)
    if " at 0x" in text:
        text += os.urandom(16).hex()
    return text.encode("utf-8", "surrogatepass")


def build_key(root: Path, config: Config, *options: object) -> bytes:
    """What every output file reads besides its own inputs: code, templates, config, options."""
    folders = [*render.template_folders(root, config.theme), *translation.folders(root, config.theme)]
    return digest(code_fingerprint(), template_key(folders), repr(config), repr(options))


def template_key(folders: Iterable[Path]) -> bytes:
    """Every template file's path and bytes: a new, removed or edited template changes it."""
    parts: list[str | bytes] = []
    for folder in folders:
        parts.append(str(folder))
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def _manifest_name(out: Path) -> str:
    return f"output-{digest(str(out)).hex()[:16]}.pickle"


def _identity(folder: Path) -> tuple[int, int, int] | None:
    """Device, inode and change time: a folder made later, even on a reused inode, differs."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_ctime_ns)


def previous(cache: Cache, out: Path) -> Previous:
    """The fingerprints of the files of ``out`` and of its spare, for folders the cache describes.

    Manifests are kept by folder identity (device, inode, change time), so a folder
    replaced by hand is never trusted.
    """
    found = cache.read(_manifest_name(out))
    found = found if isinstance(found, dict) else {}
    here, spare = _identity(out), _identity(spare_of(out))
    left = found.get(here) if here else None
    spare_files = found[spare][0] if spare in found else None
    if left is None:
        return Previous({}, spare_files)
    out_files, under, pages, order, around = left
    return Previous(out_files, spare_files, under, pages, order, around)


def claim_spare(cache: Cache, out: Path, before: Previous) -> None:
    """Just before a build changes the spare: its manifest is dropped from the cache, so a
    build killed meanwhile leaves nothing vouching for it."""
    if before.spare is not None:
        here = _identity(out)
        kept = (before.out, before.under, before.pages, before.order, before.around)
        cache.write(_manifest_name(out), {here: kept} if here and before.out else {})


def made_under(prints: Fingerprints, key: bytes, basis: object) -> bytes:
    """A digest of the build's key and the site's ``basis``, what every page is made from
    besides its own article (the cards, people and terms, and the articles' earlier
    addresses). When it is the last build's, only articles' own texts can have changed (see
    ``Previous.edited``); when it differs, most listings shift (a new article, say)."""
    return hashlib.blake2b(key + prints.of(basis), digest_size=16).digest()


def reuse(
    files: Iterable[tuple[str, bytes | Product | Carried] | Last], before: Previous, out: Path, key: bytes,
    prints: Fingerprints | None = None,
) -> Iterator[tuple[str, Decide] | Last]:
    """Keep what the spare already has, link what the output has, make the rest.

    Each file is fingerprinted only by the process that writes it (``Decide``): worker
    processes share the hashing as they share the rendering. ``prints`` may be the ones
    that hashed the site's basis, whose lists and cards are then not hashed again.
    """
    prints = prints or Fingerprints()
    spare = before.spare or {}

    def decide(rel: str, data: bytes | Product | Carried | Stored) -> tuple[bytes, Link | Keep | Pending | Stored]:
        last = before.out.get(rel, b"")
        if isinstance(data, Carried):  # the spare does not hold it as it must be (see carry)
            return last, Link(out / rel, data.make)
        if isinstance(data, Product):
            fingerprint = hashlib.blake2b(key + prints.of(data.inputs), digest_size=16).digest()
            make = data.make
        elif isinstance(data, Stored):  # named by a hash of its bytes: the name stands for them
            fingerprint = hashlib.blake2b(b"stored" + data.path.name.encode(), digest_size=16).digest()
            make = data.path.read_bytes
        else:
            fingerprint = hashlib.blake2b(b"bytes" + data, digest_size=16).digest()
            make = partial(bytes, data)
        if spare.get(rel) == fingerprint:
            return fingerprint, Keep(make)
        if last == fingerprint:
            return fingerprint, Link(out / rel, make)
        return fingerprint, data if isinstance(data, Stored) else Pending(make)

    def decided(files: Iterable[tuple[str, bytes | Product] | Last]) -> Iterator[tuple[str, Decide] | Last]:
        for item in files:
            if isinstance(item, Last):
                yield dataclasses.replace(item, produce=lambda item=item: decided(item.produce()))  # produced by the build's process alone
            else:
                rel, data = item
                yield rel, Decide(partial(decide, rel, data))

    return decided(files)


def carry(
    files: Iterable[tuple[str, bytes | Product] | Last], before: Previous, out: Path, remake: Callable[[str], bytes],
    only: Collection[str] | None = None,
) -> tuple[list[tuple[str, bytes | Product | Carried] | Last], dict[str, bytes]]:
    """For a build whose ``files`` are all that edited articles can change (``Previous.edited``),
    and the ``Last`` ones (the search index's, which replace the last index's): those, then
    every other file of the last output (or ``only`` those of it) as ``Carried``, made by
    ``remake(path)`` if it is gone; and apart, with their notes, the files the spare already
    holds as they must be, which need nothing but counting (at 10k articles, nearly all 17k
    of them after a body edit; the 10k article pages but three after an addition)."""
    items = list(files)
    given = [item for item in items if not isinstance(item, Last)]
    last = [item for item in items if isinstance(item, Last)]
    names = {rel for rel, _ in given}
    spare, folder = before.spare or {}, str(spare_of(out))
    held, rest = {}, []
    for rel, note in before.out.items():
        if not note or rel in names or (only is not None and rel not in only) or any(item.replaces(rel) for item in last):
            continue  # a copied file's note is empty: copied again anyway
        if spare.get(rel) == note and os.path.lexists(os.path.join(folder, rel)):
            held[rel] = note
        else:
            rest.append((rel, Carried(partial(remake, rel))))
    return [*given, *rest, *last], held


def fresh(files: Iterable[tuple[str, bytes | Product] | Last]) -> Iterator[tuple[str, bytes | Pending] | Last]:
    """Every file made and none fingerprinted: for a build that keeps no cache, where no
    later build would read the fingerprints."""
    for item in files:
        if isinstance(item, Last):
            yield dataclasses.replace(item, produce=lambda item=item: fresh(item.produce()))
        else:
            rel, data = item
            yield rel, Pending(data.make) if isinstance(data, Product) else data


KEEP_OUTPUTS = 4  # output folders remembered per archive (tests build into many temporary ones)


def remember(cache: Cache, out: Path, left: Previous) -> None:
    """After the swap, what this build leaves for the next: the fingerprints of the new
    output, what it was made under, and the fingerprints of the spare (its twin or the old one)."""
    here, spare = _identity(out), _identity(spare_of(out))
    manifests = {here: (left.out, left.under, left.pages, left.order, left.around)} if here else {}
    if spare and left.spare:
        manifests[spare] = (left.spare, b"", 0, (), b"")  # nobody asks what the spare was made under
    cache.write(_manifest_name(out), manifests)
    for name in cache.names("output-*.pickle")[:-KEEP_OUTPUTS]:
        cache.forget(name)


_SOURCES = "sources.pickle"
_RACY_NS = 2_000_000_000  # a file changed this recently may change again within its timestamp's tick


class SourceRecord:
    """Each source file's signature (times, size, inode, device) as last read, with its key,
    as git's index keeps them: a file whose signature is unchanged, and whose parse the cache
    holds, is not read again. A file changed less than two seconds before this build began
    reading is not recorded: an edit within the same timestamp tick would keep its signature."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.started = clock.time_ns()
        found = cache.read(_SOURCES)
        self.record: dict[str, tuple[Signature, bytes]] = found if isinstance(found, dict) else {}

    def known(self, table: str, path: str, signature: Signature) -> bytes | None:
        """The file's key, if it need not be read: ``table`` holds its parse."""
        entry = self.record.get(path)
        if entry is None or entry[0] != signature:
            return None
        return entry[1] if self.cache.known(table, entry[1]) else None

    def remember(self, files: Iterable[SourceFile]) -> None:
        settled = self.started - _RACY_NS
        record = {f.path: (f.signature, f.key) for f in files if 0 < f.signature[0] < settled and 0 < f.signature[1] < settled}
        if record != self.record:
            self.cache.write(_SOURCES, record)

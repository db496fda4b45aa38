"""The search index: lunr parts by term range, small result-metadata chunks, facets.

A reader's browser loads a small manifest, then only the index parts holding its query's
terms and the metadata chunks of the results it shows (see sitegen/lunrindex.py for the
index itself). Every file is named by a hash of its content, so it can be cached forever.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sitegen import parallel
from sitegen.errors import SitegenError
from sitegen.lunrindex import IndexField, PartWriter, TermIndex, index_terms, split_terms
from sitegen.model import Body
from sitegen.numeric import give_back
from sitegen.output import Stored
from sitegen.searchlanguage import ENGLISH, VENDOR, SearchLanguage, search_language, stemmed
from sitegen.termcounts import TermCounts, count_documents

FIELDS = (
    IndexField("title", boost=10),
    IndexField("summary"),
    IndexField("body"),
    IndexField("people"),
    IndexField("tags"),
    IndexField("source"),
    IndexField("notes"),
)
PART_TARGET_BYTES = 48_000  # raw JSON per part, before gzip
PARALLEL_MIN_ENTRIES = 300_000  # (term, doc, field) entries (~1,100 articles) before forking
META_CHUNK = 10  # documents per result-metadata chunk
SNIPPET_CHARS = 280
OUTPUT_DIR = "search"
LUNR_VERSION = "2.3.9"
LUNR_LANGUAGES_VERSION = "1.22.0"  # its stemmers are held to NLTK's by the tests
LUNR_VENDOR_PATH = f"{VENDOR}/lunr.min.js"
SITEGEN_ROOT = Path(__file__).resolve().parent.parent  # the checkout holding package.json


@dataclass(frozen=True)
class SearchDoc:
    url: str  # site-relative, e.g. "/articles/2022/02/slug/"
    title: str
    date: str  # ISO date "2022-02-11"
    summary: str
    body: str | Body  # plain text of the rendered body, or the body giving it
    people: tuple[str, ...]  # display names (facet values)
    people_terms: tuple[str, ...]  # names and aliases, indexed in the people field
    tags: tuple[str, ...]  # tag display names
    source: str  # outlet name ("" if none)
    notes: tuple[str, ...] = ()  # annotation note texts
    day: str = ""  # the date as the site's pages write it ("5 October 2024", in the site's language); not indexed
    lang: str = ""  # the article's language where it is not the site's (its title and summary are in it); not indexed
    tag_terms: tuple[str, ...] = ()  # names and aliases (their entries'), indexed in the tags field; () for the names alone
    source_terms: tuple[str, ...] = ()  # the outlet's, in the source field


@dataclass(frozen=True)
class SearchOutput:
    files: Mapping[str, bytes | Stored]  # posix path relative to the output root -> its bytes, or their file in the cache
    manifest_url: str  # site-relative URL of the (content-hashed) manifest


class SearchSetupError(SitegenError):
    """Something the search needs outside the content (lunr.js) is missing: a message, no traceback."""


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


KeepFile = Callable[[str, bytes], "bytes | Stored"]  # a file's path and bytes -> what the output holds for it (not output.Keep)


def _hashed(files: dict[str, bytes | Stored], stem: str, data: bytes, keep: KeepFile | None = None) -> str:
    """Store ``data`` as ``search/<stem>-<hash>.json`` (what ``keep`` makes of it); return
    the hash (the manifest's key)."""
    return _add(files, stem, _named(stem, data, keep))


def _named(stem: str, data: bytes, keep: KeepFile | None = None) -> tuple[str, bytes | Stored]:
    """``data``'s hash, and what the output holds for it: what ``keep`` makes of it."""
    digest = hashlib.sha256(data).hexdigest()[:12]
    return digest, keep(_path(stem, digest), data) if keep else data


def _add(files: dict[str, bytes | Stored], stem: str, named: tuple[str, bytes | Stored]) -> str:
    digest, held = named
    path = _path(stem, digest)
    if path in files:  # no two files of one index have the same bytes (each has its own terms or docs)
        raise RuntimeError(f"hash collision on {path}")  # 48 bits: not expected in practice
    files[path] = held
    return digest


def _path(stem: str, digest: str) -> str:
    return f"{OUTPUT_DIR}/{stem}-{digest}.json"


_INDEX_FILE = re.compile(
    rf"{OUTPUT_DIR}/(?:part|meta|facets|manifest)-[0-9a-f]{{12}}\.json|{VENDOR}/lunr(?:\.stemmer\.support|\.[a-z]{{2}})?\.min\.js"
)


def index_file(rel: str) -> bool:
    """Whether an output path is one of any index's files (see ``_path``), or a script of lunr's."""
    return _INDEX_FILE.fullmatch(rel) is not None


def field_texts(doc: SearchDoc) -> list[str]:
    """The text of each of FIELDS, in order.

    Lists are joined, not given to lunr as lists: lunr keeps a list element as one
    token ("ben wallace"), and people:wallace should match.
    """
    return [
        doc.title,
        doc.summary,
        doc.body if isinstance(doc.body, str) else doc.body.text,
        " ".join(doc.people_terms),
        " ".join(doc.tag_terms or doc.tags),
        " ".join(doc.source_terms) if doc.source_terms else doc.source,
        "\n".join(doc.notes),
    ]


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The summary shortened at a word boundary, so a result stays a few lines long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:.") + "…"


def _meta_record(doc: SearchDoc) -> list:
    """What the page shows of a result. The date comes written, as the site's pages write it:
    the page needs no date patterns nor month names of its own (~1.6% more gzip bytes of metadata, 24 bytes a chunk).
    An article in another language than the site's says which, for its title and summary's ``lang``."""
    record = [doc.url, doc.title, doc.date, doc.source, list(doc.people), list(doc.tags),
              snippet(doc.summary), doc.day]
    return [*record, doc.lang] if doc.lang else record  # most articles are in the site's language


def _encode_refs(refs: Iterable[int]) -> str:
    """Ascending refs as base-36 gaps: small numbers that gzip well."""
    out, previous = [], -1
    for ref in refs:
        out.append(_base36(ref - previous))
        previous = ref
    return ",".join(out)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        n, r = divmod(n, 36)
        text = digits[r] + text
        if not n:
            return text


def facet_values(docs: Sequence[SearchDoc]) -> dict[str, list[list[str]]]:
    """For each facet, [value, encoded refs] pairs: counts for any result set come from these."""
    groups: dict[str, dict[str, list[int]]] = {"person": {}, "tag": {}, "year": {}, "outlet": {}}
    for ref, doc in enumerate(docs):
        values = {
            "person": dict.fromkeys(doc.people),
            "tag": dict.fromkeys(doc.tags),
            "year": [doc.date[:4]] if doc.date else [],
            "outlet": [doc.source] if doc.source else [],
        }
        for facet, names in values.items():
            for name in names:
                groups[facet].setdefault(name, []).append(ref)
    result = {}
    for facet, by_name in groups.items():
        names = sorted(by_name, reverse=(facet == "year"), key=lambda s: (s.casefold(), s))
        result[facet] = [[name, _encode_refs(by_name[name])] for name in names]
    return result


def _write_parts(
    index: TermIndex, ranges: list[list[int]], processes: int | Callable[[], int], keep: KeepFile | None,
) -> Iterable[tuple[tuple[str, bytes | Stored], int]]:
    """Each range's part, named (see ``_named``), and its size: one at a time in this process; shared
    among processes (forked) when there are many entries, and then all at once.

    Writing parts is the search build's largest step (~40%) and needs only the index, which a
    forked worker already holds; it keeps the parts it writes (into the cache's store, say),
    so only their names travel back.
    """
    writer = PartWriter.of(index)
    give_back()  # the scores' arrays

    def write(term_nos: list[int]) -> tuple[tuple[str, bytes | Stored], int]:
        data = writer.json(term_nos).encode("utf-8")
        return _named("part", data, keep), len(data)

    if callable(processes):  # asked now, as late as can be (see indexer.start)
        processes = processes()
    if processes == 0:
        processes = parallel.workers() if len(index.entry_df) >= PARALLEL_MIN_ENTRIES else 1
    if processes < 2 or len(ranges) < 2:
        return map(write, ranges)
    return parallel.map_in_workers(write, ranges, processes)


def count(
    docs: Sequence[SearchDoc], keys: Sequence[bytes] | None = None, previous: TermCounts | None = None,
    language: SearchLanguage = ENGLISH,
) -> TermCounts:
    """Every document's counted terms; those ``previous`` holds under the same key are taken
    over. ``keys`` (one per doc, standing for all its texts) spare reading the texts of
    those; without them, every text is read and hashed."""
    return count_documents([f.name for f in FIELDS], [partial(field_texts, doc) for doc in docs], keys, previous, language)


def build_search(
    docs: Sequence[SearchDoc], part_bytes: int = PART_TARGET_BYTES, processes: int | Callable[[], int] = 0,
    counts: TermCounts | None = None, keep: KeepFile | None = None, language: SearchLanguage = ENGLISH,
) -> SearchOutput:
    """Pure and deterministic: the same docs in the same order give the same bytes.

    Doc ``i`` gets lunr ref ``str(i)``; the caller's order (newest first) is kept.
    ``processes``: how many write the index parts (0: one per core for a large index), or
    what says so when they are about to be written.
    ``counts``: the docs' terms, if already counted (see ``count``). ``keep`` takes each
    file as it is made (say, to write it out) and gives what the output holds for it.
    ``language``: how words become terms (``counts``, if given, were made so).
    """
    if counts is not None and len(counts.keys) != len(docs):
        raise ValueError(f"terms counted for {len(counts.keys)} documents, not {len(docs)}")
    if counts is not None and counts.language != language:
        raise ValueError(f"terms counted as {counts.language.code} words, not {language.code}")
    files: dict[str, bytes | Stored] = {}
    index = index_terms(FIELDS, counts if counts is not None else count(docs, language=language))
    counts = None  # the index holds what it needs (a caller may have handed them over: ~22 MB at 10k)
    give_back()  # and the arrays index_terms sorted with

    ranges = split_terms(index, part_bytes)
    parts = []
    index_bytes = 0
    for term_nos, (named, size) in zip(ranges, _write_parts(index, ranges, processes, keep), strict=True):
        first = index.terms[term_nos[0]] if term_nos else ""
        parts.append([first if parts else "", _add(files, "part", named)])
        index_bytes += size

    chunks = []
    for start in range(0, len(docs), META_CHUNK):
        records = [_meta_record(doc) for doc in docs[start : start + META_CHUNK]]
        chunks.append(_hashed(files, "meta", _json(records), keep))

    facets = _hashed(files, "facets", _json(facet_values(docs)), keep)
    manifest = {
        "version": 1,
        "lunr": LUNR_VERSION,
        "docs": len(docs),
        "fields": [f.name for f in FIELDS],
        "parts": parts,  # [first term, hash], in lunr.js term order; part i covers [first_i, first_i+1)
        "indexBytes": index_bytes,  # all parts, raw: the page weighs a query needing many against it
        "metaChunk": META_CHUNK,
        "meta": chunks,
        "facets": facets,
    }
    if language != ENGLISH:  # the worker loads the language's scripts, and reads queries as the index was made
        manifest.update(language=language.code, pipeline=list(language.search_pipeline), scripts=list(language.scripts))
        if language.elided:  # the worker makes its "elision-<language>" of them
            manifest["elided"] = list(language.elided)
        if language.letters:  # and its "letters-<language>" of these
            manifest["letters"] = language.letters
    digest = _hashed(files, "manifest", _json(manifest), keep)
    return SearchOutput(files=files, manifest_url="/" + _path("manifest", digest))


def find_lunr(archive_root: Path, sitegen_root: Path = SITEGEN_ROOT) -> Path:
    """node_modules/lunr of the archive, else of the sitegen checkout next to the package."""
    return _package("lunr", LUNR_VERSION, "lunr.min.js", archive_root, sitegen_root)


def _package(name: str, version: str, script: str, archive_root: Path, sitegen_root: Path) -> Path:
    """node_modules/<name> holding ``script``, of the archive, else of the sitegen checkout,
    in the version the index is built for."""
    candidates = [archive_root, sitegen_root]
    for root in candidates:
        package = root / "node_modules" / name
        if (package / script).is_file():
            break
    else:
        looked = ", ".join(str(root / "node_modules" / name) for root in candidates)
        raise SearchSetupError(
            f"{'lunr.js' if name == 'lunr' else name} not found (looked in {looked}); run `npm ci` in the sitegen checkout "
            f"or `npm install {name}@{version}` in the archive"
        )
    try:
        found = json.loads((package / "package.json").read_text("utf-8")).get("version")
    except (OSError, ValueError) as err:
        raise SearchSetupError(f"{package / 'package.json'}: unreadable: {err}") from err
    if found != version:
        raise SearchSetupError(
            f"{package / 'package.json'}: version: {name} {found} found, the index is built for {version}"
        )
    return package


def reading(archive_root: Path, language: str, sitegen_root: Path = SITEGEN_ROOT) -> SearchLanguage:
    """How the index reads words of the site's ``language`` (a BCP 47 tag): see searchlanguage."""
    code = stemmed(language)
    if code == "en":
        return ENGLISH
    if importlib.util.find_spec("nltk") is None:  # an old install: say so now, not in the child
        raise SearchSetupError(f"searching a site in {language!r} needs NLTK's stemmers: run `make install` (or `pip install nltk`)")
    script = f"min/lunr.{code}.min.js"
    package = _package("lunr-languages", LUNR_LANGUAGES_VERSION, script, archive_root, sitegen_root)
    try:
        return search_language(code, package)
    except (OSError, ValueError) as err:
        raise SearchSetupError(f"{package / script}: unreadable: {err}") from err


def vendor_files(
    archive_root: Path, sitegen_root: Path = SITEGEN_ROOT, language: SearchLanguage = ENGLISH,
) -> dict[str, bytes]:
    """lunr.js for the output, and lunr-languages' scripts for the language: the search page
    must load nothing from another origin."""
    files = {LUNR_VENDOR_PATH: (find_lunr(archive_root, sitegen_root) / "lunr.min.js").read_bytes()}
    if language.scripts:
        package = _package("lunr-languages", LUNR_LANGUAGES_VERSION, "min/" + language.scripts[-1], archive_root, sitegen_root)
        files.update((f"{VENDOR}/{name}", (package / "min" / name).read_bytes()) for name in language.scripts)
    return files

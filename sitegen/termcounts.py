"""Documents' terms counted as lunr.py counts them, fast, and kept from build to build.

lunr.py's stock builder spends its time per token occurrence (6.4 M at 10k articles).
Here every *distinct* raw token runs once through lunr.py's own pipeline functions
(trimmer, stop-word filter, stemmer), and the counts go into flat C arrays. A build keeps
them (``TermCounts``); the next one counts only the documents whose key changed and
takes over the others' counts by slices of those arrays.
"""

from __future__ import annotations

import gc
import re
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from operator import is_not

from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.token import Token

from sitegen.cache import digest
from sitegen.numeric import np
from sitegen.searchlanguage import ENGLISH, SearchLanguage, english_stemmer

# lunr.py's Tokenizer splits on exactly these characters (lunr/tokenizer.py).
_TOKEN = re.compile(r"[^ \t\n\r\f\v\xa0-]+")
# What str.split() also splits on: without any of them, it tokenises as _TOKEN does, at twice the speed.
_OTHER_SPACE = re.compile(r"[\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_kept = partial(is_not, None)
_ASCII_OTHER_SPACE = ("\x1c", "\x1d", "\x1e", "\x1f")
_POSSESSIVE = re.compile(r"\W*(.+?)(?:['’]s)?\W*")


def possessive(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
    """"russia's" and "(shoigu’s)," as "russia" and "shoigu", "o’neill." as "o'neill".

    News names its people and places in the possessive, which lunr keeps whole ("russia'"
    once stemmed): a search for Russia missed "Russia's". And lunr.py's trimmer leaves a
    word with an apostrophe or a dot inside as it is, punctuation and all ("o'neill." at a
    sentence's end matched no query); this trims it as lunr.js's trimmer would. The search
    page's worker registers the same function under the same name, for the query's words.
    The typographic apostrophe is written as the one a reader types: "o’neill" is found by
    O'Neill, and French "aujourd’hui" by aujourd'hui.
    """

    def strip(text: str, metadata: object = None) -> str:
        found = _POSSESSIVE.fullmatch(text)
        return found.group(1).replace("’", "'") if found else text

    return token.update(strip)


Pipeline.register_function(possessive, "possessive")
english_stemmer()  # lunr.js's "stemmer", in lunr.py's registry (see searchlanguage)


def index_builder(language: SearchLanguage = ENGLISH) -> Builder:
    """lunr.py's builder for the index sitegen makes: lunr's pipelines for the language, with
    ``possessive``. The tests hold the index to what this builder makes, byte for byte."""
    builder = Builder()
    builder.pipeline.add(*language.index_pipeline())
    builder.search_pipeline.add(*(Pipeline.registered_functions[name] for name in language.search_pipeline))
    return builder

Texts = Sequence[str] | Callable[[], Sequence[str]]  # one text per field, or what gives them


@dataclass(frozen=True)
class TermCounts:
    """Every document's terms as lunr counts them, flat in document and field order: what
    an index is made from (``lunrindex.index_terms``), and what the next build takes over
    for each document whose key is unchanged (``count_documents``).

    Terms are numbered by lunr's ``_index`` (first occurrence in document and field
    order), so the same documents under the same keys give equal counts, however counted.
    """

    fields: tuple[str, ...]
    keys: tuple[bytes, ...]  # per document: what its texts are made from
    terms: tuple[str, ...]  # by lunr ``_index``
    term: array  # per (document, field, term) entry, in document and field order: its term's number
    tf: array  # per entry: how often its term occurs in its field
    sizes: array  # per document*field: its number of entries
    lengths: array  # per document*field: its number of tokens
    language: SearchLanguage = ENGLISH  # how the terms were made of the texts' words


def _process(raw: str, pipeline: tuple[Callable, ...]) -> str | None:
    token: Token | None = Token(raw, {})
    for fn in pipeline:
        token = fn(token)
        if not token:
            return None
    return str(token)


def _other_space(text: str) -> bool:
    """Whether ``text`` holds a character ``str.split`` splits on and lunr.py does not. In
    ASCII text only four can be, each found by a scan in C, faster than the regex."""
    if text.isascii():
        return any(c in text for c in _ASCII_OTHER_SPACE)
    return _OTHER_SPACE.search(text) is not None


class Terms(dict):
    """Each raw token seen so far, with the number of the term lunr's pipeline makes of it
    (None: a stop word, or nothing left), and the terms so numbered (a new one is numbered
    next and appended to ``terms``). A token met for the first time runs through the
    pipeline when it is looked up (``__missing__``); the others are found in C."""

    def __init__(self, numbers: dict[str, int], terms: list[str], language: SearchLanguage = ENGLISH):
        super().__init__()
        self.numbers, self.terms = numbers, terms
        self.pipeline = language.index_pipeline()

    def __missing__(self, raw: str) -> int | None:
        term = _process(raw, self.pipeline)
        if term is not None and term not in self.numbers:
            self.numbers[term] = len(self.terms)
            self.terms.append(term)
        number = self[raw] = None if term is None else self.numbers[term]
        return number


def count_terms(texts: Sequence[str], pipeline: Terms) -> tuple[array, array]:
    """One document's terms, as lunr counts them: per field its distinct terms in
    first-occurrence order (as lunr's defaultdict), each as its number in ``pipeline``;
    and an array of each field's number of distinct terms, then each field's length,
    then every term's count.
    """
    nfields = len(texts)
    found = array("i")
    counted = array("i", bytes(8 * nfields))
    for field_no, text in enumerate(texts):
        text = text.lower()
        raw_tokens = _TOKEN.findall(text) if _other_space(text) else text.replace("-", " ").split()
        # All in C but for new tokens: 6.5 M tokens at 10k articles. (Finding the new ones
        # first, with a set of each text's tokens, cost ~0.2 s more.)
        counts = Counter(filter(_kept, map(pipeline.__getitem__, raw_tokens)))
        counted[field_no] = len(counts)
        counted[nfields + field_no] = counts.total()
        found.extend(counts)
        counted.extend(counts.values())
    return found, counted


def count_documents(
    fields: Sequence[str], docs: Sequence[Texts], keys: Sequence[bytes] | None = None,
    previous: TermCounts | None = None, language: SearchLanguage = ENGLISH,
) -> TermCounts:
    """Tokenise and count the texts of the named ``fields``; ``docs[i]`` holds one text per
    field, or gives them when called.

    A document whose key ``previous`` holds is not counted again: an edit tokenises only
    the documents it changed. With ``keys`` (one per document; each must determine its
    texts) such a document is not even asked for its texts; without, they are hashed.
    """
    names = tuple(fields)
    nfields = len(names)
    if not nfields:
        raise ValueError("an index needs at least one field")
    if keys is not None and len(keys) != len(docs):
        raise ValueError(f"{len(keys)} keys for {len(docs)} documents")
    if previous is not None and (not _whole(previous, names) or previous.language != language):
        previous = None
    before = len(previous.keys) if previous else 0
    terms = list(previous.terms) if previous else []
    numbers = dict(zip(terms, range(len(terms))))
    place = dict(zip(previous.keys, range(before))) if previous else {}  # key -> its counts: the previous, then the new
    pipeline = Terms(numbers, terms, language)
    new = (array("i"), array("i"), array("i"), array("i"))  # the new documents' term numbers, counts, sizes, lengths
    source = array("q")  # per document: the place of its counts
    doc_keys = []
    was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects, none cyclic
    try:
        for doc_no, doc in enumerate(docs):
            if keys is not None:
                key = keys[doc_no]
            else:
                doc = doc() if callable(doc) else doc
                key = digest(*doc)
            at = place.get(key)
            if at is None:
                texts = doc() if callable(doc) else doc
                if len(texts) != nfields:
                    raise ValueError(f"expected {nfields} field texts, not {len(texts)}")
                at = place[key] = before + len(new[2]) // nfields
                found, counted = count_terms(texts, pipeline)
                new[0].extend(found)
                new[1].extend(counted[2 * nfields :])
                new[2].extend(counted[:nfields])
                new[3].extend(counted[nfields : 2 * nfields])
            source.append(at)
            doc_keys.append(key)
    finally:
        if was_enabled:
            gc.enable()
    return _spliced(names, tuple(doc_keys), terms, previous, new, source, language)


def _whole(counts: TermCounts, names: tuple[str, ...]) -> bool:
    """Counts of these fields whose arrays agree: from a damaged cache file, say, a build
    counts afresh rather than fail or count wrong."""
    try:
        arrays = (counts.term, counts.tf, counts.sizes, counts.lengths)
        if counts.fields != names or not all(type(a) is array and a.typecode == "i" for a in arrays):
            return False
        term, tf, sizes, lengths = (np.frombuffer(a, np.int32) for a in arrays)
        return (
            len(sizes) == len(lengths) == len(counts.keys) * len(names) and len(tf) == len(term) == int(sizes.sum())
            and len(set(counts.terms)) == len(counts.terms)
            and all(not len(a) or int(a.min()) >= low for a, low in ((sizes, 0), (lengths, 0), (tf, 1), (term, 0)))
            and (not len(term) or int(term.max()) < len(counts.terms))
        )
    except (AttributeError, TypeError, ValueError):
        return False


def _spliced(
    names: tuple[str, ...], keys: tuple[bytes, ...], terms: list[str], previous: TermCounts | None,
    new: tuple[array, array, array, array], source: array, language: SearchLanguage,
) -> TermCounts:
    """Each document's counts in order, from ``previous`` or the new ones, and the terms
    numbered again by first occurrence (a new, edited or removed document can move it).

    Documents are taken in runs that lie one after another in the same source (after an
    edit: the documents before it, the edited one, those after), so copying is by slices."""
    nfields = len(names)
    old = (previous.term, previous.tf, previous.sizes, previous.lengths) if previous else (array("i"),) * 4
    sources = [tuple(np.frombuffer(a, np.int32) for a in group) for group in (old, new)]
    before = len(previous.keys) if previous else 0
    entry_start = []  # per source, where each of its documents' entries start, then the end
    for _, _, sizes, _ in sources:
        entry_start.append(np.concatenate([[0], np.cumsum(sizes.reshape(-1, nfields).sum(axis=1, dtype=np.int64))]))
    at = np.frombuffer(source, np.int64)
    cut = (np.flatnonzero((np.diff(at) != 1) | (at[1:] == before)) + 1).tolist()
    pieces: list[list[np.ndarray]] = [[], [], [], []]
    for first, last in zip([0, *cut], [*cut, len(at)], strict=True) if len(at) else ():
        which = int(at[first] >= before)
        lo, hi = int(at[first]) - which * before, int(at[last - 1]) - which * before + 1
        starts = entry_start[which]
        bounds = ((starts[lo], starts[hi]),) * 2 + ((lo * nfields, hi * nfields),) * 2
        for to, values, (start, end) in zip(pieces, sources[which], bounds, strict=True):
            to.append(values[start:end])
    term, tf, sizes, lengths = (np.concatenate(p) if p else np.zeros(0, np.int32) for p in pieces)
    n = len(term)
    first_at = np.full(len(terms), n, np.int64)
    np.minimum.at(first_at, term, np.arange(n, dtype=np.int64))
    used = np.flatnonzero(first_at < n)
    order = used[np.argsort(first_at[used])]  # first occurrences are distinct: no ties
    number = np.zeros(len(terms), np.int32)
    number[order] = np.arange(len(order), dtype=np.int32)
    return TermCounts(
        fields=names,
        keys=keys,
        terms=tuple(terms[i] for i in order.tolist()),
        term=array("i", number[term].tobytes()),
        tf=array("i", tf.tobytes()),
        sizes=array("i", sizes.tobytes()),
        lengths=array("i", lengths.tobytes()),
        language=language,
    )

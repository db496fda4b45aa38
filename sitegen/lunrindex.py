"""A lunr index built the way lunr.py builds it, but fast, and split by term range.

From the documents' counted terms (see sitegen/termcounts.py), BM25 field vectors are
computed term by term, so the index can be written out as parts that each cover a range
of terms. Each part is itself a valid serialized lunr index: its terms' postings, with
their original ``_index``, and every field vector cut down to those terms.
``serialize_whole`` gives the single monolithic index, byte-identical to lunr.py's
``lunr(...).serialize()`` (the test suite checks this), which the rankings are held to.
``PartWriter`` writes that JSON text directly (the build writes ~100 MB of it at 10k
articles, where building and dumping nested dicts took twice as long). Every build rewrites
it all (BM25's global statistics move with any edit), so the per-entry work (grouping,
scoring, laying out fragments) runs in numpy, not in Python loops.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import log

from lunr import __TARGET_JS_VERSION__

from sitegen.numeric import np
from sitegen.searchlanguage import ENGLISH, SearchLanguage
from sitegen.termcounts import TermCounts, Texts, count_documents

_K1 = 1.2
_B = 0.75


@dataclass(frozen=True)
class IndexField:
    name: str
    boost: int = 1


@dataclass(frozen=True)
class TermIndex:
    """Counts for every (term, document, field), grouped by term; not yet scored.

    ``entry_df`` holds ``doc * len(fields) + field`` and ``entry_tf`` the term frequency,
    both ordered by term index, then field, then document (so a posting's refs of one
    field are consecutive); the entries of term ``i`` are ``entry_start[i]:entry_start[i + 1]``,
    those of term ``i`` in field ``f`` start at ``field_start[i * len(fields) + f]``.
    """

    fields: tuple[IndexField, ...]
    doc_count: int
    terms: tuple[str, ...]  # by lunr ``_index``
    entry_start: array
    field_start: array
    entry_df: array
    entry_tf: array
    field_norm: tuple[float, ...]  # per doc*field: k1 * (1 - b + b * length / average)
    doc_refs: tuple[str, ...]  # str(doc number): lunr's refs
    pipeline: tuple[str, ...] = ENGLISH.search_pipeline  # the functions lunr.js runs a query's words through, by name


def js_order(term: str) -> bytes:
    """Sort key matching JavaScript string comparison (UTF-16 code units), which lunr.js
    requires when it rebuilds the token set from a serialized inverted index."""
    return term.encode("utf-16-be", "surrogatepass")


def build_index(fields: Sequence[IndexField], docs: Sequence[Texts], language: SearchLanguage = ENGLISH) -> TermIndex:
    """The index of ``docs`` (one text per field each, or a callable giving them); doc ``i``
    gets ref ``str(i)``."""
    return index_terms(fields, count_documents([f.name for f in fields], docs, language=language))


def index_terms(fields: Sequence[IndexField], counts: TermCounts) -> TermIndex:
    """Group the counted entries by term and field, and work out BM25's field norms."""
    if counts.fields != tuple(f.name for f in fields):
        raise ValueError(f"terms counted for the fields {counts.fields}, not {tuple(f.name for f in fields)}")
    nfields = len(fields)
    doc_count = len(counts.keys)
    sizes = np.frombuffer(counts.sizes, np.int32)
    # Group the doc-ordered entries by term and field: a stable sort keeps doc order.
    # (Arrays of ~2.7 M entries at 10k articles: each made in place where it can be.)
    buckets = np.frombuffer(counts.term, np.int32) * nfields
    field_of = (np.arange(len(sizes)) % nfields).astype(np.int8 if nfields <= 128 else np.int32)
    buckets += np.repeat(field_of, sizes)  # each entry's field
    order = _stable_order(buckets)
    field_start = array("i", [0])
    per_bucket = np.bincount(buckets, minlength=len(counts.terms) * nfields)
    del buckets
    field_start.frombytes(memoryview(np.cumsum(per_bucket, dtype=np.int32)).cast("B"))
    entry_df, entry_tf = array("i"), array("i")
    entry_doc_field = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)  # made now: not held through the sort
    entry_df.frombytes(memoryview(entry_doc_field[order]).cast("B"))
    del entry_doc_field
    entry_tf.frombytes(memoryview(np.frombuffer(counts.tf, np.int32)[order]).cast("B"))
    lengths = counts.lengths
    average = [sum(lengths[f::nfields]) / doc_count if doc_count else 0.0 for f in range(nfields)]
    norm = tuple(
        _K1 * (1 - _B + _B * (lengths[df] / average[df % nfields])) if average[df % nfields] else 0.0
        for df in range(len(lengths))
    )
    return TermIndex(
        fields=tuple(fields),
        doc_count=doc_count,
        terms=counts.terms,
        entry_start=field_start[::nfields],
        field_start=field_start,
        entry_df=entry_df,
        entry_tf=entry_tf,
        field_norm=norm,
        doc_refs=tuple(map(str, range(doc_count))),
        pipeline=counts.language.search_pipeline,
    )


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of non-negative integers (as int32), sorted by
    16-bit digits, lowest first: numpy radix-sorts 16-bit keys, 3x as fast as its stable
    sort of wider ones. (``astype(np.uint16)`` keeps a key's low 16 bits.)"""
    order = np.argsort(keys.astype(np.uint16), kind="stable").astype(np.int32)
    top = int(keys.max()) if len(keys) else 0
    shift = 16
    while top >> shift:
        digits = keys[order]
        digits >>= shift
        digits = digits.astype(np.uint16)  # the int32 ones go before argsort makes its int64 order
        order = order[np.argsort(digits, kind="stable")]
        shift += 16
    return order


def _idf(documents_with_term: int, document_count: int) -> float:
    # lunr/idf.py, operation for operation, so the floats come out the same.
    x = (document_count - documents_with_term + 0.5) / (documents_with_term + 0.5)
    return log(1 + abs(x))


def _jstr(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class PartWriter:
    """Writes serialized lunr indexes (JSON text) straight from a TermIndex's flat arrays.

    The text is exactly ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` of
    the lunr.py-shaped value, joined once from string fragments made per document, per term
    and per distinct score: no nested dicts are made. Which fragment goes where is worked
    out with numpy over a part's entries at once (a sort and some gathers), so no Python
    runs per (term, document, field) entry; at 10k articles that is ~2.7 M entries a build.
    Built once per index; ``json`` only reads it (forked workers share it).
    """

    index: TermIndex
    entry_start: np.ndarray  # the index's arrays, as numpy
    field_start: np.ndarray
    entry_df: np.ndarray
    # Tables of text (numpy arrays of str objects), each looked up with one gather per part;
    # a table ending in "" gives nothing at index -1.
    score: np.ndarray  # per entry: the text of its BM25 score; then ""
    pair: np.ndarray  # per term t at 2t: '<t>,' (a vector's first pair), at 2t + 1: ',<t>,'; then ""
    vector_open: np.ndarray  # per doc*field: ']],["<field>/<ref>",['; then ""
    term_open: np.ndarray  # per term: ',["<term>",{"<first field>":{'
    term_close: np.ndarray  # per term: '},"_index":<t>}]'
    field_open: np.ndarray  # per field but the first: '},"<field>":{'
    ref: np.ndarray  # per doc*field df at 2df: '"<ref>":{}' (a posting's first), at 2df + 1: ',"<ref>":{}'
    head: str
    tail: str

    @classmethod
    def of(cls, index: TermIndex) -> PartWriter:
        names = [f.name for f in index.fields]
        field_head = [_jstr(name) + ":{" for name in names]
        doc_refs = [_jstr(ref) for ref in index.doc_refs]
        refs = [ref + ":{}" for ref in doc_refs for _ in names]  # per doc*field
        # JSON escapes character by character: '"<field>/<ref>"' is cut from both texts.
        json_names = [_jstr(name) for name in names]
        vector_names = [f"{name[:-1]}/{ref[1:]}" for ref in doc_refs for name in json_names]
        head = _json_text({"version": __TARGET_JS_VERSION__, "fields": names})
        starts = np.frombuffer(index.entry_start, np.int32)  # views, not copies: the index stays int32
        return cls(
            index=index,
            entry_start=starts,
            field_start=np.frombuffer(index.field_start, np.int32),
            entry_df=np.frombuffer(index.entry_df, np.int32),
            score=_entry_score_texts(index, starts),
            pair=_objects([*(text for t in range(len(index.terms)) for text in (f"{t},", f",{t},")), ""]),
            vector_open=_objects([*(f"]],[{name},[" for name in vector_names), ""]),
            term_open=_objects(f",[{_jstr(term)},{{{field_head[0]}" for term in index.terms),
            term_close=_objects(f'}},"_index":{t}}}]' for t in range(len(index.terms))),
            field_open=_objects("}," + text for text in field_head[1:]),
            ref=_objects(text for ref in refs for text in (ref, "," + ref)),
            head=head[:-1] + ',"fieldVectors":[',
            tail="]," + _json_text({"pipeline": list(index.pipeline)})[1:],
        )

    def json(self, term_nos: Sequence[int], *, every_field_vector: bool = False) -> str:
        """The serialized index of the given terms (in the order given, js_order for lunr.js).

        ``every_field_vector`` also emits empty vectors, as lunr.py does for the whole index.
        """
        terms = np.asarray(term_nos, dtype=np.int64)
        return (
            self.head + self._vectors(np.sort(terms), every_field_vector)
            + '],"invertedIndex":[' + self._postings(terms) + self.tail
        )

    def _vectors(self, terms: np.ndarray, every: bool) -> str:
        """Each field vector's (term, score) pairs: the terms' entries (in term order), grouped
        by doc*field with a stable sort, so each vector's pairs come out in ``_index`` order."""
        lo, hi = self.entry_start[terms], self.entry_start[terms + 1]
        entries = _ranges(lo, hi)
        dfs = self.entry_df[entries]
        term = np.repeat(terms, hi - lo)
        vectors = len(self.vector_open) - 1
        if every:  # an empty pair (entry -1) for every vector, after its real ones: empty vectors appear too
            dfs = np.concatenate([dfs, np.arange(vectors)])
            entries, term = (np.concatenate([a, np.full(vectors, -1)]) for a in (entries, term))
        order = np.argsort(dfs, kind="stable")
        dfs, entries, term = dfs[order], entries[order], term[order]
        if not len(dfs):
            return ""
        first = np.ones(len(dfs), dtype=bool)
        first[1:] = dfs[1:] != dfs[:-1]
        pair = 2 * term + ~first
        if every:
            pair[term < 0] = -1
        pieces = np.empty(3 * len(dfs), dtype=object)
        pieces[0::3] = self.vector_open[np.where(first, dfs, -1)]
        pieces[1::3] = self.pair[pair]
        pieces[2::3] = self.score[entries]
        pieces[0] = pieces[0][3:]  # the first vector: no ']],' before it
        return "".join(pieces.tolist()) + "]]"

    def _postings(self, terms: np.ndarray) -> str:
        """Each term's posting: per field its refs, laid out as one list of fragments (an
        opener per term and field, the refs, a closer per term) whose places numpy works out."""
        nfields = len(self.index.fields)
        if not len(terms) or not nfields:
            return ""
        buckets = (terms[:, None] * nfields + np.arange(nfields)).ravel()  # (term, field), in the order given
        lo = self.field_start[buckets]
        count = self.field_start[buckets + 1] - lo
        before = np.cumsum(count) - count  # entries before each bucket
        slot = np.arange(len(buckets))
        opener_at = slot + slot // nfields + before
        pieces = np.empty(len(buckets) + len(terms) + int(count.sum()), dtype=object)
        openers = np.empty((len(terms), nfields), dtype=object)
        openers[:, 0] = self.term_open[terms]
        openers[:, 1:] = self.field_open
        pieces[opener_at] = openers.ravel()
        pieces[opener_at[nfields - 1 :: nfields] + count[nfields - 1 :: nfields] + 1] = self.term_close[terms]
        dfs = self.entry_df[_ranges(lo, lo + count)]
        first = np.zeros(len(dfs), dtype=bool)
        first[before[count > 0]] = True
        pieces[np.repeat(opener_at + 1 - before, count) + np.arange(len(dfs))] = self.ref[2 * dfs + ~first]
        pieces[0] = pieces[0][1:]  # the first term: no ',' before it
        return "".join(pieces.tolist())


def _objects(texts: Iterable[str]) -> np.ndarray:
    """An array of Python strings (``np.array`` would make fixed-width ones)."""
    values = list(texts)
    array_ = np.empty(len(values), dtype=object)
    array_[:] = values
    return array_


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, e) for s, e in zip(starts, ends)])``, without the loop."""
    count = ends - starts
    before = np.cumsum(count) - count
    return np.repeat(starts - before, count) + np.arange(int(count.sum()))


SCORE_CHUNK = 1 << 18  # entries scored at once


def _entry_score_texts(index: TermIndex, starts: np.ndarray) -> np.ndarray:
    """Every entry's score text (see ``_scores``), then "", a chunk of entries at a time:
    scoring all ~2.7 M entries of a 10k-article index at once made float arrays of 22 MB
    each (with the int64 copies the writer kept then, its traced peak was 147 MB, now 59)."""
    per_term = np.diff(starts)  # lunr's "documents with term" counts (term, field) entries
    counts, which = np.unique(per_term, return_inverse=True)
    idf = np.array([_idf(c, index.doc_count) for c in counts.tolist()], dtype=np.float64)[which]
    term = np.repeat(np.arange(len(per_term), dtype=np.int32), per_term)
    norms = np.array(index.field_norm, dtype=np.float64)
    boosts = np.array([f.boost for f in index.fields], dtype=np.float64)
    dfs, tf = np.frombuffer(index.entry_df, np.int32), np.frombuffer(index.entry_tf, np.int32)
    texts = np.empty(len(term) + 1, dtype=object)
    texts[-1] = ""
    for lo in range(0, len(term), SCORE_CHUNK):
        df = dfs[lo : lo + SCORE_CHUNK]
        chunk = slice(lo, lo + len(df))
        scores = _scores(idf[term[chunk]], tf[chunk].astype(np.float64), norms[df], boosts[df % len(boosts)])
        texts[chunk] = _score_texts(scores)
    return texts


def _scores(idf: np.ndarray, tf: np.ndarray, norm: np.ndarray, boost: np.ndarray) -> np.ndarray:
    """BM25 scores as lunr.py computes them (lunr/builder.py), operation for operation in
    float64, so the floats come out the same."""
    return idf * ((_K1 + 1) * tf) / (norm + tf) * boost


def _score_texts(scores: np.ndarray) -> np.ndarray:
    """``_SCORE_TEXT["%.3f" % x]`` of each score, formatted once per distinct thousandth.

    "%.3f" rounds the exact binary value half-even to thousandths; ``rint(x * 1000)`` gives
    the same unless the product, itself rounded, lands on a half (rounding is monotonic, so
    it cannot cross one): scores next to a half (and any negative or huge one) are
    formatted one by one.
    """
    thousandths = scores * 1000
    nearest = np.rint(thousandths)
    sure = (np.abs(np.abs(thousandths - nearest) - 0.5) > 1e-6) & ~np.signbit(scores) & (scores < 1e6)
    keys = np.where(sure, nearest, 0).astype(np.int64)
    if len(keys) and keys.max() < 1 << 22:  # BM25 scores are small: a table by thousandth, no sort
        distinct = np.flatnonzero(np.bincount(keys))
        table = np.empty(distinct[-1] + 1, dtype=object)
        table[distinct] = _objects(_SCORE_TEXT[f"{k // 1000}.{k % 1000:03d}"] for k in distinct.tolist())
        texts = table[keys]
    else:
        distinct, which = np.unique(keys, return_inverse=True)
        texts = _objects(_SCORE_TEXT[f"{k // 1000}.{k % 1000:03d}"] for k in distinct.tolist())[which]
    for i in np.flatnonzero(~sure).tolist():
        texts[i] = _SCORE_TEXT[f"{float(scores[i]):.3f}"]
    return texts


class _ScoreText(dict):
    """``"%.3f" % x`` -> ``repr(round(x, 3))``, the text json.dumps gives lunr.py's rounded
    score: both round the exact binary value to 3 decimals (the same dtoa call), and the
    shortest repr of a 3-decimal value is those digits without trailing zeros. Formatting
    once and looking up the few thousand distinct texts is twice as fast as round + repr.
    Exact for |x| < 1e12 (BM25 scores are far below); tests compare with round + repr.
    """

    def __missing__(self, key: str) -> str:
        text = key.rstrip("0")
        text = text + "0" if text.endswith(".") else text
        self[key] = text
        return text


_SCORE_TEXT = _ScoreText()


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def serialize_terms(
    index: TermIndex, term_nos: Sequence[int], *, every_field_vector: bool = False
) -> dict:
    """A serialized lunr index holding the given terms and their vector entries, as a value
    (PartWriter gives the same as JSON text, which is what the build writes)."""
    return json.loads(PartWriter.of(index).json(term_nos, every_field_vector=every_field_vector))


def term_order(index: TermIndex) -> list[int]:
    """Term numbers sorted as lunr.js wants its inverted index."""
    return sorted(range(len(index.terms)), key=lambda t: js_order(index.terms[t]))


def serialize_whole(index: TermIndex) -> dict:
    """The monolithic index, as lunr.py's ``Index.serialize()`` would give it."""
    return serialize_terms(index, term_order(index), every_field_vector=True)


def split_terms(index: TermIndex, target_bytes: int) -> list[list[int]]:
    """Cut the js-ordered terms into consecutive ranges of about ``target_bytes`` each.

    The estimate (per entry: a posting key and a field-vector pair with its field ref)
    only needs to be proportional; a term never spans two ranges.
    """
    ranges: list[list[int]] = []
    current: list[int] = []
    size = 0
    for t in term_order(index):
        entries = index.entry_start[t + 1] - index.entry_start[t]
        cost = 40 + len(index.terms[t]) + entries * 30
        if current and size + cost > target_bytes:
            ranges.append(current)
            current, size = [], 0
        current.append(t)
        size += cost
    if current or not ranges:
        ranges.append(current)
    return ranges

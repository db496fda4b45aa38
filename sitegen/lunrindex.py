"""A lunr index built the way lunr.py builds it, but fast, and split by term range.

lunr.py's stock builder spends its time per token occurrence (6.4 M at 10k articles).
Here every *distinct* raw token runs once through lunr.py's own pipeline functions
(trimmer, stop-word filter, stemmer), counts are kept in flat C arrays, and BM25 field
vectors are computed term by term, so the index can be written out as parts that each
cover a range of terms. Each part is itself a valid serialized lunr index: its terms'
postings, with their original ``_index``, and every field vector cut down to those terms.
``serialize_whole`` gives the single monolithic index, byte-identical to lunr.py's
``lunr(...).serialize()`` (the test suite checks this), which the rankings are held to.
``PartWriter`` writes that JSON text directly (the build writes ~100 MB of it at 10k
articles, where building and dumping nested dicts took twice as long).
"""

from __future__ import annotations

import gc
import json
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, cycle, repeat
from math import log
from operator import add

from lunr import __TARGET_JS_VERSION__
from lunr.stemmer import stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

from sitegen.cache import Memo, digest, no_memo

# lunr.py's Tokenizer splits on exactly these characters (lunr/tokenizer.py).
_TOKEN = re.compile(r"[^ \t\n\r\f\v\xa0-]+")
_PIPELINE = (trimmer, stop_word_filter, stemmer)
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


def js_order(term: str) -> bytes:
    """Sort key matching JavaScript string comparison (UTF-16 code units), which lunr.js
    requires when it rebuilds the token set from a serialized inverted index."""
    return term.encode("utf-16-be", "surrogatepass")


def _process(raw: str) -> str | None:
    token: Token | None = Token(raw, {})
    for fn in _PIPELINE:
        token = fn(token)
        if not token:
            return None
    return str(token)


def count_terms(texts: Sequence[str], pipeline: dict[str, str | None]) -> tuple[tuple[str, ...], array]:
    """One document's terms, as lunr counts them: per field its distinct terms in
    first-occurrence order (as lunr's defaultdict), all fields in one tuple; and an array of
    each field's number of distinct terms, then each field's length, then every term's count.
    ``pipeline`` memoises lunr's pipeline per raw token.
    """
    nfields = len(texts)
    terms: list[str] = []
    numbers = array("i", bytes(8 * nfields))
    for field_no, text in enumerate(texts):
        raw_tokens = _TOKEN.findall(text.lower())
        for raw in set(raw_tokens).difference(pipeline):
            pipeline[raw] = _process(raw)
        counts = Counter([t for t in map(pipeline.__getitem__, raw_tokens) if t is not None])
        numbers[field_no] = len(counts)
        numbers[nfields + field_no] = counts.total()
        terms += counts
        numbers.extend(counts.values())
    return tuple(terms), numbers


def build_index(fields: Sequence[IndexField], docs: Sequence[Sequence[str]], memo: Memo = no_memo) -> TermIndex:
    """Tokenise and count; ``docs[i]`` holds one text per field and gets ref ``str(i)``.

    ``memo`` may keep each document's counted terms (table "terms", keyed by its
    texts) for the next build: an edit then tokenises only the documents it changed.
    """
    nfields = len(fields)
    pipeline: dict[str, str | None] = {}
    term_id: dict[str, int] = {}
    flat_terms: list[str] = []  # every (doc, field, term) entry's term, in doc and field order
    flat_tf = array("i")  # and its count
    sizes = array("i")  # per doc*field: its number of entries
    lengths = array("i")  # per doc*field: its number of tokens
    was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects, none cyclic
    try:
        for doc_no, texts in enumerate(docs):
            if len(texts) != nfields:
                raise ValueError(f"document {doc_no}: expected {nfields} field texts")
            terms, numbers = memo("terms", digest(*texts), partial(count_terms, texts, pipeline))
            if not term_id.keys() >= set(terms):
                for term in terms:  # first occurrence, in document and field order, gives _index
                    if term not in term_id:
                        term_id[term] = len(term_id)
            flat_terms += terms
            sizes += numbers[:nfields]
            lengths += numbers[nfields : 2 * nfields]
            flat_tf += numbers[2 * nfields :]

        # Group the doc-ordered entries by term and field with a counting sort (stable: doc order kept).
        nterms = len(term_id)
        slot = {term: t * nfields for t, term in enumerate(term_id)}
        field_no = chain.from_iterable(map(repeat, cycle(range(nfields)), sizes))
        buckets = list(map(add, map(slot.__getitem__, flat_terms), field_no))
        per_bucket = Counter(buckets)
        field_start = array("i", [0]) * (nterms * nfields + 1)
        for b in range(nterms * nfields):
            field_start[b + 1] = field_start[b] + per_bucket[b]
        cursor = field_start.tolist()
        n = len(flat_terms)
        entry_df = array("i", bytes(4 * n))
        entry_tf = array("i", bytes(4 * n))
        flat_df = chain.from_iterable(map(repeat, range(len(sizes)), sizes))
        for b, df, tf in zip(buckets, flat_df, flat_tf, strict=True):
            at = cursor[b]
            entry_df[at] = df
            entry_tf[at] = tf
            cursor[b] = at + 1
    finally:
        if was_enabled:
            gc.enable()

    doc_count = len(docs)
    average = [0.0] * nfields
    for f in range(nfields):
        total = sum(lengths[f::nfields]) if doc_count else 0
        average[f] = total / doc_count if doc_count else 0.0
    norm = tuple(
        _K1 * (1 - _B + _B * (lengths[df] / average[df % nfields])) if average[df % nfields] else 0.0
        for df in range(len(lengths))
    )
    return TermIndex(
        fields=tuple(fields),
        doc_count=doc_count,
        terms=tuple(term_id),
        entry_start=field_start[::nfields] if nfields else array("i", [0]),
        field_start=field_start,
        entry_df=entry_df,
        entry_tf=entry_tf,
        field_norm=norm,
        doc_refs=tuple(map(str, range(doc_count))),
    )


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
    the lunr.py-shaped value, built from per-document and per-term string fragments
    joined once: no nested dicts are made, so writing the parts costs a few passes over
    the flat entries instead of a dict and a list per entry. Built once per index.
    """

    index: TermIndex
    ref_key: tuple[str, ...]  # per doc*field: '"<ref>":{}', the posting's entry
    vector_head: tuple[str, ...]  # per doc*field: '["<field>/<ref>",['
    field_head: tuple[str, ...]  # per field: '"<field>":{'
    head: str
    tail: str
    score_key: tuple[int, ...]  # per doc*field: its score class (norm, boost) * tf_span
    score_class: tuple[tuple[float, int], ...]  # (field norm, boost) of each score class
    tf_span: int  # more than any term frequency
    scores: dict[int, _Scores]  # a cache: per number of entries (so per idf), score texts

    @classmethod
    def of(cls, index: TermIndex) -> PartWriter:
        names = [f.name for f in index.fields]
        nfields = len(names)
        count = index.doc_count * nfields
        refs = [_jstr(ref) for ref in index.doc_refs]
        head = _json_text({"version": __TARGET_JS_VERSION__, "fields": names})
        boosts = tuple(index.fields[df % nfields].boost for df in range(count))
        classes: dict[tuple[float, int], int] = {}  # a few hundred: field lengths repeat
        tf_span = max(index.entry_tf, default=0) + 1
        return cls(
            index=index,
            ref_key=tuple(f"{refs[df // nfields]}:{{}}" for df in range(count)),
            vector_head=tuple(
                "[" + _jstr(f"{names[df % nfields]}/{index.doc_refs[df // nfields]}") + ",["
                for df in range(count)
            ),
            field_head=tuple(_jstr(name) + ":{" for name in names),
            head=head[:-1] + ',"fieldVectors":[',
            tail="]," + _json_text({"pipeline": ["stemmer"]})[1:],
            score_key=tuple(classes.setdefault((index.field_norm[df], boosts[df]), len(classes)) * tf_span
                            for df in range(count)),
            score_class=tuple(classes),
            tf_span=tf_span,
            scores={},
        )

    def json(self, term_nos: Sequence[int], *, every_field_vector: bool = False) -> str:
        """The serialized index of the given terms (in the order given, js_order for lunr.js).

        Scores are lunr.py's BM25, operation for operation (lunr/builder.py), so the floats
        come out the same; ``every_field_vector`` also emits empty vectors, as lunr.py does
        for the whole index. The loops below run once per (term, document, field).
        """
        index = self.index
        starts, entry_df, entry_tf = index.entry_start, index.entry_df, index.entry_tf
        fs, ref_key, field_head = index.field_start, self.ref_key, self.field_head
        nfields = len(field_head)
        score_key, scores = self.score_key, self.scores
        head = self.vector_head
        vectors: dict[int, str] = {}  # doc*field -> its vector's text so far, unclosed
        vector = vectors.get
        postings: dict[int, str] = {}
        for t in sorted(term_nos):  # by _index, so each vector's entries come out in order
            start, end = starts[t], starts[t + 1]
            table = scores.get(end - start)
            if table is None:
                table = scores[end - start] = _Scores(self, _idf(end - start, index.doc_count))
            dfs = entry_df[start:end]
            # A score depends on (idf, field norm, boost, tf) only, so most are looked up
            # (in C: no Python runs per entry) and a fifth computed, by _Scores.__missing__.
            items = list(map(f"{t},".__add__, map(table.__getitem__, map(add, map(score_key.__getitem__, dfs), entry_tf[start:end]))))
            for df, item in zip(dfs, items):  # mostly one entry per vector and part
                text = vector(df)
                vectors[df] = head[df] + item if text is None else text + "," + item
            at = t * nfields
            postings[t] = (
                "{" + ",".join([
                    field_head[f] + ",".join(map(ref_key.__getitem__, entry_df[fs[at + f] : fs[at + f + 1]])) + "}"
                    for f in range(nfields)
                ]) + f',"_index":{t}}}'
            )
        if every_field_vector:
            vector_text = [vector(df, head[df]) + "]]" for df in range(len(head))]
        else:
            vector_text = [vectors[df] + "]]" for df in sorted(vectors)]
        inverted = [f"[{_jstr(index.terms[t])},{postings[t]}]" for t in term_nos]
        return (
            self.head + ",".join(vector_text) + '],"invertedIndex":['
            + ",".join(inverted) + self.tail
        )


class _Scores(dict):
    """Score texts of one idf, by ``score_key[df] + tf``; each computed on first use."""

    def __init__(self, writer: PartWriter, idf: float):
        super().__init__()
        self.writer = writer
        self.idf = idf

    def __missing__(self, key: int) -> str:
        w = self.writer
        norm, boost = w.score_class[key // w.tf_span]
        tf = key % w.tf_span
        # lunr.py's BM25 (lunr/builder.py), operation for operation, so the floats come out the same
        text = _SCORE_TEXT["%.3f" % (self.idf * ((_K1 + 1) * tf) / (norm + tf) * boost)]
        self[key] = text
        return text


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

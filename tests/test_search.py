"""The search index in memory: identical to lunr.py's, split into valid parts, hashed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import select
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import lxml.html
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lunr import lunr
from lunr.index import Index

from sitegen import lunrindex
from sitegen.cache import digest
from sitegen.lunrindex import (
    IndexField,
    PartWriter,
    _score_texts,
    _ScoreText,
    _stable_order,
    build_index,
    index_terms,
    js_order,
    serialize_whole,
    split_terms,
)
from sitegen.search import (
    FIELDS,
    SearchDoc,
    SearchOutput,
    SearchSetupError,
    build_search,
    facet_values,
    snippet,
    vendor_files,
)
from sitegen.termcounts import count_documents, index_builder

WORDS = (
    "quorrel", "vanthe", "Running", "runs", "the", "a", "Brellin,", "défense", "-x-", "don't",
    "ÉTÉ", "москва", "talks.", "it's", "...", "😀x", "\ufb01ne", "stanmore", "staid", "starling",
    "Quorrel's", "(vanthe’s),", "boss's", "o'neill", "'s",
)  # fmt: skip


def reference(**kwargs) -> Index:
    """lunr.py's own index of the same documents, built as sitegen's is (``index_builder``)."""
    return lunr(**kwargs, builder=index_builder())


def random_docs(n: int, seed: int = 7) -> list[SearchDoc]:
    """Fictional documents from a fixed word list (with punctuation, accents, Cyrillic)."""
    rng = random.Random(seed)
    people = ["Orla Vantree", "Bex Quorrel", "Tamsin Dree"]
    tags = ["harbour works", "tolls", "ferries"]

    def text(k: int) -> str:
        return " ".join(rng.choices(WORDS, k=rng.randint(0, k)))

    docs = []
    for i in range(n):
        named = tuple(rng.sample(people, rng.randint(0, 2)))
        docs.append(
            SearchDoc(
                url=f"/articles/20{10 + i % 12}/01/doc-{i}/",
                title=text(6),
                date=f"20{10 + i % 12}-01-{1 + i % 28:02d}",
                summary=text(12),
                body=text(120),
                people=named,
                people_terms=named + tuple(n.split()[-1] for n in named),
                tags=tuple(rng.sample(tags, rng.randint(0, 2))),
                source=rng.choice(["", "The Fictional Courier", "Brellin Wire"]),
                notes=(text(10),) if i % 3 == 0 else (),
            )
        )
    return docs


def texts(doc: SearchDoc) -> list[str]:
    """The field texts spelled out here, so a change in field_texts must be deliberate."""
    return [doc.title, doc.summary, doc.body, " ".join(doc.people_terms), " ".join(doc.tags),
            doc.source, "\n".join(doc.notes)]


def dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("chunk", [None, 997])
def test_whole_index_is_byte_identical_to_lunr_py(chunk: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also with the entries scored a few at a time, as a big index's are (the chunks
    end mid-term and mid-document here)."""
    if chunk:
        monkeypatch.setattr(lunrindex, "SCORE_CHUNK", chunk)
    docs = random_docs(150)
    stock = reference(
        ref="id",
        fields=[{"field_name": f.name, "boost": f.boost} for f in FIELDS],
        documents=[
            {"id": str(i), **dict(zip([f.name for f in FIELDS], texts(d)))}
            for i, d in enumerate(docs)
        ],
    )
    ours = serialize_whole(build_index(FIELDS, [texts(d) for d in docs]))
    assert dump(ours) == dump(stock.serialize())


def test_an_index_of_more_fields_than_int8_numbers_keeps_them_apart() -> None:
    fields = [IndexField(f"f{i}") for i in range(130)]
    docs = [[f"word{i} other{i % 3}" for i in range(130)], ["zebra " * 3] * 130]
    stock = reference(ref="id", fields=[f.name for f in fields],
                 documents=[{"id": str(d), **{f.name: t for f, t in zip(fields, texts, strict=True)}}
                            for d, texts in enumerate(docs)])
    assert dump(serialize_whole(build_index(fields, docs))) == dump(stock.serialize())


def test_empty_and_tiny_inputs() -> None:
    fields = [IndexField("title", 10), IndexField("body")]
    assert serialize_whole(build_index(fields, []))["invertedIndex"] == []
    for docs in ([["", ""]], [["Only title", ""]], [["", "a body"], ["a title", ""]]):
        stock = reference(ref="id", fields=[{"field_name": "title", "boost": 10}, "body"],
                     documents=[{"id": str(i), "title": t, "body": b}
                                for i, (t, b) in enumerate(docs)])
        ours = serialize_whole(build_index(fields, docs))
        assert ours["invertedIndex"] == stock.serialize()["invertedIndex"]
        assert ours["fieldVectors"] == stock.serialize()["fieldVectors"]
    out = build_search([])
    assert out.manifest_url.startswith("/search/manifest-")


def test_each_part_is_the_stock_index_cut_to_its_terms_byte_for_byte() -> None:
    """PartWriter writes JSON text itself: check it against the stdlib dump of lunr.py's own
    index, cut down to the part's terms, including terms that JSON must escape."""
    docs = [texts(d) for d in random_docs(90)]
    docs.append(['quo"te back\\slash tab\tkey', 'ctl\x01x del\x7fy \u2028sep é ё "a" \\'] + [""] * 5)
    stock = reference(
        ref="id",
        fields=[{"field_name": f.name, "boost": f.boost} for f in FIELDS],
        documents=[{"id": str(i), **dict(zip([f.name for f in FIELDS], t))}
                   for i, t in enumerate(docs)],
    ).serialize()
    index = build_index(FIELDS, docs)
    writer = PartWriter.of(index)
    assert writer.json(sorted(range(len(index.terms)), key=lambda t: js_order(index.terms[t])),
                       every_field_vector=True) == dump(stock)
    postings = dict(map(tuple, stock["invertedIndex"]))
    assert any('"' in term or "\\" in term for term in postings)
    ranges = split_terms(index, 2000)
    assert len(ranges) > 5
    for term_nos in ranges:
        mine = {postings[index.terms[t]]["_index"] for t in term_nos}
        vectors = []
        for ref, vector in stock["fieldVectors"]:
            pairs = [x for i in range(0, len(vector), 2) if vector[i] in mine
                     for x in vector[i : i + 2]]
            if pairs:
                vectors.append([ref, pairs])
        want = {**stock, "fieldVectors": vectors,
                "invertedIndex": [[index.terms[t], postings[index.terms[t]]] for t in term_nos]}
        assert writer.json(term_nos) == dump(want)


def test_parts_written_by_worker_processes_are_the_same_bytes() -> None:
    docs = random_docs(60)
    alone = build_search(docs, part_bytes=2000, processes=1)
    shared = build_search(docs, part_bytes=2000, processes=2)
    assert len(alone.files) > 10
    assert shared == alone


def test_parts_written_by_worker_processes_are_kept_there(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker keeps the parts it writes (into the cache's store, in a build): only what
    ``keep`` gives travels back, never the parts' bytes."""
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)  # an earlier test's server thread would stop forking
    docs = random_docs(60)
    build_process, (worker_kept, kept_by_worker) = os.getpid(), os.pipe()
    waited: list[bool] = []

    def keep(path: str, data: bytes) -> tuple[int, int]:
        # The build's process waits at its first part for a worker's, so that a busy
        # machine, leaving the worker unscheduled, cannot leave it no part to write.
        if os.getpid() != build_process:
            os.write(kept_by_worker, b".")
        elif not waited:
            waited.append(True)
            select.select([worker_kept], [], [], 60)
        return os.getpid(), len(data)

    try:
        kept = build_search(docs, part_bytes=2000, processes=2, keep=keep)
    finally:
        os.close(worker_kept)
        os.close(kept_by_worker)
    alone = build_search(docs, part_bytes=2000, processes=1)
    assert kept.files.keys() == alone.files.keys()
    parts = [held for path, held in kept.files.items() if "/part-" in path]
    assert {pid for pid, _ in parts} - {os.getpid()}  # some kept in another process
    assert [size for _, size in parts] == [len(data) for path, data in alone.files.items() if "/part-" in path]


def test_each_file_is_kept_as_it_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """In one process, a part goes to ``keep`` before the next is made: the whole index
    (~100 MB at 10k articles) is never held at once."""
    docs = random_docs(60)
    events: list[str] = []
    made = PartWriter.json
    monkeypatch.setattr(PartWriter, "json", lambda self, *a, **k: events.append("made") or made(self, *a, **k))
    kept = build_search(docs, part_bytes=2000, processes=1, keep=lambda path, data: events.append("kept") or data[::-1])
    parts = events.count("made")
    assert parts > 10 and events[: 2 * parts] == ["made", "kept"] * parts
    whole = build_search(docs, part_bytes=2000, processes=1)
    assert kept.files == {path: data[::-1] for path, data in whole.files.items()}  # what keep gave is what is held


def test_an_index_file_goes_into_the_store_once_else_its_bytes_are_kept(tmp_path: Path) -> None:
    """What a process writing the index's files keeps: each file once, under its hash's name;
    where the store cannot be written, the bytes themselves (they travel back)."""
    from sitegen.indexer import _store
    from sitegen.output import Stored

    kept = _store(tmp_path, "search/part-abc.json", b"x")
    assert kept == Stored(tmp_path / "part-abc.json") and kept.path.read_bytes() == b"x"
    assert _store(tmp_path, "search/part-abc.json", b"x") == kept and len(list(tmp_path.iterdir())) == 1
    blocked = tmp_path / "a-file"
    blocked.write_bytes(b"")
    assert _store(blocked, "search/part-abc.json", b"y") == b"y"  # no store can be written there: the bytes


def test_score_text_is_what_json_gives_the_rounded_score() -> None:
    rng = random.Random(3)
    values = [rng.uniform(0, 60) for _ in range(20_000)] + [0.0, 0.0005, 0.0015, 1.0, 2.5, 9.9995]
    values += [k / 1000 for k in range(3000)] + [k / 1000 + 0.0005 for k in range(3000)]
    score_text = _ScoreText()
    for x in values:
        assert score_text[f"{x:.3f}"] == json.dumps(round(x, 3)), x


def test_score_texts_in_bulk_are_the_rounded_scores_one_by_one() -> None:
    """numpy rounds all scores at once by thousandths; check it against json's text of
    round(x, 3) on values near a half, exact halves (0.0625 is one), large and odd values."""
    rng = random.Random(5)
    values = [rng.uniform(0, 250) for _ in range(20_000)] + [rng.uniform(0, 1e7) for _ in range(2000)]
    halves = [k / 1000 + 0.0005 for k in range(2000)] + [rng.randint(1, 10**9) + 0.0005 for _ in range(2000)]
    values += halves + [float(np.nextafter(x, to)) for x in halves for to in (0, np.inf)]
    values += [0.0, 0.0625, 0.1875, 2.5, 9.9995, 1e6 - 0.0005, 4194.3045, -0.0, -1.25, 5e11 + 0.25]
    for chunk in (values, values[:500]):  # large scores take another path than small ones
        assert _score_texts(np.array(chunk)).tolist() == [json.dumps(round(x, 3)) for x in chunk]


def test_stable_order_by_16_bit_digits_is_a_stable_argsort() -> None:
    rng = np.random.default_rng(4)
    for top, dtype in ((1, np.int64), (70_000, np.int64), (1 << 40, np.int64), (70_000, np.int32), ((1 << 31) - 1, np.int32)):
        keys = rng.integers(0, top, 50_000).astype(dtype)  # one, two and three digits; int32 as the index's
        assert (_stable_order(keys) == np.argsort(keys, kind="stable")).all()
    assert _stable_order(np.zeros(0, dtype=np.int32)).tolist() == []


def test_parts_partition_the_terms_in_lunr_js_order() -> None:
    index = build_index(FIELDS, [texts(d) for d in random_docs(120)])
    ranges = split_terms(index, 3000)
    assert len(ranges) > 5
    flat = [t for r in ranges for t in r]
    assert sorted(flat) == list(range(len(index.terms)))
    keys = [js_order(index.terms[t]) for t in flat]
    assert keys == sorted(keys)


def test_each_part_answers_its_terms_like_the_whole_index() -> None:
    docs = random_docs(120)
    out = build_search(docs, part_bytes=3000)
    manifest = json.loads(out.files[out.manifest_url.lstrip("/")])
    whole = Index.load(serialize_whole(build_index(FIELDS, [texts(d) for d in docs])))
    firsts = [first for first, _ in manifest["parts"]]
    assert firsts[0] == "" and firsts == sorted(firsts, key=js_order)
    checked = 0
    for first, part_hash in manifest["parts"]:
        part = json.loads(out.files[f"search/part-{part_hash}.json"])
        index = Index.load(part)
        for term, posting in part["invertedIndex"][:3]:
            if not term.isalpha():
                continue  # the query syntax would read punctuation
            expect = [(r["ref"], round(r["score"], 9)) for r in whole.search(f"{term}")]
            got = [(r["ref"], round(r["score"], 9)) for r in index.search(f"{term}")]
            if expect and expect == got:
                checked += 1
            assert sorted(expect) == sorted(got), term
    assert checked > 10


def test_files_are_named_by_their_content_and_builds_are_deterministic() -> None:
    docs = random_docs(60)
    first, second = build_search(docs), build_search(docs)
    assert first == second
    for path, data in first.files.items():
        assert path.startswith("search/")
        assert hashlib.sha256(data).hexdigest()[:12] in path
    changed = build_search([*docs[:-1], SearchDoc(**{**docs[-1].__dict__, "title": "Vantree"})])
    assert changed.manifest_url != first.manifest_url
    # Scores are global (BM25), so parts change; metadata chunks of other docs keep their names.
    def meta(out: SearchOutput) -> set[str]:
        return {p for p in out.files if "/meta-" in p}

    assert len(meta(first) - meta(changed)) == 1


def test_manifest_meta_chunks_and_facets() -> None:
    docs = random_docs(25)
    out = build_search(docs)
    manifest = json.loads(out.files[out.manifest_url.lstrip("/")])
    assert manifest["docs"] == 25
    assert manifest["fields"] == [f.name for f in FIELDS]
    assert len(manifest["meta"]) == 3
    records = [r for h in manifest["meta"] for r in json.loads(out.files[f"search/meta-{h}.json"])]
    assert [r[0] for r in records] == [d.url for d in docs]
    assert records[4][1:6] == [docs[4].title, docs[4].date, docs[4].source,
                               list(docs[4].people), list(docs[4].tags)]
    facets = json.loads(out.files[f"search/facets-{manifest['facets']}.json"])
    assert facets == facet_values(docs)
    for facet, key in (("person", "people"), ("tag", "tags")):
        for name, encoded in facets[facet]:
            refs, ref = [], -1
            for gap in encoded.split(","):
                ref += int(gap, 36)
                refs.append(ref)
            assert refs == [i for i, d in enumerate(docs) if name in getattr(d, key)]
    years = [name for name, _ in facets["year"]]
    assert years == sorted(years, reverse=True)
    assert "" not in [name for name, _ in facets["outlet"]]


def test_snippet_cuts_at_a_word() -> None:
    assert snippet("short  text\n") == "short text"
    long = "word " * 100
    cut = snippet(long, 50)
    assert cut.endswith("…") and len(cut) <= 51 and not cut[:-1].endswith(" ")


def test_vendor_files_copies_lunr_2_3_9(tmp_path: Path) -> None:
    files = vendor_files(tmp_path)
    assert list(files) == ["static/vendor/lunr.min.js"]
    assert b"lunr" in files["static/vendor/lunr.min.js"]


def test_vendor_files_errors_clearly(tmp_path: Path) -> None:
    with pytest.raises(SearchSetupError, match="lunr.js not found.*npm"):
        vendor_files(tmp_path, sitegen_root=tmp_path)
    package = tmp_path / "node_modules" / "lunr"
    package.mkdir(parents=True)
    (package / "lunr.min.js").write_text("/* lunr */")
    (package / "package.json").write_text('{"version": "2.3.8"}')
    with pytest.raises(SearchSetupError, match=r"package.json: version: lunr 2.3.8 found"):
        vendor_files(tmp_path, sitegen_root=tmp_path)



def test_build_without_lunr_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch, capsys) -> None:
    from sitegen import search
    from sitegen.cli import main

    lone = tmp_path / "lone"  # no node_modules here, nor in the sitegen checkout it is told of
    lone.mkdir()
    monkeypatch.setattr(search, "vendor_files", lambda root, sitegen_root=lone, **kw: vendor_files(root, lone, **kw))
    root = tmp_path / "archive"
    shutil.copytree(Path(__file__).parent / "fixtures" / "archive", root)
    assert main(["build", "-s", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "error: lunr.js not found" in err and "Traceback" not in err
    assert not (root / "public").exists()


def render_search_page(manifest_url: str) -> lxml.html.HtmlElement:
    """The theme's search.html over a stub base.html, the site under /base/."""
    from bench.search_bench import search_page_html

    return lxml.html.fromstring(search_page_html(manifest_url, base="/base/"))


def test_search_page_wires_the_worker_and_says_what_works_without_js() -> None:
    doc = render_search_page('/base/search/manifest-abc.json?"<x>')
    (app,) = doc.xpath('//*[@id="search-app"]')
    assert app.get("data-manifest") == '/base/search/manifest-abc.json?"<x>'  # escaped, intact
    assert app.get("data-worker") == "/base/static/search-worker.js"
    assert [s.get("src") for s in doc.xpath("//script")] == ["/base/static/search.js"]
    assert all(not s.text for s in doc.xpath("//script")), "no inline script (CSP)"
    assert not [a for el in doc.iter() for a in el.attrib if a.startswith("on")]
    (query,) = doc.xpath('//input[@id="search-query"]')
    assert doc.xpath('//label[@for="search-query"]')
    assert query.get("aria-controls") == "search-results"
    (status,) = doc.xpath('//*[@id="search-status"]')
    assert status.get("aria-live") == "polite" and status.get("role") == "status"
    nojs = doc.xpath('//*[@id="search-nojs"]//a/@href')
    assert "/base/people/" in nojs and "/base/tags/" in nojs
    assert doc.xpath('//link[@rel="stylesheet"]/@href') == ["/base/static/search.css"]


def test_search_page_without_an_index_links_to_browsing() -> None:
    doc = render_search_page("")
    assert not doc.xpath('//*[@id="search-app"]') and not doc.xpath("//script")
    assert "/base/people/" in doc.xpath("//main//a/@href")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(
    " -\t\n\xa0.,'\"*:^~+\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u1680\u2000\u2028\u202f\u3000"), max_size=40), min_size=2, max_size=2), min_size=1, max_size=6))
def test_any_text_indexes_exactly_as_lunr_py(docs: list[list[str]]) -> None:
    fields = [IndexField("title", 10), IndexField("body")]
    stock = reference(ref="id", fields=[{"field_name": "title", "boost": 10}, "body"],
                 documents=[{"id": str(i), "title": t, "body": b} for i, (t, b) in enumerate(docs)])
    want = stock.serialize()
    got = serialize_whole(build_index(fields, docs))
    # Same content; only the term order may differ (UTF-16 order, which lunr.js needs).
    assert dict(map(tuple, got["invertedIndex"])) == dict(map(tuple, want["invertedIndex"]))
    assert got["fieldVectors"] == want["fieldVectors"]
    keys = [js_order(term) for term, _ in got["invertedIndex"]]
    assert keys == sorted(keys)


@pytest.mark.parametrize("separator", ["\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2028", "\u3000"])
def test_a_separator_lunr_py_keeps_inside_a_token_is_kept_there(separator: str) -> None:
    """``str.split`` splits on these and lunr.py does not: in ASCII text as in any other."""
    docs = [[f"harbour{separator}quay", f"ferry{separator}timetable dock"], ["harbour", "quay"]]
    fields = [IndexField("title", 10), IndexField("body")]
    stock = reference(ref="id", fields=[{"field_name": "title", "boost": 10}, "body"],
                 documents=[{"id": str(i), "title": t, "body": b} for i, (t, b) in enumerate(docs)])
    got = serialize_whole(build_index(fields, docs))
    assert dict(map(tuple, got["invertedIndex"])) == dict(map(tuple, stock.serialize()["invertedIndex"]))
    assert got["fieldVectors"] == stock.serialize()["fieldVectors"]


NAMES = [f.name for f in FIELDS]


def test_counts_taken_over_from_a_previous_build_equal_counting_afresh() -> None:
    docs = [texts(d) for d in random_docs(60)]
    keys = [digest(*d) for d in docs]
    asked: list[int] = []

    def lazily(docs: list[list[str]]) -> list:
        return [lambda i=i, d=d: asked.append(i) or d for i, d in enumerate(docs)]

    first = count_documents(NAMES, lazily(docs), keys)
    assert first == count_documents(NAMES, docs) and len(asked) == 60
    asked.clear()
    assert count_documents(NAMES, lazily(docs), keys, first) == first and asked == []  # no text read again
    docs[30] = [*docs[30][:2], docs[30][2] + " vanthe zenqual", *docs[30][3:]]  # a new term, mid-corpus
    keys[30] = digest(*docs[30])
    again = count_documents(NAMES, lazily(docs), keys, first)
    assert asked == [30] and again == count_documents(NAMES, docs)
    assert serialize_whole(index_terms(FIELDS, again)) == serialize_whole(build_index(FIELDS, docs))
    two = [d[:2] for d in docs]
    assert count_documents(["title", "summary"], two, previous=again) == count_documents(["title", "summary"], two)


def test_counts_from_a_damaged_cache_file_are_not_taken_over() -> None:
    docs = [texts(d) for d in random_docs(20)]
    whole = count_documents(NAMES, docs)
    damaged = [
        {"term": whole.term[:-1]},  # cut short
        {"sizes": array("i", [-1, *whole.sizes[1:]])},
        {"tf": array("i", [0, *whole.tf[1:]])},
        {"term": array("h", whole.term[:3])},  # another width
        {"lengths": list(whole.lengths)},
        {"terms": (whole.terms[1], *whole.terms[1:])},  # a term twice
        {"term": array("i", [len(whole.terms), *whole.term[1:]])},  # a term not there
    ]
    for change in damaged:
        previous = dataclasses.replace(whole, **change)
        assert count_documents(NAMES, docs, previous=previous) == whole, change
    with pytest.raises(ValueError, match="at least one field"):
        count_documents([], docs)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_counts_after_any_edits_additions_removals_and_moves_equal_counting_afresh(data: st.DataObject) -> None:
    fields = [IndexField("title", 10), IndexField("body")]
    names = ["title", "body"]
    text = st.lists(st.sampled_from(WORDS[:8] + ("zenqual", "Vanthe-x")), max_size=6).map(" ".join)
    pool = data.draw(st.lists(st.lists(text, min_size=2, max_size=2), min_size=1, max_size=8))
    picks = st.lists(st.integers(0, len(pool) - 1), max_size=8)  # repeats too: equal documents share a key
    before, after = ([pool[i] for i in data.draw(picks)] for _ in range(2))
    taken_over = count_documents(names, after, previous=count_documents(names, before))
    assert taken_over == count_documents(names, after)
    assert serialize_whole(index_terms(fields, taken_over)) == serialize_whole(build_index(fields, after))


@pytest.mark.parametrize(("asked", "used"), [(None, "False"), ("1", "True")])
def test_numpy_asks_for_no_huge_pages_unless_told_to(asked: str | None, used: str) -> None:
    """numpy's madvise of huge pages had the kernel compact memory at the index build's
    page faults (~0.25 s of system time in an edit at 10k articles); a set variable stands."""
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if asked is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = asked
    code = "import sitegen.lunrindex, numpy; print((getattr(numpy, '_core', None) or numpy.core).multiarray._get_madvise_hugepage())"
    found = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == used


def test_results_dates_follow_the_catalog_even_from_the_cache(tmp_path: Path) -> None:
    """The metadata writes each date as the site's pages do; a new date pattern (or language)
    makes the index again rather than taking the cached one, whose texts are the same."""
    from bench.corpus import generate
    from sitegen.build import Options, build

    root = tmp_path / "archive"
    generate(root, 12, seed=5)

    def days() -> dict[str, str]:
        (manifest,) = (root / "public" / "search").glob("manifest-*.json")
        chunks = json.loads(manifest.read_text())["meta"]
        return {r[2]: r[7] for c in chunks for r in json.loads((root / "public" / "search" / f"meta-{c}.json").read_text())}

    build(Options(root=root, out=root / "public"))
    written = days()
    assert all(day == f"{int(iso[8:])} {MONTHS[int(iso[5:7]) - 1]} {iso[:4]}" for iso, day in written.items())
    (root / "translations").mkdir()
    (root / "translations" / "en.toml").write_text('date_day = "MMMM d, y"\n', "utf-8")
    build(Options(root=root, out=root / "public"))
    assert days() == {iso: f"{MONTHS[int(iso[5:7]) - 1]} {int(iso[8:])}, {iso[:4]}" for iso in written}


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

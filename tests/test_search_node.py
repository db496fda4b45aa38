"""lunr.js under node answers from the split parts exactly as from one monolithic index.

The parts are merged by the search worker's own Engine (themes/default/static/
search-worker.js); the monolithic index is sitegen's byte-for-byte copy of lunr.py's.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from lunr.index import Index
from lunr.stemmer import porter_stemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS
from lunr.token import Token

from sitegen.lunrindex import build_index, serialize_whole
from sitegen.search import FIELDS, SearchDoc, build_search, field_texts
from sitegen.termcounts import possessive
from sitegen.translation import english

ROOT = Path(__file__).resolve().parent.parent
from bench.search_bench import corpus_docs

pytestmark = pytest.mark.node
if shutil.which("node") is None:  # make test installs it: missing is a failure, never a skip
    pytest.fail("node is not installed", pytrace=False)
JS = Path(__file__).parent / "js"


def node(script: str, *args: str, stdin: str = "", max_bytes: int | None = None) -> dict:
    # The worker words its messages with the theme's texts, as the page sends them: English here.
    env = {**os.environ, "SEARCH_TEXTS": english().for_script("search_js_")}
    if max_bytes:
        env["SEARCH_MAX_BYTES"] = str(max_bytes)
    run = subprocess.run(["node", str(JS / script), *args], input=stdin, capture_output=True,
                         text=True, timeout=120, check=False, env=env)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[SearchDoc], Path, Path]:
    return write_build(tmp_path_factory.mktemp("search"), corpus_docs(300), 12_000)


def write_build(root: Path, docs: list[SearchDoc], part_bytes: int) -> tuple:
    out = build_search(docs, part_bytes=part_bytes)
    for rel, data in out.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    whole = root / "whole.json"
    whole.write_text(json.dumps(serialize_whole(build_index(FIELDS, [field_texts(d) for d in docs]))))
    return docs, root / out.manifest_url.lstrip("/"), whole


def query_set(docs: list[SearchDoc]) -> list[str]:
    """Single terms of every frequency, prefixes, fields, +must -not, multi-term, boosts."""
    # dict.fromkeys, not set: the order (and so the ties in most_common) must not vary by run.
    counts = Counter(w for d in docs for w in dict.fromkeys(re.findall(r"[a-z]{4,}", d.body.lower())))
    ranked = [w for w, _ in counts.most_common() if w not in STOP_WORDS]
    words = [ranked[i] for i in (0, 3, 10, 40, 150, 600, len(ranked) // 2, len(ranked) - 1)]
    person = docs[5].people[0].split()[-1].lower()
    tag = docs[9].tags[0].split()[0].lower()
    outlet = docs[2].source.split()[-1].lower()
    titled = next(w for w in docs[7].title.lower().split() if w not in STOP_WORDS)
    return [
        *words,
        f"{words[1][:3]}*", f"{words[4][:4]}*", f"{words[5][:2]}*{porter_stemmer.stem(words[5])[-1]}",
        f"people:{person}", f"tags:{tag}", f"source:{outlet}", f"title:{titled}",
        f"+{words[2]} -{words[3]}", f"+{words[2]} +{words[4]}", f"{words[1]} {words[5]} {words[6]}",
        f"-{words[0]}", f"{words[2]}^5 {words[3]}", f"{person} {words[7]}",
        f'"{words[2]} {words[3]}"', f"{words[2]} {words[3]}", "absentword", "+absentword " + words[1],
    ]


def ranked(rows: list, n: int | None = None) -> list:
    return [(ref, round(score, 9)) for ref, score in rows[:n]]


def test_parts_rank_exactly_as_the_whole_index(built) -> None:
    docs, manifest, whole = built
    assert len(json.loads(manifest.read_text())["parts"]) > 20
    queries = query_set(docs)
    answers = node("compare.js", str(manifest), str(whole), stdin=json.dumps(queries))
    multi_part = 0
    for q in queries:
        row = answers[q]
        assert isinstance(row["split"], list), (q, row["split"])
        if q.startswith('"'):  # the page drops quotes before lunr sees the query
            row = {**row, "whole": answers[q.strip('"')]["whole"]}
        # The whole result list (not just the top 10): same refs, same scores, same order.
        assert ranked(row["split"]) == ranked(row["whole"]), q
        multi_part += row["parts"] > 1
    assert multi_part >= 5
    empty = [q for q in queries if not answers[q]["whole"] and '"' not in q]
    assert empty == ["absentword", "+absentword " + queries[1]]


def test_lunr_js_finds_what_lunr_py_finds(built) -> None:
    docs, manifest, whole_path = built
    whole = Index.load(json.loads(whole_path.read_text()))
    queries = [q for q in query_set(docs) if '"' not in q and "~" not in q]
    answers = node("compare.js", str(manifest), str(whole_path), stdin=json.dumps(queries))
    for q in queries:
        py = {r["ref"]: round(r["score"], 6) for r in whole.search(q)}
        js = {ref: round(score, 6) for ref, score in answers[q]["split"]}
        assert js == py, q


def test_fuzzy_and_leading_wildcards_load_every_part_of_a_small_index(tmp_path: Path) -> None:
    docs = corpus_docs(120)
    _, manifest, whole = write_build(tmp_path, docs, 100_000)
    parts = len(json.loads(manifest.read_text())["parts"])
    assert parts > 1 and json.loads(manifest.read_text())["indexBytes"] <= 10e6  # the page's budget
    queries = [w + "~1" for w in query_set(docs)[2:5]] + ["*ou", "*a*"]
    answers = node("compare.js", str(manifest), str(whole), stdin=json.dumps(queries))
    for q in queries:
        assert answers[q]["parts"] == parts, q
        assert answers[q]["whole"], q
        assert ranked(answers[q]["split"]) == ranked(answers[q]["whole"]), q


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("+", "search term is missing"),
        ("-", "search term is missing"),
        ("title:", "search term is missing"),
        ('"unbalanced', "unbalanced quote"),
        ("word^x", "boost"),
    ],
)
def test_unparseable_queries_give_a_message(built, query: str, message: str) -> None:
    _, manifest, whole = built
    answers = node("compare.js", str(manifest), str(whole), stdin=json.dumps([query]))
    split = answers[query]["split"]
    assert split["error"] == "SearchError"
    assert message in split["message"]


def test_a_typo_is_offered_a_retry_the_index_can_afford(built) -> None:
    """Nothing found for plain words: the same words ~1 when the whole index is within the
    page's budget (so is a ~ query), else their beginnings; past it ~ is refused, saying why."""
    docs, manifest, whole_path = built
    whole = Index.load(json.loads(whole_path.read_text()))
    name = docs[5].people[0].split()[-1].lower()
    typo = name + "q"
    got = node("facets.js", str(manifest), typo, json.dumps({}))
    assert got["total"] == 0 and got["retry"]["text"] == typo + "~1"
    assert re.fullmatch(r"\d+ KB|\d+\.\d MB", got["retry"]["weight"])
    again = node("facets.js", str(manifest), got["retry"]["text"], json.dumps({}))
    assert set(again["refs"]) == refs(whole, typo + "~1") >= refs(whole, name) != set()
    # Not for words that were found, nor for fields, operators or a word too common to search.
    for query in (name, f"people:{typo}", f"+{typo}", f"{typo}~2", f"{typo}*", "the", f"{typo}^3"):
        assert node("facets.js", str(manifest), query, json.dumps({}))["retry"] is None, query
    size = json.loads(manifest.read_text())["indexBytes"]
    got = node("facets.js", str(manifest), typo, json.dumps({}), max_bytes=size - 1)
    assert got["retry"] == {"text": typo[: max(3, -(-len(typo) // 2))] + "*"}
    for query in (typo + "~1", "*" + name[2:]):
        answer = node("compare.js", str(manifest), str(whole_path), stdin=json.dumps([query]), max_bytes=size - 1)
        assert answer[query]["split"]["error"] == "SearchError", query
        assert "too much of the index (about " in answer[query]["split"]["message"], query
        assert "a ~ or a leading * searches all of it" in answer[query]["split"]["message"], query


def refs(whole: Index, query: str) -> set[int]:
    return {int(r["ref"]) for r in whole.search(query)}


def test_stop_words_are_named_rather_than_silently_not_found(built) -> None:
    """lunr drops stop words from the index, so "US" can never match: the reader is told,
    from lunr.js's own stopWordFilter, and the other words are searched as before."""
    docs, manifest, whole_path = built
    whole = Index.load(json.loads(whole_path.read_text()))
    assert {"us", "who", "may", "will", "said", "the"} <= set(STOP_WORDS)
    got = node("facets.js", str(manifest), "US", json.dumps({}))
    assert got["total"] == 0
    assert got["notice"] == '"US" is too common a word to search for on its own; add another word.'
    got = node("facets.js", str(manifest), "the Who", json.dumps({}))
    assert got["notice"] == '"the", "Who" are too common to search for on their own; add another word.'
    word = docs[5].people[0].split()[-1].lower()
    got = node("facets.js", str(manifest), f"US {word} said", json.dumps({}))
    assert got["notice"] is None and got["total"] == len(refs(whole, word)) > 0
    assert got["notes"] == ['Left out as too common to search for: "US", "said".']
    # "+" cannot require a word the index leaves out: said so, not "left out".
    got = node("facets.js", str(manifest), f"+us {word}", json.dumps({}))
    assert got["total"] == 0 and got["notice"] is None
    assert got["notes"] == ['"us" is too common to search for, so + cannot require it: search without the +.']
    # Neither a prefix nor a word that merely starts like a stop word is left out, nor one
    # that lunr.js's ASCII trimmer would cut to a stop word ("ça" to "a"): the index keeps it.
    for query in ("us*", word, "ça", "ñor"):
        got = node("facets.js", str(manifest), query, json.dumps({}))
        assert got["notice"] is None and got["notes"] == [], query


def test_a_colon_is_a_field_only_after_a_field_name(built) -> None:
    """ "Ben Wallace: talks" and pasted URLs are text; people:x and Title:x are fields."""
    docs, manifest, whole_path = built
    whole = Index.load(json.loads(whole_path.read_text()))
    person = docs[5].people[0].split()[-1]
    word = next(w for w in docs[5].title.lower().split() if w.isalpha() and w not in STOP_WORDS)
    got = node("facets.js", str(manifest), f"{person}: {word}", json.dumps({}))
    assert set(got["refs"]) == refs(whole, f"{person.lower()} {word}") and got["notes"] == []
    got = node("facets.js", str(manifest), "https://news.example/2022/story", json.dumps({}))
    assert got["total"] == 0 and got["notes"] == [] and got["notice"] is None
    got = node("facets.js", str(manifest), f"Title:{word}", json.dumps({}))
    assert set(got["refs"]) == refs(whole, f"title:{word}")
    got = node("facets.js", str(manifest), f"colour:{word}", json.dumps({}))
    assert got["total"] == 0
    fields = "title, summary, body, people, tags, source, notes"
    assert got["notes"] == [f'"colour:" is not a field (use {fields}), so it was searched as text.']


def test_a_possessive_finds_the_name_and_the_name_finds_the_possessive(tmp_path: Path) -> None:
    """News names people and places in the possessive: "Quorrel's" and "(Vantree’s),"
    are indexed, and searched, as the names themselves; "o'neill" keeps its apostrophe."""
    def doc(i: int, body: str) -> SearchDoc:
        return SearchDoc(url=f"/articles/2031/01/d{i}/", title=f"Fictional report {i}", date="2031-01-02",
                         summary="", body=body, people=(), people_terms=(), tags=(), source="")

    docs = [doc(0, "Quorrel's harbour plan was read out."), doc(1, "A reply came (Vantree’s), later."),
            doc(2, "Quorrel and Vantree met O'Neill."), doc(3, "Nothing about them.")]
    _, manifest, whole_path = write_build(tmp_path, docs, 100_000)
    whole = Index.load(json.loads(whole_path.read_text()))
    for query, found in (("quorrel", {0, 2}), ("Quorrel’s", {0, 2}), ("vantree's", {1, 2}),
                         ("o'neill", {2}), ("harbour's", {0})):
        assert refs(whole, query.lower()) == found, query  # lunr.py, as the tests hold the index to
        got = node("facets.js", str(manifest), query, json.dumps({}))
        assert set(got["refs"]) == found, query  # the page, through the worker


def test_the_worker_s_possessive_is_the_index_s_for_any_word() -> None:
    """The same pattern in two regex dialects (Python's Unicode \\w, JavaScript's \\p{L}\\p{N}_):
    a query word must become the term the index made of it, or it matches nothing."""
    rng = random.Random(3)
    alphabet = "ab'’s.-,:()é\u0301ñ9_Ⅻ²ß\u00a0😀中"
    words = ["".join(rng.choices(alphabet, k=rng.randint(1, 9))) for _ in range(3000)]
    words += ["russia's", "(shoigu’s),", "o'neill.", "it's", "'s", "boss's", "u.s.", "élysée's"]
    got = json.loads(subprocess.run(["node", str(JS / "possessive.js")], input=json.dumps(words), capture_output=True,
                                    text=True, check=True).stdout)
    ours = [str(possessive(Token(w, {}))) for w in words]
    assert [(w, j) for w, j, p in zip(words, got, ours, strict=True) if j != p] == []
    assert ours[-8:] == ["russia", "shoigu", "o'neill", "it", "s", "boss", "u.s", "élysée"]
    assert [str(possessive(Token(w, {}))) for w in ("o’neill", "aujourd’hui’s")] == ["o'neill", "aujourd'hui"]


def test_quotes_are_said_to_search_separate_words(built) -> None:
    docs, manifest, whole_path = built
    whole = Index.load(json.loads(whole_path.read_text()))
    words = [w for w in docs[7].title.lower().split() if w.isalpha() and w not in STOP_WORDS][:2]
    got = node("facets.js", str(manifest), '"' + " ".join(words) + '"', json.dumps({}))
    assert set(got["refs"]) == refs(whole, " ".join(words))
    assert got["notes"] == ["Phrases are searched as separate words: quotes are ignored."]


def test_facet_counts_filters_and_highlights(built) -> None:
    docs, manifest, whole_path = built
    whole = Index.load(json.loads(whole_path.read_text()))
    person = docs[5].people[0]
    word = person.split()[-1].lower()
    all_refs = {int(r["ref"]) for r in whole.search(word)}
    got = node("facets.js", str(manifest), word, json.dumps({}))
    assert set(got["refs"]) == all_refs and got["total"] == len(all_refs)
    tags = Counter(t for r in all_refs for t in docs[r].tags)
    rows = got["facets"]["tag"]  # every tag among the results, most frequent first
    assert all(n == tags[name] and not on for name, n, on in rows)
    assert [n for _, n, _ in rows] == sorted(tags.values(), reverse=True) and len(rows) > 12
    years = Counter(docs[r].date[:4] for r in all_refs)  # newest first, whatever their counts
    assert got["facets"]["year"] == [[y, years[y], False] for y in sorted(years, reverse=True)]
    assert len(set(years.values())) > 1

    # Two facets combine (AND); counts are then over the filtered results.
    tag = docs[5].tags[0]
    year = docs[5].date[:4]
    chosen = {"person": [], "tag": [tag], "year": [year], "outlet": []}
    got = node("facets.js", str(manifest), word, json.dumps(chosen))
    expect = sorted(r for r in all_refs if tag in docs[r].tags and docs[r].date.startswith(year))
    assert sorted(got["refs"]) == expect and 5 in expect
    years = {name: (n, on) for name, n, on in got["facets"]["year"]}
    assert years == {year: (len(expect), True)}

    # The first page carries the records, with the query's words marked in the title/snippet.
    first = got["page"][0]
    doc = docs[first["ref"]]
    assert first["url"] == doc.url
    assert ["".join(text for text, _ in runs) for runs in first["people"]] == list(doc.people)
    assert [["".join(text for text, _ in runs) for runs in first["tags"]]] == [list(doc.tags)]
    assert "".join(text for text, _ in first["title"]) == doc.title
    assert any(hit for _, hit in first["source"] + first["title"] + first["snippet"]) or \
        word not in (doc.title + doc.summary + doc.source).lower()

    # Facets alone (no words) list their articles newest first; nothing found loads no facets.
    got = node("facets.js", str(manifest), "", json.dumps({**chosen, "year": []}))
    assert got["refs"] == [i for i, d in enumerate(docs) if tag in d.tags]
    got = node("facets.js", str(manifest), "absentword", json.dumps({}))
    assert got["total"] == 0 and not any(n.startswith("facets-") for n in got["loaded"])


def test_the_worker_writes_numbers_as_the_language_does():
    """Its messages' numbers ("1.234", "1 234", a narrow no-break space in French) are what
    the site's pages write, from the same CLDR data; the page's script does the same."""
    from sitegen.translation import catalog

    script = ("const w = require(process.argv[1]).worker; const [texts, lang] = JSON.parse(process.argv[2]);"
              "const text = w.wording(texts, lang);"
              "console.log(JSON.stringify([text('search_js_results', { what: 'x' }, 1234), text('search_js_size_kb', { size: 1000 })]))")
    for language in ("de", "fr", "en"):
        words = catalog(None, "default", language)[0]
        texts = json.loads(words.for_script("search_js_"))
        run = subprocess.run(["node", "-e", script, str(JS / "engine.js"), json.dumps([texts, language])],
                             capture_output=True, text=True, timeout=60, check=True)
        assert json.loads(run.stdout) == [words.text("search_js_results", count=1234, what="x"),
                                          words.text("search_js_size_kb", size=1000)], language

"""Search in the site's language: lunr.py (NLTK's stemmers) at build time and lunr.js
(lunr-languages') in the browser must make the same term of a word, or a search misses."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.localedata import load
from lunr import lunr
from lunr.pipeline import Pipeline
from lunr.token import Token

from sitegen import search
from sitegen.lunrindex import build_index, serialize_whole
from sitegen.search import (
    FIELDS,
    SearchDoc,
    SearchSetupError,
    build_search,
    field_texts,
    reading,
    vendor_files,
)
from sitegen.searchlanguage import ENGLISH, SNOWBALL, search_language, subtag
from sitegen.termcounts import count_documents, index_builder
from sitegen.translation import english

ROOT = Path(__file__).resolve().parent.parent
JS = Path(__file__).parent / "js"
LANGUAGES = ROOT / "node_modules" / "lunr-languages"


def cldr_words(code: str) -> list[str]:
    """Every word of three letters or more in CLDR's data for the language (Babel's): the
    names of languages, countries, currencies, units, months... some 2,000 real words."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif hasattr(value, "items"):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(load("nb" if code == "no" else code))
    words = {w for text in texts for w in re.findall(r"\w{3,}", text.lower()) if w.isalpha()}
    return sorted(words)


def js_terms(language, words: list[str]) -> list[list]:
    """[dropped, terms] of each word as the worker's Engine reads it, under the manifest a
    build in the language writes (its pipeline, scripts, elided words, letters)."""
    out = build_search(docs_in(["An invented text."]), language=language)
    manifest = json.loads(out.files[out.manifest_url.lstrip("/")])
    run = subprocess.run(["node", str(JS / "terms.js"), json.dumps(manifest)],
                         input=json.dumps(words), capture_output=True, text=True, timeout=120, check=True)
    return json.loads(run.stdout)


def py_terms(language, words: list[str]) -> list[list]:
    """[dropped, terms] of each word as the index's pipeline reads it: dropped as a stop word
    after the trimming, else its term through the search pipeline's functions."""
    pipeline = language.index_pipeline()  # registers the language's functions
    search_fns = [Pipeline.registered_functions[name] for name in language.search_pipeline]
    trim = [fn for fn in pipeline if fn.label == "possessive" or fn.label.startswith("elision-")]
    (stop,) = [fn for fn in pipeline if fn.label.startswith("stopWordFilter")]
    out = []
    for word in words:
        token = Token(word, {})
        for fn in search_fns:
            token = fn(token)
        trimmed = Token(word, {})
        for fn in trim:
            trimmed = fn(trimmed)
        out.append([not (trimmed and stop(trimmed)), [str(token)]])
    return out


@pytest.fixture(scope="module")
def languages():
    return {code: reading(ROOT, code) for code in SNOWBALL}


@pytest.mark.node
@pytest.mark.parametrize("code", sorted(SNOWBALL))
def test_the_browser_makes_the_build_s_term_of_nearly_every_word(languages, code: str) -> None:
    """For every word CLDR has in the language, and every stop word, the browser's stemmer
    (lunr-languages) and the build's (NLTK) agree, but for at most 1% of the words: two ports
    of one Snowball algorithm, which part on a few loanwords (Finnish "bahía") and Portuguese
    "-ução"; Russian "ё" is written "е" first on both sides, so they agree on it. Stop words
    agree exactly: both sides read one list."""
    language = languages[code]
    assert language.code == code and len(language.stop_words) > 50
    words = cldr_words(code)
    assert len(words) > 1500
    if language.elided:  # and each elided word before a word, in both apostrophes, and before nothing
        words += [f"{e}{mark}{w}" for e in language.elided for mark in "'’" for w in (words[700], "")]
    every = words + sorted(language.stop_words)
    ours, theirs = py_terms(language, every), js_terms(language, every)
    dropped = [(w, p[0], j[0]) for w, p, j in zip(every, ours, theirs, strict=True) if p[0] != j[0]]
    assert dropped == []
    ours, theirs = ours[: len(words)], theirs[: len(words)]
    differ = [(w, p[1], j[1]) for w, p, j in zip(words, ours, theirs, strict=True) if not p[0] and p[1] != j[1]]
    assert len(differ) <= len(words) // 100, differ[:20]
    assert not [d for d in differ if set(d[0]) & set(language.letters)]  # written alike first: "кёльнский" agrees
    stemmed = sum(p[1] != [w] for w, p in zip(words, ours, strict=True))
    assert stemmed > len(words) // 4  # a stemmer at work, not words passed through


@pytest.mark.node
def test_the_browser_makes_the_build_s_term_of_every_english_word() -> None:
    """lunr's English pipeline on both sides, lunr.py's stemmer mended where it parted from
    lunr.js's: a final y after a vowel ("monday" was "mondai" in the index, "monday" in the
    browser, so no search found it)."""
    words = cldr_words("en") + ["survey", "money", "key", "attorney", "journey", "play", "says", "obeyed", "cry", "try"]
    ours, theirs = py_terms(ENGLISH, words), js_terms(ENGLISH, words)
    assert [(w, p, j) for w, p, j in zip(words, ours, theirs, strict=True) if p != j] == []
    assert {"monday", "norway", "paraguay", "sunday"} <= set(words)
    assert ENGLISH.search_pipeline == ("possessive", "stemmer") and ENGLISH.scripts == ()


def test_a_site_s_language_tag_picks_its_stemmer() -> None:
    assert [subtag(t) for t in ("de", "de-AT", "pt-BR", "nb", "nn-NO", "EN-gb")] == ["de", "de", "pt", "no", "no", "en"]
    assert reading(ROOT, "de-CH").code == "de"
    assert reading(ROOT, "pl") == ENGLISH and reading(ROOT, "ja") == ENGLISH and reading(ROOT, "en-GB") == ENGLISH
    fr = reading(ROOT, "fr")
    assert fr.search_pipeline == ("possessive", "elision-fr", "accentFold-fr", "stemmer-fr")
    assert {"le", "la", "été", "à"} <= fr.stop_words


def test_stop_words_come_from_the_script_the_page_loads(tmp_path: Path) -> None:
    (tmp_path / "min").mkdir()
    (tmp_path / "min" / "lunr.de.min.js").write_text('x.stopWordFilter=x.generateStopWordFilter("aber alle über".split(" "))')
    assert search_language("de", tmp_path).stop_words == frozenset({"aber", "alle", "über"})
    (tmp_path / "min" / "lunr.de.min.js").write_text("/* changed */")
    with pytest.raises(ValueError, match="no stop words"):
        search_language("de", tmp_path)


def test_a_missing_lunr_languages_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SearchSetupError, match=r"lunr-languages not found .*npm install lunr-languages@1\.22\.0"):
        reading(tmp_path, "de", sitegen_root=tmp_path)
    assert reading(tmp_path, "en", sitegen_root=tmp_path) == ENGLISH  # English needs none


def test_a_site_in_another_language_without_nltk_is_a_clear_error(tmp_path: Path, monkeypatch, capsys) -> None:
    """An install from before NLTK was a dependency: said before any work, no traceback."""
    from sitegen.cli import main

    monkeypatch.setitem(sys.modules, "nltk", None)  # as if not installed
    with pytest.raises(SearchSetupError, match=r"needs NLTK's stemmers: run `make install`"):
        reading(ROOT, "de")
    assert reading(ROOT, "en") == ENGLISH
    root = tmp_path / "archive"
    shutil.copytree(Path(__file__).parent / "fixtures" / "archive", root)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as config:
        config.write('language = "de"\n')
    assert main(["build", "-s", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "needs NLTK's stemmers" in err and "Traceback" not in err and not (root / "public").exists()


def test_the_output_carries_the_language_s_scripts(languages) -> None:
    files = vendor_files(ROOT, language=languages["de"])
    assert sorted(files) == [f"static/vendor/{n}" for n in ("lunr.de.min.js", "lunr.min.js", "lunr.stemmer.support.min.js")]
    assert b"stemmer-de" in files["static/vendor/lunr.de.min.js"]
    assert all(search.index_file(rel) for rel in files)
    assert list(vendor_files(ROOT)) == ["static/vendor/lunr.min.js"]


def docs_in(texts: list[str]) -> list[SearchDoc]:
    return [SearchDoc(url=f"/a/{i}/", title=t.split(".")[0], date="2031-01-01", summary="", body=t, people=(),
                      people_terms=(), tags=(), source="") for i, t in enumerate(texts)]


# Fictional sentences, one per document.
GERMAN = [
    "Die Verhandlungen über den Fischereivertrag der Inselstaaten wurden vertagt.",
    "Der Ausschuss verhandelte lange; die Regierungen schwiegen.",
    "Eine Regierung der Küstenländer kündigte Zölle auf Trockenfisch an.",
]


def test_a_german_index_is_lunr_py_s_own_with_its_german_pipeline(languages) -> None:
    """Byte for byte what lunr.py's builder makes with the same pipeline (stop words,
    NLTK's German stemmer), as the English index is."""
    de = languages["de"]
    docs = docs_in(GERMAN)
    ours = serialize_whole(build_index(FIELDS, [field_texts(d) for d in docs], language=de))
    theirs = lunr(ref="id", fields=[{"field_name": f.name, "boost": f.boost} for f in FIELDS],
                  documents=[{"id": str(i), **dict(zip((f.name for f in FIELDS), field_texts(d), strict=True))}
                             for i, d in enumerate(docs)], builder=index_builder(de)).serialize()
    assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True)
    assert ours["pipeline"] == ["possessive", "stemmer-de"]
    terms = {t for t, _ in ours["invertedIndex"]}
    assert {"verhandl", "regier"} <= terms and not {"die", "der", "über"} & terms


def test_counts_in_another_language_are_counted_again(languages) -> None:
    """A site whose language changes does not keep the terms the last build made."""
    docs = [field_texts(d) for d in docs_in(GERMAN)]
    names = [f.name for f in FIELDS]
    english = count_documents(names, docs)
    german = count_documents(names, docs, previous=english, language=languages["de"])
    assert german == count_documents(names, docs, language=languages["de"]) and german.terms != english.terms
    assert german.language == languages["de"] and english.language == ENGLISH


def searching(tmp_path: Path, texts: list[str], language):
    """The worker's answer to a query (under node, through its Engine, over the written parts
    of an index of ``texts``, one document each), and the manifest."""
    out = build_search(docs_in(texts), language=language)
    for rel, data in out.files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    manifest = tmp_path / out.manifest_url.lstrip("/")
    env = {**os.environ, "SEARCH_TEXTS": english().for_script("search_js_")}  # as the page sends them

    def answer(query: str) -> dict:
        run = subprocess.run(["node", str(JS / "facets.js"), str(manifest), query, "{}"], capture_output=True,
                             text=True, timeout=120, check=True, env=env)
        return json.loads(run.stdout)

    return answer, json.loads(manifest.read_text())


def refs(found: dict) -> set[int]:
    return {int(r) for r in found["refs"]}


def marked(found: dict, ref: int | None = None) -> list[str]:
    """The words marked in the title of the first result, or of result ``ref``."""
    (shown,) = [r for r in found["page"] if ref is None or int(r["ref"]) == ref][:1]
    return [text for text, hit in shown["title"] if hit]


@pytest.mark.node
def test_a_german_search_finds_other_forms_of_the_word(tmp_path: Path, languages) -> None:
    """"Regierung" finds "Regierungen", "Verhandlung" finds "Verhandlungen" (marked in the
    title), and "Fischereiverträge" and "Zoll" (German folds the umlaut) "Fischereivertrag"
    and "Zölle"; "über" is a stop word, and said to be one."""
    answer, manifest = searching(tmp_path, GERMAN, languages["de"])
    assert manifest["scripts"] == ["lunr.stemmer.support.min.js", "lunr.de.min.js"]
    for query, expected in (("Regierung", {1, 2}), ("Verhandlung", {0}), ("Fischereiverträge", {0}), ("Zoll", {2}),
                            ("Kartoffel", set())):
        assert refs(answer(query)) == expected, query
    assert marked(answer("Verhandlung")) == ["Verhandlungen"]
    stop = answer("über")
    assert stop["refs"] == [] and "über" in stop["notice"]


# Fictional sentences, one per document.
FRENCH = [
    "Les négociations de l'Union des archipels imaginaires reprennent.",
    "Le ministre a dit qu’il négocierait jusqu'à l'automne.",
    "Aujourd’hui, les élèves de l'école ont voté.",
]


@pytest.mark.node
def test_a_french_search_finds_a_word_written_elided_and_without_accents(tmp_path: Path, languages) -> None:
    """"union" finds "l'Union", "automne" "l'automne", "eleves" (no accents) "élèves";
    "aujourd'hui" stays one word, typed apostrophe or typographic; "qu'il" is a stop word
    once elided, and said to be one."""
    answer, _ = searching(tmp_path, FRENCH, languages["fr"])
    for query, expected in (("union", {0}), ("Automne", {1}), ("eleves", {2}), ("aujourd'hui", {2}),
                            ("aujourd’hui", {2}), ("négocier", {0, 1}), ("négoci*", {0, 1})):
        assert refs(answer(query)) == expected, query
    assert marked(answer("union")) == ["l'Union"]
    stop = answer("qu'il")
    assert stop["refs"] == [] and "qu'il" in stop["notice"]


# Invented names, one sentence per document.
RUSSIAN = ["Горбачёв и Семёнов встретились в Кёльне.", "Горбачев прибыл вечером."]


@pytest.mark.node
def test_a_russian_search_finds_a_word_with_or_without_yo(tmp_path: Path, languages) -> None:
    """ё and е are one letter to the index (NLTK's stemmer reads them so): a query typed
    either way, a prefix too, finds both spellings, and the word is marked as written."""
    answer, manifest = searching(tmp_path, RUSSIAN, languages["ru"])
    assert manifest["letters"] == {"ё": "е"}
    for query in ("Горбачёв", "горбачев", "ГОРБАЧЁВ"):
        assert refs(answer(query)) == {0, 1}, query
    for query in ("Семёнов", "Семенов", "Сёме*", "КЁЛЬН~1"):  # a prefix and a fuzzy term skip the pipeline
        assert refs(answer(query)) == {0}, query
    assert marked(answer("Горбачев"), ref=0) == ["Горбачёв"]


@pytest.mark.node
@pytest.mark.parametrize("code", ["de", "fr"])
def test_the_help_s_example_queries_find_what_they_show(tmp_path: Path, languages, code: str) -> None:
    """Each example the help gives, asked of an index of its own words: the forms find each
    other and the prefix finds them, "+A -B" finds a text with A but not one with B as well."""
    from sitegen.translation import catalog

    texts = catalog(None, "default", code)[0].texts
    forms = str(texts["search_example_forms"]).split()
    must, must_not = (w.lstrip("+-") for w in str(texts["search_example_must"]).split())
    answer, _ = searching(tmp_path, [*forms, f"{must}.", f"{must} {must_not}."], languages[code])
    assert refs(answer(forms[0])) >= {0, 1, 2}
    assert refs(answer(str(texts["search_example_prefix"]))) >= {0, 1, 2}
    found = refs(answer(str(texts["search_example_must"])))
    assert 3 in found and 4 not in found


def test_an_english_site_never_imports_nltk() -> None:
    """lunr.py would import NLTK (~0.27 s) the moment sitegen imports lunr."""
    code = ("import sys, sitegen.search, sitegen.build; from sitegen.searchlanguage import ENGLISH;"
            "ENGLISH.index_pipeline(); print('nltk' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


@pytest.mark.parametrize("code", ["en", "de", "fr"])
def test_the_help_s_examples_do_what_it_says_in_each_shipped_language(code: str) -> None:
    """Its first form finds the other two (they make one term), and its common words are
    stop words, under the language's own pipeline."""
    from sitegen.translation import catalog

    texts = catalog(None, "default", code)[0].texts
    language = reading(ROOT, code)
    forms, common = str(texts["search_example_forms"]).split(), str(texts["search_example_common"]).split()
    terms = [py_terms(language, [w.lower()])[0] for w in forms]
    assert len(forms) == 3 and all(t == terms[0] and not t[0] for t in terms), list(zip(forms, terms, strict=True))
    assert all(py_terms(language, [w])[0][0] for w in common), common

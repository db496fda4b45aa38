"""The words search finds, in the site's language: lunr.py's pipeline for the index, and the
names of the functions lunr.js runs a query's words through. Both sides must reduce a word
to the same term, or a search for it finds nothing.

English is lunr's own (its stemmer and stop words). Thirteen other languages are stemmed at
build time by NLTK's Snowball stemmers (lunr.py's own ``stemmer-<language>``) and in the
browser by lunr-languages' (registered under the same names), with lunr-languages' stop words
on both sides, read from the very script the search page loads. The two stemmers are two
ports of one algorithm: the tests hold them to the same term for at least 99% of the words
CLDR has in each language. French folds accents before stemming, as lunr-languages' French
pipeline does, so "eleve" finds "élève". sitegen adds steps of its own on both sides, made by
the worker from the manifest: French and Italian take an elided word off ("l'Union" is found
by union), Russian writes ё as е (NLTK's stemmer does; lunr-languages' does not). Any other
language is searched as English.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SNOWBALL = {  # language subtag -> NLTK's name for its stemmer; lunr-languages has each
    "da": "danish", "de": "german", "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian",
    "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sv": "swedish",
}
# Letters a language writes either way, which NLTK's stemmer reads as one and lunr-languages'
# apart ("кёльнский" and "кельнский"): both pipelines write them alike first ("letters-ru").
SPELLED_ALIKE = {"ru": {"ё": "е"}}
_SUBTAG = {"nb": "no", "nn": "no"}  # Norwegian's written forms, stemmed as Norwegian
FOLDS_ACCENTS = frozenset({"fr"})  # as lunr-languages' own pipeline for the language
# Words written elided before a vowel ("l'Union", "dell'Europa"): the word after the
# apostrophe is the one searched for. lunr-languages has no such step; the worker has this
# one, under the same name ("elision-fr").
ELIDED = {
    "fr": ("c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu"),
    "it": ("l", "d", "c", "s", "m", "t", "v", "n", "un", "all", "dall", "dell", "nell", "sull", "coll", "quell", "quest",
           "bell", "sant", "tutt", "anch", "nessun", "ciascun", "buon"),
}
VENDOR = "static/vendor"  # where the page's scripts go in the output, lunr.js's beside them
SUPPORT_SCRIPT = "lunr.stemmer.support.min.js"
_STOP_WORDS = re.compile(r"""generateStopWordFilter\((["'])(.*?)\1\.split\(\1 \1\)\)""", re.DOTALL)
# lunr-languages' accentFoldTerm for French, character for character
_FOLD = str.maketrans({
    **dict.fromkeys("àáâäÀÁÂÄ", "a"), **dict.fromkeys("çÇ", "c"), **dict.fromkeys("éèêëÉÈÊË", "e"),
    **dict.fromkeys("îïÎÏ", "i"), **dict.fromkeys("ôöÔÖ", "o"), **dict.fromkeys("ùûüÙÛÜ", "u"),
    **dict.fromkeys("Ÿÿ", "y"), **dict.fromkeys("æÆ", "ae"), **dict.fromkeys("œŒ", "oe"),
})


@dataclass(frozen=True)
class SearchLanguage:
    """How the index reads words: ``code`` "en" is lunr's English; another is one of
    ``SNOWBALL``, with lunr-languages' stop words for it."""

    code: str = "en"
    stop_words: frozenset[str] = frozenset()

    @property
    def search_pipeline(self) -> tuple[str, ...]:
        """The names lunr.js runs a query's words through (the index's ``pipeline``)."""
        if self.code == "en":
            return ("possessive", "stemmer")
        elision = ("elision-" + self.code,) if self.code in ELIDED else ()
        fold = ("accentFold-" + self.code,) if self.code in FOLDS_ACCENTS else ()
        letters = ("letters-" + self.code,) if self.code in SPELLED_ALIKE else ()
        return ("possessive", *elision, *fold, *letters, "stemmer-" + self.code)

    @property
    def elided(self) -> tuple[str, ...]:
        """The words written elided before a vowel that its ``elision`` step takes off."""
        return ELIDED.get(self.code, ())

    @property
    def letters(self) -> dict[str, str]:
        """Letters its ``letters`` step writes as others (``SPELLED_ALIKE``)."""
        return dict(SPELLED_ALIKE.get(self.code, {}))

    @property
    def scripts(self) -> tuple[str, ...]:
        """lunr-languages' scripts the search page's worker loads, after lunr.js."""
        return () if self.code == "en" else (SUPPORT_SCRIPT, f"lunr.{self.code}.min.js")

    def index_pipeline(self) -> tuple[Callable, ...]:
        """lunr.py's functions, in order, that make a raw token (lowercased) a term, or drop it."""
        return _pipeline(self)


ENGLISH = SearchLanguage()


def subtag(language: str) -> str:
    """The language a BCP 47 tag names, as ``SNOWBALL`` knows it: "pt-BR" -> "pt"."""
    code = language.split("-")[0].lower()
    return _SUBTAG.get(code, code)


def stemmed(language: str) -> str:
    """The language search reads a site in ``language`` in: one of ``SNOWBALL``, else "en"."""
    code = subtag(language)
    return code if code in SNOWBALL else "en"


@dataclass(frozen=True)
class HelpExamples:
    """What the search help's examples (the catalog's ``search_example_*``) are to a page."""

    language: str  # the examples' own: the catalog's, or "en" where they are its English texts
    forms: bool  # whether "talks also finds talk": only where search reads the examples' language


def help_examples(site_language: str, catalog_language: str, english_keys: frozenset[str]) -> HelpExamples:
    """A Spanish site without Spanish examples shows the English ones, marked English, but
    not the claim that one form finds the others: Spanish stemming does not make it true."""
    written = "en" if "search_example_forms" in english_keys else catalog_language
    return HelpExamples(written, subtag(written) == stemmed(site_language))


def search_language(code: str, package: Path) -> SearchLanguage:
    """The reading of language ``code`` (one of ``SNOWBALL``); ``package``: lunr-languages'
    folder, whose script for the language gives its stop words."""
    script = (package / "min" / f"lunr.{code}.min.js").read_text("utf-8")
    found = _STOP_WORDS.search(script)
    if found is None:
        raise ValueError(f"{package}/min/lunr.{code}.min.js: no stop words found")
    return SearchLanguage(code, frozenset(found.group(2).split(" ")))


def elision(code: str) -> Callable:
    """"l'union" and "qu’il" as "union" and "il" (``ELIDED``), "aujourd'hui" as it is."""
    found = re.compile(rf"(?:{'|'.join(ELIDED[code])})['’](?=.)", re.IGNORECASE)

    def strip(text: str, metadata: object = None) -> str:
        elided = found.match(text)
        return text[elided.end() :] if elided else text

    def elide(token, i=None, tokens=None):
        return token.update(strip)

    return elide


def spelled_alike(code: str) -> Callable:
    """"кёльн" as "кельн" (``SPELLED_ALIKE``)."""
    table = str.maketrans(SPELLED_ALIKE[code])

    def write_alike(token, i=None, tokens=None):
        return token.update(lambda text, metadata=None: text.translate(table))

    return write_alike


def fold_accents(token, i=None, tokens=None):
    """"élève" as "eleve": lunr-languages' French accent folding."""
    return token.update(lambda text, metadata=None: text.translate(_FOLD))


@functools.cache
def _pipeline(language: SearchLanguage) -> tuple[Callable, ...]:
    from lunr.stop_word_filter import stop_word_filter
    from lunr.trimmer import trimmer

    from sitegen.termcounts import possessive

    if language.code == "en":
        return (trimmer, possessive, stop_word_filter, english_stemmer())
    from lunr.languages.stemmer import get_language_stemmer, nltk_stemmer

    code, stop_words = language.code, language.stop_words

    def stop(token, i=None, tokens=None):
        return token if token and str(token) not in stop_words else None

    stop.label = "stopWordFilter-" + code  # type: ignore[attr-defined]  # never serialised: a build's own
    stem = _registered("stemmer-" + code, functools.partial(nltk_stemmer, get_language_stemmer(code)))
    elide = (_registered("elision-" + code, elision(code)),) if code in ELIDED else ()
    fold = (_registered("accentFold-" + code, fold_accents),) if code in FOLDS_ACCENTS else ()
    letters = (_registered("letters-" + code, spelled_alike(code)),) if code in SPELLED_ALIKE else ()
    return (trimmer, possessive, *elide, stop, *fold, *letters, stem)


@functools.cache
def english_stemmer() -> Callable:
    """lunr.py's Porter stemmer as lunr.js 2.3.9 stems, in lunr.py's registry as "stemmer".

    lunr.py turns a final y into i after any vowel in the word ("monday" -> "mondai"), the
    Porter rule lunr.js left in 2014 for Porter2's: after a consonant that is not the first
    letter ("cry" -> "cri", "say" -> "say"). The index had "mondai" where lunr.js looks a
    query's "monday" up as "monday": no search found Monday, Norway, money, key or survey.
    """
    from lunr.pipeline import Pipeline
    from lunr.stemmer import PorterStemmer

    class LunrJsStemmer(PorterStemmer):
        def step1c(self) -> None:
            if self.ends("y") and self.k - self.k0 >= 2 and self.b[self.k - 1] not in "aeiou":
                self.b = self.b[: self.k] + "i" + self.b[self.k + 1 :]

    porter = LunrJsStemmer()

    def stemmer(token, i=None, tokens=None):
        return token.update(porter.stem)

    stemmer.label = "stemmer"  # type: ignore[attr-defined]
    Pipeline.registered_functions["stemmer"] = stemmer  # lunr.py's own warns on stderr when replaced
    return stemmer


def _registered(label: str, fn: Callable) -> Callable:
    """``fn``, or what lunr.py registered under ``label`` before (it does the same), for
    lunr.py to find by name when it loads an index."""
    from lunr.pipeline import Pipeline

    fn.label = label  # type: ignore[attr-defined]
    return Pipeline.registered_functions.setdefault(label, fn)


def without_nltk_at_import() -> None:
    """lunr.py imports NLTK, when installed, the moment any of lunr is imported, to register a
    stemmer for every language it knows (~0.27 s here): an English site never needs one, and
    another language's stemmer is registered when its index is made (``_pipeline``)."""
    if "lunr" in sys.modules or "nltk" in sys.modules:
        return
    sys.modules["nltk"] = None  # type: ignore[assignment]  # `import nltk` raises ImportError
    try:
        import lunr.languages  # noqa: F401
    finally:
        del sys.modules["nltk"]

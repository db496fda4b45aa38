"""sitegen: a static site generator for annotated news archives."""

from sitegen.searchlanguage import without_nltk_at_import

__version__ = "0.1.0"

without_nltk_at_import()  # before anything imports lunr

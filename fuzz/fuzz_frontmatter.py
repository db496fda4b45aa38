"""atheris target: article and person front matter from arbitrary bytes.

Run: ``python fuzz/fuzz_frontmatter.py CORPUS fuzz/seeds/frontmatter -max_total_time=60``.
Any exception is a finding: bad input must come back as Problems, never a traceback.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from sitegen.content import parse_article, parse_person
    from sitegen.errors import Problem
    from sitegen.model import ArticleFile, PersonFile

PATH = "content/articles/2030/01/fuzzed.md"
PERSON_PATH = "content/people/fuzzed.md"


def test_one_input(data: bytes) -> None:
    """Both parsers, on the bytes as given and with a front-matter fence in front."""
    for text in (data, b"---\n" + data):
        article = parse_article(PATH, text)
        if not isinstance(article, ArticleFile):
            assert article and all(isinstance(p, Problem) and p.path == PATH for p in article), article
        person = parse_person(PERSON_PATH, text)
        if not isinstance(person, PersonFile):
            assert person and all(isinstance(p, Problem) and p.path == PERSON_PATH for p in person), person


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

"""Outside input never crashes the parsers: hypothesis properties, and the atheris targets in
fuzz/ run for a bounded time.

The front-matter parser (``sitegen.content.parse_article`` / ``parse_person``) must return a
value or a list of Problems that name the file and a line inside it, never raise; the record
importer (``sitegen.record.decode_record`` + ``parse_record``) must return a Record or a
RecordError, never raise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.content import parse_article, parse_person
from sitegen.errors import Problem
from sitegen.model import ArticleFile, PersonFile
from sitegen.record import Record, RecordError, decode_record, parse_record
from sitegen.schema import ANNOTATION_FIELDS, ARTICLE_FIELDS, PERSON_FIELDS

REPO = Path(__file__).resolve().parent.parent
FUZZ = REPO / "fuzz"
FUZZ_SECONDS = int(os.environ.get("SITEGEN_FUZZ_SECONDS", "15"))
PATH = "content/articles/2030/01/fictional.md"
PERSON_PATH = "content/people/fictional-person.md"

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
    | st.sampled_from(["2030-01-01", "2030-13-45", "https://example.org/x", "javascript:x", "", " ", "~", "null",
                       "2030-01-01T25:61:00+99:00", "0x1F", ".inf", "=", "<<", "---", "..."])
)  # fmt: skip
values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4), max_leaves=12)
annotation = st.dictionaries(st.sampled_from([f.name for f in ANNOTATION_FIELDS] + ["x"]), values, max_size=8)
article_data = st.dictionaries(
    st.sampled_from([f.name for f in ARTICLE_FIELDS] + ["unknown", ""]),
    values | st.lists(annotation, max_size=3),
    max_size=12,
)
person_data = st.dictionaries(st.sampled_from([f.name for f in PERSON_FIELDS] + ["x"]), values, max_size=6)


def check_problems(result: object, path: str, text: bytes, kind: type) -> None:
    """A value of ``kind``, or Problems that each name this file and a line that exists."""
    if isinstance(result, kind):
        return
    assert isinstance(result, list) and result, f"neither {kind.__name__} nor problems: {result!r}"
    lines = len(text.decode("utf-8", "replace").splitlines()) + 1  # YAML also breaks lines at NEL, LS, PS
    for p in result:
        assert isinstance(p, Problem)
        assert p.path == path and p.message
        assert 0 <= p.line <= lines, f"line {p.line} of a {lines}-line file: {p}"
        assert str(p).startswith(f"{path}:{p.line}:"), str(p)


def front_matter(data: dict, body: str) -> bytes:
    return ("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body).encode("utf-8", "surrogatepass")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_data, st.text(max_size=200))
def test_any_article_front_matter_gives_an_article_or_located_problems(data: dict, body: str) -> None:
    text = front_matter(data, body)
    check_problems(parse_article(PATH, text), PATH, text, ArticleFile)


@settings(max_examples=200, deadline=None)
@given(person_data, st.text(max_size=100))
def test_any_person_front_matter_gives_a_person_or_located_problems(data: dict, body: str) -> None:
    text = front_matter(data, body)
    check_problems(parse_person(PERSON_PATH, text), PERSON_PATH, text, PersonFile)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_an_article_or_located_problems(data: bytes) -> None:
    for text in (data, b"---\n" + data, b"---\n" + data + b"\n---\nbody"):
        check_problems(parse_article(PATH, text), PATH, text, ArticleFile)


YAML_TRAPS = {
    "billion laughs": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "title: t\ndate: 2030-01-01\nextra: {g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]}\ntags: *f\n",
    "python object": "title: !!python/object/apply:os.system ['echo pwned']\ndate: 2030-01-01\n",
    "duplicate keys": "title: one\ntitle: two\ndate: 2030-01-01\n",
    "deep nesting": "title: t\ndate: 2030-01-01\nextra: " + "[" * 5000 + "]" * 5000 + "\n",
    "merge key": "base: &b {title: t}\n<<: *b\ndate: 2030-01-01\n",
    "recursive alias": "title: t\ndate: 2030-01-01\nextra: &x [*x]\n",
    "tab indent": "title: t\n\tdate: 2030-01-01\n",
    "binary": "title: !!binary aGVsbG8=\ndate: 2030-01-01\n",
    "timestamp types": "title: 2030-01-01\ndate: 2030-01-01 10:00:00.123456789 -05:30\n",
    "unbalanced IPv6 bracket in a URL": "title: t\ndate: 2030-01-01\nimage: 'https://[oops/a.jpg'\n",
    "huge int": "title: t\ndate: 2030-01-01\ntags: [" + "9" * 5000 + "]\n",
}


@pytest.mark.parametrize("name", list(YAML_TRAPS))
def test_yaml_traps_are_problems_not_crashes_or_hangs(name: str) -> None:
    text = ("---\n" + YAML_TRAPS[name] + "---\nA fictional body.\n").encode()
    started = time.perf_counter()
    result = parse_article(PATH, text)
    assert time.perf_counter() - started < 5, f"{name}: took too long"
    check_problems(result, PATH, text, ArticleFile)
    if name == "python object":
        assert isinstance(result, list), "a YAML python tag must never be constructed"


record_blocks = st.lists(
    st.one_of(
        st.just(" date 2030-01-01 https://news.example.org/a"),
        st.from_regex(r"\A [a-z]{0,6} \d{4}-\d{2}-\d{2} \S{0,20}\Z"),
        st.sampled_from(["en_GB", "ru_RU", "12 34 true", "https://img.example.org/a.jpg", "News", "a, b, c"]),
        st.text(max_size=80),
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(record_blocks, st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n \n"]))
def test_any_record_gives_a_record_or_an_error(blocks: list[str], sep: str) -> None:
    result = parse_record(sep.join(blocks))
    assert isinstance(result, (Record, RecordError))
    if isinstance(result, RecordError):
        assert result.line >= 1 and result.reason


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_record_bytes_give_a_record_or_an_error(data: bytes) -> None:
    text = decode_record(data)
    if isinstance(text, RecordError):
        assert text.line >= 1
        return
    assert isinstance(parse_record(text), (Record, RecordError))


# ---- atheris, for a bounded time ----------------------------------------------------------


@pytest.mark.parametrize("target", ["fuzz_frontmatter.py", "fuzz_record.py"])
def test_atheris_target_runs_clean(target: str, tmp_path: Path, proof_figures: dict) -> None:
    import atheris  # noqa: F401  (a test dependency: missing is a failure, never a skip)
    seeds = FUZZ / "seeds" / "frontmatter" if target == "fuzz_frontmatter.py" else REPO / "tests" / "fixtures" / "records"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    run = subprocess.run(
        [sys.executable, str(FUZZ / target), str(corpus), str(seeds),
         f"-max_total_time={FUZZ_SECONDS}", "-rss_limit_mb=2048", "-timeout=10", "-print_final_stats=1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=FUZZ_SECONDS + 120, check=False,
    )  # fmt: skip
    found = run.stderr.find("=== Uncaught Python exception")
    log = run.stderr[found : found + 3000] if found >= 0 else run.stderr[-3000:]
    assert run.returncode == 0, f"{target} found a crash:\n{log}"
    execs = next((line.rsplit(":", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith("stat::number_of_executed_units")), "?")
    peak = next((line.rsplit(":", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith("stat::peak_rss_mb")), "?")
    proof_figures[f"fuzz {target}"] = f"{FUZZ_SECONDS} s, {execs} inputs, 0 crashes, peak {peak} MB"
    assert execs != "?" and int(execs) > 100, f"{target} barely ran:\n{log}"

"""Search benchmark: index build time, peak memory and bytes per query at N articles.

Usage: ``python -m bench.search_bench N [--seed S] [--out DIR]``.

Articles come from the seeded fictional corpus (bench/corpus.py), turned into SearchDocs
directly (front matter + the Markdown body with its markup stripped), so the figures are
those of ``build_search`` alone. Bytes per query are what the search page fetches for a
first query: manifest, facets, lunr.js, the index parts the query's terms fall in, and
the metadata chunks of its first 10 results - counted gzip -9, as a server would send them.

Measured 2026-11-27 on the shared 2-core build box (no term counts cached; build and
memory at 19:35 UTC, the index the same bytes as before):

| articles | build CPU (wall) | peak RSS | files | gzip total | first query, gzip (10 queries) |
|---|---|---|---|---|---|
| 1,000 | 0.4 s (0.4 s) | 82 MB | 285 | 2.2 MB | 30-84 KB |
| 10,000 | 2.8 s (2.8 s) | 261 MB | 2,639 | 23.2 MB | 56-283 KB |

At 10k a first query costs: manifest 26.7 KB + lunr.js 8.4 + page scripts 8.1, facets 86 KB
(only when there are results), one index part 9-14 KB (``sta*`` needs 11 parts, 138 KB), 10
result records ~15 KB. In Chromium: first results 0.2-1.0 s after navigation (page's own
measure), later queries over loaded parts 1-86 ms; top 10 equal to a monolithic index for
all 10 queries (``--rankings``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined

from bench.corpus import article, build_lexicon
from sitegen.lunrindex import build_index, serialize_whole
from sitegen.render import MARKUP, own_lang
from sitegen.search import FIELDS, SearchDoc, build_search, field_texts, vendor_files
from sitegen.searchlanguage import help_examples
from sitegen.translation import english
from tests.conftest import CHROMIUM_ARGS  # one set of flags for Debian's Chromium here

QUERIES = (
    "harbour",  # not in the vocabulary: no results
    "the",  # a stop word
    "said",
    "quarrow",
    "sta*",
    "+ba +ke",
    "people:{person}",
    "tags:{tag}",
    "{word} -{word2}",
    "{word} {word2} {word3}",
)
REPO = Path(__file__).resolve().parent.parent
NODE_SCRIPT = REPO / "tests" / "js" / "query_bytes.js"
THEME = REPO / "themes" / "default"
# The theme's search page needs only these blocks of base.html.
BASE_STUB = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{% block title %}{% endblock %}</title>{% block head %}{% endblock %}</head>
<body><main>{% block content %}{% endblock %}</main>{% block scripts %}{% endblock %}</body></html>"""


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*#>]+", "", text)


def corpus_docs(n: int, seed: int = 1) -> list[SearchDoc]:
    """The first ``n`` articles of the seeded corpus as SearchDocs, newest first."""
    lex = build_lexicon(seed)
    aliases = {p.name: p.aliases for p in lex.people}
    docs = []
    for i in range(n):
        path, text, _ = article(lex, i)
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        people = tuple(meta.get("people", ()))
        docs.append(
            SearchDoc(
                url="/" + path.removeprefix("content/").removesuffix(".md") + "/",
                title=meta["title"],
                date=str(meta["date"])[:10],
                summary=meta.get("summary", ""),
                body=_plain(body),
                people=people,
                people_terms=tuple(t for p in people for t in (p, *aliases.get(p, ()))),
                tags=tuple(meta.get("tags", ())),
                source=meta["source"]["name"],
            )
        )
    docs.sort(key=lambda d: (d.date, d.url), reverse=True)
    return docs


def _queries(docs: list[SearchDoc]) -> list[str]:
    sample = docs[len(docs) // 2]
    words = [w for w in re.findall(r"[a-z]{5,}", sample.body.lower())][:3] + ["x", "y", "z"]
    person = sample.people[0].split()[-1].lower()
    tag = sample.tags[0].split()[0].lower()
    return [
        q.format(person=person, tag=tag, word=words[0], word2=words[1], word3=words[2])
        for q in QUERIES
    ]


def search_page_html(manifest_url: str, base: str = "/") -> str:
    """The theme's search.html over a stub base.html, with autoescape and StrictUndefined
    (also what tests/test_search.py checks the page's wiring on)."""
    env = Environment(
        loader=ChoiceLoader(
            [DictLoader({"base.html": BASE_STUB}), FileSystemLoader(str(THEME / "templates"))]
        ),
        autoescape=True,
        undefined=StrictUndefined,
    )
    words = english()  # the theme's words, as an English site's pages have them
    env.globals.update(text=words.markup, texts_for_script=words.for_script, own_lang=partial(own_lang, site="en"),
                       search_examples=help_examples("en", "en", frozenset()), **MARKUP)
    return env.get_template("search.html").render(
        site={"title": "bench", "language": "en"},
        url_for=lambda name, **kw: f"{base}{name}/",
        static=lambda path: f"{base}static/{path}",
        search_manifest_url=manifest_url,
    )


def write_page(out: Path, manifest_url: str) -> None:
    """The theme's search.html (over a stub base.html) and its static files, under ``out``."""
    (out / "search").mkdir(parents=True, exist_ok=True)
    (out / "search" / "index.html").write_text(search_page_html(manifest_url), "utf-8")
    for name in ("search.js", "search-worker.js", "search.css"):
        shutil.copy(THEME / "static" / name, out / "static" / name)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def browser_times(out: Path, queries: list[str]) -> dict[str, object]:
    """Per query, in headless Chromium: ms from navigation to the first result (cold cache,
    fresh page), bytes fetched (gzip -9 of each response), ms from typing the same query
    again (plus a space, so lunr runs anew) to its results (warm: parts loaded; includes
    the 30 ms debounce), and the page's own measure from sending each query to the worker
    to results on screen."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/search/"
    done = "s => /result|No results|query|index/.test(document.getElementById('search-status').textContent)"
    report: dict[str, object] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for q in queries:
                context = browser.new_context()
                page = context.new_page()
                fetched: list[int] = []
                page.on(
                    "response",
                    lambda r, into=fetched: (
                        into.append(len(gzip.compress(r.body(), 9))) if r.ok else None
                    ),
                )
                started = time.perf_counter()
                page.goto(base + "?q=" + q.replace("+", "%2B"))
                page.wait_for_function(done, arg=None, timeout=60_000)
                cold = (time.perf_counter() - started) * 1000
                page.fill("#search-query", "")
                page.wait_for_function(
                    "() => document.getElementById('search-status').textContent === ''"
                )
                started = time.perf_counter()
                page.fill("#search-query", q + " ")  # same parts, but not the cached answer
                page.wait_for_function(done, arg=None, timeout=60_000)
                warm = (time.perf_counter() - started) * 1000
                inside = page.evaluate(
                    "() => performance.getEntriesByName('search-results').map(e => e.duration)"
                )
                report[q] = {
                    "cold_ms": round(cold),
                    "warm_ms_incl_debounce": round(warm),
                    "page_ms_first_then_warm": [round(x) for x in inside],
                    "fetched_gzip_kb": round(sum(fetched) / 1e3, 1),
                }
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return report


def rankings(out: Path, manifest: Path, docs: list[SearchDoc]) -> dict[str, object]:
    """Top 10 (refs and scores) of the parts vs one monolithic lunr index, under node."""
    whole = out / "whole-index.json"
    index = build_index(FIELDS, [field_texts(d) for d in docs])
    whole.write_bytes(json.dumps(serialize_whole(index), separators=(",", ":")).encode())
    del index
    queries = _queries(docs)
    run = subprocess.run(
        [
            "node",
            "--max-old-space-size=4096",
            str(NODE_SCRIPT.with_name("compare.js")),
            str(manifest),
            str(whole),
        ],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
    )
    answers = json.loads(run.stdout)
    whole.unlink()
    same = [
        q
        for q in queries
        if isinstance(answers[q]["split"], list)
        and answers[q]["split"][:10] == answers[q]["whole"][:10]
    ]
    return {
        "queries": len(queries),
        "equal": len(same),
        "differ": [q for q in queries if q not in same],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="also write the files here (and measure bytes)")
    parser.add_argument(
        "--browser", action="store_true", help="with --out: time queries in Chromium"
    )
    parser.add_argument(
        "--rankings",
        action="store_true",
        help="with --out: compare each query's top 10 with a monolithic index",
    )
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    docs = corpus_docs(args.n, args.seed)
    t1 = time.perf_counter()
    cpu1 = time.process_time()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    output = build_search(docs)
    t2 = time.perf_counter()
    cpu2 = time.process_time()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sizes = [len(b) for b in output.files.values()]
    gz = {p: len(gzip.compress(b, 9)) for p, b in output.files.items()}
    parts = sorted(v for p, v in gz.items() if "/part-" in p)
    report = {
        "articles": args.n,
        "corpus_seconds": round(t1 - t0, 1),
        "build_seconds": round(t2 - t1, 1),
        "build_cpu_seconds": round(cpu2 - cpu1, 1),
        "peak_rss_mb_before_build": rss_before // 1024,
        "peak_rss_mb": rss_after // 1024,
        "files": len(sizes),
        "raw_mb": round(sum(sizes) / 1e6, 1),
        "gzip_mb": round(sum(gz.values()) / 1e6, 1),
        "parts": len(parts),
        "part_gzip_kb_min_median_max": [
            round(parts[0] / 1e3, 1),
            round(parts[len(parts) // 2] / 1e3, 1),
            round(parts[-1] / 1e3, 1),
        ],
    }
    if args.out:
        for rel, data in output.files.items():
            target = args.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rel, data in vendor_files(REPO).items():
            (args.out / rel).parent.mkdir(parents=True, exist_ok=True)
            (args.out / rel).write_bytes(data)
        manifest = args.out / output.manifest_url.lstrip("/")
        run = subprocess.run(
            ["node", str(NODE_SCRIPT), str(manifest), *_queries(docs)],
            capture_output=True,
            text=True,
            check=True,
        )
        report["first_query_gzip_kb"] = json.loads(run.stdout)
        if args.rankings:
            report["top10_equal_to_monolithic"] = rankings(args.out, manifest, docs)
        if args.browser:
            write_page(args.out, output.manifest_url)
            report["chromium"] = browser_times(args.out, _queries(docs))
    json.dump(report, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()

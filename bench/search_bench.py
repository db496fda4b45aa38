"""Search benchmark: index build time, peak memory and bytes per query at N articles.

Usage: ``python -m bench.search_bench N [--seed S] [--out DIR]``.

Articles come from the seeded fictional corpus (bench/corpus.py), turned into SearchDocs
directly (front matter + the Markdown body with its markup stripped), so the figures are
those of ``build_search`` alone. Bytes per query are what the search page fetches for a
first query: manifest, facets, lunr.js, the index parts the query's terms fall in, and
the metadata chunks of its first 20 results - counted gzip -9, as a server would send them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bench.corpus import article, build_lexicon
from sitegen.search import SearchDoc, build_search, vendor_files

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="also write the files here (and measure bytes)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    docs = corpus_docs(args.n, args.seed)
    t1 = time.perf_counter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    output = build_search(docs)
    t2 = time.perf_counter()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sizes = [len(b) for b in output.files.values()]
    gz = {p: len(gzip.compress(b, 9)) for p, b in output.files.items()}
    parts = sorted(v for p, v in gz.items() if "/part-" in p)
    report = {
        "articles": args.n,
        "corpus_seconds": round(t1 - t0, 1),
        "build_seconds": round(t2 - t1, 1),
        "peak_rss_mb_before_build": rss_before // 1024,
        "peak_rss_mb": rss_after // 1024,
        "files": len(sizes),
        "raw_mb": round(sum(sizes) / 1e6, 1),
        "gzip_mb": round(sum(gz.values()) / 1e6, 1),
        "parts": len(parts),
        "part_gzip_kb_min_median_max": [
            round(parts[0] / 1e3, 1), round(parts[len(parts) // 2] / 1e3, 1),
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
            capture_output=True, text=True, check=True,
        )
        report["first_query_gzip_kb"] = json.loads(run.stdout)
    json.dump(report, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()

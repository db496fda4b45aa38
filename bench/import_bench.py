"""How long ``sitegen import`` takes for a batch of generated, clearly fictional records.

Writes N raw records (default 5,000; every name and word invented from syllables)
and a registry of fictional people into a temporary folder, imports them into a
fresh archive, then imports them again (every record unchanged), and prints both
times. The issue's bar: 5,000 records in under a minute on the 2-core machine.

Usage: ``python -m bench.import_bench [-n N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sitegen.importer import run

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "re",
    "su",
    "ta",
    "ven",
    "dor",
    "bel",
    "gri",
    "mon",
    "sal",
    "tek",
    "vir",
    "zan",
    "pol",
    "nar",
    "fey",
    "quo",
    "lun",
]
CYRILLIC = [
    "ка",
    "ло",
    "ми",
    "ре",
    "су",
    "та",
    "вен",
    "дор",
    "бел",
    "гри",
    "мон",
    "сал",
    "тек",
    "вир",
    "зан",
    "пол",
    "нар",
]
PEOPLE = 200


def word(rng: random.Random, syllables: list[str], parts: int = 2) -> str:
    return "".join(rng.choice(syllables) for _ in range(parts))


def person_name(i: int) -> str:
    rng = random.Random(f"person-{i}")
    return f"{word(rng, SYLLABLES).title()} {word(rng, SYLLABLES, 3).title()}"


def sentence(rng: random.Random, syllables: list[str], names: list[str]) -> str:
    words = [word(rng, syllables, rng.randint(1, 3)) for _ in range(rng.randint(6, 18))]
    if names and rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), rng.choice(names))
    if rng.random() < 0.2:
        words.append(f'"{word(rng, syllables)} {word(rng, syllables)}"')
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".......?!")


def raw_record(i: int, names: list[str]) -> str:
    """Record ``i``, with the variations the importer must tolerate."""
    rng = random.Random(i)
    russian = rng.random() < 0.2
    syllables = CYRILLIC if russian else SYLLABLES
    when = datetime(
        2030, 1, 1, tzinfo=timezone(timedelta(hours=rng.choice([-5, 0, 1, 3])))
    ) + timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
    stamp = when.strftime("%Y-%m-%dT%H:%M%z")
    title = " ".join(word(rng, syllables).title() for _ in range(rng.randint(3, 8)))
    url = f"https://outlet.example.org/{when:%Y%m%d}/{word(rng, SYLLABLES)}-{i}.html"
    keywords = ", ".join(word(rng, syllables) for _ in range(rng.randint(1, 4)))
    body = "".join(
        " ".join(sentence(rng, syllables, names) for _ in range(rng.randint(1, 4)))
        for _ in range(rng.randint(3, 12))
    )
    blocks = [f" date {when:%Y-%m-%d} {url}", title, title]
    if rng.random() < 0.8:
        blocks.append(f"{sentence(rng, syllables, names)[:120]}... {when:%d.%m.%Y}, Example Outlet")
    blocks += [stamp, stamp]
    if rng.random() < 0.5:
        blocks.append((when + timedelta(minutes=rng.randint(1, 600))).strftime("%Y-%m-%dT%H:%M%z"))
    blocks += [keywords, "/html/head/meta[@name='og:title']/@content"]
    if rng.random() < 0.8:
        blocks.append(f"https://img.example.org/{i}.jpg")
    blocks.append(body)
    blocks += [
        f"https://outlet.example.org/related/{rng.randint(0, 10**6)}.html"
        for _ in range(rng.randint(0, 3))
    ]
    publisher = "Example Outlet desk@outlet.example.org +100 Example Outlet Ltd 252 60"
    blocks += [
        publisher,
        str(when.year),
        publisher,
        "News",
        "ru_RU" if russian else "en_GB",
        "1920 1080 true",
        keywords,
    ]
    return "\n\n".join(blocks) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="records to generate (default 5000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        folder, root = Path(tmp, "records"), Path(tmp, "site")
        folder.mkdir()
        (root / "content" / "people").mkdir(parents=True)
        names = [person_name(i) for i in range(PEOPLE)]
        for i, name in enumerate(names):
            (root / "content" / "people" / f"p{i}.md").write_text(
                f"---\nname: {name}\n---\n", encoding="utf-8"
            )
        for i in range(args.n):
            (folder / f"{i:05d}_bench.txt").write_text(raw_record(i, names), encoding="utf-8")
        for label in ("first import", "second import (all unchanged)"):
            out = io.StringIO()
            start = time.perf_counter()
            code = run([folder], root, out=out)
            elapsed = time.perf_counter() - start
            summary = out.getvalue().rstrip().splitlines()[-1]
            print(
                f"{label}: {args.n} records in {elapsed:.1f} s ({args.n / elapsed:.0f}/s), exit {code}: {summary}"
            )


if __name__ == "__main__":
    main()

"""A seeded, clearly fictional news archive of any size, for benchmarks.

Every name, word, outlet and event here is invented from syllables, so the
corpus can be shared and committed to nowhere without touching real people.
Article ``i`` depends only on ``seed`` and ``i`` (never on ``n``), so a corpus
of 1,000 articles is a prefix of the one of 10,000 and the benchmark can add
"one more article" by asking for article ``n``.

Usage: ``python -m bench.corpus OUT N [--seed S]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

TAG_COUNT = 40
PEOPLE_COUNT = 2000
VOCABULARY_SIZE = 6000
ZIPF_EXPONENT = 1.07
FIRST_DAY = datetime(2015, 1, 1)
SPAN_DAYS = 10 * 365

# Frequent short words at the top of the ranking make the text read like text;
# everything below them is invented.
FUNCTION_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "was",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "it",
    "be",
    "were",
    "has",
    "had",
    "its",
    "an",
    "not",
    "but",
    "which",
    "this",
    "are",
    "they",
    "their",
    "or",
    "after",
    "over",
    "said",
    "into",
    "about",
]
ONSETS = [
    "b",
    "br",
    "c",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "k",
    "kl",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "qu",
    "r",
    "s",
    "sk",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
    "sh",
    "th",
]
VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou", "ea", "ie"]
CODAS = ["", "", "", "n", "r", "s", "l", "m", "k", "st", "nd", "rk", "th"]
OFFSETS = (0, 60, -300, 120, 330, -240, 540, 180)  # minutes east of UTC
OUTLETS = (
    ("The Quarrow Ledger", "https://quarrow-ledger.example.com"),
    ("Velmarsh Evening Post", "https://velmarsh-post.example.net"),
    ("Drennick Wire", "https://drennick-wire.example.org"),
    ("Ostrava Bay Courier", "https://bay-courier.example.com"),
    ("Tamblewick Radio", "https://tamblewick.example.net"),
    ("The Harrowgate Almanac", "https://harrowgate-almanac.example.org"),
)


@dataclass(frozen=True)
class FictionalPerson:
    slug: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """The invented vocabulary, people and tags a corpus draws from (zipf-weighted)."""

    seed: int
    words: tuple[str, ...]
    word_weights: tuple[float, ...]
    people: tuple[FictionalPerson, ...]
    people_weights: tuple[float, ...]
    tags: tuple[str, ...]
    tag_weights: tuple[float, ...]


def slugify(text: str) -> str:
    """ASCII slug; the corpus only ever contains ASCII letters, so this is enough."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _zipf_cumulative(count: int) -> tuple[float, ...]:
    return tuple(itertools.accumulate(1.0 / (rank**ZIPF_EXPONENT) for rank in range(1, count + 1)))


def _invent(rng: random.Random, syllables: int) -> str:
    parts = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)]
    return "".join(parts) + rng.choice(CODAS)


def _unique(rng: random.Random, count: int, make, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        candidate = make(rng)
        if candidate not in taken:
            taken.add(candidate)
            out.append(candidate)
    return out


def build_lexicon(seed: int = 1) -> Lexicon:
    """Invent the word list, people and tags; frequent words come out short, as in real text."""
    rng = random.Random(f"lexicon:{seed}")
    taken = set(FUNCTION_WORDS)
    invented = _unique(
        rng,
        VOCABULARY_SIZE - len(FUNCTION_WORDS),
        lambda r: _invent(r, 1 + min(3, int(r.expovariate(1.2)))),
        taken,
    )
    # Short words first: the most frequent invented words are the shortest.
    invented.sort(key=lambda w: len(w) + rng.random() * 6)
    words = tuple(FUNCTION_WORDS + invented)

    tags = _unique(
        rng,
        TAG_COUNT,
        lambda r: " ".join(_invent(r, r.randint(1, 3)) for _ in range(r.randint(1, 2))),
        set(taken),
    )

    names: set[str] = set()
    people: list[FictionalPerson] = []
    while len(people) < PEOPLE_COUNT:
        first = _invent(rng, 2).capitalize()
        last = _invent(rng, rng.randint(2, 3)).capitalize()
        name = f"{first} {last}"
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.3:
            aliases = (f"{first[0]}. {last}",)
        if name in names or any(a in names for a in aliases) or slugify(name) in names:
            continue
        names.update((name, slugify(name), *aliases))
        people.append(FictionalPerson(slug=slugify(name), name=name, aliases=aliases))

    return Lexicon(
        seed=seed,
        words=words,
        word_weights=_zipf_cumulative(len(words)),
        people=tuple(people),
        people_weights=_zipf_cumulative(len(people)),
        tags=tuple(tags),
        tag_weights=_zipf_cumulative(len(tags)),
    )


def _sentence(rng: random.Random, lex: Lexicon, count: int, names: list[str]) -> str:
    words = rng.choices(lex.words, cum_weights=lex.word_weights, k=count)
    roll = rng.random()
    if roll < 0.06:
        at = rng.randrange(count)
        words[at] = f"*{words[at]}*"
    elif roll < 0.09:
        at = rng.randrange(count)
        words[at] = f"**{words[at]}**"
    elif roll < 0.13 and count > 3:
        at = rng.randrange(count - 2)
        href = f"https://reference.example.org/{words[at]}-{rng.randrange(10_000)}"
        words[at : at + 2] = [f"[{words[at]} {words[at + 1]}]({href})"]
    if names and rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), rng.choice(names))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?")


def _paragraphs(rng: random.Random, lex: Lexicon, total: int, names: list[str]) -> list[str]:
    paragraphs: list[str] = []
    left = total
    while left > 0:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            if left <= 0:
                break
            count = min(left, rng.randint(6, 24))
            sentences.append(_sentence(rng, lex, count, names))
            left -= count
        paragraphs.append(" ".join(sentences))
    return paragraphs


def _title(rng: random.Random, lex: Lexicon) -> str:
    words = rng.choices(lex.words[len(FUNCTION_WORDS) :], k=rng.randint(3, 8))
    return " ".join(words).capitalize()


def _yaml_str(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def article(lex: Lexicon, index: int) -> tuple[str, str, tuple[str, ...]]:
    """Return (relative path, file text, canonical people slugs) of article ``index``."""
    rng = random.Random(f"article:{lex.seed}:{index}")
    title = _title(rng, lex)
    slug = f"{slugify(title)[:60].rstrip('-')}-{index}"
    offset = timezone(timedelta(minutes=rng.choice(OFFSETS)))
    moment = FIRST_DAY + timedelta(seconds=rng.randrange(SPAN_DAYS * 86400))
    moment = moment.replace(tzinfo=offset)
    outlet, outlet_url = rng.choice(OUTLETS)

    tags = sorted(set(rng.choices(lex.tags, cum_weights=lex.tag_weights, k=rng.randint(1, 4))))
    people: list[FictionalPerson] = []
    for person in rng.choices(lex.people, cum_weights=lex.people_weights, k=rng.randint(1, 5)):
        if person not in people:
            people.append(person)
    written = [
        rng.choice(p.aliases) if p.aliases and rng.random() < 0.2 else p.name for p in people
    ]

    paragraphs = _paragraphs(rng, lex, rng.randint(300, 900), [p.name for p in people])
    if len(paragraphs) > 3 and rng.random() < 0.3:
        paragraphs.insert(len(paragraphs) // 2, "## " + _title(rng, lex))
    if len(paragraphs) > 2 and rng.random() < 0.2:
        paragraphs.insert(1, "> " + paragraphs.pop(1))
    summary = " ".join(rng.choices(lex.words, cum_weights=lex.word_weights, k=rng.randint(12, 30)))
    summary = summary.capitalize() + "."

    lines = [
        "---",
        f"title: {_yaml_str(title)}",
        f"date: {moment.isoformat()}",
        f"summary: {_yaml_str(summary)}",
        "source:",
        f"  name: {_yaml_str(outlet)}",
        f"  url: {outlet_url}/{moment:%Y/%m}/{slug}",
        "tags:",
        *(f"  - {_yaml_str(t)}" for t in tags),
        "people:",
        *(f"  - {_yaml_str(name)}" for name in written),
        "language: en",
        "---",
        "",
        "\n\n".join(paragraphs),
        "",
    ]
    path = f"content/articles/{moment:%Y}/{moment:%m}/{slug}.md"
    return path, "\n".join(lines), tuple(p.slug for p in people)


def person(lex: Lexicon, who: FictionalPerson) -> tuple[str, str]:
    """Return (relative path, file text) of one registry entry."""
    rng = random.Random(f"person:{lex.seed}:{who.slug}")
    role = rng.choice(("harbour clerk", "council member", "weaver", "ferry pilot", "archivist"))
    bio = _paragraphs(rng, lex, rng.randint(40, 120), [])
    lines = [
        "---",
        f"name: {_yaml_str(who.name)}",
        "aliases: [" + ", ".join(_yaml_str(a) for a in who.aliases) + "]",
        f"description: {_yaml_str(f'Fictional {role} of the invented town of Quarrow.')}",
        "---",
        "",
        "\n\n".join(bio),
        "",
    ]
    return f"content/people/{who.slug}.md", "\n".join(lines)


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def generate(root: Path, n: int, seed: int = 1) -> None:
    """Write ``n`` articles, the registry of everyone they name, and ``sitegen.toml``."""
    lex = build_lexicon(seed)
    by_slug = {p.slug: p for p in lex.people}
    named: set[str] = set()
    for index in range(n):
        relative, text, slugs = article(lex, index)
        _write(root, relative, text)
        named.update(slugs)
    for slug in sorted(named):
        _write(root, *person(lex, by_slug[slug]))
    _write(
        root,
        "sitegen.toml",
        'title = "Quarrow Gazette Archive (fictional benchmark corpus)"\n'
        'base_url = "https://example.org/"\n',
    )


def add_article(root: Path, index: int, seed: int = 1) -> Path:
    """Write article ``index`` of the seeded corpus into ``root``, for "add one" rebuilds."""
    relative, text, _ = article(build_lexicon(seed), index)
    return _write(root, relative, text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    parser.add_argument("out", type=Path, help="directory to write the archive into")
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()

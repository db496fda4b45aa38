"""Incremental builds write exactly what a cold build writes, and reuse what did not change."""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import html
from sitehelpers import ATOM

from sitegen import build as build_module
from sitegen import (
    content,
    incremental,
    output,
    pages,
    parallel,
    preparation,
    sourcefiles,
    termcounts,
)
from sitegen import site as site_module
from sitegen.build import Options, build, configure, static_files
from sitegen.cache import FOLDER, Cache
from sitegen.errors import BuildFailed, Problem, SitegenError
from sitegen.incremental import Fingerprints
from sitegen.model import Term
from sitegen.pages import Page
from sitegen.searchlanguage import ENGLISH

FIXTURE = Path(__file__).parent / "fixtures" / "archive"
ARTICLE = "articles/2031/04/harbour-opens/index.html"
UNTOUCHED = "archive/2031/05/index.html"  # lists only the treaty article


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def inode(out: Path, rel: str) -> int:
    return (out / rel).stat().st_ino


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(FOLDER))
    return root


def incremental_equals_cold(root: Path, tmp_path: Path, search: bool = False, workers: int = 0) -> Path:
    """Build ``root`` again with its cache and previous output; compare with a cacheless build."""
    out = root / "public"
    build(Options(root=root, out=out, search=search, workers=workers))
    cold = tmp_path / "cold"
    build(Options(root=root, out=cold, search=search, cache=False))
    assert tree(out) == tree(cold)
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_editing_a_body_rebuilds_its_page_and_links_the_rest(archive: Path, tmp_path: Path):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    before = {rel: inode(out, rel) for rel in (ARTICLE, UNTOUCHED)}
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    incremental_equals_cold(archive, tmp_path)
    assert b"thanked the fictional builders." in (out / ARTICLE).read_bytes()
    assert inode(out, ARTICLE) != before[ARTICLE]  # made again
    assert inode(out, UNTOUCHED) == before[UNTOUCHED]  # taken over from the previous output


def test_a_body_edit_leaves_the_listings_that_show_the_article(archive: Path, tmp_path: Path):
    """Listings depend on an article's card (title, summary, date…), not on its body; its
    feeds carry the body, so they are made again."""
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    listings = ("page/2/index.html", "archive/2031/04/index.html", "tags/harbour/index.html", "people/tamsin-arlo/index.html",
                "articles/2031/04/ferry-timetable/index.html")  # the last links to it as its newer neighbour
    assert all(b'href="/articles/2031/04/harbour-opens/"' in (out / rel).read_bytes() for rel in listings)
    before = {rel: inode(out, rel) for rel in (*listings, "feed.xml")}
    assert build(Options(root=archive, out=out, search=False)).made == 0  # nothing changed: nothing made
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    incremental_equals_cold(archive, tmp_path)
    assert [rel for rel in listings if inode(out, rel) != before[rel]] == []
    assert inode(out, "feed.xml") != before["feed.xml"]
    assert b"thanked the fictional builders." in (out / "feed.xml").read_bytes()


@pytest.mark.parametrize("workers", [0, 2])
def test_adding_an_article(archive: Path, tmp_path: Path, workers: int, monkeypatch, alone):
    build(Options(root=archive, out=archive / "public", search=False))
    build(Options(root=archive, out=archive / "public", search=False))  # the spare is updated in place from now on
    new = archive / "content/articles/2031/05/quay-renamed.md"
    new.write_text(
        "---\ntitle: Invented quay renamed\ndate: 2031-05-20T10:00:00+00:00\n"
        "tags: [Harbour]\npeople: [O. Venn, Brannoc Imry]\n---\nThe north quay of the invented town has a new name.\n",
        "utf-8",
    )
    forked = []
    fork = parallel.fork
    monkeypatch.setattr(parallel, "fork", lambda count: forked.append(fork(count)) or forked[-1])
    monkeypatch.setattr(build_module, "FORK_MIN_PAGES", 0)  # as if the site were big
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    out = incremental_equals_cold(archive, tmp_path, workers=workers)  # 0: the build decides
    assert (out / "articles/2031/05/quay-renamed/index.html").is_file()
    assert forked[0].count == 2  # an addition changes every page's basis: workers forked


def _article(root: Path, day: int, slug: str, hour: int = 8) -> Path:
    path = root / f"content/articles/2031/03/{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: Invented notice {slug}\ndate: 2031-03-{day:02d}T{hour:02d}:00:00+00:00\ntags: [Harbour]\n---\nA fictional notice.\n", "utf-8")
    return path


@pytest.mark.parametrize("search", [False, True])
def test_an_addition_carries_the_article_pages_it_leaves_as_they_were(archive: Path, tmp_path: Path, monkeypatch, search: bool):
    """Only the new article's page and its neighbours' are planned as files: each other
    article page shows the same article and neighbours, so it is carried over unhashed."""
    for day in range(1, 6):
        _article(archive, day, f"notice-{day}")
    build(Options(root=archive, out=archive / "public", search=search))
    build(Options(root=archive, out=archive / "public", search=search))  # the spare holds this output
    _article(archive, 3, "notice-3b", hour=12)  # between notice-4 and notice-3
    hashed = []
    of = Fingerprints.of
    monkeypatch.setattr(Fingerprints, "of", lambda self, value: (type(value) is Page and hashed.append(value.url)) or of(self, value))
    out = incremental_equals_cold(archive, tmp_path, search=search)
    articles = sorted(url for url in hashed if url.startswith("/articles/"))
    assert articles == ["/articles/2031/03/notice-3/", "/articles/2031/03/notice-3b/", "/articles/2031/03/notice-4/"]
    assert b"notice-3b" in (out / "articles/2031/03/notice-3/index.html").read_bytes()


def test_unchanged_pages_are_those_showing_the_same_three_articles():
    def site(*keys: bytes) -> list:
        return [SimpleNamespace(url=f"/{k.decode()}/", content_key=k) for k in keys]

    def path_of(url: str) -> str:
        return url.strip("/") + "/index.html"

    made = {f"{k}/index.html": b"note" for k in "abcde"}
    before = incremental.Previous(made, {}, b"under", 5, (b"a", b"b", b"c", b"d", b"e"), b"around")
    assert before.unchanged_pages(b"around", site(b"a", b"b", b"x", b"c", b"d", b"e"), path_of) == {"/a/", "/d/", "/e/"}  # added
    assert before.unchanged_pages(b"around", site(b"a", b"b", b"d", b"e"), path_of) == {"/a/", "/e/"}  # removed
    assert before.unchanged_pages(b"around", site(b"a", b"b", b"c", b"d", b"e", b"f"), path_of) == {"/a/", "/b/", "/c/", "/d/"}  # the oldest added
    assert before.unchanged_pages(b"around", site(b"a", b"c", b"b", b"d", b"e"), path_of) == {"/e/"}  # two swapped
    assert before.unchanged_pages(b"people changed", site(b"a", b"b", b"c", b"d", b"e"), path_of) == frozenset()
    assert before.unchanged_pages(b"around", [*site(b"a", b"b"), SimpleNamespace(url="/c/", content_key=b"")], path_of) == frozenset()
    copied = incremental.Previous({**made, "e/index.html": b""}, {}, b"under", 5, before.order, b"around")  # a static file stood there
    assert copied.unchanged_pages(b"around", site(b"a", b"b", b"c", b"d", b"e"), path_of) == {"/a/", "/b/", "/c/", "/d/"}
    assert incremental.Previous({}, None).unchanged_pages(b"around", site(b"a"), path_of) == frozenset()


def test_deleting_an_article(archive: Path, tmp_path: Path):
    build(Options(root=archive, out=archive / "public", search=False))
    (archive / "content/articles/2031/04/ferry-timetable.md").unlink()
    out = incremental_equals_cold(archive, tmp_path)
    assert not (out / "articles/2031/04/ferry-timetable").exists()


@pytest.mark.parametrize("search", [False, True])
def test_an_earlier_address_given_and_taken_back(archive: Path, tmp_path: Path, search: bool):
    """moved_from changes no page an article's text shows: no body edit, which would make only
    the article's own pages and leave the page at the address unmade (and then unremoved)."""
    path = archive / "content/articles/2031/04/harbour-opens.md"
    build(Options(root=archive, out=archive / "public", search=search))
    edit(path, "section: Local\n", "section: Local\nmoved_from: [/old/harbour/]\n")
    out = incremental_equals_cold(archive, tmp_path / "given", search=search)
    assert (out / "old/harbour/index.html").is_file() and (out / "_redirects").is_file()
    edit(path, "moved_from: [/old/harbour/]\n", "")
    out = incremental_equals_cold(archive, tmp_path / "taken", search=search)
    assert not (out / "old").exists() and not (out / "_redirects").exists()


def test_changing_a_person_in_the_registry(archive: Path, tmp_path: Path):
    build(Options(root=archive, out=archive / "public", search=False))
    edit(archive / "content/people/orla-venn.md", "Fictional harbour master", "Fictional retired harbour master")
    out = incremental_equals_cold(archive, tmp_path)
    assert b"Fictional retired harbour master" in (out / ARTICLE).read_bytes()


def test_changing_a_template(archive: Path, tmp_path: Path):
    build(Options(root=archive, out=archive / "public", search=False))
    (archive / "templates").mkdir()
    (archive / "templates/month.html").write_text(
        '{% extends "default:month.html" %}{% block title %}Invented override · {{ super() }}{% endblock %}', "utf-8"
    )
    out = incremental_equals_cold(archive, tmp_path)
    assert b"Invented override" in (out / UNTOUCHED).read_bytes()


def test_a_template_reading_every_person_rebuilds_on_a_registry_change(archive: Path, tmp_path: Path):
    (archive / "templates").mkdir()
    (archive / "templates/year.html").write_text(
        '{% extends "default:year.html" %}{% block title %}{{ people_by_slug["orla-venn"].description }}{% endblock %}',
        "utf-8",
    )
    build(Options(root=archive, out=archive / "public", search=False))
    edit(archive / "content/people/orla-venn.md", "Fictional harbour master", "Fictional harbour warden")
    out = incremental_equals_cold(archive, tmp_path)
    assert b"Fictional harbour warden" in (out / "archive/2031/index.html").read_bytes()


def test_with_search_index_only_pages_reading_its_address_are_made_again(archive: Path, tmp_path: Path):
    out = archive / "public"
    build(Options(root=archive, out=out))
    before = {rel: inode(out, rel) for rel in (UNTOUCHED, "search/index.html")}
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the quay builders.")
    incremental_equals_cold(archive, tmp_path, search=True)
    assert inode(out, UNTOUCHED) == before[UNTOUCHED]  # its templates never read the index's address
    assert inode(out, "search/index.html") != before["search/index.html"]
    manifest = html.fromstring((out / "search/index.html").read_bytes()).get_element_by_id("search-app").get("data-manifest")
    assert manifest.startswith("/search/manifest-") and (out / manifest.lstrip("/")).is_file()


def test_a_corrupt_or_foreign_cache_is_a_cold_build(archive: Path, tmp_path: Path):
    build(Options(root=archive, out=archive / "public", search=False))
    files = [p for p in (archive / FOLDER).iterdir() if p.suffix == ".pickle"]
    assert files
    for i, path in enumerate(files):
        path.write_bytes(b"not a pickle" if i % 2 else path.read_bytes()[: len(path.read_bytes()) // 2])
    incremental_equals_cold(archive, tmp_path)
    shutil.rmtree(archive / FOLDER)
    (archive / FOLDER).write_text("a file where the cache folder should be")
    incremental_equals_cold(archive, tmp_path)


def test_another_folder_at_the_output_path_is_not_trusted(archive: Path, tmp_path: Path):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    other = tmp_path / "copied"
    shutil.copytree(out, other)
    (other / UNTOUCHED).write_text("changed by hand")
    shutil.rmtree(out)
    other.rename(out)
    incremental_equals_cold(archive, tmp_path)


def test_a_file_gone_from_the_previous_output_is_made_again(archive: Path, tmp_path: Path):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    os.unlink(out / UNTOUCHED)
    incremental_equals_cold(archive, tmp_path)


def test_cache_keeps_values_and_forgets_other_code(tmp_path: Path):
    cache = Cache(tmp_path)
    assert cache.memo("t", b"\x01key", lambda: ["computed"]) == ["computed"]
    cache.save()
    again = Cache(tmp_path)
    assert again.memo("t", b"\x01key", lambda: ["other"]) == ["computed"]
    foreign = Cache(tmp_path)
    foreign.fingerprint = "other code"
    assert foreign.memo("t", b"\x01key", lambda: ["other"]) == ["other"]


def test_a_shard_saved_elsewhere_is_written_again_only_with_more_entries(tmp_path: Path, monkeypatch):
    cache = Cache(tmp_path)
    for first in (0x00, 0x10, 0x20):  # three shards of 16
        cache.memo("t", bytes([first]) + b"key", lambda: "early")
    due = cache.due()[:2]
    cache.saved(due, cache.save(only=due))  # as a forked child would, for two of them
    assert sorted(cache.names("t-*.pickle")) == ["t-0.pickle", "t-1.pickle"]
    cache.memo("t", b"\x01later", lambda: "later")  # a second entry in the first shard
    written: list[str] = []
    write = Cache.write
    monkeypatch.setattr(Cache, "write", lambda self, name, value: written.append(name) or write(self, name, value))
    cache.save()
    assert written == ["t-0.pickle", "t-2.pickle"]
    assert Cache(tmp_path).memo("t", b"\x01later", lambda: "lost") == "later"


def test_a_shard_saved_early_with_fewer_entries_than_it_ends_with_is_written_again(tmp_path: Path):
    """Due early only because none of its entries was used yet: then all are, and the shard
    no longer differs from what the build found, but the file the child wrote does."""
    keys = [bytes([0x00, n]) for n in range(3)]  # one shard
    first = Cache(tmp_path)
    for key in keys:
        first.memo("t", key, lambda: "kept")
    first.save()
    cache = Cache(tmp_path)
    assert cache.known("t", keys[0])  # reads the shard, uses nothing: due, as it would drop all
    due = cache.due()
    cache.saved(due, Cache.save(cache, only=due))  # the child writes it empty
    assert [cache.memo("t", key, lambda: "lost") for key in keys] == ["kept"] * 3
    cache.save()
    assert [Cache(tmp_path).memo("t", key, lambda: "lost") for key in keys] == ["kept"] * 3
    failed = Cache(tmp_path)  # a child that failed, having written who knows what
    assert failed.known("t", keys[0])
    failed.save(only=failed.due())
    failed.saved(due, {})
    assert [failed.memo("t", key, lambda: "lost") for key in keys] == ["kept"] * 3
    failed.save()
    assert [Cache(tmp_path).memo("t", key, lambda: "lost") for key in keys] == ["kept"] * 3


def test_a_value_put_off_is_computed_when_asked_for_and_kept_until_then(tmp_path: Path):
    cache = Cache(tmp_path)
    for n in range(64):  # some share a shard with the one asked for below
        cache.memo("t", bytes([n * 4]) + b"key", lambda n=n: n)
    cache.save()
    again = Cache(tmp_path)
    asked = [again.later("t", bytes([n * 4]) + b"key", lambda: "recomputed") for n in range(64)]
    assert again.names("t-*.pickle") and not again._used  # nothing read yet
    assert asked[5]() == 5
    again.save()  # the shard read for it keeps the other entries put off
    third = Cache(tmp_path)
    assert [third.memo("t", bytes([n * 4]) + b"key", lambda: "lost") for n in range(64)] == list(range(64))


def test_bodies_are_read_from_the_cache_only_when_asked_for(archive: Path, tmp_path: Path, monkeypatch):
    """A rebuild reads no article's HTML it does not write, and keeps them all cached:
    after a template change, every article page is made from cached bodies."""
    out = archive / "public"
    build(Options(root=archive, out=out))
    read: list[str] = []
    cache_read = Cache.read
    monkeypatch.setattr(Cache, "read", lambda self, name: read.append(name) or cache_read(self, name))
    build(Options(root=archive, out=out))
    assert read and not [name for name in read if name.startswith("html-")]
    rendered: list[str] = []
    render_body = site_module.render_body
    monkeypatch.setattr(site_module, "render_body", lambda file, anchor: rendered.append(file.path) or render_body(file, anchor))
    (archive / "templates").mkdir()
    (archive / "templates/article.html").write_text('{% extends "default:article.html" %}{% block title %}Invented · {{ super() }}{% endblock %}', "utf-8")
    build(Options(root=archive, out=out))
    assert rendered == []
    assert all(b"<title>Invented" in p.read_bytes() for p in (out / "articles").rglob("index.html"))
    monkeypatch.undo()
    incremental_equals_cold(archive, tmp_path, search=True)


def test_a_build_forking_workers_reads_the_bodies_once_for_them_all(archive: Path, tmp_path: Path, monkeypatch, alone):
    """Each worker would otherwise read every shard of bodies for its share of the pages."""
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    shards = Cache.open(archive).names("html-*.pickle")
    assert len(shards) > 1
    read: list[str] = []
    cache_read = Cache.read
    monkeypatch.setattr(Cache, "read", lambda self, name: read.append(name) or cache_read(self, name))
    before_fork: list[list[str]] = []
    fork = parallel.fork
    monkeypatch.setattr(parallel, "fork", lambda count: before_fork.append([n for n in read if n.startswith("html-")]) or fork(count))
    (archive / "templates").mkdir()
    (archive / "templates/article.html").write_text('{% extends "default:article.html" %}{% block title %}Invented · {{ super() }}{% endblock %}', "utf-8")
    build(Options(root=archive, out=out, search=False, workers=2))
    assert [sorted(names) for names in before_fork] == [sorted(shards)]  # all read before the workers fork
    monkeypatch.undo()
    incremental_equals_cold(archive, tmp_path)


@dataclass(frozen=True)
class _Record:
    name: str
    terms: tuple[Term, ...]


def test_fingerprints_follow_content_not_identity():
    prints = Fingerprints()
    one = [_Record("Invented", (Term("a", "A"),)), {"k": [1, 2.5, None]}]
    same = [_Record("Invented", (Term("a", "A"),)), {"k": [1, 2.5, None]}]
    assert prints.of(one) == Fingerprints().of(same)
    assert prints.of(one) != prints.of([_Record("Invented", (Term("a", "B"),)), {"k": [1, 2.5, None]}])
    assert prints.of(("ab", "c")) != prints.of(("a", "bc"))
    assert prints.of(["x" * 100]) != prints.of(["x" * 101])
    opaque = object()
    assert Fingerprints().of([opaque]) != Fingerprints().of([opaque])  # an identity is never reused
    term = Term("shared", "Shared")  # one object twice, or two equal objects: the same value
    assert Fingerprints().of([_Record("x", (term, term))]) == Fingerprints().of([_Record("x", (Term("shared", "Shared"), Term("shared", "Shared")))])


def test_a_series_of_edits_updates_the_spare_in_place(archive: Path, tmp_path: Path):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    untouched = inode(out, UNTOUCHED)
    body = archive / "content/articles/2031/04/harbour-opens.md"
    for n, (old, new) in enumerate([("builders.", "builders, twice."), ("twice.", "three times."), ("three times.", "once.")]):
        edit(body, old, new)
        if n == 1:
            (archive / "content/articles/2031/04/ferry-timetable.md").unlink()
        incremental_equals_cold(archive, tmp_path)
        assert (archive / ".public.spare").is_dir()
        assert inode(out, UNTOUCHED) == untouched  # linked, then kept: never written again
    assert not (out / "articles/2031/04/ferry-timetable").exists()
    assert not (archive / ".public.spare/articles/2031/04/ferry-timetable").exists()  # pruned from the spare


def test_a_failed_build_leaves_the_output_and_the_next_build_is_right(archive: Path, tmp_path: Path):
    out = archive / "public"
    for _ in range(2):  # the second build leaves a spare
        build(Options(root=archive, out=out, search=False))
    before = tree(out)
    (archive / "templates").mkdir()
    (archive / "templates/month.html").write_text('{% extends "default:month.html" %}{% block title %}{{ no_such_name }}{% endblock %}')
    with pytest.raises(SitegenError, match="month.html"):
        build(Options(root=archive, out=out, search=False))
    assert tree(out) == before
    (archive / "templates/month.html").unlink()
    edit(archive / "content/articles/2031/04/harbour-opens.md", "builders.", "invented builders.")
    incremental_equals_cold(archive, tmp_path)
    incremental_equals_cold(archive, tmp_path)


def test_loading_finds_what_the_workers_prepared(archive: Path, tmp_path: Path, monkeypatch, alone):
    """Articles and people are parsed, and bodies and bios rendered, before loading (by
    forked workers, each taking chunks): loading takes them from the cache, and the site
    is the one a single process makes."""
    monkeypatch.setattr(preparation, "PREPARE_MIN", 0)
    here = os.getpid()
    again: list[str] = []
    for module, name in [(content, "parse_article"), (content, "parse_person"), (site_module, "render_body"), (site_module, "render_bio")]:
        made = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, made=made, name=name: (os.getpid() == here and again.append(name)) or made(*args))
    asked: list[int] = []
    prepare = preparation.prepare
    monkeypatch.setattr(preparation, "prepare", lambda articles, people, *rest: asked.append(len(people)) or prepare(articles, people, *rest))
    build(Options(root=archive, out=archive / "public", search=False, workers=2))
    assert asked == [2]  # both registry files were handed over
    assert again == []
    monkeypatch.undo()
    build(Options(root=archive, out=tmp_path / "one", search=False, cache=False, workers=1))
    assert tree(archive / "public") == tree(tmp_path / "one")


def test_what_was_read_is_saved_by_a_child_while_the_site_is_resolved(archive: Path, tmp_path: Path, monkeypatch, alone):
    """The build's own save writes only what the child did not: here the bodies, which one
    process renders while it resolves the site, after the child has started."""
    monkeypatch.setattr(build_module.EarlySave, "SHARDS", 0)
    here, by_child, by_build = os.getpid(), {}, []
    saved, write = Cache.saved, Cache.write
    monkeypatch.setattr(Cache, "saved", lambda self, due, wrote: by_child.update(wrote) or saved(self, due, wrote))
    monkeypatch.setattr(Cache, "write", lambda self, name, value: (os.getpid() == here and by_build.append(name)) or write(self, name, value))
    build(Options(root=archive, out=archive / "public", search=False, workers=1))
    child_files = {f"{table}-{n:x}.pickle" for table, n in by_child}
    assert {name.split("-")[0] for name in child_files} >= {"article", "person"}
    assert {name.split("-")[0] for name in by_build} >= {"body", "html"}
    assert not child_files & set(by_build)
    monkeypatch.setattr(Cache, "saved", saved)
    monkeypatch.setattr(Cache, "write", write)
    parsed: list[str] = []
    parse = content.parse_article
    monkeypatch.setattr(content, "parse_article", lambda *args: parsed.append(args[0]) or parse(*args))
    build(Options(root=archive, out=archive / "public", search=False, workers=1))
    assert parsed == []  # the child's files were found
    incremental_equals_cold(archive, tmp_path)


def test_registry_edits_that_leave_the_bios_keep_every_bio_in_the_cache(archive: Path, tmp_path: Path, monkeypatch, alone):
    """The prepare step only asks whether a bio is cached: its shard is due early, and the
    child writes it before loading takes the bios from it."""
    monkeypatch.setattr(build_module.EarlySave, "SHARDS", 0)
    monkeypatch.setattr(preparation, "PREPARE_MIN", 0)
    monkeypatch.setattr(parallel, "_tickets", lambda first=0: None)  # every other file: this process asks about the first bio
    build(Options(root=archive, out=archive / "public", search=False, workers=2))
    for person in (archive / "content/people").glob("*.md"):
        edit(person, "description: ", "description: Edited, ")  # (an added aliases: would be given twice in one)
    build(Options(root=archive, out=archive / "public", search=False, workers=2))
    rendered: list[str] = []
    monkeypatch.setattr(site_module, "render_bio", lambda p: rendered.append(p.slug) or "")
    build(Options(root=archive, out=archive / "public", search=False, workers=1))
    assert rendered == []


def test_a_build_failing_after_the_early_save_began_leaves_its_files_whole(archive: Path, monkeypatch, alone):
    monkeypatch.setattr(build_module.EarlySave, "SHARDS", 0)
    forked, fork = [], os.fork
    monkeypatch.setattr(os, "fork", lambda: (pid := fork()) and forked.append(pid) or pid)
    (archive / "templates").mkdir()
    (archive / "templates/month.html").write_text('{% extends "default:month.html" %}{% block title %}{{ no_such_name }}{% endblock %}')
    with pytest.raises(SitegenError, match="month.html"):
        build(Options(root=archive, out=archive / "public", search=False))
    folder = archive / FOLDER
    assert [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".gitignore"] == []  # no file half written
    assert Cache(folder).names("article-*.pickle")  # what was read is kept for the next build
    assert forked
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # each child was waited for


@pytest.mark.parametrize("workers", [2, 3])
def test_worker_processes_write_what_one_process_writes(archive: Path, tmp_path: Path, workers: int, alone):
    build(Options(root=archive, out=archive / "public", search=True, cache=False, workers=workers))
    build(Options(root=archive, out=tmp_path / "one", search=True, cache=False, workers=1))
    assert tree(archive / "public") == tree(tmp_path / "one")


@pytest.mark.parametrize("workers", [2, 3])
def test_each_worker_fingerprints_its_files_and_the_next_build_reuses_them_all(archive: Path, workers: int, alone):
    out = archive / "public"
    first = build(Options(root=archive, out=out, search=True, workers=workers))
    copied = static_files(Options(root=archive), configure(Options(root=archive)))  # theme files, content/static
    assert first.made == first.files - len(copied) > 0  # every process counted what it made
    pages = [p.relative_to(out).as_posix() for p in sorted(out.rglob("*.html"))]
    before = {rel: inode(out, rel) for rel in pages}
    assert build(Options(root=archive, out=out, search=True, workers=1)).made == 0
    assert [rel for rel in pages if inode(out, rel) != before[rel]] == []


def test_a_failing_worker_fails_the_build_and_leaves_the_output(archive: Path, alone):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    before = tree(out)
    (archive / "templates").mkdir()
    (archive / "templates/month.html").write_text('{% extends "default:month.html" %}{% block title %}{{ no_such_name }}{% endblock %}')
    with pytest.raises(SitegenError, match="month.html"):
        build(Options(root=archive, out=out, search=False, cache=False, workers=2))
    assert tree(out) == before
    assert [p.name for p in archive.iterdir() if p.name.startswith(".public") and p.name != ".public.spare"] == []


def _square_or_fail(n: int) -> int:
    if n == 7:
        raise SitegenError("invented failure on 7")
    return n * n


def test_map_in_workers_keeps_order_and_reports_failures(alone):
    from sitegen.parallel import map_in_workers

    assert map_in_workers(_square_or_fail, list(range(7)), 3) == [n * n for n in range(7)]
    with pytest.raises(SitegenError, match="invented failure on 7"):
        map_in_workers(_square_or_fail, list(range(10)), 2)


def test_latest_keeps_one_value_per_name(tmp_path: Path):
    cache = Cache(tmp_path)
    assert cache.found_latest("index", b"\x01") is None
    assert cache.keep_latest("index", b"\x01", "first") == "first"
    cache.save()
    cache = Cache(tmp_path)
    assert cache.found_latest("index", b"\x01") == "first"
    cache.keep_latest("index", b"\x02", "second")
    cache.save()
    assert len(list(tmp_path.glob("index-*.pickle"))) == 1
    assert cache.found_latest("index", b"\x02") == "second" and cache.found_latest("index", b"\x01") is None
    other_code = Cache(tmp_path)
    other_code.fingerprint = "another version of sitegen"
    assert other_code.found_latest("index", b"\x02") is None
    assert not list(tmp_path.glob(other_code._latest_file("index", b"\x02")))  # no file claims what it would refuse


def _fail_in_background() -> int:
    raise SitegenError("invented failure in the background")


@pytest.fixture
def alone(monkeypatch):
    """As if no other thread ran: earlier tests in this process may leave one (a server)."""
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)


def test_background_gives_what_this_process_computes(alone):
    from sitegen.parallel import background

    child = background(partial(_square_or_fail, 9))
    assert child._pid is not None  # really forked
    assert child.result() == 81 and child.result() == 81
    with pytest.raises(SitegenError, match="invented failure in the background"):
        background(_fail_in_background).result()


def _fail_with_problems() -> int:
    raise BuildFailed([Problem("content/articles/x.md", 3, "title", "invented problem")])


def test_a_child_s_build_failure_keeps_its_problems(alone):
    """Each problem must still reach the contributor as path:line: field: message."""
    from sitegen.parallel import background

    with pytest.raises(BuildFailed) as failed:
        background(_fail_with_problems).result()
    assert [str(p) for p in failed.value.problems] == [str(Problem("content/articles/x.md", 3, "title", "invented problem"))]


def _exited(pid: int, within: float = 10.0) -> bool:
    """Whether the child has exited (a zombie, not yet reaped) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads a process's state in /proc")
def test_a_child_with_a_result_over_64_kib_exits_before_it_is_read(alone):
    """The search child's result (~230 KB at 10k articles) is read at the end of the build:
    until then a child blocked writing it would hold its memory (~175 MB)."""
    from sitegen.parallel import _result_pipe, background

    read, write = _result_pipe()
    try:
        if fcntl.fcntl(write, fcntl.F_GETPIPE_SZ) < 300_000:
            pytest.skip("this system refuses a pipe this large: the child waits for its reader, as before")
    finally:
        os.close(read)
        os.close(write)
    child = background(partial(bytes, 300_000))
    assert child._pid is not None
    assert _exited(child._pid)
    assert child.result() == bytes(300_000)


def test_background_stops_a_child_nobody_waits_for(alone):
    from sitegen.parallel import background

    child = background(partial(time.sleep, 60))
    pid = child._pid
    assert pid is not None
    child.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped


def test_background_beside_a_thread_computes_in_this_process():
    import threading

    from sitegen.parallel import background

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        child = background(os.getpid)
        assert child._pid is None
        assert child.result() == os.getpid()
    finally:
        stop.set()
        thread.join()


def test_a_failing_search_child_fails_the_build_and_leaves_the_output(archive: Path, tmp_path: Path, monkeypatch, capsys, alone):
    from sitegen import cli, search

    out = tmp_path / "public"
    build(Options(root=archive, out=out))
    before = tree(out)
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the quay builders.")

    def broken(docs, *args, **kwargs):
        raise SitegenError("invented search failure")

    monkeypatch.setattr(search, "build_search", broken)
    assert cli.main(["build", "-s", str(archive), "-o", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "invented search failure" in err and "Traceback" not in err
    assert tree(out) == before


def test_latest_forgets_only_its_own_files(tmp_path: Path):
    cache = Cache(tmp_path)
    cache.memo("index-terms", b"\x01key", lambda: "a shard of another table")
    cache.keep_latest("index", b"\x01", "first")
    cache.save()
    cache = Cache(tmp_path)
    cache.keep_latest("index", b"\x02", "second")
    cache.save()
    names = sorted(p.name for p in tmp_path.glob("index-*.pickle"))
    assert len(names) == 2 and "index-terms-0.pickle" in names  # the other table's shard and one value
    assert Cache(tmp_path).found_latest("index", b"\x02") == "second"


def test_last_files_are_made_by_the_build_process_alone_after_the_others(tmp_path: Path):
    from sitegen import output

    calls = tmp_path / "produced-by"

    def tail() -> list[tuple[str, bytes]]:
        with calls.open("a") as f:  # a line per process that produced the tail
            f.write(f"{os.getpid()}\n")
        return [("search/index.json", b"{}"), ("search/index.html", b"<p>")]

    files = [(f"p{i}.html", output.Pending(lambda i=i: f"page {i}".encode())) for i in range(40)]
    written = output.write_site(tmp_path / "out", [*files, output.Last(tail)], workers=3)
    assert written.files == written.made == 42
    assert calls.read_text() == f"{os.getpid()}\n"
    assert (tmp_path / "out/search/index.json").read_bytes() == b"{}" and (tmp_path / "out/p39.html").read_bytes() == b"page 39"


@pytest.mark.parametrize("counter", [True, False])
def test_a_worker_forked_late_shares_the_chunks_after_it(tmp_path: Path, alone, monkeypatch, counter: bool):
    """Alone at first (the search child has the other core), the build's process forks a
    worker at the first chunk where ``late`` says yes: each file after is made once, each
    chunk by one process (every other file, on a system without a shared counter), and
    the worker's notes and count come back."""
    if not counter:
        monkeypatch.setattr(parallel, "_tickets", lambda first=0: None)
    build_process, (read, write) = os.getpid(), os.pipe()
    waited, asked = [], []

    def make(i: int) -> bytes:
        if os.getpid() != build_process:
            os.write(write, b".")
        elif i >= 3 * parallel.CHUNK and not waited:  # the build's first file after the fork waits for one of the worker's
            waited.append(select.select([read], [], [], 60)[0])
        return f"{os.getpid()}".encode()

    def late() -> bool:
        asked.append(True)
        return len(asked) == 4  # at the fourth chunk

    count = 40 * parallel.CHUNK
    files = [(f"p{i}.html", output.Decide(partial(lambda i: (b"note %d" % i, output.Pending(partial(make, i))), i))) for i in range(count)]
    notes: dict[str, bytes] = {}
    try:
        written = output.write_site(tmp_path / "out", [*files, output.Last(lambda: [("last.html", b"last")])], notes=notes, late=late)
    finally:
        os.close(read)
        os.close(write)
    assert waited == [[read]] and len(asked) == 4  # not asked again once forked
    assert written.files == written.made == count + 1
    assert notes == {f"p{i}.html": b"note %d" % i for i in range(count)}
    makers = [int((tmp_path / f"out/p{i}.html").read_bytes()) for i in range(count)]
    assert set(makers[: 3 * parallel.CHUNK]) == {build_process}
    assert len(set(makers)) == 2
    if counter:
        assert all(len(set(makers[c : c + parallel.CHUNK])) == 1 for c in range(0, count, parallel.CHUNK))
    else:
        assert all((maker == build_process) == (i % 2 == 0) for i, maker in enumerate(makers[3 * parallel.CHUNK :]))


def test_a_static_file_stands_over_a_generated_one_a_worker_makes_late(tmp_path: Path, alone, monkeypatch):
    """The build's process copies static files once its workers are done, not before."""
    monkeypatch.setattr(parallel, "_tickets", lambda first=0: None)  # every other file: the worker makes robots.txt
    build_process = os.getpid()

    def robots() -> bytes:
        if os.getpid() != build_process:
            time.sleep(0.5)  # long after the build's process made its one file
        return b"generated"

    static = tmp_path / "robots.txt"
    static.write_bytes(b"static")
    files = [("index.html", output.Pending(lambda: b"page")), ("robots.txt", output.Pending(robots))]
    output.write_site(tmp_path / "out", files, [("robots.txt", static)], workers=2)
    assert (tmp_path / "out/robots.txt").read_bytes() == b"static"


def test_adding_an_article_with_search_forks_a_worker_once_the_search_child_is_done(archive: Path, tmp_path: Path, monkeypatch, alone):
    """On two cores the search child keeps the build's process alone at first; a worker
    takes a share of the pages once it is done (here, at once)."""
    build(Options(root=archive, out=archive / "public"))
    (archive / "content/articles/2031/05/quay-renamed.md").write_text(
        "---\ntitle: Invented quay renamed\ndate: 2031-05-20T10:00:00+00:00\ntags: [Harbour]\n---\nThe north quay has a new name.\n", "utf-8",
    )
    forked = []
    fork = parallel.fork
    monkeypatch.setattr(parallel, "fork", lambda count, first_chunk=0: forked.append((count, first_chunk, fork(count, first_chunk))) or forked[-1][2])
    monkeypatch.setattr(build_module, "FORK_MIN_PAGES", 0)  # as if the site were big
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel.Background, "done", lambda self: True)
    build(Options(root=archive, out=archive / "public"))
    assert [(count, first, share.count) for count, first, share in forked] == [(1, 0, 1), (2, 0, 2)]
    build(Options(root=archive, out=tmp_path / "cold", cache=False))
    assert tree(archive / "public") == tree(tmp_path / "cold")


def test_a_tag_respelled_by_another_article_remakes_the_pages_showing_it(archive: Path, tmp_path: Path):
    """An article's page depends on more than its file: here the name of its tag, which
    is the spelling most articles use."""
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    assert b">Harbour<" in (out / ARTICLE).read_bytes()
    before = inode(out, ARTICLE)
    edit(archive / "content/articles/2031/05/treaty-signed.md", "tags: [treaty]", "tags: [treaty, harbour]")
    incremental_equals_cold(archive, tmp_path)
    assert b">harbour<" in (out / ARTICLE).read_bytes()
    assert inode(out, ARTICLE) != before


def test_files_unchanged_since_they_were_parsed_are_not_read(archive: Path, tmp_path: Path, monkeypatch):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    articles = lambda: sourcefiles.read_sources(archive, "articles", partial(incremental.SourceRecord(Cache.open(archive)).known, "article"))
    assert all(f.data is not None for f in articles())  # all just copied: too recent to trust their signatures
    monkeypatch.setattr(incremental, "_RACY_NS", 0)
    build(Options(root=archive, out=out, search=False))
    assert [f.data for f in articles()] == [None] * 4

    path = archive / "content/articles/2031/04/harbour-opens.md"
    st = path.stat()
    edit(path, "thanked the builders.", "thanked the builderz.")  # same size, and the old modification time
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert [f.path for f in articles() if f.data is not None] == ["content/articles/2031/04/harbour-opens.md"]
    incremental_equals_cold(archive, tmp_path)
    assert b"thanked the builderz." in (out / ARTICLE).read_bytes()


@pytest.mark.parametrize("search", [False, True])
def test_a_body_edit_hashes_only_its_own_page(archive: Path, tmp_path: Path, monkeypatch, search: bool):
    """Every other page's basis (cards, people, terms) and own article are unchanged: it is
    the last output's, its context never walked. With search, the search page is hashed
    too: it reads the new index's address. A card's digest is the cache's."""
    out = archive / "public"
    build(Options(root=archive, out=out, search=search))
    walked: list[str] = []
    of = Fingerprints.of

    def spy(self, value):
        if isinstance(value, Page):
            walked.append(value.url)
        return of(self, value)

    monkeypatch.setattr(Fingerprints, "of", spy)
    cards: list[str] = []
    card_fields = Fingerprints.card_fields
    monkeypatch.setattr(Fingerprints, "card_fields", lambda self, card: cards.append(card.url) or card_fields(self, card))
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    build(Options(root=archive, out=out, search=search))
    assert walked == ["/articles/2031/04/harbour-opens/", *(["/search/"] if search else [])]  # it reads the new index's address
    assert cards == ["/articles/2031/04/harbour-opens/"]  # the other cards' digests are the cache's
    edit(archive / "content/articles/2031/04/harbour-opens.md", "title: Lindmoor harbour", "title: Lindmoor's harbour")
    walked.clear()
    build(Options(root=archive, out=out, search=search))
    assert len(walked) > 20  # a title is on its cards: every page is hashed again
    monkeypatch.undo()
    incremental_equals_cold(archive, tmp_path, search=search)


def test_a_build_after_body_edits_alone_plans_only_the_article_pages(archive: Path, tmp_path: Path, monkeypatch):
    """The basis is the last build's: every listing and the sitemap are the last output's,
    so they are not even planned. An edit anything else shows plans them all again."""
    out = archive / "public"
    full = build(Options(root=archive, out=out, search=False))
    listed: list[int] = []
    listings, article_pages = pages._listings, pages.article_pages
    monkeypatch.setattr(pages, "_listings", lambda *args: listed.append(1) or listings(*args))
    planned: list[str] = []
    monkeypatch.setattr(pages, "article_pages", lambda *args: (planned.append(p.url) or p for p in article_pages(*args)))
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    quick = build(Options(root=archive, out=out, search=False))
    assert listed == []
    assert planned == ["/articles/2031/04/harbour-opens/"]
    assert (quick.files, quick.pages) == (full.files, full.pages)
    assert quick.made == 1 + sum(b"thanked the fictional builders." in (out / rel).read_bytes() for rel in tree(out) if rel.endswith(".xml"))
    build(Options(root=archive, out=out, search=True))  # a new index: the search page reads its address
    edit(archive / "content/articles/2031/04/harbour-opens.md", "title: Lindmoor harbour", "title: Lindmoor's harbour")
    build(Options(root=archive, out=out, search=False))
    assert len(listed) == 2
    monkeypatch.undo()
    incremental_equals_cold(archive, tmp_path)


def test_a_body_edit_with_search_carries_all_but_its_own_files_and_the_index(archive: Path, tmp_path: Path, monkeypatch):
    """With search as without, the other pages are the last output's, not even weighed;
    only the search page, which reads the new index's address, is made with the index."""
    out = archive / "public"
    build(Options(root=archive, out=out))
    before = tree(out)
    weighed: list[str] = []
    product = build_module.Product
    monkeypatch.setattr(build_module, "Product", lambda inputs, make: weighed.append(inputs[0].url) or product(inputs, make))
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    build(Options(root=archive, out=out))
    after = tree(out)
    assert sorted(weighed) == ["/articles/2031/04/harbour-opens/", "/search/"]
    changed = {rel for rel in after if before.get(rel) != after[rel]} | (before.keys() - after.keys())
    assert ARTICLE in changed and any(rel.startswith("search/part-") for rel in before.keys() - after.keys())
    assert all(rel == ARTICLE or rel.endswith(".xml") or rel.startswith("search/") for rel in changed), changed
    monkeypatch.undo()
    incremental_equals_cold(archive, tmp_path, search=True)


def test_a_body_edit_outside_an_annotated_passage_keeps_the_annotations_feed_and_collection(archive: Path, tmp_path: Path):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    collection = "articles/2031/04/ferry-timetable/annotations.jsonld"
    before = {rel: inode(out, rel) for rel in (collection, "annotations/feed.xml")}
    edit(archive / "content/articles/2031/04/ferry-timetable.md", "demand had grown.", "demand had grown again.")
    incremental_equals_cold(archive, tmp_path)
    assert inode(out, collection) == before[collection]  # its card (URL, annotations) is unchanged
    assert inode(out, "annotations/feed.xml") == before["annotations/feed.xml"]  # it shows the notes, not the body
    assert b"demand had grown" not in (out / "annotations/feed.xml").read_bytes()


def test_a_changed_note_remakes_the_annotations_feed(archive: Path, tmp_path: Path):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    feed = (out / "annotations/feed.xml").read_bytes()
    note = ET.fromstring(feed).find(f"{ATOM}entry/{ATOM}content").text
    edit(archive / "content/articles/2031/04/ferry-timetable.md", "sailing, not two.", "sailing, not two. Checked again by the fictional desk.")
    incremental_equals_cold(archive, tmp_path)
    assert "Checked again by the fictional desk." in (out / "annotations/feed.xml").read_text()
    assert note and "Checked again" not in note


@pytest.mark.parametrize("gone_from", [("public", ".public.spare"), (".public.spare",)])
def test_a_page_a_quick_build_takes_over_but_finds_gone_is_made_again(archive: Path, tmp_path: Path, gone_from: tuple[str, ...], monkeypatch):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))  # its twin is the spare
    for folder in (archive / name for name in gone_from):
        (folder / UNTOUCHED).unlink()  # not a file at the top: the output folder would change, and be distrusted
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    listed: list[int] = []
    listings = pages._listings
    monkeypatch.setattr(pages, "_listings", lambda *args: listed.append(1) or listings(*args))
    build(Options(root=archive, out=out, search=False))
    assert len(listed) == (len(gone_from) == 2)  # the whole site is planned only when no folder has the file
    monkeypatch.undo()
    incremental_equals_cold(archive, tmp_path)


def test_a_generated_file_a_removed_static_file_stood_over_comes_back(archive: Path, tmp_path: Path):
    (archive / "content/static").mkdir(parents=True, exist_ok=True)
    (archive / "content/static/robots.txt").write_text("User-agent: *\nDisallow: /invented/\n")
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    assert b"/invented/" in (out / "robots.txt").read_bytes()
    (archive / "content/static/robots.txt").unlink()
    incremental_equals_cold(archive, tmp_path)
    assert b"/invented/" not in (out / "robots.txt").read_bytes()


def test_an_article_page_a_removed_static_file_stood_over_comes_back(archive: Path, tmp_path: Path):
    """The last output holds a copied file there, not the page: it is made, not carried."""
    (archive / "content/static" / ARTICLE).parent.mkdir(parents=True)
    (archive / "content/static" / ARTICLE).write_text("<p>An invented notice over the page.</p>\n")
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))
    build(Options(root=archive, out=out, search=False))
    assert b"invented notice" in (out / ARTICLE).read_bytes()
    (archive / "content/static" / ARTICLE).unlink()
    incremental_equals_cold(archive, tmp_path)
    assert b"Lindmoor harbour reopens" in (out / ARTICLE).read_bytes()


def test_a_build_failing_before_it_writes_leaves_the_spare_for_the_next(archive: Path, tmp_path: Path):
    out = archive / "public"
    build(Options(root=archive, out=out, search=False))  # its twin is the spare
    person = archive / "content/people/by-mentions.md"
    person.write_text("---\nname: By Mentions\n---\nA fictional person whose slug is a page's name.\n")
    with pytest.raises(BuildFailed) as failed:
        build(Options(root=archive, out=out, search=False))
    assert "wanted by two pages" in failed.value.problems[0].message
    assert incremental.previous(Cache.open(archive), out).spare is not None
    person.unlink()
    incremental_equals_cold(archive, tmp_path)


def test_search_files_are_linked_from_the_cache_and_a_lost_one_is_made_again(archive: Path, tmp_path: Path):
    """The search child writes the index into the cache once; the output links those files,
    so their bytes never pass through the build's process."""
    out = archive / "public"
    build(Options(root=archive, out=out))
    store = archive / FOLDER / "search-files"
    parts = sorted((out / "search").glob("part-*.json"))
    assert parts and all(p.stat().st_ino == (store / p.name).stat().st_ino for p in parts)
    (store / parts[0].name).unlink()  # a cache cleaned by hand: the index is made again, not linked from nothing
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    incremental_equals_cold(archive, tmp_path, search=True)
    build(Options(root=archive, out=out))  # nothing changed: the index comes from the cache
    for stored in list(store.iterdir()):
        stored.unlink()
    elsewhere = tmp_path / "elsewhere"  # an output that cannot take the files over from the last one
    build(Options(root=archive, out=elsewhere))
    assert tree(elsewhere) == tree(out)


def test_the_search_child_keeps_its_term_counts_and_drops_the_table_kept_before(archive: Path, tmp_path: Path, monkeypatch):
    """One file of counts, written only when they change; the per-document shards that
    earlier versions kept are removed, and the next build counts only an edited article."""
    monkeypatch.setattr(parallel, "background", parallel.Background)  # the index made here, to watch it
    cache = archive / FOLDER
    cache.mkdir()
    old = cache / "terms-3.pickle"
    old.write_bytes(b"an earlier version's table")
    out = archive / "public"
    build(Options(root=archive, out=out))
    counts = cache / "search-terms.pickle"
    assert counts.is_file() and not old.exists()
    written = counts.stat().st_ino
    for index in cache.glob("search-*.pickle"):
        if index != counts:
            index.unlink()  # the index must be made again, from the same counts
    build(Options(root=archive, out=out))
    assert counts.stat().st_ino == written
    counted: list[str] = []
    count_terms = termcounts.count_terms
    monkeypatch.setattr(termcounts, "count_terms", lambda texts, *rest: counted.append(texts[0]) or count_terms(texts, *rest))
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    build(Options(root=archive, out=out))
    assert counted == ["Lindmoor harbour reopens after repairs"] and counts.stat().st_ino != written
    monkeypatch.undo()
    incremental_equals_cold(archive, tmp_path, search=True)


def test_a_new_alias_in_the_registry_remakes_the_search_index(archive: Path, tmp_path: Path):
    """The index's key covers each article and the people's names and aliases."""
    out = archive / "public"
    build(Options(root=archive, out=out))
    edit(archive / "content/people/orla-venn.md", "  - O. Venn\n", "  - O. Venn\n  - Harbourmistress Venn\n")
    incremental_equals_cold(archive, tmp_path, search=True)
    assert any(b"harbourmistress" in p.read_bytes() for p in (out / "search").glob("part-*.json"))


def test_only_files_settled_before_the_build_began_reading_are_recorded(tmp_path: Path):
    """A file changed less than two seconds before the reading began may change again within
    its timestamp's tick, keeping its signature: it is read again next time."""
    cache = Cache(tmp_path / FOLDER)
    record = incremental.SourceRecord(cache)
    record.started = 100 * 10**9
    settled, recent = (90 * 10**9,) * 2, (99 * 10**9,) * 2
    record.remember([
        sourcefiles.SourceFile("content/articles/settled.md", b"a", (*settled, 1, 1, 1)),
        sourcefiles.SourceFile("content/articles/recent.md", b"b", (*recent, 1, 2, 1)),
        sourcefiles.SourceFile("content/articles/changed-while-read.md", b"c"),  # zero signature
    ])
    assert set(Cache(tmp_path / FOLDER).read("sources.pickle")) == {"content/articles/settled.md"}


def test_a_dangling_symlink_among_the_articles_is_left_out(archive: Path, tmp_path: Path):
    (archive / "content/articles/2031/04/gone.md").symlink_to(archive / "nowhere.md")
    build(Options(root=archive, out=archive / "public", search=False))
    assert not (archive / "public/articles/2031/04/gone").exists()


def test_the_index_store_keeps_only_the_files_of_the_last_index_unless_another_build_uses_it(archive: Path):
    """Each edit makes most index parts anew (~80 MB at 10k articles): kept, they would fill the disk."""
    out = archive / "public"
    store = archive / FOLDER / "search-files"

    def stored() -> set[str]:
        return {p.name for p in store.iterdir() if p.name != ".lock"}

    def linked() -> set[str]:
        return {p.name for p in (out / "search").glob("*.json")}

    build(Options(root=archive, out=out))
    first = linked()
    assert first and stored() == first
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    build(Options(root=archive, out=out))
    assert stored() == linked() and first - linked()  # the last index's files alone
    second = linked()
    other = os.open(store / ".lock", os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_SH)  # another build (sitegen serve's, say) is using the store
    try:
        edit(archive / "content/articles/2031/04/harbour-opens.md", "fictional builders.", "local builders.")
        build(Options(root=archive, out=out))
        assert stored() == second | linked()  # not pruned: the other build may be about to link its files
    finally:
        os.close(other)
    build(Options(root=archive, out=archive / "elsewhere"))  # the index from the cache; the store pruned
    assert stored() == linked()


def test_a_build_holds_the_index_store_until_its_output_links_the_files(archive: Path, monkeypatch):
    lock = archive / FOLDER / "search-files" / ".lock"

    def exclusive() -> bool:
        fd = os.open(lock, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    during = []
    write_site = output.write_site
    monkeypatch.setattr(output, "write_site", lambda *a, **k: during.append(exclusive()) or write_site(*a, **k))
    build(Options(root=archive, out=archive / "public"))
    assert during == [False] and exclusive()  # no other build could prune it meanwhile; released after
    (archive / "templates").mkdir()
    (archive / "templates/month.html").write_text("{{ no_such_name }}")
    with pytest.raises(SitegenError):
        build(Options(root=archive, out=archive / "public"))
    assert exclusive()  # a failed build releases it too


def test_what_every_page_is_made_under_changes_with_an_addition_not_with_a_body_edit(archive: Path):
    """It decides whether a rebuild forks workers: most pages of the site change with it."""
    out = archive / "public"

    def under() -> bytes:
        build(Options(root=archive, out=out, search=False))
        return incremental.previous(Cache.open(archive), out).under

    first = under()
    assert first and under() == first
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    assert under() == first
    (archive / "content/articles/2031/05/quay-renamed.md").write_text("---\ntitle: Invented quay renamed\ndate: 2031-05-20\n---\nInvented.\n", "utf-8")
    assert under() != first


def test_workers_fork_for_a_cold_build_or_a_changed_basis_unless_a_search_child_has_the_other_core(monkeypatch):
    monkeypatch.setattr(build_module.parallel, "workers", lambda: 2)
    big, small = [None] * 2000, [None] * 1999
    cold, made = incremental.Previous({}, None), incremental.Previous({"index.html": b"note"}, {}, b"under")
    assert build_module.workers(Options(root=Path(".")), big, cold, b"under", searching=True) == 1  # a worker joins late
    assert build_module.workers(Options(root=Path(".")), big, cold, b"under", searching=False) == 2
    assert build_module.workers(Options(root=Path(".")), small, cold, b"under", searching=False) == 1
    assert build_module.workers(Options(root=Path(".")), big, made, b"under", searching=False) == 1
    assert build_module.workers(Options(root=Path(".")), big, made, b"other", searching=False) == 2
    assert build_module.workers(Options(root=Path(".")), big, made, b"other", searching=True) == 1
    assert build_module.workers(Options(root=Path("."), workers=3), big, made, b"under", searching=True) == 3
    monkeypatch.setattr(build_module.parallel, "workers", lambda: 4)
    assert build_module.workers(Options(root=Path(".")), big, made, b"other", searching=True) == 4
    assert build_module.workers(Options(root=Path(".")), big, cold, b"under", searching=True) == 4


def test_the_index_parts_take_the_core_a_quiet_build_leaves_idle(archive: Path, monkeypatch):
    """On two cores, one process writes the index's parts while the build makes most pages
    (cold, after an addition); one per core when it has little to do (after a body edit)."""
    asked = []
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "background", lambda compute: asked.append(compute.keywords["writers"]) or parallel.Background(compute))
    known = []  # what the child would be told, asked as the pages start: it asks later still
    write_site = output.write_site
    monkeypatch.setattr(output, "write_site", lambda *args, **kwargs: known.append(asked[-1]()) or write_site(*args, **kwargs))
    out = archive / "public"
    build(Options(root=archive, out=out))
    edit(archive / "content/articles/2031/04/harbour-opens.md", "thanked the builders.", "thanked the fictional builders.")
    build(Options(root=archive, out=out))
    (archive / "content/articles/2031/05/quay-renamed.md").write_text("---\ntitle: Invented quay renamed\ndate: 2031-05-20\n---\nInvented.\n", "utf-8")
    build(Options(root=archive, out=out))
    assert known == [1, 0, 1]


def test_an_index_not_forked_off_is_made_here_by_this_process_alone(archive: Path, monkeypatch):
    """When no child could be forked, the index is made at the end of the build, maybe
    while page workers still run: it must not fork workers of its own then."""
    from sitegen import indexer

    asked = []
    monkeypatch.setattr(parallel, "background", parallel.Background)  # as if os.fork failed
    monkeypatch.setattr(parallel, "workers", lambda: 4)
    monkeypatch.setattr(indexer, "_build_search", lambda *args, writers: asked.append(writers()))
    options = Options(root=archive)
    site, _ = build_module.load(options, configure(options))
    index = indexer.start(archive, site, Cache.open(archive), archive / "public")
    try:
        index.child.result()
    finally:
        index.stop()
    assert asked == [1]



def test_the_search_child_lets_the_counts_go_once_the_index_is_made(archive: Path, tmp_path: Path, monkeypatch):
    """The counted terms (~22 MB at 10k articles) are not held while the parts are written."""
    import weakref

    from sitegen import indexer, search

    counted, alive = [], []
    count = search.count
    monkeypatch.setattr(search, "count", lambda *args: counted.append(weakref.ref(made := count(*args))) or made)
    split = search.split_terms
    monkeypatch.setattr(search, "split_terms", lambda *args: alive.append(counted[0]() is not None) or split(*args))
    options = Options(root=archive)
    site, _ = build_module.load(options, configure(options))
    found = indexer._build_search(site, tmp_path / "cache", None, None, ENGLISH)
    assert found.manifest_url and len(counted) == 1 and alive == [False]


def test_without_a_cache_the_index_files_are_linked_from_a_scratch_folder_then_removed(archive: Path, tmp_path: Path, alone):
    """A build that keeps no cache has its search child write the index's files beside the
    output, not send their bytes back; the folder stays while the build holds it (a build's
    sweep leaves it) and goes once the output has linked them."""
    from sitegen import indexer
    from sitegen.leftovers import sweep
    from sitegen.output import Stored

    out = tmp_path / "site" / "public"
    options = Options(root=archive, out=out, cache=False)
    site, _ = build_module.load(options, configure(options))
    index = indexer.start(archive, site, Cache.disabled(), out)
    try:
        assert index.child is not None and index.child.forked
        files = index.get().files
        scratch = {data.path.parent for data in files.values() if isinstance(data, Stored)}
        assert len(scratch) == 1 and len(files) > 3 and all(isinstance(data, Stored) for data in files.values())
        (folder,) = scratch
        assert folder.parent == out.parent and folder.name.startswith(".public.search-")
        sweep(out)
        assert all(data.path.is_file() for data in files.values())
    finally:
        index.stop()
    assert not folder.exists()

    build(options)  # the whole build: the same index, linked, and nothing left beside the output
    assert sorted(p.name for p in out.parent.iterdir()) == ["public"]
    assert {rel for rel in tree(out) if rel.startswith("search/") and rel.count("-")} == set(files)
    build(Options(root=archive, out=tmp_path / "cached", workers=1))
    assert tree(out) == tree(tmp_path / "cached")


def test_a_scratch_folder_stays_while_a_build_holds_it_and_goes_once_it_was_killed(tmp_path: Path):
    """``sweep`` tells the two apart by the lock: a running build holds its folder's."""
    from sitegen.leftovers import sweep

    out = tmp_path / "public"
    held, left = tmp_path / ".public.search-running", tmp_path / ".public.search-k1ll3d"
    for folder in (held, left):
        folder.mkdir()
        (folder / "part-0.json").write_bytes(b"{}")
    fd = os.open(held, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        sweep(out)
        assert (held / "part-0.json").exists() and not left.exists()
    finally:
        os.close(fd)
    sweep(out)
    assert not held.exists()


def test_a_file_is_written_whole_even_when_a_write_takes_part_of_it(tmp_path: Path, monkeypatch):
    """The writer loops as a file object does: a write to a file may take less than all."""
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:1000])))
    data = os.urandom(10_000)
    output._write_bytes(str(tmp_path / "page.html"), data)
    assert (tmp_path / "page.html").read_bytes() == data
    assert (tmp_path / "page.html").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

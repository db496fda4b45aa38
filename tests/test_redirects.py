"""moved_from: an earlier address of an article or a person keeps leading to its page, on
any host (a page there) and on Netlify (a forced 301); check --changed-since tells of an
address a change leaves to nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sitehelpers import page, xml

from sitegen import redirects
from sitegen.build import Options, build
from sitegen.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "archive"
HARBOUR = "content/articles/2031/04/harbour-opens.md"
HARBOUR_URL = "/articles/2031/04/harbour-opens/"
ORLA = "content/people/orla-venn.md"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def insert(path: Path, after: str, lines: str) -> None:
    text = path.read_text("utf-8")
    assert after in text
    path.write_text(text.replace(after, after + lines, 1), "utf-8")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    insert(root / HARBOUR, "section: Local\n", "moved_from:\n  - /articles/2031/04/harbor-opens/\n  - /2031/04/02/harbour.html\n  - /old/harbour\n")
    insert(root / ORLA, "name: Orla Venn\n", "moved_from: [/people/o-venn/]\n")
    return root


@pytest.mark.parametrize(("written", "address"), [
    ("/articles/2031/04/x/", "/articles/2031/04/x/"),
    ("/old/harbour", "/old/harbour/"),  # a folder: every static host serves /old/harbour/ for it
    ("/2031/04/02/harbour.html", "/2031/04/02/harbour.html"),
    ("/2031/04/02/HARBOUR.HTM", "/2031/04/02/HARBOUR.HTM"),
    ("/story.php", "/story.php/"),
    ("/café/", "/café/"),
    ("/old/index.html", "/old/"),  # the folder's page: its address, as the site's own pages have
    ("/old/INDEX.HTM", "/old/"),
])
def test_an_address_is_read_as_a_page_address(written: str, address: str) -> None:
    assert redirects.address(written) == address


@pytest.mark.parametrize(("written", "why"), [
    ("https://example.org/old/", "without the scheme and host"),
    ("old/", "must be a path from the site's root"),
    ("//example.org/old/", "must be a path from the site's root"),
    ("/old/?page=2", "a query"),
    ("/old/#top", "a fragment"),
    ("/caf%C3%A9/", "decoded"),
    ("/a\\b/", "use / between the parts"),
    ("/a b/", "may not hold ' '"),
    ("/a\tb/", "may not hold '\\t'"),
    ("/a/<b>/", "may not hold '<'"),
    ("/a//b/", "an empty, '.' or '..' part"),
    ("/a/../b/", "an empty, '.' or '..' part"),
    ("/a/..", "an empty, '.' or '..' part"),
    ("/:a/:b/", "a placeholder to Netlify"),
    ("/tags/:tag", "a placeholder to Netlify"),
    ("/people/*", "'*' means any text to Netlify"),
    ("/" + "x" * 256 + "/", "longer than a file name can be"),
])
def test_an_address_that_is_no_page_address_is_refused(written: str, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        redirects.address(written)


def test_each_earlier_address_leads_to_the_page_without_script(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(Options(root=archive, out=out, search=False, cache=False))
    for old in ("/articles/2031/04/harbor-opens/", "/2031/04/02/harbour.html", "/old/harbour/"):
        doc = page(out, old)
        assert doc.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={HARBOUR_URL}"]
        assert doc.xpath("//link[@rel='canonical']/@href") == [f"https://archive.example.org{HARBOUR_URL}"]
        assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert doc.xpath("//main//a/@href") == [HARBOUR_URL]
        assert doc.xpath("string(//main//a)") == "Lindmoor harbour reopens after repairs"
        (told,) = doc.xpath("//main//p[time]")  # a reader left here sees it is the article they looked for
        assert (told.text_content(), told.xpath("time/@datetime")) == ("The Lindmoor Ledger, 2 April 2031", ["2031-04-02T09:15:00+02:00"])
        assert not doc.xpath("//script")
    person = page(out, "/people/o-venn/")
    assert person.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/people/orla-venn/"]
    assert not person.xpath("//main//time")  # a person has no day to tell
    listed = [loc.text for loc in xml(out, "sitemap.xml").iter(f"{SITEMAP}loc")]
    assert f"https://archive.example.org{HARBOUR_URL}" in listed
    assert not [url for url in listed if "harbor" in url or "/old/" in url or "o-venn" in url or url.endswith(".html")]
    assert (out / "_redirects").read_text().splitlines()[2:] == [
        f"/articles/2031/04/harbor-opens/ {HARBOUR_URL} 301!",
        f"/2031/04/02/harbour.html {HARBOUR_URL} 301!",
        f"/old/harbour/ {HARBOUR_URL} 301!",
        "/people/o-venn/ /people/orla-venn/ 301!",
        "/people/o-venn/feed.xml /people/orla-venn/feed.xml 301!",  # a listing's feed, which feed readers follow
        "/people/o-venn/page/* /people/orla-venn/page/:splat 301!",
    ]


def test_an_address_where_the_site_has_another_file_is_an_error_before_anything_is_written(archive: Path, tmp_path: Path, capsys) -> None:
    """Only pages are planned by URL; the feeds, the sitemap, static files and the like are
    files too, which a page at an earlier address would be written over (or below)."""
    out = tmp_path / "public"
    build(Options(root=archive, out=out, search=False))
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    taken = ["/feed.xml", "/sitemap.xml", "/humans.txt", "/articles/2031/04/ferry-timetable/annotations.jsonld", "/robots.txt/old/", "/tags/harbour/feed.xml"]
    text = (archive / HARBOUR).read_text()
    (archive / HARBOUR).write_text(text.replace("  - /old/harbour\n", "  - /old/harbour\n" + "".join(f"  - {t}\n" for t in taken)))
    assert main(["check", "-s", str(archive)]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if ": error: " in line]
    files = ["feed.xml", "sitemap.xml", "humans.txt", "articles/2031/04/ferry-timetable/annotations.jsonld", "robots.txt", "tags/harbour/feed.xml"]
    assert errors == sorted(
        f"{HARBOUR}:{14 + i}:1: error: moved_from: {redirects.address(t)} is where the site has its file {f}: no page's earlier address; remove it"
        for i, (t, f) in enumerate(zip(taken, files, strict=True))
    )
    assert main(["build", "-s", str(archive), "-o", str(out), "--no-search"]) == 1  # the incremental build, as check
    assert f"error: {HARBOUR}:14: moved_from: /feed.xml/ is where the site has its file feed.xml" in capsys.readouterr().err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_an_address_differing_from_a_file_only_in_capitals_or_accents_is_an_error(archive: Path, capsys) -> None:
    """Netlify tells them apart; a Mac or Windows disk does not, and would keep one file of two."""
    text = (archive / HARBOUR).read_text()
    alike = ["/Articles/2031/04/Harbour-Opens/", "/OLD/harbour/", "/cafe\u0301/", "/caf\u00e9/"]
    (archive / HARBOUR).write_text(text.replace("  - /old/harbour\n", "  - /old/harbour\n" + "".join(f"  - {t}\n" for t in alike)))
    assert main(["check", "-s", str(archive)]) == 1
    errors = [line.split(": error: moved_from: ")[1] for line in capsys.readouterr().out.splitlines() if ": error: moved_from: " in line]
    assert errors == [
        ("/Articles/2031/04/Harbour-Opens/ differs from the site's file articles/2031/04/harbour-opens/index.html only in capitals or accents: "
        "on a disk that does not tell them apart (macOS, Windows) one would be written over the other"),
        ("/OLD/harbour/ differs from the site's file old/harbour/index.html only in capitals or accents: "
        "on a disk that does not tell them apart (macOS, Windows) one would be written over the other"),
        ("/caf\u00e9/ differs from the site's file cafe\u0301/index.html only in capitals or accents: "
        "on a disk that does not tell them apart (macOS, Windows) one would be written over the other"),
    ]


def test_without_moves_there_is_no_redirects_file(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(Options(root=FIXTURE, out=out, search=False, cache=False))
    assert not (out / "_redirects").exists()


@pytest.mark.parametrize("base_url", ["https://example.org/archive/", "https://preview.example.org/pr-7/"])
def test_addresses_are_read_from_the_root_of_the_site_wherever_it_is_published(archive: Path, tmp_path: Path, base_url: str) -> None:
    """A site published below a path (the config's, or a preview's --base-url) has its earlier
    addresses below it too: the output folder is its root, as for Netlify's _redirects."""
    prefix = "/" + base_url.split("/", 3)[3]
    public = tmp_path / "public"
    build(Options(root=archive, out=public, search=False, cache=False, base_url=base_url))
    doc = page(public, "/articles/2031/04/harbor-opens/")  # the output folder's own paths
    assert doc.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={prefix}{HARBOUR_URL[1:]}"]
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"{base_url}{HARBOUR_URL[1:]}"]
    assert (public / "_redirects").read_text().splitlines()[2] == f"/articles/2031/04/harbor-opens/ {HARBOUR_URL} 301!"


def test_a_reader_arriving_at_an_earlier_address_lands_on_the_page(archive: Path, tmp_path: Path, chromium, serve_dir) -> None:
    out = tmp_path / "public"
    build(Options(root=archive, out=out, search=False, cache=False))
    base = serve_dir(out)
    context = chromium.new_context(java_script_enabled=False)  # a refresh needs no script
    try:
        tab = context.new_page()
        tab.goto(base + "old/harbour/")
        tab.wait_for_url(base + HARBOUR_URL.lstrip("/"))
        assert tab.locator("h1").inner_text() == "Lindmoor harbour reopens after repairs"
    finally:
        context.close()


# ---- check --changed-since: an address left to nothing ----------------------------------------


def git(root: Path, *args: str) -> str:
    cmd = ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


# What the fixture says of itself whatever changes: its dates are in the future, and one name is in no registry file.
FIXTURE_WARNINGS = ("date: is in the future", "people: 'Pell Marrow' is not in the registry")


def changed(root: Path, capsys) -> list[str]:
    """Every problem check --changed-since tells but the fixture's own warnings, so that a test
    expecting none fails on any message, whatever its words."""
    main(["check", "-s", str(root), "--changed-since", "main"])
    return [line for line in capsys.readouterr().out.splitlines() if not any(w in line for w in FIXTURE_WARNINGS)]


def test_a_renamed_article_must_keep_its_address(repo: Path, capsys) -> None:
    git(repo, "mv", HARBOUR, "content/articles/2031/04/lindmoor-harbour-opens.md")
    assert changed(repo, capsys) == [
        (f"content/articles/2031/04/lindmoor-harbour-opens.md:1:1: error: moved_from: {HARBOUR_URL} was its address at main, "
        "and no page is there now: add it to moved_from, so that links to it keep working"),
    ]
    insert(repo / "content/articles/2031/04/lindmoor-harbour-opens.md", "section: Local\n", f"moved_from: [{HARBOUR_URL}]\n")
    assert changed(repo, capsys) == []


def test_a_renamed_article_not_yet_added_to_git_is_found_by_its_source(repo: Path, capsys) -> None:
    (repo / HARBOUR).rename(repo / "content/articles/2031/04/lindmoor-harbour-opens.md")
    assert [line.split(": error: ")[0] for line in changed(repo, capsys)] == ["content/articles/2031/04/lindmoor-harbour-opens.md:1:1"]


def test_a_new_date_must_keep_the_address_on_the_date_line(repo: Path, capsys) -> None:
    path = repo / "content/articles/2031/04/ferry-timetable.md"
    text = path.read_text()
    assert text.splitlines()[2] == "date: 2031-04-20"
    path.write_text(text.replace("date: 2031-04-20", "date: 2031-05-20", 1))
    assert changed(repo, capsys) == [
        "content/articles/2031/04/ferry-timetable.md:3:1: warning: date: 2031-05-20 disagrees with the folder 2031/04",
        ("content/articles/2031/04/ferry-timetable.md:3:1: error: moved_from: /articles/2031/04/ferry-timetable/ was its address at main, "
        "and no page is there now: add it to moved_from, so that links to it keep working"),
    ]


def test_a_file_that_fails_is_not_said_to_be_removed(repo: Path, capsys) -> None:
    path = repo / "content/articles/2031/04/ferry-timetable.md"
    path.write_text(path.read_text().replace("date: 2031-04-20", "date: 2031-05-20\nupdated: 2031-05-01", 1))
    main(["check", "-s", str(repo), "--changed-since", "main"])
    out = capsys.readouterr().out
    assert "ferry-timetable.md:4:1: error: updated: is before date" in out
    assert "moved_from" not in out and "removed" not in out


def test_a_renamed_person_must_keep_their_address(repo: Path, capsys) -> None:
    git(repo, "mv", ORLA, "content/people/orla-venn-lindmoor.md")
    assert changed(repo, capsys) == [
        ("content/people/orla-venn-lindmoor.md:1:1: error: moved_from: /people/orla-venn/ was its address at main, "
        "and no page is there now: add it to moved_from, so that links to it keep working"),
    ]
    insert(repo / "content/people/orla-venn-lindmoor.md", "name: Orla Venn\n", "moved_from: [/people/orla-venn/]\n")
    assert changed(repo, capsys) == []


def test_a_removed_article_or_one_made_a_draft_is_a_warning(repo: Path, capsys) -> None:
    git(repo, "rm", "-q", HARBOUR)
    path = repo / "content/articles/2031/04/ferry-timetable.md"
    text = path.read_text()
    path.write_text(text.replace("\n---\n", "\ndraft: true\n---\n", 1))
    assert changed(repo, capsys) == [
        ("content/articles/2031/04/ferry-timetable.md: warning: a draft now: its address /articles/2031/04/ferry-timetable/ (at main) "
        "will answer 'page not found'; if it moved, give the address in moved_from where it is now"),
        ("content/articles/2031/04/ferry-timetable.md:6:1: warning: source.name: the outlet 'The Lindmoor Ledger' is on no article now: "
         "its page /sources/the-lindmoor-ledger/ (at main) will answer 'page not found'; if it was renamed, give that address in the [moved_from] of sitegen.toml, "
         'under the page it leads to now: "/…/new-name/" = ["/sources/the-lindmoor-ledger/"]'),
        ("content/articles/2031/04/ferry-timetable.md:8:1: warning: tags: the tag 'harbour' is on no article now: "
         "its page /tags/harbour/ (at main) will answer 'page not found'; if it was renamed, give that address in the [moved_from] of sitegen.toml, "
         'under the page it leads to now: "/…/new-name/" = ["/tags/harbour/"]'),
        ("content/articles/2031/04/ferry-timetable.md:9:1: warning: people: the person 'Pell Marrow' is on no article now: their page "
         "/people/pell-marrow/ (at main) will answer 'page not found'; if they are in content/people/ now, give that address in their "
         "file's moved_from; if the name was respelt, in the [moved_from] of sitegen.toml, under the page it leads to now: "
         '"/…/new-name/" = ["/people/pell-marrow/"]'),
        (f"{HARBOUR}: warning: removed: its address {HARBOUR_URL} (at main) will answer 'page not found'; "
        "if it moved, give the address in moved_from where it is now"),
    ]


def test_an_outlet_renamed_on_its_last_article_is_told_unless_the_config_gives_its_old_address(repo: Path, capsys) -> None:
    path = repo / "content/articles/2031/05/treaty-signed.md"
    path.write_text(path.read_text().replace("  name: Coastline Weekly\n", "  name: The Coastline Weekly\n"))
    assert changed(repo, capsys) == [
        ("content/articles/2031/05/treaty-signed.md:6:1: warning: source.name: the outlet 'Coastline Weekly' is on no article now: "
         "its page /sources/coastline-weekly/ (at main) will answer 'page not found'; if it was renamed, give that address in the [moved_from] of sitegen.toml, "
         'under the page it leads to now: "/…/new-name/" = ["/sources/coastline-weekly/"]'),
    ]
    config = repo / "sitegen.toml"
    config.write_text(config.read_text() + '\n[moved_from]\n"/sources/the-coastline-weekly/" = ["/sources/coastline-weekly/"]\n')
    assert changed(repo, capsys) == []


def test_an_address_still_answered_is_no_departure(repo: Path, capsys) -> None:
    """A person file removed while articles still name them: their page is made from the name
    (told only as a name out of the registry, not as a page gone)."""
    git(repo, "rm", "-q", ORLA)
    assert changed(repo, capsys) == [
        "content/articles/2031/04/ferry-timetable.md:9:1: warning: people: 'o. venn' is not in the registry (content/people/); a page is built from the name",
        f"{HARBOUR}:8:1: warning: people: 'Orla Venn' is not in the registry (content/people/); a page is built from the name",
    ]


def test_an_archives_own_redirects_file_is_told_the_rules_it_lacks(archive: Path, tmp_path: Path, capsys) -> None:
    """content/static/_redirects is copied over the one sitegen writes: each earlier address it
    has no rule for would lose its 301 (its page still leads on), so a warning gives the rule."""
    own = ("# An earlier site's rules, kept by hand\n/legacy/* /archive/:splat 301\n"  # /x is /x/ to Netlify:
           "/old/harbour /articles/2031/04/harbour-opens/ 301!\n/people/o-venn/ https://archive.example.org/people/orla-venn 301!\n"
           "/2031/04/02/harbour.html /articles/2031/04/harbour-opens/ 301\n")  # not forced: sitegen's page there shadows it
    (archive / "content/static/_redirects").write_text(own)
    assert main(["check", "-s", str(archive)]) == 0
    warned = [line for line in capsys.readouterr().out.splitlines() if line.startswith("content/static/_redirects")]
    assert warned == [
        ("content/static/_redirects: warning: stands over the _redirects sitegen writes, and has a rule for "
         f"/2031/04/02/harbour.html that is not a forced redirect to its page (moved_from in {HARBOUR}): add `/2031/04/02/harbour.html {HARBOUR_URL} 301!`"),
        ("content/static/_redirects: warning: stands over the _redirects sitegen writes, and lacks the rule for "
         f"/articles/2031/04/harbor-opens/ (moved_from in {HARBOUR}): add `/articles/2031/04/harbor-opens/ {HARBOUR_URL} 301!`"),
        ("content/static/_redirects: warning: stands over the _redirects sitegen writes, and lacks the rules for /people/o-venn/ "  # a listing's feed and pages
         f"(moved_from in {ORLA}): add `/people/o-venn/feed.xml /people/orla-venn/feed.xml 301!`; `/people/o-venn/page/* /people/orla-venn/page/:splat 301!`"),
    ]
    out = tmp_path / "public"
    build(Options(root=archive, out=out, search=False, cache=False))
    assert (out / "_redirects").read_text() == own
    assert page(out, "/people/o-venn/").xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/people/orla-venn/"]


def test_an_earlier_address_taken_back_or_removed_with_its_article_is_told(repo: Path, capsys) -> None:
    git(repo, "checkout", "-q", "main")
    insert(repo / HARBOUR, "section: Local\n", "moved_from: [/old/harbour/]\n")
    git(repo, "commit", "-q", "-am", "an earlier address")
    git(repo, "checkout", "-q", "-B", "pr")
    (repo / HARBOUR).write_text((repo / HARBOUR).read_text().replace("moved_from: [/old/harbour/]\n", ""))
    assert changed(repo, capsys) == [
        (f"{HARBOUR}:1:1: error: moved_from: /old/harbour/ was one of its earlier addresses (moved_from) at main, "
        "and no page is there now: keep it in moved_from, so that links to it keep working"),
    ]
    git(repo, "rm", "-q", "-f", HARBOUR)
    assert changed(repo, capsys) == [
        (f"{HARBOUR}: warning: removed: its addresses {HARBOUR_URL}, /old/harbour/ (at main) will answer 'page not found'; "
        "if it moved, give the addresses in moved_from where it is now"),
    ]


def test_new_permalinks_are_one_warning_on_the_config(repo: Path, capsys) -> None:
    config = repo / "sitegen.toml"
    config.write_text(config.read_text() + '\n[permalinks]\narticle = "/news/{yyyy}/{slug}/"\n')
    main(["check", "-s", str(repo), "--changed-since", "main"])
    warned = [line for line in capsys.readouterr().out.splitlines() if "permalinks" in line]
    assert warned == [
        ("sitegen.toml: warning: permalinks: the permalinks changed since main: 3 published addresses of articles, tags, outlets or pages no page has now "
        "(/articles/2031/04/ferry-timetable/, …); give each in moved_from, or redirect them in content/static/_redirects"),
    ]


def test_an_address_a_page_has_is_one_error_on_its_line(archive: Path, capsys) -> None:
    text = (archive / HARBOUR).read_text()
    (archive / HARBOUR).write_text(text.replace("  - /old/harbour\n", "  - /old/harbour\n  - /sources/the-lindmoor-ledger/index.html\n"))
    assert main(["check", "-s", str(archive)]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if line.startswith(f"{HARBOUR}:") and ": error: " in line] == [
        (f"{HARBOUR}:14:1: error: url: /sources/the-lindmoor-ledger/ is wanted by two pages: the outlet 'The Lindmoor Ledger' of "
        f"content/articles/2031/04/ferry-timetable.md and the moved_from of {HARBOUR} (line 14); a page is there now: remove it from moved_from"),
    ]


CONFIG_MOVES = """
[moved_from]
"/tags/harbour/" = ["/tags/harbor/", "/topics/harbour"]
"/sources/the-lindmoor-ledger/" = "/outlets/ledger/"
"""


def test_the_config_gives_earlier_addresses_of_pages_without_a_file(tmp_path: Path) -> None:
    """A tag or an outlet renamed moves its page, and no file can say so: the config does."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "sitegen.toml").write_text((root / "sitegen.toml").read_text() + CONFIG_MOVES)
    out = tmp_path / "public"
    build(Options(root=root, out=out, search=False, cache=False))
    for old, new, name in (
        ("/tags/harbor/", "/tags/harbour/", "Harbour"), ("/topics/harbour/", "/tags/harbour/", "Harbour"),
        ("/outlets/ledger/", "/sources/the-lindmoor-ledger/", "The Lindmoor Ledger"),
    ):
        doc = page(out, old)
        assert doc.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={new}"]
        assert doc.xpath("//main//a/@href") == [new]
        assert doc.xpath("string(//main//a)") == name  # the tag's or outlet's name, as its page has it
    moved = (("/tags/harbor/", "/tags/harbour/"), ("/topics/harbour/", "/tags/harbour/"), ("/outlets/ledger/", "/sources/the-lindmoor-ledger/"))
    assert (out / "_redirects").read_text().splitlines()[2:] == [  # each listing with its feed and later pages
        rule for old, new in moved for rule in (f"{old} {new} 301!", f"{old}feed.xml {new}feed.xml 301!", f"{old}page/* {new}page/:splat 301!")
    ]


def test_the_configs_earlier_addresses_are_checked_on_their_lines(tmp_path: Path, capsys) -> None:
    """The config's own mistakes first (as every config problem, before the archive is read),
    then what only the site can say: no page there, or a page at the earlier address."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    config = (root / "sitegen.toml").read_text()
    first = config.count("\n") + 3  # the line of the first entry
    for moves, expected in (
        ('"/tags/treaty/" = 7\n"/x/" = ["/y?z"]\n', [
            f"sitegen.toml:{first}:1: error: moved_from./tags/treaty/: must be a list of earlier addresses, e.g. [\"/tags/old-name/\"]",
            f"sitegen.toml:{first + 1}:1: error: moved_from./x/: a query (?…) is not part of a static page's address: '/y?z'",
        ]),
        ('"/tags/nothing-here/" = ["/tags/old-nothing/"]\n"/tags/harbour/" = "/people/"\n', [
            f"sitegen.toml:{first}:1: error: moved_from: /tags/nothing-here/ is no page of the site: give the address of a page as it is now, then its earlier ones",
            f"sitegen.toml:{first + 1}:1: error: url: /people/ is wanted by two pages: the site's page people.html and the moved_from of sitegen.toml (line {first + 1}); a page is there now: remove it from moved_from",
        ]),
    ):
        (root / "sitegen.toml").write_text(config + "\n[moved_from]\n" + moves)
        assert main(["check", "-s", str(root)]) == 1
        assert [line for line in capsys.readouterr().out.splitlines() if line.startswith("sitegen.toml:")] == expected


def test_an_articles_old_address_in_the_config_is_no_departure(repo: Path, capsys) -> None:
    git(repo, "mv", HARBOUR, "content/articles/2031/04/lindmoor-harbour-opens.md")
    (repo / "sitegen.toml").write_text((repo / "sitegen.toml").read_text() + f'\n[moved_from]\n"/articles/2031/04/lindmoor-harbour-opens/" = ["{HARBOUR_URL}"]\n')
    assert changed(repo, capsys) == []


def test_the_configs_table_is_checked_as_front_matter_is(tmp_path: Path, capsys) -> None:
    """One page under two spellings would lose one list; its own address, or one given twice,
    are errors as they are in an article's moved_from."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    config = (root / "sitegen.toml").read_text()
    first = config.count("\n") + 3
    (root / "sitegen.toml").write_text(config + '\n[moved_from]\n"/tags/harbour" = ["/tags/port/"]\n"/tags/harbour/" = ["/tags/haven/"]\n'
                                       '"/tags/treaty/" = ["/tags/pact/", "/tags/pact"]\n"/" = ["/index.htm"]\n')
    assert main(["check", "-s", str(root)]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if line.startswith("sitegen.toml:")] == [
        f"sitegen.toml:{first + 1}:1: error: moved_from./tags/harbour/: is the same page as '/tags/harbour' (line {first}): give its earlier addresses in one list",
        f"sitegen.toml:{first + 2}:1: error: moved_from./tags/treaty/: /tags/pact/ is given twice",
        f"sitegen.toml:{first + 3}:1: error: moved_from./: / is the page's own address",
    ]


def test_a_file_with_errors_is_no_departure_of_its_tags(repo: Path, capsys) -> None:
    path = repo / "content/articles/2031/05/treaty-signed.md"
    path.write_text(path.read_text().replace("tags: [treaty]\n", "tags: [treaty\n"))
    main(["check", "-s", str(repo), "--changed-since", "main"])
    out = capsys.readouterr().out
    assert "treaty-signed.md:9:7: error: invalid YAML" in out
    assert "is on no article now" not in out  # its outlet, Coastline Weekly's only article, is only unread


def test_new_permalinks_of_tags_are_told_too(repo: Path, capsys) -> None:
    config = repo / "sitegen.toml"
    config.write_text(config.read_text() + '\n[permalinks]\ntag = "/topics/{slug}/"\n')
    main(["check", "-s", str(repo), "--changed-since", "main"])
    (warned,) = [line for line in capsys.readouterr().out.splitlines() if "permalinks" in line]
    assert warned.startswith("sitegen.toml: warning: permalinks: the permalinks changed since main: 2 published addresses of articles, tags, outlets or pages "
                             "no page has now (/tags/harbour/, …)")


def test_a_person_known_by_name_alone_is_told_when_their_page_goes(repo: Path, capsys) -> None:
    """Pell Marrow, named in one article and in no registry file, has a page made from the name."""
    path = repo / "content/articles/2031/04/ferry-timetable.md"
    path.write_text(path.read_text().replace("people: [o. venn, Pell Marrow]\n", "people: [o. venn]\n"))
    (line,) = changed(repo, capsys)
    assert line.startswith("content/articles/2031/04/ferry-timetable.md:9:1: warning: people: the person 'Pell Marrow' is on no article now")
    path.write_text(path.read_text().replace("people: [o. venn]\n", "people: [o. venn, Pell Marrow]\n"))
    registered = repo / "content/people/pell-marrow-lindmoor.md"  # now in the registry, under another file name
    registered.write_text("---\nname: Pell Marrow\n---\nA fictional ferry captain.\n")
    (line,) = changed(repo, capsys)  # /people/pell-marrow/ is gone: the new file must say it was theirs
    assert line.startswith("content/articles/2031/04/ferry-timetable.md:9:1: warning: people: the person 'Pell Marrow' is on no article now")
    registered.write_text("---\nname: Pell Marrow\nmoved_from: [/people/pell-marrow/]\n---\nA fictional ferry captain.\n")
    assert changed(repo, capsys) == []


def test_an_archived_copy_alone_is_the_original_for_the_pull_requests_duplicate_check(repo: Path, capsys) -> None:
    """A new article giving only an archived copy of an archived original: the duplicate is
    told, on --changed-since too, where the article it duplicates is unchanged."""
    copy = repo / "content/articles/2031/04/aaa-copy.md"
    copy.write_text("---\ntitle: A copy\ndate: 2031-04-21\nsource:\n  name: The Lindmoor Ledger\n"
                    "  archived: https://web.archive.org/web/20310421000000/https://ledger.example.org/2031/04/ferry\n---\n\nA fictional text.\n")
    assert main(["check", "-s", str(repo), "--changed-since", "main"]) == 1
    assert "duplicate source URL" in capsys.readouterr().out


def test_copies_of_a_front_page_are_no_duplicates(tmp_path: Path, capsys) -> None:
    """A front page's copies hold different stories: they name no original."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    for day in ("21", "22"):
        (root / f"content/articles/2031/04/front-{day}.md").write_text(
            f"---\ntitle: Front page {day}\ndate: 2031-04-{day}\nsource:\n  name: The Lindmoor Ledger\n"
            f"  archived: https://web.archive.org/web/203104{day}000000/https://ledger.example.org/\n---\n\nA fictional text.\n")
    main(["check", "-s", str(root)])
    assert "duplicate source URL" not in capsys.readouterr().out


def test_a_listings_earlier_address_with_files_below_it_is_an_error(tmp_path: Path, capsys) -> None:
    """Its feed's and later pages' rules would send the requests for those files elsewhere."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    config = (root / "sitegen.toml").read_text()
    (root / "sitegen.toml").write_text(config + '\n[moved_from]\n"/tags/harbour/" = ["/tags/harbor/"]\n')
    (root / "content/static/tags/harbor").mkdir(parents=True)
    (root / "content/static/tags/harbor/feed.xml").write_text("<feed/>")
    assert main(["check", "-s", str(root)]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if line.startswith("sitegen.toml:")] == [
        (f"sitegen.toml:{config.count(chr(10)) + 3}:1: error: moved_from: /tags/harbor/ has the site's file tags/harbor/feed.xml below it, "
        "which the redirect of its feed and later pages would hide: move that file, or give another address"),
    ]


def test_two_entries_of_the_config_claiming_one_address_are_told_apart_by_their_lines(tmp_path: Path, capsys) -> None:
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    config = (root / "sitegen.toml").read_text()
    first = config.count("\n") + 3
    (root / "sitegen.toml").write_text(config + '\n[moved_from]\n"/tags/harbour/" = ["/tags/old/"]\n"/tags/treaty/" = ["/tags/old/"]\n')
    assert main(["check", "-s", str(root)]) == 1
    assert (f"sitegen.toml:{first + 1}:1: error: url: /tags/old/ is wanted by two pages: the moved_from of sitegen.toml (line {first}) "
            f"and the moved_from of sitegen.toml (line {first + 1}); keep it in one moved_from") in capsys.readouterr().out.splitlines()


def test_new_permalinks_of_the_annotations_pages_are_told_too(repo: Path, capsys) -> None:
    """Readers follow a kind's feed (a corrections log): moving the pages of notes is told as any other."""
    config = repo / "sitegen.toml"
    config.write_text(config.read_text() + '\n[permalinks]\nannotation_kind = "/notes/{slug}/"\n')
    main(["check", "-s", str(repo), "--changed-since", "main"])
    (warned,) = [line for line in capsys.readouterr().out.splitlines() if "permalinks" in line]
    assert warned.startswith("sitegen.toml: warning: permalinks: the permalinks changed since main: 5 published addresses of articles, tags, outlets or pages "
                             "no page has now (/annotations/context/, …)")


def test_a_new_permalink_of_the_data_is_told(repo: Path, capsys) -> None:
    """Researchers' scripts fetch /data/articles.csv: moving the data is told as any page."""
    config = repo / "sitegen.toml"
    config.write_text(config.read_text() + '\n[permalinks]\ndata = "/export/"\n')
    main(["check", "-s", str(repo), "--changed-since", "main"])
    (warned,) = [line for line in capsys.readouterr().out.splitlines() if "permalinks" in line]
    assert "1 published address of articles, tags, outlets or pages no page has now (/data/)" in warned


def test_turning_the_data_off_is_told_and_turning_it_on_is_no_departure(repo: Path, capsys) -> None:
    config = repo / "sitegen.toml"
    base = config.read_text()
    config.write_text(base + "\ndata = false\n")
    assert [line for line in changed(repo, capsys) if "data" in line] == [
        ("sitegen.toml: warning: data: data = false: the tables at /data/ (at main) will answer 'page not found', and the scripts that fetch them fail; "
        "if that is meant, nothing is to be done"),
    ]
    git(repo, "commit", "-q", "-am", "no data")
    git(repo, "branch", "-q", "-f", "main")
    config.write_text(base + '\n[permalinks]\ndata = "/export/"\n')  # never published at /data/: nothing left there
    assert [line for line in changed(repo, capsys) if "data" in line or "permalinks" in line] == []

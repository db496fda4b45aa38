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
        assert not doc.xpath("//script")
    person = page(out, "/people/o-venn/")
    assert person.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/people/orla-venn/"]
    listed = [loc.text for loc in xml(out, "sitemap.xml").iter(f"{SITEMAP}loc")]
    assert f"https://archive.example.org{HARBOUR_URL}" in listed
    assert not [url for url in listed if "harbor" in url or "/old/" in url or "o-venn" in url or url.endswith(".html")]
    assert (out / "_redirects").read_text().splitlines()[1:] == [
        f"/articles/2031/04/harbor-opens/ {HARBOUR_URL} 301!",
        f"/2031/04/02/harbour.html {HARBOUR_URL} 301!",
        f"/old/harbour/ {HARBOUR_URL} 301!",
        "/people/o-venn/ /people/orla-venn/ 301!",
    ]


def test_without_moves_there_is_no_redirects_file(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(Options(root=FIXTURE, out=out, search=False, cache=False))
    assert not (out / "_redirects").exists()


def test_a_site_below_a_path_takes_addresses_below_it(archive: Path, tmp_path: Path, capsys) -> None:
    config = archive / "sitegen.toml"
    config.write_text(config.read_text().replace('base_url = "https://archive.example.org/"', 'base_url = "https://example.org/archive/"'))
    assert main(["check", "-s", str(archive)]) == 1
    out = capsys.readouterr().out
    assert f"{HARBOUR}:11:1: error: moved_from[0]: /articles/2031/04/harbor-opens/ is outside the site: its addresses begin with /archive/" in out
    text = (archive / HARBOUR).read_text().replace("  - /articles/2031/04/harbor-opens/\n", "  - /archive/articles/2031/04/harbor-opens/\n")
    (archive / HARBOUR).write_text(text.replace("  - /2031/04/02/harbour.html\n  - /old/harbour\n", ""))
    (archive / ORLA).write_text((archive / ORLA).read_text().replace("moved_from: [/people/o-venn/]\n", ""))
    public = tmp_path / "public"
    build(Options(root=archive, out=public, search=False, cache=False))
    doc = page(public, "/articles/2031/04/harbor-opens/")  # the output folder is the site's root, /archive/
    assert doc.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url=/archive{HARBOUR_URL}"]
    assert (public / "_redirects").read_text().splitlines()[1:] == [f"/articles/2031/04/harbor-opens/ {HARBOUR_URL} 301!"]


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


def changed(root: Path, capsys) -> list[str]:
    main(["check", "-s", str(root), "--changed-since", "main"])
    return [line for line in capsys.readouterr().out.splitlines() if "moved_from" in line or "removed" in line or "a draft now" in line]


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
        (f"{HARBOUR}: warning: removed: its address {HARBOUR_URL} (at main) will answer 'page not found'; "
        "if it moved, give the address in moved_from where it is now"),
    ]


def test_an_address_still_answered_is_no_departure(repo: Path, capsys) -> None:
    """A person file removed while articles still name them: their page is made from the name."""
    git(repo, "rm", "-q", ORLA)
    assert changed(repo, capsys) == []


def test_an_archives_own_redirects_file_is_told_the_rules_it_lacks(archive: Path, tmp_path: Path, capsys) -> None:
    """content/static/_redirects is copied over the one sitegen writes: each earlier address it
    has no rule for would lose its 301 (its page still leads on), so a warning gives the rule."""
    own = ("# An earlier site's rules, kept by hand\n/legacy/* /archive/:splat 301\n"
           "/old/harbour /articles/2031/04/harbour-opens/ 301!\n/people/o-venn/ /people/orla-venn/ 301!\n")  # /x is /x/ to Netlify
    (archive / "content/static/_redirects").write_text(own)
    assert main(["check", "-s", str(archive)]) == 0
    warned = [line for line in capsys.readouterr().out.splitlines() if line.startswith("content/static/_redirects")]
    assert warned == [
        "content/static/_redirects: warning: stands over the _redirects sitegen writes, and has no rule for "
        f"{old} (moved_from in {path}): add `{old} {to} 301!`"
        for old, path, to in (
            ("/2031/04/02/harbour.html", HARBOUR, HARBOUR_URL),  # in the order of the messages
            ("/articles/2031/04/harbor-opens/", HARBOUR, HARBOUR_URL),
        )
    ]
    out = tmp_path / "public"
    build(Options(root=archive, out=out, search=False, cache=False))
    assert (out / "_redirects").read_text() == own
    assert page(out, "/people/o-venn/").xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/people/orla-venn/"]

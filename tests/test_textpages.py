"""The archive's own pages (content/pages/): about it, its methods, its corrections policy.
Built and checked by parsing what is written; every problem on its line; incremental
builds equal to cold ones when a page comes, changes or goes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sitehelpers import html_pages, page, xml
from test_incremental import incremental_equals_cold

from sitegen.build import Options, build, check
from sitegen.cache import FOLDER
from sitegen.cli import main
from sitegen.errors import BuildFailed

FIXTURE = Path(__file__).parent / "fixtures" / "archive"
ABOUT = """---
title: About this fictional archive
summary: What the invented archive holds.
---
The archive holds **invented** articles about an invented town.

See [every note](/annotations/). <script>alert(1)</script>
"""


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(FOLDER))
    (root / "content/pages").mkdir()
    (root / "content/pages/about.md").write_text(ABOUT, "utf-8")
    (root / "content/pages/corrections-policy.md").write_text("---\ntitle: A corrections policy\n---\nFictional: a mistake is corrected in a note.\n", "utf-8")
    return root


def test_a_page_is_built_at_its_name_and_every_page_links_it(archive: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(Options(root=archive, out=out, cache=False, search=False))
    doc = page(out, "/about/")
    assert doc.cssselect("h1")[0].text_content() == "About this fictional archive"
    assert doc.cssselect('meta[name="description"]')[0].get("content") == "What the invented archive holds."
    body = doc.cssselect(".text-page .article__body")[0]
    assert body.cssselect("strong")[0].text_content() == "invented"
    assert not doc.cssselect("main script") and "<script>alert(1)</script>" in body.text_content()  # raw HTML stays text
    sitemap = [loc.text for loc in xml(out, "sitemap.xml").iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://archive.example.org/about/" in sitemap
    for path in html_pages(out):  # the footer of every page names them, A-Z by title
        footer = page(out, "/" + path.relative_to(out).as_posix().removesuffix("index.html"))
        links = [(a.get("href"), a.text_content()) for a in footer.cssselect("footer .footer-pages a")]
        assert links == [("/corrections-policy/", "A corrections policy"), ("/about/", "About this fictional archive")], path


def test_an_order_puts_a_page_first_and_the_rest_follow_a_to_z(archive: Path, tmp_path: Path):
    (archive / "content/pages/methods.md").write_text("---\ntitle: Our methods\norder: 2\n---\nFictional.\n", "utf-8")
    (archive / "content/pages/about.md").write_text(ABOUT.replace("summary:", "order: 1\nsummary:"), "utf-8")
    out = tmp_path / "out"
    build(Options(root=archive, out=out, cache=False, search=False))
    assert [a.text_content() for a in page(out, "/").cssselect("footer .footer-pages a")] == [
        "About this fictional archive", "Our methods", "A corrections policy"]


def test_without_pages_the_footer_names_none(tmp_path: Path):
    out = tmp_path / "out"
    build(Options(root=FIXTURE, out=out, cache=False, search=False))
    assert not page(out, "/").cssselect("footer nav")


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("no-title.md", "---\nsummary: A page without a title.\n---\nText.\n", "content/pages/no-title.md:1: title: required"),
    ("typo.md", "---\ntitle: Methods\nsumary: A typo.\n---\nText.\n", "content/pages/typo.md:3: sumary: unknown field"),
    ("scheme.md", "---\ntitle: Methods\n---\nFirst line.\n\nA [link](javascript:alert(1)).\n", "content/pages/scheme.md:6: body: link scheme 'javascript' is not allowed"),
    ("deeper/methods.md", "---\ntitle: Methods\n---\nText.\n", "content/pages/deeper/methods.md: not read: a page is a file right in content/pages/"),
    ("methods.txt", "Methods.\n", "content/pages/methods.txt: not read: page files end in .md"),
    ("moved.md", "---\ntitle: Methods\nmoved_from: [/methods/]\n---\nText.\n", "content/pages/moved.md:3: moved_from: a page takes no moved_from"),
    ("draft.md", "---\ntitle: Methods\ndraft: true\n---\nText.\n", "content/pages/draft.md:3: draft: a page has no drafts"),
    ("order.md", "---\ntitle: Methods\norder: first\n---\nText.\n", "content/pages/order.md:3: order: must be a whole number, e.g. 1, not 'first'"),
    ("control.md", "---\ntitle: Methods\n---\nText\x07 with a bell.\n", "content/pages/control.md:4: body: holds the invisible control character U+0007"),
    ("people.md", "---\ntitle: People\n---\nText.\n", "content/pages/people.md:1: url: /people/ is wanted by two pages: the site's page people.html and the page content/pages/people.md"),
])
def test_every_problem_of_a_page_is_told_on_its_line(archive: Path, name: str, text: str, expected: str):
    path = archive / "content/pages" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    said = [str(p) for p in check(Options(root=archive, cache=False, search=False))]
    assert any(line.startswith(expected) for line in said), said
    with pytest.raises(BuildFailed):
        build(Options(root=archive, out=archive / "public", cache=False, search=False))


def test_a_pages_links_into_the_site_are_checked_as_an_articles_are(archive: Path):
    (archive / "content/pages/methods.md").write_text("---\ntitle: Methods\n---\nSee [the people](/people/).\n\nAnd [a lost page](/nowhere/).\n", "utf-8")
    with pytest.raises(BuildFailed) as failed:  # as check and build --strict check articles' links
        build(Options(root=archive, out=archive / "public", cache=False, search=False, strict=True))
    said = [str(p) for p in failed.value.problems if p.path.startswith("content/pages/")]
    assert said == ["content/pages/methods.md:6: body: links to '/nowhere/', which is no page of this site"]


def test_a_link_to_a_page_whose_file_failed_is_not_called_broken(archive: Path):
    """Fixing the file makes the page; a link to another address is still told."""
    (archive / "content/pages/methods.md").write_text("---\nsumary: no title\n---\nText.\n", "utf-8")
    (archive / "content/pages/about.md").write_text(ABOUT.replace("[every note](/annotations/)", "[methods](/methods/) and [a lost page](/nowhere/)"), "utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(Options(root=archive, out=archive / "public", cache=False, search=False, strict=True))
    said = [p.message for p in failed.value.problems if p.path == "content/pages/about.md"]
    assert said == ["links to '/nowhere/', which is no page of this site"]


@pytest.mark.parametrize(("change", "search"), [
    ("retitle", False), ("retitle", True), ("edit", False), ("summary", False), ("add", False), ("remove", False),
    ("rename", False), ("retitle and add an article", False), ("edit an article", True),
])
def test_an_incremental_build_after_a_page_changes_equals_a_cold_one(archive: Path, tmp_path: Path, change: str, search: bool):
    build(Options(root=archive, out=archive / "public", search=search))
    build(Options(root=archive, out=archive / "public", search=search))  # the spare holds this output
    about = archive / "content/pages/about.md"
    if change.startswith("retitle"):
        about.write_text(ABOUT.replace("About this fictional archive", "About the invented archive"), "utf-8")
    if change == "edit":
        about.write_text(ABOUT.replace("invented town", "invented harbour town"), "utf-8")
    if change == "add":
        (archive / "content/pages/methods.md").write_text("---\ntitle: Methods\n---\nFictional methods.\n", "utf-8")
    if change == "summary":
        about.write_text(ABOUT.replace("What the invented archive holds.", "What the invented archive keeps."), "utf-8")
    if change == "remove":
        about.unlink()
    if change == "rename":
        about.rename(archive / "content/pages/about-us.md")
    if change == "edit an article":  # the fast path: only its page and feeds, with the pages there
        harbour = archive / "content/articles/2031/04/harbour-opens.md"
        harbour.write_text(harbour.read_text("utf-8").replace("thanked the builders.", "thanked the fictional builders."), "utf-8")
    if change.endswith("add an article"):  # article pages carried over must not keep the old footer
        (archive / "content/articles/2031/05/quay.md").write_text("---\ntitle: Invented quay renamed\ndate: 2031-05-20T10:00:00+00:00\n---\nFictional.\n", "utf-8")
    out = incremental_equals_cold(archive, tmp_path, search=search)
    assert (out / "about/index.html").is_file() == (change not in ("remove", "rename"))


# ---- check --changed-since: a page's address left to nothing ----------------------------------


@pytest.fixture
def repo(archive: Path) -> Path:
    (archive / "content/articles/2031/04/harbour-opens.md").write_text(
        (archive / "content/articles/2031/04/harbour-opens.md").read_text("utf-8").replace("Mayor Tamsin Arlo thanked", "See [our policy](/corrections-policy/). Mayor Tamsin Arlo thanked"), "utf-8")
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", ".")
    git(archive, "commit", "-q", "-m", "base")
    git(archive, "checkout", "-q", "-b", "pr")
    return archive


def test_a_pull_request_removing_or_renaming_a_page_is_told_what_it_leaves(repo: Path, capsys):
    git(repo, "rm", "-q", "content/pages/corrections-policy.md")
    assert changed(repo, capsys) == [  # the unchanged article linking to it too
        "content/articles/2031/04/harbour-opens.md:14:1: warning: body: links to '/corrections-policy/', which is no page of this site",
        ("content/pages/corrections-policy.md: warning: removed: its address /corrections-policy/ (at main) will answer 'page not found'; "
         'if it moved, add a rule to content/static/_redirects: "/corrections-policy/ /its/new/address/ 301!"'),
    ]
    git(repo, "checkout", "-q", "main", "--", "content/pages/corrections-policy.md")
    git(repo, "mv", "content/pages/about.md", "content/pages/about-us.md")
    assert changed(repo, capsys) == [
        ("content/pages/about-us.md: warning: renamed: its address /about/ (at main) will answer 'page not found'; "
         'if it moved, add a rule to content/static/_redirects: "/about/ /its/new/address/ 301!"'),
    ]


def test_a_pull_request_removing_an_article_a_page_links_to_is_told_on_the_page(repo: Path, capsys):
    (repo / "content/pages/about.md").write_text(ABOUT.replace("[every note](/annotations/)", "[the ferry](/articles/2031/04/ferry-timetable/)"), "utf-8")
    git(repo, "commit", "-q", "-am", "a link")
    git(repo, "checkout", "-q", "-b", "pr2")
    git(repo, "rm", "-q", "content/articles/2031/04/ferry-timetable.md")
    lines = changed(repo, capsys, ref="pr")
    assert "content/pages/about.md:7:1: warning: body: links to '/articles/2031/04/ferry-timetable/', which is no page of this site" in lines


def git(root: Path, *args: str) -> str:
    cmd = ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def changed(root: Path, capsys, ref: str = "main") -> list[str]:
    """What check --changed-since tells, but the fixture's own warnings and the summary."""
    main(["check", "-s", str(root), "--changed-since", ref])
    own = ("date: is in the future", "people: 'Pell Marrow' is not in the registry", "error(s)")
    return [line for line in capsys.readouterr().out.splitlines() if not any(w in line for w in own)]

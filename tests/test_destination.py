"""The output folder is replaced whole: a build refuses one that could hold anything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cli import main

ARTICLE = "---\ntitle: A fictional ferry sails\ndate: 2021-03-04\n---\nThe fictional ferry sailed.\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    archive = tmp_path / "archive"
    (archive / "content/articles/2021/03").mkdir(parents=True)
    (archive / "content/articles/2021/03/ferry.md").write_text(ARTICLE)
    return archive


def build(root: Path, *extra: str) -> int:
    return main(["build", "-s", str(root), "--no-search", "--quiet", *extra])


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.parametrize("output", ["-o .", "-o ..", "-o content", "-o content/static/site", "-o themes/x", "-o templates",
                                    "-o .sitegen-cache", "-o .git/site", "-o node_modules/x", "config \"content\"", "config \"\""])
def test_an_output_over_or_inside_what_the_build_reads_is_refused_touching_nothing(root: Path, output: str, capsys):
    how, where = output.split(" ")
    if how == "config":
        (root / "sitegen.toml").write_text(f"output = {where}\n")
    before = files(root.parent)
    code = build(root) if how == "config" else build(root, "-o", str(root / where))
    err = capsys.readouterr().err
    assert code == 1 and "output" in err and "Traceback" not in err
    assert files(root.parent) == before  # nothing written, nothing removed, not even the cache


def test_check_reports_a_configured_output_inside_content(root: Path, capsys):
    (root / "sitegen.toml").write_text('output = "content/static/site"\n')
    assert main(["check", "-s", str(root)]) == 1
    assert "sitegen.toml:1:1: error: output: 'content/static/site' lies inside" in capsys.readouterr().out


def test_a_folder_of_other_files_is_refused_and_kept(root: Path, tmp_path: Path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("fictional notes")
    for flags in ([], ["--no-cache"]):
        assert build(root, "-o", str(mine), *flags) == 1
        assert "is not empty and holds no site" in capsys.readouterr().err
        assert files(mine) == {"notes.txt"}


def test_a_folder_holding_a_git_repository_is_refused(root: Path, tmp_path: Path, capsys):
    site = tmp_path / "gh-pages"
    (site / ".git").mkdir(parents=True)
    (site / "index.html").write_text("<p>an older site</p>")
    assert build(root, "-o", str(site)) == 1
    assert "holds a .git repository" in capsys.readouterr().err
    assert files(site) == {".git", "index.html"}


def test_a_rebuild_over_its_own_output_or_another_site_works(root: Path, tmp_path: Path, capsys):
    assert build(root) == 0
    assert build(root) == 0 and build(root, "--no-cache") == 0
    assert (root / "public/articles/2021/03/ferry/index.html").is_file()
    (root / "public/index.html").unlink()  # as when permalinks.home is not "/"
    assert build(root) == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "index.html").write_text("<p>a site made elsewhere</p>")
    assert build(root, "-o", str(other), "--no-cache") == 0
    assert (other / "articles/2021/03/ferry/index.html").is_file()
    assert build(root, "-o", str(tmp_path / "empty")) == 0  # absent, then made


def test_files_named_after_the_output_but_not_a_builds_are_left_alone(root: Path):
    (root / ".public.notes").mkdir()
    (root / ".public.notes/keep.txt").write_text("fictional")
    assert build(root) == 0 and build(root) == 0
    assert (root / ".public.notes/keep.txt").is_file()


def test_an_output_inside_a_symlinked_content_folder_is_refused(root: Path, tmp_path: Path, capsys):
    """content/ kept elsewhere and linked in: the output may not land inside its real place."""
    real = tmp_path / "real-content"
    (root / "content").rename(real)
    (root / "content").symlink_to(real, target_is_directory=True)
    (real / "index.html").write_text("a fictional page, so the folder passes as a site")
    before = files(real)
    assert build(root, "-o", str(real)) == 1
    assert "which the build reads" in capsys.readouterr().err
    assert files(real) == before

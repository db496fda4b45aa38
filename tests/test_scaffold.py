"""``sitegen new``: every schema field present and explained, valid, never overwriting."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import scaffold
from sitegen.cli import main
from sitegen.content import parse_article
from sitegen.errors import SitegenError
from sitegen.frontmatter import CONTROL, control_name, parse
from sitegen.schema import ARTICLE_FIELDS, article_json_schema


def new(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["new", "-s", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_title_with_a_control_character_is_refused_and_nothing_written(tmp_path: Path, capsys) -> None:
    """Pasted from a terminal, say: check would refuse the file, so new writes none."""
    code, out, err = new(tmp_path, capsys, "Quillby council\x1b[0m votes", "--date", "2021-03-04")
    assert code == 1 and out == ""
    assert "the title holds the invisible control character U+001B, which no feed can carry; delete it" in err
    assert "Traceback" not in err and not (tmp_path / "content").exists()


def test_writes_dated_path_with_every_field_and_comment(tmp_path: Path, capsys) -> None:
    code, out, _ = new(tmp_path, capsys, "Quillby council: lanterns vote!", "--date", "2021-03-04")
    assert code == 0
    rel = "content/articles/2021/03/quillby-council-lanterns-vote.md"
    assert out.strip() == f"wrote {rel}"
    text = (tmp_path / rel).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "---"
    assert lines[1] == "# yaml-language-server: $schema=http://127.0.0.1:8000/schemas/article.schema.json"
    fm = parse(text)
    assert list(fm.data) == [f.name for f in ARTICLE_FIELDS]
    for f in ARTICLE_FIELDS:  # each field is preceded by its comment block, starting with its doc
        at = fm.lines[f.name] - 1
        comments = []
        for line in reversed(lines[: at]):
            if not line.startswith("#"):
                break
            comments.insert(0, line)
        heads = [c for c in comments if not c.startswith("#  ")]  # indented lines are examples
        assert heads[-1].startswith(f"# {f.name}") and f.doc in heads[-1]
    assert fm.data["title"] == "Quillby council: lanterns vote!"
    assert fm.data["date"] == "2021-03-04"


def test_new_file_passes_check_once_its_body_is_written(tmp_path: Path, capsys) -> None:
    new(tmp_path, capsys, "A fictional ferry timetable", "--date", "2021-03-04", "--source-url", "https://www.example.org/ferry")
    path = tmp_path / "content/articles/2021/03/a-fictional-ferry-timetable.md"
    line = path.read_text(encoding="utf-8").splitlines().index(scaffold.BODY.strip()) + 1
    assert main(["check", "-s", str(tmp_path)]) == 0  # a warning: the article is not written yet
    assert capsys.readouterr().out.splitlines()[0] == (
        f"content/articles/2021/03/a-fictional-ferry-timetable.md:{line}:1: warning: body: "
        "still the placeholder `sitegen new` wrote: write the article"
    )
    assert main(["check", "-s", str(tmp_path), "--strict"]) == 1
    capsys.readouterr()
    path.write_text(path.read_text(encoding="utf-8").replace(scaffold.BODY, "The ferries run hourly.\n"), encoding="utf-8")
    assert main(["check", "-s", str(tmp_path), "--strict"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("spelling", ["https://www.example.org/ferry", "http://example.org/ferry/?utm_source=feed"])
def test_refuses_a_source_already_archived(tmp_path: Path, capsys, spelling: str) -> None:
    new(tmp_path, capsys, "Ferry", "--date", "2021-03-04", "--source-url", "https://www.example.org/ferry")
    code, _, err = new(tmp_path, capsys, "Ferry again", "--date", "2021-03-05", "--source-url", spelling)
    assert code == 1
    assert "--source-url: already archived in content/articles/2021/03/ferry.md; edit that article instead" in err
    assert not (tmp_path / "content/articles/2021/03/ferry-again.md").exists()


def test_refuses_a_source_that_an_unreadable_article_may_hold(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "content/articles/2021/03/broken.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("---\ntitle: Broken: yes: no\nsource:\n  url: https://example.org/ferry\n---\nBody.\n")
    code, _, err = new(tmp_path, capsys, "Ferry", "--date", "2021-03-04", "--source-url", "https://example.org/ferry")
    assert code == 1
    assert "--source-url: may be archived in content/articles/2021/03/broken.md:2: cannot read the archived article: invalid YAML" in err
    assert not (tmp_path / "content/articles/2021/03/ferry.md").exists()


def test_source_url_fills_source(tmp_path: Path, capsys) -> None:
    new(tmp_path, capsys, "Ferry", "--date", "2021-03-04", "--source-url", "https://www.example.org/ferry?x=1")
    data = parse((tmp_path / "content/articles/2021/03/ferry.md").read_text()).data
    assert data["source"] == {"name": "example.org", "url": "https://www.example.org/ferry?x=1"}


def test_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    new(tmp_path, capsys, "Ferry", "--date", "2021-03-04")
    target = tmp_path / "content/articles/2021/03/ferry.md"
    target.write_text(target.read_text() + "\nEdited by hand.\n")
    before = target.read_bytes()
    code, _, err = new(tmp_path, capsys, "Ferry", "--date", "2021-03-20")
    assert code == 1
    assert "content/articles/2021/03/ferry.md: already exists; not overwritten" in err
    assert target.read_bytes() == before


@pytest.mark.parametrize(("args", "message"), [
    (["Ferry", "--date", "2021-02-30"], "--date: not a date: '2021-02-30'"),
    (["Ferry", "--source-url", "example.org/ferry"], "--source-url: must be an http(s) URL"),
    (["  "], "the title must not be empty"),
])
def test_bad_arguments_are_clear_errors(tmp_path: Path, capsys, args, message) -> None:
    code, _, err = new(tmp_path, capsys, *args)
    assert code == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "content").exists() or not any((tmp_path / "content").rglob("*.md"))


def test_default_date_is_today_and_schema_url_follows_config(tmp_path: Path, capsys) -> None:
    (tmp_path / "sitegen.toml").write_text('base_url = "https://archive.example.org/sub"\n')
    new(tmp_path, capsys, "Ferry")
    (path,) = (tmp_path / "content/articles").rglob("*.md")
    today = date.today()
    assert path.parent.relative_to(tmp_path).as_posix() == f"content/articles/{today:%Y}/{today:%m}"
    assert "$schema=https://archive.example.org/sub/schemas/article.schema.json" in path.read_text()


def test_datetime_with_offset_is_kept(tmp_path: Path, capsys) -> None:
    new(tmp_path, capsys, "Ferry", "--date", "2021-03-04T23:30:00+02:00")
    article = parse_article("x.md", (tmp_path / "content/articles/2021/03/ferry.md").read_bytes())
    assert article.date.isoformat() == "2021-03-04T23:30:00+02:00"


def test_a_new_file_matches_the_published_json_schema(tmp_path: Path, capsys) -> None:
    """Editors validate with the published schema; its empty (null) fields are allowed, as the checker allows them."""
    new(tmp_path, capsys, "Ferry", "--date", "2021-03-04", "--source-url", "https://example.org/f")
    data = parse((tmp_path / "content/articles/2021/03/ferry.md").read_text()).data
    schema = article_json_schema("https://example.org/schemas/article.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(json.dumps(data)), schema, cls=jsonschema.Draft202012Validator)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "title": None}, schema, cls=jsonschema.Draft202012Validator)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda t: t.strip()))
def test_any_title_round_trips(title: str) -> None:
    """Quotes, colons, '#', '---' or YAML words in a title never break the file; a control
    character, which no feed can carry (and check would refuse), is refused before any file
    is written, named."""
    if found := CONTROL.search(title):
        with pytest.raises(SitegenError, match=re.escape(f"the title holds the invisible control character {control_name(found.group())},")):
            scaffold.render(title, date(2021, 3, 4), "https://example.org/s.json")
        return
    text = scaffold.render(title, date(2021, 3, 4), "https://example.org/s.json")
    article = parse_article("content/articles/2021/03/x.md", text)
    assert not isinstance(article, list), article
    assert article.title == title.strip()


def test_the_published_schema_checks_an_annotation_id_as_the_checker_does() -> None:
    schema = article_json_schema("https://example.org/schemas/article.schema.json")
    note = {"quote": "q", "kind": "note", "note": "n"}
    valid = jsonschema.Draft202012Validator(schema).is_valid
    assert valid({"title": "T", "date": "2031-04-02", "annotations": [{**note, "id": "toll-figure"}]})
    for wrong in ("Toll Figure", "a--b", "-a", "a" * 65):
        assert not valid({"title": "T", "date": "2031-04-02", "annotations": [{**note, "id": wrong}]}), wrong

import re
from pathlib import Path

import pytest

from sitegen.config import (
    Config,
    config_warnings,
    documented_fields,
    key_line,
    load_config,
    parse_config,
)
from sitegen.errors import Invalid, SitegenError
from sitegen.routes import Routes


def test_defaults_build_an_archive_without_config(tmp_path: Path):
    assert load_config(tmp_path) == Config()


def test_sitegen_toml_wins_over_pyproject(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.sitegen]\ntitle = "From pyproject"\n')
    assert load_config(tmp_path).title == "From pyproject"
    (tmp_path / "sitegen.toml").write_text('title = "From sitegen.toml"\npaginate = 5\n')
    assert load_config(tmp_path).title == "From sitegen.toml"


def test_unknown_and_mistyped_keys_are_named():
    _, problems = parse_config({"titel": "x", "paginate": "ten", "permalinks": {"tagz": "/t/{slug}/"}}, "sitegen.toml")
    assert [str(p) for p in problems] == [
        "sitegen.toml: titel: unknown setting; known: title, description, base_url, language, theme, paginate, output, permalinks, noindex, moved_from, edit_url, data, license",
        "sitegen.toml: paginate: must be a whole number, not 'ten'",
        "sitegen.toml: permalinks.tagz: unknown page kind; known: home, article, people, people_by_mentions, person, tags, tag, sources, source, archive, year, month, annotations, annotation_kind, data, search, text_page",
    ]


def test_load_config_raises_a_readable_error(tmp_path: Path):
    (tmp_path / "sitegen.toml").write_text('base_url = "ftp://x"\n')
    with pytest.raises(SitegenError, match="base_url: must be an http"):
        load_config(tmp_path)


def test_every_setting_is_documented():
    assert all(doc for _, doc, _ in documented_fields())


def test_permalink_patterns_drive_urls_and_output_paths():
    config, problems = parse_config({"permalinks": {"article": "/{yyyy}/{slug}/"}, "base_url": "https://example.org/a/"}, "x")
    assert problems == []
    routes = Routes.from_config(config)
    url = routes.url_for("article", yyyy="2031", mm="04", slug="story")
    assert url == "/a/2031/story/"
    assert routes.output_path(url) == "2031/story/index.html"
    with pytest.raises(ValueError):
        routes.output_path("/a/../../etc/")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ('article = "/a/{foo}/"', "permalinks.article: unknown placeholder {foo}; known: {yyyy}, {mm}, {slug}"),
        ('article = "/a/{slug/"', "permalinks.article: unbalanced { or }"),
        ('home = "/{slug}/"', "permalinks.home: unknown placeholder {slug}; known: none"),
        ('year = "/y/{yyyy!r}/"', "permalinks.year: unknown placeholder {yyyy!r}; known: {yyyy}"),
        # Without what tells its pages apart, every page of a kind would want one address.
        ('annotation_kind = "/annotations/kinds/"', "permalinks.annotation_kind: missing placeholder {slug}: without it, annotation_kind pages would share addresses"),
        ('article = "/news/{yyyy}/{mm}/"', "permalinks.article: missing placeholder {slug}"),
        ('month = "/m/{mm}/"', "permalinks.month: missing placeholder {yyyy}"),
    ],
)
def test_permalink_placeholders_are_checked_when_the_config_is_read(tmp_path: Path, pattern: str, message: str):
    (tmp_path / "sitegen.toml").write_text(f"[permalinks]\n{pattern}\n")
    with pytest.raises(SitegenError, match=re.escape(message)):
        load_config(tmp_path)


def test_config_messages_name_types_as_toml_does_and_say_where_toml_breaks(tmp_path: Path):
    _, problems = parse_config({"paginate": "ten", "noindex": "yes", "base_url": "http://[::1/"}, "sitegen.toml")
    assert [str(p) for p in problems] == [
        "sitegen.toml: paginate: must be a whole number, not 'ten'",
        "sitegen.toml: noindex: must be true or false, not 'yes'",
        "sitegen.toml: base_url: not a URL: 'http://[::1/' (Invalid IPv6 URL)",
    ]
    (tmp_path / "sitegen.toml").write_text('title = "x"\ntitle = = 3\n')
    with pytest.raises(Invalid) as raised:
        load_config(tmp_path)
    (p,) = raised.value.problems
    assert (p.path, p.line, p.col, p.message) == ("sitegen.toml", 2, 9, "not valid TOML: Invalid value")


def test_settings_beside_the_file_in_use_are_a_warning(tmp_path: Path):
    (tmp_path / "sitegen.toml").write_text('title = "From sitegen.toml"\n')
    assert config_warnings(tmp_path) == []
    (tmp_path / "pyproject.toml").write_text('[tool.sitegen]\ntitel = "typo"\n')
    (warning,) = config_warnings(tmp_path)
    assert str(warning) == "pyproject.toml:1: tool.sitegen: ignored: sitegen.toml is the config in use; keep the settings in one file"


PYPROJECT = """[project]
name = "fictional-archive"
description = \"\"\"
paginate = "not a setting: inside a string"
\"\"\"

[tool.sitegen]
title = "Quillby archive"
paginate = "ten"
"theme" = 'nope'
permalinks = { article = "/a/{foo}/" }

[tool.other]
output = "elsewhere"
"""


@pytest.mark.parametrize(("key", "line"), [
    (("tool", "sitegen", "paginate"), 9),  # not the look-alike inside the string on line 4
    (("tool", "sitegen", "theme"), 10),  # a quoted key
    (("tool", "sitegen", "permalinks", "article"), 11),  # inside an inline table: the table's line
    (("tool", "sitegen", "output"), 7),  # not set: its table's header, not [tool.other]'s key
    (("tool", "sitegen"), 7),
    (("elsewhere",), 0),
])
def test_a_settings_line_is_found_in_the_toml_text(key: tuple[str, ...], line: int):
    assert key_line(PYPROJECT, key) == line


def test_config_problems_carry_the_line_of_their_key(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    with pytest.raises(Invalid) as raised:
        load_config(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "pyproject.toml:9: paginate: must be a whole number, not 'ten'",
        "pyproject.toml:11: permalinks.article: unknown placeholder {foo}; known: {yyyy}, {mm}, {slug}",
    ]
    (tmp_path / "sitegen.toml").write_text('title = "T"\n\n[permalinks]\n# a comment\ntagz = "/t/{slug}/"\ntag = 3\n')
    with pytest.raises(Invalid) as raised:
        load_config(tmp_path)
    assert [(p.line, p.field) for p in raised.value.problems] == [(5, "permalinks.tagz"), (6, "permalinks.tag")]


def test_a_control_character_in_a_setting_is_named_on_its_line(tmp_path: Path):
    """TOML's \\u001b escape makes a site title XML cannot hold: every feed would be unreadable."""
    (tmp_path / "sitegen.toml").write_text('base_url = "https://archive.example.org/"\ntitle = "Fictional \\u001b Archive"\n')
    with pytest.raises(Invalid) as raised:
        load_config(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "sitegen.toml:2: title: holds the invisible control character U+001B, which no feed can carry; delete it",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"https://github.com/example/archive/edit/main/"', "edit_url: must hold {path}, where the file's path goes"),
        ('"https://github.com/example/archive/edit/{branch}/{path}"', "edit_url: unknown placeholder {branch}; known: {path}"),
        ('"https://github.com/example/archive/edit/main/{path"', "edit_url: unbalanced { or }"),
        ('"github.com/example/archive/edit/main/{path}"', "edit_url: must be an http(s) URL, not 'github.com/example/archive/edit/main/{path}'"),
        ('"https://github.com/example/archive/edit/main/{path:x}"', "edit_url: unknown placeholder {path:x}; known: {path}"),  # str.format would fail on it
        ('"https://github.com/example/archive/edit/main/{path!r}"', "edit_url: unknown placeholder {path!r}; known: {path}"),  # or quote the path
        ('"https://github.com/example/archive/edit/main/{path}\\n"', "edit_url: must have no space or line break"),
        ('" https://github.com/example/archive/edit/main/{path}"', "edit_url: must have no space or line break"),
    ],
)
def test_an_edit_url_is_checked_on_its_line(tmp_path: Path, value: str, message: str):
    (tmp_path / "sitegen.toml").write_text(f'title = "x"\nedit_url = {value}\n')
    with pytest.raises(Invalid) as caught:
        load_config(tmp_path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"sitegen.toml:2: {message}")


def test_an_edit_link_gives_the_files_path_encoded():
    config, problems = parse_config({"edit_url": "https://github.com/example/archive/edit/main/{path}?plain={{1}}"}, "sitegen.toml")
    assert problems == [] and config.edit_host == "github.com"
    assert config.edit_link("content/people/zoë ann.md") == "https://github.com/example/archive/edit/main/content/people/zo%C3%AB%20ann.md?plain={1}"
    assert Config().edit_link("content/people/x.md") == ""

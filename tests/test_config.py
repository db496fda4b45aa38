import re
from pathlib import Path

import pytest

from sitegen.config import Config, config_warnings, documented_fields, load_config, parse_config
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
        "sitegen.toml: titel: unknown setting; known: title, description, base_url, language, theme, paginate, output, permalinks, noindex",
        "sitegen.toml: paginate: must be a whole number, not 'ten'",
        "sitegen.toml: permalinks.tagz: unknown page kind; known: home, article, people, people_by_mentions, person, tags, tag, sources, source, archive, year, month, annotations, search",
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
    assert str(warning) == "pyproject.toml: tool.sitegen: ignored: sitegen.toml is the config in use; keep the settings in one file"

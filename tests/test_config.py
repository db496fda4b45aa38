from pathlib import Path

import pytest

from sitegen.config import Config, documented_fields, load_config, parse_config
from sitegen.errors import SitegenError
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
        "sitegen.toml: paginate: must be a int, not 'ten'",
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

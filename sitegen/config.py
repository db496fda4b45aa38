"""Site configuration: a typed schema with a line of documentation per field.

Read from ``sitegen.toml`` at the archive root, else ``[tool.sitegen]`` in its
``pyproject.toml``; everything has a default, so an archive with no config builds.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import Problem, SitegenError

DEFAULT_PERMALINKS = {
    "home": "/",
    "article": "/articles/{yyyy}/{mm}/{slug}/",
    "people": "/people/",
    "people_by_mentions": "/people/by-mentions/",
    "person": "/people/{slug}/",
    "tags": "/tags/",
    "tag": "/tags/{slug}/",
    "sources": "/sources/",
    "source": "/sources/{slug}/",
    "archive": "/archive/",
    "year": "/archive/{yyyy}/",
    "month": "/archive/{yyyy}/{mm}/",
    "annotations": "/annotations/",
    "search": "/search/",
}


@dataclass(frozen=True)
class Config:
    title: str = field(default="News archive", metadata={"doc": "Site title, shown in every page header and feed."})
    description: str = field(default="", metadata={"doc": "One line about the archive, for the home page and feeds."})
    base_url: str = field(default="http://127.0.0.1:8000/", metadata={"doc": "Absolute URL the site is published at; canonical links, feeds and the sitemap use it."})
    language: str = field(default="en", metadata={"doc": "BCP 47 language of the site and the default for articles."})
    theme: str = field(default="default", metadata={"doc": "Theme folder name under themes/ (the archive's, then sitegen's own)."})
    paginate: int = field(default=20, metadata={"doc": "Articles per listing page."})
    output: str = field(default="public", metadata={"doc": "Output folder, relative to the archive root."})
    permalinks: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PERMALINKS), metadata={"doc": "URL patterns by page kind; output paths are derived from them."})
    noindex: bool = field(default=False, metadata={"doc": "Ask search engines not to index the site (deploy previews)."})

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. '/' or '/archive/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


def documented_fields() -> list[tuple[str, str, object]]:
    """(name, doc, default) of every setting, for the README and ``--help``."""
    out = []
    for f in fields(Config):
        default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
        out.append((f.name, f.metadata["doc"], default))
    return out


def parse_config(data: dict, path: str) -> tuple[Config, list[Problem]]:
    """Check types and reject unknown keys, naming each; pure."""
    problems: list[Problem] = []
    known = {f.name: f for f in fields(Config)}
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in known:
            problems.append(Problem(path, 0, key, f"unknown setting; known: {', '.join(known)}"))
            continue
        default = Config().__getattribute__(key)
        if key == "permalinks":
            if not isinstance(value, dict):
                problems.append(Problem(path, 0, key, "must be a table of page kind = pattern"))
                continue
            unknown = sorted(set(value) - set(DEFAULT_PERMALINKS))
            for kind in unknown:
                problems.append(Problem(path, 0, f"permalinks.{kind}", f"unknown page kind; known: {', '.join(DEFAULT_PERMALINKS)}"))
            bad = [k for k, v in value.items() if not (isinstance(v, str) and v.startswith("/") and v.endswith("/"))]
            for kind in bad:
                problems.append(Problem(path, 0, f"permalinks.{kind}", "must start and end with '/'"))
            values[key] = {**DEFAULT_PERMALINKS, **value}
        elif type(value) is not type(default):
            problems.append(Problem(path, 0, key, f"must be a {type(default).__name__}, not {value!r}"))
        else:
            values[key] = value
    config = replace(Config(), **values)
    scheme = urlsplit(config.base_url).scheme
    if scheme not in ("http", "https"):
        problems.append(Problem(path, 0, "base_url", f"must be an http(s) URL, not {config.base_url!r}"))
    if config.paginate < 1:
        problems.append(Problem(path, 0, "paginate", "must be at least 1"))
    return config, problems


def load_config(root: Path) -> Config:
    """Read the archive's config file, if any (I/O); raise on any problem."""
    for name, table in (("sitegen.toml", None), ("pyproject.toml", ("tool", "sitegen"))):
        file = root / name
        if not file.is_file():
            continue
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SitegenError(f"{name}: not valid TOML: {exc}") from None
        for key in table or ():
            data = data.get(key, {})
        if table and not data:
            continue
        config, problems = parse_config(data, name)
        if problems:
            raise SitegenError("\n".join(f"error: {p}" for p in problems))
        return config
    return Config()

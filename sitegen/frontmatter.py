"""Front matter: split a Markdown file into YAML and body, and load the YAML with line numbers.

Uses PyYAML's C loader. Timestamps are *not* resolved by YAML: an impossible date
such as 2022-13-45 must become a message on its line, not a constructor crash,
so dates stay strings here and are parsed by the schema check. Other YAML 1.1 types
(``no`` is False, ``007`` is 7) are made as YAML says, and the text as written is kept
beside them, for the fields whose type is text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader  # type: ignore[misc]


class _Loader(_Base):  # type: ignore[misc,valid-type]
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class FrontMatter:
    data: object  # what the YAML says; the schema check decides if it is a mapping
    lines: dict[str, int]  # "title", "annotations[0]", "annotations[0].quote" -> 1-based file line
    body: str
    body_line: int
    # A key given twice in one mapping, at any depth: (name, line, column, line of the first).
    # The data keeps the last, as YAML loaders do; the schema check reports it as an error.
    duplicates: tuple[tuple[str, int, int, int], ...] = ()
    # "annotations[0].rating" -> "false": the text as written of each plain scalar that YAML
    # read as a boolean or a number. A text field takes this text: rating: false is the
    # rating "false", language: no is Norwegian, 007 stays 007. (A null stays None: absent.)
    written: dict[str, str] = field(default_factory=dict)


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str, col: int = 1):
        super().__init__(message)
        self.line = line
        self.message = message
        self.col = col


def normalise(text: str) -> str:
    """A UTF-8 BOM and CRLF line endings must simply work."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str) -> FrontMatter:
    """Split and load; raise FrontMatterError with the file line of the problem."""
    text = normalise(text)
    if not text.strip():
        raise FrontMatterError(1, "empty file")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise FrontMatterError(1, "no front matter: the file must start with a line '---'")
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        raise FrontMatterError(1, "front matter is not closed: add a line '---' after it")
    source = "\n".join(lines[1:end])
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is not None and "*" in source:  # an alias is written *name: none without a '*'
            _refuse_aliases(node, source)
        data = _construct(loader, node) if node is not None else None
    except FrontMatterError:  # already says where and what (and is a ValueError)
        raise
    except (ValueError, RecursionError) as exc:  # e.g. an int of 5,000 digits, absurd nesting
        raise FrontMatterError(1, f"invalid YAML: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        message = f"invalid YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            message += f" ({exc.context} that starts on line {exc.context_mark.line + 2})"
        raise FrontMatterError(line, message) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    duplicates: list[tuple[str, int, int, int]] = []
    written: dict[str, str] = {}
    if node is not None:
        _collect_lines(node, "", key_lines, duplicates, written)
    return FrontMatter(data, key_lines, "\n".join(lines[end + 1 :]), end + 2, tuple(duplicates), written)


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_TYPED = frozenset(f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float"))


def _construct(loader: _Loader, node: yaml.Node) -> object:
    """What the loader makes of ``node``. Front matter's usual shapes (text, lists, mappings
    with text keys) are made here, at twice the speed of PyYAML's constructor, which is
    Python even under the C loader; any other node (numbers, booleans, merge keys, explicit
    tags) by the loader. Without aliases no node is made twice. Two differences, at the
    edges: of two errors the first in document order is reported (PyYAML's constructor
    goes level by level), and nesting hundreds deep is refused as too deep."""
    tag = node.tag
    if tag == _STR and type(node) is yaml.ScalarNode:
        return node.value
    if tag == _SEQ and type(node) is yaml.SequenceNode:
        return [_construct(loader, item) for item in node.value]
    if tag == _MAP and type(node) is yaml.MappingNode and all(k.tag == _STR and type(k) is yaml.ScalarNode for k, _ in node.value):
        return {k.value: _construct(loader, v) for k, v in node.value}
    return loader.construct_object(node, deep=True)


def _refuse_aliases(root: yaml.Node, source: str) -> None:
    """Front matter has no use for &anchors and *aliases, and they allow 'billion laughs'."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            # The node met again carries its anchor's place; the first alias's is in the events.
            mark = next(e.start_mark for e in yaml.parse(source, Loader=_Loader) if isinstance(e, yaml.AliasEvent))
            raise FrontMatterError(mark.line + 2, "YAML aliases (*name) are not allowed in front matter: write the value out", mark.column + 1)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _collect_lines(node: yaml.Node, prefix: str, out: dict[str, int], duplicates: list, written: dict[str, str]) -> None:
    """Each key's and item's line into ``out``; each key repeated in its mapping into
    ``duplicates`` (one dict lookup a key: this walk runs for every file of every build);
    the text of each plain boolean or number into ``written``."""
    # +2: YAML line 0 is the file's line 2 (line 1 is the opening '---').
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                name = f"{prefix}.{key.value}" if prefix else str(key.value)
                line = key.start_mark.line + 2
                if key.value in seen:
                    duplicates.append((name, line, key.start_mark.column + 1, seen[key.value]))
                else:
                    seen[key.value] = line
                out[name] = line
                if type(value) is yaml.ScalarNode:
                    if value.tag in _TYPED and not value.style:  # plain: None, or "" from the C loader
                        written[name] = value.value
                else:
                    _collect_lines(value, name, out, duplicates, written)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            name = f"{prefix}[{i}]"
            out[name] = item.start_mark.line + 2
            if type(item) is yaml.ScalarNode:
                if item.tag in _TYPED and not item.style:
                    written[name] = item.value
            else:
                _collect_lines(item, name, out, duplicates, written)

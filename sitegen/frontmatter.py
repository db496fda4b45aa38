"""Front matter: split a Markdown file into YAML and body, and load the YAML with line numbers.

Uses PyYAML's C loader. Timestamps are *not* resolved by YAML: an impossible date
such as 2022-13-45 must become a message on its line, not a constructor crash,
so dates stay strings here and are parsed by the schema check. Other YAML 1.1 types
(``no`` is False, ``007`` is 7) are made as YAML says, and the text as written is kept
beside them, for the fields whose type is text.
"""

from __future__ import annotations

import re
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
    # (name, character) of each text value holding a character XML cannot (see CONTROL):
    # only a double-quoted escape such as "\x1b" makes one, YAML refuses them written raw.
    controls: tuple[tuple[str, str], ...] = ()


# What XML 1.0 cannot hold, not even as &#27;: one in a title, note or body leaves the
# whole Atom feed unreadable to every feed reader.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NOT_CONTROL = bytes([9, 10, 13, *range(32, 256)])  # UTF-8 bytes of text XML can hold (but U+FFFE/U+FFFF)


def has_control(text: str) -> bool:
    """Whether ``text`` holds a ``CONTROL`` character. Deleting every byte XML can hold from
    the UTF-8 is ~1.6 µs for a 4 KB body, where the regex scans it in ~11 µs: run on every body."""
    try:
        raw = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return bool(raw.translate(None, _NOT_CONTROL)) or "\ufffe" in text or "\uffff" in text


def control_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def control_message(ch: str) -> str:
    """What is said of a text holding ``ch``, a ``CONTROL`` character."""
    return f"holds the invisible control character {control_name(ch)}, which no feed can carry; delete it"


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str, col: int = 1, field: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.col = col
        self.field = field


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
    separated = _SEPARATORS.search(source) is not None
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is not None and "*" in source:  # an alias is written *name: none without a '*'
            _refuse_aliases(node, source, separated)
        data = _construct(loader, node) if node is not None else None
    except FrontMatterError:  # already says where and what (and is a ValueError)
        raise
    except (ValueError, RecursionError) as exc:  # e.g. an int of 5,000 digits, absurd nesting
        raise FrontMatterError(1, f"invalid YAML: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, source, lines, separated) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    duplicates: list[tuple[str, int, int, int]] = []
    written: dict[str, str] = {}
    if node is not None:
        _collect_lines(node, "", key_lines, duplicates, written)
    if separated:  # rare: only then do YAML's lines differ from the file's
        at = _Places(source)
        key_lines = {name: at.line(line) for name, line in key_lines.items()}
        duplicates = [(name, at.line(line), at.col(line, col), at.line(first)) for name, line, col, first in duplicates]
    controls = tuple(_controls(data, "")) if "\\" in source else ()  # no backslash: no escape
    return FrontMatter(data, key_lines, "\n".join(lines[end + 1 :]), end + 2, tuple(duplicates), written, controls)


def _controls(data: object, name: str) -> list[tuple[str, str]]:
    """Each string value of ``data`` holding a ``CONTROL`` character: its name, as the key
    lines name it, and the first such character."""
    if isinstance(data, str):
        found = CONTROL.search(data)
        return [(name, found.group())] if found else []
    if isinstance(data, dict):
        return [c for k, v in data.items() for c in _controls(v, f"{name}.{k}" if name else str(k))]
    if isinstance(data, list):
        return [c for i, v in enumerate(data) for c in _controls(v, f"{name}[{i}]")]
    return []


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


# YAML 1.1 breaks lines at these too, though an editor shows no break (or nothing at all).
# Quoted, they are what PyYAML itself writes for them (the importer does); pasted into a
# plain value, they broke it and the file was 'invalid YAML' on a line shifted from its own.
_SEPARATORS = re.compile("[\u2028\u2029\x85]")
_SEPARATOR_NAMES = {"\u2028": "line separator U+2028", "\u2029": "paragraph separator U+2029", "\x85": "next line U+0085"}


_BREAKS = re.compile("[\n\u2028\u2029\x85]")


class _Places:
    """File lines and columns of YAML's: YAML's line 0 is the file's line 2 (line 1 is the
    opening '---'), and YAML also breaks lines at the separators, which the file does not."""

    def __init__(self, source: str, separated: bool = True):
        self.starts: list[tuple[int, int]] | None = None  # None: the same lines, but for the 2
        if separated:
            self.starts = [(2, 0)]  # YAML line -> its file line, and the column it starts at there
            line = start = 0
            for found in _BREAKS.finditer(source):
                if found.group() == "\n":
                    line, start = line + 1, found.end()
                self.starts.append((line + 2, found.end() - start))

    def line(self, yaml_line: int) -> int:
        """The file line of a line number as ``_collect_lines`` gives it (YAML's + 2)."""
        if not self.starts:
            return yaml_line
        past = yaml_line - 2 - (len(self.starts) - 1)  # an error mark may lie past the end
        return self.starts[-1][0] + past if past > 0 else self.starts[yaml_line - 2][0]

    def col(self, yaml_line: int, col: int) -> int:
        return self.starts[yaml_line - 2][1] + col if self.starts and yaml_line - 2 < len(self.starts) else col

    def mark(self, mark: yaml.Mark) -> tuple[int, int]:
        """A mark's file line and 1-based column."""
        return self.line(mark.line + 2), self.col(mark.line + 2, mark.column + 1)


def _yaml_error(exc: yaml.MarkedYAMLError, source: str, lines: list[str], separated: bool) -> FrontMatterError:
    """The error, on the file's line. A separator on the line YAML stumbled on is the cause:
    YAML saw a line break where the writer saw none; that is said instead."""
    place = _Places(source, separated).mark
    marks = [m for m in (exc.problem_mark, exc.context_mark) if m]
    if separated:
        for line, _ in map(place, marks):
            if found := _SEPARATORS.search(lines[line - 1]):
                return _separator_error(source, line, found)
    line, col = place(marks[0]) if marks else (1, 1)
    message = f"invalid YAML: {exc.problem or exc.context}"
    if exc.context and exc.context_mark and exc.problem_mark and place(exc.context_mark)[0] != line:
        message += f" ({exc.context} that starts on line {place(exc.context_mark)[0]})"
    return FrontMatterError(line, message + _unclosed_hint(lines, line), col)


_FIELD = re.compile(r"[\w-]+:(\s|$)")


def _unclosed_hint(lines: list[str], error_line: int) -> str:
    """A body read as YAML: the front matter was closed by a '---' rule further down the
    body. Said when a blank line and then a line of prose (not a field, item, comment or
    indented line) come before the error."""
    for i in range(2, error_line - 1):  # 0-based: lines[i] is file line i + 1; line 2 is YAML's first
        if lines[i].strip() or not lines[i - 1].strip():
            continue  # not the first blank line after text
        after = next((j for j in range(i + 1, error_line) if lines[j].strip()), None)
        if after is not None and lines[after][0] not in " \t-#" and not _FIELD.match(lines[after]):
            return f"; the closing '---' is probably missing after line {i} (the last field), before the text"
    return ""


def _separator_error(source: str, line: int, found: re.Match) -> FrontMatterError:
    """Named, not replaced: a space or nothing could each be meant, and a quote copied from
    the body (where it stays) must keep matching it."""
    try:  # the field it is in, from the front matter read with spaces in their place
        key_lines = parse("---\n" + _SEPARATORS.sub(" ", source) + "\n---\n").lines
        field = [name for name, at in key_lines.items() if at <= line][-1]
    except (FrontMatterError, IndexError):
        field = ""
    return FrontMatterError(line, f"invisible {_SEPARATOR_NAMES[found.group()]}; delete it", found.start() + 1, field)


def _refuse_aliases(root: yaml.Node, source: str, separated: bool) -> None:
    """Front matter has no use for &anchors and *aliases, and they allow 'billion laughs'."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            # The node met again carries its anchor's place; the first alias's is in the events.
            mark = next(e.start_mark for e in yaml.parse(source, Loader=_Loader) if isinstance(e, yaml.AliasEvent))
            line, col = _Places(source, separated).mark(mark)
            raise FrontMatterError(line, "YAML aliases (*name) are not allowed in front matter: write the value out", col)
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

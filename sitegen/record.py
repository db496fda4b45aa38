"""Raw scraped records: one text file per article, blocks separated by blank lines.

Parsing is pure and never raises on bad input: ``parse_record`` returns a frozen
``Record`` or a ``RecordError`` naming the line and the reason, so a batch of
thousands of files can report every bad one and import the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from .frontmatter import CONTROL, control_name, has_control


@dataclass(frozen=True)
class RecordError:
    """Why a text is not an importable record; ``line`` is 1-based."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"


@dataclass(frozen=True)
class RecordWarning:
    """Something the parser skipped rather than guessed at."""

    line: int
    message: str


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the block's first line
    text: str


@dataclass(frozen=True)
class Record:
    """One scraped article, its fields named; the body keeps the outlet's words."""

    url: str
    title: str
    published: datetime
    body: str  # as scraped: paragraphs glued together
    paragraphs: tuple[str, ...]  # the body with its paragraph breaks restored
    modified: datetime | None = None
    summary: str | None = None
    publisher: str | None = None
    keywords: tuple[str, ...] = ()
    image: str | None = None
    related: tuple[str, ...] = ()
    section: str | None = None
    locale: str | None = None
    warnings: tuple[RecordWarning, ...] = ()

    @property
    def language(self) -> str | None:
        """``en_EN`` -> ``en``: the locale's language part."""
        return self.locale.split("_")[0].lower() if self.locale else None


_HEADER = re.compile(r"date (\d{4})-(\d{2})-(\d{2}) (https?://\S+)")
_DESCRIPTION = re.compile(r"(.*?)\s*(\d{2})\.(\d{2})\.(\d{4}), ([^\n]+)", re.DOTALL)
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))"
)
_URL = re.compile(r"https?://\S+")
_XPATH = re.compile(r"/html/\S*")
# name, e-mail, then nothing or a phone and the rest: "Outlet desk@x.org +7495 Legal 252 60"
_PUBLISHER = re.compile(r"([^@\n]{1,80}?) [^\s@]+@[^\s@]+\.[^\s@]+(?: \+?\d[^\n]*)?")
_YEAR = re.compile(r"\d{4}")
_LOCALE = re.compile(r"[a-z]{2,3}_[A-Za-z]{2,3}")
_IMAGE_SIZE = re.compile(r"\d+ \d+ (?:true|false)")
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")
_SECTION_MAX_WORDS = 4
_KEYWORDS_MAX_CHARS = 200


def decode_record(data: bytes) -> str | RecordError:
    """UTF-8, with or without a byte-order mark; anything else is refused, not guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return RecordError(line, f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}")


def _without_controls(text: str) -> tuple[str, list[RecordWarning]]:
    """The text without the control characters XML cannot hold (scraped pages carry them: an
    escape code, a form feed), each line's named in a warning. Kept, one would leave every
    feed of the article unreadable, and ``check`` would refuse the article made from it; the
    record itself is untouched (its sha256 stays the article's provenance)."""
    if not has_control(text):
        return text, []
    warnings = []
    for number, line in enumerate(text.split("\n"), 1):
        if found := CONTROL.findall(line):
            names = ", ".join(dict.fromkeys(control_name(ch) for ch in found))
            warnings.append(RecordWarning(number, f"removed {len(found)} invisible control character{'s' if len(found) > 1 else ''} ({names}) that no feed can carry"))
    return CONTROL.sub("", text), warnings


def split_blocks(text: str) -> list[Block]:
    """Blocks of non-blank lines; a BOM and CRLF/CR line ends are tolerated."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append(Block(start, "\n".join(current)))
            current = []
    if current:
        blocks.append(Block(start, "\n".join(current)))
    return blocks


def parse_timestamp(text: str) -> datetime | None:
    """``2022-02-11T14:31+0000`` -> an aware datetime; ``None`` if not one."""
    m = _TIMESTAMP.fullmatch(text.strip())
    if not m:
        return None
    year, month, day, hour, minute = (int(g) for g in m.group(1, 2, 3, 4, 5))
    second = int(m.group(6) or 0)
    offset = timedelta(0)
    if not m.group(7):
        sign = -1 if m.group(8) == "-" else 1
        hours, minutes = int(m.group(9)), int(m.group(10))
        if hours > 23 or minutes > 59:
            return None
        offset = sign * timedelta(hours=hours, minutes=minutes)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))
    except ValueError:
        return None


# Words that end in a full stop without ending a sentence.
_ABBREVIATION_WORDS = (
    "mr mrs ms dr prof st jr sr gen col lt sgt capt cpt maj adm rep sen gov pres rev "
    "vs etc inc ltd co corp no nos vol fig approx est dept univ "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "г гг ул им др тыс млн млрд руб"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_SENTENCE_END = re.compile(r"[.!?]+")
_ALWAYS_CLOSING = "”»’)"
_OPENING = '"“„«‘'
_LETTERS_BEFORE = re.compile(r"[^\W\d_]+$")


def restore_paragraphs(body: str) -> tuple[str, ...]:
    """Split where a scraper glued paragraphs: a sentence end directly followed by a new one.

    ``said.Shoigu`` and ``wait?"The`` are breaks; ``said. Shoigu``, ``3.5`` and
    ``U.S.`` are not. Only breaks are inserted: joining the result gives the input back.
    """
    text = body.strip()
    paragraphs: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        cut = m.end()
        if cut >= len(text):
            break
        so_far = text[start : m.start()]
        after = text[cut]
        if after in _ALWAYS_CLOSING or (
            (after == '"' and so_far.count('"') % 2 == 1)
            or (after == "“" and so_far.count("„") > so_far.count("“"))
        ):
            cut += 1
        if cut >= len(text):
            break
        following = text[cut]
        if not (following.isupper() or following in _OPENING):
            continue
        if cut == m.end() and m.group() == "." and _is_abbreviation(text, start, m.start(), cut):
            continue
        paragraphs.append(text[start:cut])
        start = cut
    paragraphs.append(text[start:])
    return tuple(p for p in paragraphs if p)


def _is_abbreviation(text: str, start: int, dot: int, after: int) -> bool:
    if text[after + 1 : after + 2] == ".":  # U.S. / J.R.R.: an initial follows
        return True
    word = _LETTERS_BEFORE.search(text, start, dot)
    if not word:
        return False
    letters = word.group()
    if len(letters) == 1 and letters.isupper():  # the last initial of U.S. or John F.
        return True
    return letters.lower() in _ABBREVIATIONS


def parse_record(text: str) -> Record | RecordError:
    """Name each block of a raw record by its place and shape; see issue 3 for the format."""
    text, removed = _without_controls(text)
    blocks = split_blocks(text)
    if not blocks:
        return RecordError(1, "not a record: the file is empty")
    header = _HEADER.fullmatch(blocks[0].text)
    if not header:
        return RecordError(
            blocks[0].line, "not a record: the first line is not ' date YYYY-MM-DD <url>'"
        )
    url = header.group(4)
    try:
        urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket: no article can name it as its source
        return RecordError(blocks[0].line, f"header: not a valid URL: {url!r}")
    try:
        header_date = date(*(int(g) for g in header.group(1, 2, 3)))
    except ValueError:
        return RecordError(blocks[0].line, f"header: not a date: {blocks[0].text.split()[1]!r}")
    warnings: list[RecordWarning] = list(removed)
    rest = blocks[1:]

    def truncated(what: str) -> RecordError:
        return RecordError(blocks[-1].line, f"truncated: the record ends before {what}")

    if not rest:
        return truncated("the title")
    title_block, rest = rest[0], rest[1:]
    if parse_timestamp(title_block.text) or "\n" in title_block.text:
        return RecordError(title_block.line, "title: expected a one-line title after the header")
    title = title_block.text
    if rest and rest[0].text == title:
        rest = rest[1:]
    else:
        warnings.append(RecordWarning(title_block.line, "title: given once, not twice"))

    summary = publisher = None
    while rest and not parse_timestamp(rest[0].text):
        m = _DESCRIPTION.fullmatch(rest[0].text)
        if m and summary is None and publisher is None:
            summary = m.group(1).strip() or None
            publisher = m.group(5).strip()
        else:
            warnings.append(_unclassified(rest[0]))
        rest = rest[1:]
    stamps: list[tuple[Block, datetime]] = []
    while rest and (stamp := parse_timestamp(rest[0].text)):
        stamps.append((rest[0], stamp))
        rest = rest[1:]
    if not stamps:
        return truncated("the published timestamp")
    published = stamps[0][1]
    modified = stamps[-1][1] if len(stamps) > 1 else None
    if published.date() != header_date:
        warnings.append(
            RecordWarning(
                stamps[0][0].line, f"date: header says {header_date}, published {published}"
            )
        )

    keywords_text = None
    if len(rest) > 1 and _looks_like_keywords(rest[0].text, rest[1].text):
        keywords_text, rest = rest[0].text, rest[1:]
    if rest and _XPATH.match(rest[0].text):
        rest = rest[1:]

    image = None
    if rest and _URL.fullmatch(rest[0].text):
        candidate = rest[0].text
        is_image = candidate.lower().split("?")[0].endswith(_IMAGE_EXTENSIONS)
        if is_image or (
            len(rest) > 1 and not _URL.fullmatch(rest[1].text) and not _is_metadata(rest[1].text)
        ):
            image, rest = candidate, rest[1:]
    if not rest or (len(rest) == 1 and _URL.fullmatch(rest[0].text)):  # the last block, cut off in the image URL
        return truncated("the body")
    if _URL.fullmatch(rest[0].text) or _is_metadata(rest[0].text):
        return RecordError(
            rest[0].line, "no body: other blocks stand where the article text should be"
        )
    body_block, rest = rest[0], rest[1:]
    paragraphs = tuple(p for line in body_block.text.split("\n") for p in restore_paragraphs(line))

    related: list[str] = []
    while rest and _URL.fullmatch(rest[0].text):
        related.append(rest[0].text)
        rest = rest[1:]
    if not rest:
        return truncated("the closing metadata (publisher, section, locale)")

    section = locale = None
    for block in rest:
        line = block.text
        if _PUBLISHER.fullmatch(line):
            publisher = publisher or _PUBLISHER.fullmatch(line).group(1).strip()
        elif _LOCALE.fullmatch(line):
            locale = locale or line
        elif _YEAR.fullmatch(line) or _IMAGE_SIZE.fullmatch(line) or line == keywords_text:
            continue
        elif _URL.fullmatch(line):
            related.append(line)
        elif (
            section is None
            and locale is None
            and "\n" not in line
            and len(line.split()) <= _SECTION_MAX_WORDS
        ):
            section = line
        else:
            warnings.append(_unclassified(block))

    keywords = tuple(k.strip() for k in (keywords_text or "").split(",") if k.strip())
    return Record(
        url=url,
        title=title,
        published=published,
        body=body_block.text,
        paragraphs=paragraphs,
        modified=modified,
        summary=summary,
        publisher=publisher,
        keywords=keywords,
        image=image,
        related=tuple(dict.fromkeys(related)),
        section=section,
        locale=locale,
        warnings=tuple(warnings),
    )


def _is_metadata(text: str) -> bool:
    """A closing block (publisher, year, locale, image size): never the body."""
    return any(p.fullmatch(text) for p in (_PUBLISHER, _YEAR, _LOCALE, _IMAGE_SIZE))


def _looks_like_keywords(text: str, following: str) -> bool:
    """One short line before the XPath noise; without that line, one that is not prose."""
    if "\n" in text or _XPATH.match(text) or _URL.fullmatch(text):
        return False
    if _XPATH.match(following):
        return True
    return len(text) <= _KEYWORDS_MAX_CHARS and not _SENTENCE_END.search(text)


def _unclassified(block: Block) -> RecordWarning:
    first = block.text.split("\n")[0]
    shown = first if len(first) <= 60 else first[:57] + "..."
    return RecordWarning(block.line, f"skipped a block that fits no field: {shown!r}")

"""Revision diffs: what changed, as the reader sees the text rendered, never its Markdown."""

from __future__ import annotations

from datetime import UTC, datetime

from sitegen.history import revisions
from sitegen.markdown import block_texts
from sitegen.model import ArticleFile, Revision

OLD = """The fictional council met at dawn.

The harbour stayed shut.
"""
NEW = """The fictional council met at dawn.

| Year | Lanterns (lit) |
|---|---|
| 2030 | 1,204 |

```
count_lanterns(  "harbour" )
```

- first *item*
- second item

The harbour reopened, said the mayor[^1].

[^1]: In a fictional interview.
"""


def article(body: str, *old: str) -> ArticleFile:
    day = datetime(2031, 3, 4, 10, tzinfo=UTC)
    return ArticleFile("content/articles/2031/03/x.md", "x", "X", day, body, 5,
                       revisions=tuple(Revision(day, text) for text in old))


def test_a_diff_shows_rendered_text_not_markdown_source():
    (rev,) = revisions(article(NEW, OLD))
    assert rev.diff == (
        ("same", "The fictional council met at dawn."),
        ("removed", "The harbour stayed shut."),
        ("added", "Year · Lanterns (lit)\n2030 · 1,204"),
        ("added", 'count_lanterns(  "harbour" )'),  # code as it is, spaces and all
        ("added", "• first item\n• second item"),
        ("added", "The harbour reopened, said the mayor[1]."),
        ("added", "[1] In a fictional interview."),
    )
    shown = "".join(text for _, text in rev.diff)
    for source in ("|---|", "```", "[^1]", "*item*", "- first"):
        assert source not in shown


def test_a_change_of_markup_alone_is_no_change_to_the_reader():
    """Re-wrapped lines or another emphasis marker render the same: nothing to show."""
    (rev,) = revisions(article("A *fictional*\nline of text.\n", "A _fictional_ line\nof text.\n"))
    assert rev.diff == (("same", "A fictional line of text."),)


def test_blocks_of_an_ordered_list_keep_their_numbers():
    assert block_texts("3. three\n4. four\n") == ["3. three\n4. four"]

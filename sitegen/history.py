"""Earlier texts of an article, as readable block diffs ("changed after publication")."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from .markdown import block_texts
from .model import ArticleFile


@dataclass(frozen=True)
class RevisionDiff:
    date: datetime
    diff: tuple[tuple[str, str], ...]  # ("same" | "added" | "removed", a block's text)


def revisions(article: ArticleFile) -> tuple[RevisionDiff, ...]:
    """Each kept revision against the text that followed it, newest change first: compared
    and shown as the rendered text of each block, not its Markdown (no "|---|", "```" or
    "[^1]:" a reader never sees on the page)."""
    if not article.revisions:
        return ()  # most articles: and their text, shared by forked workers, stays untouched
    texts = [r.body for r in article.revisions] + [article.body]
    out = []
    for rev, old, new in zip(article.revisions, texts, texts[1:]):
        ops = []
        for line in difflib.ndiff(block_texts(old), block_texts(new)):
            tag, text = line[:2], line[2:]
            if tag == "  ":
                ops.append(("same", text))
            elif tag == "- ":
                ops.append(("removed", text))
            elif tag == "+ ":
                ops.append(("added", text))
        out.append(RevisionDiff(rev.date, tuple(ops)))
    return tuple(reversed(out))

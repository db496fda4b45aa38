"""Earlier texts of an article, as readable paragraph diffs ("changed after publication")."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from .model import ArticleFile


@dataclass(frozen=True)
class RevisionDiff:
    date: datetime
    diff: tuple[tuple[str, str], ...]  # ("same" | "added" | "removed", paragraph)


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def revisions(article: ArticleFile) -> tuple[RevisionDiff, ...]:
    """Each kept revision against the text that followed it, newest change first."""
    if not article.revisions:
        return ()  # most articles: and their text, shared by forked workers, stays untouched
    texts = [r.body for r in article.revisions] + [article.body]
    out = []
    for rev, old, new in zip(article.revisions, texts, texts[1:]):
        ops = []
        for line in difflib.ndiff(_paragraphs(old), _paragraphs(new)):
            tag, text = line[:2], line[2:]
            if tag == "  ":
                ops.append(("same", text))
            elif tag == "- ":
                ops.append(("removed", text))
            elif tag == "+ ":
                ops.append(("added", text))
        out.append(RevisionDiff(rev.date, tuple(ops)))
    return tuple(reversed(out))

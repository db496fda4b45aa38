"""An article's reference as RIS, which every reference manager imports (Zotero from the
clipboard, EndNote, Mendeley, JabRef), for its page's "Cite this article"; pure."""

from __future__ import annotations

from rispy import RisWriter

from .model import Article
from .site import Site


class _Writer(RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers each reference ("1.") above its TY line; one reference needs none


_WRITER = _Writer()


def ris(site: Site, article: Article) -> str:
    """The news article as the outlet published it, with where it is kept and annotated here."""
    f = article.file
    original = f.source.url if f.source else ""  # not the one an archived copy names: that may be gone
    archived = f.source.archived if f.source else ""
    entry: dict[str, object] = {"type_of_reference": "NEWS", "title": _line(f.title)}
    if article.source:
        entry["secondary_title"] = _line(article.source.name)  # for a newspaper article, its outlet
    if f.section:
        entry["section"] = _line(f.section)
    entry |= {"date": f.date.strftime("%Y/%m/%d"), "year": f.date.strftime("%Y"), "language": f.language or site.config.language}
    if article.summary:
        entry["abstract"] = _line(article.summary)
    if article.tags:
        entry["keywords"] = [_line(t.name) for t in article.tags]
    entry |= {
        "urls": [original or archived or site.routes.absolute(article.url)],
        "name_of_database": _line(site.config.title),
        "notes": [_line(n) for n in _notes(site, article, archived)],
    }
    return _WRITER.formats([entry])


def _notes(site: Site, article: Article, archived: str) -> list[str]:
    words = site.words  # labels alone: a text per article would fill the catalog's memo
    notes = [f"{words.text('cite_annotated_copy', site=site.config.title)} {site.routes.absolute(article.url)}"]
    if archived:
        notes.append(f"{words.text('cite_archived_copy')} {archived}")
    return notes


def _line(text: str) -> str:
    """A value on one line: a line break would end the tag, and a next line could pass for one."""
    return " ".join(text.split())


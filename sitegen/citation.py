"""An article's "Cite this article": a suggested citation in the site's language, and its
reference as RIS, which every reference manager imports (Zotero from the clipboard, EndNote,
Mendeley, JabRef); pure."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from .model import Article
from .site import Site


@dataclass(frozen=True)
class Citation:
    text: Markup  # "“Title.” Outlet, 2 April 2031. <address>. Annotated copy: <site>, <page>."
    ris: str


def cite(site: Site, article: Article) -> Citation:
    """The news article as the outlet published it, with where it is kept and annotated here.
    Made for every article page: with as few calls as can be (rispy's writer alone took ~25 µs)."""
    f, words, config = article.file, site.words, site.config
    page = site.routes.absolute(article.url)
    # Where to read it: the outlet's address, else (it is gone) the archived copy's, else here.
    url = f.source.url if f.source else ""
    archived = f.source.archived if f.source else ""
    lang, own = f.language or config.language, site.own_language(article)  # marked where it is not the site's, as on its page
    title = Markup('<span lang="{}">{}</span>').format(own, f.title) if own else escape(f.title)
    day = words.date(f.date)
    stop = "" if f.title.rstrip("\"'”’»“„").endswith(_MARKS) else "."  # the period closing the title, not after its own mark
    work = (words.page_markup("cite_work", title=title, stop=stop, outlet=article.source.name, date=day) if article.source
            else words.page_markup("cite_work_no_outlet", title=title, stop=stop, date=day))
    here = words.page_markup("cite_here", site=config.title, url=page)
    text = Markup(f"{work} {escape(url or archived)}. {here}" if url or archived else f"{work} {here}")
    lines = [("TY", "NEWS"), ("TI", f.title)]
    if article.source:
        lines.append(("T2", article.source.name))  # for a newspaper article, its outlet
    if f.section:
        lines.append(("SE", f.section))
    lines += [("DA", f"{f.date.year:04}/{f.date.month:02}/{f.date.day:02}"), ("PY", f"{f.date.year:04}"), ("LA", lang)]
    if f.summary:  # the editor's; a first paragraph trimmed for listings is no abstract
        lines.append(("AB", f.summary))
    lines += [("KW", t.name) for t in article.tags]
    lines += [("UR", url or archived or page), ("DB", config.title)]
    lines.append(("N1", f"{words.text('cite_annotated_copy', site=config.title)} {page}"))  # labels alone: a text per article would fill the catalog's memo
    if archived:
        lines.append(("N1", f"{words.text('cite_archived_copy')} {archived}"))
    return Citation(text, _ris(lines))


_MARKS = ("?", "!", ".", "…", "？", "！", "。")


def _ris(lines: list[tuple[str, str]]) -> str:
    ris = "".join(f"{tag}  - {value}\n" for tag, value in lines) + "ER  - \n"
    if len(ris.splitlines()) == len(lines) + 1:
        return ris
    # A value holding a line break would end its tag, and the next line could pass for one
    # (splitlines knows every break a reader may split at): such a value is put on one line.
    return "".join(f"{tag}  - {' '.join(value.split()) if value.splitlines() != [value] else value}\n" for tag, value in lines) + "ER  - \n"

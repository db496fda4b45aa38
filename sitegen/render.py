"""Templates: site overrides, then the theme, then the built-in default; pure given the loader."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    meta,
    select_autoescape,
)
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context
from markupsafe import Markup, escape

from . import __version__
from .cache import code_fingerprint, digest
from .errors import SitegenError
from .pages import Derived, Page
from .searchlanguage import help_examples
from .site import Site

if TYPE_CHECKING:
    from .translation import Catalog

_PACKAGE = Path(__file__).resolve().parent
# Installed: sitegen/themes/ inside the package; in a checkout: themes/ beside it.
BUILTIN_THEMES = _PACKAGE / "themes" if (_PACKAGE / "themes").is_dir() else _PACKAGE.parent / "themes"


def theme_dir(root: Path, theme: str) -> Path:
    """The archive's own themes/<theme>/, else sitegen's."""
    own = root / "themes" / theme
    return own if own.is_dir() else BUILTIN_THEMES / theme


def themes(root: Path) -> list[str]:
    """The names a config's ``theme`` may give: the archive's themes/, then sitegen's."""
    found = {p.name for base in (root / "themes", BUILTIN_THEMES) if base.is_dir() for p in base.iterdir() if p.is_dir()}
    return sorted(found)


def template_folders(root: Path, theme: str) -> list[Path]:
    """Where templates are looked up, most specific first."""
    return [root / "templates", theme_dir(root, theme) / "templates", BUILTIN_THEMES / "default" / "templates"]


class SiteContext(Context):
    """Jinja's context, but a call to one of the build's own helpers (``SiteEnvironment.direct``)
    goes straight to it. Jinja's ``call`` first looks on every callable for a request to be
    passed the context (~20 calls per article page, ~0.15 s of rendering 10k of them)."""

    def call(self, obj: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        if self.environment.direct.get(id(obj)) is not obj:  # type: ignore[attr-defined]
            return super().call(obj, *args, **kwargs)
        kwargs.pop("_loop_vars", None)  # what Jinja passes in case the callable takes the context
        kwargs.pop("_block_vars", None)
        try:
            return obj(*args, **kwargs)
        except StopIteration:  # as Jinja's call: no generator's end may leak out of a template
            return self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class ConstantTexts(Extension):
    """``text('key')`` with a literal key and no values is one text for every page of a build:
    written into the template as it is compiled (the environment is the build's, its catalog
    fixed), not asked for ~20 times a page (~1 s of a 10k-article build). The text is put in
    as its markup, ``('…escaped…'|safe)``: what ``text()`` returns, also under ``|safe`` or
    with autoescape off. A key the catalog has not is left to the call, whose error names
    the template and line."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        words = self.environment.words  # type: ignore[attr-defined]
        tokens = list(stream)
        i, end = 0, len(tokens)
        while i < end:
            token = tokens[i]
            i += 1
            # Most tokens are not the name "text": those are passed on after two comparisons, not
            # a slice of four (~5 ms of the ~265 ms that compiling the theme's 54 templates takes).
            if token.value != "text" or token.type != "name" or i + 3 > end or (i > 1 and tokens[i - 2].type == "dot"):
                yield token  # (some.text('x') is another object's)
                continue
            paren, key, close = tokens[i : i + 3]
            if paren.type == "lparen" and key.type == "string" and close.type == "rparen" and key.value in words.texts:
                line = token.lineno
                yield from (Token(line, "lparen", "("), Token(line, "string", str(words.markup(key.value))),
                            Token(line, "pipe", "|"), Token(line, "name", "safe"), Token(line, "rparen", ")"))
                i += 3
                continue
            yield token


class SiteEnvironment(Environment):
    """Jinja's environment, but each template's globals are a dict of their own, not a
    ``ChainMap`` over the environment's. Jinja copies a template's globals into every
    context it makes (a page, each include), and a ``ChainMap`` is read key by key in
    Python: ~0.45 s of the ~4 s of rendering a 10k-article site. So a global set once
    templates may be loaded must be set with ``set_global``, which reaches them too."""

    context_class = SiteContext
    words: Catalog  # the site's texts (ConstantTexts)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._made: list[tuple[dict[str, Any], frozenset[str]]] = []  # each template's globals, and its own names
        self.direct: dict[int, Callable[..., Any]] = {}  # id -> a callable that takes no context (see SiteContext)

    def set_direct(self, **helpers: Callable[..., Any]) -> None:
        """Globals that templates call and that take no context, called without Jinja's checks."""
        for name, helper in helpers.items():
            self.set_global(name, helper)
            self.direct[id(helper)] = helper

    def overlay(self, *args: Any, **kwargs: Any) -> Environment:
        overlay = super().overlay(*args, **kwargs)
        overlay.globals = dict(self.globals)  # Jinja's overlay shares them: its set_global would reach this one's
        overlay._made = []  # its templates are its own
        overlay.direct = dict(self.direct)
        return overlay

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        made = {**self.globals, **(d or {})}
        self._made.append((made, frozenset(d or ())))
        return made

    def set_global(self, name: str, value: object) -> None:
        self.globals[name] = value
        for made, own in self._made:
            if name not in own:  # a template's own global stands before the environment's
                made[name] = value


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's compiled templates, kept between builds in the cache (compiling the theme's costs
    a build ~0.1 s, in each process that renders). Only an accelerator: a file that cannot
    be read or written is compiled again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)  # Jinja checks its version and the template's source
        except Exception:  # noqa: BLE001 - a damaged file: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # a full disk, or a folder another build pruned
            super().dump_bytecode(bucket)


def compiled_templates(cache_folder: Path | None, site: Site) -> CompiledTemplates | None:
    """Where this build's compiled templates are kept: one folder per sitegen code and set of
    texts (``ConstantTexts`` writes the texts in as it compiles); the other folders go."""
    if cache_folder is None:
        return None
    words = site.words
    key = digest(code_fingerprint(), words.language, json.dumps([words.texts, sorted(words.english)], sort_keys=True)).hex()[:20]
    templates = cache_folder / "templates"
    try:
        (templates / key).mkdir(parents=True, exist_ok=True)
        for other in templates.iterdir():
            if other.name != key:
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        return None
    return CompiledTemplates(str(templates / key))


def environment(root: Path, site: Site, compiled: CompiledTemplates | None = None) -> SiteEnvironment:
    """Lookup: <archive>/templates -> theme -> built-in default.

    ``{% extends "theme:article.html" %}`` (or ``"default:…"``) lets an override
    extend the very template it replaces. ``compiled``: where compiled templates are kept.
    """
    own, theme_templates, default_templates = template_folders(root, site.config.theme)
    theme = FileSystemLoader(str(theme_templates))
    default = FileSystemLoader(str(default_templates))
    env = SiteEnvironment(
        loader=ChoiceLoader([
            FileSystemLoader(str(own)),
            theme,
            default,
            PrefixLoader({"theme": theme, "default": default}, delimiter=":"),
        ]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build reads each template once
        cache_size=-1,  # and keeps them all: a dict, where the LRU cache locks and reorders on every include
        extensions=[ConstantTexts],
        bytecode_cache=compiled,
    )
    env.words = site.words  # before any template is compiled: ConstantTexts writes them in
    r = site.routes
    env.globals.update(site=site.config, text_pages=site.text_pages, generator=f"sitegen {__version__}", people_by_slug=site.people,
                       search_examples=help_examples(site.config.language, site.words.language, site.words.english))
    cards = CardRenderer(env)
    env.set_direct(
        url_for=_remembered(r.url_for),  # pure; the same few thousand URLs on every page
        feed_for=r.feed_for,
        absolute=lru_cache(maxsize=None)(r.absolute),  # pure; asked for the same URLs on many pages
        static=lambda path: f"{r.base_path}static/{path}",
        card=cards,
        cards=cards.many,
        text=site.words.markup,  # the theme's words in the site's language (translation.py)
        texts_for_script=site.words.for_script,
        own_lang=partial(own_lang, site=site.config.language),
        **MARKUP,
    )
    words = site.words
    env.filters.update(human_date=words.date, human_time=words.time, iso=lambda d: d.isoformat(), jsonld=jsonld, month_name=words.month_name,
                       month_year=lambda year_month: words.month(date(*year_month, 1)), number=words.number)
    return env


def _element(tag: str) -> Callable[[object], Markup]:
    return lambda content: Markup(f"<{tag}>{{}}</{tag}>").format(content)


# Markup a template puts inside a translated sentence ({{ text('key', example=code('word*')) }}):
# the sentence's words are the translation's, these its examples and links, escaped here.
MARKUP: dict[str, Callable[..., Markup]] = {
    "code": _element("code"),
    "em": _element("em"),
    "kbd": _element("kbd"),
    "link": lambda href, label: Markup('<a href="{}">{}</a>').format(href, label),
    "license_link": lambda terms, own: Markup('<a href="{}"{}>{}</a>').format(terms.url, Markup(' rel="license"') if own else "", terms.title),
}


def own_lang(text: object, language: str | None, site: str) -> Markup:
    """An article's words shown outside it (a title, a quoted passage), escaped, and marked with
    its language where that is not the page's: a screen reader then reads them in it."""
    if not language or language == site:
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(language, text)


def _remembered(url_for: Callable[..., str]) -> Callable[..., str]:
    cached = lru_cache(maxsize=None, typed=True)(url_for)  # page=2 and page=2.0 give different URLs

    def remembered(*args: object, **kwargs: object) -> str:
        try:
            return cached(*args, **kwargs)
        except TypeError:  # a template passed an unhashable value: no memo, same answer or error
            return url_for(*args, **kwargs)

    return remembered


class CardRenderer:
    """``card(a, level)``: an article's listing entry, rendered once per build and level;
    ``cards(articles, level)``: the entries of a listing, one per line.

    An article is listed on the home, month, tag, outlet and person pages, about ten
    listings at once; rendering its entry once is what Hugo's ``partialCached`` does.
    A card is a frozen value, so the same card gives the same HTML. A listing joins its
    entries here rather than in a template loop, which calls and escapes each one (~0.2 s
    of CPU in the 5k listing pages of a 10k-article archive).
    """

    TEMPLATE = "partials/article_card.html"

    def __init__(self, env: Environment):
        self.env = env
        self._done: dict[tuple[int, object], tuple[object, Markup]] = {}
        self._template: Template | None = None

    def __call__(self, card: object, level: object = 2) -> Markup:
        key = (id(card), level)
        hit = self._done.get(key)
        if hit is not None and hit[0] is card:
            return hit[1]
        if self._template is None:
            self._template = self.env.get_template(self.TEMPLATE)
        html = Markup(self._template.render(a=card, level=level).rstrip("\n"))
        self._done[key] = (card, html)  # the card is kept alive, so its id stays its own
        return html

    def many(self, cards: Iterable[object], level: object = 2) -> Markup:
        return Markup("\n".join([self(card, level) for card in cards]))


class GlobalReads:
    """Which of some globals a page's templates may read, so a page depends only on those.

    A template reads a name it uses without defining it, or that a template it extends,
    includes or imports reads; a reference Jinja cannot resolve statically counts as
    reading them all.
    """

    def __init__(self, env: Environment, names: Collection[str]):
        self.env = env
        self.bare = env.overlay()
        self.bare.globals = {}  # Jinja leaves globals out of a template's undeclared names
        self.names = frozenset(names)
        self._by_template: dict[str, frozenset[str]] = {}

    def of(self, templates: tuple[str, ...]) -> frozenset[str]:
        """What a page rendered with the first of ``templates`` that exists may read."""
        name = first_template(self.env, templates)
        if name is None:
            return self.names  # the render reports it; depend on everything meanwhile
        return self._closure(name, set())

    def _closure(self, name: str, seen: set[str]) -> frozenset[str]:
        if name in self._by_template:
            return self._by_template[name]
        if name in seen:
            return frozenset()
        seen.add(name)
        try:
            source = self.env.loader.get_source(self.env, name)[0] if self.env.loader else ""
            tree = self.bare.parse(source, name)
        except TemplateError:
            return self.names
        found = set(meta.find_undeclared_variables(tree)) & self.names
        for ref in meta.find_referenced_templates(tree):
            found |= self.names if ref is None else self._closure(ref, seen)
        self._by_template[name] = frozenset(found)
        return self._by_template[name]


_EXISTING: WeakKeyDictionary[Environment, frozenset[str]] = WeakKeyDictionary()


def first_template(env: Environment, candidates: tuple[str, ...]) -> str | None:
    """The first of ``candidates`` the environment has, from its names listed once: Jinja
    does not remember a name it failed to find, and every article asks first for its own
    ``article-<slug>.html``."""
    existing = _EXISTING.get(env)
    if existing is None:
        existing = _EXISTING[env] = frozenset(env.list_templates())
    return next((name for name in candidates if name in existing), None)


def render_page(env: Environment, page: Page) -> bytes:
    try:
        name = first_template(env, page.templates)
        template = env.get_template(name) if name else env.select_template(list(page.templates))  # the latter reports it
        context = {k: v.make() if type(v) is Derived else v for k, v in page.context.items()}
        return template.render(page=page, page_url=page.url, **context).encode("utf-8")
    except TemplateError as exc:
        raise SitegenError(f"{_template_line(exc)}: {exc.message} (rendering {page.url})") from exc


def _template_line(exc: BaseException) -> str:
    """Where in which template it failed: Jinja puts template lines in the traceback."""
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return f"{exc.filename}:{exc.lineno}"
    where = "template"
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            where = f"{name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def jsonld(data: object, indent: int | None = None) -> Markup:
    """JSON for a <script type="application/ld+json"> block: '<' escaped so text can never close it.

    Compact in pages (the C encoder: indenting takes json's pure-Python path, a tenth of
    a 10k-article build's page rendering); files people read get ``indent``."""
    separators = (",", ":") if indent is None else None
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=indent, separators=separators)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

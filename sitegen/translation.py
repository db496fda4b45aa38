"""The theme's words in the site's language: catalogs of texts in TOML, and CLDR's plural
rules and date patterns through Babel.

A catalog is ``translations/<language>.toml``: a text per key, or a table of plural forms
(CLDR's categories: ``one``, ``few``, ``other``…) where the text counts something. The
default theme's English catalog holds every key; a theme's and then the archive's own
``translations/`` folder may replace any text, and a catalog in the site's language (``pt``,
then ``pt-BR``) replaces the English ones it gives. ``{name}`` in a text is a value the
template passes, ``{count}`` the number counted.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import DateTimeFormat, format_date, format_time, parse_pattern
from babel.numbers import format_decimal
from jinja2.exceptions import TemplateRuntimeError
from markupsafe import Markup, escape

from .config import config_file, key_line, setting_line, toml_problem
from .errors import WARNING, Problem
from .render import BUILTIN_THEMES, theme_dir

FOLDER = "translations"
_ENGLISH = Locale("en")
CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

Text = str | Mapping[str, str]  # a text, or its plural forms by category


@dataclass(frozen=True)
class Catalog:
    """The theme's texts in the site's language, and its way of writing dates."""

    language: str
    texts: Mapping[str, Text]
    locale: Locale = field(compare=False)
    english: frozenset[str] = frozenset()  # keys whose text is the English one: counted by English rules
    _dates: dict = field(default_factory=dict, compare=False, repr=False)  # (pattern, date) -> text
    _made: dict = field(default_factory=dict, compare=False, repr=False)  # (markup?, key, count, values…) -> text
    _memos: dict = field(default_factory=dict, compare=False, repr=False)  # name -> a caller's memo (memo())

    def text(self, key: str, count: int | None = None, **values: object) -> str:
        """The text of ``key`` with its values in, as plain text (for feeds and charts)."""
        return self._filled(False, key, count, values)

    def markup(self, key: str, count: int | None = None, **values: object) -> Markup:
        """The text of ``key`` for a template: escaped, as are its values, but for those
        the template gives as markup (a link, a <code> example) inside the sentence."""
        return self._filled(True, key, count, values)

    def page_markup(self, key: str, **values: object) -> Markup:
        """``markup``, made each time and not kept: for a text only one page shows (an
        article's citation), which the memo would only fill, ~10k texts at 10k articles."""
        return self._fill(True, key, None, values)

    def _filled(self, escaped: bool, key: str, count: int | None, values: dict[str, object]) -> Any:
        # Most calls repeat (a page's menus, the site's name, a count, a chart's bars): each
        # is made once. A build at 10k articles asks for ~250k texts, a few µs each to make.
        # Keyed by the values' types too: Markup("<b>") is equal to "<b>" and 1 to True.
        memo = (escaped, key, type(count), count, *values.items(), *map(type, values.values()))
        try:
            return self._made[memo]
        except KeyError:
            done = self._made[memo] = self._fill(escaped, key, count, values)
        except TypeError:  # a value that cannot be a key
            done = self._fill(escaped, key, count, values)
        return done

    def _fill(self, escaped: bool, key: str, count: int | None, values: dict[str, object]) -> str | Markup:
        shown = escape if escaped else str
        out = []
        for literal, name in _pieces(self._form(key, count, values), escaped):
            out.append(literal)
            if name is not None:
                value = values.get(name, f"{{{name}}}")
                out.append(self.number(value) if type(value) is int else shown(value))  # a count, a page: "1.234" in German
        return Markup("".join(out)) if escaped else "".join(out)

    def memo(self, name: str) -> dict:
        """A dict of a caller's own for texts it makes from this catalog, kept as long as the
        catalog: cheaper to look up than ``markup``'s memo where one call site repeats its
        values (a chart's bar titles by month and count)."""
        return self._memos.setdefault(name, {})

    def number(self, value: int) -> str:
        """A whole number as the site's language writes it: 1,234 · 1.234 · 1\u202f234 (CLDR).
        Made once per number: a people index shows a count per person."""
        numbers = self.memo("numbers")
        done = numbers.get(value)
        if done is None:
            done = numbers[value] = format_decimal(value, locale=self.locale)
        return done

    def _form(self, key: str, count: int | None, values: dict[str, object]) -> str:
        try:
            text = self.texts[key]
        except KeyError:
            raise TemplateRuntimeError(f"no text {key!r} in the theme's translations") from None
        if count is not None:
            values["count"] = count
        if isinstance(text, str):
            return text
        rules = _ENGLISH if key in self.english else self.locale  # "1 articles" is no English, whatever the site's rules
        return text.get(rules.plural_form(abs(count or 0)), text["other"])

    def for_script(self, prefix: str) -> str:
        """The texts whose keys start with ``prefix``, as JSON for a page's script (which
        picks plural forms with ``Intl.PluralRules``, from the same CLDR rules; an English
        text's forms say so, ``"_rules": "en"``)."""
        picked = {k: {**v, "_rules": "en"} if k in self.english and not isinstance(v, str) else v
                  for k, v in self.texts.items() if k.startswith(prefix)}
        return json.dumps(picked, ensure_ascii=False, sort_keys=True)

    def date(self, value: date | datetime) -> str:
        """A day, as the catalog's ``date_day`` pattern writes it: '5 October 2024'."""
        return self.formatted("date_day", value)

    def time(self, value: datetime) -> str:
        """A time of day as the language writes it short: '15:05', '3:05 PM' (CLDR)."""
        return format_time(value, "short", tzinfo=value.tzinfo, locale=self.locale)

    def month(self, value: date | datetime) -> str:
        """A month of a year, as a heading: 'October 2024', 'Août 2019'."""
        return _heading(self.formatted("date_month", value))

    def month_name(self, month: int) -> str:
        """A month's name alone, as a heading: 'October', 'Août'."""
        return _heading(self.formatted("date_month_name", date(2000, month, 1)))

    def month_of(self, key: str, month: str) -> str:
        """A 'YYYY-MM' month as the catalog's pattern ``key`` writes it: what charts count by."""
        done = self._dates.get((key, month))
        if done is None:
            year, number = month.split("-")
            done = self._dates[(key, month)] = self.formatted(key, date(int(year), int(number), 1))
        return done

    def formatted(self, key: str, value: date | datetime) -> str:
        """A date as the catalog's pattern ``key`` writes it."""
        day = value.date() if isinstance(value, datetime) else value  # cached by day: every card shows one
        done = self._dates.get((key, day))
        if done is None:
            done = self._dates[(key, day)] = _written(day, str(self.texts[key]), self.locale)
        return done


def _heading(text: str) -> str:
    """A heading, a menu entry starts with a capital: French, Spanish, Russian… write a month's
    name in lower case inside a sentence, as CLDR gives it, but 'Août 2019' alone (CLDR's
    contextTransforms, which Babel does not have)."""
    return text[:1].upper() + text[1:]


class _FirstOfTheMonth(DateTimeFormat):
    """Babel's fields of a date, but the day of the first of a month, which French writes as an
    ordinal: "1er novembre 2024" (an exception CLDR's patterns cannot say)."""

    def __getitem__(self, name: str) -> str:
        return "1er" if name == "d" else super().__getitem__(name)


def _written(day: date, pattern: str, locale: Locale) -> str:
    if day.day == 1 and locale.language == "fr":
        return parse_pattern(pattern).format % _FirstOfTheMonth(day, locale)
    return format_date(day, pattern, locale=locale)


@cache
def _pieces(text: str, escaped: bool) -> tuple[tuple[str, str | None], ...]:
    """A text cut at its placeholders: (its words before one, escaped for HTML if asked; the
    placeholder's name). Cut once: charts ask for a text per bar."""
    parts = _PLACEHOLDER.split(text)
    words = [str(escape(part)) if escaped else part for part in parts[::2]]
    return tuple((words[i], parts[2 * i + 1] if 2 * i + 1 < len(parts) else None) for i in range(len(words)))


def english(root: Path | None = None, theme: str = "default") -> Catalog:
    """The catalog of an English site: the theme's own words, as sitegen's tests see them."""
    found, _ = catalog(root, theme, "en")
    return found


def catalog(root: Path | None, theme: str, language: str) -> tuple[Catalog, list[Problem]]:
    """The site's catalog and the problems of the files it is made from (I/O: reads them).
    ``root``: the archive, or None for none (the themes' own words alone).

    For each language from English to the most specific (``en``, ``pt``, ``pt-BR``), the
    default theme's file, then the theme's, then the archive's: a later one's text wins. The
    English files define the keys (a theme may add its own); a text left in English keeps
    English plural rules, and dates follow the language's own CLDR patterns unless one of its
    catalogs gives them."""
    found_locale = _locale(language)
    locale = found_locale or Locale("en")
    english_too = _tags(language)[0].lower() == "en"  # English of any region: the theme's English is its own
    base_file = BUILTIN_THEMES / "default" / FOLDER / "en.toml"
    texts, problems = _read(base_file, base_file.as_posix(), locale, None)
    folders = _folders(root, theme)
    archive = folders[-1:] if root is not None else []
    for folder, shown in folders[1 : len(folders) - len(archive)]:  # a theme's own English: it may add texts its templates show
        if (path := _file(folder, "en")) is not None:
            added, found = _read(path, f"{shown}/{path.name}", locale, None, texts)
            texts.update(added)
            problems += found
    keys = frozenset(texts)
    given: set[str] = set(keys) if english_too else set()  # the keys a catalog in the site's language gives
    for tag in ["en", *(tag for tag in _tags(language) if tag.lower() != "en")]:
        for folder, shown in folders if tag != "en" else archive:  # the archive's English rewords the theme's
            path = _file(folder, tag)
            if path is None or path == base_file:
                continue
            layer, found = _read(path, f"{shown}/{path.name}", locale, keys, texts)
            problems += found
            texts.update(layer)
            if tag != "en" or english_too:
                given.update(layer)
    if not english_too:
        texts.update((key, pattern) for key, pattern in _cldr_dates(locale).items() if key not in given)
    where = (config_file(root), setting_line(root, "language")) if root is not None else ("sitegen.toml", 0)
    setting = partial(Problem, *where, "language") if not given or keys - given or found_locale is None else None
    if setting and not given:
        problems.append(setting(f"no translation of the theme's words into {language!r}: pages show them in English "
                                f"(add translations/{language}.toml: copy the default theme's en.toml and translate it)", WARNING))
    elif setting and (missing := sorted(keys - given)):
        problems.append(setting(f"{len(missing)} of the theme's texts have no translation into {language!r} and show in English: "
                                + ", ".join(missing[:8]) + (", …" if len(missing) > 8 else ""), WARNING))
    if setting and found_locale is None:
        problems.append(setting(f"no CLDR data for {language!r}: dates and plural forms follow English", WARNING))
    return Catalog(language, texts, locale, frozenset() if english_too else keys - given), problems


def _cldr_dates(locale: Locale) -> dict[str, str]:
    """The language's own ways of writing a date, for a catalog that gives none."""
    skeletons = locale.datetime_skeletons
    return {
        "date_day": locale.date_formats["long"].pattern,
        "date_month": skeletons["yMMMM"].pattern if "yMMMM" in skeletons else "LLLL y",
        "date_month_name": "LLLL",
        "date_month_short": skeletons["yMMM"].pattern if "yMMM" in skeletons else "LLL y",
        "date_month_name_short": "LLL",
    }


def folders(root: Path, theme: str) -> list[Path]:
    """Where the catalogs are read from: what a build's output depends on besides templates."""
    return [folder for folder, _ in _folders(root, theme)]


def _folders(root: Path | None, theme: str) -> list[tuple[Path, str]]:
    """Least specific first: sitegen's default theme, the theme, the archive's own (if any)."""
    out = [(BUILTIN_THEMES / "default" / FOLDER, f"themes/default/{FOLDER}")]
    own_theme = (theme_dir(root, theme) if root is not None else BUILTIN_THEMES / theme) / FOLDER
    if own_theme != out[0][0]:
        shown = own_theme.relative_to(root).as_posix() if root is not None and own_theme.is_relative_to(root) else f"themes/{theme}/{FOLDER}"
        out.append((own_theme, shown))
    if root is not None:
        out.append((root / FOLDER, FOLDER))
    return out


def _tags(language: str) -> list[str]:
    """'pt-BR' -> ['pt', 'pt-BR']: the language, then its region's variant."""
    parts = language.split("-")
    return ["-".join(parts[: i + 1]) for i in range(len(parts))]


def _file(folder: Path, tag: str) -> Path | None:
    """``<tag>.toml`` in ``folder``, its name's case aside (BCP 47 tags ignore case)."""
    if not folder.is_dir():
        return None
    wanted = f"{tag}.toml".lower()
    return next((p for p in sorted(folder.iterdir()) if p.name.lower() == wanted and p.is_file()), None)


def _locale(language: str) -> Locale | None:
    for tag in reversed(_tags(language)):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def _read(
    path: Path, shown: str, locale: Locale, keys: frozenset[str] | None, base: Mapping[str, Text] | None = None,
) -> tuple[dict[str, Text], list[Problem]]:
    """One catalog's texts, and what is wrong with them. ``keys``: the texts there are (None
    for the base catalog, which defines them); ``base``: their English, whose placeholders a
    translation must keep; ``locale``: the site's, its date patterns are tried in."""
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, [toml_problem(shown, exc)]
    texts: dict[str, Text] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if keys is not None and key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(Problem(shown, key_line(source, (key,)), key, f"no such text in the theme{hint}", WARNING))
            continue
        why = _shape_problem(value)
        if why is None and base is not None and key in base:
            why = _placeholder_problem(value, base[key])
        if why is None and key.startswith("date_"):
            why = _pattern_problem(str(value), locale)
        if why:
            problems.append(Problem(shown, key_line(source, (key,)), key, why))  # looked for only now: each look reads the file
            continue
        texts[key] = value
    return texts, problems


def _shape_problem(value: object) -> str | None:
    if isinstance(value, str):
        return None
    if not isinstance(value, dict):
        return f"must be a text, or a table of plural forms, not {type(value).__name__}"
    if "other" not in value:
        return "a table of plural forms needs 'other'"
    wrong = [k for k, v in value.items() if k not in CATEGORIES or not isinstance(v, str)]
    if wrong:
        return f"plural forms are texts named {', '.join(CATEGORIES)}: not {', '.join(map(repr, wrong))}"
    return None


def _pattern_problem(pattern: str, locale: Locale) -> str | None:
    """A date pattern Babel cannot follow would fail every page: told now, on its line."""
    try:
        format_date(date(2031, 4, 2), pattern, locale=locale)
    except (ValueError, KeyError, IndexError) as exc:
        return f"not a CLDR date pattern ({exc}): e.g. 'd MMMM y'"
    return None


def _placeholder_problem(value: Text, english: Text) -> str | None:
    """A placeholder the English text does not have would never be filled in."""
    known = {name for text in _forms(english) for name in _PLACEHOLDER.findall(text)}
    unknown = sorted({name for text in _forms(value) for name in _PLACEHOLDER.findall(text)} - known)
    if unknown:
        return f"{{{unknown[0]}}} is no value of this text: it has " + (", ".join(f"{{{n}}}" for n in sorted(known)) or "none")
    return None


def _forms(text: Text) -> list[str]:
    return [text] if isinstance(text, str) else list(text.values())

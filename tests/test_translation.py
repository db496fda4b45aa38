"""The theme's words in the site's language: catalogs, plural forms, dates, and what check says of them."""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from sitehelpers import page, snapshot

from sitegen import cli
from sitegen.build import Options, build
from sitegen.render import BUILTIN_THEMES
from sitegen.serve import watched
from sitegen.translation import CATEGORIES, catalog, english

FIXTURE = Path(__file__).parent / "fixtures" / "archive"
SHIPPED = BUILTIN_THEMES / "default" / "translations"
ENGLISH = tomllib.loads((SHIPPED / "en.toml").read_text(encoding="utf-8"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def archive(tmp_path: Path, config: str = "", **translations: str) -> Path:
    """The fictional fixture archive, with a config and the archive's own translations/<tag>.toml."""
    root = tmp_path / "archive"
    shutil.copytree(FIXTURE, root)
    (root / "sitegen.toml").write_text((root / "sitegen.toml").read_text() + config)
    if translations:
        (root / "translations").mkdir()
        for tag, text in translations.items():
            (root / "translations" / f"{tag.replace('_', '-')}.toml").write_text(text)
    return root


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_english_dates_read_as_strftime_writes_them(value: datetime):
    words = english()
    assert words.date(value) == f"{value.day} {value:%B %Y}"
    assert words.month(value) == f"{value:%B %Y}"
    assert words.month_name(value.month) == f"{value:%B}"


def test_plural_forms_follow_the_language_s_cldr_rules(tmp_path: Path):
    forms = '{ one = "{count} статья", few = "{count} статьи", many = "{count} статей", other = "{count} статьи" }'
    root = archive(tmp_path, 'language = "ru"\n', ru=f"articles_count = {forms}\n")
    words, _ = catalog(root, "default", "ru")
    assert [words.text("articles_count", count=n) for n in (1, 2, 5, 21, 22, 25)] == [
        "1 статья", "2 статьи", "5 статей", "21 статья", "22 статьи", "25 статей",
    ]
    assert words.text("nav_people") == "People"  # not translated here: the English
    # Dates as Russian writes them (CLDR's patterns: no catalog here gives any).
    assert words.month(date(2031, 4, 1)) == "Апрель 2031\u202fг." and words.date(date(2031, 4, 2)) == "2 апреля 2031\u202fг."  # a heading's capital


def test_the_archive_s_texts_stand_before_the_theme_s_and_a_region_s_before_its_language_s(tmp_path: Path):
    root = archive(tmp_path, pt='nav_people = "Pessoas"\nnav_tags = "Etiquetas"\n', pt_BR='nav_tags = "Tags do Brasil"\n', en='nav_archive = "By date"\n')
    words, problems = catalog(root, "default", "pt-BR")
    assert (words.text("nav_people"), words.text("nav_tags"), words.text("nav_archive")) == ("Pessoas", "Tags do Brasil", "By date")
    assert [p.message.split(":")[0] for p in problems] == [f"{len(ENGLISH) - 2} of the theme's texts have no translation into 'pt-BR' and show in English"]
    ours, _ = catalog(root, "default", "de")
    assert ours.text("nav_people") == "Personen" and ours.text("nav_archive") == "Archiv"  # sitegen's German; "By date" was English


def test_texts_for_a_page_are_escaped_but_the_markup_a_template_gives(tmp_path: Path):
    root = archive(tmp_path, en='tag_heading = "<b>Tag</b>: {name}"\n')
    words, _ = catalog(root, "default", "en")
    shown = words.markup("tag_heading", name="<script>")
    assert isinstance(shown, Markup) and shown == "&lt;b&gt;Tag&lt;/b&gt;: &lt;script&gt;"
    assert words.markup("updated_on", date=Markup('<time>today</time>')) == "updated <time>today</time>"
    assert words.text("page_of", page=2) == "Page 2 of {pages}"  # a value not given stays visible, never an error


def test_a_catalog_s_mistakes_are_told_on_their_lines(tmp_path: Path):
    text = (
        'nav_peple = "Leute"\n'  # no such key
        'articles_count = { one = "{count} Artikel" }\n'  # no other
        'tag_heading = "Schlagwort: {nmae}"\n'  # a placeholder the English has not
        'nav_tags = ["Schlagwörter"]\n'  # not a text
        'date_day = "d. MMMMMMM y"\n'  # no CLDR pattern
        'nav_people = "Personen"\n'
    )
    root = archive(tmp_path, 'language = "de"\n', de=text)
    _, problems = catalog(root, "default", "de")
    told = [str(p) for p in problems if p.path == "translations/de.toml"]
    assert told == [
        "translations/de.toml:1: nav_peple: no such text in the theme (did you mean 'nav_people'?)",
        "translations/de.toml:2: articles_count: a table of plural forms needs 'other'",
        "translations/de.toml:3: tag_heading: {nmae} is no value of this text: it has {name}",
        "translations/de.toml:4: nav_tags: must be a text, or a table of plural forms, not list",
        "translations/de.toml:5: date_day: not a CLDR date pattern (Invalid length for field: 'MMMMMMM'): e.g. 'd MMMM y'",
    ]
    (root / "translations" / "de.toml").write_text('nav_people = "Personen\n')
    _, problems = catalog(root, "default", "de")
    assert [(p.path, p.line, p.col) for p in problems if p.is_error] == [("translations/de.toml", 1, 23)]  # tomllib: where the line ends unclosed


def test_english_of_any_region_is_the_theme_s_own(tmp_path: Path):
    root = archive(tmp_path, 'language = "en-GB"\n')
    words, problems = catalog(root, "default", "en-GB")
    assert problems == [] and words.text("nav_people") == "People"


def test_a_language_without_a_translation_is_told_once_on_its_setting(tmp_path: Path, capsys):
    root = archive(tmp_path, 'language = "nb"\n')
    assert cli.main(["check", "-s", str(root)]) == 0
    out = capsys.readouterr().out
    line = (root / "sitegen.toml").read_text().splitlines().index('language = "nb"') + 1
    assert f"sitegen.toml:{line}:1: warning: language: no translation of the theme's words into 'nb'" in out
    assert cli.main(["check", "-s", str(root), "--strict"]) == 1


def test_a_german_site_reads_german_and_its_dates_too(tmp_path: Path):
    root = archive(tmp_path, 'language = "de"\n')
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False, cache=False))
    home = page(out, "/")
    assert home.get("lang") == "de"
    assert [a.text for a in home.cssselect(".site-nav a")] == ["Artikel", "Personen", "Schlagwörter", "Medien", "Archiv", "Anmerkungen"]
    assert home.cssselect("h1")[0].text == "Neueste Artikel"
    assert [t.text for t in home.cssselect(".article-card time")] == ["7. Mai 2031", "20. April 2031"]
    assert page(out, "/articles/2031/04/harbour-opens/").cssselect(".meta time")[0].text == "2. April 2031"
    assert home.cssselect(".pagination span")[0].text == "Seite 1 von 2"
    month = page(out, "/archive/2031/04/")
    assert month.cssselect("h1")[0].text == "April 2031"
    person = page(out, "/people/orla-venn/")
    assert person.cssselect(".chart--timeline title")[0].text == "Artikel, die Orla Venn erwähnen, pro Monat"


def test_a_translation_edited_remakes_the_pages_that_show_it(tmp_path: Path):
    root = archive(tmp_path, 'language = "de"\n', de='nav_people = "Leute"\n')
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False))
    assert page(out, "/").cssselect(".site-nav a")[1].text == "Leute"
    (root / "translations" / "de.toml").write_text('nav_people = "Menschen"\n')
    build(Options(root=root, out=out, search=False))
    assert page(out, "/").cssselect(".site-nav a")[1].text == "Menschen"


def test_serve_rebuilds_when_the_archive_s_templates_or_translations_change(tmp_path: Path):
    root = archive(tmp_path, de='nav_people = "Leute"\n')
    (root / "templates").mkdir()
    assert {root / "templates", root / "translations"} <= set(watched(root))


@pytest.mark.parametrize("shipped", sorted(p.name for p in SHIPPED.glob("*.toml") if p.name != "en.toml"))
def test_every_translation_sitegen_ships_gives_every_text_with_its_values(shipped: str):
    translated = tomllib.loads((SHIPPED / shipped).read_text(encoding="utf-8"))
    assert translated.keys() == ENGLISH.keys()
    for key, text in translated.items():
        forms = [text] if isinstance(text, str) else list(text.values())
        english_forms = [ENGLISH[key]] if isinstance(ENGLISH[key], str) else list(ENGLISH[key].values())
        assert isinstance(text, str) == isinstance(ENGLISH[key], str), key
        assert isinstance(text, str) or ("other" in text and set(text) <= set(CATEGORIES)), key
        wanted = {name for form in english_forms for name in PLACEHOLDER.findall(form)}
        if not key.startswith("date_"):
            assert {name for form in forms for name in PLACEHOLDER.findall(form)} <= wanted, key
    words, problems = catalog(FIXTURE, "default", shipped.removesuffix(".toml"))
    assert problems == []
    words.date(date(2031, 4, 2)), words.month(date(2031, 4, 1))  # its patterns are valid CLDR


def test_a_chart_s_fingerprint_leaves_out_the_site_s_words():
    """Pickled for a page's fingerprint, a chart is its figures: the catalog (and Babel's locale
    data) is the site's, which the build's key covers; every sparkline of a people index
    pickled it once, which cost ~1 s at 120 articles."""
    import pickle

    from sitegen.pages import Chart

    words = english()
    chart = Chart("sparkline", [24370, 24371], words, span=(24360, 24380))
    assert b"Skip to content" not in pickle.dumps(chart) and len(pickle.dumps(chart)) < 200
    assert str(chart) == str(Chart("sparkline", [24370, 24371], words, span=(24360, 24380)))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_texts_written_in_as_templates_compile_read_as_those_asked_for_on_each_page(tmp_path: Path, monkeypatch, language: str):
    from sitegen import render

    root = archive(tmp_path, f'language = "{language}"\n')
    build(Options(root=root, out=tmp_path / "compiled", search=False, cache=False))
    monkeypatch.setattr(render.ConstantTexts, "filter_stream", lambda self, stream: stream)
    build(Options(root=root, out=tmp_path / "asked", search=False, cache=False))
    assert snapshot(tmp_path / "compiled") == snapshot(tmp_path / "asked")
    unregistered = (tmp_path / "compiled/people/pell-marrow/index.html").read_text()
    assert ("n’est pas encore dans le registre" if language == "fr" else "not in the archive&#39;s registry") in unregistered


def test_a_text_left_in_english_counts_by_english_rules_and_dates_follow_the_language(tmp_path: Path):
    """Japanese has one plural category: an English text in a Japanese site is not "1 articles".
    A language no catalog gives dates for writes them as CLDR has them for it."""
    root = archive(tmp_path, 'language = "ja"\n')
    words, _ = catalog(root, "default", "ja")
    assert [words.text("articles_count", count=n) for n in (1, 2)] == ["1 article", "2 articles"]
    assert '"_rules": "en"' in words.for_script("search_js_")  # and the search page's script is told so
    assert words.date(date(2024, 10, 5)) == "2024年10月5日"
    portuguese, _ = catalog(root, "default", "pt-BR")
    assert portuguese.date(date(2024, 10, 5)) == "5 de outubro de 2024" and portuguese.month(date(2024, 10, 1)) == "Outubro de 2024"


def test_a_theme_may_add_texts_of_its_own(tmp_path: Path):
    root = archive(tmp_path, 'theme = "harbour"\n')
    theme = root / "themes" / "harbour"
    (theme / "templates").mkdir(parents=True)
    (theme / "translations").mkdir()
    (theme / "translations" / "en.toml").write_text('tide_table = "Tide table for {day}"\nnav_people = "Crew"\n')
    words, problems = catalog(root, "harbour", "en")
    assert problems == [] and words.text("tide_table", day="Monday") == "Tide table for Monday" and words.text("nav_people") == "Crew"


def test_a_text_s_memo_tells_markup_from_text_and_numbers_from_booleans():
    words = english()
    assert words.markup("in_article", title=Markup("<b>x</b>")) == "in <b>x</b>"
    assert words.markup("in_article", title="<b>x</b>") == "in &lt;b&gt;x&lt;/b&gt;"
    assert words.markup("page_n", page=2) == "page 2" and words.markup("page_n", page=2.0) == "page 2.0"


def test_a_catalog_without_an_archive_is_the_themes_words_alone(tmp_path: Path, monkeypatch):
    """``root=None`` means no archive: nothing is looked for beside the themes, not even in
    the working folder, and a problem of the setting names the config file without a line."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "de.toml").write_text('nav_people = "Leute"\n')
    words, problems = catalog(None, "default", "de")
    assert problems == [] and words.text("nav_people") == "Personen"
    _, problems = catalog(None, "default", "nb")
    assert [(p.path, p.line) for p in problems] == [("sitegen.toml", 0)]


def test_numbers_in_texts_are_written_as_the_language_writes_them():
    """CLDR's digits through Babel: "1.234 Artikel", "1 234 articles" (a narrow no-break
    space), "1,234 articles"; below a thousand as before. Not a float or a boolean."""
    german, french = catalog(None, "default", "de")[0], catalog(None, "default", "fr")[0]
    assert german.text("articles_count", count=1234) == "1.234 Artikel"
    assert german.markup("page_of", page=2, pages=1000) == "Seite 2 von 1.000"
    assert french.text("articles_count", count=1234) == "1\u202f234 articles"
    assert english().text("articles_count", count=1234) == "1,234 articles"
    assert english().text("articles_count", count=999) == "999 articles" and german.number(7) == "7"
    assert english().markup("page_n", page=2.0) == "page 2.0" and english().markup("in_article", title=True) == "in True"


def test_every_count_a_page_shows_is_written_by_the_catalog(tmp_path: Path, monkeypatch):
    """The people index, a person's page, the tags, archive and annotation pages write their
    counts with ``Catalog.number``, in text() or as ``| number``: none as bare digits."""
    from sitegen.translation import Catalog

    monkeypatch.setattr(Catalog, "number", lambda self, n: f"#{n}")
    root = archive(tmp_path)
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False, cache=False, workers=1))
    assert [td.text for td in page(out, "/people/").cssselect("td") if td.text] == ["#2", "#1", "#2"]
    person = page(out, "/people/orla-venn/")
    assert [s.text for s in person.cssselect(".count-list .count")] == ["#1", "#1", "#2", "#1"]
    assert [p.text_content() for p in person.cssselect(".story > p")] == [
        "Mentioned in #2 articles, first on 2 April 2031, last on 20 April 2031.", "Fact-checks: Misleading #1."]
    assert [s.text for s in page(out, "/tags/").cssselect(".term-index .count")] == ["#2 articles", "#2 articles"]
    assert page(out, "/").cssselect(".pagination span")[0].text == "Page #1 of #2"


def test_an_article_s_words_shown_outside_it_say_its_language(tmp_path: Path):
    """On a German site, an English article's quoted passages (on its page, the annotations
    index, a person's page) and its title (in "newer/older" links and "in {title}") carry
    lang="en", as its title and text on its own page do; a German article's need none."""
    root = archive(tmp_path, 'language = "de"\n')
    ferry = root / "content/articles/2031/04/ferry-timetable.md"
    ferry.write_text(ferry.read_text().replace("tags: [harbour]", "tags: [harbour]\nlanguage: en"))
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False, cache=False))
    own = page(out, "/articles/2031/04/ferry-timetable/")
    assert [q.get("lang") for q in own.cssselect("blockquote.annotation-quote")] == ["en"]
    assert [(a.get("rel"), [s.get("lang") for s in a.cssselect("span")]) for a in own.cssselect(".prev-next a")] == [
        ("prev", ["en-GB"]), ("next", [])]
    neighbour = page(out, "/articles/2031/04/harbour-opens/")
    assert [s.get("lang") for s in neighbour.cssselect(".prev-next a span")] == ["en"]
    index = page(out, "/annotations/")
    assert index.cssselect("blockquote.annotation-quote")[0].get("lang") == "en"
    assert [s.text for s in index.cssselect('.annotation-origin span[lang="en"]')] == ["Ferry timetable changes for the summer"]
    person = page(out, "/people/orla-venn/")
    assert [s.text for s in person.cssselect('.note-list span[lang="en"]')] == ["two extra sailings", "Ferry timetable changes for the summer"]


ENGLISH_EXAMPLES = ["talks", "talk", "talking", "the, us, who, will", "negotiat*", "+treaty -nato"]


@pytest.mark.parametrize(("language", "enter", "examples", "marked"), [
    ("de", "Enter", ["Verträge", "Vertrag", "Vertrages", "der, die, und, nicht", "vertr*", "+Vertrag -Nato"], []),
    ("fr", "Entrée", ["négociations", "négociation", "négocier", "le, la, et, qui", "négoci*", "+traité -otan"], []),
    ("en", "Enter", ENGLISH_EXAMPLES, []),
    ("pl", "Enter", ENGLISH_EXAMPLES, ENGLISH_EXAMPLES),  # searched as English: its examples are English words on a Polish page
    ("es", "Enter", [None, None, None, None, "negotiat*", "+treaty -nato"], ["negotiat*", "+treaty -nato"]),
])
def test_the_search_help_s_examples_are_in_the_language_search_reads(
    tmp_path: Path, language: str, enter: str, examples: list, marked: list[str],
):
    """German and French are searched in German and French: the examples are theirs. A site
    in a language search reads as English shows English examples, marked so for a screen
    reader. Spanish is stemmed as Spanish, and no catalog gives Spanish examples: the English
    ones show, marked, but not the line saying one form finds the others, which Spanish
    stemming would make untrue. The Enter key is named as the language's keyboards label it."""
    root = archive(tmp_path, f'language = "{language}"\n')
    build(Options(root=root, out=tmp_path / "out", cache=False))
    help = page(tmp_path / "out", "/search/").cssselect("#search-help")[0]
    assert help.cssselect("kbd")[-1].text == enter
    items = help.cssselect("li")  # [forms], quotes, prefix, fields, must, keys
    if examples[0] is None:
        assert len(items) == 5 and not any("talk" in item.text_content() for item in items)
    else:
        assert len(items) == 6 and not re.search(r"anglais|englisch", items[0].text_content(), re.IGNORECASE)
        assert [e.text_content() for e in items[0].cssselect("code, em")][:3] == examples[:3]
        assert ", ".join(e.text_content() for e in items[0].cssselect("em")[2:]) == examples[3]
    assert items[-4].cssselect("code")[0].text_content() == examples[4]  # the prefix
    assert items[-2].cssselect("code")[0].text_content() == examples[5]  # must and must not
    assert [e.text_content() for e in help.cssselect('[lang="en"]')] == marked


def test_a_time_of_day_is_written_as_the_language_writes_it():
    """In the time's own offset: what the article's page says beside its day."""
    at = datetime(2022, 2, 11, 14, 58, tzinfo=timezone(timedelta(hours=2)))
    assert [catalog(None, "default", lang)[0].time(at) for lang in ("en", "de", "fr")] == ["2:58\u202fPM", "14:58", "14:58"]


@pytest.mark.parametrize(("language", "name", "word"), [("en", "name", "word"), ("de", "Name", "Wort"), ("fr", "nom", "mot")])
def test_the_search_help_s_field_examples_say_what_to_type_in_the_language(tmp_path: Path, language: str, name: str, word: str):
    """people:name, title:word: the field is the index's name for it, what follows is a word of the language."""
    root = archive(tmp_path, f'language = "{language}"\n')
    build(Options(root=root, out=tmp_path / "out", cache=False))
    fields = page(tmp_path / "out", "/search/").cssselect("#search-help li")[-3]
    assert [c.text_content() for c in fields.cssselect("code")] == [
        f"people:{name}", f"title:{word}", f"tags:{word}", f"source:{word}", "summary:", "body:", "notes:"]


@pytest.mark.parametrize("shipped", sorted(p.name for p in SHIPPED.glob("*.toml")))
def test_the_search_page_s_prefix_advice_gives_the_catalog_s_own_example(shipped: str):
    """"Try a prefix like negotiat*" in German said an English word, where the German help says vertr*."""
    texts = tomllib.loads((SHIPPED / shipped).read_text(encoding="utf-8"))
    example = texts["search_example_prefix"]
    for key in ("search_js_no_results", "search_js_too_much_all"):
        assert re.findall(r"\S+\*", texts[key]) == [example], key


def test_french_writes_the_first_of_a_month_as_an_ordinal(tmp_path: Path):
    """"1er novembre 2024", in France and Canada alike; other days and languages as CLDR has them,
    and a pattern with a two-digit day ("dd/MM/y") keeps its digits."""
    french = catalog(None, "default", "fr")[0]
    assert [french.date(date(2024, 11, d)) for d in (1, 2, 21)] == ["1er novembre 2024", "2 novembre 2024", "21 novembre 2024"]
    assert catalog(None, "default", "fr-CA")[0].date(date(2024, 11, 1)) == "1er novembre 2024"
    assert catalog(None, "default", "de")[0].date(date(2024, 11, 1)) == "1. November 2024"
    assert english().date(date(2024, 11, 1)) == "1 November 2024"
    root = archive(tmp_path, 'language = "fr"\n', fr="date_day = \"dd/MM/y 'd'\"\n")
    assert catalog(root, "default", "fr")[0].date(date(2024, 11, 1)) == "01/11/2024 d"


def test_a_month_as_a_heading_starts_with_a_capital_in_languages_that_write_it_in_lower_case(tmp_path: Path):
    """French writes "en août 2019" but heads a page "Août 2019" (CLDR's stand-alone and menu
    context): the month page's heading, breadcrumbs and the year's list of months."""
    french = catalog(None, "default", "fr")[0]
    assert (french.month(date(2019, 8, 1)), french.month_name(8)) == ("Août 2019", "Août")
    assert french.date(date(2019, 8, 2)) == "2 août 2019"  # inside a sentence: as CLDR has it
    assert english().month(date(2019, 8, 1)) == "August 2019"
    root = archive(tmp_path, 'language = "fr"\n')
    out = tmp_path / "out"
    build(Options(root=root, out=out, search=False, cache=False))
    month = page(out, "/archive/2031/04/")
    assert month.cssselect("h1")[0].text == "Avril 2031" and month.cssselect(".breadcrumbs")[0].text_content().endswith("› Avril")
    assert [a.text for a in page(out, "/archive/2031/").cssselect("main li a")] == ["Mai 2031", "Avril 2031"]


def test_compiled_templates_are_kept_per_set_of_texts_and_a_damaged_one_is_compiled_again(tmp_path: Path):
    """Templates compiled with one language's texts written in (ConstantTexts) must not serve
    another's, and the kept templates are only an accelerator."""
    root = archive(tmp_path)
    config = (root / "sitegen.toml").read_text()
    kept = root / ".sitegen-cache" / "templates"

    def built(language: str, out: str) -> dict[str, str]:
        (root / "sitegen.toml").write_text(config + f'language = "{language}"\n')
        build(Options(root=root, out=tmp_path / out, search=False))
        return snapshot(tmp_path / out)

    english_site = built("en", "en1")
    (english_folder,) = kept.iterdir()
    assert len(list(english_folder.glob("*.cache"))) > 5
    french_site = built("fr", "fr1")
    assert french_site != english_site and "<h1>Personnes" in (tmp_path / "fr1" / "people" / "index.html").read_text()
    assert [p.name for p in kept.iterdir()] != [english_folder.name]  # one folder: the other language's went
    for damaged in next(kept.iterdir()).glob("*.cache"):
        damaged.write_bytes(damaged.read_bytes()[:40])
    assert built("fr", "fr2") == snapshot(tmp_path / "fr1")
    assert built("en", "en2") == snapshot(tmp_path / "en1")
    assert build(Options(root=root, out=tmp_path / "cold", search=False, cache=False)) and snapshot(tmp_path / "cold") == english_site

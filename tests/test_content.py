"""Front matter and schema checks, in memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content import parse_archive, parse_article, parse_person
from sitegen.errors import Problem
from sitegen.model import ArticleFile, PersonFile
from sitegen.sourcefiles import SourceFile, read_sources, stray_files, unread_problems

PATH = "content/articles/2031/04/story.md"


def article(front: str, body: str = "A fictional body.\n") -> ArticleFile | list[Problem]:
    return parse_article(PATH, f"---\n{front}---\n{body}".encode())


def messages(result) -> list[str]:
    assert isinstance(result, list), result
    return [str(p) for p in result]


def test_a_full_article_parses():
    result = article(
        "title: Fictional\ndate: 2031-04-02T09:15:00+02:00\nupdated: 2031-04-03\n"
        "summary: Short.\nsource: {name: The Ledger, url: 'https://ledger.example.org/a'}\n"
        "tags: [Treaty, harbour]\npeople: [Orla Venn]\nimage: https://example.org/i.jpg\n"
        "language: en-GB\nsection: Local\nrelated: ['https://example.org/r']\ndraft: false\n"
        "extra: {desk: night}\n"
        "annotations:\n  - quote: fictional\n    kind: note\n    note: A *note*.\n    date: 2031-04-05\n"
        "imported: {file: 001_x.txt, sha256: abc, importer: sitegen 0.1.0}\n"
    )
    assert isinstance(result, ArticleFile)
    assert result.slug == "story"
    assert result.date == datetime(2031, 4, 2, 9, 15, tzinfo=timezone(timedelta(hours=2)))
    assert result.updated == datetime(2031, 4, 3, tzinfo=UTC)
    assert result.tags == ("Treaty", "harbour")
    assert result.source.url == "https://ledger.example.org/a"
    assert result.annotations[0].line == 16 and result.annotations[0].date.isoformat() == "2031-04-05"
    assert result.extra == (("desk", "night"),)
    assert result.imported.importer == "sitegen 0.1.0"
    assert result.body_line == 22


def test_naive_dates_mean_utc_and_offsets_are_kept():
    assert article("title: T\ndate: 2031-04-02 10:00\n").date.tzinfo == UTC
    assert article("title: T\ndate: '2031-04-02T10:00-0500'\n").date.utcoffset() == timedelta(hours=-5)


def test_every_problem_of_a_file_is_reported_with_its_line():
    result = messages(article("titel: T\ndate: 2031-02-30\ntags: x\nsource: {name: S, url: 'ftp://x'}\nlanguage: '!!'\n"))
    assert result == [
        f"{PATH}:2: titel: unknown field; did you mean 'title'? (put custom data under extra:)",
        f"{PATH}:1: title: required",
        f"{PATH}:3: date: not a date: '2031-02-30' (use ISO 8601: 2022-02-11 or 2022-02-11T14:31:00+00:00)",
        f"{PATH}:5: source.url: must be an http(s) URL, not 'ftp://x'",
        f"{PATH}:4: tags: must be a list (one '- item' per line), not str",
        f"{PATH}:6: language: not a BCP 47 language tag: '!!'",
    ]


def test_a_blank_required_field_is_empty_not_a_title():
    assert messages(article("title: '   '\ndate: 2031-04-02\n")) == [f"{PATH}:2: title: must not be empty"]


def test_updated_before_date_is_an_error():
    assert messages(article("title: T\ndate: 2031-04-02\nupdated: 2031-04-01\n")) == [
        f"{PATH}:4: updated: is before date (2031-04-01T00:00:00+00:00 < 2031-04-02T00:00:00+00:00)"
    ]
    assert messages(article("title: T\ndate: 2031-04-02\nupdated: 2031-04-01\ntilte: x\n")) == [
        f"{PATH}:5: tilte: unknown field; did you mean 'title'? (put custom data under extra:)",
        f"{PATH}:4: updated: is before date (2031-04-01T00:00:00+00:00 < 2031-04-02T00:00:00+00:00)",
    ]


def test_annotation_shape_is_checked():
    result = messages(article(
        "title: T\ndate: 2031-04-02\nannotations:\n"
        "  - quote: q\n    kind: fact-check\n    note: n\n"
        "  - quote: q\n    kind: gossip\n    note: n\n"
        "  - just text\n"
    ))
    assert result == [
        f"{PATH}:5: annotations[0].rating: required for a fact-check: one of false, misleading, unproven, mostly-true, true",
        f"{PATH}:9: annotations[1].kind: must be one of context, fact-check, correction, translation, note, not 'gossip'",
        f"{PATH}:11: annotations[2]: must be a mapping with quote, kind and note",
    ]


def test_annotation_ids_are_names_and_each_is_its_own():
    result = article(
        "title: T\ndate: 2031-04-02\nannotations:\n"
        "  - quote: q\n    kind: note\n    note: n\n    id: toll-figure\n"
        "  - quote: r\n    kind: note\n    note: n\n    id: Toll Figure\n"
        "  - quote: s\n    kind: note\n    note: n\n    id: toll-figure\n"
        "  - quote: t\n    kind: note\n    note: n\n    id: 2031\n"
        "  - quote: u\n    kind: note\n    note: n\n    id: a--b\n",
        "q r s t u\n",
    )
    assert messages(result) == [
        f"{PATH}:12: annotations[1].id: must be lowercase letters, digits and single hyphens (at most 64), e.g. toll-figure, not 'Toll Figure'",
        f"{PATH}:16: annotations[2].id: 'toll-figure' is already the id of annotations[0]; each note needs its own",
        f"{PATH}:24: annotations[4].id: must be lowercase letters, digits and single hyphens (at most 64), e.g. toll-figure, not 'a--b'",
    ]
    ok = article("title: T\ndate: 2031-04-02\nannotations:\n  - quote: q\n    kind: note\n    note: n\n    id: 2031\n  - quote: r\n    kind: note\n    note: n\n")
    assert [a.id for a in ok.annotations] == ["2031", ""]  # a number as written; none: no id


def test_a_link_in_a_note_with_a_refused_scheme_is_an_error_on_the_note():
    """As in a body: markdown-it leaves it as text, and the editor must hear of it."""
    result = article(
        "title: T\ndate: 2031-04-02\nannotations:\n"
        "  - quote: q\n    kind: note\n    note: |\n      See [this](javascript:alert(1))\n      and [this](javascript:alert(1)).\n"
        "  - quote: r\n    kind: note\n    note: |\n      [a][x] and ![b](data:image/png;base64,AA)\n\n      [x]: vbscript:run\n"
        "  - quote: s\n    kind: note\n    note: See [the minutes](https://example.org/m) and <mailto:desk@example.org>.\n",
        "q r s\n",
    )
    assert messages(result) == [
        f"{PATH}:7: annotations[0].note: link scheme 'javascript' is not allowed: 'javascript:alert(1)' shows as plain text; link with http(s), mailto or a path on this site",
        f"{PATH}:12: annotations[1].note: link scheme 'vbscript' is not allowed: 'vbscript:run' shows as plain text; link with http(s), mailto or a path on this site",
        f"{PATH}:12: annotations[1].note: link scheme 'data' is not allowed: 'data:image/png;base64,AA' shows as plain text; link with http(s), mailto or a path on this site",
    ]


def test_a_character_no_feed_can_carry_is_an_error_where_it_is():
    """XML cannot hold U+001B even as &#27;: one in a title, note or body made every feed
    with the article unreadable. YAML refuses it written raw, so only an escape makes one."""
    result = article(
        'title: "Toll \\x1b rises"\ndate: 2031-04-02\ntags: ["ok", "bell\\a"]\nextra: {raw: "\\x1b"}\n'
        'annotations:\n  - quote: fictional\n    kind: note\n    note: "a \\v vertical tab"\n',
        "A fictional body.\nA form\x0cfeed and\x00 a NUL.\nFine.\n",
    )
    assert messages(result) == [
        f"{PATH}:2: title: holds the invisible control character U+001B, which no feed can carry; delete it",
        f"{PATH}:4: tags[1]: holds the invisible control character U+0007, which no feed can carry; delete it",
        f"{PATH}:9: annotations[0].note: holds the invisible control character U+000B, which no feed can carry; delete it",
        f"{PATH}:12: body: holds the invisible control character U+000C, which no feed can carry; delete it",
    ]
    assert result[-1].col == 7
    assert not isinstance(article('title: "Tab\\there"\ndate: 2031-04-02\n', "Tab\tand\r\nnewlines.\n"), list)


@settings(max_examples=400)
@given(st.text(st.characters(codec=None, categories=None), max_size=40) | st.text("\x00\x07\x09\x0a\x0d\x1f a\u00e9\ufffe\uffff\ud800\ue000", max_size=12))
def test_the_quick_control_check_agrees_with_the_regex(text):
    """Every body is checked with ``has_control`` (bytes deleted in C), not the regex that
    finds where: both must say the same of any text, lone surrogates included."""
    from sitegen import frontmatter

    assert frontmatter.has_control(text) == bool(frontmatter.CONTROL.search(text))


def test_a_footnote_in_a_note_is_an_error():
    """Rendered on the article page beside the body's, a note's footnote had the same ids
    (fn1, fnref1): its [1] led the reader to the body's first footnote, another source."""
    result = article(
        "title: T\ndate: 2031-04-02\nannotations:\n"
        "  - quote: fictional\n    kind: note\n    note: |\n      Changed.[^1]\n\n      [^1]: An invented source.\n",
        "A fictional body.[^1]\n\n[^1]: The body's own.\n",
    )
    assert messages(result) == [
        f"{PATH}:7: annotations[0].note: has a footnote, but its number would lead to the article's footnotes: put the source in sources: or link it in the note",
    ]


@pytest.mark.parametrize("note", ["## Background\n\nChanged.", "Background\n==========\n\nChanged.", "Background\n---\n"])
def test_a_heading_in_a_note_is_an_error(note):
    """A note's heading would be one of the article page's headings (its outline, and an id
    a body heading may have too). A rule or a list is no heading."""
    indented = "\n".join("      " + line if line else "" for line in note.split("\n"))
    result = article(f"title: T\ndate: 2031-04-02\nannotations:\n  - quote: fictional\n    kind: note\n    note: |\n{indented}\n", "A fictional body.\n")
    assert messages(result) == [
        f"{PATH}:7: annotations[0].note: has a heading, which would be one of the article page's own headings: write it as a paragraph (**bold** for emphasis)",
    ]
    fine = "Changed.\n\n---\n\n- one\n- two\n\n#hashtag"
    indented = "\n".join("      " + line if line else "" for line in fine.split("\n"))
    assert not isinstance(article(f"title: T\ndate: 2031-04-02\nannotations:\n  - quote: fictional\n    kind: note\n    note: |\n{indented}\n", "A fictional body.\n"), list)


def test_a_quote_that_names_an_annotation_is_shown_as_written_beside_other_errors():
    """The notes' numbers in the anchoring's messages are renumbered as in the file, but not
    a quote's own text: 'annotations[5]' in one made check fail with a KeyError."""
    result = article(
        "title: T\ndate: 2031-04-02\nannotations:\n"
        "  - quote: q\n    kind: gossip\n    note: n\n"
        "  - quote: see annotations[5] and annotations[0]\n    kind: note\n    note: n\n"
        "  - quote: fictional body\n    kind: note\n    note: n\n"
        "  - quote: A fictional\n    kind: note\n    note: n\n",
    )
    assert messages(result) == [
        f"{PATH}:6: annotations[0].kind: must be one of context, fact-check, correction, translation, note, not 'gossip'",
        f'{PATH}:8: annotations[1].quote: not found in body: "see annotations[5] and annotations[0]"',
        f"{PATH}:14: annotations[3].quote: overlaps the passage of annotations[2]; passages may not overlap",
    ]


def test_people_registry_entries():
    person = parse_person("content/people/orla-venn.md", b"---\nname: Orla Venn\naliases: [O. Venn]\nlinks: {wikipedia: 'https://example.org/w'}\n---\nBio.\n")
    assert isinstance(person, PersonFile) and person.aliases == ("O. Venn",) and person.bio == "Bio."
    assert messages(parse_person("content/people/x.md", b"---\nname: X\nlinks: {w: 'javascript:x'}\n---\n")) == [
        "content/people/x.md:3: links.w: must be an http(s) URL, not 'javascript:x'"
    ]


def test_dates_that_disagree_with_the_folder_or_lie_in_the_future_warn():
    file = SourceFile(PATH, b"---\ntitle: T\ndate: 2031-05-02\n---\n")
    archive = parse_archive([file], [], today=datetime(2030, 1, 1).date())
    assert sorted(str(p) for p in archive.problems) == [
        f"{PATH}:3: date: 2031-05-02 disagrees with the folder 2031/04",
        f"{PATH}:3: date: is in the future (2031-05-02)",
    ]
    assert all(not p.is_error for p in archive.problems)


def test_a_note_dated_before_its_article_or_in_the_future_warns():
    """The note's date dates and orders its entry in the annotations feed: a typo in its year
    would put it at the top for years, or below notes written long before it."""
    notes = "".join(f"  - quote: q\n    kind: note\n    note: n\n    date: {d}\n" for d in ("2031-04-01", "2031-04-02", "2031-05-02"))
    file = SourceFile(PATH, f"---\ntitle: T\ndate: 2031-04-02T23:00:00-05:00\nannotations:\n{notes}---\nq\n".encode())
    archive = parse_archive([file], [], today=datetime(2031, 5, 1).date())
    assert [str(p) for p in archive.problems] == [
        f"{PATH}:8: annotations[0].date: 2031-04-01 is before the article's date (2031-04-02): a note is written after the article",
        f"{PATH}:16: annotations[2].date: is in the future (2031-05-02)",
    ]
    assert all(not p.is_error for p in archive.problems)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_an_article_or_problems(text):
    result = parse_article(PATH, ("---\n" + text).encode("utf-8", "surrogatepass"))
    assert isinstance(result, (ArticleFile, list))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "date", "tags", "people", "source", "annotations", "extra", "x"]),
                       st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                                    max_leaves=8)))
def test_any_yaml_shape_gives_an_article_or_problems(data):
    import yaml

    result = parse_article(PATH, ("---\n" + yaml.safe_dump(data) + "---\n").encode())
    assert isinstance(result, (ArticleFile, list))
    if isinstance(result, list):
        assert result and all(isinstance(p, Problem) and p.line >= 1 for p in result)


def _stock(source: str) -> str:
    """What PyYAML's own constructor makes of the front matter, under the same loader."""
    from sitegen import frontmatter

    try:
        return repr(yaml.load(source, Loader=frontmatter._Loader))  # the safe loader's subclass
    except yaml.YAMLError as exc:
        return f"error: {exc.problem or exc.context}"


def _ours(source: str) -> str:
    from sitegen import frontmatter

    try:
        return repr(frontmatter.parse(f"---\n{source}\n---\nBody.\n").data)
    except frontmatter.FrontMatterError as exc:
        return f"error: {exc.message.removeprefix('invalid YAML: ').split(' (')[0]}"


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["yes", "off", "~", "0x1f", "1_000", "2031-04-02", "2031-04-02T10:00:00Z", "=", "<<", ".inf", "-.5"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6) | st.sampled_from(["=", "<<", "title"]), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), YAML_VALUES, min_size=1, max_size=6), st.booleans())
def test_front_matter_values_are_what_pyyaml_makes_of_them(data: dict, flow: bool):
    source = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    assert _ours(source) == _stock(source)


@pytest.mark.parametrize("source", [
    "base: &b {a: 1}\nother:\n  <<: {a: 2, c: 3}\n  d: 4",  # a merge key (the anchor is refused only when used)
    "m:\n  <<: [{a: 1}, {b: 2}]\n  a: 0",
    "=: x\nk: v",
    "t: !!str 12\nn: !!int '7'\nb: !!binary aGk=\ns: !!set {a, b}\no: !!omap [{a: 1}]",
    "? [a, b]\n: unhashable",
    "s: !!str [a]",
    "k: 1\nk: 2",
    "list: [yes, no, on, off, ~, null, 1.5e3, 0o17]",
    "title: 'quoted: text'\ndate: 2031-04-02\nnested: {a: [1, {b: c}]}",
])
def test_front_matter_edge_cases_are_what_pyyaml_makes_of_them(source: str):
    assert _ours(source) == _stock(source)


def test_a_source_with_keys_that_are_not_text_is_a_problem_not_a_crash():
    """Found by the fuzzer: an empty key (null) beside text keys could not be sorted."""
    text = "---\ntitle: T\ndate: 2030-01-02\nsource:\n  &anchor: The Ledger\n  7: x\n  name: A fictional outlet\n---\nBody.\n"
    problems = parse_article("content/articles/2030/01/t.md", text.encode())
    assert [(p.field, p.message) for p in problems] == [
        ("source.7", "unknown field; known fields: name, url, archived"),
        ("source.None", "unknown field; known fields: name, url, archived"),
    ]


def test_files_no_rule_reads_are_errors_but_static_and_hidden_files_are_fine(tmp_path):
    """A contributor's misnamed article would otherwise pass check and never be published."""
    content = tmp_path / "content"
    names = [
        "articles/2031/04/story.MD", "articles/2031/04/story.markdown", "articles/2031/04/story.md.txt",
        "articles/2031/04/story.txt", "articles/2031/04/story.md ", "article/2031/04/x.md", "people/ada.txt",
        "notes.md", "articles/2031/04/fine.md", "articles/.gitkeep", "articles/2031/.DS_Store",
        "people/.gitkeep", "static/humans.txt", ".hidden/x.md",
        # What editors and systems leave: an autosave must not fail serve's rebuild.
        "articles/2031/04/fine.md~", "articles/2031/04/#fine.md#", "articles/2031/04/.#fine.md",
        "articles/2031/04/Thumbs.db", "people/desktop.ini", "articles/Icon\r", "junk~",
    ]
    for name in names:
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text("---\ntilte: fictional\n---\n")
    unread = stray_files(tmp_path)
    read = [f.path for folder in ("articles", "people") for f in read_sources(tmp_path, folder, unread=unread)]
    assert read == ["content/articles/2031/04/fine.md"]
    assert sorted(str(p) for p in unread_problems(unread)) == [
        "content/article/2031/04/x.md: not read: content/ holds only the folders articles/, people/, pages/, tags/, outlets/, static/",
        "content/articles/2031/04/story.MD: not read: article files end in .md (other files belong under content/static/)",
        "content/articles/2031/04/story.markdown: not read: article files end in .md (other files belong under content/static/)",
        "content/articles/2031/04/story.md : not read: article files end in .md (the name begins or ends with a space)",
        "content/articles/2031/04/story.md.txt: not read: article files end in .md (other files belong under content/static/)",
        "content/articles/2031/04/story.txt: not read: article files end in .md (other files belong under content/static/)",
        "content/notes.md: not read: content/ holds only the folders articles/, people/, pages/, tags/, outlets/, static/",
        "content/people/ada.txt: not read: person files end in .md",
    ]


def test_two_person_files_with_one_slug_are_an_error_on_each():
    """Ada_Quill.md and ada-quill.md make one page: one person would be dropped unseen."""
    files = [
        SourceFile("content/people/Ada_Quill.md", b"---\nname: Ada Quill the Elder\n---\n"),
        SourceFile("content/people/ada-quill.md", b"---\nname: Ada Quill\n---\n"),
        SourceFile("content/people/orla-venn.md", b"---\nname: Orla Venn\n---\n"),
    ]
    assert sorted(str(p) for p in parse_archive([], files).problems) == [
        "content/people/Ada_Quill.md:1: slug: duplicate slug 'ada-quill': content/people/ada-quill.md has the same URL; rename or merge one",
        "content/people/ada-quill.md:1: slug: duplicate slug 'ada-quill': content/people/Ada_Quill.md has the same URL; rename or merge one",
    ]


def test_an_unknown_person_field_is_not_told_to_go_under_extra():
    """Person files have no extra:, so that advice would contradict itself."""
    assert messages(parse_person("content/people/x.md", b"---\nname: X\nextra:\n  born: 1970\n---\n")) == [
        ("content/people/x.md:3: extra: unknown field; known fields: name, aliases, description, links, moved_from, type"
        " (a person file has no extra:; write other facts in the bio, below the front matter)")
    ]


def test_an_unknown_annotation_field_is_not_told_to_go_under_extra():
    """An annotation has no extra: either; an article does."""
    result = article("title: T\ndate: 2031-04-02\nextra_note: x\nannotations:\n  - quote: fictional\n    kind: note\n    note: N\n    nott: x\n")
    assert messages(result) == [
        f"{PATH}:4: extra_note: unknown field; did you mean 'extra'? (put custom data under extra:)",
        f"{PATH}:9: annotations[0].nott: unknown field; did you mean 'note'?",
    ]


def test_a_key_given_twice_is_an_error_at_the_second_at_any_depth():
    result = parse_article(PATH, (
        "---\ntitle: First title\ndate: 2031-04-02\ntitle: Second title\n"
        "source:\n  name: The Ledger\n  name: The Other Ledger\n"
        "annotations:\n  - quote: fictional\n    kind: note\n    note: One.\n    note: Two.\n"
        "extra: {desk: night, desk: day}\ntitle: Third title\n---\nA fictional body.\n"
    ))
    assert [(str(p), p.col) for p in result] == [
        (f"{PATH}:4: title: given twice (first on line 2)", 1),
        (f"{PATH}:7: source.name: given twice (first on line 6)", 3),
        (f"{PATH}:12: annotations[0].note: given twice (first on line 11)", 5),
        (f"{PATH}:13: extra.desk: given twice (first on line 13)", 22),
        (f"{PATH}:14: title: given again (first on line 2)", 1),
    ]
    person = parse_person("content/people/x.md", b"---\nname: X\naliases: [A]\naliases: [B]\n---\n")
    assert messages(person) == ["content/people/x.md:4: aliases: given twice (first on line 3)"]


def test_a_file_with_schema_errors_still_anchors_the_notes_that_validated():
    """Every problem in one run: a bad note does not hide its neighbours' missing quotes,
    numbered as in the file though the bad ones are left out of the anchoring."""
    result = messages(article(
        "title: T\ndate: 2031-04-02\nupdated: 2031-04-01\nannotations:\n"
        "  - quote: not in the body\n    kind: note\n    note: n\n"
        "  - quote: q\n    kind: gossip\n    note: n\n"
        "  - quote: fictional\n    kind: note\n    note: n\n"
        "  - quote: body\n    kind: note\n    note: n\n",
        body="A fictional body, fictional twice.\n",
    ))
    assert result == [
        f"{PATH}:10: annotations[1].kind: must be one of context, fact-check, correction, translation, note, not 'gossip'",
        f"{PATH}:4: updated: is before date (2031-04-01T00:00:00+00:00 < 2031-04-02T00:00:00+00:00)",
        f'{PATH}:6: annotations[0].quote: not found in body: "not in the body"',
        f"{PATH}:12: annotations[2].quote: matches 2 places; add prefix or suffix",
    ]


def test_a_quote_problem_points_at_the_quote_not_at_the_first_key_of_its_item():
    from sitegen.annotation import anchor

    result = article(
        "title: T\ndate: 2031-04-02\nannotations:\n"
        "  - kind: note\n    note: quote is not the first key\n    quote: not in the body at all\n"
        "  - note: twice\n    kind: note\n    quote: fictional\n",
        body="A fictional body, fictional twice.\n",
    )
    assert [a.line for a in result.annotations] == [7, 10]
    problems = anchor(PATH, "<p>A fictional body, fictional twice.</p>", result.annotations, str).problems
    assert [str(p) for p in problems] == [
        f'{PATH}:7: annotations[0].quote: not found in body: "not in the body at all"',
        f"{PATH}:10: annotations[1].quote: matches 2 places; add prefix or suffix",
    ]


def test_text_fields_take_plain_booleans_and_numbers_as_written():
    result = article(
        "title: 1.10\ndate: 2031-04-02\nsection: 0x1F\nlanguage: no\ntags: [1.10, yes, Treaty]\n"
        "people: [007, Orla Venn]\nsummary: 1e3\ndraft: true\nsource: {name: 1843, url: 'https://example.org/a'}\n"
        "annotations:\n  - quote: fictional\n    kind: fact-check\n    rating: false\n    note: 12\n"
        "  - quote: body\n    kind: fact-check\n    rating: true\n    note: n\n"
        "imported: {file: 001_x.txt, sha256: 0123, importer: sitegen}\n"
        "extra: {count: 3}\n"
    )
    assert isinstance(result, ArticleFile), result
    assert (result.title, result.section, result.language, result.summary) == ("1.10", "0x1F", "no", "1e3")
    assert result.tags == ("1.10", "yes", "Treaty") and result.people == ("007", "Orla Venn")
    assert result.draft is True and result.extra == (("count", 3),)
    assert result.source.name == "1843" and result.imported.sha256 == "0123"
    assert [(a.rating, a.note) for a in result.annotations] == [("false", "12"), ("true", "n")]
    # Only text fields: a boolean is still wanted as one, and null still means nothing.
    assert messages(article("title: T\ndate: 2031-04-02\ndraft: 'yes'\ntags: [a, null]\nsummary: ~\n")) == [
        f"{PATH}:5: tags[1]: must be non-empty text",
        f"{PATH}:4: draft: must be true or false",
    ]


def test_an_alias_is_refused_on_its_own_line_and_column():
    result = article("title: &t Anchor\ndate: 2031-04-02\ntags:\n  - x\n  - *t\n")
    assert [(str(p), p.col) for p in result] == [
        (f"{PATH}:6: YAML aliases (*name) are not allowed in front matter: write the value out", 5)
    ]
    assert messages(article("title: &t Anchor\ndate: 2031-04-02\nsummary: *t\n")) == [
        f"{PATH}:4: YAML aliases (*name) are not allowed in front matter: write the value out"
    ]


def test_an_invisible_line_separator_that_breaks_the_yaml_is_named_on_its_own_line():
    result = article("title: Pasted\u2028headline\ndate: 2031-04-02\n")
    assert [(str(p), p.col) for p in result] == [(f"{PATH}:2: title: invisible line separator U+2028; delete it", 14)]
    result = article("title: T\ndate: 2031-04-02\nannotations:\n  - quote: q\n    note: >-\n      a\x85b\n")
    assert messages(result) == [f"{PATH}:7: annotations[0].note: invisible next line U+0085; delete it"]
    assert messages(article("title: T\u2029x\ndate: 2031-04-02\n")) == [f"{PATH}:2: title: invisible paragraph separator U+2029; delete it"]


def test_lines_after_a_quoted_line_separator_are_the_files():
    """Quoted, as PyYAML writes it (the importer does), a separator is read as written;
    YAML counts it as a line break, the file does not."""
    text = yaml.safe_dump({"title": "Pasted\u2028headline", "date": "2031-04-02", "tags": ["a", "a"]}, allow_unicode=True, sort_keys=False)
    assert "\u2028" in text
    result = article(text + "tilte: x\ntitle: again\n")
    assert messages(result) == [
        f"{PATH}:8: title: given twice (first on line 2)",
        f"{PATH}:7: tilte: unknown field; did you mean 'title'? (put custom data under extra:)",
    ]
    plain = text.replace("\u2028  ", " ")  # the same lines without it
    for after in ("x: [\n", "x: 'unclosed\n", "x: *y\n", "t: &y a\nu: *y\n"):
        assert [(str(p), p.col) for p in article(text + after)] == [(str(p), p.col) for p in article(plain + after)]


def test_a_body_read_as_yaml_hints_that_the_closing_fence_is_missing():
    text = "---\ntitle: Unclosed\ndate: 2031-04-02\n\nFirst paragraph of the body.\n\n---\n\nSecond part.\n"
    assert messages(parse_article(PATH, text)) == [
        (f"{PATH}:6: invalid YAML: could not find expected ':' (while scanning a simple key that starts on line 5);"
         " the closing '---' is probably missing after line 3 (the last field), before the text")
    ]
    # A blank line inside the front matter, then a field: no hint.
    assert "probably" not in messages(article("title: T\n\ndate: [x\n"))[0]
    assert "probably" not in messages(article("title: T\nsummary: |\n  one\n\n  two\nx: [\n"))[0]

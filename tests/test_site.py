"""Resolution: people, tags and outlets across the archive, in memory."""

from __future__ import annotations

from sitegen.config import Config
from sitegen.content import parse_archive
from sitegen.site import resolve
from sitegen.sourcefiles import SourceFile


def person(slug: str, front: str) -> SourceFile:
    return SourceFile(f"content/people/{slug}.md", f"---\n{front}---\n".encode())


def problems(people=(), articles=()) -> list[str]:
    archive = parse_archive(articles, people)
    assert not archive.problems, archive.problems
    _, found = resolve(archive, Config())
    return sorted(str(p) for p in found)


def test_a_name_or_alias_of_two_people_is_an_error_on_both_files():
    """Compared as lookups compare them (case-folded): first-wins would link the wrong person."""
    assert problems([
        person("ada-quill", "name: Ada Quill\naliases: [A. Quill, Wallace]\n"),
        person("bob-quill", "name: Bob Quill\naliases: [a. quill, Ada Quill]\n"),
        person("ben", "name: Ben Wallace\n"),
        person("ben-wallace", "name: Ben Wallace\naliases: [Ben]\n"),
    ]) == [  # on the line of the name or alias (the slug is the file's name: its first line)
        "content/people/ada-quill.md:2: name: 'Ada Quill' also means content/people/bob-quill.md (aliases 'Ada Quill'); a name or alias must mean one person only",
        "content/people/ada-quill.md:3: aliases: 'A. Quill' also means content/people/bob-quill.md (aliases 'a. quill'); a name or alias must mean one person only",
        "content/people/ben-wallace.md:2: name: 'Ben Wallace' also means content/people/ben.md (name 'Ben Wallace'); a name or alias must mean one person only",
        "content/people/ben-wallace.md:3: aliases: 'Ben' also means content/people/ben.md (slug 'ben'); a name or alias must mean one person only",
        "content/people/ben.md:1: slug: 'ben' also means content/people/ben-wallace.md (aliases 'Ben'); a name or alias must mean one person only",
        "content/people/ben.md:2: name: 'Ben Wallace' also means content/people/ben-wallace.md (name 'Ben Wallace'); a name or alias must mean one person only",
        "content/people/bob-quill.md:3: aliases: 'Ada Quill' also means content/people/ada-quill.md (name 'Ada Quill'); a name or alias must mean one person only",
        "content/people/bob-quill.md:3: aliases: 'a. quill' also means content/people/ada-quill.md (aliases 'A. Quill'); a name or alias must mean one person only",
    ]


def test_a_person_may_repeat_their_own_name_as_an_alias():
    assert problems([person("ada-quill", "name: Ada Quill\naliases: [ada quill, Ada-Quill]\n")]) == []


def test_a_clash_is_told_on_the_line_of_the_alias_in_a_list_of_lines():
    assert problems([
        person("ada-quill", "name: Ada Quill\naliases:\n  - A. Quill\n  - Harbour Master\n"),
        person("bob-quill", "name: Bob Quill\naliases:\n  - harbour   master\n"),  # spacing makes no other name
    ]) == [
        "content/people/ada-quill.md:5: aliases: 'Harbour Master' also means content/people/bob-quill.md (aliases 'harbour   master'); a name or alias must mean one person only",
        "content/people/bob-quill.md:4: aliases: 'harbour   master' also means content/people/ada-quill.md (aliases 'Harbour Master'); a name or alias must mean one person only",
    ]


def test_a_registry_name_is_found_whatever_its_capitals_and_spacing():
    archive = parse_archive([article("a", "people: ['  ada   QUILL ', quill a.]\n")], [person("ada-quill", "name: Ada Quill\naliases: ['Quill  A.']\n")])
    site, found = resolve(archive, Config())
    assert site.articles[0].people == ("ada-quill",) and found == []


def article(path: str, front: str) -> SourceFile:
    return SourceFile(f"content/articles/2031/04/{path}.md", f"---\ntitle: Fictional\ndate: 2031-04-02\n{front}---\nBody.\n".encode())


def test_tags_and_outlets_whose_spellings_make_one_address_are_errors():
    """'C++' and 'C#' both give /tags/c/: the merged tag would show one spelling on both articles."""
    assert problems(articles=[
        article("a", "tags:\n  - C++\n  - Treaty\nsource: {name: The Ledger}\n"),
        article("b", "tags: [C#, '!!!', treaty]\nsource: {name: The-Ledger}\n"),
        article("c", "tags:\n  - ' TREATY '\n  - '???'\n  - c++\nsource: {name: the  ledger}\n"),
    ]) == [
        "content/articles/2031/04/a.md:5: tags: 'C++' and 'C#' (content/articles/2031/04/b.md) make one tag, /tags/c/; write them the same, or rename one",
        "content/articles/2031/04/a.md:7: source.name: 'The Ledger' and 'The-Ledger' (content/articles/2031/04/b.md) make one outlet, /sources/the-ledger/; write them the same, or rename one",
        "content/articles/2031/04/b.md:4: tags: '!!!' and '???' (content/articles/2031/04/c.md) make one tag, /tags/untitled/; write them the same, or rename one",
        "content/articles/2031/04/b.md:4: tags: 'C#' and 'C++' (content/articles/2031/04/a.md) make one tag, /tags/c/; write them the same, or rename one",
        "content/articles/2031/04/b.md:5: source.name: 'The-Ledger' and 'The Ledger' (content/articles/2031/04/a.md) make one outlet, /sources/the-ledger/; write them the same, or rename one",
        "content/articles/2031/04/c.md:6: tags: '???' and '!!!' (content/articles/2031/04/b.md) make one tag, /tags/untitled/; write them the same, or rename one",
    ]

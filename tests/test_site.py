"""Resolution: people, tags and outlets across the archive, in memory."""

from __future__ import annotations

from sitegen.config import Config
from sitegen.content import SourceFile, parse_archive
from sitegen.site import resolve


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
    ]) == [
        "content/people/ada-quill.md:1: aliases: 'A. Quill' also means content/people/bob-quill.md (aliases 'a. quill'); a name or alias must mean one person only",
        "content/people/ada-quill.md:1: name: 'Ada Quill' also means content/people/bob-quill.md (aliases 'Ada Quill'); a name or alias must mean one person only",
        "content/people/ben-wallace.md:1: aliases: 'Ben' also means content/people/ben.md (slug 'ben'); a name or alias must mean one person only",
        "content/people/ben-wallace.md:1: name: 'Ben Wallace' also means content/people/ben.md (name 'Ben Wallace'); a name or alias must mean one person only",
        "content/people/ben.md:1: name: 'Ben Wallace' also means content/people/ben-wallace.md (name 'Ben Wallace'); a name or alias must mean one person only",
        "content/people/ben.md:1: slug: 'ben' also means content/people/ben-wallace.md (aliases 'Ben'); a name or alias must mean one person only",
        "content/people/bob-quill.md:1: aliases: 'Ada Quill' also means content/people/ada-quill.md (name 'Ada Quill'); a name or alias must mean one person only",
        "content/people/bob-quill.md:1: aliases: 'a. quill' also means content/people/ada-quill.md (aliases 'A. Quill'); a name or alias must mean one person only",
    ]


def test_a_person_may_repeat_their_own_name_as_an_alias():
    assert problems([person("ada-quill", "name: Ada Quill\naliases: [ada quill, Ada-Quill]\n")]) == []

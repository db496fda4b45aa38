"""People's names in running text: who of the registry is named, and who might be missing.

Pure functions, used by ``sitegen import`` to fill ``people`` and to suggest new
registry entries (``--suggest-people``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .model import PersonFile

Matcher = tuple[re.Pattern[str] | None, dict[str, str]]


def people_matcher(people: Iterable[PersonFile]) -> Matcher:
    """One regex over every name and alias (longest first), and which name each spelling means."""
    spelling: dict[str, str] = {}
    for person in people:
        for written in (person.name, *person.aliases):
            spelling.setdefault(written, person.name)
    if not spelling:
        return None, spelling
    names = sorted(spelling, key=lambda s: (-len(s), s))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)"), spelling


def find_people(
    texts: Iterable[str], matcher: Matcher
) -> list[str]:
    """Registry names of everyone named as a whole word, in order of first mention."""
    pattern, spelling = matcher
    found: dict[str, None] = {}
    if pattern is not None:
        for text in texts:
            for m in pattern.finditer(text):
                found.setdefault(spelling[m.group()])
    return list(found)


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Capitalised words that begin titles and institutions rather than personal names.
_NOT_NAME_WORDS = """a an the this that these his her its their our in on at of for with by from and but or
    as after before when while if mr mrs ms dr sir lord lady mayor president prime minister foreign
    defence defense secretary chief general staff deputy state ministry
    department office council committee house senate parliament government army navy
    forces news agency international united kingdom states union republic federation
    national royal north south east west new saint st january february march april may
    june july august september october november december monday tuesday wednesday thursday
    friday saturday sunday"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


def name_candidates(text: str) -> list[str]:
    """Runs of two or three capitalised words, after any title word: 'Minister Jane Roe' -> 'Jane Roe'."""
    found: list[str] = []
    run: list[str] = []
    starts_sentence = True
    previous_end = 0
    for m in _WORD.finditer(text):
        word, gap = m.group(), text[previous_end : m.start()]
        capitalised = word[0].isupper() and _LOWER_REST.sub("", word[1:]).islower()
        if run and (gap != " " or not capitalised or _POSSESSIVE.search(run[-1])):
            _close_run(run, starts_sentence, found)
            run = []
        if capitalised:
            if not run:
                starts_sentence = previous_end == 0 or bool(_SENTENCE_GAP.search(gap))
            run.append(word)
        previous_end = m.end()
    if run:
        _close_run(run, starts_sentence, found)
    return found


_LOWER_REST = re.compile(r"['’-]")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_GAP = re.compile(r"[.!?]")


def _close_run(run: list[str], starts_sentence: bool, found: list[str]) -> None:
    words = [_POSSESSIVE.sub("", w) for w in run]
    tail: list[str] = []
    for word in words:
        tail = [] if word.lower() in _NOT_NAMES else [*tail, word]
    if len(tail) == len(words) >= 3 and starts_sentence:  # "Librarian Petra Sollum said"
        tail = tail[1:]
    if 2 <= len(tail) <= 3:
        found.append(" ".join(tail))


def unknown_names(
    texts: Iterable[str], matcher: Matcher
) -> Counter[str]:
    """Candidate personal names outside the registry, with counts; registry names are blanked first."""
    pattern, _ = matcher
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(name_candidates(pattern.sub("·", text) if pattern else text))
    return counts


def ranked_suggestions(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most frequent first; 'Lowmere Jane Roe' counts for 'Jane Roe' when that is seen alone."""
    merged: Counter[str] = Counter()
    for name, count in counts.items():
        words = name.split()
        shorter = " ".join(words[1:])
        merged[shorter if len(words) == 3 and shorter in counts else name] += count
    return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))

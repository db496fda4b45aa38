"""``sitegen check``: which problems to show, and how (text, GitHub annotations, JSON).

The validation itself is the build's (``build.load``, with the link and image checks a
build makes only under --strict); this module adds what only a reviewer needs (likely tag
typos, and with --changed-since the addresses a change leaves to nothing: ``departures``),
narrows the problems to what a pull request touches, and prints them.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TextIO

from .build import Options, configure, load, no_full_collections, read
from .cache import Cache
from .config import Config, load_config
from .content import Archive, parse_article, parse_page, parse_person, parse_term
from .departures import Before, departures
from .errors import WARNING, BuildFailed, Invalid, Problem, SitegenError
from .model import ArticleFile, PageFile, PersonFile, TermFile
from .schema import TERM_FOLDERS
from .site import name_key, term_registries, terms_of
from .slugs import slugify

# A change to these files can change every page, so --changed-since checks everything.
SITE_WIDE = ("sitegen.toml", "pyproject.toml")


def tag_hints(articles: Sequence[ArticleFile], cutoff: float = 0.8, entries: Sequence[TermFile] = ()) -> list[Problem]:
    """A tag only one article uses, close to a tag several use, is probably a typo; pure.
    ``entries``: the tags' entries, whose names and aliases are one tag, suggested by its name."""
    registry = term_registries(entries)["tag"]
    page = {name: registry.slug_for(name) for name in dict.fromkeys(t for a in articles for t in a.tags)}  # a few names, each on many articles
    users = Counter(slug for a in articles for slug in {page[name] for name in a.tags})  # page -> how many articles are on it
    spelling = {slug: name for name, slug in reversed(page.items())}  # page -> the name to suggest: the first written
    spelling.update({slug: entry.name for slug, entry in registry.files.items()})
    # Each name a page several articles are on goes by, as a slug -> the page.
    known = {slug: slug for slug, n in users.items() if n > 1}
    known.update({slugify(name): slug for name, slug in page.items() if users[slug] > 1})
    known.update({slugify(n): slug for slug, entry in registry.files.items() if users[slug] > 1 for n in (entry.name, *entry.aliases)})
    common = sorted(known)
    out = []
    for a in articles:
        for i, name in enumerate(a.tags):
            if users[page[name]] != 1:
                continue
            close = difflib.get_close_matches(slugify(name), common, n=1, cutoff=cutoff)
            if close and known[close[0]] != page[name]:
                line = a.field_lines.get(f"tags[{i}]", a.field_lines.get("tags", 1))
                message = f"{name!r} is used by no other article; did you mean {spelling[known[close[0]]]!r}?"
                out.append(Problem(a.path, line, "tags", message, WARNING))
    return out


def _git(root: Path, *args: str, paths: bool = False) -> list[str]:
    """Git's output lines; given ``paths``, its -z output (a path as it is: one with non-ASCII
    characters is otherwise quoted and escaped, and would match no file)."""
    if paths:
        args = (args[0], "-z", *args[1:])
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=False,
            encoding="utf-8", errors="surrogateescape",  # as os.fsdecode makes the paths it is compared with
        )
    except OSError as exc:
        raise SitegenError(f"--changed-since needs git: {exc}") from None
    if done.returncode:
        if "not a git repository" in done.stderr.lower():
            raise SitegenError(f"--changed-since: {root} is not in a git repository")
        first = next((line.strip() for line in done.stderr.splitlines() if line.strip()), f"status {done.returncode}")
        raise SitegenError(f"--changed-since: git {' '.join(args)}: {first}")  # one line, not git's usage text
    return [line for line in done.stdout.split("\0" if paths else "\n") if line]


def changed_files(root: Path, ref: str) -> set[str]:
    """Files changed since ``ref`` on this branch, changed in the work tree, or new (I/O).
    A renamed file is there by both names: what linked to the old one may be broken."""
    return {
        *_git(root, "diff", "--name-only", "--no-renames", "--relative", f"{ref}...HEAD", "--", paths=True),
        *_git(root, "diff", "--name-only", "--no-renames", "--relative", "HEAD", "--", paths=True),
        *_git(root, "ls-files", "--others", "--exclude-standard", paths=True),
    }


def before(root: Path, ref: str, changed: Iterable[str]) -> Before:
    """The changed files as they were (I/O). A removed name or alias matters to the articles
    that used it, and a removed or moved page to whatever links to its address: only the
    old files still say which ones those are."""
    (base,) = _git(root, "merge-base", ref, "HEAD")
    found: dict[str, list] = {"articles": [], "people": [], "pages": [], "tags": [], "outlets": []}
    parsers = {"articles": parse_article, "people": parse_person, "pages": parse_page, "tags": parse_term, "outlets": parse_term}
    added = set()
    for path in sorted(changed):
        kind = next((k for k in found if path.startswith(f"content/{k}/")), "")
        if not (kind and path.endswith(".md")):
            continue
        if (data := _at(root, base, path)) is None:
            added.add(path)
            continue
        parsed = parsers[kind](path, data)
        if isinstance(parsed, (ArticleFile, PersonFile, PageFile, TermFile)):
            found[kind].append(parsed)
    status = iter(_git(root, "diff", "--name-status", "--find-renames", "--relative", base, "--", paths=True))
    renamed = {}
    for code in status:  # -z: a status, then its path, or both paths of a rename
        if code.startswith("R"):
            old, new = next(status), next(status)
            renamed[old] = new
        else:
            next(status)
    then = _config_at(root, base) if set(SITE_WIDE) & set(changed) else None
    permalinks, data = (then.permalinks, then.data) if then else (None, None)
    terms = (*found["tags"], *found["outlets"])
    return Before(ref, tuple(found["articles"]), tuple(found["people"]), renamed, permalinks, frozenset(added), tuple(found["pages"]), data, terms)


def _at(root: Path, base: str, path: str) -> bytes | None:
    done = subprocess.run(["git", "-C", str(root), "show", f"{base}:./{path}"], capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def _config_at(root: Path, base: str) -> Config | None:
    """The config at ``base`` (I/O); None if it cannot be read."""
    with tempfile.TemporaryDirectory() as folder:
        for name in SITE_WIDE:
            if (data := _at(root, base, name)) is not None:
                (Path(folder) / name).write_bytes(data)
        try:
            return load_config(Path(folder))
        except SitegenError:
            return None


def affected(
    archive: Archive, changed: Iterable[str], previous: Sequence[PersonFile] = (), previous_entries: Sequence[TermFile] = (),
) -> set[str] | None:
    """The changed files plus the articles their problems can depend on; None means all; pure.

    A changed person file affects the articles naming that person (by any name it
    has now or had in ``previous``), and a changed tag's or outlet's entry those giving
    it any name it has now or had (``previous_entries``); a changed article affects the
    articles, pages and entries linking to it and those it could duplicate (same URL slug
    or same source URL); a changed page of the archive's own, the articles, pages and
    entries linking to it.
    """
    changed = {PurePosixPath(p).as_posix() for p in changed}
    if changed & set(SITE_WIDE):
        return None
    names: set[str] = set()
    person_slugs: set[str] = set()
    for path in changed:
        if path.startswith("content/people/") and path.endswith(".md"):
            person_slugs.add(slugify(PurePosixPath(path).stem))
    for p in (*archive.people, *previous):
        if p.slug in person_slugs:
            names.update(name_key(n) for n in (p.slug, p.name, *p.aliases))
    entries = {(TERM_FOLDERS[path.split("/")[1]], slugify(PurePosixPath(path).stem)) for path in changed
               if path.count("/") == 2 and path.split("/")[1] in TERM_FOLDERS}
    entry_urls = {f"/{slug}/" for _, slug in entries}  # its page, which articles, pages and entries may link to
    entry_slugs, entry_names = _renamed_entries(entries, [t for t in archive.terms if t.path in changed], previous_entries)
    touched = [a for a in archive.articles if a.path in changed]
    linked = {slugify(PurePosixPath(p).stem) for p in changed if p.startswith("content/articles/")}
    keys = {(a.date.year, a.date.month, a.slug) for a in touched}
    sources = {a.source.identity for a in touched if a.source and a.source.identity}  # its url, or its archived copy's original
    pages_linked = {f"/{slugify(PurePosixPath(p).stem)}/" for p in changed if p.startswith("content/pages/")}
    out = set(changed)
    texts = [(page.path, page.body) for page in archive.pages] + [(t.path, t.text) for t in archive.terms]
    for path, text in texts:  # may link to a moved or removed article, page or entry's page
        if any(f"{slug}/" in text for slug in linked) or any(url in text for url in (*pages_linked, *entry_urls)):
            out.add(path)
    for a in archive.articles:
        if any(url in a.body for url in (*pages_linked, *entry_urls)):
            out.add(a.path)
        if any(name_key(n) in names or slugify(n) in person_slugs for n in a.people):
            out.add(a.path)
        if entry_slugs and any((kind, name_key(n)) in entry_names or (kind, slugify(n)) in entry_slugs for kind, n in terms_of(a)):
            out.add(a.path)
        if any(f"{slug}/" in a.body for slug in linked):  # may link to a moved or removed article
            out.add(a.path)
        if (a.date.year, a.date.month, a.slug) in keys:
            out.add(a.path)
        if a.source and a.source.identity in sources:
            out.add(a.path)
    return out


def _renamed_entries(
    changed: set[tuple[str, str]], now: Sequence[TermFile], then: Sequence[TermFile],
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Of the changed entries ((kind, slug)), those whose names changed (or that came, went or
    do not parse now): their pages and every name they have or had, as (kind, name_key). An
    entry's description or text alone leaves its articles' problems as they were."""
    def names(files: Sequence[TermFile], key: tuple[str, str]) -> set[str]:
        return {name_key(n) for t in files if (t.kind, t.slug) == key for n in (t.slug, t.name, *t.aliases)}

    moved = {key for key in changed if names(now, key) != names(then, key)}
    return moved, {(key[0], n) for key in moved for n in names(now, key) | names(then, key)}


def _where(p: Problem) -> str:
    return f"{p.path}:{p.line}:{p.col}" if p.line else p.path


def _text(p: Problem) -> str:
    return f"{p.field}: {p.message}" if p.field else p.message


def format_text(problems: Iterable[Problem]) -> list[str]:
    """``path:line:col: error|warning: field: message``, the shape editors and CI parse."""
    return [f"{_where(p)}: {p.severity}: {_text(p)}" for p in sorted(set(problems))]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Iterable[Problem]) -> list[str]:
    """GitHub Actions workflow commands, so problems show on the pull request's diff."""
    out = []
    for p in sorted(set(problems)):
        props = [f"file={_escape_property(p.path)}"]
        if p.line:
            props += [f"line={p.line}", f"col={p.col}"]
        props.append(f"title={_escape_property('sitegen check: ' + (p.field or p.severity))}")
        out.append(f"::{p.severity} {','.join(props)}::{_escape_data(p.message)}")
    return out


def format_json(problems: Iterable[Problem], strict: bool = False) -> str:
    """One JSON document for tools; sorted, so the same archive gives the same bytes."""
    ordered = sorted(set(problems))
    errors = sum(p.is_error for p in ordered)
    data = {
        "problems": [
            {"path": p.path, "line": p.line, "col": p.col, "severity": p.severity, "field": p.field, "message": p.message}
            for p in ordered
        ],
        "errors": errors,
        "warnings": len(ordered) - errors,
        "strict": strict,
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


def exit_code(problems: Sequence[Problem], strict: bool) -> int:
    """1 on any error, or on any warning under --strict; else 0."""
    return 1 if any(p.is_error for p in problems) or (strict and problems) else 0


@no_full_collections()  # as a build: ~0.5 s of a 2 s check at 10k articles
def run(
    options: Options,
    fmt: str = "text",
    changed_since: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """The ``check`` command: validate, add link checks and tag hints, narrow, print; return the exit code."""
    out, err, env = out or sys.stdout, err or sys.stderr, os.environ if env is None else env
    strict = options.strict
    try:
        config = configure(options)
    except Invalid as invalid:  # reported like every other problem, in the format asked for
        return _print(invalid.problems, fmt, strict, out, err, env)
    cache = Cache.open(options.root) if options.cache else Cache.disabled()  # shared with build: parses, bodies, links
    archive = read(options, cache)
    try:
        _, problems = load(replace(options, strict=False), config, cache, archive, links=True)
    except BuildFailed as failed:
        problems = list(failed.problems)  # the links of the files that parsed among them
    chosen = [a for a in archive.articles if options.drafts or not a.draft]
    if not any(path.startswith("content/tags/") for path in archive.failed):  # an entry's errors first: its names are not known
        problems = [*problems, *tag_hints(chosen, entries=archive.terms)]
    if changed_since:
        changed = changed_files(options.root, changed_since)
        old = before(options.root, changed_since, changed)
        problems += departures(archive, config, old, options.drafts)
        keep = affected(archive, changed, old.people, old.terms)
        if keep is not None:
            problems = [p for p in problems if p.path in keep]
    code = _print(problems, fmt, strict, out, err, env)
    cache.save()
    return code


def _print(problems: Sequence[Problem], fmt: str, strict: bool, out: TextIO, err: TextIO, env: Mapping[str, str]) -> int:
    if fmt == "json":
        print(format_json(problems, strict), file=out)
    else:
        for line in format_text(problems):
            print(line, file=out)
        if env.get("GITHUB_ACTIONS") == "true":
            for line in format_github(problems):
                print(line, file=out)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    under = "; --strict: warnings fail the check" if strict and warnings else ""  # else the exit status 1 looks unexplained
    print(f"{errors} error(s), {warnings} warning(s){under}", file=err)
    return exit_code(problems, strict)

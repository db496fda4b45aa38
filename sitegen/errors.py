"""Problems found in an archive, and how they are reported.

A stage never raises on bad content: it returns ``Problem`` values, so one run
reports every problem in every file. Only the CLI decides to stop.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    severity: str = ERROR
    col: int = 1

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class SitegenError(Exception):
    """An expected failure: the CLI prints it without a traceback."""


class Invalid(SitegenError):
    """The archive cannot be read as set up (no such folder, a bad config): its problems,
    printed like content problems (and as JSON by ``check --format json``)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildFailed(SitegenError):
    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        errors = sum(p.is_error for p in self.problems)
        super().__init__(f"build failed: {errors} error(s)")

    def __reduce__(self) -> tuple[type, tuple[tuple[Problem, ...]]]:
        # Made again from its problems, not its message: it crosses a pipe from a forked process.
        return (type(self), (self.problems,))


def strict(problems: Iterable[Problem]) -> list[Problem]:
    """``--strict``: every warning counts as an error."""
    return [
        Problem(p.path, p.line, p.field, p.message, ERROR, p.col) if not p.is_error else p
        for p in problems
    ]


def format_problems(problems: Iterable[Problem], group_over: int = 3) -> list[str]:
    """One line per problem, errors first; a warning repeated in many places is grouped.

    At 10k articles one missing registry entry can warn thousands of times; a
    grouped line keeps the real errors visible.
    """
    ordered = sorted(set(problems), key=lambda p: (not p.is_error, p.path, p.line, p.field))
    lines: list[str] = []
    groups: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in ordered:
        if p.is_error:
            lines.append(f"{p.severity}: {p}")
        else:
            groups[(p.field, p.message)].append(p)
    for (field, message), group in groups.items():
        if len(group) <= group_over:
            lines.extend(f"warning: {p}" for p in group)
            continue
        places = ", ".join(f"{p.path}:{p.line}" for p in group[:group_over])
        more = len(group) - group_over
        lines.append(f"warning: {field}: {message} ({len(group)} places: {places} and {more} more)")
    return lines

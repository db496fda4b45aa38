"""Charts of mentions over time, drawn as SVG at build time: no JavaScript, text alternative included.

Every function is pure and deterministic: the same counts give byte-identical SVG, and element
ids are derived from the data so several charts can share a page.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache, lru_cache
from html import escape
from typing import Protocol

from markupsafe import Markup
from markupsafe import escape as quick_escape  # C: every axis label of every chart


class Words(Protocol):
    """What a chart says, in the site's language (``translation.Catalog``)."""

    def text(self, key: str, count: int | None = None, **values: object) -> str: ...
    def month_of(self, key: str, month: str) -> str: ...
    def markup(self, key: str, count: int | None = None, **values: object) -> Markup: ...
    def memo(self, name: str) -> dict: ...
    def number(self, value: int) -> str: ...


@cache
def _month_key(months: int) -> str:
    """'YYYY-MM' of a count of months since year 0 (one text per month, shared by every chart)."""
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def month_number(day: date) -> int:
    """Months since year 0: what a chart counts by."""
    return day.year * 12 + day.month - 1


def counts_by_month(months: Iterable[int], span: tuple[int, int] | None = None) -> list[tuple[str, int]]:
    """Counts per 'YYYY-MM' from the first to the last month (each given as its
    ``month_number``), or over ``span`` (first, last) when given, empty months as 0, so gaps show."""
    counter = Counter(months)
    if span is None:
        if not counter:
            return []
        span = (min(counter), max(counter))
    count = counter.get  # not counter[m]: a month without any calls Counter.__missing__
    return [(key, count(m, 0)) for m, key in zip(range(span[0], span[1] + 1), _keys(*span))]


@lru_cache(maxsize=1 << 12)  # every sparkline of the people index shares the archive's span
def _keys(first: int, last: int) -> tuple[str, ...]:
    return tuple(_month_key(m) for m in range(first, last + 1))


def _ident(kind: str, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:10]
    return f"{kind}-{digest}"


@lru_cache(maxsize=1 << 16)  # charts share most coordinates: bar places, heights of small counts
def _num(value: float) -> str:
    """Coordinates with at most two decimals and no trailing zeros, for stable, small output."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _month(words: Words, key: str, pattern: str = "date_month_short") -> str:
    """'Oct 2024' (or 'Oct', given "date_month_name_short") of a 'YYYY-MM' key."""
    return words.month_of(pattern, key)


def describe(words: Words, counts: Sequence[tuple[str, int]]) -> str:
    """A one-sentence summary of the counts: the chart's text alternative."""
    active = [(key, n) for key, n in counts if n]  # a chart over a wider span: its own months
    total = sum(n for _, n in active)
    if not total:
        return words.text("chart_none")
    # Months written out: a screen reader reads "Jul" as a word ("im Jul 2016").
    first, last = _month(words, active[0][0], "date_month"), _month(words, active[-1][0], "date_month")
    if len(active) == 1:
        return words.text("chart_one_month", count=total, month=first)
    peak_key, peak = max(active, key=lambda c: c[1])
    if sum(n == peak for _, n in active) > 1:  # "most in" the first of equals would single it out
        return words.text("chart_span_even", count=total, first=first, last=last, peak=peak)
    return words.text("chart_span_peak", count=total, first=first, last=last, month=_month(words, peak_key, "date_month"), peak=peak)


def _axis_labels(words: Words, keys: Sequence[str]) -> list[tuple[int, str]]:
    """Month labels that do not crowd: every month up to a year, else only the years."""
    labels = []
    for i, key in enumerate(keys):
        year, month = key.split("-")
        if len(keys) <= 12:
            text = _month(words, key) if i == 0 or month == "01" else _month(words, key, "date_month_name_short")
        elif len(keys) <= 36 and month in ("01", "07"):
            text = _month(words, key)
        elif month == "01" and (len(keys) <= 120 or int(year) % 5 == 0):
            text = year
        else:
            continue
        labels.append((i, text))
    return labels


def _narrow_axis_labels(words: Words, keys: Sequence[str]) -> list[tuple[int, str]]:
    """Fewer labels, for the chart shrunk to a phone's width and drawn twice as large:
    each quarter's first month up to a year, else the years (every other one past five)."""
    labels = []
    for i, key in enumerate(keys):
        year, month = key.split("-")
        if len(keys) <= 12:
            if i % 3 == 0:
                labels.append((i, _month(words, key) if i == 0 or month == "01" else _month(words, key, "date_month_name_short")))
        elif month == "01" and (len(keys) <= 60 or int(year) % (2 if len(keys) <= 120 else 5) == 0):
            labels.append((i, year))
    return labels


# On a phone the 640-unit chart is drawn ~343 px wide: its 11-unit labels would be 6 px tall.
# A second set, twice the size and half as many, is what the theme shows there (hidden
# by a presentation attribute, which any style sheet's rule overrides).
NARROW_FONT = 22


def timeline_svg(
    words: Words, counts: Sequence[tuple[str, int]], title: str, *, width: int = 640, height: int = 200
) -> str:
    """A bar chart of counts per month, with axis labels and a title/description for screen readers."""
    ident = _ident("timeline", title, tuple(counts), width, height)
    peak = max((n for _, n in counts), default=0)
    left, right, top, bottom = 36 if peak < 100 else 48, 8, 12, 36  # room for a large peak's label
    plot_w, plot_h = width - left - right, height - top - bottom
    scale = max(peak, 1)
    slot = plot_w / max(len(counts), 1)
    bar_w = min(max(slot * 0.8, 1.0), 28.0)  # a month or two must not fill the chart as one slab
    base = top + plot_h
    peak_text = words.number(peak)  # "1,234", "1.234": as the language writes it
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--timeline" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc">'
        ),
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(describe(words, counts))}</desc>',
        '<g class="chart-axis" stroke="currentColor" stroke-width="1">',
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}"/></g>',
        '<g class="chart-labels" fill="currentColor" font-size="11" font-family="sans-serif">',
        f'<text x="{left - 4}" y="{base}" text-anchor="end">0</text>',
    ]
    if peak:
        parts.append(f'<text x="{left - 4}" y="{top + 10}" text-anchor="end">{peak_text}</text>')
    for i, label in _axis_labels(words, [key for key, _ in counts]):
        x = left + slot * i + slot / 2
        parts.append(
            f'<text x="{_num(x)}" y="{top + plot_h + 14}" text-anchor="middle">{quick_escape(label)}</text>'
        )
    parts.append("</g>")
    parts.append(
        f'<g class="chart-labels-narrow" fill="currentColor" font-size="{NARROW_FONT}" font-family="sans-serif" display="none">'
        f'<text x="{left - 4}" y="{base}" text-anchor="end">0</text>'
    )
    if peak:
        parts.append(f'<text x="{left - 4}" y="{top + 16}" text-anchor="end">{peak_text}</text>')
    for i, label in _narrow_axis_labels(words, [key for key, _ in counts]):
        x = left + slot * i + slot / 2
        parts.append(f'<text x="{_num(x)}" y="{top + plot_h + 24}" text-anchor="middle">{quick_escape(label)}</text>')
    parts.append("</g>")
    parts.append('<g class="chart-bars" fill="currentColor">')
    width_text = _num(bar_w)
    titles = words.memo("chart_bar")  # (month, count) -> title: ~2k charts at 10k articles, ~45 bars each
    for i, (key, n) in enumerate(counts):
        if not n:
            continue  # its slot stays empty: a bar of no height only weighs on the page (84% of the bars of the bench's 10k archive)
        bar_h = plot_h * n / scale
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h - bar_h
        title = titles.get((key, n))
        if title is None:
            title = titles[(key, n)] = words.markup("chart_bar", month=_month(words, key), count=n)
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{width_text}" height="{_num(bar_h)}" '
            f'data-month="{key}" data-count="{n}"><title>{title}</title></rect>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


def sparkline_svg(
    counts: Sequence[tuple[str, int]],
    label: str | None = None,
    *,
    width: int = 80,
    height: int = 16,
) -> str:
    """A small line of counts per month; decorative (hidden) unless given a label to announce.
    A single month is a dot, not a line: a line says "every month this many"."""
    values = [n for _, n in counts]
    scale = max(max(values, default=0), 1)
    step = width / max(len(values) - 1, 1)
    # A point between two of its own value lies on their straight line: left out, the line
    # is drawn the same (most months of most people are empty).
    # Only the ends and the months at or beside a mention can bend (a line over the
    # archive's span is mostly zeros): looked for there, not along the whole line.
    last = len(values) - 1
    near = {j for i, n in enumerate(values) if n for j in (i - 1, i, i + 1) if 0 < j < last}
    inner = (i for i in sorted(near) if values[i - 1] != values[i] or values[i] != values[i + 1])
    bends = [0, *inner, last] if last > 0 else list(range(len(values)))
    points = " ".join(
        f"{_num(i * step)},{_num(height - 1 - (height - 2) * values[i] / scale)}" for i in bends
    )
    if label:
        # Its <title> names it (SVG-AAM) and is its tooltip: no id, as the many alike charts
        # of one page (every person with one mention in the same month) would share it.
        head = f'role="img"><title>{escape(label)}</title>'
    else:
        head = 'aria-hidden="true" focusable="false">'
    if len(values) == 1:
        y = height - 1 - (height - 2) * values[0] / scale
        line = f'<circle cx="{_num(width / 2)}" cy="{_num(min(max(y, 2.5), height - 2.5))}" r="2.5" fill="currentColor"/>'
    elif counts:
        line = (
            f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    else:
        line = ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--sparkline" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'{head}{line}</svg>'
    )
